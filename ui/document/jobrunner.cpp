#include "document/jobrunner.h"

#include <QApplication>
#include <QCoreApplication>
#include <QEventLoop>
#include <QLocale>
#include <QProgressDialog>
#include <QThread>
#include <QTimer>
#include <QWidget>

namespace lmo {

struct JobRunner::Job
{
    quint64 id = 0;
    JobOptions options;
    std::shared_ptr<JobContext> context;
    std::function<void()> finished;
    QThread *thread = nullptr;
    QTimer *timer = nullptr;
    QPointer<QProgressDialog> dialog;
};

namespace {
std::atomic<int> g_connectionCounter{0};
} // namespace

JobRunner::JobRunner(QObject *parent)
    : QObject(parent)
{
}

JobRunner::~JobRunner()
{
    cancelAll();
    waitForAll();
}

JobRunner *JobRunner::application()
{
    static QPointer<JobRunner> runner;
    if (!runner)
        runner = new JobRunner(QCoreApplication::instance()); // ended (waited for) with the application
    return runner.data();
}

QString JobRunner::nextConnectionName()
{
    return QStringLiteral("lmodesk-job-%1").arg(++g_connectionCounter);
}

quint64 JobRunner::start(const JobOptions &options, std::function<void(JobContext &)> body,
                         std::function<void()> finished, std::shared_ptr<JobContext> context)
{
    auto job = std::make_unique<Job>();
    Job *j = job.get();
    j->id = m_nextId++;
    j->options = options;
    j->context = context;
    j->context->setLabel(options.label);
    j->finished = std::move(finished);
    j->thread = QThread::create([body = std::move(body), context] { body(*context); });
    j->timer = new QTimer(this);
    j->timer->setInterval(100);
    connect(j->timer, &QTimer::timeout, this, [this, j] { poll(j); });

    if (options.dialogParent || options.dialogWithoutParent) {
        auto *dialog = new QProgressDialog(options.label.isEmpty() ? options.title : options.label,
                                           options.cancellable ? QStringLiteral("Cancel") : QString(), 0, 0,
                                           options.dialogParent);
        dialog->setWindowTitle(options.title);
        if (!options.objectName.isEmpty())
            dialog->setObjectName(options.objectName);
        dialog->setWindowModality(options.applicationModal ? Qt::ApplicationModal : Qt::WindowModal);
        dialog->setMinimumDuration(options.minimumDurationMs);
        dialog->setAutoClose(false);
        dialog->setAutoReset(false);
        connect(dialog, &QProgressDialog::canceled, this, [this, j] { onCancel(j); });
        // QProgressDialog shows itself after minimumDuration only once setValue() is called.
        dialog->setValue(0);
        if (options.minimumDurationMs <= 0)
            dialog->show();
        j->dialog = dialog;
    }

    // Found by id, not by pointer: waitForAll() may have ended the job before this runs.
    const quint64 id = j->id;
    connect(j->thread, &QThread::finished, this, [this, id] { finish(id); });

    m_jobs.push_back(std::move(job));
    emit jobStarted(j->id, options.title);
    emit statusChanged();
    j->timer->start();
    j->thread->start();
    return j->id;
}

void JobRunner::finish(quint64 id)
{
    auto it = std::find_if(m_jobs.begin(), m_jobs.end(), [id](const auto &p) { return p->id == id; });
    if (it == m_jobs.end())
        return;
    // Out of the list before `finished` runs: it may start another job or wait for all.
    std::unique_ptr<Job> job = std::move(*it);
    m_jobs.erase(it);
    job->timer->stop();
    poll(job.get());
    if (job->dialog) {
        job->dialog->hide();
        job->dialog->deleteLater();
    }
    job->thread->wait();
    delete job->thread;
    job->timer->deleteLater();
    const bool cancelled = job->context->isCancelled();
    if (job->finished)
        job->finished();
    emit jobFinished(id, cancelled);
    emit statusChanged();
}

void JobRunner::onCancel(Job *job)
{
    if (job->context->isCancelled())
        return;
    job->context->cancel();
    if (job->dialog) {
        job->dialog->setLabelText(job->options.cancellingLabel.isEmpty() ? QStringLiteral("Cancelling…")
                                                                         : job->options.cancellingLabel);
        // QProgressDialog hides itself when cancelled: it stays until the job has stopped.
        job->dialog->show();
    }
}

void JobRunner::poll(Job *job)
{
    // QProgressDialog::cancel() called directly (not through its button) says so only here.
    if (job->dialog && job->dialog->wasCanceled())
        onCancel(job);
    const qint64 done = job->context->done();
    const qint64 total = job->context->total();
    const QString label = job->context->label();
    if (job->dialog && !job->context->isCancelled()) {
        if (total > 0) {
            // QProgressDialog takes ints: scale to thousandths.
            job->dialog->setMaximum(1000);
            job->dialog->setValue(int(qBound(qint64(0), done * 1000 / total, qint64(1000))));
        } else {
            job->dialog->setMaximum(0);
            job->dialog->setValue(0);
        }
        if (!label.isEmpty())
            job->dialog->setLabelText(label);
    }
    emit jobProgress(job->id, done, total, label);
    emit statusChanged();
}

void JobRunner::cancelAll()
{
    for (const auto &job : m_jobs)
        job->context->cancel();
}

void JobRunner::cancel(quint64 id)
{
    for (const auto &job : m_jobs) {
        if (job->id == id)
            job->context->cancel();
    }
}

bool JobRunner::isRunning(quint64 id) const
{
    return std::any_of(m_jobs.begin(), m_jobs.end(), [id](const auto &j) { return j->id == id; });
}

int JobRunner::runningCount() const
{
    return int(m_jobs.size());
}

void JobRunner::waitFor(quint64 id)
{
    if (!isRunning(id))
        return;
    QEventLoop loop;
    auto connection = connect(this, &JobRunner::jobFinished, &loop, [&loop, id](quint64 ended, bool) {
        if (ended == id)
            loop.quit();
    });
    loop.exec();
    disconnect(connection);
}

void JobRunner::waitBlocking(quint64 id)
{
    for (const auto &job : m_jobs) {
        if (job->id == id) {
            job->thread->wait();
            finish(id);
            return;
        }
    }
}

void JobRunner::waitForAll()
{
    // The threads end on their own (cancelled or not); their results are dropped here, since
    // whoever waited for them is going away.
    // Ended in order, results delivered, as if each thread's end had been seen.
    while (!m_jobs.empty()) {
        m_jobs.front()->thread->wait();
        finish(m_jobs.front()->id);
    }
}

QString JobRunner::statusText() const
{
    QStringList parts;
    for (const auto &job : m_jobs) {
        if (!job->options.showInStatus)
            continue;
        const qint64 done = job->context->done();
        const qint64 total = job->context->total();
        QString text = job->options.title;
        if (total > 0)
            text += QStringLiteral(": %1 of %2").arg(QLocale().toString(done), QLocale().toString(total));
        else if (done > 0)
            text += QStringLiteral(": %1").arg(QLocale().toString(done));
        parts << text;
    }
    return parts.join(QStringLiteral("; "));
}

} // namespace lmo
