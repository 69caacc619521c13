#include "export/exportfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace lmo {

// Buffers what the writers (QImage, QSvgGenerator, QPdfWriter, the CSV writer) give it and hands
// it to the file a large block at a time, unbuffered underneath, so that each real write is
// checked and the system's reason (errno) is caught at the moment it fails. QFileDevice's own
// buffer would report a failure only at the next flush, and QSaveFile::commit() forgets why.
class ExportFile::Device : public QIODevice
{
public:
    explicit Device(QFileDevice *file) : m_file(file) {}

    bool isSequential() const override { return true; }
    bool failed() const { return m_failed; }
    int failure() const { return m_errno; }
    const QString &reason() const { return m_reason; }

    // Writes out what is buffered; false once anything failed.
    bool drain()
    {
        if (m_failed)
            return false;
        const char *data = m_buffer.constData();
        qint64 left = m_buffer.size();
        while (left > 0) {
            errno = 0;
            const qint64 written = m_file->write(data, left);
            if (written <= 0) {
                fail(errno, m_file->errorString());
                return false;
            }
            data += written;
            left -= written;
        }
        m_buffer.clear();
        return true;
    }

    void fail(int error, const QString &reason)
    {
        if (m_failed)
            return;
        m_failed = true;
        // Qt files a full disk as a resource error; keep the errno if the system's was lost.
        m_errno = error != 0 ? error : m_file->error() == QFileDevice::ResourceError ? ENOSPC : 0;
        m_reason = reason;
        setErrorString(reason);
    }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 length) override
    {
        if (m_failed)
            return -1;
        m_buffer.append(data, length);
        if (m_buffer.size() >= kBlock && !drain())
            return -1;
        return length;
    }

private:
    static constexpr qsizetype kBlock = 256 * 1024;
    QFileDevice *m_file;
    QByteArray m_buffer;
    bool m_failed = false;
    int m_errno = 0;
    QString m_reason;
};

ExportFile::ExportFile(const QString &path) : m_path(path) {}

ExportFile::~ExportFile()
{
    // Not committed: QSaveFile removes its temporary file; the old file, if any, stays.
    if (m_save && !m_committed && m_save->isOpen())
        m_save->cancelWriting();
    m_device.reset();
}

Result<void> ExportFile::open()
{
    const QString shown = QDir::toNativeSeparators(m_path);
    const QFileInfo info(m_path);
    const QString folder = QDir::toNativeSeparators(info.absolutePath());
    if (info.isDir())
        return Error::make(Error::Code::Io, QStringLiteral("Cannot write %1: it is a folder. Give a file name.").arg(shown));
    QFileDevice *file = nullptr;
    QString why;
    if (info.exists() && !info.isFile()) {
        m_direct = std::make_unique<QFile>(m_path);
        if (m_direct->open(QIODevice::WriteOnly | QIODevice::Unbuffered))
            file = m_direct.get();
        else
            why = m_direct->errorString();
    } else {
        m_save = std::make_unique<QSaveFile>(m_path);
        if (m_save->open(QIODevice::WriteOnly | QIODevice::Unbuffered))
            file = m_save.get();
        else
            why = m_save->errorString();
    }
    if (!file) {
        if (!QFileInfo(info.absolutePath()).isDir())
            return Error::make(Error::Code::Io,
                               QStringLiteral("Cannot write %1: the folder %2 does not exist. Create it or choose another place.")
                                   .arg(shown, folder));
        return Error::make(Error::Code::Io, QStringLiteral("Cannot write %1: %2. Choose a place you may write to.").arg(shown, why));
    }
    m_device = std::make_unique<Device>(file);
    m_device->open(QIODevice::WriteOnly);
    return {};
}

QIODevice *ExportFile::device() const
{
    return m_device.get();
}

bool ExportFile::failed() const
{
    return m_device && m_device->failed();
}

QString ExportFile::describeWriteFailure(int error)
{
    const QString system = error != 0 ? QString::fromLocal8Bit(std::strerror(error)) : QString();
    auto with = [&](const QString &words) { return system.isEmpty() ? words : QStringLiteral("%1 (%2)").arg(words, system); };
    switch (error) {
    case ENOSPC:
        return with(QStringLiteral("the disk is full"));
    case EDQUOT:
        return with(QStringLiteral("your disk quota is used up"));
    case EFBIG:
        return with(QStringLiteral("the file would be larger than this system allows"));
    case EIO:
        return with(QStringLiteral("the disk reported an error"));
    case EROFS:
        return with(QStringLiteral("the disk is read-only"));
    default:
        return system.isEmpty() ? QStringLiteral("the write failed") : system;
    }
}

Error ExportFile::error() const
{
    const QString shown = QDir::toNativeSeparators(m_path);
    if (!m_device)
        return Error::make(Error::Code::Io, QStringLiteral("Cannot write %1: it was not opened.").arg(shown));
    if (!m_device->failed())
        return Error::make(Error::Code::Generic, QString());
    const QString what = m_device->failure() != 0 ? describeWriteFailure(m_device->failure())
                         : m_device->reason().isEmpty() ? QStringLiteral("the write failed")
                                                        : m_device->reason();
    const QString kept = m_direct ? QStringLiteral("What reached it may be incomplete.")
                                  : QStringLiteral("Nothing was written there (a file of that name, if there was one, is as it was).");
    const QString hint = m_device->failure() == ENOSPC || m_device->failure() == EDQUOT
                             ? QStringLiteral(" Free some space, or choose another place.")
                             : QString();
    return Error::make(Error::Code::WriteFailed, QStringLiteral("Cannot write %1: %2. %3%4").arg(shown, what, kept, hint));
}

Result<void> ExportFile::commit()
{
    if (!m_device)
        return error();
    if (!m_device->drain())
        return error();
    if (m_save) {
        // The data may only meet the disk now (delayed allocation): a full disk can show here.
        errno = 0;
        if (::fsync(m_save->handle()) != 0 && errno != EINVAL) {
            m_device->fail(errno, QString::fromLocal8Bit(std::strerror(errno)));
            return error();
        }
        if (!m_save->commit()) {
            m_device->fail(0, m_save->errorString());
            return error();
        }
    } else {
        m_direct->close();
        if (m_direct->error() != QFileDevice::NoError) {
            m_device->fail(0, m_direct->errorString());
            return error();
        }
    }
    m_committed = true;
    return {};
}

} // namespace lmo
