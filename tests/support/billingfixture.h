#pragma once

// A billing fixture the billing tests share: 13 licenses of 12 subscriber orgs and a Stripe
// export of 9 subscriptions, each rule of the reconciliation hit and missed (tst_billing
// lists which).

#include <QByteArray>
#include <QString>

namespace lmo {
class Database;
}

namespace lmo::test {

// The header of the fixture's Stripe export.
extern const char kStripeHeader[];

bool writeFile(const QString &path, const QByteArray &bytes);

// Imports the licenses (orgs 00D0000000000NN) and the Stripe export into `db` (QVERIFY on failure).
void writeReconcileFixture(Database &db);

} // namespace lmo::test
