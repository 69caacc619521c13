#include "shell/secretstore.h"

#include <qt6keychain/keychain.h>

#include <QHash>
#include <QPointer>
#include <QTimer>

namespace lmo {

namespace {

// The service name every LMO Desk password is kept under; the key names the login.
const QString kService = QStringLiteral("LMO Desk team databases");

std::unique_ptr<SecretStore> &storage()
{
    static std::unique_ptr<SecretStore> store;
    return store;
}

// Answers on the next turn of the event loop, as a real keychain would: callers never see
// their callback run inside their own call.
void answerLater(QObject *context, SecretStore::Done done, SecretAnswer answer)
{
    QPointer<QObject> guard(context);
    QTimer::singleShot(0, context, [guard, done = std::move(done), answer = std::move(answer)] {
        if (guard && done)
            done(answer);
    });
}

// Starts a QtKeychain job and hands its answer to `done`, while `context` lives.
void runJob(QKeychain::Job *job, QObject *context, SecretStore::Done done, bool reading)
{
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plain-text settings file
    QPointer<QObject> guard(context);
    QObject::connect(job, &QKeychain::Job::finished, context, [guard, done = std::move(done), reading](QKeychain::Job *j) {
        if (!guard || !done)
            return;
        SecretAnswer answer;
        switch (j->error()) {
        case QKeychain::NoError:
            answer.ok = true;
            if (reading)
                answer.value = static_cast<QKeychain::ReadPasswordJob *>(j)->textData();
            break;
        case QKeychain::EntryNotFound:
            answer.ok = true; // nothing kept under that key (or nothing to remove)
            break;
        case QKeychain::NoBackendAvailable:
        case QKeychain::NotImplemented:
            answer.error = QStringLiteral("no keychain service is running on this desktop (%1)").arg(j->errorString());
            break;
        default:
            // Without a D-Bus session or Secret Service, QtKeychain says little more than
            // "Unknown error": what failed is named here, its words in brackets.
            answer.error = QStringLiteral("the keychain could not be reached (%1)")
                               .arg(j->errorString().isEmpty() ? QStringLiteral("no answer") : j->errorString());
            break;
        }
        done(answer);
    });
    job->start();
}

} // namespace

SecretStore &SecretStore::instance()
{
    auto &store = storage();
    if (!store) {
        if (qEnvironmentVariable("LMODESK_SECRET_STORE") == QStringLiteral("memory"))
            store = std::make_unique<MemorySecretStore>();
        else
            store = std::make_unique<KeychainSecretStore>();
    }
    return *store;
}

void SecretStore::setInstance(std::unique_ptr<SecretStore> store)
{
    storage() = std::move(store);
}

void MemorySecretStore::read(const QString &key, QObject *context, Done done)
{
    SecretAnswer answer;
    if (!m_unavailable.isEmpty()) {
        answer.error = m_unavailable;
    } else {
        answer.ok = true;
        if (auto it = m_secrets.constFind(key); it != m_secrets.constEnd())
            answer.value = *it;
    }
    answerLater(context, std::move(done), answer);
}

void MemorySecretStore::write(const QString &key, const QString &secret, QObject *context, Done done)
{
    SecretAnswer answer;
    if (!m_unavailable.isEmpty()) {
        answer.error = m_unavailable;
    } else {
        m_secrets.insert(key, secret);
        answer.ok = true;
    }
    answerLater(context, std::move(done), answer);
}

void MemorySecretStore::remove(const QString &key, QObject *context, Done done)
{
    SecretAnswer answer;
    if (!m_unavailable.isEmpty()) {
        answer.error = m_unavailable;
    } else {
        m_secrets.remove(key);
        answer.ok = true;
    }
    answerLater(context, std::move(done), answer);
}

void KeychainSecretStore::read(const QString &key, QObject *context, Done done)
{
    auto *job = new QKeychain::ReadPasswordJob(kService);
    job->setKey(key);
    runJob(job, context, std::move(done), true);
}

void KeychainSecretStore::write(const QString &key, const QString &secret, QObject *context, Done done)
{
    auto *job = new QKeychain::WritePasswordJob(kService);
    job->setKey(key);
    job->setTextData(secret);
    runJob(job, context, std::move(done), false);
}

void KeychainSecretStore::remove(const QString &key, QObject *context, Done done)
{
    auto *job = new QKeychain::DeletePasswordJob(kService);
    job->setKey(key);
    runJob(job, context, std::move(done), false);
}

} // namespace lmo
