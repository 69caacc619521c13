#pragma once

#include "storage/database.h"

#include <QSqlDatabase>
#include <QString>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace lmo {

// A thread with its own connection to the database, running queued jobs one at a time. Jobs
// must not touch objects of the UI thread: they take copies and post results back
// (QMetaObject::invokeMethod with a context object, which drops them if it is gone).
class SqlWorker
{
public:
    using Job = std::function<void(QSqlDatabase &)>;

    explicit SqlWorker(ConnectionSpec spec);
    ~SqlWorker(); // drops queued jobs, waits for the running one
    SqlWorker(const SqlWorker &) = delete;
    SqlWorker &operator=(const SqlWorker &) = delete;

    // Runs after what is queued; `urgent` runs next (what the user looks at now comes first).
    void post(Job job, bool urgent = false);
    // Forgets every queued job (a new query makes them pointless).
    void clear();
    // Why the connection could not be opened, if it could not (jobs then never run).
    QString openError() const;

private:
    void run();

    ConnectionSpec m_spec;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Job> m_jobs;
    bool m_stop = false;
    QString m_openError;
    std::thread m_thread;
};

} // namespace lmo
