#pragma once

#include <sys/resource.h>

#include <cstdio>

#include <QtGlobal>

// What every lmodesk-bench figure shares.
inline double benchPeakRssMb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024.0; // kilobytes on Linux
}

// Resident now (VmRSS), in MB; 0 if /proc cannot say.
inline double benchRssNowMb()
{
    FILE *f = std::fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    long kib = 0;
    while (std::fgets(line, sizeof line, f))
        if (std::sscanf(line, "VmRSS: %ld kB", &kib) == 1)
            break;
    std::fclose(f);
    return kib / 1024.0;
}

// Milliseconds to one decimal, as the JSON prints them.
inline double benchMs(double v)
{
    return qRound(v * 10) / 10.0;
}
