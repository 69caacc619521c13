#pragma once

#include "util/result.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <optional>

namespace lmo {

// What the LMO setup wizard records, page by page (docs/domain.md, "Where the project records each step"). Plain
// data with the rules beside it; the wizard, the runbook and `lmodesk lmo show` all read it.
enum class OrgKind { Production, Sandbox, DeveloperEdition, Trial, Scratch };
QString orgKindName(OrgKind kind);  // the stored key: "developer-edition"
QString orgKindLabel(OrgKind kind); // as people say it: "Developer Edition"
std::optional<OrgKind> orgKindFromName(const QString &name);

enum class OrgPlacement { PrimaryInternal, Dedicated };
enum class Access { None, Read, Edit };
QString accessName(Access access);

struct LmoOrg
{
    QString name;
    QString orgId; // 18 characters once checked
    QString edition;
    OrgKind kind = OrgKind::Production;
    // Optional, as Setup > Company Information shows them; each is checked against the kind.
    QString instance;      // NA135, EU45, USA662; sandboxes run on CS… instances (CS142) or …S (USA166S)
    QDate trialExpiration; // set only when the org has one: then it is a trial
    QString status;        // the Org Status the LMA records for it (ACTIVE, TRIAL, FREE…), empty when not known
    bool confirmedPaidAndPermanent = false;
    QStringList whoNeedsData;   // "Partner ops", "Customer success", ...
    QStringList integrations;   // "Billing", "Support", ...
    QString stability;          // in the partner's words: how long the org is meant to live
    OrgPlacement placement = OrgPlacement::PrimaryInternal;
};

struct LinkedPackage
{
    QString name;
    QString namespacePrefix;
    QString packageId; // 033..., 18 characters once checked
};

struct RoleAccess
{
    QString role;
    Access licenses = Access::None;
    Access subscribers = Access::None;
};

struct StorageForecast
{
    static constexpr double kKilobytesPerLicense = 2.0; // most LMA records count 2 KB
    double usedMb = 0;
    double allocationMb = 0;
    double growthMbPerMonth = 0;
    std::optional<double> yearsLeft; // none when the storage does not grow
    QString warning;                 // set when it runs out within 3 years or is already out
};

struct LmoProfile
{
    int pagesDone = 0; // 0..6: the wizard resumes after the last page done
    LmoOrg org;
    QList<LinkedPackage> packages;
    QDate registeredOn;
    QString lmaVersion;
    bool lmaObjectsVisible = false;
    QString lmaVerification; // what "verify now" found
    QList<RoleAccess> roles;
    QStringList dashboards;
    QString billing; // Stripe, NetSuite, other, none
    QStringList integrationPatterns; // Apex triggers, REST endpoints, iPaaS
    qint64 licensesToday = 0;
    qint64 growthPerMonth = 0;
    double storageAllocationMb = 0;
    bool documented = false;
    QDateTime designatedAt; // when it was marked as this database's LMO

    QJsonObject toJson() const;
    static LmoProfile fromJson(const QJsonObject &json);
};

namespace LmoRules {
// The one rule of which org may be the LMO: every reason this one may not (empty: it may).
// The kinds that expire or get refreshed; every other answer that says what the org is (its
// edition, instance, trial expiration, status) checked against the same refusals and against
// the kind and each other, a contradiction named with both sides; an unconfirmed "paid and
// permanent"; a missing name; a wrong id. The wizard, the LMO page and `lmodesk lmo show` all
// ask this.
QStringList orgRefusals(const LmoOrg &org);
// Everything that keeps a profile from being designated: its org's refusals, then its packages'.
QStringList designationRefusals(const LmoProfile &profile);
// The Org Status values the LMA records, for a choice list.
const QStringList &orgStatuses();
// A 15- or 18-character id with the given key prefix, as its 18 characters, or the reason.
Result<QString> checkId(const QString &text, const QString &prefix, const QString &what);
// Each package named, with a 033 package id; each problem says which row (1-based) it is in.
QStringList packageRefusals(const QList<LinkedPackage> &packages);
// Roles granted something: a warning when every role can read or edit.
QStringList permissionWarnings(const QList<RoleAccess> &roles);
QList<RoleAccess> defaultRoles(); // restrictive: only those who need license data
StorageForecast forecast(qint64 licensesToday, qint64 growthPerMonth, double allocationMb);
// The trade-offs of putting the LMA in the primary org or a dedicated one.
QString placementTradeOffs(OrgPlacement placement);
} // namespace LmoRules

// The LMO runbook, as Markdown: identity, why this org, packages, LMA version, roles,
// integrations, storage forecast, the do-not-retire warning and the switching procedure.
// `former`: the LMOs this one replaced, with the day each was replaced (their installs stay there).
QString lmoRunbookMarkdown(const LmoProfile &profile, const QDate &today,
                           const QList<QPair<LmoProfile, QDate>> &former = {});

// Step 3's "verify now": what a License export of the LMA holds, read into a scratch database
// (nothing is written to the user's): its licenses, by package and by status, most first.
struct LmaExportCheck
{
    qint64 licenses = 0;
    qint64 rejected = 0;
    QList<QPair<QString, qint64>> byPackage;
    QList<QPair<QString, qint64>> byStatus;
};
Result<LmaExportCheck> checkLmaExport(const QString &file);

// An LMO this database has licenses from (or may have): its profile row, which licenses carry
// as lmo_ref (schema 6).
struct KnownLmo
{
    qint64 ref = 1;
    LmoProfile profile;
    bool current = false;
    QDate replacedOn; // a former LMO: the day the next one took over

    // "Acme Licensing (00D…)" or "LMO 1" for one not named yet.
    QString name() const;
    // The name with its place: "(current)", "(until 2026-03-01)".
    QString label() const;
};

// Which LMO a user means: its number (1, 2), its org id (15 or 18 characters) or "current".
// The reason, naming the choices, when it is none of the known ones.
Result<qint64> resolveLmo(const QList<KnownLmo> &known, const QString &text);

// The profiles a database keeps (schema 5): the current one, and those it replaced.
class LmoRepository
{
public:
    explicit LmoRepository(QSqlDatabase db) : m_db(std::move(db)) {}
    // The profile being set up or designated (an empty one when none yet).
    Result<LmoProfile> current();
    Result<void> save(const LmoProfile &profile);
    // Records a new LMO from `since`: the current one is kept as a former LMO.
    Result<void> switchTo(const LmoProfile &next, const QDate &since);
    Result<QList<QPair<LmoProfile, QDate>>> former(); // with the day each was replaced
    // Every LMO, first first. A database with no profile yet has its one unnamed LMO, row 1,
    // which all its licenses carry.
    Result<QList<KnownLmo>> all();
    // The LMO an import should file licenses under when the user does not say: the current one
    // when there is one LMO; none (the user must choose) when there are more.
    Result<std::optional<qint64>> defaultImportLmo();
    // How many licenses came from each LMO (by lmo_ref); LMOs with none are absent.
    Result<QHash<qint64, qint64>> licensesByLmo();
    // Licenses installed after `day`: the growth the install base has shown.
    Result<qint64> licensesInstalledAfter(const QDate &day);

private:
    QSqlDatabase m_db;
};

} // namespace lmo
