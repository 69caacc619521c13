// Reading an import file: opening it, its data rows past blank lines and a report's footer, rows
// of the wrong shape, progress, and the careful path's loop over the rows (license rows go to
// licensestore.cpp's batch, written before each progress report and at the end).
#include "import/fileimport.h"

#include "import/importinput.h"

namespace lmo::importing {

bool FileImport::nextDataRecord(CsvReader &reader, CsvRecord &record, bool &footer, bool report) const
{
    while (reader.next(record)) {
        if (record.isBlank()) {
            footer = footer || report; // a report's rows end at a blank line; its footer follows
            continue;
        }
        if (!footer)
            return true;
    }
    return false;
}

std::optional<Rejection> FileImport::shapeRejection(const CsvRecord &record) const
{
    // What the reader found first: a cut-off record, a value over the limit, a byte that is not
    // UTF-8. Such a row's fields are not what the file meant.
    if (const auto &problem = record.problem())
        return makeRejection(record, problem->column, problem->reason, problem->line);
    if (record.size() == int(m_report.headers.size()))
        return std::nullopt;
    return makeRejection(record, -1,
                         QStringLiteral("the row has %1 fields but the header has %2 (a missing or extra delimiter?)")
                             .arg(record.size())
                             .arg(m_report.headers.size()));
}

Result<void> FileImport::progressed(qint64 bytes, qint64 totalBytes, const QElapsedTimer &timer)
{
    if (!m_options.progress || m_options.progress(ImportProgress{m_report.read, bytes, totalBytes, timer.elapsed() / 1000.0}))
        return {};
    return Error::make(Error::Code::Cancelled,
                       QStringLiteral("The import of %1 was cancelled; nothing of it was kept.").arg(shownPath(m_path)));
}

Result<void> FileImport::readRowsHere(const HeaderAnalysis &analysis, qint64 totalBytes, const QElapsedTimer &timer)
{
    CsvReader &reader = *m_reader;
    CsvRecord record;
    bool footer = false;
    while (nextDataRecord(reader, record, footer, analysis.format == ExportFormat::Report)) {
        ++m_report.read;
        if (auto bad = shapeRejection(record)) {
            rejectInTurn(std::move(*bad));
        } else {
            Result<void> r;
            switch (analysis.kind) {
            case RecordKind::License: r = licenseRow(record); break;
            case RecordKind::Package: r = packageRow(record); break;
            case RecordKind::PackageVersion: r = versionRow(record); break;
            }
            if (!r)
                return r;
        }
        if (m_report.read % kProgressEvery == 0) {
            // The rows read so far are written first, as they were a row at a time.
            if (auto r = storePending(); !r)
                return r;
            if (auto r = progressed(reader.bytesRead(), totalBytes, timer); !r)
                return r;
        }
    }
    if (auto r = finishLicenses(); !r)
        return r;
    if (!reader.error().isEmpty())
        return Error::make(Error::Code::Invalid, QStringLiteral("%1 was refused whole: %2").arg(shownPath(m_path), reader.error()));
    return {};
}

Result<void> FileImport::openInput()
{
    if (m_file.isOpen())
        m_file.close();
    if (!m_file.open(QIODevice::ReadOnly))
        return Error::make(Error::Code::Io, QStringLiteral("%1 cannot be read: %2").arg(m_path, m_file.errorString()));
    m_reader = std::make_unique<CsvReader>(&m_file);
    // Never past 1 GiB, whatever the caller says: a fast load's batch keeps a value's length in 32
    // bits (LicenseRowBatch::Cell).
    m_reader->setMaxFieldBytes(std::clamp<qsizetype>(m_options.maxFieldBytes, 1, qsizetype(1) << 30));
    auto headers = readHeader(*m_reader, m_path);
    if (!headers)
        return headers.error();
    m_report.headers = headers.value();
    m_report.delimiter = m_reader->delimiter();
    m_report.encoding = m_reader->encoding();
    m_report.skippedBeforeHeader = m_reader->skippedBeforeHeader();
    m_report.skippedWhat = m_reader->skippedWhat();
    return {};
}

} // namespace lmo::importing
