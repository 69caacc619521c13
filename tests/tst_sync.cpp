// Live sync from the LMO: the real client and sync against the fake Salesforce on 127.0.0.1
// (tests/support/fakesalesforce.h), on SQLite and on the test server. Sign-in (PKCE, a code that
// arrives encoded once), the full load (REST pages under 2,000 records, Bulk 2.0 with locators),
// increments (queryAll, deletions, records changing between syncs, the lookback, an older record
// never overwriting a newer one), the org's limits and reserve, a 401, a 503, an expired refresh
// token, an interrupted sync that the next one finishes, an org without some fields, the wrong
// org, the seed's worst mistakes, the command line (env token, the Salesforce CLI path).
#include "fakesalesforce.h"
#include "fixtures.h"

#include "domain/salesforceid.h"
#include "lmo/lmoprofile.h"
#include "storage/auditlog.h"
#include "storage/database.h"
#include "storage/licenserepository.h"
#include "sync/orgsync.h"
#include "sync/sfauth.h"
#include "sync/sfclient.h"
#include "sync/sforg.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QUrlQuery>
#include <QTest>

using namespace lmo;
using lmo::test::FakeSalesforce;

namespace {

const QString kLicense = QStringLiteral("sfLma__License__c");

struct Run
{
    int code = -1;
    QString out, err;
};

Run lmodesk(const QStringList &args, const QProcessEnvironment &env)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(LMODESK_BINARY), args);
    Run r;
    if (!p.waitForFinished(-1))
        return r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

qint64 number(Database &db, const QString &sql)
{
    QSqlQuery q(db.connection());
    if (!q.exec(sql) || !q.next())
        return -1;
    return q.value(0).toLongLong();
}

QString text(Database &db, const QString &sql)
{
    QSqlQuery q(db.connection());
    if (!q.exec(sql) || !q.next())
        return QStringLiteral("(none)");
    return q.value(0).toString();
}

} // namespace

class TestSync : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_n = 0;
    std::unique_ptr<FakeSalesforce> m_sf;
    std::unique_ptr<Database> m_db;

    // A fresh fake org (3 packages, `licenses` licenses) and a fresh database.
    void fresh(int licenses = 450)
    {
        m_sf = std::make_unique<FakeSalesforce>();
        QString why;
        QVERIFY2(m_sf->start(&why), qPrintable(why));
        // The org's clock stands still unless a test moves it: what the records and the Date
        // header say does not depend on how long the machine takes.
        m_sf->setNow(QDateTime::currentDateTimeUtc());
        m_sf->seed(3, licenses);
        Database::OpenOptions o;
        o.create = true;
        auto db = Database::open(test::location(m_dir.filePath(QStringLiteral("sync%1.db").arg(++m_n))), o);
        QVERIFY2(db, db ? "" : qPrintable(db.error().message));
        m_db = std::move(db.value());
    }

    SyncOptions options()
    {
        SyncOptions o;
        o.queryBatchSize = 200;
        o.bulkThreshold = 100'000;
        o.bulkPollMs = 10;
        o.changedBy = QStringLiteral("tester");
        return o;
    }

    sf::ClientOptions clientOptions()
    {
        sf::ClientOptions c;
        c.firstBackoffMs = 10;
        c.timeoutMs = 60'000;
        return c;
    }

    Result<SyncReport> syncOnce(sf::TokenSource &tokens, const SyncOptions &o, sf::ClientOptions c = {})
    {
        if (c.firstBackoffMs == 1000)
            c = clientOptions();
        sf::Client client(tokens, c);
        return syncFromOrg(*m_db, client, o);
    }

    Result<SyncReport> syncOnce(const SyncOptions &o)
    {
        sf::FixedTokenSource tokens(QUrl(m_sf->url()), m_sf->validAccessToken(), QStringLiteral("the test"));
        return syncOnce(tokens, o);
    }

    const ObjectSync *objectOf(const SyncReport &r, const QString &label)
    {
        for (const ObjectSync &o : r.objects)
            if (o.label == label)
                return &o;
        return nullptr;
    }

    QProcessEnvironment env()
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("LMODESK_SECRET_STORE"), QStringLiteral("memory"));
        e.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        return e;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
    }

    void pkceAndLimitInfo()
    {
        // RFC 7636, appendix B.
        QCOMPARE(sf::Pkce::challengeOf(QStringLiteral("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")),
                 QStringLiteral("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
        const sf::Pkce p = sf::Pkce::make();
        QCOMPARE(p.verifier.size(), 64);
        QCOMPARE(p.challenge, sf::Pkce::challengeOf(p.verifier));
        QVERIFY(sf::Pkce::make().verifier != p.verifier);
        const sf::ApiUsage u = sf::parseLimitInfo("api-usage=10018/100000");
        QCOMPARE(u.used, 10018);
        QCOMPARE(u.max, 100000);
        QCOMPARE(u.left(), 89982);
        QCOMPARE(sf::parseLimitInfo("api-usage=25/5000, per-app-api-usage=17/250(appName=sample)").used, 25);
        QVERIFY(!sf::parseLimitInfo("garbage").known());
        QCOMPARE(sf::formBody({{QStringLiteral("code"), QStringLiteral("aPrx==+/")}}), QByteArray("code=aPrx%3D%3D%2B%2F"));
        QCOMPARE(sf::loginUrlFor(QStringLiteral("test")).toString(), QStringLiteral("https://test.salesforce.com"));
        QCOMPARE(sf::loginUrlFor(QStringLiteral("acme.my.salesforce.com")).toString(), QStringLiteral("https://acme.my.salesforce.com"));
        QVERIFY(!sf::loginUrlFor(QStringLiteral("ftp://x")).isValid());
    }

    void fieldsFollowTheDescribe()
    {
        QHash<QString, QString> rel{{QStringLiteral("sflma__package__r"), QStringLiteral("sfLma__Package__c")}};
        QStringList missing;
        const QStringList f = syncedFieldsOf(kLicense,
                                             {QStringLiteral("Id"), QStringLiteral("Name"), QStringLiteral("sfLma__Package__c"),
                                              QStringLiteral("sfLma__Status__c"), QStringLiteral("sfLma__Instance__c"),
                                              QStringLiteral("sfLma__Org_Instance__c"), QStringLiteral("sfLma__Subscriber_Org_ID__c"),
                                              QStringLiteral("SystemModstamp"), QStringLiteral("CreatedDate"), QStringLiteral("Custom__c")},
                                             rel, &missing);
        QCOMPARE(f.first(), QStringLiteral("Id"));
        QVERIFY(f.contains(QStringLiteral("sfLma__Package__r.Name")));
        QVERIFY(f.contains(QStringLiteral("sfLma__Org_Instance__c")));
        QVERIFY2(!f.contains(QStringLiteral("sfLma__Instance__c")), "the LMA's own name wins; the other is read once");
        QVERIFY(f.contains(QStringLiteral("SystemModstamp")));
        QVERIFY(!f.contains(QStringLiteral("Custom__c")) && !f.contains(QStringLiteral("CreatedDate")));
        QVERIFY(missing.contains(QStringLiteral("sfLma__Seats__c")));
        QVERIFY(!missing.contains(QStringLiteral("sfLma__Licensed_Seats__c")));
    }

    void fullSyncThroughRestPages()
    {
        fresh(450);
        auto r = syncOnce(options());
        QVERIFY2(r, r ? "" : qPrintable(r.error().message));
        QVERIFY2(r->complete, qPrintable(r->stopped));
        QCOMPARE(r->exitCode(), 0);
        QVERIFY(r->recordedLmo);
        const ObjectSync *lic = objectOf(r.value(), QStringLiteral("licenses"));
        QVERIFY(lic);
        QVERIFY(lic->full);
        QCOMPARE(lic->via, QStringLiteral("REST query"));
        QCOMPARE(lic->fetched, 450);
        QCOMPARE(lic->inserted, 450);
        QCOMPARE(lic->rejected, 0);
        QCOMPARE(m_sf->queryBatchSizeSeen(), 200); // pages of 200: three for the licenses
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses")), 450);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM packages")), 3);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM package_versions")), 3);
        // The org was recorded as the LMO the licenses came from (no LMO was designated).
        auto profile = LmoRepository(m_db->connection()).current();
        QVERIFY(profile);
        QCOMPARE(profile->org.orgId, m_sf->orgId());
        QCOMPARE(profile->org.name, QStringLiteral("Partner Licensing"));
        // Every mapped field, from the REST JSON: numbers, check boxes, dates, relationships, and
        // the org's other name for the instance (sfLma__Instance__c).
        const QString id = text(*m_db, QStringLiteral("SELECT sf_id FROM licenses ORDER BY name LIMIT 1 OFFSET 3"));
        QSqlQuery q(m_db->connection());
        q.prepare(QStringLiteral("SELECT l.seats, l.status, l.account_name, l.org_id, l.org_instance, l.is_sandbox, l.expiration, "
                                 "p.name, l.version_number, v.name, l.used_licenses, l.system_modstamp FROM licenses l "
                                 "JOIN packages p ON p.id = l.package_ref LEFT JOIN package_versions v ON v.id = "
                                 "l.package_version_ref WHERE l.sf_id = ?"));
        q.addBindValue(id);
        QVERIFY(q.exec() && q.next());
        QCOMPARE(q.value(0).toString(), m_sf->field(kLicense, id, QStringLiteral("sfLma__Seats__c")));
        QCOMPARE(q.value(1).toString(), m_sf->field(kLicense, id, QStringLiteral("sfLma__Status__c")));
        QCOMPARE(q.value(2).toString(), m_sf->field(kLicense, id, QStringLiteral("sfLma__Account__r.Name")));
        QCOMPARE(q.value(3).toString(), m_sf->field(kLicense, id, QStringLiteral("sfLma__Subscriber_Org_ID__c")).left(15));
        QCOMPARE(q.value(4).toString(), m_sf->field(kLicense, id, QStringLiteral("sfLma__Instance__c")));
        QCOMPARE(q.value(7).toString(), m_sf->field(kLicense, id, QStringLiteral("sfLma__Package__r.Name")));
        QCOMPARE(q.value(9).toString(), m_sf->field(kLicense, id, QStringLiteral("sfLma__Package_Version__r.Name")));
        QCOMPARE(q.value(10).toString(), m_sf->field(kLicense, id, QStringLiteral("sfLma__Used_Licenses__c")));
        QVERIFY(!q.value(11).isNull());
        // Site licenses (-1) and perpetual ones (no expiration) as the import stores them.
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE seats = -1")), 450 / 7 + (450 % 7 > 3 ? 1 : 0));
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE expiration IS NULL")), 450 / 4 + (450 % 4 > 0 ? 1 : 0));
        // The watermark: the newest SystemModstamp read, from the data.
        QCOMPARE(lic->watermark.left(19), m_sf->now().addSecs(-60).toString(Qt::ISODate).left(19));
        QCOMPARE(text(*m_db, QStringLiteral("SELECT watermark FROM sync_state WHERE object_name = 'sfLma__License__c'")), lic->watermark);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM sync_runs WHERE outcome = 'complete'")), 1);
        // Within the org's limits: what it spent is what the fake counted.
        QCOMPARE(r->usage.used, m_sf->apiUsed());
        QCOMPARE(r->usage.max, 15000);
        QVERIFY(r->requests >= 10 && r->requests <= 16);
    }

    void laterSyncsReadOnlyWhatChanged()
    {
        fresh(450);
        auto first = syncOnce(options());
        QVERIFY(first && first->complete);
        const QStringList ids = [&] {
            QStringList out;
            QSqlQuery q(m_db->connection());
            q.exec(QStringLiteral("SELECT sf_id FROM licenses ORDER BY name"));
            while (q.next())
                out << q.value(0).toString();
            return out;
        }();
        // Between two syncs: two licenses change, one is deleted, one is installed.
        m_sf->setNow(m_sf->now().addSecs(3600));
        QVERIFY(m_sf->update(kLicense, ids[10], {{QStringLiteral("sfLma__Seats__c"), QStringLiteral("77")}}));
        QVERIFY(m_sf->update(kLicense, ids[20], {{QStringLiteral("sfLma__Status__c"), QStringLiteral("Suspended")},
                                                 {QStringLiteral("sfLma__License_Status__c"), QStringLiteral("Suspended")}}));
        QVERIFY(m_sf->remove(kLicense, ids[30]));
        const QString pkg = m_sf->field(kLicense, ids[0], QStringLiteral("sfLma__Package__c"));
        const QString added = m_sf->add(kLicense, {{QStringLiteral("Name"), QStringLiteral("L-99999")},
                                                   {QStringLiteral("sfLma__Package__c"), pkg},
                                                   {QStringLiteral("sfLma__Status__c"), QStringLiteral("Trial")},
                                                   {QStringLiteral("sfLma__Seats__c"), QStringLiteral("10")},
                                                   {QStringLiteral("sfLma__Subscriber_Org_ID__c"), QStringLiteral("00D000000099999")}});
        const qint64 before = m_sf->apiUsed();
        m_sf->clearRequestLog();
        auto r = syncOnce(options());
        QVERIFY2(r, r ? "" : qPrintable(r.error().message));
        QVERIFY2(r->complete, qPrintable(r->stopped));
        const ObjectSync *lic = objectOf(r.value(), QStringLiteral("licenses"));
        QVERIFY(!lic->full);
        QCOMPARE(lic->via, QStringLiteral("REST queryAll"));
        QCOMPARE(lic->updated, 2);
        QCOMPARE(lic->inserted, 1);
        QCOMPARE(lic->deleted, 1);
        // The lookback reads the last ten minutes before the watermark again: unchanged.
        QVERIFY(lic->fetched <= 4 + 11);
        QCOMPARE(lic->unchanged, lic->fetched - 4);
        // A handful of requests: limits, the org, three describes, three queries.
        QCOMPARE(m_sf->apiUsed() - before, 8);
        QVERIFY(m_sf->requestLog().filter(QStringLiteral("queryAll")).size() >= 3);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses")), 450);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT seats FROM licenses WHERE sf_id = '%1'").arg(ids[10])), 77);
        QCOMPARE(text(*m_db, QStringLiteral("SELECT status FROM licenses WHERE sf_id = '%1'").arg(ids[20])), QStringLiteral("Suspended"));
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE sf_id = '%1'").arg(ids[30])), 0);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE sf_id = '%1'").arg(added)), 1);
        // Every change audited, with the org as its source; the removal too.
        const QString source = QStringLiteral("sync from Partner Licensing (%1)").arg(m_sf->orgId());
        QSqlQuery q(m_db->connection());
        q.prepare(QStringLiteral("SELECT field, old_value, new_value FROM audit_log WHERE record_sf_id = ? AND source = ? ORDER BY id"));
        q.addBindValue(ids[10]);
        q.addBindValue(source);
        QVERIFY(q.exec() && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("Seats"));
        QCOMPARE(q.value(2).toString(), QStringLiteral("77"));
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE field = 'Deleted' AND record_sf_id = '%1' AND "
                                             "source = '%2'")
                                   .arg(ids[30], source)),
                 1);
        // The subscriber summary follows (the deleted license's org and the new one).
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM subscribers WHERE org_id = '00D000000099999'")), 1);
        // Nothing changed since: nothing written, the watermark where it was.
        const QString watermark = text(*m_db, QStringLiteral("SELECT watermark FROM sync_state WHERE object_name = 'sfLma__License__c'"));
        auto again = syncOnce(options());
        QVERIFY(again && again->complete);
        QCOMPARE(again->changed(), 0);
        QCOMPARE(text(*m_db, QStringLiteral("SELECT watermark FROM sync_state WHERE object_name = 'sfLma__License__c'")), watermark);
    }

    // Packages and versions the org deletes go too (audited), unless licenses still refer to them.
    void deletedPackagesGoUnlessLicensesReferToThem()
    {
        fresh(60);
        const QString kPackage = QStringLiteral("sfLma__Package__c"), kVersion = QStringLiteral("sfLma__Package_Version__c");
        const QString unused = m_sf->add(kPackage, {{QStringLiteral("Name"), QStringLiteral("Retired Package")},
                                                    {QStringLiteral("sfLma__Package_ID__c"), QStringLiteral("033000000000777")}});
        const QString unusedVersion = m_sf->add(kVersion, {{QStringLiteral("Name"), QStringLiteral("Retired 1.0")},
                                                           {QStringLiteral("sfLma__Package__c"), unused},
                                                           {QStringLiteral("sfLma__Package__r.Name"), QStringLiteral("Retired Package")},
                                                           {QStringLiteral("sfLma__Version_Number__c"), QStringLiteral("1.0")}});
        auto first = syncOnce(options());
        QVERIFY2(first && first->complete, qPrintable(first ? first->stopped : first.error().message));
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM packages")), 4);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM package_versions")), 4);
        // The org deletes the unused package (its version with it) and a package licenses use.
        QSqlQuery q(m_db->connection());
        QVERIFY(q.exec(QStringLiteral("SELECT p.sf_id, p.name FROM packages p WHERE EXISTS (SELECT 1 FROM licenses l WHERE l.package_ref = p.id) "
                                      "ORDER BY p.name LIMIT 1")));
        QVERIFY(q.next());
        const QString inUse = q.value(0).toString(), inUseName = q.value(1).toString();
        q.finish();
        m_sf->setNow(m_sf->now().addSecs(3600));
        QVERIFY(m_sf->remove(kVersion, unusedVersion));
        QVERIFY(m_sf->remove(kPackage, unused));
        QVERIFY(m_sf->remove(kPackage, inUse));
        auto r = syncOnce(options());
        QVERIFY2(r && r->complete, qPrintable(r ? r->stopped : r.error().message));
        QCOMPARE(objectOf(r.value(), QStringLiteral("packages"))->deleted, 1);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM packages")), 3);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM packages WHERE sf_id = '%1'").arg(unused)), 0);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM package_versions")), 3);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM packages WHERE sf_id = '%1'").arg(inUse)), 1);
        QVERIFY2(r->warnings.join(QLatin1Char('\n')).contains(inUseName + QStringLiteral(" (") + inUse + QStringLiteral("), but ")),
                 qPrintable(r->warnings.join(QLatin1Char('\n'))));
        // Audited, as the sync.
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE field = 'Deleted' AND record_type = 'package' AND "
                                              "record_sf_id = '%1' AND source LIKE 'sync from %%'").arg(unused)),
                 1);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE field = 'Deleted' AND record_type = 'package_version' "
                                              "AND old_value = 'Retired 1.0'")),
                 1);
    }

    void anOlderRecordNeverOverwritesANewerOne()
    {
        fresh(60);
        QVERIFY(syncOnce(options()));
        const QString id = text(*m_db, QStringLiteral("SELECT sf_id FROM licenses ORDER BY system_modstamp DESC LIMIT 1"));
        const QDateTime held = m_sf->stamp(kLicense, id);
        // The org hands back a version of the record older than the one held (a replica behind,
        // a page read again): it is counted, and never written.
        QVERIFY(m_sf->update(kLicense, id, {{QStringLiteral("sfLma__Seats__c"), QStringLiteral("999")}}));
        m_sf->setStamp(kLicense, id, held.addSecs(-2)); // compared to the second, as stored
        const qint64 seats = number(*m_db, QStringLiteral("SELECT seats FROM licenses WHERE sf_id = '%1'").arg(id));
        auto r = syncOnce(options());
        QVERIFY(r && r->complete);
        const ObjectSync *lic = objectOf(r.value(), QStringLiteral("licenses"));
        QCOMPARE(lic->older, 1);
        QCOMPARE(lic->updated, 0);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT seats FROM licenses WHERE sf_id = '%1'").arg(id)), seats);
    }

    void bulkApiForALargeFullLoad()
    {
        fresh(450);
        SyncOptions o = options();
        o.bulkThreshold = 100; // the licenses (450) go through Bulk 2.0; packages and versions by REST
        o.bulkPageRecords = 200;
        auto r = syncOnce(o);
        QVERIFY2(r && r->complete, r ? qPrintable(r->stopped) : qPrintable(r.error().message));
        const ObjectSync *lic = objectOf(r.value(), QStringLiteral("licenses"));
        QCOMPARE(lic->via, QStringLiteral("Bulk API 2.0"));
        QCOMPARE(lic->fetched, 450);
        QCOMPARE(lic->inserted, 450);
        QCOMPARE(objectOf(r.value(), QStringLiteral("packages"))->via, QStringLiteral("REST query"));
        const QStringList log = m_sf->requestLog();
        QCOMPARE(log.filter(QRegularExpression(QStringLiteral("^POST .*/jobs/query$"))).size(), 1);
        QCOMPARE(log.filter(QStringLiteral("/results")).size(), 3); // 200 + 200 + 50, the last with locator "null"
        QCOMPARE(log.filter(QRegularExpression(QStringLiteral("^DELETE .*/jobs/query/"))).size(), 1);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses")), 450);
        // A record the org lost while nobody synced: a full load (--full) removes it.
        const QString gone = text(*m_db, QStringLiteral("SELECT sf_id FROM licenses ORDER BY name LIMIT 1"));
        m_sf->purge(kLicense, gone);
        o.full = true;
        auto again = syncOnce(o);
        QVERIFY(again && again->complete);
        QCOMPARE(objectOf(again.value(), QStringLiteral("licenses"))->deleted, 1);
        QCOMPARE(objectOf(again.value(), QStringLiteral("licenses"))->unchanged, 449);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses")), 449);
    }

    void aGapLongerThanTheRecycleBinReadsEverythingAgain()
    {
        fresh(30);
        QVERIFY(syncOnce(options()));
        const QString gone = text(*m_db, QStringLiteral("SELECT sf_id FROM licenses ORDER BY name LIMIT 1"));
        m_sf->purge(kLicense, gone); // emptied from the Recycle Bin: queryAll would never say
        m_sf->setNow(m_sf->now().addDays(16));
        auto r = syncOnce(options());
        QVERIFY(r && r->complete);
        QVERIFY(objectOf(r.value(), QStringLiteral("licenses"))->full);
        QVERIFY(r->warnings.join(QLatin1Char(' ')).contains(QStringLiteral("15 days")));
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses")), 29);
    }

    void theReserveStopsTheSyncAndTheNextGoesOn()
    {
        fresh(450);
        // 1,000 a day, 100 kept: the sync may spend until 100 are left.
        m_sf->setLimit(893, 1000);
        auto r = syncOnce(options());
        QVERIFY2(r, r ? "" : qPrintable(r.error().message));
        QVERIFY(!r->complete);
        QCOMPARE(r->exitCode(), 3);
        QCOMPARE(r->stopCode, Error::Code::LimitReached);
        QVERIFY2(r->stopped.contains(QStringLiteral("100 (10%) are kept")), qPrintable(r->stopped));
        QCOMPARE(r->usage.left(), 100);
        QCOMPARE(m_sf->apiUsed(), 900);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM packages")), 3); // what was fetched is saved
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM sync_runs WHERE outcome = 'stopped'")), 1);
        // The next day's window: the sync goes on.
        m_sf->setLimit(0, 1000);
        auto next = syncOnce(options());
        QVERIFY(next && next->complete);
        QVERIFY(!objectOf(next.value(), QStringLiteral("packages"))->full);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses")), 450);
    }

    void theOrgsLimitReachedIsRefusedCleanly()
    {
        fresh(10);
        m_sf->setLimit(15000, 15000);
        auto r = syncOnce(options());
        QVERIFY(!r);
        QCOMPARE(r.error().code, Error::Code::LimitReached);
        QVERIFY2(r.error().message.contains(QStringLiteral("REQUEST_LIMIT_EXCEEDED")), qPrintable(r.error().message));
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses")), 0);
    }

    void aCancelledSyncIsFinishedByTheNext()
    {
        fresh(450);
        SyncOptions o = options();
        int saved = 0;
        o.progress = [&](const SyncProgress &p) {
            if (p.object == QLatin1String("licenses") && p.doing == QLatin1String("saved"))
                ++saved;
            return saved < 1; // cancel once the first page of licenses is saved
        };
        auto r = syncOnce(o);
        QVERIFY(r);
        QVERIFY(!r->complete);
        QCOMPARE(r->stopCode, Error::Code::Cancelled);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses")), 200);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT full_pending FROM sync_state WHERE object_name = 'sfLma__License__c'")), 1);
        auto next = syncOnce(options());
        QVERIFY(next && next->complete);
        QVERIFY(objectOf(next.value(), QStringLiteral("licenses"))->full);
        QCOMPARE(objectOf(next.value(), QStringLiteral("licenses"))->inserted, 250);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses")), 450);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT full_pending FROM sync_state WHERE object_name = 'sfLma__License__c'")), 0);
    }

    void aServerErrorIsTriedAgain()
    {
        fresh(20);
        m_sf->failWith503Once();
        auto r = syncOnce(options());
        QVERIFY2(r && r->complete, r ? qPrintable(r->stopped) : qPrintable(r.error().message));
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses")), 20);
    }

    void signInWithPkceThenRenewAnExpiredSession()
    {
        fresh(20);
        sf::OAuthApp app;
        app.loginUrl = QUrl(m_sf->url());
        app.clientId = m_sf->clientId;
        app.port = 0; // any free port: the redirect names it
        // The browser: follows Salesforce's redirect to the loopback callback, as a person's would.
        QNetworkAccessManager browser;
        QUrl asked;
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        app.port = probe.serverPort();
        probe.close();
        QNetworkReply *reply = nullptr;
        auto g = sf::signIn(
            app,
            [&](const QUrl &url) {
                asked = url;
                QNetworkRequest request(url);
                request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
                reply = browser.get(request);
                return true;
            },
            60'000, [] { return false; });
        QVERIFY2(g, g ? "" : qPrintable(g.error().message));
        const QUrlQuery q(asked);
        QCOMPARE(q.queryItemValue(QStringLiteral("code_challenge_method")), QStringLiteral("S256"));
        QCOMPARE(q.queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded), app.redirectUri());
        QCOMPARE(q.queryItemValue(QStringLiteral("scope"), QUrl::FullyDecoded), QStringLiteral("api refresh_token"));
        // The code came back "aPrx…==" encoded once; the token endpoint got it decoded once.
        QVERIFY2(m_sf->lastReceivedCode().endsWith(QStringLiteral("Code==")), qPrintable(m_sf->lastReceivedCode()));
        QCOMPARE(sf::Pkce::challengeOf(m_sf->lastCodeVerifier()), q.queryItemValue(QStringLiteral("code_challenge")));
        QVERIFY(!g->refreshToken.isEmpty());
        QCOMPARE(g->orgId(), m_sf->orgId());
        QCOMPARE(g->instanceUrl.toString(), m_sf->url());
        if (reply)
            reply->deleteLater();

        // The refresh token's sessions: the first asked when needed, a new one after a 401.
        sf::RefreshTokenSource tokens(app, g->refreshToken, QStringLiteral("the test's sign-in"));
        const int before = m_sf->tokenRequests();
        m_sf->expireSessionOnce();
        auto r = syncOnce(tokens, options());
        QVERIFY2(r && r->complete, r ? qPrintable(r->stopped) : qPrintable(r.error().message));
        QCOMPARE(m_sf->tokenRequests() - before, 2); // the first session, and the one after the 401
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses")), 20);

        // Revoked (or expired): the sync says to connect again, and nothing is half-written.
        m_sf->revokeRefreshTokens();
        sf::RefreshTokenSource stale(app, g->refreshToken, QStringLiteral("the test's sign-in"));
        auto refused = syncOnce(stale, options());
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, Error::Code::AuthFailed);
        QVERIFY2(refused.error().message.contains(QStringLiteral("invalid_grant")) && refused.error().message.contains(QStringLiteral("connect again")),
                 qPrintable(refused.error().message));
        // Revoking a token: done, and done again is no error.
        QVERIFY(sf::revokeToken(QUrl(m_sf->url()), g->refreshToken));
    }

    void aSessionNothingCanRenewStopsTheSync()
    {
        fresh(20);
        QVERIFY(syncOnce(options()));
        m_sf->update(kLicense, text(*m_db, QStringLiteral("SELECT sf_id FROM licenses LIMIT 1")),
                     {{QStringLiteral("sfLma__Seats__c"), QStringLiteral("3")}});
        sf::FixedTokenSource tokens(QUrl(m_sf->url()), m_sf->validAccessToken(), QStringLiteral("LMODESK_SF_ACCESS_TOKEN"));
        sf::Client client(tokens, clientOptions());
        // The session expires after the preflight: the sync stops early, saying what to do.
        SyncOptions o = options();
        int calls = 0;
        o.progress = [&](const SyncProgress &) {
            if (++calls == 1)
                m_sf->expireSessionOnce();
            return true;
        };
        auto r = syncFromOrg(*m_db, client, o);
        QVERIFY(r);
        QVERIFY(!r->complete);
        QCOMPARE(r->stopCode, Error::Code::AuthFailed);
        QVERIFY2(r->stopped.contains(QStringLiteral("LMODESK_SF_ACCESS_TOKEN")), qPrintable(r->stopped));
    }

    void anOrgWithoutSomeFieldsStillSyncs()
    {
        fresh(20);
        m_sf->removeField(kLicense, QStringLiteral("sfLma__Proxy_User__c"));
        m_sf->removeField(kLicense, QStringLiteral("sfLma__Used_Licenses__c"));
        m_sf->removeField(kLicense, QStringLiteral("sfLma__Account__c")); // and with it sfLma__Account__r.Name
        auto r = syncOnce(options());
        QVERIFY2(r && r->complete, r ? qPrintable(r->stopped) : qPrintable(r.error().message));
        const ObjectSync *lic = objectOf(r.value(), QStringLiteral("licenses"));
        QCOMPARE(lic->inserted, 20);
        QVERIFY(lic->missingFields.contains(QStringLiteral("sfLma__Proxy_User__c")));
        QVERIFY(lic->missingFields.contains(QStringLiteral("sfLma__Used_Licenses__c")));
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE account_name IS NOT NULL")), 0);
    }

    void anotherOrgIsRefusedUnlessFiledAsAnotherLmo()
    {
        fresh(15);
        LmoRepository lmos(m_db->connection());
        LmoProfile p = lmos.current().value();
        p.org.name = QStringLiteral("The Real LMO");
        p.org.orgId = SalesforceId::parse(QStringLiteral("00D000000000777"))->to18();
        QVERIFY(lmos.save(p));
        auto refused = syncOnce(options());
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, Error::Code::Usage);
        QVERIFY2(refused.error().message.contains(QStringLiteral("is not this database's LMO"))
                     && refused.error().message.contains(QStringLiteral("The Real LMO")),
                 qPrintable(refused.error().message));
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses")), 0);
        SyncOptions o = options();
        o.fileAsNewLmo = true;
        auto filed = syncOnce(o);
        QVERIFY2(filed && filed->complete, filed ? qPrintable(filed->stopped) : qPrintable(filed.error().message));
        QCOMPARE(filed->lmoRef, 2);
        QCOMPARE(number(*m_db, QStringLiteral("SELECT COUNT(*) FROM licenses WHERE lmo_ref = 2")), 15);
        // Known now: the next sync of that org finds its LMO by itself.
        auto again = syncOnce(options());
        QVERIFY(again && again->complete);
        QCOMPARE(again->lmoRef, 2);
        // --lmo naming the other LMO is refused, naming both orgs.
        SyncOptions wrong = options();
        wrong.lmoRef = 1;
        auto mismatch = syncOnce(wrong);
        QVERIFY(!mismatch);
        QVERIFY2(mismatch.error().message.contains(QStringLiteral("The Real LMO")), qPrintable(mismatch.error().message));
    }

    void theSeedsWorstMistakeIsNamedByEveryFieldThatShowsIt_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<bool>("sandbox");
        QTest::addColumn<QString>("trial");
        QTest::addColumn<QString>("instance");
        QTest::addColumn<QString>("named");
        QTest::newRow("IsSandbox") << "Enterprise Edition" << true << "" << "NA135" << "IsSandbox";
        QTest::newRow("sandbox instance CS") << "Enterprise Edition" << false << "" << "CS142" << "sandbox instance";
        QTest::newRow("sandbox instance …S") << "Enterprise Edition" << false << "" << "USA166S" << "sandbox instance";
        QTest::newRow("Developer Edition") << "Developer Edition" << false << "" << "NA135" << "OrganizationType";
        QTest::newRow("trial") << "Enterprise Edition" << false << "2027-01-31" << "NA135" << "TrialExpirationDate";
        QTest::newRow("production") << "Enterprise Edition" << false << "" << "NA135" << "";
    }

    void theSeedsWorstMistakeIsNamedByEveryFieldThatShowsIt()
    {
        QFETCH(QString, type);
        QFETCH(bool, sandbox);
        QFETCH(QString, trial);
        QFETCH(QString, instance);
        QFETCH(QString, named);
        fresh(3);
        m_sf->setOrganization(QStringLiteral("Some Org"), type, sandbox, trial, instance);
        auto r = syncOnce(options());
        QVERIFY(r && r->complete);
        const QString warnings = r->warnings.join(QLatin1Char(' '));
        if (named.isEmpty()) {
            QVERIFY2(!warnings.contains(QStringLiteral("paid production org")), qPrintable(warnings));
        } else {
            QVERIFY2(warnings.contains(named) && warnings.contains(QStringLiteral("paid production org")), qPrintable(warnings));
        }
        QCOMPARE(r->toJson().value(QStringLiteral("warnings")).toArray().size(), r->warnings.size());
    }

    void theCommandLineSyncs()
    {
        fresh(40);
        QProcessEnvironment e = env();
        const QString db = test::location(m_dir.filePath(QStringLiteral("cli.db")));
        // Not connected: nothing done, exit 2, saying what to run.
        Run none = lmodesk({QStringLiteral("sync"), QStringLiteral("--db"), db}, e);
        QCOMPARE(none.code, 2);
        QVERIFY2(none.err.contains(QStringLiteral("lmodesk connect")), qPrintable(none.err));
        e.insert(QStringLiteral("LMODESK_SF_ACCESS_TOKEN"), m_sf->validAccessToken());
        Run full = lmodesk({QStringLiteral("sync"), QStringLiteral("--db"), db, QStringLiteral("--instance-url"), m_sf->url(),
                            QStringLiteral("--json")},
                           e);
        QVERIFY2(full.code == 0, qPrintable(full.err + full.out));
        const QJsonObject j = QJsonDocument::fromJson(full.out.toUtf8()).object();
        const QJsonObject lic = j.value(QStringLiteral("objects")).toObject().value(QStringLiteral("licenses")).toObject();
        QCOMPARE(lic.value(QStringLiteral("fetched")).toInteger(), 40);
        QCOMPARE(lic.value(QStringLiteral("inserted")).toInteger(), 40);
        for (const char *key : {"updated", "deleted", "unchanged"})
            QVERIFY2(lic.contains(QLatin1String(key)), key);
        QVERIFY(j.value(QStringLiteral("requests")).toObject().value(QStringLiteral("used")).toInteger() > 0);
        QVERIFY(j.value(QStringLiteral("requests")).toObject().value(QStringLiteral("left")).toInteger() > 0);
        QVERIFY(!j.value(QStringLiteral("watermark")).toString().isEmpty());
        // Text, incremental: what changed and the requests used and left.
        Run inc = lmodesk({QStringLiteral("sync"), QStringLiteral("--db"), db, QStringLiteral("--instance-url"), m_sf->url()}, e);
        QVERIFY2(inc.code == 0, qPrintable(inc.err));
        QVERIFY2(inc.out.contains(QStringLiteral("licenses:")) && inc.out.contains(QStringLiteral("changes")), qPrintable(inc.out));
        QVERIFY2(inc.out.contains(QStringLiteral("API requests:")) && inc.out.contains(QStringLiteral("left")), qPrintable(inc.out));
        // Stopped by the reserve: exit 3.
        m_sf->setLimit(14995, 15000);
        Run stopped = lmodesk({QStringLiteral("sync"), QStringLiteral("--db"), db, QStringLiteral("--instance-url"), m_sf->url(),
                               QStringLiteral("--reserve"), QStringLiteral("0.01")},
                              e);
        QCOMPARE(stopped.code, 3);
        QVERIFY2(stopped.err.contains(QStringLiteral("stopped early")), qPrintable(stopped.err));
        m_sf->setLimit(0, 15000);
        // Bad options: exit 2.
        QCOMPARE(lmodesk({QStringLiteral("sync"), QStringLiteral("--db"), db, QStringLiteral("--reserve"), QStringLiteral("200")}, e).code, 2);
        // A token nothing renews, refused: exit 2, nothing done.
        e.insert(QStringLiteral("LMODESK_SF_ACCESS_TOKEN"), QStringLiteral("expired"));
        Run refused = lmodesk({QStringLiteral("sync"), QStringLiteral("--db"), db, QStringLiteral("--instance-url"), m_sf->url()}, e);
        QCOMPARE(refused.code, 2);
        QVERIFY2(refused.err.contains(QStringLiteral("LMODESK_SF_ACCESS_TOKEN")), qPrintable(refused.err));
    }

    void theSalesforceCliPath_data()
    {
        QTest::addColumn<bool>("redacted");
        QTest::newRow("sf redacts display: show-access-token") << true;
        QTest::newRow("older sf: the token from display") << false;
    }

    void theSalesforceCliPath()
    {
        QFETCH(bool, redacted);
        fresh(12);
        // A fake `sf` on PATH, answering as the CLI does (status, result).
        const QString bin = m_dir.filePath(QStringLiteral("bin%1").arg(m_n));
        QDir().mkpath(bin);
        QFile script(bin + QStringLiteral("/sf"));
        QVERIFY(script.open(QIODevice::WriteOnly));
        const QString token = m_sf->validAccessToken();
        const QString shown = redacted ? QStringLiteral("[REDACTED] Use 'sf org auth show-access-token' to view") : token;
        script.write(QStringLiteral(
                         "#!/bin/bash\n"
                         "echo \"$@\" >> \"$(dirname \"$0\")/calls\"\n"
                         "if [ \"$1 $2\" = \"org display\" ]; then\n"
                         "  echo '{\"status\":0,\"result\":{\"instanceUrl\":\"%1\",\"accessToken\":\"%2\",\"username\":\"ops@partner.example\","
                         "\"id\":\"%3\",\"apiVersion\":\"62.0\",\"connectedStatus\":\"Connected\"},\"warnings\":[]}'\n"
                         "elif [ \"$1 $2 $3\" = \"org auth show-access-token\" ] && [ \"%4\" = yes ]; then\n"
                         "  echo '{\"status\":0,\"result\":{\"accessToken\":\"%5\"},\"warnings\":[]}'\n"
                         "else\n"
                         "  echo '{\"status\":1,\"name\":\"Error\",\"message\":\"unknown command\"}'; exit 1\n"
                         "fi\n")
                         .arg(m_sf->url(), shown, m_sf->orgId(), redacted ? QStringLiteral("yes") : QStringLiteral("no"), token)
                         .toUtf8());
        script.close();
        script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        QProcessEnvironment e = env();
        e.insert(QStringLiteral("PATH"), bin + QLatin1Char(':') + e.value(QStringLiteral("PATH")));
        const QString db = test::location(m_dir.filePath(QStringLiteral("cli-sf%1.db").arg(m_n)));
        Run r = lmodesk({QStringLiteral("sync"), QStringLiteral("--db"), db, QStringLiteral("--sf-org"), QStringLiteral("acme")}, e);
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains(QStringLiteral("12 new")), qPrintable(r.out));
        QFile calls(bin + QStringLiteral("/calls"));
        QVERIFY(calls.open(QIODevice::ReadOnly));
        QVERIFY(QString::fromUtf8(calls.readAll()).contains(QStringLiteral("--target-org acme --json")));
        // Connecting through the CLI: the org read and held against the database.
        Run c = lmodesk({QStringLiteral("connect"), QStringLiteral("--db"), db, QStringLiteral("--sf-org"), QStringLiteral("acme")}, e);
        QVERIFY2(c.code == 0, qPrintable(c.err + c.out));
        QVERIFY2(c.out.contains(QStringLiteral("Connected to Partner Licensing")) && c.out.contains(QStringLiteral("It is LMO 1")),
                 qPrintable(c.out));
    }

    void theCommandLineSignsIn()
    {
        fresh(5);
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const QString port = QString::number(probe.serverPort());
        probe.close();
        QProcessEnvironment e = env();
        e.insert(QStringLiteral("LMODESK_BROWSER"), QStringLiteral(LMODESK_FAKE_BROWSER));
        const QString db = test::location(m_dir.filePath(QStringLiteral("cli-connect.db")));
        Run r = lmodesk({QStringLiteral("connect"), QStringLiteral("--db"), db, QStringLiteral("--client-id"), m_sf->clientId,
                         QStringLiteral("--login-url"), m_sf->url(), QStringLiteral("--port"), port},
                        e);
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains(QStringLiteral("Connected to Partner Licensing")) && r.out.contains(QStringLiteral("ops@partner.example")),
                 qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("no LMO designated yet")), qPrintable(r.out));
        QVERIFY(m_sf->lastReceivedCode().endsWith(QStringLiteral("Code==")));
    }
};

QTEST_GUILESS_MAIN(TestSync)
#include "tst_sync.moc"
