#include "import/csvreader.h"

#include <QFileDevice>

namespace lmo {

namespace {
constexpr qint64 kBlockSize = 1 << 20;
}

CsvReader::CsvReader(QIODevice *device, char delimiter) : m_device(device), m_delimiter(delimiter) {}

bool CsvReader::fill()
{
    if (m_eof)
        return false;
    // Keep nothing already read: records are copied out as they are parsed.
    m_consumed += m_pos;
    m_buffer = m_device->read(kBlockSize);
    m_pos = 0;
    if (m_buffer.isEmpty()) {
        m_eof = true;
        if (auto *file = qobject_cast<QFileDevice *>(m_device); file && file->error() != QFileDevice::NoError)
            m_error = QStringLiteral("line %1: the file could not be read further: %2").arg(m_line).arg(file->errorString());
        return false;
    }
    return true;
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

bool CsvReader::next(CsvRecord &record)
{
    record.clear();
    if (!m_started) {
        m_started = true;
        if (!fill())
            return false;
        if (m_buffer.startsWith("\xEF\xBB\xBF")) {
            m_pos = 3;
        } else {
            // A block may end inside a character: leave its last bytes out of the check.
            const qsizetype checked = m_eof || m_buffer.size() < kBlockSize ? m_buffer.size() : m_buffer.size() - 4;
            m_latin1 = !QByteArrayView(m_buffer.constData(), checked).isValidUtf8();
        }
        if (m_delimiter == 0)
            detectDelimiter();
    }
    if (peek() < 0)
        return false;

    record.m_line = m_line;
    record.m_latin1 = m_latin1;
    const char delimiter = m_delimiter;
    // Appends buffered bytes up to the first of `stops` (or the end of the input); returns that
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
            record.m_data.append(begin, p - begin);
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
                    m_error = QStringLiteral("line %1: a quoted field is never closed (a \" is missing)").arg(record.m_line);
                    return false;
                }
                if (c == '"') {
                    if (peek() == '"') {
                        get();
                        record.m_data.append('"');
                        continue;
                    }
                    break;
                }
                // A line break inside quotes is part of the value.
                if (c == '\n' || (c == '\r' && peek() != '\n'))
                    ++m_line;
                record.m_data.append(char(c));
            }
            // After the closing quote: text up to the delimiter is kept (lenient, as spreadsheets are).
            c = copyUntil(endOfField);
        } else {
            c = copyUntil(endOfField);
        }
        record.m_ends.push_back(int(record.m_data.size()));
        if (c == delimiter)
            continue;
        if (c == '\r' && peek() == '\n')
            get();
        if (c == '\n' || c == '\r')
            ++m_line;
        return true; // end of line or of input
    }
}

} // namespace lmo
