#include "domain/status.h"

namespace lmo {

QString statusName(Status status)
{
    switch (status) {
    case Status::Trial: return QStringLiteral("Trial");
    case Status::Active: return QStringLiteral("Active");
    case Status::Suspended: return QStringLiteral("Suspended");
    case Status::Uninstalled: return QStringLiteral("Uninstalled");
    }
    return {};
}

QString statusName(EffectiveStatus status)
{
    switch (status) {
    case EffectiveStatus::Trial: return QStringLiteral("Trial");
    case EffectiveStatus::Active: return QStringLiteral("Active");
    case EffectiveStatus::Suspended: return QStringLiteral("Suspended");
    case EffectiveStatus::Uninstalled: return QStringLiteral("Uninstalled");
    case EffectiveStatus::Expired: return QStringLiteral("Expired");
    }
    return {};
}

std::optional<Status> statusFromString(QStringView text)
{
    const QStringView t = text.trimmed();
    for (Status s : kAllStatuses) {
        if (t.compare(statusName(s), Qt::CaseInsensitive) == 0)
            return s;
    }
    return std::nullopt;
}

std::optional<EffectiveStatus> effectiveStatusFromString(QStringView text)
{
    const QStringView t = text.trimmed();
    for (EffectiveStatus s : kAllEffectiveStatuses) {
        if (t.compare(statusName(s), Qt::CaseInsensitive) == 0)
            return s;
    }
    return std::nullopt;
}

EffectiveStatus effectiveStatus(Status stored, const QDate &expiration, const QDate &asOf)
{
    switch (stored) {
    case Status::Uninstalled: return EffectiveStatus::Uninstalled;
    case Status::Suspended: return EffectiveStatus::Suspended;
    case Status::Trial:
    case Status::Active:
        // Expires at the end of its expiration day: expired only from the day after.
        // 1970-01-01 is the LMA's "does not expire", not a date long past.
        if (expiration.isValid() && expiration != QDate(1970, 1, 1) && expiration < asOf)
            return EffectiveStatus::Expired;
        return stored == Status::Trial ? EffectiveStatus::Trial : EffectiveStatus::Active;
    }
    return EffectiveStatus::Active;
}

} // namespace lmo
