// How an import reads a file's bytes as text: UTF-8 (a stray bad byte rejects its row, not the
// file's encoding), Windows-1252 as Excel saves CSV, UTF-16 as Excel saves "Unicode Text".

#include "fixtures.h"

#include "import/csvreader.h"
#include "import/importer.h"
#include "storage/sqlutil.h"

#include <QBuffer>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

using namespace lmo;
using namespace Qt::Literals::StringLiterals;

namespace {

const QByteArray kHeader = "sfLma__Package__r.Name,sfLma__Status__c,sfLma__Subscriber_Org_ID__c,sfLma__Account__r.Name\n";

QByteArray orgId(int n)
{
    return "00D9" + QByteArray::number(n).rightJustified(11, '0');
}

QByteArray row(int n, const QByteArray &account)
{
    return "Ledgerly CPQ,Active," + orgId(n) + "," + account + "\n";
}

// ASCII rows from `first`, as many as make at least `bytes`.
QByteArray asciiRows(int first, qsizetype bytes, int *next)
{
    QByteArray out;
    int n = first;
    for (; out.size() < bytes; ++n)
        out += row(n, "Account " + QByteArray::number(n));
    *next = n;
    return out;
}

QByteArray utf16(const QString &text, bool littleEndian, bool bom)
{
    QByteArray out;
    if (bom)
        out += littleEndian ? QByteArray("\xFF\xFE") : QByteArray("\xFE\xFF");
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        const char lo = char(u & 0xFF), hi = char(u >> 8);
        out += littleEndian ? QByteArray{&lo, 1} + QByteArray{&hi, 1} : QByteArray{&hi, 1} + QByteArray{&lo, 1};
    }
    return out;
}

} // namespace

class TestEncoding : public QObject
{
    Q_OBJECT
private slots:
    void init()
    {
        QVERIFY(m_dir.isValid());
        Database::OpenOptions o;
        o.create = true;
        auto db = Database::open(test::location(m_dir.filePath(QStringLiteral("encoding-%1.sqlite").arg(++m_count))), o);
        QVERIFY(db.ok());
        m_db = std::move(db.value());
    }
    void cleanup() { m_db.reset(); }

    // The reader decides from the evidence: a mark, NULs, the bytes from the first non-ASCII one.
    void theReaderDecidesTheEncodingFromTheEvidence_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("encoding");
        QTest::addColumn<QString>("value"); // the second record's first field
        QTest::addColumn<QString>("problem");
        const int utf8 = int(TextEncoding::Utf8), cp1252 = int(TextEncoding::Windows1252);
        QTest::newRow("ASCII") << QByteArray("a,b\nx,y\n") << utf8 << u"x"_s << QString();
        QTest::newRow("UTF-8") << QByteArray("a,b\nZ\xC3\xBCrich,y\n") << utf8 << u"Zürich"_s << QString();
        QTest::newRow("UTF-8 with a BOM") << QByteArray("\xEF\xBB\xBF" "a,b\nZ\xC3\xBCrich,y\n") << utf8 << u"Zürich"_s << QString();
        QTest::newRow("UTF-8, a stray byte")
            << QByteArray("a,b\nZ\xC3\xBCrich,y\nM\xC3\xBCller,Gen\xE8ve\nS\xC3\xA3o Paulo,z\n") << utf8 << u"Zürich"_s
            << u"1:invalid UTF-8 byte 0xE8"_s;
        QTest::newRow("UTF-8 BOM, only bad bytes") << QByteArray("\xEF\xBB\xBF" "a,b\nZ\xFCrich,y\n") << utf8 << u"Z\uFFFDrich"_s
                                                   << u"0:invalid UTF-8 byte 0xFC"_s;
        QTest::newRow("Windows-1252") << QByteArray("a,b\nZ\xFCrich,\x93hi\x94 \x96 5\x80 O\x92Neil\n") << cp1252 << u"Zürich"_s
                                      << QString();
        QTest::newRow("Windows-1252, a chance UTF-8 pair")
            << QByteArray("a,b\nZ\xFCrich,G\xE8ne \xC3\xA9 \xE9t\xE9\n") << cp1252 << u"Zürich"_s << QString();
        QTest::newRow("UTF-16LE, BOM") << utf16(u"a\tb\r\nZürich\ty\r\n"_s, true, true) << int(TextEncoding::Utf16LE)
                                       << u"Zürich"_s << QString();
        QTest::newRow("UTF-16BE, BOM") << utf16(u"a,b\nZürich,y\n"_s, false, true) << int(TextEncoding::Utf16BE)
                                       << u"Zürich"_s << QString();
        QTest::newRow("UTF-16LE, no BOM") << utf16(u"a,b\nZürich,y\n"_s, true, false) << int(TextEncoding::Utf16LE)
                                          << u"Zürich"_s << QString();
        QTest::newRow("UTF-16BE, no BOM") << utf16(u"a,b\nZürich,y\n"_s, false, false) << int(TextEncoding::Utf16BE)
                                          << u"Zürich"_s << QString();
    }
    void theReaderDecidesTheEncodingFromTheEvidence()
    {
        QFETCH(QByteArray, input);
        QFETCH(int, encoding);
        QFETCH(QString, value);
        QFETCH(QString, problem);
        QBuffer buffer(&input);
        QVERIFY(buffer.open(QIODevice::ReadOnly));
        CsvReader reader(&buffer);
        CsvRecord record;
        QVERIFY(reader.next(record));
        QCOMPARE(record.text(0), u"a"_s);
        QCOMPARE(record.size(), 2);
        QVERIFY(reader.next(record));
        QCOMPARE(int(reader.encoding()), encoding);
        QCOMPARE(record.text(0), value);
        QString found;
        while (found.isEmpty()) {
            if (const auto &p = record.problem())
                found = QStringLiteral("%1:%2").arg(p->column).arg(p->reason);
            else if (!reader.next(record))
                break;
        }
        QVERIFY2(found.startsWith(problem) && found.isEmpty() == problem.isEmpty(), qPrintable(found));
        if (!problem.isEmpty())
            while (reader.next(record)) // the rows after it read as before
                QVERIFY(!record.problem());
        QVERIFY(reader.error().isEmpty());
    }

    // A UTF-8 file with one bad byte stays UTF-8: that row is rejected where the byte is, and no
    // other row is read differently, however late the byte comes. --strict refuses the file.
    void aStrayBadByteRejectsItsRowNotTheFile_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<QString>("rejection");
        QTest::addColumn<int>("rows");
        QTest::addColumn<bool>("fast");
        int next = 0;
        for (bool fast : {true, false}) {
            const char *path = fast ? "" : ", careful path";
            QByteArray early = kHeader + row(1, "Z\xC3\xBCrich") + row(2, "Gen\xE8ve") + row(3, "M\xC3\xBCnchen");
            QTest::addRow("in the first rows%s", path) << early << u"f.csv:3:4: invalid UTF-8 byte 0xE8"_s << 3 << fast;
            // More than the reader's first block of UTF-8, then the byte: the rows before stay.
            QByteArray late = kHeader + row(1, "Z\xC3\xBCrich") + asciiRows(2, 3 << 19, &next);
            const int lateLine = 2 + next - 1;
            late += row(next, "Gen\xE8ve") + row(next + 1, "M\xC3\xBCnchen");
            QTest::addRow("after 1.5 MiB%s", path) << late << QStringLiteral("f.csv:%1:4: invalid UTF-8 byte 0xE8").arg(lateLine)
                                                  << next + 1 << fast;
            // A file that is ASCII for its first MiB and more: the first non-ASCII bytes decide.
            QByteArray asciiFirst = kHeader + asciiRows(1, 3 << 19, &next);
            const int firstLine = 1 + next;
            asciiFirst += row(next, "Z\xC3\xBCrich") + row(next + 1, "Gen\xE8ve") + row(next + 2, "M\xC3\xBCnchen");
            QTest::addRow("the first non-ASCII byte after 1.5 MiB%s", path)
                << asciiFirst << QStringLiteral("f.csv:%1:4: invalid UTF-8 byte 0xE8").arg(firstLine + 1) << next + 2 << fast;
            // In a quoted value over three lines: the line of the byte itself.
            QByteArray quoted = kHeader + row(1, "Z\xC3\xBCrich") + row(2, "\"Two\nlines, G\xE8neve\nthree\"") + row(3, "M\xC3\xBCnchen");
            QTest::addRow("in a quoted value over lines%s", path) << quoted << u"f.csv:4:4: invalid UTF-8 byte 0xE8"_s << 3 << fast;
        }
    }
    void aStrayBadByteRejectsItsRowNotTheFile()
    {
        QFETCH(QByteArray, csv);
        QFETCH(QString, rejection);
        QFETCH(int, rows);
        QFETCH(bool, fast);
        const QString path = m_dir.filePath(QStringLiteral("f.csv"));
        writeFile(path, csv);
        ImportOptions options;
        options.fastLoad = fast;
        auto result = importFile(*m_db, path, options);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        const ImportReport &r = result.value();
        QCOMPARE(r.encoding, TextEncoding::Utf8);
        QCOMPARE(r.read, rows);
        QCOMPARE(r.rejected, 1);
        QVERIFY2(r.rejections[0].text(u"f.csv"_s).startsWith(rejection), qPrintable(r.rejections[0].text(u"f.csv"_s)));
        QCOMPARE(r.inserted, rows - 1);
        QCOMPARE(r.exitCode(), 3);
        QCOMPARE(textOf(u"SELECT COUNT(*) FROM licenses WHERE account_name = 'Zürich' OR account_name = 'München'"_s), u"2"_s);
        QCOMPARE(textOf(u"SELECT COUNT(*) FROM licenses WHERE account_name LIKE '%Ã%'"_s), u"0"_s);

        // --strict: the whole file is refused, the database as it was.
        cleanup();
        init();
        const QByteArray before = test::contentHash(*m_db);
        options.strict = true;
        auto strict = importFile(*m_db, path, options);
        QVERIFY(strict.ok());
        QVERIFY(strict->refused);
        QCOMPARE(strict->exitCode(), 2);
        QCOMPARE(test::contentHash(*m_db), before);
    }

    // Excel's "CSV" on Western-European Windows: curly quotes, dashes, the euro sign.
    void windows1252IsReadAsExcelWroteIt_data()
    {
        QTest::addColumn<bool>("fast");
        QTest::addColumn<bool>("late");
        QTest::newRow("fast path") << true << false;
        QTest::newRow("careful path") << false << false;
        QTest::newRow("its first non-ASCII byte after 1.5 MiB") << true << true;
    }
    void windows1252IsReadAsExcelWroteIt()
    {
        QFETCH(bool, fast);
        QFETCH(bool, late);
        int next = 1;
        QByteArray csv = kHeader;
        if (late)
            csv += asciiRows(1, 3 << 19, &next);
        csv += row(next, "\"\x93Quoted\x94 \x96 5\x80, O\x92Neil\"") + row(next + 1, "Z\xFCrich");
        const QString path = m_dir.filePath(QStringLiteral("excel.csv"));
        writeFile(path, csv);
        ImportOptions options;
        options.fastLoad = fast;
        const ImportReport r = mustImport(path, options);
        QCOMPARE(r.encoding, TextEncoding::Windows1252);
        QCOMPARE(r.rejected, 0);
        QCOMPARE(r.inserted, next + 1);
        QVERIFY(r.summary().contains(u"read as Windows-1252"_s));
        QCOMPARE(textOf(QStringLiteral("SELECT account_name FROM licenses WHERE org_id = '%1'").arg(QLatin1String(orgId(next)))),
                 u"\u201CQuoted\u201D \u2013 5\u20AC, O\u2019Neil"_s);
        QCOMPARE(textOf(QStringLiteral("SELECT account_name FROM licenses WHERE org_id = '%1'").arg(QLatin1String(orgId(next + 1)))),
                 u"Zürich"_s);
    }

    // Excel's "Unicode Text": tab-delimited UTF-16LE with a BOM; and the other UTF-16 forms.
    void utf16IsRead_data()
    {
        QTest::addColumn<bool>("littleEndian");
        QTest::addColumn<bool>("bom");
        QTest::addColumn<int>("rows");
        QTest::newRow("Excel Unicode Text") << true << true << 3;
        QTest::newRow("big-endian with a BOM") << false << true << 3;
        QTest::newRow("little-endian, no BOM") << true << false << 3;
        QTest::newRow("big-endian, no BOM") << false << false << 3;
        QTest::newRow("over several blocks") << true << true << 30000;
    }
    void utf16IsRead()
    {
        QFETCH(bool, littleEndian);
        QFETCH(bool, bom);
        QFETCH(int, rows);
        // A non-BMP character (a surrogate pair) too, which a block may split.
        QString text = u"Id\tsfLma__Package__r.Name\tsfLma__Status__c\tsfLma__Subscriber_Org_ID__c\tsfLma__Account__r.Name\r\n"_s;
        for (int i = 0; i < rows; ++i)
            text += QStringLiteral("%1\tLedgerly CPQ\tActive\t%2\tZürich € %3 \U0001F600\r\n")
                        .arg(SalesforceId::fromString(QStringLiteral("a0B9%1").arg(i, 11, 10, QLatin1Char('0'))).to18(),
                             QString::fromLatin1(orgId(i)))
                        .arg(i);
        const QString path = m_dir.filePath(QStringLiteral("unicode.txt"));
        writeFile(path, utf16(text, littleEndian, bom));
        const ImportReport r = mustImport(path);
        QCOMPARE(r.encoding, littleEndian ? TextEncoding::Utf16LE : TextEncoding::Utf16BE);
        QCOMPARE(r.delimiter, '\t');
        QCOMPARE(r.mapping.at(0), ImportField::Id);
        QCOMPARE(r.rejected, 0);
        QCOMPARE(r.inserted, rows);
        QCOMPARE(textOf(QStringLiteral("SELECT account_name FROM licenses WHERE org_id = '%1'").arg(QLatin1String(orgId(rows - 1)))),
                 QStringLiteral("Zürich € %1 \U0001F600").arg(rows - 1));
        QCOMPARE(textOf(u"SELECT COUNT(*) FROM licenses WHERE account_name LIKE 'Zürich € %'"_s), QString::number(rows));
    }

    // A UTF-16 file the import refuses says why in words, without the file's NULs.
    void aRefusedUtf16FileSaysWhyWithoutNuls()
    {
        const QString path = m_dir.filePath(QStringLiteral("missing.txt"));
        writeFile(path, utf16(u"sfLma__Package__r.Name\tsfLma__Seats__c\r\nLedgerly CPQ\t5\r\n"_s, true, true));
        auto r = importFile(*m_db, path);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message.contains(u"Subscriber Org ID"_s), qPrintable(r.error().message));
        QVERIFY(!r.error().message.contains(QChar(0)));
    }

private:
    void writeFile(const QString &path, const QByteArray &bytes)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QCOMPARE(f.write(bytes), bytes.size());
    }
    ImportReport mustImport(const QString &path, const ImportOptions &options = {})
    {
        auto r = importFile(*m_db, path, options);
        if (!r) {
            qWarning("%s", qPrintable(r.error().message));
            return ImportReport();
        }
        return r.value();
    }
    QString textOf(const QString &sql)
    {
        QSqlQuery q(m_db->connection());
        if (!q.exec(sql) || !q.next())
            return QStringLiteral("<no row>");
        return q.value(0).toString();
    }

    QTemporaryDir m_dir;
    int m_count = 0;
    std::unique_ptr<Database> m_db;
};

QTEST_GUILESS_MAIN(TestEncoding)
#include "tst_encoding.moc"
