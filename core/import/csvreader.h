#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QIODevice>
#include <QString>
#include <QStringDecoder>

#include <optional>
#include <vector>

namespace lmo {

// How a file's bytes are read as text.
enum class TextEncoding {
    Utf8,        // with or without a byte-order mark; also a file that is all ASCII
    Utf16LE,     // Excel's "Unicode Text": a BOM FF FE, or NULs after every ASCII character
    Utf16BE,     // a BOM FE FF, or NULs before every ASCII character
    Windows1252, // not UTF-8 (Excel's "CSV" on Western-European Windows; a superset of ISO-8859-1)
};

QString encodingName(TextEncoding encoding); // "UTF-8", "Windows-1252", ...

// What makes a record unreadable as a whole, found while reading it: the row is rejected, the
// file goes on.
struct RecordProblem
{
    int column = -1; // 0-based; -1 for the row as a whole
    qint64 line = 0; // the line the problem is on (a quoted field may span lines)
    QString reason;
};

// One CSV record: the fields' bytes (UTF-8, unquoted) in one buffer, reused from record to
// record so that reading a million rows allocates almost nothing. Offsets are qsizetype: a
// record is never near 2 GiB (see CsvReader::setMaxFieldBytes), but nothing here would wrap if
// it were.
class CsvRecord
{
public:
    int size() const { return int(m_ends.size()); }
    QByteArrayView field(int i) const
    {
        const qsizetype begin = i == 0 ? 0 : m_ends[size_t(i - 1)];
        return QByteArrayView(m_data.constData() + begin, m_ends[size_t(i)] - begin);
    }
    // The field as text. The reader hands over UTF-8 whatever the file's encoding; a record
    // with a byte that is not UTF-8 has a problem() that says where.
    QString text(int i) const { return QString::fromUtf8(field(i)); }
    // True for a line with nothing on it.
    bool isBlank() const { return size() == 1 && m_ends[0] == 0 && !m_problem; }
    qint64 line() const { return m_line; }
    // Set when the record cannot be read as it should: a byte that is not UTF-8, a value over
    // the size limit (not kept), the end of the file inside a quoted field.
    const std::optional<RecordProblem> &problem() const { return m_problem; }

private:
    friend class CsvReader;
    void clear()
    {
        m_data.resize(0);
        m_ends.clear();
        m_problem.reset();
    }
    QByteArray m_data;
    std::vector<qsizetype> m_ends;
    qint64 m_line = 0;
    std::optional<RecordProblem> m_problem;
};

// Streams RFC 4180 CSV from a device, reading it once and never holding more than a block of
// it, so that a pipe (/dev/stdin, <(...)) reads as a file does: LF, CRLF or CR line ends,
// comma, semicolon or tab delimiters (found from the header line), quoted fields holding
// delimiters, doubled quotes and line breaks.
//
// The encoding is decided from the evidence as it comes, without going back over what was
// read: a byte-order mark; UTF-16 by its alternating NULs; else the file is ASCII until its
// first non-ASCII byte, and the bytes from there (up to a block) decide between UTF-8 (mostly
// valid multi-byte sequences: a stray bad byte then rejects its row, "invalid UTF-8 byte 0xE9")
// and Windows-1252 (mostly invalid ones). The rows before were ASCII, the same in either.
//
// Before the header, NUL bytes and stray byte-order marks are skipped (skippedBeforeHeader()):
// they are what an interrupted write or a conversion leaves, and hold no data.
class CsvReader
{
public:
    // No LMA field holds more than the largest Salesforce text field, a Long Text Area of
    // 131,072 characters: at most 512 KiB in UTF-8. A value eight times that is not an export.
    static constexpr qsizetype kDefaultMaxFieldBytes = qsizetype(4) << 20;

    explicit CsvReader(QIODevice *device, char delimiter = 0);

    // A longer value is not kept: its record is rejected (problem()) and reading goes on.
    void setMaxFieldBytes(qsizetype bytes) { m_maxFieldBytes = bytes; }

    // Reads the next record; false at the end of the input or on an error (see error()).
    bool next(CsvRecord &record);

    char delimiter() const { return m_delimiter; }
    // Final once a non-ASCII byte has been read (until then an ASCII file reads as UTF-8).
    TextEncoding encoding() const { return m_encoding; }
    // Bytes skipped before the header (NULs, stray byte-order marks), and what they were.
    qsizetype skippedBeforeHeader() const { return m_skipped; }
    QString skippedWhat() const { return m_skippedWhat; }
    // What stopped the reading, with the line: a quote that swallows the rest of the file, a
    // read error. Empty at a normal end.
    QString error() const { return m_error; }
    bool atEnd() const { return m_eof && m_pos >= m_buffer.size(); }
    // Bytes of the device read so far (for progress).
    qint64 bytesRead() const;

private:
    bool fill();
    QByteArray readBlock();
    void start(QByteArray &raw);
    void decide(QByteArray &raw, qsizetype firstNonAscii);
    void decode(const QByteArray &raw);
    int get();
    int peek();
    void detectDelimiter();
    void checkUtf8(CsvRecord &record) const;

    QIODevice *m_device;
    QByteArray m_buffer; // UTF-8, decoded from the device's bytes when they are not
    qsizetype m_pos = 0;
    qint64 m_consumed = 0; // bytes of m_buffer consumed before the current one
    qint64 m_rawRead = 0;  // bytes of the device read
    qint64 m_line = 1;
    char m_delimiter;
    bool m_eof = false;
    bool m_deviceDone = false; // the device's last read gave nothing
    bool m_started = false;
    bool m_decided = false; // the encoding is final (a BOM, UTF-16, or a non-ASCII byte seen)
    TextEncoding m_encoding = TextEncoding::Utf8;
    QStringDecoder m_utf16;
    qsizetype m_maxFieldBytes = kDefaultMaxFieldBytes;
    qsizetype m_skipped = 0;
    qsizetype m_firstRecordFields = 0; // the header's, usually: what a whole record looks like
    QString m_skippedWhat;
    QString m_error;
};

} // namespace lmo
