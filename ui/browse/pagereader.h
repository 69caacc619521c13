#pragma once

#include "document/document.h"
#include "models/sqlworker.h"
#include "storage/database.h"
#include "util/result.h"

#include <QMetaObject>
#include <QPointer>
#include <QSqlDatabase>

#include <functional>
#include <memory>

namespace lmo {

// Where a browse page's reads run, never on the UI thread: on the document's shared reading
// worker when the window gave the page a Document, else on a worker of the page's own on the
// connection spec of the database it was given. Answers come back on the UI thread, and only
// while the page still wants them: a new database, or drop(), forgets what is on its way.
class PageReader
{
public:
    // `context`: the object the answers are for (they are dropped once it is gone). The reader
    // lives as long as it (a member of it).
    explicit PageReader(QObject *context) : m_context(context) {}
    PageReader(const PageReader &) = delete;
    PageReader &operator=(const PageReader &) = delete;

    // The database the reads go to (nullptr: none); `document`, when set and showing it, reads.
    void setDatabase(Database *database, Document *document)
    {
        ++m_generation;
        m_own.reset();
        m_database = database;
        m_document = document;
        m_dialect = database ? database->dialect() : Dialect::forDriver(QStringLiteral("QSQLITE"));
        if (database && !(document && document->database() == database))
            m_own = std::make_unique<SqlWorker>(database->readingSpec());
    }
    bool isOpen() const { return m_database != nullptr; }
    Database *database() const { return m_database; }
    const Dialect &dialect() const { return m_dialect; }
    // Answers of the reads posted so far are dropped (what they were for is no longer shown).
    void drop() { ++m_generation; }

    // Runs `work` off the UI thread and hands its result to `done` on it, unless the page has
    // moved on since (drop(), another database). `urgent`: ahead of what is queued.
    template<typename T>
    void read(std::function<Result<T>(QSqlDatabase &)> work, std::function<void(const Result<T> &)> done,
              bool urgent = false)
    {
        if (!m_database)
            return;
        const quint64 generation = m_generation;
        PageReader *self = this;
        auto deliver = [self, generation, done = std::move(done)](const Result<T> &result) {
            if (self->m_generation == generation)
                done(result);
        };
        if (m_document && m_document->database() == m_database && !m_own) {
            m_document->read<T>(m_context, std::move(work), std::move(deliver), urgent);
            return;
        }
        if (!m_own)
            return;
        QPointer<QObject> guard(m_context);
        m_own->post(
            [work = std::move(work), deliver = std::move(deliver), guard](QSqlDatabase &db) {
                auto result = std::make_shared<Result<T>>(work(db));
                if (!guard)
                    return;
                QMetaObject::invokeMethod(
                    guard.data(), [deliver, result] { deliver(*result); }, Qt::QueuedConnection);
            },
            urgent);
    }

private:
    QObject *m_context;
    Database *m_database = nullptr;
    QPointer<Document> m_document;
    Dialect m_dialect = Dialect::forDriver(QStringLiteral("QSQLITE"));
    std::unique_ptr<SqlWorker> m_own;
    quint64 m_generation = 0;
};

} // namespace lmo
