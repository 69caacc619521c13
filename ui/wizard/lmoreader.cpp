#include "wizard/lmoreader.h"

#include "document/document.h"
#include "models/sqlworker.h"

namespace lmo {

LmoReader::LmoReader(QObject *owner) : QObject(owner)
{
    // While reads wait: whether the worker could connect at all (it drops the jobs it cannot run).
    m_check.setInterval(200);
    connect(&m_check, &QTimer::timeout, this, &LmoReader::checkConnection);
}

LmoReader::~LmoReader() = default;

void LmoReader::useDocument(Document *document)
{
    forget();
    m_own.reset();
    m_document = document;
}

void LmoReader::useConnection(const ConnectionSpec &spec)
{
    forget();
    m_document = nullptr;
    m_own.reset();
    if (!spec.path.isEmpty())
        m_own = std::make_unique<SqlWorker>(spec);
}

void LmoReader::forget()
{
    ++m_generation;
    m_pending.clear();
    m_check.stop();
}

SqlWorker *LmoReader::worker() const
{
    if (m_document)
        return m_document->reader();
    return m_own.get();
}

void LmoReader::post(std::function<void(QSqlDatabase &)> job)
{
    if (SqlWorker *w = worker()) {
        w->post(std::move(job), true); // what the user looks at now
        return;
    }
    // Nothing to read from: say so once the caller has returned, as an answer would come.
    const quint64 generation = m_generation;
    QMetaObject::invokeMethod(
        this,
        [this, generation] {
            if (generation == m_generation)
                checkConnection();
        },
        Qt::QueuedConnection);
}

void LmoReader::checkConnection()
{
    if (m_pending.isEmpty()) {
        m_check.stop();
        return;
    }
    SqlWorker *w = worker();
    const QString why = w ? w->openError() : QStringLiteral("No database is open.");
    if (why.isEmpty())
        return;
    const auto pending = std::exchange(m_pending, {});
    m_check.stop();
    for (const auto &fail : pending)
        fail(Error::make(Error::Code::Generic, why));
}

} // namespace lmo
