#pragma once

// What a user tells LMO Desk about billing that no export says: which subscriber org a
// subscription pays for (proposed from the customer's name or email domain, confirmed by the
// user, kept for the next export of the same source), and which package a plan pays for.

#include "util/result.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <vector>

namespace lmo::billing {

// A company's name as names are compared: folded (billing::foldedWord), with the legal form
// at its end dropped ("Acme, Inc." and "ACME Inc" and "Acme" are "acme"; "Acme GmbH" too).
QString companyKey(const QString &name);
// The domain of an email address, lower case ("ops@Acme.com" is "acme.com"); empty without one.
QString emailDomain(const QString &email);
// Whether a domain is a mail service shared by many companies (gmail.com, outlook.com, ...):
// its mail says nothing of which company the customer is.
bool isSharedMailDomain(const QString &domain);
// The part of a domain that names the company: "acme" of "acme.com", "mail.acme.co.uk".
QString domainName(const QString &domain);

// How a proposal was found, strongest first.
enum class MatchBy {
    Name,         // the customer's name is the org's account name
    LinkedDomain, // the subscriptions with the same email domain are linked to the org (to it alone)
    Domain,       // the email's domain is the account name's ("acme.com", "Acme Corp")
};
QString matchByName(MatchBy by); // "name", "linked_domain", "domain" (what billing_links keeps)

// An org a subscription linked to none may pay for.
struct LinkProposal
{
    QString source, subscriptionId;
    QString customerName, customerEmail, plan, status;
    QString orgId;       // 15 characters
    QString accountName; // the org's, as its licenses say
    qint64 licenses = 0; // the org's licenses
    MatchBy by = MatchBy::Name;
    QString reason;      // in words: "the customer's name is the org's account name, Acme Inc."
    QStringList packages; // the org's packages
    bool hasPlansPackage = false; // one of them is the package the plan (or product) names
};

// For each subscription (not canceled) that its export linked to no org and no user has
// linked, the production orgs (not sandboxes) it may be, best first: by its customer's name
// (the whole name, then the name but for its legal form), the domain of its email (another subscription of the same domain already linked; the
// domain that is the account's name). Of those, the orgs with a license of the package the plan
// names come first (an account with several orgs). A name more than 25 orgs share proposes none
// (it tells none apart). At most five a subscription; a subscription with none is not listed.
Result<std::vector<LinkProposal>> proposeLinks(QSqlDatabase db);

// Links a subscription to an org (15 or 18 characters), kept: reconcile reads it, and the next
// export of the same source that names no org for it keeps it. Refused for a subscription
// not imported, or an id that is not an org's. `matchedBy` says how ("name", "manual", ...).
Result<void> confirmLink(QSqlDatabase db, const QString &source, const QString &subscriptionId, const QString &orgId,
                         const QString &matchedBy, const QString &linkedBy);
// Takes a link back (nothing when there is none).
Result<void> removeLink(QSqlDatabase db, const QString &source, const QString &subscriptionId);

struct KeptLink
{
    QString source, subscriptionId, orgId, matchedBy, linkedBy, linkedAt;
};
Result<std::vector<KeptLink>> keptLinks(QSqlDatabase db);

// Which package a source's plan (or product) pays for, where the name does not say.
struct PlanPackage
{
    QString source, plan; // the plan as the user gave it; matched folded
    qint64 packageRef = 0;
    QString package;      // its name
};
// Refused for a source not imported, or a package the database does not have (by name, case
// aside, or by its Salesforce id).
Result<PlanPackage> setPlanPackage(QSqlDatabase db, const QString &source, const QString &plan, const QString &package,
                                   const QString &setBy);
Result<void> removePlanPackage(QSqlDatabase db, const QString &source, const QString &plan);
Result<std::vector<PlanPackage>> planPackages(QSqlDatabase db);

} // namespace lmo::billing
