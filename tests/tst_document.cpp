// The Document (the open database between the pages and the core) and the JobRunner (the one
// way the window runs long work): the order of their signals, reads that come back for a
// database no longer open, progress, Cancel, waiting for every job, and a wait that keeps the
// event loop running.
#include "fixtures.h"

#include "document/document.h"
#include "document/jobrunner.h"
#include "storage/sqlutil.h"

#include <QProgressDialog>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QUndoCommand>
#include <QUndoStack>
#include <QWidget>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <thread>

using namespace lmo;

namespace {

QString changeName(ContentChange change)
{
    switch (change) {
    case ContentChange::Edit: return QStringLiteral("edit");
    case ContentChange::Import: return QStringLiteral("import");
    case ContentChange::Lmo: return QStringLiteral("lmo");
    case ContentChange::Outside: return QStringLiteral("outside");
    case ContentChange::Indexes: return QStringLiteral("indexes");
    case ContentChange::Others: return QStringLiteral("others");
    case ContentChange::Billing: return QStringLiteral("billing");
    }
    return QString();
}

// Records the document's signals, in order.
QStringList *record(Document &document, QObject *context)
{
    auto *log = new QStringList;
    QObject::connect(context, &QObject::destroyed, [log] { delete log; });
    QObject::connect(&document, &Document::opened, context, [log] { *log << QStringLiteral("opened"); });
    QObject::connect(&document, &Document::closing, context, [log] { *log << QStringLiteral("closing"); });
    QObject::connect(&document, &Document::closed, context, [log] { *log << QStringLiteral("closed"); });
    QObject::connect(&document, &Document::lmoChanged, context, [log] { *log << QStringLiteral("lmoChanged"); });
    QObject::connect(&document, &Document::licensesChanged, context,
                     [log](ContentChange change, const QString &source) {
                         *log << QStringLiteral("licensesChanged(%1%2)")
                                     .arg(changeName(change), source.isEmpty() ? QString() : QStringLiteral(", ") + source);
                     });
    QObject::connect(&document, &Document::changed, context,
                     [log](ContentChange change) { *log << QStringLiteral("changed(%1)").arg(changeName(change)); });
    return log;
}

Result<qint64> countLicenses(QSqlDatabase &db)
{
    return queryNumber(db, QStringLiteral("SELECT COUNT(*) FROM licenses"), QStringLiteral("counting"));
}

} // namespace

class TestDocument : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::unique_ptr<Database> fixture(const QString &name)
    {
        return test::createFixtureDatabase(m_dir.filePath(name));
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void signalsComeInOrder()
    {
        Document document;
        QObject context;
        QStringList &log = *record(document, &context);
        QVERIFY(!document.isOpen());
        document.notifyChanged(ContentChange::Edit); // nothing open: nothing to say
        QVERIFY(log.isEmpty());

        auto first = fixture(QStringLiteral("first.sqlite"));
        QVERIFY(first);
        document.adopt(std::move(first));
        QVERIFY(document.isOpen());
        QCOMPARE(log, QStringList{QStringLiteral("opened")});
        QVERIFY(document.reader());

        log.clear();
        document.notifyChanged(ContentChange::Edit);
        document.notifyChanged(ContentChange::Import, QStringLiteral("file.csv"));
        document.notifyChanged(ContentChange::Lmo);
        QCOMPARE(log, (QStringList{QStringLiteral("licensesChanged(edit)"), QStringLiteral("changed(edit)"),
                                   QStringLiteral("licensesChanged(import, file.csv)"), QStringLiteral("changed(import)"),
                                   QStringLiteral("lmoChanged"), QStringLiteral("licensesChanged(lmo)"),
                                   QStringLiteral("changed(lmo)")}));

        // Another database: the old one closes first; its undo steps go with it.
        document.undoStack()->push(new QUndoCommand(QStringLiteral("a step")));
        QCOMPARE(document.undoStack()->count(), 1);
        log.clear();
        const quint64 generation = document.generation();
        document.adopt(fixture(QStringLiteral("second.sqlite")));
        QCOMPARE(log, (QStringList{QStringLiteral("closing"), QStringLiteral("closed"), QStringLiteral("opened")}));
        QCOMPARE(document.undoStack()->count(), 0);
        QVERIFY(document.generation() != generation);

        log.clear();
        document.close();
        QCOMPARE(log, (QStringList{QStringLiteral("closing"), QStringLiteral("closed")}));
        QVERIFY(!document.isOpen());
        QVERIFY(!document.reader());
        document.close(); // twice: nothing more
        QCOMPARE(log.size(), 2);
    }

    void aReadComesBackOnTheUiThread()
    {
        Document document;
        document.adopt(fixture(QStringLiteral("read.sqlite")));
        std::optional<qint64> count;
        Qt::HANDLE thread = nullptr;
        Qt::HANDLE worker = nullptr;
        document.read<qint64>(
            this,
            [&worker](QSqlDatabase &db) {
                worker = QThread::currentThreadId();
                return countLicenses(db);
            },
            [&](const Result<qint64> &result) {
                thread = QThread::currentThreadId();
                count = result ? result.value() : -1;
            });
        QTRY_VERIFY(count.has_value());
        QCOMPARE(*count, 15);
        QCOMPARE(thread, QThread::currentThreadId());
        QVERIFY(worker != QThread::currentThreadId());
    }

    void aReadForAnotherDatabaseIsDropped()
    {
        Document document;
        document.adopt(fixture(QStringLiteral("old.sqlite")));
        std::atomic<bool> started{false};
        bool oldDelivered = false;
        document.read<qint64>(
            this,
            [&started](QSqlDatabase &db) {
                started = true;
                // Still running when the database is replaced (close waits for it).
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                return countLicenses(db);
            },
            [&oldDelivered](const Result<qint64> &) { oldDelivered = true; });
        // And one still queued behind it.
        bool queuedDelivered = false;
        document.read<qint64>(this, countLicenses, [&queuedDelivered](const Result<qint64> &) { queuedDelivered = true; });
        QTRY_VERIFY(started.load());
        document.adopt(fixture(QStringLiteral("new.sqlite")));
        // A file's worker ended with the close; a team database's ends on its own (the window
        // does not wait on the server): once it has, whatever it posted is in the queue.
        QTRY_COMPARE(JobRunner::application()->runningCount(), 0);
        bool newDelivered = false;
        document.read<qint64>(this, countLicenses, [&newDelivered](const Result<qint64> &) { newDelivered = true; });
        QTRY_VERIFY(newDelivered);
        QVERIFY(!oldDelivered);
        QVERIFY(!queuedDelivered);

        // Nor after close, nor to a context that is gone.
        bool afterClose = false;
        auto *context = new QObject;
        bool toGone = false;
        document.read<qint64>(context, countLicenses, [&toGone](const Result<qint64> &) { toGone = true; });
        delete context;
        document.read<qint64>(this, countLicenses, [&afterClose](const Result<qint64> &) { afterClose = true; });
        document.close();
        document.read<qint64>(this, countLicenses, [&afterClose](const Result<qint64> &) { afterClose = true; });
        document.adopt(fixture(QStringLiteral("again.sqlite")));
        QTRY_COMPARE(JobRunner::application()->runningCount(), 0);
        bool last = false;
        document.read<qint64>(this, countLicenses, [&last](const Result<qint64> &) { last = true; });
        QTRY_VERIFY(last);
        QVERIFY(!afterClose);
        QVERIFY(!toGone);
    }

    void aJobReportsProgressAndStopsWhenCancelled()
    {
        JobRunner runner;
        QSignalSpy started(&runner, &JobRunner::jobStarted);
        QSignalSpy progress(&runner, &JobRunner::jobProgress);
        QSignalSpy finished(&runner, &JobRunner::jobFinished);
        std::atomic<bool> reached{false};
        std::optional<Result<int>> outcome;
        JobOptions options;
        options.title = QStringLiteral("Counting sheep");
        const quint64 id = runner.run<int>(
            this, options,
            [&reached](JobContext &context) -> Result<int> {
                context.setLabel(QStringLiteral("sheep"));
                context.setProgress(7, 100);
                reached = true;
                while (!context.isCancelled())
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                return Error::make(Error::Code::Cancelled, QStringLiteral("Stopped."));
            },
            [&outcome](const Result<int> &result) { outcome = result; });
        QCOMPARE(started.size(), 1);
        QVERIFY(runner.isRunning(id));
        QCOMPARE(runner.runningCount(), 1);
        QTRY_VERIFY(reached.load());
        // The runner reads the job's progress on its own (every 100 ms).
        QTRY_VERIFY(!progress.isEmpty() && progress.last().at(1).toLongLong() == 7);
        QCOMPARE(progress.last().at(2).toLongLong(), 100);
        QCOMPARE(progress.last().at(3).toString(), QStringLiteral("sheep"));
        QCOMPARE(runner.statusText(), QStringLiteral("Counting sheep: 7 of 100"));

        runner.cancel(id);
        QTRY_VERIFY(outcome.has_value());
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().at(0).toULongLong(), id);
        QCOMPARE(finished.first().at(1).toBool(), true);
        QVERIFY(!outcome->ok());
        QCOMPARE(outcome->error().code, Error::Code::Cancelled);
        QVERIFY(!runner.isRunning(id));
        QVERIFY(runner.statusText().isEmpty());
    }

    void theProgressDialogsCancelStopsTheJob()
    {
        QWidget window;
        window.show();
        JobRunner runner;
        JobOptions options;
        options.title = QStringLiteral("Long work");
        options.label = QStringLiteral("Working…");
        options.dialogParent = &window;
        options.minimumDurationMs = 0;
        options.objectName = QStringLiteral("testProgress");
        std::optional<Result<int>> outcome;
        runner.run<int>(
            this, options,
            [](JobContext &context) -> Result<int> {
                qint64 step = 0;
                while (!context.isCancelled()) {
                    context.setProgress(++step % 100, 100);
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                }
                return 42;
            },
            [&outcome](const Result<int> &result) { outcome = result; });
        QProgressDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = window.findChild<QProgressDialog *>(QStringLiteral("testProgress"))) && dialog->isVisible());
        QTRY_VERIFY(dialog->value() > 0);
        QTest::mouseClick(dialog->findChild<QPushButton *>(), Qt::LeftButton);
        QTRY_VERIFY(outcome.has_value());
        QVERIFY(outcome->ok());
        QCOMPARE(outcome->value(), 42); // it ended as it chose to, once told

        // QProgressDialog::cancel() called directly (as tests and shortcuts do) stops it too.
        outcome.reset();
        runner.run<int>(
            this, options,
            [](JobContext &context) -> Result<int> {
                while (!context.isCancelled())
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                return 7;
            },
            [&outcome](const Result<int> &result) { outcome = result; });
        QTRY_VERIFY((dialog = window.findChild<QProgressDialog *>(QStringLiteral("testProgress"))) && dialog->isVisible()
                    && !dialog->wasCanceled());
        dialog->cancel();
        QTRY_VERIFY(outcome.has_value());
        QCOMPARE(outcome->value(), 7);
    }

    void waitForAllEndsEveryJobAndDeliversItsResult()
    {
        JobRunner runner;
        int delivered = 0;
        for (int i = 0; i < 3; ++i)
            runner.run<int>(
                this, JobOptions(),
                [i](JobContext &) -> Result<int> {
                    std::this_thread::sleep_for(std::chrono::milliseconds(30 * (i + 1)));
                    return i;
                },
                [&delivered](const Result<int> &) { ++delivered; });
        QCOMPARE(runner.runningCount(), 3);
        runner.waitForAll();
        QCOMPARE(runner.runningCount(), 0);
        QCOMPARE(delivered, 3);

        // A receiver that is gone gets nothing.
        auto *gone = new QObject;
        bool called = false;
        runner.run<int>(gone, JobOptions(), [](JobContext &) -> Result<int> { return 1; },
                        [&called](const Result<int> &) { called = true; });
        delete gone;
        runner.waitForAll();
        QVERIFY(!called);
    }

    void runAndWaitKeepsTheEventLoopRunning()
    {
        JobRunner runner;
        int ticks = 0;
        QTimer timer;
        timer.setInterval(10);
        connect(&timer, &QTimer::timeout, this, [&ticks] { ++ticks; });
        timer.start();
        std::atomic<bool> release{false};
        // The job ends only once the loop has run a while: a wait that blocked the loop could
        // not let it end (the timer below releases it).
        QTimer releaser;
        connect(&releaser, &QTimer::timeout, this, [&] {
            if (ticks >= 10)
                release = true;
        });
        releaser.start(10);
        auto result = runner.runAndWait<int>(JobOptions(), [&release](JobContext &) -> Result<int> {
            while (!release.load())
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            return 5;
        });
        QVERIFY(result.ok());
        QCOMPARE(result.value(), 5);
        QVERIFY(ticks >= 10);
    }

    void aJobOnTheDatabaseHasAConnectionOfItsOwn()
    {
        Document document;
        document.adopt(fixture(QStringLiteral("job.sqlite")));
        std::optional<qint64> count;
        document.jobs()->runOnDatabase<qint64>(
            this, document.connectionSpec(), JobOptions(),
            [](QSqlDatabase &db, JobContext &) { return countLicenses(db); },
            [&count](const Result<qint64> &result) { count = result ? result.value() : -1; });
        QTRY_VERIFY(count.has_value());
        QCOMPARE(*count, 15);
    }
};

QTEST_MAIN(TestDocument)
#include "tst_document.moc"
