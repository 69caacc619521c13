#include "storage/subscribersummary.h"

#include "domain/subscriber.h"
#include "storage/backend.h"
#include "storage/bulkload.h"
#include "storage/database.h"
#include "storage/sqlutil.h"
#include "storage/values.h"

#include <QHash>
#include <QSqlError>
#include <QScopeGuard>
#include <QSqlQuery>

#include <string>
#include <string_view>
#include <vector>

namespace lmo::SubscriberSummary {

namespace {

const char kInsertHead[] =
    "INSERT INTO subscribers (org_id, account_name, org_edition, org_instance, org_status, is_sandbox, licenses, "
    "installed, packages, seats, site_licenses, used, first_install, last_change, lmo_mask) VALUES ";
constexpr int kInsertColumns = 15;

const QString kLicenseColumns = QStringLiteral(
    "SELECT id, org_id, account_name, org_edition, org_instance, org_status, is_sandbox, status, seats, used_licenses, "
    "install_date, last_modified, package_ref, lmo_ref FROM licenses");

Result<QHash<qint64, QString>> packageNames(QSqlDatabase db)
{
    QHash<qint64, QString> names;
    QSqlQuery p(db);
    p.setForwardOnly(true);
    if (!p.exec(QStringLiteral("SELECT id, name FROM packages")))
        return sqlError(p.lastError(), QStringLiteral("summarising subscriber orgs"));
    while (p.next())
        names.insert(p.value(0).toLongLong(), p.value(1).toString());
    return names;
}

// Writes one org's summary row.
class SummaryWriter
{
public:
    virtual ~SummaryWriter() = default;
    virtual Result<void> write(const QString &org, const Subscriber &s) = 0;
    // Writes what it may still hold.
    virtual Result<void> finish() { return {}; }
};

// Through QSqlQuery, whatever the driver: kRows orgs an INSERT, so that a server a network away
// is asked once for many orgs, not once for each.
class QueryWriter final : public SummaryWriter
{
public:
    explicit QueryWriter(QSqlDatabase db) : m_db(std::move(db)), m_many(m_db) {}
    // The many-row statement is prepared when first needed: a refresh of a few orgs never is.
    Result<void> prepare() { return {}; }
    Result<void> write(const QString &org, const Subscriber &s) override
    {
        m_pending.push_back({org, s});
        if (m_pending.size() == size_t(kRows))
            return flush();
        return {};
    }
    Result<void> finish() override { return flush(); }

private:
    static constexpr int kRows = 256;
    static void bind(QSqlQuery &q, const QString &org, const Subscriber &s)
    {
        q.addBindValue(org);
        q.addBindValue(sqlValue(s.accountName));
        q.addBindValue(sqlValue(s.orgEdition));
        q.addBindValue(sqlValue(s.orgInstance));
        q.addBindValue(sqlValue(s.orgStatus));
        q.addBindValue(s.isSandbox ? 1 : 0);
        q.addBindValue(s.licenses);
        q.addBindValue(s.activeLicenses);
        q.addBindValue(sqlValue(s.packages));
        q.addBindValue(s.seatsLicensed);
        q.addBindValue(s.hasSiteLicense ? 1 : 0);
        q.addBindValue(s.seatsUsed);
        q.addBindValue(sqlValue(s.firstInstall));
        q.addBindValue(sqlValue(s.lastChange));
        q.addBindValue(s.lmoMask);
    }
    Result<void> flush()
    {
        if (m_pending.empty())
            return {};
        const bool full = m_pending.size() == size_t(kRows);
        if (full && !m_prepared) {
            if (!m_many.prepare(QString::fromLatin1(insertRowsSql(kInsertHead, kInsertColumns, kRows))))
                return sqlError(m_many.lastError(), QStringLiteral("summarising subscriber orgs"));
            m_prepared = true;
        }
        QSqlQuery one(m_db);
        QSqlQuery &q = full ? m_many : one;
        if (!full && !one.prepare(QString::fromLatin1(insertRowsSql(kInsertHead, kInsertColumns, int(m_pending.size())))))
            return sqlError(one.lastError(), QStringLiteral("summarising subscriber orgs"));
        for (const auto &[org, s] : m_pending)
            bind(q, org, s);
        if (!q.exec())
            return sqlError(q.lastError(), QStringLiteral("summarising subscriber org %1").arg(m_pending.front().first));
        m_pending.clear();
        return {};
    }
    QSqlDatabase m_db;
    QSqlQuery m_many;
    bool m_prepared = false;
    std::vector<std::pair<QString, Subscriber>> m_pending;
};

// The rows kept for a COPY (a server's): written when finish() is called, once the read that
// made them is done (nothing else runs on the connection while a COPY's rows are coming).
class CopyWriter final : public SummaryWriter
{
public:
    // Only where `backend` copiesRows().
    CopyWriter(QSqlDatabase db, const StorageBackend &backend)
        : m_db(std::move(db)), m_backend(backend), m_rows(backend.bulkRows(BulkRows::Format::Text))
    {
    }
    Result<void> write(const QString &org, const Subscriber &s) override
    {
        m_rows->text(org);
        m_rows->text(s.accountName);
        m_rows->text(s.orgEdition);
        m_rows->text(s.orgInstance);
        m_rows->text(s.orgStatus);
        m_rows->integer(s.isSandbox ? 1 : 0);
        m_rows->integer(s.licenses);
        m_rows->integer(s.activeLicenses);
        m_rows->text(s.packages);
        m_rows->integer(s.seatsLicensed);
        m_rows->integer(s.hasSiteLicense ? 1 : 0);
        m_rows->integer(s.seatsUsed);
        m_rows->text(dateToSql(s.firstInstall));
        m_rows->text(dateTimeToSql(s.lastChange));
        m_rows->integer(s.lmoMask);
        m_rows->endRow();
        return {};
    }
    Result<void> finish() override
    {
        QByteArray target(kInsertHead);
        target = target.mid(int(qstrlen("INSERT INTO ")));
        target.chop(int(qstrlen(" VALUES ")));
        auto r = m_backend.copyIn(m_db, target.constData(), *m_rows, QStringLiteral("summarising subscriber orgs"));
        m_rows->clear();
        return r;
    }

private:
    QSqlDatabase m_db;
    const StorageBackend &m_backend;
    std::unique_ptr<BulkRows> m_rows;
};

// The same rows through the backend's fast statements (SQLite's own): no QVariant per value,
// and kRows orgs an INSERT (SQLite's work to start and finish a statement is then paid once for
// them all). At a million orgs, those two were most of the rebuild's time.
class FastWriter final : public SummaryWriter
{
public:
    FastWriter(QSqlDatabase db, const StorageBackend &backend) : m_db(std::move(db)), m_backend(backend) {}

    // False (and nothing prepared) when the backend has no fast statement.
    Result<bool> prepare()
    {
        auto one = m_backend.prepareInsert(m_db, insertRowsSql(kInsertHead, kInsertColumns, 1));
        if (!one)
            return storageError(one.error(), QStringLiteral("summarising subscriber orgs"));
        if (!one.value())
            return false;
        auto many = m_backend.prepareInsert(m_db, insertRowsSql(kInsertHead, kInsertColumns, kRows));
        if (!many)
            return storageError(many.error(), QStringLiteral("summarising subscriber orgs"));
        if (!many.value())
            return false;
        m_one = std::move(one.value());
        m_many = std::move(many.value());
        m_pending.reserve(kRows);
        return true;
    }
    Result<void> write(const QString &org, const Subscriber &s) override
    {
        m_pending.push_back(Row{org, s, dateToSql(s.firstInstall), dateTimeToSql(s.lastChange)});
        if (m_pending.size() < size_t(kRows))
            return {};
        return flush();
    }
    Result<void> finish() override { return flush(); }

private:
    static constexpr int kRows = 32;
    struct Row
    {
        QString org;
        Subscriber s;
        QString firstInstall;
        QString lastChange;
    };

    Result<void> flush()
    {
        if (m_pending.empty())
            return {};
        if (m_pending.size() == size_t(kRows)) {
            if (auto done = run(*m_many, 0, m_pending.size()); !done)
                return done;
        } else {
            for (size_t r = 0; r < m_pending.size(); ++r) {
                if (auto done = run(*m_one, r, 1); !done)
                    return done;
            }
        }
        m_pending.clear();
        return {};
    }
    // Binds rows [first, first + count) of the pending ones to `stmt` and runs it. The strings
    // outlive the step: bound without a copy.
    Result<void> run(FastInsert &stmt, size_t first, size_t count)
    {
        for (size_t r = first; r < first + count; ++r) {
            const Row &row = m_pending[r];
            const Subscriber &s = row.s;
            stmt.text(row.org);
            stmt.text(s.accountName);
            stmt.text(s.orgEdition);
            stmt.text(s.orgInstance);
            stmt.text(s.orgStatus);
            stmt.integer(s.isSandbox ? 1 : 0);
            stmt.integer(s.licenses);
            stmt.integer(s.activeLicenses);
            stmt.text(s.packages);
            stmt.integer(s.seatsLicensed);
            stmt.integer(s.hasSiteLicense ? 1 : 0);
            stmt.integer(s.seatsUsed);
            stmt.text(row.firstInstall);
            stmt.text(row.lastChange);
            stmt.integer(s.lmoMask);
        }
        if (auto done = stmt.run(); !done)
            return storageError(done.error(), QStringLiteral("summarising subscriber org %1").arg(m_pending[first].org));
        return {};
    }

    QSqlDatabase m_db;
    const StorageBackend &m_backend;
    std::unique_ptr<FastInsert> m_one;
    std::unique_ptr<FastInsert> m_many;
    std::vector<Row> m_pending;
};

// Licenses arrive ordered by org id; each org is worked out by the domain rule
// (Subscriber::fromLicenses) when its last license has arrived: memory stays flat whatever the
// size, and the summary cannot disagree with the rule.
class OrgGroups
{
public:
    explicit OrgGroups(SummaryWriter &writer) : m_writer(writer) {}
    // Starts a license of `org`: the one returned, to be filled in.
    Result<License *> add(const QString &org)
    {
        if (org != m_org) {
            if (auto r = flush(); !r)
                return r.error();
            m_org = org;
        }
        m_group.emplace_back();
        License &l = m_group.back();
        l.subscriberOrgId = m_group.size() == 1 ? SalesforceId::fromString(org) : m_group.front().subscriberOrgId;
        return &l;
    }
    // Forgets the org under way (its licenses are read again later).
    void drop()
    {
        m_group.clear();
        m_org.clear();
    }
    Result<void> flush()
    {
        if (m_group.empty())
            return {};
        const Subscriber s = Subscriber::fromLicenses(m_group.front().subscriberOrgId, m_group);
        m_group.clear();
        return m_writer.write(m_org, s);
    }

private:
    SummaryWriter &m_writer;
    std::vector<License> m_group;
    QString m_org;
};

// A license of kLicenseColumns's row, read through whichever kind of row (QueryRow, StatementRow)
// gives `integer`, `text`, `date` and `dateTime` by column.
template<typename Row>
void fillLicense(License &l, const Row &row, const QHash<qint64, QString> &packageNames)
{
    l.rowId = row.integer(0);
    l.accountName = row.text(2);
    l.orgEdition = row.text(3);
    l.orgInstance = row.text(4);
    l.orgStatus = row.text(5);
    l.isSandbox = row.integer(6) != 0;
    l.status = statusFromString(row.text(7)).value_or(Status::Active);
    l.seats = int(row.integer(8));
    l.usedLicenses = int(row.integer(9));
    l.installDate = row.date(10);
    l.lastModified = row.dateTime(11);
    l.packageName = packageNames.value(row.integer(12));
    l.lmoRef = row.integer(13);
}

struct QueryRow
{
    const QSqlQuery &q;
    qint64 integer(int c) const { return q.value(c).toLongLong(); }
    QString text(int c) const { return q.value(c).toString(); }
    QDate date(int c) const { return dateFromSql(q.value(c)); }
    QDateTime dateTime(int c) const { return dateTimeFromSql(q.value(c)); }
};

// Every org the query's rows (kLicenseColumns, ordered by org id) cover.
Result<void> summarise(QSqlDatabase db, QSqlQuery &licenses, SummaryWriter &writer)
{
    auto names = packageNames(db);
    if (!names)
        return names.error();
    OrgGroups groups(writer);
    while (licenses.next()) {
        auto added = groups.add(licenses.value(1).toString());
        if (!added)
            return added.error();
        fillLicense(*added.value(), QueryRow{licenses}, names.value());
    }
    if (licenses.lastError().isValid())
        return sqlError(licenses.lastError(), QStringLiteral("summarising subscriber orgs"));
    return groups.flush();
}

// The portable rebuild: licenses read a page of orgs at a time, each page whole before its
// orgs are written (a driver that streams rows, as QPSQL's single-row mode does, cannot run the
// INSERTs on the connection while a result is still arriving). A page ends at an org boundary.
Result<void> summarisePaged(QSqlDatabase db, SummaryWriter &writer, int kPage)
{
    auto names = packageNames(db);
    if (!names)
        return names.error();
    OrgGroups groups(writer);
    QString after;
    for (bool first = true;; first = false) {
        QSqlQuery page(db);
        if (!page.prepare(kLicenseColumns + (first ? QString() : QStringLiteral(" WHERE org_id > ?"))
                         + QStringLiteral(" ORDER BY org_id LIMIT %1").arg(kPage)))
            return sqlError(page.lastError(), QStringLiteral("summarising subscriber orgs"));
        if (!first)
            page.addBindValue(after);
        if (!page.exec())
            return sqlError(page.lastError(), QStringLiteral("summarising subscriber orgs"));
        int rows = 0;
        QString lastOrg;
        // A full page may have cut its last org short: that org is read again with the next page.
        QString cut;
        // (Counted by where the last row is: SQLite's driver knows no size() before the end.)
        if (page.last()) {
            if (page.at() + 1 == kPage)
                cut = page.value(1).toString();
            page.seek(-1); // before the first row again
        }
        while (page.next()) {
            const QString org = page.value(1).toString();
            if (!cut.isEmpty() && org == cut)
                break;
            ++rows;
            lastOrg = org;
            auto added = groups.add(org);
            if (!added)
                return added.error();
            fillLicense(*added.value(), QueryRow{page}, names.value());
        }
        if (cut.isEmpty())
            break;
        if (rows == 0)
            return Error::make(Error::Code::Sql, QStringLiteral("Database error while summarising subscriber orgs: org "
                                                                "%1 has more than %2 licenses").arg(cut).arg(kPage));
        after = lastOrg;
    }
    if (auto r = groups.flush(); !r)
        return r;
    return writer.finish();
}

QString columnText(const FastCursor &cursor, int column)
{
    const std::string_view v = cursor.utf8(column);
    return QString::fromUtf8(v.data(), qsizetype(v.size()));
}

// The forms values.h writes read in place; anything else as dateFromSql and dateTimeFromSql read it.
QDate columnDate(const FastCursor &cursor, int column)
{
    const std::string_view v = cursor.utf8(column);
    if (v.empty())
        return {};
    const QDate d = plainSqlDate(v);
    return d.isValid() ? d : dateFromSql(columnText(cursor, column));
}

QDateTime columnDateTime(const FastCursor &cursor, int column)
{
    const std::string_view v = cursor.utf8(column);
    if (v.empty())
        return {};
    const QDateTime t = plainSqlDateTime(v);
    return t.isValid() ? t : dateTimeFromSql(columnText(cursor, column));
}

struct CursorRow
{
    const FastCursor &cursor;
    qint64 integer(int c) const { return cursor.integer(c); }
    QString text(int c) const { return columnText(cursor, c); }
    QDate date(int c) const { return columnDate(cursor, c); }
    QDateTime dateTime(int c) const { return columnDateTime(cursor, c); }
};

// The same rows through the backend's fast read (SQLite's own statement): the orgs' licenses
// are read without a QVariant per value, and an org's id is compared as bytes. False (nothing
// done) when the backend has none.
Result<bool> summariseFast(QSqlDatabase db, const StorageBackend &backend, const QString &sql, SummaryWriter &writer)
{
    auto names = packageNames(db);
    if (!names)
        return names.error();
    auto prepared = backend.prepareCursor(db, sql.toUtf8());
    if (!prepared)
        return storageError(prepared.error(), QStringLiteral("summarising subscriber orgs"));
    if (!prepared.value())
        return false;
    FastCursor &cursor = *prepared.value();
    OrgGroups groups(writer);
    std::string lastOrg;
    QString org;
    while (cursor.next()) {
        if (const std::string_view bytes = cursor.utf8(1); bytes != lastOrg || org.isNull()) {
            lastOrg.assign(bytes);
            org = QString::fromUtf8(bytes.data(), qsizetype(bytes.size()));
        }
        auto added = groups.add(org);
        if (!added)
            return added.error();
        fillLicense(*added.value(), CursorRow{cursor}, names.value());
    }
    if (auto r = cursor.error(); !r)
        return storageError(r.error(), QStringLiteral("summarising subscriber orgs"));
    if (auto r = groups.flush(); !r)
        return r.error();
    if (auto r = writer.finish(); !r)
        return r.error();
    return true;
}

// The rebuild on a backend whose fast read holds the connection while rows come (a server's
// COPY): a page of licenses at a time, read in place, its orgs written once the page is read.
// A full page may have cut its last org short: that org is read again with the next page.
// False (nothing done) when the backend has no fast read.
Result<bool> summarisePagedFast(QSqlDatabase db, const StorageBackend &backend, SummaryWriter &writer, int pageRows)
{
    auto names = packageNames(db);
    if (!names)
        return names.error();
    const QByteArray first = (kLicenseColumns + QStringLiteral(" ORDER BY org_id LIMIT %1").arg(pageRows)).toUtf8();
    const QByteArray later =
        (kLicenseColumns + QStringLiteral(" WHERE org_id > :after ORDER BY org_id LIMIT %1").arg(pageRows)).toUtf8();
    QByteArray after;
    for (bool firstPage = true;; firstPage = false) {
        auto prepared = backend.prepareCursor(db, firstPage ? first : later);
        if (!prepared)
            return storageError(prepared.error(), QStringLiteral("summarising subscriber orgs"));
        if (!prepared.value())
            return false;
        FastCursor &cursor = *prepared.value();
        if (!firstPage)
            cursor.bindUtf8(":after", after);
        OrgGroups groups(writer);
        int rows = 0;
        std::string org, completed;
        QString orgText;
        while (cursor.next()) {
            ++rows;
            if (const std::string_view bytes = cursor.utf8(1); bytes != org || orgText.isNull()) {
                if (rows > 1)
                    completed = org;
                org.assign(bytes);
                orgText = QString::fromUtf8(bytes.data(), qsizetype(bytes.size()));
            }
            auto added = groups.add(orgText);
            if (!added)
                return added.error();
            fillLicense(*added.value(), CursorRow{cursor}, names.value());
        }
        if (auto r = cursor.error(); !r)
            return storageError(r.error(), QStringLiteral("summarising subscriber orgs"));
        const bool full = rows == pageRows;
        if (full) {
            if (completed.empty())
                return Error::make(Error::Code::Sql, QStringLiteral("Database error while summarising subscriber orgs: org "
                                                                    "%1 has more than %2 licenses")
                                                         .arg(orgText)
                                                         .arg(pageRows));
            groups.drop();
            after = QByteArray::fromStdString(completed);
        } else if (auto r = groups.flush(); !r) {
            return r.error();
        }
        prepared.value().reset(); // the connection is free for the page's rows
        if (auto r = writer.finish(); !r)
            return r.error();
        if (!full)
            return true;
    }
}

// Every org, from the licenses read by `sql` (kLicenseColumns in org order), on the path asked.
Result<void> summariseAll(QSqlDatabase db, const QString &sql, Path path, int pageRows)
{
    if (path == Path::Fast) {
        const StorageBackend &backend = StorageBackend::of(db);
        if (backend.copiesRows(db)) {
            CopyWriter writer(db, backend);
            auto done = summarisePagedFast(db, backend, writer, pageRows);
            if (!done)
                return done.error();
            if (done.value())
                return {};
        }
        FastWriter writer(db, backend);
        auto ready = writer.prepare();
        if (!ready)
            return ready.error();
        if (ready.value()) {
            auto done = summariseFast(db, backend, sql, writer);
            if (!done)
                return done.error();
            if (done.value())
                return {};
            return summarisePaged(db, writer, pageRows); // nothing read yet
        }
    }
    QueryWriter writer(db);
    if (auto r = writer.prepare(); !r)
        return r;
    return summarisePaged(db, writer, pageRows);
}

} // namespace

Result<void> rebuild(QSqlDatabase db, Dialect dialect)
{
    return rebuild(db, dialect, Path::Fast);
}

Result<void> rebuild(QSqlDatabase db, Dialect dialect, Path path, int pageRows)
{
    if (auto r = execSql(db, QStringLiteral("DELETE FROM subscribers"), QStringLiteral("summarising subscriber orgs")); !r)
        return r;
    // Rows go in in key order; the other indexes are built once at the end from sorted keys.
    IndexSuspension indexes(db, dialect);
    if (auto r = indexes.suspend(QStringLiteral("subscribers"), IndexSuspension::Keep::Nothing); !r)
        return r;
    // Read in org order through the (org_id, package_ref) index.
    const QString sql = kLicenseColumns + QStringLiteral(" ORDER BY org_id");
    if (auto r = summariseAll(db, sql, path, pageRows); !r)
        return r;
    return indexes.restore();
}

Result<void> refresh(QSqlDatabase db, Dialect dialect, const QStringList &orgIds)
{
    Q_UNUSED(dialect);
    // One writer for all the orgs: its many-row statement has kRows × 15 parameters, which cost
    // SQLite some 60 ms to prepare (half a minute for 500 orgs when it was made per org); it is
    // prepared once, and only if a batch fills.
    // The orgs are distinct, so a row still waiting in it is never one a later DELETE removes.
    QueryWriter writer(db);
    if (auto r = writer.prepare(); !r)
        return r;
    // Some hundred orgs a statement, not one: on a server each statement is a round trip.
    constexpr qsizetype kOrgsAtOnce = 500;
    for (qsizetype from = 0; from < orgIds.size(); from += kOrgsAtOnce) {
        const QStringList orgs = orgIds.mid(from, kOrgsAtOnce);
        const QString marks = QStringList(orgs.size(), QStringLiteral("?")).join(QStringLiteral(", "));
        const QString what = orgs.size() == 1 ? QStringLiteral("updating subscriber org %1").arg(orgs.front())
                                              : QStringLiteral("updating %1 subscriber orgs").arg(orgs.size());
        QSqlQuery remove(db);
        if (!remove.prepare(QStringLiteral("DELETE FROM subscribers WHERE org_id IN (%1)").arg(marks)))
            return sqlError(remove.lastError(), what);
        for (const QString &org : orgs)
            remove.addBindValue(org);
        if (!remove.exec())
            return sqlError(remove.lastError(), what);
        QSqlQuery licenses(db); // read whole before the orgs' rows are written
        if (!licenses.prepare(kLicenseColumns + QStringLiteral(" WHERE org_id IN (%1) ORDER BY org_id").arg(marks)))
            return sqlError(licenses.lastError(), what);
        for (const QString &org : orgs)
            licenses.addBindValue(org);
        if (!licenses.exec())
            return sqlError(licenses.lastError(), what);
        if (auto r = summarise(db, licenses, writer); !r)
            return r;
    }
    return writer.finish();
}

Result<void> markStale(QSqlDatabase db)
{
    QSqlQuery q(db);
    if (!q.prepare(QStringLiteral("SELECT COUNT(*) FROM deferred_indexes WHERE name = ?")))
        return sqlError(q.lastError(), QStringLiteral("recording the subscriber summary to rebuild"));
    q.addBindValue(QString::fromLatin1(kDeferredName));
    if (!q.exec() || !q.next())
        return sqlError(q.lastError(), QStringLiteral("recording the subscriber summary to rebuild"));
    if (q.value(0).toLongLong() > 0)
        return {};
    q.finish();
    QSqlQuery insert(db);
    if (!insert.prepare(QStringLiteral("INSERT INTO deferred_indexes (name, definition) VALUES (?, ?)")))
        return sqlError(insert.lastError(), QStringLiteral("recording the subscriber summary to rebuild"));
    insert.addBindValue(QString::fromLatin1(kDeferredName));
    insert.addBindValue(QString::fromLatin1(kDeferredMarker));
    if (!insert.exec())
        return sqlError(insert.lastError(), QStringLiteral("recording the subscriber summary to rebuild"));
    return {};
}

} // namespace lmo::SubscriberSummary
