#pragma once

#include <QString>

namespace lmo {

// What is left of the window's first way of running work in the background: every long task
// now runs through JobRunner (document/jobrunner.h). Kept for the connection names the table
// models' workers take (ui/models), and for the application's end.
class BackgroundJobs
{
public:
    // Waits for every job of JobRunner::application(); called before the application quits.
    static void waitForAll();
    // A connection name no other thread uses (JobRunner::nextConnectionName()).
    static QString nextConnectionName();
};

} // namespace lmo
