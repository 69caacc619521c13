#include "fixtures.h"

#include "billing/links.h"
#include "billing/reconcile.h"
#include "demo/demogenerator.h"
#include "lmo/lmoprofile.h"
#include "metrics/installbasestats.h"
#include "storage/auditlog.h"
#include "storage/database.h"
#include "storage/sqlutil.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace lmo;

namespace {

const QDate kUntil(2026, 11, 1);

std::unique_ptr<Database> newDatabase(const QString &path)
{
    Database::OpenOptions o;
    o.create = true;
    auto db = Database::open(test::location(path), o);
    return db ? std::move(db.value()) : nullptr;
}

qint64 number(Database &db, const QString &sql)
{
    QSqlDatabase c = db.connection();
    auto r = queryNumber(c, sql, QStringLiteral("test"));
    return r ? r.value() : -1;
}

// How many rows of `sql` (which selects a day as yyyy-MM-dd, grouped) fall on each day.
QMap<QDate, qint64> perDay(Database &db, const QString &sql)
{
    QMap<QDate, qint64> out;
    QSqlQuery q(db.connection());
    if (!q.exec(sql))
        return out;
    while (q.next())
        out.insert(QDate::fromString(q.value(0).toString(), Qt::ISODate), q.value(1).toLongLong());
    return out;
}

// The median of the daily counts over the `days` days before `until` (a day with none counts 0).
double medianBefore(const QMap<QDate, qint64> &counts, const QDate &until, int days)
{
    std::vector<qint64> v;
    for (int i = 1; i <= days; ++i)
        v.push_back(counts.value(until.addDays(-i)));
    std::sort(v.begin(), v.end());
    return (double(v[v.size() / 2]) + double(v[(v.size() - 1) / 2])) / 2;
}

// The hour and the day of the week (0 Sunday) of a timestamp column, whatever the engine keeps.
QString hourOf(const QString &column)
{
    return test::onPostgres() ? QStringLiteral("EXTRACT(HOUR FROM %1)").arg(column)
                              : QStringLiteral("CAST(substr(%1, 12, 2) AS INTEGER)").arg(column);
}
QString weekdayOf(const QString &column)
{
    return test::onPostgres() ? QStringLiteral("EXTRACT(DOW FROM %1)").arg(column)
                              : QStringLiteral("CAST(strftime('%w', %1) AS INTEGER)").arg(column);
}

// The audit row's text for a license's current value of `field`, as SQL over licenses l.
const char *const kCurrentValueSql =
    "CASE a.field WHEN 'Status' THEN l.status WHEN 'Seats' THEN CAST(l.seats AS TEXT) "
    "WHEN 'Used Licenses' THEN CAST(l.used_licenses AS TEXT) WHEN 'Expiration' THEN CAST(l.expiration AS TEXT) "
    "WHEN 'Version Number' THEN l.version_number END";

} // namespace

class TestDemo : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = newDatabase(m_dir.filePath(QStringLiteral("demo.sqlite")));
        QVERIFY(m_db);
        DemoOptions o;
        o.licenses = 20000;
        o.seed = 7;
        o.until = kUntil;
        auto r = generateDemo(*m_db, o);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->licenses, 20000);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses")), 20000);
    }
    void cleanupTestCase() { m_db.reset(); }

    // The demo loads with the engine's checks of each row off (as an import does): what it wrote
    // must keep every rule they would have held it to. Every reference is to a row there, no
    // NOT NULL column is empty, and the licenses' CHECK rules (schema 1: the four statuses, seats
    // -1 or more) hold. A server checks each row itself.
    void everyRowKeepsTheSchemasRules()
    {
        QSqlQuery q(m_db->connection());
        if (!test::onPostgres()) {
            QVERIFY(q.exec(QStringLiteral("PRAGMA foreign_key_check")));
            QVERIFY2(!q.next(), qPrintable(q.value(0).toString() + QStringLiteral(" row ") + q.value(1).toString()));
            QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next()); // NOT NULL among the rest
            QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
        }
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE status NOT IN ('Trial', 'Active', 'Suspended', 'Uninstalled') "
                                              "OR NOT (seats = -1 OR seats >= 0)")),
                 0);
        // And the load's switches are put back: a row against the rules is refused again.
        QVERIFY(!q.exec(QStringLiteral("UPDATE licenses SET status = 'Lapsed' WHERE id = 1")));
        QVERIFY(!q.exec(QStringLiteral("UPDATE licenses SET package_ref = 999999 WHERE id = 1")));
    }

    void sameSeedSameInstallBase()
    {
        auto a = newDatabase(m_dir.filePath(QStringLiteral("a.sqlite")));
        auto b = newDatabase(m_dir.filePath(QStringLiteral("b.sqlite")));
        auto c = newDatabase(m_dir.filePath(QStringLiteral("c.sqlite")));
        DemoOptions o;
        o.licenses = 3000;
        o.seed = 42;
        o.until = kUntil;
        QVERIFY(generateDemo(*a, o).ok());
        QVERIFY(generateDemo(*b, o).ok());
        o.seed = 43;
        QVERIFY(generateDemo(*c, o).ok());
        QCOMPARE(test::contentHash(*a), test::contentHash(*b));
        QVERIFY(test::contentHash(*a) != test::contentHash(*c));
    }

    void aSwitchOfLmoSplitsTheInstallBaseOnItsDay()
    {
        // One LMO unless asked: every license from LMO 1.
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE lmo_ref <> 1")), 0);

        auto db = newDatabase(m_dir.filePath(QStringLiteral("switch.sqlite")));
        QVERIFY(db);
        DemoOptions o;
        o.licenses = 5000;
        o.until = kUntil;
        o.switchLmoOn = kUntil.addYears(-1);
        auto r = generateDemo(*db, o);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        const QString day = o.switchLmoOn.toString(Qt::ISODate);
        QCOMPARE(number(*db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE lmo_ref = 2 AND install_date < '%1'").arg(day)), 0);
        QCOMPARE(number(*db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE lmo_ref = 1 AND install_date >= '%1'").arg(day)), 0);
        QVERIFY(number(*db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE lmo_ref = 2")) > 500);
        auto known = LmoRepository(db->connection()).all();
        QVERIFY(known.ok());
        QCOMPARE(known->size(), 2);
        QCOMPARE(known->at(0).replacedOn, o.switchLmoOn);
        QVERIFY(known->at(1).current && known->at(1).profile.designatedAt.isValid());
        QCOMPARE(known->at(1).profile.packages.size(), 5);
        QVERIFY(LmoRules::packageRefusals(known->at(1).profile.packages).isEmpty()); // valid 033 ids
        // The org summary knows which orgs have licenses from the new LMO.
        QCOMPARE(number(*db, QStringLiteral("SELECT COUNT(*) FROM subscribers WHERE (lmo_mask & 2) <> 0")),
                 number(*db, QStringLiteral("SELECT COUNT(DISTINCT org_id) FROM licenses WHERE lmo_ref = 2")));

        // A switch outside the history is refused, and nothing is written.
        auto other = newDatabase(m_dir.filePath(QStringLiteral("switch-bad.sqlite")));
        o.switchLmoOn = kUntil.addDays(1);
        QVERIFY(!generateDemo(*other, o).ok());
        QCOMPARE(number(*other, QStringLiteral("SELECT COUNT(*) FROM licenses")), 0);
    }

    void everyIdIsAValidSalesforceId()
    {
        QSqlQuery q(m_db->connection());
        QVERIFY(q.exec(QStringLiteral("SELECT sf_id, org_id, account_id, package_license_id FROM licenses")));
        int rows = 0;
        while (q.next()) {
            QCOMPARE(q.value(0).toString().size(), 18);
            QVERIFY(SalesforceId::parse(q.value(0).toString()).ok());
            const auto org = SalesforceId::parse(q.value(1).toString());
            QVERIFY(org.ok());
            QCOMPARE(org->keyPrefix(), QStringLiteral("00D"));
            if (!q.value(2).isNull())
                QCOMPARE(SalesforceId::fromString(q.value(2).toString()).keyPrefix(), QStringLiteral("001"));
            ++rows;
        }
        QCOMPARE(rows, 20000);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM packages WHERE package_id LIKE '033%'")), 5);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM package_versions WHERE version_id NOT LIKE '04t%'")), 0);
    }

    void namesFollowTheLmaAutoNumber()
    {
        QSqlQuery q(m_db->connection());
        QVERIFY(q.exec(QStringLiteral("SELECT name, install_date FROM licenses ORDER BY id LIMIT 2")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("L-00001"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("L-00002"));
        // Numbered in install order.
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses a JOIN licenses b ON b.id = a.id + 1 "
                                              "WHERE b.install_date < a.install_date")),
                 0);
    }

    void installsGrowAndFollowTheSeasons()
    {
        const qint64 lastYear = number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE install_date > '2025-11-01'"));
        const qint64 yearBefore = number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE install_date > '2024-11-01' "
                                                               "AND install_date <= '2025-11-01'"));
        QVERIFY2(lastYear > yearBefore * 1.2, qPrintable(QStringLiteral("%1 vs %2").arg(lastYear).arg(yearBefore)));
        const qint64 december = number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE install_date BETWEEN "
                                                             "'2024-12-01' AND '2024-12-31'"));
        const qint64 march = number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE install_date BETWEEN "
                                                          "'2025-03-01' AND '2025-03-31'"));
        QVERIFY2(march > december * 1.3, qPrintable(QStringLiteral("March %1, December %2").arg(march).arg(december)));
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE install_date > '2026-11-01'")), 0);
    }

    void statusesAndEditionsInPlausibleProportions()
    {
        auto s = computeInstallBaseStats(m_db->connection(), kUntil);
        QVERIFY(s.ok());
        auto share = [&](qint64 n) { return double(n) / double(s->licenses); };
        QVERIFY(share(s->byStatus.value(Status::Active)) > 0.25);
        QVERIFY(share(s->byStatus.value(Status::Trial)) > 0.05);
        QVERIFY(share(s->byStatus.value(Status::Uninstalled)) > 0.15 && share(s->byStatus.value(Status::Uninstalled)) < 0.6);
        QVERIFY(share(s->byStatus.value(Status::Suspended)) > 0.001 && share(s->byStatus.value(Status::Suspended)) < 0.05);
        QVERIFY(s->byEffectiveStatus.value(EffectiveStatus::Expired) > 0); // lapsed trials and terms
        QVERIFY(s->expiringWithin30Days > 0);
        QVERIFY(share(s->sandboxLicenses) > 0.05 && share(s->sandboxLicenses) < 0.3);
        // Trials that lapsed (still Trial, past their end) next to paid customers on a term.
        QVERIFY(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE status = 'Trial' AND expiration < '2026-11-01'")) > 0);
        QVERIFY(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE status = 'Active' AND is_sandbox = 0 "
                                              "AND org_edition NOT LIKE '%Developer%' AND seats > 0")) > 0);
        const qint64 enterprise = number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE org_edition = 'Enterprise Edition'"));
        const qint64 developer = number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE org_edition LIKE '%Developer Edition'"));
        QVERIFY(enterprise > developer);
        QVERIFY(developer > 0);
        QVERIFY(number(*m_db, QStringLiteral("SELECT COUNT(DISTINCT org_status) FROM licenses")) >= 5);
        QVERIFY(number(*m_db, QStringLiteral("SELECT COUNT(DISTINCT substr(org_instance, 1, 2)) FROM licenses")) >= 4);
    }

    void sandboxesAreSiteLicenses()
    {
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE is_sandbox = 1 AND seats <> -1")), 0);
        QVERIFY(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE is_sandbox = 1 AND org_instance LIKE 'CS%'")) > 0);
    }

    void seatsHaveALongTailAndUseMostlyBelowLicensed()
    {
        const qint64 seated = number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE seats > 0 AND status = 'Active'"));
        const qint64 median = number(*m_db, QStringLiteral("SELECT seats FROM licenses WHERE seats > 0 AND status = 'Active' "
                                                           "ORDER BY seats LIMIT 1 OFFSET %1").arg(seated / 2));
        const qint64 maximum = number(*m_db, QStringLiteral("SELECT MAX(seats) FROM licenses"));
        QVERIFY2(maximum > median * 50, qPrintable(QStringLiteral("max %1, median %2").arg(maximum).arg(median)));
        const qint64 over = number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE seats > 0 AND used_licenses > seats"));
        const qint64 under = number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE seats > 0 AND used_licenses <= seats"));
        QVERIFY(over > 0);
        QVERIFY2(under > over * 8, qPrintable(QStringLiteral("%1 over, %2 under").arg(over).arg(under)));
    }

    void versionsBelongToTheirPackageAndBetasExist()
    {
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses l JOIN package_versions v ON v.id = l.package_version_ref "
                                              "WHERE v.package_ref <> l.package_ref OR v.version_number <> l.version_number")),
                 0);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE package_version_ref IS NULL")), 0);
        QVERIFY(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM package_versions WHERE is_beta = 1")) >= 3);
        // Production orgs never run a beta.
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses l JOIN package_versions v ON v.id = l.package_version_ref "
                                              "WHERE v.is_beta = 1 AND l.is_sandbox = 0 AND l.org_edition NOT LIKE '%Developer%'")),
                 0);
        QVERIFY(number(*m_db, QStringLiteral("SELECT COUNT(DISTINCT version_number) FROM licenses")) > 20);
        // Live installs mostly run the latest release of their package: more of them on it than on
        // any older one, unless it came out in the last two weeks (upgrades take a while).
        QSqlQuery q(m_db->connection());
        QVERIFY(q.exec(QStringLiteral(
            "SELECT p.latest_version, (SELECT l.version_number FROM licenses l WHERE l.package_ref = p.id "
            "AND l.status <> 'Uninstalled' GROUP BY l.version_number ORDER BY COUNT(*) DESC LIMIT 1), "
            "v.release_date, (SELECT o.version_number FROM package_versions o WHERE o.package_ref = p.id AND o.is_beta = 0 "
            "AND o.sequence < v.sequence ORDER BY o.sequence DESC LIMIT 1) "
            "FROM packages p JOIN package_versions v ON v.package_ref = p.id AND v.version_number = p.latest_version")));
        int packages = 0;
        while (q.next()) {
            const QString latest = q.value(0).toString(), most = q.value(1).toString(), previous = q.value(3).toString();
            const bool recent = q.value(2).toString() > kUntil.addDays(-14).toString(Qt::ISODate);
            QVERIFY2(most == latest || (recent && most == previous),
                     qPrintable(QStringLiteral("most on %1, latest %2, before it %3").arg(most, latest, previous)));
            ++packages;
        }
        QCOMPARE(packages, 5);
    }

    void subscribersHoldSeveralPackages()
    {
        const qint64 orgs = number(*m_db, QStringLiteral("SELECT COUNT(DISTINCT org_id) FROM licenses"));
        QVERIFY(orgs < 20000);
        QVERIFY(orgs > 8000);
        QVERIFY(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM (SELECT org_id FROM licenses GROUP BY org_id HAVING COUNT(*) >= 3) x")) > 0);
    }

    // The History panel shows what happened to a license, and a past day's values are read back
    // from it: the old value of the first change after that day. So the rows must chain.
    void theAuditHistoryChainsToTheCurrentValues()
    {
        QVERIFY(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM audit_log")) > 20000);
        // Each row's old value is the previous row's new one (same license, same field).
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM (SELECT old_value, LAG(new_value) OVER w AS previous, "
                                              "ROW_NUMBER() OVER w AS n FROM audit_log WINDOW w AS (PARTITION BY record_type, "
                                              "record_ref, field ORDER BY changed_at, id)) x WHERE n > 1 AND old_value IS DISTINCT FROM previous")),
                 0);
        // The last row's new value is the license's value.
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY record_ref, field "
                                              "ORDER BY changed_at DESC, id DESC) AS n FROM audit_log) a "
                                              "JOIN licenses l ON l.id = a.record_ref WHERE a.n = 1 AND a.new_value IS DISTINCT FROM (%1)")
                                   .arg(QLatin1String(kCurrentValueSql))),
                 0);
        // Every row belongs to a license (as Modify License writes them), changes something,
        // and lies between its install and its last change, in working hours.
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM audit_log a LEFT JOIN licenses l ON l.id = a.record_ref "
                                              "WHERE a.record_type <> 'license' OR l.id IS NULL OR a.record_sf_id IS DISTINCT FROM l.sf_id "
                                              "OR a.old_value IS NOT DISTINCT FROM a.new_value OR DATE(a.changed_at) < l.install_date "
                                              "OR a.changed_at > l.last_modified OR %1 NOT BETWEEN 8 AND 17")
                                   .arg(hourOf(QStringLiteral("a.changed_at")))),
                 0);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE DATE(last_modified) > '2026-11-01'")), 0);
        // Values written as the app writes them.
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE field NOT IN ('Status', 'Seats', "
                                              "'Used Licenses', 'Expiration', 'Version Number')")),
                 0);
        // An upgrade goes to a later version of the license's own package, by the LMA.
        QVERIFY(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE field = 'Version Number'")) > 0);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM audit_log a JOIN licenses l ON l.id = a.record_ref "
                                              "WHERE a.field = 'Version Number' AND (a.source <> 'LMA' OR NOT EXISTS "
                                              "(SELECT 1 FROM package_versions v WHERE v.package_ref = l.package_ref "
                                              "AND v.version_number = a.old_value))")),
                 0);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE field = 'Status' AND (old_value NOT IN "
                                              "('Trial', 'Active', 'Suspended') OR new_value NOT IN ('Active', 'Suspended', 'Uninstalled'))")),
                 0);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE field IN ('Seats', 'Used Licenses') AND "
                                              "(CAST(CAST(old_value AS INTEGER) AS TEXT) IS DISTINCT FROM old_value "
                                              "OR CAST(CAST(new_value AS INTEGER) AS TEXT) IS DISTINCT FROM new_value)")),
                 0);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE field = 'Expiration' AND "
                                              "(CAST(DATE(old_value) AS TEXT) IS DISTINCT FROM old_value OR CAST(DATE(new_value) AS TEXT) IS DISTINCT FROM new_value)")),
                 0);
        // A license starts as a trial or active: its first status change starts from there.
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM (SELECT old_value, ROW_NUMBER() OVER (PARTITION BY record_ref "
                                              "ORDER BY changed_at, id) AS n FROM audit_log WHERE field = 'Status') x "
                                              "WHERE n = 1 AND old_value NOT IN ('Trial', 'Active')")),
                 0);
        // Every uninstall is in the log, once, by the LMA, and is the license's last change
        // (the dashboard counts uninstalls by it).
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses l WHERE l.status = 'Uninstalled' AND (SELECT COUNT(*) "
                                              "FROM audit_log a WHERE a.record_ref = l.id AND a.field = 'Status' AND a.new_value = "
                                              "'Uninstalled' AND a.changed_at = l.last_modified AND a.changed_by = 'License Management App' "
                                              "AND a.source = 'LMA') <> 1")),
                 0);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE source = 'Modify License' AND "
                                              "(changed_by = 'License Management App' OR %1 IN (0, 6))").arg(weekdayOf(QStringLiteral("changed_at")))),
                 0);
        QVERIFY(number(*m_db, QStringLiteral("SELECT COUNT(DISTINCT changed_by) FROM audit_log WHERE source = 'Modify License'")) >= 3);
    }

    void theAuditHistoryHasEveryKindOfChange_data()
    {
        QTest::addColumn<QString>("where");
        QTest::newRow("trial conversion") << QStringLiteral("field = 'Status' AND old_value = 'Trial' AND new_value = 'Active'");
        QTest::newRow("conversion's seats") << QStringLiteral("field = 'Seats' AND EXISTS (SELECT 1 FROM audit_log s WHERE "
                                                              "s.record_ref = audit_log.record_ref AND s.changed_at = audit_log.changed_at "
                                                              "AND s.field = 'Status' AND s.old_value = 'Trial')");
        QTest::newRow("renewal") << QStringLiteral("field = 'Expiration' AND old_value IS NOT NULL AND new_value = %1")
                                        .arg(test::onPostgres() ? QStringLiteral("CAST(CAST(CAST(old_value AS DATE) + INTERVAL '1 year' AS DATE) AS TEXT)")
                                                                : QStringLiteral("date(old_value, '+1 year')"));
        QTest::newRow("paid without end") << QStringLiteral("field = 'Expiration' AND new_value IS NULL");
        QTest::newRow("more seats") << QStringLiteral("field = 'Seats' AND CAST(new_value AS INTEGER) > CAST(old_value AS INTEGER)");
        QTest::newRow("fewer seats") << QStringLiteral("field = 'Seats' AND CAST(new_value AS INTEGER) < CAST(old_value AS INTEGER) "
                                                       "AND old_value <> '-1'");
        QTest::newRow("suspension") << QStringLiteral("field = 'Status' AND old_value = 'Active' AND new_value = 'Suspended'");
        QTest::newRow("reactivation") << QStringLiteral("field = 'Status' AND old_value = 'Suspended' AND new_value = 'Active'");
        QTest::newRow("uninstall of a trial") << QStringLiteral("field = 'Status' AND old_value = 'Trial' AND new_value = 'Uninstalled'");
        QTest::newRow("uninstall while suspended") << QStringLiteral("field = 'Status' AND old_value = 'Suspended' AND new_value = 'Uninstalled'");
        QTest::newRow("used licenses zeroed") << QStringLiteral("field = 'Used Licenses' AND new_value = '0' AND source = 'LMA'");
    }
    void theAuditHistoryHasEveryKindOfChange()
    {
        QFETCH(QString, where);
        QVERIFY(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE %1").arg(where)) > 10);
    }

    // The bulk writer the demo's history goes through writes what AuditLog::record writes, on
    // SQLite's fast path (32 rows a statement, then one at a time) and on the portable one.
    void theAuditWriterWritesWhatRecordWrites_data()
    {
        QTest::addColumn<bool>("portable");
        QTest::newRow("SQLite's C API") << false;
        QTest::newRow("QSqlQuery") << true;
    }
    void theAuditWriterWritesWhatRecordWrites()
    {
        QFETCH(bool, portable);
        auto one = newDatabase(m_dir.filePath(QStringLiteral("audit-one-%1.sqlite").arg(portable)));
        auto bulk = newDatabase(m_dir.filePath(QStringLiteral("audit-bulk-%1.sqlite").arg(portable)));
        QVERIFY(one && bulk);
        std::vector<AuditEntry> entries;
        for (int i = 0; i < 70; ++i) {
            AuditEntry e;
            e.changedAt = QDateTime(QDate(2026, 3, 2).addDays(i), QTime(9, i % 60, 5), Qt::UTC);
            e.changedBy = i % 7 == 0 ? QString() : QStringLiteral("Priya Raman"); // empty: the OS user
            e.recordType = QStringLiteral("license");
            e.recordRef = 1 + i / 3;
            e.recordSfId = i % 5 == 0 ? QString() : QStringLiteral("a0B5f0000004C95EAE");
            e.field = QStringLiteral("Expiration");
            e.oldValue = i % 2 ? QStringLiteral("2026-03-31") : QString(); // "does not expire": NULL
            e.newValue = QStringLiteral("Grüße %1").arg(i);
            e.source = QStringLiteral("Modify License");
            entries.push_back(e);
        }
        AuditLog log(one->connection());
        for (const AuditEntry &e : entries)
            QVERIFY(log.record(e).ok());
        {
            AuditWriter writer(*bulk, portable);
            for (const AuditEntry &e : entries)
                QVERIFY(writer.add(e).ok());
            // Two full statements; on a server the fast path keeps them all for one COPY.
            QCOMPARE(number(*bulk, QStringLiteral("SELECT COUNT(*) FROM audit_log")), !portable && test::onPostgres() ? 0 : 64);
            QVERIFY(writer.flush().ok());
            QCOMPARE(writer.written(), 70);
        }
        QCOMPARE(number(*bulk, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE old_value IS NULL")), 35);
        QCOMPARE(test::contentHash(*bulk), test::contentHash(*one));
    }

    // Events after the demo's last day have not happened yet: that day, and its month, look
    // like the others.
    void theLastDayIsLikeEveryOther_data()
    {
        QTest::addColumn<QDate>("until");
        QTest::newRow("a Friday") << QDate(2026, 5, 1);
        QTest::newRow("the 1st, a Monday") << QDate(2026, 6, 1);
        QTest::newRow("a Sunday") << kUntil;
    }
    void theLastDayIsLikeEveryOther()
    {
        QFETCH(QDate, until);
        auto db = newDatabase(m_dir.filePath(QStringLiteral("last-day-%1.sqlite").arg(until.toString(Qt::ISODate))));
        QVERIFY(db);
        DemoOptions o;
        o.licenses = 20000;
        o.until = until;
        auto r = generateDemo(*db, o);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        const QString day = until.toString(Qt::ISODate);
        QCOMPARE(number(*db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE DATE(last_modified) > '%1'").arg(day)), 0);
        QCOMPARE(number(*db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE DATE(changed_at) > '%1'").arg(day)), 0);

        // Licenses last changed, and audit rows, on the last day: no more than a few ordinary days'.
        const auto changed = perDay(*db, QStringLiteral("SELECT DATE(last_modified) AS d, COUNT(*) FROM licenses GROUP BY d"));
        const double typical = medianBefore(changed, until, 60);
        QVERIFY(typical > 10);
        QVERIFY2(double(changed.value(until)) <= 3 * typical,
                 qPrintable(QStringLiteral("%1 last changed on %2, a typical day %3").arg(changed.value(until)).arg(day).arg(typical)));
        const auto audited = perDay(*db, QStringLiteral("SELECT DATE(changed_at) AS d, COUNT(*) FROM audit_log GROUP BY d"));
        QVERIFY2(double(audited.value(until)) <= 3 * std::max(1.0, medianBefore(audited, until, 60)),
                 qPrintable(QStringLiteral("%1 audit rows on %2").arg(audited.value(until)).arg(day)));

        // Uninstalls in the last 30 days against the three 30 days before (installs, and so
        // uninstalls, grow some 3% a month).
        const auto uninstalls = perDay(*db, QStringLiteral("SELECT DATE(last_modified) AS d, COUNT(*) FROM licenses "
                                                           "WHERE status = 'Uninstalled' GROUP BY d"));
        auto window = [&](int k) {
            qint64 n = 0;
            for (int i = 0; i < 30; ++i)
                n += uninstalls.value(until.addDays(-30 * k - i));
            return double(n);
        };
        double before = 0;
        for (int k = 1; k <= 3; ++k)
            before += window(k) / 3;
        QVERIFY(before > 50);
        QVERIFY2(window(0) <= 1.35 * before && window(0) >= 0.75 * before,
                 qPrintable(QStringLiteral("%1 uninstalls in the last 30 days, %2 in a month before").arg(window(0)).arg(before)));
        // The last day's uninstalls are an ordinary day's.
        QVERIFY2(double(uninstalls.value(until)) <= 3 * std::max(1.0, medianBefore(uninstalls, until, 60)),
                 qPrintable(QStringLiteral("%1 uninstalls on %2").arg(uninstalls.value(until)).arg(day)));
    }

    // The demo's billing: most production licenses of two packages billed, each kind of
    // disagreement there, the money per month; made from the licenses by rule, so the same demo
    // bills the same; --replace leaves none of an earlier database's billing behind.
    void theDemoBillsTwoPackagesWithEveryKindOfFinding()
    {
        const qint64 subscriptions = number(*m_db, QStringLiteral("SELECT COUNT(*) FROM billing_subscriptions WHERE source = 'stripe-demo'"));
        QVERIFY2(subscriptions > 500, qPrintable(QString::number(subscriptions)));
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(DISTINCT p.name) FROM billing_subscriptions s JOIN licenses l ON l.org_id = s.org_id "
                                              "JOIN packages p ON p.id = l.package_ref AND s.plan LIKE lower(replace(p.name, ' ', '_')) || '%'")),
                 2);
        billing::ReconcileOptions options;
        options.asOf = kUntil;
        auto r = billing::reconcile(m_db->connection(), options);
        QVERIFY2(r, qPrintable(r ? QString() : r.error().message));
        QCOMPARE(r->subscriptions, subscriptions);
        for (const char *rule : billing::kRules)
            QVERIFY2(r->count(QLatin1String(rule)) > 0, rule);
        // Most agree: the findings about billed subscriptions are a minority of them.
        QVERIFY(r->count(QStringLiteral("seat_drift")) < subscriptions / 3);
        QVERIFY(r->money.at(QStringLiteral("USD")).mrr > 0);
        // An unlinked one is proposed its org by its customer's name.
        auto proposals = billing::proposeLinks(m_db->connection());
        QVERIFY(proposals);
        QVERIFY(!proposals->empty());
        QCOMPARE(proposals->front().by, billing::MatchBy::Name);

        auto other = newDatabase(m_dir.filePath(QStringLiteral("billing-replace.sqlite")));
        DemoOptions o;
        o.licenses = 3000;
        o.until = kUntil;
        auto first = generateDemo(*other, o);
        QVERIFY(first.ok());
        QCOMPARE(number(*other, QStringLiteral("SELECT COUNT(*) FROM billing_subscriptions")), first->billingSubscriptions);
        QVERIFY(billing::setPlanPackage(other->connection(), QStringLiteral("stripe-demo"), QStringLiteral("bundle"),
                                        QStringLiteral("Ledgerly CPQ"), QStringLiteral("t")));
        o.replace = true;
        o.seed = 9;
        auto second = generateDemo(*other, o);
        QVERIFY2(second.ok(), qPrintable(second.ok() ? QString() : second.error().message));
        QCOMPARE(number(*other, QStringLiteral("SELECT COUNT(*) FROM billing_subscriptions")), second->billingSubscriptions);
        QCOMPARE(number(*other, QStringLiteral("SELECT COUNT(*) FROM billing_plan_packages")), 0);
        QCOMPARE(number(*other, QStringLiteral("SELECT COUNT(*) FROM billing_subscriptions s WHERE s.org_id IS NOT NULL AND NOT EXISTS "
                                               "(SELECT 1 FROM licenses l WHERE l.org_id = s.org_id)")),
                 0);
    }

    void refusesADatabaseWithDataUnlessReplacing()
    {
        DemoOptions o;
        o.licenses = 100;
        o.until = kUntil;
        const QByteArray before = test::contentHash(*m_db);
        auto r = generateDemo(*m_db, o);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(QStringLiteral("--replace")));
        QCOMPARE(test::contentHash(*m_db), before);

        auto other = newDatabase(m_dir.filePath(QStringLiteral("replace.sqlite")));
        QVERIFY(test::writeStatsFixture(*other));
        o.replace = true;
        QVERIFY(generateDemo(*other, o).ok());
        QCOMPARE(number(*other, QStringLiteral("SELECT COUNT(*) FROM licenses")), 100);
        QCOMPARE(number(*other, QStringLiteral("SELECT COUNT(*) FROM packages WHERE name LIKE 'Package %'")), 0);
    }

    void cancellingLeavesTheDatabaseAsItWas()
    {
        auto db = newDatabase(m_dir.filePath(QStringLiteral("cancel.sqlite")));
        QVERIFY(test::writeStatsFixture(*db));
        const QByteArray before = test::contentHash(*db);
        DemoOptions o;
        o.licenses = 50000;
        o.replace = true;
        o.until = kUntil;
        qint64 calls = 0;
        auto r = generateDemo(*db, o, [&](qint64 done, qint64 total) {
            ++calls;
            return done < total / 2; // the user presses Cancel half-way
        });
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::Cancelled);
        QVERIFY(calls >= 2);
        QCOMPARE(test::contentHash(*db), before);
        // The indexes dropped for the load are back.
        QSqlQuery q(db->connection());
        QVERIFY(q.prepare(db->dialect().listIndexesSql()));
        q.bindValue(QStringLiteral(":table"), QStringLiteral("licenses"));
        QVERIFY(q.exec());
        QStringList indexes;
        while (q.next())
            indexes << q.value(0).toString();
        QVERIFY(indexes.contains(QStringLiteral("licenses_status")));
    }

    // A new file is written under a private name beside it and moved into place when complete:
    // until then nothing is at the path (no one opens a half-written demo), and the file that
    // arrives is an ordinary database, in WAL mode, with nothing of the private name left.
    void aNewFileIsWrittenAsideAndMovedIntoPlace()
    {
        const QString folder = m_dir.filePath(QStringLiteral("aside/deeper"));
        const QString path = folder + QStringLiteral("/demo.sqlite");
        auto partials = [&folder] {
            return QDir(folder).entryList({QStringLiteral(".demo.sqlite.*")}, QDir::Files | QDir::Hidden);
        };
        DemoOptions o;
        o.licenses = 3000;
        o.until = kUntil;
        int calls = 0;
        bool absentMeanwhile = true;
        qsizetype partialsMeanwhile = -1;
        auto r = generateDemoAt(path, o, [&](qint64, qint64) {
            ++calls;
            absentMeanwhile = absentMeanwhile && !QFileInfo::exists(path);
            partialsMeanwhile = partials().filter(QStringLiteral(".partial")).size();
            return true;
        });
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QVERIFY(calls >= 1);
        QVERIFY(absentMeanwhile);
        QCOMPARE(partialsMeanwhile, 1);
        QVERIFY2(partials().isEmpty(), qPrintable(partials().join(u' ')));
        // Its mode is any new database file's (not a private file's owner-only one): an SQLite
        // file whatever the backend under test, as the demo's is.
        const QString plain = folder + QStringLiteral("/plain.sqlite");
        Database::OpenOptions create;
        create.create = true;
        QVERIFY(Database::open(plain, create));
        QVERIFY(QFileInfo::exists(plain));
        QCOMPARE(QFileInfo(path).permissions(), QFileInfo(plain).permissions());
        QVERIFY(!QFileInfo::exists(path + QStringLiteral("-journal")));
        auto db = Database::open(path, Database::OpenOptions());
        QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : db.error().message));
        QCOMPARE(number(*db.value(), QStringLiteral("SELECT COUNT(*) FROM licenses")), 3000);
        QCOMPARE(number(*db.value(), QStringLiteral("SELECT COUNT(*) FROM subscribers")), r->subscriberOrgs);
        QSqlQuery mode(db.value()->connection());
        QVERIFY(mode.exec(QStringLiteral("PRAGMA journal_mode")) && mode.next());
        QCOMPARE(mode.value(0).toString(), QStringLiteral("wal"));
        mode.finish();
        QSqlQuery check(db.value()->connection());
        QVERIFY(check.exec(QStringLiteral("PRAGMA integrity_check")) && check.next());
        QCOMPARE(check.value(0).toString(), QStringLiteral("ok"));
    }

    // A file that appears at the path while the demo is written is someone else's: it is left as
    // it is, the demo says so, and nothing of the demo is left beside it. A cancelled demo leaves
    // nothing at all, the folder it made included.
    void aFileMadeMeanwhileIsLeftAlone()
    {
        const QString path = m_dir.filePath(QStringLiteral("meanwhile.sqlite"));
        DemoOptions o;
        o.licenses = 3000;
        o.until = kUntil;
        auto r = generateDemoAt(path, o, [&](qint64, qint64) {
            if (!QFileInfo::exists(path)) {
                QFile other(path);
                if (other.open(QIODevice::WriteOnly))
                    other.write("another program's file");
            }
            return true;
        });
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::Io);
        QVERIFY2(r.error().message.contains(QStringLiteral("created by another program")), qPrintable(r.error().message));
        QFile other(path);
        QVERIFY(other.open(QIODevice::ReadOnly));
        QCOMPARE(other.readAll(), QByteArray("another program's file"));
        QVERIFY(QDir(m_dir.path()).entryList({QStringLiteral(".meanwhile.sqlite.*")}, QDir::Files | QDir::Hidden).isEmpty());

        const QString folder = m_dir.filePath(QStringLiteral("cancelled-new"));
        auto cancelled = generateDemoAt(folder + QStringLiteral("/demo.sqlite"), o, [](qint64 done, qint64 total) {
            return done < total / 2;
        });
        QVERIFY(!cancelled.ok());
        QCOMPARE(cancelled.error().code, Error::Code::Cancelled);
        QVERIFY(!QFileInfo::exists(folder));
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;
};

QTEST_GUILESS_MAIN(TestDemo)
#include "tst_demo.moc"
