#pragma once

#include "storage/database.h"
#include "util/result.h"

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QSqlDatabase>

#include <functional>
#include <memory>

class QTimer;
class QUndoStack;

namespace lmo {

class ChangeWatcher;
class JobRunner;
class SqlWorker;
struct ChangeNotice;

// What changed the open database's contents.
enum class ContentChange {
    Edit,    // Modify License, its undo or redo
    Import,  // File > Import (`source`: the file)
    Lmo,     // the LMO setup wizard
    Outside, // Go > Reload: another program (or person) may have written
    Others,  // another person changed the team database (its announcement: `source` is their login)
    Indexes, // the indexes an import left were built: what is derived from them (the org summary) is complete
    Billing, // what the billing system charges, or what a user said of it (a link, a plan's package)
};

// The open database as the window sees it, between the pages and the core. It owns the
// database, the undo stack, the reading worker the pages share and the job runner; a change
// reaches every page through its typed signals, never by one page calling another.
//
// The UI thread never waits on the database through it: database() is for what the handle
// knows without asking the server (its name, whether it is read-only, its connection spec).
// Reads go through read(), which runs them on the reading worker (its own connection) and
// brings the answer back to the UI thread; long work goes through jobs().
class Document : public QObject
{
    Q_OBJECT
public:
    explicit Document(QObject *parent = nullptr);
    ~Document() override;

    bool isOpen() const { return m_database != nullptr; }
    // The open database (nullptr when none). Do not query it on the UI thread.
    Database *database() const { return m_database.get(); }
    ConnectionSpec connectionSpec() const;
    QString displayName() const;
    bool isReadOnly() const;
    bool isTeamDatabase() const;

    QUndoStack *undoStack() const { return m_undo; }
    JobRunner *jobs() const { return m_jobs; }
    // The worker the pages' reads share (nullptr when no database is open). Its jobs run one at
    // a time on a connection of its own.
    SqlWorker *reader() const { return m_reader.get(); }

    // Shows `database` (the old one closes first: closed(), then opened()).
    void adopt(std::unique_ptr<Database> database);
    // Closes the database (closing(), then closed()); pending reads are dropped, and a read a
    // team database's server is still answering is not waited for.
    void close();

    // Runs `work` on the reading worker and hands its result to `done` on the UI thread, if
    // `context` still exists then and the same database is still open. `urgent` puts it ahead
    // of what is queued (what the user looks at now).
    template<typename T>
    void read(QObject *context, std::function<Result<T>(QSqlDatabase &)> work,
              std::function<void(const Result<T> &)> done, bool urgent = false);

    // Tells every page what changed (the one way a change is announced).
    void notifyChanged(ContentChange change, const QString &source = QString());

    // Which open this is: a read posted for one database never reaches a page showing another.
    quint64 generation() const { return m_generation; }

signals:
    void opened();
    // About to close (or be replaced): pages drop what they show and stop reading.
    void closing();
    void closed();
    // Licenses (and what is derived from them: orgs, counts, charts) changed.
    void licensesChanged(lmo::ContentChange change, const QString &source);
    // The LMO profile (designation, steps) changed.
    void lmoChanged();
    // Billing's subscriptions, links or plans changed (the licenses did not).
    void billingChanged();
    // Any change, after the specific signals (the status bar, the window title).
    void changed(lmo::ContentChange change);

private:
    void postToReader(std::function<void(QSqlDatabase &)> job, bool urgent);
    // Lets the reading worker go without waiting for a read on the server.
    void retireReader();
    void retireWatcher();

    // Other people's changes, gathered for a moment and announced once (Others).
    void othersChanged(const std::vector<ChangeNotice> &notices);

    std::unique_ptr<Database> m_database;
    std::unique_ptr<SqlWorker> m_reader;
    std::unique_ptr<ChangeWatcher> m_watcher;
    QUndoStack *m_undo;
    JobRunner *m_jobs;
    QTimer *m_othersTimer = nullptr;
    QStringList m_othersLogins;
    bool m_othersLmo = false;
    quint64 m_generation = 0;
};

template<typename T>
void Document::read(QObject *context, std::function<Result<T>(QSqlDatabase &)> work,
                    std::function<void(const Result<T> &)> done, bool urgent)
{
    if (!m_reader)
        return;
    QPointer<QObject> guard(context);
    QPointer<Document> self(this);
    const quint64 generation = m_generation;
    postToReader(
        [work = std::move(work), done = std::move(done), guard, self, generation](QSqlDatabase &db) {
            auto result = std::make_shared<Result<T>>(work(db));
            if (!guard)
                return;
            QMetaObject::invokeMethod(
                guard.data(),
                [done, result, self, generation] {
                    if (self && self->generation() == generation && self->isOpen())
                        done(*result);
                },
                Qt::QueuedConnection);
        },
        urgent);
}

} // namespace lmo
