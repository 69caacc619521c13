#pragma once

#include "domain/license.h"
#include "domain/salesforceid.h"

#include <QDate>
#include <QString>

#include <vector>

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
    QString packages;       // the installed ones' names, sorted, comma separated
    qint64 seatsLicensed = 0;
    qint64 seatsUsed = 0;
    bool hasSiteLicense = false;
    QDate firstInstall;
    QDateTime lastChange;
    qint64 lmoMask = 0; // bit n-1 set: the org has a license from LMO n (lmoBit)

    static qint64 lmoBit(qint64 lmoRef) { return qint64(1) << qBound(qint64(0), lmoRef - 1, qint64(62)); }

    // The org-level view of the licenses of one org (those with another org id are ignored).
    // Seats and used count the licenses still installed; a site license among them makes the
    // org's seats a site license.
    static Subscriber fromLicenses(const SalesforceId &orgId, const std::vector<License> &licenses);
};

} // namespace lmo
