#include "document/changewatcher.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QUuid>

#include <chrono>

namespace lmo {

ChangeWatcher::ChangeWatcher(ConnectionSpec spec, QObject *receiver, Deliver deliver)
    : m_spec(std::move(spec)), m_receiver(receiver), m_deliver(std::move(deliver))
{
    m_thread = std::thread([this] { run(); });
}

ChangeWatcher::~ChangeWatcher()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
}

void ChangeWatcher::stop()
{
    m_stop = true;
}

void ChangeWatcher::run()
{
    const StorageBackend &backend = StorageBackend::forKind(Dialect::forDriver(m_spec.driver).kind());
    const QString name = QStringLiteral("lmodesk-listen-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
    while (!m_stop) {
        auto feed = backend.listenForChanges(m_spec, name);
        if (feed && !feed.value())
            return; // nothing announces changes here
        if (!feed) {
            // The server is away: try again in a while (stopping stays quick).
            for (int i = 0; i < 20 && !m_stop; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
        }
        while (!m_stop) {
            auto notices = feed.value()->wait(250);
            if (!notices)
                break; // listened to again on a new connection
            if (notices->empty() || m_stop)
                continue;
            // Through the application object, which outlives every window: the receiver is
            // looked at on its own thread, where it may have gone meanwhile.
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [receiver = m_receiver, deliver = m_deliver, got = std::move(notices).value()] {
                    if (receiver)
                        deliver(got);
                },
                Qt::QueuedConnection);
        }
    }
}

} // namespace lmo
