// The storage seam (storage/backend.h): each engine's fast path against the portable QSqlQuery
// fallback it stands in for, on varied (demo) data. On PostgreSQL the fast paths are COPY and the
// server's sums; on SQLite its C API.
#include "domain/licensefields.h"
#include "dashboardcompare.h"
#include "fixtures.h"

#include "demo/demogenerator.h"
#include "metrics/dashboardmetrics.h"
#include "storage/backend.h"
#include "storage/database.h"
#include "storage/licenserepository.h"
#include "storage/sqlutil.h"
#include "storage/subscribersummary.h"

#include <QCryptographicHash>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QtTest>

using namespace lmo;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kDemoLicenses = 3000;

// Every row `sql` answers, as text, one line a row.
QStringList rowsOf(Database &database, const QString &sql)
{
    QSqlDatabase db = database.connection();
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(sql)) {
        qWarning() << q.lastError().text() << sql;
        return {u"(failed)"_s};
    }
    QStringList out;
    while (q.next()) {
        QStringList cells;
        for (int c = 0; c < q.record().count(); ++c)
            cells << (q.value(c).isNull() ? u"<null>"_s : q.value(c).toString());
        out << cells.join(QLatin1Char('\x1f'));
    }
    return out;
}

// What LicenseWriter writes, without the id (a server's sequence numbers it as it likes).
const QString kLicenseRows = u"SELECT %1 FROM licenses ORDER BY sf_id"_s.arg(licenseColumnList());

const QString kSubscriberRows =
    u"SELECT org_id, account_name, org_edition, org_instance, org_status, is_sandbox, licenses, installed, packages, "
    "seats, site_licenses, used, first_install, last_change, lmo_mask FROM subscribers ORDER BY org_id"_s;

} // namespace

class TestStorage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    DemoOptions demo() const
    {
        DemoOptions d;
        d.licenses = kDemoLicenses;
        d.seed = 11;
        d.until = test::kFixtureAsOf;
        d.switchLmoOn = QDate(2025, 9, 1); // licenses of two LMOs
        return d;
    }

    // A new database at location(name) (a file, or a server's schema); null, said why, if not.
    std::unique_ptr<Database> newDatabase(const QString &name)
    {
        Database::OpenOptions create;
        create.create = true;
        auto opened = Database::open(test::location(m_dir.filePath(name)), create);
        if (!opened) {
            qWarning() << opened.error().message;
            return nullptr;
        }
        return std::move(opened).value();
    }

    std::unique_ptr<Database> demoDatabase(const QString &name)
    {
        auto opened = newDatabase(name);
        if (!opened)
            return nullptr;
        if (auto r = generateDemo(*opened, demo()); !r) {
            qWarning() << r.error().message;
            return nullptr;
        }
        return opened;
    }

    std::vector<License> allLicenses(Database &database)
    {
        QSqlDatabase db = database.connection();
        QSqlQuery q(db);
        q.setForwardOnly(true);
        std::vector<License> out;
        if (!q.exec(LicenseRepository::selectSql(u"1 = 1"_s)))
            return out;
        while (q.next())
            out.push_back(LicenseRepository::readLicense(q));
        return out;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // The one list of license fields is the table: the same columns, in the same order, on both
    // engines (a field added to the list and not to the schema, or the reverse, fails here).
    void theLicenseFieldsAreTheTablesColumns()
    {
        auto opened = newDatabase(u"fields.sqlite"_s);
        QVERIFY(opened);
        QSqlQuery q(opened->connection());
        QVERIFY2(q.exec(u"SELECT * FROM licenses WHERE 1 = 0"_s), qPrintable(q.lastError().text()));
        QStringList columns;
        for (int c = 0; c < q.record().count(); ++c)
            columns << q.record().fieldName(c);
        // (A field's column added by a later migration comes last in the table, wherever its
        // row is in the list: the order of the SQL is the list's, never the table's.)
        // (And the two that are the row's, not the license's: its id and its version, schema 9.)
        QStringList fields = (u"id, row_version, "_s + licenseColumnList()).split(u", "_s);
        columns.sort();
        fields.sort();
        QCOMPARE(columns, fields);
        // Each column's definition, as a migration adds one for a new field, is valid SQL on
        // this engine, and a row left to its defaults reads back as a blank License.
        QVERIFY(q.exec(u"CREATE TEMPORARY TABLE field_defaults (id INTEGER)"_s));
        for (const LicenseField &f : kLicenseFields) {
            const QString sql = opened->dialect().expand(u"ALTER TABLE field_defaults ADD COLUMN "_s + licenseColumnDefinition(f));
            QVERIFY2(q.exec(sql), qPrintable(sql + u": "_s + q.lastError().text()));
        }
        QVERIFY(q.exec(u"INSERT INTO field_defaults (id) VALUES (1)"_s));
        QVERIFY(q.exec(u"SELECT %1 FROM field_defaults"_s.arg(licenseColumnList())) && q.next());
        const License blank;
        for (int i = 0; i < kLicenseFieldCount; ++i) {
            const LicenseField &f = kLicenseFields[i];
            if (f.type == FieldType::Reference || f.type == FieldType::Status || f.type == FieldType::OrgId)
                continue; // no default a License has: the writer always gives them
            License read;
            f.set(read, q.value(i));
            QCOMPARE(textFromSql(f.get(read)), textFromSql(f.get(blank)));
        }
        QVERIFY(q.exec(u"DROP TABLE field_defaults"_s));
    }

    // Every field, given a value of its own, is written by the writer and read back as written.
    void everyLicenseFieldRoundTrips()
    {
        auto opened = newDatabase(u"roundtrip.sqlite"_s);
        QVERIFY(opened);
        Database &database = *opened;
        QSqlDatabase db = database.connection();
        QSqlQuery q(db);
        QVERIFY(q.exec(u"INSERT INTO packages (name) VALUES ('Roundtrip')"_s));
        const qint64 package = queryNumber(db, u"SELECT MAX(id) FROM packages"_s, u"reading"_s).value();
        QVERIFY(q.exec(u"INSERT INTO package_versions (package_ref, version_number) VALUES (%1, '3.1')"_s.arg(package)));
        const qint64 version = queryNumber(db, u"SELECT MAX(id) FROM package_versions"_s, u"reading"_s).value();
        License l;
        int n = 0;
        for (const LicenseField &f : kLicenseFields) {
            ++n;
            const QString column = QString::fromLatin1(f.column);
            QVariant v;
            switch (f.type) {
            case FieldType::Id: v = SalesforceId::fromString(u"a0B00000000000%1"_s.arg(n, 1, 36).leftJustified(15, u'0')).to18(); break;
            case FieldType::OrgId: v = u"00D000000000042"_s; break;
            case FieldType::Text: v = u"%1 value ü"_s.arg(column); break;
            case FieldType::Status: v = u"Suspended"_s; break;
            case FieldType::Integer: v = qint64(40 + n); break;
            case FieldType::Seats: v = qint64(-1); break;
            case FieldType::Boolean: v = qint64(1); break;
            case FieldType::Date:
            case FieldType::Expiration: v = dateToSql(QDate(2026, 1, 1).addDays(n)); break;
            case FieldType::DateTime: v = u"2026-04-0%1T10:15:30Z"_s.arg(n % 9 + 1); break;
            case FieldType::Reference: v = column == u"package_ref"_s ? package : column == u"package_version_ref"_s ? version : qint64(1); break;
            }
            f.set(l, v);
        }
        LicenseWriter writer(database);
        auto id = writer.insert(l);
        QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().message));
        QVERIFY(writer.flush().ok());
        const std::vector<License> read = allLicenses(database);
        QCOMPARE(int(read.size()), 1);
        for (const LicenseField &f : kLicenseFields) {
            const QString written = textFromSql(f.get(l)), back = textFromSql(f.get(read.front()));
            QVERIFY2(!written.isEmpty(), f.column);
            QVERIFY2(back == written, qPrintable(u"%1: wrote %2, read %3"_s.arg(QString::fromLatin1(f.column), written, back)));
        }
        QCOMPARE(read.front().packageName, u"Roundtrip"_s);
    }

    // The engine is chosen once, by the location; the rest of the core asks it, not the driver.
    void theBackendIsChosenByTheLocation()
    {
        QCOMPARE(StorageBackend::forLocation(u"postgresql://alice@db.example/lmo"_s).kind(), Dialect::Kind::PostgreSQL);
        QCOMPARE(StorageBackend::forLocation(m_dir.filePath(u"x.sqlite"_s)).kind(), Dialect::Kind::SQLite);
        QCOMPARE(StorageBackend::forLocation(u"relative/path.db"_s).kind(), Dialect::Kind::SQLite);
        auto opened = newDatabase(u"chosen.sqlite"_s);
        QVERIFY(opened);
        Database &database = *opened;
        const Dialect::Kind expected = test::onPostgres() ? Dialect::Kind::PostgreSQL : Dialect::Kind::SQLite;
        QCOMPARE(database.storage().kind(), expected);
        QCOMPARE(&StorageBackend::of(database.connection()), &database.storage());
        QCOMPARE(database.dialect().kind(), expected);
        QCOMPARE(database.storage().scansLicensesLocally(), !test::onPostgres());
        // The dialect's catalogue SQL is the backend's, and it answers the schema's tables.
        QCOMPARE(database.dialect().listTablesSql(), database.storage().listTablesSql());
        const QStringList tables = rowsOf(database, database.storage().listTablesSql());
        for (const QString &table : {u"licenses"_s, u"packages"_s, u"audit_log"_s, u"subscribers"_s, u"schema_migrations"_s})
            QVERIFY2(tables.contains(table), qPrintable(tables.join(u", "_s)));
        QSqlDatabase db = database.connection();
        QSqlQuery indexes(db);
        QVERIFY(indexes.prepare(database.storage().listIndexesSql()));
        indexes.bindValue(u":table"_s, u"licenses"_s);
        QVERIFY2(indexes.exec(), qPrintable(indexes.lastError().text()));
        int count = 0;
        while (indexes.next()) {
            ++count;
            QVERIFY(indexes.value(1).toString().contains(u"INDEX"_s, Qt::CaseInsensitive));
        }
        QVERIFY(count >= 2);
        // A writing transaction begins as the backend says, and commits.
        {
            Transaction t(db);
            QVERIFY(t.beginWrite(u"testing"_s).ok());
            QVERIFY(execSql(db, u"DELETE FROM audit_log WHERE 1 = 0"_s, u"testing"_s).ok());
            QVERIFY(t.commit(u"testing"_s).ok());
        }
    }

    // While indexes are built, SQLite sorts their keys in runs of 2 MiB in temporary files, on
    // two threads (temp_store=MEMORY would make each index one sort in memory); the settings
    // before are put back after, so that a scope inside another (the org summary's indexes
    // inside the deferred builds) leaves the outer one's. A server has none.
    void theIndexBuildSettingsArePutBackAsTheyWere()
    {
        auto opened = newDatabase(u"sorting.sqlite"_s);
        QVERIFY(opened);
        Database &database = *opened;
        QSqlDatabase db = database.connection();
        if (test::onPostgres()) {
            QVERIFY(!database.storage().indexBuildScope(db));
            return;
        }
        auto pragma = [&db](const char *name) {
            QSqlQuery q(db);
            return q.exec(u"PRAGMA %1"_s.arg(QLatin1String(name))) && q.next() ? q.value(0).toString() : u"?"_s;
        };
        QVERIFY(QSqlQuery(db).exec(u"PRAGMA cache_size=-12345"_s));
        QVERIFY(QSqlQuery(db).exec(u"PRAGMA threads=1"_s));
        QVERIFY(QSqlQuery(db).exec(u"PRAGMA temp_store=MEMORY"_s));
        {
            const auto outer = database.storage().indexBuildScope(db);
            QVERIFY(outer);
            QCOMPARE(pragma("cache_size"), u"-2048"_s);
            QCOMPARE(pragma("threads"), u"2"_s);
            QCOMPARE(pragma("temp_store"), u"1"_s); // FILE
            QVERIFY(QSqlQuery(db).exec(u"PRAGMA cache_size=-4096"_s));
            {
                const auto inner = database.storage().indexBuildScope(db);
                QCOMPARE(pragma("cache_size"), u"-2048"_s);
            }
            QCOMPARE(pragma("cache_size"), u"-4096"_s);
            QCOMPARE(pragma("temp_store"), u"1"_s);
        }
        QCOMPARE(pragma("cache_size"), u"-12345"_s);
        QCOMPARE(pragma("threads"), u"1"_s);
        QCOMPARE(pragma("temp_store"), u"2"_s); // MEMORY
    }

    // The fast statements bind and read what QSqlQuery would: SQLite's own statements; on
    // PostgreSQL a COPY read in place (and no fast INSERT: the callers take COPY or QSqlQuery).
    void theFastStatementsRoundTripValues()
    {
        auto opened = newDatabase(u"roundtrip.sqlite"_s);
        QVERIFY(opened);
        Database &database = *opened;
        QSqlDatabase db = database.connection();
        QVERIFY(execSql(db, u"CREATE TABLE probe (id BIGINT, a TEXT, b TEXT, n BIGINT)"_s, u"testing"_s).ok());
        auto insert = database.storage().prepareInsert(db, "INSERT INTO probe (id, a, b, n) VALUES (?, ?, ?, ?), (?, ?, ?, ?)");
        QVERIFY(insert.ok());
        auto cursor = database.storage().prepareCursor(db, "SELECT a, b, n FROM probe WHERE id > :lo ORDER BY id");
        QVERIFY(cursor.ok());
        if (test::onPostgres()) {
            // No fast INSERT (a round trip a statement); the fast read is a COPY read in place.
            QVERIFY(!insert.value());
            QVERIFY(cursor.value());
            QVERIFY(database.storage().copiesRows(db));
            const QString odd = u"tab\there, new\nline, back\\slash, cr\r, quote ' Grüße 東京"_s;
            QSqlQuery q(db);
            QVERIFY(q.prepare(u"INSERT INTO probe (id, a, b, n) VALUES (?, ?, ?, ?)"_s));
            const QVariant nullText(QMetaType(QMetaType::QString));
            const QVariantList rows[] = {{1, u"one"_s, nullText, -1}, {2, odd, u""_s, std::numeric_limits<qint64>::max()},
                                         {3, nullText, u"\\N"_s, std::numeric_limits<qint64>::min() + 1}};
            for (const QVariantList &row : rows) {
                for (const QVariant &v : row)
                    q.addBindValue(v);
                QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            }
            FastCursor &out = *cursor.value();
            out.bindInteger(":lo", 1);
            out.bindInteger(":not_there", 5); // ignored
            QVERIFY(out.next());
            QCOMPARE(QString::fromUtf8(out.utf8(0).data(), qsizetype(out.utf8(0).size())), odd);
            QVERIFY(!out.isNull(1) && out.utf8(1).empty()); // an empty text is not NULL
            QCOMPARE(out.integer(2), std::numeric_limits<qint64>::max());
            QVERIFY(out.next());
            QVERIFY(out.isNull(0));
            QVERIFY(out.utf8(1) == std::string_view("\\N")); // the text, not a NULL
            QCOMPARE(out.integer(2), std::numeric_limits<qint64>::min() + 1);
            QVERIFY(!out.next());
            QVERIFY(out.error().ok());
            // Bound again, it runs again; a text parameter is a quoted literal.
            auto byText = database.storage().prepareCursor(db, "SELECT id FROM probe WHERE a = :a OR a = :b ORDER BY id");
            QVERIFY(byText.ok() && byText.value());
            byText.value()->bindUtf8(":a", odd.toUtf8());
            byText.value()->bindUtf8(":b", QByteArrayLiteral("x' OR '1' = '1"));
            QVERIFY(byText.value()->next());
            QCOMPARE(byText.value()->integer(0), 2);
            QVERIFY(!byText.value()->next());
            byText.value()->bindUtf8(":a", QByteArrayLiteral("one"));
            QVERIFY(byText.value()->next());
            QCOMPARE(byText.value()->integer(0), 1);
            // Left with rows still coming, the cursor gives the connection back when it goes.
            out.bindInteger(":lo", 0);
            QVERIFY(out.next());
            cursor.value().reset();
            byText.value().reset();
            QCOMPARE(rowsOf(database, u"SELECT COUNT(*) FROM probe"_s), QStringList{u"3"_s});
            // A statement the server refuses says so, at the first row, in its own words.
            auto bad = database.storage().prepareCursor(db, "SELECT nothing FROM no_such_table");
            QVERIFY(bad.ok() && bad.value());
            QVERIFY(!bad.value()->next());
            QVERIFY(!bad.value()->error().ok());
            QVERIFY2(bad.value()->error().error().message.contains(u"no_such_table"_s), qPrintable(bad.value()->error().error().message));
            QCOMPARE(rowsOf(database, u"SELECT COUNT(*) FROM probe"_s), QStringList{u"3"_s});
            return;
        }
        QVERIFY(insert.value() && cursor.value());
        QVERIFY(!database.storage().copiesRows(db));
        const QString grusse = u"Grüße, 東京 \u00e9"_s;
        const QByteArray bytes = "plain bytes";
        FastInsert &in = *insert.value();
        in.integer(1);
        in.text(grusse);
        in.utf8(std::string_view(bytes.constData(), size_t(bytes.size())));
        in.integer(-1);
        in.integer(2);
        in.text(QString()); // empty: NULL
        in.null();
        in.integer(std::numeric_limits<qint64>::max());
        auto ran = in.run();
        QVERIFY2(ran.ok(), qPrintable(ran.ok() ? QString() : ran.error().message));
        // The statement is ready again at once.
        for (int i = 3; i <= 4; ++i) {
            in.integer(i * 10);
            in.textCopy(QString::number(i));
            in.textCopy(QString());
            in.integer(i);
        }
        QVERIFY(in.run().ok());
        QCOMPARE(rowsOf(database, u"SELECT id, a, b, n FROM probe ORDER BY id"_s),
                 QStringList({u"1\x1f"_s + grusse + u"\x1fplain bytes\x1f-1"_s, u"2\x1f<null>\x1f<null>\x1f"_s
                                  + QString::number(std::numeric_limits<qint64>::max()),
                              u"30\x1f" "3\x1f<null>\x1f" "3"_s, u"40\x1f" "4\x1f<null>\x1f" "4"_s}));
        FastCursor &out = *cursor.value();
        out.bindInteger(":lo", 1);
        out.bindInteger(":not_there", 5); // ignored
        QVERIFY(out.next());
        QVERIFY(out.isNull(0) && out.isNull(1));
        QVERIFY(out.utf8(0).empty());
        QCOMPARE(out.integer(2), std::numeric_limits<qint64>::max());
        QVERIFY(out.next());
        QVERIFY(out.utf8(0) == std::string_view("3"));
        QVERIFY(out.next());
        QVERIFY(!out.next());
        QVERIFY(out.error().ok());
        // A statement the engine refuses says so, in its own words.
        auto bad = database.storage().prepareInsert(db, "INSERT INTO no_such_table VALUES (?)");
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, Error::Code::Sql);
        QVERIFY2(bad.error().message.contains(u"no_such_table"_s), qPrintable(bad.error().message));
    }

    // LicenseWriter's fast path (SQLite's C API; COPY on a server) writes every license as the
    // portable QSqlQuery path does.
    void theLicenseWriterPathsWriteTheSame()
    {
        auto source = demoDatabase(u"writer-source.sqlite"_s);
        QVERIFY(source);
        const std::vector<License> licenses = allLicenses(*source);
        QCOMPARE(qint64(licenses.size()), kDemoLicenses);
        QStringList written[2];
        for (bool portable : {false, true}) {
            auto target = demoDatabase(portable ? u"writer-portable.sqlite"_s : u"writer-fast.sqlite"_s);
            QVERIFY(target);
            QSqlDatabase db = target->connection();
            Transaction t(db);
            QVERIFY(t.beginWrite(u"testing"_s).ok());
            QVERIFY(execSql(db, u"DELETE FROM licenses"_s, u"testing"_s).ok());
            LicenseWriter writer(*target, portable);
            writer.setBuffered(!portable); // a server's fast path: COPY, numbered ahead
            QVERIFY(writer.prepare().ok());
            for (const License &l : licenses) {
                auto id = writer.insert(l);
                QVERIFY2(id.ok(), qPrintable(id.ok() ? QString() : id.error().message));
                QVERIFY(id.value() > 0);
            }
            QVERIFY(writer.flush().ok());
            QVERIFY(t.commit(u"testing"_s).ok());
            written[portable] = rowsOf(*target, kLicenseRows);
            // A license already there is a conflict, on either path, and leaves the table as it was.
            LicenseWriter again(*target, portable);
            auto twice = again.insert(licenses.front());
            QVERIFY(!twice.ok());
            QCOMPARE(twice.error().code, Error::Code::Conflict);
            QVERIFY2(twice.error().message.contains(licenses.front().name), qPrintable(twice.error().message));
            QCOMPARE(rowsOf(*target, kLicenseRows), written[portable]);
        }
        QCOMPARE(written[0].size(), qsizetype(kDemoLicenses));
        QCOMPARE(written[0], written[1]);
        QCOMPARE(written[0], rowsOf(*source, kLicenseRows));
    }

    // The subscriber summary's fast rebuild (SQLite's statements, read and written) gives the
    // rows the portable one does, whether that one reads the licenses in one page or in many.
    void theSubscriberSummaryPathsGiveTheSame()
    {
        auto database = demoDatabase(u"summary.sqlite"_s);
        QVERIFY(database);
        QSqlDatabase db = database->connection();
        auto rebuilt = [&](SubscriberSummary::Path path, int pageRows) {
            Transaction t(db);
            if (!t.beginWrite(u"testing"_s).ok())
                return QStringList{u"(no transaction)"_s};
            if (auto r = SubscriberSummary::rebuild(db, database->dialect(), path, pageRows); !r)
                return QStringList{r.error().message};
            if (!t.commit(u"testing"_s).ok())
                return QStringList{u"(no commit)"_s};
            return rowsOf(*database, kSubscriberRows);
        };
        const QStringList asGenerated = rowsOf(*database, kSubscriberRows);
        const QStringList fast = rebuilt(SubscriberSummary::Path::Fast, SubscriberSummary::kPageRows);
        const QStringList onePage = rebuilt(SubscriberSummary::Path::Portable, SubscriberSummary::kPageRows);
        // Pages far smaller than the licenses: every page boundary cuts an org, read again next.
        const QStringList manyPages = rebuilt(SubscriberSummary::Path::Portable, 97);
        QVERIFY2(fast.size() > 1000, qPrintable(fast.value(0)));
        QCOMPARE(fast, asGenerated);
        QCOMPARE(onePage, fast);
        QCOMPARE(manyPages, fast);
    }

    // The dashboard's pass over the rows (SQLite's fast read, every filter bound to it) gives
    // the figures the server's sums give.
    void theDashboardPassGivesWhatTheSumsGive()
    {
        auto database = demoDatabase(u"dashboard.sqlite"_s);
        QVERIFY(database);
        const QStringList packages = rowsOf(*database, u"SELECT name FROM packages ORDER BY id"_s);
        QVERIFY(!packages.isEmpty());
        QSqlDatabase db = database->connection();
        std::vector<InstallBaseFilter> filters(5);
        filters[0].asOf = test::kFixtureAsOf;
        filters[1].asOf = QDate(2025, 11, 30); // in the past: rebuilt as of then
        filters[1].includeSandboxes = false;
        filters[2].asOf = test::kFixtureAsOf;
        filters[2].package = packages.front();
        filters[3].asOf = test::kFixtureAsOf;
        filters[3].installedFrom = QDate(2025, 1, 1);
        filters[3].installedTo = QDate(2025, 12, 31);
        filters[4].asOf = test::kFixtureAsOf;
        filters[4].lmo = 2;
        for (const InstallBaseFilter &f : filters) {
            auto pass = computeDashboard(db, f);
            QVERIFY2(pass.ok(), qPrintable(pass.ok() ? QString() : pass.error().message));
            auto sums = computeDashboardInSql(db, f);
            QVERIFY2(sums.ok(), qPrintable(sums.ok() ? QString() : sums.error().message));
            const DashboardMetrics &a = pass.value(), &b = sums.value();
            QVERIFY(a.stats.licenses > 0);
            test::compareDashboards(a, b);
        }
    }
};

QTEST_GUILESS_MAIN(TestStorage)
#include "tst_storage.moc"
