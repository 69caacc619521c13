// After the rows of an import: its own audit entry (what it read and did), and the subscriber orgs
// it changed summarised again.
#include "import/fileimport.h"

#include "storage/auditlog.h"
#include "storage/database.h"
#include "storage/subscribersummary.h"

namespace lmo::importing {

Result<void> FileImport::recordAndSummarise(const HeaderAnalysis &analysis, bool fast)
{
    AuditEntry summary;
    summary.changedBy = m_changedBy;
    summary.recordType = QStringLiteral("import");
    summary.field = kindName(analysis.kind);
    summary.newValue = QStringLiteral("%1 read, %2 inserted, %3 updated, %4 unchanged, %5 rejected")
                           .arg(m_report.read)
                           .arg(m_report.inserted)
                           .arg(m_report.updated)
                           .arg(m_report.unchanged)
                           .arg(m_report.rejected);
    summary.source = m_source;
    if (auto r = AuditLog(m_db).record(summary); !r)
        return r;
    // The subscriber orgs: a few are summarised again now; after a big load all of them are,
    // once the licenses and their indexes are in (deferred work).
    if (analysis.kind == RecordKind::License && m_report.inserted + m_report.updated > 0) {
        constexpr qsizetype kRefreshAtMost = 5000;
        if (fast || m_freshTable || m_touchedOrgs.size() > kRefreshAtMost) {
            if (auto r = SubscriberSummary::markStale(m_db); !r)
                return r;
        } else if (auto r = SubscriberSummary::refresh(m_db, m_database.dialect(), QStringList(m_touchedOrgs.begin(), m_touchedOrgs.end()));
                   !r) {
            return r;
        }
    }
    return {};
}

} // namespace lmo::importing
