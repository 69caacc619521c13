// PostgreSQL's own folder may use libpq and its helpers: the seam check passes this file.
namespace lmo::pg {
void copy(PGconn *conn, CopyRows &rows) { PQputCopyData(conn, rows.data(), int(rows.size())); }
}
