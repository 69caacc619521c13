#include "widgets/querytablepage.h"

#include "shell/backgroundjob.h"
#include "storage/database.h"
#include "storage/sqlutil.h"
#include "storage/values.h"
#include "widgets/pagestyle.h"

#include <QLabel>
#include <QSqlQuery>
#include <QSqlQueryModel>
#include <QTableView>
#include <QVBoxLayout>

namespace lmo {

QueryTablePage::QueryTablePage(const QString &title, QWidget *parent)
    : DatabasePage(parent), m_model(new QSqlQueryModel(this)), m_table(new QTableView(this)), m_summary(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(makePageHeading(title, this));
    m_summary->setObjectName(QStringLiteral("summary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    m_table->setModel(m_model);
    applyBigTableStyle(m_table);
    layout->addWidget(m_table, 1);
}

void QueryTablePage::setQuery(QList<Column> columns, const QString &fromAndOrder, const QString &countSql)
{
    m_columns = std::move(columns);
    m_fromAndOrder = fromAndOrder;
    m_countSql = countSql;
}

QString QueryTablePage::summaryText() const
{
    return m_summary->text();
}

void QueryTablePage::setDatabase(Database *database)
{
    m_database = database;
    reload();
}

void QueryTablePage::reload()
{
    ++m_generation;
    m_count.reset();
    // A fresh model each time: QSqlQueryModel::clear() keeps a result bound to the old
    // connection's driver, which dangles once that database is closed.
    auto *model = new QSqlQueryModel(this);
    m_table->setModel(model);
    delete m_model;
    m_model = model;
    if (!m_database) {
        m_summary->setText(QStringLiteral("No database is open: use File > Open database or File > New database."));
        return;
    }
    QStringList select;
    for (const Column &c : std::as_const(m_columns))
        select << c.sql;
    QSqlDatabase db = m_database->connection();
    const QString today = dateToSql(QDate::currentDate());
    QSqlQuery query(db);
    query.prepare(QStringLiteral("SELECT %1 FROM %2").arg(select.join(QStringLiteral(", ")), m_fromAndOrder));
    if (query.lastQuery().contains(QStringLiteral(":as_of")))
        query.bindValue(QStringLiteral(":as_of"), today);
    if (!query.exec()) {
        m_summary->setText(sqlError(query.lastError(), QStringLiteral("reading the table")).message);
        return;
    }
    m_model->setQuery(std::move(query));
    for (int i = 0; i < m_columns.size(); ++i)
        m_model->setHeaderData(i, Qt::Horizontal, m_columns[i].title);

    fitColumnsToHeader(m_table);

    // Counting a million rows takes a moment: do it off the UI thread, and drop a late answer
    // for a database that is no longer shown.
    m_summary->setText(QStringLiteral("Counting…"));
    const int generation = ++m_generation;
    const QString countSql = m_countSql;
    runInBackground<qint64>(
        this, m_database->connectionSpec(),
        [countSql](QSqlDatabase &db) { return queryNumber(db, countSql, QStringLiteral("counting rows")); },
        [this, generation](const Result<qint64> &count) {
            if (generation != m_generation)
                return;
            if (count)
                m_count = count.value();
            m_summary->setText(count ? summaryFor(count.value()) : count.error().message);
            emit counted();
        });
}

} // namespace lmo
