#pragma once

// What a billing system charges, read from its exports: the subscriptions of one source (a
// Stripe account, a Chargebee site, any other table), with each source's status words mapped
// onto one set, the field each column holds, and the subscriber org each subscription names.

#include <QDate>
#include <QHash>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace lmo::billing {

// A word as every comparison here sees it: letters and digits only, lower case
// ("Past Due", "past-due" and "past_due" are "pastdue").
QString foldedWord(QStringView text);

// The one set every source's statuses map onto.
enum class BillingStatus { Trialing, Active, PastDue, Canceled, Paused };
QString statusName(BillingStatus status); // "trialing", "active", "past_due", "canceled", "paused"
std::optional<BillingStatus> statusFromName(const QString &name);

// Which kind of export a file is.
enum class Format {
    Stripe,    // a Stripe Dashboard export of subscriptions: "id", "Customer ID", "Status", ...
    Chargebee, // a Chargebee export of subscriptions: "status", "plan_quantity", "current_term_end"
    Table,     // anything else (a NetSuite saved search, a spreadsheet), read through a mapping
};
QString formatName(Format format); // "stripe", "chargebee", "table"
std::optional<Format> formatFromName(const QString &name);

// A source's own status word in the one set: Stripe's incomplete, incomplete_expired,
// trialing, active, past_due, canceled, unpaid, paused; Chargebee's future, in_trial, active,
// non_renewing, paused, cancelled, transferred; for a table, the words its mapping names, then
// the same words as Stripe's and Chargebee's. Case and the separators (space, "-", "_") do not
// matter. Nothing for a word no rule knows.
std::optional<BillingStatus> mapStatus(Format format, const QString &word, const QHash<QString, QString> &tableWords = {});

// The fields of a subscription a column can hold.
enum class Field {
    SubscriptionId,
    CustomerId,
    CustomerName,
    CustomerEmail,
    Plan,
    Product,
    Quantity,
    Status,
    PeriodEnd,
    CancelAtPeriodEnd,
    Amount,
    Currency,
    Interval,
    IntervalCount,
    OrgId,
};
inline constexpr int kFieldCount = 15;
QString fieldKey(Field field);   // "subscription_id", "quantity", ... (as --map and the mapping say)
QString fieldLabel(Field field); // "Subscription id", "Quantity", ... (for messages)
std::optional<Field> fieldFromKey(const QString &key);

// Which column (0-based) holds each field; -1: none.
struct ColumnMap
{
    int column[kFieldCount];
    ColumnMap() { std::fill(std::begin(column), std::end(column), -1); }
    int &operator[](Field f) { return column[int(f)]; }
    int operator[](Field f) const { return column[int(f)]; }
};

// What a source's files are read by, kept per source: the column named for each field (by its
// header), and the table's own status words.
struct Mapping
{
    QHash<QString, QString> columns;     // field key -> header
    QHash<QString, QString> statusWords; // the table's word (folded) -> status name
    QString toJson() const;
    static std::optional<Mapping> fromJson(const QString &json);
    bool isEmpty() const { return columns.isEmpty() && statusWords.isEmpty(); }
};

// The format a header says: Chargebee by its own column names (plan_quantity, current_term_end,
// ...), Stripe by its Dashboard's ("Customer ID", "Current Period End (UTC)", ...), else Table.
Format detectFormat(const QStringList &header);

// The columns of `header` for each field: those `mapping` names first, then each field's known
// names, the same for every format (case, spaces and punctuation aside; "subscription." and
// "subscriptions." prefixes dropped), a Stripe metadata column ("sf_org_id (metadata)") by its
// key. Columns named in `mapping` that the header has not are listed in `missing`. A field the
// mapping gives an empty column is read from none (not even a column of its known names).
ColumnMap mapColumns(const QStringList &header, const Mapping &mapping, QStringList *missing);

// Whether a value is a subscriber org's id: a Salesforce id (15 characters, or 18 with a
// correct checksum) of an organization (key prefix 00D). Its 15-character form, or nothing.
std::optional<QString> orgId15(const QString &text);

// The column of `rows` whose values are org ids, for a file that names none: most of its
// non-blank values in the first 1,000 rows are one (the others are then rows at fault, each
// rejected with its value). Of several, the one with the most ids. -1: none.
int detectOrgIdColumn(const std::vector<QStringList> &rows, const ColumnMap &map);

// One subscription as a file gives it.
struct Subscription
{
    QString subscriptionId;
    QString customerId, customerName, customerEmail, plan, product;
    std::optional<qint64> quantity;
    BillingStatus status = BillingStatus::Active;
    QString sourceStatus; // the source's own word
    QDate periodEnd;
    bool cancelAtPeriodEnd = false;
    std::optional<qint64> amountHundredths; // the amount in hundredths of the currency's unit
    QString currency;                       // upper case: "USD"
    QString interval;                       // day, week, month, year; empty: not given
    qint64 intervalCount = 1;
    QString orgId; // 15 characters, or empty
    qint64 line = 0;
};

// What is wrong with one value of a row.
struct RowProblem
{
    int column = -1;
    QString reason;
};

// Reads one row by `map`: the subscription, or the first value that cannot be read and why.
// Dates: ISO (with a time after a space or "T"), Unix seconds (Chargebee's API), or slash dates
// month first; amounts: "49", "49.00", "1,234.50"; quantities: whole numbers ("25" or "25.0").
struct ParsedRow
{
    std::optional<Subscription> subscription;
    RowProblem problem;
};
ParsedRow parseRow(Format format, const QStringList &row, const ColumnMap &map, const QHash<QString, QString> &statusWords);

} // namespace lmo::billing
