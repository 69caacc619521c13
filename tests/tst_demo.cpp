#include "fixtures.h"

#include "demo/demogenerator.h"
#include "lmo/lmoprofile.h"
#include "metrics/installbasestats.h"
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
    auto db = Database::open(path, o);
    return db ? std::move(db.value()) : nullptr;
}

qint64 number(Database &db, const QString &sql)
{
    QSqlDatabase c = db.connection();
    auto r = queryNumber(c, sql, QStringLiteral("test"));
    return r ? r.value() : -1;
}

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
        // any older one.
        QSqlQuery q(m_db->connection());
        QVERIFY(q.exec(QStringLiteral(
            "SELECT p.latest_version, (SELECT l.version_number FROM licenses l WHERE l.package_ref = p.id "
            "AND l.status <> 'Uninstalled' GROUP BY l.version_number ORDER BY COUNT(*) DESC LIMIT 1) FROM packages p")));
        int packages = 0;
        while (q.next()) {
            QCOMPARE(q.value(1).toString(), q.value(0).toString());
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
        QCOMPARE(number(*db, QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'licenses_status'")), 1);
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;
};

QTEST_GUILESS_MAIN(TestDemo)
#include "tst_demo.moc"
