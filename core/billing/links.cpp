#include "billing/links.h"

#include "billing/billing.h"
#include "storage/sqlutil.h"
#include "storage/values.h"

#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QSqlQuery>

#include <algorithm>

namespace lmo::billing {

namespace {

// Legal forms a company's name may end in, folded.
const char *const kLegalForms[] = {"incorporated", "corporation", "company", "limited", "gmbh", "corp", "inc", "llc", "llp",
                                   "ltd", "plc", "pty", "bv", "nv", "ag", "sa", "sas", "srl", "spa", "oy", "ab", "as", "co",
                                   "kk", "lp"};

// Second-level labels under a country's domain that name no company ("co" of "acme.co.uk").
const char *const kSecondLevels[] = {"co", "com", "org", "net", "ac", "gov", "ltd", "plc", "ne", "or"};

const char *const kSharedMail[] = {"gmail.com",   "googlemail.com", "outlook.com", "hotmail.com", "live.com",  "msn.com",
                                   "yahoo.com",   "ymail.com",      "icloud.com",  "me.com",      "mac.com",   "aol.com",
                                   "proton.me",   "protonmail.com", "gmx.com",     "gmx.de",      "gmx.net",   "web.de",
                                   "mail.com",    "yandex.com",     "yandex.ru",   "zoho.com",    "qq.com",    "163.com",
                                   "hey.com",     "fastmail.com",   "hotmail.co.uk", "yahoo.co.uk", "orange.fr", "free.fr"};

// A name more orgs than this share tells none of them apart: it proposes none.
constexpr size_t kMaxNamesakes = 25;

struct Org
{
    QString orgId, accountName;
    qint64 licenses = 0;
};

QString now()
{
    return dateTimeToSql(QDateTime::currentDateTimeUtc());
}

Result<bool> exists(QSqlDatabase &db, const QString &sql, const QVariantList &values, const QString &doing)
{
    QSqlQuery q(db);
    q.prepare(sql);
    for (const QVariant &v : values)
        q.addBindValue(v);
    if (!q.exec())
        return sqlError(q.lastError(), doing);
    return q.next();
}

} // namespace

QString companyKey(const QString &name)
{
    // Word by word (words part at spaces and commas), so that a form is dropped only as a word
    // of its own ("Inco" keeps its "co"). Read once an org for a million of them: no regular
    // expression, no list of words.
    QString folded;
    folded.reserve(name.size());
    std::vector<qsizetype> starts; // where each word begins in `folded`
    bool inWord = false;
    for (QChar c : name) {
        if (c.isSpace() || c == u',') {
            inWord = false;
            continue;
        }
        if (!c.isLetterOrNumber())
            continue; // "B.V." is one word, "bv"
        if (!inWord) {
            starts.push_back(folded.size());
            inWord = true;
        }
        folded += c.toLower();
    }
    while (starts.size() > 1) {
        const QStringView last = QStringView(folded).mid(starts.back());
        if (!std::any_of(std::begin(kLegalForms), std::end(kLegalForms), [&](const char *form) { return last == QLatin1String(form); }))
            break;
        folded.truncate(starts.back());
        starts.pop_back();
    }
    return folded;
}

QString emailDomain(const QString &email)
{
    const qsizetype at = email.lastIndexOf(u'@');
    if (at < 1)
        return {};
    QString domain = email.mid(at + 1).trimmed().toLower();
    while (domain.endsWith(u'.'))
        domain.chop(1);
    return domain.contains(u'.') ? domain : QString();
}

bool isSharedMailDomain(const QString &domain)
{
    return std::any_of(std::begin(kSharedMail), std::end(kSharedMail), [&](const char *d) { return domain == QLatin1String(d); });
}

QString domainName(const QString &domain)
{
    QStringList labels = domain.split(u'.', Qt::SkipEmptyParts);
    if (labels.size() < 2)
        return {};
    labels.removeLast(); // the top level: com, uk, de
    // "acme.co.uk": the label before a second level that names no company.
    if (labels.size() >= 2 && domain.section(u'.', -1).size() == 2
        && std::any_of(std::begin(kSecondLevels), std::end(kSecondLevels), [&](const char *s) { return labels.last() == QLatin1String(s); }))
        labels.removeLast();
    return foldedWord(labels.last());
}

QString matchByName(MatchBy by)
{
    switch (by) {
    case MatchBy::Name: return QStringLiteral("name");
    case MatchBy::LinkedDomain: return QStringLiteral("linked_domain");
    case MatchBy::Domain: return QStringLiteral("domain");
    }
    return {};
}

Result<std::vector<LinkProposal>> proposeLinks(QSqlDatabase db)
{
    const QString doing = QStringLiteral("proposing billing links");
    struct Unlinked
    {
        QString source, id, name, email, plan, status;
    };
    std::vector<Unlinked> unlinked;
    // The orgs each email domain is already linked to (by a file's org id, or a user's link).
    QHash<QString, QSet<QString>> domainOrgs;
    QHash<QString, QString> domainExample; // domain + org -> a subscription that says so
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(QStringLiteral("SELECT s.source, s.subscription_id, s.customer_name, s.customer_email, COALESCE(s.plan, s.product), "
                                   "s.source_status, s.status, COALESCE(s.org_id, k.org_id) FROM billing_subscriptions s "
                                   "LEFT JOIN billing_links k ON k.source = s.source AND k.subscription_id = s.subscription_id "
                                   "ORDER BY s.source, s.subscription_id")))
            return sqlError(q.lastError(), doing);
        while (q.next()) {
            const QString org = q.value(7).toString();
            const QString domain = emailDomain(q.value(3).toString());
            if (!org.isEmpty()) {
                if (!domain.isEmpty() && !isSharedMailDomain(domain)) {
                    domainOrgs[domain].insert(org);
                    domainExample.insert(domain + u'\x1f' + org, q.value(1).toString());
                }
                continue;
            }
            if (q.value(6).toString() == QLatin1String("canceled"))
                continue;
            unlinked.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                                q.value(4).toString(), q.value(5).toString()});
        }
    }
    std::vector<LinkProposal> out;
    if (unlinked.empty())
        return out;

    // The names the unlinked subscriptions could match: only orgs of those names are kept.
    QSet<QString> wholeNeeded, keyNeeded;
    for (const Unlinked &u : unlinked) {
        if (const QString whole = foldedWord(u.name); !whole.isEmpty())
            wholeNeeded.insert(whole);
        if (const QString key = companyKey(u.name); !key.isEmpty())
            keyNeeded.insert(key);
        if (const QString domain = emailDomain(u.email); !domain.isEmpty() && !isSharedMailDomain(domain))
            if (const QString label = domainName(domain); label.size() >= 3)
                keyNeeded.insert(label);
    }
    QSet<QString> orgsNeeded; // the orgs a linked domain may name
    for (const Unlinked &u : unlinked)
        if (const QString domain = emailDomain(u.email); !domain.isEmpty())
            if (const auto it = domainOrgs.constFind(domain); it != domainOrgs.constEnd() && it->size() == 1)
                orgsNeeded.unite(it.value());

    // The production orgs of those names, by their account's whole name and its key.
    QHash<QString, Org> orgs;
    QHash<QString, std::vector<QString>> byName, byWholeName;
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        if (!q.exec(QStringLiteral("SELECT org_id, MAX(account_name), COUNT(*) FROM licenses GROUP BY org_id "
                                   "HAVING MAX(is_sandbox) = 0 ORDER BY org_id")))
            return sqlError(q.lastError(), doing);
        while (q.next()) {
            const QString orgId = q.value(0).toString();
            const QString account = q.value(1).toString();
            const QString key = companyKey(account);
            const QString whole = foldedWord(account);
            const bool byKey = !key.isEmpty() && keyNeeded.contains(key);
            const bool byWhole = !whole.isEmpty() && wholeNeeded.contains(whole);
            if (!byKey && !byWhole && !orgsNeeded.contains(orgId))
                continue;
            if (byKey)
                byName[key].push_back(orgId);
            if (byWhole)
                byWholeName[whole].push_back(orgId);
            orgs.insert(orgId, Org{orgId, account, q.value(2).toLongLong()});
        }
    }

    // The packages of an org, read through the org index, once an org.
    QSqlQuery packageQuery(db);
    if (!packageQuery.prepare(QStringLiteral("SELECT DISTINCT p.name FROM licenses l JOIN packages p ON p.id = l.package_ref "
                                             "WHERE l.org_id = ? ORDER BY p.name")))
        return sqlError(packageQuery.lastError(), doing);
    QHash<QString, QStringList> packagesSeen;
    auto packagesOf = [&](const QString &orgId) -> Result<QStringList> {
        if (const auto it = packagesSeen.constFind(orgId); it != packagesSeen.constEnd())
            return it.value();
        packageQuery.addBindValue(orgId);
        if (!packageQuery.exec())
            return sqlError(packageQuery.lastError(), doing);
        QStringList names;
        while (packageQuery.next())
            names << packageQuery.value(0).toString();
        packageQuery.finish();
        packagesSeen.insert(orgId, names);
        return names;
    };

    for (const Unlinked &u : unlinked) {
        std::vector<LinkProposal> mine;
        QSet<QString> seen;
        auto propose = [&](const QString &orgId, MatchBy by, const QString &reason) {
            if (seen.contains(orgId) || !orgs.contains(orgId))
                return;
            seen.insert(orgId);
            const Org &o = orgs[orgId];
            LinkProposal p;
            p.source = u.source;
            p.subscriptionId = u.id;
            p.customerName = u.name;
            p.customerEmail = u.email;
            p.plan = u.plan;
            p.status = u.status;
            p.orgId = o.orgId;
            p.accountName = o.accountName;
            p.licenses = o.licenses;
            p.by = by;
            p.reason = reason;
            mine.push_back(std::move(p));
        };
        // The whole name first ("Acme B.V." is "Acme B.V."), then the name but for its legal
        // form ("Acme GmbH").
        auto namesakes = [](const QHash<QString, std::vector<QString>> &by, const QString &key) {
            const auto it = by.constFind(key);
            static const std::vector<QString> none;
            return it == by.constEnd() || it->size() > kMaxNamesakes ? none : it.value();
        };
        if (const QString whole = foldedWord(u.name); !whole.isEmpty())
            for (const QString &org : namesakes(byWholeName, whole))
                propose(org, MatchBy::Name, QStringLiteral("the customer's name is the org's account name, %1").arg(orgs[org].accountName));
        const QString nameKey = companyKey(u.name);
        if (!nameKey.isEmpty())
            for (const QString &org : namesakes(byName, nameKey))
                propose(org, MatchBy::Name,
                        QStringLiteral("the customer's name, %1, is the org's account name, %2, but for the legal form")
                            .arg(u.name, orgs[org].accountName));
        const QString domain = emailDomain(u.email);
        if (!domain.isEmpty() && !isSharedMailDomain(domain)) {
            // A domain whose subscriptions are linked to one org names it; one linked to
            // several (a reseller's, a shared address) names none.
            const QSet<QString> orgsOfDomain = domainOrgs.value(domain);
            if (orgsOfDomain.size() == 1)
                for (const QString &org : orgsOfDomain)
                    propose(org, MatchBy::LinkedDomain,
                        QStringLiteral("subscription %1, of the same email domain (%2), is linked to this org")
                            .arg(domainExample.value(domain + u'\x1f' + org), domain));
            const QString label = domainName(domain);
            if (label.size() >= 3)
                for (const QString &org : namesakes(byName, label))
                    propose(org, MatchBy::Domain,
                            QStringLiteral("the email's domain, %1, is the org's account name, %2").arg(domain, orgs[org].accountName));
        }
        // The orgs with a license of the package the plan names first (in the order found).
        const QString plan = foldedWord(u.plan);
        for (LinkProposal &p : mine) {
            auto packages = packagesOf(p.orgId);
            if (!packages)
                return packages.error();
            p.packages = packages.value();
            for (const QString &name : p.packages)
                if (const QString f = foldedWord(name); !f.isEmpty() && plan.contains(f))
                    p.hasPlansPackage = true;
            if (p.hasPlansPackage)
                p.reason += QStringLiteral("; it has a license of the package the plan names");
        }
        std::stable_sort(mine.begin(), mine.end(),
                         [](const LinkProposal &a, const LinkProposal &b) { return a.hasPlansPackage && !b.hasPlansPackage; });
        // At most a handful each: more would be no proposal.
        if (mine.size() > 5)
            mine.resize(5);
        for (LinkProposal &p : mine)
            out.push_back(std::move(p));
    }
    return out;
}

Result<void> confirmLink(QSqlDatabase db, const QString &source, const QString &subscriptionId, const QString &orgId,
                         const QString &matchedBy, const QString &linkedBy)
{
    const auto org = orgId15(orgId.trimmed());
    if (!org)
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("\"%1\" is not a subscriber org's id: an org id has 15 or 18 characters and starts "
                                          "with 00D.")
                               .arg(orgId));
    const QString doing = QStringLiteral("linking subscription %1").arg(subscriptionId);
    auto known = exists(db, QStringLiteral("SELECT 1 FROM billing_subscriptions WHERE source = ? AND subscription_id = ?"),
                        {source, subscriptionId}, doing);
    if (!known)
        return known.error();
    if (!known.value())
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("Billing source \"%1\" has no subscription %2: import its export first.").arg(source, subscriptionId));
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO billing_links (source, subscription_id, org_id, linked_at, linked_by, matched_by) "
                             "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source, subscription_id) DO UPDATE SET org_id = excluded.org_id, "
                             "linked_at = excluded.linked_at, linked_by = excluded.linked_by, matched_by = excluded.matched_by"));
    q.addBindValue(source);
    q.addBindValue(subscriptionId);
    q.addBindValue(*org);
    q.addBindValue(now());
    q.addBindValue(sqlValue(linkedBy));
    q.addBindValue(sqlValue(matchedBy));
    if (!q.exec())
        return sqlError(q.lastError(), doing);
    return {};
}

Result<void> removeLink(QSqlDatabase db, const QString &source, const QString &subscriptionId)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("DELETE FROM billing_links WHERE source = ? AND subscription_id = ?"));
    q.addBindValue(source);
    q.addBindValue(subscriptionId);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("unlinking subscription %1").arg(subscriptionId));
    return {};
}

Result<std::vector<KeptLink>> keptLinks(QSqlDatabase db)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT source, subscription_id, org_id, matched_by, linked_by, linked_at FROM billing_links "
                               "ORDER BY source, subscription_id")))
        return sqlError(q.lastError(), QStringLiteral("reading billing links"));
    std::vector<KeptLink> out;
    while (q.next())
        out.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
                       q.value(4).toString(), q.value(5).toString()});
    return out;
}

Result<PlanPackage> setPlanPackage(QSqlDatabase db, const QString &source, const QString &plan, const QString &package,
                                   const QString &setBy)
{
    const QString doing = QStringLiteral("recording the package plan %1 pays for").arg(plan);
    const QString key = foldedWord(plan);
    if (key.isEmpty())
        return Error::make(Error::Code::Invalid, QStringLiteral("A plan needs a name: \"%1\" has no letter or digit.").arg(plan));
    auto known = exists(db, QStringLiteral("SELECT 1 FROM billing_sources WHERE name = ?"), {source}, doing);
    if (!known)
        return known.error();
    if (!known.value())
        return Error::make(Error::Code::Invalid, QStringLiteral("There is no billing source \"%1\": import its export first.").arg(source));
    PlanPackage out;
    out.source = source;
    out.plan = plan.trimmed();
    {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT id, name FROM packages WHERE lower(name) = lower(?) OR sf_id = ? OR package_id = ? ORDER BY id"));
        q.addBindValue(package.trimmed());
        q.addBindValue(package.trimmed());
        q.addBindValue(package.trimmed());
        if (!q.exec())
            return sqlError(q.lastError(), doing);
        if (!q.next())
            return Error::make(Error::Code::Invalid,
                               QStringLiteral("This database has no package \"%1\": give a package's name as the Licenses page shows it.")
                                   .arg(package));
        out.packageRef = q.value(0).toLongLong();
        out.package = q.value(1).toString();
    }
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO billing_plan_packages (source, plan_key, plan, package_ref, set_at, set_by) VALUES (?, ?, ?, ?, ?, ?) "
                             "ON CONFLICT (source, plan_key) DO UPDATE SET plan = excluded.plan, package_ref = excluded.package_ref, "
                             "set_at = excluded.set_at, set_by = excluded.set_by"));
    q.addBindValue(source);
    q.addBindValue(key);
    q.addBindValue(out.plan);
    q.addBindValue(out.packageRef);
    q.addBindValue(now());
    q.addBindValue(sqlValue(setBy));
    if (!q.exec())
        return sqlError(q.lastError(), doing);
    return out;
}

Result<void> removePlanPackage(QSqlDatabase db, const QString &source, const QString &plan)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("DELETE FROM billing_plan_packages WHERE source = ? AND plan_key = ?"));
    q.addBindValue(source);
    q.addBindValue(foldedWord(plan));
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("forgetting the package of plan %1").arg(plan));
    return {};
}

Result<std::vector<PlanPackage>> planPackages(QSqlDatabase db)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT b.source, b.plan, b.package_ref, p.name FROM billing_plan_packages b "
                               "JOIN packages p ON p.id = b.package_ref ORDER BY b.source, b.plan_key")))
        return sqlError(q.lastError(), QStringLiteral("reading the packages plans pay for"));
    std::vector<PlanPackage> out;
    while (q.next())
        out.push_back({q.value(0).toString(), q.value(1).toString(), q.value(2).toLongLong(), q.value(3).toString()});
    return out;
}

} // namespace lmo::billing
