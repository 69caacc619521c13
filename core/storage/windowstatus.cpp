#include "storage/windowstatus.h"

#include "lmo/lmoprofile.h"
#include "storage/sqlutil.h"

namespace lmo {

Result<LmoIndicator> readLmoIndicator(QSqlDatabase db)
{
    auto lmo = LmoRepository(std::move(db)).current();
    if (!lmo)
        return lmo.error();
    LmoIndicator indicator;
    indicator.designated = lmo->designatedAt.isValid();
    indicator.pagesDone = lmo->pagesDone;
    indicator.name = lmo->org.name;
    indicator.orgId = lmo->org.orgId.left(15);
    return indicator;
}

Result<bool> hasLicenses(QSqlDatabase db)
{
    auto any = queryNumber(db, QStringLiteral("SELECT COUNT(*) FROM (SELECT 1 FROM licenses LIMIT 1) AS one"),
                           QStringLiteral("looking for licenses"));
    if (!any)
        return any.error();
    return any.value() > 0;
}

} // namespace lmo
