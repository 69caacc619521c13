// The packages and versions an import knows: read once, looked up, created when a file names a new one.
#include "import/fileimport.h"

#include "storage/sqlutil.h"

namespace lmo::importing {

void FileImport::forgetPackages()
{
    m_packageBySfId.clear();
    m_packageBy033.clear();
    m_packageByName.clear();
    m_packagesWithSfId.clear();
    m_packagesWith033.clear();
    m_versionBySfId.clear();
    m_versionByName.clear();
    m_numberOfVersion.clear();
    m_versionByNumber.clear();
    m_packageMemo.clear();
    m_versionMemo.clear();
}

Result<void> FileImport::loadPackages()
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT id, sf_id, package_id, name FROM packages")))
        return sqlError(q.lastError(), QStringLiteral("reading the packages"));
    while (q.next()) {
        const qint64 row = q.value(0).toLongLong();
        if (!q.value(1).isNull()) {
            m_packageBySfId.insert(q.value(1).toString(), row);
            m_packagesWithSfId.insert(row);
        }
        if (!q.value(2).isNull()) {
            m_packageBy033.insert(q.value(2).toString(), row);
            m_packagesWith033.insert(row);
        }
        m_packageByName.insert(q.value(3).toString(), row);
    }
    if (!q.exec(QStringLiteral("SELECT id, sf_id, package_ref, version_number, name FROM package_versions")))
        return sqlError(q.lastError(), QStringLiteral("reading the package versions"));
    while (q.next()) {
        const qint64 row = q.value(0).toLongLong();
        if (!q.value(1).isNull())
            m_versionBySfId.insert(q.value(1).toString(), row);
        m_versionByNumber.insert(qMakePair(q.value(2).toLongLong(), q.value(3).toString()), row);
        if (!q.value(4).isNull())
            m_versionByName.insert(qMakePair(q.value(2).toLongLong(), q.value(4).toString()), row);
        m_numberOfVersion.insert(row, q.value(3).toString());
    }
    return {};
}

Result<qint64> FileImport::packageFor(const SalesforceId &ref, const QString &name)
{
    if (!ref.isNull()) {
        const bool is033 = ref.hasKeyPrefix(u"033");
        auto &map = is033 ? m_packageBy033 : m_packageBySfId;
        if (auto it = map.constFind(ref.to18()); it != map.cend())
            return it.value();
        // A package first seen by name only (in a report): this file tells its id.
        if (auto it = m_packageByName.constFind(name); !name.isEmpty() && it != m_packageByName.cend()) {
            const qint64 row = it.value();
            QSet<qint64> &withId = is033 ? m_packagesWith033 : m_packagesWithSfId;
            if (!withId.contains(row)) {
                if (auto paused = pauseCopy(); !paused)
                    return paused.error();
                QSqlQuery q(m_db);
                if (!q.prepare(QStringLiteral("UPDATE packages SET %1 = ? WHERE id = ?")
                                   .arg(is033 ? QStringLiteral("package_id") : QStringLiteral("sf_id"))))
                    return sqlError(q.lastError(), QStringLiteral("recording the id of package %1").arg(name));
                q.addBindValue(ref.to18());
                q.addBindValue(row);
                if (!q.exec())
                    return sqlError(q.lastError(), QStringLiteral("recording the id of package %1").arg(name));
                map.insert(ref.to18(), row);
                withId.insert(row);
                return row;
            }
        }
    } else if (auto it = m_packageByName.constFind(name); it != m_packageByName.cend()) {
        return it.value();
    }
    // A package the database has not seen: recorded now, completed by a package export later.
    QString packageName = name;
    if (packageName.isEmpty() || m_packageByName.contains(packageName))
        packageName = QStringLiteral("Package %1").arg(ref.to18());
    if (auto paused = pauseCopy(); !paused)
        return paused.error();
    QSqlQuery q(m_db);
    const bool is033 = !ref.isNull() && ref.hasKeyPrefix(u"033");
    if (!q.prepare(QStringLiteral("INSERT INTO packages (sf_id, package_id, name) VALUES (?, ?, ?)")))
        return sqlError(q.lastError(), QStringLiteral("recording package %1").arg(packageName));
    q.addBindValue(!ref.isNull() && !is033 ? QVariant(ref.to18()) : nullText());
    q.addBindValue(is033 ? QVariant(ref.to18()) : nullText());
    q.addBindValue(packageName);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("recording package %1").arg(packageName));
    const qint64 row = q.lastInsertId().toLongLong();
    if (!ref.isNull()) {
        (is033 ? m_packageBy033 : m_packageBySfId).insert(ref.to18(), row);
        (is033 ? m_packagesWith033 : m_packagesWithSfId).insert(row);
    }
    m_packageByName.insert(packageName, row);
    return row;
}

Result<qint64> FileImport::versionFor(qint64 package, const SalesforceId &id, const QString &number)
{
    if (!id.isNull()) {
        if (auto it = m_versionBySfId.constFind(id.to18()); it != m_versionBySfId.cend())
            return it.value();
    }
    const QPair<qint64, QString> key(package, number);
    if (!number.isEmpty()) {
        if (auto it = m_versionByNumber.constFind(key); it != m_versionByNumber.cend())
            return it.value();
    }
    if (number.isEmpty())
        return qint64(0); // only an id the database does not know: no version to point at
    if (auto paused = pauseCopy(); !paused)
        return paused.error();
    QSqlQuery q(m_db);
    if (!q.prepare(QStringLiteral("INSERT INTO package_versions (sf_id, package_ref, name, version_number) VALUES (?, ?, ?, ?)")))
        return sqlError(q.lastError(), QStringLiteral("recording package version %1").arg(number));
    q.addBindValue(id.isNull() ? nullText() : QVariant(id.to18()));
    q.addBindValue(package);
    q.addBindValue(number);
    q.addBindValue(number);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("recording package version %1").arg(number));
    const qint64 row = q.lastInsertId().toLongLong();
    if (!id.isNull())
        m_versionBySfId.insert(id.to18(), row);
    m_versionByNumber.insert(key, row);
    m_numberOfVersion.insert(row, number);
    return row;
}

Result<qint64> FileImport::resolveVersion(qint64 package, const SalesforceId &versionId, const QString &versionName,
                                          const QString &versionNumber)
{
    // By its record id, else by its name (a report's "Package Version"), else by its number. A
    // name is not a number: it never becomes one.
    if (!versionId.isNull() && m_versionBySfId.contains(versionId.to18()))
        return m_versionBySfId.value(versionId.to18());
    if (!versionName.isEmpty() && m_versionByName.contains(qMakePair(package, versionName)))
        return m_versionByName.value(qMakePair(package, versionName));
    if (!versionId.isNull() || !versionNumber.isEmpty())
        return versionFor(package, versionId, versionNumber);
    return qint64(0);
}

} // namespace lmo::importing
