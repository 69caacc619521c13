#include "wizard/runbookfile.h"

#include <QFile>
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
    if (suffix == QLatin1String("md")) {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return Error::make(Error::Code::Io, QStringLiteral("Cannot write %1: %2").arg(path, f.errorString()));
        f.write(markdown.toUtf8());
        return {};
    }
    if (suffix == QLatin1String("pdf")) {
        if (!QFileInfo(QFileInfo(path).absolutePath()).isWritable())
            return Error::make(Error::Code::Io, QStringLiteral("Cannot write %1: the folder is missing or not writable.").arg(path));
        QPdfWriter pdf(path);
        pdf.setTitle(QStringLiteral("LMO runbook"));
        pdf.setPageSize(QPageSize(QPageSize::A4));
        pdf.setPageMargins(QMarginsF(18, 18, 18, 18), QPageLayout::Millimeter);
        QTextDocument doc;
        doc.setMarkdown(markdown);
        QFont font(QStringLiteral("DejaVu Sans"));
        font.setPointSizeF(10);
        doc.setDefaultFont(font);
        doc.print(&pdf);
        return {};
    }
    return Error::make(Error::Code::Usage, QStringLiteral("%1: save the runbook as .md or .pdf.").arg(path));
}

} // namespace lmo
