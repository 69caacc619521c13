#pragma once

#include <QDate>
#include <QString>
#include <QStringView>

#include <array>
#include <optional>

namespace lmo {

// The stored picklist value sfLma__Status__c.
enum class Status { Trial, Active, Suspended, Uninstalled };

// What a license amounts to on a given day: the stored status, except that a Trial or Active
// license whose expiration has passed is Expired.
enum class EffectiveStatus { Active, Trial, Suspended, Uninstalled, Expired };

inline constexpr std::array<Status, 4> kAllStatuses{Status::Active, Status::Trial, Status::Suspended,
                                                    Status::Uninstalled};
inline constexpr std::array<EffectiveStatus, 5> kAllEffectiveStatuses{
    EffectiveStatus::Active, EffectiveStatus::Trial, EffectiveStatus::Suspended, EffectiveStatus::Uninstalled,
    EffectiveStatus::Expired};

QString statusName(Status status);
QString statusName(EffectiveStatus status);
// Case-insensitive; nullopt for anything outside the picklist.
std::optional<Status> statusFromString(QStringView text);
std::optional<EffectiveStatus> effectiveStatusFromString(QStringView text);

// The one rule for effective status; the SQL form in metrics/ is tested against it.
// A null expiration, or the LMA's 1970-01-01, means the license does not expire.
EffectiveStatus effectiveStatus(Status stored, const QDate &expiration, const QDate &asOf);

} // namespace lmo
