#include "fixtures.h"

#include "metrics/installbasestats.h"
#include "storage/licenserepository.h"
#include "storage/values.h"

#include <QJsonObject>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace lmo;
using namespace Qt::Literals::StringLiterals;

// The fixture (tests/support/fixtures.cpp), as of 2026-06-15, worked out by hand:
//
//  #   org  pkg status       seats used expiration  sandbox  effective  expiring<=30d
//  1   1    A   Active          10    8 2027-01-01           Active
//  2   1    B   Active        site   40 never                Active
//  3   2    A   Trial            5    2 2026-06-15           Trial      yes (as_of itself)
//  4   2    B   Trial            5    1 2026-06-14           Expired
//  5   3    A   Active          20   25 2026-07-15           Active     yes (as_of + 30)
//  6   3    B   Active         100   50 2026-07-16           Active     no  (as_of + 31)
//  7   4    A   Active        site    3 never        yes     Active
//  8   5    A   Suspended       30    0 2026-01-01           Suspended
//  9   5    B   Uninstalled     50    7 2025-12-31           Uninstalled
// 10   6    A   Uninstalled   site   12 never        yes     Uninstalled
// 11   7    A   Active          15   15 2026-06-01           Expired
// 12   7*   B   Trial           10    0 2026-07-01           Trial      yes
// 13   a    A   Suspended        8    2 2026-06-20           Suspended  no  (suspended)
// 14   A    A   Active          12    3 1970-01-01 (never)   Active     no  (perpetual)
// 15   A    B   Uninstalled      7    1 2026-06-25           Uninstalled no (uninstalled)
//  (* org 7 written in its 18-character form; orgs "a" and "A" are 00D00000000000a and
//   00D00000000000A, two orgs; package C has no licenses)
//
// licenses 15; packages 2; subscriber orgs 9 (1-7, a, A)
// by status: Active 7 (1,2,5,6,7,11,14), Trial 3 (3,4,12), Suspended 2 (8,13), Uninstalled 3 (9,10,15)
// effective: Active 6 (1,2,5,6,7,14), Trial 2 (3,12), Suspended 2, Uninstalled 3, Expired 2 (4,11)
// sandbox 2 (7,10); site 3 (2,7,10); perpetual 4 (2,7,10,14)
// seats licensed = 10+5+5+20+100+30+15+10+8+12 = 215 (no site licenses; not 9, 15)
// seats used = 8+40+2+1+25+50+3+0+15+0+2+3 = 149 (all but 9, 10, 15)
// expiring within 30 days = 3 (3, 5, 12)
class TestStats : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = test::createFixtureDatabase(m_dir.filePath(QStringLiteral("stats.sqlite")));
        QVERIFY(m_db);
    }
    void cleanupTestCase() { m_db.reset(); }

    void everyFigureOnTheFixture()
    {
        auto r = computeInstallBaseStats(m_db->connection(), test::kFixtureAsOf);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        const InstallBaseStats &s = r.value();
        QCOMPARE(s.asOf, test::kFixtureAsOf);
        QCOMPARE(s.licenses, 15);
        QCOMPARE(s.packages, 2);
        QCOMPARE(s.subscriberOrgs, 9);
        QCOMPARE(s.byStatus.value(Status::Active), 7);
        QCOMPARE(s.byStatus.value(Status::Trial), 3);
        QCOMPARE(s.byStatus.value(Status::Suspended), 2);
        QCOMPARE(s.byStatus.value(Status::Uninstalled), 3);
        QCOMPARE(s.byEffectiveStatus.value(EffectiveStatus::Active), 6);
        QCOMPARE(s.byEffectiveStatus.value(EffectiveStatus::Trial), 2);
        QCOMPARE(s.byEffectiveStatus.value(EffectiveStatus::Suspended), 2);
        QCOMPARE(s.byEffectiveStatus.value(EffectiveStatus::Uninstalled), 3);
        QCOMPARE(s.byEffectiveStatus.value(EffectiveStatus::Expired), 2);
        QCOMPARE(s.sandboxLicenses, 2);
        QCOMPARE(s.siteLicenses, 3);
        QCOMPARE(s.perpetualLicenses, 4);
        QCOMPARE(s.seatsLicensed, 215);
        QCOMPARE(s.seatsUsed, 149);
        QCOMPARE(s.expiringWithin30Days, 3);
    }

    void theDayAfterMovesTheBoundaries()
    {
        // On 2026-06-16 license 3 has expired, and license 6 enters the 30-day window (13 and 15,
        // suspended and uninstalled, stay out of it).
        auto r = computeInstallBaseStats(m_db->connection(), test::kFixtureAsOf.addDays(1));
        QVERIFY(r.ok());
        QCOMPARE(r->byEffectiveStatus.value(EffectiveStatus::Trial), 1);
        QCOMPARE(r->byEffectiveStatus.value(EffectiveStatus::Expired), 3);
        QCOMPARE(r->expiringWithin30Days, 3); // 5, 6, 12
        // Stored status does not depend on the day.
        QCOMPARE(r->byStatus.value(Status::Trial), 3);
    }

    void jsonHasEveryKeyEvenWhenZero()
    {
        QTemporaryDir dir;
        Database::OpenOptions o;
        o.create = true;
        auto empty = Database::open(dir.filePath(QStringLiteral("empty.sqlite")), o);
        QVERIFY(empty.ok());
        auto r = computeInstallBaseStats(empty.value()->connection(), QDate(2026, 1, 1));
        QVERIFY(r.ok());
        const QJsonObject json = r->toJson();
        const QStringList keys{u"as_of"_s, u"licenses"_s, u"packages"_s, u"subscriber_orgs"_s, u"by_status"_s,
                               u"by_effective_status"_s, u"sandbox_licenses"_s, u"site_licenses"_s,
                               u"perpetual_licenses"_s, u"seats_licensed"_s, u"seats_used"_s,
                               u"expiring_within_30_days"_s};
        QCOMPARE(json.keys().size(), keys.size());
        for (const QString &k : keys)
            QVERIFY2(json.contains(k), qPrintable(k));
        QCOMPARE(json.value(QStringLiteral("as_of")).toString(), QStringLiteral("2026-01-01"));
        QCOMPARE(json.value(QStringLiteral("licenses")).toInt(-1), 0);
        const QJsonObject byStatus = json.value(QStringLiteral("by_status")).toObject();
        for (const char *k : {"Active", "Trial", "Suspended", "Uninstalled"})
            QCOMPARE(byStatus.value(QLatin1String(k)).toInt(-1), 0);
        const QJsonObject byEffective = json.value(QStringLiteral("by_effective_status")).toObject();
        QCOMPARE(byEffective.keys().size(), 5);
        for (const char *k : {"Active", "Trial", "Suspended", "Uninstalled", "Expired"})
            QCOMPARE(byEffective.value(QLatin1String(k)).toInt(-1), 0);
    }

    void jsonCarriesTheFixtureFigures()
    {
        auto r = computeInstallBaseStats(m_db->connection(), test::kFixtureAsOf);
        QVERIFY(r.ok());
        const QJsonObject json = r->toJson();
        QCOMPARE(json.value(QStringLiteral("seats_licensed")).toInt(), 215);
        QCOMPARE(json.value(QStringLiteral("by_effective_status")).toObject().value(QStringLiteral("Expired")).toInt(), 2);
        QCOMPARE(json.value(QStringLiteral("subscriber_orgs")).toInt(), 9);
        const QString text = r->toText();
        QVERIFY(text.contains(QStringLiteral("Seats licensed")));
        QVERIFY(text.contains(QStringLiteral("215")));
        QVERIFY(text.contains(QStringLiteral("2026-06-15")));
    }

    void sqlRuleAgreesWithTheDomainRule_data()
    {
        QTest::addColumn<QDate>("asOf");
        for (int offset : {-400, -2, -1, 0, 1, 2, 30, 31, 200, 400})
            QTest::newRow(qPrintable(QStringLiteral("as of +%1").arg(offset))) << test::kFixtureAsOf.addDays(offset);
    }
    void sqlRuleAgreesWithTheDomainRule()
    {
        QFETCH(QDate, asOf);
        QSqlQuery q(m_db->connection());
        q.prepare(QStringLiteral("SELECT sf_id, %1 FROM licenses").arg(effectiveStatusSql(QStringLiteral(":as_of"))));
        q.bindValue(QStringLiteral(":as_of"), dateToSql(asOf));
        QVERIFY(q.exec());
        LicenseRepository repo(*m_db);
        int checked = 0;
        while (q.next()) {
            auto l = repo.findById(SalesforceId::fromString(q.value(0).toString()));
            QVERIFY(l.ok() && l->has_value());
            QCOMPARE(q.value(1).toString(), statusName((*l)->effectiveStatusOn(asOf)));
            ++checked;
        }
        QCOMPARE(checked, 15);
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;
};

QTEST_GUILESS_MAIN(TestStats)
#include "tst_stats.moc"
