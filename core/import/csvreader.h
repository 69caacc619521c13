#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QIODevice>
#include <QString>

#include <vector>

namespace lmo {

// One CSV record: the fields' bytes (UTF-8, unquoted) in one buffer, reused from record to
// record so that reading a million rows allocates almost nothing.
class CsvRecord
{
public:
    int size() const { return int(m_ends.size()); }
    QByteArrayView field(int i) const
    {
        const int begin = i == 0 ? 0 : m_ends[size_t(i - 1)];
        return QByteArrayView(m_data.constData() + begin, m_ends[size_t(i)] - begin);
    }
    // The field as text, decoded as the file is written (UTF-8, or ISO-8859-1 where the file is
    // not valid UTF-8).
    QString text(int i) const { return m_latin1 ? QString::fromLatin1(field(i)) : QString::fromUtf8(field(i)); }
    // True for a line with nothing on it.
    bool isBlank() const { return size() == 1 && m_ends[0] == 0; }
    qint64 line() const { return m_line; }
    // Read as ISO-8859-1: field() is then not UTF-8.
    bool isLatin1() const { return m_latin1; }

private:
    friend class CsvReader;
    void clear()
    {
        m_data.resize(0);
        m_ends.clear();
    }
    QByteArray m_data;
    std::vector<int> m_ends;
    qint64 m_line = 0;
    bool m_latin1 = false;
};

// Streams RFC 4180 CSV from a device: UTF-8 with or without a byte-order mark, LF, CRLF or CR
// line ends, comma, semicolon or tab delimiters (found from the header line), quoted fields
// holding delimiters, doubled quotes and line breaks. Never holds more than a block of the file.
class CsvReader
{
public:
    explicit CsvReader(QIODevice *device, char delimiter = 0);

    // Reads the next record; false at the end of the input or on an error (see error()).
    bool next(CsvRecord &record);

    char delimiter() const { return m_delimiter; }
    // True when the start of the file is not valid UTF-8: the file is then read as ISO-8859-1
    // (what report exports offer besides UTF-8) rather than with replacement characters.
    bool isLatin1() const { return m_latin1; }
    // What went wrong, with the line: an unterminated quoted field, a read error.
    QString error() const { return m_error; }
    bool atEnd() const { return m_eof && m_pos >= m_buffer.size(); }
    qint64 bytesRead() const { return m_consumed + m_pos; }

private:
    bool fill();
    int get();
    int peek();
    void detectDelimiter();

    QIODevice *m_device;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    qint64 m_consumed = 0;
    qint64 m_line = 1;
    char m_delimiter;
    bool m_eof = false;
    bool m_started = false;
    bool m_latin1 = false;
    QString m_error;
};

} // namespace lmo
