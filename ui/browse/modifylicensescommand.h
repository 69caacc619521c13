#pragma once

#include "storage/licenseedits.h"

#include <QUndoCommand>

#include <functional>

namespace lmo {

class Database;

// A Modify License edit (one license or many) as one step of Edit > Undo/Redo. Undo writes the
// terms back exactly as they were, past the LMA's forward-only rules: it takes back the user's
// own edit. Both directions go to the audit log. Neither overwrites a change it did not make:
// a license that no longer holds what the step left (or found) refuses it, with a message
// saying what changed, and the stack drops the step. `done` runs after each, with an error message
// or an empty one, so the views can refresh or say what failed.
class ModifyLicensesCommand : public QUndoCommand
{
public:
    ModifyLicensesCommand(Database &database, std::vector<TermsChange> changes, const QString &text,
                          std::function<void(const QString &error)> done);
    void redo() override;
    void undo() override;

private:
    Database &m_database;
    std::vector<TermsChange> m_changes;
    std::function<void(const QString &)> m_done;
    bool m_pushed = false; // the first redo is the edit itself
};

} // namespace lmo
