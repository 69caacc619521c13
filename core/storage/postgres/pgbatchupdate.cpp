#include "storage/postgres/pgbatchupdate.h"

#include "storage/sqlutil.h"

#include <QHash>
#include <QSqlError>

namespace lmo::pg {

namespace {

// `text` as a JSON string, quoted.
void appendJsonString(QByteArray &json, const QString &text)
{
    static const char hex[] = "0123456789abcdef";
    json += '"';
    const QByteArray utf8 = text.toUtf8();
    for (const char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            json += '\\';
            json += char(c);
        } else if (c < 0x20) {
            json += "\\u00";
            json += hex[c >> 4];
            json += hex[c & 15];
        } else {
            json += char(c);
        }
    }
    json += '"';
}

} // namespace

BatchUpdate::BatchUpdate(QSqlDatabase db, QString table, QStringList columns)
    : m_db(std::move(db)), m_table(std::move(table)), m_columns(std::move(columns)), m_query(m_db)
{
    for (const QString &c : m_columns) {
        QByteArray key;
        appendJsonString(key, c);
        m_keys.push_back(key);
    }
}

void BatchUpdate::add(qint64 id, const std::vector<QVariant> &values)
{
    m_ids.push_back(id);
    m_values.push_back(values);
}

Result<void> BatchUpdate::run(const QString &doing)
{
    if (m_ids.empty())
        return {};
    if (!m_prepared) {
        QStringList sets;
        for (const QString &c : m_columns)
            sets << QStringLiteral("%1 = v.%1").arg(c);
        // NULL::table is the table's row type: each JSON value is read as its column's type.
        if (!m_query.prepare(QStringLiteral("UPDATE %1 AS t SET %2 FROM json_populate_recordset(NULL::%1, CAST(? AS json)) AS v "
                                            "WHERE t.id = v.id")
                                 .arg(m_table, sets.join(QStringLiteral(", ")))))
            return sqlError(m_query.lastError(), doing);
        m_prepared = true;
    }
    // The last values of each row: one JSON object a row, every value as its text (what the
    // column's type reads, as a bound value's literal is read).
    QHash<qint64, size_t> last;
    for (size_t i = 0; i < m_ids.size(); ++i)
        last.insert(m_ids[i], i);
    QByteArray json;
    json.reserve(qsizetype(m_ids.size() * (16 + m_columns.size() * 24)));
    json += '[';
    bool first = true;
    for (size_t i = 0; i < m_ids.size(); ++i) {
        if (last.value(m_ids[i]) != i)
            continue;
        json += first ? "{\"id\":" : ",{\"id\":";
        first = false;
        json += QByteArray::number(m_ids[i]);
        const std::vector<QVariant> &values = m_values[i];
        for (size_t c = 0; c < m_keys.size(); ++c) {
            json += ',';
            json += m_keys[c];
            json += ':';
            const QVariant &v = c < values.size() ? values[c] : QVariant();
            if (v.isNull())
                json += "null";
            else
                appendJsonString(json, v.toString());
        }
        json += '}';
    }
    json += ']';
    m_ids.clear();
    m_values.clear();
    m_query.addBindValue(QString::fromUtf8(json));
    if (!m_query.exec()) {
        const QSqlError e = m_query.lastError();
        if (isUniqueViolation(e))
            return Error::make(Error::Code::Conflict, QStringLiteral("%1: %2").arg(doing, e.text()));
        return sqlError(e, doing);
    }
    return {};
}

} // namespace lmo::pg
