#include "document/document.h"
#include "document/changewatcher.h"

#include "document/jobrunner.h"
#include "models/sqlworker.h"

#include <QTimer>
#include <QUndoStack>

namespace lmo {

Document::Document(QObject *parent)
    : QObject(parent)
    , m_undo(new QUndoStack(this))
    , m_jobs(new JobRunner(this))
    , m_othersTimer(new QTimer(this))
{
    // A burst of changes (an import's batches, several edits) is one refresh, a moment after.
    m_othersTimer->setSingleShot(true);
    m_othersTimer->setInterval(300);
    connect(m_othersTimer, &QTimer::timeout, this, [this] {
        const QString who = m_othersLogins.join(QStringLiteral(", "));
        const bool lmo = std::exchange(m_othersLmo, false);
        m_othersLogins.clear();
        if (lmo)
            notifyChanged(ContentChange::Lmo, who);
        notifyChanged(ContentChange::Others, who);
    });
}

Document::~Document()
{
    retireWatcher();
    // The worker first: its running job may still use the connection spec of the database.
    m_reader.reset();
}

void Document::othersChanged(const std::vector<ChangeNotice> &notices)
{
    for (const ChangeNotice &n : notices) {
        if (!m_othersLogins.contains(n.login))
            m_othersLogins << n.login;
        m_othersLmo = m_othersLmo || n.table == QLatin1String("lmo_profiles");
    }
    m_othersTimer->start();
}

ConnectionSpec Document::connectionSpec() const
{
    return m_database ? m_database->connectionSpec() : ConnectionSpec();
}

QString Document::displayName() const
{
    return m_database ? m_database->displayName() : QString();
}

bool Document::isReadOnly() const
{
    return m_database && m_database->isReadOnly();
}

bool Document::isTeamDatabase() const
{
    return m_database && m_database->isTeamDatabase();
}

void Document::adopt(std::unique_ptr<Database> database)
{
    close();
    if (!database)
        return;
    m_database = std::move(database);
    ++m_generation;
    m_reader = std::make_unique<SqlWorker>(m_database->readingSpec());
    // What other people change shows here within about a second (a team database's
    // announcements; on the primary, where the changes are made).
    if (m_database->access().enforced)
        m_watcher = std::make_unique<ChangeWatcher>(m_database->connectionSpec(), this,
                                                    [this](const std::vector<ChangeNotice> &n) { othersChanged(n); });
    emit opened();
}

void Document::close()
{
    if (!m_database)
        return;
    emit closing();
    retireWatcher();
    m_othersTimer->stop();
    m_othersLogins.clear();
    retireReader();
    m_undo->clear();
    ++m_generation;
    m_database.reset();
    emit closed();
}

namespace {

// Lets `object` go on a thread of the application's job runner: its destructor may wait on a
// server, the window never does (the application waits for it at the end).
template<typename T>
void destroyInBackground(std::shared_ptr<T> object, const QString &title)
{
    JobOptions options;
    options.title = title;
    options.showInStatus = false;
    JobRunner::application()->run<bool>(
        nullptr, options,
        [object = std::move(object)](JobContext &) mutable -> Result<bool> {
            object.reset();
            return true;
        },
        {});
}

} // namespace

void Document::retireWatcher()
{
    if (!m_watcher)
        return;
    // Its thread may be connecting to a server that does not answer: it ends on its own, and
    // the window does not wait (the application does, at the end).
    m_watcher->stop();
    destroyInBackground(std::shared_ptr<ChangeWatcher>(m_watcher.release()), QStringLiteral("Closing the team's change feed"));
}

void Document::retireReader()
{
    if (!m_reader)
        return;
    m_reader->clear(); // the queued reads go
    if (!m_database || !m_database->isTeamDatabase()) {
        m_reader.reset(); // a file's running read is local: it ends in a moment
        return;
    }
    // A team database's running read may be waiting on the server: it ends on a thread of its
    // own, and the window does not wait (its answer is dropped: the generation has moved on).
    // The application waits for it at the end.
    destroyInBackground(std::shared_ptr<SqlWorker>(m_reader.release()), QStringLiteral("Closing %1").arg(m_database->displayName()));
}

void Document::postToReader(std::function<void(QSqlDatabase &)> job, bool urgent)
{
    if (m_reader)
        m_reader->post(std::move(job), urgent);
}

void Document::notifyChanged(ContentChange change, const QString &source)
{
    if (!m_database)
        return;
    if (change == ContentChange::Billing) {
        // The licenses are as they were: only what is set beside them reads again.
        emit billingChanged();
        emit changed(change);
        return;
    }
    if (change == ContentChange::Lmo)
        emit lmoChanged();
    // An LMO change can re-file licenses (switching the LMO shows another install base), so
    // every change also tells the license readers.
    emit licensesChanged(change, source);
    emit changed(change);
}

} // namespace lmo
