#pragma once

#include "shell/databasepage.h"

#include <QDate>
#include <QStringList>

#include <optional>

class QLabel;
class QSqlQueryModel;
class QTableView;

namespace lmo {

// A page with a title, a one-line summary and a table fed by one SQL query, read lazily as the
// table scrolls (QSqlQueryModel fetches 256 rows at a time), so a million rows open at once.
class QueryTablePage : public DatabasePage
{
    Q_OBJECT
public:
    struct Column
    {
        QString title;
        QString sql; // may use :as_of, bound to today
    };

    QueryTablePage(const QString &title, QWidget *parent = nullptr);
    void setDatabase(Database *database) override;
    void reload() override;

    QTableView *table() const { return m_table; }
    QSqlQueryModel *model() const { return m_model; }
    QString summaryText() const;
    // The row count once the background count has come back (counted() says when).
    std::optional<qint64> count() const { return m_count; }

signals:
    // The row count has arrived and the summary line shows it.
    void counted();

protected:
    void setQuery(QList<Column> columns, const QString &fromAndOrder, const QString &countSql);
    // The summary line for `count` rows.
    virtual QString summaryFor(qint64 count) const = 0;

private:
    Database *m_database = nullptr;
    QList<Column> m_columns;
    QString m_fromAndOrder;
    QString m_countSql;
    QSqlQueryModel *m_model;
    QTableView *m_table;
    QLabel *m_summary;
    int m_generation = 0;
    std::optional<qint64> m_count;
};

} // namespace lmo
