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

// Applies "field=value;field=value" to an org: the answers a row of a rule table gives.
void apply(LmoOrg &org, const QString &answers)
{
    for (const QString &answer : answers.split(u';', Qt::SkipEmptyParts)) {
        const QString field = answer.section(u'=', 0, 0);
        const QString value = answer.section(u'=', 1);
        if (field == u"kind")
            org.kind = orgKindFromName(value).value();
        else if (field == u"edition")
            org.edition = value;
        else if (field == u"instance")
            org.instance = value;
        else if (field == u"trial")
            org.trialExpiration = QDate::fromString(value, Qt::ISODate);
        else if (field == u"status")
            org.status = value;
        else if (field == u"paid")
            org.confirmedPaidAndPermanent = value == u"yes";
        else if (field == u"id")
            org.orgId = value;
        else if (field == u"name")
            org.name = value;
        else
            QFAIL(qPrintable(u"no field "_s + field));
    }
}

// A message a user can act on: a sentence, not a fragment glued to another.
bool isSentence(const QString &m)
{
    return !m.isEmpty() && (m.front().isUpper() || m.front() == u'"') && m.endsWith(u'.') && !m.contains(u"  "_s);
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
        org.edition.clear(); // "Enterprise Edition" would contradict a Developer Edition kind
        const QStringList refusals = LmoRules::orgRefusals(org);
        QCOMPARE(refusals.size(), 1);
        QVERIFY2(refusals.first().contains(reason), qPrintable(refusals.first()));
    }

    // Every answer that says what the org is can refuse it, whatever Kind says; each reason
    // names the answer, and a contradiction both sides.
    void everyAnswerAboutTheOrgIsChecked_data()
    {
        QTest::addColumn<QString>("answers");
        QTest::addColumn<QString>("reason");
        QTest::newRow("edition: Developer Edition")
            << u"edition=Developer Edition"_s
            << u"Kind says Production but the edition is Developer Edition: a Developer Edition org is not a paid org"_s;
        QTest::newRow("edition: Partner Developer Edition")
            << u"edition=Partner Developer Edition"_s << u"Kind says Production but the edition is Partner Developer Edition: a Developer Edition org"_s;
        QTest::newRow("edition: lower case") << u"edition=developer edition"_s << u"the edition is developer edition: a Developer Edition org"_s;
        QTest::newRow("edition: Trailhead Playground") << u"edition=Trailhead Playground"_s << u"a Developer Edition org is not a paid org"_s;
        QTest::newRow("edition: a trial") << u"edition=Enterprise Edition Trial"_s << u"the edition is Enterprise Edition Trial: a trial org expires"_s;
        QTest::newRow("edition: scratch") << u"edition=Scratch Org"_s << u"the edition is Scratch Org: a scratch org expires within days"_s;
        QTest::newRow("edition: sandbox") << u"edition=Enterprise Edition Sandbox"_s << u"a sandbox is refreshed from production"_s;
        QTest::newRow("instance: CS") << u"instance=CS142"_s
                                      << u"Kind says Production but the instance CS142 is a sandbox instance: a sandbox is refreshed"_s;
        QTest::newRow("instance: cs, spaced") << u"instance= cs87 "_s << u"the instance CS87 is a sandbox instance"_s;
        QTest::newRow("instance: Hyperforce sandbox") << u"instance=USA166S"_s << u"the instance USA166S is a sandbox instance"_s;
        QTest::newRow("instance: not one") << u"instance=na 135!"_s
                                           << u"\"na 135!\" is not a Salesforce instance name such as NA135"_s;
        QTest::newRow("trial expiration") << u"trial=2026-03-31"_s
                                          << u"Kind says Production but the org has a trial expiration date (2026-03-31): a trial org expires"_s;
        QTest::newRow("status: TRIAL") << u"status=TRIAL"_s << u"Kind says Production but the org status is TRIAL: a trial org expires"_s;
        QTest::newRow("status: trial") << u"status=trial"_s << u"the org status is TRIAL: a trial org expires"_s;
        QTest::newRow("status: SIGNING_UP") << u"status=SIGNING_UP"_s << u"the org status is SIGNING_UP: a trial org expires"_s;
        QTest::newRow("status: FREE") << u"status=FREE"_s
                                      << u"the org status is FREE, as a Developer Edition org's is: a Developer Edition org"_s;
        QTest::newRow("status: SUSPENDED") << u"status=SUSPENDED"_s << u"The org status is SUSPENDED: nobody can log in"_s;
        QTest::newRow("status: DELETED") << u"status=DELETED"_s << u"The org status is DELETED: the org is being deleted"_s;
        QTest::newRow("status: PENDING_DELETE") << u"status=PENDING_DELETE"_s << u"The org status is PENDING_DELETE: the org is being deleted"_s;
        QTest::newRow("status: unknown") << u"status=GOLD"_s << u"\"GOLD\" is not an org status the LMA records (ACTIVE, TRIAL"_s;
        QTest::newRow("not confirmed paid") << u"paid=no"_s << u"paid for and meant to last"_s;
        QTest::newRow("no org id") << u"id="_s << u"Give the org id: 15 or 18 characters beginning with 00D"_s;
        QTest::newRow("an account id") << u"id=001000000000001"_s
                                       << u"must begin with 00D; \"001000000000001\" begins with 001, which makes it an account id"_s;
        QTest::newRow("a wrong checksum") << u"id=00D5f000000AbCdXXX"_s << u"The org id is not a valid Salesforce id: \"00D5f000000AbCdXXX\" has a wrong checksum"_s;
        QTest::newRow("no name") << u"name=  "_s << u"Give the org's name"_s;
        // A refused kind that another answer contradicts: both named.
        QTest::newRow("sandbox on a production instance")
            << u"kind=sandbox;instance=NA135"_s << u"Kind says Sandbox but the instance NA135 is a production instance: one of them is wrong"_s;
        QTest::newRow("developer edition with a paid edition")
            << u"kind=developer-edition;edition=Enterprise Edition"_s << u"Kind says Developer Edition but the edition is Enterprise Edition"_s;
        QTest::newRow("sandbox with a Developer Edition")
            << u"kind=sandbox;edition=Developer Edition"_s << u"Kind says Sandbox but the edition is Developer Edition: a Developer Edition org"_s;
        // Two answers beside the kind that cannot both be true.
        QTest::newRow("a sandbox edition with a trial expiration")
            << u"kind=sandbox;edition=Sandbox;trial=2026-03-31"_s
            << u"The edition is Sandbox but the org has a trial expiration date (2026-03-31): no org is both"_s;
    }
    void everyAnswerAboutTheOrgIsChecked()
    {
        QFETCH(QString, answers);
        QFETCH(QString, reason);
        LmoOrg org = goodProfile().org;
        apply(org, answers);
        const QStringList refusals = LmoRules::orgRefusals(org);
        QVERIFY2(refusals.join(u'\n').contains(reason), qPrintable(refusals.join(u'\n')));
        for (const QString &r : refusals)
            QVERIFY2(isSentence(r), qPrintable(r));
        // Designating checks the same rule.
        LmoProfile p = goodProfile();
        p.org = org;
        QVERIFY(LmoRules::designationRefusals(p).join(u'\n').contains(reason));
    }

    // Answers that agree raise nothing beyond the kind's own refusal.
    void answersThatAgreeAreNotContradictions_data()
    {
        QTest::addColumn<QString>("answers");
        QTest::addColumn<int>("refusals");
        QTest::newRow("production, all said") << u"edition=Unlimited Edition;instance=na135;status=ACTIVE"_s << 0;
        QTest::newRow("Hyperforce production") << u"instance=USA662"_s << 0;
        QTest::newRow("scratch, all said")
            << u"kind=scratch;edition=Developer Edition;instance=CS142;trial=2026-03-31;status=TRIAL"_s << 1;
        QTest::newRow("sandbox, all said") << u"kind=sandbox;edition=Enterprise Edition;instance=CS87;status=ACTIVE"_s << 1;
        QTest::newRow("developer edition, all said") << u"kind=developer-edition;edition=Developer Edition;instance=NA99;status=FREE"_s << 1;
        QTest::newRow("trial, all said") << u"kind=trial;edition=Enterprise Edition;trial=2026-03-31;status=TRIAL"_s << 1;
    }
    void answersThatAgreeAreNotContradictions()
    {
        QFETCH(QString, answers);
        QFETCH(int, refusals);
        LmoOrg org = goodProfile().org;
        apply(org, answers);
        QCOMPARE(LmoRules::orgRefusals(org).size(), refusals);
    }

    void theOrgAnswersRoundTrip()
    {
        LmoProfile p = goodProfile();
        p.org.instance = u"NA135"_s;
        p.org.trialExpiration = QDate(2026, 3, 31);
        p.org.status = u"ACTIVE"_s;
        const LmoProfile back = LmoProfile::fromJson(p.toJson());
        QCOMPARE(back.org.instance, u"NA135"_s);
        QCOMPARE(back.org.trialExpiration, QDate(2026, 3, 31));
        QCOMPARE(back.org.status, u"ACTIVE"_s);
        // The runbook records them, and says when the org would be refused.
        const QString md = lmoRunbookMarkdown(p, QDate(2026, 1, 1));
        QVERIFY(md.contains(u"| Instance | NA135 |"_s));
        QVERIFY(md.contains(u"| Trial expiration | 2026-03-31 |"_s));
        QVERIFY2(md.contains(u"> Warning: LMO Desk would refuse this org as the LMO. Kind says Production but the org has a trial"_s),
                 qPrintable(md));
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

    // Each package problem is a sentence that says which package and what to do.
    void packageProblemsSayWhichAndWhat_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("id");
        QTest::addColumn<QStringList>("problems");
        QTest::newRow("nothing given")
            << QString() << QString()
            << QStringList{u"Give the name of the package in row 2."_s,
                           u"Give the package id in row 2: 15 or 18 characters beginning with 033, from the package's record "
                           u"in the LMA's Packages tab."_s};
        QTest::newRow("no id") << u"Ledgerly Sign"_s << QString()
                               << QStringList{u"Give the package id of Ledgerly Sign: 15 or 18 characters beginning with 033, "
                                              u"from the package's record in the LMA's Packages tab."_s};
        QTest::newRow("a version id")
            << u"Ledgerly Sign"_s << u"04t000000000001"_s
            << QStringList{u"The package id of Ledgerly Sign must begin with 033; \"04t000000000001\" begins with 04t, which "
                           u"makes it a package version id. Give its 033 id instead, from the package's record in the LMA's "
                           u"Packages tab."_s};
        QTest::newRow("too short")
            << u"Ledgerly Sign"_s << u"033abc"_s
            << QStringList{u"The package id of Ledgerly Sign is not a valid Salesforce id: \"033abc\" has 6 characters; a "
                           u"Salesforce id has 15 or 18. Copy it again, whole, from the package's record in the LMA's "
                           u"Packages tab."_s};
    }
    void packageProblemsSayWhichAndWhat()
    {
        QFETCH(QString, name);
        QFETCH(QString, id);
        QFETCH(QStringList, problems);
        QList<LinkedPackage> packages = goodProfile().packages;
        packages.append({name, QString(), id});
        QCOMPARE(LmoRules::packageRefusals(packages), problems);
    }

    void permissionsAreRestrictiveByDefault()
    {
        QVERIFY(LmoRules::permissionWarnings(LmoRules::defaultRoles()).isEmpty());
        QList<RoleAccess> all = LmoRules::defaultRoles();
        for (RoleAccess &r : all)
            r.licenses = Access::Read;
        QVERIFY(LmoRules::permissionWarnings(all).join(u' ').contains(u"Every role"_s));
        all.last().licenses = Access::Edit; // "Everyone else"
        const QStringList warnings = LmoRules::permissionWarnings(all);
        QCOMPARE(warnings.size(), 2);
        QCOMPARE(warnings.last(), u"\"Everyone else\" may edit licenses: one mistaken edit changes what a customer can use. "
                                  u"Set its Licenses access to read or none."_s);
        for (const QString &w : warnings)
            QVERIFY2(isSentence(w), qPrintable(w));
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

    // Step 3's "verify now" and step 5's growth, read through core.
    void theLmaExportAndTheGrowthAreReadInCore()
    {
        auto check = checkLmaExport(QFINDTESTDATA("data/dataloader_licenses.csv"));
        QVERIFY2(check.ok(), check.ok() ? "" : qPrintable(check.error().message));
        QCOMPARE(check->licenses, 4);
        QCOMPARE(check->rejected, 0);
        qint64 byPackage = 0, byStatus = 0;
        for (const auto &[name, count] : check->byPackage)
            byPackage += count;
        for (const auto &[name, count] : check->byStatus)
            byStatus += count;
        QCOMPARE(byPackage, 4);
        QCOMPARE(byStatus, 4);
        QVERIFY(!checkLmaExport(u"/nonexistent/licenses.csv"_s).ok());

        QTemporaryDir dir;
        auto db = test::createFixtureDatabase(dir.filePath(u"growth.sqlite"_s));
        QVERIFY(db);
        LmoRepository repository(db->connection());
        QCOMPARE(repository.licensesInstalledAfter(QDate(1990, 1, 1)).value(), 15);
        QCOMPARE(repository.licensesInstalledAfter(QDate(2100, 1, 1)).value(), 0);
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
