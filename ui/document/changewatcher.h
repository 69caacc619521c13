#pragma once

#include "storage/backend.h"
#include "storage/database.h"

#include <QObject>
#include <QPointer>

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

namespace lmo {

// Hears the changes other people make to a team database (StorageBackend::listenForChanges)
// on a thread of its own, and hands them to `deliver` on the UI thread while `receiver` exists. A server
// that goes away is listened to again when it is back. Nothing on a file.
class ChangeWatcher
{
public:
    using Deliver = std::function<void(const std::vector<ChangeNotice> &)>;
    ChangeWatcher(ConnectionSpec spec, QObject *receiver, Deliver deliver);
    // Waits for the thread, which stops within a quarter of a second once it is listening, but
    // may be in the middle of connecting: call stop() first, and let a background job destroy it.
    ~ChangeWatcher();
    // Stops delivering at once; the thread ends at its next look.
    void stop();
    ChangeWatcher(const ChangeWatcher &) = delete;
    ChangeWatcher &operator=(const ChangeWatcher &) = delete;

private:
    void run();

    ConnectionSpec m_spec;
    QPointer<QObject> m_receiver;
    Deliver m_deliver;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

} // namespace lmo
