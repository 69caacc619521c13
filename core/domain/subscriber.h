#pragma once

#include "domain/salesforceid.h"

#include <QDate>
#include <QString>

namespace lmo {

// A subscriber org: the LMA has no object for it, so it is the set of licenses sharing one
// 15-character org id, with the org's details taken from its most recently changed license.
struct Subscriber
{
    SalesforceId orgId;
    QString accountName;
    QString orgEdition;
    QString orgInstance;
    QString orgStatus;
    bool isSandbox = false;
    int licenses = 0;
    int activeLicenses = 0; // not Uninstalled
    QString packages;       // names, comma separated
    qint64 seatsLicensed = 0;
    qint64 seatsUsed = 0;
    bool hasSiteLicense = false;
    QDate firstInstall;
    QDateTime lastChange;
};

} // namespace lmo
