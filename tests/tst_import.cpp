#include "fixtures.h"

#include "export/csvwriter.h"
#include "export/licenseexport.h"
#include "import/csvreader.h"
#include "browse/licensequery.h"
#include "demo/demogenerator.h"
#include "import/importer.h"
#include "lmo/lmoassign.h"
#include "lmo/lmoprofile.h"
#include "import/licenserowencoder.h"
#include "metrics/installbasestats.h"
#include "storage/auditlog.h"
#include "storage/bulkload.h"
#include "storage/licenserepository.h"
#include "storage/sqlutil.h"
#include "storage/values.h"
#include "util/format.h"

#include <QBuffer>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <atomic>
#include <csignal>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include <libpq-fe.h>

using namespace lmo;
using namespace Qt::Literals::StringLiterals;

namespace {

QString data(const char *name)
{
    return QFINDTESTDATA(QString::fromLatin1("data/") + QLatin1String(name));
}

qint64 number(Database &db, const QString &sql)
{
    QSqlDatabase c = db.connection();
    auto r = queryNumber(c, sql, QStringLiteral("test"));
    return r ? r.value() : -1;
}

QString textOf(Database &db, const QString &sql)
{
    QSqlQuery q(db.connection());
    if (!q.exec(sql) || !q.next())
        return QStringLiteral("<no row>");
    const QVariant v = q.value(0);
    if (v.isNull())
        return QStringLiteral("<null>");
    // A server's DATE and TIMESTAMPTZ columns answer QDate and QDateTime: shown as SQLite keeps them.
    if (v.typeId() == QMetaType::QDateTime)
        return dateTimeToSql(dateTimeFromSql(v));
    if (v.typeId() == QMetaType::QDate)
        return dateToSql(dateFromSql(v));
    return v.toString();
}

ImportReport mustImport(Database &db, const QString &path, const ImportOptions &options = {})
{
    auto r = importFile(db, path, options);
    if (!r) {
        qWarning("%s", qPrintable(r.error().message));
        return ImportReport();
    }
    return r.value();
}

qint64 indexCount(Database &db, const QString &name = {})
{
    return test::licenseIndexCount(db, name);
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

// The licenses table's foreign keys, whatever the engine.
qint64 foreignKeyCount(Database &db)
{
    return number(db, db.isTeamDatabase() ? u"SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = to_regclass('licenses')"_s
                                          : u"SELECT COUNT(*) FROM pragma_foreign_key_list('licenses')"_s);
}

// How far another process's import into `db` has gone, as seen from outside its transaction: on
// SQLite the bytes of the write-ahead log; on a server the rows its COPY has taken or the ids the
// licenses' sequence has handed out, whichever is more (neither waits for a commit). -1 when it
// cannot be told.
qint64 loadProgress(Database &db)
{
    if (!db.isTeamDatabase())
        return QFileInfo(db.connection().databaseName() + u"-wal"_s).size();
    const qint64 copied = number(db, u"SELECT COALESCE(SUM(tuples_processed), 0) FROM pg_stat_progress_copy "
                                      "WHERE relid = to_regclass('licenses')"_s);
    const QString sequence = textOf(db, u"SELECT pg_get_serial_sequence('licenses', 'id')"_s);
    const qint64 numbered = number(db, u"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM %1"_s.arg(sequence));
    return copied < 0 || numbered < 0 ? -1 : std::max(copied, numbered);
}

// A license row of the CLI-style files the batch tests write: test::writeLicenseCsv's columns.
struct CliRow
{
    QString id;
    QString name;
    QString status = QStringLiteral("Active");
    QString seats = QStringLiteral("10");
    QString org;
    QString account;
};
const char kCliHeader[] = "Id,Name,sfLma__Package__r.Name,sfLma__Status__c,sfLma__Seats__c,sfLma__Install_Date__c,"
                          "sfLma__Subscriber_Org_ID__c,sfLma__Account__r.Name\n";

QByteArray cliLines(const std::vector<CliRow> &rows)
{
    QByteArray text(kCliHeader);
    for (const CliRow &r : rows)
        text += QStringList{r.id, r.name, u"Ledgerly CPQ"_s, r.status, r.seats, u"2025-01-01"_s, r.org, r.account}
                    .join(u',')
                    .toUtf8()
                + '\n';
    return text;
}

// An 18-character Id: a 4-character prefix, `n` in nine digits, "AA".
QString testId(const char *prefix, int n)
{
    return SalesforceId::fromString(QString::fromLatin1(prefix) + QString::number(n).rightJustified(9, u'0') + u"AA"_s).to18();
}

// Every license (all its columns) and every license audit entry but its time, in id order.
QString licensesAndAudit(Database &db)
{
    QString dump;
    for (const QString &sql : {u"SELECT * FROM licenses ORDER BY id"_s,
                               u"SELECT record_ref, record_sf_id, field, old_value, new_value, source, changed_by FROM "
                               "audit_log WHERE record_type = 'license' ORDER BY id"_s}) {
        QSqlQuery q(db.connection());
        if (!q.exec(sql))
            return q.lastError().text();
        while (q.next()) {
            for (int c = 0; c < q.record().count(); ++c)
                dump += (q.value(c).isNull() ? u"<null>"_s : q.value(c).toString()) + u'|';
            dump += u'\n';
        }
    }
    return dump;
}

// A license's audit entries, "Field: old -> new", in order.
QStringList auditOf(Database &db, const QString &sfId)
{
    QSqlQuery q(db.connection());
    q.prepare(u"SELECT field, old_value, new_value FROM audit_log WHERE record_type = 'license' AND record_sf_id = ? "
              "ORDER BY id"_s);
    q.addBindValue(sfId);
    QStringList out;
    if (!q.exec())
        return {q.lastError().text()};
    while (q.next())
        out << u"%1: %2 -> %3"_s.arg(q.value(0).toString(), q.value(1).toString(), q.value(2).toString());
    return out;
}

// Whether the import lock of `db` is free: nobody else holds it now.
bool importLockIsFree(Database &db)
{
    auto lock = BulkWriteLock::acquire(db.connection(), {}, 0, db.displayName());
    return lock.ok();
}

} // namespace

class TestImport : public QObject
{
    Q_OBJECT
private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        Database::OpenOptions o;
        o.create = true;
        auto db = Database::open(test::location(m_dir.filePath(QStringLiteral("import-%1.sqlite").arg(++m_count))), o);
        QVERIFY(db.ok());
        m_db = std::move(db.value());
    }
    void cleanup() { m_db.reset(); }


    // --- The CSV reader ---

    void csvReaderHandlesQuotingLineEndsAndDelimiters_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QStringList>("second");
        QTest::addColumn<char>("delimiter");
        QTest::newRow("LF") << QByteArray("a,b,c\n1,2,3\n") << QStringList{u"1"_s, u"2"_s, u"3"_s} << ',';
        QTest::newRow("CRLF") << QByteArray("a,b,c\r\n1,2,3\r\n") << QStringList{u"1"_s, u"2"_s, u"3"_s} << ',';
        QTest::newRow("CR") << QByteArray("a,b,c\r1,2,3\r") << QStringList{u"1"_s, u"2"_s, u"3"_s} << ',';
        QTest::newRow("BOM") << QByteArray("\xEF\xBB\xBF" "a,b,c\n1,2,3") << QStringList{u"1"_s, u"2"_s, u"3"_s} << ',';
        QTest::newRow("semicolon") << QByteArray("a;b;c\n1;2,5;3\n") << QStringList{u"1"_s, u"2,5"_s, u"3"_s} << ';';
        QTest::newRow("tab") << QByteArray("a\tb\tc\n1\t2\t3\n") << QStringList{u"1"_s, u"2"_s, u"3"_s} << '\t';
        QTest::newRow("quoted delimiter") << QByteArray("a,b,c\n\"x,y\",2,3\n") << QStringList{u"x,y"_s, u"2"_s, u"3"_s} << ',';
        QTest::newRow("doubled quote") << QByteArray("a,b,c\n\"say \"\"hi\"\"\",2,3\n")
                                       << QStringList{u"say \"hi\""_s, u"2"_s, u"3"_s} << ',';
        QTest::newRow("line break in quotes") << QByteArray("a,b,c\n\"two\r\nlines\",2,3\n")
                                              << QStringList{u"two\r\nlines"_s, u"2"_s, u"3"_s} << ',';
        QTest::newRow("empty fields") << QByteArray("a,b,c\n,,\n") << QStringList{QString(), QString(), QString()} << ',';
        QTest::newRow("utf-8") << QByteArray("a,b,c\nM\xC3\xBCller,2,3\n") << QStringList{u"Müller"_s, u"2"_s, u"3"_s} << ',';
    }
    void csvReaderHandlesQuotingLineEndsAndDelimiters()
    {
        QFETCH(QByteArray, input);
        QFETCH(QStringList, second);
        QFETCH(char, delimiter);
        QBuffer buffer(&input);
        QVERIFY(buffer.open(QIODevice::ReadOnly));
        CsvReader reader(&buffer);
        CsvRecord record;
        QVERIFY(reader.next(record));
        QCOMPARE(record.size(), 3);
        QCOMPARE(record.text(0), QStringLiteral("a"));
        QCOMPARE(reader.delimiter(), delimiter);
        QVERIFY(reader.next(record));
        QStringList fields;
        for (int i = 0; i < record.size(); ++i)
            fields << record.text(i);
        QCOMPARE(fields, second);
        QCOMPARE(record.line(), 2);
        QVERIFY(!reader.next(record));
        QVERIFY(reader.error().isEmpty());
    }

    void csvReaderCountsLinesAcrossQuotedBreaksAndBlocks()
    {
        // Records that straddle the reader's 1 MiB blocks, and line numbers after quoted breaks.
        QByteArray input("a,b\n\"1\n2\n3\",x\n");
        const QByteArray longValue(1 << 20, 'z');
        input += "\"" + longValue + "\",y\nlast,row\n";
        QBuffer buffer(&input);
        QVERIFY(buffer.open(QIODevice::ReadOnly));
        CsvReader reader(&buffer);
        CsvRecord record;
        QVERIFY(reader.next(record));
        QVERIFY(reader.next(record));
        QCOMPARE(record.line(), 2);
        QVERIFY(reader.next(record));
        QCOMPARE(record.line(), 5);
        QCOMPARE(record.field(0).size(), longValue.size());
        QCOMPARE(record.text(1), QStringLiteral("y"));
        QVERIFY(reader.next(record));
        QCOMPARE(record.line(), 6);
        QCOMPARE(record.text(0), QStringLiteral("last"));
    }

    void csvReaderReportsAnUnclosedQuote()
    {
        QByteArray input("a,b\n1,\"never closed\n2,3\n");
        QBuffer buffer(&input);
        QVERIFY(buffer.open(QIODevice::ReadOnly));
        CsvReader reader(&buffer);
        CsvRecord record;
        QVERIFY(reader.next(record));
        QVERIFY(!reader.next(record));
        QVERIFY2(reader.error().contains(QStringLiteral("line 2")), qPrintable(reader.error()));
    }

    // --- Header recognition ---

    void headersAreRecognisedInEveryStyle_data()
    {
        QTest::addColumn<QString>("header");
        QTest::addColumn<int>("field");
        QTest::newRow("data loader") << u"SFLMA__SUBSCRIBER_ORG_ID__C"_s << int(ImportField::OrgId);
        QTest::newRow("cli") << u"sfLma__Subscriber_Org_ID__c"_s << int(ImportField::OrgId);
        QTest::newRow("label") << u"Subscriber Org ID"_s << int(ImportField::OrgId);
        QTest::newRow("relationship") << u"sfLma__Package__r.Name"_s << int(ImportField::PackageName);
        QTest::newRow("account relationship") << u"sfLma__Account__r.Name"_s << int(ImportField::AccountName);
        QTest::newRow("alternative api name") << u"sfLma__Instance__c"_s << int(ImportField::OrgInstance);
        QTest::newRow("formula label") << u"Licensed Seats"_s << int(ImportField::LicensedSeats);
        QTest::newRow("spaces and case") << u"  install   DATE "_s << int(ImportField::InstallDate);
        QTest::newRow("standard field ignored") << u"CreatedDate"_s << int(ImportField::Ignore);
    }
    void headersAreRecognisedInEveryStyle()
    {
        QFETCH(QString, header);
        QFETCH(int, field);
        QCOMPARE(int(recogniseHeader(header)), field);
    }

    // --- What must import ---

    void dataLoaderExport()
    {
        QVERIFY(mustImport(*m_db, data("packages.csv")).inserted == 2);
        QVERIFY(mustImport(*m_db, data("package_versions.csv")).inserted == 3);
        const ImportReport r = mustImport(*m_db, data("dataloader_licenses.csv"));
        QCOMPARE(r.format, ExportFormat::DataLoader);
        QCOMPARE(r.kind, RecordKind::License);
        QCOMPARE(r.read, 4);
        QCOMPARE(r.inserted, 4);
        QCOMPARE(r.rejected, 0);
        QCOMPARE(r.exitCode(), 0);
        // "25.0" is 25; -1.0 a site license; 1970-01-01 does not expire; true/false; ISO with Z and +0000.
        QCOMPARE(textOf(*m_db, u"SELECT seats FROM licenses WHERE name = 'L-00001'"_s), u"25"_s);
        QCOMPARE(textOf(*m_db, u"SELECT seats FROM licenses WHERE name = 'L-00002'"_s), u"-1"_s);
        QCOMPARE(textOf(*m_db, u"SELECT expiration FROM licenses WHERE name = 'L-00003'"_s), u"<null>"_s);
        QCOMPARE(textOf(*m_db, u"SELECT is_sandbox FROM licenses WHERE name = 'L-00003'"_s), u"1"_s);
        QCOMPARE(textOf(*m_db, u"SELECT last_modified FROM licenses WHERE name = 'L-00002'"_s), u"2026-06-01T08:00:00Z"_s);
        // 15- and 18-character forms of one org are one subscriber.
        QCOMPARE(number(*m_db, u"SELECT COUNT(DISTINCT org_id) FROM licenses"_s), 3);
        // The lookups land on the packages and versions already imported.
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM packages"_s), 2);
        QCOMPARE(textOf(*m_db, u"SELECT p.name FROM licenses l JOIN packages p ON p.id = l.package_ref WHERE l.name = 'L-00002'"_s),
                 u"Ledgerly CPQ"_s);
        QCOMPARE(textOf(*m_db, u"SELECT v.name FROM licenses l JOIN package_versions v ON v.id = l.package_version_ref "
                                "WHERE l.name = 'L-00001'"_s),
                 u"Spring '24"_s);
    }

    void salesforceCliExport()
    {
        const ImportReport r = mustImport(*m_db, data("cli_licenses.csv"));
        QCOMPARE(r.format, ExportFormat::SalesforceCli);
        QCOMPARE(r.inserted, 3);
        QCOMPARE(textOf(*m_db, u"SELECT account_name FROM licenses WHERE name = 'L-00011'"_s), u"Smith, Jones & Co"_s);
        QCOMPARE(textOf(*m_db, u"SELECT account_name FROM licenses WHERE name = 'L-00012'"_s), u"Acme \"Quotes\" Inc."_s);
        QCOMPARE(textOf(*m_db, u"SELECT account_name FROM licenses WHERE name = 'L-00013'"_s), u"Multi\nLine Holdings"_s);
        // +02:00 is converted to UTC.
        QCOMPARE(textOf(*m_db, u"SELECT last_modified FROM licenses WHERE name = 'L-00013'"_s), u"2026-06-15T07:30:00Z"_s);
        // Packages named by relationship columns are created once each.
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM packages"_s), 2);
        QCOMPARE(textOf(*m_db, u"SELECT org_instance FROM licenses WHERE name = 'L-00011'"_s), u"USA512S"_s);
    }

    void reportExportWithFooter()
    {
        const ImportReport r = mustImport(*m_db, data("report_licenses.csv"));
        QCOMPARE(r.format, ExportFormat::Report);
        QCOMPARE(r.read, 3); // the footer lines are not rows
        QCOMPARE(r.inserted, 3);
        QCOMPARE(r.rejected, 0);
        QCOMPARE(textOf(*m_db, u"SELECT seats || '/' || used_licenses FROM licenses WHERE name = 'L-00021'"_s), u"1250/1010"_s);
        QCOMPARE(textOf(*m_db, u"SELECT expiration FROM licenses WHERE name = 'L-00021'"_s), u"2027-03-31"_s);
        QCOMPARE(textOf(*m_db, u"SELECT install_date FROM licenses WHERE name = 'L-00023'"_s), u"2024-02-29"_s);
        QCOMPARE(textOf(*m_db, u"SELECT seats FROM licenses WHERE name = 'L-00022'"_s), u"-1"_s);
        QCOMPARE(textOf(*m_db, u"SELECT expiration FROM licenses WHERE name = 'L-00022'"_s), u"<null>"_s);
        QCOMPARE(textOf(*m_db, u"SELECT is_sandbox FROM licenses WHERE name = 'L-00023'"_s), u"1"_s);
        QCOMPARE(number(*m_db, u"SELECT COUNT(DISTINCT org_id) FROM licenses"_s), 2);
    }

    void semicolonReportWithDayMonthDates()
    {
        ImportOptions options;
        options.dateOrder = DateOrder::DayMonthYear;
        const ImportReport r = mustImport(*m_db, data("report_licenses_dmy_semicolon.csv"), options);
        QCOMPARE(r.delimiter, ';');
        QCOMPARE(r.inserted, 2);
        QCOMPARE(textOf(*m_db, u"SELECT expiration || ' ' || install_date FROM licenses WHERE name = 'L-00031'"_s),
                 u"2027-03-31 2024-01-05"_s);
        QCOMPARE(textOf(*m_db, u"SELECT account_name FROM licenses WHERE name = 'L-00031'"_s), u"Müller & Söhne GmbH"_s);
        // Read month-first, "31/3/2027" is no date: the row is rejected, not misread.
        init();
        const ImportReport us = mustImport(*m_db, data("report_licenses_dmy_semicolon.csv"));
        QCOMPARE(us.rejected, 2);
        QVERIFY(us.rejections.front().reason.contains(QStringLiteral("31/3/2027")));
    }

    void tabDelimitedExport()
    {
        const ImportReport r = mustImport(*m_db, data("cli_licenses_tab.tsv"));
        QCOMPARE(r.delimiter, '\t');
        QCOMPARE(r.inserted, 2);
    }

    void packageAndVersionExports()
    {
        // Licenses first: their packages are named only; the package export completes them.
        mustImport(*m_db, data("cli_licenses.csv"));
        const ImportReport p = mustImport(*m_db, data("packages.csv"));
        QCOMPARE(p.kind, RecordKind::Package);
        QCOMPARE(p.read, 2);
        QCOMPARE(p.updated, 1); // Ledgerly Billing, known by name
        QCOMPARE(p.inserted, 1);
        QCOMPARE(textOf(*m_db, u"SELECT package_id FROM packages WHERE name = 'Ledgerly Billing'"_s).left(3), u"033"_s);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM packages"_s), 3);
        const ImportReport v = mustImport(*m_db, data("package_versions.csv"));
        QCOMPARE(v.kind, RecordKind::PackageVersion);
        QCOMPARE(v.read, 3);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM package_versions WHERE is_beta = 1"_s), 1);
        QCOMPARE(textOf(*m_db, u"SELECT version_id FROM package_versions WHERE version_number = '2.0'"_s).left(3), u"04t"_s);
        // Again: nothing changes.
        const ImportReport again = mustImport(*m_db, data("package_versions.csv"));
        QCOMPARE(again.unchanged, 3);
    }

    // --- Identity and updates ---

    void reimportingChangesNothing()
    {
        mustImport(*m_db, data("dataloader_licenses.csv"));
        const QByteArray before = test::contentHash(*m_db);
        const qint64 audit = number(*m_db, u"SELECT COUNT(*) FROM audit_log WHERE record_type = 'license'"_s);
        const ImportReport r = mustImport(*m_db, data("dataloader_licenses.csv"));
        QCOMPARE(r.read, 4);
        QCOMPARE(r.unchanged, 4);
        QCOMPARE(r.inserted + r.updated, 0);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM audit_log WHERE record_type = 'license'"_s), audit);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), 4);
        // Nothing changed, so nothing is audited: not even an import summary row.
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM audit_log WHERE record_type = 'import'"_s), 1);
        QCOMPARE(test::contentHash(*m_db), before);
    }

    void aLaterExportUpdatesWhatItHoldsAndAuditsIt()
    {
        mustImport(*m_db, data("cli_licenses.csv"));
        mustImport(*m_db, data("report_licenses.csv"));
        // A later CLI export: L-00011 grew to 150 seats, L-00012 is Active again, L-00014 is new.
        QFile original(data("cli_licenses.csv"));
        QVERIFY(original.open(QIODevice::ReadOnly));
        QByteArray later = original.readAll();
        later.replace(",Active,120,95,", ",Active,150,95,");
        later.replace(",Suspended,40,41,", ",Active,40,41,");
        later += SalesforceId::fromString(u"a0B300000000014").to18().toUtf8()
                 + ",L-00014,New Co,Ledgerly Billing,3.2,Trial,5,0,2026-07-30,2026-06-30,00D300000000014,"
                   "Enterprise Edition,NA1,TRIAL,false,2026-06-30T10:00:00.000Z\n";
        const QString path = m_dir.filePath(QStringLiteral("later.csv"));
        writeFile(path, later);
        const ImportReport r = mustImport(*m_db, path);
        QCOMPARE(r.read, 4);
        QCOMPARE(r.updated, 2);
        QCOMPARE(r.inserted, 1);
        QCOMPARE(r.unchanged, 1);
        QCOMPARE(textOf(*m_db, u"SELECT seats FROM licenses WHERE name = 'L-00011'"_s), u"150"_s);
        // The report's licenses, not in this file, are left alone.
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), 7);
        QCOMPARE(textOf(*m_db, u"SELECT seats FROM licenses WHERE name = 'L-00021'"_s), u"1250"_s);
        // Each changed field is in the audit log, with the file as its source.
        QSqlQuery q(m_db->connection());
        QVERIFY(q.exec(u"SELECT field, old_value, new_value, source FROM audit_log WHERE record_type = 'license' ORDER BY id"_s));
        QStringList changes;
        while (q.next()) {
            changes << QStringLiteral("%1: %2 -> %3").arg(q.value(0).toString(), q.value(1).toString(), q.value(2).toString());
            QCOMPARE(q.value(3).toString(), QFileInfo(path).absoluteFilePath());
        }
        QCOMPARE(changes, (QStringList{u"Seats: 120 -> 150"_s, u"Status: Suspended -> Active"_s}));
    }

    void withoutIdsALicenseIsItsOrgAndPackage()
    {
        // A report (no Id column) first, then a CLI export of the same licenses with their Ids.
        mustImport(*m_db, data("report_licenses.csv"));
        const QString path = m_dir.filePath(QStringLiteral("with-ids.csv"));
        writeFile(path, "Id,sfLma__Package__r.Name,sfLma__Status__c,sfLma__Seats__c,sfLma__Subscriber_Org_ID__c\n"
                            + SalesforceId::fromString(u"a0B300000000021").to18().toUtf8()
                            + ",Ledgerly CPQ,Active,1300,00D300000000021\n");
        const ImportReport r = mustImport(*m_db, path);
        QCOMPARE(r.inserted, 0);
        QCOMPARE(r.updated, 1);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), 3);
        QCOMPARE(textOf(*m_db, u"SELECT sf_id FROM licenses WHERE name = 'L-00021'"_s),
                 SalesforceId::fromString(u"a0B300000000021").to18());
        // The 15-character form of the same Id is the same record.
        writeFile(path, "Id,sfLma__Package__r.Name,sfLma__Status__c,sfLma__Seats__c,sfLma__Subscriber_Org_ID__c\n"
                        "a0B300000000021,Ledgerly CPQ,Active,1300,00D300000000021EAA\n");
        QCOMPARE(mustImport(*m_db, path).unchanged, 1);
    }

    // --- The LMO a file came from ---
    void licensesCarryTheLmoTheyCameFrom()
    {
        // One LMO (not yet described): licenses go to it without being asked.
        mustImport(*m_db, data("report_licenses.csv"));
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses WHERE lmo_ref = 1"_s), 3);

        // The partner switches: LMO 1 stays as the former one, LMO 2 is current.
        LmoRepository lmos(m_db->connection());
        LmoProfile next;
        next.org.name = u"Ledgerly LMO 2"_s;
        next.org.orgId = SalesforceId::fromString(u"00D5f000000LmoB"_s).to18();
        QVERIFY(lmos.switchTo(next, QDate(2026, 6, 1)).ok());
        auto known = lmos.all();
        QVERIFY(known.ok());
        QCOMPARE(known->size(), 2);
        QCOMPARE(known->at(0).ref, 1);
        QVERIFY(!known->at(0).current);
        QCOMPARE(known->at(0).replacedOn, QDate(2026, 6, 1));
        QCOMPARE(known->at(1).ref, 2);
        QVERIFY(known->at(1).current);

        // Now a license file must say which LMO it came from; unsaid, nothing is written.
        const QString path = m_dir.filePath(QStringLiteral("after-switch.csv"));
        writeFile(path, "sfLma__Package__r.Name,sfLma__Status__c,sfLma__Seats__c,sfLma__Subscriber_Org_ID__c\n"
                        "Ledgerly CPQ,Active,40,00D300000000021\n"
                        "Ledgerly CPQ,Trial,5,00D300000000099\n");
        auto refused = importFile(*m_db, path);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, Error::Code::Usage);
        QVERIFY2(refused.error().message.contains(u"more than one LMO"_s), qPrintable(refused.error().message));
        QVERIFY(refused.error().message.contains(u"; 2 for Ledgerly LMO 2"_s));
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), 3);
        ImportOptions unknown;
        unknown.lmoRef = 7;
        QVERIFY(!importFile(*m_db, path, unknown).ok());

        // From LMO 2: org ...021 reinstalled the package after the switch, so it has a license in
        // each LMO (the LMA keeps one per package per org in each); the old one is untouched.
        ImportOptions fromNew;
        fromNew.lmoRef = 2;
        const ImportReport r = mustImport(*m_db, path, fromNew);
        QCOMPARE(r.inserted, 2);
        QCOMPARE(r.updated, 0);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses l JOIN packages p ON p.id = l.package_ref "
                                u"WHERE org_id = '00D300000000021' AND p.name = 'Ledgerly CPQ'"_s),
                 2);
        QCOMPARE(textOf(*m_db, u"SELECT seats FROM licenses l JOIN packages p ON p.id = l.package_ref "
                               u"WHERE org_id = '00D300000000021' AND p.name = 'Ledgerly CPQ' AND lmo_ref = 1"_s),
                 u"1250"_s);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses WHERE lmo_ref = 2"_s), 2);
        // Again: each row finds its own LMO's license.
        const ImportReport again = mustImport(*m_db, path, fromNew);
        QCOMPARE(again.unchanged, 2);
        QCOMPARE(again.inserted, 0);
        // The old LMO's export still updates the old licenses only.
        ImportOptions fromOld;
        fromOld.lmoRef = 1;
        const ImportReport old = mustImport(*m_db, data("report_licenses.csv"), fromOld);
        QCOMPARE(old.inserted, 0);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), 5);

        // A record Id belongs to one org: the old LMO's record, in a file said to come from the
        // new one, is refused with the reason, and nothing moves.
        const QString withId = m_dir.filePath(QStringLiteral("old-record.csv"));
        writeFile(withId, "Id,sfLma__Package__r.Name,sfLma__Status__c,sfLma__Seats__c,sfLma__Subscriber_Org_ID__c\n"
                              + SalesforceId::fromString(u"a0B300000000021"_s).to18().toUtf8()
                              + ",Ledgerly CPQ,Active,1250,00D300000000021\n");
        QCOMPARE(mustImport(*m_db, withId, fromOld).updated, 1); // the Id is recorded on the old license
        const ImportReport wrong = mustImport(*m_db, withId, fromNew);
        QCOMPARE(wrong.rejected, 1);
        QCOMPARE(wrong.updated + wrong.inserted, 0);
        QVERIFY2(wrong.rejections.front().reason.contains(u"is filed under LMO 1, and this file was said to come from LMO 2"_s),
                 qPrintable(wrong.rejections.front().reason));
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), 5);

        // Licenses filed under the wrong LMO can be moved, each move audited. A move that would
        // put an org's package twice in one LMO is refused whole.
        LicenseFilter both;
        both.lmo = 2;
        both.text = u"00D300000000021"_s;
        auto clash = assignLicensesToLmo(*m_db, both, 1, u"test"_s);
        QVERIFY(!clash.ok());
        QCOMPARE(clash.error().code, Error::Code::Conflict);
        QVERIFY2(clash.error().message.contains(u"already in LMO 1"_s), qPrintable(clash.error().message));
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses WHERE lmo_ref = 2"_s), 2);
        LicenseFilter one;
        one.lmo = 2;
        one.text = u"00D300000000099"_s;
        QCOMPARE(assignLicensesToLmo(*m_db, one, 1, u"test"_s).value(), 1);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses WHERE org_id = '00D300000000099' AND lmo_ref = 1"_s), 1);
        QCOMPARE(textOf(*m_db, u"SELECT old_value || '>' || new_value FROM audit_log WHERE field = 'LMO'"_s), u"2>1"_s);
        QCOMPARE(number(*m_db, u"SELECT lmo_mask FROM subscribers WHERE org_id = '00D300000000099'"_s), 1);
        QVERIFY(!assignLicensesToLmo(*m_db, LicenseFilter(), 2, u"test"_s).ok()); // everything at once: refused
        QVERIFY(!assignLicensesToLmo(*m_db, one, 9, u"test"_s).ok());            // no LMO 9
    }

    void anEmptyDatabaseLoadsIntoTheChosenLmo()
    {
        LmoRepository lmos(m_db->connection());
        LmoProfile first;
        first.org.name = u"First"_s;
        QVERIFY(lmos.save(first).ok());
        LmoProfile second;
        second.org.name = u"Second"_s;
        QVERIFY(lmos.switchTo(second, QDate(2026, 1, 1)).ok());
        ImportOptions o;
        o.lmoRef = 2;
        const ImportReport r = mustImport(*m_db, data("dataloader_licenses.csv"), o); // the fast path
        QVERIFY(r.inserted > 0);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses WHERE lmo_ref = 2"_s), r.inserted);
        QVERIFY(buildDeferredIndexes(m_db->connection()).ok());
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses WHERE lmo_ref <> 2"_s), 0);
    }

    void aRepeatAfterAPackageLearnsItsIdKeepsOnePackage()
    {
        const QString path = m_dir.filePath(QStringLiteral("learned.csv"));
        writeFile(path, "sfLma__Package__c,sfLma__Package__r.Name,sfLma__Status__c,sfLma__Seats__c,sfLma__Subscriber_Org_ID__c\n"
                        ",Ledgerly CPQ,Active,5,00D300000000081\n"
                        "a08300000000001,Ledgerly CPQ,Active,5,00D300000000082\n"
                        "a08300000000001,Ledgerly CPQ,Trial,7,00D300000000082\n");
        const ImportReport r = mustImport(*m_db, path);
        QCOMPARE(r.inserted, 2);
        QCOMPARE(r.updated, 1);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM packages"_s), 1);
        QCOMPARE(textOf(*m_db, u"SELECT name || ' ' || sf_id FROM packages"_s),
                 u"Ledgerly CPQ "_s + SalesforceId::fromString(u"a08300000000001"_s).to18());
    }

    void theSameLicenseTwiceInOneFileIsOneLicense()
    {
        const QString path = m_dir.filePath(QStringLiteral("twice.csv"));
        writeFile(path, "sfLma__Package__r.Name,sfLma__Status__c,sfLma__Seats__c,sfLma__Subscriber_Org_ID__c\n"
                        "Ledgerly CPQ,Trial,5,00D300000000071\n"
                        "Ledgerly CPQ,Active,25,00D300000000071\n");
        const ImportReport r = mustImport(*m_db, path);
        QCOMPARE(r.inserted, 1);
        QCOMPARE(r.updated, 1);
        QCOMPARE(textOf(*m_db, u"SELECT status || ' ' || seats FROM licenses"_s), u"Active 25"_s);
    }

    void aReportPackageLearnsItsIdFromALaterExport()
    {
        mustImport(*m_db, data("report_licenses.csv"));
        const QString pkg = SalesforceId::fromString(u"a083000000BBBBB").to18();
        const QString path = m_dir.filePath(QStringLiteral("with-package-id.csv"));
        writeFile(path, "Id,sfLma__Package__c,sfLma__Package__r.Name,sfLma__Status__c,sfLma__Seats__c,sfLma__Subscriber_Org_ID__c\n"
                        "a0B300000000021," + pkg.toUtf8() + ",Ledgerly CPQ,Active,1250,00D300000000021\n");
        const ImportReport r = mustImport(*m_db, path);
        QCOMPARE(r.inserted, 0);
        QCOMPARE(r.updated, 1); // the Id is new to the record
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM packages"_s), 2);
        QCOMPARE(textOf(*m_db, u"SELECT sf_id FROM packages WHERE name = 'Ledgerly CPQ'"_s), pkg);
        // And the package export that follows completes that package instead of failing.
        const ImportReport p = mustImport(*m_db, data("packages.csv"));
        QCOMPARE(p.rejected, 0);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM packages"_s), 2);
    }

    void onlyTheVersionsIdLeavesTheNumberAlone()
    {
        mustImport(*m_db, data("cli_licenses.csv"));
        const QString path = m_dir.filePath(QStringLiteral("version-id.csv"));
        writeFile(path, "Id,sfLma__Package__r.Name,sfLma__Package_Version__c,sfLma__Status__c,sfLma__Subscriber_Org_ID__c\n"
                        "a0B300000000011,Ledgerly Billing,a093000000ZZZ01,Active,00D300000000011\n");
        mustImport(*m_db, path);
        QCOMPARE(textOf(*m_db, u"SELECT version_number FROM licenses WHERE name = 'L-00011'"_s), u"3.2"_s);
        QVERIFY(number(*m_db, u"SELECT package_version_ref FROM licenses WHERE name = 'L-00011'"_s) > 0);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM audit_log WHERE field = 'Version Number'"_s), 0);
    }

    void aReportsPackageVersionIsANameNotANumber()
    {
        mustImport(*m_db, data("packages.csv"));
        mustImport(*m_db, data("package_versions.csv"));
        const QString path = m_dir.filePath(QStringLiteral("version-name.csv"));
        writeFile(path, "Package,Package Version,Status,Subscriber Org ID\n"
                        "Ledgerly Billing,Spring '24,Active,00D300000000095\n");
        QCOMPARE(mustImport(*m_db, path).inserted, 1);
        QCOMPARE(textOf(*m_db, u"SELECT version_number FROM licenses"_s), u"1.4"_s);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM package_versions"_s), 3);
    }

    void europeanReportNumbersAndDates()
    {
        const QString path = m_dir.filePath(QStringLiteral("eu.csv"));
        writeFile(path, "Package;Status;Licensed Seats;Used Licenses;Expiration Date;Subscriber Org ID\n"
                        "Ledgerly CPQ;Active;25.000;1.250;31/12/2027;00D300000000096\n");
        ImportOptions options;
        options.dateOrder = DateOrder::DayMonthYear;
        QCOMPARE(mustImport(*m_db, path, options).inserted, 1);
        QCOMPARE(textOf(*m_db, u"SELECT seats || '/' || used_licenses || ' ' || expiration FROM licenses"_s),
                 u"25000/1250 2027-12-31"_s);
    }

    void reportDateTimesInOtherLocalesAndTwoDigitYears()
    {
        QString why;
        QVERIFY(ValueParser::dateTime(u"3/1/2026, 10:15 PM", DateOrder::MonthDayYear, &why).has_value());
        QVERIFY(ValueParser::dateTime(u"3/1/2026 10:15\u202FPM", DateOrder::MonthDayYear, &why).has_value());
        QCOMPARE(ValueParser::dateTime(u"3/1/2026 10:15 PM", DateOrder::MonthDayYear, &why)->toLocalTime().time(), QTime(22, 15));
        QCOMPARE(*ValueParser::date(u"1/2/99", DateOrder::MonthDayYear, &why), QDate(1999, 1, 2));
        QCOMPARE(*ValueParser::date(u"1/2/26", DateOrder::MonthDayYear, &why), QDate(2026, 1, 2));
        QVERIFY(!ValueParser::expiration(u"1/1/70", DateOrder::MonthDayYear, &why)->isValid()); // does not expire
    }

    void aFileThatIsNotUtf8IsReadAsWindows1252()
    {
        const QString path = m_dir.filePath(QStringLiteral("latin1.csv"));
        writeFile(path, "Account Name,Package,Status,Subscriber Org ID\n"
                        "Soci\xE9t\xE9 G\xE9n\xE9rale,Ledgerly CPQ,Active,00D300000000097\n");
        const ImportReport r = mustImport(*m_db, path);
        QCOMPARE(r.encoding, TextEncoding::Windows1252);
        QVERIFY(r.summary().contains(QStringLiteral("Windows-1252")));
        QCOMPARE(textOf(*m_db, u"SELECT account_name FROM licenses"_s), u"Société Générale"_s);
    }

    void anEmptyDatabaseIsLoadedAsWholeOrNotAtAll()
    {
        // The fast path for an empty table (indexes dropped, rows read on another thread) keeps
        // the same promises: strict refusal, a cancel half-way, indexes back either way.
        const QByteArray before = test::contentHash(*m_db);
        ImportOptions strict;
        strict.strict = true;
        const ImportReport refused = mustImport(*m_db, data("bad_rows.csv"), strict);
        QVERIFY(refused.refused);
        QCOMPARE(test::contentHash(*m_db), before);

        const QString path = m_dir.filePath(QStringLiteral("fresh-big.csv"));
        QVERIFY(test::writeLicenseCsv(path, 30000, QStringLiteral("Ledgerly CPQ")));
        ImportOptions cancel;
        cancel.progress = [](const ImportProgress &p) { return p.rows < 15000; };
        auto r = importFile(*m_db, path, cancel);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::Cancelled);
        QCOMPARE(test::contentHash(*m_db), before);
        QCOMPARE(indexCount(*m_db), test::licenseIndexesBuilt(*m_db));
        // The load checks no foreign key itself (it makes every reference), and the table's
        // CHECK rules in the writer; SQLite's checks are back on (a server's are never off).
        if (!m_db->isTeamDatabase()) {
            QCOMPARE(number(*m_db, u"PRAGMA foreign_keys"_s), 1);
            QCOMPARE(number(*m_db, u"PRAGMA ignore_check_constraints"_s), 0);
        }
        // Without the cancel it all arrives; the indexes are left to build once the rows are
        // saved, and recorded as such.
        QCOMPARE(mustImport(*m_db, path).inserted, 30000);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), 30000);
        QCOMPARE(indexCount(*m_db), 0);
        QCOMPARE(deferredIndexCount(m_db->connection()).value(), test::deferredAfterFreshLoad(*m_db));
        if (!m_db->isTeamDatabase()) {
            QCOMPARE(number(*m_db, u"PRAGMA foreign_keys"_s), 1);
            QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM pragma_foreign_key_check"_s), 0);
            QCOMPARE(number(*m_db, u"PRAGMA ignore_check_constraints"_s), 0);
        }
        QVERIFY(!QSqlQuery(m_db->connection()).exec(u"UPDATE licenses SET status = 'Bogus' WHERE id = (SELECT MIN(id) FROM licenses)"_s));
        // A server has the foreign keys back already, not yet checked over the old rows but
        // enforced on every new write; the primary key waits with the indexes.
        const QString unchecked = u"SELECT COUNT(*) FROM pg_constraint WHERE conrelid = to_regclass('licenses') AND contype = 'f' "
                                  "AND NOT convalidated"_s;
        const QString primaryKey = u"SELECT COUNT(*) FROM pg_constraint WHERE conrelid = to_regclass('licenses') AND contype = 'p'"_s;
        if (m_db->isTeamDatabase()) {
            QCOMPARE(foreignKeyCount(*m_db), 2);
            QCOMPARE(number(*m_db, unchecked), 2);
            QCOMPARE(number(*m_db, primaryKey), 0);
            QSqlQuery bad(m_db->connection());
            QVERIFY(!bad.exec(u"UPDATE licenses SET package_ref = (SELECT MAX(id) + 1 FROM packages) WHERE id = (SELECT MIN(id) FROM licenses)"_s));
            QVERIFY2(bad.lastError().text().contains(u"foreign key"_s), qPrintable(bad.lastError().text()));
        }
        // The next import builds them before it looks anything up (it needs the unique ones).
        const ImportReport again = mustImport(*m_db, path);
        QCOMPARE(again.unchanged, 30000);
        QCOMPARE(indexCount(*m_db), test::licenseIndexesBuilt(*m_db));
        QCOMPARE(deferredIndexCount(m_db->connection()).value(), 0);
        if (m_db->isTeamDatabase()) {
            QCOMPARE(number(*m_db, unchecked), 0);
            QCOMPARE(number(*m_db, primaryKey), 1);
            QVERIFY(!QSqlQuery(m_db->connection()).exec(u"UPDATE licenses SET id = id + 1 WHERE id = (SELECT MIN(id) FROM licenses)"_s));
        }
    }

    // A load into an empty table turns SQLite's CHECK constraints off; the writer then holds
    // every row to the licenses table's rules itself, before any of a batch goes in.
    void theWriterHoldsRowsToTheTableRulesWhenSqliteDoesNot()
    {
        QSqlDatabase c = m_db->connection();
        QVERIFY(QSqlQuery(c).exec(u"INSERT INTO packages (name) VALUES ('Ledgerly CPQ')"_s));
        const qint64 package = number(*m_db, u"SELECT id FROM packages"_s);
        auto batchWith = [package](std::string_view badStatus, qint64 badSeats) {
            LicenseRowBatch batch;
            for (int i = 0; i < 70; ++i) { // two many-row statements and a remainder
                batch.addRow();
                const std::string name = "L-" + std::to_string(i);
                const std::string org = "00D9000000" + std::to_string(10000 + i);
                batch.setText(LicenseRowBatch::Name, name);
                batch.setText(LicenseRowBatch::OrgId, org);
                batch.setInteger(LicenseRowBatch::PackageRef, package);
                batch.setText(LicenseRowBatch::Status, i == 40 && !badStatus.empty() ? badStatus : "Active");
                batch.setInteger(LicenseRowBatch::Seats, i == 41 ? badSeats : 5);
                batch.setInteger(LicenseRowBatch::UsedLicenses, 0);
                batch.setInteger(LicenseRowBatch::IsSandbox, 0);
            }
            return batch;
        };
        const bool sqlite = !m_db->isTeamDatabase();
        if (sqlite)
            QVERIFY(QSqlQuery(c).exec(u"PRAGMA ignore_check_constraints=ON"_s));
        QVERIFY(QSqlQuery(c).exec(u"BEGIN"_s));
        {
            LicenseWriter writer(*m_db);
            writer.checkTableRules(true);
            for (const auto &[status, seats] : {std::pair<std::string_view, qint64>{"Bogus", 5}, {"", -2}, {"active", 5}}) {
                const LicenseRowBatch batch = batchWith(status, seats);
                auto r = writer.insertRows(batch, 0, batch.size());
                QVERIFY(!r.ok());
                QVERIFY2(r.error().message.contains(u"CHECK constraint failed"_s), qPrintable(r.error().message));
                QVERIFY2(r.error().message.contains(u"L-4"_s), qPrintable(r.error().message)); // L-40 or L-41
                QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), 0); // not one row of the batch
                QVERIFY(!writer.insert(batch, status.empty() ? 41 : 40).ok()); // one at a time too
                QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), 0);
            }
            const LicenseRowBatch good = batchWith("", 5);
            QVERIFY(writer.insertRows(good, 0, good.size()).ok());
            QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), 70);
        }
        {
            // What the writer's check stands in for: with the pragma on, SQLite lets it through;
            // a server refuses the whole COPY on its own CHECK.
            LicenseWriter unchecked(*m_db);
            QVERIFY(QSqlQuery(c).exec(u"DELETE FROM licenses"_s));
            const LicenseRowBatch bad = batchWith("Bogus", 5);
            const auto copied = unchecked.insertRows(bad, 0, bad.size());
            if (sqlite) {
                QVERIFY(copied.ok());
                QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses WHERE status = 'Bogus'"_s), 1);
            } else {
                QVERIFY(!copied.ok());
                QVERIFY2(copied.error().message.contains(u"check constraint"_s), qPrintable(copied.error().message));
                // The failed statement aborted the transaction: the writer's statement can only
                // be freed after the rollback.
                QVERIFY(QSqlQuery(c).exec(u"ROLLBACK"_s));
                QVERIFY(QSqlQuery(c).exec(u"BEGIN"_s));
            }
        }
        QVERIFY(QSqlQuery(c).exec(u"ROLLBACK"_s));
        if (sqlite)
            QVERIFY(QSqlQuery(c).exec(u"PRAGMA ignore_check_constraints=OFF"_s));
    }

    // The fast path reads plain values straight from the bytes and hands everything else to the
    // careful reader: whatever it accepts must come out exactly as the careful path stores it.
    void theFastPathStoresEveryRowAsTheCarefulPathDoes_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("dmy");
        QTest::newRow("data loader") << data("dataloader_licenses.csv") << false;
        QTest::newRow("cli") << data("cli_licenses.csv") << false;
        QTest::newRow("cli tab") << data("cli_licenses_tab.tsv") << false;
        QTest::newRow("report") << data("report_licenses.csv") << false;
        QTest::newRow("report dmy") << data("report_licenses_dmy_semicolon.csv") << true;
        QTest::newRow("bad rows") << data("bad_rows.csv") << false;
        // Values at the edge of what the fast reader takes.
        const QString edges = m_dir.filePath(QStringLiteral("edges.csv"));
        const QString id1 = SalesforceId::fromString(u"a0B300000000001").to18();
        const QString id2 = SalesforceId::fromString(u"a0B3000000000Zz").to18();
        QByteArray csv = "Id,Name,sfLma__Package__r.Name,sfLma__Package_Version__r.Name,sfLma__Version_Number__c,"
                         "sfLma__Status__c,sfLma__Seats__c,sfLma__Used_Licenses__c,sfLma__Expiration__c,"
                         "sfLma__Install_Date__c,sfLma__Subscriber_Org_ID__c,sfLma__Account__r.Name,"
                         "sfLma__Subscriber_Org_Is_Sandbox__c,sfLma__Last_Modified__c\n";
        const QList<QByteArray> rows = {
            // plain; lower-case checksum; 15-character ids; a folded id (careful reader restores it)
            id1.toLatin1() + ",L-1,Pkg,Winter '26,1.0,Active,25.0,3,2027-01-31,2026-01-02,00D300000000001EAA,Acme,false,2026-03-01T10:15:00.000Z",
            id2.toLower().toLatin1().left(15) + id2.right(3).toLower().toLatin1() + ",L-2,Pkg,,1.0,Trial,-1,0,1970-01-01,2026-02-29,00D300000000002,Acme,true,2026-03-01T10:15:00Z",
            "A0B300000000003EAA,L-3,Pkg,,,Suspended,0,,,2024-02-29,00d300000000003eaa,Beta,1,",
            // blanks and spaces around values, a formula guard, Unicode text and a no-break space at an end
            "  ,  L-4  ,Pkg,, 2.0 ,Uninstalled , 7 , 1.0 ,2027-12-31T00:00:00.000Z,2026-03-01,00D300000000004,'=SUM(A1),0,2026-03-01T10:15:00",
            ",L-5,Pkg,,,Active,5,2,,,00D300000000005,\"Soci\xC3\xA9t\xC3\xA9 G\xC3\xA9n\xC3\xA9rale\xC2\xA0\",FALSE,2026-03-01T10:15:00+01:00",
            // values only the careful reader takes, or rejects
            ",L-6,Pkg,,,active,\"1,250\",0,Does not expire,3/4/2026,00D300000000006,Acme,yes,",
            ",L-7,Pkg,,,Active,Site License,0,,,00D300000000007,Acme,,",
            ",L-8,Pkg,,,Active,12.5,0,,,00D300000000008,Acme,,",
            ",L-9,Pkg,,,Active,5,0,2026-02-30,,00D300000000009,Acme,,",
            ",L-10,Pkg,,,Active,5,0,,,001300000000001,Acme,,",
            ",L-11,Pkg,,,Active,5,-2,,,00D300000000011,Acme,,",
            ",L-12,,,,Active,5,0,,,00D300000000012,Acme,,",
            ",L-13,Pkg,,,Active,5,0,,,00D300000000013,Acme,maybe,",
            ",L-14,Pkg,,,Active,5,0,,,00D300000000014,Acme,,2026-03-01T25:15:00Z",
            ",L-15,Pkg,,,Active,99000001,0,,,00D300000000015,Acme,,",
            ",L-16,Pkg,,,Active,5,0,0999-01-01,,00D300000000016,Acme,,",
            // numbers past 32 bits; the formula guard after white space, and apostrophes that are text
            ",L-17,Pkg,,,Active,5,4294967297,,,00D300000000017,Acme,,",
            ",L-18,Pkg,,,Active,2147483648,0,,,00D300000000018,Acme,,",
            ",L-19,Pkg,,,Active,5,99000000,,,00D300000000019,' =cmd,,",
            ",L-20,Pkg,,,Active,5,0,,,00D300000000020,'-1,,",
            ",L-21,Pkg,,,Active,5,0,,,00D300000000021,'-2+3,,",
            ",L-22,Pkg,,,Active,5,0,,,00D300000000022,\"'\xC2\xA0=cmd\",,",
        };
        for (const QByteArray &row : rows)
            csv += row + "\n";
        writeFile(edges, csv);
        QTest::newRow("edges") << edges << false;

        // Enough rows to cross the reading thread's batches (4,096 rows) and fill the writer's
        // many-row statements, with a remainder; careful-only values mixed in; three packages.
        enum class Twice { No, ByOrgAndPackage, ById };
        auto many = [this](const QString &name, Twice twice) {
            const QString path = m_dir.filePath(name);
            QByteArray text = "Id,Name,sfLma__Package__r.Name,sfLma__Status__c,sfLma__Seats__c,sfLma__Used_Licenses__c,"
                              "sfLma__Expiration__c,sfLma__Install_Date__c,sfLma__Subscriber_Org_ID__c,"
                              "sfLma__Account__r.Name\n";
            const char *packages[] = {"Ledgerly CPQ", "Ledgerly Billing", "Ledgerly Sign"};
            const char *statuses[] = {"Active", "Trial", "Suspended", "Uninstalled"};
            auto id = [](const QByteArray &prefix, const QByteArray &n) {
                return SalesforceId::fromString(QString::fromLatin1(prefix + n + "AA")).to18().toLatin1();
            };
            const QByteArray seven = QByteArray::number(7).rightJustified(9, '0');
            for (int i = 0; i < 4203; ++i) {
                const QByteArray n = QByteArray::number(i).rightJustified(9, '0');
                // Row 4,150 repeats row 7's license, in the next batch: by org and package (no Id),
                // or by its record Id alone (another org).
                const bool repeat = i == 4150 && twice != Twice::No;
                const QByteArray recordId = !repeat ? id("a0B9", n) : twice == Twice::ById ? id("a0B9", seven) : QByteArray();
                const QByteArray org = repeat && twice == Twice::ByOrgAndPackage ? id("00D9", seven) : id("00D9", n);
                text += recordId + ",L-" + n + "," + packages[(repeat && twice == Twice::ByOrgAndPackage ? 7 : i) % 3] + ","
                        + statuses[i % 4] + "," + (i % 97 == 0 ? "Site License" : QByteArray::number(i % 50)) + ","
                        + QByteArray::number(i % 5) + ","
                        + (i % 3 == 0 ? QByteArray() : "2027-0" + QByteArray::number(1 + i % 9) + "-15") + ","
                        + (i % 11 == 0 ? "3/4/2026" : "2025-1" + QByteArray::number(i % 3) + "-01") + "," + org
                        + ",\"Account " + n + ", Inc.\"\n";
            }
            writeFile(path, text);
            return path;
        };
        QTest::newRow("4,203 rows") << many(QStringLiteral("many.csv"), Twice::No) << false;
        QTest::newRow("4,203 rows, a license twice by org and package")
            << many(QStringLiteral("many-twice.csv"), Twice::ByOrgAndPackage) << false;
        QTest::newRow("4,203 rows, a license twice by Id") << many(QStringLiteral("many-twice-id.csv"), Twice::ById) << false;

        // A repeat sends the load down the careful path after a rollback: what the fast pass
        // learned of the packages (here, that the package named first gained its id) must go too.
        const QString learned = m_dir.filePath(QStringLiteral("package-learned.csv"));
        writeFile(learned, "sfLma__Package__c,sfLma__Package__r.Name,sfLma__Status__c,sfLma__Seats__c,sfLma__Subscriber_Org_ID__c\n"
                           ",Ledgerly CPQ,Active,5,00D300000000081\n"
                           "a08300000000001,Ledgerly CPQ,Active,5,00D300000000082\n"
                           "a08300000000001,Ledgerly CPQ,Trial,7,00D300000000082\n");
        QTest::newRow("a package learns its id, then a repeat") << learned << false;
    }

    void theFastPathStoresEveryRowAsTheCarefulPathDoes()
    {
        QFETCH(QString, file);
        QFETCH(bool, dmy);
        auto load = [&](bool fast, ImportReport *report) -> QString {
            Database::OpenOptions o;
            o.create = true;
            auto db = Database::open(test::location(m_dir.filePath(QStringLiteral("path-%1-%2.sqlite").arg(++m_count).arg(fast))), o);
            if (!db)
                return QStringLiteral("cannot open");
            ImportOptions options;
            options.fastLoad = fast;
            options.dateOrder = dmy ? DateOrder::DayMonthYear : DateOrder::MonthDayYear;
            *report = mustImport(*db.value(), file, options);
            QString dump;
            for (const char *table : {"packages", "package_versions", "licenses"}) {
                QSqlQuery q(db.value()->connection());
                if (!q.exec(QStringLiteral("SELECT * FROM %1 ORDER BY id").arg(QLatin1String(table))))
                    return q.lastError().text();
                while (q.next()) {
                    for (int c = 0; c < q.record().count(); ++c)
                        dump += (q.value(c).isNull() ? QStringLiteral("<null>") : q.value(c).toString()) + u'|';
                    dump += u'\n';
                }
            }
            return dump;
        };
        ImportReport fastReport, carefulReport;
        const QString fast = load(true, &fastReport);
        const QString careful = load(false, &carefulReport);
        QCOMPARE(fast, careful);
        QVERIFY(fastReport.inserted > 0);
        QCOMPARE(fastReport.inserted, carefulReport.inserted);
        QCOMPARE(fastReport.rejected, carefulReport.rejected);
        QCOMPARE(fastReport.rejections.size(), carefulReport.rejections.size());
        for (size_t i = 0; i < fastReport.rejections.size(); ++i)
            QCOMPARE(fastReport.rejections[i].text(file), carefulReport.rejections[i].text(file));
    }

    void theFastReaderTakesPlainDataLoaderValues()
    {
        // A Data Loader row with nothing unusual is read straight from its bytes.
        std::array<int, kImportFieldCount> columns;
        columns.fill(-1);
        columns[size_t(ImportField::Id)] = 0;
        columns[size_t(ImportField::PackageRef)] = 1;
        columns[size_t(ImportField::Status)] = 2;
        columns[size_t(ImportField::Seats)] = 3;
        columns[size_t(ImportField::Expiration)] = 4;
        columns[size_t(ImportField::OrgId)] = 5;
        columns[size_t(ImportField::IsSandbox)] = 6;
        columns[size_t(ImportField::LastModified)] = 7;
        const LicenseRowEncoder encoder(columns, DateOrder::MonthDayYear, ValueParser::NumberStyle::Plain);
        QBuffer buffer;
        buffer.setData("a0B300000000001EAA,a083000000AAAAAAA5,Active,25.0,1970-01-01,00D300000000001EAA,true,"
                       "2026-05-01T10:15:00.000Z\n");
        QVERIFY(buffer.open(QIODevice::ReadOnly));
        CsvReader reader(&buffer, ',');
        CsvRecord record;
        QVERIFY(reader.next(record));
        LicenseRowBatch batch(LicenseRowEncoder::Width);
        QVERIFY(encoder.encodeFast(record, batch));
        QCOMPARE(batch.size(), size_t(1));
        const LicenseRowBatch::Cell *row = batch.row(0);
        QCOMPARE(batch.text(row[LicenseRowBatch::SfId]), std::string_view("a0B300000000001EAA"));
        QCOMPARE(batch.text(row[LicenseRowEncoder::PackageRefKey]), std::string_view("a083000000AAAAAAA5"));
        QCOMPARE(row[LicenseRowBatch::Seats].number, 25);
        QVERIFY(row[LicenseRowBatch::Expiration].isNull()); // does not expire
        QCOMPARE(batch.text(row[LicenseRowBatch::OrgId]), std::string_view("00D300000000001"));
        QCOMPARE(row[LicenseRowBatch::IsSandbox].number, 1);
        QCOMPARE(batch.text(row[LicenseRowBatch::LastModified]), std::string_view("2026-05-01T10:15:00Z"));
        // A folded id needs the careful reader: declined, and the batch is as it was.
        QBuffer folded;
        folded.setData("A0B300000000001EAA,a083000000AAAAAAA5,Active,25,,00D300000000001,false,\n");
        QVERIFY(folded.open(QIODevice::ReadOnly));
        CsvReader reader2(&folded, ',');
        QVERIFY(reader2.next(record));
        QVERIFY(!encoder.encodeFast(record, batch));
        QCOMPARE(batch.size(), size_t(1));
    }

    void deferredIndexesAreBuiltOneAtATimeAndCanBeStopped()
    {
        const QString path = m_dir.filePath(QStringLiteral("deferred.csv"));
        QVERIFY(test::writeLicenseCsv(path, 2000, QStringLiteral("Ledgerly CPQ")));
        QCOMPARE(mustImport(*m_db, path).inserted, 2000);
        QCOMPARE(deferredIndexCount(m_db->connection()).value(), test::deferredAfterFreshLoad(*m_db));
        // Stopped after three: those three exist (on a server, the primary key is one of them:
        // not a secondary index), the rest are still recorded.
        const int all = test::deferredAfterFreshLoad(*m_db);
        std::vector<std::pair<int, int>> seen;
        auto stopped = buildDeferredIndexes(m_db->connection(), [&](int done, int total) {
            seen.emplace_back(done, total);
            return done < 3;
        });
        QVERIFY(!stopped.ok());
        QCOMPARE(stopped.error().code, Error::Code::Cancelled);
        const QString left = u"%1 of %2"_s.arg(all - 3).arg(all);
        QVERIFY2(stopped.error().message.contains(left), qPrintable(stopped.error().message));
        QCOMPARE(indexCount(*m_db), m_db->isTeamDatabase() ? 2 : 3);
        QCOMPARE(deferredIndexCount(m_db->connection()).value(), all - 3);
        QCOMPARE(seen.front(), std::make_pair(0, all));
        // Going on finishes the rest, reporting the end.
        seen.clear();
        QVERIFY(buildDeferredIndexes(m_db->connection(), [&](int done, int total) {
                    seen.emplace_back(done, total);
                    return true;
                }).ok());
        QCOMPARE(seen.back(), std::make_pair(all - 3, all - 3));
        QCOMPARE(indexCount(*m_db), test::licenseIndexesBuilt(*m_db));
        QCOMPARE(deferredIndexCount(m_db->connection()).value(), 0);
        // Built out of the write-ahead log (this connection was alone), which is back now.
        if (!m_db->isTeamDatabase())
            QCOMPARE(textOf(*m_db, u"PRAGMA journal_mode"_s), u"wal"_s);
        // The unique ones hold again.
        QSqlQuery q(m_db->connection());
        QVERIFY(!q.exec(u"INSERT INTO licenses (sf_id, package_ref, status, seats, org_id) SELECT sf_id, package_ref, "
                        "status, seats, org_id FROM licenses LIMIT 1"_s));
    }

    // What the window needs soonest is built first: the unique indexes, the default order's,
    // then the org summary.
    void deferredIndexesComeInTheOrderTheWindowNeedsThem()
    {
        const QString path = m_dir.filePath(QStringLiteral("order.csv"));
        QVERIFY(test::writeLicenseCsv(path, 200, QStringLiteral("Ledgerly CPQ")));
        QCOMPARE(mustImport(*m_db, path).inserted, 200);
        QCOMPARE(deferredIndexCount(m_db->connection()).value(), test::deferredAfterFreshLoad(*m_db));
        // On a server the primary key comes with the unique indexes, first.
        const int first = m_db->isTeamDatabase() ? 5 : 4;
        auto stopped = buildDeferredIndexes(m_db->connection(), [first](int done, int) { return done < first; });
        QVERIFY(!stopped.ok());
        QCOMPARE(stopped.error().code, Error::Code::Cancelled);
        QCOMPARE(deferredIndexCount(m_db->connection()).value(), test::deferredAfterFreshLoad(*m_db) - first);
        QStringList built;
        QSqlQuery q(m_db->connection());
        QVERIFY(q.prepare(m_db->dialect().listIndexesSql()));
        q.bindValue(u":table"_s, u"licenses"_s);
        QVERIFY(q.exec());
        while (q.next())
            built << q.value(0).toString();
        built.sort();
        QCOMPARE(built, QStringList({u"licenses_install_date"_s, u"licenses_org_package"_s, u"licenses_sf_id"_s}));
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM deferred_indexes WHERE name = '~subscribers'"_s), 0);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM subscribers"_s), 200);
    }

    void aCancelAfterTheLastProgressReportStillCounts()
    {
        const QByteArray before = test::contentHash(*m_db);
        ImportOptions options;
        options.progress = [](const ImportProgress &) { return false; };
        auto r = importFile(*m_db, data("cli_licenses.csv"), options); // 3 rows: no report during the rows
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::Cancelled);
        QCOMPARE(test::contentHash(*m_db), before);
    }

    // --- Bad input ---

    void eachRejectionNamesLineColumnAndReason()
    {
        const ImportReport r = mustImport(*m_db, data("bad_rows.csv"));
        QCOMPARE(r.read, 9);
        QCOMPARE(r.inserted, 2);
        QCOMPARE(r.rejected, 7);
        QCOMPARE(r.exitCode(), 3);
        QStringList texts;
        for (const Rejection &j : r.rejections)
            texts << j.text(u"bad_rows.csv"_s);
        const QStringList expected{
            u"bad_rows.csv:3:5: Install Date: \"2024-13-45\" is not a date"_s,
            u"bad_rows.csv:4:4: Seats: \"ten\" is not a number"_s,
            u"bad_rows.csv:5:3: Status: \"Frozen\" is not a license status"_s,
            u"bad_rows.csv:6:1: Record ID: \"a0B300000000055XXX\" has a wrong checksum"_s,
            u"bad_rows.csv:7:6: Subscriber Org ID: \"001300000000056AAA\" is not an organization id"_s,
            u"bad_rows.csv:8:6: Subscriber Org ID: the subscriber org id is blank"_s,
            u"bad_rows.csv:9: the row has 4 fields but the header has 6"_s,
        };
        QCOMPARE(texts.size(), expected.size());
        for (int i = 0; i < expected.size(); ++i)
            QVERIFY2(texts[i].startsWith(expected[i]), qPrintable(texts[i]));
        QCOMPARE(r.rejections.front().values.value(4), u"2024-13-45"_s);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), 2);
    }

    void strictRefusesTheWholeFileAndWritesNothing()
    {
        mustImport(*m_db, data("cli_licenses.csv"));
        const QByteArray before = test::contentHash(*m_db);
        ImportOptions options;
        options.strict = true;
        const ImportReport r = mustImport(*m_db, data("bad_rows.csv"), options);
        QVERIFY(r.refused);
        QCOMPARE(r.exitCode(), 2);
        QCOMPARE(r.rejected, 7);
        QCOMPARE(r.inserted, 0);
        QVERIFY(r.refusal.contains(QStringLiteral("refused whole")));
        QCOMPARE(test::contentHash(*m_db), before);
    }

    void aHeaderWithoutRequiredColumnsIsRefusedNamingThem()
    {
        auto r = importFile(*m_db, data("missing_columns.csv"));
        QVERIFY(!r.ok());
        for (const char *missing : {"Subscriber Org ID", "Package", "Status"})
            QVERIFY2(r.error().message.contains(QLatin1String(missing)), qPrintable(r.error().message));
        QVERIFY(r.error().message.contains(QStringLiteral("missing_columns.csv")));
        auto other = importFile(*m_db, data("not_an_export.csv"));
        QVERIFY(!other.ok());
        QVERIFY(other.error().message.contains(QStringLiteral("not an LMA export")));
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), 0);
    }

    void anUnreadableFileIsRefused()
    {
        auto r = importFile(*m_db, m_dir.filePath(QStringLiteral("nowhere.csv")));
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(QStringLiteral("cannot be read")));
        const QString path = m_dir.filePath(QStringLiteral("unclosed.csv"));
        // A quote never closed that swallows the rows after it: which rows they were cannot be
        // told, so the file is refused whole (a cut-off last record is another matter, below).
        writeFile(path, "sfLma__Package__r.Name,sfLma__Status__c,sfLma__Subscriber_Org_ID__c\nA,Active,\"00D300000000081\n"
                        "A,Active,00D300000000082\n");
        r = importFile(*m_db, path);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(QStringLiteral("never closed")), qPrintable(r.error().message));
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), 0);
    }

    void cancellingLeavesTheDatabaseAsItWas()
    {
        mustImport(*m_db, data("cli_licenses.csv"));
        const QByteArray before = test::contentHash(*m_db);
        // A file big enough to report progress.
        const QString path = m_dir.filePath(QStringLiteral("big.csv"));
        QVERIFY(test::writeLicenseCsv(path, 12000, QStringLiteral("Ledgerly CPQ")));
        ImportOptions options;
        options.progress = [](const ImportProgress &p) { return p.rows < 10000; };
        auto r = importFile(*m_db, path, options);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::Cancelled);
        QCOMPARE(test::contentHash(*m_db), before);
        QCOMPARE(indexCount(*m_db, u"licenses_status"_s), 1);
    }

    // A download cut off inside a quoted field: the complete rows are imported and the cut one
    // rejected with its line; --strict refuses the file.
    void aCutOffLastRecordIsRejectedAndTheRestImported_data()
    {
        QTest::addColumn<bool>("fast");
        QTest::addColumn<bool>("strict");
        QTest::addColumn<QByteArray>("lineEnd");
        QTest::addColumn<QByteArray>("cutValue"); // what the file holds of the last account, after its quote
        QTest::newRow("fast path") << true << false << QByteArray("\n") << QByteArray("Acc");
        QTest::newRow("careful path") << false << false << QByteArray("\n") << QByteArray("Acc");
        QTest::newRow("CRLF") << true << false << QByteArray("\r\n") << QByteArray("Acc");
        QTest::newRow("strict") << true << true << QByteArray("\n") << QByteArray("Acc");
        QTest::newRow("strict, careful path") << false << true << QByteArray("\n") << QByteArray("Acc");
        // Cut inside a value with line breaks of its own (an address): still the one record.
        QTest::newRow("multi-line value") << true << false << QByteArray("\n") << QByteArray("Acme\nBuilding 4\nFlo");
        QTest::newRow("multi-line value, careful") << false << false << QByteArray("\n") << QByteArray("Acme, Inc.\nBuilding 4, Fl");
    }
    void aCutOffLastRecordIsRejectedAndTheRestImported()
    {
        QFETCH(bool, fast);
        QFETCH(bool, strict);
        QFETCH(QByteArray, lineEnd);
        QFETCH(QByteArray, cutValue);
        const QString path = m_dir.filePath(QStringLiteral("cut.csv"));
        QByteArray csv = "Id,sfLma__Package__r.Name,sfLma__Status__c,sfLma__Seats__c,sfLma__Subscriber_Org_ID__c,"
                         "sfLma__Account__r.Name" + lineEnd;
        for (int i = 1; i <= 3; ++i) {
            const QByteArray n = QByteArray::number(i);
            csv += SalesforceId::fromString(QString::fromLatin1("a0B30000000006" + n)).to18().toLatin1() + ",Ledgerly CPQ,Active,5,"
                   + "00D30000000006" + n + ",\"Account " + n + ", Inc.\"" + lineEnd;
        }
        csv += SalesforceId::fromString(u"a0B300000000064"_s).to18().toLatin1() + ",Ledgerly CPQ,Active,5,00D300000000064,\"" + cutValue;
        writeFile(path, csv);
        const QByteArray before = test::contentHash(*m_db);
        ImportOptions options;
        options.fastLoad = fast;
        options.strict = strict;
        auto result = importFile(*m_db, path, options);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        const ImportReport &r = result.value();
        QCOMPARE(r.read, 4);
        QCOMPARE(r.rejected, 1);
        QCOMPARE(r.rejections.size(), size_t(1));
        QCOMPARE(r.rejections[0].text(u"cut.csv"_s),
                 u"cut.csv:5:6: the file ends inside a quoted field: it looks cut off (an interrupted download?)"_s);
        if (strict) {
            QVERIFY(r.refused);
            QCOMPARE(r.exitCode(), 2);
            QCOMPARE(test::contentHash(*m_db), before);
        } else {
            QCOMPARE(r.inserted, 3);
            QCOMPARE(r.exitCode(), 3);
            QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), 3);
            QCOMPARE(textOf(*m_db, u"SELECT account_name FROM licenses WHERE org_id = '00D300000000063'"_s), u"Account 3, Inc."_s);
        }
    }

    // A pipe is read once: sniffing the header and reading the rows share one pass.
    void aPipeIsReadOnce_data()
    {
        QTest::addColumn<bool>("intoEmpty");
        QTest::newRow("into an empty database") << true;
        QTest::newRow("updating") << false;
    }
    void aPipeIsReadOnce()
    {
        QFETCH(bool, intoEmpty);
        const QString source = m_dir.filePath(QStringLiteral("piped-source.csv"));
        constexpr int kRows = 25000; // about 2.4 MB: more than twice the reader's 1 MiB block
        QVERIFY(test::writeLicenseCsv(source, kRows, QStringLiteral("Ledgerly CPQ")));
        QVERIFY(QFileInfo(source).size() > 2 * (1 << 20));
        if (!intoEmpty)
            QCOMPARE(mustImport(*m_db, source).inserted, kRows);
        const QString fifo = m_dir.filePath(QStringLiteral("pipe-%1").arg(++m_count));
        const QByteArray fifoName = QFile::encodeName(fifo);
        QCOMPARE(::mkfifo(fifoName.constData(), 0600), 0);
        // A writer that went away makes write() fail (EPIPE), not end the test (SIGPIPE).
        struct IgnoreSigpipe
        {
            void (*was)(int) = ::signal(SIGPIPE, SIG_IGN);
            ~IgnoreSigpipe() { ::signal(SIGPIPE, was); }
        } ignoreSigpipe;
        // The writer's end, as `cat f.csv |` would be; it blocks until the import opens the pipe.
        // Then, until the import returns, it answers any further open of the pipe with an end
        // of file, so that an import that opened it twice fails the test instead of hanging it.
        std::atomic<bool> done{false};
        std::thread writer([&] {
            QFile in(source), out(fifo);
            if (in.open(QIODevice::ReadOnly) && out.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
                while (!in.atEnd())
                    if (out.write(in.read(64 * 1024)) < 0)
                        break;
            out.close();
            while (!done.load()) {
                if (const int fd = ::open(fifoName.constData(), O_WRONLY | O_NONBLOCK); fd >= 0)
                    ::close(fd);
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
        });
        auto result = importFile(*m_db, fifo);
        done = true;
        writer.join();
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(result->read, kRows);
        QCOMPARE(result->rejected, 0);
        QCOMPARE(intoEmpty ? result->inserted : result->unchanged, kRows);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), kRows);
        QCOMPARE(textOf(*m_db, u"SELECT name FROM licenses ORDER BY name LIMIT 1"_s), u"L-000000000"_s);
    }

    // Every number is checked into its column's range before it is stored: nothing wraps.
    void everyNumberIsRangeChecked_data()
    {
        QTest::addColumn<QString>("column");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("stored"); // empty: rejected
        QTest::addColumn<bool>("fast");
        const QString seats = u"sfLma__Seats__c"_s, licensed = u"sfLma__Licensed_Seats__c"_s,
                      used = u"sfLma__Used_Licenses__c"_s, sequence = u"sfLma__Sequence__c"_s;
        const QList<std::pair<QString, QString>> cases = {
            {seats, u"4294967297"_s},    {seats, u"2147483648"_s},          {seats, u"99000001"_s},
            {seats, u"-2"_s},            {seats, u"9223372036854775808"_s}, {seats, u"-1|-1"_s},
            {seats, u"99000000|99000000"_s}, {licensed, u"4294967297"_s},   {licensed, u"Site License|-1"_s},
            {used, u"4294967297"_s},     {used, u"2147483648"_s},           {used, u"99000001"_s},
            {used, u"-1"_s},             {used, u"99999999999999999999"_s}, {used, u"99000000|99000000"_s},
            {used, u"0|0"_s},            {sequence, u"2147483648"_s},       {sequence, u"-1"_s},
            {sequence, u"9223372036854775808"_s}, {sequence, u"2147483647|2147483647"_s},
        };
        for (const auto &[column, value] : cases) {
            const QStringList parts = value.split(u'|');
            for (bool fast : {true, false})
                QTest::addRow("%s %s%s", qPrintable(column.mid(7)), qPrintable(parts[0]), fast ? "" : " careful")
                    << column << parts[0] << parts.value(1) << fast;
        }
    }
    void everyNumberIsRangeChecked()
    {
        QFETCH(QString, column);
        QFETCH(QString, value);
        QFETCH(QString, stored);
        QFETCH(bool, fast);
        const QString path = m_dir.filePath(QStringLiteral("numbers.csv"));
        const bool version = column == u"sfLma__Sequence__c"_s;
        const QByteArray header = version ? "sfLma__Package__r.Name,sfLma__Version_Number__c," : "sfLma__Package__r.Name,sfLma__Status__c,sfLma__Subscriber_Org_ID__c,";
        const QByteArray row = version ? "Ledgerly CPQ,2.1," : "Ledgerly CPQ,Active,00D300000000091,";
        writeFile(path, header + column.toLatin1() + "\n" + row + value.toLatin1() + "\n");
        ImportOptions options;
        options.fastLoad = fast;
        const ImportReport r = mustImport(*m_db, path, options);
        QCOMPARE(r.read, 1);
        const QString sql = version ? u"SELECT sequence FROM package_versions"_s
                            : column == u"sfLma__Used_Licenses__c"_s ? u"SELECT used_licenses FROM licenses"_s
                                                                      : u"SELECT seats FROM licenses"_s;
        if (stored.isEmpty()) {
            QCOMPARE(r.rejected, 1);
            QCOMPARE(r.exitCode(), 2);
            const QString text = r.rejections.at(0).text(u"numbers.csv"_s);
            QVERIFY2(text.startsWith(version ? u"numbers.csv:2:3: "_s : u"numbers.csv:2:4: "_s), qPrintable(text));
            QVERIFY2(text.contains(u"out of range"_s) && text.contains(value), qPrintable(text));
            QCOMPARE(textOf(*m_db, sql), u"<no row>"_s);
        } else {
            QCOMPARE(r.rejected, 0);
            QCOMPARE(textOf(*m_db, sql), stored);
        }
    }

    // NUL bytes and stray byte-order marks before the header are skipped, and said; the Id
    // column is recognised through them.
    void junkBeforeTheHeaderDoesNotFoolItsRecognition_data()
    {
        QTest::addColumn<QByteArray>("junk");
        QTest::addColumn<QString>("said");
        QTest::newRow("NULs") << QByteArray(5, '\0') << u"5 NUL bytes"_s;
        QTest::newRow("a stray FF FE") << QByteArray("\xFF\xFE") << u"a stray byte-order mark"_s;
        QTest::newRow("a stray FE FF") << QByteArray("\xFE\xFF") << u"a stray byte-order mark"_s;
        QTest::newRow("BOM, then a stray one") << QByteArray("\xEF\xBB\xBF\xFF\xFE") << u"a stray byte-order mark"_s;
        QTest::newRow("NULs and a stray FF FE") << QByteArray("\0\0\xFF\xFE\0", 5) << u"3 NUL bytes and a stray byte-order mark"_s;
        QTest::newRow("a first block of NULs") << QByteArray((1 << 20) + 7, '\0') << u"1048583 NUL bytes"_s;
    }
    void junkBeforeTheHeaderDoesNotFoolItsRecognition()
    {
        QFETCH(QByteArray, junk);
        QFETCH(QString, said);
        const QString path = m_dir.filePath(QStringLiteral("junk.csv"));
        QFile clean(data("cli_licenses.csv"));
        QVERIFY(clean.open(QIODevice::ReadOnly));
        writeFile(path, junk + clean.readAll());
        const ImportReport r = mustImport(*m_db, path);
        QCOMPARE(r.mapping.at(0), ImportField::Id);
        QVERIFY2(!r.ignoredColumns.contains(u"Id"_s), qPrintable(r.ignoredColumns.join(u", "_s)));
        QCOMPARE(r.inserted, 3);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses WHERE sf_id IS NULL"_s), 0);
        QVERIFY2(r.summary().contains(QStringLiteral("skipped %1 before the header").arg(said)), qPrintable(r.summary()));
    }

    // Other control characters in a header are not skipped: the file is refused, and the message
    // names the character rather than carrying it.
    void aHeaderWithControlCharactersIsRefused()
    {
        const QString path = m_dir.filePath(QStringLiteral("control.csv"));
        writeFile(path, QByteArray("Id,sfLma__Package__r.Name,sfLma__St\x01" "atus__c,sfLma__Subscriber_Org_ID__c\n"
                                   "a0B300000000011EAA,Ledgerly CPQ,Active,00D300000000011\n"));
        auto r = importFile(*m_db, path);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(u"column 3 of its header holds the character U+0001"_s), qPrintable(r.error().message));
        for (const QChar c : r.error().message)
            QVERIFY(c.unicode() >= 0x20);
        QCOMPARE(ImportReport::exitCodeOf(r.error()), 2);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), 0);
    }

    // A value longer than any LMA field rejects its row unread (here with the limit lowered);
    // the rows around it are read as usual, line numbers included.
    void anAbsurdCellIsRejectedWithoutBeingRead_data()
    {
        QTest::addColumn<bool>("quoted");
        QTest::addColumn<bool>("fast");
        QTest::newRow("plain") << false << true;
        QTest::newRow("quoted, with line breaks") << true << true;
        QTest::newRow("careful path") << true << false;
    }
    void anAbsurdCellIsRejectedWithoutBeingRead()
    {
        QFETCH(bool, quoted);
        QFETCH(bool, fast);
        const QString path = m_dir.filePath(QStringLiteral("huge.csv"));
        QByteArray huge;
        for (int i = 0; i < 3000; ++i)
            huge += quoted && i % 1000 == 999 ? "x\n" : "xx";
        writeFile(path, "sfLma__Package__r.Name,sfLma__Status__c,sfLma__Subscriber_Org_ID__c,sfLma__Account__r.Name\n"
                        "Ledgerly CPQ,Active,00D300000000071,Small\n"
                        "Ledgerly CPQ,Active,00D300000000072," + (quoted ? "\"" + huge + "\"" : huge) + "\n"
                        "Ledgerly CPQ,Active,00D300000000073,After\n");
        ImportOptions options;
        options.maxFieldBytes = 1000;
        options.fastLoad = fast;
        const ImportReport r = mustImport(*m_db, path, options);
        QCOMPARE(r.read, 3);
        QCOMPARE(r.inserted, 2);
        QCOMPARE(r.rejections.size(), size_t(1));
        QCOMPARE(r.rejections[0].text(u"huge.csv"_s),
                 u"huge.csv:3:4: the value is over 1000 bytes, more than any LMA field holds (it was not read)"_s);
        QCOMPARE(r.rejections[0].values.value(3), QString()); // not kept
        QCOMPARE(textOf(*m_db, u"SELECT account_name FROM licenses WHERE org_id = '00D300000000073'"_s), u"After"_s);

        // The reader itself: the record after it starts on the right line.
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        CsvReader reader(&f);
        reader.setMaxFieldBytes(1000);
        CsvRecord record;
        for (int i = 0; i < 4; ++i)
            QVERIFY(reader.next(record));
        QCOMPARE(record.line(), quoted ? 7 : 4); // three line breaks in the quoted value
        QCOMPARE(record.text(3), u"After"_s);
    }

    // A file whose every row is rejected changes nothing: it leaves no audit row either. And the
    // audit names the account, even with no USER in the environment.
    void nothingChangedLeavesNoAuditRow()
    {
        const QString path = m_dir.filePath(QStringLiteral("all-bad.csv"));
        writeFile(path, "sfLma__Package__r.Name,sfLma__Status__c,sfLma__Subscriber_Org_ID__c\n"
                        "Ledgerly CPQ,Frozen,00D300000000081\nLedgerly CPQ,Active,001300000000082\n");
        const QByteArray before = test::contentHash(*m_db);
        const ImportReport r = mustImport(*m_db, path);
        QCOMPARE(r.rejected, 2);
        QCOMPARE(r.exitCode(), 2);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM audit_log"_s), 0);
        QCOMPARE(test::contentHash(*m_db), before);

        const QByteArray user = qgetenv("USER"), logname = qgetenv("LOGNAME");
        qunsetenv("USER");
        qunsetenv("LOGNAME");
        const QString who = AuditLog::currentUser();
        mustImport(*m_db, data("cli_licenses.csv"));
        if (!user.isNull())
            qputenv("USER", user);
        if (!logname.isNull())
            qputenv("LOGNAME", logname);
        QVERIFY(who != u"unknown"_s);
        const passwd *pw = getpwuid(geteuid());
        QCOMPARE(who, pw ? QString::fromLocal8Bit(pw->pw_name) : QStringLiteral("uid %1").arg(geteuid()));
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM audit_log WHERE changed_by = 'unknown'"_s), 0);
        QCOMPARE(textOf(*m_db, u"SELECT changed_by FROM audit_log WHERE record_type = 'import'"_s), who);
    }

    // A full disk is a failure while working (exit 1), not bad input (2); the message says so,
    // and that nothing was imported. SQLite's page limit makes this database "full".
    void aFullDiskIsAFailureWhileWorking_data()
    {
        QTest::addColumn<bool>("intoEmpty");
        QTest::newRow("into an empty database (fast path)") << true;
        QTest::newRow("updating (careful path)") << false;
    }
    void aFullDiskIsAFailureWhileWorking()
    {
        QFETCH(bool, intoEmpty);
        useSqliteFile(); // SQLite's page limit stands in for the full disk
        if (!intoEmpty)
            mustImport(*m_db, data("cli_licenses.csv"));
        const QString path = m_dir.filePath(QStringLiteral("full.csv"));
        QVERIFY(test::writeLicenseCsv(path, 20000, QStringLiteral("Ledgerly CPQ")));
        const QByteArray before = test::contentHash(*m_db);
        const qint64 pages = number(*m_db, u"PRAGMA page_count"_s);
        QVERIFY(pages > 0);
        QVERIFY(QSqlQuery(m_db->connection()).exec(QStringLiteral("PRAGMA max_page_count = %1").arg(pages + 20)));
        auto r = importFile(*m_db, path);
        QSqlQuery(m_db->connection()).exec(u"PRAGMA max_page_count = 1073741823"_s);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, Error::Code::DiskFull); // classified where the database answered
        QVERIFY2(r.error().message.contains(u"The disk is full"_s), qPrintable(r.error().message));
        QVERIFY2(r.error().message.contains(u"nothing of full.csv was imported"_s), qPrintable(r.error().message));
        QCOMPARE(ImportReport::exitCodeOf(r.error()), 1);
        QCOMPARE(test::contentHash(*m_db), before);
    }

    void exitCodesTellBadInputFromAFailure_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<int>("exit");
        QTest::newRow("invalid file") << int(Error::Code::Invalid) << 2;
        QTest::newRow("unreadable file") << int(Error::Code::Io) << 2;
        QTest::newRow("usage") << int(Error::Code::Usage) << 2;
        QTest::newRow("read-only database") << int(Error::Code::ReadOnly) << 2;
        QTest::newRow("locked") << int(Error::Code::Locked) << 2;
        QTest::newRow("database error") << int(Error::Code::Sql) << 1;
        QTest::newRow("disk full") << int(Error::Code::DiskFull) << 1;
        QTest::newRow("disk I/O error") << int(Error::Code::DiskIo) << 1;
        QTest::newRow("generic") << int(Error::Code::Generic) << 1;
    }
    void exitCodesTellBadInputFromAFailure()
    {
        QFETCH(int, code);
        QFETCH(int, exit);
        QCOMPARE(ImportReport::exitCodeOf(Error::make(Error::Code(code), u"x"_s)), exit);
    }

    // --- Export ---

    void formulasAreNeutralised_data()
    {
        QTest::addColumn<QString>("cell");
        QTest::addColumn<QString>("written");
        QTest::newRow("equals") << u"=HYPERLINK(\"x\")"_s << u"'=HYPERLINK(\"x\")"_s;
        QTest::newRow("plus") << u"+1+cmd|' /C calc'!A0"_s << u"'+1+cmd|' /C calc'!A0"_s;
        QTest::newRow("minus formula") << u"-2+3"_s << u"'-2+3"_s;
        QTest::newRow("at") << u"@SUM(A1)"_s << u"'@SUM(A1)"_s;
        QTest::newRow("tab") << u"\tx"_s << u"'\tx"_s;
        QTest::newRow("carriage return") << u"\rx"_s << u"'\rx"_s;
        QTest::newRow("site license seats stay a number") << u"-1"_s << u"-1"_s;
        // Spreadsheets skip white space before a formula.
        QTest::newRow("space, then equals") << u" =cmd|' /C calc'!A0"_s << u"' =cmd|' /C calc'!A0"_s;
        QTest::newRow("no-break space, then equals") << u"\u00A0=cmd"_s << u"'\u00A0=cmd"_s;
        QTest::newRow("tab, then equals") << u"\t=cmd"_s << u"'\t=cmd"_s;
        QTest::newRow("CR, then equals") << u"\r=cmd"_s << u"'\r=cmd"_s;
        QTest::newRow("line feed, then at") << u"\n@SUM(A1)"_s << u"'\n@SUM(A1)"_s;
        QTest::newRow("spaces, then plus") << u"   +1+1"_s << u"'   +1+1"_s;
        QTest::newRow("zero-width space, then equals") << u"\u200B=cmd"_s << u"'\u200B=cmd"_s;
        QTest::newRow("ideographic space, then minus") << u"\u3000-2+3"_s << u"'\u3000-2+3"_s;
        QTest::newRow("a number after a space stays") << u" -1"_s << u" -1"_s;
        QTest::newRow("an apostrophe that is text stays") << u"'-1"_s << u"'-1"_s;
        QTest::newRow("text after a space") << u" Acme"_s << u" Acme"_s;
        QTest::newRow("plain text") << u"Acme"_s << u"Acme"_s;
        QTest::newRow("empty") << QString() << QString();
    }
    void formulasAreNeutralised()
    {
        QFETCH(QString, cell);
        QFETCH(QString, written);
        QCOMPARE(CsvWriter::neutralised(cell), written);
        // And the importer takes the apostrophe off again.
        QCOMPARE(ValueParser::text(written), cell);
    }

    void csvIsQuotedAsRfc4180Says()
    {
        QCOMPARE(CsvWriter::encode({u" =cmd"_s, u"\u00A0=cmd"_s}), QByteArray("' =cmd,'\xC2\xA0=cmd\r\n"));
        QCOMPARE(CsvWriter::encode({u"a"_s, u"b,c"_s, u"say \"hi\""_s, u"two\nlines"_s, QString()}),
                 QByteArray("a,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n"));
    }

    void exportingAViewWritesItsLicensesInItsOrder()
    {
        auto source = test::createFixtureDatabase(m_dir.filePath(QStringLiteral("view-source.sqlite")));
        QVERIFY(source);
        LicenseQuery view;
        view.filter.statuses = {Status::Active};
        view.sortColumn = LicenseColumn::Name;
        view.order = Qt::DescendingOrder;
        const QString csv = m_dir.filePath(QStringLiteral("view.csv"));
        auto rows = exportLicenseViewCsv(*source, csv, view);
        QVERIFY2(rows.ok(), qPrintable(rows.ok() ? QString() : rows.error().message));
        const qint64 active = number(*source, u"SELECT COUNT(*) FROM licenses WHERE status = 'Active'"_s);
        QCOMPARE(rows.value(), active);
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QStringList names;
        for (qsizetype i = 1; i < lines.size(); ++i)
            if (!lines[i].trimmed().isEmpty())
                names << QString::fromUtf8(lines[i].split(',').value(1));
        QCOMPARE(names.size(), active);
        QStringList sorted = names;
        std::sort(sorted.begin(), sorted.end(), std::greater<QString>());
        QCOMPARE(names, sorted); // the view's order: name, descending
        // Sorting by package goes package by package: every license still comes once.
        view.sortColumn = LicenseColumn::Package;
        QCOMPARE(exportLicenseViewCsv(*source, csv, view).value(), active);

        // Cancelled, it leaves no file (and an earlier one untouched).
        DemoOptions demo;
        demo.licenses = 3000;
        QVERIFY(generateDemo(*m_db, demo).ok());
        const QByteArray earlier = "kept\n";
        writeFile(csv, earlier);
        int calls = 0;
        auto cancelled = exportLicenseViewCsv(*m_db, csv, LicenseQuery(), [&](qint64 written) {
            ++calls;
            return written < 2000;
        });
        QVERIFY(!cancelled.ok());
        QCOMPARE(cancelled.error().code, Error::Code::Cancelled);
        QCOMPARE(calls, 2);
        QFile kept(csv);
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), earlier);
    }

    void exportThenImportRoundTrips()
    {
        auto source = test::createFixtureDatabase(m_dir.filePath(QStringLiteral("source.sqlite")));
        QVERIFY(source);
        // A hostile account name must survive the trip, and never reach a spreadsheet as a formula.
        QSqlQuery q(source->connection());
        QVERIFY(q.exec(u"UPDATE licenses SET account_name = '=cmd|''/C calc''!A0' WHERE name = 'L-00001'"_s));
        // White space before the formula (one the import's trimming keeps: a zero-width space).
        QVERIFY(q.exec(QStringLiteral("UPDATE licenses SET account_name = '\u200B=cmd' WHERE name = 'L-00002'")));
        const QString csv = m_dir.filePath(QStringLiteral("export.csv"));
        auto rows = exportLicensesCsv(*source, csv);
        QVERIFY2(rows.ok(), qPrintable(rows.ok() ? QString() : rows.error().message));
        QCOMPARE(rows.value(), 15);
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QVERIFY(bytes.startsWith("Id,Name,sfLma__Account__c"));
        QVERIFY(bytes.contains(",'=cmd|'/C calc'!A0,"));
        QVERIFY(!bytes.contains(",=cmd"));
        QVERIFY(bytes.contains(",'\xE2\x80\x8B=cmd,"));

        // Into the same database: nothing changes.
        const QByteArray before = test::contentHash(*source);
        const ImportReport same = mustImport(*source, csv);
        if (same.unchanged != 15) {
            QSqlQuery audit(source->connection());
            audit.exec(u"SELECT field, old_value, new_value FROM audit_log WHERE record_type = 'license'"_s);
            while (audit.next())
                qWarning("%s: %s -> %s", qPrintable(audit.value(0).toString()), qPrintable(audit.value(1).toString()),
                         qPrintable(audit.value(2).toString()));
        }
        QCOMPARE(same.unchanged, 15);
        QCOMPARE(same.rejected, 0);
        QCOMPARE(test::contentHash(*source).isEmpty(), false);
        Q_UNUSED(before);

        // Into an empty one: the same licenses, field for field.
        const ImportReport fresh = mustImport(*m_db, csv);
        QCOMPARE(fresh.inserted, 15);
        LicenseRepository a(*source), b(*m_db);
        for (const License &l : test::statsFixtureLicenses()) {
            auto x = a.findById(l.id);
            auto y = b.findById(l.id);
            QVERIFY(x.ok() && x->has_value() && y.ok() && y->has_value());
            const License &p = **x;
            const License &r = **y;
            QCOMPARE(r.name, p.name);
            QCOMPARE(r.accountName, p.accountName);
            QCOMPARE(r.packageName, p.packageName);
            QCOMPARE(r.status, p.status);
            QCOMPARE(r.seats, p.seats);
            QCOMPARE(r.usedLicenses, p.usedLicenses);
            QCOMPARE(r.expiration, p.expiration);
            QCOMPARE(r.installDate, p.installDate);
            QCOMPARE(r.subscriberOrgId, p.subscriberOrgId);
            QCOMPARE(r.isSandbox, p.isSandbox);
            QCOMPARE(r.orgStatus, p.orgStatus);
            QCOMPARE(r.lastModified, p.lastModified);
        }
        auto s1 = computeInstallBaseStats(source->connection(), test::kFixtureAsOf);
        auto s2 = computeInstallBaseStats(m_db->connection(), test::kFixtureAsOf);
        QCOMPARE(s2->toJson(), s1->toJson());
    }

    // A file that fails after thousands of good rows (refused whole for one bad row at its end,
    // or cancelled half-way) leaves the database exactly as it was, on a server as in a file:
    // into an empty table (the fast path, COPY on a server) and into one with rows (the careful
    // path, row by row). The next import is not held up by what the failed one took.
    void aFailureAfterThousandsOfRowsLeavesTheDatabaseAsItWas_data()
    {
        QTest::addColumn<bool>("intoEmpty");
        QTest::newRow("into an empty table") << true;
        QTest::newRow("into a table with rows") << false;
    }
    void aFailureAfterThousandsOfRowsLeavesTheDatabaseAsItWas()
    {
        QFETCH(bool, intoEmpty);
        if (!intoEmpty) {
            QCOMPARE(mustImport(*m_db, data("cli_licenses.csv")).rejected, 0);
            QVERIFY(buildDeferredIndexes(m_db->connection()).ok());
        }
        const QString path = m_dir.filePath(QStringLiteral("bad-at-the-end.csv"));
        QVERIFY(test::writeLicenseCsv(path, 20000, QStringLiteral("Ledgerly CPQ")));
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::Append));
            f.write(",L-bad,Ledgerly CPQ,Active,ten,2025-01-01,00D9999999999AA,Account bad\n");
        }
        const QByteArray before = test::contentHash(*m_db);
        const qint64 indexesBefore = indexCount(*m_db);
        const qint64 licensesBefore = number(*m_db, u"SELECT COUNT(*) FROM licenses"_s);

        ImportOptions strict;
        strict.strict = true;
        const ImportReport refused = mustImport(*m_db, path, strict);
        QVERIFY(refused.refused);
        QCOMPARE(refused.rejected, 1);
        QCOMPARE(refused.read, 20001);
        QCOMPARE(test::contentHash(*m_db), before);
        QCOMPARE(indexCount(*m_db), indexesBefore);

        ImportOptions cancel;
        cancel.progress = [](const ImportProgress &p) { return p.rows < 12000; };
        auto cancelled = importFile(*m_db, path, cancel);
        QVERIFY(!cancelled.ok());
        QCOMPARE(cancelled.error().code, Error::Code::Cancelled);
        QCOMPARE(test::contentHash(*m_db), before);
        QCOMPARE(indexCount(*m_db), indexesBefore);

        // Without --strict the good rows go in, the bad one is told.
        const ImportReport kept = mustImport(*m_db, path);
        QCOMPARE(kept.inserted, 20000);
        QCOMPARE(kept.rejected, 1);
        QCOMPARE(kept.exitCode(), 3);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), licensesBefore + 20000);
    }

    // A second export of the same licenses updates the rows the first import wrote (after the
    // indexes the first one deferred are built), audits each change, and a third changes nothing.
    void aSecondImportUpdatesTheFirstsRows()
    {
        const QString first = m_dir.filePath(QStringLiteral("first.csv"));
        QVERIFY(test::writeLicenseCsv(first, 6000, QStringLiteral("Ledgerly CPQ")));
        QCOMPARE(mustImport(*m_db, first).inserted, 6000);
        QVERIFY(deferredIndexCount(m_db->connection()).value() > 0);
        const qint64 auditBefore = number(*m_db, u"SELECT COUNT(*) FROM audit_log"_s);

        QFile f(first);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray bytes = f.readAll();
        f.close();
        bytes.replace(",Active,10,", ",Suspended,12,");
        const QString second = m_dir.filePath(QStringLiteral("second.csv"));
        writeFile(second, bytes);
        const ImportReport updated = mustImport(*m_db, second);
        QCOMPARE(updated.inserted, 0);
        QCOMPARE(updated.updated, 6000);
        QCOMPARE(updated.rejected, 0);
        // Every index is built; only the org summary is left to do, marked as such.
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM deferred_indexes WHERE name <> '~subscribers'"_s), 0);
        QCOMPARE(indexCount(*m_db), test::licenseIndexesBuilt(*m_db));
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), 6000);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses WHERE seats = 12 AND status = 'Suspended'"_s), 6000);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM audit_log WHERE record_type = 'license' AND field = 'Seats' "
                                "AND old_value = '10' AND new_value = '12'"_s),
                 6000);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM audit_log WHERE record_type = 'license' AND field = 'Status' "
                                "AND old_value = 'Active' AND new_value = 'Suspended'"_s),
                 6000);
        // Two fields of 6,000 licenses, and the import's own row.
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM audit_log"_s), auditBefore + 12001);
        const QByteArray after = test::contentHash(*m_db);
        const ImportReport again = mustImport(*m_db, second);
        QCOMPARE(again.unchanged, 6000);
        QCOMPARE(test::contentHash(*m_db), after);
    }

    // The careful path writes a batch of rows at a time. A license a file holds twice is updated
    // by its later row whether both rows are in one batch or not (inserted by the first, too);
    // a row that records an Id is found by it from the next row on; a key taken is refused per
    // row, by the table or by a row before it in the batch. Every count, rejection, row and
    // audit entry is what batches of one row (a row at a time) give.
    void aCarefulImportInBatchesIsARowAtATime()
    {
        auto base = [](int i) {
            return CliRow{testId("a0B9", i), u"L-%1"_s.arg(i), u"Active"_s, u"10"_s, testId("00D9", i), u"Account %1"_s.arg(i)};
        };
        auto withoutId = [](int i) {
            return CliRow{QString(), u"M-%1"_s.arg(i), u"Active"_s, u"20"_s, testId("00D8", i), u"Other %1"_s.arg(i)};
        };
        auto fresh = [](int n, int seats) {
            return CliRow{testId("a0B7", n), u"N-%1"_s.arg(n), u"Active"_s, QString::number(seats), testId("00D7", n),
                          u"New %1"_s.arg(n)};
        };
        std::vector<CliRow> first;
        for (int i = 0; i < 2500; ++i)
            first.push_back(base(i));
        for (int i = 0; i < 20; ++i)
            first.push_back(withoutId(i));
        const QString firstPath = m_dir.filePath(u"batches-first.csv"_s);
        writeFile(firstPath, cliLines(first));

        std::vector<CliRow> later;
        for (int i = 0; i < 2500; ++i) {
            CliRow r = base(i);
            if (i % 3 == 0)
                r.seats = u"11"_s; // 834 licenses change
            later.push_back(r);
            CliRow extra;
            switch (i) {
            case 8: extra = base(6), extra.seats = u"12"_s; break; // license 6 again, in the same batch
            case 13: extra = base(12), extra.seats = u"11"_s, extra.status = u"Trial"_s; break;
            case 100: extra = fresh(1, 30); break;                 // new, then changed in the same batch
            case 101: extra = fresh(1, 31); break;
            case 200: extra = fresh(2, 40); break;                 // new, then changed in a later batch (1200)
            case 300: extra = fresh(3, 5), extra.id.clear(); break; // new without an Id,
            case 301: extra = fresh(3, 5); break;                  // its Id recorded (found by org),
            case 302: extra = fresh(3, 6); break;                  // then found by that Id
            case 400: extra = withoutId(1), extra.id = testId("a0B8", 1); break; // an Id recorded on an old license
            case 401: extra = withoutId(1), extra.id = testId("a0B8", 1), extra.seats = u"21"_s; break;
            case 500: extra = base(20), extra.id = testId("a0B6", 1); break; // the org's license has another Id
            case 600: extra = fresh(4, 5); break;
            case 601: extra = fresh(5, 5), extra.org = testId("00D7", 4); break; // taken by the row before
            case 700: extra = base(700), extra.seats = u"ten"_s; break;          // unreadable
            case 800: extra = base(30), extra.org = testId("00D5", 1), extra.seats = u"14"_s; break; // by Id alone
            case 1200: extra = fresh(2, 41); break;
            case 1500: extra = base(9), extra.seats = u"13"_s; break; // license 9 again, in a later batch
            case 2400: extra = base(12), extra.seats = u"11"_s, extra.status = u"Trial"_s, extra.account = u"Renamed 12"_s; break;
            default: continue;
            }
            later.push_back(extra);
        }
        const QString laterPath = m_dir.filePath(u"batches-later.csv"_s);
        writeFile(laterPath, cliLines(later));

        struct Outcome
        {
            ImportReport report;
            QString dump;
        };
        auto importInBatchesOf = [&](int rows) -> Outcome {
            Database::OpenOptions o;
            o.create = true;
            auto db = Database::open(test::location(m_dir.filePath(u"batches-%1.sqlite"_s.arg(rows))), o);
            if (!db)
                return {};
            if (mustImport(*db.value(), firstPath).inserted != 2520)
                return {};
            ImportOptions options;
            options.carefulBatchRows = rows;
            Outcome out{mustImport(*db.value(), laterPath, options), licensesAndAudit(*db.value())};
            if (rows != 1000)
                return out;
            // The default batch, checked by hand.
            Database &d = *db.value();
            [&] {
                QCOMPARE(number(d, u"SELECT COUNT(*) FROM licenses"_s), 2524);
                QCOMPARE(textOf(d, u"SELECT seats FROM licenses WHERE name = 'L-6'"_s), u"12"_s);
                QCOMPARE(auditOf(d, testId("a0B9", 6)), (QStringList{u"Seats: 10 -> 11"_s, u"Seats: 11 -> 12"_s}));
                QCOMPARE(auditOf(d, testId("a0B9", 9)), (QStringList{u"Seats: 10 -> 11"_s, u"Seats: 11 -> 13"_s}));
                QCOMPARE(textOf(d, u"SELECT status || ' ' || seats || ' ' || account_name FROM licenses WHERE name = 'L-12'"_s),
                         u"Trial 11 Renamed 12"_s);
                QCOMPARE(auditOf(d, testId("a0B9", 12)), (QStringList{u"Seats: 10 -> 11"_s, u"Status: Active -> Trial"_s,
                                                                      u"Account Name: Account 12 -> Renamed 12"_s}));
                QCOMPARE(auditOf(d, testId("a0B9", 30)), (QStringList{u"Seats: 10 -> 11"_s, u"Seats: 11 -> 14"_s}));
                QCOMPARE(auditOf(d, testId("a0B7", 1)), (QStringList{u"Seats: 30 -> 31"_s}));
                QCOMPARE(auditOf(d, testId("a0B7", 2)), (QStringList{u"Seats: 40 -> 41"_s}));
                QCOMPARE(auditOf(d, testId("a0B7", 3)), (QStringList{u"Record ID:  -> "_s + testId("a0B7", 3), u"Seats: 5 -> 6"_s}));
                QCOMPARE(auditOf(d, testId("a0B8", 1)), (QStringList{u"Record ID:  -> "_s + testId("a0B8", 1), u"Seats: 20 -> 21"_s}));
                QCOMPARE(textOf(d, u"SELECT sf_id || ' ' || seats FROM licenses WHERE name = 'N-3'"_s), testId("a0B7", 3) + u" 6"_s);
                QCOMPARE(textOf(d, u"SELECT sf_id || ' ' || seats FROM licenses WHERE name = 'M-1'"_s), testId("a0B8", 1) + u" 21"_s);
                QCOMPARE(number(d, u"SELECT COUNT(*) FROM licenses WHERE name = 'N-1' AND seats = 31"_s), 1);
                QCOMPARE(number(d, u"SELECT COUNT(*) FROM licenses WHERE name LIKE 'N-%'"_s), 4);
                QCOMPARE(number(d, u"SELECT COUNT(*) FROM audit_log WHERE record_type = 'license'"_s), 845);
            }();
            return out;
        };
        const Outcome byRow = importInBatchesOf(1);
        const Outcome bySeven = importInBatchesOf(7);
        const Outcome byDefault = importInBatchesOf(1000);
        for (const Outcome *o : {&byRow, &bySeven, &byDefault}) {
            const ImportReport &r = o->report;
            QCOMPARE(r.read, 2518);
            QCOMPARE(r.inserted, 4);
            QCOMPARE(r.updated, 845);
            QCOMPARE(r.unchanged, 1666);
            QCOMPARE(r.rejected, 3);
            QCOMPARE(r.rejections.size(), size_t(3));
            QVERIFY2(r.rejections[0].reason.contains(u"org %1 already has a license of this package with another Id"_s.arg(
                         testId("00D9", 20).left(15))),
                     qPrintable(r.rejections[0].reason));
            QVERIFY2(r.rejections[1].reason.contains(u"org %1 already has a license of this package with another Id"_s.arg(
                         testId("00D7", 4).left(15))),
                     qPrintable(r.rejections[1].reason));
            QVERIFY2(r.rejections[2].reason.startsWith(u"Seats"_s), qPrintable(r.rejections[2].reason));
            QVERIFY(r.rejections[0].line < r.rejections[1].line && r.rejections[1].line < r.rejections[2].line);
        }
        QVERIFY(!byRow.dump.isEmpty());
        QCOMPARE(bySeven.dump, byRow.dump);
        QCOMPARE(byDefault.dump, byRow.dump);
        for (size_t i = 0; i < byRow.report.rejections.size(); ++i) {
            QCOMPARE(bySeven.report.rejections[i].text(laterPath), byRow.report.rejections[i].text(laterPath));
            QCOMPARE(byDefault.report.rejections[i].text(laterPath), byRow.report.rejections[i].text(laterPath));
        }
        // A batch of one row takes a few statements; the default batch a few for a thousand.
        QVERIFY2(byDefault.report.statements * 50 < byDefault.report.read || !m_db->isTeamDatabase(),
                 qPrintable(u"%1 statements"_s.arg(byDefault.report.statements)));
        QVERIFY(byDefault.report.statements < byRow.report.statements);
    }

    // A license another connection saved between a batch's lookups and its writes (a key the
    // lookups did not see): the batch is rolled back to its savepoint and stored again a row at a
    // time, which finds that license: the insert it would have blocked is refused, the Id it
    // would have duplicated names that license. Nothing of the first attempt is kept.
    void aKeyTakenMeanwhileSendsTheBatchRowByRow_data()
    {
        QTest::addColumn<bool>("insert");
        QTest::newRow("an insert meets it") << true;
        QTest::newRow("an Id recorded meets it") << false;
    }
    void aKeyTakenMeanwhileSendsTheBatchRowByRow()
    {
        QFETCH(bool, insert);
        const CliRow old0{testId("a0B9", 0), u"L-0"_s, u"Active"_s, u"10"_s, testId("00D9", 0), u"Account 0"_s};
        const CliRow old1{testId("a0B9", 1), u"L-1"_s, u"Active"_s, u"10"_s, testId("00D9", 1), u"Account 1"_s};
        const CliRow noId{QString(), u"M-0"_s, u"Active"_s, u"20"_s, testId("00D8", 0), u"Other 0"_s};
        const QString firstPath = m_dir.filePath(u"meanwhile-first.csv"_s);
        writeFile(firstPath, cliLines({old0, old1, noId}));
        QCOMPARE(mustImport(*m_db, firstPath).inserted, 3);

        CliRow changed = old0;
        changed.seats = u"11"_s;
        const CliRow blocked{testId("a0B7", 1), u"N-1"_s, u"Active"_s, u"5"_s, testId("00D7", 1), u"New 1"_s};
        CliRow idRecorded = noId;
        idRecorded.id = testId("a0B8", 0);
        const CliRow added{testId("a0B7", 2), u"N-2"_s, u"Active"_s, u"5"_s, testId("00D7", 2), u"New 2"_s};
        std::vector<CliRow> rows{changed};
        if (insert)
            rows.push_back(blocked);
        rows.push_back(idRecorded);
        rows.push_back(added);
        const QString laterPath = m_dir.filePath(u"meanwhile-later.csv"_s);
        writeFile(laterPath, cliLines(rows));

        // The other writer: org 00D7…1's license under another Id, and record a0B8…0 (what the
        // old license is about to be given) in another org, with the file's values.
        int calls = 0;
        QString written;
        ImportOptions options;
        options.afterBatchLookups = [&] {
            if (calls++ > 0)
                return;
            QSqlQuery q(m_db->connection());
            for (const auto &[sfId, name, org] : {std::tuple{testId("a0B6", 1), u"X-1"_s, testId("00D7", 1).left(15)},
                                                  std::tuple{testId("a0B8", 0), u"M-0"_s, testId("00D6", 1).left(15)}}) {
                if (!q.prepare(u"INSERT INTO licenses (sf_id, name, package_ref, status, seats, install_date, org_id, "
                               "account_name, lmo_ref) SELECT ?, ?, id, 'Active', 20, '2025-01-01', ?, 'Other 0', 1 "
                               "FROM packages WHERE name = 'Ledgerly CPQ'"_s))
                    written += q.lastError().text();
                q.addBindValue(sfId);
                q.addBindValue(name);
                q.addBindValue(org);
                if (!q.exec())
                    written += q.lastError().text();
            }
        };
        const ImportReport r = mustImport(*m_db, laterPath, options);
        QCOMPARE(written, QString());
        QCOMPARE(calls, 1);
        QCOMPARE(r.read, qint64(rows.size()));
        QCOMPARE(r.updated, 1);   // L-0's seats
        QCOMPARE(r.unchanged, 1); // a0B8…0 is the other writer's license, as the file has it
        QCOMPARE(r.inserted, 1);  // N-2
        QCOMPARE(r.rejected, insert ? 1 : 0);
        if (insert)
            QVERIFY2(r.rejections.front().reason.contains(u"org %1 already has a license of this package with another Id"_s.arg(
                         testId("00D7", 1).left(15))),
                     qPrintable(r.rejections.front().reason));
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), 3 + 2 + 1);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses WHERE name = 'N-1'"_s), 0);
        QCOMPARE(textOf(*m_db, u"SELECT sf_id FROM licenses WHERE org_id = '%1'"_s.arg(testId("00D8", 0).left(15))), u"<null>"_s);
        QCOMPARE(auditOf(*m_db, testId("a0B9", 0)), QStringList{u"Seats: 10 -> 11"_s});
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM audit_log WHERE record_type = 'license'"_s), 1);
    }

    // The careful path's statements are a few a batch: 5,000 changed licenses take a few dozen,
    // where a row at a time took five a row (on a server, each a round trip). On a server the
    // count is checked against what libpq sent: every statement of the whole import is a Query
    // message (Qt's driver sends no other kind).
    void aCarefulImportTakesAFewStatementsABatch()
    {
        constexpr int kRows = 5000;
        const QString first = m_dir.filePath(u"statements-first.csv"_s);
        QVERIFY(test::writeLicenseCsv(first, kRows, u"Ledgerly CPQ"_s));
        QCOMPARE(mustImport(*m_db, first).inserted, kRows);
        QVERIFY(buildDeferredIndexes(m_db->connection()).ok()); // before, not inside, what is counted
        QFile f(first);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray bytes = f.readAll();
        f.close();
        bytes.replace(",Active,10,", ",Active,11,");
        const QString second = m_dir.filePath(u"statements-second.csv"_s);
        writeFile(second, bytes);

        PGconn *conn = nullptr;
        FILE *trace = nullptr;
        const QString tracePath = m_dir.filePath(u"statements.trace"_s);
        if (m_db->isTeamDatabase()) {
            const QVariant handle = m_db->connection().driver()->handle();
            // Qt 6.4 names the handle's type "pg_conn*", others "PGconn*".
            QVERIFY(handle.isValid() && (qstrcmp(handle.typeName(), "PGconn*") == 0 || qstrcmp(handle.typeName(), "pg_conn*") == 0));
            conn = *static_cast<PGconn *const *>(handle.constData());
            QVERIFY(conn);
            trace = fopen(QFile::encodeName(tracePath).constData(), "w");
            QVERIFY(trace);
            PQtrace(conn, trace);
            PQsetTraceFlags(conn, PQTRACE_SUPPRESS_TIMESTAMPS);
        }
        const ImportReport r = mustImport(*m_db, second);
        if (conn) {
            PQuntrace(conn);
            fclose(trace);
        }
        QCOMPARE(r.updated, kRows);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM audit_log WHERE field = 'Seats' AND new_value = '11'"_s), kRows);
        if (!conn) {
            // SQLite has no round trips: an UPDATE a changed row, the audit rows 32 a statement,
            // and no lookups or reads a row.
            qInfo("%lld rows: %lld statements", qint64(kRows), r.statements);
            QVERIFY2(r.statements < kRows + kRows / 10, qPrintable(u"%1 statements"_s.arg(r.statements)));
            return;
        }
        QVERIFY2(r.statements < kRows / 50, qPrintable(u"%1 statements"_s.arg(r.statements)));
        QFile log(tracePath);
        QVERIFY(log.open(QIODevice::ReadOnly));
        qint64 sent = 0;
        while (!log.atEnd()) {
            const QByteArray line = log.readLine();
            const QList<QByteArray> parts = line.split('\t');
            if (parts.size() > 2 && parts[0] == "F" && (parts[2].trimmed() == "Query" || parts[2].trimmed() == "Sync"))
                ++sent;
        }
        qInfo("%lld rows: %lld statements counted by the import, %lld sent by libpq in all", qint64(kRows), r.statements, sent);
        // Besides the rows: the transaction, the lookups of packages and LMOs, the import's own
        // audit row and the summaries of 5,000 orgs.
        QVERIFY2(sent > r.statements && sent < kRows / 20, qPrintable(u"%1 statements sent, %2 counted"_s.arg(sent).arg(r.statements)));
    }

    // Two imports at once into one database, from two processes: the one that comes second waits
    // for the first's lock (a lock file; a team database's advisory lock on the server), says who
    // holds it, writes nothing meanwhile, then imports into what the first saved.
    void twoImportsAtOnceTakeTurns()
    {
        const QString lmodesk = QDir(QCoreApplication::applicationDirPath()).filePath(u"../app/lmodesk"_s);
        QVERIFY2(QFileInfo(lmodesk).isExecutable(), qPrintable(lmodesk + u" is not built"_s));
        const QString a = m_dir.filePath(QStringLiteral("turn-a.csv"));
        const QString b = m_dir.filePath(QStringLiteral("turn-b.csv"));
        QVERIFY(test::writeLicenseCsv(a, 500, QStringLiteral("Ledgerly CPQ")));
        QVERIFY(test::writeLicenseCsv(b, 500, QStringLiteral("Ledgerly Billing")));
        {
            // Other records in other orgs.
            QFile f(b);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QByteArray bytes = f.readAll();
            f.close();
            writeFile(b, bytes.replace("\na0B9", "\na0B8").replace(",00D9", ",00D8"));
        }
        std::optional<BulkWriteLock> held;
        {
            auto lock = BulkWriteLock::acquire(m_db->connection(), {}, 2000, m_db->displayName());
            QVERIFY2(lock.ok(), qPrintable(lock.ok() ? QString() : lock.error().message));
            held.emplace(std::move(lock).value());
        }
        const QString location = m_db->isTeamDatabase() ? m_db->path() : m_db->connection().databaseName();
        QProcess other;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        other.setProcessEnvironment(env);
        other.start(lmodesk, {u"import"_s, u"--db"_s, location, b});
        QByteArray errors;
        const QByteArray waiting = "waiting for another import to finish";
        for (int i = 0; i < 600 && !errors.contains(waiting); ++i) {
            QVERIFY2(other.state() != QProcess::NotRunning || i == 0, errors.constData());
            other.waitForReadyRead(100);
            errors += other.readAllStandardError();
        }
        QVERIFY2(errors.contains(waiting), errors.constData());
        // Who holds it: this process's own connection, as the server (or the lock file) tells.
        QVERIFY2(errors.contains(m_db->isTeamDatabase() ? QByteArray("(LMO Desk)") : QByteArray("process ")), errors.constData());
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), 0);
        // This process's import goes first, under the lock it holds.
        QCOMPARE(mustImport(*m_db, a).inserted, 500);
        QVERIFY(other.state() == QProcess::Running);
        held.reset();
        QVERIFY(other.waitForFinished(120000));
        const QByteArray output = other.readAllStandardOutput();
        errors += other.readAllStandardError();
        QVERIFY2(other.exitCode() == 0, (output + errors).constData());
        QVERIFY2(output.contains("inserted 500, updated 0"), (output + errors).constData());
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), 1000);
        QCOMPARE(deferredIndexCount(m_db->connection()).value(), 0);
        QCOMPARE(indexCount(*m_db), test::licenseIndexesBuilt(*m_db));
    }

    // A fast load keeps one COPY open from batch to batch on a server, and ends it (pauseCopy)
    // only to record a package the file names for the first time: a new package thousands of rows
    // in, values the COPY format must escape (a tab, a backslash, line breaks) and the rows
    // around them are stored as the careful path stores them, on either engine.
    void aNewPackageHalfWayThroughAFastLoadIsRecordedBetweenBatches()
    {
        const QString first = m_dir.filePath(QStringLiteral("stream-a.csv"));
        const QString second = m_dir.filePath(QStringLiteral("stream-b.csv"));
        QVERIFY(test::writeLicenseCsv(first, 6000, QStringLiteral("Ledgerly CPQ")));
        QVERIFY(test::writeLicenseCsv(second, 6000, QStringLiteral("Ledgerly Billing")));
        QByteArray bytes;
        {
            QFile a(first), b(second);
            QVERIFY(a.open(QIODevice::ReadOnly));
            QVERIFY(b.open(QIODevice::ReadOnly));
            bytes = a.readAll();
            QByteArray more = b.readAll();
            more = more.mid(more.indexOf('\n') + 1); // no second header
            more.replace("a0B9", "a0B8").replace(",00D9", ",00D8");
            more.replace(",Account 000001001\n", ",\"Tab\there, back\\slash\"\n");
            more.replace(",Account 000001002\n", ",\"Two\r\nlines\nand \\N\"\n");
            bytes += more;
        }
        const QString path = m_dir.filePath(QStringLiteral("stream.csv"));
        writeFile(path, bytes);

        const ImportReport fast = mustImport(*m_db, path);
        QCOMPARE(fast.inserted, 12000);
        QCOMPARE(fast.rejected, 0);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM packages"_s), 2);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses l JOIN packages p ON p.id = l.package_ref "
                                "WHERE p.name = 'Ledgerly Billing' AND l.sf_id LIKE 'a0B8%'"_s),
                 6000);
        QCOMPARE(textOf(*m_db, u"SELECT account_name FROM licenses WHERE name = 'L-000001001' AND package_ref = "
                                "(SELECT id FROM packages WHERE name = 'Ledgerly Billing')"_s),
                 u"Tab\there, back\\slash"_s);
        QCOMPARE(textOf(*m_db, u"SELECT account_name FROM licenses WHERE name = 'L-000001002' AND package_ref = "
                                "(SELECT id FROM packages WHERE name = 'Ledgerly Billing')"_s),
                 u"Two\r\nlines\nand \\N"_s);

        // The careful path, into another empty database, stores the same rows.
        Database::OpenOptions o;
        o.create = true;
        auto careful = Database::open(test::location(m_dir.filePath(u"stream-careful-%1.sqlite"_s.arg(++m_count))), o);
        QVERIFY(careful.ok());
        ImportOptions slow;
        slow.fastLoad = false;
        QCOMPARE(mustImport(*careful.value(), path, slow).inserted, 12000);
        auto rowsOf = [](Database &db) {
            QStringList out;
            QSqlQuery q(db.connection());
            if (!q.exec(u"SELECT l.id, l.sf_id, l.name, p.name, l.account_name, l.status, l.seats, l.org_id "
                        "FROM licenses l JOIN packages p ON p.id = l.package_ref ORDER BY l.id"_s))
                return QStringList{q.lastError().text()};
            while (q.next()) {
                QStringList row;
                for (int c = 0; c < 8; ++c)
                    row << q.value(c).toString();
                out << row.join(QChar(0x1f));
            }
            return out;
        };
        const QStringList fastRows = rowsOf(*m_db);
        QCOMPARE(fastRows.size(), 12000);
        QCOMPARE(fastRows, rowsOf(*careful.value()));
    }

    // An import killed outright (SIGKILL: a crash, a power cut) in the middle of its load leaves
    // the database exactly as before the file: every row of every table, the licenses' indexes
    // and foreign keys (which a load into an empty table takes off while it runs), no index left
    // to build; nothing holds the import lock after it, and the next import of the same file does
    // the whole job. Into an empty table (the fast path: COPY on a server) and into one with rows
    // (the careful path, row by row).
    void aKilledImportLeavesTheDatabaseAsBeforeTheFile_data()
    {
        QTest::addColumn<bool>("intoEmpty");
        QTest::newRow("into an empty table") << true;
        QTest::newRow("into a table with rows") << false;
    }
    void aKilledImportLeavesTheDatabaseAsBeforeTheFile()
    {
        QFETCH(bool, intoEmpty);
        const QString lmodesk = QDir(QCoreApplication::applicationDirPath()).filePath(u"../app/lmodesk"_s);
        QVERIFY2(QFileInfo(lmodesk).isExecutable(), qPrintable(lmodesk + u" is not built"_s));
        if (!intoEmpty) {
            QCOMPARE(mustImport(*m_db, data("cli_licenses.csv")).rejected, 0);
            QVERIFY(buildDeferredIndexes(m_db->connection()).ok());
        }
        const QByteArray before = test::contentHash(*m_db);
        const qint64 licensesBefore = number(*m_db, u"SELECT COUNT(*) FROM licenses"_s);
        const qint64 packagesBefore = number(*m_db, u"SELECT COUNT(*) FROM packages"_s);
        const qint64 indexesBefore = indexCount(*m_db);
        const qint64 foreignKeysBefore = foreignKeyCount(*m_db);
        const qint64 progressBefore = loadProgress(*m_db);
        QCOMPARE(indexesBefore, test::licenseIndexesBuilt(*m_db));
        QVERIFY(foreignKeysBefore >= 2); // package, version (and the LMO where the engine keeps it)
        QVERIFY(progressBefore >= 0);
        // Big enough to be caught well inside its load, whichever path it takes.
        // (A server's careful path is a few round trips a row: fewer rows there.)
        const int rows = intoEmpty ? 400000 : m_db->isTeamDatabase() ? 12000 : 60000;
        const QString path = m_dir.filePath(u"killed.csv"_s);
        QVERIFY(test::writeLicenseCsv(path, rows, QStringLiteral("Ledgerly CPQ")));
        const QString location = m_db->isTeamDatabase() ? m_db->path() : m_db->connection().databaseName();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);

        QProcess p;
        p.setProcessEnvironment(env);
        p.start(lmodesk, {u"import"_s, u"--db"_s, location, path});
        QVERIFY(p.waitForStarted());
        // Killed once it has written a good part of the file: on SQLite 4 MB of log, on a server
        // 20,000 licenses taken in (2,000 on the careful path).
        const qint64 far = !m_db->isTeamDatabase() ? 4 * 1024 * 1024 : intoEmpty ? 20000 : 2000;
        while (p.state() == QProcess::Running && loadProgress(*m_db) - progressBefore < far)
            QThread::msleep(2);
        QVERIFY2(p.state() == QProcess::Running, "the import ended before it could be killed: make the file bigger");
        QVERIFY(p.processId() > 0);
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished());
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);

        // A server sees the process gone, rolls its transaction back and ends its lock's session.
        QTRY_VERIFY(importLockIsFree(*m_db));
        QCOMPARE(test::contentHash(*m_db), before);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), licensesBefore);
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM packages"_s), packagesBefore);
        QCOMPARE(indexCount(*m_db), indexesBefore);
        QCOMPARE(foreignKeyCount(*m_db), foreignKeysBefore);
        QCOMPARE(deferredIndexCount(m_db->connection()).value(), 0);

        // The next import takes the whole file, and builds what the load deferred.
        QProcess again;
        again.setProcessEnvironment(env);
        again.start(lmodesk, {u"import"_s, u"--db"_s, location, path});
        QVERIFY(again.waitForFinished(-1));
        const QByteArray output = again.readAllStandardOutput() + again.readAllStandardError();
        QVERIFY2(again.exitStatus() == QProcess::NormalExit && again.exitCode() == 0, output.constData());
        QVERIFY2(output.contains("inserted " + QByteArray(groupedNumber(rows).toUtf8()) + ", updated 0"), output.constData());
        QCOMPARE(number(*m_db, u"SELECT COUNT(*) FROM licenses"_s), licensesBefore + rows);
        QCOMPARE(deferredIndexCount(m_db->connection()).value(), 0);
        QCOMPARE(indexCount(*m_db), indexesBefore);
        QCOMPARE(foreignKeyCount(*m_db), foreignKeysBefore);
        QVERIFY(importLockIsFree(*m_db));
    }

private:
    // For the cases about the SQLite file itself: m_db becomes one, whichever engine this run tests.
    void useSqliteFile()
    {
        Database::OpenOptions o;
        o.create = true;
        m_db.reset();
        auto db = Database::open(m_dir.filePath(QStringLiteral("file-%1.sqlite").arg(++m_count)), o);
        QVERIFY(db.ok());
        m_db = std::move(db.value());
    }

    QTemporaryDir m_dir;
    int m_count = 0;
    std::unique_ptr<Database> m_db;
};

QTEST_GUILESS_MAIN(TestImport)
#include "tst_import.moc"
