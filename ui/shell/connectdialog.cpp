#include "shell/connectdialog.h"

#include "storage/postgres/pglocation.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QIntValidator>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace lmo {

namespace {

QString encoded(const QString &text, const QByteArray &keep = {})
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text, keep));
}

// The query part of a URI, as written (its percent-escapes left alone: options=-c...%3D...).
QString queryOf(const QString &uri)
{
    const qsizetype q = uri.indexOf(QLatin1Char('?'));
    return q < 0 ? QString() : uri.mid(q + 1);
}

} // namespace

ConnectDialog::ConnectDialog(const QString &uri, QWidget *parent)
    : QDialog(parent), m_host(new QLineEdit(this)), m_port(new QLineEdit(this)), m_database(new QLineEdit(this)),
      m_user(new QLineEdit(this)), m_uri(new QLineEdit(this)), m_problem(new QLabel(this)), m_connect(nullptr)
{
    setObjectName(QStringLiteral("connectDialog"));
    setWindowTitle(QStringLiteral("Connect to team database"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(
        QStringLiteral("A team database lives on a PostgreSQL server your team shares: everyone works on the same "
                       "licenses. Fill in where it is, or paste its address (a postgresql:// URI: any libpq setting "
                       "works in it, such as ?sslmode=require). If the server asks for a password, LMO Desk asks "
                       "for it and can keep it in the keychain."),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *form = new QFormLayout;
    m_host->setObjectName(QStringLiteral("hostEdit"));
    m_host->setPlaceholderText(QStringLiteral("db.example.com (empty: this computer)"));
    m_port->setObjectName(QStringLiteral("portEdit"));
    m_port->setPlaceholderText(QStringLiteral("5432"));
    m_port->setValidator(new QIntValidator(1, 65535, m_port));
    m_database->setObjectName(QStringLiteral("databaseEdit"));
    m_database->setPlaceholderText(QStringLiteral("lmo"));
    m_user->setObjectName(QStringLiteral("userEdit"));
    m_user->setPlaceholderText(QStringLiteral("your login on the server"));
    form->addRow(QStringLiteral("&Host:"), m_host);
    form->addRow(QStringLiteral("&Port:"), m_port);
    form->addRow(QStringLiteral("&Database:"), m_database);
    form->addRow(QStringLiteral("&Login:"), m_user);
    m_uri->setObjectName(QStringLiteral("uriEdit"));
    m_uri->setPlaceholderText(QStringLiteral("postgresql://alice@db.example.com:5432/lmo?sslmode=require"));
    m_uri->setMinimumWidth(420);
    form->addRow(QStringLiteral("Address (&URI):"), m_uri);
    layout->addLayout(form);

    m_problem->setObjectName(QStringLiteral("uriProblem"));
    m_problem->setWordWrap(true);
    m_problem->setVisible(false);
    layout->addWidget(m_problem);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_connect = buttons->addButton(QStringLiteral("&Connect"), QDialogButtonBox::AcceptRole);
    m_connect->setObjectName(QStringLiteral("connectButton"));
    m_connect->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    for (QLineEdit *field : {m_host, m_port, m_database, m_user})
        connect(field, &QLineEdit::textEdited, this, &ConnectDialog::fieldsEdited);
    connect(m_uri, &QLineEdit::textChanged, this, &ConnectDialog::uriEdited);
    setUri(uri);
    uriEdited();
    resize(600, sizeHint().height());
}

QString ConnectDialog::uri() const
{
    return m_uri->text().trimmed();
}

void ConnectDialog::setUri(const QString &uri)
{
    m_uri->setText(uri);
}

QString ConnectDialog::buildUri(const QString &host, const QString &port, const QString &database, const QString &user,
                                const QString &query)
{
    static const QStringList fieldKeys = {QStringLiteral("host="), QStringLiteral("hostaddr="), QStringLiteral("port="),
                                          QStringLiteral("dbname="), QStringLiteral("user=")};
    QStringList items;
    for (const QString &item : query.split(QLatin1Char('&'), Qt::SkipEmptyParts))
        if (std::none_of(fieldKeys.begin(), fieldKeys.end(), [&item](const QString &k) { return item.startsWith(k); }))
            items << item;
    QString authority;
    if (!user.isEmpty())
        authority += encoded(user) + QLatin1Char('@');
    const bool socket = host.startsWith(QLatin1Char('/'));
    if (socket) {
        // libpq takes a socket folder only as a query keyword.
        items.prepend(QStringLiteral("host=") + encoded(host, "/"));
        if (!port.isEmpty())
            items.insert(1, QStringLiteral("port=") + port);
    } else {
        if (!host.isEmpty())
            authority += host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
        if (!port.isEmpty()) {
            if (host.isEmpty())
                items.prepend(QStringLiteral("port=") + port);
            else
                authority += QLatin1Char(':') + port;
        }
    }
    QString uri = QStringLiteral("postgresql://") + authority + QLatin1Char('/') + encoded(database);
    if (!items.isEmpty())
        uri += QLatin1Char('?') + items.join(QLatin1Char('&'));
    return uri;
}

void ConnectDialog::fieldsEdited()
{
    if (m_updating)
        return;
    m_updating = true;
    m_uri->setText(buildUri(m_host->text().trimmed(), m_port->text().trimmed(), m_database->text().trimmed(),
                            m_user->text().trimmed(), queryOf(uri())));
    m_updating = false;
    uriEdited();
}

void ConnectDialog::uriEdited()
{
    const QString text = uri();
    QString problem;
    if (text.isEmpty()) {
        problem = QString();
    } else if (!PgLocation::isPostgres(text)) {
        problem = QStringLiteral("A team database's address starts with postgresql:// (a file is opened with "
                                 "File > Open database…).");
    } else if (auto parsed = PgLocation::parse(text); !parsed) {
        problem = parsed.error().message;
    } else if (!m_updating) {
        // The fields show what the URI says (libpq's reading of it).
        m_updating = true;
        m_host->setText(parsed->value(QStringLiteral("host")));
        m_port->setText(parsed->value(QStringLiteral("port")));
        m_database->setText(parsed->value(QStringLiteral("dbname")));
        m_user->setText(parsed->value(QStringLiteral("user")));
        m_updating = false;
    }
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_connect->setEnabled(!text.isEmpty() && problem.isEmpty());
}

PasswordDialog::PasswordDialog(const QString &shown, const QString &refused, const QString &keychainProblem,
                               QWidget *parent)
    : QDialog(parent), m_password(new QLineEdit(this)),
      m_remember(new QCheckBox(QStringLiteral("&Remember in the keychain"), this))
{
    setObjectName(QStringLiteral("passwordDialog"));
    setWindowTitle(QStringLiteral("Password for %1").arg(shown));
    auto *layout = new QVBoxLayout(this);
    auto *message = new QLabel(this);
    message->setObjectName(QStringLiteral("passwordMessage"));
    message->setWordWrap(true);
    message->setTextFormat(Qt::PlainText);
    message->setText(refused.isEmpty()
                         ? QStringLiteral("The server of %1 asks for a password.").arg(shown)
                         : QStringLiteral("%1\n\nEnter the password again.").arg(refused));
    layout->addWidget(message);
    auto *form = new QFormLayout;
    m_password->setObjectName(QStringLiteral("passwordEdit"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setMinimumWidth(300);
    form->addRow(QStringLiteral("&Password:"), m_password);
    layout->addLayout(form);
    m_remember->setObjectName(QStringLiteral("rememberPassword"));
    m_remember->setToolTip(QStringLiteral("Kept in the desktop's keychain under this login and server, never in "
                                          "LMO Desk's settings; the next connection uses it without asking."));
    if (keychainProblem.isEmpty()) {
        m_remember->setChecked(true);
    } else {
        m_remember->setChecked(false);
        m_remember->setEnabled(false);
        auto *note = new QLabel(QStringLiteral("It cannot be kept: %1. The password is asked for at each "
                                               "connection.")
                                    .arg(keychainProblem),
                                this);
        note->setObjectName(QStringLiteral("keychainProblem"));
        note->setWordWrap(true);
        layout->addWidget(m_remember);
        layout->addWidget(note);
    }
    if (keychainProblem.isEmpty())
        layout->addWidget(m_remember);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    QPushButton *ok = buttons->addButton(QStringLiteral("&Connect"), QDialogButtonBox::AcceptRole);
    ok->setObjectName(QStringLiteral("passwordConnect"));
    ok->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    m_password->setFocus();
    resize(520, sizeHint().height());
}

QString PasswordDialog::password() const
{
    return m_password->text();
}

bool PasswordDialog::remember() const
{
    return m_remember->isChecked();
}

} // namespace lmo
