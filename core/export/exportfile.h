#pragma once

#include "util/result.h"

#include <QString>

#include <memory>

class QFile;
class QIODevice;
class QSaveFile;

namespace lmo {

// The one way every export writes its file (licenses as CSV, a chart as PNG, SVG or PDF, the
// dashboard report), from the command line and from the window alike: the file appears whole or
// not at all. It is written to a temporary file beside its name, every write is checked, and
// commit() flushes, syncs and renames it into place; a failure or a cancel (destroying it
// without commit) leaves no file, or the one that was there as it was. Failures are said in
// words with the path ("the disk is full"), from the error the system gave.
//
// A device or pipe (/dev/stdout, /dev/full) cannot be replaced by a rename: it is written
// directly, with the same checks.
class ExportFile
{
public:
    explicit ExportFile(const QString &path);
    ~ExportFile();
    ExportFile(const ExportFile &) = delete;
    ExportFile &operator=(const ExportFile &) = delete;

    // Error::Code::Io when the file cannot be made there (no such folder, not writable).
    Result<void> open();
    // Where to write: open, sequential. A write that fails returns -1 and every later one too;
    // the first failure is kept for error().
    QIODevice *device() const;
    bool failed() const;
    // The first failure (Error::Code::WriteFailed), with the path and what to do.
    Error error() const;
    // Error::Code::WriteFailed if any write, the flush, the sync or the rename failed.
    Result<void> commit();

    const QString &path() const { return m_path; }

    // The words for an errno value from a failed write: "the disk is full (No space left on
    // device)". Shared with the tests.
    static QString describeWriteFailure(int error);

private:
    class Device;
    QString m_path;
    std::unique_ptr<QSaveFile> m_save;  // the usual case: a temporary file renamed into place
    std::unique_ptr<QFile> m_direct;    // a device or a pipe
    std::unique_ptr<Device> m_device;
    bool m_committed = false;
};

} // namespace lmo
