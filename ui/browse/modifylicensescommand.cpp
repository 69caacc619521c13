#include "browse/modifylicensescommand.h"

#include "document/jobrunner.h"

#include <QEventLoop>
#include <QGuiApplication>
#include <QPointer>
#include <QUndoStack>
#include <QWidget>

namespace lmo {

namespace {

QString editSource(const QString &text, bool undo)
{
    return undo ? QStringLiteral("LMO Desk: undo %1").arg(text) : QStringLiteral("LMO Desk: %1").arg(text);
}

Result<void> readOnlyRefusal(const QString &path, const QString &reason)
{
    return Error::make(Error::Code::ReadOnly,
                       QStringLiteral("%1 is read-only (%2): licenses cannot be modified.").arg(path, reason));
}

} // namespace

ModifyLicensesCommand::ModifyLicensesCommand(Database &database, std::vector<TermsChange> changes, const QString &text,
                                             std::function<void(const QString &error)> done)
    : ModifyLicensesCommand(database, std::move(changes), text, std::move(done), Written::No)
{
}

ModifyLicensesCommand::ModifyLicensesCommand(Database &database, std::vector<TermsChange> changes, const QString &text,
                                             std::function<void(const QString &error)> done, Written written)
    : QUndoCommand(text), m_spec(database.connectionSpec()), m_dialect(database.dialect()), m_path(database.path()),
      m_readOnlyReason(database.readOnlyReason()), m_readOnly(database.isReadOnly()), m_changes(std::move(changes)),
      m_done(std::move(done)), m_written(written == Written::Yes)
{
}

quint64 ModifyLicensesCommand::apply(JobRunner *jobs, Database &database, QUndoStack *stack, std::vector<TermsChange> changes,
                                     const QString &text, QWidget *dialogParent, std::function<void(const QString &)> done)
{
    if (database.isReadOnly()) {
        done(readOnlyRefusal(database.path(), database.readOnlyReason()).error().message);
        return 0;
    }
    JobOptions options;
    options.title = text;
    options.label = QStringLiteral("Writing the changes…");
    options.dialogParent = dialogParent;
    options.cancellable = false; // one transaction: it is written whole or not at all
    options.objectName = QStringLiteral("modifyProgress");
    const Dialect dialect = database.dialect();
    const std::vector<TermsChange> toWrite = changes;
    // Once written, its undo and redo hold each license to the terms they leave (the version
    // read before the edit is no longer the license's).
    for (TermsChange &c : changes)
        c.version = 0;
    // The step, pushed once the edit is written (dropped unpushed if it is refused). It keeps
    // the database's connection spec, not the handle: it writes on connections of its own.
    auto step = std::make_shared<std::unique_ptr<ModifyLicensesCommand>>(
        new ModifyLicensesCommand(database, std::move(changes), text, done, Written::Yes));
    QPointer<QUndoStack> target(stack);
    return jobs->runOnDatabase<void>(
        stack, database.connectionSpec(), options,
        [dialect, toWrite, source = editSource(text, false)](QSqlDatabase &db, JobContext &) {
            return writeTerms(db, dialect, toWrite, false, source);
        },
        [step, target, done](const Result<void> &result) {
            if (!result) {
                done(result.error().message);
                return;
            }
            if (!target) {
                done(QString());
                return;
            }
            // Its first redo writes nothing (the job did) and reports the edit done.
            target->push(step->release());
        });
}

Result<void> ModifyLicensesCommand::write(bool undo) const
{
    if (m_readOnly)
        return readOnlyRefusal(m_path, m_readOnlyReason);
    JobRunner runner;
    JobOptions options;
    options.title = text();
    options.cancellable = false;
    Result<void> result = Error::make(Error::Code::Generic, QString());
    bool finished = false;
    QEventLoop loop;
    runner.runOnDatabase<void>(
        &loop, m_spec, options,
        [dialect = m_dialect, changes = m_changes, undo, source = editSource(text(), undo)](QSqlDatabase &db, JobContext &) {
            return writeTerms(db, dialect, changes, undo, source);
        },
        [&](const Result<void> &r) {
            result = r;
            finished = true;
            loop.quit();
        });
    // Painting, timers and the network go on; keys and clicks wait until the write is done.
    if (!finished) {
        QGuiApplication::setOverrideCursor(Qt::BusyCursor);
        loop.exec(QEventLoop::ExcludeUserInputEvents);
        QGuiApplication::restoreOverrideCursor();
    }
    return result;
}

void ModifyLicensesCommand::redo()
{
    if (m_written) { // apply() wrote it: pushing it only reports
        m_written = false;
        m_pushed = true;
        m_done(QString());
        return;
    }
    auto r = write(false);
    // Nothing was written (one transaction): the stack drops the step, which would only be
    // refused again.
    if (!r)
        setObsolete(true);
    m_done(r ? QString() : m_pushed ? QStringLiteral("Cannot redo \u201c%1\u201d: %2").arg(text(), r.error().message) : r.error().message);
    m_pushed = true;
}

void ModifyLicensesCommand::undo()
{
    auto r = write(true);
    if (!r)
        setObsolete(true);
    m_done(r ? QString() : QStringLiteral("Cannot undo \u201c%1\u201d: %2").arg(text(), r.error().message));
}

} // namespace lmo
