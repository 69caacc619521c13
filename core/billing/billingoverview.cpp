#include "billing/billingoverview.h"

#include "storage/packagerepository.h"
#include "storage/sqlutil.h"

#include <QSqlQuery>

namespace lmo::billing {

Result<std::vector<std::pair<QString, QString>>> billedPlans(QSqlDatabase db)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT DISTINCT source, COALESCE(plan, product) FROM billing_subscriptions "
                               "WHERE COALESCE(plan, product) IS NOT NULL ORDER BY 1, 2")))
        return sqlError(q.lastError(), QStringLiteral("reading billing plans"));
    std::vector<std::pair<QString, QString>> out;
    while (q.next())
        out.emplace_back(q.value(0).toString(), q.value(1).toString());
    return out;
}

Result<BillingOverview> readBillingOverview(QSqlDatabase db, const ReconcileOptions &options)
{
    BillingOverview view;
    auto r = reconcile(db, options);
    if (!r)
        return r.error();
    view.result = std::move(r.value());
    auto proposals = proposeLinks(db);
    if (!proposals)
        return proposals.error();
    view.proposals = std::move(proposals.value());
    auto links = keptLinks(db);
    if (!links)
        return links.error();
    view.links = std::move(links.value());
    auto plans = planPackages(db);
    if (!plans)
        return plans.error();
    view.plans = std::move(plans.value());
    auto seen = billedPlans(db);
    if (!seen)
        return seen.error();
    view.seenPlans = std::move(seen.value());
    auto packages = PackageRepository(db).all();
    if (!packages)
        return packages.error();
    for (const Package &p : packages.value())
        view.packages << p.name;
    view.packages.sort(Qt::CaseInsensitive);
    return view;
}

} // namespace lmo::billing
