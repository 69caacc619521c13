#include "shell/backgroundjob.h"

#include <QMutex>
#include <QMutexLocker>

#include <atomic>
#include <vector>

namespace lmo {

namespace {
QMutex g_mutex;
std::vector<QPointer<QThread>> g_threads;
std::atomic<int> g_counter{0};
} // namespace

void BackgroundJobs::track(QThread *thread)
{
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    QMutexLocker lock(&g_mutex);
    std::erase_if(g_threads, [](const QPointer<QThread> &t) { return t.isNull(); });
    g_threads.emplace_back(thread);
}

void BackgroundJobs::waitForAll()
{
    std::vector<QPointer<QThread>> threads;
    {
        QMutexLocker lock(&g_mutex);
        threads = g_threads;
    }
    for (const QPointer<QThread> &t : threads) {
        if (t)
            t->wait();
    }
}

QString BackgroundJobs::nextConnectionName()
{
    return QStringLiteral("lmodesk-background-%1").arg(++g_counter);
}

} // namespace lmo
