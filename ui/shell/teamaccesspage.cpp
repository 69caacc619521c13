#include "shell/teamaccesspage.h"

#include "document/document.h"
#include "document/jobrunner.h"
#include "widgets/pagestyle.h"
#include "widgets/sqldialog.h"
#include "storage/packagerepository.h"

#include <QCheckBox>
#include <QComboBox>
#include <QListWidget>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>

namespace lmo {

namespace {

QTableWidget *makeTable(const QStringList &headers, const char *name)
{
    return makeListTable(headers, QString::fromLatin1(name), CellText::Wrap);
}

QComboBox *roleBox(team::Role current)
{
    auto *box = new QComboBox;
    for (team::Role r : team::kRoles)
        box->addItem(team::roleName(r), int(r));
    box->setCurrentIndex(box->findData(int(current)));
    return box;
}

} // namespace

TeamAccessPage::TeamAccessPage(QWidget *parent)
    : DatabasePage(parent), m_you(new QLabel), m_note(new QLabel), m_policy(makeTable({QStringLiteral("Role"), QStringLiteral("Reads"),
                                                                                  QStringLiteral("Changes"), QStringLiteral("Licenses")},
                                                                                  "policyTable")),
      m_people(makeTable({QStringLiteral("Login"), QStringLiteral("Role")}, "peopleTable")),
      m_add(new QPushButton(QStringLiteral("&Add person…"))), m_role(new QPushButton(QStringLiteral("Change &role…"))),
      m_remove(new QPushButton(QStringLiteral("Re&move from the team…"))), m_sql(new QPushButton(QStringLiteral("Show the &SQL…"))),
      m_limits(new QPushButton(QStringLiteral("&Limit a role…")))
{
    setObjectName(QStringLiteral("accessPage"));
    auto *layout = new QVBoxLayout(this);
    auto *title = new QLabel(QStringLiteral("<h2>Access</h2>"));
    layout->addWidget(title);
    m_you->setObjectName(QStringLiteral("accessYou"));
    m_you->setWordWrap(true);
    m_you->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_you);
    m_note->setObjectName(QStringLiteral("accessNote"));
    m_note->setWordWrap(true);
    layout->addWidget(m_note);

    auto *policyBox = new QGroupBox(QStringLiteral("Who sees what"));
    auto *policyLayout = new QVBoxLayout(policyBox);
    m_policy->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_policy->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_policy->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_policy->setSelectionMode(QAbstractItemView::NoSelection);
    policyLayout->addWidget(m_policy);
    auto *policyButtons = new QHBoxLayout;
    m_sql->setObjectName(QStringLiteral("showPolicySql"));
    policyButtons->addWidget(m_sql);
    m_limits->setObjectName(QStringLiteral("limitRole"));
    m_limits->setToolTip(QStringLiteral("Keep sandbox licenses from a role, or limit it to some packages"));
    policyButtons->addWidget(m_limits);
    auto *wizardHint = new QLabel(QStringLiteral("Who reads and changes what is chosen in step 4 of the LMO setup wizard."));
    wizardHint->setEnabled(false);
    policyButtons->addWidget(wizardHint);
    policyButtons->addStretch(1);
    policyLayout->addLayout(policyButtons);
    layout->addWidget(policyBox, 2);

    auto *peopleBox = new QGroupBox(QStringLiteral("People"));
    auto *peopleLayout = new QVBoxLayout(peopleBox);
    m_people->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Interactive);
    m_people->horizontalHeader()->resizeSection(0, 260);
    peopleLayout->addWidget(m_people);
    auto *buttons = new QHBoxLayout;
    m_add->setObjectName(QStringLiteral("addPerson"));
    m_role->setObjectName(QStringLiteral("changeRole"));
    m_remove->setObjectName(QStringLiteral("removePerson"));
    buttons->addWidget(m_add);
    buttons->addWidget(m_role);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    peopleLayout->addLayout(buttons);
    layout->addWidget(peopleBox, 3);

    connect(m_add, &QPushButton::clicked, this, &TeamAccessPage::askToAdd);
    connect(m_role, &QPushButton::clicked, this, &TeamAccessPage::askRole);
    connect(m_remove, &QPushButton::clicked, this, &TeamAccessPage::askRemove);
    connect(m_sql, &QPushButton::clicked, this, &TeamAccessPage::showSql);
    connect(m_limits, &QPushButton::clicked, this, &TeamAccessPage::askLimits);
    connect(m_people, &QTableWidget::itemSelectionChanged, this, [this] {
        const bool picked = !selectedLogin().isEmpty();
        m_role->setEnabled(mayChange() && picked);
        m_remove->setEnabled(mayChange() && picked);
    });
    setDatabase(nullptr);
}

bool TeamAccessPage::mayChange() const
{
    return m_database && !m_database->isReadOnly() && m_database->access().enforced && m_database->access().administers;
}

QStringList TeamAccessPage::people() const
{
    QStringList out;
    for (int r = 0; r < m_people->rowCount(); ++r)
        out << QStringLiteral("%1 %2").arg(m_people->item(r, 0)->text(), m_people->item(r, 1)->text());
    return out;
}

void TeamAccessPage::setDatabase(Database *database)
{
    m_database = database;
    m_people->setRowCount(0);
    const bool team = database && database->access().enforced;
    const QString why = !database                  ? QStringLiteral("No database is open.")
                        : !team                    ? QStringLiteral("Only a team database has people and roles.")
                        : database->isReadOnly()   ? QStringLiteral("Read-only: %1").arg(database->readOnlyReason())
                        : !database->access().administers ? QStringLiteral("Only partner ops may change who sees what.")
                                                          : QString();
    for (QPushButton *b : {m_add, m_role, m_remove}) {
        b->setEnabled(why.isEmpty() && b == m_add);
        b->setToolTip(why);
    }
    m_sql->setEnabled(team);
    m_limits->setEnabled(why.isEmpty());
    m_limits->setToolTip(why.isEmpty() ? QStringLiteral("Keep sandbox licenses from a role, or limit it to some packages") : why);
    m_sql->setToolTip(team ? QString() : QStringLiteral("A team database shows the SQL it enforces."));
    if (!database) {
        m_you->setText(QString());
        m_note->setText(QString());
        showPolicy(team::AccessPolicy::defaults());
        return;
    }
    const team::SessionAccess &access = database->access();
    if (!team) {
        m_you->setText(QStringLiteral("<b>%1</b> is %2: nothing here is enforced. Whoever can open it reads and changes "
                                      "everything.")
                           .arg(database->displayName().toHtmlEscaped(),
                                database->isTeamDatabase() ? QStringLiteral("a database on a server that is not set up for a team")
                                                           : QStringLiteral("a file on this machine")));
        m_note->setText(database->isTeamDatabase()
                            ? QStringLiteral("Its owner sets it up for a team once: <tt>lmodesk team init --db URI</tt>. The server "
                                             "then enforces the policy below (row-level security, column privileges), for the "
                                             "app, scripts and psql alike.")
                            : QStringLiteral("The LMO setup wizard records the intended policy below. A team database on "
                                             "PostgreSQL enforces it (File > Connect to team database…)."));
        showPolicy(team::AccessPolicy::defaults());
        return;
    }
    const QString warning = access.warning();
    m_you->setText(warning.isEmpty() ? access.summary().toHtmlEscaped()
                                     : QStringLiteral("<span style='color:#b00020'>\u26a0 %1.</span> Everything it does is in "
                                                      "the audit log; for everyday work, connect with a login of your own in one of the "
                                                      "team's roles.")
                                           .arg(warning.toHtmlEscaped()));
    m_note->setText(QStringLiteral("The server enforces this for every client: the app, scripts and psql. History is written "
                                   "by the database, under each person's login."));
    reload();
}

void TeamAccessPage::reload()
{
    if (!m_database || !m_database->access().enforced || !document())
        return;
    struct Read
    {
        team::AccessPolicy policy;
        std::vector<team::TeamUser> people;
    };
    document()->read<Read>(
        this,
        [](QSqlDatabase &db) -> Result<Read> {
            Read r;
            auto policy = team::currentPolicy(db);
            if (!policy)
                return policy.error();
            r.policy = policy.value();
            auto people = team::users(db);
            if (!people)
                return people.error();
            r.people = people.value();
            return r;
        },
        [this](const Result<Read> &r) {
            if (!r) {
                m_note->setText(QStringLiteral("Could not read the team: %1").arg(r.error().message.toHtmlEscaped()));
                return;
            }
            showPolicy(r->policy);
            const QString keep = selectedLogin();
            m_people->setRowCount(0);
            for (const team::TeamUser &u : r->people) {
                const int row = m_people->rowCount();
                m_people->insertRow(row);
                m_people->setItem(row, 0, new QTableWidgetItem(u.login));
                QString role = team::roleName(u.role);
                if (u.superuser || u.bypassRls)
                    role += QStringLiteral(" (sees everything, whatever the policy says)");
                else if (!u.canLogin)
                    role += QStringLiteral(" (cannot log in)");
                m_people->setItem(row, 1, new QTableWidgetItem(role));
                m_people->item(row, 1)->setData(Qt::UserRole, int(u.role));
                if (u.login == keep)
                    m_people->selectRow(row);
            }
            if (r->people.empty())
                m_note->setText(QStringLiteral("Nobody is in the team yet: add the first person (partner ops)."));
        },
        true);
}

void TeamAccessPage::showPolicy(const team::AccessPolicy &policy)
{
    m_shown = policy;
    const QList<QStringList> rows = policy.rows();
    m_policy->setRowCount(int(rows.size()));
    for (int r = 0; r < rows.size(); ++r)
        for (int c = 0; c < 4; ++c)
            m_policy->setItem(r, c, new QTableWidgetItem(rows[r].value(c)));
    m_policy->resizeRowsToContents();
}

QString TeamAccessPage::selectedLogin() const
{
    const QList<QTableWidgetItem *> picked = m_people->selectedItems();
    return picked.isEmpty() ? QString() : m_people->item(picked.front()->row(), 0)->text();
}

void TeamAccessPage::write(const QString &what, std::function<Result<QString>(QSqlDatabase &)> work)
{
    if (!mayChange() || !document())
        return;
    JobOptions options;
    options.title = what;
    options.label = what + QStringLiteral("…");
    options.cancellable = false;
    options.dialogParent = this;
    // On the primary (the connection spec, not the reading one: a standby cannot write).
    document()->jobs()->runOnDatabase<QString>(
        this, m_database->connectionSpec(), options,
        [work = std::move(work)](QSqlDatabase &db, JobContext &) { return work(db); },
        [this, what](const Result<QString> &r) {
            if (!r)
                QMessageBox::warning(this, what, r.error().message);
            reload();
            emit changeDone(r ? QString() : r.error().message);
        });
}

void TeamAccessPage::addPerson(const QString &login, team::Role role, const QString &password)
{
    write(QStringLiteral("Adding %1").arg(login), [login, role, password](QSqlDatabase &db) {
        return team::putUser(db, login, role, true, password);
    });
}

void TeamAccessPage::setRole(const QString &login, team::Role role)
{
    write(QStringLiteral("Putting %1 in %2").arg(login, team::roleName(role)),
          [login, role](QSqlDatabase &db) { return team::putUser(db, login, role, false); });
}

void TeamAccessPage::removePerson(const QString &login)
{
    write(QStringLiteral("Removing %1").arg(login), [login](QSqlDatabase &db) -> Result<QString> {
        auto removed = team::removeUser(db, login);
        if (!removed)
            return removed.error();
        return QString();
    });
}

void TeamAccessPage::limitRole(team::Role role, bool sandbox, const QStringList &packages)
{
    team::AccessPolicy policy = m_shown;
    policy.of(role).sandbox = sandbox;
    policy.of(role).packages = packages;
    write(QStringLiteral("Limiting %1").arg(team::roleName(role)), [policy](QSqlDatabase &db) -> Result<QString> {
        auto changed = team::applyPolicy(db, policy);
        if (!changed)
            return changed.error();
        return changed.value() ? QStringLiteral("changed") : QStringLiteral("unchanged");
    });
}

void TeamAccessPage::askLimits()
{
    if (!mayChange() || !document())
        return;
    document()->read<QStringList>(
        this,
        [](QSqlDatabase &db) -> Result<QStringList> {
            auto all = PackageRepository(db).all();
            if (!all)
                return all.error();
            QStringList names;
            for (const Package &p : all.value())
                names << p.name;
            names.sort(Qt::CaseInsensitive);
            return names;
        },
        [this](const Result<QStringList> &packages) {
            if (!packages) {
                QMessageBox::warning(this, QStringLiteral("Limit a role"), packages.error().message);
                return;
            }
            QDialog dialog(this);
            dialog.setObjectName(QStringLiteral("limitRoleDialog"));
            dialog.setWindowTitle(QStringLiteral("Limit a role"));
            auto *form = new QFormLayout(&dialog);
            auto *role = new QComboBox;
            for (team::Role r : {team::Role::CustomerSuccess, team::Role::Support})
                role->addItem(team::roleName(r), int(r));
            form->addRow(QStringLiteral("&Role:"), role);
            auto *sandbox = new QCheckBox(QStringLiteral("Keep sandbox licenses (and sandbox orgs) from it"));
            form->addRow(sandbox);
            auto *list = new QListWidget;
            for (const QString &name : packages.value()) {
                auto *item = new QListWidgetItem(name, list);
                item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
                item->setCheckState(Qt::Unchecked);
            }
            form->addRow(QStringLiteral("Only these &packages\n(none ticked: all):"), list);
            auto show = [&] {
                const team::RolePolicy &now = m_shown.of(team::Role(role->currentData().toInt()));
                sandbox->setChecked(!now.sandbox);
                for (int i = 0; i < list->count(); ++i)
                    list->item(i)->setCheckState(now.packages.contains(list->item(i)->text()) ? Qt::Checked : Qt::Unchecked);
            };
            show();
            connect(role, &QComboBox::currentIndexChanged, &dialog, show);
            auto *note = new QLabel(QStringLiteral("Partner ops import and keep the data: they always see all of it. A role "
                                                   "limited to some packages reads none of an org's sums, which add up every "
                                                   "package."));
            note->setWordWrap(true);
            form->addRow(note);
            auto *buttons = new QDialogButtonBox(QDialogButtonBox::Apply | QDialogButtonBox::Cancel);
            connect(buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, &dialog, &QDialog::accept);
            connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
            form->addRow(buttons);
            if (dialog.exec() != QDialog::Accepted)
                return;
            QStringList chosen;
            for (int i = 0; i < list->count(); ++i)
                if (list->item(i)->checkState() == Qt::Checked)
                    chosen << list->item(i)->text();
            limitRole(team::Role(role->currentData().toInt()), !sandbox->isChecked(), chosen);
        },
        true);
}

void TeamAccessPage::askToAdd()
{
    QDialog dialog(this);
    dialog.setWindowTitle(QStringLiteral("Add a person"));
    auto *form = new QFormLayout(&dialog);
    auto *login = new QLineEdit;
    login->setObjectName(QStringLiteral("newLogin"));
    login->setPlaceholderText(QStringLiteral("their own login, e.g. alice"));
    login->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[A-Za-z_][A-Za-z0-9_.@-]{0,62}")), login));
    auto *role = roleBox(team::Role::Support);
    auto *password = new QLineEdit;
    password->setEchoMode(QLineEdit::Password);
    password->setPlaceholderText(QStringLiteral("for a new login; empty: set by the server's owner"));
    form->addRow(QStringLiteral("&Login:"), login);
    form->addRow(QStringLiteral("&Role:"), role);
    form->addRow(QStringLiteral("&Password:"), password);
    auto *note = new QLabel(QStringLiteral("A login that exists is put in the role (and out of any other); a new one is "
                                           "created. The password goes to the server only as a SCRAM verifier."));
    note->setWordWrap(true);
    form->addRow(note);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    connect(login, &QLineEdit::textChanged, &dialog, [buttons](const QString &t) {
        buttons->button(QDialogButtonBox::Ok)->setEnabled(!t.trimmed().isEmpty());
    });
    if (dialog.exec() != QDialog::Accepted)
        return;
    addPerson(login->text().trimmed(), team::Role(role->currentData().toInt()), password->text());
}

void TeamAccessPage::askRole()
{
    const QString login = selectedLogin();
    if (login.isEmpty())
        return;
    QStringList names;
    for (team::Role r : team::kRoles)
        names << team::roleName(r);
    bool ok = false;
    const QString chosen = QInputDialog::getItem(this, QStringLiteral("Change role"), QStringLiteral("%1's role:").arg(login), names, 0,
                                                 false, &ok);
    if (!ok)
        return;
    if (auto role = team::roleFromText(chosen))
        setRole(login, *role);
}

void TeamAccessPage::askRemove()
{
    const QString login = selectedLogin();
    if (login.isEmpty())
        return;
    if (QMessageBox::question(this, QStringLiteral("Remove from the team"),
                              QStringLiteral("Take %1 out of every role? The login then sees nothing here (it is not "
                                             "deleted: the server's owner does that if need be).")
                                  .arg(login))
        != QMessageBox::Yes)
        return;
    removePerson(login);
}

void TeamAccessPage::showSql()
{
    if (!m_database || !document())
        return;
    const team::AccessPolicy policy = m_shown;
    document()->read<QStringList>(
        this, [policy](QSqlDatabase &db) { return team::policySql(db, policy); },
        [this](const Result<QStringList> &sql) { showPolicySqlDialog(this, sql); },
        true);
}

} // namespace lmo
