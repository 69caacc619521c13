#pragma once

// The parts of a bulk write that an engine may do its own way, behind StorageBackend
// (storage/backend.h), which makes them: rows written many at a statement, an UPDATE of many
// rows by id, the keys of a table taken off for a fast load, and the lock that keeps two imports
// apart on a server. An engine without one answers nullptr where it is asked for (SQLite has
// none of them: its fast path is FastInsert), and the caller takes its portable path.

#include "util/result.h"

#include <QString>
#include <QVariant>

#include <string_view>
#include <vector>

namespace lmo {

// Rows built in memory, value by value in column order with no QVariant, for one write of them
// all (StorageBackend::copyIn) or a BulkRowStream: the engine's own bulk format (PostgreSQL:
// COPY's), made by StorageBackend::bulkRows for that engine's writes only. In one of two forms:
// - Text: every value as text, which the engine reads as its column's type (a date as
//   "YYYY-MM-DD", a time as dateTimeToSql writes it);
// - Binary: each value in its column type's own form, which the engine stores with no parsing
//   (a large load's dates, times and numbers then cost it nothing to read). The caller gives
//   each value as its column's type: text(), bigint() for BIGINT, smallint() for SMALLINT,
//   date() for DATE, timestamp() for TIMESTAMPTZ.
class BulkRows
{
public:
    enum class Format { Text, Binary };
    virtual ~BulkRows() = default;

    virtual Format format() const = 0;
    virtual void text(std::string_view utf8) = 0;
    virtual void text(const QString &value) = 0; // empty is written as NULL, as the writers bind it
    void integer(qint64 value) { bigint(value); }
    virtual void bigint(qint64 value) = 0;
    virtual void smallint(qint64 value) = 0;
    // "YYYY-MM-DD", as dateToSql writes it; false (nothing written) for anything else.
    virtual bool date(std::string_view iso) = 0;
    // "YYYY-MM-DDTHH:MM:SSZ" (UTC), as dateTimeToSql writes it, or any ISO form with an offset;
    // false (nothing written) for anything else.
    virtual bool timestamp(std::string_view iso) = 0;
    virtual void null() = 0;
    virtual void endRow() = 0;

    virtual qint64 rows() const = 0;
    bool empty() const { return rows() == 0; }
    // Forgets the rows, keeping the memory they took for the next ones.
    virtual void clear() = 0;
};

// A bulk write into one table kept open across many sends, so that the engine saves one batch
// while the caller makes the next (a write per batch waits for each to be saved). Nothing else
// may run on the connection while it is open: finish() it first, then start again with the next
// send(). The engine's answer to the rows (a broken rule, a full disk) comes from finish(). One
// abandoned, failed or destroyed while open is ended with an error, so that the engine keeps
// none of its rows and the connection is ready for the rollback.
class BulkRowStream
{
public:
    virtual ~BulkRowStream() = default;
    // Sends the rows (made by the same engine's bulkRows, in the stream's format), opening the
    // write first if it is not open.
    virtual Result<void> send(const BulkRows &rows) = 0;
    // Ends the write and waits for the engine to have taken every row; nothing to do if not open.
    virtual Result<void> finish() = 0;
    // Ends the write with an error: the engine keeps none of the rows sent since it opened.
    virtual void abandon() = 0;
    virtual bool isOpen() const = 0;
    // Rows sent since the stream was made, over every write it opened.
    virtual qint64 rowsSent() const = 0;
};

// An UPDATE of many rows of one table by their ids in one statement (one round trip), however
// many rows, each value taken as the same value bound to "column = ?" would be. Inside the
// caller's transaction.
class BulkUpdate
{
public:
    virtual ~BulkUpdate() = default;
    // A row's new values, one per column the update was made with, in that order (a null
    // QVariant writes NULL). A row added twice is written once, with its last values.
    virtual void add(qint64 id, const std::vector<QVariant> &values) = 0;
    virtual qint64 rows() const = 0;
    // Writes the rows added, then forgets them. `doing` words an error; a unique key taken is
    // Error::Code::Conflict.
    virtual Result<void> run(const QString &doing) = 0;
};

// A table's foreign keys (and, if asked, its primary key) taken off for a bulk load into it,
// inside the load's transaction, and put back once the rows are in: each key then costs one
// check over the whole table instead of one per row. Only for a load that makes every reference
// itself; a rollback brings the keys back too. With `primaryKey` the primary key goes as well,
// to be built once from the sorted ids: for a load into an empty table that numbers its rows
// itself (nothing may refer to them yet).
// restore() puts them back at once, their checks left to the deferred builds that run after the
// commit (deferred_indexes, buildDeferredIndexes): what they would check holds by construction,
// and the load holds the BulkWriteLock, which the builds take too.
class KeySuspension
{
public:
    virtual ~KeySuspension() = default;
    virtual Result<void> suspend(const QString &table, bool primaryKey) = 0;
    virtual Result<void> restore() = 0;
    // After a rollback to before suspend(): the keys are back already.
    virtual void forget() = 0;
};

// The server half of BulkWriteLock: a lock held on a server, on a connection of its own, for as
// long as this object lives; a process that dies frees it with its session.
class ServerLock
{
public:
    virtual ~ServerLock() = default;
    // Takes the lock if nobody holds it: true when taken.
    virtual Result<bool> tryLock() = 0;
    // Who holds it, in words for a message: "alice from 10.0.0.5 (LMO Desk)".
    virtual QString holder() = 0;
};

} // namespace lmo
