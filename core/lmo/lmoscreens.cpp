#include "lmo/lmoscreens.h"

#include "storage/packagerepository.h"
#include "storage/sqlutil.h"

namespace lmo {

Result<LmoOverview> readLmoOverview(QSqlDatabase db)
{
    LmoRepository repository(db);
    LmoOverview out;
    auto current = repository.current();
    if (!current)
        return current.error();
    out.current = std::move(current.value());
    auto known = repository.all();
    if (!known)
        return known.error();
    out.known = std::move(known.value());
    if (out.current.designatedAt.isValid()) {
        auto former = repository.former();
        if (!former)
            return former.error();
        out.former = std::move(former.value());
    }
    if (out.known.size() > 1) {
        auto counted = repository.licensesByLmo();
        if (!counted)
            return counted.error();
        out.licensesByLmo = std::move(counted.value());
    }
    if (auto packages = PackageRepository(db).all())
        out.packages = std::move(packages.value());
    else
        out.packagesError = packages.error().message;
    return out;
}

Result<LmoWizardStart> readLmoWizardStart(QSqlDatabase db, const QDate &today)
{
    LmoRepository repository(db);
    LmoWizardStart out;
    auto current = repository.current();
    if (!current)
        return current.error();
    out.current = std::move(current.value());
    auto former = repository.former();
    if (!former)
        return former.error();
    out.former = std::move(former.value());
    auto packages = PackageRepository(db).all();
    if (!packages)
        return packages.error();
    out.packages = std::move(packages.value());
    auto licenses = queryNumber(db, QStringLiteral("SELECT COUNT(*) FROM licenses"), QStringLiteral("counting licenses"));
    if (!licenses)
        return licenses.error();
    out.licenses = licenses.value();
    auto year = repository.licensesInstalledAfter(today.addYears(-1));
    if (!year)
        return year.error();
    out.installedLastYear = year.value();
    return out;
}

Result<void> recordLmoDesignation(QSqlDatabase db, const LmoProfile &profile, const std::optional<QDate> &switchOn)
{
    LmoRepository repository(db);
    return switchOn ? repository.switchTo(profile, *switchOn) : repository.save(profile);
}

} // namespace lmo
