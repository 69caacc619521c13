#include "billing/billing.h"

#include "domain/salesforceid.h"
#include "import/valueparser.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimeZone>

namespace lmo::billing {

namespace {


// A header as the known names are written: folded, a "subscription." or "subscriptions."
// prefix (Chargebee's exports) dropped, and "(UTC)" dropped.
QString foldedHeader(const QString &header)
{
    QString h = header.trimmed();
    static const QRegularExpression prefix(QStringLiteral("^subscriptions?[\\.\\[]"), QRegularExpression::CaseInsensitiveOption);
    h.remove(prefix);
    h.remove(QLatin1Char(']'));
    h.remove(QStringLiteral("(UTC)"), Qt::CaseInsensitive);
    return foldedWord(h);
}

struct KnownNames
{
    Field field;
    std::initializer_list<const char *> names; // folded
};

// Each field's names in the exports, folded. Stripe's Dashboard headers, Chargebee's API names
// as its exports write them, and the plain words a spreadsheet uses.
const KnownNames kKnown[] = {
    {Field::SubscriptionId, {"id", "subscriptionid"}},
    {Field::CustomerId, {"customerid", "customer"}},
    {Field::CustomerName, {"customername", "customercompany", "company", "accountname"}},
    {Field::CustomerEmail, {"customeremail", "email"}},
    {Field::Plan, {"plan", "planid", "price", "priceid", "itempriceid", "item"}},
    {Field::Product, {"product", "productname", "productid"}},
    {Field::Quantity, {"quantity", "planquantity", "seats"}},
    {Field::Status, {"status"}},
    {Field::PeriodEnd, {"currentperiodend", "currenttermend", "periodend", "termend"}},
    {Field::CancelAtPeriodEnd, {"cancelatperiodend", "cancelattermend"}},
    {Field::Amount, {"amount", "planamount", "planunitprice", "priceamount"}},
    {Field::Currency, {"currency", "currencycode"}},
    {Field::Interval, {"interval", "billingperiodunit", "planinterval"}},
    {Field::IntervalCount, {"intervalcount", "billingperiod", "planintervalcount"}},
    {Field::OrgId, {"sforgid", "salesforceorgid", "orgid", "subscriberorgid", "sfdcorgid", "sforganizationid", "organizationid"}},
};

const char *const kFieldKeys[kFieldCount] = {
    "subscription_id", "customer_id", "customer_name", "customer_email", "plan", "product", "quantity", "status",
    "period_end", "cancel_at_period_end", "amount", "currency", "interval", "interval_count", "org_id"};

const char *const kFieldLabels[kFieldCount] = {
    "Subscription id", "Customer id", "Customer name", "Customer email", "Plan", "Product", "Quantity", "Status",
    "Current period end", "Cancel at period end", "Amount", "Currency", "Interval", "Interval count", "Org id"};

std::optional<QDate> billingDate(const QString &text, QString *why)
{
    const QString t = text.trimmed();
    if (t.isEmpty())
        return QDate();
    // Unix seconds, as Chargebee's API (and exports made from it) writes its times.
    bool isNumber = false;
    const qint64 seconds = t.toLongLong(&isNumber);
    if (isNumber) {
        if (seconds < 0 || seconds > 32503680000LL) { // year 3000
            *why = QStringLiteral("\"%1\" is not a date (as Unix seconds it is out of range)").arg(t);
            return std::nullopt;
        }
        return QDateTime::fromSecsSinceEpoch(seconds, QTimeZone::utc()).date();
    }
    // "2026-11-01 00:00" (Stripe's Dashboard) is an ISO date-time with a space.
    QString iso = t;
    if (iso.size() > 10 && iso[10] == QLatin1Char(' '))
        iso[10] = QLatin1Char('T');
    if (iso.size() >= 10 && iso[4] == QLatin1Char('-')) {
        const QDate d = QDate::fromString(iso.left(10), Qt::ISODate);
        if (d.isValid())
            return d;
    }
    QString inner;
    if (auto d = ValueParser::date(t, DateOrder::MonthDayYear, &inner))
        return d;
    *why = QStringLiteral("\"%1\" is not a date: give 2026-11-01, 2026-11-01 00:00, 11/1/2026 or Unix seconds").arg(t);
    return std::nullopt;
}

// "49", "49.00", "1,234.50", "$49.00", "-5.5": hundredths of the unit.
std::optional<qint64> hundredths(const QString &text, QString *why)
{
    QString t = text.trimmed();
    t.remove(QLatin1Char(','));
    if (!t.isEmpty() && !t[0].isDigit() && t[0] != QLatin1Char('-') && t[0] != QLatin1Char('.'))
        t.remove(0, 1); // a currency sign
    static const QRegularExpression number(QStringLiteral("^(-?)(\\d{1,13})(?:\\.(\\d{1,2}))?$"));
    const QRegularExpressionMatch m = number.match(t);
    if (!m.hasMatch()) {
        *why = QStringLiteral("\"%1\" is not an amount: give 49, 49.00 or 1,234.50").arg(text.trimmed());
        return std::nullopt;
    }
    const QString cents = (m.captured(3) + QStringLiteral("00")).left(2);
    const qint64 value = m.captured(2).toLongLong() * 100 + cents.toLongLong();
    return m.captured(1).isEmpty() ? value : -value;
}

std::optional<QString> interval(const QString &text, QString *why)
{
    const QString t = foldedWord(text);
    if (t.isEmpty())
        return QString();
    for (const char *unit : {"day", "week", "month", "year"}) {
        const QString u = QLatin1String(unit);
        if (t == u || t == u + QLatin1Char('s') || t == u + QStringLiteral("ly") || (u == QLatin1String("day") && t == QLatin1String("daily")))
            return u;
    }
    if (t == QLatin1String("annual") || t == QLatin1String("annually"))
        return QStringLiteral("year");
    *why = QStringLiteral("\"%1\" is not a billing interval: give day, week, month or year").arg(text.trimmed());
    return std::nullopt;
}

} // namespace

QString foldedWord(QStringView text)
{
    QString out;
    out.reserve(text.size());
    for (QChar c : text)
        if (c.isLetterOrNumber())
            out += c.toLower();
    return out;
}

QString statusName(BillingStatus status)
{
    switch (status) {
    case BillingStatus::Trialing: return QStringLiteral("trialing");
    case BillingStatus::Active: return QStringLiteral("active");
    case BillingStatus::PastDue: return QStringLiteral("past_due");
    case BillingStatus::Canceled: return QStringLiteral("canceled");
    case BillingStatus::Paused: return QStringLiteral("paused");
    }
    return {};
}

std::optional<BillingStatus> statusFromName(const QString &name)
{
    for (BillingStatus s : {BillingStatus::Trialing, BillingStatus::Active, BillingStatus::PastDue, BillingStatus::Canceled,
                            BillingStatus::Paused})
        if (foldedWord(statusName(s)) == foldedWord(name))
            return s;
    return std::nullopt;
}

QString formatName(Format format)
{
    switch (format) {
    case Format::Stripe: return QStringLiteral("stripe");
    case Format::Chargebee: return QStringLiteral("chargebee");
    case Format::Table: return QStringLiteral("table");
    }
    return {};
}

std::optional<Format> formatFromName(const QString &name)
{
    for (Format f : {Format::Stripe, Format::Chargebee, Format::Table})
        if (formatName(f) == name.trimmed().toLower())
            return f;
    return std::nullopt;
}

std::optional<BillingStatus> mapStatus(Format format, const QString &word, const QHash<QString, QString> &tableWords)
{
    const QString w = foldedWord(word);
    if (w.isEmpty())
        return std::nullopt;
    if (format == Format::Table) {
        const auto it = tableWords.constFind(w);
        if (it != tableWords.constEnd())
            return statusFromName(it.value());
    }
    struct Word
    {
        const char *word;
        BillingStatus status;
    };
    // Stripe: a first invoice not yet paid (incomplete) is owed, as past_due is; one never paid
    // in time (incomplete_expired) ended; unpaid is past due with the retries exhausted.
    static const Word stripe[] = {
        {"trialing", BillingStatus::Trialing},   {"active", BillingStatus::Active},
        {"pastdue", BillingStatus::PastDue},     {"unpaid", BillingStatus::PastDue},
        {"incomplete", BillingStatus::PastDue},  {"incompleteexpired", BillingStatus::Canceled},
        {"canceled", BillingStatus::Canceled},   {"paused", BillingStatus::Paused},
    };
    // Chargebee: a subscription that starts later (future) is live and not yet charging, as a
    // trial is; non_renewing bills to the end of its term; transferred went to another customer.
    static const Word chargebee[] = {
        {"future", BillingStatus::Trialing},      {"intrial", BillingStatus::Trialing},
        {"active", BillingStatus::Active},        {"nonrenewing", BillingStatus::Active},
        {"paused", BillingStatus::Paused},        {"cancelled", BillingStatus::Canceled},
        {"transferred", BillingStatus::Canceled},
    };
    auto look = [&](const auto &words) -> std::optional<BillingStatus> {
        for (const Word &x : words)
            if (w == QLatin1String(x.word))
                return x.status;
        return std::nullopt;
    };
    if (format == Format::Stripe)
        return look(stripe);
    if (format == Format::Chargebee)
        return look(chargebee);
    if (auto s = look(stripe))
        return s;
    return look(chargebee);
}

QString fieldKey(Field field)
{
    return QString::fromLatin1(kFieldKeys[int(field)]);
}

QString fieldLabel(Field field)
{
    return QString::fromLatin1(kFieldLabels[int(field)]);
}

std::optional<Field> fieldFromKey(const QString &key)
{
    const QString k = foldedWord(key);
    for (int i = 0; i < kFieldCount; ++i)
        if (foldedWord(QString::fromLatin1(kFieldKeys[i])) == k)
            return Field(i);
    return std::nullopt;
}

QString Mapping::toJson() const
{
    QJsonObject columnsJson, wordsJson;
    for (auto it = columns.cbegin(); it != columns.cend(); ++it)
        columnsJson.insert(it.key(), it.value());
    for (auto it = statusWords.cbegin(); it != statusWords.cend(); ++it)
        wordsJson.insert(it.key(), it.value());
    return QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("columns"), columnsJson}, {QStringLiteral("status_words"), wordsJson}})
                                 .toJson(QJsonDocument::Compact));
}

std::optional<Mapping> Mapping::fromJson(const QString &json)
{
    Mapping m;
    if (json.trimmed().isEmpty())
        return m;
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject columns = doc.object().value(QStringLiteral("columns")).toObject();
    for (auto it = columns.begin(); it != columns.end(); ++it)
        if (fieldFromKey(it.key()) && it.value().isString())
            m.columns.insert(fieldKey(*fieldFromKey(it.key())), it.value().toString());
    const QJsonObject words = doc.object().value(QStringLiteral("status_words")).toObject();
    for (auto it = words.begin(); it != words.end(); ++it)
        if (statusFromName(it.value().toString()))
            m.statusWords.insert(foldedWord(it.key()), statusName(*statusFromName(it.value().toString())));
    return m;
}

Format detectFormat(const QStringList &header)
{
    QStringList f;
    for (const QString &h : header)
        f << foldedHeader(h);
    for (const char *chargebee : {"planquantity", "currenttermend", "currenttermstart", "billingperiodunit", "nextbillingat"})
        if (f.contains(QLatin1String(chargebee)))
            return Format::Chargebee;
    int stripe = 0;
    for (const char *name : {"customerid", "customeremail", "currentperiodend", "cancelatperiodend", "quantity", "plan", "interval"})
        if (f.contains(QLatin1String(name)))
            ++stripe;
    if (f.contains(QStringLiteral("id")) && f.contains(QStringLiteral("status")) && stripe >= 2)
        return Format::Stripe;
    return Format::Table;
}

ColumnMap mapColumns(const QStringList &header, const Mapping &mapping, QStringList *missing)
{
    ColumnMap map;
    std::vector<bool> taken(size_t(header.size()), false);
    std::vector<bool> none(size_t(kFieldCount), false); // a field the mapping reads from no column
    for (auto it = mapping.columns.cbegin(); it != mapping.columns.cend(); ++it) {
        const auto field = fieldFromKey(it.key());
        if (!field)
            continue;
        if (it.value().trimmed().isEmpty()) {
            none[size_t(*field)] = true;
            continue;
        }
        int found = -1;
        for (int c = 0; c < header.size() && found < 0; ++c)
            if (header[c].trimmed().compare(it.value().trimmed(), Qt::CaseInsensitive) == 0)
                found = c;
        if (found < 0) {
            if (missing)
                *missing << it.value();
            continue;
        }
        map[*field] = found;
        taken[size_t(found)] = true;
    }
    QStringList folded;
    QStringList metadataKeys; // for "<key> (metadata)" columns: the key, folded
    for (const QString &h : header) {
        folded << foldedHeader(h);
        const qsizetype meta = h.lastIndexOf(QStringLiteral("(metadata)"), -1, Qt::CaseInsensitive);
        metadataKeys << (meta > 0 ? foldedHeader(h.left(meta)) : QString());
    }
    for (const KnownNames &known : kKnown) {
        if (map[known.field] >= 0 || none[size_t(known.field)])
            continue;
        for (const char *name : known.names) {
            for (int c = 0; c < header.size(); ++c) {
                if (taken[size_t(c)])
                    continue;
                // A metadata column holds what its key says: "sf_org_id (metadata)" is the org,
                // but "plan (metadata)" is not the plan.
                const bool matches = metadataKeys[c].isEmpty() ? folded[c] == QLatin1String(name)
                                                               : known.field == Field::OrgId && metadataKeys[c] == QLatin1String(name);
                if (matches) {
                    map[known.field] = c;
                    taken[size_t(c)] = true;
                    break;
                }
            }
            if (map[known.field] >= 0)
                break;
        }
    }
    return map;
}

std::optional<QString> orgId15(const QString &text)
{
    const QString t = text.trimmed();
    if (!t.startsWith(QLatin1String("00D")))
        return std::nullopt;
    auto id = SalesforceId::parse(t);
    if (!id || !id->hasKeyPrefix(u"00D"))
        return std::nullopt;
    return id->to15();
}

int detectOrgIdColumn(const std::vector<QStringList> &rows, const ColumnMap &map)
{
    if (map[Field::OrgId] >= 0)
        return map[Field::OrgId];
    int columns = 0;
    for (const QStringList &r : rows)
        columns = std::max(columns, int(r.size()));
    int best = -1, bestIds = 0;
    for (int c = 0; c < columns; ++c) {
        bool mapped = false;
        for (int f = 0; f < kFieldCount; ++f)
            mapped = mapped || map.column[f] == c;
        if (mapped)
            continue;
        int ids = 0, others = 0, seen = 0;
        for (const QStringList &r : rows) {
            if (++seen > 1000)
                break;
            const QString v = r.value(c).trimmed();
            if (v.isEmpty())
                continue;
            if (orgId15(v))
                ++ids;
            else
                ++others;
        }
        if (ids > 0 && others < ids && ids > bestIds) {
            best = c;
            bestIds = ids;
        }
    }
    return best;
}

ParsedRow parseRow(Format format, const QStringList &row, const ColumnMap &map, const QHash<QString, QString> &statusWords)
{
    ParsedRow out;
    auto cell = [&](Field f) { return map[f] >= 0 ? row.value(map[f]).trimmed() : QString(); };
    auto fail = [&](Field f, QString reason) {
        out.problem = {map[f], std::move(reason)};
        return out;
    };
    Subscription s;
    s.subscriptionId = cell(Field::SubscriptionId);
    if (s.subscriptionId.isEmpty())
        return fail(Field::SubscriptionId, QStringLiteral("the subscription id is empty: every subscription needs its id"));
    s.customerId = cell(Field::CustomerId);
    s.customerName = cell(Field::CustomerName);
    s.customerEmail = cell(Field::CustomerEmail);
    s.plan = cell(Field::Plan);
    s.product = cell(Field::Product);
    s.sourceStatus = cell(Field::Status);
    const auto status = mapStatus(format, s.sourceStatus, statusWords);
    if (!status) {
        if (s.sourceStatus.isEmpty())
            return fail(Field::Status, QStringLiteral("the status is empty"));
        return fail(Field::Status,
                    QStringLiteral("\"%1\" is not a status this source knows%2")
                        .arg(s.sourceStatus,
                             format == Format::Table ? QStringLiteral(": say what it means with --status \"%1=active\" (or trialing, "
                                                                      "past_due, canceled, paused)")
                                                           .arg(s.sourceStatus)
                                                     : QString()));
    }
    s.status = *status;
    QString why;
    if (const QString q = cell(Field::Quantity); !q.isEmpty()) {
        auto n = ValueParser::integer(q, &why);
        if (!n || *n < 0)
            return fail(Field::Quantity, n ? QStringLiteral("%1 is below zero").arg(*n) : why);
        s.quantity = *n;
    }
    auto end = billingDate(cell(Field::PeriodEnd), &why);
    if (!end)
        return fail(Field::PeriodEnd, why);
    s.periodEnd = *end;
    if (const QString c = cell(Field::CancelAtPeriodEnd); !c.isEmpty()) {
        auto b = ValueParser::checkbox(c, &why);
        if (!b)
            return fail(Field::CancelAtPeriodEnd, why);
        s.cancelAtPeriodEnd = *b;
    }
    // Chargebee's non_renewing says it outright.
    if (format == Format::Chargebee && foldedWord(s.sourceStatus) == QLatin1String("nonrenewing"))
        s.cancelAtPeriodEnd = true;
    if (const QString a = cell(Field::Amount); !a.isEmpty()) {
        auto h = hundredths(a, &why);
        if (!h)
            return fail(Field::Amount, why);
        s.amountHundredths = *h;
    }
    s.currency = cell(Field::Currency).toUpper();
    if (!s.currency.isEmpty() && !QRegularExpression(QStringLiteral("^[A-Z]{3}$")).match(s.currency).hasMatch())
        return fail(Field::Currency, QStringLiteral("\"%1\" is not a currency code such as USD or EUR").arg(cell(Field::Currency)));
    auto unit = interval(cell(Field::Interval), &why);
    if (!unit)
        return fail(Field::Interval, why);
    s.interval = *unit;
    if (const QString n = cell(Field::IntervalCount); !n.isEmpty()) {
        auto count = ValueParser::integer(n, &why);
        if (!count || *count < 1 || *count > 1000)
            return fail(Field::IntervalCount, count ? QStringLiteral("%1 is not a count of intervals from 1 on").arg(*count) : why);
        s.intervalCount = *count;
    }
    if (const QString o = cell(Field::OrgId); !o.isEmpty()) {
        auto id = orgId15(o);
        if (!id)
            return fail(Field::OrgId, QStringLiteral("\"%1\" is not a subscriber org's id (00D…, 15 or 18 characters with a "
                                                     "correct checksum)")
                                          .arg(o));
        s.orgId = *id;
    }
    out.subscription = std::move(s);
    return out;
}

} // namespace lmo::billing
