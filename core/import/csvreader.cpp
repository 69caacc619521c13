#include "import/csvreader.h"

#include <algorithm>
#include <QFileDevice>
#include <QStringList>

namespace lmo {

namespace {

constexpr qint64 kBlockSize = 1 << 20;
// From the first non-ASCII byte, at least this much of the file (when it has it) decides
// between UTF-8 and Windows-1252.
constexpr qsizetype kEvidenceBytes = 64 * 1024;

// The length of the well-formed UTF-8 sequence at p (*p >= 0x80): 0 when it is not one, -1 when
// it may be but runs past `end`.
int utf8SequenceAt(const unsigned char *p, const unsigned char *end)
{
    const unsigned char c = *p;
    int n = 0;
    unsigned char lo = 0x80, hi = 0xBF; // the second byte's range (no overlongs, no surrogates)
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    for (int k = 1; k < n; ++k) {
        if (p + k >= end)
            return -1;
        const unsigned char b = p[k];
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF))
            return 0;
    }
    return n;
}

// Windows-1252's 0x80..0x9F; the five bytes it leaves undefined read as the C1 controls, as
// Windows' own conversion does. From 0xA0 on it is ISO-8859-1.
constexpr char16_t kCp1252High[32] = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                      0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

void appendUtf8(QByteArray &out, char16_t u)
{
    if (u < 0x80) {
        out.append(char(u));
    } else if (u < 0x800) {
        out.append(char(0xC0 | (u >> 6)));
        out.append(char(0x80 | (u & 0x3F)));
    } else {
        out.append(char(0xE0 | (u >> 12)));
        out.append(char(0x80 | ((u >> 6) & 0x3F)));
        out.append(char(0x80 | (u & 0x3F)));
    }
}

// Whether the bytes from `at` read as UTF-16 in that byte order: a header and most values are
// ASCII, whose high byte is NUL.
bool looksUtf16(const QByteArray &bytes, qsizetype at, bool littleEndian)
{
    qsizetype pairs = 0, nulHigh = 0, nulLow = 0;
    for (qsizetype i = at; i + 1 < bytes.size() && pairs < 256; i += 2, ++pairs) {
        const char lo = littleEndian ? bytes[i] : bytes[i + 1];
        const char hi = littleEndian ? bytes[i + 1] : bytes[i];
        nulHigh += hi == 0 && lo != 0;
        nulLow += lo == 0;
    }
    return pairs >= 2 && nulHigh * 10 >= pairs * 7 && nulLow * 10 <= pairs;
}

QString sizeText(qsizetype bytes)
{
    if (bytes >= (1 << 20) && bytes % (1 << 20) == 0)
        return QStringLiteral("%1 MiB").arg(bytes >> 20);
    return QStringLiteral("%1 bytes").arg(bytes);
}

} // namespace

QString encodingName(TextEncoding encoding)
{
    switch (encoding) {
    case TextEncoding::Utf8: return QStringLiteral("UTF-8");
    case TextEncoding::Utf16LE: return QStringLiteral("UTF-16 (little-endian)");
    case TextEncoding::Utf16BE: return QStringLiteral("UTF-16 (big-endian)");
    case TextEncoding::Windows1252: return QStringLiteral("Windows-1252");
    }
    return {};
}

CsvReader::CsvReader(QIODevice *device, char delimiter) : m_device(device), m_delimiter(delimiter) {}

qint64 CsvReader::bytesRead() const
{
    // UTF-8 is parsed as read; other encodings are decoded a block at a time.
    return m_encoding == TextEncoding::Utf8 ? m_skipped + m_consumed + m_pos : m_rawRead;
}

QByteArray CsvReader::readBlock()
{
    QByteArray block = m_device->read(kBlockSize);
    m_rawRead += block.size();
    m_deviceDone = block.isEmpty(); // a file, even a pipe, is read blocking: nothing means the end
    return block;
}

void CsvReader::start(QByteArray &raw)
{
    // Byte-order marks and UTF-16 first; NULs and stray marks before the header are skipped.
    qsizetype at = 0;
    int nuls = 0, strayMarks = 0;
    auto startsWith = [&](const char *bytes, qsizetype n) {
        return raw.size() - at >= n && QByteArrayView(raw.constData() + at, n) == QByteArrayView(bytes, n);
    };
    for (;;) {
        if (at == raw.size()) {
            // A first block of nothing but NULs: the header may follow.
            QByteArray more = readBlock();
            if (more.isEmpty())
                break;
            raw = std::move(more);
            at = 0;
        }
        if (startsWith("\xEF\xBB\xBF", 3)) {
            if (m_decided) {
                ++strayMarks;
                m_skipped += 3;
            }
            m_decided = true; // a UTF-8 file says so
            at += 3;
            continue;
        }
        const bool le = startsWith("\xFF\xFE", 2), be = startsWith("\xFE\xFF", 2);
        if (le || be) {
            // A mark followed by UTF-16 is one; followed by anything else it is junk.
            if (!m_decided && (raw.size() - at < 6 || looksUtf16(raw, at + 2, le))) {
                m_encoding = le ? TextEncoding::Utf16LE : TextEncoding::Utf16BE;
                m_decided = true;
                at += 2;
                break;
            }
            ++strayMarks;
            m_skipped += 2;
            at += 2;
            continue;
        }
        if (!m_decided && (looksUtf16(raw, at, false) || looksUtf16(raw, at, true))) {
            m_encoding = looksUtf16(raw, at, true) ? TextEncoding::Utf16LE : TextEncoding::Utf16BE;
            m_decided = true;
            break;
        }
        if (raw[at] == '\0') {
            ++nuls;
            ++m_skipped;
            ++at;
            continue;
        }
        break;
    }
    if (m_encoding == TextEncoding::Utf16LE || m_encoding == TextEncoding::Utf16BE)
        m_utf16 = QStringDecoder(m_encoding == TextEncoding::Utf16LE ? QStringDecoder::Utf16LE : QStringDecoder::Utf16BE);
    if (nuls || strayMarks) {
        QStringList what;
        if (nuls)
            what << (nuls == 1 ? QStringLiteral("a NUL byte") : QStringLiteral("%1 NUL bytes").arg(nuls));
        if (strayMarks)
            what << (strayMarks == 1 ? QStringLiteral("a stray byte-order mark")
                                     : QStringLiteral("%1 stray byte-order marks").arg(strayMarks));
        m_skippedWhat = what.join(QStringLiteral(" and "));
    }
    raw.remove(0, at);
}

void CsvReader::decide(QByteArray &raw, qsizetype firstNonAscii)
{
    while (raw.size() - firstNonAscii < kEvidenceBytes) {
        const QByteArray more = readBlock();
        if (more.isEmpty())
            break;
        raw += more;
    }
    const auto *p = reinterpret_cast<const unsigned char *>(raw.constData()) + firstNonAscii;
    const auto *end = reinterpret_cast<const unsigned char *>(raw.constData()) + raw.size();
    qint64 valid = 0, invalid = 0;
    while (p < end) {
        if (*p < 0x80) {
            ++p;
            continue;
        }
        const int n = utf8SequenceAt(p, end);
        if (n < 0)
            break; // a character the next block completes
        if (n == 0) {
            ++invalid;
            ++p;
        } else {
            ++valid;
            p += n;
        }
    }
    // Mostly well-formed sequences: UTF-8 with a stray bad byte or two (their rows are
    // rejected). Mostly not: the file was written in Windows' Western code page, in which
    // well-formed UTF-8 by chance is rare.
    m_encoding = invalid > valid ? TextEncoding::Windows1252 : TextEncoding::Utf8;
    m_decided = true;
}

void CsvReader::decode(const QByteArray &raw)
{
    switch (m_encoding) {
    case TextEncoding::Utf8: m_buffer = raw; break;
    case TextEncoding::Utf16LE:
    case TextEncoding::Utf16BE: m_buffer = QString(m_utf16.decode(raw)).toUtf8(); break;
    case TextEncoding::Windows1252:
        m_buffer.resize(0);
        m_buffer.reserve(raw.size() + raw.size() / 8);
        for (const char ch : raw) {
            const auto c = static_cast<unsigned char>(ch);
            if (c < 0x80)
                m_buffer.append(ch);
            else
                appendUtf8(m_buffer, c < 0xA0 ? kCp1252High[c - 0x80] : char16_t(c));
        }
        break;
    }
}

bool CsvReader::fill()
{
    if (m_eof)
        return false;
    // Keep nothing already read: records are copied out as they are parsed.
    m_consumed += m_pos;
    m_pos = 0;
    for (;;) {
        QByteArray raw = readBlock();
        if (!m_started) {
            m_started = true;
            start(raw);
        }
        if (raw.isEmpty() && m_deviceDone) {
            m_buffer.clear();
            m_eof = true;
            if (auto *file = qobject_cast<QFileDevice *>(m_device); file && file->error() != QFileDevice::NoError)
                m_error = QStringLiteral("line %1: the file could not be read further: %2").arg(m_line).arg(file->errorString());
            return false;
        }
        if (!m_decided) {
            for (qsizetype i = 0; i < raw.size(); ++i) {
                if (raw[i] & 0x80) {
                    decide(raw, i);
                    break;
                }
            }
        }
        decode(raw);
        if (!m_buffer.isEmpty())
            return true;
        // Only a byte-order mark so far, or half a UTF-16 character: read on.
    }
}

int CsvReader::get()
{
    if (m_pos >= m_buffer.size() && !fill())
        return -1;
    return static_cast<unsigned char>(m_buffer[m_pos++]);
}

int CsvReader::peek()
{
    if (m_pos >= m_buffer.size() && !fill())
        return -1;
    return static_cast<unsigned char>(m_buffer[m_pos]);
}

void CsvReader::detectDelimiter()
{
    // Count candidate delimiters outside quotes on the first line of what is buffered.
    int counts[3] = {0, 0, 0};
    const char candidates[3] = {',', ';', '\t'};
    bool quoted = false;
    for (qsizetype i = m_pos; i < m_buffer.size(); ++i) {
        const char c = m_buffer[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        else if (!quoted)
            for (int k = 0; k < 3; ++k)
                counts[k] += c == candidates[k];
    }
    int best = 0;
    for (int k = 1; k < 3; ++k)
        if (counts[k] > counts[best])
            best = k;
    m_delimiter = candidates[best];
}

void CsvReader::checkUtf8(CsvRecord &record) const
{
    if (QByteArrayView(record.m_data).isValidUtf8())
        return;
    for (int i = 0; i < record.size(); ++i) {
        const QByteArrayView f = record.field(i);
        if (f.isValidUtf8())
            continue;
        const auto *begin = reinterpret_cast<const unsigned char *>(f.data());
        const auto *end = begin + f.size();
        const unsigned char *p = begin;
        while (p < end) {
            if (*p < 0x80) {
                ++p;
                continue;
            }
            const int n = utf8SequenceAt(p, end);
            if (n <= 0)
                break;
            p += n;
        }
        // The line of that byte: the record's, and the breaks a quoted value held before it.
        qint64 line = record.m_line;
        const char *data = record.m_data.constData();
        const char *at = reinterpret_cast<const char *>(p);
        for (const char *q = data; q < at; ++q)
            if (*q == '\n' || (*q == '\r' && (q + 1 == at || q[1] != '\n')))
                ++line;
        record.m_problem = RecordProblem{
            i, line,
            QStringLiteral("invalid UTF-8 byte 0x%1 (the rest of the file is UTF-8; this row is left out rather than "
                           "read with a wrong character)")
                .arg(QString::number(*p, 16).toUpper().rightJustified(2, QLatin1Char('0')))};
        return;
    }
}

bool CsvReader::next(CsvRecord &record)
{
    record.clear();
    if (!m_error.isEmpty())
        return false;
    if (!m_started) {
        if (!fill())
            return false;
        if (m_delimiter == 0)
            detectDelimiter();
    }
    if (peek() < 0)
        return false;

    record.m_line = m_line;
    const char delimiter = m_delimiter;
    qsizetype fieldStart = 0;
    qint64 fieldLine = m_line;
    bool dropping = false; // the value is over the limit: read past, not kept
    auto keep = [&](const char *p, qsizetype n) {
        if (dropping)
            return;
        if (record.m_data.size() - fieldStart + n > m_maxFieldBytes) {
            dropping = true;
            record.m_data.resize(fieldStart);
            if (!record.m_problem)
                record.m_problem = RecordProblem{int(record.m_ends.size()), fieldLine,
                                                 QStringLiteral("the value is over %1, more than any LMA field holds "
                                                                "(it was not read)")
                                                     .arg(sizeText(m_maxFieldBytes))};
            return;
        }
        record.m_data.append(p, n);
    };
    // Keeps buffered bytes up to the first of `stops` (or the end of the input); returns that
    // byte, consumed, or -1 at the end.
    auto copyUntil = [&](auto isStop) -> int {
        for (;;) {
            if (m_pos >= m_buffer.size() && !fill())
                return -1;
            const char *begin = m_buffer.constData() + m_pos;
            const char *end = m_buffer.constData() + m_buffer.size();
            const char *p = begin;
            while (p < end && !isStop(*p))
                ++p;
            keep(begin, p - begin);
            m_pos += p - begin;
            if (p < end) {
                ++m_pos;
                return static_cast<unsigned char>(*p);
            }
        }
    };
    auto endOfField = [delimiter](char c) { return c == delimiter || c == '\n' || c == '\r'; };
    auto quoteOrLineEnd = [](char c) { return c == '"' || c == '\n' || c == '\r'; };

    for (;;) {
        int c;
        if (peek() == '"') {
            get();
            for (;;) {
                c = copyUntil(quoteOrLineEnd);
                if (c < 0) {
                    // The file ends inside the quotes. Within one line (a trailing line break
                    // aside), the last record was cut off: it alone is rejected. Past line breaks
                    // a quote is missing, and the rows it swallowed cannot be told apart.
                    // Past line breaks it is still a cut-off record when none of the lines it
                    // swallowed looks like a record (as many delimiters as a whole one has): the
                    // line breaks of a multi-line value, an address say, and not rows.
                    bool cut = false;
                    if (!dropping) {
                        QByteArrayView v(record.m_data.constData() + fieldStart, record.m_data.size() - fieldStart);
                        while (!v.isEmpty() && (v.back() == '\n' || v.back() == '\r'))
                            v.chop(1);
                        cut = true;
                        const qsizetype wholeRecord = std::max<qsizetype>(m_firstRecordFields - 1, 1);
                        qsizetype lineStart = -1;
                        for (qsizetype i = 0; i <= v.size() && cut; ++i) {
                            const bool lineEnd = i == v.size() || v[i] == '\n' || v[i] == '\r';
                            if (!lineEnd)
                                continue;
                            if (lineStart >= 0 && v.sliced(lineStart, i - lineStart).count(delimiter) >= wholeRecord)
                                cut = false;
                            lineStart = i + 1;
                        }
                    }
                    if (!cut) {
                        m_error = QStringLiteral("line %1: a quoted field is never closed: the file ends inside it, %2 "
                                                 "line(s) further on (a \" is missing, or the file is cut off)")
                                      .arg(fieldLine)
                                      .arg(m_line - fieldLine);
                        return false;
                    }
                    record.m_problem = RecordProblem{int(record.m_ends.size()), fieldLine,
                                                     QStringLiteral("the file ends inside a quoted field: it looks cut "
                                                                    "off (an interrupted download?)")};
                    record.m_ends.push_back(record.m_data.size());
                    return true;
                }
                if (c == '"') {
                    if (peek() == '"') {
                        get();
                        keep("\"", 1);
                        continue;
                    }
                    break;
                }
                // A line break inside quotes is part of the value.
                if (c == '\n' || (c == '\r' && peek() != '\n'))
                    ++m_line;
                const char ch = char(c);
                keep(&ch, 1);
            }
            // After the closing quote: text up to the delimiter is kept (lenient, as spreadsheets are).
            c = copyUntil(endOfField);
        } else {
            c = copyUntil(endOfField);
        }
        record.m_ends.push_back(record.m_data.size());
        fieldStart = record.m_data.size();
        fieldLine = m_line;
        dropping = false;
        if (c == delimiter)
            continue;
        if (c == '\r' && peek() == '\n')
            get();
        if (c == '\n' || c == '\r')
            ++m_line;
        if (m_encoding == TextEncoding::Utf8 && !record.m_problem)
            checkUtf8(record);
        if (m_firstRecordFields == 0)
            m_firstRecordFields = record.m_ends.size();
        return true; // end of line or of input
    }
}

} // namespace lmo
