#pragma once

#include "util/result.h"

#include <QByteArray>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <vector>

namespace lmo::pg {

// An UPDATE of many rows of one table by their ids, in one statement (one round trip) however
// many rows: the new values go to the server as one JSON array, which json_populate_recordset
// reads with the table's own column types, so each value is taken as the same value bound to
// "column = ?" would be. Inside the caller's transaction.
class BatchUpdate
{
public:
    // `columns`: those each row sets, in the order add() gives their values.
    BatchUpdate(QSqlDatabase db, QString table, QStringList columns);

    // A row's new values (a null QVariant writes NULL). A row added twice is written once,
    // with its last values.
    void add(qint64 id, const std::vector<QVariant> &values);
    qint64 rows() const { return qint64(m_ids.size()); }
    // Writes the rows added, then forgets them. `doing` words an error; a unique key taken is
    // Error::Code::Conflict.
    Result<void> run(const QString &doing);

private:
    QSqlDatabase m_db;
    QString m_table;
    QStringList m_columns;
    std::vector<QByteArray> m_keys; // the columns as JSON keys, quoted
    std::vector<qint64> m_ids;
    std::vector<std::vector<QVariant>> m_values;
    QSqlQuery m_query;
    bool m_prepared = false;
};

} // namespace lmo::pg
