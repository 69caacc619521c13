#pragma once

#include <sys/resource.h>

#include <QtGlobal>

// What every lmodesk-bench figure shares.
inline double benchPeakRssMb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024.0; // kilobytes on Linux
}

// Milliseconds to one decimal, as the JSON prints them.
inline double benchMs(double v)
{
    return qRound(v * 10) / 10.0;
}
