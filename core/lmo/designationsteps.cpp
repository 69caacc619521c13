#include "lmo/designationsteps.h"

namespace lmo {

const std::vector<DesignationStep> &designationSteps()
{
    static const std::vector<DesignationStep> steps{
        {1, QStringLiteral("Pick the right org"),
         QStringLiteral("Every license of every install lands in this org, for good. A Developer Edition, trial, "
                        "scratch org or sandbox expires, and the license history becomes unreachable with it."),
         QStringLiteral("A permanent, paid production org (usually your primary one): who needs license data, what "
                        "it must integrate with, and how stable the org will be for years.")},
        {2, QStringLiteral("Register through the Partner Console"),
         QStringLiteral("Registering your first managed package is what links it to the LMO; each package is tied "
                        "to exactly one LMO."),
         QStringLiteral("The packages to link (name, namespace, 033 package id) and the registration date.")},
        {3, QStringLiteral("Install the License Management App"),
         QStringLiteral("The LMA brings the Licenses, Packages, Package Versions and Subscribers tabs; without it "
                        "installs create no license records you can see."),
         QStringLiteral("Install the LMA in the chosen org and confirm License and Subscriber data appear.")},
        {4, QStringLiteral("Configure user permissions"),
         QStringLiteral("License records decide what customers can use. The default sharing is permissive, so "
                        "anyone in the org may see or change them until you restrict it."),
         QStringLiteral("Who gets read or edit access: partner ops, customer success and support; everyone else "
                        "restricted.")},
        {5, QStringLiteral("Build dashboards and integrations"),
         QStringLiteral("Install-base metrics, billing and support workflows all read the LMO, and its data storage "
                        "and API limits apply to them."),
         QStringLiteral("The dashboards to use, the billing system (Stripe, NetSuite) and the integration pattern "
                        "(Apex triggers, REST endpoints, iPaaS).")},
        {6, QStringLiteral("Document the org as the LMO"),
         QStringLiteral("A future admin who does not know what the org is may retire it or treat it as a sandbox."),
         QStringLiteral("A runbook naming the org as the LMO, why it was chosen, and what must never be done to it.")},
    };
    return steps;
}

QString designationPermanenceWarning()
{
    return QStringLiteral(
        "Designation is effectively permanent. Switching needs a Partner Support case, license records do not "
        "migrate, and existing installs stay in the old LMO while new installs go to the new one.");
}

} // namespace lmo
