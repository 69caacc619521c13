// What an import reports: a rejection's text, exit codes, notes on how the file was read, the summary.
#include "import/importer.h"

#include "util/format.h"

#include <QFileInfo>

namespace lmo {

QString Rejection::text(const QString &file) const
{
    if (column <= 0)
        return QStringLiteral("%1:%2: %3").arg(file).arg(line).arg(reason);
    return QStringLiteral("%1:%2:%3: %4").arg(file).arg(line).arg(column).arg(reason);
}

int ImportReport::exitCodeOf(const Error &error)
{
    switch (error.code) {
    case Error::Code::Sql:
    case Error::Code::DiskFull:
    case Error::Code::DiskIo:
    case Error::Code::Generic: return 1; // failed while working: the file may be fine
    default: return 2;                   // the file, the database chosen or the request
    }
}

int ImportReport::exitCode() const
{
    if (refused || (read > 0 && inserted + updated + unchanged == 0))
        return 2;
    return rejected > 0 ? 3 : 0;
}

QStringList ImportReport::notes() const
{
    QStringList out;
    if (encoding == TextEncoding::Windows1252)
        out << QStringLiteral("the file is not UTF-8: it was read as Windows-1252 (Western European, as Excel saves CSV "
                              "on Windows)");
    else if (encoding != TextEncoding::Utf8)
        out << QStringLiteral("the file was read as %1 (as Excel saves \"Unicode Text\")").arg(encodingName(encoding));
    if (skippedBeforeHeader > 0)
        out << QStringLiteral("skipped %1 before the header (%2 bytes): they hold no data").arg(skippedWhat).arg(skippedBeforeHeader);
    return out;
}

QString ImportReport::summary(int maxRejections) const
{
    QString out = QStringLiteral("%1: %2, %3 records\n").arg(QFileInfo(file).fileName(), formatName(format), kindName(kind));
    out += QStringLiteral("  read %1, inserted %2, updated %3, unchanged %4, rejected %5 (%6 s)\n")
               .arg(groupedNumber(read), groupedNumber(inserted), groupedNumber(updated), groupedNumber(unchanged),
                    groupedNumber(rejected))
               .arg(seconds, 0, 'f', 1);
    for (const QString &note : notes())
        out += QStringLiteral("  %1\n").arg(note);
    if (!ignoredColumns.isEmpty())
        out += QStringLiteral("  ignored columns: %1\n").arg(ignoredColumns.join(QStringLiteral(", ")));
    for (int i = 0; i < int(rejections.size()) && i < maxRejections; ++i)
        out += QStringLiteral("  rejected %1\n").arg(rejections[size_t(i)].text(QFileInfo(file).fileName()));
    if (rejected > maxRejections)
        out += QStringLiteral("  ... and %1 more rejected rows\n").arg(groupedNumber(rejected - maxRejections));
    if (refused)
        out += QStringLiteral("  %1\n").arg(refusal);
    return out;
}

} // namespace lmo
