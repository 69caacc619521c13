// A planted break: libpq and an SQLite setting outside their folders.
void pass() { PQexec(nullptr, "PRAGMA cache_size=-2000"); }
