#include "billing/reconcile.h"

#include "billing/billing.h"
#include "domain/license.h"
#include "domain/status.h"
#include "storage/sqlutil.h"
#include "storage/values.h"
#include "util/format.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QSet>
#include <QSqlQuery>

#include <algorithm>
#include <limits>

namespace lmo::billing {

namespace {

struct Sub
{
    QString source, id, orgId, plan, product, sourceStatus;
    std::optional<BillingStatus> status;
    std::optional<qint64> quantity;
    QDate periodEnd;
    bool cancelAtPeriodEnd = false;
    QString currency;
    std::optional<qint64> monthly;
};

struct Lic
{
    qint64 id = 0;
    QString name, orgId, package;
    qint64 packageRef = 0;
    Status status = Status::Active;
    qint64 seats = 0, used = 0;
    QDate expiration;
    bool sandbox = false;
};


bool isLive(const Sub &s)
{
    return s.status == BillingStatus::Trialing || s.status == BillingStatus::Active || s.status == BillingStatus::PastDue;
}

QString shown(const Lic &l)
{
    return l.name.isEmpty() ? QString::number(l.id) : l.name;
}

QString dateText(const QDate &d)
{
    return d.isValid() ? d.toString(Qt::ISODate) : QStringLiteral("does not expire");
}

Lic readLicense(const QSqlQuery &q)
{
    Lic l;
    l.id = q.value(0).toLongLong();
    l.name = q.value(1).toString();
    l.orgId = q.value(2).toString();
    l.packageRef = q.value(3).toLongLong();
    l.package = q.value(4).toString();
    l.status = statusFromString(q.value(5).toString()).value_or(Status::Active);
    l.seats = q.value(6).toLongLong();
    l.used = q.value(7).toLongLong();
    l.expiration = dateFromSql(q.value(8));
    if (isPerpetualMarker(l.expiration))
        l.expiration = QDate();
    l.sandbox = q.value(9).toLongLong() != 0;
    return l;
}

// Hundredths as text: "1,234.50" for people (grouped), "1234.50" for JSON, which gives money
// as exact decimal text (a double would not be exact).
QString amountText(qint64 hundredths, bool grouped)
{
    const qint64 h = std::abs(hundredths);
    return (hundredths < 0 ? QStringLiteral("-") : QString()) + (grouped ? groupedNumber(h / 100) : QString::number(h / 100)) + u'.'
           + QString::number(h % 100).rightJustified(2, u'0');
}
QString decimalText(qint64 hundredths)
{
    return amountText(hundredths, false);
}

const char kLicenseSelect[] = "SELECT l.id, l.name, l.org_id, l.package_ref, p.name, l.status, l.seats, l.used_licenses, l.expiration, "
                              "l.is_sandbox FROM licenses l JOIN packages p ON p.id = l.package_ref ";

} // namespace

QString moneyText(qint64 hundredths)
{
    return amountText(hundredths, true);
}

std::optional<qint64> monthlyHundredths(std::optional<qint64> amountHundredths, std::optional<qint64> quantity,
                                        const QString &interval, qint64 intervalCount)
{
    if (!amountHundredths || interval.isEmpty() || intervalCount < 1)
        return std::nullopt;
    // Months in the interval, as a fraction: 12 a year, 12/52 a week, 12/365 a day.
    qint64 numerator = 1, denominator = 1;
    if (interval == QLatin1String("year"))
        denominator = 12;
    else if (interval == QLatin1String("week"))
        numerator = 52, denominator = 12;
    else if (interval == QLatin1String("day"))
        numerator = 365, denominator = 12;
    else if (interval != QLatin1String("month"))
        return std::nullopt;
    const qint64 total = *amountHundredths * quantity.value_or(1) * numerator;
    const qint64 over = denominator * intervalCount;
    return (total + (total >= 0 ? over / 2 : -over / 2)) / over; // rounded to the nearest hundredth
}

QString ruleTitle(const QString &rule)
{
    static const QHash<QString, QString> titles{
        {QStringLiteral("billed_not_licensed"), QStringLiteral("Billed, not licensed")},
        {QStringLiteral("licensed_not_billed"), QStringLiteral("Licensed, not billed")},
        {QStringLiteral("seat_drift"), QStringLiteral("Seat drift")},
        {QStringLiteral("trial_mismatch"), QStringLiteral("Trial mismatch")},
        {QStringLiteral("date_drift"), QStringLiteral("Date drift")},
        {QStringLiteral("dunning"), QStringLiteral("Dunning")},
        {QStringLiteral("unlinked"), QStringLiteral("Unlinked")},
    };
    return titles.value(rule, rule);
}

qint64 Reconciliation::count(const QString &rule) const
{
    return std::count_if(findings.begin(), findings.end(), [&](const Finding &f) { return f.rule == rule; });
}

namespace {

QJsonObject findingJson(const Finding &f)
{
    auto orNull = [](const QString &v) { return v.isEmpty() ? QJsonValue() : QJsonValue(v); };
    return QJsonObject{
        {QStringLiteral("rule"), f.rule},
        {QStringLiteral("org_id"), orNull(f.orgId)},
        {QStringLiteral("license"), orNull(f.license)},
        {QStringLiteral("package"), orNull(f.package)},
        {QStringLiteral("source"), orNull(f.source)},
        {QStringLiteral("subscription"), orNull(f.subscription)},
        {QStringLiteral("detail"), f.detail},
        {QStringLiteral("action"), f.action},
        {QStringLiteral("currency"), orNull(f.currency)},
        {QStringLiteral("monthly"), f.monthly ? QJsonValue(decimalText(*f.monthly)) : QJsonValue()},
        {QStringLiteral("change"), orNull(f.changeText)},
    };
}

QJsonObject moneyJson(const Reconciliation &r)
{
    QJsonObject money;
    for (const auto &[currency, m] : r.money)
        money.insert(currency, QJsonObject{{QStringLiteral("mrr"), decimalText(m.mrr)},
                                           {QStringLiteral("at_risk"), decimalText(m.atRisk)},
                                           {QStringLiteral("missed_estimate"), decimalText(m.missedEstimate)},
                                           {QStringLiteral("missed_licenses"), m.missedLicenses}});
    return money;
}

QJsonObject countsJson(const Reconciliation &r)
{
    QJsonObject counts;
    for (const char *rule : kRules)
        counts.insert(QLatin1String(rule), r.count(QLatin1String(rule)));
    return counts;
}

} // namespace

QJsonObject Reconciliation::toJson() const
{
    QJsonArray list;
    for (const Finding &f : findings)
        list.append(findingJson(f));
    return {{QStringLiteral("as_of"), asOf.toString(Qt::ISODate)},
            {QStringLiteral("tolerance_days"), toleranceDays},
            {QStringLiteral("subscriptions"), subscriptions},
            {QStringLiteral("counts"), countsJson(*this)},
            {QStringLiteral("money"), moneyJson(*this)},
            {QStringLiteral("unpriced_subscriptions"), unpriced},
            {QStringLiteral("findings"), list}};
}

void Reconciliation::writeJson(QTextStream &out) const
{
    // The object without its findings, then the findings into its last member, one at a time.
    QJsonObject head{{QStringLiteral("as_of"), asOf.toString(Qt::ISODate)},
                     {QStringLiteral("counts"), countsJson(*this)},
                     {QStringLiteral("money"), moneyJson(*this)},
                     {QStringLiteral("subscriptions"), subscriptions},
                     {QStringLiteral("unpriced_subscriptions"), unpriced},
                     {QStringLiteral("tolerance_days"), toleranceDays}};
    QByteArray text = QJsonDocument(head).toJson(QJsonDocument::Indented);
    text.chop(2); // "\n}\n"
    out << text << ",\n    \"findings\": [";
    bool first = true;
    for (const Finding &f : findings) {
        QByteArray one = QJsonDocument(findingJson(f)).toJson(QJsonDocument::Indented);
        one.chop(1);
        one.replace("\n", "\n        ");
        out << (first ? "\n        " : ",\n        ") << one;
        first = false;
    }
    out << (first ? "]\n}\n" : "\n    ]\n}\n");
}

QString Reconciliation::toText() const
{
    QString s;
    QTextStream out(&s);
    writeText(out);
    out.flush();
    return s;
}

void Reconciliation::writeText(QTextStream &out) const
{
    out << QStringLiteral("Billing against licenses, as of %1 (%2 subscriptions; dates within %3 days agree)\n\n")
               .arg(asOf.toString(Qt::ISODate), groupedNumber(subscriptions))
               .arg(toleranceDays);
    for (const char *rule : kRules)
        out << QStringLiteral("  %1 %2\n").arg(QString::fromLatin1(rule).leftJustified(22), groupedNumber(count(QLatin1String(rule))));
    if (!money.empty()) {
        out << QStringLiteral("\nMonthly recurring revenue (at risk: billed not licensed, or in dunning; missed: licensed not "
                              "billed, at each package's usual price a seat)\n");
        for (const auto &[currency, m] : money)
            out << QStringLiteral("  %1  billed %2, at risk %3, missed about %4 (%5 licenses)\n")
                       .arg(currency, moneyText(m.mrr), moneyText(m.atRisk), moneyText(m.missedEstimate), groupedNumber(m.missedLicenses));
    }
    if (unpriced > 0)
        out << QStringLiteral("  %1 subscriptions billing now have no amount or interval, and are not in these sums\n")
                   .arg(groupedNumber(unpriced));
    QString last;
    for (const Finding &f : findings) {
        if (f.rule != last) {
            out << QStringLiteral("\n%1\n").arg(f.rule);
            last = f.rule;
        }
        QStringList where;
        if (!f.orgId.isEmpty())
            where << QStringLiteral("org %1").arg(f.orgId);
        if (!f.license.isEmpty())
            where << QStringLiteral("license %1 (%2)").arg(f.license, f.package);
        if (!f.subscription.isEmpty())
            where << QStringLiteral("%1 %2").arg(f.source, f.subscription);
        out << QStringLiteral("  %1: %2. %3\n").arg(where.join(QStringLiteral(", ")), f.detail, f.action);
    }
}

Result<Reconciliation> reconcile(QSqlDatabase db, const ReconcileOptions &options)
{
    Reconciliation out;
    out.asOf = options.asOf.isValid() ? options.asOf : QDate::currentDate();
    out.toleranceDays = options.toleranceDays;
    const QString doing = QStringLiteral("reconciling billing");
    // Every read in one transaction: one state of the database throughout (an import or an
    // edit meanwhile is not half seen), and on SQLite one lock for all the org lookups
    // instead of one each.
    Transaction snapshot(db);
    if (auto r = snapshot.begin(doing); !r)
        return r.error();

    // The subscriptions, each with its org: its file's, else a confirmed link.
    std::vector<Sub> subs;
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(QStringLiteral("SELECT s.source, s.subscription_id, COALESCE(s.org_id, k.org_id), s.plan, s.product, s.status, "
                                   "s.source_status, s.quantity, s.current_period_end, s.cancel_at_period_end, s.amount_hundredths, s.currency, "
                                   "s.billing_interval, s.interval_count "
                                   "FROM billing_subscriptions s LEFT JOIN billing_links k "
                                   "ON k.source = s.source AND k.subscription_id = s.subscription_id "
                                   "ORDER BY s.source, s.subscription_id")))
            return sqlError(q.lastError(), doing);
        while (q.next()) {
            Sub s;
            s.source = q.value(0).toString();
            s.id = q.value(1).toString();
            s.orgId = q.value(2).toString();
            s.plan = q.value(3).toString();
            s.product = q.value(4).toString();
            s.status = statusFromName(q.value(5).toString());
            s.sourceStatus = q.value(6).toString();
            if (!q.value(7).isNull())
                s.quantity = q.value(7).toLongLong();
            s.periodEnd = dateFromSql(q.value(8));
            s.cancelAtPeriodEnd = q.value(9).toLongLong() != 0;
            s.currency = q.value(11).toString();
            s.monthly = monthlyHundredths(q.value(10).isNull() ? std::nullopt : std::optional<qint64>(q.value(10).toLongLong()),
                                          s.quantity, q.value(12).toString(), q.value(13).toLongLong());
            subs.push_back(std::move(s));
        }
    }
    out.subscriptions = qint64(subs.size());
    for (const Sub &s : subs) {
        if (s.status != BillingStatus::Active && s.status != BillingStatus::PastDue)
            continue;
        if (s.monthly && !s.currency.isEmpty())
            out.money[s.currency].mrr += *s.monthly;
        else
            ++out.unpriced;
    }
    // The package a user said each source's plan pays for (by the plan folded).
    QHash<QString, std::pair<qint64, QString>> planPackage; // "source\x1fplan" -> package
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(QStringLiteral("SELECT b.source, b.plan_key, b.package_ref, p.name FROM billing_plan_packages b "
                                   "JOIN packages p ON p.id = b.package_ref")))
            return sqlError(q.lastError(), doing);
        while (q.next())
            planPackage.insert(q.value(0).toString() + u'\x1f' + q.value(1).toString(), {q.value(2).toLongLong(), q.value(3).toString()});
    }
    // Every package's name, folded, for a plan that names one the org has no license of.
    std::vector<std::pair<qint64, QString>> packageNames;
    QHash<qint64, QString> packageTitles;
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(QStringLiteral("SELECT id, name FROM packages ORDER BY id")))
            return sqlError(q.lastError(), doing);
        while (q.next()) {
            packageNames.emplace_back(q.value(0).toLongLong(), foldedWord(q.value(1).toString()));
            packageTitles.insert(q.value(0).toLongLong(), q.value(1).toString());
        }
    }
    QSet<QString> atRisk; // "source\x1fid" of the subscriptions counted at risk
    // Each package's prices a seat a month, by currency, from the subscriptions matched to it.
    QHash<qint64, QHash<QString, std::vector<qint64>>> seatPrices;

    // The licenses of every org a subscription names (by its file or a link), in one read
    // through the org index: one statement, not one an org.
    QHash<QString, std::vector<Lic>> licensesOf;
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(QString::fromLatin1(kLicenseSelect)
                    + QStringLiteral("WHERE l.org_id IN (SELECT s.org_id FROM billing_subscriptions s WHERE s.org_id IS NOT NULL "
                                     "UNION SELECT k.org_id FROM billing_links k) ORDER BY l.org_id, l.id")))
            return sqlError(q.lastError(), doing);
        while (q.next()) {
            Lic l = readLicense(q);
            licensesOf[l.orgId].push_back(std::move(l));
        }
    }
    const std::vector<Lic> noLicenses;
    QSet<qint64> billedLicenses; // licenses a live subscription pays for
    QSet<qint64> billedPackages; // packages some subscription pays for
    auto add = [&](QString rule, const QString &org, const Lic *l, const Sub *s, QString detail, QString action) {
        Finding f;
        f.rule = std::move(rule);
        f.orgId = org;
        if (l) {
            f.licenseId = l->id;
            f.license = shown(*l);
            f.package = l->package;
        }
        if (s) {
            f.source = s->source;
            f.subscription = s->id;
            f.currency = s->currency;
            f.monthly = s->monthly;
            f.quantity = s->quantity;
            f.periodEnd = s->periodEnd;
            const bool risk = f.rule == QLatin1String("billed_not_licensed") || f.rule == QLatin1String("dunning");
            const bool billing = s->status == BillingStatus::Active || s->status == BillingStatus::PastDue;
            if (risk && billing && s->monthly && !s->currency.isEmpty() && !atRisk.contains(s->source + u'\x1f' + s->id)) {
                atRisk.insert(s->source + u'\x1f' + s->id);
                out.money[s->currency].atRisk += *s->monthly;
            }
        }
        f.detail = std::move(detail);
        f.action = std::move(action);
        out.findings.push_back(std::move(f));
    };
    // What Modify License would do about the finding just added.
    auto suggest = [&](LicenseChange change, QString text) {
        out.findings.back().change = change;
        out.findings.back().changeText = std::move(text);
    };
    auto statusChange = [](Status status) {
        LicenseChange c;
        c.status = status;
        return c;
    };

    for (const Sub &s : subs) {
        if (options.cancelled && options.cancelled())
            return Error::make(Error::Code::Cancelled, QStringLiteral("The reconciliation was cancelled."));
        if (s.orgId.isEmpty()) {
            if (isLive(s))
                add(QStringLiteral("unlinked"), QString(), nullptr, &s,
                    QStringLiteral("the subscription (%1) names no subscriber org").arg(s.sourceStatus),
                    QStringLiteral("Link it to its org: give its export an org id column, or confirm a proposed match."));
            continue;
        }
        const auto found = licensesOf.constFind(s.orgId);
        const std::vector<Lic> &licenses = found != licensesOf.constEnd() ? found.value() : noLicenses;
        if (licenses.empty()) {
            if (isLive(s))
                add(QStringLiteral("unlinked"), s.orgId, nullptr, &s,
                    QStringLiteral("billing is %1, and the org has no license").arg(s.sourceStatus),
                    QStringLiteral("Check the org id the subscription names, or whether the package was ever installed there."));
            continue;
        }
        // The license it pays for: the one whose package its product or plan names.
        const Lic *license = nullptr;
        const QString product = foldedWord(s.product), plan = foldedWord(s.plan);
        std::vector<const Lic *> named;
        // A user's word first: the package this plan (or product) pays for.
        const auto said = !plan.isEmpty() && planPackage.contains(s.source + u'\x1f' + plan) ? planPackage.constFind(s.source + u'\x1f' + plan)
                                                                                            : planPackage.constFind(s.source + u'\x1f' + product);
        if (said != planPackage.constEnd() && !(plan.isEmpty() && product.isEmpty())) {
            for (const Lic &l : licenses)
                if (l.packageRef == said->first)
                    license = &l;
            if (!license) {
                if (isLive(s))
                    add(QStringLiteral("unlinked"), s.orgId, nullptr, &s,
                        QStringLiteral("the plan \"%1\" pays for %2, and the org has no license of it")
                            .arg(s.plan.isEmpty() ? s.product : s.plan, said->second),
                        QStringLiteral("Check the org the subscription is linked to, or the package its plan pays for."));
                continue;
            }
        }
        for (const Lic &l : licenses) {
            if (license)
                break;
            const QString p = foldedWord(l.package);
            if (!p.isEmpty() && ((!product.isEmpty() && (product.contains(p) || p.contains(product))) || (!plan.isEmpty() && plan.contains(p))))
                named.push_back(&l);
        }
        // The org's only license stands for a plan that names no package at all; a plan that
        // names a package of the database the org has no license of pays for none of its
        // (else one stray subscription would make its package "billed", and every license of
        // that package nobody bills a finding).
        QString namesOther;
        if (!license && named.empty())
            for (const auto &[ref, name] : packageNames)
                if (!name.isEmpty() && ((!product.isEmpty() && (product.contains(name) || name.contains(product))) || (!plan.isEmpty() && plan.contains(name))))
                    namesOther = packageTitles.value(ref);
        if (!license && named.size() == 1)
            license = named.front();
        else if (!license && named.empty() && licenses.size() == 1 && namesOther.isEmpty())
            license = &licenses.front();
        if (!license && !namesOther.isEmpty()) {
            if (isLive(s))
                add(QStringLiteral("unlinked"), s.orgId, nullptr, &s,
                    QStringLiteral("the plan \"%1\" names %2, and the org has no license of it")
                        .arg(s.plan.isEmpty() ? s.product : s.plan, namesOther),
                    QStringLiteral("Check the org the subscription is linked to, or say which package the plan pays for."));
            continue;
        }
        if (!license) {
            if (isLive(s))
                add(QStringLiteral("unlinked"), s.orgId, nullptr, &s,
                    QStringLiteral("the org has %1 licenses and the plan \"%2\" names %3 of their packages")
                        .arg(licenses.size())
                        .arg(s.product.isEmpty() ? s.plan : s.product)
                        .arg(named.empty() ? QStringLiteral("none") : QString::number(named.size())),
                    QStringLiteral("Say which package the plan pays for."));
            continue;
        }
        const Lic &l = *license;
        billedPackages.insert(l.packageRef);
        const bool billing = s.status == BillingStatus::Active || s.status == BillingStatus::PastDue;
        if (billing && (l.status == Status::Suspended || l.status == Status::Uninstalled))
            add(QStringLiteral("billed_not_licensed"), s.orgId, &l, &s,
                QStringLiteral("billing is %1, the license is %2").arg(s.sourceStatus, statusName(l.status)),
                l.status == Status::Uninstalled ? QStringLiteral("Cancel the subscription: the package is uninstalled.")
                                                : QStringLiteral("Reactivate the license, or cancel the subscription."));
        if (billing && l.status == Status::Suspended)
            suggest(statusChange(Status::Active), QStringLiteral("Reactivate (make Active)"));
        if (!isLive(s))
            continue;
        billedLicenses.insert(l.id);
        if (s.monthly && !s.currency.isEmpty() && s.quantity && *s.quantity > 0)
            seatPrices[l.packageRef][s.currency].push_back(*s.monthly / *s.quantity);
        if (l.status == Status::Uninstalled)
            continue; // said above; nothing else of an uninstalled license matters
        if (s.quantity && l.seats != License::kSiteLicenseSeats) {
            if (l.seats != *s.quantity)
                add(QStringLiteral("seat_drift"), s.orgId, &l, &s,
                    QStringLiteral("licensed seats %1, billed quantity %2").arg(l.seats).arg(*s.quantity),
                    QStringLiteral("Set the license's seats to %1, or bill for %2.").arg(*s.quantity).arg(l.seats));
            if (l.seats != *s.quantity && *s.quantity <= std::numeric_limits<int>::max()) {
                LicenseChange c;
                c.seats = int(*s.quantity);
                suggest(c, QStringLiteral("Set seats to %1").arg(*s.quantity));
            }
            if (l.used > *s.quantity)
                add(QStringLiteral("seat_drift"), s.orgId, &l, &s,
                    QStringLiteral("used seats %1, billed quantity %2").arg(l.used).arg(*s.quantity),
                    QStringLiteral("Bill for %1 seats: %2 are in use.").arg(l.used).arg(l.used));
        }
        if (l.status == Status::Trial && s.status == BillingStatus::Active)
            add(QStringLiteral("trial_mismatch"), s.orgId, &l, &s, QStringLiteral("the license is Trial, billing is %1").arg(s.sourceStatus),
                QStringLiteral("Make the license Active: the customer pays."));
        if (l.status == Status::Trial && s.status == BillingStatus::Active)
            suggest(statusChange(Status::Active), QStringLiteral("Make Active"));
        if (l.status == Status::Active && s.status == BillingStatus::Trialing)
            add(QStringLiteral("trial_mismatch"), s.orgId, &l, &s, QStringLiteral("the license is Active, billing is %1").arg(s.sourceStatus),
                QStringLiteral("Make the license Trial until billing starts, or start billing."));
        LicenseChange toPeriodEnd;
        toPeriodEnd.expiration = s.periodEnd;
        const QString toPeriodEndText = QStringLiteral("Set the expiration to %1").arg(dateText(s.periodEnd));
        if (s.periodEnd.isValid()) {
            if (l.expiration.isValid() && std::abs(l.expiration.daysTo(s.periodEnd)) > options.toleranceDays) {
                add(QStringLiteral("date_drift"), s.orgId, &l, &s,
                    QStringLiteral("the license expires %1, the billing period ends %2 (%3 days apart)")
                        .arg(dateText(l.expiration), dateText(s.periodEnd))
                        .arg(std::abs(l.expiration.daysTo(s.periodEnd))),
                    QStringLiteral("Set the expiration to %1.").arg(dateText(s.periodEnd)));
                suggest(toPeriodEnd, toPeriodEndText);
            } else if (!l.expiration.isValid() && s.cancelAtPeriodEnd) {
                add(QStringLiteral("date_drift"), s.orgId, &l, &s,
                    QStringLiteral("the subscription ends with its period on %1, the license does not expire").arg(dateText(s.periodEnd)),
                    QStringLiteral("Set the expiration to %1.").arg(dateText(s.periodEnd)));
                suggest(toPeriodEnd, toPeriodEndText);
            }
        }
        if (s.status == BillingStatus::PastDue && (l.status == Status::Active || l.status == Status::Trial))
            add(QStringLiteral("dunning"), s.orgId, &l, &s,
                QStringLiteral("billing is %1, the license is %2").arg(s.sourceStatus, statusName(l.status)),
                QStringLiteral("A candidate to suspend, if payment does not follow."));
        if (s.status == BillingStatus::PastDue && (l.status == Status::Active || l.status == Status::Trial))
            suggest(statusChange(Status::Suspended), QStringLiteral("Suspend"));
    }

    // A package's usual price a seat a month: the median over its subscriptions, in the
    // currency most of them are billed in (on a tie, the first by name).
    QHash<qint64, std::pair<QString, qint64>> usual;
    for (auto p = seatPrices.begin(); p != seatPrices.end(); ++p) {
        QString best;
        for (auto c = p->begin(); c != p->end(); ++c)
            if (best.isEmpty() || c->size() > p->value(best).size() || (c->size() == p->value(best).size() && c.key() < best))
                best = c.key();
        std::vector<qint64> &prices = (*p)[best];
        std::nth_element(prices.begin(), prices.begin() + qsizetype(prices.size() / 2), prices.end());
        usual.insert(p.key(), {best, prices[prices.size() / 2]});
    }
    auto usualPrice = [&](qint64 package) { return usual.value(package); };

    // Active licenses of billed packages that nothing bills.
    if (!billedPackages.isEmpty()) {
        QStringList refs;
        for (qint64 p : billedPackages)
            refs << QString::number(p);
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.prepare(QString::fromLatin1(kLicenseSelect)
                  + QStringLiteral("WHERE l.status = 'Active' AND l.is_sandbox = 0 AND l.seats <> -1 AND l.package_ref IN (%1) "
                                   "ORDER BY l.org_id, l.id")
                        .arg(refs.join(QLatin1Char(','))));
        if (!q.exec())
            return sqlError(q.lastError(), doing);
        // Orgs no subscription names at all (by its file or a link), with what they hold
        // unbilled: each is also an unlinked org, once.
        QString orgOfNone;
        qint64 unbilledOfNone = 0;
        auto closeOrg = [&] {
            if (orgOfNone.isEmpty())
                return;
            add(QStringLiteral("unlinked"), orgOfNone, nullptr, nullptr,
                QStringLiteral("the org has %1 Active license%2 of billed packages and no subscription is linked to it")
                    .arg(unbilledOfNone)
                    .arg(unbilledOfNone == 1 ? QString() : QStringLiteral("s")),
                QStringLiteral("Link its subscription to it (Links to orgs, or an org id column in the export), or bill it."));
            orgOfNone.clear();
            unbilledOfNone = 0;
        };
        while (q.next()) {
            const Lic l = readLicense(q);
            if (billedLicenses.contains(l.id) || effectiveStatus(l.status, l.expiration, out.asOf) != EffectiveStatus::Active)
                continue;
            if (l.orgId != orgOfNone)
                closeOrg();
            if (!licensesOf.contains(l.orgId)) {
                orgOfNone = l.orgId;
                ++unbilledOfNone;
            }
            const auto &[currency, perSeat] = usualPrice(l.packageRef);
            QString detail = QStringLiteral("the license is Active with %1 seats, and no live subscription pays for it").arg(l.seats);
            if (!currency.isEmpty()) {
                const qint64 month = perSeat * l.seats;
                detail += QStringLiteral(" (about %1 %2 a month at the package's usual price)").arg(currency, moneyText(month));
                Money &m = out.money[currency];
                m.missedEstimate += month;
                ++m.missedLicenses;
            }
            add(QStringLiteral("licensed_not_billed"), l.orgId, &l, nullptr, detail,
                QStringLiteral("Bill the customer, or suspend the license."));
            suggest(statusChange(Status::Suspended), QStringLiteral("Suspend"));
            if (!currency.isEmpty()) {
                out.findings.back().currency = currency;
                out.findings.back().monthly = perSeat * l.seats;
            }
        }
        closeOrg();
    }

    auto order = [](const QString &rule) {
        return int(std::find_if(std::begin(kRules), std::end(kRules), [&](const char *r) { return rule == QLatin1String(r); })
                   - std::begin(kRules));
    };
    std::stable_sort(out.findings.begin(), out.findings.end(), [&](const Finding &a, const Finding &b) {
        if (a.rule != b.rule)
            return order(a.rule) < order(b.rule);
        if (a.orgId != b.orgId)
            return a.orgId < b.orgId;
        return a.licenseId < b.licenseId;
    });
    if (auto r = snapshot.commit(doing); !r)
        return r.error();
    return out;
}

} // namespace lmo::billing
