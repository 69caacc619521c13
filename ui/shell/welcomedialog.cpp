#include "shell/welcomedialog.h"

#include "shell/connectdialog.h"
#include "storage/database.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace lmo {

WelcomeDialog::WelcomeDialog(const QString &suggestedPath, QWidget *parent)
    : QDialog(parent), m_demo(new QRadioButton(QStringLiteral("Explore a &demo install base"), this)),
      m_empty(new QRadioButton(QStringLiteral("Start with an &empty database for my own data"), this)),
      m_size(new QSpinBox(this)), m_path(new QLineEdit(suggestedPath, this)),
      m_setUpLmo(new QCheckBox(QStringLiteral("Then &walk me through designating our LMO (setup wizard, six steps)"), this))
{
    setObjectName(QStringLiteral("welcomeDialog"));
    setWindowTitle(QStringLiteral("Welcome to LMO Desk"));
    auto *layout = new QVBoxLayout(this);
    auto *title = new QLabel(QStringLiteral("<h2>Welcome to LMO Desk</h2>"), this);
    layout->addWidget(title);
    auto *intro = new QLabel(
        QStringLiteral("LMO Desk keeps your License Management Org's licenses in a database on this computer. "
                       "There is none yet: start with a realistic demo to look around, or an empty one to fill "
                       "with your own exports. If your team shares one on a PostgreSQL server, connect to it."),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_demo->setObjectName(QStringLiteral("choiceDemo"));
    m_empty->setObjectName(QStringLiteral("choiceEmpty"));
    m_demo->setChecked(true);
    layout->addWidget(m_demo);
    auto *sizeRow = new QHBoxLayout;
    sizeRow->addSpacing(24);
    sizeRow->addWidget(new QLabel(QStringLiteral("Licenses:"), this));
    m_size->setObjectName(QStringLiteral("demoSize"));
    m_size->setRange(100, 5'000'000);
    m_size->setSingleStep(10'000);
    m_size->setValue(100'000);
    m_size->setGroupSeparatorShown(true);
    sizeRow->addWidget(m_size);
    sizeRow->addStretch(1);
    layout->addLayout(sizeRow);
    layout->addWidget(m_empty);
    connect(m_demo, &QRadioButton::toggled, m_size, &QWidget::setEnabled);

    auto *pathRow = new QHBoxLayout;
    m_path->setObjectName(QStringLiteral("databasePath"));
    pathRow->addWidget(new QLabel(QStringLiteral("Database file:"), this));
    pathRow->addWidget(m_path, 1);
    auto *browseButton = new QPushButton(QStringLiteral("&Browse…"), this);
    connect(browseButton, &QPushButton::clicked, this, &WelcomeDialog::browse);
    pathRow->addWidget(browseButton);
    layout->addLayout(pathRow);

    m_setUpLmo->setObjectName(QStringLiteral("setUpLmo"));
    m_setUpLmo->setToolTip(QStringLiteral("Which org is the License Management Org is effectively permanent: the wizard "
                                          "checks the choice and writes the runbook. It is always under Tools."));
    layout->addWidget(m_setUpLmo);
    // Offered by default with one's own data; a demo is for looking around first.
    connect(m_empty, &QRadioButton::toggled, m_setUpLmo, &QCheckBox::setChecked);

    auto *buttons = new QDialogButtonBox(this);
    QPushButton *create = buttons->addButton(QStringLiteral("&Create"), QDialogButtonBox::AcceptRole);
    create->setObjectName(QStringLiteral("createButton"));
    create->setDefault(true);
    QPushButton *open = buttons->addButton(QStringLiteral("&Open existing…"), QDialogButtonBox::ActionRole);
    connect(open, &QPushButton::clicked, this, &WelcomeDialog::openExisting);
    // The team's database on a server, rather than one on this computer.
    QPushButton *team = buttons->addButton(QStringLiteral("Connect to &team database…"), QDialogButtonBox::ActionRole);
    team->setObjectName(QStringLiteral("connectTeamButton"));
    connect(team, &QPushButton::clicked, this, &WelcomeDialog::connectTeam);
    buttons->addButton(QStringLiteral("&Quit"), QDialogButtonBox::RejectRole);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_path, &QLineEdit::textChanged, create, [create](const QString &t) { create->setEnabled(!t.trimmed().isEmpty()); });
    layout->addWidget(buttons);
    resize(560, sizeHint().height());
}

void WelcomeDialog::browse()
{
    const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Database file"), m_path->text(),
                                                      Database::localFileNames().dialogFilter);
    if (!path.isEmpty())
        m_path->setText(path);
}

void WelcomeDialog::openExisting()
{
    const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Open database"),
                                                      QFileInfo(m_path->text()).absolutePath(),
                                                      Database::localFileNames().dialogFilter + QStringLiteral(";;All files (*)"));
    if (path.isEmpty())
        return;
    m_path->setText(path);
    m_teamUri.clear();
    m_openExisting = true;
    accept();
}

void WelcomeDialog::connectTeam()
{
    ConnectDialog dialog(m_teamUri, this);
    if (dialog.exec() != QDialog::Accepted || dialog.uri().isEmpty())
        return;
    m_teamUri = dialog.uri();
    m_openExisting = false;
    accept();
}

WelcomeDialog::Choice WelcomeDialog::choice() const
{
    if (!m_teamUri.isEmpty())
        return Choice::TeamDatabase;
    if (m_openExisting)
        return Choice::OpenExisting;
    return m_demo->isChecked() ? Choice::Demo : Choice::Empty;
}

QString WelcomeDialog::path() const
{
    if (!m_teamUri.isEmpty())
        return m_teamUri;
    return m_path->text().trimmed();
}

bool WelcomeDialog::setUpLmo() const
{
    return m_setUpLmo->isChecked();
}

qint64 WelcomeDialog::demoLicenses() const
{
    return m_size->value();
}

} // namespace lmo
