#pragma once

#include "storage/backend.h"
#include "storage/team.h"
#include "util/result.h"

#include <QSqlDatabase>
#include <QString>

namespace lmo::pg {

// The schema holding LMO Desk's tables, as SQL: current_schema(), unless the session reads
// through a role's views (a schema "<tables' schema>__<role>" first in its search_path).
QString baseSchemaSql();
QString quotedIdent(const QString &name);
QString quotedLiteral(const QString &text);
// The channel a team database's triggers notify changes on (ids only).
QString notifyChannel(const QString &schema);
// Whether a connection is to a team database, whose triggers write the audit log (noted when
// each connection is set up; a connection never noted is not).
void rememberTeamSession(const QSqlDatabase &db, bool team);
bool isTeamSession(const QSqlDatabase &db);

// This process's name in the payload of its own changes' notifications (so that it does not
// hear itself), set on every connection as lmodesk.client.
QString clientId();
// A ChangeFeed on a connection of its own (see StorageBackend::listenForChanges).
Result<std::unique_ptr<ChangeFeed>> listenForChanges(const ConnectionSpec &spec, const QString &connectionName);

// What the session's login may do on the database it is connected to (team::SessionAccess).
Result<team::SessionAccess> readSessionAccess(QSqlDatabase db);

} // namespace lmo::pg
