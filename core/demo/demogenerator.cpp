#include "demo/demogenerator.h"

#include "demo/demorandom.h"
#include "domain/license.h"
#include "domain/package.h"
#include "lmo/lmoprofile.h"
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
#include <QRegularExpression>
#include <QSqlQuery>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
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

enum class DemoOrgKind { Production, Sandbox, Developer, TrialOrg };

struct Org
{
    SalesforceId id;
    QString accountName;
    SalesforceId accountId;
    SalesforceId contactId;
    SalesforceId leadId;
    bool converted = false;
    DemoOrgKind kind = DemoOrgKind::Production;
    QString edition;
    QString instance;
    QString status;
    int createdDay = 0;
    quint8 packagesMask = 0;
};

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
    quint64 accountSerial = 0, contactSerial = 0, leadSerial = 0, orgSerial = 0;

    explicit Generator(quint64 seed) : rng(seed), serialBase((seed % 997) * 1'000'000) {}

    QDate date(int day) const { return epoch.addDays(day); }

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
        org.converted = rng.chance(conversionRate);
        if (org.converted) {
            org.accountName = QStringLiteral("%1 %2 %3")
                                  .arg(QString::fromLatin1(kAccountStems[rng.below(std::size(kAccountStems))]),
                                       QString::fromLatin1(kAccountTrades[rng.below(std::size(kAccountTrades))]),
                                       QString::fromLatin1(kAccountSuffixes[rng.below(std::size(kAccountSuffixes))]));
            org.accountId = makeId("001", serialBase + ++accountSerial);
            org.contactId = makeId("003", serialBase + ++contactSerial);
        } else {
            org.leadId = makeId("00Q", serialBase + ++leadSerial);
        }
    }

    int newOrg(int day)
    {
        Org org;
        org.id = makeId("00D", serialBase + ++orgSerial);
        org.createdDay = day;
        const double r = rng.uniform();
        if (r < 0.15 && !productionOrgs.empty()) {
            // A sandbox belongs to a customer that already has a production org.
            const Org &parent = orgs[productionOrgs[rng.below(qint64(productionOrgs.size()))]];
            org.kind = DemoOrgKind::Sandbox;
            org.accountName = parent.accountName;
            org.accountId = parent.accountId;
            org.contactId = parent.contactId;
            org.leadId = parent.leadId.isNull() ? makeId("00Q", serialBase + ++leadSerial) : parent.leadId;
            org.converted = parent.converted;
            org.edition = parent.edition;
            org.status = QStringLiteral("ACTIVE");
        } else if (r < 0.27) {
            org.kind = DemoOrgKind::Developer;
            org.edition = rng.chance(0.85) ? QStringLiteral("Developer Edition") : QStringLiteral("Partner Developer Edition");
            org.status = QStringLiteral("FREE");
            assignAccount(org, 0.2);
        } else if (r < 0.31) {
            org.kind = DemoOrgKind::TrialOrg;
            org.edition = productionEdition();
            // A Salesforce trial org lives 30 days; after that it is deleted or signed up.
            org.status = day + 30 >= lastDay ? QStringLiteral("TRIAL")
                                             : (rng.chance(0.3) ? QStringLiteral("ACTIVE") : QStringLiteral("DELETED"));
            if (day > lastDay - 2 && rng.chance(0.3))
                org.status = QStringLiteral("SIGNING_UP");
            assignAccount(org, 0.5);
        } else {
            org.kind = DemoOrgKind::Production;
            org.edition = productionEdition();
            const double s = rng.uniform();
            org.status = s < 0.975 ? QStringLiteral("ACTIVE")
                                   : (s < 0.988 ? QStringLiteral("SUSPENDED")
                                                : (s < 0.996 ? QStringLiteral("DELETED") : QStringLiteral("PENDING_DELETE")));
            assignAccount(org, 0.9);
        }
        org.instance = instanceFor(org.kind);
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
                if (!(org.packagesMask & (1u << pkg)) && org.status != QStringLiteral("DELETED"))
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
        if (org.edition == QStringLiteral("Unlimited Edition") && rng.chance(0.12))
            return License::kSiteLicenseSeats;
        if (rng.chance(0.04))
            return License::kSiteLicenseSeats;
        // A long tail: most customers buy a few dozen seats, a few buy thousands.
        const double mu = org.edition == QStringLiteral("Professional Edition") ? 2.4
                          : org.edition == QStringLiteral("Essentials Edition") ? 1.6
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
    insert.prepare(QStringLiteral("INSERT INTO lmo_profiles (id, data, is_current, replaced_on) VALUES (?, ?, ?, ?)"));
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

Result<DemoSummary> generateDemo(Database &database, const DemoOptions &options, const DemoProgress &progress)
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

    Transaction transaction(db);
    if (auto r = transaction.begin(QStringLiteral("starting the demo")); !r)
        return r.error();
    if (existing.value() > 0) {
        for (const char *table : {"audit_log", "licenses", "package_versions", "packages"}) {
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
    // low at weekends. Sorted uniform draws walked through the cumulative rate give sorted days.
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
    std::vector<double> draws(size_t(options.licenses));
    for (double &u : draws)
        u = g.rng.uniform() * total;
    std::sort(draws.begin(), draws.end());

    if (options.switchLmoOn.isValid()) {
        if (auto r = recordDemoLmos(db, options, g.epoch); !r)
            return r.error();
    }

    IndexSuspension indexes(db, database.dialect());
    if (auto r = indexes.suspend(QStringLiteral("licenses"), IndexSuspension::Keep::Nothing); !r)
        return r.error();
    // A bigger page cache for the load and the index builds; put back afterwards.
    if (auto r = execSql(db, QStringLiteral("PRAGMA cache_size=-262144"), QStringLiteral("preparing the bulk load")); !r)
        return r.error();

    LicenseWriter writer(database);
    if (auto r = writer.prepare(); !r)
        return r.error();

    const int nameWidth = std::max(5, int(QString::number(options.licenses).size()));
    size_t cursor = 0;
    License l;
    l.licenseType = QStringLiteral("Editable");
    for (qint64 i = 0; i < options.licenses; ++i) {
        while (cursor + 1 < cumulative.size() && cumulative[cursor] < draws[size_t(i)])
            ++cursor;
        int installDay = int(cursor);
        int pkg = g.pickPackage(installDay);
        if (pkg < 0 || installDay < g.packageFirstDay[pkg]) {
            pkg = 0;
            installDay = std::max(installDay, g.packageFirstDay[0]);
        }
        const int orgIndex = g.orgFor(pkg, installDay);
        Org &org = g.orgs[size_t(orgIndex)];
        org.packagesMask |= quint8(1u << pkg);

        l.id = makeId("a0B", g.serialBase + quint64(i) + 1);
        l.name = QStringLiteral("L-%1").arg(i + 1, nameWidth, 10, QLatin1Char('0'));
        l.accountId = org.accountId;
        l.accountName = org.accountName;
        l.contactId = org.contactId;
        l.leadId = org.converted ? SalesforceId() : org.leadId;
        l.packageRowId = g.packageRows[size_t(pkg)];
        l.installDate = g.date(installDay);
        l.subscriberOrgId = org.id;
        l.orgEdition = org.edition;
        l.orgInstance = org.instance;
        l.orgStatus = org.status;
        l.isSandbox = org.kind == DemoOrgKind::Sandbox;
        l.orgTrialExpiration = org.kind == DemoOrgKind::TrialOrg ? g.date(org.createdDay + 30) : QDate();
        l.packageLicenseId = makeId("050", g.serialBase + quint64(i) + 1);
        l.proxyUser = QStringLiteral("%1@%2.lma").arg(QString::fromLatin1(kPackages[pkg].developerName), org.id.to15());

        // The license's life up to `until`.
        const int last = g.lastDay;
        int uninstallDay = -1;
        int lastEvent = installDay;
        if (org.kind == DemoOrgKind::Sandbox) {
            // Sandboxes get a free site license; refreshes and deletions uninstall them.
            l.status = Status::Active;
            l.seats = License::kSiteLicenseSeats;
            l.expiration = QDate();
            const double d = g.rng.exponential(1500);
            if (installDay + d <= last)
                uninstallDay = installDay + int(d);
        } else if (org.kind == DemoOrgKind::Developer) {
            if (g.rng.chance(0.55)) {
                l.status = Status::Trial;
                l.seats = kPackages[pkg].trialSeats;
                l.expiration = g.date(installDay + 30);
            } else {
                l.status = Status::Active;
                l.seats = License::kSiteLicenseSeats;
                l.expiration = QDate();
            }
            const double d = g.rng.exponential(650);
            if (installDay + d <= last)
                uninstallDay = installDay + int(d);
        } else {
            const bool startsAsTrial = g.rng.chance(0.68);
            int paidFrom = installDay;
            bool paid = !startsAsTrial;
            if (startsAsTrial) {
                const int trialEnd = installDay + 30;
                l.status = Status::Trial;
                l.seats = kPackages[pkg].trialSeats;
                l.expiration = g.date(trialEnd);
                const double conversion = org.kind == DemoOrgKind::TrialOrg ? 0.18 : 0.42;
                if (g.rng.chance(conversion)) {
                    paidFrom = installDay + int(g.rng.between(4, 34));
                    paid = paidFrom <= last; // converting after `until` means still a trial today
                } else if (trialEnd < last && g.rng.chance(0.5)) {
                    uninstallDay = std::min(last, trialEnd + int(g.rng.exponential(25)));
                }
                lastEvent = std::min(trialEnd, last);
            }
            if (paid) {
                lastEvent = paidFrom;
                l.status = Status::Active;
                l.seats = g.seatsForPaid(org);
                if (g.rng.chance(0.33)) {
                    l.expiration = QDate();
                } else {
                    // Annual terms, each renewed with 86% probability.
                    int term = paidFrom + 365;
                    bool lapsed = false;
                    while (term <= last) {
                        if (!g.rng.chance(0.86)) {
                            lapsed = true;
                            break;
                        }
                        lastEvent = term - int(g.rng.between(0, 20));
                        term += 365;
                    }
                    l.expiration = g.date(term);
                    if (lapsed && g.rng.chance(0.55))
                        uninstallDay = std::min(last, term + int(g.rng.exponential(45)));
                }
                if (uninstallDay < 0) {
                    const double d = g.rng.exponential(2400); // ~1.2% a month
                    if (paidFrom + d <= last)
                        uninstallDay = paidFrom + int(d);
                }
                if (uninstallDay < 0 && g.rng.chance(0.018)) {
                    l.status = Status::Suspended;
                    lastEvent = int(g.rng.between(paidFrom, last));
                }
                if (org.status == QStringLiteral("DELETED") || org.status == QStringLiteral("PENDING_DELETE"))
                    uninstallDay = std::max(uninstallDay, int(g.rng.between(paidFrom, last)));
            }
        }
        if (uninstallDay >= 0) {
            l.status = Status::Uninstalled;
            lastEvent = std::max(lastEvent, uninstallDay);
        }

        // Versions: installed on the newest release; live installs mostly upgrade, betas only
        // where Salesforce allows them.
        const bool betaAllowed = org.kind == DemoOrgKind::Sandbox || org.kind == DemoOrgKind::Developer;
        const int endDay = uninstallDay >= 0 ? uninstallDay : last;
        int version = g.versionOn(pkg, installDay, betaAllowed && g.rng.chance(0.25));
        const int newest = g.versionOn(pkg, endDay, false);
        if (newest > version) {
            const double r = g.rng.uniform();
            if (r < 0.55)
                version = newest;
            else if (r < 0.8)
                version = std::max(version, newest - 1 - int(g.rng.below(2)));
            else
                version = version + int(g.rng.below(newest - version + 1));
            if (g.versions[pkg][size_t(version)].beta)
                version = std::max(0, version - 1);
        }
        const VersionInfo &v = g.versions[pkg][size_t(version)];
        l.packageVersionRowId = v.rowId;
        l.versionNumber = v.number;
        lastEvent = std::max(lastEvent, std::min(last, v.releaseDay + int(g.rng.below(30))));

        l.usedLicenses = l.status == Status::Uninstalled && g.rng.chance(0.6) ? 0 : g.usedFor(l.seats, org.kind);
        const EffectiveStatus effective = l.effectiveStatusOn(options.until);
        l.licenseStatus = statusName(effective);
        l.lastModified = QDateTime(g.date(std::min(last, lastEvent)), QTime(int(g.rng.below(24)), int(g.rng.below(60))),
                                   Qt::UTC);

        l.lmoRef = options.switchLmoOn.isValid() && l.installDate >= options.switchLmoOn ? 2 : 1;
        if (auto r = writer.insert(l); !r)
            return r.error();
        if (progress && (i + 1) % 20000 == 0 && !progress(i + 1, options.licenses))
            return Error::make(Error::Code::Cancelled, QStringLiteral("The demo was cancelled; nothing was written."));
    }

    // All rows are written; what follows (indexes, commit) takes a few more seconds.
    if (progress && !progress(options.licenses, options.licenses))
        return Error::make(Error::Code::Cancelled, QStringLiteral("The demo was cancelled; nothing was written."));
    if (auto r = indexes.restore(); !r)
        return r.error();
    if (auto r = SubscriberSummary::rebuild(db, database.dialect()); !r)
        return r.error();
    if (auto r = execSql(db, QStringLiteral("DELETE FROM deferred_indexes WHERE name = '~subscribers'"), QStringLiteral("finishing the bulk load")); !r)
        return r.error();
    if (auto r = execSql(db, QStringLiteral("PRAGMA cache_size=-2000"), QStringLiteral("finishing the bulk load")); !r)
        return r.error();
    if (auto r = transaction.commit(QStringLiteral("saving the demo")); !r)
        return r.error();
    // Gives the query planner row counts for the new data; then fold the WAL back into the file.
    if (auto r = execSql(db, QStringLiteral("ANALYZE"), QStringLiteral("analysing the demo data")); !r)
        return r.error();
    if (auto r = execSql(db, QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"), QStringLiteral("checkpointing")); !r)
        return r.error();

    summary.licenses = options.licenses;
    summary.subscriberOrgs = qint64(g.orgs.size());
    summary.seconds = timer.elapsed() / 1000.0;
    return summary;
}

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
    Result<DemoSummary> summary = Error::make(Error::Code::Generic, QString());
    {
        Database::OpenOptions openOptions;
        openOptions.create = true;
        auto database = Database::open(path, openOptions);
        summary = database ? generateDemo(*database.value(), options, progress) : Result<DemoSummary>(database.error());
    } // closed here, before anything is removed
    if (!summary && !existed) {
        for (const char *suffix : {"", "-wal", "-shm", "-journal"})
            QFile::remove(target.absoluteFilePath() + QLatin1String(suffix));
        for (const QString &folder : std::as_const(newFolders))
            QDir().rmdir(folder); // only if empty: nothing else is taken with it
    }
    return summary;
}

} // namespace lmo
