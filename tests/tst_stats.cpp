#include "fixtures.h"

#include "metrics/dashboardmetrics.h"
#include "metrics/installbasestats.h"
#include "storage/licenserepository.h"
#include "storage/values.h"

#include <QJsonObject>
#include <QSqlError>
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
        auto empty = Database::open(test::location(dir.filePath(QStringLiteral("empty.sqlite"))), o);
        QVERIFY(empty.ok());
        auto r = computeInstallBaseStats(empty.value()->connection(), QDate(2026, 1, 1));
        QVERIFY(r.ok());
        const QJsonObject json = r->toJson();
        const QStringList keys{u"as_of"_s, u"licenses"_s, u"packages"_s, u"subscriber_orgs"_s, u"by_status"_s,
                               u"by_effective_status"_s, u"sandbox_licenses"_s, u"site_licenses"_s,
                               u"perpetual_licenses"_s, u"seats_licensed"_s, u"seats_used"_s,
                               u"expiring_within_30_days"_s, u"as_of_reconstructed"_s, u"as_of_unknown"_s,
                               u"as_of_undated"_s, u"as_of_changed"_s, u"as_of_note"_s};
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

    // As of a past day: the licenses installed by then, as they were then (the audit log's first
    // change after the day holds what each field was), and a note of what the data cannot say.
    void aPastDayCountsOnlyWhatWasInstalledThen()
    {
        QTemporaryDir dir;
        auto db = test::createFixtureDatabase(dir.filePath(QStringLiteral("past.sqlite")));
        QVERIFY(db);
        QSqlQuery q(db->connection());
        QVERIFY(q.exec(QStringLiteral("UPDATE licenses SET last_modified = '2025-06-01T12:00:00.000Z'")));
        // Installs run 2025-01-11 (L-00001) to 2025-05-31 (L-00015), ten days apart.
        InstallBaseFilter f;
        f.asOf = QDate(2025, 3, 1);
        auto r = computeInstallBaseStats(db->connection(), f);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->licenses, 5); // L-00001 .. L-00005
        QCOMPARE(r->subscriberOrgs, 3);
        QCOMPARE(r->byStatus.value(Status::Active), 3);
        QCOMPARE(r->byStatus.value(Status::Trial), 2);
        QCOMPARE(r->byStatus.value(Status::Uninstalled), 0);
        QVERIFY(r->reconstructed);
        // They all changed on 2025-06-01 and no history says how: the page says so.
        QCOMPARE(r->asOfUnknown, 5);
        QVERIFY(r->asOfCaveat().startsWith(QStringLiteral("5 licenses changed after 2025-03-01")));

        f.asOf = QDate(2025, 1, 10); // the day before the first install
        r = computeInstallBaseStats(db->connection(), f);
        QVERIFY(r.ok());
        QCOMPARE(r->licenses, 0);
        QCOMPARE(r->packages, 0);
        QCOMPARE(r->subscriberOrgs, 0);
    }

    void aPastDayTakesEachLicenseAsItWasThen()
    {
        QTemporaryDir dir;
        auto db = test::createFixtureDatabase(dir.filePath(QStringLiteral("history.sqlite")));
        QVERIFY(db);
        QSqlQuery q(db->connection());
        QVERIFY(q.exec(QStringLiteral("UPDATE licenses SET last_modified = '2025-06-01T12:00:00.000Z'")));
        auto audit = [&](const char *name, const char *field, const char *from, const char *to, const char *at) {
            QSqlQuery a(db->connection());
            a.prepare(QStringLiteral("INSERT INTO audit_log (changed_at, changed_by, record_type, record_ref, record_sf_id, field, "
                                     "old_value, new_value, source) SELECT ?, 'ops', 'license', id, sf_id, ?, ?, ?, 'test' "
                                     "FROM licenses WHERE name = ?"));
            a.addBindValue(QString::fromLatin1(at));
            a.addBindValue(QString::fromLatin1(field));
            a.addBindValue(QString::fromLatin1(from));
            a.addBindValue(QString::fromLatin1(to));
            a.addBindValue(QString::fromLatin1(name));
            QVERIFY(a.exec());
            QCOMPARE(a.numRowsAffected(), 1);
        };
        // L-00009, Uninstalled now, was Active until 2026-02-01; its last change came later.
        audit("L-00009", "Status", "Active", "Uninstalled", "2026-02-01T10:00:00.000Z");
        QVERIFY(q.exec(QStringLiteral("UPDATE licenses SET last_modified = '2026-03-10T09:00:00.000Z' WHERE name = 'L-00009'")));
        // L-00001 had 5 seats to 2027's renewal on 2026-03-01 (10 seats, expiring 2027-01-01 now).
        audit("L-00001", "Seats", "5", "10", "2026-03-01T09:00:00.000Z");
        audit("L-00001", "Expiration", "2026-01-01", "2027-01-01", "2026-03-01T09:00:00.000Z");
        audit("L-00001", "Used Licenses", "4", "8", "2026-03-01T09:00:00.000Z");
        audit("L-00001", "Version Number", "0.9", "1.0", "2026-03-01T09:00:00.000Z"); // upgraded then
        // L-00010, Uninstalled, changed on 2026-04-01 and nothing says when or from what.
        QVERIFY(q.exec(QStringLiteral("UPDATE licenses SET last_modified = '2026-04-01T09:00:00.000Z' WHERE name = 'L-00010'")));
        // L-00015, Uninstalled, last changed 2025-06-01: uninstalled before the day.

        InstallBaseFilter f;
        f.asOf = QDate(2026, 1, 1);
        auto r = computeInstallBaseStats(db->connection(), f);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r->licenses, 15);
        QCOMPARE(r->byStatus.value(Status::Uninstalled), 1);       // L-00015 only
        QCOMPARE(r->byStatus.value(Status::Active), 7 + 2);         // and L-00009, L-00010
        QCOMPARE(r->byEffectiveStatus.value(EffectiveStatus::Expired), 1); // L-00009 expired 2025-12-31
        // 215 now, less L-00001's 5 seats since, plus L-00009's 50 (installed then).
        QCOMPARE(r->seatsLicensed, 215 - 10 + 5 + 50);
        QCOMPARE(r->seatsUsed, 149 - 8 + 4 + 7 + 12);
        QCOMPARE(r->expiringWithin30Days, 1); // L-00001 on 2026-01-01 itself
        QCOMPARE(r->asOfUnknown, 1);          // L-00010
        QCOMPARE(r->asOfUndated, 0);
        QVERIFY2(r->asOfCaveat().startsWith(QStringLiteral("1 license changed after 2026-01-01")), qPrintable(r->asOfCaveat()));
        QVERIFY(r->toText().contains(QStringLiteral("Note: 1 license changed after 2026-01-01")));

        // The dashboard counts the same, in its own pass.
        auto m = computeDashboard(db->connection(), f);
        QVERIFY2(m.ok(), qPrintable(m.ok() ? QString() : m.error().message));
        QCOMPARE(m->stats.toJson(), r->toJson());
        // The version it had then.
        const ChartData &versions = m->chart(ChartId::VersionAdoption);
        const qsizetype old = versions.categories.indexOf(QStringLiteral("Package A 0.9"));
        QVERIFY2(old >= 0, qPrintable(versions.categories.join(u", "_s)));
        QCOMPARE(versions.series[0].values[size_t(old)], 1);

        // Uninstalls by the day the audit log says (2026-02), not the last change (2026-03).
        f.asOf = QDate::currentDate();
        m = computeDashboard(db->connection(), f);
        QVERIFY(m.ok());
        const ChartData &chart = m->chart(ChartId::InstallsByMonth);
        const qsizetype feb = chart.categories.indexOf(QStringLiteral("2026-02"));
        const qsizetype mar = chart.categories.indexOf(QStringLiteral("2026-03"));
        if (feb >= 0) { // within the chart's 24 months of today
            QCOMPARE(chart.series[1].values[size_t(feb)], 1);
            QCOMPARE(chart.series[1].values[size_t(mar)], 0);
        }
        QVERIFY(!m->stats.reconstructed);
        QVERIFY(m->stats.asOfCaveat().isEmpty());
    }

    void aPastDayLeavesOutLicensesWithoutAnInstallDate()
    {
        QTemporaryDir dir;
        auto db = test::createFixtureDatabase(dir.filePath(QStringLiteral("undated.sqlite")));
        QVERIFY(db);
        QSqlQuery q(db->connection());
        QVERIFY(q.exec(QStringLiteral("UPDATE licenses SET install_date = NULL WHERE name IN ('L-00002', 'L-00003')")));
        InstallBaseFilter f;
        f.asOf = test::kFixtureAsOf;
        auto r = computeInstallBaseStats(db->connection(), f);
        QVERIFY(r.ok());
        QCOMPARE(r->licenses, 13);
        QCOMPARE(r->asOfUndated, 2);
        QCOMPARE(r->asOfCaveat(), QStringLiteral("2 licenses without an install date are left out."));
        auto m = computeDashboard(db->connection(), f);
        QVERIFY(m.ok());
        QCOMPARE(m->stats.toJson(), r->toJson());
        // Today they are all counted: they are in the LMO now.
        f.asOf = QDate();
        r = computeInstallBaseStats(db->connection(), f);
        QVERIFY(r.ok());
        QCOMPARE(r->licenses, 15);
        QCOMPARE(r->asOfUndated, 0);
    }

    // The uninstall days (today's, and a past day's, before the day after) are read through the
    // partial index of the uninstalls (schema 17), whose WHERE is the reads' own: no other audit
    // row is read. On a server, sequential scans are priced out, as a large log does.
    void theUninstallDaysAreReadThroughTheirIndex()
    {
        InstallBaseFilter past;
        past.asOf = test::kFixtureAsOf;
        const QString pastSql = u"SELECT MAX(s.uninstall_day), MAX(s.status) FROM %1 s"_s.arg(past.sourceSql()).replace(u":f_next_day"_s, u"'2026-06-16'"_s);
        QVERIFY(pastSql.contains(u"new_value = 'Uninstalled' AND changed_at < '2026-06-16'"_s));
        const bool server = m_db->dialect().kind() == Dialect::Kind::PostgreSQL;
        QSqlQuery q(m_db->connection());
        if (server)
            QVERIFY(q.exec(u"SET enable_seqscan = off"_s));
        for (const QString &sql : {auditUninstallDaysSql(), pastSql}) {
            QVERIFY2(q.exec((server ? u"EXPLAIN "_s : u"EXPLAIN QUERY PLAN "_s) + sql), qPrintable(q.lastError().text()));
            QString plan;
            while (q.next())
                plan += q.value(server ? 0 : 3).toString() + u'\n';
            QVERIFY2(plan.contains(u"audit_log_uninstalls"_s), qPrintable(sql + u"\n"_s + plan));
        }
        if (server)
            QVERIFY(q.exec(u"RESET enable_seqscan"_s));
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_db;
};

QTEST_GUILESS_MAIN(TestStats)
#include "tst_stats.moc"
