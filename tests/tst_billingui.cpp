// Billing in the window, used as a user would: the Billing page's findings and money, acting on
// a finding through Modify License and undoing it, a link proposed by name confirmed and kept,
// a plan's package set, File > Import billing… with its preview and a mapping kept for the
// source, and the dashboard's revenue tiles, clickable. Runs on both engines.
#include "billingfixture.h"
#include "dialogwait.h"
#include "fixtures.h"

#include "billing/billingimportdialog.h"
#include "billing/billingpage.h"
#include "billing/links.h"
#include "browse/modifylicensedialog.h"
#include "dashboard/dashboardpage.h"
#include "shell/mainwindow.h"
#include "storage/database.h"

#include <QApplication>
#include <QLabel>
#include <QPushButton>
#include <QSqlQuery>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QUndoStack>
#include <QtTest>

using namespace lmo;
using namespace lmo::billing;
using namespace Qt::Literals::StringLiterals;

namespace {

using test::visibleDialog;
using test::whenDialog;

// A license's terms and its newest audit row's source, as the database holds them.
QString licenseState(const QString &location, const QString &name)
{
    auto db = Database::open(location, Database::OpenOptions{});
    if (!db)
        return db.error().message;
    QSqlQuery q(db.value()->connection());
    q.prepare(u"SELECT status, seats FROM licenses WHERE name = ?"_s);
    q.addBindValue(name);
    if (!q.exec() || !q.next())
        return u"(none)"_s;
    return q.value(0).toString() + u' ' + q.value(1).toString();
}

QString newestAuditSource(const QString &location)
{
    auto db = Database::open(location, Database::OpenOptions{});
    if (!db)
        return db.error().message;
    QSqlQuery q(db.value()->connection());
    if (!q.exec(u"SELECT source FROM audit_log ORDER BY id DESC"_s) || !q.next())
        return QString();
    return q.value(0).toString();
}

int rowOf(const FindingsModel *model, const QString &rule, const QString &subscription)
{
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->finding(r)->rule == rule && model->finding(r)->subscription == subscription)
            return r;
    return -1;
}

} // namespace

class TestBillingUi : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_next = 0;

    // A database with the reconciliation fixture (licenses and the Stripe export).
    QString fixture()
    {
        const QString location = test::location(m_dir.filePath(u"billing%1.sqlite"_s.arg(++m_next)));
        Database::OpenOptions o;
        o.create = true;
        auto db = Database::open(location, o);
        if (!db)
            qFatal("%s", qPrintable(db.error().message));
        test::writeReconcileFixture(*db.value());
        return location;
    }

    static void open(MainWindow &w, const QString &location, const QDate &asOf)
    {
        QVERIFY(w.openDatabase(location));
        w.setPage(Page::Billing);
        w.billingPage()->setAsOf(asOf);
        QTRY_VERIFY(!w.billingPage()->isReading() && w.billingPage()->reconciliation().has_value());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(u"config"_s).toUtf8());
        qputenv("XDG_DATA_HOME", m_dir.filePath(u"data"_s).toUtf8());
        QCoreApplication::setOrganizationName(u"lmodesk-test"_s);
        QCoreApplication::setApplicationName(u"lmodesk-test"_s);
    }

    void theBillingPageListsTheFindingsAndTheMoney()
    {
        MainWindow w;
        w.resize(1280, 800);
        w.show();
        open(w, fixture(), QDate(2026, 8, 20));
        BillingPage *page = w.billingPage();
        QCOMPARE(page->findingsModel()->rowCount(), 15);
        QVERIFY2(page->summaryText().contains(u"9 subscriptions beside the licenses, as of 2026-08-20"_s), qPrintable(page->summaryText()));
        QVERIFY2(page->summaryText().contains(u"billed 5,655.50"_s) && page->summaryText().contains(u"at risk 1,678.00"_s)
                     && page->summaryText().contains(u"missed about 2,548.00"_s),
                 qPrintable(page->summaryText()));
        page->showRule(u"at_risk"_s);
        QCOMPARE(page->findingsModel()->rowCount(), 2); // s4 billed not licensed, s2 dunning
        page->showRule(u"seat_drift"_s);
        QCOMPARE(page->findingsModel()->rowCount(), 2);
        page->showRule(QString());
        // A finding selected says what to do; the one settled by billing offers no license change.
        const int used = rowOf(page->findingsModel(), u"seat_drift"_s, u"s1"_s);
        QVERIFY(used >= 0);
        page->selectFinding(used);
        auto *act = page->findChild<QPushButton *>(u"actOnFinding"_s);
        QVERIFY(act);
        QVERIFY(!act->isEnabled());
        QVERIFY(page->findChild<QLabel *>(u"findingDetail"_s)->text().contains(u"Bill for 30 seats"_s));
        const int drift = rowOf(page->findingsModel(), u"seat_drift"_s, u"s2"_s);
        page->selectFinding(drift);
        QVERIFY(act->isEnabled());
        QCOMPARE(act->text(), u"&Modify License: Set seats to 10…"_s);
    }

    // Acting on a finding goes through Modify License: prefilled with the change, checked by the
    // LMA's rules, written as one undo step whose name (and the audit log's source) says why;
    // the finding is gone, and Undo brings the license and the finding back.
    void actingOnAFindingIsOneUndoStepThatSaysWhy()
    {
        const QString location = fixture();
        MainWindow w;
        w.show();
        open(w, location, QDate(2026, 8, 20));
        BillingPage *page = w.billingPage();
        const int row = rowOf(page->findingsModel(), u"seat_drift"_s, u"s2"_s);
        QVERIFY(row >= 0);
        page->selectFinding(row);
        QString reason;
        int seatsShown = -1;
        whenDialog<ModifyLicenseDialog>(this, [&](ModifyLicenseDialog *dialog) {
            reason = dialog->reasonText();
            QTRY_VERIFY(!dialog->isChecking() && dialog->canApply());
            seatsShown = dialog->plan().changes.empty() ? -1 : dialog->plan().changes.front().after.seats;
            dialog->accept();
        });
        page->findChild<QPushButton *>(u"actOnFinding"_s)->click();
        QVERIFY2(reason.contains(u"Seat drift"_s) && reason.contains(u"stripe s2"_s) && reason.contains(u"licensed seats 12, billed quantity 10"_s),
                 qPrintable(reason));
        QCOMPARE(seatsShown, 10);
        QTRY_VERIFY(w.undoStack()->canUndo());
        QCOMPARE(w.undoStack()->undoText(), u"Modify L-0000002 (billing: seat drift, stripe s2)"_s);
        QCOMPARE(licenseState(location, u"L-0000002"_s), u"Active 10"_s);
        QCOMPARE(newestAuditSource(location), u"LMO Desk: Modify L-0000002 (billing: seat drift, stripe s2)"_s);
        // The page reads again: the drift is settled.
        QTRY_VERIFY(!page->isReading() && rowOf(page->findingsModel(), u"seat_drift"_s, u"s2"_s) < 0);
        QCOMPARE(page->findingsModel()->rowCount(), 14);

        w.undoStack()->undo();
        QCOMPARE(licenseState(location, u"L-0000002"_s), u"Active 12"_s);
        QCOMPARE(newestAuditSource(location), u"LMO Desk: undo Modify L-0000002 (billing: seat drift, stripe s2)"_s);
        QTRY_VERIFY(!page->isReading() && rowOf(page->findingsModel(), u"seat_drift"_s, u"s2"_s) >= 0);

        // Suspending a license in dunning: the LMA allows it; the dunning finding goes.
        page->selectFinding(rowOf(page->findingsModel(), u"dunning"_s, u"s2"_s));
        whenDialog<ModifyLicenseDialog>(this, [](ModifyLicenseDialog *dialog) {
            QTRY_VERIFY(!dialog->isChecking() && dialog->canApply());
            dialog->accept();
        });
        page->findChild<QPushButton *>(u"actOnFinding"_s)->click();
        QTRY_COMPARE(licenseState(location, u"L-0000002"_s), u"Suspended 12"_s);
        QTRY_VERIFY(!page->isReading() && rowOf(page->findingsModel(), u"dunning"_s, u"s2"_s) < 0);
        // Billing goes on for a suspended license: now billed, not licensed.
        QVERIFY(rowOf(page->findingsModel(), u"billed_not_licensed"_s, u"s2"_s) >= 0);
    }

    // A subscription whose export names no org is proposed one by its customer's name; the user
    // confirms it on the page and the link is kept: reconcile uses it, a later export of the
    // same source keeps it, the window of another day shows it.
    void aLinkByNameConfirmedOnThePageIsKept()
    {
        const QString location = fixture();
        {
            auto db = Database::open(location, Database::OpenOptions{});
            QVERIFY(db);
            const QString path = m_dir.filePath(u"crm%1.csv"_s.arg(m_next));
            QVERIFY(test::writeFile(path, "Internal ID,Customer,Item,Qty,Status\n"
                                          "n1,\"Oscorp, Inc.\",Ledgerly Payroll,4,Billed\n"));
            BillingImportOptions o;
            o.source = u"crm"_s;
            o.extra.columns = {{u"subscription_id"_s, u"Internal ID"_s}, {u"customer_name"_s, u"Customer"_s},
                               {u"plan"_s, u"Item"_s}, {u"quantity"_s, u"Qty"_s}};
            o.extra.statusWords = {{u"billed"_s, u"active"_s}};
            QVERIFY(importBillingFile(*db.value(), path, o));
        }
        MainWindow w;
        w.show();
        open(w, location, QDate(2026, 8, 20));
        BillingPage *page = w.billingPage();
        QCOMPARE(int(page->proposals().size()), 1);
        QCOMPARE(page->proposals().front().orgId, u"00D00000000000D"_s);
        QCOMPARE(page->proposalsTable()->rowCount(), 1);
        QCOMPARE(page->proposalsTable()->item(0, 3)->text(), u"Oscorp"_s);
        QCOMPARE(page->proposalsTable()->item(0, 4)->text(), u"Same name, another legal form; has the plan's package"_s);
        QVERIFY(page->proposalsTable()->item(0, 4)->toolTip().contains(u"is the org's account name, Oscorp, but for the legal form"_s));
        QVERIFY(rowOf(page->findingsModel(), u"unlinked"_s, u"n1"_s) >= 0);
        page->confirmProposal(0);
        QTRY_VERIFY(!page->isReading() && page->proposals().empty());
        QVERIFY(rowOf(page->findingsModel(), u"unlinked"_s, u"n1"_s) < 0);
        auto *links = page->findChild<QTableWidget *>(u"linksTable"_s);
        QCOMPARE(links->rowCount(), 1);
        QCOMPARE(links->item(0, 1)->text(), u"00D00000000000D"_s);
        QCOMPARE(links->item(0, 2)->text(), u"by the customer's name"_s);

        // A new window on the same database: the link is there.
        MainWindow again;
        open(again, location, QDate(2026, 8, 20));
        QVERIFY(again.billingPage()->proposals().empty());
        QVERIFY(rowOf(again.billingPage()->findingsModel(), u"unlinked"_s, u"n1"_s) < 0);
    }

    // A plan that names no package (Tyrell's "enterprise_bundle", two packages in the org) pays
    // for the package the user says on the page.
    void aPlansPackageIsSetOnThePage()
    {
        MainWindow w;
        w.show();
        open(w, fixture(), QDate(2026, 8, 20));
        BillingPage *page = w.billingPage();
        QVERIFY(rowOf(page->findingsModel(), u"unlinked"_s, u"s9"_s) >= 0);
        page->setPlanPackage(u"stripe"_s, u"enterprise_bundle"_s, u"Ledgerly Payroll"_s);
        QTRY_VERIFY(!page->isReading() && rowOf(page->findingsModel(), u"unlinked"_s, u"s9"_s) < 0);
        auto *plans = page->findChild<QTableWidget *>(u"plansTable"_s);
        bool said = false;
        for (int r = 0; r < plans->rowCount(); ++r)
            said = said || (plans->item(r, 1)->text() == u"enterprise_bundle"_s && plans->item(r, 2)->text() == u"Ledgerly Payroll (you said)"_s);
        QVERIFY(said);
    }

    // File > Import billing… on a table: the preview says what it is and what is missing, the
    // user names the source, maps the columns and the status words; the import reports the
    // rejected row; the next file of that source is previewed with the mapping kept.
    void importBillingPreviewsMapsAndKeepsTheMapping()
    {
        const QString location = fixture();
        MainWindow w;
        w.show();
        open(w, location, QDate(2026, 8, 20));
        const QString path = QFINDTESTDATA("data/billing/netsuite-saved-search.csv");
        bool checked = false;
        whenDialog<BillingImportDialog>(this, [&](BillingImportDialog *d) {
            QTRY_VERIFY(d->isReady());
            QVERIFY(d->previewOk());
            QVERIFY2(d->formatText().startsWith(u"billing table, 4 rows, 7 columns"_s), qPrintable(d->formatText()));
            QVERIFY2(d->problemText().contains(u"name its source"_s), qPrintable(d->problemText()));
            QVERIFY(!d->canImport());
            d->setSource(u"netsuite"_s);
            QTRY_VERIFY(d->isReady());
            QVERIFY2(d->problemText().contains(u"no column is the subscription id"_s), qPrintable(d->problemText()));
            d->setColumn(0, Field::SubscriptionId);
            d->setColumn(1, Field::CustomerName);
            d->setColumn(5, Field::PeriodEnd);
            QCOMPARE(d->columnOf(Field::OrgId), 2); // found by its values
            d->setStatusWords(u"Billed=active, nonsense"_s);
            QVERIFY2(d->problemText().contains(u"\"nonsense\" is not WORD=STATE"_s), qPrintable(d->problemText()));
            d->setStatusWords(u"Billed=active, Pending Billing=trialing"_s);
            QVERIFY2(d->canImport(), qPrintable(d->problemText()));
            connect(d, &BillingImportDialog::imported, d, [d] {
                QVERIFY(d->report().has_value());
                QCOMPARE(d->report()->inserted, 3);
                QCOMPARE(d->report()->rejected.size(), size_t(1)); // "Closed" is no word it knows, "lots" no quantity
                QCOMPARE(d->rejectionsTable()->rowCount(), 1);
                d->accept();
            });
            checked = true;
            d->startImport();
        });
        QVERIFY(w.importBillingFile(path));
        QVERIFY(checked);
        QCOMPARE(w.currentPage(), Page::Billing);
        QTRY_VERIFY(!w.billingPage()->isReading() && w.billingPage()->reconciliation()->subscriptions == 12);

        // The next file of the source: the mapping the user gave is there, nothing to map.
        bool kept = false;
        whenDialog<BillingImportDialog>(this, [&](BillingImportDialog *d) {
            QTRY_VERIFY(d->isReady());
            d->setSource(u"netsuite"_s);
            QTRY_VERIFY(d->isReady());
            QCOMPARE(d->columnOf(Field::SubscriptionId), 0);
            QCOMPARE(d->columnOf(Field::CustomerName), 1);
            QCOMPARE(d->columnOf(Field::PeriodEnd), 5);
            QVERIFY2(d->formatText().contains(u"was imported before"_s), qPrintable(d->formatText()));
            QVERIFY(d->canImport());
            kept = true;
            d->reject();
        });
        QVERIFY(!w.importBillingFile(path));
        QVERIFY(kept);

        // The fixture's Stripe export (source "stripe") under another name: the dialog says its
        // subscriptions are there already, and would be counted twice.
        const QString stripe = m_dir.filePath(u"stripe-again.csv"_s);
        QVERIFY(test::writeFile(stripe, QByteArray(test::kStripeHeader)
                                            + "s1,c1,a@acme.example,ledgerly_billing_annual,25,active,2026-11-01 00:00,false,1200,usd,year,"
                                              "00D000000000001\n"
                                              "s2,c2,b@globex.example,ledgerly_billing_monthly,10,past_due,2026-09-15 00:00,false,49,usd,"
                                              "month,00D000000000002\n"
                                              "s99,c99,z@new.example,ledgerly_billing_monthly,1,active,2026-09-15 00:00,false,49,usd,month,\n"));
        QString warning;
        whenDialog<BillingImportDialog>(this, [&](BillingImportDialog *d) {
            QTRY_VERIFY(d->isReady());
            d->setSource(u"stripe-eu"_s);
            QTRY_VERIFY(d->isReady());
            warning = d->formatText();
            d->reject();
        });
        QVERIFY(!w.importBillingFile(stripe));
        QVERIFY2(warning.contains(u"2 of its first 3 subscriptions are already under source \"stripe\""_s), qPrintable(warning));
    }

    // The dashboard's revenue tiles show the money of the dashboard's day and, clicked, the
    // Billing page's findings behind them.
    void theDashboardsRevenueTilesLeadToTheirFindings()
    {
        MainWindow w;
        w.show();
        QVERIFY(w.openDatabase(fixture()));
        w.setPage(Page::Dashboard);
        DashboardPage *dash = w.dashboardPage();
        InstallBaseFilter f = dash->filter();
        f.asOf = QDate(2026, 8, 20);
        dash->setFilter(f);
        QTRY_COMPARE(dash->tileText(u"revenue_at_risk"_s), u"USD 1,678.00"_s);
        QTRY_COMPARE(dash->tileText(u"billed_monthly"_s), u"USD 5,655.50"_s);
        QTRY_COMPARE(dash->tileText(u"revenue_missed"_s), u"USD 2,548.00"_s);
        QVERIFY(dash->tileCaption(u"revenue_missed"_s).contains(u"3 licenses"_s));
        auto *tile = dash->findChild<QWidget *>(u"tile_revenue_at_risk"_s);
        QVERIFY(tile);
        QTest::mouseClick(tile, Qt::LeftButton);
        QCOMPARE(w.currentPage(), Page::Billing);
        QCOMPARE(w.billingPage()->shownRule(), u"at_risk"_s);
        QTRY_VERIFY(!w.billingPage()->isReading() && w.billingPage()->reconciliation().has_value());
        QCOMPARE(w.billingPage()->reconciliation()->asOf, QDate(2026, 8, 20));
        QCOMPARE(w.billingPage()->findingsModel()->rowCount(), 2);
        auto *missed = dash->findChild<QWidget *>(u"tile_revenue_missed"_s);
        QTest::mouseClick(missed, Qt::LeftButton);
        QCOMPARE(w.billingPage()->shownRule(), u"licensed_not_billed"_s);
        QTRY_COMPARE(w.billingPage()->findingsModel()->rowCount(), 3);
    }

    // With no billing imported the page and the tiles say how to bring it in.
    void withoutBillingThePageSaysHowToImportIt()
    {
        MainWindow w;
        const QString location = test::location(m_dir.filePath(u"empty.sqlite"_s));
        QVERIFY(test::createFixtureDatabase(location));
        QVERIFY(w.openDatabase(location));
        w.setPage(Page::Billing);
        QTRY_VERIFY(!w.billingPage()->isReading() && w.billingPage()->reconciliation().has_value());
        QVERIFY2(w.billingPage()->summaryText().contains(u"No billing is imported yet"_s), qPrintable(w.billingPage()->summaryText()));
        QTRY_COMPARE(w.dashboardPage()->tileText(u"revenue_at_risk"_s), u"—"_s);
    }
};

QTEST_MAIN(TestBillingUi)
#include "tst_billingui.moc"
