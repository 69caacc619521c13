// The LMO setup wizard driven offscreen: each refusal, saving after each page and resuming
// after a restart, the runbook, and the switch path.
#include "fixtures.h"

#include "domain/salesforceid.h"
#include "lmo/lmoprofile.h"
#include "storage/licenserepository.h"
#include "wizard/lmosetuppage.h"
#include "wizard/lmowizard.h"
#include "wizard/runbookfile.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTextBrowser>
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
            const QString shown = w.findChild<QLabel *>(u"orgProblems"_s)->text();
            QVERIFY2(shown.startsWith(reason), qPrintable(shown)); // the reason, on the page, in red
            QVERIFY(!w.button(QWizard::NextButton)->isEnabled());
        }
        w.orgKind()->setCurrentIndex(int(OrgKind::Production));
        w.orgId()->setText(u"0015f000000AbCd"_s); // an account id
        QVERIFY(!w.currentPage()->isComplete());
        QVERIFY(w.findChild<QLabel *>(u"orgProblems"_s)->text().contains(u"00D"_s));
        w.orgId()->setText(u"00D5f000000AbCd"_s);
        w.paidAndPermanent()->setChecked(false);
        QVERIFY(!w.currentPage()->isComplete());
        w.paidAndPermanent()->setChecked(true);
        QVERIFY(w.currentPage()->isComplete());
    }

    void progressIsSavedAndResumedAfterARestart()
    {
        {
            LmoWizard w(*m_db, false);
            w.show();
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
        }
        auto saved = LmoRepository(m_db->connection()).current();
        QVERIFY(saved.ok());
        QCOMPARE(saved->pagesDone, 2);
        QCOMPARE(saved->org.orgId, SalesforceId::fromString(u"00D5f000000AbCd"_s).to18());
        QCOMPARE(saved->packages.size(), 1);

        LmoWizard again(*m_db, false);
        again.show();
        QCOMPARE(again.currentId(), int(LmoWizard::LmaPage)); // where they left off
        QCOMPARE(again.orgName()->text(), u"Acme Partner Production"_s); // the earlier answers are there
        QCOMPARE(again.packagesTable()->rowCount(), 1);
        QVERIFY(!again.currentPage()->isComplete());
        // The page says why the step matters and what it decides, and why Next waits.
        QVERIFY(again.currentPage()->findChild<QLabel *>(u"stepIntro"_s)->text().contains(u"This step decides:"_s));
        QCOMPARE(again.currentPage()->findChild<QLabel *>(u"lmaProblems"_s)->text(),
                 u"Give the LMA's version (Setup > Installed Packages > License Management App).\n"
                 u"Confirm the License and Subscriber objects are visible, or verify with an export."_s);
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
        QVERIFY(again.forecastLabel()->text().contains(u"Plan more storage"_s));
        again.next();
        QCOMPARE(again.currentId(), int(LmoWizard::DocumentPage));
        // Not marking the org as the LMO is refused, with the reason.
        again.findChild<QCheckBox *>(u"markAsLmo"_s)->setChecked(false);
        QVERIFY(!again.currentPage()->isComplete());
        QCOMPARE(again.currentPage()->findChild<QLabel *>(u"documentProblems"_s)->text(),
                 u"Mark the org as this database's LMO to finish."_s);
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
            QCOMPARE(review.currentId(), int(LmoWizard::SummaryPage));
            review.back();
            QCOMPARE(review.currentId(), int(LmoWizard::DocumentPage));
            review.next();
            QTest::qWait(1100);
            review.accept();
            QCOMPARE(LmoRepository(m_db->connection()).current()->designatedAt, designated);
        }

        // The LMO page now shows the designated org and its runbook, not the steps to take.
        LmoSetupPage page;
        page.setDatabase(m_db.get());
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
        LmoRepository repository(m_db->connection());
        QCOMPARE(repository.current()->org.name, u"New LMO"_s);
        const auto former = repository.former().value();
        QCOMPARE(former.size(), 1);
        QCOMPARE(former.first().first.org.name, u"Old LMO"_s);
        QCOMPARE(former.first().second, QDate(2026, 12, 1));
    }

private:
    QTemporaryDir m_dir;
    int m_count = 0;
    std::unique_ptr<Database> m_db;
};

QTEST_MAIN(TestLmoWizard)
#include "tst_lmowizard.moc"
