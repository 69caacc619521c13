#pragma once

#include "storage/database.h"
#include "util/result.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSqlDatabase>
#include <QTimer>

#include <functional>
#include <memory>

namespace lmo {

class Document;
class SqlWorker;

// How the LMO page and the setup wizard read, off the UI thread: through the document's shared
// reading worker when they have a document, else on a worker of their own on the database's
// connection spec. The answer comes back on the UI thread, to the owner, if the owner still
// reads the same database then (a read for one never reaches a screen showing another). When
// the worker cannot connect, each read waiting then gets the connection's error instead of
// never an answer.
class LmoReader : public QObject
{
    Q_OBJECT
public:
    explicit LmoReader(QObject *owner);
    ~LmoReader() override;

    // Reads through `document` from now on (nullptr: through nothing).
    void useDocument(Document *document);
    // Reads on a worker of its own on `spec` from now on (a spec with no path: through nothing).
    void useConnection(const ConnectionSpec &spec);
    // Forgets the reads still waiting (their answers are dropped).
    void forget();
    bool isPending() const { return !m_pending.isEmpty(); }

    template<typename T>
    void read(std::function<Result<T>(QSqlDatabase &)> work, std::function<void(const Result<T> &)> done);

private:
    void post(std::function<void(QSqlDatabase &)> job);
    SqlWorker *worker() const;
    void checkConnection();

    QPointer<Document> m_document;
    std::unique_ptr<SqlWorker> m_own;
    quint64 m_generation = 0;
    quint64 m_nextId = 1;
    // What each waiting read does when its worker cannot connect.
    QHash<quint64, std::function<void(const Error &)>> m_pending;
    QTimer m_check;
};

template<typename T>
void LmoReader::read(std::function<Result<T>(QSqlDatabase &)> work, std::function<void(const Result<T> &)> done)
{
    const quint64 id = m_nextId++;
    const quint64 generation = m_generation;
    QPointer<LmoReader> self(this);
    m_pending.insert(id, [done](const Error &error) { done(Result<T>(error)); });
    post([work = std::move(work), done, self, id, generation](QSqlDatabase &db) {
        auto result = std::make_shared<Result<T>>(work(db));
        QMetaObject::invokeMethod(
            self.data(),
            [self, done, result, id, generation] {
                if (!self || self->m_generation != generation || !self->m_pending.remove(id))
                    return;
                done(*result);
            },
            Qt::QueuedConnection);
    });
    if (!m_check.isActive())
        m_check.start();
}

} // namespace lmo
