#pragma once

#include <QIODevice>
#include <QString>
#include <QStringList>

namespace lmo {

// Writes RFC 4180 CSV in UTF-8 (no byte-order mark, CRLF line ends, quotes only where needed),
// and neutralises any cell a spreadsheet would run as a formula: one that begins with =, +, -, @,
// a tab or a carriage return gets a leading apostrophe. Plain numbers ("-1") are left alone, so
// that a Data Loader reads them back as numbers.
class CsvWriter
{
public:
    explicit CsvWriter(QIODevice *device) : m_device(device) {}

    bool writeRow(const QStringList &cells);
    QString error() const { return m_device->errorString(); }

    static QString neutralised(const QString &cell);
    static QByteArray encode(const QStringList &cells);

private:
    QIODevice *m_device;
};

} // namespace lmo
