#pragma once

#include "storage/database.h"
#include "storage/licenseedits.h"

#include <QUndoCommand>

#include <functional>

class QUndoStack;
class QWidget;

namespace lmo {

class JobRunner;

// A Modify License edit (one license or many) as one step of Edit > Undo/Redo. Undo writes the
// terms back exactly as they were, past the LMA's forward-only rules: it takes back the user's
// own edit. Both directions go to the audit log. Neither overwrites a change it did not make:
// a license that no longer holds what the step left (or found) refuses it, with a message
// saying what changed, and the stack drops the step. `done` runs after each, with an error message
// or an empty one, so the views can refresh or say what failed.
//
// Every write runs on a connection of its own, off the UI thread. apply() makes the edit as a
// job and pushes the step only once it is written. Undo and redo wait for their write with the
// window painting but taking no input (the undo stack must not move meanwhile), so that a
// refused one is dropped from the stack as it is refused.
class ModifyLicensesCommand : public QUndoCommand
{
public:
    // A step whose first redo makes the edit (push() writes it, and drops the step if it is
    // refused). Prefer apply(), which writes before pushing.
    ModifyLicensesCommand(Database &database, std::vector<TermsChange> changes, const QString &text,
                          std::function<void(const QString &error)> done);

    // Writes `changes` as a job of `jobs` (its progress over `dialogParent` if it takes long)
    // and, once written, pushes the step on `stack` (its first redo writes nothing more) and
    // calls `done` with an empty message; a refusal is handed to `done` and nothing is pushed.
    // Returns the job's id.
    static quint64 apply(JobRunner *jobs, Database &database, QUndoStack *stack, std::vector<TermsChange> changes,
                         const QString &text, QWidget *dialogParent, std::function<void(const QString &error)> done);

    void redo() override;
    void undo() override;

private:
    enum class Written { No, Yes };
    ModifyLicensesCommand(Database &database, std::vector<TermsChange> changes, const QString &text,
                          std::function<void(const QString &error)> done, Written written);
    // The write, on a connection of its own; the UI thread paints meanwhile (no input).
    Result<void> write(bool undo) const;

    ConnectionSpec m_spec;
    Dialect m_dialect;
    QString m_path;
    QString m_readOnlyReason;
    bool m_readOnly;
    std::vector<TermsChange> m_changes;
    std::function<void(const QString &)> m_done;
    bool m_written = false; // apply() wrote the edit: the first redo writes nothing
    bool m_pushed = false;  // the first redo is the edit itself
};

} // namespace lmo
