// The LMO profile: the rules each wizard page applies, the storage forecast, persistence with
// the switching history, and the runbook.
#include "fixtures.h"

#include "domain/salesforceid.h"
#include "lmo/lmoprofile.h"

#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace lmo;
using namespace Qt::Literals::StringLiterals;

namespace {

LmoProfile goodProfile()
{
    LmoProfile p;
    p.pagesDone = 6;
    p.org.name = u"Acme Partner Production"_s;
    p.org.orgId = SalesforceId::fromString(u"00D5f000000AbCd"_s).to18();
    p.org.edition = u"Enterprise Edition"_s;
    p.org.kind = OrgKind::Production;
    p.org.confirmedPaidAndPermanent = true;
    p.org.whoNeedsData = {u"Partner ops"_s, u"Support"_s};
    p.org.integrations = {u"Billing"_s};
    p.org.stability = u"Our CRM since 2015"_s;
    p.packages = {{u"Ledgerly CPQ"_s, u"ledgerly"_s, SalesforceId::fromString(u"033000000000001"_s).to18()}};
    p.registeredOn = QDate(2026, 1, 10);
    p.lmaVersion = u"1.15"_s;
    p.lmaObjectsVisible = true;
    p.roles = LmoRules::defaultRoles();
    p.billing = u"Stripe"_s;
    p.integrationPatterns = {u"Apex triggers"_s};
    p.licensesToday = 100000;
    p.growthPerMonth = 10000;
    p.storageAllocationMb = 1024;
    p.documented = true;
    p.designatedAt = QDateTime(QDate(2026, 1, 12), QTime(9, 0), Qt::UTC);
    return p;
}

} // namespace

class TestLmoProfile : public QObject
{
    Q_OBJECT
private slots:
    void theRightOrgPasses()
    {
        QVERIFY2(LmoRules::orgRefusals(goodProfile().org).isEmpty(), qPrintable(LmoRules::orgRefusals(goodProfile().org).join(u'\n')));
    }

    void eachWrongOrgIsRefusedWithItsReason_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("reason");
        QTest::newRow("sandbox") << int(OrgKind::Sandbox) << u"refreshed"_s;
        QTest::newRow("developer edition") << int(OrgKind::DeveloperEdition) << u"not a paid org"_s;
        QTest::newRow("trial") << int(OrgKind::Trial) << u"trial ends"_s;
        QTest::newRow("scratch") << int(OrgKind::Scratch) << u"expires within days"_s;
    }
    void eachWrongOrgIsRefusedWithItsReason()
    {
        QFETCH(int, kind);
        QFETCH(QString, reason);
        LmoOrg org = goodProfile().org;
        org.kind = OrgKind(kind);
        const QStringList refusals = LmoRules::orgRefusals(org);
        QCOMPARE(refusals.size(), 1);
        QVERIFY2(refusals.first().contains(reason), qPrintable(refusals.first()));
    }

    void theOrgIdMustBeAValid00D()
    {
        LmoOrg org = goodProfile().org;
        org.orgId = u"001000000000001"_s; // an account
        QVERIFY(LmoRules::orgRefusals(org).join(u' ').contains(u"must begin with 00D"_s));
        org.orgId = u"00D5f000000AbCdXXX"_s; // a wrong checksum
        QVERIFY(LmoRules::orgRefusals(org).join(u' ').contains(u"checksum"_s));
        org.orgId = u"00D5f000000AbCd"_s; // 15 characters: fine, kept as 18
        QVERIFY(LmoRules::orgRefusals(org).isEmpty());
        QCOMPARE(LmoRules::checkId(org.orgId, u"00D"_s, u"org id"_s).value().size(), 18);
        org.confirmedPaidAndPermanent = false;
        QVERIFY(LmoRules::orgRefusals(org).join(u' ').contains(u"paid for and meant to last"_s));
    }

    void packagesNeedA033Id()
    {
        QVERIFY(LmoRules::packageRefusals(goodProfile().packages).isEmpty());
        QVERIFY(!LmoRules::packageRefusals({}).isEmpty());
        QList<LinkedPackage> bad{{u"Ledgerly CPQ"_s, u"ledgerly"_s, u"04t000000000001"_s}};
        QVERIFY(LmoRules::packageRefusals(bad).join(u' ').contains(u"must begin with 033"_s));
    }

    void permissionsAreRestrictiveByDefault()
    {
        QVERIFY(LmoRules::permissionWarnings(LmoRules::defaultRoles()).isEmpty());
        QList<RoleAccess> all = LmoRules::defaultRoles();
        for (RoleAccess &r : all)
            r.licenses = Access::Read;
        QVERIFY(LmoRules::permissionWarnings(all).join(u' ').contains(u"Every role"_s));
    }

    void storageForecast()
    {
        // 100,000 licenses at 2 KB: 195.3 MB; 10,000 a month: 19.53 MB a month. Against 1,024 MB:
        // (1024 - 195.3) / 19.53 / 12 = 3.54 years, no warning. Against 500 MB: 1.3 years.
        StorageForecast f = LmoRules::forecast(100000, 10000, 1024);
        QCOMPARE(qRound(f.usedMb * 10), 1953);
        QCOMPARE(qRound(f.growthMbPerMonth * 100), 1953);
        QCOMPARE(qRound(*f.yearsLeft * 100), 354);
        QVERIFY(f.warning.isEmpty());
        f = LmoRules::forecast(100000, 10000, 500);
        QCOMPARE(qRound(*f.yearsLeft * 10), 13);
        QVERIFY(f.warning.contains(u"Plan more storage"_s));
        f = LmoRules::forecast(600000, 0, 1024);
        QCOMPARE(*f.yearsLeft, 0.0);
        QVERIFY(f.warning.contains(u"already fill"_s));
    }

    void theProfileRoundTripsAndSwitchesKeepHistory()
    {
        QTemporaryDir dir;
        auto db = test::createFixtureDatabase(dir.filePath(u"lmo.sqlite"_s));
        QVERIFY(db);
        LmoRepository repository(db->connection());
        QCOMPARE(repository.current().value().pagesDone, 0);
        LmoProfile p = goodProfile();
        p.pagesDone = 3; // saved after page 3: the wizard resumes at page 4
        QVERIFY(repository.save(p).ok());
        QCOMPARE(repository.current().value().toJson(), p.toJson());
        p.pagesDone = 6;
        QVERIFY(repository.save(p).ok());
        QCOMPARE(repository.current().value().pagesDone, 6);

        LmoProfile next = goodProfile();
        next.org.name = u"Acme Licensing Org"_s;
        QVERIFY(repository.switchTo(next, QDate(2026, 9, 1)).ok());
        QCOMPARE(repository.current().value().org.name, u"Acme Licensing Org"_s);
        const auto former = repository.former().value();
        QCOMPARE(former.size(), 1);
        QCOMPARE(former.first().first.org.name, u"Acme Partner Production"_s);
        QCOMPARE(former.first().second, QDate(2026, 9, 1));

        // The command line shows it.
        QProcess cli;
        cli.start(QStringLiteral(LMODESK_BINARY), {u"lmo"_s, u"show"_s, u"--db"_s, db->path(), u"--json"_s});
        QVERIFY(cli.waitForFinished(30000));
        QCOMPARE(cli.exitCode(), 0);
        const QJsonObject shown = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
        QCOMPARE(shown.value(u"designated"_s).toBool(), true);
        QCOMPARE(shown.value(u"lmo"_s).toObject().value(u"org"_s).toObject().value(u"name"_s).toString(), u"Acme Licensing Org"_s);
        QCOMPARE(shown.value(u"former"_s).toArray().size(), 1);
        QCOMPARE(shown.value(u"former"_s).toArray().first().toObject().value(u"replaced_on"_s).toString(), u"2026-09-01"_s);
    }

    void eachLmoIsKnownByItsNumberOrOrgId()
    {
        QTemporaryDir dir;
        auto db = test::createFixtureDatabase(dir.filePath(u"lmos.sqlite"_s));
        QVERIFY(db);
        LmoRepository repository(db->connection());
        // Nothing described yet: the one LMO all licenses belong to, unnamed.
        auto known = repository.all().value();
        QCOMPARE(known.size(), 1);
        QCOMPARE(known.first().ref, 1);
        QCOMPARE(known.first().label(), u"LMO 1, current"_s);
        QCOMPARE(repository.defaultImportLmo().value(), std::optional<qint64>(1));

        // A switch made before any LMO was described keeps the licenses with the first LMO.
        LmoProfile next = goodProfile();
        QVERIFY(repository.switchTo(next, QDate(2026, 9, 1)).ok());
        known = repository.all().value();
        QCOMPARE(known.size(), 2);
        QCOMPARE(known.at(0).label(), u"LMO 1, until 2026-09-01"_s);
        QCOMPARE(known.at(1).ref, 2);
        QCOMPARE(known.at(1).label(), u"Acme Partner Production (%1), current"_s.arg(next.org.orgId));
        QCOMPARE(repository.defaultImportLmo().value(), std::optional<qint64>()); // the user must say
        QCOMPARE(repository.current().value().org.name, next.org.name);

        QCOMPARE(resolveLmo(known, u"1"_s).value(), 1);
        QCOMPARE(resolveLmo(known, u"current"_s).value(), 2);
        QCOMPARE(resolveLmo(known, next.org.orgId.left(15)).value(), 2);
        QCOMPARE(resolveLmo(known, next.org.orgId.toLower()).value(), 2); // 18 characters: case does not matter
        QCOMPARE(resolveLmo(known, next.org.orgId.left(15).toLower()).ok(), false); // 15: it does
        auto wrong = resolveLmo(known, u"3"_s);
        QVERIFY(!wrong.ok());
        QVERIFY2(wrong.error().message.contains(u"1: LMO 1, until 2026-09-01; 2: Acme Partner Production"_s),
                 qPrintable(wrong.error().message));
    }

    void theRunbookSaysWhatMatters()
    {
        const QString md = lmoRunbookMarkdown(goodProfile(), QDate(2026, 11, 29));
        for (const QString &part : {u"# LMO runbook: Acme Partner Production"_s, u"Do not retire"_s, u"## Identity"_s,
                                    u"## Why this org"_s, u"Ledgerly CPQ"_s, u"Version 1.15"_s, u"| Partner ops | edit | edit |"_s,
                                    u"Billing system: Stripe"_s, u"## Storage forecast"_s, u"3.5 years"_s,
                                    u"Partner Support"_s, u"split in two"_s})
            QVERIFY2(md.contains(part), qPrintable(part));
    }
};

QTEST_GUILESS_MAIN(TestLmoProfile)
#include "tst_lmoprofile.moc"
