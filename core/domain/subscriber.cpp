#include "domain/subscriber.h"

#include <QStringList>

namespace lmo {

Subscriber Subscriber::fromLicenses(const SalesforceId &orgId, const std::vector<License> &licenses)
{
    Subscriber s;
    s.orgId = orgId;
    QStringList packages;
    const License *latest = nullptr;
    for (const License &l : licenses) {
        if (!(l.subscriberOrgId == orgId))
            continue;
        ++s.licenses;
        s.lmoMask |= lmoBit(l.lmoRef);
        if (l.installDate.isValid() && (!s.firstInstall.isValid() || l.installDate < s.firstInstall))
            s.firstInstall = l.installDate;
        // The org's details are whatever its most recently refreshed license says (on a tie,
        // the one recorded last).
        if (!latest || l.lastModified > latest->lastModified
            || (l.lastModified == latest->lastModified && l.rowId >= latest->rowId))
            latest = &l;
        if (l.status == Status::Uninstalled)
            continue;
        ++s.activeLicenses;
        if (!l.packageName.isEmpty() && !packages.contains(l.packageName))
            packages << l.packageName;
        s.seatsUsed += l.usedLicenses;
        if (l.isSiteLicense())
            s.hasSiteLicense = true;
        else
            s.seatsLicensed += l.seats;
    }
    if (latest) {
        s.accountName = latest->accountName;
        s.orgEdition = latest->orgEdition;
        s.orgInstance = latest->orgInstance;
        s.orgStatus = latest->orgStatus;
        s.isSandbox = latest->isSandbox;
        s.lastChange = latest->lastModified;
    }
    packages.sort(Qt::CaseInsensitive);
    s.packages = packages.join(QStringLiteral(", "));
    return s;
}

} // namespace lmo
