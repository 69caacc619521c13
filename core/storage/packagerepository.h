#pragma once

#include "domain/package.h"
#include "util/result.h"

#include <QSqlDatabase>

#include <vector>

namespace lmo {

class PackageRepository
{
public:
    explicit PackageRepository(QSqlDatabase db) : m_db(std::move(db)) {}

    // Inserts and sets rowId.
    Result<void> insert(Package &package);
    Result<void> insertVersion(PackageVersion &version);

    Result<std::vector<Package>> all();
    Result<std::vector<PackageVersion>> versionsOf(qint64 packageRowId);

private:
    QSqlDatabase m_db;
};

} // namespace lmo
