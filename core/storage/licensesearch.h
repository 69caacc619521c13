#pragma once

// The license search's substring index. On SQLite (schema version 11) an FTS5 trigram table
// over the licenses' name, account name and subscriber org id, kept by triggers. On a team
// database (schema 14) a pg_trgm GIN index over those three joined by spaces, which the server
// keeps, and which a bulk load drops and builds again like the other indexes (where pg_trgm
// could not be installed, a search reads every license). On SQLite a bulk load
// into an empty table drops the triggers (suspend) and has the index rebuilt once its rows are
// saved (the deferred entry kDeferredName, built by buildDeferredIndexes); until then a search
// finds its candidates without it. The answer is always the LIKE's: the index only narrows
// which licenses the LIKE reads.

#include "storage/dialect.h"
#include "util/result.h"

#include <QSqlDatabase>
#include <QString>

namespace lmo::LicenseSearch {

inline constexpr char kDeferredName[] = "~license_search";
inline constexpr char kDeferredMarker[] = "REBUILD LICENSE SEARCH";

// Whether this engine has the FTS5 table (SQLite; a team database's index is an ordinary one).
bool supported(const Dialect &dialect);
// Drops the triggers, inside the load's transaction (on an engine with the index).
Result<void> suspend(QSqlDatabase db);
// Fills the index again from the licenses and puts the triggers back, in the caller's transaction.
Result<void> rebuild(QSqlDatabase db);
// Records the rebuild for after the load (deferred_indexes), in the load's transaction.
Result<void> defer(QSqlDatabase db);

// The FTS5 query for `text`: its trigrams, each quoted, ANDed; empty when the text has fewer
// than three characters (no trigram: the search reads every license).
QString matchExpression(const QString &text);
// The ids a search for `text` may match, as a subquery for "l.id IN (…)", with the binds it
// adds (`likePattern`: the package-name pattern): the index's candidates (all licenses while
// the index waits to be rebuilt or is not there) and the licenses of packages whose name
// matches. Empty when the index cannot help (a text under three characters).
QString candidateIds(const Dialect &dialect, const QString &text, const QString &like, QVariantList &binds,
                     const QString &likePattern);

// PostgreSQL: the condition on `alias`'s row that the trigram index serves, the three texts
// joined as the index has them, ILIKE `like pattern` (one bind, added to `binds`). It holds for
// every license whose name, account name or org id contains the text (and for some where the
// text spans two of them): the caller keeps the exact test beside it. It needs no test of the
// index: without one (pg_trgm missing, or the index dropped for a bulk load) the server reads
// every license, and the answer is the same. Empty for a text under three characters, which no
// trigram narrows.
QString joinedTextCondition(const QString &alias, const QString &text, QVariantList &binds, const QString &likePattern);

} // namespace lmo::LicenseSearch
