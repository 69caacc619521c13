#include "shell/demojob.h"

#include "document/jobrunner.h"

#include <QLocale>

namespace lmo {

bool runDemoWithProgress(QWidget *parent, const QString &path, const DemoOptions &options, QString *error)
{
    // A file this job creates goes again if the demo does not finish (generateDemoAt sees to it):
    // a cancelled first start must not leave an empty database that later starts would open as if
    // chosen.
    JobOptions job;
    job.title = QStringLiteral("Demo install base");
    job.label = QStringLiteral("Writing %1 demo licenses…").arg(QLocale().toString(options.licenses));
    job.dialogParent = parent;
    job.dialogWithoutParent = true; // before the window shows anything, the dialog is on its own
    job.applicationModal = true;
    job.minimumDurationMs = 0;
    job.objectName = QStringLiteral("demoProgress");
    job.cancellingLabel = QStringLiteral("Cancelling: nothing will be kept…");
    const qint64 licenses = options.licenses;
    // Its own runner: the demo comes before (or instead of) the window's database.
    JobRunner runner;
    auto summary = runner.runAndWait<DemoSummary>(job, [path, options, licenses](JobContext &context) {
        return generateDemoAt(path, options, [&context, licenses](qint64 written, qint64) {
            context.setProgress(written, licenses);
            if (written == licenses)
                context.setLabel(QStringLiteral("Building the indexes and saving…"));
            return !context.isCancelled();
        });
    });
    if (!summary) {
        if (error) {
            if (summary.error().code == Error::Code::Cancelled)
                error->clear();
            else
                *error = summary.error().message;
        }
        return false;
    }
    return true;
}

} // namespace lmo
