#pragma once

#include "domain/license.h"
#include "storage/licenserow.h"
#include "util/result.h"

#include <QSqlDatabase>
#include <QSqlQuery>

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace lmo {

class BulkRows;

// One value of a license field into binary BulkRows (a COPY's), in its column's type
// (licensefields.h): an integer as BIGINT or, for a boolean, SMALLINT; a text as DATE,
// TIMESTAMPTZ or TEXT. False for a text its column cannot take (nothing written).
void copyFieldInteger(BulkRows &rows, FieldType type, qint64 value);
bool copyFieldText(BulkRows &rows, FieldType type, std::string_view utf8);

class Database;
class StorageBackend;

// Writes many licenses fast: through the backend's fast statement where it has one (SQLite's
// own, no QVariant per value; StorageBackend::prepareInsert); where the backend copies rows
// (PostgreSQL) many rows go in one COPY (StorageBackend::copyIn), and a single insert through
// QSqlQuery. The caller owns the transaction.
class LicenseWriter
{
public:
    explicit LicenseWriter(const Database &database);
    // Forces the portable QSqlQuery path (what a server database uses); tests compare both.
    LicenseWriter(const Database &database, bool portableOnly);
    ~LicenseWriter();
    LicenseWriter(const LicenseWriter &) = delete;
    LicenseWriter &operator=(const LicenseWriter &) = delete;

    Result<void> prepare();
    // Inserts and returns the new rowId.
    Result<qint64> insert(const License &license);
    // Inserts row `r` of a batch (its first InsertColumns cells), as bound; the same rowId.
    Result<qint64> insert(const LicenseRowBatch &batch, size_t r);
    // Inserts rows [first, first + count) of a batch. On SQLite, kRowsPerStatement rows go in one
    // statement: SQLite's work to start and finish a statement (the transaction check, opening
    // and closing the table's cursor) is then paid once for them all; on PostgreSQL all of them
    // go in one COPY, saved when this returns. For bulk loads into a table with no unique index
    // (a conflict is not told apart here, and no rowId is returned).
    Result<void> insertRows(const LicenseRowBatch &batch, size_t first, size_t count);
    static constexpr int kRowsPerStatement = 32;
    // For a load that reads nothing back until it is done (the demo): on PostgreSQL, insert()
    // then gives each license an id taken from the table's sequence ahead, and keeps the row
    // until kBufferedRows wait or flush() is called, to write them in one COPY. The rows are
    // not in the table until then. Elsewhere it changes nothing.
    void setBuffered(bool on) { m_buffered = on; }
    // True when insert() keeps the rows for one COPY (setBuffered on, where the backend copies
    // rows, once prepared): their ids come from the sequence ahead, and flush() writes them.
    bool buffered() const { return m_buffered && m_copyWithIds; }
    static constexpr int kBufferedRows = 8192;
    // Writes the rows that wait (see setBuffered). Call before anything reads the table, and
    // before the commit.
    Result<void> flush();
    // The LMO the batch's rows came from (a License carries its own).
    void setLmoRef(qint64 lmoRef) { m_lmoRef = lmoRef; }
    // For a load that has turned SQLite's CHECK constraints off (they cost it a tenth of its
    // time): the writer then holds every row to the licenses table's two rules itself, the
    // status one of the picklist's four and seats -1 (a site license) or more, and refuses a row
    // that breaks them as SQLite would have.
    void checkTableRules(bool on) { m_checkRules = on; }

    class Binder;

private:
    Result<qint64> reserveId();
    static bool rowAllowed(const LicenseRowBatch &batch, const LicenseRowBatch::Cell *cells);

    std::unique_ptr<Binder> m_binder;
    std::unique_ptr<Binder> m_manyRows; // kRowsPerStatement rows a statement; SQLite only
    std::unique_ptr<Binder> m_copy;     // rows for a COPY; PostgreSQL only
    std::unique_ptr<Binder> m_copyWithIds; // buffered rows with their ids; PostgreSQL only
    std::vector<qint64> m_reservedIds;     // taken from the sequence, not used yet (backwards)
    bool m_buffered = false;
    QSqlDatabase m_db;
    const StorageBackend *m_storage = nullptr;
    bool m_portableOnly = false;
    qint64 m_lmoRef = 1;
    bool m_checkRules = false;
};

class LicenseRepository
{
public:
    explicit LicenseRepository(const Database &database);

    Result<qint64> insert(const License &license); // one license, outside bulk loads
    Result<std::optional<License>> findByRowId(qint64 rowId);
    Result<std::optional<License>> findById(const SalesforceId &id);
    Result<std::vector<License>> forOrg(const SalesforceId &orgId);
    Result<qint64> count();

    // The column list every SELECT of a whole license uses, in the order readLicense expects.
    static QString selectColumns();
    // A whole-license SELECT with a condition on "l.", and reading its current row.
    static QString selectSql(const QString &where);
    static License readLicense(const QSqlQuery &query);

private:
    Result<std::vector<License>> select(const QString &where, const QVariantList &binds);
    Result<std::optional<License>> selectOne(const QString &where, const QVariant &bind);
    const Database &m_database;
};

} // namespace lmo
