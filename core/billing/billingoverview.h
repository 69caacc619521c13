#pragma once

// Everything the Billing page shows, read in one go on a connection of the caller's (a job's):
// the reconciliation, the link proposals and the links kept, the plans the billing names and
// the packages they may be said to pay for.

#include "billing/links.h"
#include "billing/reconcile.h"

#include <QStringList>

#include <utility>
#include <vector>

namespace lmo::billing {

struct BillingOverview
{
    Reconciliation result; // result.subscriptions == 0: no billing imported
    std::vector<LinkProposal> proposals;
    std::vector<KeptLink> links;
    std::vector<PlanPackage> plans;                      // what a user said
    std::vector<std::pair<QString, QString>> seenPlans;  // every (source, plan or product) the billing names
    QStringList packages;                                // the database's, by name
};

Result<BillingOverview> readBillingOverview(QSqlDatabase db, const ReconcileOptions &options);

// Every (source, plan or else product) the subscriptions name, in order.
Result<std::vector<std::pair<QString, QString>>> billedPlans(QSqlDatabase db);

} // namespace lmo::billing
