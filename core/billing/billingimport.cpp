#include "billing/billingimport.h"

#include "import/csvreader.h"
#include "import/importinput.h"
#include "storage/database.h"
#include "storage/sqlutil.h"
#include "storage/values.h"

#include <QDateTime>
#include <QFile>
#include <QHash>
#include <QSet>
#include <QSqlQuery>
#include <QSqlRecord>

namespace lmo::billing {

namespace {

using importing::shownPath;

// The stored row's values, in the order of kColumns, for telling an update from no change.
const char *const kColumns[] = {"customer_id", "customer_name", "customer_email", "plan", "product", "quantity", "status",
                                "source_status", "current_period_end", "cancel_at_period_end", "amount_hundredths",
                                "currency", "billing_interval", "interval_count", "org_id"};
constexpr int kColumnCount = int(std::size(kColumns));
// The field each of kColumns comes from: a later file without that field's column keeps what
// the earlier one said.
const Field kColumnFields[kColumnCount] = {
    Field::CustomerId, Field::CustomerName, Field::CustomerEmail, Field::Plan, Field::Product, Field::Quantity, Field::Status,
    Field::Status, Field::PeriodEnd, Field::CancelAtPeriodEnd, Field::Amount, Field::Currency, Field::Interval,
    Field::IntervalCount, Field::OrgId};

QVariantList valuesOf(const Subscription &s)
{
    auto number = [](const std::optional<qint64> &n) { return n ? QVariant(*n) : QVariant(QMetaType(QMetaType::LongLong)); };
    return {sqlValue(s.customerId), sqlValue(s.customerName), sqlValue(s.customerEmail), sqlValue(s.plan), sqlValue(s.product),
            number(s.quantity), statusName(s.status), s.sourceStatus, sqlValue(s.periodEnd), s.cancelAtPeriodEnd ? 1 : 0,
            number(s.amountHundredths), sqlValue(s.currency), sqlValue(s.interval), s.intervalCount, sqlValue(s.orgId)};
}

// Two values the same as the database holds them (a number read back as text on one engine,
// a NULL against an empty string on none).
bool sameValue(const QVariant &stored, const QVariant &given)
{
    if (stored.isNull() || given.isNull())
        return stored.isNull() == given.isNull();
    return stored.toString() == given.toString();
}

struct StoredSource
{
    std::optional<Format> format;
    Mapping mapping;
};

Result<StoredSource> readSource(QSqlDatabase &db, const QString &source)
{
    StoredSource out;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT format, mapping FROM billing_sources WHERE name = ?"));
    q.addBindValue(source);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("reading billing source %1").arg(source));
    if (q.next()) {
        out.format = formatFromName(q.value(0).toString());
        auto stored = Mapping::fromJson(q.value(1).toString());
        if (!stored)
            return Error::make(Error::Code::Invalid,
                               QStringLiteral("The column mapping kept for billing source \"%1\" cannot be read: map its columns "
                                              "again with --map.")
                                   .arg(source));
        out.mapping = *stored;
    }
    return out;
}

// Whether the mapping says the org ids are in no column (not even one found by its values).
bool orgIdsInNoColumn(const Mapping &m)
{
    const auto it = m.columns.constFind(fieldKey(Field::OrgId));
    return it != m.columns.constEnd() && it.value().trimmed().isEmpty();
}

} // namespace

QString formatTitle(Format f)
{
    switch (f) {
    case Format::Stripe: return QStringLiteral("Stripe subscriptions export");
    case Format::Chargebee: return QStringLiteral("Chargebee subscriptions export");
    case Format::Table: return QStringLiteral("billing table");
    }
    return {};
}

QString defaultSourceName(Format format)
{
    return format == Format::Table ? QString() : formatName(format);
}

Result<QStringList> billingSources(QSqlDatabase db)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT name FROM billing_sources ORDER BY name")))
        return sqlError(q.lastError(), QStringLiteral("reading billing sources"));
    QStringList names;
    while (q.next())
        names << q.value(0).toString();
    return names;
}

Result<BillingPreview> previewBillingFile(QSqlDatabase db, const QString &path, const QString &source, int rows)
{
    BillingPreview out;
    out.path = path;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::make(Error::Code::Io, QStringLiteral("%1 cannot be read: %2").arg(path, file.errorString()));
    out.fileSize = file.size();
    CsvReader reader(&file);
    auto header = importing::readHeader(reader, path);
    if (!header)
        return header.error();
    out.header = header.value();
    out.detected = detectFormat(out.header);
    out.source = source.trimmed().isEmpty() ? defaultSourceName(out.detected) : source.trimmed();
    std::vector<QStringList> sample; // the first 1,000, for the org ids' column
    CsvRecord record;
    while (reader.next(record)) {
        if (record.isBlank())
            continue;
        ++out.rowCount;
        if (sample.size() >= 1000)
            continue;
        QStringList row;
        for (int i = 0; i < record.size(); ++i)
            row << record.text(i);
        sample.push_back(std::move(row));
    }
    if (!reader.error().isEmpty())
        return Error::make(Error::Code::Invalid, QStringLiteral("%1 cannot be read: %2").arg(shownPath(path), reader.error()));
    if (!out.source.isEmpty()) {
        auto stored = readSource(db, out.source);
        if (!stored)
            return stored.error();
        out.sourceFormat = stored->format;
        out.kept = stored->mapping;
    }
    out.byNames = mapColumns(out.header, Mapping(), nullptr);
    if (const int org = detectOrgIdColumn(sample, out.byNames); org >= 0)
        out.byNames[Field::OrgId] = org;
    out.map = mapColumns(out.header, out.kept, &out.missing);
    if (!orgIdsInNoColumn(out.kept))
        if (const int org = detectOrgIdColumn(sample, out.map); org >= 0)
            out.map[Field::OrgId] = org;
    // The same subscriptions under another source: its first 200 ids looked for.
    if (const int idColumn = out.map[Field::SubscriptionId]; idColumn >= 0) {
        QStringList ids;
        for (const QStringList &row : sample) {
            if (ids.size() >= 200)
                break;
            if (const QString id = row.value(idColumn).trimmed(); !id.isEmpty())
                ids << id;
        }
        if (!ids.isEmpty()) {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("SELECT source, COUNT(*) FROM billing_subscriptions WHERE source <> ? AND subscription_id IN (%1) "
                                     "GROUP BY source ORDER BY 2 DESC, 1")
                          .arg(QStringLiteral("?, ").repeated(int(ids.size())).chopped(2)));
            q.addBindValue(out.source);
            for (const QString &id : ids)
                q.addBindValue(id);
            if (!q.exec())
                return sqlError(q.lastError(), QStringLiteral("reading billing subscriptions"));
            if (q.next()) {
                out.elsewhereSource = q.value(0).toString();
                out.elsewhere = q.value(1).toLongLong();
                out.elsewhereOf = ids.size();
            }
        }
    }
    sample.resize(std::min(sample.size(), size_t(std::max(0, rows))));
    out.rows = std::move(sample);
    return out;
}

int BillingImportReport::exitCode() const
{
    if (!written)
        return 2;
    return rejected.empty() ? 0 : 3;
}

QString BillingImportReport::summary() const
{
    QString s = QStringLiteral("%1: %2, source \"%3\"\n").arg(shownPath(path), formatTitle(format), source);
    if (!written)
        s += QStringLiteral("  nothing imported: %1 rows rejected and --strict refuses the whole file\n").arg(rejected.size());
    else
        s += QStringLiteral("  read %1, inserted %2, updated %3, unchanged %4, rejected %5\n")
                 .arg(read)
                 .arg(inserted)
                 .arg(updated)
                 .arg(unchanged)
                 .arg(rejected.size());
    if (!orgColumn.isEmpty())
        s += QStringLiteral("  org ids from column \"%1\"%2: %3 of %4 subscriptions name their org\n")
                 .arg(orgColumn, orgColumnRecognised ? QStringLiteral(" (recognised by its values)") : QString())
                 .arg(withOrg)
                 .arg(read - qint64(rejected.size()));
    else
        s += QStringLiteral("  no column holds org ids: these subscriptions are linked to no subscriber org yet\n");
    for (const BillingRejection &r : rejected)
        s += QStringLiteral("rejected %1:%2: %3%4\n")
                 .arg(shownPath(path))
                 .arg(r.line)
                 .arg(r.column.isEmpty() ? QString() : QStringLiteral("column \"%1\": ").arg(r.column), r.reason);
    return s;
}

Result<BillingImportReport> importBillingFile(Database &database, const QString &path, const BillingImportOptions &options)
{
    return importBillingFile(database.connection(), path, options);
}

Result<BillingImportReport> importBillingFile(QSqlDatabase db, const QString &path, const BillingImportOptions &options)
{
    BillingImportReport report;
    report.path = path;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::make(Error::Code::Io, QStringLiteral("%1 cannot be read: %2").arg(path, file.errorString()));
    CsvReader reader(&file);
    auto header = importing::readHeader(reader, path);
    if (!header)
        return header.error();

    // The rows are read as they come; the first thousand are held back until the org id
    // column, recognised by its values, is known.
    CsvRecord record;
    auto nextRow = [&](QStringList &row, qint64 &line) -> bool {
        while (reader.next(record)) {
            if (record.isBlank())
                continue;
            ++report.read;
            if (const auto &problem = record.problem()) {
                report.rejected.push_back({problem->line, problem->column >= 0 ? header->value(problem->column) : QString(), problem->reason});
                continue;
            }
            row.clear();
            for (int i = 0; i < record.size(); ++i)
                row << record.text(i);
            line = record.line();
            return true;
        }
        return false;
    };
    auto refusedWhole = [&]() -> std::optional<Error> {
        if (reader.error().isEmpty())
            return std::nullopt;
        return Error::make(Error::Code::Invalid, QStringLiteral("%1 was refused whole: %2").arg(shownPath(path), reader.error()));
    };
    std::vector<QStringList> rows; // the first thousand
    std::vector<qint64> lines;
    {
        QStringList row;
        qint64 line = 0;
        while (rows.size() < 1000 && nextRow(row, line)) {
            rows.push_back(row);
            lines.push_back(line);
        }
        if (auto e = refusedWhole())
            return *e;
    }

    // What the source is: as recorded, else as asked, else as the header says.
    std::optional<Format> storedFormat;
    Mapping mapping;
    const Format detected = detectFormat(header.value());
    QString source = options.source.trimmed();
    if (source.isEmpty()) {
        const Format f = options.format.value_or(detected);
        if (f == Format::Table)
            return Error::make(Error::Code::Usage,
                               QStringLiteral("%1 is not a Stripe or Chargebee export of subscriptions (its columns: %2): name its "
                                              "source with --source NAME and say which column holds what with --map, for "
                                              "example --map subscription_id=\"Internal ID\" --map status=Status.")
                                   .arg(shownPath(path), header->join(QStringLiteral(", "))));
        source = formatName(f);
    }
    {
        auto stored = readSource(db, source);
        if (!stored)
            return stored.error();
        storedFormat = stored->format;
        mapping = stored->mapping;
    }
    report.format = options.format.value_or(storedFormat.value_or(detected));
    if (storedFormat && options.format && *storedFormat != *options.format)
        return Error::make(Error::Code::Usage, QStringLiteral("Billing source \"%1\" is a %2; --format %3 would read it as another "
                                                              "kind of file. Give it another --source name.")
                                                   .arg(source, formatTitle(*storedFormat), formatName(*options.format)));
    if (options.replaceColumns)
        mapping.columns.clear();
    for (auto it = options.extra.columns.cbegin(); it != options.extra.columns.cend(); ++it)
        mapping.columns.insert(it.key(), it.value());
    for (auto it = options.extra.statusWords.cbegin(); it != options.extra.statusWords.cend(); ++it)
        mapping.statusWords.insert(it.key(), it.value());
    report.source = source;

    QStringList missing;
    ColumnMap map = mapColumns(header.value(), mapping, &missing);
    if (!missing.isEmpty())
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("%1 has no column \"%2\", which the mapping of billing source \"%3\" reads: its columns "
                                          "are %4. Map that field again with --map FIELD=COLUMN.")
                               .arg(shownPath(path), missing.join(QStringLiteral("\", \"")), source, header->join(QStringLiteral(", "))));
    for (Field required : {Field::SubscriptionId, Field::Status})
        if (map[required] < 0)
            return Error::make(Error::Code::Invalid,
                               QStringLiteral("%1 has no column for the %2 (its columns: %3): say which with --map %4=COLUMN.")
                                   .arg(shownPath(path), fieldLabel(required).toLower(), header->join(QStringLiteral(", ")),
                                        fieldKey(required)));
    const int orgColumn = orgIdsInNoColumn(mapping) ? -1 : detectOrgIdColumn(rows, map);
    if (orgColumn >= 0) {
        report.orgColumnRecognised = map[Field::OrgId] < 0;
        map[Field::OrgId] = orgColumn;
        report.orgColumn = header->value(orgColumn);
    }

    Transaction tx(db);
    if (auto r = tx.beginWrite(QStringLiteral("importing billing")); !r)
        return r.error();
    const QString now = dateTimeToSql(QDateTime::currentDateTimeUtc());
    {
        // Kept per source: the format and the mapping its next file is read by: what a user
        // said, never what was found by a column's name or values (a later export without
        // that column is still read, and keeps the org ids the earlier one gave).
        const Mapping &kept = mapping;
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO billing_sources (name, format, mapping, last_import_at) VALUES (?, ?, ?, ?) "
                                 "ON CONFLICT (name) DO UPDATE SET format = excluded.format, mapping = excluded.mapping, "
                                 "last_import_at = excluded.last_import_at"));
        q.addBindValue(source);
        q.addBindValue(formatName(report.format));
        q.addBindValue(kept.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(kept.toJson()));
        q.addBindValue(now);
        if (!q.exec())
            return sqlError(q.lastError(), QStringLiteral("recording billing source %1").arg(source));
    }
    // The source's subscriptions already here: only those are read back, to tell an update
    // from no change (a first import reads none).
    QSet<QString> existing;
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT subscription_id FROM billing_subscriptions WHERE source = ?"));
        q.addBindValue(source);
        if (!q.exec())
            return sqlError(q.lastError(), QStringLiteral("reading billing source %1").arg(source));
        while (q.next())
            existing.insert(q.value(0).toString());
    }
    QString selectSql = QStringLiteral("SELECT ");
    QString updateSql = QStringLiteral("UPDATE billing_subscriptions SET ");
    QString insertSql = QStringLiteral("INSERT INTO billing_subscriptions (source, subscription_id, first_line, imported_at");
    for (int c = 0; c < kColumnCount; ++c) {
        const QString name = QLatin1String(kColumns[c]);
        selectSql += (c ? QStringLiteral(", ") : QString()) + name;
        updateSql += name + QStringLiteral(" = ?, ");
        insertSql += QStringLiteral(", ") + name;
    }
    selectSql += QStringLiteral(" FROM billing_subscriptions WHERE source = ? AND subscription_id = ?");
    updateSql += QStringLiteral("first_line = ?, imported_at = ? WHERE source = ? AND subscription_id = ?");
    insertSql += QStringLiteral(") VALUES (?, ?, ?, ?") + QStringLiteral(", ?").repeated(kColumnCount) + QStringLiteral(")");
    QSqlQuery select(db), update(db), insert(db);
    if (!select.prepare(selectSql) || !update.prepare(updateSql) || !insert.prepare(insertSql))
        return sqlError(select.lastError().isValid() ? select.lastError() : insert.lastError(), QStringLiteral("importing billing"));
    // Chargebee's non_renewing says "cancel at the term's end" without a column of its own.
    auto carried = [&](Field f) { return map[f] >= 0 || (f == Field::CancelAtPeriodEnd && report.format == Format::Chargebee); };
    auto save = [&](const Subscription &s) -> Result<void> {
        QVariantList values = valuesOf(s);
        if (existing.contains(s.subscriptionId)) {
            select.addBindValue(source);
            select.addBindValue(s.subscriptionId);
            if (!select.exec() || !select.next())
                return sqlError(select.lastError(), QStringLiteral("reading subscription %1").arg(s.subscriptionId));
            for (int c = 0; c < kColumnCount; ++c)
                if (!carried(kColumnFields[c]))
                    values[c] = select.value(c);
            bool same = true;
            for (int c = 0; c < kColumnCount && same; ++c)
                same = sameValue(select.value(c), values[c]);
            select.finish();
            if (same) {
                ++report.unchanged;
                return {};
            }
            for (const QVariant &v : values)
                update.addBindValue(v);
            update.addBindValue(s.line);
            update.addBindValue(now);
            update.addBindValue(source);
            update.addBindValue(s.subscriptionId);
            if (!update.exec())
                return sqlError(update.lastError(), QStringLiteral("updating subscription %1 (line %2)").arg(s.subscriptionId).arg(s.line));
            ++report.updated;
            return {};
        }
        insert.addBindValue(source);
        insert.addBindValue(s.subscriptionId);
        insert.addBindValue(s.line);
        insert.addBindValue(now);
        for (const QVariant &v : values)
            insert.addBindValue(v);
        if (!insert.exec())
            return sqlError(insert.lastError(), QStringLiteral("saving subscription %1 (line %2)").arg(s.subscriptionId).arg(s.line));
        ++report.inserted;
        return {};
    };

    // Each row read, checked and saved as it comes (the held-back thousand first).
    QHash<QString, qint64> firstLine;
    auto take = [&](const QStringList &row, qint64 line) -> Result<void> {
        if (options.cancelled && options.cancelled(report.read))
            return Error::make(Error::Code::Cancelled, QStringLiteral("The import of %1 was cancelled: nothing of it was kept.").arg(shownPath(path)));
        ParsedRow parsed = parseRow(report.format, row, map, mapping.statusWords);
        if (!parsed.subscription) {
            report.rejected.push_back({line, parsed.problem.column >= 0 ? header->value(parsed.problem.column) : QString(), parsed.problem.reason});
            return {};
        }
        Subscription &s = *parsed.subscription;
        s.line = line;
        if (const auto seen = firstLine.constFind(s.subscriptionId); seen != firstLine.constEnd()) {
            report.rejected.push_back({line, header->value(map[Field::SubscriptionId]),
                                       QStringLiteral("subscription %1 is on line %2 already: a file lists each once")
                                           .arg(s.subscriptionId)
                                           .arg(seen.value())});
            return {};
        }
        firstLine.insert(s.subscriptionId, s.line);
        if (!s.orgId.isEmpty())
            ++report.withOrg;
        // With --strict a rejected row refuses the file: nothing more is worth writing.
        if (options.strict && !report.rejected.empty())
            return {};
        return save(s);
    };
    for (size_t i = 0; i < rows.size(); ++i)
        if (auto r = take(rows[i], lines[i]); !r)
            return r.error();
    rows.clear();
    {
        QStringList row;
        qint64 line = 0;
        while (nextRow(row, line))
            if (auto r = take(row, line); !r)
                return r.error();
        if (auto e = refusedWhole())
            return *e; // the transaction rolls back: nothing of the file is kept
    }
    std::sort(report.rejected.begin(), report.rejected.end(),
              [](const BillingRejection &a, const BillingRejection &b) { return a.line < b.line; });
    if (options.strict && !report.rejected.empty()) {
        // Nothing is written (the transaction rolls back), and the counts say none was.
        report.written = false;
        report.inserted = report.updated = report.unchanged = 0;
        return report;
    }
    if (auto r = tx.commit(QStringLiteral("importing billing")); !r)
        return r.error();
    return report;
}

} // namespace lmo::billing
