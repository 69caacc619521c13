#include "export/csvwriter.h"

namespace lmo {

namespace {

bool isPlainNumber(const QString &s)
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

} // namespace

QString CsvWriter::neutralised(const QString &cell)
{
    if (cell.isEmpty())
        return cell;
    const QChar c = cell.front();
    const bool risky = c == u'=' || c == u'+' || c == u'-' || c == u'@' || c == u'\t' || c == u'\r';
    if (risky && !isPlainNumber(cell))
        return QLatin1Char('\'') + cell;
    return cell;
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
