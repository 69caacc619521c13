#pragma once

#include "storage/database.h"

#include <QSqlDatabase>
#include <QString>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
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

    // Whether interruptRunning() may stop a job: only one whose answer a newer query makes
    // pointless (never one that writes, or one a caller waits on).
    enum class Interrupt { No, Allowed };
    // Whether clear() forgets a queued job: one of a query does, one a caller waits on (a
    // selection's summary, Copy's rows) runs whatever query comes after it.
    enum class Keep { No, Yes };
    // Runs after what is queued; `urgent` runs next (what the user looks at now comes first).
    void post(Job job, bool urgent = false, Interrupt interrupt = Interrupt::No, Keep keep = Keep::No);
    // Forgets every queued job but those posted with Keep::Yes (a new query makes them pointless).
    void clear();
    // Stops the statement of the job running now, if there is one and it was posted with
    // Interrupt::Allowed (a new query makes its answer pointless: a search typed on cancels the
    // one before). The job sees its statement fail and the jobs after it run as usual. Answers
    // whether it asked. Never waits: where the engine stops a statement at once (SQLite) it is
    // stopped here; on a server, whose cancel request opens a connection and waits for the
    // server's answer, a canceller thread of this worker sends it, and the worker takes no next
    // job until the request is delivered, so it can only reach the statement it was meant for.
    bool interruptRunning();
    // How many statements interruptRunning() stopped (asked to stop) so far, for tests.
    int interruptions() const;
    // Why the connection could not be opened, if it could not (jobs then never run).
    QString openError() const;

private:
    void run();
    void cancelRequests();

    ConnectionSpec m_spec;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    struct Queued
    {
        Job job;
        Interrupt interrupt;
        Keep keep;
    };
    std::deque<Queued> m_jobs;
    bool m_stop = false;
    bool m_running = false;              // an interruptible job runs now, on m_interrupt's connection
    std::function<void()> m_interrupt;   // Database::interrupter of the connection
    bool m_interruptsAtOnce = false;     // ... which returns at once (else the canceller calls it)
    quint64 m_job = 0;                   // the number of the job running now (or last run)
    std::optional<quint64> m_cancelFor;  // the job the canceller is asked to stop
    bool m_cancelling = false;           // the canceller is delivering a request: no next job yet
    std::condition_variable m_cancelWanted;
    int m_interruptions = 0;
    QString m_openError;
    std::thread m_thread;
    std::thread m_canceller;
};

} // namespace lmo
