// SQLite's own folder may use its API, its helpers and its file names: the seam check passes this file.
#include <sqlite3.h>
void step(sqlite3_stmt *stmt) { sqlite3_step(stmt); }
namespace lmo::sqlite {
const char *name = "lmodesk.sqlite";
void checkpoint(QSqlDatabase db) { tune(db, "PRAGMA wal_checkpoint(TRUNCATE)"); }
}
