#pragma once

#include "storage/database.h"
#include "storage/postgres/pglocation.h"
#include "util/result.h"

#include <QObject>
#include <QPointer>

#include <memory>

class QProgressDialog;
class QWidget;

namespace lmo {

class PasswordDialog;

// One attempt at opening a team database, from the window: the keychain's password for the
// login first, then the connection on a thread of its own (connecting blocks: the window keeps
// painting, with "Connecting to …" and Cancel, which abandons the attempt), a password asked
// for when the server wants one (again when it refuses it), and the password kept in the
// keychain once it worked, if the user said so. Ends with finished(), once.
class TeamConnector : public QObject
{
    Q_OBJECT
public:
    TeamConnector(const QString &uri, const Database::OpenOptions &options, QWidget *window);
    ~TeamConnector() override;

    void start();
    // Abandons the attempt: finished() comes with Error::Code::Cancelled; a connection still
    // being made is closed when it comes, unused.
    void cancel();

    // After finished(): the database (null on failure) and why it failed.
    std::unique_ptr<Database> takeDatabase() { return std::move(m_database); }
    const Error &error() const { return m_error; }
    QString shown() const { return m_shown; }
    // Why the keychain could not be used (empty when it could), for the status bar.
    QString keychainProblem() const { return m_keychainProblem; }
    // Whether the user was asked for the password.
    bool askedForPassword() const { return m_typed; }

signals:
    void finished(bool ok);
    // "Connecting to …" while the server is being asked (for the status bar).
    void progress(const QString &text);

private:
    struct Attempt;
    void attempt(const QString &password);
    void attempted(const std::shared_ptr<Attempt> &attempt);
    void askPassword(const QString &refused);
    void succeed(std::unique_ptr<Database> database);
    void fail(const Error &error);
    void showProgress();
    void hideProgress();

    QString m_uri;
    Database::OpenOptions m_options;
    QPointer<QWidget> m_window;
    PgLocation m_location;
    QString m_shown;
    QString m_key;
    bool m_passwordInUri = false;
    QString m_password;          // the one being tried
    bool m_fromKeychain = false; // it came from the keychain
    bool m_typed = false;        // the user typed it
    bool m_remember = false;     // and wants it kept
    QString m_keychainProblem;   // why the keychain cannot be used
    std::shared_ptr<Attempt> m_current;
    QPointer<QProgressDialog> m_progress;
    QPointer<PasswordDialog> m_prompt;
    std::unique_ptr<Database> m_database;
    Error m_error;
    bool m_done = false;
};

} // namespace lmo
