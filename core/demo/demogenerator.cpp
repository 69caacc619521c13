#include "demo/demogenerator.h"

#include "demo/demorandom.h"
#include "domain/license.h"
#include "domain/package.h"
#include "lmo/lmoprofile.h"
#include "storage/auditlog.h"
#include "storage/backend.h"
#include "storage/bulkload.h"
#include "storage/subscribersummary.h"
#include "storage/database.h"
#include "storage/licenserepository.h"
#include "storage/packagerepository.h"
#include "storage/sqlutil.h"
#include "storage/values.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlQuery>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>
#include <vector>

namespace lmo {

namespace {

constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// A plausible 15-character id: key prefix, a pod-like "5f00" and an 8-digit base-62 serial.
SalesforceId makeId(const char *prefix, quint64 serial)
{
    char id[16] = {};
    std::memcpy(id, prefix, 3);
    std::memcpy(id + 3, "5f00", 4);
    for (int i = 14; i >= 7; --i) {
        id[i] = kBase62[serial % 62];
        serial /= 62;
    }
    return SalesforceId::fromString(QString::fromLatin1(id, 15));
}

struct PackageSpec
{
    const char *name;
    const char *developerName;
    double yearsOld;     // first release, years before `until`
    double weight;       // share of new installs once established
    int trialSeats;      // seats a trial starts with; -1 site license
    double releaseEveryDays;
};

constexpr PackageSpec kPackages[] = {
    {"Ledgerly Billing", "ledgerly_billing", 6.5, 0.34, 10, 75},
    {"Ledgerly CPQ", "ledgerly_cpq", 4.8, 0.24, 10, 70},
    {"Fieldwise Dispatch", "fieldwise", 3.2, 0.18, 5, 60},
    {"SignPath eSignature", "signpath", 2.1, 0.15, -1, 55},
    {"Pulse Analytics", "pulse_analytics", 1.1, 0.09, 25, 45},
};
constexpr int kPackageCount = int(std::size(kPackages));

struct VersionInfo
{
    qint64 rowId;
    QString number;
    int releaseDay; // days since epoch start of the demo
    bool beta;
};

const char *const kAccountStems[] = {
    "Northwind", "Blue Harbor", "Copperline", "Granite Peak", "Silverleaf", "Redwood", "Brightwater", "Ironbridge",
    "Summit", "Evergreen", "Crescent", "Harborview", "Lakeshore", "Maple Ridge", "Oakmont", "Pinecrest", "Riverstone",
    "Stonegate", "Westfield", "Amberly", "Bayside", "Cedar Point", "Clearview", "Eastgate", "Fairhaven", "Foxglove",
    "Goldcrest", "Highland", "Juniper", "Kingsbury", "Larkspur", "Meridian", "Northstar", "Orchard", "Pioneer",
    "Quarry Hill", "Rosewood", "Sagebrush", "Tidewater", "Unity", "Vantage", "Willow Creek", "Yellowpine", "Zenith",
    "Aurora", "Beacon", "Cobalt", "Delta", "Ember", "Falcon", "Glacier", "Horizon", "Keystone", "Lumen", "Mosaic",
    "Nimbus", "Onyx", "Prism", "Quantum", "Radiant", "Sterling", "Trident", "Vertex", "Wavecrest", "Atlas", "Bramble",
    "Canopy", "Driftwood", "Elmstead", "Fernhill", "Greystone", "Hollow Oak", "Inlet", "Jasper", "Kestrel", "Lindon",
};
const char *const kAccountTrades[] = {
    "Logistics", "Health", "Energy", "Financial", "Software", "Manufacturing", "Retail", "Media", "Insurance",
    "Foods", "Biotech", "Consulting", "Freight", "Telecom", "Realty", "Pharma", "Robotics", "Analytics", "Textiles",
    "Aerospace", "Education", "Hospitality", "Legal", "Mining", "Solar", "Water", "Wireless", "Marine", "Motors",
    "Labs", "Capital", "Outfitters", "Systems", "Partners", "Networks", "Holdings", "Brands", "Studios", "Clinics",
};
const char *const kAccountSuffixes[] = {"Inc.", "LLC", "Ltd", "GmbH", "Group", "Corp.", "S.A.", "Pty Ltd", "AG", "plc", "B.V.", "Co."};

enum class DemoOrgKind : quint8 { Production, Sandbox, Developer, TrialOrg };

// Who changes licenses in the audit log: the LMA itself (uninstalls), and the partner's
// operations and customer-success people, through Modify License.
const char *const kPeople[] = {"License Management App", "Priya Raman", "Marcus Feld", "Elena Duarte",
                               "Tom Okafor", "Grace Liu", "Sofia Lindqvist"};
constexpr int kLma = 0;
constexpr int kPeopleCount = int(std::size(kPeople));

// A change made to a license on one day: any of its status, its seats (set, or scaled by a
// factor), its expiration (invalid: does not expire); with an uninstall, perhaps the used
// licenses to 0.
struct LifeChange
{
    int day = 0;
    int order = 0;
    int actor = kLma;
    bool hasStatus = false;
    bool hasSeats = false;
    bool hasExpiration = false;
    bool zeroUsed = false;
    Status status = Status::Active;
    int seats = 0;
    double seatsFactor = 0; // > 0: scale the seats instead
    QDate expiration;

    void set(Status s)
    {
        hasStatus = true;
        status = s;
    }
    void setSeats(int n)
    {
        hasSeats = true;
        seats = n;
        seatsFactor = 0;
    }
    void scaleSeats(double factor)
    {
        hasSeats = true;
        seatsFactor = factor;
    }
    void setExpiration(const QDate &d)
    {
        hasExpiration = true;
        expiration = d;
    }
};

// One audit row: `moment` in seconds since the demo's day 0, UTC.
struct LifeRow
{
    qint64 moment;
    int actor;
    QString field;
    QString oldValue;
    QString newValue;
};

struct Generator;

// One license's history: its state when installed, the changes made to it up to `until`, and
// from run() its state on `until` and the audit rows that lead there.
struct LicenseLife
{
    Status status = Status::Active;
    int seats = 0;
    QDate expiration;
    int used = 0;
    std::vector<LifeChange> changes;
    std::vector<LifeRow> rows;

    void begin()
    {
        changes.clear();
        rows.clear();
    }
    void start(Status s, int n, const QDate &e)
    {
        status = s;
        seats = n;
        expiration = e;
    }
    LifeChange &change(int day, int actor)
    {
        LifeChange &c = changes.emplace_back();
        c.day = day;
        c.order = int(changes.size());
        c.actor = actor;
        return c;
    }
    void run(Generator &g, DemoOrgKind kind);
};

// The audit log's text for a value, as Modify License and the importer write it.
QString expirationText(const QDate &d)
{
    return d.isValid() ? dateToSql(d) : QString();
}

// The texts the orgs share (account names, editions, instances, statuses), each kept once: an
// org holds its texts' numbers, and its ids' serials (makeId() gives the id back). At a million
// licenses there are some 750,000 orgs; as QStrings and SalesforceIds they took about 560 bytes
// each (420 MB), as numbers they take 16. An org's own id is made from its place in the list
// (orgs are numbered as they are made), and its contact from its account's serial (an account
// and its contact are made together).
template<typename Number>
class TextPool
{
public:
    TextPool() { m_texts.emplace_back(); } // 0: the empty text
    Number of(const QString &text)
    {
        if (text.isEmpty())
            return 0;
        auto [it, added] = m_numbers.try_emplace(text, Number(m_texts.size()));
        if (added) {
            if (m_texts.size() > std::numeric_limits<Number>::max())
                qFatal("demo: more distinct texts than the pool numbers");
            m_texts.push_back(text);
        }
        return it->second;
    }
    const QString &text(Number number) const { return m_texts[number]; }

private:
    std::unordered_map<QString, Number> m_numbers;
    std::vector<QString> m_texts;
};

// 16 bytes: at 10M licenses there are 7.5M orgs, held to the end (a later install may sell to
// any of them). An org has an account (and its contact) once its lead is converted, a lead until
// then: one serial serves for either.
struct Org
{
    quint32 serial = 0;      // converted: its account's and contact's; else its lead's (0: none)
    quint32 accountName = 0; // Generator::accounts
    quint16 instance = 0;    // Generator::instances
    quint16 createdDay = 0;
    quint8 edition = 0;      // Generator::labels, with the status
    quint8 status = 0;
    DemoOrgKind kind = DemoOrgKind::Production;
    quint8 converted : 1 = 0;
    quint8 packagesMask : 7 = 0;

    quint32 accountSerial() const { return converted ? serial : 0; }
    quint32 leadSerial() const { return converted ? 0 : serial; }
};
static_assert(sizeof(Org) == 16);
static_assert(kPackageCount <= 7, "Org::packagesMask holds a bit per package");

struct Generator
{
    DemoRandom rng;
    QDate epoch;   // day 0 of the history
    int lastDay;   // `until` as a day number
    quint64 serialBase;
    std::vector<Org> orgs;
    std::vector<int> productionOrgs; // indexes of production orgs (sandboxes attach to them)
    std::vector<std::vector<VersionInfo>> versions; // per package
    std::array<qint64, kPackageCount> packageRows{};
    std::array<int, kPackageCount> packageFirstDay{};
    quint64 accountSerial = 0, leadSerial = 0, orgSerial = 0;
    LicenseLife life;
    TextPool<quint32> accounts;  // account names
    TextPool<quint16> instances; // some 1,200
    TextPool<quint8> labels;     // editions and statuses: a dozen
    SalesforceId idOf(const char *prefix, quint32 serial) const
    {
        return serial == 0 ? SalesforceId() : makeId(prefix, serialBase + serial);
    }

    explicit Generator(quint64 seed) : rng(seed), serialBase((seed % 997) * 1'000'000) {}

    QDate date(int day) const { return epoch.addDays(day); }
    int dayOf(const QDate &d) const { return int(epoch.daysTo(d)); }

    // People work on weekdays: what they would do on a Saturday or Sunday waits for Monday.
    int workday(int day) const
    {
        const int dow = date(day).dayOfWeek();
        return dow == 6 ? day + 2 : dow == 7 ? day + 1 : day;
    }
    int person() { return 1 + int(rng.below(kPeopleCount - 1)); }
    // A change of seats: mostly more users, sometimes fewer.
    double seatFactor() { return rng.chance(0.7) ? 1.1 + 0.7 * rng.uniform() : 0.55 + 0.4 * rng.uniform(); }

    QString instanceFor(DemoOrgKind kind)
    {
        if (kind == DemoOrgKind::Sandbox)
            return QStringLiteral("CS%1").arg(rng.between(1, 220));
        const double r = rng.uniform();
        if (r < 0.47)
            return QStringLiteral("NA%1").arg(rng.between(40, 240));
        if (r < 0.64)
            return QStringLiteral("USA%1S").arg(rng.between(100, 780));
        if (r < 0.84)
            return QStringLiteral("EU%1").arg(rng.between(10, 58));
        if (r < 0.95)
            return QStringLiteral("AP%1").arg(rng.between(1, 30));
        return rng.chance(0.5) ? QStringLiteral("UK%1").arg(rng.between(1, 9))
                               : QStringLiteral("CAN%1").arg(rng.between(1, 12));
    }

    QString productionEdition()
    {
        static const std::array<double, 5> weights{0.52, 0.19, 0.20, 0.05, 0.04};
        static const char *const names[] = {"Enterprise Edition", "Unlimited Edition", "Professional Edition",
                                            "Performance Edition", "Essentials Edition"};
        return QString::fromLatin1(names[rng.weighted(weights)]);
    }

    void assignAccount(Org &org, double conversionRate)
    {
        org.converted = rng.chance(conversionRate) ? 1 : 0;
        if (org.converted) {
            org.accountName = accounts.of(QStringLiteral("%1 %2 %3")
                                           .arg(QString::fromLatin1(kAccountStems[rng.below(std::size(kAccountStems))]),
                                                QString::fromLatin1(kAccountTrades[rng.below(std::size(kAccountTrades))]),
                                                QString::fromLatin1(kAccountSuffixes[rng.below(std::size(kAccountSuffixes))])));
            org.serial = quint32(++accountSerial);
        } else {
            org.serial = quint32(++leadSerial);
        }
    }

    int newOrg(int day)
    {
        Org org;
        ++orgSerial; // the org's id: its place in `orgs`, plus one
        org.createdDay = quint16(day);
        const double r = rng.uniform();
        if (r < 0.15 && !productionOrgs.empty()) {
            // A sandbox belongs to a customer that already has a production org.
            const Org &parent = orgs[productionOrgs[rng.below(qint64(productionOrgs.size()))]];
            org.kind = DemoOrgKind::Sandbox;
            org.accountName = parent.accountName;
            // The parent's account, or its lead. (A lead is numbered for the sandbox of a
            // converted parent too, unused: the serials after it are as they always were.)
            org.serial = parent.serial;
            if (parent.converted)
                ++leadSerial;
            org.converted = parent.converted;
            org.edition = parent.edition;
            org.status = labels.of(QStringLiteral("ACTIVE"));
        } else if (r < 0.27) {
            org.kind = DemoOrgKind::Developer;
            org.edition = labels.of(rng.chance(0.85) ? QStringLiteral("Developer Edition") : QStringLiteral("Partner Developer Edition"));
            org.status = labels.of(QStringLiteral("FREE"));
            assignAccount(org, 0.2);
        } else if (r < 0.31) {
            org.kind = DemoOrgKind::TrialOrg;
            org.edition = labels.of(productionEdition());
            // A Salesforce trial org lives 30 days; after that it is deleted or signed up.
            org.status = labels.of(day + 30 >= lastDay ? QStringLiteral("TRIAL")
                                                      : (rng.chance(0.3) ? QStringLiteral("ACTIVE") : QStringLiteral("DELETED")));
            if (day > lastDay - 2 && rng.chance(0.3))
                org.status = labels.of(QStringLiteral("SIGNING_UP"));
            assignAccount(org, 0.5);
        } else {
            org.kind = DemoOrgKind::Production;
            org.edition = labels.of(productionEdition());
            const double s = rng.uniform();
            org.status = labels.of(s < 0.975 ? QStringLiteral("ACTIVE")
                                            : (s < 0.988 ? QStringLiteral("SUSPENDED")
                                                         : (s < 0.996 ? QStringLiteral("DELETED") : QStringLiteral("PENDING_DELETE"))));
            assignAccount(org, 0.9);
        }
        org.instance = instances.of(instanceFor(org.kind));
        orgs.push_back(std::move(org));
        const int index = int(orgs.size() - 1);
        if (orgs.back().kind == DemoOrgKind::Production)
            productionOrgs.push_back(index);
        return index;
    }

    // The org for a new install of `pkg`: often a customer who already has another package.
    int orgFor(int pkg, int day)
    {
        if (!orgs.empty() && rng.chance(0.32)) {
            for (int attempt = 0; attempt < 3; ++attempt) {
                // Recent customers cross-buy more often than old ones.
                const qint64 n = qint64(orgs.size());
                const qint64 back = qMin<qint64>(n - 1, qint64(rng.exponential(double(n) * 0.25)));
                Org &org = orgs[size_t(n - 1 - back)];
                if (!(org.packagesMask & (1u << pkg)) && labels.text(org.status) != QStringLiteral("DELETED"))
                    return int(n - 1 - back);
            }
        }
        return newOrg(day);
    }

    int pickPackage(int day)
    {
        std::array<double, kPackageCount> weights{};
        for (int p = 0; p < kPackageCount; ++p) {
            const int age = day - packageFirstDay[p];
            if (age < 0)
                continue;
            // A new package ramps up over its first year.
            weights[p] = kPackages[p].weight * std::min(1.0, 0.25 + age / 365.0);
        }
        return rng.weighted(weights);
    }

    // The newest released version on `day`; betas only where betas may go.
    int versionOn(int pkg, int day, bool allowBeta) const
    {
        const auto &list = versions[pkg];
        int chosen = 0;
        for (int i = 0; i < int(list.size()); ++i) {
            if (list[i].releaseDay > day)
                break;
            if (list[i].beta && !allowBeta)
                continue;
            chosen = i;
        }
        return chosen;
    }

    int seatsForPaid(const Org &org)
    {
        const QString &edition = labels.text(org.edition);
        if (edition == QStringLiteral("Unlimited Edition") && rng.chance(0.12))
            return License::kSiteLicenseSeats;
        if (rng.chance(0.04))
            return License::kSiteLicenseSeats;
        // A long tail: most customers buy a few dozen seats, a few buy thousands.
        const double mu = edition == QStringLiteral("Professional Edition") ? 2.4
                          : edition == QStringLiteral("Essentials Edition") ? 1.6
                                                                                : 3.3;
        return int(std::clamp(std::round(rng.logNormal(mu, 1.25)), 1.0, 250000.0));
    }

    int usedFor(int seats, DemoOrgKind kind)
    {
        if (seats == License::kSiteLicenseSeats) {
            // Sandboxes and developer orgs have a handful of users; customers on a site license more.
            if (kind == DemoOrgKind::Sandbox || kind == DemoOrgKind::Developer)
                return int(std::round(rng.logNormal(0.8, 0.7)));
            return int(std::round(rng.logNormal(3.2, 1.2)));
        }
        double utilisation;
        const double r = rng.uniform();
        if (r < 0.06)
            utilisation = 1.0 + rng.uniform() * 0.35; // over-assigned
        else if (r < 0.14)
            utilisation = rng.uniform() * 0.2; // shelfware
        else
            utilisation = 0.35 + 0.65 * std::sqrt(rng.uniform());
        return std::max(0, int(std::round(seats * utilisation)));
    }
};

void LicenseLife::run(Generator &g, DemoOrgKind kind)
{
    // Nothing changes after the uninstall (it is made last on its day) or after `until`.
    int cutoff = g.lastDay;
    for (const LifeChange &c : changes) {
        if (c.hasStatus && c.status == Status::Uninstalled)
            cutoff = std::min(cutoff, c.day);
    }
    changes.erase(std::remove_if(changes.begin(), changes.end(), [&](const LifeChange &c) { return c.day > cutoff; }),
                  changes.end());
    std::sort(changes.begin(), changes.end(),
              [](const LifeChange &a, const LifeChange &b) { return a.day != b.day ? a.day < b.day : a.order < b.order; });
    bool usedKnown = false;
    int previousDay = -1;
    int previousSecond = 0;
    for (const LifeChange &c : changes) {
        // During working hours (UTC), one after the other on the same day.
        int second = 8 * 3600 + int(g.rng.below(10 * 3600));
        if (c.day == previousDay)
            second = std::min(std::max(second, previousSecond + 60), 18 * 3600 - 1);
        previousDay = c.day;
        previousSecond = second;
        const qint64 moment = qint64(c.day) * 86400 + second;
        auto row = [&](const QString &field, QString from, QString to) {
            rows.push_back(LifeRow{moment, c.actor, field, std::move(from), std::move(to)});
        };
        if (c.hasStatus && c.status != status) {
            row(QStringLiteral("Status"), statusName(status), statusName(c.status));
            status = c.status;
        }
        if (c.hasSeats) {
            int n = c.seats;
            if (c.seatsFactor > 0) {
                n = seats;
                if (seats != License::kSiteLicenseSeats) {
                    n = int(std::clamp(std::round(seats * c.seatsFactor), 1.0, 250000.0));
                    if (n == seats)
                        n = c.seatsFactor > 1 ? seats + 1 : std::max(1, seats - 1);
                }
            }
            if (n != seats) {
                row(QStringLiteral("Seats"), QString::number(seats), QString::number(n));
                seats = n;
            }
        }
        if (c.hasExpiration && c.expiration != expiration) {
            row(QStringLiteral("Expiration"), expirationText(expiration), expirationText(c.expiration));
            expiration = c.expiration;
        }
        if (c.zeroUsed) {
            used = g.usedFor(seats, kind);
            usedKnown = true;
            if (used != 0) {
                row(QStringLiteral("Used Licenses"), QString::number(used), QStringLiteral("0"));
                used = 0;
            }
        }
    }
    if (!usedKnown)
        used = g.usedFor(seats, kind);
}

} // namespace

namespace {

// The two LMOs of a demo with a switch: the partner's first org, designated when the oldest
// package was registered and replaced on the switch day, and the org that took over. Both
// designated, with the demo's packages linked.
Result<void> recordDemoLmos(QSqlDatabase db, const DemoOptions &options, const QDate &epoch)
{
    QList<LinkedPackage> linked;
    {
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("SELECT name, package_id FROM packages ORDER BY name")))
            return sqlError(q.lastError(), QStringLiteral("recording the demo's LMOs"));
        while (q.next()) {
            const QString name = q.value(0).toString();
            QString ns = name.toLower();
            ns.remove(QRegularExpression(QStringLiteral("[^a-z0-9]")));
            linked.append({name, ns.left(15), q.value(1).toString()});
        }
    }
    auto profile = [&](const QString &name, const QString &id15, const QDateTime &designated) {
        LmoProfile p;
        p.pagesDone = 6;
        p.org.name = name;
        p.org.orgId = SalesforceId::fromString(id15).to18();
        p.org.edition = QStringLiteral("Enterprise Edition");
        p.org.confirmedPaidAndPermanent = true;
        p.org.whoNeedsData = {QStringLiteral("Partner ops"), QStringLiteral("Customer success"), QStringLiteral("Support")};
        p.org.integrations = {QStringLiteral("Billing")};
        p.org.placement = OrgPlacement::Dedicated;
        p.packages = linked;
        p.registeredOn = designated.date();
        p.lmaVersion = QStringLiteral("1.15");
        p.lmaObjectsVisible = true;
        p.roles = LmoRules::defaultRoles();
        p.billing = QStringLiteral("Stripe");
        p.documented = true;
        p.designatedAt = designated;
        return QString::fromUtf8(QJsonDocument(p.toJson()).toJson(QJsonDocument::Compact));
    };
    if (auto r = execSql(db, QStringLiteral("DELETE FROM lmo_profiles"), QStringLiteral("recording the demo's LMOs")); !r)
        return r;
    QSqlQuery insert(db);
    if (!insert.prepare(QStringLiteral("INSERT INTO lmo_profiles (id, data, is_current, replaced_on) VALUES (?, ?, ?, ?)")))
        return sqlError(insert.lastError(), QStringLiteral("recording the demo's LMOs"));
    const QVariantList rows[] = {
        {1, profile(QStringLiteral("Ledgerly Licensing (first org)"), QStringLiteral("00D5f000000LmoA"), QDateTime(epoch, QTime(9, 0), Qt::UTC)), 0,
         dateToSql(options.switchLmoOn)},
        {2, profile(QStringLiteral("Ledgerly Licensing"), QStringLiteral("00D5f000000LmoB"), QDateTime(options.switchLmoOn, QTime(9, 0), Qt::UTC)), 1,
         QVariant(QMetaType(QMetaType::QString))},
    };
    for (const QVariantList &row : rows) {
        for (const QVariant &v : row)
            insert.addBindValue(v);
        if (!insert.exec())
            return sqlError(insert.lastError(), QStringLiteral("recording the demo's LMOs"));
    }
    return {};
}

} // namespace

// What the demo's billing system charges: a Stripe account that bills two of the packages
// (Ledgerly CPQ and SignPath eSignature; the others are sold elsewhere), a subscription for
// nine in ten of their production licenses (Active, Suspended or Trial, with seats), made from each license by rules
// of its id so the same demo gives the same billing. Most agree with their license; some bill
// other seats, some a suspended license, some are past due or trialing on an Active license,
// some end on another day than the license, and a few name no org (their customer's name is
// the account's: the Billing page proposes the link). Seats cost 25, 49 or 73 a month by
// package; every third subscription is billed a year at a time.
static Result<qint64> writeDemoBilling(QSqlDatabase &db, const QDate &until)
{
    const QString doing = QStringLiteral("writing the demo's billing");
    const QString now = dateTimeToSql(QDateTime::currentDateTimeUtc());
    {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO billing_sources (name, format, mapping, last_import_at) VALUES ('stripe-demo', 'stripe', NULL, ?)"));
        q.addBindValue(now);
        if (!q.exec())
            return sqlError(q.lastError(), doing);
    }
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "INSERT INTO billing_subscriptions (source, subscription_id, customer_id, customer_name, customer_email, plan, quantity, "
        "status, source_status, current_period_end, cancel_at_period_end, amount_hundredths, currency, billing_interval, "
        "interval_count, org_id, imported_at) "
        "SELECT 'stripe-demo', s.sub, s.cus, s.account_name, s.email, s.plan, s.quantity, "
        "CASE WHEN s.word = 'unpaid' THEN 'past_due' ELSE s.word END, s.word, s.period_end, 0, s.amount, 'USD', s.billing, 1, s.org, ? "
        "FROM (SELECT 'sub_demo' || CAST(l.id AS TEXT) AS sub, 'cus_demo' || CAST(l.id AS TEXT) AS cus, l.account_name, "
        "'billing@' || lower(replace(replace(replace(COALESCE(l.account_name, 'org' || l.org_id), ' ', ''), ',', ''), '.', '')) || '.example' AS email, "
        "lower(replace(p.name, ' ', '_')) || CASE WHEN l.id % 3 = 0 THEN '_annual' ELSE '_monthly' END AS plan, "
        "CASE WHEN l.id % 13 = 0 THEN l.seats + 5 WHEN l.id % 17 = 0 AND l.seats > 5 THEN l.seats - 3 ELSE l.seats END AS quantity, "
        "CASE WHEN l.status = 'Trial' THEN CASE WHEN l.id % 8 = 0 THEN 'active' ELSE 'trialing' END "
        "     WHEN l.status = 'Suspended' THEN CASE WHEN l.id % 3 = 0 THEN 'active' WHEN l.id % 3 = 1 THEN 'unpaid' ELSE 'canceled' END "
        "     WHEN l.id % 23 = 0 THEN 'past_due' WHEN l.id % 29 = 0 THEN 'trialing' WHEN l.id % 31 = 0 THEN 'canceled' ELSE 'active' END AS word, "
        "CASE WHEN l.expiration IS NOT NULL AND l.id % 11 <> 0 THEN CAST(l.expiration AS TEXT) ELSE ? END AS period_end, "
        "(2500 + 2400 * (p.id % 3)) * CASE WHEN l.id % 3 = 0 THEN 12 ELSE 1 END AS amount, "
        "CASE WHEN l.id % 3 = 0 THEN 'year' ELSE 'month' END AS billing, "
        "CASE WHEN l.id % 37 = 0 THEN NULL ELSE l.org_id END AS org "
        "FROM licenses l JOIN packages p ON p.id = l.package_ref "
        "WHERE l.is_sandbox = 0 AND l.seats > 0 AND l.status IN ('Active', 'Suspended', 'Trial') AND l.id % 10 <> 0 "
        "AND p.name IN ('Ledgerly CPQ', 'SignPath eSignature')) s"));
    q.addBindValue(now);
    q.addBindValue(dateToSql(until.addDays(20)));
    if (!q.exec())
        return sqlError(q.lastError(), doing);
    return qint64(q.numRowsAffected());
}

Result<void> checkDemoOptions(const DemoOptions &options)
{
    if (options.licenses < 0 || options.licenses > 50'000'000)
        return Error::make(Error::Code::Usage, QStringLiteral("Choose from 0 to 50,000,000 demo licenses."));
    if (!options.until.isValid())
        return Error::make(Error::Code::Usage, QStringLiteral("The demo needs a valid end date."));
    if (options.switchLmoOn.isValid() && (options.switchLmoOn <= options.until.addYears(-6) || options.switchLmoOn > options.until))
        return Error::make(Error::Code::Usage, QStringLiteral("The LMO switch must fall within the demo's history (the six "
                                                             "years up to %1).")
                                                   .arg(options.until.toString(Qt::ISODate)));
    return {};
}

namespace {

Result<DemoSummary> writeDemo(Database &database, const DemoOptions &options, const DemoProgress &progress, bool privateFile);

} // namespace

Result<DemoSummary> generateDemo(Database &database, const DemoOptions &options, const DemoProgress &progress)
{
    return writeDemo(database, options, progress, false);
}

namespace {

// A license as the maker thread made it, with its history's rows, for the writer.
struct MadeChange
{
    QDateTime at;
    int actor;
    QString field, oldValue, newValue;
};
struct MadeLicense
{
    License license;
    std::vector<MadeChange> changes;
};

// Batches of made licenses from the maker thread to the writer, two at most waiting (a few
// megabytes), in order. stop() ends it early from either side.
class Handoff
{
public:
    static constexpr size_t kBatch = 512;

    // False once stopped: the batch is dropped.
    bool push(std::vector<MadeLicense> &&batch)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_stopped || m_waiting.size() < 2; });
        if (m_stopped)
            return false;
        m_waiting.push_back(std::move(batch));
        m_changed.notify_all();
        return true;
    }
    // The next batch; false when there are no more (all made, or stopped).
    bool pop(std::vector<MadeLicense> &batch)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_stopped || m_finished || !m_waiting.empty(); });
        if (m_stopped || m_waiting.empty())
            return false;
        batch = std::move(m_waiting.front());
        m_waiting.pop_front();
        m_changed.notify_all();
        return true;
    }
    void finish()
    {
        std::lock_guard lock(m_mutex);
        m_finished = true;
        m_changed.notify_all();
    }
    void stop()
    {
        std::lock_guard lock(m_mutex);
        m_stopped = true;
        m_changed.notify_all();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::vector<MadeLicense>> m_waiting;
    bool m_finished = false, m_stopped = false;
};

// Makes the demo's licenses and their histories, in order, for the writer (on a thread of its
// own): `g` is the generator's state after the packages, `installsOnDay` each day's install
// count, used up as the licenses are made. Stops early if the writer stops the hand-off.
void makeLicenses(Generator &g, const DemoOptions &options, std::vector<qint64> &installsOnDay, Handoff &handoff)
{
    const int nameWidth = std::max(5, int(QString::number(options.licenses).size()));
    size_t day = 0;
    License l;
    l.licenseType = QStringLiteral("Editable");
    std::vector<MadeLicense> batch;
    batch.reserve(Handoff::kBatch);
    for (qint64 i = 0; i < options.licenses; ++i) {
        while (installsOnDay[day] == 0)
            ++day;
        --installsOnDay[day];
        int installDay = int(day);
        int pkg = g.pickPackage(installDay);
        if (pkg < 0 || installDay < g.packageFirstDay[pkg]) {
            pkg = 0;
            installDay = std::max(installDay, g.packageFirstDay[0]);
        }
        const int orgIndex = g.orgFor(pkg, installDay);
        Org &org = g.orgs[size_t(orgIndex)];
        org.packagesMask = quint8(org.packagesMask | (1u << pkg));

        l.id = makeId("a0B", g.serialBase + quint64(i) + 1);
        l.name = QStringLiteral("L-%1").arg(i + 1, nameWidth, 10, QLatin1Char('0'));
        l.accountId = g.idOf("001", org.accountSerial());
        l.accountName = g.accounts.text(org.accountName);
        l.contactId = g.idOf("003", org.accountSerial());
        l.leadId = org.converted ? SalesforceId() : g.idOf("00Q", org.leadSerial());
        l.packageRowId = g.packageRows[size_t(pkg)];
        l.installDate = g.date(installDay);
        l.subscriberOrgId = g.idOf("00D", quint32(orgIndex + 1));
        l.orgEdition = g.labels.text(org.edition);
        l.orgInstance = g.instances.text(org.instance);
        l.orgStatus = g.labels.text(org.status);
        l.isSandbox = org.kind == DemoOrgKind::Sandbox;
        l.orgTrialExpiration = org.kind == DemoOrgKind::TrialOrg ? g.date(org.createdDay + 30) : QDate();
        l.packageLicenseId = makeId("050", g.serialBase + quint64(i) + 1);
        l.proxyUser = QStringLiteral("%1@%2.lma").arg(QString::fromLatin1(kPackages[pkg].developerName), l.subscriberOrgId.to15());

        // The license's life up to `until`: its state on the install day, then the changes
        // that happened to it by `until` (what happens later has not happened yet).
        const int last = g.lastDay;
        g.life.begin();
        int uninstallDay = -1;
        if (org.kind == DemoOrgKind::Sandbox) {
            // Sandboxes get a free site license; refreshes and deletions uninstall them.
            g.life.start(Status::Active, License::kSiteLicenseSeats, QDate());
            const int d = int(g.rng.exponential(1500)); // whole days: `until` is a day like the others
            if (installDay + d <= last)
                uninstallDay = installDay + d;
        } else if (org.kind == DemoOrgKind::Developer) {
            if (g.rng.chance(0.55))
                g.life.start(Status::Trial, kPackages[pkg].trialSeats, g.date(installDay + 30));
            else
                g.life.start(Status::Active, License::kSiteLicenseSeats, QDate());
            const int d = int(g.rng.exponential(650)); // whole days: `until` is a day like the others
            if (installDay + d <= last)
                uninstallDay = installDay + d;
        } else {
            const bool startsAsTrial = g.rng.chance(0.68);
            int paidFrom = installDay;
            bool paid = !startsAsTrial;
            if (startsAsTrial) {
                const int trialEnd = installDay + 30;
                g.life.start(Status::Trial, kPackages[pkg].trialSeats, g.date(trialEnd));
                const double conversion = org.kind == DemoOrgKind::TrialOrg ? 0.18 : 0.42;
                if (g.rng.chance(conversion)) {
                    paidFrom = g.workday(installDay + int(g.rng.between(4, 34)));
                    paid = paidFrom <= last; // converting after `until` means still a trial today
                } else if (g.rng.chance(0.5)) {
                    const int d = trialEnd + int(g.rng.exponential(25));
                    if (d <= last)
                        uninstallDay = d;
                }
            }
            if (paid) {
                const int paidSeats = g.seatsForPaid(org);
                const bool perpetual = g.rng.chance(0.33);
                // Annual terms run to the same date each year.
                const QDate paidDate = g.date(paidFrom);
                int terms = 1;
                int termEnd = g.dayOf(paidDate.addYears(terms));
                const QDate paidExpiration = perpetual ? QDate() : g.date(termEnd);
                if (startsAsTrial) {
                    LifeChange &c = g.life.change(paidFrom, g.person());
                    c.set(Status::Active);
                    c.setSeats(paidSeats);
                    c.setExpiration(paidExpiration);
                } else {
                    g.life.start(Status::Active, paidSeats, paidExpiration);
                }
                const int d = int(g.rng.exponential(2400)); // ~1.2% a month
                if (paidFrom + d <= last)
                    uninstallDay = paidFrom + d;
                // A deleted org has lost its packages.
                if (uninstallDay < 0 && (l.orgStatus == QStringLiteral("DELETED") || l.orgStatus == QStringLiteral("PENDING_DELETE")))
                    uninstallDay = int(g.rng.between(paidFrom, last));
                // People's changes come before the uninstall, and stop with a suspension that
                // is not lifted.
                int stop = uninstallDay >= 0 ? uninstallDay : last + 1;
                if (stop - paidFrom > 2 && g.rng.chance(0.05)) {
                    const int suspended = g.workday(int(g.rng.between(paidFrom + 1, stop - 1)));
                    if (suspended < stop) {
                        g.life.change(suspended, g.person()).set(Status::Suspended);
                        const int reactivated = g.workday(suspended + int(g.rng.between(2, 45)));
                        if (g.rng.chance(0.6) && reactivated < stop)
                            g.life.change(reactivated, g.person()).set(Status::Active);
                        else
                            stop = suspended;
                    }
                }
                if (!perpetual) {
                    // Annual terms, each renewed a few weeks before it ends with 86% probability;
                    // a renewal now and then with more (or fewer) seats.
                    for (;;) {
                        const int renewal = g.workday(termEnd - int(g.rng.between(0, 20)));
                        if (renewal >= stop)
                            break;
                        if (!g.rng.chance(0.86)) {
                            if (g.rng.chance(0.55)) {
                                const int u = termEnd + int(g.rng.exponential(45));
                                if (u <= last && (uninstallDay < 0 || u < uninstallDay))
                                    uninstallDay = u;
                            }
                            break;
                        }
                        termEnd = g.dayOf(paidDate.addYears(++terms));
                        LifeChange &c = g.life.change(renewal, g.person());
                        c.setExpiration(g.date(termEnd));
                        if (g.rng.chance(0.2))
                            c.scaleSeats(g.seatFactor());
                    }
                }
                if (paidSeats != License::kSiteLicenseSeats) {
                    // Between renewals customers add users (mostly) or drop some.
                    for (int t = paidFrom;;) {
                        t = g.workday(t + 1 + int(g.rng.exponential(600)));
                        if (t >= stop)
                            break;
                        g.life.change(t, g.person()).scaleSeats(g.seatFactor());
                    }
                }
            }
        }
        if (uninstallDay >= 0) {
            // The LMA marks the uninstall; it often zeroes the used licenses with it.
            LifeChange &c = g.life.change(uninstallDay, kLma);
            c.set(Status::Uninstalled);
            c.zeroUsed = g.rng.chance(0.6);
        }

        // Versions: installed on the newest release; live installs mostly upgrade (soon after a
        // release, before any uninstall), betas only where Salesforce allows them.
        const bool betaAllowed = org.kind == DemoOrgKind::Sandbox || org.kind == DemoOrgKind::Developer;
        const int endDay = uninstallDay >= 0 ? uninstallDay - 1 : last;
        const int installed = g.versionOn(pkg, installDay, betaAllowed && g.rng.chance(0.25));
        int version = installed;
        int upgradeDay = -1;
        const int newest = g.versionOn(pkg, endDay, false);
        if (newest > version) {
            const double r = g.rng.uniform();
            if (r < 0.55)
                version = newest;
            else if (r < 0.8)
                version = std::max(version, newest - 1 - int(g.rng.below(2)));
            else
                version = version + int(g.rng.below(newest - version + 1));
            const int lag = int(std::min(60.0, g.rng.exponential(7))); // most within a week or two
            auto upgradeOn = [&](int v) { return std::max(installDay, g.versions[pkg][size_t(v)].releaseDay) + lag; };
            while (version > installed && (g.versions[pkg][size_t(version)].beta || upgradeOn(version) > endDay))
                --version;
            if (version > installed)
                upgradeDay = upgradeOn(version);
        }
        const VersionInfo &v = g.versions[pkg][size_t(version)];
        l.packageVersionRowId = v.rowId;
        l.versionNumber = v.number;

        // The state on `until` is the install state with every change applied, in order; the
        // audit rows come from the same walk, so each one's old value is the previous one's new.
        g.life.run(g, org.kind);
        l.status = g.life.status;
        l.seats = g.life.seats;
        l.expiration = g.life.expiration;
        l.usedLicenses = g.life.used;
        const EffectiveStatus effective = l.effectiveStatusOn(options.until);
        l.licenseStatus = statusName(effective);
        // Information current as of the latest event: the install, the last change, an upgrade.
        qint64 lastMoment = qint64(installDay) * 86400 + g.rng.below(86400);
        if (!g.life.rows.empty()) // installed before anything was changed on it
            lastMoment = std::min(lastMoment, g.life.rows.front().moment - 60);
        if (upgradeDay >= 0) {
            // The upgrade, in the audit log as the version an export shows changing (during
            // working hours, as the other rows), in its place among the changes.
            const qint64 at = qint64(upgradeDay) * 86400 + 8 * 3600 + g.rng.below(10 * 3600);
            lastMoment = std::max(lastMoment, at);
            const LifeRow upgrade{at, kLma, QStringLiteral("Version Number"), g.versions[pkg][size_t(installed)].number, v.number};
            auto pos = std::upper_bound(g.life.rows.begin(), g.life.rows.end(), at,
                                        [](qint64 moment, const LifeRow &r) { return moment < r.moment; });
            g.life.rows.insert(pos, upgrade);
        }
        if (!g.life.rows.empty())
            lastMoment = std::max(lastMoment, g.life.rows.back().moment);
        l.lastModified = QDateTime(g.date(int(lastMoment / 86400)), QTime::fromMSecsSinceStartOfDay(int(lastMoment % 86400) * 1000), Qt::UTC);

        l.lmoRef = options.switchLmoOn.isValid() && l.installDate >= options.switchLmoOn ? 2 : 1;
        MadeLicense &made = batch.emplace_back();
        made.license = l;
        made.changes.reserve(g.life.rows.size());
        for (const LifeRow &row : g.life.rows)
            made.changes.push_back(MadeChange{QDateTime(g.date(int(row.moment / 86400)),
                                                        QTime::fromMSecsSinceStartOfDay(int(row.moment % 86400) * 1000), Qt::UTC),
                                              row.actor, row.field, row.oldValue, row.newValue});
        if (batch.size() == Handoff::kBatch) {
            if (!handoff.push(std::move(batch)))
                return; // the writer stopped
            batch = {};
            batch.reserve(Handoff::kBatch);
        }
    }
    if (!batch.empty())
        handoff.push(std::move(batch));
    handoff.finish();
}

// `privateFile`: the database is a file of this run's own, thrown away if the demo fails, so the
// load needs no journal.
Result<DemoSummary> writeDemo(Database &database, const DemoOptions &options, const DemoProgress &progress, bool privateFile)
{
    QElapsedTimer timer;
    timer.start();
    if (database.isReadOnly())
        return Error::make(Error::Code::ReadOnly, QStringLiteral("%1 is read-only (%2): the demo cannot be written there.")
                                                      .arg(database.path(), database.readOnlyReason()));
    if (auto r = checkDemoOptions(options); !r)
        return r.error();

    QSqlDatabase db = database.connection();
    auto existing = queryNumber(db, QStringLiteral("SELECT (SELECT COUNT(*) FROM licenses) + (SELECT COUNT(*) FROM packages)"),
                                QStringLiteral("checking the database is empty"));
    if (!existing)
        return existing.error();
    if (existing.value() > 0 && !options.replace)
        return Error::make(Error::Code::Usage,
                           QStringLiteral("%1 already holds data. Use a new file for the demo, or --replace to "
                                          "overwrite everything in it.")
                               .arg(database.path()));

    // Made before the transaction, and gone after it.
    const auto unjournaled = privateFile && existing.value() == 0 ? database.storage().unjournaledScope(db) : nullptr;
    // Every reference the demo writes is to a row it has just made, and every value is one the
    // schema allows: the engine's own checks of each row (SQLite's foreign keys and CHECK rules)
    // are off for the load, as for an import's. tst_demo holds the result to them all.
    const auto trusted = database.storage().trustedLoadScope(db);
    Transaction transaction(db);
    if (auto r = transaction.begin(QStringLiteral("starting the demo")); !r)
        return r.error();
    if (existing.value() > 0) {
        // Billing goes too: its subscriptions name the old orgs, its plans the old packages.
        for (const char *table : {"billing_plan_packages", "billing_links", "billing_subscriptions", "billing_sources", "audit_log",
                                  "licenses", "package_versions", "packages"}) {
            if (auto r = execSql(db, QStringLiteral("DELETE FROM %1").arg(QLatin1String(table)),
                                 QStringLiteral("clearing the database for the demo"));
                !r)
                return r.error();
        }
    }

    Generator g(options.seed);
    DemoSummary summary;
    const double maxYears = kPackages[0].yearsOld;
    g.epoch = options.until.addDays(-qint64(maxYears * 365.25));
    g.lastDay = int(g.epoch.daysTo(options.until));
    // Room for an org per license, the most there can be. Grown by doubling, the list of orgs
    // (three quarters of the licenses, 16 bytes each) briefly held its old and new copies, half
    // as much again as itself; reserved, only the part written is ever resident.
    g.orgs.reserve(size_t(options.licenses));
    g.productionOrgs.reserve(size_t(options.licenses));

    // Packages and their version histories.
    PackageRepository packages(db);
    g.versions.resize(kPackageCount);
    for (int p = 0; p < kPackageCount; ++p) {
        const PackageSpec &spec = kPackages[p];
        g.packageFirstDay[p] = g.lastDay - int(spec.yearsOld * 365.25);
        std::vector<PackageVersion> history;
        int major = 1, minor = 0;
        double day = g.packageFirstDay[p];
        int sequence = 0;
        while (day <= g.lastDay) {
            const bool newMajor = minor >= 6 + int(g.rng.below(4));
            if (newMajor) {
                ++major;
                minor = 0;
                // A beta goes out to sandboxes and developer orgs a few weeks before a major.
                PackageVersion beta;
                beta.versionNumber = QStringLiteral("%1.0 (Beta)").arg(major);
                beta.isBeta = true;
                beta.releaseDate = g.date(int(day) - 21);
                history.push_back(beta);
            }
            PackageVersion v;
            v.versionNumber = QStringLiteral("%1.%2").arg(major).arg(minor);
            v.releaseDate = g.date(int(day));
            history.push_back(v);
            ++minor;
            day += spec.releaseEveryDays * (0.7 + 0.6 * g.rng.uniform());
        }
        Package pkg;
        pkg.id = makeId("a08", g.serialBase + quint64(p) + 1);
        pkg.name = QString::fromLatin1(spec.name);
        pkg.packageId = makeId("033", g.serialBase + quint64(p) + 1);
        pkg.developerName = QString::fromLatin1(spec.developerName);
        pkg.developerOrgId = makeId("00D", g.serialBase + 900'000 + quint64(p));
        pkg.latestVersion = history.back().isBeta ? history[history.size() - 2].versionNumber : history.back().versionNumber;
        pkg.releaseDate = history.front().releaseDate;
        pkg.leadManager = QStringLiteral("Partner Operations");
        const QDateTime refresh(options.until.addDays(-g.rng.between(1, 30)), QTime(3, 0), Qt::UTC);
        pkg.lastLicenseRefresh = refresh;
        pkg.nextAvailableRefresh = refresh.addDays(7);
        if (auto r = packages.insert(pkg); !r)
            return r.error();
        g.packageRows[p] = pkg.rowId;
        ++summary.packages;
        for (PackageVersion &v : history) {
            v.packageRowId = pkg.rowId;
            v.sequence = ++sequence;
            v.name = QStringLiteral("%1 %2").arg(pkg.name, v.versionNumber);
            v.version = v.versionNumber;
            v.id = makeId("a09", g.serialBase + quint64(p) * 1000 + quint64(sequence));
            v.versionId = makeId("04t", g.serialBase + quint64(p) * 1000 + quint64(sequence));
            if (auto r = packages.insertVersion(v); !r)
                return r.error();
            g.versions[p].push_back(VersionInfo{v.rowId, v.versionNumber, int(g.epoch.daysTo(v.releaseDate)), v.isBeta});
            ++summary.packageVersions;
        }
    }

    // Install days: a daily rate that grows year on year, dips in summer and December, and is
    // low at weekends. Uniform draws placed on the cumulative rate give the days; the licenses
    // are made in day order, so only each day's count is kept (a few thousand numbers, where
    // the sorted draws themselves took 8 bytes a license: 80 MB and a sort of 10M at 10M).
    static const double kSeason[12] = {1.05, 1.10, 1.22, 1.00, 0.98, 1.04, 0.84, 0.78, 1.06, 1.12, 1.02, 0.68};
    std::vector<double> cumulative(size_t(g.lastDay) + 1);
    double total = 0;
    for (int d = 0; d <= g.lastDay; ++d) {
        const QDate day = g.date(d);
        const double years = d / 365.25;
        const double weekday = day.dayOfWeek() >= 6 ? 0.28 : 1.0;
        total += std::exp(0.38 * years) * kSeason[day.month() - 1] * weekday;
        cumulative[size_t(d)] = total;
    }
    std::vector<qint64> installsOnDay(cumulative.size());
    for (qint64 i = 0; i < options.licenses; ++i) {
        const double u = g.rng.uniform() * total;
        const auto at = std::lower_bound(cumulative.begin(), cumulative.end(), u);
        ++installsOnDay[std::min(size_t(at - cumulative.begin()), cumulative.size() - 1)];
    }

    if (options.switchLmoOn.isValid()) {
        if (auto r = recordDemoLmos(db, options, g.epoch); !r)
            return r.error();
    }

    IndexSuspension indexes(db, database.dialect());
    if (auto r = indexes.suspend(QStringLiteral("licenses"), IndexSuspension::Keep::Nothing); !r)
        return r.error();
    IndexSuspension auditIndexes(db, database.dialect());
    if (auto r = auditIndexes.suspend(QStringLiteral("audit_log"), IndexSuspension::Keep::Nothing); !r)
        return r.error();
    // A page cache of 8 MiB for the load, put back before the commit. It was 256 MiB, which the
    // load's dirty pages filled: 955 MB peak at 1M against 488 MB now, in the same 46 s (the rows
    // are appended in row-id order, so a page once full is not wanted again).
    auto pageCache = database.storage().pageCacheScope(db, 8192);

    LicenseWriter writer(database);
    writer.setBuffered(true); // nothing reads the licenses back before the end of the load
    if (auto r = writer.prepare(); !r)
        return r.error();

    AuditWriter auditWriter(database);
    AuditEntry audit;
    audit.recordType = QStringLiteral("license");
    std::array<QString, kPeopleCount> people;
    for (int i = 0; i < kPeopleCount; ++i)
        people[size_t(i)] = QString::fromLatin1(kPeople[i]);
    const QString lmaSource = QStringLiteral("LMA");
    const QString modifySource = QStringLiteral("Modify License");

    // The licenses are made on a thread of their own while this one writes them: making them
    // (their ids, names, histories) is a quarter of the time the rows take, and the writing
    // does not wait for it. They come in batches, in the order they are made, so the database
    // is the same as when one thread did both.
    Handoff handoff;
    std::thread maker([&] { makeLicenses(g, options, installsOnDay, handoff); });
    // Whatever way this function leaves, the maker is stopped and waited for first.
    struct MakerGuard
    {
        Handoff &handoff;
        std::thread &thread;
        void wait()
        {
            handoff.stop();
            if (thread.joinable())
                thread.join();
        }
        ~MakerGuard() { wait(); }
    } makerGuard{handoff, maker};

    qint64 i = 0;
    for (std::vector<MadeLicense> batch; handoff.pop(batch);) {
        for (MadeLicense &made : batch) {
            const License &l = made.license;
            auto rowId = writer.insert(l);
            if (!rowId)
                return rowId.error();
            if (!made.changes.empty()) {
                audit.recordRef = rowId.value();
                audit.recordSfId = l.id.to18();
                for (const MadeChange &change : made.changes) {
                    audit.changedAt = change.at;
                    audit.changedBy = people[size_t(change.actor)];
                    audit.source = change.actor == kLma ? lmaSource : modifySource;
                    audit.field = change.field;
                    audit.oldValue = change.oldValue;
                    audit.newValue = change.newValue;
                    if (auto r = auditWriter.add(audit); !r)
                        return r.error();
                }
            }
            ++i;
            if (progress && i % 20000 == 0 && !progress(i, options.licenses))
                return Error::make(Error::Code::Cancelled, QStringLiteral("The demo was cancelled; nothing was written."));
        }
    }
    makerGuard.wait(); // all made: the maker is done with the generator's state

    if (auto r = writer.flush(); !r)
        return r.error();
    if (auto r = auditWriter.flush(); !r)
        return r.error();
    // All rows are written; what follows (indexes, commit) takes a few more seconds.
    if (progress && !progress(options.licenses, options.licenses))
        return Error::make(Error::Code::Cancelled, QStringLiteral("The demo was cancelled; nothing was written."));
    if (auto r = indexes.restore(); !r)
        return r.error();
    if (auto r = auditIndexes.restore(); !r)
        return r.error();
    if (auto r = SubscriberSummary::rebuild(db, database.dialect()); !r)
        return r.error();
    if (auto r = execSql(db, QStringLiteral("DELETE FROM deferred_indexes WHERE name = '~subscribers'"), QStringLiteral("finishing the bulk load")); !r)
        return r.error();
    auto billed = writeDemoBilling(db, options.until);
    if (!billed)
        return billed.error();
    summary.billingSubscriptions = billed.value();
    pageCache.reset();
    if (auto r = transaction.commit(QStringLiteral("saving the demo")); !r)
        return r.error();
    // Gives the query planner row counts for the new data; then fold the WAL back into the file.
    if (auto r = analyzeTables(db); !r)
        return r.error();
    database.storage().checkpointAfterBulkWrite(db);

    summary.licenses = options.licenses;
    summary.auditRows = auditWriter.written();
    summary.subscriberOrgs = qint64(g.orgs.size());
    summary.seconds = timer.elapsed() / 1000.0;
    return summary;
}

} // namespace

Result<DemoSummary> generateDemoAt(const QString &path, const DemoOptions &options, const DemoProgress &progress)
{
    if (auto r = checkDemoOptions(options); !r)
        return r.error();
    // What this run would create: the file, and the folders above it that do not exist yet.
    const QFileInfo target(path);
    const bool existed = target.exists();
    QStringList newFolders; // deepest first
    for (QString folder = target.absolutePath(); !QFileInfo::exists(folder);) {
        newFolders << folder;
        const QString parent = QFileInfo(folder).absolutePath();
        if (parent == folder)
            break;
        folder = parent;
    }
    const bool file = Database::backendOf(path) == Database::Backend::SQLite;
    auto removeFolders = [&newFolders] {
        for (const QString &folder : std::as_const(newFolders))
            QDir().rmdir(folder); // only if empty: nothing else is taken with it
    };
    auto removeFile = [](const QString &name) {
        for (const char *suffix : {"", "-wal", "-shm", "-journal"})
            QFile::remove(name + QLatin1String(suffix));
    };

    // A new file is written under a private name beside it, without a journal (each page once,
    // not to the write-ahead log and then to the file: a sixth less time at a million licenses),
    // and renamed to `path` once complete. Until then nothing is at `path`: a demo that fails,
    // is cancelled or is killed never leaves a half-written database there, and no one opens it
    // while it is being written. An existing file, or a server, is written in place.
    const bool aside = file && !existed;
    QString writeTo = path;
    if (aside) {
        if (!QDir().mkpath(target.absolutePath()))
            return Error::make(Error::Code::Io, QStringLiteral("Could not create the folder %1 for the demo. Check its parent "
                                                               "folder's permissions, or choose another place.")
                                                    .arg(QDir::toNativeSeparators(target.absolutePath())));
        // Made as any new file is (QTemporaryFile would make it readable by its owner only, and
        // the demo keeps the mode of the file it becomes); a name taken already, another.
        QString why;
        for (int attempt = 0; attempt < 8 && writeTo == path; ++attempt) {
            QFile reserve(target.absoluteDir().filePath(
                QStringLiteral(".%1.%2.partial").arg(target.fileName()).arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'))));
            if (reserve.open(QIODevice::WriteOnly | QIODevice::NewOnly))
                writeTo = reserve.fileName();
            why = reserve.errorString();
        }
        if (writeTo == path) {
            removeFolders();
            return Error::make(Error::Code::Io, QStringLiteral("Could not create a file in %1 for the demo (%2). Check the "
                                                               "folder's permissions and free space, or choose another place.")
                                                    .arg(QDir::toNativeSeparators(target.absolutePath()), why));
        }
    }
    Result<DemoSummary> summary = Error::make(Error::Code::Generic, QString());
    {
        Database::OpenOptions openOptions;
        openOptions.create = true;
        auto database = Database::open(writeTo, openOptions);
        summary = database ? writeDemo(*database.value(), options, progress, aside) : Result<DemoSummary>(database.error());
    } // closed here, before anything is moved or removed (a clean close folds the log back)
    if (summary && aside) {
        // The log is empty after a clean close; if one is left, it goes with the file.
        const bool logLeft = QFileInfo::exists(writeTo + QLatin1String("-wal"));
        QFile::remove(writeTo + QLatin1String("-shm"));
        if (!QFile::rename(writeTo, target.absoluteFilePath())) {
            summary = Error::make(Error::Code::Io,
                                  QFileInfo::exists(path)
                                      ? QStringLiteral("%1 was created by another program while the demo was written; it is "
                                                       "left as it is. Choose another file for the demo.")
                                            .arg(QDir::toNativeSeparators(path))
                                      : QStringLiteral("Could not move the finished demo to %1. Check the folder's "
                                                       "permissions, or choose another place.")
                                            .arg(QDir::toNativeSeparators(path)));
        } else if (logLeft && !QFile::rename(writeTo + QLatin1String("-wal"), target.absoluteFilePath() + QLatin1String("-wal"))) {
            summary = Error::make(Error::Code::Io, QStringLiteral("Could not move the demo's write-ahead log beside %1.")
                                                       .arg(QDir::toNativeSeparators(path)));
            removeFile(target.absoluteFilePath());
        }
    }
    if (!summary && !existed && file) {
        removeFile(writeTo);
        removeFolders();
    }
    return summary;
}

} // namespace lmo
