#include "browse/modifylicensescommand.h"

namespace lmo {

ModifyLicensesCommand::ModifyLicensesCommand(Database &database, std::vector<TermsChange> changes, const QString &text,
                                             std::function<void(const QString &error)> done)
    : QUndoCommand(text), m_database(database), m_changes(std::move(changes)), m_done(std::move(done))
{
}

void ModifyLicensesCommand::redo()
{
    auto r = writeTerms(m_database, m_changes, false, QStringLiteral("LMO Desk: %1").arg(text()));
    // Nothing was written (one transaction): the stack drops the step, which would only be
    // refused again.
    if (!r)
        setObsolete(true);
    m_done(r ? QString() : m_pushed ? QStringLiteral("Cannot redo \u201c%1\u201d: %2").arg(text(), r.error().message) : r.error().message);
    m_pushed = true;
}

void ModifyLicensesCommand::undo()
{
    auto r = writeTerms(m_database, m_changes, true, QStringLiteral("LMO Desk: undo %1").arg(text()));
    if (!r)
        setObsolete(true);
    m_done(r ? QString() : QStringLiteral("Cannot undo \u201c%1\u201d: %2").arg(text(), r.error().message));
}

} // namespace lmo
