// The Licenses page as a user drives it, offscreen: search, filters, sort, selection and the
// detail panel, copy, named views and columns, Modify License with undo, and bulk modify.
#include "fixtures.h"

#include "browse/licensedetail.h"
#include "browse/licensespage.h"
#include "browse/modifylicensedialog.h"
#include "browse/modifylicensescommand.h"
#include "document/document.h"
#include "document/jobrunner.h"
#include "import/importer.h"
#include "storage/licenseedits.h"
#include "browse/subscriberspage.h"
#include "models/subscribertablemodel.h"
#include "models/licensetablemodel.h"
#include "shell/mainwindow.h"
#include "shell/pages.h"
#include "storage/database.h"
#include "storage/licenserepository.h"
#include "widgets/multiselectbutton.h"
#include "widgets/bigtableview.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateEdit>
#include <QPushButton>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QStyle>
#include <QSettings>
#include <QSpinBox>
#include <QSqlQuery>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QUndoStack>
#include <QtTest>

using namespace lmo;
using namespace Qt::Literals::StringLiterals;

namespace {

bool settled(LicensesPage *page)
{
    LicenseTableModel *m = page->model();
    if (!m->idsLoaded())
        return false;
    for (int r = 0; r < m->rowCount(); ++r)
        if (!m->index(r, 0).data(LicenseTableModel::LoadedRole).toBool())
            return false;
    return true;
}

QStringList names(LicensesPage *page)
{
    QStringList out;
    for (int r = 0; r < page->model()->rowCount(); ++r)
        out << page->model()->index(r, 0).data().toString();
    return out;
}

void check(MultiSelectButton *button, const QString &choice)
{
    for (QAction *a : button->menu()->actions())
        if (a->text() == choice)
            a->setChecked(true);
}

int rowOf(LicensesPage *page, const QString &name)
{
    return int(names(page).indexOf(name));
}

} // namespace

class TestLicensesPage : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(u"lmodesk-tests"_s);
        QCoreApplication::setApplicationName(u"tst_licensespage"_s);
        QVERIFY(m_dir.isValid());
    }
    void init()
    {
        QSettings().clear();
        const QString file = m_dir.filePath(u"page-%1.sqlite"_s.arg(++m_count));
        QVERIFY(test::createFixtureDatabase(file));
        m_path = test::location(file);
        m_window = std::make_unique<MainWindow>();
        QVERIFY(m_window->openDatabase(m_path));
        m_page = m_window->licensesPage();
        m_page->setAsOf(test::kFixtureAsOf);
        m_tester = std::make_unique<QAbstractItemModelTester>(m_page->model(),
                                                              QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_VERIFY(settled(m_page));
        QTRY_VERIFY(!m_page->choicesLoading()); // the filter bar's choices are read off the UI thread
        QCOMPARE(m_page->model()->rowCount(), 15);
    }
    void cleanup()
    {
        m_tester.reset();
        m_window.reset();
    }

    void searchFiltersAndTheCountSaysHowMany()
    {
        auto *search = m_page->findChild<QLineEdit *>(u"search"_s);
        QVERIFY(search);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        // Ctrl+F goes to the search box, from anywhere in the window.
        m_page->table()->setFocus();
        QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(search->hasFocus());
        // Typed as a fast typist does (30 ms a key, the events handled between keys): one query,
        // for the final text, once the typing pauses.
        QTRY_VERIFY(settled(m_page));
        const int queries = m_page->model()->queriesStarted();
        QTest::keyClicks(search, u"L-0001"_s, Qt::NoModifier, 30);
        QTRY_COMPARE(m_page->model()->rowCount(), 6);
        QTRY_VERIFY2(m_page->summaryText().startsWith(u"6 of 15 licenses"_s), qPrintable(m_page->summaryText()));
        QTRY_VERIFY(settled(m_page));
        QCOMPARE(m_page->model()->queriesStarted(), queries + 1);
        // An org id in its 18-character form finds the org's licenses.
        search->setText(u"00D000000000007EAA"_s);
        QTRY_COMPARE(m_page->model()->rowCount(), 2);
        // One with a wrong checksum finds nothing, and the page says why.
        search->setText(u"00D000000000007XXX"_s);
        QTRY_VERIFY2(m_page->summaryText().contains(u"wrong checksum"_s), qPrintable(m_page->summaryText()));
        QCOMPARE(m_page->model()->rowCount(), 0);
        auto *clear = m_page->findChild<QPushButton *>(u"clearFilters"_s);
        QVERIFY(clear->isEnabled());
        QTest::mouseClick(clear, Qt::LeftButton);
        QTRY_COMPARE(m_page->model()->rowCount(), 15);
        QVERIFY(search->text().isEmpty());
        QTRY_VERIFY(m_page->summaryText().startsWith(u"15 licenses"_s));
    }

    void everyFilterOfTheBar()
    {
        auto count = [&] {
            if (!QTest::qWaitFor([&] { return settled(m_page); }, 10000))
                return -1;
            return m_page->model()->rowCount();
        };
        check(m_page->findChild<MultiSelectButton *>(u"statusFilter"_s), u"Trial"_s);
        QCOMPARE(count(), 3);
        check(m_page->findChild<MultiSelectButton *>(u"statusFilter"_s), u"Active"_s);
        QCOMPARE(count(), 10);
        m_page->setFilter(LicenseFilter());
        check(m_page->findChild<MultiSelectButton *>(u"effectiveFilter"_s), u"Expired"_s);
        QCOMPARE(count(), 2);
        m_page->setFilter(LicenseFilter());
        check(m_page->findChild<MultiSelectButton *>(u"packageFilter"_s), u"Package B"_s);
        QCOMPARE(count(), 6);
        QVERIFY(m_page->findChild<MultiSelectButton *>(u"packageFilter"_s)->text().contains(u"Package B"_s));
        m_page->setFilter(LicenseFilter());
        check(m_page->findChild<MultiSelectButton *>(u"versionFilter"_s), u"1.0"_s);
        QCOMPARE(count(), 15);
        m_page->setFilter(LicenseFilter());
        check(m_page->findChild<MultiSelectButton *>(u"editionFilter"_s), u"Enterprise Edition"_s);
        QCOMPARE(count(), 2);
        m_page->setFilter(LicenseFilter());
        check(m_page->findChild<MultiSelectButton *>(u"instanceFilter"_s), u"NA135"_s);
        QCOMPARE(count(), 13);
        m_page->setFilter(LicenseFilter());
        m_page->findChild<QComboBox *>(u"sandboxFilter"_s)->setCurrentIndex(1);
        QCOMPARE(count(), 2);
        m_page->findChild<QComboBox *>(u"sandboxFilter"_s)->setCurrentIndex(2);
        QCOMPARE(count(), 13);
        m_page->setFilter(LicenseFilter());
        m_page->findChild<QComboBox *>(u"siteFilter"_s)->setCurrentIndex(1);
        QCOMPARE(count(), 3);
        m_page->setFilter(LicenseFilter());
        m_page->findChild<QDateEdit *>(u"installedFrom"_s)->setDate(QDate(2025, 2, 1));
        m_page->findChild<QDateEdit *>(u"installedTo"_s)->setDate(QDate(2025, 3, 31));
        m_page->findChild<QCheckBox *>(u"installedFilter"_s)->setChecked(true);
        QCOMPARE(count(), 5);
        m_page->setFilter(LicenseFilter());
        m_page->findChild<QSpinBox *>(u"expiringDays"_s)->setValue(30);
        m_page->findChild<QCheckBox *>(u"expiringFilter"_s)->setChecked(true);
        QCOMPARE(count(), 3);
        // Filters combine: Active, package A, seat licenses.
        m_page->setFilter(LicenseFilter());
        check(m_page->findChild<MultiSelectButton *>(u"statusFilter"_s), u"Active"_s);
        check(m_page->findChild<MultiSelectButton *>(u"packageFilter"_s), u"Package A"_s);
        m_page->findChild<QComboBox *>(u"siteFilter"_s)->setCurrentIndex(2);
        QCOMPARE(count(), 4);
        QVERIFY2(m_page->summaryText().startsWith(u"4 of 15 licenses"_s), qPrintable(m_page->summaryText()));
    }

    void clickingAHeaderSorts()
    {
        QHeaderView *header = m_page->table()->horizontalHeader();
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        const int x = header->sectionViewportPosition(int(LicenseColumn::Name)) + 10;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
        QTRY_COMPARE(m_page->model()->query().sortColumn, LicenseColumn::Name);
        QTRY_VERIFY(settled(m_page));
        const Qt::SortOrder first = m_page->model()->query().order;
        QCOMPARE(names(m_page).first(), first == Qt::AscendingOrder ? u"L-00001"_s : u"L-00015"_s);
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
        QTRY_VERIFY(m_page->model()->query().order != first);
        QTRY_VERIFY(settled(m_page));
        QCOMPARE(names(m_page).first(), first == Qt::AscendingOrder ? u"L-00015"_s : u"L-00001"_s);
        QVERIFY(m_page->summaryText().contains(u"sorted by license"_s));
    }

    void selectingShowsEveryFieldAndEnterOpensIt()
    {
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        const int row = rowOf(m_page, u"L-00002"_s);
        m_page->table()->setFocus();
        m_page->table()->setCurrentIndex(m_page->model()->index(row, 0));
        LicenseDetailPanel *detail = m_page->detail();
        QTRY_COMPARE(detail->fieldText(u"License"_s), u"L-00002"_s);
        QCOMPARE(detail->fieldText(u"Seats"_s), u"Site License"_s);
        QCOMPARE(detail->fieldText(u"Expiration"_s), u"Does not expire"_s);
        QCOMPARE(detail->fieldText(u"Package"_s), u"Package B"_s);
        QVERIFY(detail->fieldText(u"Subscriber org"_s).startsWith(u"00D000000000001 ("_s));
        QCOMPARE(detail->historyRows(), 0);
        // Down arrow moves on; Enter opens (focuses) the detail.
        QTest::keyClick(m_page->table(), Qt::Key_Down);
        QTRY_VERIFY(detail->fieldText(u"License"_s) != u"L-00002"_s);
        QTest::keyClick(m_page->table(), Qt::Key_Return);
        QTRY_VERIFY(detail->hasFocus() || detail->isAncestorOf(QApplication::focusWidget()));
    }

    void copyPutsTheSelectedRowsOnTheClipboard()
    {
        QItemSelectionModel *selection = m_page->table()->selectionModel();
        selection->select(m_page->model()->index(rowOf(m_page, u"L-00003"_s), 0),
                          QItemSelectionModel::Select | QItemSelectionModel::Rows);
        selection->select(m_page->model()->index(rowOf(m_page, u"L-00007"_s), 0),
                          QItemSelectionModel::Select | QItemSelectionModel::Rows);
        m_page->table()->setFocus();
        QSignalSpy copied(m_page, &LicensesPage::copied);
        QTest::keyClick(m_page->table(), Qt::Key_C, Qt::ControlModifier);
        QTRY_COMPARE(copied.size(), 1);
        const QStringList lines = QApplication::clipboard()->text().split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines[0].startsWith(u"License\tAccount\tStatus\tSeats\tUsed\tExpiration"_s)); // the columns as shown
        QVERIFY(lines[1].startsWith(u"L-00007\t"_s) || lines[2].startsWith(u"L-00007\t"_s));
        QVERIFY(QApplication::clipboard()->text().contains(u"Site License"_s)); // L-00007
    }

    void namedViewsKeepFiltersSortAndColumns()
    {
        check(m_page->findChild<MultiSelectButton *>(u"statusFilter"_s), u"Trial"_s);
        m_page->model()->sort(int(LicenseColumn::Name), Qt::AscendingOrder);
        QHeaderView *header = m_page->table()->horizontalHeader();
        header->setSectionHidden(int(LicenseColumn::Instance), true);
        QTRY_VERIFY(settled(m_page));
        m_page->saveView(u"Trials by name"_s);
        QCOMPARE(m_page->savedViews(), QStringList{u"Trials by name"_s});

        m_page->setFilter(LicenseFilter());
        m_page->model()->sort(int(LicenseColumn::InstallDate), Qt::DescendingOrder);
        header->setSectionHidden(int(LicenseColumn::Instance), false);
        QTRY_COMPARE(m_page->model()->rowCount(), 15);

        QVERIFY(m_page->applyView(u"Trials by name"_s));
        QTRY_VERIFY(settled(m_page));
        QCOMPARE(names(m_page), (QStringList{u"L-00003"_s, u"L-00004"_s, u"L-00012"_s}));
        QCOMPARE(m_page->model()->query().sortColumn, LicenseColumn::Name);
        QVERIFY(header->isSectionHidden(int(LicenseColumn::Instance)));

        // A new window finds the view, and the columns as they were left.
        m_tester.reset();
        m_window = std::make_unique<MainWindow>();
        QVERIFY(m_window->openDatabase(m_path));
        m_page = m_window->licensesPage();
        QCOMPARE(m_page->savedViews(), QStringList{u"Trials by name"_s});
        QVERIFY(m_page->table()->horizontalHeader()->isSectionHidden(int(LicenseColumn::Instance)));
        m_page->deleteView(u"Trials by name"_s);
        QVERIFY(m_page->savedViews().isEmpty());
    }

    void modifyOneLicenseThenUndoAndRedo()
    {
        m_page->model()->sort(int(LicenseColumn::Name), Qt::AscendingOrder);
        QTRY_VERIFY(settled(m_page));
        // Scroll and select L-00005 (Active, 20 seats, 2026-07-15).
        const int row = rowOf(m_page, u"L-00005"_s);
        m_page->table()->selectRow(row);
        const qint64 id = m_page->model()->licenseIdAt(row);
        QTimer::singleShot(0, this, [] {
            auto *dialog = qobject_cast<ModifyLicenseDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            // The LMA's rules as the user chooses: an Active license cannot go back to Trial.
            dialog->setStatus(ModifyLicenseDialog::StatusChoice::Trial);
            QVERIFY(!dialog->canApply()); // not while the verdict is worked out (off the UI thread)
            QTRY_VERIFY2(dialog->verdictText().contains(u"cannot go back to Trial"_s), qPrintable(dialog->verdictText()));
            QVERIFY(!dialog->canApply());
            dialog->setStatus(ModifyLicenseDialog::StatusChoice::Keep);
            dialog->setSeats(ModifyLicenseDialog::SeatsChoice::Seats, 50);
            dialog->setExpiration(ModifyLicenseDialog::ExpirationChoice::DoesNotExpire);
            QTRY_VERIFY(dialog->canApply());
            dialog->accept();
        });
        m_window->modifySelectedLicenses();
        // The write is a job: the step is pushed once it is written.
        QTRY_COMPARE(m_window->document()->jobs()->runningCount(), 0);
        auto license = [&] { return LicenseRepository(*m_window->database()).findByRowId(id).value().value(); };
        QCOMPARE(license().seats, 50);
        QVERIFY(license().isPerpetual());
        QCOMPARE(m_window->undoStack()->undoText(), u"Modify L-00005"_s);
        // The list shows it, and the same license stays selected.
        QTRY_VERIFY(settled(m_page));
        QTRY_COMPARE(m_page->model()->index(rowOf(m_page, u"L-00005"_s), int(LicenseColumn::Seats)).data().toString(), u"50"_s);
        QCOMPARE(m_page->selectedLicenseIds(), std::vector<qint64>{id});
        QTRY_VERIFY(m_page->detail()->historyRows() >= 2); // seats and expiration
        QCOMPARE(m_page->detail()->fieldText(u"Seats"_s), u"50"_s);

        m_window->undoStack()->undo();
        QCOMPARE(license().seats, 20);
        QCOMPARE(license().expiration, QDate(2026, 7, 15));
        QTRY_COMPARE(m_page->model()->index(rowOf(m_page, u"L-00005"_s), int(LicenseColumn::Seats)).data().toString(), u"20"_s);
        m_window->undoStack()->redo();
        QCOMPARE(license().seats, 50);
        // Every step is in the audit log: the edit, its undo, its redo (two fields each).
        QSqlQuery q(m_window->database()->connection());
        QVERIFY(q.exec(u"SELECT COUNT(*) FROM audit_log WHERE record_type = 'license' AND record_ref = %1"_s.arg(id)) && q.next());
        QCOMPARE(q.value(0).toInt(), 6);
    }

    void bulkModifyIsOneUndoableStep()
    {
        // Every Active license: expiration 30 days later for the dated ones.
        check(m_page->findChild<MultiSelectButton *>(u"statusFilter"_s), u"Active"_s);
        QTRY_VERIFY(settled(m_page));
        QCOMPARE(m_page->model()->rowCount(), 7);
        m_page->table()->selectAll();
        std::map<qint64, QDate> before;
        for (qint64 id : m_page->selectedLicenseIds())
            before[id] = LicenseRepository(*m_window->database()).findByRowId(id).value()->expiration;
        QCOMPARE(int(before.size()), 7);
        QTimer::singleShot(0, this, [] {
            auto *dialog = qobject_cast<ModifyLicenseDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            dialog->setExpiration(ModifyLicenseDialog::ExpirationChoice::ExtendByDays, {}, 30);
            QTRY_VERIFY(dialog->canApply());
            // Four have a date (L-00001, 05, 06, 11); three do not expire and stay so.
            QCOMPARE(int(dialog->plan().changes.size()), 4);
            QVERIFY2(dialog->verdictText().contains(u"4 licenses will change"_s), qPrintable(dialog->verdictText()));
            // The three that do not expire are left as they are, not refused.
            QVERIFY2(dialog->plan().refusals.isEmpty(), qPrintable(dialog->plan().refusals.join(u'\n')));
            QCOMPARE(dialog->plan().unchanged, 3);
            QVERIFY(dialog->verdictText().contains(u"3 licenses left as it is"_s));
            dialog->accept();
        });
        m_window->modifySelectedLicenses();
        // The write is a job: the step is pushed once it is written.
        QTRY_COMPARE(m_window->document()->jobs()->runningCount(), 0);
        QCOMPARE(m_window->undoStack()->count(), 1);
        QCOMPARE(m_window->undoStack()->undoText(), u"Modify 4 licenses"_s);
        for (const auto &[id, date] : before) {
            const QDate now = LicenseRepository(*m_window->database()).findByRowId(id).value()->expiration;
            QCOMPARE(now, date.isValid() && date != QDate(1970, 1, 1) ? date.addDays(30) : now);
        }
        m_window->undoStack()->undo();
        for (const auto &[id, date] : before) {
            const License l = LicenseRepository(*m_window->database()).findByRowId(id).value().value();
            QCOMPARE(l.isPerpetual(), !date.isValid() || date == QDate(1970, 1, 1));
            if (!l.isPerpetual())
                QCOMPARE(l.expiration, date);
        }
        // The selection survived both refreshes.
        QTRY_VERIFY(settled(m_page));
        QCOMPARE(int(m_page->selectedLicenseIds().size()), 7);
    }

    void anUninstalledLicenseCannotBeModified()
    {
        const int row = rowOf(m_page, u"L-00009"_s);
        m_page->table()->selectRow(row);
        QTimer::singleShot(0, this, [] {
            auto *dialog = qobject_cast<ModifyLicenseDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            dialog->setSeats(ModifyLicenseDialog::SeatsChoice::Seats, 10);
            QVERIFY(!dialog->canApply());
            QTRY_VERIFY(dialog->verdictText().contains(u"Uninstalled"_s));
            QVERIFY(!dialog->canApply());
            dialog->reject();
        });
        m_window->modifySelectedLicenses();
        QCOMPARE(m_window->undoStack()->count(), 0);
    }

    // End on a list of 2,000 orgs goes to a row not read yet: its org's licenses show once it is.
    void theLastOrgReachedByKeyShowsItsLicenses()
    {
        Database::OpenOptions create;
        create.create = true;
        const QString file = m_dir.filePath(u"orgs-%1.sqlite"_s.arg(++m_count));
        {
            auto big = Database::open(test::location(file), create);
            QVERIFY2(big, qPrintable(big ? QString() : big.error().message));
            const QString csv = m_dir.filePath(u"orgs.csv"_s);
            QVERIFY(test::writeLicenseCsv(csv, 2000, u"Package A"_s));
            auto imported = importFile(*big.value(), csv, ImportOptions());
            QVERIFY2(imported, imported ? "" : qPrintable(imported.error().message));
        }
        m_tester.reset();
        QVERIFY(m_window->openDatabase(test::location(file)));
        m_window->setPage(Page::Subscribers);
        SubscribersPage *orgs = m_window->subscribersPage();
        QTRY_COMPARE(orgs->model()->rowCount(), 2000);
        BigTableView *table = orgs->table();
        table->setFocus();
        QTest::keyClick(table, Qt::Key_Home); // a list with no current row: the first
        QTest::keyClick(table, Qt::Key_End);
        QCOMPARE(table->currentIndex().row(), 1999);
        QTRY_VERIFY_WITH_TIMEOUT(orgs->model()->index(1999, 0).data().toString().startsWith(u"00D"_s), 10000);
        QTRY_COMPARE(orgs->selectedOrg(), orgs->model()->index(1999, 0).data().toString());
        QTRY_COMPARE(orgs->licensesTable()->rowCount(), 1);
    }

    void subscribersSearchSelectAndJumpBothWays()
    {
        SubscribersPage *orgs = m_window->subscribersPage();
        QAbstractItemModelTester tester(orgs->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_COMPARE(orgs->model()->rowCount(), 9);
        // Search by org id: 15 characters are case-sensitive (00D...a and 00D...A are two orgs).
        auto *search = orgs->findChild<QLineEdit *>(u"subscriberSearch"_s);
        search->setText(u"00D00000000000a"_s);
        QTRY_COMPARE(orgs->model()->rowCount(), 1);
        QTRY_COMPARE(orgs->model()->index(0, int(SubscriberColumn::Licenses)).data().toInt(), 1);
        search->setText(u"account of 00D000000000005"_s); // by account, any case
        QTRY_COMPARE(orgs->model()->rowCount(), 1);
        QTRY_COMPARE(orgs->model()->index(0, 0).data().toString(), u"00D000000000005"_s);
        QVERIFY(orgs->summaryText().startsWith(u"1 of 9 subscriber orgs"_s));

        // From a license to its org: the detail's "Show subscriber".
        m_page->table()->setCurrentIndex(m_page->model()->index(rowOf(m_page, u"L-00006"_s), 0));
        QTRY_COMPARE(m_page->detail()->fieldText(u"License"_s), u"L-00006"_s);
        QTest::mouseClick(m_page->detail()->findChild<QPushButton *>(u"showSubscriber"_s), Qt::LeftButton);
        QCOMPARE(m_window->currentPage(), Page::Subscribers);
        QTRY_COMPARE(orgs->selectedOrg(), u"00D000000000003"_s);
        QTRY_COMPARE(orgs->table()->selectionModel()->selectedRows().size(), 1);
        QTRY_COMPARE(orgs->licensesTable()->rowCount(), 2); // L-00005 and L-00006, read off the UI thread
        QCOMPARE(orgs->model()->index(0, int(SubscriberColumn::Seats)).data().toInt(), 120);
        QCOMPARE(orgs->model()->index(0, int(SubscriberColumn::Packages)).data().toString(), u"Package A, Package B"_s);

        // And back: opening one of the org's licenses shows it on the Licenses page.
        int l5 = -1;
        for (int r = 0; r < orgs->licensesTable()->rowCount(); ++r)
            if (orgs->licensesTable()->item(r, 0)->text() == u"L-00005"_s)
                l5 = r;
        QVERIFY(l5 >= 0);
        emit orgs->licensesTable()->doubleClicked(orgs->licensesTable()->model()->index(l5, 0));
        QCOMPARE(m_window->currentPage(), Page::Licenses);
        QTRY_COMPARE(m_page->model()->rowCount(), 2);
        QTRY_COMPARE(m_page->detail()->fieldText(u"License"_s), u"L-00005"_s);

        // A seat change shows in the org's totals.
        QTimer::singleShot(0, this, [] {
            auto *dialog = qobject_cast<ModifyLicenseDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            dialog->setSeats(ModifyLicenseDialog::SeatsChoice::Seats, 50);
            dialog->accept();
        });
        m_window->modifySelectedLicenses();
        QTRY_COMPARE(orgs->model()->rowCount(), 1);
        QTRY_COMPARE(orgs->model()->index(0, int(SubscriberColumn::Seats)).data().toInt(), 150);
    }


    // A redo over a license someone else changed since is refused with the reason, and the
    // stack drops it.
    void aRedoOverAnOutsideChangeIsRefused()
    {
        const int row = rowOf(m_page, u"L-00005"_s);
        m_page->table()->selectionModel()->setCurrentIndex(m_page->model()->index(row, 0),
                                                           QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        const qint64 id = m_page->model()->licenseIdAt(row);
        QTimer::singleShot(0, this, [] {
            auto *dialog = qobject_cast<ModifyLicenseDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            dialog->setSeats(ModifyLicenseDialog::SeatsChoice::Seats, 50);
            dialog->accept();
        });
        m_window->modifySelectedLicenses();
        // The write is a job: the step is pushed once it is written.
        QTRY_COMPARE(m_window->document()->jobs()->runningCount(), 0);
        m_window->undoStack()->undo();
        QVERIFY(m_window->undoStack()->canRedo());
        {
            // Another program (a second LMO Desk, an SQLite tool) changes it meanwhile.
            auto other = Database::open(m_path, Database::OpenOptions());
            QVERIFY(other.ok());
            QSqlQuery q(other.value()->connection());
            QVERIFY(q.exec(u"UPDATE licenses SET seats = 33 WHERE id = %1"_s.arg(id)));
        }
        m_window->undoStack()->redo();
        QCOMPARE(LicenseRepository(*m_window->database()).findByRowId(id).value()->seats, 33);
        QVERIFY(!m_window->undoStack()->canRedo()); // dropped, not offered again
        auto *box = m_window->findChild<QMessageBox *>(u"editRefused"_s);
        QVERIFY(box);
        QVERIFY2(box->text().startsWith(u"Cannot redo \u201cModify L-00005\u201d: License L-00005 has changed"_s), qPrintable(box->text()));
        QVERIFY(box->text().contains(u"its seats is 33, not 20"_s));
        box->close();
        // The panel shows what the database holds now.
        QTRY_COMPARE(m_page->detail()->fieldText(u"Seats"_s), u"33"_s);
    }

    // A chosen view whose filters change is marked as changed, can be put back, and "(current
    // filters)" is no view to delete.
    void aChangedViewIsMarkedAndCanBeReverted()
    {
        auto *views = m_page->findChild<QComboBox *>(u"savedViews"_s);
        auto *remove = m_page->findChild<QPushButton *>(u"deleteView"_s);
        auto *revert = m_page->findChild<QPushButton *>(u"revertView"_s);
        QCOMPARE(views->currentIndex(), 0);
        QVERIFY(!remove->isEnabled()); // "(current filters)" is not a view
        QVERIFY(!revert->isEnabled());
        check(m_page->findChild<MultiSelectButton *>(u"statusFilter"_s), u"Trial"_s);
        m_page->saveView(u"Trials"_s);
        QCOMPARE(views->currentText(), u"Trials"_s);
        QVERIFY(remove->isEnabled());
        QVERIFY(!m_page->viewChanged());
        check(m_page->findChild<MultiSelectButton *>(u"statusFilter"_s), u"Active"_s);
        QTRY_VERIFY(settled(m_page));
        // The mark follows the filters once they are applied, which a busy machine may show a
        // moment after the old rows still look settled.
        QTRY_VERIFY(m_page->viewChanged());
        QTRY_COMPARE(views->currentText(), u"Trials *"_s);
        QVERIFY(revert->isEnabled());
        QVERIFY(remove->isEnabled());
        // A sort is part of the view too.
        revert->click();
        QTRY_VERIFY(settled(m_page));
        QTRY_COMPARE(views->currentText(), u"Trials"_s);
        QCOMPARE(m_page->model()->rowCount(), 3);
        QVERIFY(!revert->isEnabled());
        m_page->model()->sort(int(LicenseColumn::Seats), Qt::DescendingOrder);
        m_page->table()->horizontalHeader()->setSortIndicator(int(LicenseColumn::Seats), Qt::DescendingOrder);
        QCOMPARE(views->currentText(), u"Trials *"_s);
        // Saved under its name, it is the view again, unchanged.
        m_page->saveView(u"Trials"_s);
        QCOMPARE(views->currentText(), u"Trials"_s);
        QVERIFY(!m_page->viewChanged());
        // Choosing "(current filters)" keeps the filters, under no name.
        views->setCurrentIndex(0);
        emit views->activated(0);
        QVERIFY(m_page->currentView().isEmpty());
        QVERIFY(!remove->isEnabled());
        QTRY_COMPARE(m_page->model()->rowCount(), 3);
    }

    // The Version filter offers the chosen package's versions; with none chosen, each package's
    // under its name, in a submenu each.
    void theVersionFilterFollowsThePackage()
    {
        {
            QSqlQuery q(m_window->database()->connection());
            for (int i = 0; i < 30; ++i) // many versions: a list of them all would not fit a screen
                QVERIFY(q.exec(u"INSERT INTO package_versions (package_ref, version_number) VALUES "
                               "((SELECT id FROM packages WHERE name = 'Package A'), '1.%1')"_s.arg(i)));
            QVERIFY(q.exec(u"UPDATE licenses SET version_number = '1.' || (id % 30) WHERE package_ref = "
                           "(SELECT id FROM packages WHERE name = 'Package A')"_s));
            QVERIFY(q.exec(u"INSERT INTO package_versions (package_ref, version_number) VALUES "
                           "((SELECT id FROM packages WHERE name = 'Package B'), '7.0')"_s));
            QVERIFY(q.exec(u"UPDATE licenses SET version_number = '7.0' WHERE package_ref = "
                           "(SELECT id FROM packages WHERE name = 'Package B')"_s));
        }
        m_page->reload();
        QVERIFY(m_page->choicesLoading()); // read off the UI thread
        QTRY_VERIFY(!m_page->choicesLoading());
        auto *version = m_page->findChild<MultiSelectButton *>(u"versionFilter"_s);
        QStringList submenus;
        for (QAction *a : version->menu()->actions())
            if (a->menu())
                submenus << a->text();
        QCOMPARE(submenus.size(), 2);
        QVERIFY2(submenus[0].startsWith(u"Package A ("_s), qPrintable(submenus[0]));
        QCOMPARE(submenus[1], u"Package B (1)"_s);
        for (QAction *a : version->menu()->actions())
            QVERIFY(a->menu() || !a->isCheckable()); // no version outside its package's submenu
        check(m_page->findChild<MultiSelectButton *>(u"packageFilter"_s), u"Package B"_s);
        QStringList offered;
        for (QAction *a : version->choiceActions())
            offered << a->text();
        QCOMPARE(offered, QStringList{u"7.0"_s});
        for (QAction *a : version->menu()->actions())
            QVERIFY(!a->menu());
        // The arrow has its own room: the button is wider than its text alone.
        QVERIFY(version->sizeHint().width() >= version->fontMetrics().horizontalAdvance(version->text())
                                                   + version->style()->pixelMetric(QStyle::PM_MenuButtonIndicator));
    }

    // The panel reads the license off the UI thread: until it is here it says so, and shows
    // nothing of the license shown before.
    void theDetailSaysLoadingUntilTheLicenseIsRead()
    {
        LicenseDetailPanel *detail = m_page->detail();
        m_page->table()->setCurrentIndex(m_page->model()->index(rowOf(m_page, u"L-00002"_s), 0));
        QTRY_COMPARE(detail->fieldText(u"License"_s), u"L-00002"_s);
        QVERIFY(!detail->isLoading());
        m_page->table()->setCurrentIndex(m_page->model()->index(rowOf(m_page, u"L-00007"_s), 0));
        // Nothing has been read yet: the answer comes through the event loop.
        QVERIFY(detail->isLoading());
        QCOMPARE(detail->titleText(), u"Loading…"_s);
        QCOMPARE(detail->fieldText(u"License"_s), QString());
        QCOMPARE(detail->historyRows(), 0);
        QTRY_COMPARE(detail->fieldText(u"License"_s), u"L-00007"_s);
        QVERIFY(!detail->isLoading());
        QCOMPARE(detail->fieldText(u"Seats"_s), u"Site License"_s);
        QVERIFY(detail->fieldText(u"Came from"_s).startsWith(u"LMO 1"_s));
    }

    // Modify License's verdict is worked out off the UI thread: Apply waits for it.
    void theModifyVerdictIsCheckedOffTheUiThread()
    {
        const qint64 id = m_page->model()->licenseIdAt(rowOf(m_page, u"L-00005"_s));
        ModifyLicenseDialog dialog(*m_window->database(), {id}, m_window.get());
        dialog.setSeats(ModifyLicenseDialog::SeatsChoice::Seats, 50);
        QVERIFY(dialog.isChecking());
        QVERIFY(!dialog.canApply());
        QVERIFY2(dialog.verdictText().startsWith(u"Checking"_s), qPrintable(dialog.verdictText()));
        QTRY_VERIFY(dialog.canApply());
        QVERIFY(!dialog.isChecking());
        QCOMPARE(int(dialog.plan().changes.size()), 1);
        QCOMPARE(dialog.plan().changes.front().after.seats, 50);
        // The heading's license arrives too, and the undo text names it.
        QTRY_VERIFY(dialog.findChild<QLabel *>(u"heading"_s)->text().contains(u"L-00005"_s));
        QCOMPARE(dialog.description(), u"Modify L-00005"_s);
    }

    // apply() writes as a job and pushes the step once written; undo and redo write it back
    // and forth, and a refused undo says why and is dropped.
    void anAppliedEditIsPushedOnceWrittenThenUndone()
    {
        Database &db = *m_window->database();
        const qint64 id = m_page->model()->licenseIdAt(rowOf(m_page, u"L-00005"_s));
        auto plan = planModification(
            db, {id}, [](const License &) { return LicenseChange{std::nullopt, 50, std::nullopt}; }, test::kFixtureAsOf);
        QVERIFY(plan.ok());
        QCOMPARE(int(plan->changes.size()), 1);
        JobRunner jobs;
        QUndoStack stack;
        QStringList reports;
        ModifyLicensesCommand::apply(&jobs, db, &stack, plan->changes, u"Modify L-00005"_s, nullptr,
                                     [&reports](const QString &error) { reports << error; });
        // Not on the stack before the write is done (it runs on a thread of its own).
        QCOMPARE(stack.count(), 0);
        QVERIFY(reports.isEmpty());
        QTRY_COMPARE(stack.count(), 1);
        QCOMPARE(reports, QStringList{QString()});
        QCOMPARE(stack.undoText(), u"Modify L-00005"_s);
        auto seats = [&] { return LicenseRepository(db).findByRowId(id).value()->seats; };
        QCOMPARE(seats(), 50);
        stack.undo();
        QCOMPARE(seats(), 20);
        QCOMPARE(reports.size(), 2);
        QCOMPARE(reports.last(), QString());
        stack.redo();
        QCOMPARE(seats(), 50);
        QCOMPARE(reports.last(), QString());
        // The edit, its undo and its redo are each in the audit log.
        QSqlQuery q(db.connection());
        QVERIFY(q.exec(u"SELECT COUNT(*) FROM audit_log WHERE record_type = 'license' AND record_ref = %1"_s.arg(id)) && q.next());
        QCOMPARE(q.value(0).toInt(), 3);
        q.finish();
        // Someone else changes it: the undo is refused, says why, and the stack drops it.
        QVERIFY(q.exec(u"UPDATE licenses SET seats = 33 WHERE id = %1"_s.arg(id)));
        stack.undo();
        QCOMPARE(seats(), 33);
        QVERIFY2(reports.last().startsWith(u"Cannot undo \u201cModify L-00005\u201d: License L-00005 has changed"_s),
                 qPrintable(reports.last()));
        QCOMPARE(stack.count(), 0);
    }

    // A write the database refuses is reported, and nothing goes on the stack.
    void aRefusedWriteIsReportedAndNotPushed()
    {
        Database &db = *m_window->database();
        const qint64 id = m_page->model()->licenseIdAt(rowOf(m_page, u"L-00005"_s));
        TermsChange change;
        change.rowId = id;
        change.name = u"L-00005"_s;
        change.before = {Status::Active, 999, QDate(2026, 7, 15)}; // not what it holds: 20 seats
        change.after = {Status::Active, 50, QDate(2026, 7, 15)};
        JobRunner jobs;
        QUndoStack stack;
        QStringList reports;
        ModifyLicensesCommand::apply(&jobs, db, &stack, {change}, u"Modify L-00005"_s, nullptr,
                                     [&reports](const QString &error) { reports << error; });
        QTRY_COMPARE(reports.size(), 1);
        QVERIFY2(reports.front().contains(u"its seats is 20, not 999"_s), qPrintable(reports.front()));
        QCOMPARE(stack.count(), 0);
        QCOMPARE(LicenseRepository(db).findByRowId(id).value()->seats, 20);
    }

    // Given a Document, the page reads through the document's shared reader: the list, the
    // filter choices, the detail panel and Modify's verdict all arrive, and a closed document
    // leaves the page empty.
    void aPageOnADocumentReadsThroughItsReader()
    {
        m_tester.reset();
        m_window.reset();
        auto opened = Database::open(m_path, Database::OpenOptions());
        QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
        Document document;
        document.adopt(std::move(opened.value()));
        QVERIFY(document.reader());
        LicensesPage page;
        page.setAsOf(test::kFixtureAsOf);
        page.setDocument(&document);
        QTRY_VERIFY(settled(&page));
        QCOMPARE(page.model()->rowCount(), 15);
        QTRY_VERIFY(!page.choicesLoading());
        QStringList packages;
        for (QAction *a : page.findChild<MultiSelectButton *>(u"packageFilter"_s)->choiceActions())
            packages << a->text();
        QVERIFY2(packages.size() >= 2 && packages.first().startsWith(u"Package A"_s), qPrintable(packages.join(u", "_s)));
        page.table()->setCurrentIndex(page.model()->index(rowOf(&page, u"L-00005"_s), 0));
        QVERIFY(page.detail()->isLoading());
        QTRY_COMPARE(page.detail()->fieldText(u"License"_s), u"L-00005"_s);
        ModifyLicenseDialog dialog(*document.database(), page.selectedLicenseIds(), &page, &document);
        dialog.setSeats(ModifyLicenseDialog::SeatsChoice::Seats, 50);
        QVERIFY(dialog.isChecking());
        QTRY_VERIFY(dialog.canApply());
        document.close();
        QCOMPARE(page.model()->rowCount(), 0);
        QCOMPARE(page.detail()->licenseId(), 0);
    }

    // At 1280x800 with the panel open, the numbers people sort by are on screen; the panel
    // folds away and stays so.
    void theNumbersFitBesideTheOpenPanel()
    {
        m_window->resize(1280, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QVERIFY(m_page->detail()->isVisible());
        QHeaderView *header = m_page->table()->horizontalHeader();
        const int viewport = m_page->table()->viewport()->width();
        for (LicenseColumn c : {LicenseColumn::Name, LicenseColumn::Account, LicenseColumn::Status, LicenseColumn::Seats,
                                LicenseColumn::Used, LicenseColumn::Expiration})
            QVERIFY2(header->sectionViewportPosition(int(c)) + header->sectionSize(int(c)) <= viewport,
                     qPrintable(licenseColumnTitle(c)));
        QAction *toggle = m_page->detailAction();
        QVERIFY(toggle->isChecked());
        toggle->trigger();
        QVERIFY(!m_page->detail()->isVisible());
        m_tester.reset();
        m_window = std::make_unique<MainWindow>();
        QVERIFY(m_window->openDatabase(m_path));
        m_page = m_window->licensesPage();
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QVERIFY(!m_page->detailAction()->isChecked());
        QVERIFY(!m_page->detail()->isVisible());
        m_page->detailAction()->trigger();
        QVERIFY(m_page->detail()->isVisible());
    }

private:
    QTemporaryDir m_dir;
    QString m_path;
    int m_count = 0;
    std::unique_ptr<MainWindow> m_window;
    LicensesPage *m_page = nullptr;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QTEST_MAIN(TestLicensesPage)
#include "tst_licensespage.moc"
