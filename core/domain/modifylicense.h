#pragma once

#include "domain/license.h"

#include <QDate>
#include <QStringList>

#include <optional>

namespace lmo {

// A proposed Modify License change; an unset member leaves that field as it is.
struct LicenseChange
{
    std::optional<Status> status;
    std::optional<int> seats;                 // License::kSiteLicenseSeats for a site license
    std::optional<QDate> expiration;          // an invalid QDate means "does not expire"

    bool isEmpty() const { return !status && !seats && !expiration; }
};

struct ChangeVerdict
{
    QStringList refusals; // why the LMA would refuse the change; empty when it may be applied
    QStringList warnings; // allowed, but worth a second look

    bool allowed() const { return refusals.isEmpty(); }
};

// The LMA's Modify License rules (docs/domain.md, "Modify License rules"), as pure functions.
namespace ModifyLicenseRules {
inline constexpr int kMaxTrialDays = 90;

// Checks a change against the license as it is today. `today` is the date the change is made;
// `hasBeenActive` says the license was Active at some time before (from its audit history): a
// Suspended license that was once Active may not go back to Trial either.
ChangeVerdict check(const License &current, const LicenseChange &change, const QDate &today,
                    bool hasBeenActive = false);

// The license as it would be after the change (no checks).
License applied(const License &current, const LicenseChange &change);
} // namespace ModifyLicenseRules

} // namespace lmo
