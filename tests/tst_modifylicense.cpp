#include "fixtures.h"

#include "domain/modifylicense.h"
#include "storage/licenseedits.h"
#include "storage/licenserepository.h"
#include "storage/sqlutil.h"

#include <QSqlQuery>
#include <atomic>
#include <thread>
#include <QTemporaryDir>
#include <QtTest>

using namespace lmo;
using namespace Qt::Literals::StringLiterals;

namespace {

const QDate kToday(2026, 6, 15);

License license(Status status, int seats = 10, QDate expiration = QDate(2026, 12, 31))
{
    License l;
    l.name = QStringLiteral("L-00042");
    l.status = status;
    l.seats = seats;
    l.usedLicenses = 4;
    l.expiration = expiration;
    return l;
}

} // namespace

class TestModifyLicense : public QObject
{
    Q_OBJECT
private slots:
    void uninstalledLicensesCannotBeEdited()
    {
        const License l = license(Status::Uninstalled);
        LicenseChange change;
        change.seats = 20;
        ChangeVerdict v = ModifyLicenseRules::check(l, change, kToday);
        QVERIFY(!v.allowed());
        QVERIFY2(v.refusals.first().contains(QStringLiteral("Uninstalled")), qPrintable(v.refusals.first()));
        change = {};
        change.status = Status::Active;
        QVERIFY(!ModifyLicenseRules::check(l, change, kToday).allowed());
        change = {};
        change.expiration = QDate();
        QVERIFY(!ModifyLicenseRules::check(l, change, kToday).allowed());
    }

    void noReturnToTrialOnceActive()
    {
        LicenseChange change;
        change.status = Status::Trial;
        change.expiration = kToday.addDays(30);
        ChangeVerdict v = ModifyLicenseRules::check(license(Status::Active), change, kToday);
        QVERIFY(!v.allowed());
        QVERIFY2(v.refusals.join(u' ').contains(QStringLiteral("back to Trial")), qPrintable(v.refusals.join(u' ')));
        // A trial may stay a trial, and a suspended trial may be put on trial again...
        QVERIFY(ModifyLicenseRules::check(license(Status::Trial, 10, kToday.addDays(10)), change, kToday).allowed());
        QVERIFY(ModifyLicenseRules::check(license(Status::Suspended), change, kToday).allowed());
        // ...but not a suspended license that was Active before.
        v = ModifyLicenseRules::check(license(Status::Suspended), change, kToday, true);
        QVERIFY(!v.allowed());
        QVERIFY2(v.refusals.join(u' ').contains(QStringLiteral("has been Active")), qPrintable(v.refusals.join(u' ')));
    }

    void uninstalledIsNotAStatusToChoose()
    {
        LicenseChange change;
        change.status = Status::Uninstalled;
        ChangeVerdict v = ModifyLicenseRules::check(license(Status::Active), change, kToday);
        QVERIFY(!v.allowed());
        QVERIFY(v.refusals.first().contains(QStringLiteral("uninstalls")));
    }

    void trialAtMostNinetyDays_data()
    {
        QTest::addColumn<int>("days");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("30 days") << 30 << true;
        QTest::newRow("89 days") << 89 << true;
        QTest::newRow("90 days: the limit itself") << 90 << true;
        QTest::newRow("91 days") << 91 << false;
        QTest::newRow("a year") << 365 << false;
    }
    void trialAtMostNinetyDays()
    {
        QFETCH(int, days);
        QFETCH(bool, allowed);
        LicenseChange change;
        change.expiration = kToday.addDays(days);
        ChangeVerdict v = ModifyLicenseRules::check(license(Status::Trial, 10, kToday.addDays(5)), change, kToday);
        QCOMPARE(v.allowed(), allowed);
        if (!allowed)
            QVERIFY2(v.refusals.first().contains(QStringLiteral("90 days")), qPrintable(v.refusals.first()));
        // The same limit when a suspended license is put on trial.
        change.status = Status::Trial;
        QCOMPARE(ModifyLicenseRules::check(license(Status::Suspended), change, kToday).allowed(), allowed);
    }

    void trialMustExpire()
    {
        LicenseChange change;
        change.expiration = QDate(); // does not expire
        ChangeVerdict v = ModifyLicenseRules::check(license(Status::Trial, 10, kToday.addDays(5)), change, kToday);
        QVERIFY(!v.allowed());
        QVERIFY(v.refusals.first().contains(QStringLiteral("must expire")));
        // Making it Active at the same time makes "does not expire" fine.
        change.status = Status::Active;
        QVERIFY(ModifyLicenseRules::check(license(Status::Trial, 10, kToday.addDays(5)), change, kToday).allowed());
    }

    void seatsRange_data()
    {
        QTest::addColumn<int>("seats");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("site license") << License::kSiteLicenseSeats << true;
        QTest::newRow("1") << 1 << true;
        QTest::newRow("99,000,000") << 99'000'000 << true;
        QTest::newRow("0") << 0 << false;
        QTest::newRow("-2") << -2 << false;
        QTest::newRow("99,000,001") << 99'000'001 << false;
    }
    void seatsRange()
    {
        QFETCH(int, seats);
        QFETCH(bool, allowed);
        LicenseChange change;
        change.seats = seats;
        ChangeVerdict v = ModifyLicenseRules::check(license(Status::Active), change, kToday);
        QCOMPARE(v.allowed(), allowed);
        if (!allowed)
            QVERIFY2(v.refusals.first().contains(QStringLiteral("99,000,000")), qPrintable(v.refusals.first()));
    }

    void activeLicensesMayNotExpireOrExpireAnyTime()
    {
        LicenseChange change;
        change.expiration = QDate();
        QVERIFY(ModifyLicenseRules::check(license(Status::Active), change, kToday).allowed());
        change.expiration = kToday.addYears(3);
        QVERIFY(ModifyLicenseRules::check(license(Status::Active), change, kToday).allowed());
        change.expiration = QDate(1970, 1, 1); // the LMA's "does not expire"
        const License after = ModifyLicenseRules::applied(license(Status::Active), change);
        QVERIFY(after.isPerpetual());
    }

    void warningsDoNotRefuse()
    {
        LicenseChange change;
        change.expiration = kToday.addDays(-1);
        ChangeVerdict v = ModifyLicenseRules::check(license(Status::Active), change, kToday);
        QVERIFY(v.allowed());
        QVERIFY(v.warnings.join(u' ').contains(QStringLiteral("Expired")));
        change = {};
        change.seats = 2; // 4 are in use
        v = ModifyLicenseRules::check(license(Status::Active), change, kToday);
        QVERIFY(v.allowed());
        QVERIFY(v.warnings.join(u' ').contains(QStringLiteral("in use")));
    }

    void emptyChangeIsRefused()
    {
        QVERIFY(!ModifyLicenseRules::check(license(Status::Active), LicenseChange{}, kToday).allowed());
    }

    void appliedChangesOnlyWhatWasSet()
    {
        LicenseChange change;
        change.seats = 50;
        const License before = license(Status::Active);
        const License after = ModifyLicenseRules::applied(before, change);
        QCOMPARE(after.seats, 50);
        QCOMPARE(after.status, before.status);
        QCOMPARE(after.expiration, before.expiration);
    }

    // An undo (or redo) of an edit writes only over what the edit left (or found): a license
    // changed since, by an import or another program, refuses it whole and says what changed.
    void undoAndRedoRefuseToOverwriteAChangeTheyDidNotMake_data()
    {
        QTest::addColumn<bool>("undo");
        QTest::addColumn<QString>("outside"); // the UPDATE another writer made
        QTest::addColumn<QString>("said");
        QTest::newRow("undo over new seats") << true << u"seats = 75"_s << u"its seats is 75, not 50"_s;
        QTest::newRow("undo over a new status") << true << u"status = 'Suspended'"_s << u"its status is Suspended, not Active"_s;
        QTest::newRow("undo over a new expiration") << true << u"expiration = '2027-03-31'"_s
                                                   << u"its expiration is 2027-03-31, not Does not expire"_s;
        QTest::newRow("redo over new seats") << false << u"seats = 75"_s << u"its seats is 75, not 20"_s;
        QTest::newRow("redo over a site license") << false << u"seats = -1"_s << u"its seats is Site License, not 20"_s;
    }
    void undoAndRedoRefuseToOverwriteAChangeTheyDidNotMake()
    {
        QFETCH(bool, undo);
        QFETCH(QString, outside);
        QFETCH(QString, said);
        QTemporaryDir dir;
        auto db = test::createFixtureDatabase(dir.filePath(u"edits.sqlite"_s));
        QVERIFY(db);
        LicenseRepository repository(*db);
        QSqlDatabase c = db->connection();
        const qint64 id = queryNumber(c, u"SELECT id FROM licenses WHERE name = 'L-00005'"_s, QString()).value();
        // L-00005: Active, 20 seats, 2026-07-15; the edit: 50 seats, does not expire.
        TermsChange change{id, u"L-00005"_s, {Status::Active, 20, QDate(2026, 7, 15)}, {Status::Active, 50, QDate()}};
        if (undo)
            QVERIFY(writeTerms(*db, {change}, false, u"test"_s).ok());
        const qint64 auditBefore = queryNumber(c, u"SELECT COUNT(*) FROM audit_log"_s, QString()).value();
        QSqlQuery q(c);
        QVERIFY(q.exec(u"UPDATE licenses SET %1 WHERE id = %2"_s.arg(outside).arg(id)));
        QVERIFY(q.exec(u"INSERT INTO audit_log (changed_at, changed_by, record_type, record_ref, field, source) "
                       "VALUES ('2026-06-15T10:00:00Z', 'someone', 'license', %1, 'Seats', '/data/f.csv')"_s.arg(id)));
        const License changed = repository.findByRowId(id).value().value();
        auto r = writeTerms(*db, {change}, undo, u"test"_s);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::Conflict);
        QVERIFY2(r.error().message.contains(said), qPrintable(r.error().message));
        QVERIFY2(r.error().message.contains(u"last changed by someone through /data/f.csv"_s), qPrintable(r.error().message));
        QVERIFY(r.error().message.contains(u"Nothing was changed"_s));
        const License after = repository.findByRowId(id).value().value();
        QCOMPARE(after.seats, changed.seats);
        QCOMPARE(after.status, changed.status);
        QCOMPARE(after.expiration, changed.expiration);
        QCOMPARE(queryNumber(c, u"SELECT COUNT(*) FROM audit_log"_s, QString()).value(), auditBefore + 1);
    }

    void undoAndRedoOfAnUntouchedEditGoThrough()
    {
        QTemporaryDir dir;
        auto db = test::createFixtureDatabase(dir.filePath(u"edits.sqlite"_s));
        QVERIFY(db);
        QSqlDatabase c = db->connection();
        const qint64 id = queryNumber(c, u"SELECT id FROM licenses WHERE name = 'L-00005'"_s, QString()).value();
        TermsChange change{id, u"L-00005"_s, {Status::Active, 20, QDate(2026, 7, 15)}, {Status::Active, 50, QDate()}};
        QVERIFY(writeTerms(*db, {change}, false, u"test"_s).ok());
        QVERIFY(writeTerms(*db, {change}, true, u"test"_s).ok());
        QVERIFY(writeTerms(*db, {change}, false, u"test"_s).ok());
        QCOMPARE(LicenseRepository(*db).findByRowId(id).value()->seats, 50);
    }

    // An edit made while another connection is writing waits for it and goes through. It reads
    // each license before it writes: on SQLite a transaction begun for reading and then
    // written fails at once if another connection committed in between (its snapshot is
    // stale, and no wait can help), so it takes the write lock first.
    void anEditWhileAnotherConnectionWritesWaitsAndGoesThrough()
    {
        QTemporaryDir dir;
        auto db = test::createFixtureDatabase(dir.filePath(u"edits.sqlite"_s));
        QVERIFY(db);
        QSqlDatabase c = db->connection();
        const qint64 id = queryNumber(c, u"SELECT id FROM licenses WHERE name = 'L-00005'"_s, QString()).value();
        const qint64 otherId = queryNumber(c, u"SELECT id FROM licenses WHERE name = 'L-00001'"_s, QString()).value();
        QVERIFY(id > 0 && otherId > 0);
        const ConnectionSpec spec = db->connectionSpec();
        {
            auto other = Database::openConnection(spec, u"another writer"_s);
            QVERIFY2(other, other ? "" : qPrintable(other.error().message));
            Transaction busy(other.value());
            QVERIFY(busy.beginWrite(u"test"_s).ok());
            QVERIFY(QSqlQuery(other.value()).exec(u"UPDATE licenses SET used_licenses = used_licenses + 1 WHERE id = %1"_s.arg(otherId)));
            std::atomic<bool> started = false;
            Result<void> edited = Error::make(Error::Code::Generic, u"not run"_s);
            std::thread editor([&] {
                {
                    auto mine = Database::openConnection(spec, u"editor"_s);
                    if (!mine) {
                        edited = mine.error();
                        started = true;
                        return;
                    }
                    started = true;
                    TermsChange change{id, u"L-00005"_s, {Status::Active, 20, QDate(2026, 7, 15)}, {Status::Active, 50, QDate()}};
                    edited = writeTerms(mine.value(), db->dialect(), {change}, false, u"test"_s);
                    mine.value().close();
                }
                QSqlDatabase::removeDatabase(u"editor"_s);
            });
            QTRY_VERIFY(started.load());
            QTest::qWait(300); // the editor reads while the other connection holds its write
            QVERIFY(busy.commit(u"test"_s).ok());
            editor.join();
            QVERIFY2(edited.ok(), edited.ok() ? "" : qPrintable(edited.error().message));
            other.value().close();
        }
        QSqlDatabase::removeDatabase(u"another writer"_s);
        QCOMPARE(LicenseRepository(*db).findByRowId(id).value()->seats, 50);
    }
};

QTEST_GUILESS_MAIN(TestModifyLicense)
#include "tst_modifylicense.moc"
