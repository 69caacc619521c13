#pragma once

#include <QString>

#include <vector>

namespace lmo {

// The six steps of designating a License Management Org (docs/domain.md, "The six steps"), as plain data the setup
// page and the wizard both show.
struct DesignationStep
{
    int number = 0;
    QString title;
    QString why;     // why it matters, in two or three plain sentences
    QString decides; // what the step asks the partner to decide or do
};

const std::vector<DesignationStep> &designationSteps();

// The warnings that hold for every LMO, whatever the org.
QString designationPermanenceWarning();

} // namespace lmo
