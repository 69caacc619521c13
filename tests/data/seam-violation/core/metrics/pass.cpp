// A planted break: libpq and an SQLite setting outside their folders.
void pass() { PQexec(nullptr, "PRAGMA cache_size=-2000"); }
// And each engine's own helpers, which only their folders may call (naming one in a comment,
// as sqlite::checkpoint() here, is no use of it):
void tune(QSqlDatabase db) { lmo::sqlite::setCacheKib(db, 2000); }
void copy(QSqlDatabase db, pg::CopyRows &rows) { copyIn(db, "licenses", rows); }
using namespace lmo::sqlite;
