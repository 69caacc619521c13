#include "domain/license.h"

namespace lmo {

QString License::licensedSeatsText() const
{
    return isSiteLicense() ? QStringLiteral("Site License") : QString::number(seats);
}

QString License::expirationDateText() const
{
    return isPerpetual() ? QStringLiteral("Does not expire") : expiration.toString(Qt::ISODate);
}

bool isPerpetualMarker(const QDate &date)
{
    return !date.isValid() || date == QDate(1970, 1, 1);
}

} // namespace lmo
