#pragma once

#include "storage/dialect.h"
#include "util/result.h"

#include <QSqlDatabase>
#include <QStringList>

namespace lmo {

// The subscribers table (schema 4): one row per subscriber org, derived from the licenses.
namespace SubscriberSummary {

// What deferred_indexes holds to have the summary rebuilt after the indexes.
inline constexpr char kDeferredName[] = "~subscribers";
inline constexpr char kDeferredMarker[] = "REBUILD SUBSCRIBERS";

// Every org again, from the licenses (seconds at a million licenses). Use inside a transaction.
Result<void> rebuild(QSqlDatabase db, Dialect dialect);
// How a rebuild reads the licenses and writes the orgs: Fast, through the backend's fast
// statements where it has them (SQLite's C API), else as Portable; Portable, through QSqlQuery
// only, `pageRows` licenses read whole at a time. Tests hold one against the other.
enum class Path { Fast, Portable };
inline constexpr int kPageRows = 20000;
Result<void> rebuild(QSqlDatabase db, Dialect dialect, Path path, int pageRows = kPageRows);
// These orgs again (15-character ids), after an edit of some of their licenses.
Result<void> refresh(QSqlDatabase db, Dialect dialect, const QStringList &orgIds);
// Records that the summary must be rebuilt (by buildDeferredIndexes), inside the transaction
// that changed the licenses.
Result<void> markStale(QSqlDatabase db);

} // namespace SubscriberSummary

} // namespace lmo
