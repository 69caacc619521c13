// The license table model: windows of rows from a worker thread, counts and id lists from
// another, stale answers dropped, selection kept across a refresh. QAbstractItemModelTester
// watches every model here.
#include "fixtures.h"

#include "import/importer.h"
#include "models/licensetablemodel.h"
#include "storage/bulkload.h"

#include <algorithm>
#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

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
        LicenseQuery q;
        q.filter.asOf = test::kFixtureAsOf;
        q.sortColumn = LicenseColumn::Name;
        q.order = Qt::AscendingOrder;
        model.setQuery(q);
        model.setDatabase(m_fixture.get());
        QVERIFY(waitForIds(model));
        QVERIFY(loadAll(model));
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

    void aRefreshKeepsTheSelectedLicensesSelected()
    {
        const QString path = m_dir.filePath(u"refresh.sqlite"_s);
        auto db = test::createFixtureDatabase(path);
        QVERIFY(db);
        LicenseTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        LicenseQuery q;
        q.filter.asOf = test::kFixtureAsOf;
        q.sortColumn = LicenseColumn::Name;
        q.order = Qt::AscendingOrder;
        model.setQuery(q);
        model.setDatabase(db.get());
        QVERIFY(waitForIds(model));
        QVERIFY(loadAll(model));
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
