// SQLite's own folder may use its API: the seam check passes this file.
#include <sqlite3.h>
void step(sqlite3_stmt *stmt) { sqlite3_step(stmt); }
