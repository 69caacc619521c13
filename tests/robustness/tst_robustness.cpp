// The bad-input and fault campaign, as a test program: a few hundred generated cases, each run
// through the real command line (`lmodesk`, as a user or a script runs it), each checked against
// what must always hold whatever the input:
//   - the process ends by itself (no crash, no signal) with a documented exit code;
//   - a refusal (exit 2) or a failure (exit 1) leaves the database exactly as it was;
//   - what is imported is what the file says: every row is counted once (read = inserted +
//     updated + unchanged + rejected), numbers are the file's numbers or the row is rejected,
//     text is the file's text (no mojibake, no NUL), every license keeps its record Id;
//   - the database stays sound (SQLite's integrity_check; on a server, no index left invalid)
//     and its tables stay where they were.
// The inputs are generated from fixed seeds, so a failure names a case that fails again.
// With LMODESK_TEST_BACKEND=postgresql each case's database is a schema of its own on the test
// server (test::location()), reached as the ordinary login the fixtures use. The cases about a
// file's own bytes (a file that is not a database) exist only on SQLite; on a server their rows
// are a server's counterparts (another program's tables, no such database, no server there).
#include "fixtures.h"
#include "storage/postgres/pglocation.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStringConverter>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <optional>

using namespace Qt::Literals::StringLiterals;
using lmo::PgLocation;

namespace {

const QString kBinary = QString::fromUtf8(LMODESK_BINARY);

struct Run
{
    int exitCode = -1;
    bool crashed = false;
    QByteArray out; // stdout and stderr together
};

Run run(const QStringList &args, int timeoutMs = 300'000)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    p.setProcessEnvironment(env);
    p.start(kBinary, args);
    Run r;
    if (!p.waitForStarted()) {
        r.crashed = true;
        r.out = "could not start " + kBinary.toUtf8();
        return r;
    }
    p.waitForFinished(timeoutMs);
    r.out = p.readAll();
    r.crashed = p.exitStatus() != QProcess::NormalExit;
    r.exitCode = p.exitCode();
    return r;
}

Run shell(const QString &script, const QStringList &args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(u"bash"_s, QStringList{u"-c"_s, script, u"bash"_s} + args);
    p.waitForFinished(300'000);
    return {p.exitCode(), p.exitStatus() != QProcess::NormalExit, p.readAll()};
}

// One generated license, as the file gives it.
struct Row
{
    QString id, name, account, package, version, status, seats, used, expiration, installDate, org, edition, instance,
        orgStatus, sandbox, lastModified;
};

const QStringList kHeader{u"Id"_s, u"Name"_s, u"sfLma__Account__r.Name"_s, u"sfLma__Package__r.Name"_s,
                          u"sfLma__Version_Number__c"_s, u"sfLma__Status__c"_s, u"sfLma__Seats__c"_s,
                          u"sfLma__Used_Licenses__c"_s, u"sfLma__Expiration__c"_s, u"sfLma__Install_Date__c"_s,
                          u"sfLma__Subscriber_Org_ID__c"_s, u"sfLma__Org_Edition__c"_s, u"sfLma__Instance__c"_s,
                          u"sfLma__Org_Status__c"_s, u"sfLma__Is_Sandbox__c"_s, u"sfLma__Last_Modified__c"_s};

// Names a partner's customers really have: accents, typographic quotes, the euro, commas,
// quotes, line breaks, and text that looks like SQL or a spreadsheet formula.
const QStringList kAccounts{
    u"Zürich Fabrik AG"_s,       u"Café “Olé” – €5 Ltd"_s,         u"Smith, Jones & Co"_s,
    u"Acme \"Quotes\" Inc."_s,   u"Line one\nLine two GmbH"_s,     u"Ærøskøbing ApS"_s,
    u"O'Brien's Pub"_s,          u"'); DROP TABLE licenses; --"_s, u"=HYPERLINK(\"x\")"_s,
    u"Robert'); DELETE FROM audit_log;--"_s, u"Ed & <Co> \"x\""_s, u"naïve façade SARL"_s,
    u"Łódź Sp. z o.o."_s,        u"plain account"_s,               u"São Paulo Ltda"_s,
};

QString orgId(int serial)
{
    return u"00D30000%1"_s.arg(serial, 7, 10, QLatin1Char('0'));
}

QString recordId(int serial)
{
    return u"a0B30000%1"_s.arg(serial, 7, 10, QLatin1Char('0'));
}

std::vector<Row> makeRows(int count, int firstSerial, quint32 seed)
{
    QRandomGenerator rng(seed);
    const QStringList statuses{u"Active"_s, u"Trial"_s, u"Suspended"_s, u"Uninstalled"_s};
    std::vector<Row> rows;
    for (int i = 0; i < count; ++i) {
        const int serial = firstSerial + i;
        Row r;
        r.id = recordId(serial);
        r.name = u"L-%1"_s.arg(serial, 5, 10, QLatin1Char('0'));
        r.account = kAccounts[int(rng.bounded(int(kAccounts.size())))];
        r.package = rng.bounded(2) ? u"Ledgerly Billing"_s : u"Pulse Analytics"_s;
        r.version = u"2.%1"_s.arg(rng.bounded(20));
        r.status = statuses[int(rng.bounded(4))];
        r.seats = rng.bounded(5) == 0 ? u"-1"_s : QString::number(1 + rng.bounded(500));
        r.used = QString::number(rng.bounded(600));
        r.expiration = rng.bounded(4) == 0 ? QString() : QDate(2026, 1, 1).addDays(rng.bounded(900)).toString(Qt::ISODate);
        r.installDate = QDate(2022, 1, 1).addDays(rng.bounded(1400)).toString(Qt::ISODate);
        r.org = orgId(serial);
        r.edition = rng.bounded(3) == 0 ? u"Unlimited Edition"_s : u"Enterprise Edition"_s;
        r.instance = u"NA%1"_s.arg(100 + rng.bounded(90));
        r.orgStatus = u"ACTIVE"_s;
        r.sandbox = rng.bounded(8) == 0 ? u"true"_s : u"false"_s;
        r.lastModified = u"2026-06-%1T12:00:00.000Z"_s.arg(1 + rng.bounded(28), 2, 10, QLatin1Char('0'));
        rows.push_back(r);
    }
    return rows;
}

QString csvCell(const QString &v)
{
    if (v.contains(QLatin1Char(',')) || v.contains(QLatin1Char('"')) || v.contains(QLatin1Char('\n'))
        || v.contains(QLatin1Char('\r')))
        return QLatin1Char('"') + QString(v).replace(u"\""_s, u"\"\""_s) + QLatin1Char('"');
    return v;
}

QStringList cells(const Row &r)
{
    return {r.id,  r.name,         r.account, r.package, r.version,  r.status,    r.seats,     r.used,
            r.expiration, r.installDate, r.org, r.edition, r.instance, r.orgStatus, r.sandbox, r.lastModified};
}

// The file as text, and where each record ends (a byte offset into its UTF-8 form).
struct CsvText
{
    QString text;
    std::vector<qsizetype> recordEnds; // in UTF-8 bytes, after each record's line break
};

CsvText csv(const std::vector<Row> &rows, const QString &eol = u"\n"_s)
{
    CsvText out;
    out.text = kHeader.join(QLatin1Char(',')) + eol;
    for (const Row &r : rows) {
        QStringList c;
        for (const QString &v : cells(r))
            c << csvCell(v);
        out.text += c.join(QLatin1Char(',')) + eol;
        out.recordEnds.push_back(out.text.toUtf8().size());
    }
    return out;
}

bool writeBytes(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size() && f.flush();
}

QByteArray encode(const QString &text, QStringConverter::Encoding encoding, bool bom)
{
    QStringEncoder enc(encoding, bom ? QStringConverter::Flag::WriteBom : QStringConverter::Flag::Default);
    return enc.encode(text);
}

// Windows-1252, which QStringConverter does not offer: Latin-1 plus punctuation in 0x80-0x9F.
const QHash<char16_t, char> &windows1252Extras()
{
    static const QHash<char16_t, char> extra{{u'€', char(0x80)}, {u'‚', char(0x82)}, {u'„', char(0x84)},
                                             {u'…', char(0x85)}, {u'‘', char(0x91)}, {u'’', char(0x92)},
                                             {u'“', char(0x93)}, {u'”', char(0x94)}, {u'–', char(0x96)},
                                             {u'—', char(0x97)}};
    return extra;
}

QByteArray windows1252(const QString &text)
{
    QByteArray out;
    for (QChar c : text) {
        if (c.unicode() < 0x80 || (c.unicode() >= 0xA0 && c.unicode() <= 0xFF))
            out += char(c.unicode());
        else
            out += windows1252Extras().value(c.unicode(), '?');
    }
    return out;
}

// The text as it reads back from its Windows-1252 form (what it cannot hold becomes "?").
QString through1252(const QString &text)
{
    QString out;
    for (QChar c : text)
        out += c.unicode() < 0x80 || (c.unicode() >= 0xA0 && c.unicode() <= 0xFF) || windows1252Extras().contains(c.unicode())
                   ? c
                   : QLatin1Char('?');
    return out;
}

// A connection of this program's own to a database (never through lmodesk's storage code): to
// the file, or to the schema of the test server a postgresql:// URI names (libpq reads the URI).
class Peek
{
public:
    // `recover`: a read-write connection, as the next program to open the file is. A read-only
    // one cannot replay the write-ahead log a killed writer left (SQLite refuses read-only
    // recovery), and would find no rows to check. (A server has nothing to replay.)
    explicit Peek(const QString &location, bool recover = false) : m_name(u"peek-%1"_s.arg(++s_serial))
    {
        if (PgLocation::isPostgres(location)) {
            m_postgres = true;
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, m_name);
            const auto parsed = PgLocation::parse(location);
            const auto options = parsed ? parsed->driverOptions() : lmo::Result<QString>(parsed.error());
            if (options)
                db.setConnectOptions(options.value());
            m_ok = options && db.open();
            return;
        }
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        db.setDatabaseName(location);
        db.setConnectOptions(recover ? u"QSQLITE_BUSY_TIMEOUT=60000"_s : u"QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=60000"_s);
        m_ok = QFileInfo::exists(location) && db.open();
    }
    ~Peek()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    bool ok() const { return m_ok; }
    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }
    qint64 number(const QString &sql) const
    {
        QSqlQuery q(db());
        return q.exec(sql) && q.next() ? q.value(0).toLongLong() : -1;
    }
    QString text(const QString &sql) const
    {
        QSqlQuery q(db());
        return q.exec(sql) && q.next() ? q.value(0).toString() : u"<no row>"_s;
    }
    // "ok" when the database is sound: SQLite's integrity_check; on a server, whose storage is
    // its own business, no index of the schema left invalid or unfinished by a build that died.
    QString soundness() const
    {
        if (!m_postgres)
            return text(u"PRAGMA integrity_check"_s);
        const qint64 broken = number(u"SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                                     "JOIN pg_namespace n ON n.oid = c.relnamespace "
                                     "WHERE n.nspname = current_schema() AND NOT (i.indisvalid AND i.indisready)"_s);
        return broken == 0 ? u"ok"_s : u"%1 indexes not valid"_s.arg(broken);
    }
    // How many of these tables the database has.
    qint64 tablesNamed(const QStringList &names) const
    {
        const QString list = u"'%1'"_s.arg(names.join(u"', '"_s));
        return number(m_postgres ? u"SELECT COUNT(*) FROM information_schema.tables "
                                   "WHERE table_schema = current_schema() AND table_name IN (%1)"_s.arg(list)
                                 : u"SELECT COUNT(*) FROM sqlite_master WHERE name IN (%1)"_s.arg(list));
    }
    qint64 indexesOn(const QString &table) const
    {
        return number(m_postgres ? u"SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND tablename = '%1'"_s.arg(table)
                                 : u"SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = '%1'"_s.arg(table));
    }
    // Every row of the tables a user's data lives in, in key order.
    QByteArray hash(bool licensesOnly = false) const
    {
        QCryptographicHash h(QCryptographicHash::Sha256);
        const std::initializer_list<const char *> all{"licenses", "packages", "package_versions", "audit_log", "lmo_profiles"};
        const std::initializer_list<const char *> licenses{"licenses", "packages", "package_versions"};
        for (const char *table : licensesOnly ? licenses : all) {
            // Forward only, and the record read once: asked of the PostgreSQL driver row by row, it
            // made a hash of 20,000 licenses take seconds.
            QSqlQuery q(db());
            q.setForwardOnly(true);
            if (!q.exec(u"SELECT * FROM %1 ORDER BY 1"_s.arg(QLatin1String(table))))
                continue;
            const int columns = q.record().count();
            while (q.next())
                for (int i = 0; i < columns; ++i)
                    h.addData((q.value(i).isNull() ? u"<null>"_s : q.value(i).toString()).toUtf8() + '\x1f');
        }
        return h.result().toHex();
    }

private:
    static inline int s_serial = 0;
    QString m_name;
    bool m_ok = false;
    bool m_postgres = false;
};

// What hashOf() gives for a location that holds no database yet: no file, or a schema without
// tables.
const QByteArray kNothing = "<nothing>";

QByteArray hashOf(const QString &path, bool licensesOnly = false)
{
    const bool server = PgLocation::isPostgres(path);
    if (!server && !QFileInfo::exists(path))
        return kNothing;
    Peek p(path);
    if (!p.ok())
        return "<not a database>";
    if (server && p.number(u"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()"_s) == 0)
        return kNothing;
    return p.hash(licensesOnly);
}

// Whether the database is as it was: for a location that held nothing, nothing of the file's
// was kept (still nothing, or a new database without licenses, packages or audit rows).
bool unchanged(const QString &db, const QByteArray &before)
{
    if (before != kNothing)
        return hashOf(db) == before;
    if (hashOf(db) == kNothing)
        return true;
    // (A table not made yet counts as empty: a kill during the first migration leaves that.)
    Peek p(db);
    return p.ok() && p.number(u"SELECT COUNT(*) FROM licenses"_s) <= 0 && p.number(u"SELECT COUNT(*) FROM packages"_s) <= 0
           && p.number(u"SELECT COUNT(*) FROM audit_log"_s) <= 0;
}

// The counts an import prints: "read 4, inserted 4, updated 0, unchanged 0, rejected 0".
struct Counts
{
    qint64 read = -1, inserted = -1, updated = -1, unchanged = -1, rejected = -1;
};

Counts countsOf(const QByteArray &out)
{
    static const QRegularExpression re(
        u"read ([\\d,]+), inserted ([\\d,]+), updated ([\\d,]+), unchanged ([\\d,]+), rejected ([\\d,]+)"_s);
    const auto m = re.match(QString::fromUtf8(out));
    Counts c;
    if (!m.hasMatch())
        return c;
    auto n = [&](int i) { return m.captured(i).remove(QLatin1Char(',')).toLongLong(); };
    c = {n(1), n(2), n(3), n(4), n(5)};
    return c;
}

// What must hold after any import, whatever its input.
void checkImportOutcome(const Run &r, const QString &db, const QByteArray &before, qint64 licensesBefore,
                        const QHash<QString, Row> &source, bool strict)
{
    QVERIFY2(!r.crashed, r.out.constData());
    const QList<int> allowed = strict ? QList<int>{0, 1, 2} : QList<int>{0, 1, 2, 3};
    QVERIFY2(allowed.contains(r.exitCode), qPrintable(u"exit %1: %2"_s.arg(r.exitCode).arg(QString::fromUtf8(r.out))));
    QVERIFY2(!r.out.contains('\0'), "the messages hold raw NUL bytes");
    QVERIFY2(!QString::fromUtf8(r.out).contains(u"Ã"_s), r.out.constData());
    if (r.exitCode == 1 || r.exitCode == 2) {
        QVERIFY2(unchanged(db, before), "refused or failed, yet the database changed");
        return;
    }
    Peek p(db);
    QVERIFY(p.ok());
    QCOMPARE(p.soundness(), u"ok"_s);
    const Counts c = countsOf(r.out);
    QVERIFY2(c.read >= 0, r.out.constData());
    QCOMPARE(c.read, c.inserted + c.updated + c.unchanged + c.rejected);
    QCOMPARE(p.number(u"SELECT COUNT(*) FROM licenses"_s), licensesBefore + c.inserted);
    QCOMPARE(r.exitCode, c.rejected > 0 ? 3 : 0);
    // What was stored is what the file said, field by field, for every license it holds.
    QCOMPARE(p.number(u"SELECT COUNT(*) FROM licenses WHERE sf_id IS NULL"_s), 0);
    QSqlQuery q(p.db());
    QVERIFY(q.exec(u"SELECT sf_id, account_name, seats, used_licenses FROM licenses"_s));
    while (q.next()) {
        const QString id = q.value(0).toString().left(15);
        const QString account = q.value(1).toString();
        QVERIFY2(!account.contains(QChar(0)) && !account.contains(u"Ã"_s), qPrintable(account));
        const auto it = source.constFind(id);
        if (it == source.constEnd())
            continue; // there before this import
        QCOMPARE(account, it->account);
        QCOMPARE(q.value(2).toString(), it->seats);
        QCOMPARE(q.value(3).toString(), it->used);
    }
}

QHash<QString, Row> byId(const std::vector<Row> &rows)
{
    QHash<QString, Row> out;
    for (const Row &r : rows)
        out.insert(r.id, r);
    return out;
}

} // namespace

class TestRobustness : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QFileInfo(kBinary).isExecutable(), qPrintable(kBinary));
        // A database that already holds licenses (the careful path), copied for each case; a
        // server's schema cannot be copied as a file is, so there each case imports the seed.
        m_rows = makeRows(40, 1, 1);
        m_seed = m_dir.filePath(u"seed.csv"_s);
        QVERIFY(writeBytes(m_seed, csv(makeRows(25, 90'000, 7)).text.toUtf8()));
        if (!lmo::test::onPostgres()) {
            m_template = m_dir.filePath(u"template.sqlite"_s);
            const Run r = run({u"import"_s, u"--db"_s, m_template, m_seed});
            QVERIFY2(r.exitCode == 0, r.out.constData());
        }
    }

    // Random damage to a good file: bytes dropped, doubled, replaced, inserted (invalid UTF-8,
    // NUL, stray quotes, delimiters, line breaks), into an empty database or one with data.
    void mutatedFiles_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("intoEmpty");
        QTest::addColumn<bool>("strict");
        const QByteArray good = csv(m_rows).text.toUtf8();
        const QByteArray junk[] = {"\xff", "\xc3", "\x00", "\"", ",", "\n", "\r", "\xef\xbb\xbf", "\xff\xfe", "\xe2\x80",
                                   ";", "\t", "\"\"", "\\", "'", "\x80\x81", "9999999999999999999", "-5"};
        QRandomGenerator rng(20261201);
        for (int i = 0; i < 120; ++i) {
            QByteArray b = good;
            const int edits = 1 + int(rng.bounded(3));
            for (int e = 0; e < edits; ++e) {
                const qsizetype at = qsizetype(rng.bounded(quint32(b.size())));
                switch (rng.bounded(4)) {
                case 0: b.remove(at, 1 + rng.bounded(8)); break;
                case 1: b.insert(at, junk[rng.bounded(int(std::size(junk)))]); break;
                case 2: b[at] = junk[rng.bounded(int(std::size(junk)))].at(0); break;
                default: b.insert(at, b.mid(at, 1 + rng.bounded(40))); break;
                }
            }
            QTest::addRow("mutation %d", i) << b << bool(i % 2) << (i % 5 == 0);
        }
    }
    void mutatedFiles()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, intoEmpty);
        QFETCH(bool, strict);
        const QString file = m_dir.filePath(u"mutated.csv"_s);
        QVERIFY(writeBytes(file, bytes));
        const QString db = freshDatabase(intoEmpty);
        const QByteArray before = hashOf(db);
        const qint64 licensesBefore = intoEmpty ? 0 : 25;
        QStringList args{u"import"_s, u"--db"_s, db};
        if (strict)
            args << u"--strict"_s;
        const Run r = run(args << file);
        // A mutated row may legitimately say something else (a digit dropped from the seats):
        // the invariants that hold for any input, not the source's values.
        QVERIFY2(!r.crashed, r.out.constData());
        QVERIFY2(QList<int>({0, 1, 2, 3}).contains(r.exitCode), r.out.constData());
        QVERIFY2(!r.out.contains('\0'), "the messages hold raw NUL bytes");
        if (r.exitCode == 1 || r.exitCode == 2) {
            QVERIFY2(unchanged(db, before), "refused or failed, yet the database changed");
            return;
        }
        QVERIFY(!strict || r.exitCode == 0);
        Peek p(db);
        QCOMPARE(p.soundness(), u"ok"_s);
        const Counts c = countsOf(r.out);
        QVERIFY2(c.read >= 0, r.out.constData());
        QCOMPARE(c.read, c.inserted + c.updated + c.unchanged + c.rejected);
        QCOMPARE(p.number(u"SELECT COUNT(*) FROM licenses"_s), licensesBefore + c.inserted);
        QCOMPARE(p.number(u"SELECT COUNT(*) FROM licenses WHERE seats < -1 OR seats > 99000000 OR used_licenses < 0"_s), 0);
        // (Read here: a server's text cannot hold NUL, nor its SQL name one.)
        QSqlQuery accounts(p.db());
        QVERIFY(accounts.exec(u"SELECT account_name FROM licenses"_s));
        while (accounts.next())
            QVERIFY2(!accounts.value(0).toString().contains(QChar(0)), "an account name holds a NUL");
        QCOMPARE(p.number(u"SELECT COUNT(*) FROM licenses WHERE account_name LIKE '%Ã%'"_s), 0);
        QCOMPARE(p.tablesNamed({u"licenses"_s, u"audit_log"_s, u"packages"_s}), 3);
    }

    // An interrupted download: the file ends anywhere, inside a quoted field too. The records
    // before the cut are imported; the cut one is rejected (or, cut between fields, read as
    // far as it goes); --strict refuses the file.
    void cutOffFiles_data()
    {
        QTest::addColumn<int>("cut");
        QTest::addColumn<bool>("strict");
        const CsvText text = csv(m_rows);
        const int size = int(text.text.toUtf8().size());
        const int header = int(kHeader.join(QLatin1Char(',')).size()) + 1;
        QRandomGenerator rng(42);
        for (int i = 0; i < 40; ++i)
            QTest::addRow("cut %d", i) << (header + 1 + int(rng.bounded(quint32(size - header - 2)))) << (i % 4 == 3);
        // Inside the quoted, multi-line account names: the campaign's case.
        const QByteArray bytes = text.text.toUtf8();
        for (qsizetype at = bytes.indexOf("\"Line one"), n = 0; at >= 0 && n < 6; at = bytes.indexOf("\"Line one", at + 1), ++n)
            QTest::addRow("inside quotes at %lld", qlonglong(at)) << int(at + 12) << (n % 2 == 1);
    }
    void cutOffFiles()
    {
        QFETCH(int, cut);
        QFETCH(bool, strict);
        const CsvText text = csv(m_rows);
        const QByteArray bytes = text.text.toUtf8().left(cut);
        const QString file = m_dir.filePath(u"cut.csv"_s);
        QVERIFY(writeBytes(file, bytes));
        const QString db = freshDatabase(true);
        const QByteArray before = hashOf(db);
        QStringList args{u"import"_s, u"--db"_s, db};
        if (strict)
            args << u"--strict"_s;
        const Run r = run(args << file);
        QVERIFY2(!r.crashed, r.out.constData());
        const qsizetype complete = std::count_if(text.recordEnds.begin(), text.recordEnds.end(), [&](qsizetype e) { return e <= cut; });
        if (strict) {
            QVERIFY2(r.exitCode == 0 || r.exitCode == 2, r.out.constData());
            if (r.exitCode == 2)
                QVERIFY2(unchanged(db, before), "refused, yet the database changed");
            return;
        }
        QVERIFY2(r.exitCode == 0 || r.exitCode == 3, r.out.constData());
        Peek p(db);
        const qint64 stored = p.number(u"SELECT COUNT(*) FROM licenses"_s);
        QVERIFY2(stored >= complete && stored <= complete + 1,
                 qPrintable(u"%1 stored, %2 complete records: %3"_s.arg(stored).arg(complete).arg(QString::fromUtf8(r.out))));
        // The complete records are stored as written.
        QHash<QString, Row> source = byId(std::vector<Row>(m_rows.begin(), m_rows.begin() + complete));
        QSqlQuery q(p.db());
        QVERIFY(q.exec(u"SELECT sf_id, account_name FROM licenses"_s));
        while (q.next())
            if (auto it = source.constFind(q.value(0).toString().left(15)); it != source.constEnd())
                QCOMPARE(q.value(1).toString(), it->account);
    }

    // The same licenses in every encoding Excel and Salesforce write: the same data stored.
    void encodings_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("exact"); // false: the encoding cannot hold every character
        const QString text = csv(m_rows).text;
        const QString crlf = csv(m_rows, u"\r\n"_s).text;
        QTest::addRow("UTF-8") << text.toUtf8() << true;
        QTest::addRow("UTF-8 with BOM") << encode(text, QStringConverter::Utf8, true) << true;
        QTest::addRow("UTF-8, CRLF") << crlf.toUtf8() << true;
        QTest::addRow("UTF-16LE with BOM (Excel's Unicode Text)") << encode(crlf, QStringConverter::Utf16LE, true) << true;
        QTest::addRow("UTF-16BE with BOM") << encode(text, QStringConverter::Utf16BE, true) << true;
        QTest::addRow("UTF-16LE without BOM") << encode(text, QStringConverter::Utf16LE, false) << true;
        QTest::addRow("Windows-1252 (Excel's CSV)") << windows1252(crlf) << false;
    }
    void encodings()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, exact);
        const QString file = m_dir.filePath(u"encoded.csv"_s);
        QVERIFY(writeBytes(file, bytes));
        const QString db = freshDatabase(true);
        const Run r = run({u"import"_s, u"--db"_s, db, file});
        QVERIFY2(!r.crashed && r.exitCode == 0, r.out.constData());
        Peek p(db);
        QCOMPARE(p.number(u"SELECT COUNT(*) FROM licenses"_s), qint64(m_rows.size()));
        const QHash<QString, Row> source = byId(m_rows);
        QSqlQuery q(p.db());
        QVERIFY(q.exec(u"SELECT sf_id, account_name FROM licenses"_s));
        while (q.next()) {
            const Row &want = source.value(q.value(0).toString().left(15));
            QCOMPARE(q.value(1).toString(), exact ? want.account : through1252(want.account));
        }
    }

    // Junk before the header (NUL bytes, a stray BOM of the other byte order): never licenses
    // without their record Ids; either read correctly or refused with a message.
    void junkBeforeTheHeader_data()
    {
        QTest::addColumn<QByteArray>("prefix");
        for (const QByteArray &p : {QByteArray("\0\0\0\0", 4), QByteArray("\xff\xfe"), QByteArray("\xfe\xff"),
                                    QByteArray("\0", 1), QByteArray("\xef\xbb\xbf\xef\xbb\xbf"), QByteArray("\x1a"),
                                    QByteArray("   "), QByteArray("\n\n")})
            QTest::addRow("%s", p.toHex().constData()) << p;
    }
    void junkBeforeTheHeader()
    {
        QFETCH(QByteArray, prefix);
        const QString file = m_dir.filePath(u"junk.csv"_s);
        QVERIFY(writeBytes(file, prefix + csv(m_rows).text.toUtf8()));
        const QString db = freshDatabase(true);
        const QByteArray before = hashOf(db);
        const Run r = run({u"import"_s, u"--db"_s, db, file});
        checkImportOutcome(r, db, before, 0, byId(m_rows), false);
        if (r.exitCode == 0) {
            Peek p(db);
            QCOMPARE(p.number(u"SELECT COUNT(*) FROM licenses WHERE sf_id IS NOT NULL"_s), qint64(m_rows.size()));
        }
    }

    // Numbers beyond what a column holds are rejected, never wrapped or truncated.
    void numbersOutOfRange_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("valid");
        for (const char *v : {"4294967297", "2147483648", "9223372036854775808", "-1", "-2", "99000001", "1e10",
                              "12.5", "0x10", "1,000", "NaN", "inf", "-0", "99000000", "0"}) {
            QTest::addRow("seats %s", v) << u"seats"_s << QString::fromLatin1(v)
                                         << QList<QByteArray>{"-1", "99000000", "0", "-0", "1,000"}.contains(v);
            // Used Licenses is bounded as seats are (a sane bound that fits the column): beyond it, rejected.
            QTest::addRow("used %s", v) << u"used"_s << QString::fromLatin1(v)
                                        << QList<QByteArray>{"99000000", "0", "-0", "1,000"}.contains(v);
        }
    }
    void numbersOutOfRange()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(bool, valid);
        std::vector<Row> rows = makeRows(3, 500, 3);
        (field == u"seats"_s ? rows[1].seats : rows[1].used) = value;
        const QString file = m_dir.filePath(u"numbers.csv"_s);
        QVERIFY(writeBytes(file, csv(rows).text.toUtf8()));
        const QString db = freshDatabase(false);
        const Run r = run({u"import"_s, u"--db"_s, db, file});
        QVERIFY2(!r.crashed, r.out.constData());
        Peek p(db);
        QSqlQuery q(p.db());
        QVERIFY(q.exec(u"SELECT seats, used_licenses FROM licenses WHERE sf_id LIKE '%1%'"_s.arg(rows[1].id)));
        if (!q.next()) {
            QVERIFY2(!valid, qPrintable(u"%1 = %2 was rejected: %3"_s.arg(field, value, QString::fromUtf8(r.out))));
            QCOMPARE(r.exitCode, 3);
            QVERIFY2(r.out.contains(":3:"), r.out.constData()); // file:line:column names the row
            return;
        }
        // Stored: then exactly the number the file holds.
        const qint64 stored = q.value(field == u"seats"_s ? 0 : 1).toLongLong();
        QString plain = value;
        plain.remove(QLatin1Char(','));
        QVERIFY2(valid, qPrintable(u"%1 = %2 stored as %3"_s.arg(field, value).arg(stored)));
        QCOMPARE(stored, plain.toLongLong());
    }

    // Text that looks like SQL is data: stored as written, nothing dropped or deleted.
    void textThatLooksLikeSql()
    {
        std::vector<Row> rows = makeRows(6, 700, 5);
        const QStringList nasty{u"'); DROP TABLE licenses; --"_s, u"x' OR '1'='1"_s, u"\"; DELETE FROM audit_log; --"_s,
                                u"Robert'); DROP TABLE packages;--"_s, u"%_\\%"_s, u"${TEXT}"_s};
        for (size_t i = 0; i < rows.size(); ++i) {
            rows[i].account = nasty[qsizetype(i)];
            rows[i].package = nasty[qsizetype(i)];
        }
        const QString file = m_dir.filePath(u"sql.csv"_s);
        QVERIFY(writeBytes(file, csv(rows).text.toUtf8()));
        const QString db = freshDatabase(false);
        const Run r = run({u"import"_s, u"--db"_s, db, file});
        checkImportOutcome(r, db, QByteArray(), 25, byId(rows), false);
        QCOMPARE(r.exitCode, 0);
        Peek p(db);
        QCOMPARE(p.number(u"SELECT COUNT(*) FROM licenses"_s), 31);
        QCOMPARE(p.number(u"SELECT COUNT(*) FROM packages WHERE name = 'Robert''); DROP TABLE packages;--'"_s), 1);
    }

    // A pipe is read once: every row of a file bigger than any sniffing buffer arrives.
    void fromAPipe_data()
    {
        QTest::addColumn<QString>("how");
        QTest::addRow("cat | import /dev/stdin") << u"cat \"$1\" | \"$2\" import --db \"$3\" /dev/stdin"_s;
        QTest::addRow("process substitution") << u"\"$2\" import --db \"$3\" <(cat \"$1\")"_s;
    }
    void fromAPipe()
    {
        QFETCH(QString, how);
        const std::vector<Row> rows = makeRows(12'000, 100'000, 11); // about 2 MiB
        const QString file = m_dir.filePath(u"big.csv"_s);
        QVERIFY(writeBytes(file, csv(rows).text.toUtf8()));
        QVERIFY(QFileInfo(file).size() > 3 * 512 * 1024);
        const QString db = freshDatabase(true);
        const Run r = shell(how, {file, kBinary, db});
        QVERIFY2(!r.crashed && r.exitCode == 0, r.out.constData());
        Peek p(db);
        QCOMPARE(p.number(u"SELECT COUNT(*) FROM licenses"_s), qint64(rows.size()));
        QCOMPARE(p.text(u"SELECT MIN(name) FROM licenses"_s), rows.front().name);
    }

    // Killed at any moment (kill -9): the database is as before the file or as after all of it.
    // Each wait counts from the moment the import reached the database (made the file, or has
    // its session on the server): how long the process takes to get there depends on the
    // machine's load, and a kill before it would test nothing (and find no file to check).
    void killedImports_data()
    {
        QTest::addColumn<int>("afterMs");
        QTest::addColumn<bool>("intoEmpty");
        for (int ms : {40, 200, 500})
            for (bool empty : {true, false})
                QTest::addRow("%d ms, %s", ms, empty ? "empty" : "with data") << ms << empty;
    }
    void killedImports()
    {
        QFETCH(int, afterMs);
        QFETCH(bool, intoEmpty);
        const QString file = m_dir.filePath(u"kill.csv"_s);
        if (!QFileInfo::exists(file))
            QVERIFY(writeBytes(file, csv(makeRows(20'000, 200'000, 13)).text.toUtf8()));
        const QString complete = freshDatabase(intoEmpty);
        QCOMPARE(run({u"import"_s, u"--db"_s, complete, file}).exitCode, 0);
        // The licenses, packages and versions: once they are saved, a kill in the index build
        // that follows leaves them, and the next open or import finishes that build.
        const QByteArray after = hashOf(complete, true);
        const QString db = freshDatabase(intoEmpty);
        const QByteArray before = hashOf(db);
        // On a server the import's session is told apart from every other by its name.
        const bool server = PgLocation::isPostgres(db);
        const QString session = u"tst_robustness-kill-%1"_s.arg(m_serial);
        std::optional<Peek> watch;
        if (server) {
            watch.emplace(db);
            QVERIFY(watch->ok());
        }
        auto sessions = [&] {
            return watch->number(u"SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '%1'"_s.arg(session));
        };
        QProcess p;
        p.start(kBinary, {u"import"_s, u"--db"_s, server ? db + u"&application_name="_s + session : db, file});
        QVERIFY(p.waitForStarted());
        while (p.state() == QProcess::Running && !(server ? sessions() > 0 : QFileInfo::exists(db)))
            QTest::qWait(1);
        QTest::qWait(afterMs);
        // Only a live child: kill(0, ...) would signal this whole process group.
        if (p.state() == QProcess::Running && p.processId() > 0)
            ::kill(pid_t(p.processId()), SIGKILL);
        if (p.state() != QProcess::NotRunning)
            p.waitForFinished();
        // A server rolls back what the session had not committed once it sees the client gone.
        while (server && sessions() > 0)
            QTest::qWait(10);
        // First as the next program to open it: that connection replays the killed writer's
        // write-ahead log, which the read-only looks below could not read.
        {
            Peek peek(db, true);
            QVERIFY(peek.ok());
            QCOMPARE(peek.soundness(), u"ok"_s);
        }
        QVERIFY2(unchanged(db, before) || hashOf(db, true) == after, "a killed import left part of its file");
        // The next import finishes the job and leaves what a whole import leaves.
        const Run again = run({u"import"_s, u"--db"_s, db, file});
        QVERIFY2(again.exitCode == 0, again.out.constData());
        QCOMPARE(Peek(db).number(u"SELECT COUNT(*) FROM licenses"_s), Peek(complete).number(u"SELECT COUNT(*) FROM licenses"_s));
    }

    // Two imports at once queue; a reader during an import waits or reads, never fails.
    void concurrentWork()
    {
        const QString a = m_dir.filePath(u"a.csv"_s), b = m_dir.filePath(u"b.csv"_s);
        QVERIFY(writeBytes(a, csv(makeRows(20'000, 300'000, 17)).text.toUtf8()));
        QVERIFY(writeBytes(b, csv(makeRows(20'000, 400'000, 19)).text.toUtf8()));
        const QString db = freshDatabase(true);
        QProcess first, second, reader;
        first.setProcessChannelMode(QProcess::MergedChannels);
        second.setProcessChannelMode(QProcess::MergedChannels);
        reader.setProcessChannelMode(QProcess::MergedChannels);
        first.start(kBinary, {u"import"_s, u"--db"_s, db, a});
        second.start(kBinary, {u"import"_s, u"--db"_s, db, b});
        // The reader once the imports have made the database (before, there is none to read,
        // and it says so): how soon that is depends on the machine's load.
        auto made = [&] { return Peek(db).tablesNamed({u"licenses"_s}) == 1; };
        while ((first.state() != QProcess::NotRunning || second.state() != QProcess::NotRunning) && !made())
            QTest::qWait(5);
        reader.start(kBinary, {u"stats"_s, u"--db"_s, db, u"--json"_s});
        // Each in its normal time (seconds for 20,000 rows); a queue that loads row by row
        // against a table without indexes took many minutes.
        for (QProcess *p : {&first, &second, &reader})
            if (p->state() != QProcess::NotRunning && !p->waitForFinished(240'000)) {
                for (QProcess *q : {&first, &second, &reader})
                    q->kill();
                QFAIL("an import or the reader beside it did not finish within four minutes");
            }
        const QByteArray outA = first.readAll(), outB = second.readAll(), outR = reader.readAll();
        QVERIFY2(first.exitCode() == 0, outA.constData());
        QVERIFY2(second.exitCode() == 0, outB.constData());
        QVERIFY2(reader.exitCode() == 0, outR.constData());
        Peek p(db);
        QCOMPARE(p.number(u"SELECT COUNT(*) FROM licenses"_s), 40'000);
        QCOMPARE(p.number(u"SELECT COUNT(*) FROM deferred_indexes"_s), 0);
        QVERIFY(p.indexesOn(u"licenses"_s) >= 10);
    }

    // The command line refuses what it cannot use, naming it, and touches nothing.
    void commandLineArguments_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("says");
        for (const char *d : {"2026-01-01xyz", "2026-02-30", "2026-1-1", "01/02/2026", "", "2026-13-01", " 2026-01-01"})
            QTest::addRow("--as-of '%s'", d) << QStringList{u"stats"_s, u"--as-of"_s, QString::fromLatin1(d)} << 2 << u"--as-of"_s;
        for (const char *d : {"2026-01-01xyz", "yesterday"})
            QTest::addRow("--installed-from '%s'", d)
                << QStringList{u"stats"_s, u"--installed-from"_s, QString::fromLatin1(d)} << 2 << u"--installed-from"_s;
        for (const QStringList &cmd : {QStringList{u"stats"_s}, QStringList{u"export-csv"_s, u"--out"_s, u"@OUT@"_s},
                                       QStringList{u"export-chart"_s, u"--chart"_s, u"status-mix"_s, u"--out"_s, u"@OUT@.svg"_s},
                                       QStringList{u"export-report"_s, u"--out"_s, u"@OUT@.pdf"_s}})
            QTest::addRow("%s --package NoSuchName", qPrintable(cmd.first()))
                << (cmd + QStringList{u"--package"_s, u"NoSuchName"_s}) << 2 << u"NoSuchName"_s;
        QTest::addRow("unknown chart") << QStringList{u"export-chart"_s, u"--chart"_s, u"nope"_s, u"--out"_s, u"@OUT@.png"_s} << 2
                                       << u"nope"_s;
        QTest::addRow("Qt's -style passes through") << QStringList{u"-style"_s, u"fusion"_s, u"--version"_s} << 0 << u"lmodesk"_s;
        QTest::addRow("Qt's -reverse passes through") << QStringList{u"-reverse"_s, u"--version"_s} << 0 << u"lmodesk"_s;
    }
    void commandLineArguments()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, says);
        const QString db = freshDatabase(false);
        const QByteArray before = hashOf(db);
        const QString out = m_dir.filePath(u"out-%1"_s.arg(++m_serial));
        for (QString &a : args)
            a.replace(u"@OUT@"_s, out);
        if (!args.contains(u"--version"_s))
            args << u"--db"_s << db;
        const Run r = run(args);
        QVERIFY2(!r.crashed, r.out.constData());
        QVERIFY2(r.exitCode == exitCode, qPrintable(u"exit %1: %2"_s.arg(r.exitCode).arg(QString::fromUtf8(r.out))));
        QVERIFY2(QString::fromUtf8(r.out).contains(says), r.out.constData());
        QCOMPARE(hashOf(db), before);
        if (exitCode != 0)
            for (const QString &suffix : {u""_s, u".svg"_s, u".pdf"_s, u".png"_s})
                QVERIFY2(!QFileInfo::exists(out + suffix), "a refused export left a file");
    }

    // What is not a database stays what it was, and the command says why it cannot use it. A
    // file's bytes are SQLite's case: those rows exist only there. On a server: a schema that
    // holds another program's tables, a database the server does not have, no server at all.
    void notADatabase_data()
    {
        QTest::addColumn<QString>("what"); // "file", "foreign", "no database", "no server"
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("says");
        for (const char *c : {"stats", "lmo", "export-csv"}) {
            const QString command = QString::fromLatin1(c);
            if (!lmo::test::onPostgres()) {
                QTest::addRow("zero bytes, %s", c) << u"file"_s << QByteArray() << command << QString();
                QTest::addRow("text, %s", c) << u"file"_s << QByteArray("Id,Name\n1,2\n") << command << QString();
                QTest::addRow("random, %s", c) << u"file"_s << QByteArray(4096, '\x5a') << command << QString();
                QTest::addRow("SQLite header only, %s", c) << u"file"_s << QByteArray("SQLite format 3\0", 16) << command << QString();
                continue;
            }
            QTest::addRow("another program's tables, %s", c) << u"foreign"_s << QByteArray() << command
                                                               << u"holds tables of another program"_s;
            QTest::addRow("no such database, %s", c) << u"no database"_s << QByteArray() << command
                                                       << u"has no database of that name"_s;
            QTest::addRow("no server there, %s", c) << u"no server"_s << QByteArray() << command << u"cannot be reached"_s;
        }
    }
    void notADatabase()
    {
        QFETCH(QString, what);
        QFETCH(QByteArray, bytes);
        QFETCH(QString, command);
        QFETCH(QString, says);
        const QString path = m_dir.filePath(u"notadb-%1.sqlite"_s.arg(++m_serial));
        QString db = path;
        if (what == u"file"_s) {
            QVERIFY(writeBytes(db, bytes));
        } else if (what == u"foreign"_s) {
            db = lmo::test::location(path);
            Peek p(db);
            QVERIFY(p.ok());
            QSqlQuery q(p.db());
            QVERIFY(q.exec(u"CREATE TABLE invoices (id INTEGER PRIMARY KEY, total TEXT)"_s));
            QVERIFY(q.exec(u"INSERT INTO invoices VALUES (1, '12.50'), (2, '99.00')"_s));
        } else if (what == u"no database"_s) {
            db = lmo::test::postgresUri();
            QVERIFY(db.contains(u"/lmodesk_test?"_s));
            db.replace(u"/lmodesk_test?"_s, u"/no_such_database?"_s);
        } else {
            // A port nothing listens on: taken, then given back.
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            db = u"postgresql://lmodesk_test@127.0.0.1:%1/lmodesk_test"_s.arg(probe.serverPort());
        }
        QStringList args{command};
        if (command == u"lmo"_s)
            args << u"show"_s;
        if (command == u"export-csv"_s)
            args << u"--out"_s << path + u".csv"_s;
        const Run r = run(args << u"--db"_s << db);
        QVERIFY2(!r.crashed, r.out.constData());
        QVERIFY2(r.exitCode == 1 || r.exitCode == 2, qPrintable(u"exit %1: %2"_s.arg(r.exitCode).arg(QString::fromUtf8(r.out))));
        QVERIFY2(QString::fromUtf8(r.out).contains(says), r.out.constData());
        QVERIFY(!QFileInfo::exists(path + u".csv"_s));
        if (what == u"file"_s) {
            QFile f(db);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QCOMPARE(f.readAll(), bytes);
            QVERIFY(!QFileInfo::exists(db + u"-wal"_s) || QFileInfo(db + u"-wal"_s).size() == 0);
        } else if (what == u"foreign"_s) {
            // Nothing of LMO Desk's was put beside the other program's table, nor in it.
            Peek p(db);
            QCOMPARE(p.number(u"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()"_s), 1);
            QCOMPARE(p.text(u"SELECT string_agg(id || '=' || total, ',' ORDER BY id) FROM invoices"_s), u"1=12.50,2=99.00"_s);
        }
    }

    // An export is read back as it was, and no cell of it runs as a spreadsheet formula.
    void exportedCellsAreSafeAndRoundTrip()
    {
        std::vector<Row> rows = makeRows(8, 800, 23);
        const QStringList formulas{u"=1+1"_s, u" =cmd|' /C calc'!A0"_s, u"\u00A0=HYPERLINK(\"x\")"_s, u"+SUM(A1)"_s,
                                   u"-2+3"_s, u"@foo"_s, u"\t=1"_s, u"\r=1"_s};
        for (size_t i = 0; i < rows.size(); ++i)
            rows[i].account = formulas[qsizetype(i)];
        const QString file = m_dir.filePath(u"formulas.csv"_s);
        QVERIFY(writeBytes(file, csv(rows).text.toUtf8()));
        const QString db = freshDatabase(true);
        QCOMPARE(run({u"import"_s, u"--db"_s, db, file}).exitCode, 0);
        const QString out = m_dir.filePath(u"exported.csv"_s);
        const Run e = run({u"export-csv"_s, u"--db"_s, db, u"--out"_s, out});
        QVERIFY2(e.exitCode == 0, e.out.constData());
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(f.readAll());
        for (const QString &formula : formulas)
            QVERIFY2(!text.contains(u","_s + formula + u","_s) && !text.contains(u",\""_s + formula),
                     qPrintable(u"%1 left as a formula"_s.arg(formula)));
        // Back in: the accounts as the first database held them (an import trims text).
        const QString again = freshDatabase(true);
        QCOMPARE(run({u"import"_s, u"--db"_s, again, out}).exitCode, 0);
        Peek first(db), second(again);
        for (const Row &r : rows) {
            const QString sql = u"SELECT account_name FROM licenses WHERE sf_id LIKE '%1%'"_s.arg(r.id);
            QCOMPARE(second.text(sql), first.text(sql));
            QCOMPARE(first.text(sql), r.account.trimmed());
        }
    }

    // Names are text in every export format: a name with markup is drawn as written.
    void chartNamesAreText()
    {
        std::vector<Row> rows = makeRows(5, 900, 29);
        for (Row &r : rows) {
            r.edition = u"Ed & <Co> \"x\""_s;
            r.status = u"Active"_s;
        }
        const QString file = m_dir.filePath(u"names.csv"_s);
        QVERIFY(writeBytes(file, csv(rows).text.toUtf8()));
        const QString db = freshDatabase(true);
        QCOMPARE(run({u"import"_s, u"--db"_s, db, file}).exitCode, 0);
        const QString svg = m_dir.filePath(u"edition.svg"_s);
        const Run r = run({u"export-chart"_s, u"--db"_s, db, u"--chart"_s, u"edition-mix"_s, u"--out"_s, svg, u"--include-sandboxes"_s});
        QVERIFY2(r.exitCode == 0, r.out.constData());
        QFile f(svg);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY2(text.contains("Ed &amp; &lt;Co&gt;"), "the edition's name lost its markup characters");
    }

private:
    // A database for one case: a new path (empty) or a copy of the template (with data). On a
    // server, a new schema, empty or with the seed imported as the template's was.
    QString freshDatabase(bool empty)
    {
        const QString path = m_dir.filePath(u"case-%1.sqlite"_s.arg(++m_serial));
        if (lmo::test::onPostgres()) {
            const QString schema = lmo::test::location(path);
            if (!empty) {
                const Run r = run({u"import"_s, u"--db"_s, schema, m_seed});
                if (r.exitCode != 0)
                    QTest::qFail(r.out.constData(), __FILE__, __LINE__);
            }
            return schema;
        }
        QFile::remove(path);
        if (!empty)
            QFile::copy(m_template, path);
        return path;
    }

    QTemporaryDir m_dir;
    QString m_seed;
    QString m_template;
    std::vector<Row> m_rows;
    int m_serial = 0;
};

QTEST_GUILESS_MAIN(TestRobustness)
#include "tst_robustness.moc"
