// importFile(): one import at a time into a database, the indexes an earlier load left built first,
// and a failure worded with what it means for the database. The import itself: fileimport.h.
#include "import/importer.h"

#include "import/fileimport.h"
#include "import/importinput.h"
#include "storage/bulkload.h"
#include "storage/database.h"

namespace lmo {

using importing::FileImport;
using importing::shownPath;

Result<ImportReport> importFile(Database &database, const QString &path, const ImportOptions &options)
{
    if (database.isReadOnly())
        return Error::make(Error::Code::ReadOnly, QStringLiteral("%1 is read-only (%2): nothing can be imported into it.")
                                                      .arg(database.path(), database.readOnlyReason()));
    // A team's policy that lets this login add nothing: said before anything is read.
    if (!database.access().mayImport())
        return Error::make(Error::Code::ReadOnly,
                           QStringLiteral("%1 may not import into %2: the team's policy lets only partner ops add and change "
                                          "licenses. Ask partner ops to import %3.")
                               .arg(database.access().login, database.displayName(), path));
    // One import at a time, from before anything is looked at (indexes left to build, an empty
    // table) to the commit: a second import waits here for the first, then sees what it saved.
    // The wait is told as progress (no rows yet), which may cancel it.
    BulkWriteLock::Waiting waiting;
    if (options.progress)
        waiting = [&options](const QString &) { return options.progress(ImportProgress{}); };
    auto lock = BulkWriteLock::acquire(database.connection(), waiting, 2000, database.displayName());
    if (!lock) {
        if (lock.error().code == Error::Code::Cancelled)
            return Error::make(Error::Code::Cancelled, QStringLiteral("Cancelled while waiting for another import to "
                                                                      "finish: nothing of this file was imported."));
        return lock.error();
    }
    LongBusyTimeout busy(database.connection());
    // An earlier load may have left indexes to build; updates need the unique ones.
    auto pending = deferredIndexCount(database.connection());
    if (!pending)
        return pending.error();
    if (pending.value() > 0) {
        if (auto r = buildDeferredIndexes(database.connection(), options.indexProgress); !r) {
            if (r.error().code == Error::Code::Cancelled)
                return Error::make(Error::Code::Cancelled,
                                   QStringLiteral("Cancelled before the import began: nothing of this file was imported."));
            return r.error();
        }
    }
    ImportReport report;
    report.file = path;
    FileImport import(database, path, options, report);
    if (auto r = import.run(); !r) {
        // A failure while writing leaves the database as it was: the transaction rolls back. Say
        // so, as a refusal or a cancel does; and a full disk is said first, with what to do.
        const Error &e = r.error();
        if (ImportReport::exitCodeOf(e) != 1)
            return e;
        // Storage classifies the database's answer (sqlError, sqliteError).
        const bool full = e.code == Error::Code::DiskFull;
        const bool io = e.code == Error::Code::DiskIo;
        QString message = full ? QStringLiteral("The disk is full (or the database reached its size limit): nothing of %1 "
                                                "was imported, the database is as it was. Free some space and import "
                                                "it again. (%2)")
                                     .arg(shownPath(path), e.message)
                          : io ? QStringLiteral("The disk could not be read or written (an I/O error): nothing of %1 was "
                                                "imported, the database is as it was. Check the disk, then import it "
                                                "again. (%2)")
                                     .arg(shownPath(path), e.message)
                               : QStringLiteral("%1 Nothing of %2 was imported: the database is as it was.")
                                     .arg(e.message, shownPath(path));
        return Error::make(e.code, message);
    }
    return report;
}

} // namespace lmo
