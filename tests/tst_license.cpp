#include "domain/license.h"
#include "domain/subscriber.h"

#include <QtTest>

using namespace lmo;
using namespace Qt::Literals::StringLiterals;

class TestLicense : public QObject
{
    Q_OBJECT
private slots:
    void effectiveStatusAroundTheAsOfDay_data()
    {
        QTest::addColumn<QString>("stored");
        QTest::addColumn<QDate>("expiration");
        QTest::addColumn<QString>("expected");
        const QDate asOf(2026, 6, 15);
        QTest::newRow("active, expires the day before") << u"Active"_s << asOf.addDays(-1) << u"Expired"_s;
        QTest::newRow("active, expires on the day") << u"Active"_s << asOf << u"Active"_s;
        QTest::newRow("active, expires the day after") << u"Active"_s << asOf.addDays(1) << u"Active"_s;
        QTest::newRow("trial, expires the day before") << u"Trial"_s << asOf.addDays(-1) << u"Expired"_s;
        QTest::newRow("trial, expires on the day") << u"Trial"_s << asOf << u"Trial"_s;
        QTest::newRow("active, perpetual") << u"Active"_s << QDate() << u"Active"_s;
        QTest::newRow("trial, perpetual") << u"Trial"_s << QDate() << u"Trial"_s;
        QTest::newRow("active, the LMA's 1970-01-01") << u"Active"_s << QDate(1970, 1, 1) << u"Active"_s;
        QTest::newRow("trial, the LMA's 1970-01-01") << u"Trial"_s << QDate(1970, 1, 1) << u"Trial"_s;
        QTest::newRow("active, 1970-01-02 is a real date") << u"Active"_s << QDate(1970, 1, 2) << u"Expired"_s;
        QTest::newRow("suspended, long expired, stays suspended") << u"Suspended"_s << asOf.addYears(-1) << u"Suspended"_s;
        QTest::newRow("uninstalled, expired, stays uninstalled") << u"Uninstalled"_s << asOf.addDays(-1) << u"Uninstalled"_s;
        QTest::newRow("uninstalled, future") << u"Uninstalled"_s << asOf.addDays(10) << u"Uninstalled"_s;
    }
    void effectiveStatusAroundTheAsOfDay()
    {
        QFETCH(QString, stored);
        QFETCH(QDate, expiration);
        QFETCH(QString, expected);
        License l;
        l.status = *statusFromString(stored);
        l.expiration = expiration;
        QCOMPARE(statusName(l.effectiveStatusOn(QDate(2026, 6, 15))), expected);
    }

    void statusNamesRoundTrip()
    {
        for (Status s : kAllStatuses)
            QCOMPARE(statusFromString(statusName(s)), s);
        for (EffectiveStatus s : kAllEffectiveStatuses)
            QCOMPARE(effectiveStatusFromString(statusName(s)), s);
        QCOMPARE(statusFromString(u" active "), Status::Active);
        QCOMPARE(statusFromString(u"ACTIVE"), Status::Active);
        QVERIFY(!statusFromString(u"Expired").has_value()); // a formula value, not the picklist
        QVERIFY(!statusFromString(u"Free").has_value());
        QVERIFY(!statusFromString(u"").has_value());
    }

    void siteLicenseAndPerpetualSemantics()
    {
        License l;
        l.seats = License::kSiteLicenseSeats;
        QVERIFY(l.isSiteLicense());
        QCOMPARE(l.licensedSeatsText(), QStringLiteral("Site License"));
        l.seats = 25;
        QVERIFY(!l.isSiteLicense());
        QCOMPARE(l.licensedSeatsText(), QStringLiteral("25"));

        QVERIFY(l.isPerpetual());
        QCOMPARE(l.expirationDateText(), QStringLiteral("Does not expire"));
        l.expiration = QDate(2027, 3, 31);
        QVERIFY(!l.isPerpetual());
        QCOMPARE(l.expirationDateText(), QStringLiteral("2027-03-31"));

        // The LMA writes 1970-01-01 for "does not expire".
        l.expiration = QDate(1970, 1, 1);
        QVERIFY(l.isPerpetual());
        QCOMPARE(l.expirationDateText(), QStringLiteral("Does not expire"));
        QVERIFY(isPerpetualMarker(QDate(1970, 1, 1)));
        QVERIFY(isPerpetualMarker(QDate()));
        QVERIFY(!isPerpetualMarker(QDate(1970, 1, 2)));
    }

    void subscriberIsTheOrgLevelViewOfItsLicenses()
    {
        const SalesforceId org = SalesforceId::fromString(u"00D000000000001");
        auto make = [&](const char *package, Status status, int seats, int used, QDate installed, int modifiedDay) {
            License l;
            l.subscriberOrgId = org;
            l.packageName = QString::fromLatin1(package);
            l.status = status;
            l.seats = seats;
            l.usedLicenses = used;
            l.installDate = installed;
            l.orgEdition = QStringLiteral("Edition as of day %1").arg(modifiedDay);
            l.accountName = QStringLiteral("Northwind");
            l.lastModified = QDateTime(QDate(2026, 1, modifiedDay), QTime(9, 0), Qt::UTC);
            return l;
        };
        License elsewhere = make("Other", Status::Active, 99, 99, QDate(2020, 1, 1), 30);
        elsewhere.subscriberOrgId = SalesforceId::fromString(u"00D000000000002");
        const std::vector<License> licenses{
            make("Billing", Status::Active, 10, 8, QDate(2024, 5, 1), 3),
            make("CPQ", Status::Trial, 5, 6, QDate(2023, 2, 1), 20), // newest change: its details win
            make("Sign", Status::Uninstalled, 50, 40, QDate(2022, 1, 1), 10),
            elsewhere,
        };
        const Subscriber s = Subscriber::fromLicenses(org, licenses);
        QCOMPARE(s.licenses, 3);
        QCOMPARE(s.activeLicenses, 2);
        QCOMPARE(s.seatsLicensed, 15); // the uninstalled one does not count
        QCOMPARE(s.seatsUsed, 14);
        QVERIFY(!s.hasSiteLicense);
        QCOMPARE(s.firstInstall, QDate(2022, 1, 1));
        QCOMPARE(s.orgEdition, QStringLiteral("Edition as of day 20"));
        QCOMPARE(s.lastChange, QDateTime(QDate(2026, 1, 20), QTime(9, 0), Qt::UTC));
        QCOMPARE(s.packages, QStringLiteral("Billing, CPQ")); // installed ones only
        QCOMPARE(s.accountName, QStringLiteral("Northwind"));
        QCOMPARE(s.lmoMask, Subscriber::lmoBit(1)); // every license from the first LMO

        // After a switch of LMO the org reinstalled CPQ: it belongs to both LMOs.
        std::vector<License> split = licenses;
        License again = make("CPQ", Status::Active, 5, 1, QDate(2026, 3, 1), 25);
        again.lmoRef = 2;
        split.push_back(again);
        const Subscriber both = Subscriber::fromLicenses(org, split);
        QCOMPARE(both.lmoMask, Subscriber::lmoBit(1) | Subscriber::lmoBit(2));
        QCOMPARE(both.licenses, 4);
        QCOMPARE(Subscriber::lmoBit(3), qint64(4));
    }
};

QTEST_GUILESS_MAIN(TestLicense)
#include "tst_license.moc"
