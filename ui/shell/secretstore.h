#pragma once

#include <QHash>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace lmo {

// What a secret store answered.
struct SecretAnswer
{
    bool ok = false;              // the store answered (the secret may still be absent)
    std::optional<QString> value; // read: the secret, if one is kept under the key
    QString error;                // !ok: why the store could not answer ("no keychain service")
};

// Where team database passwords are kept: the OS keychain, never the settings or a file.
// Every call answers later, on the UI thread, through `done`, and only while `context` lives
// (a keychain may ask the user, or talk over D-Bus): nothing here blocks the window.
class SecretStore
{
public:
    using Done = std::function<void(const SecretAnswer &)>;
    virtual ~SecretStore() = default;
    virtual void read(const QString &key, QObject *context, Done done) = 0;
    virtual void write(const QString &key, const QString &secret, QObject *context, Done done) = 0;
    virtual void remove(const QString &key, QObject *context, Done done) = 0;
    // For messages: "the keychain", "the test store".
    virtual QString name() const = 0;

    // The application's store: QtKeychain's, or an in-memory one when LMODESK_SECRET_STORE is
    // "memory" (tests, and machines where no keychain may be used).
    static SecretStore &instance();
    // Replaces the application's store (tests); nullptr goes back to the default.
    static void setInstance(std::unique_ptr<SecretStore> store);
};

// Kept in this process only, for tests: answers asynchronously like a keychain.
class MemorySecretStore : public SecretStore
{
public:
    void read(const QString &key, QObject *context, Done done) override;
    void write(const QString &key, const QString &secret, QObject *context, Done done) override;
    void remove(const QString &key, QObject *context, Done done) override;
    QString name() const override { return QStringLiteral("the in-memory secret store"); }
    // When set, every call fails with it (as a keychain with no service behind it does).
    void setUnavailable(const QString &error) { m_unavailable = error; }

private:
    QHash<QString, QString> m_secrets;
    QString m_unavailable;
};

// The OS keychain through QtKeychain (Secret Service / KWallet, macOS Keychain, Windows
// Credential Manager). With no such service it fails and says so; it never falls back to a
// plain-text file.
class KeychainSecretStore : public SecretStore
{
public:
    void read(const QString &key, QObject *context, Done done) override;
    void write(const QString &key, const QString &secret, QObject *context, Done done) override;
    void remove(const QString &key, QObject *context, Done done) override;
    QString name() const override { return QStringLiteral("the keychain"); }
};

} // namespace lmo
