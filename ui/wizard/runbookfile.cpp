#include "wizard/runbookfile.h"

#include "export/exportfile.h"

#include <QFileInfo>
#include <QFont>
#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QTextDocument>

namespace lmo {

Result<void> saveRunbookFile(const QString &markdown, const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("md") && suffix != QLatin1String("pdf"))
        return Error::make(Error::Code::Usage, QStringLiteral("%1: save the runbook as .md or .pdf.").arg(path));
    // Whole or not at all, like every export: a full disk leaves no half a runbook behind.
    ExportFile file(path);
    if (auto r = file.open(); !r)
        return r;
    if (suffix == QLatin1String("md")) {
        file.device()->write(markdown.toUtf8());
        return file.commit();
    }
    QPdfWriter pdf(file.device());
    pdf.setTitle(QStringLiteral("LMO runbook"));
    pdf.setPageSize(QPageSize(QPageSize::A4));
    pdf.setPageMargins(QMarginsF(18, 18, 18, 18), QPageLayout::Millimeter);
    QTextDocument doc;
    doc.setMarkdown(markdown);
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPointSizeF(10);
    doc.setDefaultFont(font);
    doc.print(&pdf);
    return file.commit();
}

} // namespace lmo
