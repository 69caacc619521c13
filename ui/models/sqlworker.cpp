#include "models/sqlworker.h"

#include "document/jobrunner.h"

namespace lmo {

SqlWorker::SqlWorker(ConnectionSpec spec) : m_spec(std::move(spec))
{
    m_thread = std::thread([this] { run(); });
}

SqlWorker::~SqlWorker()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_jobs.clear();
    }
    m_changed.notify_all();
    m_thread.join();
}

void SqlWorker::post(Job job, bool urgent, Interrupt interrupt)
{
    {
        std::lock_guard lock(m_mutex);
        if (urgent)
            m_jobs.emplace_front(std::move(job), interrupt);
        else
            m_jobs.emplace_back(std::move(job), interrupt);
    }
    m_changed.notify_one();
}

void SqlWorker::clear()
{
    std::lock_guard lock(m_mutex);
    m_jobs.clear();
}

bool SqlWorker::interruptRunning()
{
    // Under the mutex: the worker cannot take its next job meanwhile, so only the job running
    // now is stopped (a statement started after the call is not touched).
    std::lock_guard lock(m_mutex);
    if (!m_running || !m_interrupt)
        return false;
    m_interrupt();
    ++m_interruptions;
    return true;
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
                m_changed.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
                if (m_stop)
                    break;
                job = std::move(m_jobs.front().first);
                interrupt = m_jobs.front().second;
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
                    m_running = interrupt == Interrupt::Allowed;
                    if (m_running)
                        m_interrupt = Database::interrupter(db.value(), true); // a reconnect changes it
                    // (true: one that returns at once; the window's thread calls it)
                }
                job(db.value());
                std::lock_guard lock(m_mutex);
                m_running = false;
            }
        }
    }
    QSqlDatabase::removeDatabase(name);
}

} // namespace lmo
