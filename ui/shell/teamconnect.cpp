#include "shell/teamconnect.h"

#include "document/jobrunner.h"
#include "shell/connectdialog.h"
#include "shell/secretstore.h"

#include <QCoreApplication>
#include <QMainWindow>
#include <QProgressDialog>
#include <QStatusBar>
#include <QSqlDriver>
#include <QThread>
#include <QTimer>

#include <atomic>

namespace lmo {

namespace {

// The server wants a password it was not given. pgNeedsPassword() reads libpq's words; the
// core's message for it says so in its own (it leaves libpq's out), hence both.
bool needsPassword(const Error &error)
{
    return error.code == Error::Code::AuthFailed
           && (pgNeedsPassword(error.message)
               || error.message.contains(QLatin1String("asks for a password and none was given")));
}

// The server refused the password it was given.
bool passwordRefused(const Error &error)
{
    return error.code == Error::Code::AuthFailed
           && error.message.contains(QLatin1String("password authentication failed"), Qt::CaseInsensitive);
}

} // namespace

struct TeamConnector::Attempt
{
    std::atomic<bool> abandoned{false};
    std::unique_ptr<Database> database;
    Error error;
    bool gavePassword = false;
};

TeamConnector::TeamConnector(const QString &uri, const Database::OpenOptions &options, QWidget *window)
    : QObject(window), m_uri(uri), m_options(options), m_window(window)
{
}

TeamConnector::~TeamConnector()
{
    if (m_current)
        m_current->abandoned = true;
    delete m_progress.data();
    delete m_prompt.data();
}

void TeamConnector::start()
{
    auto location = PgLocation::parse(m_uri);
    if (!location) {
        fail(location.error());
        return;
    }
    m_location = location.value();
    m_shown = m_location.display();
    m_key = m_location.keychainKey();
    m_passwordInUri = !m_location.password().isEmpty();
    emit progress(QStringLiteral("Connecting to %1…").arg(m_shown));
    if (m_passwordInUri || !m_options.password.isEmpty()) {
        attempt(m_options.password);
        return;
    }
    showProgress();
    // The keychain's password for this login, if it keeps one; libpq's own places (~/.pgpass,
    // PGPASSWORD) still come first when the keychain has none.
    SecretStore::instance().read(m_key, this, [this](const SecretAnswer &answer) {
        if (m_done)
            return;
        if (!answer.ok)
            m_keychainProblem = answer.error;
        m_fromKeychain = answer.ok && answer.value && !answer.value->isEmpty();
        attempt(m_fromKeychain ? *answer.value : QString());
    });
}

void TeamConnector::cancel()
{
    if (m_done)
        return;
    if (m_current)
        m_current->abandoned = true;
    m_current.reset();
    fail(Error::make(Error::Code::Cancelled, QStringLiteral("The connection to %1 was cancelled.").arg(m_shown)));
}

void TeamConnector::attempt(const QString &password)
{
    m_password = password;
    auto attemptJob = std::make_shared<Attempt>();
    attemptJob->gavePassword = !password.isEmpty() || m_passwordInUri;
    m_current = attemptJob;
    showProgress();
    Database::OpenOptions options = m_options;
    options.password = password;
    const QString uri = m_uri;
    QThread *mainThread = QCoreApplication::instance()->thread();
    JobOptions job;
    job.title = QStringLiteral("Connecting to %1").arg(m_shown);
    // The application's runner, not one of this object: a connection being made when the
    // attempt is abandoned finishes on its own (libpq cannot be interrupted) and is closed then.
    JobRunner::application()->run<bool>(
        this, job,
        [state = std::move(attemptJob), uri, options, mainThread](JobContext &) -> Result<bool> {
            auto opened = Database::open(uri, options);
            if (opened) {
                // The connection is used on the UI thread from now on: Qt's SQL drivers belong to
                // the thread that uses them. An abandoned one is closed there too (when the job's
                // function goes, on the UI thread).
                opened.value()->connection().driver()->moveToThread(mainThread);
                state->database = std::move(opened.value());
            } else {
                state->error = opened.error();
            }
            return true;
        },
        [this, attempt = m_current](const Result<bool> &) {
            if (attempt && !attempt->abandoned)
                attempted(attempt);
            else if (attempt)
                attempt->database.reset();
        });
}

void TeamConnector::attempted(const std::shared_ptr<Attempt> &job)
{
    if (job != m_current || m_done)
        return;
    m_current.reset();
    if (job->database) {
        succeed(std::move(job->database));
        return;
    }
    const Error &error = job->error;
    if (!m_passwordInUri) {
        if (needsPassword(error) && !job->gavePassword) {
            askPassword(QString());
            return;
        }
        // A password that was refused: the remembered one, the one just typed, or libpq's own
        // (~/.pgpass, PGPASSWORD). Asked again, with the server's answer.
        if (passwordRefused(error)) {
            askPassword(error.message);
            return;
        }
    }
    fail(error);
}

void TeamConnector::askPassword(const QString &refused)
{
    hideProgress();
    emit progress(QStringLiteral("%1 asks for a password.").arg(m_shown));
    auto *dialog = new PasswordDialog(m_shown, refused, m_keychainProblem, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    m_prompt = dialog;
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        m_typed = true;
        m_fromKeychain = false;
        m_remember = dialog->remember();
        attempt(dialog->password());
    });
    connect(dialog, &QDialog::rejected, this, [this] { cancel(); });
    dialog->open();
}

void TeamConnector::succeed(std::unique_ptr<Database> database)
{
    hideProgress();
    if (m_typed && m_keychainProblem.isEmpty() && m_window) {
        // Kept once it worked: a remembered password is always one the server took. Not kept,
        // a wrong one remembered before goes, so that it is not tried again.
        // The answer may come after this attempt is gone: it goes to the window's status bar.
        QPointer<QWidget> window = m_window;
        auto note = [window](const SecretAnswer &answer) {
            auto *main = qobject_cast<QMainWindow *>(window.data());
            if (!answer.ok && main)
                main->statusBar()->showMessage(QStringLiteral("The password could not be kept in %1: %2.")
                                                   .arg(SecretStore::instance().name(), answer.error),
                                               15000);
        };
        if (m_remember)
            SecretStore::instance().write(m_key, m_password, m_window, note);
        else
            SecretStore::instance().remove(m_key, m_window, note);
    }
    m_database = std::move(database);
    m_done = true;
    emit finished(true);
}

void TeamConnector::fail(const Error &error)
{
    hideProgress();
    if (m_prompt) {
        // Replaced by another attempt, or answered: the question goes with it.
        m_prompt->disconnect(this);
        m_prompt->close();
    }
    m_error = error;
    m_done = true;
    emit finished(false);
}

void TeamConnector::showProgress()
{
    if (!m_progress) {
        auto *dialog = new QProgressDialog(QStringLiteral("Connecting to %1…").arg(m_shown), QStringLiteral("Cancel"), 0, 0,
                                           m_window);
        dialog->setObjectName(QStringLiteral("connectProgress"));
        dialog->setWindowTitle(QStringLiteral("Connect to team database"));
        dialog->setWindowModality(Qt::WindowModal);
        dialog->setAutoClose(false);
        dialog->setAutoReset(false);
        // Shown only if the server takes a moment to answer, not as a flash for a quick one.
        dialog->setMinimumDuration(400);
        connect(dialog, &QProgressDialog::canceled, this, &TeamConnector::cancel);
        m_progress = dialog;
    }
    m_progress->setValue(0);
}

void TeamConnector::hideProgress()
{
    if (m_progress) {
        m_progress->disconnect(this);
        m_progress->hide();
        m_progress->deleteLater();
        m_progress = nullptr;
    }
}

} // namespace lmo
