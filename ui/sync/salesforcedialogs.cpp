#include "sync/salesforcedialogs.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace lmo {

namespace {

const QString kProduction = QStringLiteral("login.salesforce.com (production, Developer Edition)");
const QString kSandbox = QStringLiteral("test.salesforce.com (sandbox)");

QLabel *wrapped(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::RichText);
    label->setOpenExternalLinks(true);
    return label;
}

} // namespace

SalesforceConnectDialog::SalesforceConnectDialog(const std::optional<sf::SavedConnection> &previous, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("salesforceConnectDialog"));
    setWindowTitle(QStringLiteral("Connect to Salesforce"));
    setMinimumWidth(560);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(wrapped(QStringLiteral(
        "LMO Desk reads the LMO's packages, package versions and licenses straight from the org, and afterwards only "
        "what changed. Connect to <b>the LMO itself</b>: the org the License Management App is installed in."), this));

    m_oauth = new QRadioButton(QStringLiteral("Sign in in the browser, with the LMO's External Client App"), this);
    m_oauth->setObjectName(QStringLiteral("useOAuth"));
    layout->addWidget(m_oauth);
    m_oauthBox = new QWidget(this);
    auto *form = new QFormLayout(m_oauthBox);
    form->setContentsMargins(24, 0, 0, 0);
    m_login = new QComboBox(m_oauthBox);
    m_login->setObjectName(QStringLiteral("loginUrl"));
    m_login->setEditable(true);
    m_login->addItems({kProduction, kSandbox});
    m_login->setToolTip(QStringLiteral("Or type your My Domain, such as acme.my.salesforce.com"));
    form->addRow(QStringLiteral("Log in at:"), m_login);
    m_clientId = new QLineEdit(m_oauthBox);
    m_clientId->setObjectName(QStringLiteral("clientId"));
    m_clientId->setPlaceholderText(QStringLiteral("The app's Consumer Key (3MVG9…)"));
    form->addRow(QStringLiteral("Consumer key:"), m_clientId);
    m_port = new QSpinBox(m_oauthBox);
    m_port->setObjectName(QStringLiteral("callbackPort"));
    m_port->setRange(1024, 65535);
    m_port->setValue(sf::kDefaultCallbackPort);
    form->addRow(QStringLiteral("Callback port:"), m_port);
    m_callback = new QLabel(m_oauthBox);
    m_callback->setObjectName(QStringLiteral("callbackUrl"));
    m_callback->setWordWrap(true);
    m_callback->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(QString(), m_callback);
    layout->addWidget(m_oauthBox);

    m_cli = new QRadioButton(QStringLiteral("Use an org the Salesforce CLI (sf) is logged in to"), this);
    m_cli->setObjectName(QStringLiteral("useCli"));
    layout->addWidget(m_cli);
    m_cliBox = new QWidget(this);
    auto *cliForm = new QFormLayout(m_cliBox);
    cliForm->setContentsMargins(24, 0, 0, 0);
    m_alias = new QLineEdit(m_cliBox);
    m_alias->setObjectName(QStringLiteral("cliAlias"));
    m_alias->setPlaceholderText(QStringLiteral("An alias or username from \"sf org list\""));
    cliForm->addRow(QStringLiteral("Org alias:"), m_alias);
    cliForm->addRow(QString(), wrapped(QStringLiteral("The CLI keeps its own sign-in; LMO Desk asks it for a session "
                                                       "whenever the last one expires."), m_cliBox));
    layout->addWidget(m_cliBox);

    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("connectProblem"));
    m_problem->setWordWrap(true);
    layout->addWidget(m_problem);
    layout->addStretch(1);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(QStringLiteral("Connect"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);

    m_oauth->setChecked(true);
    if (previous) {
        if (previous->method == sf::SavedConnection::Method::SalesforceCli) {
            m_cli->setChecked(true);
            m_alias->setText(previous->sfAlias);
        } else {
            setLoginText(previous->loginUrl.toString());
            m_clientId->setText(previous->clientId);
            m_port->setValue(previous->port);
        }
    }
    for (QRadioButton *radio : {m_oauth, m_cli})
        connect(radio, &QRadioButton::toggled, this, &SalesforceConnectDialog::update);
    connect(m_login, &QComboBox::currentTextChanged, this, &SalesforceConnectDialog::update);
    connect(m_clientId, &QLineEdit::textChanged, this, &SalesforceConnectDialog::update);
    connect(m_port, &QSpinBox::valueChanged, this, &SalesforceConnectDialog::update);
    connect(m_alias, &QLineEdit::textChanged, this, &SalesforceConnectDialog::update);
    update();
}

bool SalesforceConnectDialog::useCli() const
{
    return m_cli->isChecked();
}

sf::OAuthApp SalesforceConnectDialog::app() const
{
    sf::OAuthApp app;
    QString text = m_login->currentText().trimmed();
    if (text == kProduction)
        text = QStringLiteral("login");
    else if (text == kSandbox)
        text = QStringLiteral("test");
    app.loginUrl = sf::loginUrlFor(text);
    app.clientId = m_clientId->text().trimmed();
    app.port = quint16(m_port->value());
    return app;
}

QString SalesforceConnectDialog::cliAlias() const
{
    return m_alias->text().trimmed();
}

QString SalesforceConnectDialog::problem() const
{
    if (useCli())
        return cliAlias().isEmpty() ? QStringLiteral("Give the CLI's alias (or username) of the LMO.") : QString();
    if (!app().loginUrl.isValid())
        return QStringLiteral("\"%1\" is not login.salesforce.com, test.salesforce.com or a My Domain.").arg(m_login->currentText().trimmed());
    if (app().clientId.isEmpty())
        return QStringLiteral("Give the External Client App's consumer key (Setup > External Client App Manager > the app > "
                              "OAuth Settings).");
    if (app().clientId.contains(QLatin1Char(' ')))
        return QStringLiteral("A consumer key has no spaces: copy it again.");
    return {};
}

void SalesforceConnectDialog::setUseCli(bool cli)
{
    (cli ? m_cli : m_oauth)->setChecked(true);
}

void SalesforceConnectDialog::setLoginText(const QString &text)
{
    const QUrl url = sf::loginUrlFor(text);
    if (url.host() == QLatin1String("login.salesforce.com"))
        m_login->setCurrentText(kProduction);
    else if (url.host() == QLatin1String("test.salesforce.com"))
        m_login->setCurrentText(kSandbox);
    else
        m_login->setCurrentText(text);
}

void SalesforceConnectDialog::setClientId(const QString &key)
{
    m_clientId->setText(key);
}

void SalesforceConnectDialog::setPort(int port)
{
    m_port->setValue(port);
}

void SalesforceConnectDialog::setCliAlias(const QString &alias)
{
    m_alias->setText(alias);
}

void SalesforceConnectDialog::update()
{
    m_oauthBox->setEnabled(!useCli());
    m_cliBox->setEnabled(useCli());
    m_callback->setText(QStringLiteral("The app's callback URL must be <b>%1</b>, its scopes <b>api</b> and "
                                       "<b>refresh_token</b>; no secret is needed.")
                            .arg(app().redirectUri().toHtmlEscaped()));
    const QString why = problem();
    m_problem->setText(why);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(why.isEmpty());
}

SyncSettingsDialog::SyncSettingsDialog(const sf::SyncSettings &settings, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("syncSettingsDialog"));
    setWindowTitle(QStringLiteral("Salesforce sync settings"));
    auto *layout = new QVBoxLayout(this);
    auto *form = new QFormLayout;
    auto *everyRow = new QHBoxLayout;
    m_every = new QCheckBox(QStringLiteral("Sync every"), this);
    m_every->setObjectName(QStringLiteral("syncEvery"));
    m_minutes = new QSpinBox(this);
    m_minutes->setObjectName(QStringLiteral("syncMinutes"));
    m_minutes->setRange(5, 24 * 60);
    m_minutes->setSuffix(QStringLiteral(" minutes"));
    m_minutes->setValue(settings.everyMinutes > 0 ? qMax(5, settings.everyMinutes) : 30);
    m_every->setChecked(settings.everyMinutes > 0);
    m_minutes->setEnabled(m_every->isChecked());
    connect(m_every, &QCheckBox::toggled, m_minutes, &QWidget::setEnabled);
    everyRow->addWidget(m_every);
    everyRow->addWidget(m_minutes);
    everyRow->addWidget(new QLabel(QStringLiteral("while LMO Desk is open"), this));
    everyRow->addStretch(1);
    form->addRow(everyRow);
    m_reserve = new QDoubleSpinBox(this);
    m_reserve->setObjectName(QStringLiteral("syncReserve"));
    m_reserve->setRange(0, 99);
    m_reserve->setDecimals(0);
    m_reserve->setSuffix(QStringLiteral(" %"));
    m_reserve->setValue(settings.reservePercent);
    m_reserve->setToolTip(QStringLiteral("The LMO's daily API requests are shared with everything else the org runs: a "
                                         "sync stops before fewer than this share of them are left."));
    form->addRow(QStringLiteral("Leave for the org's other work:"), m_reserve);
    m_bulk = new QSpinBox(this);
    m_bulk->setObjectName(QStringLiteral("syncBulkThreshold"));
    m_bulk->setRange(0, 100'000'000);
    m_bulk->setGroupSeparatorShown(true);
    m_bulk->setSuffix(QStringLiteral(" records"));
    m_bulk->setValue(int(qMin<qint64>(settings.bulkThreshold, 100'000'000)));
    m_bulk->setToolTip(QStringLiteral("A full load of more records than this goes through Bulk API 2.0 (a few requests "
                                      "for any number of records) instead of REST query pages of 2,000."));
    form->addRow(QStringLiteral("Bulk API above:"), m_bulk);
    layout->addLayout(form);
    auto *note = new QLabel(QStringLiteral("lmodesk sync uses the same settings unless told otherwise (--reserve, "
                                           "--bulk-threshold)."), this);
    note->setWordWrap(true);
    layout->addWidget(note);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

sf::SyncSettings SyncSettingsDialog::settings() const
{
    sf::SyncSettings s;
    s.everyMinutes = m_every->isChecked() ? m_minutes->value() : 0;
    s.reservePercent = m_reserve->value();
    s.bulkThreshold = m_bulk->value();
    return s;
}

} // namespace lmo
