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
    if (!r)
        setObsolete(true); // nothing was written (one transaction): nothing to undo
    m_done(r ? QString() : r.error().message);
}

void ModifyLicensesCommand::undo()
{
    auto r = writeTerms(m_database, m_changes, true, QStringLiteral("LMO Desk: undo %1").arg(text()));
    m_done(r ? QString() : r.error().message);
}

} // namespace lmo
