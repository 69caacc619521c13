// Rows that were not imported, as the report keeps them: where, why, and their values cut short.
#include "import/fileimport.h"


namespace lmo::importing {


// A rejected row keeps its values for the user to see; a value is cut at this many characters,
// so that a file of huge bad rows cannot fill the memory with rejections.
constexpr qsizetype kShownValueChars = 1000;

Rejection FileImport::makeRejection(const CsvRecord &record, int column, const QString &reason, qint64 line) const
{
    Rejection r;
    r.line = line > 0 ? line : record.line();
    r.column = column + 1;
    r.columnName = column >= 0 && column < m_report.headers.size() ? m_report.headers[column] : QString();
    r.reason = reason;
    for (int i = 0; i < record.size(); ++i) {
        const QByteArrayView field = record.field(i);
        // Decoding is cut short too: a value may be megabytes (below the reader's limit).
        QString value = QString::fromUtf8(field.first(std::min<qsizetype>(field.size(), kShownValueChars * 4)));
        if (value.size() > kShownValueChars || field.size() > kShownValueChars * 4)
            value = value.left(kShownValueChars) + QChar(0x2026);
        r.values << value;
    }
    return r;
}

void FileImport::addRejection(Rejection rejection)
{
    ++m_report.rejected;
    if (int(m_report.rejections.size()) < m_options.keepRejections)
        m_report.rejections.push_back(std::move(rejection));
}

void FileImport::reject(const CsvRecord &record, int column, const QString &reason)
{
    addRejection(makeRejection(record, column, reason));
}

Result<void> FileImport::rejectField(const CsvRecord &record, ImportField field, const QString &why)
{
    reject(record, m_columnOf[size_t(field)], QStringLiteral("%1: %2").arg(fieldLabel(field), why));
    return {};
}

} // namespace lmo::importing
