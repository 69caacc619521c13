#include "import/importer.h"

#include "import/csvreader.h"
#include "import/licenserowencoder.h"
#include "lmo/lmoprofile.h"
#include "storage/auditlog.h"
#include "storage/bulkload.h"
#include "storage/subscribersummary.h"
#include "storage/database.h"
#include "storage/licenserepository.h"
#include "storage/sqlutil.h"
#include "storage/values.h"
#include "util/format.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QSqlQuery>

#include <algorithm>
#include <array>
#include <atomic>
#include "storage/postgres/pgcopy.h"
#include "storage/sqlite/sqlitetuning.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace lmo {

namespace {

using F = ImportField;

using sqlite::BulkPragmas;
using sqlite::PragmaForLoad;

constexpr int kFieldCount = kImportFieldCount;
constexpr qint64 kProgressEvery = 5000;

QString shownPath(const QString &path)
{
    return QFileInfo(path).fileName();
}

// A rejected row keeps its values for the user to see; a value is cut at this many characters,
// so that a file of huge bad rows cannot fill the memory with rejections.
constexpr qsizetype kShownValueChars = 1000;

// The header line, checked. A header is printable text (the LMA's names and labels): a NUL or
// another control character in it means the bytes are not what they seem (a damaged file, or
// an encoding LMO Desk does not read), and no column is guessed from it. (NULs and stray
// byte-order marks before the header the reader has skipped already, and says so.)
Result<QStringList> readHeader(CsvReader &reader, const QString &path)
{
    CsvRecord record;
    if (!reader.next(record)) {
        return Error::make(Error::Code::Invalid,
                           reader.error().isEmpty() ? QStringLiteral("%1 is empty: there is no header line.").arg(shownPath(path))
                                                    : QStringLiteral("%1 was refused whole: %2").arg(shownPath(path), reader.error()));
    }
    if (const auto &problem = record.problem())
        return Error::make(Error::Code::Invalid, QStringLiteral("%1 was refused whole: its header (line %2) cannot be read: %3.")
                                                     .arg(shownPath(path))
                                                     .arg(problem->line)
                                                     .arg(problem->reason));
    QStringList headers;
    for (int i = 0; i < record.size(); ++i) {
        const QString header = record.text(i).trimmed();
        for (const QChar c : header) {
            const char16_t u = c.unicode();
            if ((u < 0x20 && u != u'\t') || u == 0x7F || u == 0xFEFF || u == 0xFFFD) {
                return Error::make(
                    Error::Code::Invalid,
                    QStringLiteral("%1 was refused whole: column %2 of its header holds the character U+%3, which no "
                                   "LMA export has in a header: the file is damaged, or not text in an encoding LMO "
                                   "Desk reads (UTF-8, UTF-16, Windows-1252). Export it again.")
                        .arg(shownPath(path))
                        .arg(i + 1)
                        .arg(QString::number(u, 16).toUpper().rightJustified(4, QLatin1Char('0'))));
            }
        }
        headers << header;
    }
    return headers;
}

// A license column the import may write, and how its value reads from a License.
struct LicenseColumn
{
    const char *column;
    const char *label; // nullptr: derived from another column, written but never a change of its own
    std::initializer_list<ImportField> fromFields;
    QVariant (*value)(const License &);
};

QVariant nullText() { return QVariant(QMetaType(QMetaType::QString)); }

const LicenseColumn kLicenseColumns[] = {
    {"sf_id", "Record ID", {F::Id}, [](const License &l) { return sqlValue(l.id); }},
    {"name", "License Name", {F::Name}, [](const License &l) { return sqlValue(l.name); }},
    {"account_id", "Account", {F::AccountId}, [](const License &l) { return sqlValue(l.accountId); }},
    {"account_name", "Account Name", {F::AccountName}, [](const License &l) { return sqlValue(l.accountName); }},
    {"contact_id", "Contact", {F::ContactId}, [](const License &l) { return sqlValue(l.contactId); }},
    {"lead_id", "Lead", {F::LeadId}, [](const License &l) { return sqlValue(l.leadId); }},
    {"package_version_ref", nullptr, {F::PackageVersionId, F::PackageVersionName, F::VersionNumber},
     [](const License &l) { return l.packageVersionRowId > 0 ? QVariant(l.packageVersionRowId) : QVariant(QMetaType(QMetaType::LongLong)); }},
    {"version_number", "Version Number", {F::VersionNumber},
     [](const License &l) { return sqlValue(l.versionNumber); }},
    {"status", "Status", {F::Status}, [](const License &l) { return QVariant(statusName(l.status)); }},
    {"license_status", "License Status", {F::LicenseStatus}, [](const License &l) { return sqlValue(l.licenseStatus); }},
    {"seats", "Seats", {F::Seats, F::LicensedSeats}, [](const License &l) { return QVariant(qint64(l.seats)); }},
    {"used_licenses", "Used Licenses", {F::UsedLicenses}, [](const License &l) { return QVariant(qint64(l.usedLicenses)); }},
    {"expiration", "Expiration", {F::Expiration, F::ExpirationDate},
     [](const License &l) { return l.isPerpetual() ? nullText() : sqlValue(l.expiration); }},
    {"install_date", "Install Date", {F::InstallDate}, [](const License &l) { return sqlValue(l.installDate); }},
    {"org_edition", "Org Edition", {F::OrgEdition}, [](const License &l) { return sqlValue(l.orgEdition); }},
    {"org_instance", "Org Instance", {F::OrgInstance}, [](const License &l) { return sqlValue(l.orgInstance); }},
    {"org_status", "Org Status", {F::OrgStatus}, [](const License &l) { return sqlValue(l.orgStatus); }},
    {"org_trial_expiration", "Org Expiration Date", {F::OrgTrialExpiration},
     [](const License &l) { return sqlValue(l.orgTrialExpiration); }},
    {"is_sandbox", "Sandbox", {F::IsSandbox}, [](const License &l) { return QVariant(qint64(l.isSandbox ? 1 : 0)); }},
    {"package_license_id", "Package License ID", {F::PackageLicenseId},
     [](const License &l) { return sqlValue(l.packageLicenseId); }},
    {"proxy_user", "Proxy User", {F::ProxyUser}, [](const License &l) { return sqlValue(l.proxyUser); }},
    {"license_type", "License Type", {F::LicenseType}, [](const License &l) { return sqlValue(l.licenseType); }},
    {"last_modified", "Information Current As Of", {F::LastModified},
     [](const License &l) { return sqlValue(l.lastModified); }},
};

QString variantText(const QVariant &v)
{
    return v.isNull() ? QString() : v.toString();
}

// A license row as read from the file, before the database is asked anything: what a reading
// thread hands to the writing one.
struct ParsedLicense
{
    License l;
    SalesforceId packageRef;
    QString packageName;
    SalesforceId versionId;
    QString versionName;
    std::optional<Rejection> rejection; // set when the row cannot be read
};

// The whole import of one file: reading, checking, writing, counting.
class FileImport
{
public:
    FileImport(Database &database, const QString &path, const ImportOptions &options, ImportReport &report)
        : m_database(database), m_db(database.connection()), m_path(path), m_file(path), m_options(options), m_report(report)
    {
        m_columnOf.fill(-1);
    }

    Result<void> run();

private:
    Result<void> prepare(const HeaderAnalysis &analysis);
    // Opens the file (once: a pipe cannot be read twice) and reads its header.
    Result<void> openInput();
    Rejection makeRejection(const CsvRecord &record, int column, const QString &reason, qint64 line = 0) const;
    void addRejection(Rejection rejection);
    void reject(const CsvRecord &record, int column, const QString &reason);
    // Rejects the row for the value in `field`'s column; the row is done, the import goes on.
    Result<void> rejectField(const CsvRecord &record, ImportField field, const QString &why);
    Result<void> licenseRow(const CsvRecord &record);
    ParsedLicense parseLicense(const CsvRecord &record) const;
    Result<void> storeLicense(ParsedLicense &row, const CsvRecord *record);
    // The version a license row names: by record id, by name, by number; 0 for none.
    Result<qint64> resolveVersion(qint64 package, const SalesforceId &versionId, const QString &versionName,
                                  const QString &versionNumber);
    // Row `r` of a fast load's batch: its package and version looked up (once per distinct
    // value, creating them when new), ready to insert. `orgHash` is the hash of its org id,
    // taken on the reading thread.
    Result<void> resolveEncoded(LicenseRowBatch &batch, size_t r, size_t orgHash);
    // A fast load's batch, resolved row by row, then inserted many rows a statement.
    // `orgHashes` has one per row; `idHashes`, one per row with a record Id.
    Result<void> storeEncoded(LicenseRowBatch &batch, const std::vector<size_t> &orgHashes,
                              const std::vector<size_t> &idHashes);
    // A fast load has no unique index to stop a license coming twice: its keys' hashes are
    // kept and compared at the end. A Conflict sends the file down the careful path.
    Result<void> checkNoDuplicates();
    // The data rows, past blank lines and a report's footer.
    bool nextDataRecord(CsvReader &reader, CsvRecord &record, bool &footer, bool report) const;
    std::optional<Rejection> shapeRejection(const CsvRecord &record) const;
    // Reports progress; a cancel comes back as the error to return.
    Result<void> progressed(qint64 bytes, qint64 totalBytes, const QElapsedTimer &timer);
    Result<void> readRowsHere(const HeaderAnalysis &analysis, qint64 totalBytes, const QElapsedTimer &timer);
    Result<void> readLicensesOnTwoThreads(const HeaderAnalysis &analysis, qint64 totalBytes, const QElapsedTimer &timer);
    Result<void> packageRow(const CsvRecord &record);
    Result<void> versionRow(const CsvRecord &record);
    Result<qint64> packageFor(const SalesforceId &ref, const QString &name);
    Result<qint64> versionFor(qint64 package, const SalesforceId &id, const QString &number);
    // The LMO the licenses are filed under: the caller's choice, else the only one.
    Result<void> chooseLmo();
    Result<std::optional<qint64>> findLicense(const License &l);
    Result<void> updateLicense(qint64 rowId, const License &l);
    // Empties every package and version lookup (after a rollback that took their rows).
    void forgetPackages();
    Result<void> loadPackages();
    Result<void> loadRows(const HeaderAnalysis &analysis, bool fast);
    bool has(ImportField f) const { return m_columnOf[size_t(f)] >= 0; }
    ValueParser::NumberStyle numberStyle() const
    {
        return m_report.format == ExportFormat::Report ? ValueParser::NumberStyle::Report : ValueParser::NumberStyle::Plain;
    }
    QString cell(const CsvRecord &record, ImportField f) const
    {
        const int c = m_columnOf[size_t(f)];
        return c >= 0 && c < record.size() ? ValueParser::text(record.text(c)) : QString();
    }

    Database &m_database;
    QSqlDatabase m_db;
    QString m_path;
    QFile m_file;
    std::unique_ptr<CsvReader> m_reader; // past the header once openInput() is done
    const ImportOptions &m_options;
    ImportReport &m_report;
    std::array<int, kFieldCount> m_columnOf{};
    std::vector<const LicenseColumn *> m_presentColumns;
    bool m_freshTable = false;
    std::unique_ptr<LicenseWriter> m_writer;
    bool m_tableRulesInWriter = false; // SQLite's CHECK constraints are off for this load
    QSqlQuery m_findById;
    QSqlQuery m_findByOrgPackage;
    QSqlQuery m_update;
    QSqlQuery m_fetch; // a whole license by its row, to compare with the file
    QHash<QString, qint64> m_packageBySfId, m_packageBy033, m_packageByName;
    QSet<qint64> m_packagesWithSfId, m_packagesWith033;
    QHash<QString, qint64> m_versionBySfId;
    QHash<QPair<qint64, QString>, qint64> m_versionByName; // (package, version name)
    QHash<qint64, QString> m_numberOfVersion;
    QHash<QPair<qint64, QString>, qint64> m_versionByNumber; // (package, version number)
    QString m_source;
    QString m_changedBy;
    qint64 m_lmoRef = 1;
    qint64 m_foundInLmo = 1; // the LMO of the license findLicense found
    // Fast loads: lookups already made, and the keys seen.
    std::string m_key;
    std::unordered_map<std::string, qint64> m_packageMemo;
    std::unordered_map<std::string, std::pair<qint64, std::string>> m_versionMemo;
    std::vector<size_t> m_idHashes, m_orgPackageHashes;
    // The subscriber orgs a careful load changed, to summarise again.
    QSet<QString> m_touchedOrgs;
};

Rejection FileImport::makeRejection(const CsvRecord &record, int column, const QString &reason, qint64 line) const
{
    Rejection r;
    r.line = line > 0 ? line : record.line();
    r.column = column + 1;
    r.columnName = column >= 0 && column < m_report.headers.size() ? m_report.headers[column] : QString();
    r.reason = reason;
    for (int i = 0; i < record.size(); ++i) {
        const QByteArrayView field = record.field(i);
        // Decoding is cut short too: a value may be megabytes (below the reader's limit).
        QString value = QString::fromUtf8(field.first(std::min<qsizetype>(field.size(), kShownValueChars * 4)));
        if (value.size() > kShownValueChars || field.size() > kShownValueChars * 4)
            value = value.left(kShownValueChars) + QChar(0x2026);
        r.values << value;
    }
    return r;
}

void FileImport::addRejection(Rejection rejection)
{
    ++m_report.rejected;
    if (int(m_report.rejections.size()) < m_options.keepRejections)
        m_report.rejections.push_back(std::move(rejection));
}

void FileImport::reject(const CsvRecord &record, int column, const QString &reason)
{
    addRejection(makeRejection(record, column, reason));
}

Result<void> FileImport::rejectField(const CsvRecord &record, ImportField field, const QString &why)
{
    reject(record, m_columnOf[size_t(field)], QStringLiteral("%1: %2").arg(fieldLabel(field), why));
    return {};
}

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
                QSqlQuery q(m_db);
                q.prepare(QStringLiteral("UPDATE packages SET %1 = ? WHERE id = ?")
                              .arg(is033 ? QStringLiteral("package_id") : QStringLiteral("sf_id")));
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
    QSqlQuery q(m_db);
    const bool is033 = !ref.isNull() && ref.hasKeyPrefix(u"033");
    q.prepare(QStringLiteral("INSERT INTO packages (sf_id, package_id, name) VALUES (?, ?, ?)"));
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
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("INSERT INTO package_versions (sf_id, package_ref, name, version_number) VALUES (?, ?, ?, ?)"));
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

Result<void> FileImport::prepare(const HeaderAnalysis &analysis)
{
    for (size_t i = 0; i < analysis.fields.size(); ++i) {
        const ImportField f = analysis.fields[i];
        if (f != ImportField::Ignore && m_columnOf[size_t(f)] < 0)
            m_columnOf[size_t(f)] = int(i);
    }
    m_source = QFileInfo(m_path).absoluteFilePath();
    m_changedBy = m_options.changedBy.isEmpty() ? AuditLog::currentUser() : m_options.changedBy;
    if (auto r = loadPackages(); !r)
        return r;
    if (analysis.kind != RecordKind::License)
        return {};
    if (auto r = chooseLmo(); !r)
        return r;

    for (const LicenseColumn &c : kLicenseColumns) {
        for (ImportField f : c.fromFields) {
            if (has(f)) {
                m_presentColumns.push_back(&c);
                break;
            }
        }
    }
    auto count = queryNumber(m_db, QStringLiteral("SELECT COUNT(*) FROM licenses"), QStringLiteral("counting licenses"));
    if (!count)
        return count.error();
    m_freshTable = count.value() == 0;

    m_writer = std::make_unique<LicenseWriter>(m_database);
    m_writer->setLmoRef(m_lmoRef);
    m_writer->checkTableRules(m_tableRulesInWriter);
    if (auto r = m_writer->prepare(); !r)
        return r;
    m_findById = QSqlQuery(m_db);
    m_findById.prepare(QStringLiteral("SELECT id, lmo_ref FROM licenses WHERE sf_id = ?"));
    m_fetch = QSqlQuery(m_db);
    // On PostgreSQL forward-only is libpq's single-row mode, which the lookups and updates that
    // follow on this connection would cut short: the one row is read whole there.
    m_fetch.setForwardOnly(!m_database.isTeamDatabase());
    if (!m_fetch.prepare(LicenseRepository::selectSql(QStringLiteral("l.id = ?"))))
        return sqlError(m_fetch.lastError(), QStringLiteral("preparing the import"));
    m_findByOrgPackage = QSqlQuery(m_db);
    m_findByOrgPackage.prepare(QStringLiteral("SELECT id, sf_id FROM licenses WHERE org_id = ? AND package_ref = ? AND lmo_ref = ?"));
    QStringList sets;
    for (const LicenseColumn *c : m_presentColumns)
        sets << QStringLiteral("%1 = ?").arg(QLatin1String(c->column));
    m_update = QSqlQuery(m_db);
    if (!sets.isEmpty() && !m_update.prepare(QStringLiteral("UPDATE licenses SET %1 WHERE id = ?").arg(sets.join(QStringLiteral(", ")))))
        return sqlError(m_update.lastError(), QStringLiteral("preparing the import"));
    return {};
}

Result<void> FileImport::chooseLmo()
{
    LmoRepository lmos(m_db);
    auto known = lmos.all();
    if (!known)
        return known.error();
    if (m_options.lmoRef) {
        for (const KnownLmo &k : known.value())
            if (k.ref == *m_options.lmoRef) {
                m_lmoRef = k.ref;
                return {};
            }
        return Error::make(Error::Code::Usage,
                           QStringLiteral("LMO %1 is not one this database knows (see lmodesk lmo show).").arg(*m_options.lmoRef));
    }
    if (known->size() > 1) {
        QStringList choices;
        for (const KnownLmo &k : known.value())
            choices << QStringLiteral("%1 for %2").arg(k.ref).arg(k.label());
        return Error::make(Error::Code::Usage,
                           QStringLiteral("This database has licenses from more than one LMO: say which org %1 was exported "
                                          "from with --lmo: %2.")
                               .arg(QFileInfo(m_path).fileName(), choices.join(QStringLiteral("; "))));
    }
    m_lmoRef = known->first().ref;
    return {};
}

Result<std::optional<qint64>> FileImport::findLicense(const License &l)
{
    if (!l.id.isNull()) {
        m_findById.addBindValue(l.id.to18());
        if (!m_findById.exec())
            return sqlError(m_findById.lastError(), QStringLiteral("looking up license %1").arg(l.id.to18()));
        if (m_findById.next()) {
            const qint64 row = m_findById.value(0).toLongLong();
            m_foundInLmo = m_findById.value(1).toLongLong();
            m_findById.finish();
            return std::optional<qint64>(row);
        }
        m_findById.finish();
    }
    // The LMA keeps one license per package per org: without a known Id, that pair is the license.
    m_findByOrgPackage.addBindValue(l.subscriberOrgId.to15());
    m_findByOrgPackage.addBindValue(l.packageRowId);
    m_findByOrgPackage.addBindValue(m_lmoRef);
    if (!m_findByOrgPackage.exec())
        return sqlError(m_findByOrgPackage.lastError(), QStringLiteral("looking up a license"));
    std::optional<qint64> found;
    if (m_findByOrgPackage.next()) {
        // A different Id for the same org and package is another record: leave the match to the
        // unique index, which refuses it with a clear message.
        const QString existingId = m_findByOrgPackage.value(1).toString();
        if (l.id.isNull() || existingId.isEmpty() || existingId == l.id.to18()) {
            found = m_findByOrgPackage.value(0).toLongLong();
            m_foundInLmo = m_lmoRef;
        }
    }
    m_findByOrgPackage.finish();
    return found;
}

Result<void> FileImport::updateLicense(qint64 rowId, const License &l)
{
    m_fetch.addBindValue(rowId);
    if (!m_fetch.exec())
        return sqlError(m_fetch.lastError(), QStringLiteral("reading license row %1").arg(rowId));
    if (!m_fetch.next())
        return Error::make(Error::Code::Sql, QStringLiteral("license row %1 vanished during the import").arg(rowId));
    const License before = LicenseRepository::readLicense(m_fetch);
    m_fetch.finish();

    std::vector<std::pair<const LicenseColumn *, QPair<QString, QString>>> changes;
    for (const LicenseColumn *c : m_presentColumns) {
        // A file without Ids does not blank the Id a record already has.
        if ((qstrcmp(c->column, "sf_id") == 0 && l.id.isNull()) || !c->label)
            continue;
        const QString oldText = variantText(c->value(before));
        const QString newText = variantText(c->value(l));
        if (oldText != newText)
            changes.push_back({c, qMakePair(oldText, newText)});
    }
    if (changes.empty()) {
        ++m_report.unchanged;
        return {};
    }
    for (const LicenseColumn *c : m_presentColumns) {
        // Kept as they are: an Id the file does not have, a version the file names but the
        // database does not know.
        const bool keep = (qstrcmp(c->column, "sf_id") == 0 && l.id.isNull()) || (!c->label && c->value(l).isNull());
        m_update.addBindValue(keep ? c->value(before) : c->value(l));
    }
    m_update.addBindValue(rowId);
    if (!m_update.exec())
        return sqlError(m_update.lastError(), QStringLiteral("updating license %1").arg(before.name));
    AuditLog audit(m_db);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const auto &[column, values] : changes) {
        AuditEntry e;
        e.changedAt = now;
        e.changedBy = m_changedBy;
        e.recordType = QStringLiteral("license");
        e.recordRef = rowId;
        e.recordSfId = (l.id.isNull() ? before.id : l.id).to18();
        e.field = QString::fromLatin1(column->label);
        e.oldValue = values.first;
        e.newValue = values.second;
        e.source = m_source;
        if (auto r = audit.record(e); !r)
            return r;
    }
    ++m_report.updated;
    m_touchedOrgs.insert(before.subscriberOrgId.to15());
    m_touchedOrgs.insert(l.subscriberOrgId.to15());
    return {};
}

Result<void> FileImport::licenseRow(const CsvRecord &record)
{
    ParsedLicense row = parseLicense(record);
    if (row.rejection) {
        addRejection(std::move(*row.rejection));
        return {};
    }
    return storeLicense(row, &record);
}

ParsedLicense FileImport::parseLicense(const CsvRecord &record) const
{
    ParsedLicense row;
    License &l = row.l;
    SalesforceId &packageRef = row.packageRef;
    QString &packageName = row.packageName;
    SalesforceId &versionId = row.versionId;
    QString &versionName = row.versionName;
    const DateOrder order = m_options.dateOrder;
    QString why;
    // The first unreadable value rejects the row, naming its column.
    auto fail = [&](ImportField f) {
        row.rejection = makeRejection(record, m_columnOf[size_t(f)], QStringLiteral("%1: %2").arg(fieldLabel(f), why));
        return std::move(row);
    };
    for (size_t fi = 0; fi < size_t(kFieldCount); ++fi) {
        const int c = m_columnOf[fi];
        if (c < 0)
            continue;
        const ImportField f = ImportField(fi);
        const QString v = c < record.size() ? ValueParser::text(record.text(c)) : QString();
        switch (f) {
        case F::Id: {
            auto id = ValueParser::id(v, &why);
            if (!id)
                return fail(f);
            l.id = *id;
            break;
        }
        case F::Name: l.name = v.trimmed(); break;
        case F::AccountId:
        case F::ContactId:
        case F::LeadId:
        case F::PackageLicenseId:
        case F::PackageRef:
        case F::PackageVersionId: {
            auto id = ValueParser::id(v, &why);
            if (!id)
                return fail(f);
            SalesforceId &target = f == F::AccountId ? l.accountId
                                   : f == F::ContactId ? l.contactId
                                   : f == F::LeadId ? l.leadId
                                   : f == F::PackageLicenseId ? l.packageLicenseId
                                   : f == F::PackageRef ? packageRef
                                                        : versionId;
            target = *id;
            break;
        }
        case F::AccountName: l.accountName = v.trimmed(); break;
        case F::PackageName: packageName = v.trimmed(); break;
        case F::PackageVersionName: versionName = v.trimmed(); break;
        case F::VersionNumber: l.versionNumber = v.trimmed(); break;
        case F::Status: {
            auto s = ValueParser::status(v, &why);
            if (!s)
                return fail(f);
            l.status = *s;
            break;
        }
        case F::LicenseStatus: l.licenseStatus = v.trimmed(); break;
        case F::Seats:
        case F::LicensedSeats: {
            if (f == F::LicensedSeats && has(F::Seats))
                break; // the number field wins over its text formula
            auto s = ValueParser::seats(v, &why, numberStyle());
            if (!s)
                return fail(f);
            l.seats = int(*s); // within -1..99,000,000: fits
            break;
        }
        case F::UsedLicenses: {
            if (v.trimmed().isEmpty())
                break;
            auto n = ValueParser::usedLicenses(v, &why, numberStyle());
            if (!n)
                return fail(f);
            l.usedLicenses = int(*n); // within 0..kMaxUsedLicenses: fits
            break;
        }
        case F::Expiration:
        case F::ExpirationDate: {
            if (f == F::ExpirationDate && has(F::Expiration))
                break;
            auto d = ValueParser::expiration(v, order, &why);
            if (!d)
                return fail(f);
            l.expiration = *d;
            break;
        }
        case F::InstallDate:
        case F::OrgTrialExpiration: {
            auto d = ValueParser::date(v, order, &why);
            if (!d)
                return fail(f);
            (f == F::InstallDate ? l.installDate : l.orgTrialExpiration) = *d;
            break;
        }
        case F::OrgId: {
            if (v.trimmed().isEmpty()) {
                why = QStringLiteral("the subscriber org id is blank");
                return fail(f);
            }
            auto id = ValueParser::id(v, &why);
            if (!id)
                return fail(f);
            if (!id->hasKeyPrefix(u"00D")) {
                why = QStringLiteral("\"%1\" is not an organization id (those begin with 00D)").arg(v.trimmed());
                return fail(f);
            }
            l.subscriberOrgId = *id;
            break;
        }
        case F::OrgEdition: l.orgEdition = v.trimmed(); break;
        case F::OrgInstance: l.orgInstance = v.trimmed(); break;
        case F::OrgStatus: l.orgStatus = v.trimmed(); break;
        case F::IsSandbox: {
            auto b = ValueParser::checkbox(v, &why);
            if (!b)
                return fail(f);
            l.isSandbox = *b;
            break;
        }
        case F::ProxyUser: l.proxyUser = v.trimmed(); break;
        case F::LicenseType: l.licenseType = v.trimmed(); break;
        case F::LastModified: {
            auto dt = ValueParser::dateTime(v, order, &why);
            if (!dt)
                return fail(f);
            l.lastModified = *dt;
            break;
        }
        default: break;
        }
    }
    if (packageRef.isNull() && packageName.isEmpty()) {
        why = QStringLiteral("the package is blank");
        return fail(has(F::PackageRef) ? F::PackageRef : F::PackageName);
    }
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

Result<void> FileImport::resolveEncoded(LicenseRowBatch &batch, size_t r, size_t orgHash)
{
    using B = LicenseRowBatch;
    using E = LicenseRowEncoder;
    auto qs = [](std::string_view v) { return QString::fromUtf8(v.data(), qsizetype(v.size())); };
    B::Cell *cells = batch.row(r);

    const std::string_view ref = batch.text(cells[E::PackageRefKey]);
    const std::string_view name = batch.text(cells[E::PackageNameKey]);
    m_key.assign(ref).push_back('\x1f');
    m_key.append(name);
    qint64 package = 0;
    if (auto it = m_packageMemo.find(m_key); it != m_packageMemo.end()) {
        package = it->second;
    } else {
        auto found = packageFor(SalesforceId::fromString(qs(ref)), qs(name));
        if (!found)
            return found.error();
        package = found.value();
        m_packageMemo.emplace(m_key, package);
    }

    const std::string_view versionId = batch.text(cells[E::VersionIdKey]);
    const std::string_view versionName = batch.text(cells[E::VersionNameKey]);
    const std::string_view number = batch.text(cells[B::VersionNumber]);
    m_key.assign(reinterpret_cast<const char *>(&package), sizeof package);
    m_key.append(versionId).push_back('\x1f');
    m_key.append(versionName).push_back('\x1f');
    m_key.append(number);
    auto it = m_versionMemo.find(m_key);
    if (it == m_versionMemo.end()) {
        auto version = resolveVersion(package, SalesforceId::fromString(qs(versionId)), qs(versionName), qs(number));
        if (!version)
            return version.error();
        std::string knownNumber;
        if (number.empty() && version.value() > 0)
            knownNumber = m_numberOfVersion.value(version.value()).toStdString();
        it = m_versionMemo.emplace(m_key, std::make_pair(version.value(), std::move(knownNumber))).first;
    }
    const bool fillNumber = number.empty() && !it->second.second.empty();

    // (org, package): the org's hash mixed with the package's row id (a 64-bit multiplicative mix).
    m_orgPackageHashes.push_back((orgHash ^ size_t(package)) * size_t(0x9E3779B97F4A7C15ull) + size_t(package));

    cells[B::PackageRef].number = package;
    cells[B::PackageRef].length = B::Cell::kInteger;
    if (it->second.first > 0) {
        cells[B::PackageVersionRef].number = it->second.first;
        cells[B::PackageVersionRef].length = B::Cell::kInteger;
    }
    if (fillNumber)
        batch.setTextOf(r, B::VersionNumber, it->second.second);
    return {};
}

Result<void> FileImport::storeEncoded(LicenseRowBatch &batch, const std::vector<size_t> &orgHashes,
                                      const std::vector<size_t> &idHashes)
{
    for (size_t r = 0; r < batch.size(); ++r) {
        if (auto resolved = resolveEncoded(batch, r, orgHashes[r]); !resolved)
            return resolved;
    }
    m_idHashes.insert(m_idHashes.end(), idHashes.begin(), idHashes.end());
    if (auto inserted = m_writer->insertRows(batch, 0, batch.size()); !inserted)
        return inserted;
    m_report.inserted += qint64(batch.size());
    return {};
}

Result<void> FileImport::checkNoDuplicates()
{
    // The two lists are checked side by side, one on another thread: the load waits for this.
    auto hasRepeat = [](std::vector<size_t> &hashes) {
        std::sort(hashes.begin(), hashes.end());
        const bool repeat = std::adjacent_find(hashes.begin(), hashes.end()) != hashes.end();
        std::vector<size_t>().swap(hashes);
        return repeat;
    };
    bool idRepeat = false;
    std::thread ids([&] { idRepeat = hasRepeat(m_idHashes); });
    const bool orgPackageRepeat = hasRepeat(m_orgPackageHashes);
    ids.join();
    if (idRepeat || orgPackageRepeat)
        return Error::make(Error::Code::Conflict, QStringLiteral("the file may hold a license twice"));
    return {};
}

Result<void> FileImport::storeLicense(ParsedLicense &row, const CsvRecord *record)
{
    License &l = row.l;
    l.lmoRef = m_lmoRef;
    const SalesforceId &versionId = row.versionId;
    const QString &versionName = row.versionName;
    auto package = packageFor(row.packageRef, row.packageName);
    if (!package)
        return package.error();
    l.packageRowId = package.value();
    auto version = resolveVersion(l.packageRowId, versionId, versionName, l.versionNumber);
    if (!version)
        return version.error();
    l.packageVersionRowId = version.value();
    if (l.versionNumber.isEmpty() && l.packageVersionRowId > 0)
        l.versionNumber = m_numberOfVersion.value(l.packageVersionRowId);

    if (m_freshTable) {
        auto inserted = m_writer->insert(l);
        if (inserted) {
            ++m_report.inserted;
            return {};
        }
        if (inserted.error().code != Error::Code::Conflict)
            return inserted.error();
        // The same license twice in one file: the later row updates the first.
    }
    auto existing = findLicense(l);
    if (!existing)
        return existing.error();
    // A record Id lives in one org: found under another LMO, the file is not from the LMO the
    // import was told (or the record was filed wrongly). Nothing is moved on a guess.
    if (existing->has_value() && m_foundInLmo != m_lmoRef && record) {
        reject(*record, m_columnOf[size_t(F::Id)],
               QStringLiteral("record %1 is filed under LMO %2, and this file was said to come from LMO %3: import it "
                              "with the LMO it was exported from (lmodesk lmo show lists them), or move the record "
                              "with lmodesk lmo assign")
                   .arg(l.id.to18())
                   .arg(m_foundInLmo)
                   .arg(m_lmoRef));
        return {};
    }
    if (existing->has_value())
        return updateLicense(**existing, l);
    auto inserted = m_writer->insert(l);
    if (!inserted) {
        if (inserted.error().code == Error::Code::Conflict && record) {
            reject(*record, m_columnOf[size_t(F::Id)],
                   QStringLiteral("org %1 already has a license of this package with another Id (the LMA keeps one "
                                  "license per package per org)")
                       .arg(l.subscriberOrgId.to15()));
            return {};
        }
        return inserted.error();
    }
    ++m_report.inserted;
    m_touchedOrgs.insert(l.subscriberOrgId.to15());
    return {};
}

Result<void> FileImport::packageRow(const CsvRecord &record)
{
    QString why;
    auto fail = [&](ImportField f) { return rejectField(record, f, why); };
    const QString name = cell(record, F::Name).trimmed();
    if (name.isEmpty()) {
        why = QStringLiteral("the package name is blank");
        return fail(F::Name);
    }
    std::optional<SalesforceId> id = ValueParser::id(cell(record, F::Id), &why);
    if (!id)
        return fail(F::Id);
    std::optional<SalesforceId> packageId = ValueParser::id(cell(record, F::PackageId033), &why);
    if (!packageId)
        return fail(F::PackageId033);
    std::optional<SalesforceId> developerOrg = ValueParser::id(cell(record, F::DeveloperOrgId), &why);
    if (!developerOrg)
        return fail(F::DeveloperOrgId);
    auto release = ValueParser::date(cell(record, F::ReleaseDate), m_options.dateOrder, &why);
    if (!release)
        return fail(F::ReleaseDate);
    auto lastRefresh = ValueParser::dateTime(cell(record, F::LastLicenseRefresh), m_options.dateOrder, &why);
    if (!lastRefresh)
        return fail(F::LastLicenseRefresh);
    auto nextRefresh = ValueParser::dateTime(cell(record, F::NextAvailableRefresh), m_options.dateOrder, &why);
    if (!nextRefresh)
        return fail(F::NextAvailableRefresh);

    const std::pair<ImportField, std::pair<const char *, QVariant>> values[] = {
        {F::Id, {"sf_id", sqlValue(*id)}},
        {F::Name, {"name", QVariant(name)}},
        {F::PackageId033, {"package_id", sqlValue(*packageId)}},
        {F::DeveloperName, {"developer_name", sqlValue(cell(record, F::DeveloperName).trimmed())}},
        {F::DeveloperOrgId, {"developer_org_id", sqlValue(*developerOrg)}},
        {F::LatestVersion, {"latest_version", sqlValue(cell(record, F::LatestVersion).trimmed())}},
        {F::ReleaseDate, {"release_date", sqlValue(*release)}},
        {F::LeadManager, {"lead_manager", sqlValue(cell(record, F::LeadManager).trimmed())}},
        {F::LastLicenseRefresh, {"last_license_refresh", sqlValue(*lastRefresh)}},
        {F::NextAvailableRefresh, {"next_available_refresh", sqlValue(*nextRefresh)}},
    };
    // Known by its record id, else its 033 id, else its name (licenses may have named it first).
    std::optional<qint64> row;
    if (!id->isNull() && m_packageBySfId.contains(id->to18()))
        row = m_packageBySfId.value(id->to18());
    else if (!packageId->isNull() && m_packageBy033.contains(packageId->to18()))
        row = m_packageBy033.value(packageId->to18());
    else if (m_packageByName.contains(name))
        row = m_packageByName.value(name);

    QStringList columns;
    QStringList labels;
    QVariantList binds;
    for (const auto &[field, cv] : values) {
        if (!has(field))
            continue;
        columns << QString::fromLatin1(cv.first);
        labels << fieldLabel(field);
        binds << cv.second;
    }
    if (row && m_packageByName.contains(name) && m_packageByName.value(name) != *row) {
        why = QStringLiteral("\"%1\" is already the name of another package in this database (one first seen without "
                             "its id); the two cannot be told apart from this file")
                  .arg(name);
        return fail(F::Name);
    }
    QSqlQuery q(m_db);
    if (!row) {
        q.prepare(QStringLiteral("INSERT INTO packages (%1) VALUES (%2)")
                      .arg(columns.join(QStringLiteral(", ")), QStringList(columns.size(), QStringLiteral("?")).join(QStringLiteral(", "))));
        for (const QVariant &b : std::as_const(binds))
            q.addBindValue(b);
        if (!q.exec())
            return sqlError(q.lastError(), QStringLiteral("saving package %1").arg(name));
        const qint64 newRow = q.lastInsertId().toLongLong();
        m_packageByName.insert(name, newRow);
        if (!id->isNull())
            m_packageBySfId.insert(id->to18(), newRow);
        if (!packageId->isNull())
            m_packageBy033.insert(packageId->to18(), newRow);
        ++m_report.inserted;
        return {};
    }
    q.prepare(QStringLiteral("SELECT %1 FROM packages WHERE id = ?").arg(columns.join(QStringLiteral(", "))));
    q.addBindValue(*row);
    if (!q.exec() || !q.next())
        return sqlError(q.lastError(), QStringLiteral("reading package %1").arg(name));
    AuditLog audit(m_db);
    bool changed = false;
    for (int i = 0; i < columns.size(); ++i) {
        const QString oldText = variantText(q.value(i));
        const QString newText = variantText(binds[i]);
        if (oldText == newText)
            continue;
        changed = true;
        AuditEntry e;
        e.changedBy = m_changedBy;
        e.recordType = QStringLiteral("package");
        e.recordRef = *row;
        e.recordSfId = id->isNull() ? packageId->to18() : id->to18();
        e.field = labels[i];
        e.oldValue = oldText;
        e.newValue = newText;
        e.source = m_source;
        if (auto r = audit.record(e); !r)
            return r;
    }
    q.finish();
    if (!changed) {
        ++m_report.unchanged;
        return {};
    }
    QStringList sets;
    for (const QString &c : std::as_const(columns))
        sets << c + QStringLiteral(" = ?");
    QSqlQuery u(m_db);
    u.prepare(QStringLiteral("UPDATE packages SET %1 WHERE id = ?").arg(sets.join(QStringLiteral(", "))));
    for (const QVariant &b : std::as_const(binds))
        u.addBindValue(b);
    u.addBindValue(*row);
    if (!u.exec())
        return sqlError(u.lastError(), QStringLiteral("updating package %1").arg(name));
    m_packageByName.insert(name, *row);
    ++m_report.updated;
    return {};
}

Result<void> FileImport::versionRow(const CsvRecord &record)
{
    QString why;
    auto fail = [&](ImportField f) { return rejectField(record, f, why); };
    std::optional<SalesforceId> id = ValueParser::id(cell(record, F::Id), &why);
    if (!id)
        return fail(F::Id);
    std::optional<SalesforceId> packageRef = ValueParser::id(cell(record, F::PackageRef), &why);
    if (!packageRef)
        return fail(F::PackageRef);
    const QString packageName = cell(record, F::PackageName).trimmed();
    if (packageRef->isNull() && packageName.isEmpty()) {
        why = QStringLiteral("the package is blank");
        return fail(has(F::PackageRef) ? F::PackageRef : F::PackageName);
    }
    std::optional<SalesforceId> versionId = ValueParser::id(cell(record, F::VersionId04t), &why);
    if (!versionId)
        return fail(F::VersionId04t);
    auto beta = ValueParser::checkbox(cell(record, F::IsBeta), &why);
    if (!beta)
        return fail(F::IsBeta);
    auto release = ValueParser::date(cell(record, F::ReleaseDate), m_options.dateOrder, &why);
    if (!release)
        return fail(F::ReleaseDate);
    const std::optional<qint64> sequence = ValueParser::sequence(cell(record, F::Sequence), &why, numberStyle());
    if (!sequence)
        return fail(F::Sequence);
    QString number = cell(record, F::VersionNumber).trimmed();
    if (number.isEmpty())
        number = cell(record, F::Version).trimmed();
    if (number.isEmpty())
        number = cell(record, F::Name).trimmed();
    if (number.isEmpty()) {
        why = QStringLiteral("the version number is blank");
        return fail(has(F::VersionNumber) ? F::VersionNumber : F::Name);
    }
    auto package = packageFor(*packageRef, packageName);
    if (!package)
        return package.error();

    const qint64 before = m_versionBySfId.size() + m_versionByNumber.size();
    auto version = versionFor(package.value(), *id, number);
    if (!version)
        return version.error();
    const bool created = m_versionBySfId.size() + m_versionByNumber.size() > before;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT sf_id, name, version, version_id, is_beta, release_date, sequence FROM package_versions "
                             "WHERE id = ?"));
    q.addBindValue(version.value());
    if (!q.exec() || !q.next())
        return sqlError(q.lastError(), QStringLiteral("reading package version %1").arg(number));
    const QVariantList now{sqlValue(*id), sqlValue(cell(record, F::Name).trimmed()), sqlValue(cell(record, F::Version).trimmed()),
                           sqlValue(*versionId), qint64(*beta ? 1 : 0), sqlValue(*release), *sequence};
    const ImportField fields[] = {F::Id, F::Name, F::Version, F::VersionId04t, F::IsBeta, F::ReleaseDate, F::Sequence};
    const char *columns[] = {"sf_id", "name", "version", "version_id", "is_beta", "release_date", "sequence"};
    QStringList sets;
    QVariantList binds;
    for (int i = 0; i < 7; ++i) {
        if (!has(fields[i]) || variantText(q.value(i)) == variantText(now[i]))
            continue;
        sets << QStringLiteral("%1 = ?").arg(QLatin1String(columns[i]));
        binds << now[i];
    }
    q.finish();
    if (!sets.isEmpty()) {
        QSqlQuery u(m_db);
        u.prepare(QStringLiteral("UPDATE package_versions SET %1 WHERE id = ?").arg(sets.join(QStringLiteral(", "))));
        for (const QVariant &b : std::as_const(binds))
            u.addBindValue(b);
        u.addBindValue(version.value());
        if (!u.exec())
            return sqlError(u.lastError(), QStringLiteral("updating package version %1").arg(number));
        if (!id->isNull())
            m_versionBySfId.insert(id->to18(), version.value());
    }
    if (created)
        ++m_report.inserted;
    else if (sets.isEmpty())
        ++m_report.unchanged;
    else
        ++m_report.updated;
    return {};
}

bool FileImport::nextDataRecord(CsvReader &reader, CsvRecord &record, bool &footer, bool report) const
{
    while (reader.next(record)) {
        if (record.isBlank()) {
            footer = footer || report; // a report's rows end at a blank line; its footer follows
            continue;
        }
        if (!footer)
            return true;
    }
    return false;
}

std::optional<Rejection> FileImport::shapeRejection(const CsvRecord &record) const
{
    // What the reader found first: a cut-off record, a value over the limit, a byte that is not
    // UTF-8. Such a row's fields are not what the file meant.
    if (const auto &problem = record.problem())
        return makeRejection(record, problem->column, problem->reason, problem->line);
    if (record.size() == int(m_report.headers.size()))
        return std::nullopt;
    return makeRejection(record, -1,
                         QStringLiteral("the row has %1 fields but the header has %2 (a missing or extra delimiter?)")
                             .arg(record.size())
                             .arg(m_report.headers.size()));
}

Result<void> FileImport::progressed(qint64 bytes, qint64 totalBytes, const QElapsedTimer &timer)
{
    if (!m_options.progress || m_options.progress(ImportProgress{m_report.read, bytes, totalBytes, timer.elapsed() / 1000.0}))
        return {};
    return Error::make(Error::Code::Cancelled,
                       QStringLiteral("The import of %1 was cancelled; nothing of it was kept.").arg(shownPath(m_path)));
}

Result<void> FileImport::readRowsHere(const HeaderAnalysis &analysis, qint64 totalBytes, const QElapsedTimer &timer)
{
    CsvReader &reader = *m_reader;
    CsvRecord record;
    bool footer = false;
    while (nextDataRecord(reader, record, footer, analysis.format == ExportFormat::Report)) {
        ++m_report.read;
        if (auto bad = shapeRejection(record)) {
            addRejection(std::move(*bad));
        } else {
            Result<void> r;
            switch (analysis.kind) {
            case RecordKind::License: r = licenseRow(record); break;
            case RecordKind::Package: r = packageRow(record); break;
            case RecordKind::PackageVersion: r = versionRow(record); break;
            }
            if (!r)
                return r;
        }
        if (m_report.read % kProgressEvery == 0) {
            if (auto r = progressed(reader.bytesRead(), totalBytes, timer); !r)
                return r;
        }
    }
    if (!reader.error().isEmpty())
        return Error::make(Error::Code::Invalid, QStringLiteral("%1 was refused whole: %2").arg(shownPath(m_path), reader.error()));
    return {};
}

Result<void> FileImport::readLicensesOnTwoThreads(const HeaderAnalysis &analysis, qint64 totalBytes,
                                                  const QElapsedTimer &timer)
{
    // Reading and checking on one core, writing on the other: a batch at a time, a few batches
    // in flight at most, so memory stays flat. The reading thread hands over rows ready to bind.
    struct Batch
    {
        LicenseRowBatch rows{LicenseRowEncoder::Width};
        std::vector<size_t> orgHashes; // a row's org id, one per row
        std::vector<size_t> idHashes;  // a row's record Id, one per row that has one
        std::vector<Rejection> rejections;
        qint64 read = 0;
        qint64 bytes = 0;
        bool last = false;
        QString error;
    };
    constexpr qint64 kBatchRows = 4096;
    constexpr size_t kMaxBatches = 4;
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<Batch> queue;
    std::atomic<bool> stop{false};
    const bool report = analysis.format == ExportFormat::Report;
    const LicenseRowEncoder encoder(m_columnOf, m_options.dateOrder, numberStyle());

    std::thread reader([&] {
        auto push = [&](Batch &&batch) {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return queue.size() < kMaxBatches || stop.load(); });
            queue.push_back(std::move(batch));
            changed.notify_all();
        };
        Batch batch;
        CsvReader &csv = *m_reader; // this thread's alone until it ends
        CsvRecord record;
        bool footer = false;
        while (!stop.load() && nextDataRecord(csv, record, footer, report)) {
            ++batch.read;
            if (auto bad = shapeRejection(record)) {
                batch.rejections.push_back(std::move(*bad));
            } else if (!encoder.encodeFast(record, batch.rows)) {
                ParsedLicense row = parseLicense(record);
                if (row.rejection)
                    batch.rejections.push_back(std::move(*row.rejection));
                else
                    LicenseRowEncoder::encode(row.l, row.packageRef, row.packageName, row.versionId, row.versionName,
                                              batch.rows);
            }
            // Hashed here, where there is time to spare, for the duplicate check.
            if (batch.orgHashes.size() < batch.rows.size()) {
                const LicenseRowBatch::Cell *cells = batch.rows.row(batch.rows.size() - 1);
                batch.orgHashes.push_back(std::hash<std::string_view>{}(batch.rows.text(cells[LicenseRowBatch::OrgId])));
                if (!cells[LicenseRowBatch::SfId].isNull())
                    batch.idHashes.push_back(std::hash<std::string_view>{}(batch.rows.text(cells[LicenseRowBatch::SfId])));
            }
            if (batch.read >= kBatchRows) {
                batch.bytes = csv.bytesRead();
                push(std::move(batch));
                batch = Batch();
            }
        }
        batch.bytes = csv.bytesRead();
        batch.error = csv.error();
        batch.last = true;
        push(std::move(batch));
    });
    auto finish = [&]() {
        {
            std::lock_guard lock(mutex);
            stop = true;
        }
        changed.notify_all();
        reader.join();
    };

    for (;;) {
        Batch batch;
        {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return !queue.empty(); });
            batch = std::move(queue.front());
            queue.pop_front();
            changed.notify_all();
        }
        m_report.read += batch.read;
        for (Rejection &rejection : batch.rejections)
            addRejection(std::move(rejection));
        Result<void> r = storeEncoded(batch.rows, batch.orgHashes, batch.idHashes);
        if (r)
            r = progressed(batch.bytes, totalBytes, timer);
        if (!r) {
            finish();
            return r;
        }
        if (batch.last) {
            finish();
            if (!batch.error.isEmpty())
                return Error::make(Error::Code::Invalid, QStringLiteral("%1 was refused whole: %2").arg(shownPath(m_path), batch.error));
            return checkNoDuplicates();
        }
    }
}

Result<void> FileImport::loadRows(const HeaderAnalysis &analysis, bool fast)
{
    QElapsedTimer timer;
    timer.start();
    const qint64 totalBytes = m_file.isSequential() ? 0 : m_file.size(); // a pipe's size is not known

    // Into an empty table the indexes go, to be built once the rows are saved, from sorted keys
    // (buildDeferredIndexes). The fast path keeps none and checks the keys itself; the careful
    // one keeps the unique indexes, to find the licenses the file updates.
    IndexSuspension indexes(m_db, m_database.dialect());
    if (m_freshTable) {
        if (auto r = indexes.suspend(QStringLiteral("licenses"),
                                     fast ? IndexSuspension::Keep::Nothing : IndexSuspension::Keep::UniqueIndexes);
            !r)
            return r;
    }

    Result<void> rows;
    if (fast) {
        rows = readLicensesOnTwoThreads(analysis, totalBytes, timer);
    } else {
        rows = readRowsHere(analysis, totalBytes, timer);
    }
    m_report.encoding = m_reader->encoding(); // final once a non-ASCII byte was read
    if (!rows)
        return rows;
    // Once more at the end, so that a cancel after the last progress report still counts.
    if (auto r = progressed(totalBytes, totalBytes, timer); !r)
        return r;
    if (m_options.strict && m_report.rejected > 0)
        return {}; // refused whole: the caller rolls back, indexes and all
    return indexes.defer();
}

Result<void> FileImport::openInput()
{
    if (m_file.isOpen())
        m_file.close();
    if (!m_file.open(QIODevice::ReadOnly))
        return Error::make(Error::Code::Io, QStringLiteral("%1 cannot be read: %2").arg(m_path, m_file.errorString()));
    m_reader = std::make_unique<CsvReader>(&m_file);
    // Never past 1 GiB, whatever the caller says: a fast load's batch keeps a value's length in 32
    // bits (LicenseRowBatch::Cell).
    m_reader->setMaxFieldBytes(std::clamp<qsizetype>(m_options.maxFieldBytes, 1, qsizetype(1) << 30));
    auto headers = readHeader(*m_reader, m_path);
    if (!headers)
        return headers.error();
    m_report.headers = headers.value();
    m_report.delimiter = m_reader->delimiter();
    m_report.encoding = m_reader->encoding();
    m_report.skippedBeforeHeader = m_reader->skippedBeforeHeader();
    m_report.skippedWhat = m_reader->skippedWhat();
    return {};
}

Result<void> FileImport::run()
{
    QElapsedTimer timer;
    timer.start();
    if (auto r = openInput(); !r)
        return r;
    HeaderAnalysis analysis = m_options.mapping ? analyseMapping(m_report.headers, *m_options.mapping)
                                                : analyseHeader(m_report.headers);
    m_report.kind = analysis.kind;
    m_report.format = analysis.format;
    m_report.mapping = analysis.fields;
    m_report.ignoredColumns = analysis.ignored;
    if (std::all_of(analysis.fields.begin(), analysis.fields.end(), [](ImportField f) { return f == ImportField::Ignore; }))
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("%1 is not an LMA export: none of its columns (%2) is a License, Package or "
                                          "Package Version field.")
                               .arg(shownPath(m_path), m_report.headers.mid(0, 6).join(QStringLiteral(", "))));
    if (!analysis.acceptable())
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("%1 was refused whole: its header lacks %2, which a %3 import needs. Export "
                                          "again with those columns.")
                               .arg(shownPath(m_path), analysis.missing.join(QStringLiteral(", ")), kindName(analysis.kind)));

    // The write-ahead log stays on during the load, so that readers go on reading the database
    // as it was before this file (a rollback journal would lock them out until the commit).
    // importFile() holds the BulkWriteLock: no other import can fill the table between this
    // count and the transaction's own (prepare()).
    std::optional<PragmaForLoad> foreignKeys, checks;
    if (analysis.kind == RecordKind::License) {
        auto count = queryNumber(m_db, QStringLiteral("SELECT COUNT(*) FROM licenses"), QStringLiteral("counting licenses"));
        if (!count)
            return count.error();
        if (count.value() == 0 && m_database.dialect().kind() == Dialect::Kind::SQLite) {
            // SQLite's foreign-key check would look up each license's package, version and LMO,
            // a million lookups for a million rows, to confirm what the import knows already:
            // every reference it writes is a row it has just found or created itself.
            foreignKeys.emplace(m_db, "foreign_keys", false);
            // The table's CHECK rules (status, seats) cost SQLite a tenth of the load; the
            // writer holds every row to them itself (LicenseWriter::checkTableRules), and an
            // update writes only values the import has read and checked.
            checks.emplace(m_db, "ignore_check_constraints", true);
            m_tableRulesInWriter = checks->switched();
        } else if (count.value() == 0) {
            // The server checks them too; the writer's own check words a broken rule as on
            // SQLite, before a COPY of thousands of rows fails on it.
            m_tableRulesInWriter = true;
        }
    }
    Transaction transaction(m_db);
    if (auto r = transaction.beginWrite(QStringLiteral("starting the import")); !r)
        return r;
    if (auto r = prepare(analysis); !r)
        return r;
    // The fast path may have to start again the careful way (a license twice in the file): it
    // needs a file it can read again, not a pipe.
    bool fast = m_options.fastLoad && m_freshTable && analysis.kind == RecordKind::License && !m_file.isSequential();
    // A larger page cache while loading keeps the b-trees in memory; the index builds may sort
    // on a second thread. Both are put back when this import is done.
    BulkPragmas pragmas(m_db, fast);

    // On a server, the foreign keys go for the fast load (every reference is a row the import
    // found or made itself) and come back checked once over the table at the end.
    std::optional<pg::ForeignKeySuspension> foreignKeysOff;
    if (fast) {
        if (auto r = execSql(m_db, QStringLiteral("SAVEPOINT fast_load"), QStringLiteral("starting the import")); !r)
            return r;
        if (m_database.isTeamDatabase()) {
            foreignKeysOff.emplace(m_db);
            if (auto r = foreignKeysOff->suspend(QStringLiteral("licenses")); !r)
                return r;
        }
    }
    auto loaded = loadRows(analysis, fast);
    if (!loaded && fast && loaded.error().code == Error::Code::Conflict) {
        // The file holds some license twice: load it again the careful way, where the later
        // row updates the earlier one.
        if (auto r = execSql(m_db, QStringLiteral("ROLLBACK TO fast_load"), QStringLiteral("restarting the import")); !r)
            return r;
        if (foreignKeysOff)
            foreignKeysOff->forget(); // back with the rollback
        // A server's sequences keep the ids the fast pass used: the careful pass numbers its
        // packages, versions and licenses from where the fast one began, as SQLite does.
        if (m_database.isTeamDatabase()) {
            if (auto r = pg::rewindSequences(m_db, {QStringLiteral("packages"), QStringLiteral("package_versions"),
                                                    QStringLiteral("licenses")});
                !r)
                return r;
        }
        m_report.read = m_report.inserted = m_report.updated = m_report.unchanged = m_report.rejected = 0;
        m_report.rejections.clear();
        forgetPackages(); // rolled back with the rest: what the fast pass learned is gone
        if (auto r = loadPackages(); !r)
            return r;
        pragmas.setAppendOnly(false);
        if (auto r = openInput(); !r) // from the start again (not a pipe: see above)
            return r;
        loaded = loadRows(analysis, false);
    }
    if (!loaded)
        return loaded;
    if (foreignKeysOff && !(m_options.strict && m_report.rejected > 0)) {
        if (auto r = foreignKeysOff->restore(); !r)
            return r;
    }

    if (m_options.strict && m_report.rejected > 0) {
        m_report.refused = true;
        m_report.refusal = QStringLiteral("%1 was refused whole (--strict): %2 row(s) could not be read; the database is "
                                          "as it was.")
                               .arg(shownPath(m_path), groupedNumber(m_report.rejected));
        m_report.inserted = m_report.updated = m_report.unchanged = 0;
        m_report.seconds = timer.elapsed() / 1000.0;
        return {}; // the transaction rolls back as it goes out of scope
    }
    // Nothing changed (every row rejected or unchanged): nothing to audit.
    if (m_report.inserted + m_report.updated == 0) {
        m_writer.reset();
        m_findById = QSqlQuery();
        m_findByOrgPackage = QSqlQuery();
        m_update = QSqlQuery();
        m_fetch = QSqlQuery();
        m_report.seconds = timer.elapsed() / 1000.0;
        return {}; // the transaction rolls back: whatever a rejected row looked up is not kept
    }
    AuditEntry summary;
    summary.changedBy = m_changedBy;
    summary.recordType = QStringLiteral("import");
    summary.field = kindName(analysis.kind);
    summary.newValue = QStringLiteral("%1 read, %2 inserted, %3 updated, %4 unchanged, %5 rejected")
                           .arg(m_report.read)
                           .arg(m_report.inserted)
                           .arg(m_report.updated)
                           .arg(m_report.unchanged)
                           .arg(m_report.rejected);
    summary.source = m_source;
    if (auto r = AuditLog(m_db).record(summary); !r)
        return r;
    // The subscriber orgs: a few are summarised again now; after a big load all of them are,
    // once the licenses and their indexes are in (deferred work).
    if (analysis.kind == RecordKind::License && m_report.inserted + m_report.updated > 0) {
        constexpr qsizetype kRefreshAtMost = 5000;
        if (fast || m_freshTable || m_touchedOrgs.size() > kRefreshAtMost) {
            if (auto r = SubscriberSummary::markStale(m_db); !r)
                return r;
        } else if (auto r = SubscriberSummary::refresh(m_db, m_database.dialect(), QStringList(m_touchedOrgs.begin(), m_touchedOrgs.end()));
                   !r) {
            return r;
        }
    }
    m_writer.reset(); // its statement must be finished before the commit
    m_findById = QSqlQuery();
    m_findByOrgPackage = QSqlQuery();
    m_update = QSqlQuery();
    m_fetch = QSqlQuery();
    if (auto r = transaction.commit(QStringLiteral("saving the import of %1").arg(shownPath(m_path))); !r)
        return r;
    m_report.seconds = timer.elapsed() / 1000.0;
    return {};
}

} // namespace

QString Rejection::text(const QString &file) const
{
    if (column <= 0)
        return QStringLiteral("%1:%2: %3").arg(file).arg(line).arg(reason);
    return QStringLiteral("%1:%2:%3: %4").arg(file).arg(line).arg(column).arg(reason);
}

int ImportReport::exitCodeOf(const Error &error)
{
    switch (error.code) {
    case Error::Code::Sql:
    case Error::Code::DiskFull:
    case Error::Code::DiskIo:
    case Error::Code::Generic: return 1; // failed while working: the file may be fine
    default: return 2;                   // the file, the database chosen or the request
    }
}

int ImportReport::exitCode() const
{
    if (refused || (read > 0 && inserted + updated + unchanged == 0))
        return 2;
    return rejected > 0 ? 3 : 0;
}

QStringList ImportReport::notes() const
{
    QStringList out;
    if (encoding == TextEncoding::Windows1252)
        out << QStringLiteral("the file is not UTF-8: it was read as Windows-1252 (Western European, as Excel saves CSV "
                              "on Windows)");
    else if (encoding != TextEncoding::Utf8)
        out << QStringLiteral("the file was read as %1 (as Excel saves \"Unicode Text\")").arg(encodingName(encoding));
    if (skippedBeforeHeader > 0)
        out << QStringLiteral("skipped %1 before the header (%2 bytes): they hold no data").arg(skippedWhat).arg(skippedBeforeHeader);
    return out;
}

QString ImportReport::summary(int maxRejections) const
{
    QString out = QStringLiteral("%1: %2, %3 records\n").arg(QFileInfo(file).fileName(), formatName(format), kindName(kind));
    out += QStringLiteral("  read %1, inserted %2, updated %3, unchanged %4, rejected %5 (%6 s)\n")
               .arg(groupedNumber(read), groupedNumber(inserted), groupedNumber(updated), groupedNumber(unchanged),
                    groupedNumber(rejected))
               .arg(seconds, 0, 'f', 1);
    for (const QString &note : notes())
        out += QStringLiteral("  %1\n").arg(note);
    if (!ignoredColumns.isEmpty())
        out += QStringLiteral("  ignored columns: %1\n").arg(ignoredColumns.join(QStringLiteral(", ")));
    for (int i = 0; i < int(rejections.size()) && i < maxRejections; ++i)
        out += QStringLiteral("  rejected %1\n").arg(rejections[size_t(i)].text(QFileInfo(file).fileName()));
    if (rejected > maxRejections)
        out += QStringLiteral("  ... and %1 more rejected rows\n").arg(groupedNumber(rejected - maxRejections));
    if (refused)
        out += QStringLiteral("  %1\n").arg(refusal);
    return out;
}

Result<ImportPreview> previewImport(const QString &path, int rows)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::make(Error::Code::Io, QStringLiteral("%1 cannot be read: %2").arg(path, file.errorString()));
    ImportPreview preview;
    preview.fileSize = file.isSequential() ? 0 : file.size();
    CsvReader reader(&file);
    auto headers = readHeader(reader, path);
    if (!headers)
        return headers.error();
    preview.analysis = analyseHeader(headers.value());
    CsvRecord record;
    preview.delimiter = reader.delimiter();
    while (int(preview.rows.size()) < rows && reader.next(record)) {
        if (record.isBlank()) {
            if (preview.analysis.format == ExportFormat::Report)
                break; // what follows is the report's footer
            continue;
        }
        QStringList values;
        for (int i = 0; i < record.size(); ++i)
            values << record.text(i);
        preview.rows.push_back(values);
    }
    return preview;
}

Result<ImportReport> importFile(Database &database, const QString &path, const ImportOptions &options)
{
    if (database.isReadOnly())
        return Error::make(Error::Code::ReadOnly, QStringLiteral("%1 is read-only (%2): nothing can be imported into it.")
                                                      .arg(database.path(), database.readOnlyReason()));
    // One import at a time, from before anything is looked at (indexes left to build, an empty
    // table) to the commit: a second import waits here for the first, then sees what it saved.
    // The wait is told as progress (no rows yet), which may cancel it.
    BulkWriteLock::Waiting waiting;
    if (options.progress)
        waiting = [&options](const QString &) { return options.progress(ImportProgress{}); };
    auto lock = BulkWriteLock::acquire(database.connection(), waiting, 2000, database.displayName());
    if (!lock) {
        if (lock.error().code == Error::Code::Cancelled)
            return Error::make(Error::Code::Cancelled, QStringLiteral("Cancelled while waiting for another import to "
                                                                      "finish: nothing of this file was imported."));
        return lock.error();
    }
    LongBusyTimeout busy(database.connection());
    // An earlier load may have left indexes to build; updates need the unique ones.
    auto pending = deferredIndexCount(database.connection());
    if (!pending)
        return pending.error();
    if (pending.value() > 0) {
        if (auto r = buildDeferredIndexes(database.connection(), options.indexProgress); !r) {
            if (r.error().code == Error::Code::Cancelled)
                return Error::make(Error::Code::Cancelled,
                                   QStringLiteral("Cancelled before the import began: nothing of this file was imported."));
            return r.error();
        }
    }
    ImportReport report;
    report.file = path;
    FileImport import(database, path, options, report);
    if (auto r = import.run(); !r) {
        // A failure while writing leaves the database as it was: the transaction rolls back. Say
        // so, as a refusal or a cancel does; and a full disk is said first, with what to do.
        const Error &e = r.error();
        if (ImportReport::exitCodeOf(e) != 1)
            return e;
        // Storage classifies the database's answer (sqlError, sqliteError).
        const bool full = e.code == Error::Code::DiskFull;
        const bool io = e.code == Error::Code::DiskIo;
        QString message = full ? QStringLiteral("The disk is full (or the database reached its size limit): nothing of %1 "
                                                "was imported, the database is as it was. Free some space and import "
                                                "it again. (%2)")
                                     .arg(shownPath(path), e.message)
                          : io ? QStringLiteral("The disk could not be read or written (an I/O error): nothing of %1 was "
                                                "imported, the database is as it was. Check the disk, then import it "
                                                "again. (%2)")
                                     .arg(shownPath(path), e.message)
                               : QStringLiteral("%1 Nothing of %2 was imported: the database is as it was.")
                                     .arg(e.message, shownPath(path));
        return Error::make(e.code, message);
    }
    return report;
}

} // namespace lmo
