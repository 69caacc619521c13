// The LMO setup wizard driven offscreen: each refusal, saving after each page and resuming
// after a restart, the runbook, and the switch path; reading and writing off the UI thread
// (a read or a Finish the database refuses says why, the answers kept). On SQLite files and,
// as tst_lmowizard@postgresql, on the test server.
#include "fixtures.h"

#include "domain/salesforceid.h"
#include "lmo/lmoprofile.h"
#include "storage/licenserepository.h"
#include "storage/sqlutil.h"
#include "wizard/lmosetuppage.h"
#include "wizard/lmowizard.h"
#include "wizard/runbookfile.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDoubleSpinBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTreeWidget>
#include <QtTest>

using namespace lmo;
using namespace Qt::Literals::StringLiterals;

namespace {

void fillOrg(LmoWizard &w)
{
    w.orgName()->setText(u"Acme Partner Production"_s);
    w.orgId()->setText(u"00D5f000000AbCd"_s);
    w.orgKind()->setCurrentIndex(int(OrgKind::Production));
    w.paidAndPermanent()->setChecked(true);
}

// What a problems or warnings label shows, as plain text: one reason a line.
QString shownText(const QLabel *label)
{
    QTextDocument document;
    document.setHtml(label->text());
    return document.toPlainText();
}

QString pdfText(const QString &path)
{
    QProcess p;
    p.start(u"pdftotext"_s, {path, u"-"_s});
    p.waitForFinished(30000);
    // Ligatures as letters, and lines joined: a long heading wraps on the page.
    return QString::fromUtf8(p.readAllStandardOutput()).normalized(QString::NormalizationForm_KC).simplified();
}

} // namespace

class TestLmoWizard : public QObject
{
    Q_OBJECT
private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_db = test::createFixtureDatabase(m_dir.filePath(u"wizard-%1.sqlite"_s.arg(++m_count)));
        QVERIFY(m_db);
    }

    void theOrgPageRefusesWhatMustNotBeTheLmo()
    {
        LmoWizard w(*m_db, false);
        w.show();
        QTRY_VERIFY(w.isLoaded());
        QCOMPARE(w.currentId(), int(LmoWizard::OrgPage));
        fillOrg(w);
        QVERIFY(w.currentPage()->isComplete());
        const QList<QPair<OrgKind, QString>> refusals{
            {OrgKind::Sandbox, u"A sandbox cannot be the LMO: it is refreshed from production"_s},
            {OrgKind::DeveloperEdition, u"A Developer Edition org cannot be the LMO: it is not a paid org"_s},
            {OrgKind::Trial, u"A trial org cannot be the LMO: when the trial ends"_s},
            {OrgKind::Scratch, u"A scratch org cannot be the LMO: it expires within days."_s}};
        for (const auto &[kind, reason] : refusals) {
            w.orgKind()->setCurrentIndex(int(kind));
            QVERIFY(!w.currentPage()->isComplete());
            const QString shown = shownText(w.findChild<QLabel *>(u"orgProblems"_s));
            QVERIFY2(shown.startsWith(reason), qPrintable(shown)); // the reason, on the page, in red
            QVERIFY(!w.button(QWizard::NextButton)->isEnabled());
        }
        w.orgKind()->setCurrentIndex(int(OrgKind::Production));
        w.orgId()->setText(u"0015f000000AbCd"_s); // an account id
        QVERIFY(!w.currentPage()->isComplete());
        QVERIFY(shownText(w.findChild<QLabel *>(u"orgProblems"_s)).contains(u"00D"_s));
        w.orgId()->setText(u"00D5f000000AbCd"_s);
        w.paidAndPermanent()->setChecked(false);
        QVERIFY(!w.currentPage()->isComplete());
        w.paidAndPermanent()->setChecked(true);
        QVERIFY(w.currentPage()->isComplete());
    }

    // Every answer on step 1 that can make the org the wrong one holds Next back, with the
    // reason on the page as it is typed; undoing it lets the user go on.
    void eachAnswerOnTheOrgPageCanHoldNextBack_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("reason");
        QTest::newRow("kind: sandbox") << u"kind"_s << u"sandbox"_s << u"A sandbox cannot be the LMO: it is refreshed from production"_s;
        QTest::newRow("kind: developer edition") << u"kind"_s << u"developer-edition"_s
                                                 << u"A Developer Edition org cannot be the LMO: it is not a paid org"_s;
        QTest::newRow("kind: trial") << u"kind"_s << u"trial"_s << u"A trial org cannot be the LMO: when the trial ends"_s;
        QTest::newRow("kind: scratch") << u"kind"_s << u"scratch"_s << u"A scratch org cannot be the LMO: it expires within days."_s;
        QTest::newRow("edition: Developer Edition, typed")
            << u"edition"_s << u"Developer Edition"_s
            << u"Kind says Production but the edition is Developer Edition: a Developer Edition org is not a paid org"_s;
        QTest::newRow("edition: Partner Developer Edition, typed")
            << u"edition"_s << u"Partner Developer Edition"_s << u"Kind says Production but the edition is Partner Developer Edition"_s;
        QTest::newRow("edition: Developer Edition, chosen")
            << u"edition-choice"_s << u"Developer Edition"_s << u"Kind says Production but the edition is Developer Edition"_s;
        QTest::newRow("instance: a sandbox's") << u"instance"_s << u"cs142"_s
                                               << u"Kind says Production but the instance CS142 is a sandbox instance: a sandbox is refreshed"_s;
        QTest::newRow("instance: not one") << u"instance"_s << u"na-135"_s << u"\"na-135\" is not a Salesforce instance name"_s;
        QTest::newRow("trial expiration") << u"trial"_s << u"2026-03-31"_s
                                          << u"Kind says Production but the org has a trial expiration date (2026-03-31): a trial org expires"_s;
        QTest::newRow("status: TRIAL") << u"status"_s << u"TRIAL"_s << u"Kind says Production but the org status is TRIAL"_s;
        QTest::newRow("status: FREE") << u"status"_s << u"FREE"_s << u"Kind says Production but the org status is FREE"_s;
        QTest::newRow("status: SIGNING_UP") << u"status"_s << u"SIGNING_UP"_s << u"Kind says Production but the org status is SIGNING_UP"_s;
        QTest::newRow("status: SUSPENDED") << u"status"_s << u"SUSPENDED"_s << u"The org status is SUSPENDED"_s;
        QTest::newRow("not confirmed paid") << u"paid"_s << QString() << u"paid for and meant to last"_s;
        QTest::newRow("an account id") << u"id"_s << u"0015f000000AbCd"_s << u"must begin with 00D"_s;
        QTest::newRow("no name") << u"name"_s << QString() << u"Give the org's name"_s;
    }
    void eachAnswerOnTheOrgPageCanHoldNextBack()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(QString, reason);
        LmoWizard w(*m_db, false);
        w.show();
        QTRY_VERIFY(w.isLoaded());
        fillOrg(w);
        auto *next = w.button(QWizard::NextButton);
        auto *shown = w.findChild<QLabel *>(u"orgProblems"_s);
        QVERIFY(next->isEnabled());
        QVERIFY(!shown->isVisibleTo(&w));
        auto answer = [&](bool wrong) {
            if (field == u"kind") {
                w.orgKind()->setCurrentIndex(wrong ? int(orgKindFromName(value).value()) : int(OrgKind::Production));
            } else if (field == u"edition") {
                w.orgEdition()->lineEdit()->clear();
                QTest::keyClicks(w.orgEdition()->lineEdit(), wrong ? value : u"Enterprise Edition"_s);
            } else if (field == u"edition-choice") {
                w.orgEdition()->setCurrentIndex(w.orgEdition()->findText(wrong ? value : u"Unlimited Edition"_s));
            } else if (field == u"instance") {
                w.orgInstance()->clear();
                if (wrong)
                    QTest::keyClicks(w.orgInstance(), value);
            } else if (field == u"trial") {
                w.trialExpiration()->setDate(QDate::fromString(value, Qt::ISODate));
                w.hasTrialExpiration()->setChecked(wrong);
            } else if (field == u"status") {
                w.orgStatus()->setCurrentIndex(wrong ? w.orgStatus()->findData(value) : w.orgStatus()->findData(u"ACTIVE"_s));
            } else if (field == u"paid") {
                w.paidAndPermanent()->setChecked(!wrong);
            } else if (field == u"id") {
                w.orgId()->setText(wrong ? value : u"00D5f000000AbCd"_s);
            } else if (field == u"name") {
                w.orgName()->setText(wrong ? value : u"Acme Partner Production"_s);
            }
        };
        answer(true);
        QVERIFY(!next->isEnabled());
        QVERIFY(!w.currentPage()->isComplete());
        QVERIFY(shown->isVisibleTo(&w)); // in red, beneath the fields
        QVERIFY2(shownText(shown).contains(reason), qPrintable(shownText(shown)));
        answer(false);
        QVERIFY2(next->isEnabled(), qPrintable(shownText(shown)));
        QVERIFY(!shown->isVisibleTo(&w));
        // What the page recorded is what the core rule judged.
        answer(true);
        QVERIFY(LmoRules::orgRefusals(w.profile().org).join(u'\n').contains(reason));
    }

    // Step 4's warnings follow each change of access as it is made in the table.
    void thePermissionWarningsFollowEachChange()
    {
        LmoWizard w(*m_db, false);
        w.show();
        QTRY_VERIFY(w.isLoaded());
        fillOrg(w);
        w.next();
        w.addPackage(u"Ledgerly CPQ"_s, u"ledgerly"_s, u"033000000000001"_s);
        w.next();
        w.lmaVersion()->setText(u"1.15"_s);
        w.objectsVisible()->setChecked(true);
        w.next();
        QCOMPARE(w.currentId(), int(LmoWizard::PermissionsPage));
        auto *warnings = w.currentPage()->findChild<QLabel *>(u"roleWarnings"_s);
        QVERIFY(warnings);
        QVERIFY(!warnings->isVisibleTo(&w));
        auto box = [&](int row, int column) { return qobject_cast<QComboBox *>(w.rolesTable()->cellWidget(row, column)); };
        const int everyone = w.rolesTable()->rowCount() - 1;
        QCOMPARE(w.rolesTable()->item(everyone, 0)->text(), u"Everyone else"_s);
        box(everyone, 1)->setCurrentIndex(int(Access::Edit)); // as the user picks it, nothing else touched
        QVERIFY(warnings->isVisibleTo(&w));
        QVERIFY2(shownText(warnings).contains(u"\"Everyone else\" may edit licenses"_s), qPrintable(shownText(warnings)));
        box(everyone, 1)->setCurrentIndex(int(Access::None));
        QVERIFY(!warnings->isVisibleTo(&w));
        for (int r = 0; r < w.rolesTable()->rowCount(); ++r)
            box(r, 2)->setCurrentIndex(int(Access::Read));
        QVERIFY(shownText(warnings).contains(u"Every role can see"_s));
        QVERIFY(w.button(QWizard::NextButton)->isEnabled()); // a warning, not a refusal
        box(everyone, 2)->setCurrentIndex(int(Access::None));
        QVERIFY(!warnings->isVisibleTo(&w));
        // A role renamed in the table counts at once too.
        box(0, 1)->setCurrentIndex(int(Access::Edit));
        w.rolesTable()->item(0, 0)->setText(u"Everyone in sales"_s);
        QVERIFY(shownText(warnings).contains(u"\"Everyone in sales\" may edit licenses"_s));
        w.next();
        // Step 5's storage warning, too.
        auto *storage = w.currentPage()->findChild<QLabel *>(u"forecastWarning"_s);
        QVERIFY(!storage->isVisibleTo(&w));
        w.licensesToday()->setValue(100000);
        w.growthPerMonth()->setValue(10000);
        w.storageMb()->setValue(500);
        QVERIFY(storage->isVisibleTo(&w));
        QVERIFY(shownText(storage).contains(u"Plan more storage now."_s));
        w.storageMb()->setValue(50000);
        QVERIFY(!storage->isVisibleTo(&w));
    }

    // Step 2 offers the packages the database holds, with their 033 ids.
    void thePackagesPageOffersThoseThisDatabaseHolds()
    {
        LmoWizard w(*m_db, false);
        w.show();
        QTRY_VERIFY(w.isLoaded());
        fillOrg(w);
        w.next();
        QCOMPARE(w.currentId(), int(LmoWizard::PackagesPage));
        QComboBox *offered = w.offeredPackages();
        QVERIFY(offered->isVisibleTo(&w));
        QCOMPARE(offered->count(), 3);
        QCOMPARE(offered->itemText(0), u"Package A (%1)"_s.arg(SalesforceId::fromString(u"033000000000001"_s).to18()));
        QVERIFY(!w.button(QWizard::NextButton)->isEnabled());
        offered->setCurrentIndex(1);
        w.findChild<QPushButton *>(u"addOfferedPackage"_s)->click();
        QCOMPARE(w.packagesTable()->rowCount(), 1);
        QCOMPARE(w.packagesTable()->item(0, 0)->text(), u"Package B"_s);
        QCOMPARE(w.profile().packages.first().packageId, SalesforceId::fromString(u"033000000000002"_s).to18());
        QVERIFY(w.button(QWizard::NextButton)->isEnabled());
        QCOMPARE(offered->count(), 2); // no longer offered once listed
        QVERIFY(offered->findText(u"Package B"_s, Qt::MatchStartsWith) < 0);
        // Typed in by hand, by its id: not offered either.
        w.addPackage(u"Our CPQ"_s, u"acme"_s, u"033000000000001"_s);
        QCOMPARE(offered->count(), 1);
        w.addPackage(u"Package C (no installs)"_s, QString(), u"033000000000003"_s);
        QVERIFY(!offered->isVisibleTo(&w));
    }

    // An LMO recorded before the rule knew an answer (a Developer Edition marked Production) is
    // judged by the same rule wherever it is reviewed: the LMO page, `lmodesk lmo show` and the
    // wizard, which stops at step 1 with the reason instead of opening on the summary.
    void aRecordedLmoIsReviewedByTheSameRule()
    {
        LmoProfile p;
        p.pagesDone = 6;
        p.org.name = u"Acme Dev"_s;
        p.org.orgId = SalesforceId::fromString(u"00D5f000000AbCd"_s).to18();
        p.org.edition = u"Developer Edition"_s;
        p.org.kind = OrgKind::Production;
        p.org.confirmedPaidAndPermanent = true;
        p.packages = {{u"Ledgerly CPQ"_s, u"ledgerly"_s, SalesforceId::fromString(u"033000000000001"_s).to18()}};
        p.lmaVersion = u"1.15"_s;
        p.lmaObjectsVisible = true;
        p.documented = true;
        p.designatedAt = QDateTime::currentDateTimeUtc();
        QVERIFY(LmoRepository(m_db->connection()).save(p).ok());
        const QString reason = u"Kind says Production but the edition is Developer Edition"_s;

        LmoSetupPage page;
        page.setDatabase(m_db.get());
        QTRY_VERIFY(page.isLoaded());
        QVERIFY(page.refusalsLabel()->isVisibleTo(&page));
        QVERIFY2(shownText(page.refusalsLabel()).contains(reason), qPrintable(shownText(page.refusalsLabel())));
        QVERIFY(shownText(page.refusalsLabel()).contains(u"LMO Desk would refuse this org as the LMO today."_s));
        if (const QString shots = qEnvironmentVariable("LMODESK_SHOTS"); !shots.isEmpty()) {
            page.resize(1100, 700);
            page.show();
            QVERIFY(QTest::qWaitForWindowExposed(&page));
            page.grab().save(shots + u"/wizard-lmopage-refused.png"_s);
            page.hide();
        }

        QProcess cli;
        cli.start(QStringLiteral(LMODESK_BINARY), {u"lmo"_s, u"show"_s, u"--db"_s, m_db->path()});
        QVERIFY(cli.waitForFinished(30000));
        const QString out = QString::fromUtf8(cli.readAllStandardOutput());
        QVERIFY2(out.contains(u"Refused        "_s + reason), qPrintable(out));
        cli.start(QStringLiteral(LMODESK_BINARY), {u"lmo"_s, u"show"_s, u"--db"_s, m_db->path(), u"--json"_s});
        QVERIFY(cli.waitForFinished(30000));
        const QJsonArray refusals = QJsonDocument::fromJson(cli.readAllStandardOutput()).object().value(u"refusals"_s).toArray();
        QCOMPARE(refusals.size(), 1);
        QVERIFY(refusals.first().toString().startsWith(reason));

        LmoWizard review(*m_db, false);
        review.show();
        QTRY_VERIFY(review.isLoaded());
        QCOMPARE(review.currentId(), int(LmoWizard::OrgPage));
        QVERIFY(!review.button(QWizard::NextButton)->isEnabled());
        QVERIFY(shownText(review.findChild<QLabel *>(u"orgProblems"_s)).contains(reason));
        review.orgEdition()->setEditText(u"Enterprise Edition"_s);
        QVERIFY(review.button(QWizard::NextButton)->isEnabled());

        // Once corrected, the page no longer warns.
        p.org.edition = u"Enterprise Edition"_s;
        QVERIFY(LmoRepository(m_db->connection()).save(p).ok());
        page.reload();
        QTRY_VERIFY(page.isLoaded());
        QVERIFY(!page.refusalsLabel()->isVisibleTo(&page));
    }

    // The wizard and the LMO page open at once and read what the database records on a
    // worker: until the answer is in they say so, the wizard's fields wait and Next holds back.
    void theWizardAndThePageReadOffTheUiThread()
    {
        LmoWizard w(*m_db, false);
        QSignalSpy loaded(&w, &LmoWizard::loaded);
        w.show();
        QVERIFY(!w.isLoaded()); // the answer comes through the event loop, never in the constructor
        auto *note = w.currentPage()->findChild<QLabel *>(u"wizardNote"_s);
        QVERIFY(note);
        QVERIFY(note->isVisibleTo(&w));
        QCOMPARE(note->text(), u"Reading what this database records about its LMO…"_s);
        QVERIFY(!w.orgName()->isEnabled());
        QVERIFY(!w.button(QWizard::NextButton)->isEnabled());
        QVERIFY(!w.findChild<QLabel *>(u"orgProblems"_s)->isVisibleTo(&w)); // not the empty form's problems
        if (const QString shots = qEnvironmentVariable("LMODESK_SHOTS"); !shots.isEmpty())
            w.grab().save(shots + u"/wizard-reading.png"_s);
        QTRY_COMPARE(loaded.size(), 1);
        QCOMPARE(loaded.first().first().toBool(), true);
        QVERIFY(w.isLoaded());
        QVERIFY(!note->isVisibleTo(&w));
        QVERIFY(w.orgName()->isEnabled());
        fillOrg(w);
        QVERIFY(w.button(QWizard::NextButton)->isEnabled());

        LmoSetupPage page;
        QSignalSpy pageLoaded(&page, &LmoSetupPage::loaded);
        page.setDatabase(m_db.get());
        QVERIFY(!page.isLoaded());
        QCOMPARE(page.identityLabel()->text(), u"Reading this database's LMO…"_s);
        QVERIFY(!page.wizardButton()->isEnabled());
        QTRY_COMPARE(pageLoaded.size(), 1);
        QCOMPARE(pageLoaded.first().first().toBool(), true);
        QVERIFY2(page.identityLabel()->text().contains(u"No LMO designated yet."_s), qPrintable(page.identityLabel()->text()));
        QVERIFY(page.wizardButton()->isEnabled());
        QCOMPARE(page.packagesTree()->topLevelItemCount(), 3);
        QVERIFY(!page.isDesignated());
    }

    // A database that cannot be read (here: its LMO table gone) leaves the wizard saying why,
    // Next held back, and the LMO page saying why too; nothing is written.
    void aReadThatFailsSaysWhy()
    {
        QSqlDatabase db = m_db->connection();
        QVERIFY(execSql(db, u"ALTER TABLE lmo_profiles RENAME TO lmo_profiles_away"_s, u"hiding the LMO table"_s).ok());
        {
            LmoWizard w(*m_db, false);
            QSignalSpy loaded(&w, &LmoWizard::loaded);
            w.show();
            QTRY_COMPARE(loaded.size(), 1);
            QCOMPARE(loaded.first().first().toBool(), false);
            QVERIFY(!w.isLoaded());
            const QString note = w.currentPage()->findChild<QLabel *>(u"wizardNote"_s)->text();
            QVERIFY2(note.startsWith(u"Could not read what this database records about its LMO: "_s), qPrintable(note));
            QVERIFY(!w.lastError().isEmpty());
            QVERIFY(note.contains(w.lastError()));
            fillOrg(w);
            QVERIFY(!w.button(QWizard::NextButton)->isEnabled());
            w.reject();
            QTRY_VERIFY(!w.isVisible());
        }
        LmoSetupPage page;
        QSignalSpy pageLoaded(&page, &LmoSetupPage::loaded);
        page.setDatabase(m_db.get());
        QTRY_COMPARE(pageLoaded.size(), 1);
        QCOMPARE(pageLoaded.first().first().toBool(), false);
        QVERIFY2(page.identityLabel()->text().startsWith(u"Could not read this database's LMO: "_s), qPrintable(page.identityLabel()->text()));
        QVERIFY(!page.wizardButton()->isEnabled());
        QVERIFY(execSql(db, u"ALTER TABLE lmo_profiles_away RENAME TO lmo_profiles"_s, u"restoring the LMO table"_s).ok());
        page.reload();
        QTRY_VERIFY(page.isLoaded());
        QVERIFY(page.wizardButton()->isEnabled());
    }

    // Finish writes as a job. One the database refuses keeps the wizard open on the summary
    // with every answer and says why (on the page and in a box); once the database takes it,
    // Finish records it and the wizard closes.
    void aFinishThatFailsKeepsTheWizardOpenWithTheAnswers()
    {
        LmoWizard w(*m_db, false);
        w.show();
        QTRY_VERIFY(w.isLoaded());
        fillOrg(w);
        w.next();
        w.addPackage(u"Ledgerly CPQ"_s, u"ledgerly"_s, u"033000000000001"_s);
        w.next();
        w.lmaVersion()->setText(u"1.15"_s);
        w.objectsVisible()->setChecked(true);
        for (int page = LmoWizard::LmaPage; page < LmoWizard::SummaryPage; ++page)
            w.next();
        QCOMPARE(w.currentId(), int(LmoWizard::SummaryPage));
        QTRY_VERIFY(!w.isWriting()); // the answers so far, saved
        QCOMPARE(LmoRepository(m_db->connection()).current()->pagesDone, int(LmoWizard::SummaryPage));
        QVERIFY(w.button(QWizard::FinishButton)->isEnabled());

        // The profile's table away: the write fails as a server's refusal would.
        QSqlDatabase db = m_db->connection();
        QVERIFY(execSql(db, u"ALTER TABLE lmo_profiles RENAME TO lmo_profiles_away"_s, u"hiding the LMO table"_s).ok());
        QSignalSpy failed(&w, &LmoWizard::finishFailed);
        QSignalSpy recorded(&w, &LmoWizard::designationRecorded);
        w.accept();
        QVERIFY(w.isWriting());
        QVERIFY(!w.button(QWizard::FinishButton)->isEnabled()); // while it writes
        QVERIFY(!w.button(QWizard::BackButton)->isEnabled());
        w.reject(); // not in the middle of Finish
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(recorded.size(), 0);
        QVERIFY(w.isVisible());
        QCOMPARE(w.currentId(), int(LmoWizard::SummaryPage));
        auto *box = w.findChild<QMessageBox *>(u"lmoFinishFailed"_s);
        QVERIFY(box);
        QVERIFY(box->isVisible());
        QVERIFY2(box->text().startsWith(u"The LMO was not recorded:"_s), qPrintable(box->text()));
        QVERIFY(box->text().contains(failed.first().first().toString()));
        const QString note = w.currentPage()->findChild<QLabel *>(u"wizardNote"_s)->text();
        QVERIFY2(note.contains(u"Your answers are kept"_s), qPrintable(note));
        QCOMPARE(w.orgName()->text(), u"Acme Partner Production"_s);
        QCOMPARE(w.packagesTable()->rowCount(), 1);
        QVERIFY(w.button(QWizard::FinishButton)->isEnabled());
        QVERIFY(w.button(QWizard::BackButton)->isEnabled());
        if (const QString shots = qEnvironmentVariable("LMODESK_SHOTS"); !shots.isEmpty()) {
            w.grab().save(shots + u"/wizard-finish-failed.png"_s);
            box->grab().save(shots + u"/wizard-finish-failed-box.png"_s);
        }
        box->accept();
        QVERIFY(execSql(db, u"ALTER TABLE lmo_profiles_away RENAME TO lmo_profiles"_s, u"restoring the LMO table"_s).ok());
        QVERIFY(!LmoRepository(m_db->connection()).current()->designatedAt.isValid()); // nothing was recorded

        w.accept();
        QTRY_VERIFY(!w.isVisible());
        QCOMPARE(recorded.size(), 1);
        QCOMPARE(w.result(), int(QDialog::Accepted));
        const LmoProfile done = LmoRepository(m_db->connection()).current().value();
        QVERIFY(done.designatedAt.isValid());
        QCOMPARE(done.org.name, u"Acme Partner Production"_s);
        QCOMPARE(done.packages.size(), 1);
    }

    void progressIsSavedAndResumedAfterARestart()
    {
        {
            LmoWizard w(*m_db, false);
            w.show();
            QTRY_VERIFY(w.isLoaded());
            fillOrg(w);
            w.next();
            QCOMPARE(w.currentId(), int(LmoWizard::PackagesPage));
            QVERIFY(!w.currentPage()->isComplete()); // no package yet
            w.addPackage(u"Ledgerly CPQ"_s, u"ledgerly"_s, u"04t000000000001"_s); // a version id, not a package
            QVERIFY(!w.currentPage()->isComplete());
            w.packagesTable()->item(0, 2)->setText(u"033000000000001"_s);
            QVERIFY(w.currentPage()->isComplete());
            w.next();
            QCOMPARE(w.currentId(), int(LmoWizard::LmaPage));
            w.reject(); // the user closes the app here
            QTRY_VERIFY(!w.isVisible()); // once the answers are saved
        }
        auto saved = LmoRepository(m_db->connection()).current();
        QVERIFY(saved.ok());
        QCOMPARE(saved->pagesDone, 2);
        QCOMPARE(saved->org.orgId, SalesforceId::fromString(u"00D5f000000AbCd"_s).to18());
        QCOMPARE(saved->packages.size(), 1);

        LmoWizard again(*m_db, false);
        again.show();
        QTRY_VERIFY(again.isLoaded());
        QCOMPARE(again.currentId(), int(LmoWizard::LmaPage)); // where they left off
        QCOMPARE(again.orgName()->text(), u"Acme Partner Production"_s); // the earlier answers are there
        QCOMPARE(again.packagesTable()->rowCount(), 1);
        QVERIFY(!again.currentPage()->isComplete());
        // The page says why the step matters and what it decides, and why Next waits.
        QVERIFY(again.currentPage()->findChild<QLabel *>(u"stepIntro"_s)->text().contains(u"This step decides:"_s));
        QCOMPARE(shownText(again.currentPage()->findChild<QLabel *>(u"lmaProblems"_s)),
                 u"Give the LMA's version (Setup > Installed Packages > License Management App).\n"
                 u"Tick \"The License and Subscriber objects are visible\" once you have seen them in the org, or verify "
                 u"now with a License export."_s);
        // The pages already done are behind Back.
        again.back();
        QCOMPARE(again.currentId(), int(LmoWizard::PackagesPage));
        again.next();
        QCOMPARE(again.currentId(), int(LmoWizard::LmaPage));
        // "Verify now" reads an export and says what it holds, writing nothing here.
        const QString found = again.verifyExport(QFINDTESTDATA("data/dataloader_licenses.csv"));
        QVERIFY2(found.startsWith(u"Found 4 licenses (0 rejected) in dataloader_licenses.csv"_s), qPrintable(found));
        QVERIFY2(found.contains(u"By package: "_s) && found.contains(u"By status: "_s), qPrintable(found));
        QVERIFY(again.objectsVisible()->isChecked());
        QCOMPARE(LicenseRepository(*m_db).count().value(), 15);
        QVERIFY(again.verifyExport(m_dir.filePath(u"missing.csv"_s)).contains(u"missing.csv"_s));
        again.lmaVersion()->setText(u"1.15"_s);
        again.objectsVisible()->setChecked(true);
        again.next();
        QCOMPARE(again.currentId(), int(LmoWizard::PermissionsPage));
        // Restrictive by default; everyone granted draws a warning (but may go on).
        QVERIFY(again.profile().roles.size() >= 6);
        QCOMPARE(again.profile().roles.last().licenses, Access::None);
        for (int r = 0; r < again.rolesTable()->rowCount(); ++r)
            again.setAccess(r, Access::Read, Access::Read);
        QVERIFY(!LmoRules::permissionWarnings(again.profile().roles).isEmpty());
        again.setAccess(again.rolesTable()->rowCount() - 1, Access::None, Access::None);
        again.next();
        QCOMPARE(again.currentId(), int(LmoWizard::IntegrationsPage));
        QCOMPARE(again.licensesToday()->value(), 15); // the licenses this database holds
        again.licensesToday()->setValue(100000);
        again.growthPerMonth()->setValue(10000);
        again.storageMb()->setValue(500);
        QVERIFY2(again.forecastLabel()->text().contains(u"1.3 years"_s), qPrintable(again.forecastLabel()->text()));
        QVERIFY(shownText(again.currentPage()->findChild<QLabel *>(u"forecastWarning"_s)).contains(u"Plan more storage"_s));
        again.next();
        QCOMPARE(again.currentId(), int(LmoWizard::DocumentPage));
        // Not marking the org as the LMO is refused, with the reason.
        again.findChild<QCheckBox *>(u"markAsLmo"_s)->setChecked(false);
        QVERIFY(!again.currentPage()->isComplete());
        QCOMPARE(shownText(again.currentPage()->findChild<QLabel *>(u"documentProblems"_s)),
                 u"Tick \"Mark this org as this database's LMO\" to finish."_s);
        QVERIFY(!again.button(QWizard::NextButton)->isEnabled());
        again.findChild<QCheckBox *>(u"markAsLmo"_s)->setChecked(true);
        QVERIFY(again.button(QWizard::NextButton)->isEnabled());
        QVERIFY(again.currentPage()->isComplete());
        // The runbook, both ways.
        const QString md = m_dir.filePath(u"runbook.md"_s);
        const QString pdf = m_dir.filePath(u"runbook.pdf"_s);
        QVERIFY(again.saveRunbook(md).ok());
        QVERIFY(again.saveRunbook(pdf).ok());
        QFile mdFile(md);
        QVERIFY(mdFile.open(QIODevice::ReadOnly));
        const QString mdText = QString::fromUtf8(mdFile.readAll());
        for (const QString &part : {u"LMO runbook: Acme Partner Production"_s, u"Do not retire"_s, u"Ledgerly CPQ"_s,
                                    u"Version 1.15"_s, u"Storage forecast"_s, u"Partner Support"_s})
            QVERIFY2(mdText.contains(part), qPrintable(part));
        const QString pdfContent = pdfText(pdf);
        QVERIFY2(pdfContent.contains(u"LMO runbook: Acme Partner Production"_s), qPrintable(pdfContent.left(300)));
        QVERIFY(pdfContent.contains(u"Do not retire"_s));
        QVERIFY(!again.saveRunbook(m_dir.filePath(u"runbook.txt"_s)).ok());
        again.next();
        QCOMPARE(again.currentId(), int(LmoWizard::SummaryPage));
        QVERIFY(again.findChild<QTextBrowser *>(u"summary"_s)->toPlainText().contains(u"Acme Partner Production"_s));
        again.accept();
        QTRY_VERIFY(!again.isVisible());
        auto done = LmoRepository(m_db->connection()).current();
        QVERIFY(done->designatedAt.isValid());
        QVERIFY(done->documented);
        QCOMPARE(done->storageAllocationMb, 500.0);

        // `lmodesk lmo show` reports it.
        QProcess cli;
        cli.start(QStringLiteral(LMODESK_BINARY), {u"lmo"_s, u"show"_s, u"--db"_s, m_db->path()});
        QVERIFY(cli.waitForFinished(30000));
        const QString out = QString::fromUtf8(cli.readAllStandardOutput());
        QVERIFY2(out.contains(u"Acme Partner Production"_s) && out.contains(u"designated"_s), qPrintable(out));

        // Reviewing it later opens on the summary and keeps the day it was designated.
        {
            const QDateTime designated = done->designatedAt;
            LmoWizard review(*m_db, false);
            review.show();
            QTRY_VERIFY(review.isLoaded());
            QCOMPARE(review.currentId(), int(LmoWizard::SummaryPage));
            review.back();
            QCOMPARE(review.currentId(), int(LmoWizard::DocumentPage));
            review.next();
            QTest::qWait(1100);
            review.accept();
            QTRY_VERIFY(!review.isVisible());
            QCOMPARE(LmoRepository(m_db->connection()).current()->designatedAt, designated);
        }

        // The LMO page now shows the designated org and its runbook, not the steps to take.
        LmoSetupPage page;
        page.setDatabase(m_db.get());
        QTRY_VERIFY(page.isLoaded());
        QVERIFY2(page.identityLabel()->text().contains(u"<b>Acme Partner Production</b>"_s), qPrintable(page.identityLabel()->text()));
        QVERIFY(page.identityLabel()->text().contains(u"designated on"_s));
        QCOMPARE(page.wizardButton()->text(), u"Review in the wizard…"_s);
        QVERIFY(page.runbookView()->isVisibleTo(&page));
        QVERIFY(page.runbookView()->toPlainText().contains(u"Do not retire"_s));
        QVERIFY(page.runbookMarkdown().contains(u"LMO runbook: Acme Partner Production"_s));
        QVERIFY(page.findChild<QPushButton *>(u"lmoSavePdf"_s)->isEnabled());
        QVERIFY(page.findChild<QPushButton *>(u"lmoSwitchButton"_s)->isEnabled());
        const QString pageMd = m_dir.filePath(u"page-runbook.md"_s);
        QVERIFY(saveRunbookFile(page.runbookMarkdown(), pageMd).ok());
        QVERIFY(QFileInfo(pageMd).size() > 1000);
        QSignalSpy wanted(&page, &LmoSetupPage::wizardRequested);
        page.findChild<QPushButton *>(u"lmoSwitchButton"_s)->click();
        QCOMPARE(wanted.size(), 1);
        QCOMPARE(wanted.first().first().toBool(), true);
    }

    void switchingRecordsANewLmoAndKeepsTheOld()
    {
        LmoProfile first;
        first.org.name = u"Old LMO"_s;
        first.org.orgId = SalesforceId::fromString(u"00D000000000001"_s).to18();
        first.designatedAt = QDateTime::currentDateTimeUtc();
        QVERIFY(LmoRepository(m_db->connection()).save(first).ok());

        LmoWizard w(*m_db, true);
        w.show();
        QTRY_VERIFY(w.isLoaded());
        QCOMPARE(w.currentId(), int(LmoWizard::OrgPage)); // a switch starts afresh
        QVERIFY(w.orgName()->text().isEmpty());
        auto *note = w.findChild<QLabel *>(u"switchNote"_s);
        QVERIFY(note->isVisibleTo(&w));
        QVERIFY2(note->text().contains(u"Old LMO stays on record as the former LMO"_s), qPrintable(note->text()));
        w.orgName()->setText(u"New LMO"_s);
        w.orgId()->setText(u"00D000000000002"_s);
        w.paidAndPermanent()->setChecked(true);
        w.next();
        w.addPackage(u"Ledgerly CPQ"_s, u"ledgerly"_s, u"033000000000001"_s);
        w.next();
        w.lmaVersion()->setText(u"1.15"_s);
        w.objectsVisible()->setChecked(true);
        w.next();
        w.next();
        w.next();
        QCOMPARE(w.currentId(), int(LmoWizard::DocumentPage));
        QVERIFY(w.transitionDate()->isVisibleTo(&w));
        w.transitionDate()->setDate(QDate(2026, 12, 1));
        // The new LMO's runbook records the one it replaces, and from when.
        const QString runbook = w.runbookMarkdown();
        QVERIFY2(runbook.contains(u"## The LMOs before this one"_s), qPrintable(runbook));
        QVERIFY(runbook.contains(u"| Old LMO | %1 | 2026-12-01 |"_s.arg(first.org.orgId)));
        w.next();
        w.accept();
        QTRY_VERIFY(!w.isVisible());
        LmoRepository repository(m_db->connection());
        QCOMPARE(repository.current()->org.name, u"New LMO"_s);
        const auto former = repository.former().value();
        QCOMPARE(former.size(), 1);
        QCOMPARE(former.first().first.org.name, u"Old LMO"_s);
        QCOMPARE(former.first().second, QDate(2026, 12, 1));
    }

    // Every page at the wizard's own size, with the longest texts it shows (every refusal of
    // step 1 at once; the switch notes): each label shows all its text, none clipped by a layout
    // that gave it less height than its wrapped text needs. LMODESK_SHOTS=DIR saves each page.
    void everyPageShowsAllItsText_data()
    {
        QTest::addColumn<bool>("switching");
        QTest::addColumn<QSize>("size"); // empty: the wizard's own
        QTest::newRow("designating") << false << QSize();
        QTest::newRow("switching") << true << QSize();
        // As large as a 1280x800 screen lets it be.
        QTest::newRow("designating, 1280x800") << false << QSize(1280, 800);
        QTest::newRow("switching, 1280x800") << true << QSize(1280, 800);
    }
    void everyPageShowsAllItsText()
    {
        QFETCH(bool, switching);
        QFETCH(QSize, size);
        if (switching) {
            LmoProfile first;
            first.org.name = u"Old LMO"_s;
            first.designatedAt = QDateTime::currentDateTimeUtc();
            QVERIFY(LmoRepository(m_db->connection()).save(first).ok());
        }
        LmoWizard w(*m_db, switching);
        if (size.isValid())
            w.resize(size);
        w.show();
        QTRY_VERIFY(w.isLoaded());
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QString shots = qEnvironmentVariable("LMODESK_SHOTS");
        const QString sizeName = size.isValid() ? u"%1x%2-"_s.arg(QString::number(size.width()), QString::number(size.height())) : QString();
        auto check = [&](const QString &name) {
            QApplication::processEvents();
            if (!shots.isEmpty())
                w.grab().save(u"%1/wizard-%2%3%4.png"_s.arg(shots, sizeName, switching ? u"switch-"_s : QString(), name));
            for (QLabel *label : w.currentPage()->findChildren<QLabel *>()) {
                if (!label->isVisible() || label->text().isEmpty() || !label->wordWrap())
                    continue;
                QVERIFY2(label->height() >= label->heightForWidth(label->width()),
                         qPrintable(u"%1: \"%2\" needs %3 px, has %4"_s.arg(name, label->text().left(60))
                                        .arg(label->heightForWidth(label->width()))
                                        .arg(label->height())));
                QVERIFY2(label->geometry().right() <= w.currentPage()->width(), qPrintable(name));
            }
        };
        // Step 1 with everything wrong: the longest list of reasons it can show.
        w.orgId()->setText(u"0015f000000AbCd"_s);
        w.orgEdition()->setEditText(u"Partner Developer Edition"_s);
        w.orgInstance()->setText(u"CS142"_s);
        w.hasTrialExpiration()->setChecked(true);
        w.orgStatus()->setCurrentIndex(w.orgStatus()->findData(u"TRIAL"_s));
        check(u"page1-refused"_s);
        if (QTest::currentTestFailed())
            return;
        w.orgEdition()->setEditText(u"Enterprise Edition"_s);
        w.orgInstance()->setText(u"NA135"_s);
        w.hasTrialExpiration()->setChecked(false);
        w.orgStatus()->setCurrentIndex(w.orgStatus()->findData(u"ACTIVE"_s));
        fillOrg(w);
        for (int page = LmoWizard::OrgPage; page <= LmoWizard::SummaryPage; ++page) {
            if (page == LmoWizard::PackagesPage)
                w.addPackage(u"Ledgerly CPQ"_s, u"ledgerly"_s, u"033000000000001"_s);
            if (page == LmoWizard::LmaPage) {
                w.lmaVersion()->setText(u"1.15"_s);
                w.objectsVisible()->setChecked(true);
            }
            if (page == LmoWizard::IntegrationsPage)
                w.storageMb()->setValue(1); // the storage warning too
            QCOMPARE(w.currentId(), page);
            check(u"page%1"_s.arg(page + 1));
            if (QTest::currentTestFailed())
                return;
            if (page < LmoWizard::SummaryPage)
                w.next();
        }
    }

private:
    QTemporaryDir m_dir;
    int m_count = 0;
    std::unique_ptr<Database> m_db;
};

QTEST_MAIN(TestLmoWizard)
#include "tst_lmowizard.moc"
