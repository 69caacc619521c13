#include "shell/demojob.h"

#include <QEventLoop>
#include <QLocale>
#include <QProgressDialog>
#include <QThread>
#include <QTimer>

#include <atomic>

namespace lmo {

bool runDemoWithProgress(QWidget *parent, const QString &path, const DemoOptions &options, QString *error)
{
    std::atomic<qint64> done{0};
    std::atomic<bool> cancel{false};
    QString failure;
    bool cancelled = false;
    // A file this job creates goes again if the demo does not finish (generateDemoAt sees to it):
    // a cancelled first start must not leave an empty database that later starts would open as if
    // chosen.
    QThread *thread = QThread::create([&] {
        auto summary = generateDemoAt(path, options, [&](qint64 written, qint64) {
            done = written;
            return !cancel.load();
        });
        if (!summary) {
            cancelled = summary.error().code == Error::Code::Cancelled;
            failure = summary.error().message;
        }
    });

    QProgressDialog dialog(QStringLiteral("Writing %1 demo licenses…").arg(QLocale().toString(options.licenses)),
                           QStringLiteral("Cancel"), 0, 1000, parent);
    dialog.setObjectName(QStringLiteral("demoProgress"));
    dialog.setWindowTitle(QStringLiteral("Demo install base"));
    dialog.setWindowModality(Qt::ApplicationModal);
    dialog.setMinimumDuration(0);
    dialog.setAutoClose(false);
    dialog.setAutoReset(false);
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &dialog, [&] {
        if (cancel)
            return;
        if (dialog.wasCanceled()) {
            cancel = true;
            dialog.setLabelText(QStringLiteral("Cancelling: nothing will be kept…"));
            dialog.show();
            return;
        }
        if (options.licenses > 0)
            dialog.setValue(int(done.load() * 1000 / options.licenses));
        if (done.load() == options.licenses)
            dialog.setLabelText(QStringLiteral("Building the indexes and saving…"));
    });
    QEventLoop loop;
    QObject::connect(thread, &QThread::finished, &loop, &QEventLoop::quit);
    poll.start(100);
    dialog.show();
    thread->start();
    loop.exec();
    thread->wait();
    delete thread;

    if (cancelled) {
        if (error)
            error->clear();
        return false;
    }
    if (!failure.isEmpty()) {
        if (error)
            *error = failure;
        return false;
    }
    return true;
}

} // namespace lmo
