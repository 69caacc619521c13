#pragma once

#include "storage/database.h"
#include "util/result.h"

#include <QObject>
#include <QPointer>
#include <QSqlDatabase>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

class QWidget;

namespace lmo {

// What a running job sees of the window: whether the user cancelled, and where to say how far
// it is. Every member may be called from the job's thread.
class JobContext
{
public:
    bool isCancelled() const { return m_cancel.load(); }
    // `total` < 0: unknown (the progress shows activity, not a fraction).
    void setProgress(qint64 done, qint64 total = -1)
    {
        m_done = done;
        m_total = total;
    }
    void setLabel(const QString &label)
    {
        std::lock_guard lock(m_mutex);
        m_label = label;
    }

    // The UI thread's side.
    void cancel() { m_cancel = true; }
    qint64 done() const { return m_done.load(); }
    qint64 total() const { return m_total.load(); }
    QString label() const
    {
        std::lock_guard lock(m_mutex);
        return m_label;
    }

private:
    std::atomic<bool> m_cancel{false};
    std::atomic<qint64> m_done{0};
    std::atomic<qint64> m_total{-1};
    mutable std::mutex m_mutex;
    QString m_label;
};

struct JobOptions
{
    QString title;                  // what the job is ("Exporting licenses"): dialog title, status bar
    QString label;                  // the first progress text
    QWidget *dialogParent = nullptr; // a progress dialog with Cancel over this window; none when null
    bool applicationModal = false;  // the dialog blocks every window (else only its parent)
    int minimumDurationMs = 300;    // the dialog appears only for jobs that take longer
    bool cancellable = true;
    QString objectName;             // of the progress dialog (tests find it by name)
    bool dialogWithoutParent = false; // a dialog even when dialogParent is null (a top-level one)
    bool showInStatus = true;       // listed by statusText() (a job with a status label of its own: not)
    QString cancellingLabel;        // the dialog's text once Cancel was pressed ("Cancelling…" if empty)
};

// The one way the window runs long work: on a thread of its own, with progress and Cancel, its
// result handed back on the UI thread. Jobs that read or write the database open their own
// connection (runOnDatabase), so the UI thread never waits on the server.
class JobRunner : public QObject
{
    Q_OBJECT
public:
    explicit JobRunner(QObject *parent = nullptr);
    ~JobRunner() override; // cancels and waits for every job

    // Starts `work`; `done` gets its result on the UI thread, if `receiver` still exists.
    template<typename T>
    quint64 run(QObject *receiver, const JobOptions &options, std::function<Result<T>(JobContext &)> work,
                std::function<void(const Result<T> &)> done);
    // The same with a connection of the job's own to `spec` (closed when the job ends).
    template<typename T>
    quint64 runOnDatabase(QObject *receiver, const ConnectionSpec &spec, const JobOptions &options,
                          std::function<Result<T>(QSqlDatabase &, JobContext &)> work,
                          std::function<void(const Result<T> &)> done);
    // Runs `work` and returns its result; the window keeps painting meanwhile (a local event
    // loop), and the progress dialog offers Cancel.
    template<typename T>
    Result<T> runAndWait(const JobOptions &options, std::function<Result<T>(JobContext &)> work);

    // Asks every running job to stop (they see isCancelled()).
    void cancelAll();
    // Waits for every job (before the application quits).
    void waitForAll();
    int runningCount() const;
    bool isRunning(quint64 id) const;
    void cancel(quint64 id);
    // What the running jobs are ("Exporting licenses: 12,000 of 200,000"), for the status bar.
    QString statusText() const;

    // A connection name no other thread uses.
    static QString nextConnectionName();
    // The runner of work that belongs to no window (a connection being made, a demo before the
    // window shows a database): it lives as long as the application, which waits for its jobs.
    static JobRunner *application();
    // Runs a local event loop (the window keeps painting) until job `id` has ended.
    void waitFor(quint64 id);
    // Blocks until job `id` has ended and delivers its result (for destructors: no event loop).
    void waitBlocking(quint64 id);

signals:
    void jobStarted(quint64 id, const QString &title);
    void jobProgress(quint64 id, qint64 done, qint64 total, const QString &label);
    void jobFinished(quint64 id, bool cancelled);
    // A job started, moved on or ended: statusText() changed.
    void statusChanged();

private:
    struct Job;
    quint64 start(const JobOptions &options, std::function<void(JobContext &)> body,
                  std::function<void()> finished, std::shared_ptr<JobContext> context);
    void poll(Job *job);
    void onCancel(Job *job);
    void finish(quint64 id);

    std::vector<std::unique_ptr<Job>> m_jobs;
    quint64 m_nextId = 1;
};

template<typename T>
quint64 JobRunner::run(QObject *receiver, const JobOptions &options, std::function<Result<T>(JobContext &)> work,
                       std::function<void(const Result<T> &)> done)
{
    auto context = std::make_shared<JobContext>();
    auto result = std::make_shared<Result<T>>(Error::make(Error::Code::Cancelled, QStringLiteral("Cancelled.")));
    QPointer<QObject> guard(receiver);
    return start(
        options, [work = std::move(work), result](JobContext &ctx) { *result = work(ctx); },
        [guard, done = std::move(done), result] {
            if (guard && done)
                done(*result);
        },
        context);
}

template<typename T>
quint64 JobRunner::runOnDatabase(QObject *receiver, const ConnectionSpec &spec, const JobOptions &options,
                                 std::function<Result<T>(QSqlDatabase &, JobContext &)> work,
                                 std::function<void(const Result<T> &)> done)
{
    return run<T>(
        receiver, options,
        [spec, work = std::move(work)](JobContext &ctx) -> Result<T> {
            const QString name = nextConnectionName();
            Result<T> out = Error::make(Error::Code::Generic, QString());
            {
                auto db = Database::openConnection(spec, name);
                if (!db)
                    out = db.error();
                else {
                    Database::catchUp(db.value(), [&ctx] { return ctx.isCancelled(); });
                    out = work(db.value(), ctx);
                }
            }
            QSqlDatabase::removeDatabase(name);
            return out;
        },
        std::move(done));
}

template<typename T>
Result<T> JobRunner::runAndWait(const JobOptions &options, std::function<Result<T>(JobContext &)> work)
{
    auto result = std::make_shared<Result<T>>(Error::make(Error::Code::Cancelled, QStringLiteral("Cancelled.")));
    auto finished = std::make_shared<bool>(false);
    const quint64 id = run<T>(
        this, options, std::move(work), [result, finished](const Result<T> &r) {
            *result = r;
            *finished = true;
        });
    waitFor(id);
    return *result;
}

} // namespace lmo
