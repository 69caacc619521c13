// The license table model: windows of rows from a worker thread, counts and id lists from
// another, stale answers dropped, selection kept across a refresh. QAbstractItemModelTester
// watches every model here.
#include "fixtures.h"

#include "import/importer.h"
#include "models/licensetablemodel.h"
#include "models/sqlworker.h"
#include "storage/bulkload.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include <mutex>

using namespace lmo;
using namespace Qt::Literals::StringLiterals;

namespace {

constexpr int kBig = 2000; // eight blocks of 256

bool waitForIds(LicenseTableModel &model)
{
    if (model.idsLoaded())
        return true;
    QSignalSpy spy(&model, &LicenseTableModel::idsArrived);
    return spy.wait(30000);
}

// Asks for every row and waits until all have arrived.
bool loadAll(LicenseTableModel &model)
{
    for (int i = 0; i < 400; ++i) {
        bool missing = false;
        for (int r = 0; r < model.rowCount(); ++r)
            if (!model.data(model.index(r, 0), LicenseTableModel::LoadedRole).toBool())
                missing = true;
        if (!missing)
            return true;
        QSignalSpy spy(&model, &LicenseTableModel::rowsArrived);
        spy.wait(200);
    }
    return false;
}

// The fixture's licenses sorted by name on the fixture's day, every row read.
bool showSortedByName(LicenseTableModel &model, Database *db)
{
    LicenseQuery q;
    q.filter.asOf = test::kFixtureAsOf;
    q.sortColumn = LicenseColumn::Name;
    q.order = Qt::AscendingOrder;
    model.setQuery(q);
    model.setDatabase(db);
    return waitForIds(model) && loadAll(model);
}

QStringList column(LicenseTableModel &model, LicenseColumn c)
{
    QStringList out;
    for (int r = 0; r < model.rowCount(); ++r)
        out << model.index(r, int(c)).data().toString();
    return out;
}

} // namespace

class TestLicenseModel : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_fixture = test::createFixtureDatabase(m_dir.filePath(u"fixture.sqlite"_s));
        QVERIFY(m_fixture);
        Database::OpenOptions create;
        create.create = true;
        auto big = Database::open(test::location(m_dir.filePath(u"big.sqlite"_s)), create);
        QVERIFY(big.ok());
        m_big = std::move(big.value());
        const QString csv = m_dir.filePath(u"big.csv"_s);
        QVERIFY(test::writeLicenseCsv(csv, kBig, u"Package A"_s));
        auto imported = importFile(*m_big, csv, ImportOptions());
        QVERIFY2(imported.ok(), qPrintable(imported.ok() ? QString() : imported.error().message));
        QVERIFY(buildDeferredIndexes(m_big->connection()).ok());
    }

    void theFirstRowsComeThenTheCountThenTheRest()
    {
        LicenseTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        QSignalSpy first(&model, &LicenseTableModel::firstRowsArrived);
        model.setDatabase(m_big.get());
        QVERIFY(waitForIds(model));
        QTRY_COMPARE(first.count(), 1); // on its own thread: it may come before or after the ids
        QCOMPARE(model.rowCount(), kBig);
        QCOMPARE(*model.matchingCount(), qint64(kBig));
        QCOMPARE(*model.totalCount(), qint64(kBig));
        // A row far down is a placeholder until its block arrives, then it is real.
        const QModelIndex deep = model.index(1500, int(LicenseColumn::Name));
        QVERIFY(!model.data(deep, LicenseTableModel::LoadedRole).toBool());
        QCOMPARE(deep.data().toString(), u"…"_s);
        QSignalSpy arrived(&model, &LicenseTableModel::rowsArrived);
        QVERIFY(arrived.wait(10000));
        QVERIFY(deep.data(LicenseTableModel::LoadedRole).toBool());
        QVERIFY(deep.data().toString().startsWith(u"L-"_s));
        QCOMPARE(arrived.first().at(0).toInt(), 1280); // block 5 of 256
        QCOMPARE(arrived.first().at(1).toInt(), 1535);
    }

    void theCacheIsBounded()
    {
        LicenseTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDatabase(m_big.get());
        QVERIFY(waitForIds(model));
        QVERIFY(loadAll(model));
        // Every row has been seen; at most kMaxBlocks blocks are kept (here all 8 fit).
        int loaded = 0;
        for (int r = 0; r < model.rowCount(); ++r)
            loaded += model.data(model.index(r, 0), LicenseTableModel::LoadedRole).toBool();
        QVERIFY(loaded <= LicenseTableModel::kMaxBlocks * LicenseTableModel::kBlockSize);
        QCOMPARE(loaded, kBig);
    }

    void sortingByAnyColumnBothWays_data()
    {
        QTest::addColumn<int>("column");
        for (int c = 0; c < kLicenseColumnCount; ++c)
            QTest::addRow("%s", qPrintable(licenseColumnKey(LicenseColumn(c)))) << c;
    }
    void sortingByAnyColumnBothWays()
    {
        QFETCH(int, column);
        LicenseTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        LicenseQuery q;
        q.filter.asOf = test::kFixtureAsOf;
        model.setQuery(q);
        model.setDatabase(m_fixture.get());
        QVERIFY(waitForIds(model));
        for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            model.sort(column, order);
            QCOMPARE(model.query().sortColumn, LicenseColumn(column));
            QVERIFY(waitForIds(model));
            QVERIFY(loadAll(model));
            QCOMPARE(model.rowCount(), 15);
            // With no filter the total may be the segments' counts added up: every sort's
            // segments (with and without a value, each package's) hold every license once.
            QCOMPARE(*model.matchingCount(), qint64(15));
            QCOMPARE(*model.totalCount(), qint64(15));
            // Reversing the order reverses the list exactly (the row id breaks ties).
            std::vector<qint64> ids;
            for (int r = 0; r < 15; ++r)
                ids.push_back(model.licenseIdAt(r));
            model.sort(column, order == Qt::AscendingOrder ? Qt::DescendingOrder : Qt::AscendingOrder);
            QVERIFY(waitForIds(model));
            std::vector<qint64> reversed;
            for (int r = 14; r >= 0; --r)
                reversed.push_back(model.licenseIdAt(r));
            QCOMPARE(reversed, ids);
        }
    }

    void aListSortedByPackageFromTheStartHasThePackagesFirst()
    {
        // The Package sort is the one that needs the packages (their names) before its query:
        // set before the database, it waits for them; any other list reads them on its way.
        for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            LicenseTableModel model;
            LicenseQuery q;
            q.filter.asOf = test::kFixtureAsOf;
            q.sortColumn = LicenseColumn::Package;
            q.order = order;
            model.setQuery(q);
            model.setDatabase(m_fixture.get());
            QVERIFY(waitForIds(model));
            QVERIFY(loadAll(model));
            QCOMPARE(model.rowCount(), 15);
            QCOMPARE(*model.totalCount(), qint64(15));
            QVERIFY(!model.packages().empty());
            QStringList names = column(model, LicenseColumn::Package);
            QStringList sorted = names;
            std::stable_sort(sorted.begin(), sorted.end(),
                             [](const QString &a, const QString &b) { return QString::localeAwareCompare(a, b) < 0; });
            if (order == Qt::DescendingOrder)
                std::reverse(sorted.begin(), sorted.end());
            QCOMPARE(names, sorted);
            QVERIFY(names.first() != names.last()); // more than one package, or this shows nothing
        }
    }

    void theDisplayedValuesAreTheLicenses()
    {
        LicenseTableModel model;
        QVERIFY(showSortedByName(model, m_fixture.get()));
        // L-00002: site license, does not expire; L-00004: a trial expired the day before.
        QCOMPARE(model.index(1, int(LicenseColumn::Seats)).data().toString(), u"Site License"_s);
        QCOMPARE(model.index(1, int(LicenseColumn::Expiration)).data().toString(), u"Does not expire"_s);
        QCOMPARE(model.index(3, int(LicenseColumn::Status)).data().toString(), u"Trial"_s);
        QCOMPARE(model.index(3, int(LicenseColumn::EffectiveStatus)).data().toString(), u"Expired"_s);
        QVERIFY(model.index(3, int(LicenseColumn::EffectiveStatus)).data(Qt::ToolTipRole).toString().contains(u"1 days ago"_s)
                || model.index(3, int(LicenseColumn::EffectiveStatus)).data(Qt::ToolTipRole).toString().contains(u"Expired"_s));
        QVERIFY(model.index(3, 0).data(Qt::ForegroundRole).isValid());  // expired: a warning colour
        QVERIFY(!model.index(0, 0).data(Qt::ForegroundRole).isValid()); // L-00001: plain
        QVERIFY(model.index(2, 0).data(Qt::ForegroundRole).isValid());  // L-00003: expires today
        QVERIFY(model.index(8, 0).data(Qt::FontRole).value<QFont>().italic()); // L-00009: uninstalled
        QCOMPARE(model.index(6, int(LicenseColumn::Sandbox)).data().toString(), u"Yes"_s);
        QCOMPARE(model.index(0, int(LicenseColumn::OrgId)).data().toString(), u"00D000000000001"_s);
        QCOMPARE(model.index(0, int(LicenseColumn::Package)).data().toString(), u"Package A"_s);
    }

    void everyFilterNarrowsTheRowsAndTheCount()
    {
        LicenseTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDatabase(m_fixture.get());
        QVERIFY(waitForIds(model));
        auto filtered = [&](const std::function<void(LicenseFilter &)> &set) {
            LicenseQuery q;
            q.filter.asOf = test::kFixtureAsOf;
            set(q.filter);
            model.setQuery(q);
            if (!waitForIds(model))
                return -1;
            if (*model.totalCount() != 15)
                return -2;
            return int(*model.matchingCount()) == model.rowCount() ? model.rowCount() : -3;
        };
        QCOMPARE(filtered([](LicenseFilter &) {}), 15);
        QCOMPARE(filtered([](LicenseFilter &f) { f.text = u"L-0000"_s; }), 9);
        QCOMPARE(filtered([](LicenseFilter &f) { f.statuses = {Status::Trial}; }), 3);
        QCOMPARE(filtered([](LicenseFilter &f) { f.effectiveStatuses = {EffectiveStatus::Expired}; }), 2);
        QCOMPARE(filtered([&](LicenseFilter &f) { f.packages = {model.packages()[1].rowId}; }), 6);
        QCOMPARE(filtered([](LicenseFilter &f) { f.versions = {u"1.0"_s}; }), 15);
        QCOMPARE(filtered([](LicenseFilter &f) { f.editions = {u"Enterprise Edition"_s}; }), 2);
        QCOMPARE(filtered([](LicenseFilter &f) { f.instances = {u"CS42"_s}; }), 2);
        QCOMPARE(filtered([](LicenseFilter &f) { f.sandbox = false; }), 13);
        QCOMPARE(filtered([](LicenseFilter &f) { f.siteLicense = true; }), 3);
        QCOMPARE(filtered([](LicenseFilter &f) { f.installedFrom = QDate(2025, 5, 1); }), 4); // L-00012 (that day) to L-00015
        QCOMPARE(filtered([](LicenseFilter &f) { f.expiringWithinDays = 30; }), 3);
        QCOMPARE(filtered([](LicenseFilter &f) { f.text = u"nothing like this"_s; }), 0);
        QCOMPARE(column(model, LicenseColumn::Name), QStringList());
    }

    void aNewerQueryWinsOverAnOlderOne()
    {
        LicenseTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDatabase(m_big.get());
        // Three queries in a row, without waiting: only the last one's answers may land.
        LicenseQuery a;
        a.filter.text = u"L-0000001"_s; // 100 rows
        model.setQuery(a);
        LicenseQuery b;
        b.sortColumn = LicenseColumn::Name;
        model.setQuery(b);
        LicenseQuery c;
        c.filter.text = u"L-00000012"_s; // L-000000120 to L-000000129
        c.sortColumn = LicenseColumn::Name;
        c.order = Qt::AscendingOrder;
        model.setQuery(c);
        QVERIFY(waitForIds(model));
        QVERIFY(loadAll(model));
        // Nothing of a or b arrives later either.
        QTest::qWait(300);
        const QStringList names = column(model, LicenseColumn::Name);
        QCOMPARE(names.size(), 10);
        for (const QString &n : names)
            QVERIFY2(n.contains(u"00000012"_s), qPrintable(n));
        QVERIFY(std::is_sorted(names.begin(), names.end()));
    }

    void aFilteredListsTotalIsCountedOnceAndAgainAfterARefresh()
    {
        const QString path = m_dir.filePath(u"total.sqlite"_s);
        auto db = test::createFixtureDatabase(path);
        QVERIFY(db);
        LicenseTableModel model;
        LicenseQuery q;
        q.filter.asOf = test::kFixtureAsOf;
        q.filter.statuses = {Status::Active};
        model.setQuery(q);
        model.setDatabase(db.get());
        QVERIFY(waitForIds(model));
        QCOMPARE(*model.totalCount(), qint64(15));
        const qint64 active = *model.matchingCount();
        QVERIFY(active > 0 && active < 15);
        // Another filter: the total, which no filter changes, is the one counted.
        q.filter.statuses = {Status::Trial};
        model.setQuery(q);
        QVERIFY(waitForIds(model));
        QCOMPARE(*model.totalCount(), qint64(15));
        // A license goes; the refresh that follows a change counts the table again, filtered
        // or not.
        QSqlQuery change(db->connection());
        QVERIFY(change.exec(u"DELETE FROM licenses WHERE status = 'Active' AND id = (SELECT MIN(id) FROM licenses WHERE status = 'Active')"_s));
        q.filter.statuses = {Status::Active};
        model.setQuery(q);
        QVERIFY(waitForIds(model));
        model.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(model.idsLoaded() && *model.totalCount() == 14, 10000);
        QCOMPARE(*model.matchingCount(), active - 1);
    }

    // A text search goes by the packages' names as they are: after a refresh, a package that
    // came with an import and has the text in its name brings its licenses into the list (on a
    // server the query leaves out the names of packages that cannot match, so it must not go by
    // the names read before).
    void aSearchAfterARefreshFindsANewPackagesLicenses()
    {
        auto db = test::createFixtureDatabase(m_dir.filePath(u"newpackage.sqlite"_s));
        QVERIFY(db);
        LicenseTableModel model;
        LicenseQuery q;
        q.filter.asOf = test::kFixtureAsOf;
        q.filter.text = u"zebra"_s;
        model.setQuery(q);
        model.setDatabase(db.get());
        QVERIFY(waitForIds(model));
        QCOMPARE(*model.matchingCount(), qint64(0));
        // Another search reads the packages' names on its way (they are known from now on).
        q.filter.text = u"zebr"_s;
        model.setQuery(q);
        QVERIFY(waitForIds(model));
        QCOMPARE(*model.matchingCount(), qint64(0));
        QSqlQuery change(db->connection());
        QVERIFY2(change.exec(u"INSERT INTO packages (sf_id, name) VALUES ('a0A00000000ZEBRAAA', 'Zebra Tools')"_s),
                 qPrintable(change.lastError().text()));
        QVERIFY2(change.exec(u"UPDATE licenses SET package_ref = (SELECT id FROM packages WHERE name = 'Zebra Tools') "
                             "WHERE id = (SELECT MIN(id) FROM licenses)"_s),
                 qPrintable(change.lastError().text()));
        model.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(model.idsLoaded() && model.matchingCount() == 1, 10000);
        QCOMPARE(model.rowCount(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(model.index(0, int(LicenseColumn::Package)).data().toString(), u"Zebra Tools"_s, 10000);
    }

    void aRefreshKeepsTheSelectedLicensesSelected()
    {
        const QString path = m_dir.filePath(u"refresh.sqlite"_s);
        auto db = test::createFixtureDatabase(path);
        QVERIFY(db);
        LicenseTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(showSortedByName(model, db.get()));
        QItemSelectionModel selection(&model);
        selection.select(model.index(9, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows); // L-00010
        const qint64 selected = model.licenseIdAt(9);
        // Another program renames L-00003 so that it sorts last, and removes L-00005.
        QSqlQuery change(db->connection());
        QVERIFY(change.exec(u"UPDATE licenses SET name = 'Z-00003' WHERE name = 'L-00003'"_s));
        QVERIFY(change.exec(u"DELETE FROM licenses WHERE name = 'L-00005'"_s));
        QSignalSpy ids(&model, &LicenseTableModel::idsArrived);
        model.refresh();
        QVERIFY(ids.wait(10000));
        QCOMPARE(model.rowCount(), 14);
        QCOMPARE(*model.totalCount(), qint64(14));
        const QModelIndexList rows = selection.selectedRows();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(model.licenseIdAt(rows.first().row()), selected);
        QCOMPARE(rows.first().row(), 7); // two rows before it moved away
        QVERIFY(loadAll(model));
        QCOMPARE(model.index(13, 0).data().toString(), u"Z-00003"_s);
    }

    // A refresh whose list is shorter or longer: the rows gone are removed from the end, the rows
    // added inserted at the end, around a layout change that keeps the count (the model tester
    // holds each step to the model's contract), and the selected license keeps its selection.
    void aRefreshThatChangesTheCountRemovesOrInsertsTheRows()
    {
        const QString path = m_dir.filePath(u"refresh-count.sqlite"_s);
        auto db = test::createFixtureDatabase(path);
        QVERIFY(db);
        LicenseTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(showSortedByName(model, db.get()));
        QCOMPARE(model.rowCount(), 15);
        QItemSelectionModel selection(&model);
        selection.select(model.index(14, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        const qint64 selected = model.licenseIdAt(14);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        auto refreshed = [&] {
            QSignalSpy ids(&model, &LicenseTableModel::idsArrived);
            model.refresh();
            return ids.wait(10000);
        };
        auto selectedRow = [&] {
            const QModelIndexList rows = selection.selectedRows();
            return rows.size() == 1 && model.licenseIdAt(rows.first().row()) == selected ? rows.first().row() : -1;
        };

        QSqlQuery change(db->connection());
        QVERIFY(change.exec(u"DELETE FROM licenses WHERE name IN ('L-00001', 'L-00002')"_s));
        QVERIFY(refreshed());
        QCOMPARE(model.rowCount(), 13);
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed.first().at(1).toInt(), 13);
        QCOMPARE(removed.first().at(2).toInt(), 14);
        QCOMPARE(selectedRow(), 12);

        removed.clear();
        for (const char *suffix : {"a", "b", "c"})
            QVERIFY2(change.exec(u"INSERT INTO licenses (sf_id, package_ref, status, seats, org_id, name) SELECT "
                                 "'a0B0000000000X%1', package_ref, 'Active', 1, '00D0000000000X%1', 'L-00000%1' FROM licenses "
                                 "ORDER BY id LIMIT 1"_s.arg(QLatin1String(suffix))),
                     qPrintable(change.lastError().text()));
        QVERIFY(refreshed());
        QCOMPARE(model.rowCount(), 16);
        QCOMPARE(removed.size(), 0);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(inserted.first().at(1).toInt(), 13);
        QCOMPARE(inserted.first().at(2).toInt(), 15);
        QCOMPARE(selectedRow(), 15);
        QCOMPARE(*model.matchingCount(), qint64(16));
        QVERIFY(loadAll(model));
        QCOMPARE(column(model, LicenseColumn::Name).mid(0, 4), (QStringList{u"L-00000a"_s, u"L-00000b"_s, u"L-00000c"_s, u"L-00003"_s}));
    }

    // A new query stops the statement an older one still runs (a search typed on cancels the
    // count of the text before), on both engines; a job that may not be stopped is not, and the
    // connection answers the next job as before.
    void aRunningStatementOfAnOlderQueryIsStoppedAndNothingElse()
    {
        SqlWorker worker(m_fixture->connectionSpec());
        struct Outcome
        {
            std::atomic<bool> started{false}, done{false}, ok{false};
            std::function<void()> interrupt; // the engine's own, set before started
            QString error;
            qint64 value = -1;
        };
        auto run = [&worker](QString sql, SqlWorker::Interrupt interrupt) {
            auto outcome = std::make_shared<Outcome>();
            worker.post(
                [outcome, sql](QSqlDatabase &db) {
                    QSqlQuery q(db);
                    outcome->interrupt = Database::interrupter(db);
                    outcome->started = true;
                    const bool ok = q.exec(sql) && q.next();
                    if (ok)
                        outcome->value = q.value(0).toLongLong();
                    else
                        outcome->error = q.lastError().text();
                    outcome->ok = ok;
                    outcome->done = true;
                },
                false, interrupt);
            return outcome;
        };
        // Never ends unless stopped: SQLite counts an endless series, the server sleeps an hour.
        const QString endless = test::onPostgres()
                                    ? u"SELECT 1 FROM (SELECT pg_sleep(3600)) s"_s
                                    : u"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c"_s;
        auto stopped = run(endless, SqlWorker::Interrupt::Allowed);
        QTRY_VERIFY(stopped->started.load());
        // Asked again until it stops: a request that comes before the statement starts is
        // nothing to it. The worker stops it itself where the engine does so at once (SQLite);
        // on a server its canceller thread sends the request (it waits on the server), and the
        // call returns at once all the same.
        QVERIFY(stopped->interrupt);
        QTRY_VERIFY_WITH_TIMEOUT((worker.interruptRunning(), stopped->done.load()), 60000);
        QVERIFY(worker.interruptions() >= 1);
        QVERIFY(!stopped->ok.load());
        QVERIFY2(stopped->error.contains(u"interrupt"_s, Qt::CaseInsensitive)
                     || stopped->error.contains(u"cancel"_s, Qt::CaseInsensitive),
                 qPrintable(stopped->error));

        // One that ends by itself, asked to stop all along: it is not stopped.
        const QString bounded = test::onPostgres()
                                    ? u"SELECT 7 FROM (SELECT pg_sleep(0.5)) s"_s
                                    : u"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000000) SELECT COUNT(*) FROM c"_s;
        const int before = worker.interruptions();
        auto kept = run(bounded, SqlWorker::Interrupt::No);
        QTRY_VERIFY(kept->started.load());
        while (!kept->done.load()) {
            QVERIFY(!worker.interruptRunning());
            QTest::qWait(5);
        }
        QVERIFY2(kept->ok.load(), qPrintable(kept->error));
        QCOMPARE(kept->value, test::onPostgres() ? 7 : 3000000);
        QCOMPARE(worker.interruptions(), before);

        // The connection is as good as before: the next statement runs to its end.
        auto next = run(u"SELECT COUNT(*) FROM licenses"_s, SqlWorker::Interrupt::Allowed);
        QTRY_VERIFY(next->done.load());
        QVERIFY2(next->ok.load(), qPrintable(next->error));
        QCOMPARE(next->value, 15);
        // Nothing runs: nothing to stop.
        QVERIFY(!worker.interruptRunning());
    }

    // A new query forgets the jobs queued for the old one, but not one whose caller waits on its
    // answer (a selection's summary, Copy's rows): before, a refresh between Copy and its read
    // left Copy waiting for ever.
    void aJobItsCallerWaitsOnOutlivesANewQuery()
    {
        SqlWorker worker(m_fixture->connectionSpec());
        std::mutex gate;
        std::unique_lock held(gate);
        std::atomic<bool> blocking{false}, forgotten{false}, kept{false};
        worker.post([&](QSqlDatabase &) {
            blocking = true;
            std::lock_guard wait(gate); // until the test lets it go
        });
        QTRY_VERIFY(blocking.load());
        worker.post([&](QSqlDatabase &) { forgotten = true; });
        worker.post([&](QSqlDatabase &db) { kept = QSqlQuery(db).exec(u"SELECT 1"_s); }, true, SqlWorker::Interrupt::No,
                    SqlWorker::Keep::Yes);
        worker.clear(); // a new query
        held.unlock();
        QTRY_VERIFY(kept.load());
        // The worker is idle once the kept job ran: anything forgotten would have run before it
        // or right after; one more job, run to its end, proves the queue is empty behind it.
        std::atomic<bool> last{false};
        worker.post([&](QSqlDatabase &) { last = true; });
        QTRY_VERIFY(last.load());
        QVERIFY(!forgotten.load());

        // Through the model: Copy's rows and a selection's summary answer after a refresh.
        LicenseTableModel model;
        model.setDatabase(m_fixture.get());
        QTRY_COMPARE(model.rowCount(), 15);
        std::optional<int> copied;
        bool summed = false;
        model.readRows({1, 2, 3}, [&](const Result<std::vector<LicenseRow>> &rows) { copied = rows ? int(rows.value().size()) : -1; });
        model.summarise({1, 2}, [&](std::optional<LicenseListReader::Summary> s) { summed = s.has_value(); });
        model.refresh();
        QTRY_VERIFY(copied.has_value());
        QCOMPARE(*copied, 3);
        QTRY_VERIFY(summed);
    }

    // Forty queries, each replacing the one before while its statements run (and stopped, as
    // many as were caught running): the list ends on the last one's answer, whole, no error.
    void manyQueriesInARowEndOnTheLastOnesAnswer()
    {
        LicenseTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDatabase(m_big.get());
        QTRY_VERIFY(model.matchingCount().has_value());
        const int started = model.queriesStarted();
        LicenseQuery q;
        // Many queries in a row, each replacing the one before while it runs.
        for (int i = 0; i < 40; ++i) {
            q.filter.text = i % 2 ? u"L-0000"_s : u"Account 00"_s;
            q.sortColumn = i % 3 ? LicenseColumn::Name : LicenseColumn::InstallDate;
            model.setQuery(q);
            QTest::qWait(1);
        }
        QCOMPARE(model.queriesStarted(), started + 40);
        q.filter.text = u"L-00000001"_s; // L-000000010 to L-000000019
        model.setQuery(q);
        QVERIFY(waitForIds(model));
        QVERIFY(loadAll(model));
        QCOMPARE(model.matchingCount().value_or(-1), 10);
        QCOMPARE(model.rowCount(), 10);
        for (int r = 0; r < model.rowCount(); ++r)
            QVERIFY2(model.index(r, int(LicenseColumn::Name)).data().toString().startsWith(u"L-00000001"_s),
                     qPrintable(model.index(r, int(LicenseColumn::Name)).data().toString()));
        QVERIFY(model.lastError().isEmpty());
        qInfo("statements stopped: %d", model.statementsInterrupted());
    }

    void noDatabaseMeansNoRows()
    {
        LicenseTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDatabase(m_fixture.get());
        QVERIFY(waitForIds(model));
        model.setDatabase(nullptr);
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.matchingCount());
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Database> m_fixture;
    std::unique_ptr<Database> m_big;
};

QTEST_MAIN(TestLicenseModel)
#include "tst_licensemodel.moc"
