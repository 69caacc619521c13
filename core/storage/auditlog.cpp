#include "storage/auditlog.h"

#include "storage/backend.h"
#include "storage/database.h"
#include "storage/sqlutil.h"
#include "storage/values.h"

#include <QSqlQuery>

#ifdef Q_OS_UNIX
#include <pwd.h>
#include <unistd.h>
#endif

namespace lmo {

namespace {

const char *const kInsertHead = "INSERT INTO audit_log (changed_at, changed_by, record_type, record_ref, record_sf_id, "
                                "field, old_value, new_value, source) VALUES ";
constexpr int kColumns = 9;

QString changedAtText(const AuditEntry &e)
{
    return dateTimeToSql(e.changedAt.isValid() ? e.changedAt : QDateTime::currentDateTimeUtc());
}

} // namespace

QString AuditLog::currentUser()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("LOGNAME");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME"); // Windows
#ifdef Q_OS_UNIX
    // Services, cron and `env -i` set no USER: the account is still known, and an audit row by
    // "unknown" tells nobody anything.
    if (user.isEmpty()) {
        const uid_t uid = geteuid();
        if (const passwd *pw = getpwuid(uid); pw && pw->pw_name && *pw->pw_name)
            user = QString::fromLocal8Bit(pw->pw_name);
        else
            user = QStringLiteral("uid %1").arg(uid); // an account without a name, still an account
    }
#endif
    return user.isEmpty() ? QStringLiteral("unknown") : user;
}

Result<void> AuditLog::record(const AuditEntry &e)
{
    // A team database writes its own log (storage/team.h): a field's change is recorded by its
    // trigger, as the login, whoever made it; only an import's note is ours to say.
    if (const StorageBackend &storage = StorageBackend::of(m_db); storage.auditsOnServer(m_db)) {
        if (e.recordType == QLatin1String("import"))
            return storage.noteOnServer(m_db, e.field, e.newValue, e.source);
        return {};
    }
    QSqlQuery q(m_db);
    if (!q.prepare(QStringLiteral("INSERT INTO audit_log (changed_at, changed_by, record_type, record_ref, record_sf_id, "
                                 "field, old_value, new_value, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")))
        return sqlError(q.lastError(), QStringLiteral("recording the change of %1 in the audit log").arg(e.field));
    q.addBindValue(changedAtText(e));
    q.addBindValue(e.changedBy.isEmpty() ? currentUser() : e.changedBy);
    q.addBindValue(e.recordType);
    q.addBindValue(e.recordRef);
    q.addBindValue(sqlValue(e.recordSfId));
    q.addBindValue(e.field);
    q.addBindValue(sqlValue(e.oldValue));
    q.addBindValue(sqlValue(e.newValue));
    q.addBindValue(e.source);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("recording the change of %1 in the audit log").arg(e.field));
    return {};
}

Result<std::vector<AuditEntry>> AuditLog::history(const QString &recordType, qint64 recordRef)
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.prepare(QStringLiteral("SELECT changed_at, changed_by, record_sf_id, field, old_value, new_value, source "
                                 "FROM audit_log WHERE record_type = ? AND record_ref = ? ORDER BY changed_at, id")))
        return sqlError(q.lastError(), QStringLiteral("reading the audit log"));
    q.addBindValue(recordType);
    q.addBindValue(recordRef);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("reading the audit log"));
    std::vector<AuditEntry> out;
    while (q.next()) {
        AuditEntry e;
        e.changedAt = dateTimeFromSql(q.value(0));
        e.changedBy = q.value(1).toString();
        e.recordType = recordType;
        e.recordRef = recordRef;
        e.recordSfId = q.value(2).toString();
        e.field = q.value(3).toString();
        e.oldValue = q.value(4).toString();
        e.newValue = q.value(5).toString();
        e.source = q.value(6).toString();
        out.push_back(std::move(e));
    }
    return out;
}

AuditWriter::AuditWriter(const Database &database) : AuditWriter(database, false) {}

AuditWriter::AuditWriter(const Database &database, bool portableOnly)
    : m_db(database.connection()), m_storage(portableOnly ? nullptr : &database.storage())
{
    if (m_storage && m_storage->copiesRows(m_db))
        m_copy = m_storage->bulkRows(BulkRows::Format::Text);
    m_rows.reserve(m_copy ? kCopyRows : kRowsPerStatement);
    m_times.resize(kRowsPerStatement);
}

AuditWriter::~AuditWriter() = default;

Result<void> AuditWriter::prepare()
{
    if (m_copy)
        return {};
    if (m_storage) {
        for (auto [rows, stmt] : {std::pair{1, &m_one}, std::pair{kRowsPerStatement, &m_many}}) {
            auto prepared = m_storage->prepareInsert(m_db, insertRowsSql(kInsertHead, kColumns, rows));
            if (!prepared)
                return storageError(prepared.error(), QStringLiteral("preparing to write the audit log"));
            *stmt = std::move(prepared.value());
        }
        if (m_one && m_many)
            return {};
        m_one.reset();
        m_many.reset();
        m_storage = nullptr; // no fast statement here: the portable path
    }
    m_query = std::make_unique<QSqlQuery>(m_db);
    if (!m_query->prepare(QString::fromLatin1(insertRowsSql(kInsertHead, kColumns, 1))))
        return sqlError(m_query->lastError(), QStringLiteral("preparing to write the audit log"));
    return {};
}

Result<void> AuditWriter::add(const AuditEntry &entry)
{
    if (StorageBackend::of(m_db).auditsOnServer(m_db)) {
        if (entry.recordType == QLatin1String("import"))
            return AuditLog(m_db).record(entry);
        return {}; // the trigger wrote it with the change
    }
    m_rows.push_back(entry);
    if (m_rows.size() < size_t(m_copy ? kCopyRows : kRowsPerStatement))
        return {};
    return flush();
}

Result<void> AuditWriter::flush()
{
    if (m_rows.empty())
        return {};
    if (!m_copy && !m_one && !m_query) {
        if (auto r = prepare(); !r)
            return r;
    }
    auto r = write(0, m_rows.size());
    m_rows.clear();
    return r;
}

Result<void> AuditWriter::write(size_t first, size_t count)
{
    if (m_copy) {
        BulkRows &rows = *m_copy;
        rows.clear();
        const QString user = AuditLog::currentUser();
        // The portable path binds these as they are (an empty one as ''), the rest through
        // sqlValue (empty as NULL), which BulkRows::text(QString) does.
        auto asIs = [&rows](const QString &value) {
            const QByteArray utf8 = value.toUtf8();
            rows.text(std::string_view(utf8.constData(), size_t(utf8.size())));
        };
        for (size_t i = first; i < first + count; ++i) {
            const AuditEntry &e = m_rows[i];
            asIs(changedAtText(e));
            asIs(e.changedBy.isEmpty() ? user : e.changedBy);
            asIs(e.recordType);
            rows.integer(e.recordRef);
            rows.text(e.recordSfId);
            asIs(e.field);
            rows.text(e.oldValue);
            rows.text(e.newValue);
            asIs(e.source);
            rows.endRow();
        }
        // The columns of kInsertHead.
        if (auto r = m_storage->copyIn(m_db,
                                       "audit_log (changed_at, changed_by, record_type, record_ref, record_sf_id, field, "
                                       "old_value, new_value, source)",
                                       rows, QStringLiteral("writing the audit log"));
            !r)
            return r;
        m_written += qint64(count);
        return {};
    }
    if (!m_one) {
        for (size_t i = first; i < first + count; ++i) {
            const AuditEntry &e = m_rows[i];
            m_query->addBindValue(changedAtText(e));
            m_query->addBindValue(e.changedBy.isEmpty() ? AuditLog::currentUser() : e.changedBy);
            m_query->addBindValue(e.recordType);
            m_query->addBindValue(e.recordRef);
            m_query->addBindValue(sqlValue(e.recordSfId));
            m_query->addBindValue(e.field);
            m_query->addBindValue(sqlValue(e.oldValue));
            m_query->addBindValue(sqlValue(e.newValue));
            m_query->addBindValue(e.source);
            if (!m_query->exec())
                return sqlError(m_query->lastError(), QStringLiteral("recording the change of %1 in the audit log").arg(e.field));
            ++m_written;
        }
        return {};
    }
    size_t r = first;
    const size_t end = first + count;
    while (r < end) {
        const bool many = end - r >= size_t(kRowsPerStatement);
        FastInsert &stmt = many ? *m_many : *m_one;
        const size_t rows = many ? size_t(kRowsPerStatement) : 1;
        // The buffered rows (and m_times) outlive the step: no copies.
        for (size_t i = r; i < r + rows; ++i) {
            const AuditEntry &e = m_rows[i];
            m_times[i - r] = changedAtText(e);
            stmt.text(m_times[i - r]);
            if (e.changedBy.isEmpty())
                stmt.textCopy(AuditLog::currentUser());
            else
                stmt.text(e.changedBy);
            stmt.text(e.recordType);
            stmt.integer(e.recordRef);
            stmt.text(e.recordSfId);
            stmt.text(e.field);
            stmt.text(e.oldValue);
            stmt.text(e.newValue);
            stmt.text(e.source);
        }
        if (auto done = stmt.run(); !done) {
            if (done.error().code == Error::Code::Locked)
                return Error::make(Error::Code::Locked,
                                   QStringLiteral("The database is locked by another program while writing the audit log."));
            return storageError(done.error(), QStringLiteral("recording the change of %1 in the audit log").arg(m_rows[r].field));
        }
        m_written += qint64(rows);
        r += rows;
    }
    return {};
}

} // namespace lmo
