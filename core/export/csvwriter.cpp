#include "export/csvwriter.h"

namespace lmo {

namespace {

bool isPlainNumber(QStringView s)
{
    qsizetype i = 0;
    if (i < s.size() && (s[i] == u'-' || s[i] == u'+'))
        ++i;
    if (i == s.size())
        return false;
    bool dot = false;
    for (; i < s.size(); ++i) {
        if (s[i] == u'.' && !dot)
            dot = true;
        else if (s[i] < u'0' || s[i] > u'9')
            return false;
    }
    return true;
}

// White space a spreadsheet passes over before it looks for a formula.
bool isLeadingBlank(QChar c)
{
    const char16_t u = c.unicode();
    return c.isSpace() || u == 0x200B /* zero-width space */ || u == 0x2060 /* word joiner */
           || u == 0xFEFF /* zero-width no-break space */ || u == 0x180E;
}

} // namespace

bool CsvWriter::looksLikeFormula(QStringView cell)
{
    if (cell.isEmpty())
        return false;
    if (cell.front() == u'\t' || cell.front() == u'\r')
        return true;
    qsizetype i = 0;
    while (i < cell.size() && isLeadingBlank(cell[i]))
        ++i;
    if (i == cell.size())
        return false;
    const QChar c = cell[i];
    const bool risky = c == u'=' || c == u'+' || c == u'-' || c == u'@';
    return risky && !isPlainNumber(cell.mid(i));
}

QString CsvWriter::neutralised(const QString &cell)
{
    return looksLikeFormula(cell) ? QLatin1Char('\'') + cell : cell;
}

QByteArray CsvWriter::encode(const QStringList &cells)
{
    QByteArray line;
    for (qsizetype i = 0; i < cells.size(); ++i) {
        if (i > 0)
            line += ',';
        const QByteArray value = neutralised(cells[i]).toUtf8();
        const bool quote = value.contains(',') || value.contains('"') || value.contains('\n') || value.contains('\r')
                           || value.startsWith(' ') || value.endsWith(' ');
        if (quote) {
            line += '"';
            line += QByteArray(value).replace("\"", "\"\"");
            line += '"';
        } else {
            line += value;
        }
    }
    line += "\r\n";
    return line;
}

bool CsvWriter::writeRow(const QStringList &cells)
{
    const QByteArray line = encode(cells);
    return m_device->write(line) == line.size();
}

} // namespace lmo
