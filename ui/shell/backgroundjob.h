#pragma once

#include "storage/database.h"
#include "util/result.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QSqlDatabase>
#include <QThread>

#include <atomic>
#include <functional>
#include <memory>

namespace lmo {

// Work that must not freeze the window: it runs on its own thread, with its own connection to
// the database, and its result comes back on the UI thread, to a receiver that still exists.
class BackgroundJobs
{
public:
    // Waits for every running job; called before the application quits.
    static void waitForAll();
    static void track(QThread *thread);
    static QString nextConnectionName();
};

template<typename T>
void runInBackground(QObject *receiver, const ConnectionSpec &spec, std::function<Result<T>(QSqlDatabase &)> work,
                     std::function<void(const Result<T> &)> done)
{
    QPointer<QObject> guard(receiver);
    QThread *thread = QThread::create([spec, work = std::move(work), done = std::move(done), guard]() {
        const QString name = BackgroundJobs::nextConnectionName();
        auto result = std::make_shared<Result<T>>(Error::make(Error::Code::Generic, QString()));
        {
            auto db = Database::openConnection(spec, name);
            if (!db)
                *result = db.error();
            else
                *result = work(db.value());
        }
        QSqlDatabase::removeDatabase(name);
        // Delivered through the application object, which outlives every page; the receiver
        // is checked there, on the UI thread, where it can only be deleted.
        QMetaObject::invokeMethod(
            QCoreApplication::instance(),
            [guard, done, result]() {
                if (guard)
                    done(*result);
            },
            Qt::QueuedConnection);
    });
    BackgroundJobs::track(thread);
    thread->start();
}

} // namespace lmo
