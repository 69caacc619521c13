#pragma once

#include <QSqlDatabase>
#include <QString>

#include <functional>

namespace lmo::pg {

// A team database on a primary server and its streaming replicas (standbys), named together as
// several hosts ("host=a,b", or "postgresql://u@a,b/lmo"): the window's own connection, which
// writes, goes to the primary (target_session_attrs=read-write); the pages' reading connections
// prefer a standby (prefer-standby), so that the replicas carry the reading. A standby replays
// the primary's changes a moment after they commit: so that a page read after this process's
// own change shows it, each commit notes the primary's WAL position and each read on a standby
// first waits until the standby has replayed up to it (a few seconds at most).

// True when the driver options (PgLocation::driverOptions) name several hosts.
bool namesSeveralHosts(const QString &connectOptions);
// The options with target_session_attrs set to `attrs` (replacing any).
QString withSessionAttrs(const QString &connectOptions, const QString &attrs);

// After a commit on `db`: on a primary named with standbys, records its WAL position for the
// readers of the same servers. Nothing otherwise (one connection to one server waits on nothing).
void noteCommitted(QSqlDatabase &db);
// Before a read on `db`: on a standby, waits until it has replayed every commit noted for its
// servers, for at most `maxMs` (then reads what it has), or until `stopped` answers true (the
// reader is going away). Nothing on a primary, with nothing noted, or on a connection that was
// seen caught up to it already (no round trip).
void awaitCommitted(QSqlDatabase &db, int maxMs = 5000, const std::function<bool()> &stopped = {});

// How many times this thread has asked a server how far it has replayed (what awaitCommitted
// costs in round trips; the tests hold a caught-up connection to asking no more).
int replayChecksOnThisThread();

} // namespace lmo::pg
