#pragma once

#include "storage/bulkwrite.h"
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
// many rows (the BulkUpdate PgBackend::bulkUpdate makes): the new values go to the server as one
// JSON array, which json_populate_recordset reads with the table's own column types, so each
// value is taken as the same value bound to "column = ?" would be.
class BatchUpdate final : public BulkUpdate
{
public:
    // `columns`: those each row sets, in the order add() gives their values.
    BatchUpdate(QSqlDatabase db, QString table, QStringList columns);

    void add(qint64 id, const std::vector<QVariant> &values) override;
    qint64 rows() const override { return qint64(m_ids.size()); }
    Result<void> run(const QString &doing) override;

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
