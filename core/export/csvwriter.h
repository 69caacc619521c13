#pragma once

#include <QIODevice>
#include <QString>
#include <QStringList>

namespace lmo {

// Writes RFC 4180 CSV in UTF-8 (no byte-order mark, CRLF line ends, quotes only where needed),
// and neutralises any cell a spreadsheet would run as a formula (looksLikeFormula) with a
// leading apostrophe, which the import takes off again (ValueParser::text).
class CsvWriter
{
public:
    explicit CsvWriter(QIODevice *device) : m_device(device) {}

    bool writeRow(const QStringList &cells);
    QString error() const { return m_device->errorString(); }

    // The one CSV-safety rule, for the export and (backwards) the import: a cell that begins with
    // a tab or a carriage return, or whose first character after any white space (spaces, tabs,
    // line breaks, no-break and other Unicode spaces, zero-width ones) is =, +, -, or @, since
    // spreadsheets skip that space before a formula. Plain numbers ("-1", " +2.5") are not
    // formulas, so that Data Loader reads them back as numbers.
    static bool looksLikeFormula(QStringView cell);
    static QString neutralised(const QString &cell);
    static QByteArray encode(const QStringList &cells);

private:
    QIODevice *m_device;
};

} // namespace lmo
