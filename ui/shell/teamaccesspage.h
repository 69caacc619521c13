#pragma once

#include "shell/databasepage.h"
#include "storage/team.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace lmo {

// The Access page: what the login connected may do, the team's policy (as a table, and as the
// SQL the server runs), and the people in each role. Partner ops add people, change their roles
// and remove them here; everyone else reads it, told why they may not change it. On a file it
// says that nothing is enforced, and how a team database would.
class TeamAccessPage : public DatabasePage
{
    Q_OBJECT
public:
    explicit TeamAccessPage(QWidget *parent = nullptr);

    void setDatabase(Database *database) override;
    void reload() override;

    // What the page shows, for tests.
    QStringList people() const;
    bool mayChange() const;

public slots:
    // The dialogs' work, also reachable without them (tests, keyboard users).
    void addPerson(const QString &login, team::Role role, const QString &password);
    void setRole(const QString &login, team::Role role);
    void removePerson(const QString &login);
    // Keeps sandbox licenses from a role (sandbox false) and limits it to some packages (empty:
    // all), on top of the policy in force; changeDone() follows.
    void limitRole(team::Role role, bool sandbox, const QStringList &packages);

signals:
    // A change was written (or refused: `error`), and the page read again.
    void changeDone(const QString &error);

private:
    void showPolicy(const team::AccessPolicy &policy);
    void askToAdd();
    void askRole();
    void askRemove();
    void askLimits();
    void showSql();
    QString selectedLogin() const;
    void write(const QString &what, std::function<Result<QString>(QSqlDatabase &)> work);

    Database *m_database = nullptr;
    QLabel *m_you;
    QLabel *m_note;
    QTableWidget *m_policy;
    QTableWidget *m_people;
    QPushButton *m_add;
    QPushButton *m_role;
    QPushButton *m_remove;
    QPushButton *m_sql;
    QPushButton *m_limits;
    team::AccessPolicy m_shown;
};

} // namespace lmo
