#pragma once

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace lmo {

// File > Connect to team database…: where the team's PostgreSQL database is, as a
// postgresql:// URI (any libpq keyword: sslmode, connect_timeout...) or as host, port,
// database and login fields that write the URI (and are filled from it).
class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ConnectDialog(const QString &uri, QWidget *parent = nullptr);

    // The URI to connect to, as typed or as the fields built it.
    QString uri() const;
    void setUri(const QString &uri);

    // What the fields make of a URI's query: `query` is kept (sslmode and the rest) but for the
    // keywords the fields set. A socket folder (a host starting with /) goes in the query.
    static QString buildUri(const QString &host, const QString &port, const QString &database, const QString &user,
                            const QString &query);

private:
    void fieldsEdited();
    void uriEdited();

    QLineEdit *m_host;
    QLineEdit *m_port;
    QLineEdit *m_database;
    QLineEdit *m_user;
    QLineEdit *m_uri;
    QLabel *m_problem;
    QPushButton *m_connect;
    bool m_updating = false;
};

// The server asks for a password: this asks the user, and offers to keep it in the keychain.
class PasswordDialog : public QDialog
{
    Q_OBJECT
public:
    // `shown` names the database; `refused` is the server's refusal of the last password
    // (empty the first time); `keychainProblem` why the keychain cannot keep it (empty: it can).
    PasswordDialog(const QString &shown, const QString &refused, const QString &keychainProblem,
                   QWidget *parent = nullptr);

    QString password() const;
    bool remember() const;

private:
    QLineEdit *m_password;
    QCheckBox *m_remember;
};

} // namespace lmo
