#include "storage/licenserepository.h"

#include "storage/backend.h"
#include "storage/database.h"
#include "storage/sqlutil.h"
#include "storage/values.h"

#include <QSqlQuery>

#include <algorithm>
#include <functional>

namespace lmo {

namespace {

// "INSERT INTO licenses (sf_id, …, lmo_ref) VALUES ": every license field, in the batch's order
// and then ours.
const QByteArray &insertColumns()
{
    static const QByteArray sql = QStringLiteral("INSERT INTO licenses (%1) VALUES ").arg(licenseColumnList()).toLatin1();
    return sql;
}
constexpr int kBoundColumns = kLicenseFieldCount; // the batch's cells, then lmo_ref
static_assert(kBoundColumns == LicenseRowBatch::InsertColumns + 1, "the batch binds every field but lmo_ref, which comes last");

// The licenses table's CHECK constraints (0001_initial.sql), for a writer that holds rows to them.
bool statusAllowed(std::string_view status)
{
    return status == "Active" || status == "Trial" || status == "Suspended" || status == "Uninstalled";
}
bool seatsAllowed(qint64 seats) { return seats == -1 || seats >= 0; }

Error ruleBroken(const QString &license)
{
    return Error::make(Error::Code::Sql, QStringLiteral("Database error while saving license %1: CHECK constraint failed "
                                                        "(status must be Trial, Active, Suspended or Uninstalled; seats -1 or more)")
                                             .arg(license));
}

// Row `r`'s license name, to word an error.
QString rowName(const LicenseRowBatch &batch, size_t r)
{
    const std::string_view name = batch.text(batch.row(r)[LicenseRowBatch::Name]);
    return QString::fromUtf8(name.data(), qsizetype(name.size()));
}

// The INSERT of `rows` rows, each with kBoundColumns parameters.
QByteArray insertSql(int rows)
{
    return insertRowsSql(insertColumns().constData(), kBoundColumns, rows);
}

// What a COPY of licenses names: the table and the INSERT's columns, the id first if asked.
QByteArray copyTarget(bool withId)
{
    QByteArray columns(insertColumns());
    columns = columns.mid(int(qstrlen("INSERT INTO ")));
    columns.chop(int(qstrlen(" VALUES ")));
    if (withId)
        columns.replace("licenses (", "licenses (id, ");
    return columns;
}

} // namespace

// Binds one value at a time, in column order, to whichever statement is in use.
class LicenseWriter::Binder
{
public:
    virtual ~Binder() = default;
    virtual void text(const QString &value) = 0; // empty binds NULL
    virtual void integer(qint64 value) = 0;
    virtual void null() = 0;
    virtual void utf8(std::string_view value) = 0; // not empty
    // `name` is only asked for to word an error.
    virtual Result<qint64> run(const std::function<QString()> &name) = 0;

    void bindCells(const LicenseRowBatch &batch, const LicenseRowBatch::Cell *cells)
    {
        for (int i = 0; i < LicenseRowBatch::InsertColumns; ++i) {
            const LicenseRowBatch::Cell &c = cells[i];
            if (c.isInteger())
                integer(c.number);
            else if (c.isNull())
                null();
            else
                utf8(batch.text(c));
        }
    }

    // Every field's stored value, in the table's order: NULL, an integer or text.
    void bindLicense(const License &l)
    {
        for (const LicenseField &field : kLicenseFields)
            bindValue(field.get(l));
    }

    void bindValue(const QVariant &v)
    {
        if (v.isNull())
            null();
        else if (v.metaType().id() == QMetaType::LongLong)
            integer(v.toLongLong());
        else
            text(v.toString());
    }
};

namespace {

// The backend's fast statement (SQLite's own, through its C API).
class FastBinder final : public LicenseWriter::Binder
{
public:
    explicit FastBinder(std::unique_ptr<FastInsert> insert) : m_insert(std::move(insert)) {}

    void text(const QString &value) override { m_insert->textCopy(value); }
    void integer(qint64 value) override { m_insert->integer(value); }
    void null() override { m_insert->null(); }
    // The batch outlives the step: no copy.
    void utf8(std::string_view value) override { m_insert->utf8(value); }
    Result<qint64> run(const std::function<QString()> &name) override
    {
        auto done = m_insert->run();
        if (done)
            return done;
        const QString what = QStringLiteral("license %1").arg(name());
        const Error &e = done.error();
        if (e.code == Error::Code::Locked)
            return Error::make(Error::Code::Locked,
                               QStringLiteral("The database is locked by another program while saving %1.").arg(what));
        if (e.code == Error::Code::Conflict)
            return Error::make(Error::Code::Conflict, QStringLiteral("%1 is already in the database (%2)").arg(what, e.message));
        return storageError(e, QStringLiteral("saving %1").arg(what));
    }

private:
    std::unique_ptr<FastInsert> m_insert;
};

class QueryBinder final : public LicenseWriter::Binder
{
public:
    // `returning`: the statement ends in ON CONFLICT DO NOTHING RETURNING id (PostgreSQL), where
    // a key taken answers no row instead of failing, and so aborting, the transaction.
    QueryBinder(QSqlQuery query, bool returning) : m_query(std::move(query)), m_returning(returning) {}
    void text(const QString &value) override { m_query.addBindValue(sqlValue(value)); }
    void integer(qint64 value) override { m_query.addBindValue(value); }
    void null() override { m_query.addBindValue(QVariant(QMetaType(QMetaType::QString))); }
    void utf8(std::string_view value) override
    {
        m_query.addBindValue(QString::fromUtf8(value.data(), qsizetype(value.size())));
    }
    Result<qint64> run(const std::function<QString()> &name) override
    {
        if (!m_query.exec()) {
            const QString what = QStringLiteral("license %1").arg(name());
            const QSqlError e = m_query.lastError();
            if (isUniqueViolation(e))
                return Error::make(Error::Code::Conflict, QStringLiteral("%1 is already in the database (%2)").arg(what, e.text()));
            return sqlError(e, QStringLiteral("saving %1").arg(what));
        }
        if (m_returning) {
            const bool saved = m_query.next();
            const qint64 id = saved ? m_query.value(0).toLongLong() : 0;
            m_query.finish();
            if (!saved)
                return Error::make(Error::Code::Conflict,
                                   QStringLiteral("license %1 is already in the database (a unique key is taken)").arg(name()));
            return id;
        }
        return m_query.lastInsertId().toLongLong();
    }

private:
    QSqlQuery m_query;
    bool m_returning = false;
};

} // namespace

void copyFieldInteger(BulkRows &rows, FieldType type, qint64 value)
{
    if (type == FieldType::Boolean)
        rows.smallint(value);
    else
        rows.bigint(value);
}

bool copyFieldText(BulkRows &rows, FieldType type, std::string_view utf8)
{
    if (type == FieldType::Date || type == FieldType::Expiration)
        return rows.date(utf8);
    if (type == FieldType::DateTime)
        return rows.timestamp(utf8);
    rows.text(utf8);
    return true;
}

namespace {

// Rows for a COPY (PostgreSQL), in the binary format: each value as its column's type says
// (the license fields' list), so the server parses none. Each run() ends a row; copy() sends them.
class CopyBinder final : public LicenseWriter::Binder
{
public:
    // `withId`: each row starts with the license's id. Only where `storage` copiesRows().
    CopyBinder(const StorageBackend &storage, QByteArray target, bool withId)
        : m_storage(storage), m_target(std::move(target)), m_withId(withId), m_rows(storage.bulkRows(BulkRows::Format::Binary))
    {
    }
    void text(const QString &value) override
    {
        if (value.isEmpty()) {
            null();
            return;
        }
        const QByteArray utf8 = value.toUtf8();
        this->utf8(std::string_view(utf8.constData(), size_t(utf8.size())));
    }
    void integer(qint64 value) override
    {
        const LicenseField *f = field();
        copyFieldInteger(*m_rows, f ? f->type : FieldType::Integer, value);
        ++m_column;
    }
    void null() override
    {
        m_rows->null();
        ++m_column;
    }
    void utf8(std::string_view value) override
    {
        const LicenseField *f = field();
        if (!copyFieldText(*m_rows, f ? f->type : FieldType::Text, value)) {
            m_rows->null();
            if (m_unreadable.isEmpty())
                m_unreadable = QStringLiteral("%1 \"%2\"").arg(QString::fromLatin1(f->column),
                                                                QString::fromUtf8(value.data(), qsizetype(value.size())));
        }
        ++m_column;
    }
    Result<qint64> run(const std::function<QString()> &) override
    {
        endRow();
        return qint64(0);
    }
    void endRow()
    {
        m_rows->endRow();
        m_column = 0;
    }
    qint64 rows() const { return m_rows->rows(); }
    Result<void> copy(QSqlDatabase &db)
    {
        if (!m_unreadable.isEmpty()) {
            const QString what = std::exchange(m_unreadable, QString());
            m_rows->clear();
            return Error::make(Error::Code::Sql,
                               QStringLiteral("Database error while saving licenses: the value of %1 is not one the column takes").arg(what));
        }
        auto r = m_storage.copyIn(db, m_target.constData(), *m_rows, QStringLiteral("saving licenses"));
        m_rows->clear();
        return r;
    }

private:
    // The field the next value is for (nullptr: the id).
    const LicenseField *field() const
    {
        const int i = m_column - (m_withId ? 1 : 0);
        return i >= 0 && i < kLicenseFieldCount ? &kLicenseFields[i] : nullptr;
    }
    const StorageBackend &m_storage;
    QByteArray m_target;
    bool m_withId = false;
    int m_column = 0;
    QString m_unreadable;
    std::unique_ptr<BulkRows> m_rows;
};

} // namespace

LicenseWriter::LicenseWriter(const Database &database) : LicenseWriter(database, false) {}

LicenseWriter::LicenseWriter(const Database &database, bool portableOnly)
    : m_db(database.connection()), m_storage(&database.storage()), m_portableOnly(portableOnly)
{
}

LicenseWriter::~LicenseWriter() = default;

Result<void> LicenseWriter::prepare()
{
    if (!m_portableOnly) {
        auto one = m_storage->prepareInsert(m_db, insertSql(1));
        if (!one)
            return storageError(one.error(), QStringLiteral("preparing to save licenses"));
        if (one.value()) {
            auto many = m_storage->prepareInsert(m_db, insertSql(kRowsPerStatement));
            if (!many)
                return storageError(many.error(), QStringLiteral("preparing to save licenses"));
            m_binder = std::make_unique<FastBinder>(std::move(one.value()));
            m_manyRows = std::make_unique<FastBinder>(std::move(many.value()));
            return {};
        }
    }
    const bool postgres = m_storage->copiesRows(m_db);
    QSqlQuery q(m_db);
    QString sql = QString::fromLatin1(insertSql(1));
    if (postgres)
        sql += QStringLiteral(" ON CONFLICT DO NOTHING RETURNING id");
    if (!q.prepare(sql))
        return sqlError(q.lastError(), QStringLiteral("preparing to save licenses"));
    m_binder = std::make_unique<QueryBinder>(std::move(q), postgres);
    if (postgres && !m_portableOnly) {
        m_copy = std::make_unique<CopyBinder>(*m_storage, copyTarget(false), false);
        m_copyWithIds = std::make_unique<CopyBinder>(*m_storage, copyTarget(true), true);
    }
    return {};
}

Result<qint64> LicenseWriter::reserveId()
{
    if (m_reservedIds.empty()) {
        // Ids ahead from the table's own sequence, so that rows written later by COPY keep the
        // ids the caller was told, and a later plain INSERT never takes one of them.
        QSqlQuery q(m_db);
        if (!q.exec(QStringLiteral("SELECT nextval(pg_get_serial_sequence('licenses', 'id')) FROM generate_series(1, %1)")
                        .arg(kBufferedRows)))
            return sqlError(q.lastError(), QStringLiteral("numbering the licenses to save"));
        while (q.next())
            m_reservedIds.push_back(q.value(0).toLongLong());
        std::reverse(m_reservedIds.begin(), m_reservedIds.end());
        if (m_reservedIds.empty())
            return Error::make(Error::Code::Sql, QStringLiteral("Database error while numbering the licenses to save: no ids"));
    }
    const qint64 id = m_reservedIds.back();
    m_reservedIds.pop_back();
    return id;
}

Result<void> LicenseWriter::flush()
{
    if (!m_copyWithIds || static_cast<CopyBinder *>(m_copyWithIds.get())->rows() == 0)
        return {};
    return static_cast<CopyBinder *>(m_copyWithIds.get())->copy(m_db);
}

Result<qint64> LicenseWriter::insert(const License &license)
{
    if (!m_binder) {
        if (auto r = prepare(); !r)
            return r.error();
    }
    if (m_checkRules && !seatsAllowed(license.seats))
        return ruleBroken(license.name);
    if (m_buffered && m_copyWithIds) {
        auto id = reserveId();
        if (!id)
            return id;
        m_copyWithIds->integer(id.value());
        m_copyWithIds->bindLicense(license);
        static_cast<CopyBinder *>(m_copyWithIds.get())->endRow();
        if (static_cast<CopyBinder *>(m_copyWithIds.get())->rows() >= kBufferedRows) {
            if (auto r = flush(); !r)
                return r.error();
        }
        return id;
    }
    m_binder->bindLicense(license);
    return m_binder->run([&] { return license.name; });
}

Result<qint64> LicenseWriter::insert(const LicenseRowBatch &batch, size_t r)
{
    if (!m_binder) {
        if (auto p = prepare(); !p)
            return p.error();
    }
    const LicenseRowBatch::Cell *cells = batch.row(r);
    if (m_checkRules && !rowAllowed(batch, cells))
        return ruleBroken(rowName(batch, r));
    m_binder->bindCells(batch, cells);
    m_binder->integer(m_lmoRef);
    return m_binder->run([&] { return rowName(batch, r); });
}

bool LicenseWriter::rowAllowed(const LicenseRowBatch &batch, const LicenseRowBatch::Cell *cells)
{
    const LicenseRowBatch::Cell &status = cells[LicenseRowBatch::Status];
    const LicenseRowBatch::Cell &seats = cells[LicenseRowBatch::Seats];
    return !status.isNull() && !status.isInteger() && statusAllowed(batch.text(status)) && seats.isInteger()
           && seatsAllowed(seats.number);
}

Result<void> LicenseWriter::insertRows(const LicenseRowBatch &batch, size_t first, size_t count)
{
    if (!m_binder) {
        if (auto p = prepare(); !p)
            return p;
    }
    size_t r = first;
    const size_t end = first + count;
    if (m_checkRules) {
        for (size_t i = first; i < end; ++i) {
            if (!rowAllowed(batch, batch.row(i)))
                return ruleBroken(rowName(batch, i));
        }
    }
    if (m_copy) {
        auto *copy = static_cast<CopyBinder *>(m_copy.get());
        for (; r < end; ++r) {
            copy->bindCells(batch, batch.row(r));
            copy->integer(m_lmoRef);
            copy->endRow();
        }
        return copy->copy(m_db);
    }
    if (m_manyRows) {
        for (; end - r >= size_t(kRowsPerStatement); r += kRowsPerStatement) {
            for (size_t i = r; i < r + kRowsPerStatement; ++i) {
                m_manyRows->bindCells(batch, batch.row(i));
                m_manyRows->integer(m_lmoRef);
            }
            const size_t at = r;
            if (auto done = m_manyRows->run([&] { return QStringLiteral("%1 (or one of the %2 after it)").arg(rowName(batch, at)).arg(kRowsPerStatement - 1); });
                !done)
                return done.error();
        }
    }
    for (; r < end; ++r) {
        if (auto done = insert(batch, r); !done)
            return done.error();
    }
    return {};
}

LicenseRepository::LicenseRepository(const Database &database) : m_database(database) {}

Result<qint64> LicenseRepository::insert(const License &license)
{
    LicenseWriter writer(m_database, true);
    return writer.insert(license);
}

QString LicenseRepository::selectColumns()
{
    static const QString columns = QStringLiteral("l.id, %1, p.name").arg(licenseColumnList(QStringLiteral("l.")));
    return columns;
}

License LicenseRepository::readLicense(const QSqlQuery &q)
{
    License l;
    l.rowId = q.value(0).toLongLong();
    int c = 1;
    for (const LicenseField &field : kLicenseFields)
        field.set(l, q.value(c++));
    l.packageName = q.value(c).toString();
    return l;
}

QString LicenseRepository::selectSql(const QString &where)
{
    return QStringLiteral("SELECT %1 FROM licenses l JOIN packages p ON p.id = l.package_ref WHERE %2 ORDER BY l.id")
        .arg(selectColumns(), where);
}

Result<std::vector<License>> LicenseRepository::select(const QString &where, const QVariantList &binds)
{
    QSqlDatabase db = m_database.connection();
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(selectSql(where)))
        return sqlError(q.lastError(), QStringLiteral("reading licenses"));
    for (const QVariant &v : binds)
        q.addBindValue(v);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("reading licenses"));
    std::vector<License> out;
    while (q.next())
        out.push_back(readLicense(q));
    return out;
}

Result<std::optional<License>> LicenseRepository::selectOne(const QString &where, const QVariant &bind)
{
    auto rows = select(where, {bind});
    if (!rows)
        return rows.error();
    if (rows->empty())
        return std::optional<License>();
    return std::optional<License>(std::move(rows->front()));
}

Result<std::optional<License>> LicenseRepository::findByRowId(qint64 rowId)
{
    return selectOne(QStringLiteral("l.id = ?"), rowId);
}

Result<std::optional<License>> LicenseRepository::findById(const SalesforceId &id)
{
    return selectOne(QStringLiteral("l.sf_id = ?"), id.to18());
}

Result<std::vector<License>> LicenseRepository::forOrg(const SalesforceId &orgId)
{
    return select(QStringLiteral("l.org_id = ?"), {orgId.to15()});
}

Result<qint64> LicenseRepository::count()
{
    QSqlDatabase db = m_database.connection();
    return queryNumber(db, QStringLiteral("SELECT COUNT(*) FROM licenses"), QStringLiteral("counting licenses"));
}

} // namespace lmo
