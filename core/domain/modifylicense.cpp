#include "domain/modifylicense.h"

#include "util/format.h"

namespace lmo::ModifyLicenseRules {

License applied(const License &current, const LicenseChange &change)
{
    License after = current;
    if (change.status)
        after.status = *change.status;
    if (change.seats)
        after.seats = *change.seats;
    if (change.expiration)
        after.expiration = isPerpetualMarker(*change.expiration) ? QDate() : *change.expiration;
    return after;
}

ChangeVerdict check(const License &current, const LicenseChange &change, const QDate &today, bool hasBeenActive)
{
    ChangeVerdict verdict;
    if (change.isEmpty()) {
        verdict.refusals << QStringLiteral("Nothing to change: set a status, seats or an expiration.");
        return verdict;
    }
    if (current.status == Status::Uninstalled) {
        verdict.refusals << QStringLiteral(
            "License %1 is Uninstalled: the LMA does not allow editing an uninstalled license.")
                                .arg(current.name.isEmpty() ? QStringLiteral("(unnamed)") : current.name);
        return verdict;
    }

    const License after = applied(current, change);

    if (change.status) {
        if (*change.status == Status::Uninstalled)
            verdict.refusals << QStringLiteral(
                "A license becomes Uninstalled only when the subscriber uninstalls the package; choose "
                "Active, Trial or Suspended.");
        if (*change.status == Status::Trial && current.status == Status::Active)
            verdict.refusals << QStringLiteral(
                "An Active license cannot go back to Trial: keep it Active or Suspend it.");
        else if (*change.status == Status::Trial && current.status != Status::Trial && hasBeenActive)
            verdict.refusals << QStringLiteral(
                "This license has been Active before, so it cannot go back to Trial: make it Active again instead.");
    }

    if (change.seats) {
        const int seats = *change.seats;
        if (seats != License::kSiteLicenseSeats && (seats < 1 || seats > License::kMaxSeats))
            verdict.refusals << QStringLiteral("Seats must be from 1 to %1, or a site license; %2 is not allowed.")
                                    .arg(groupedNumber(License::kMaxSeats), groupedNumber(seats));
    }

    // The 90-day trial limit applies whenever a change touches a trial's status or end.
    if (after.status == Status::Trial && (change.status || change.expiration)) {
        const QDate limit = today.addDays(kMaxTrialDays);
        if (after.isPerpetual())
            verdict.refusals << QStringLiteral(
                "A Trial license must expire: set an expiration no later than %1 (%2 days from today).")
                                    .arg(limit.toString(Qt::ISODate))
                                    .arg(kMaxTrialDays);
        else if (after.expiration > limit)
            verdict.refusals << QStringLiteral(
                "A Trial may run at most %1 days: %2 is after %3. Make it Active for a longer term.")
                                    .arg(kMaxTrialDays)
                                    .arg(after.expiration.toString(Qt::ISODate), limit.toString(Qt::ISODate));
    }

    if (change.expiration && !after.isPerpetual() && after.expiration < today)
        verdict.warnings << QStringLiteral("The expiration %1 is in the past: the license will count as Expired at once.")
                                .arg(after.expiration.toString(Qt::ISODate));
    if (change.seats && !after.isSiteLicense() && after.usedLicenses > after.seats)
        verdict.warnings << QStringLiteral("%1 seats are in use, more than the %2 licensed: users may lose access.")
                                .arg(after.usedLicenses)
                                .arg(after.seats);
    return verdict;
}

} // namespace lmo::ModifyLicenseRules
