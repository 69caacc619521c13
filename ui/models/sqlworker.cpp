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

void SqlWorker::post(Job job, bool urgent)
{
    {
        std::lock_guard lock(m_mutex);
        if (urgent)
            m_jobs.push_front(std::move(job));
        else
            m_jobs.push_back(std::move(job));
    }
    m_changed.notify_one();
}

void SqlWorker::clear()
{
    std::lock_guard lock(m_mutex);
    m_jobs.clear();
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
            {
                std::unique_lock lock(m_mutex);
                m_changed.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
                if (m_stop)
                    break;
                job = std::move(m_jobs.front());
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
                job(db.value());
            }
        }
    }
    QSqlDatabase::removeDatabase(name);
}

} // namespace lmo
