#pragma once

// The licenses beside what the billing system charges for them: each disagreement a finding,
// with the license, the subscription, both values and what to do.

#include "domain/modifylicense.h"
#include "util/result.h"

#include <QDate>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QString>
#include <QTextStream>

#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace lmo::billing {

// The rules, in the order they are reported and counted (their keys as --json writes them).
inline constexpr const char *kRules[] = {"billed_not_licensed", "licensed_not_billed", "seat_drift", "trial_mismatch",
                                         "date_drift",          "dunning",             "unlinked"};

// A rule as people read it: "Billed, not licensed", "Seat drift", ...
QString ruleTitle(const QString &rule);

struct Finding
{
    QString rule;           // one of kRules
    QString orgId;          // 15 characters; empty for a subscription linked to no org
    qint64 licenseId = 0;   // 0: no license
    QString license;        // its name (L-0000123), else its Salesforce id
    QString package;
    QString source;         // the subscription's source; empty: no subscription
    QString subscription;   // its id
    QString detail;         // both values, in words
    QString action;         // what to do about it
    QString currency;       // the subscription's (or, licensed not billed, the estimate's)
    std::optional<qint64> monthly; // its month in hundredths, or the estimate's
    std::optional<qint64> quantity; // the subscription's
    QDate periodEnd;                // the subscription's
    // What Modify License would do about it on the license, where that is the way to settle it
    // (set the seats to the quantity billed, suspend, reactivate, make Active, set the
    // expiration to the period's end), and that in words ("Set seats to 40"). Nothing when the
    // license is not what must change (bill for the seats in use, cancel the subscription).
    std::optional<LicenseChange> change;
    QString changeText;
};

struct ReconcileOptions
{
    QDate asOf;             // default today
    int toleranceDays = 3;  // date drift: expiration and period end further apart than this
    std::function<bool()> cancelled; // asked between subscriptions: true stops with Cancelled
};

// Monthly recurring revenue in one currency, in hundredths of its unit. A subscription's month
// is its amount (per unit) times its quantity (1 when not given), over its interval: a year's
// twelfth, a week's 52/12, a day's 365/12, each divided by the interval count.
struct Money
{
    qint64 mrr = 0;            // every subscription billing now (active, past due)
    qint64 atRisk = 0;         // of those, the ones billed not licensed, or in dunning
    qint64 missedEstimate = 0; // licensed not billed: seats times the package's usual price a
                               // seat (the median of its subscriptions in this currency)
    qint64 missedLicenses = 0; // the licenses that estimate covers
};

// Hundredths of a currency's unit as people read them: "1,234.50", "-0.05".
QString moneyText(qint64 hundredths);

// A subscription's month in hundredths (see Money); nothing without an amount or an interval.
std::optional<qint64> monthlyHundredths(std::optional<qint64> amountHundredths, std::optional<qint64> quantity,
                                        const QString &interval, qint64 intervalCount);

struct Reconciliation
{
    QDate asOf;
    int toleranceDays = 3;
    qint64 subscriptions = 0;
    std::map<QString, Money> money;  // by currency ("USD")
    qint64 unpriced = 0;             // subscriptions billing now without an amount or an interval
    std::vector<Finding> findings; // by rule, then org, then license
    qint64 count(const QString &rule) const;
    // {"as_of", "counts": {rule: n, every rule}, "money": {currency: {"mrr", "at_risk",
    // "missed_estimate", "missed_licenses"}} (amounts as exact decimal strings, "5655.50"),
    // "findings": [{"rule", "org_id", "license", "subscription", "detail", "action", "package",
    // "source", "currency", "monthly"}]}
    QJsonObject toJson() const;
    QString toText() const;
    // The same, written a finding at a time (a large install base can have hundreds of
    // thousands): the JSON is toJson()'s, indented the same way.
    void writeJson(QTextStream &out) const;
    void writeText(QTextStream &out) const;
};

// Matches each subscription to its org (the org id its file gave, else the link a user
// confirmed) and, within the org, to the license of the package it pays for (the package a
// user said its plan pays for; else the package named in its product or plan; else, for a plan
// that names no package of the database, the org's only license), then applies the rules:
// - billed_not_licensed: billing active or past due, the license Suspended or Uninstalled;
// - licensed_not_billed: a license Active on the day (not expired), not a sandbox, not a site
//   license, of a package some subscription pays for, and no live subscription (trialing,
//   active, past due) for it;
// - seat_drift: licensed seats other than the subscription's quantity, or used seats above it;
// - trial_mismatch: license Trial and billing active, or license Active and billing trialing;
// - date_drift: expiration and period end further apart than the tolerance, or a
//   subscription ending at its period's end on a license that does not expire;
// - dunning: past due (Stripe's past_due, unpaid or incomplete) on a license still Active or
//   Trial: the candidates to suspend;
// - unlinked: a subscription linked to no org, to an org with no license, or to an org whose
//   licenses its plan does not tell apart; and an org that no subscription names at all, with
//   licenses licensed_not_billed finds (one finding an org, beside theirs).
// Only live subscriptions (trialing, active, past due) are judged, except billed_not_licensed.
Result<Reconciliation> reconcile(QSqlDatabase db, const ReconcileOptions &options);

} // namespace lmo::billing
