#include "shell/backgroundjob.h"

#include "document/jobrunner.h"

namespace lmo {

void BackgroundJobs::waitForAll()
{
    JobRunner::application()->waitForAll();
}

QString BackgroundJobs::nextConnectionName()
{
    return JobRunner::nextConnectionName();
}

} // namespace lmo
