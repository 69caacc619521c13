// The head of an import file: its header line, checked, and a preview of its first rows.
#include "import/importinput.h"

#include "import/importer.h"

#include <QFile>
#include <QFileInfo>

namespace lmo::importing {

QString shownPath(const QString &path)
{
    return QFileInfo(path).fileName();
}

Result<QStringList> readHeader(CsvReader &reader, const QString &path)
{
    CsvRecord record;
    if (!reader.next(record)) {
        return Error::make(Error::Code::Invalid,
                           reader.error().isEmpty() ? QStringLiteral("%1 is empty: there is no header line.").arg(shownPath(path))
                                                    : QStringLiteral("%1 was refused whole: %2").arg(shownPath(path), reader.error()));
    }
    if (const auto &problem = record.problem())
        return Error::make(Error::Code::Invalid, QStringLiteral("%1 was refused whole: its header (line %2) cannot be read: %3.")
                                                     .arg(shownPath(path))
                                                     .arg(problem->line)
                                                     .arg(problem->reason));
    QStringList headers;
    for (int i = 0; i < record.size(); ++i) {
        const QString header = record.text(i).trimmed();
        for (const QChar c : header) {
            const char16_t u = c.unicode();
            if ((u < 0x20 && u != u'\t') || u == 0x7F || u == 0xFEFF || u == 0xFFFD) {
                return Error::make(
                    Error::Code::Invalid,
                    QStringLiteral("%1 was refused whole: column %2 of its header holds the character U+%3, which no "
                                   "LMA export has in a header: the file is damaged, or not text in an encoding LMO "
                                   "Desk reads (UTF-8, UTF-16, Windows-1252). Export it again.")
                        .arg(shownPath(path))
                        .arg(i + 1)
                        .arg(QString::number(u, 16).toUpper().rightJustified(4, QLatin1Char('0'))));
            }
        }
        headers << header;
    }
    return headers;
}

} // namespace lmo::importing

namespace lmo {

using importing::readHeader;

Result<ImportPreview> previewImport(const QString &path, int rows)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::make(Error::Code::Io, QStringLiteral("%1 cannot be read: %2").arg(path, file.errorString()));
    ImportPreview preview;
    preview.fileSize = file.isSequential() ? 0 : file.size();
    CsvReader reader(&file);
    auto headers = readHeader(reader, path);
    if (!headers)
        return headers.error();
    preview.analysis = analyseHeader(headers.value());
    CsvRecord record;
    preview.delimiter = reader.delimiter();
    while (int(preview.rows.size()) < rows && reader.next(record)) {
        if (record.isBlank()) {
            if (preview.analysis.format == ExportFormat::Report)
                break; // what follows is the report's footer
            continue;
        }
        QStringList values;
        for (int i = 0; i < record.size(); ++i)
            values << record.text(i);
        preview.rows.push_back(values);
    }
    return preview;
}

} // namespace lmo
