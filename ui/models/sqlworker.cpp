#include "models/sqlworker.h"

#include "document/jobrunner.h"

namespace lmo {

SqlWorker::SqlWorker(ConnectionSpec spec) : m_spec(std::move(spec))
{
    m_thread = std::thread([this] { run(); });
    m_canceller = std::thread([this] { cancelRequests(); });
}

SqlWorker::~SqlWorker()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_jobs.clear();
    }
    m_changed.notify_all();
    m_cancelWanted.notify_all();
    m_canceller.join();
    m_thread.join();
}

void SqlWorker::post(Job job, bool urgent, Interrupt interrupt, Keep keep)
{
    {
        std::lock_guard lock(m_mutex);
        if (urgent)
            m_jobs.push_front({std::move(job), interrupt, keep});
        else
            m_jobs.push_back({std::move(job), interrupt, keep});
    }
    m_changed.notify_one();
}

void SqlWorker::clear()
{
    std::lock_guard lock(m_mutex);
    std::erase_if(m_jobs, [](const Queued &q) { return q.keep == Keep::No; });
}

bool SqlWorker::interruptRunning()
{
    // Under the mutex: the worker cannot take its next job meanwhile, so only the job running
    // now is stopped (a statement started after the call is not touched).
    std::lock_guard lock(m_mutex);
    if (!m_running || !m_interrupt)
        return false;
    if (m_interruptsAtOnce) {
        m_interrupt();
    } else {
        m_cancelFor = m_job;
        m_cancelWanted.notify_one();
    }
    ++m_interruptions;
    return true;
}

void SqlWorker::cancelRequests()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_cancelWanted.wait(lock, [this] { return m_stop || m_cancelFor; });
        if (m_stop)
            return;
        const quint64 job = *std::exchange(m_cancelFor, std::nullopt);
        // Still the job it was meant for, still running: the worker takes no next job until
        // the request is delivered (a request that comes after the statement ended is nothing
        // to the server).
        if (!m_running || m_job != job || !m_interrupt)
            continue;
        const std::function<void()> interrupt = m_interrupt;
        m_cancelling = true;
        lock.unlock();
        interrupt();
        lock.lock();
        m_cancelling = false;
        m_changed.notify_all();
    }
}

int SqlWorker::interruptions() const
{
    std::lock_guard lock(m_mutex);
    return m_interruptions;
}

QString SqlWorker::openError() const
{
    std::lock_guard lock(m_mutex);
    return m_openError;
}

void SqlWorker::run()
{
    const QString name = JobRunner::nextConnectionName();
    {
        auto db = Database::openConnection(m_spec, name);
        if (!db) {
            std::lock_guard lock(m_mutex);
            m_openError = db.error().message;
        }
        for (;;) {
            Job job;
            Interrupt interrupt = Interrupt::No;
            {
                std::unique_lock lock(m_mutex);
                m_changed.wait(lock, [this] { return m_stop || (!m_jobs.empty() && !m_cancelling); });
                if (m_stop)
                    break;
                job = std::move(m_jobs.front().job);
                interrupt = m_jobs.front().interrupt;
                m_jobs.pop_front();
            }
            // A server that dropped the connection (a restart, a failover) failed the job that
            // met it; the next one connects again, and so does one after a failed first open.
            if (!db) {
                db = Database::openConnection(m_spec, name);
                std::lock_guard lock(m_mutex);
                m_openError = db ? QString() : db.error().message;
            } else {
                Database::reconnectIfDropped(db.value());
            }
            if (db) {
                Database::catchUp(db.value(), [this] {
                    std::lock_guard lock(m_mutex);
                    return m_stop;
                });
                {
                    std::lock_guard lock(m_mutex);
                    ++m_job;
                    m_running = interrupt == Interrupt::Allowed;
                    if (m_running) {
                        m_interrupt = Database::interrupter(db.value()); // a reconnect changes it
                        m_interruptsAtOnce = Database::interruptsAtOnce(db.value());
                    }
                }
                job(db.value());
                std::lock_guard lock(m_mutex);
                m_running = false;
                m_cancelFor.reset(); // a request for this job, not yet taken, is moot
            }
        }
    }
    QSqlDatabase::removeDatabase(name);
}

} // namespace lmo
