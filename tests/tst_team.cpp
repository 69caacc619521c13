// Who sees what on a team database (storage/team.h): what `team init` makes, what each role may
// read and change, as the app sees it and as a plain SQL connection with the same login tries it
// (each attempt refused by PostgreSQL itself), the audit log the database writes, two people
// editing one license. Runs against the test server of packaging/pg-test-cluster.sh, as ordinary
// logins made by `team add-user`: the admin login (LMODESK_TEST_PG) may create roles, and is
// neither a superuser nor BYPASSRLS.
#include "dashboardcompare.h"
#include "fakesalesforce.h"
#include "fixtures.h"
#include "sync/orgsync.h"

#include "demo/demogenerator.h"
#include "domain/license.h"
#include "metrics/dashboardmetrics.h"
#include "export/licenseexport.h"
#include "import/importer.h"
#include "billing/billingimport.h"
#include "billing/links.h"
#include "storage/database.h"
#include "storage/licenseedits.h"
#include "storage/licenseimage.h"
#include "storage/licenserepository.h"
#include "document/document.h"
#include "models/licensetablemodel.h"
#include "shell/teamaccesspage.h"
#include "wizard/accesspage.h"
#include "wizard/lmowizard.h"
#include "storage/backend.h"
#include "storage/postgres/pglocation.h"
#include "storage/team.h"

#include <QFile>
#include <QFileInfo>
#include <QDir>
#include <QJsonObject>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUuid>
#include <QtTest>

#include <array>

using namespace lmo;
using namespace Qt::StringLiterals;

namespace {

QString unique(const char *prefix)
{
    return QStringLiteral("%1_%2").arg(QLatin1String(prefix), QUuid::createUuid().toString(QUuid::Id128).left(10));
}

// The base URI with another login before the @, and no search_path: the login's own settings
// (team add-user set them) choose the schema, as they would for psql.
QString asLogin(const QString &login)
{
    QString uri = test::postgresUri();
    const qsizetype at = uri.indexOf(u'@');
    const qsizetype scheme = uri.indexOf(u"://"_s) + 3;
    return uri.left(scheme) + login + uri.mid(at);
}

// One statement on a plain connection of `uri`'s own: as psql would run it. Answers the
// server's SQLSTATE ("" when it ran) and the first value.
struct Attempt
{
    QString state;
    QVariant value;
    int rows = -1;
};

Attempt attempt(const QString &uri, const QString &sql)
{
    Attempt a;
    auto location = PgLocation::parse(uri);
    if (!location) {
        a.state = u"parse"_s;
        return a;
    }
    const QString name = QUuid::createUuid().toString();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
        db.setConnectOptions(location->driverOptions().value());
        if (!db.open()) {
            a.state = u"connect: "_s + db.lastError().text();
        } else {
            QSqlQuery q(db);
            if (!q.exec(sql)) {
                a.state = q.lastError().nativeErrorCode();
                if (a.state.isEmpty())
                    a.state = q.lastError().text();
            } else {
                a.rows = q.numRowsAffected();
                if (q.next())
                    a.value = q.value(0);
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return a;
}

std::unique_ptr<Database> openAs(const QString &uri)
{
    auto opened = Database::open(uri, Database::OpenOptions());
    if (!opened) {
        qWarning("%s", qPrintable(opened.error().message));
        return nullptr;
    }
    return std::move(opened).value();
}

// A team database with the stats fixture in it, set up by the admin, and one person per role.
struct Team
{
    QString schema;
    QString adminUri;
    std::unique_ptr<Database> admin;
    QString ops, success, support; // logins
};

bool makeTeam(Team &team)
{
    team.schema = unique("team");
    team.adminUri = test::schemaUri(test::postgresUri(), team.schema);
    Database::OpenOptions create;
    create.create = true;
    auto opened = Database::open(team.adminUri, create);
    if (!opened) {
        qWarning("%s", qPrintable(opened.error().message));
        return false;
    }
    team.admin = std::move(opened).value();
    if (!test::writeStatsFixture(*team.admin))
        return false;
    auto done = team::init(*team.admin);
    if (!done) {
        qWarning("team init: %s", qPrintable(done.error().message));
        return false;
    }
    // The admin's session knows the team only once opened again.
    team.admin = openAs(team.adminUri);
    if (!team.admin)
        return false;
    team.ops = unique("ops");
    team.success = unique("cs");
    team.support = unique("sup");
    for (const auto &[login, role] : {std::pair{team.ops, team::Role::PartnerOps}, std::pair{team.success, team::Role::CustomerSuccess},
                                      std::pair{team.support, team::Role::Support}}) {
        auto put = team::putUser(*team.admin, login, role, true);
        if (!put) {
            qWarning("add-user %s: %s", qPrintable(login), qPrintable(put.error().message));
            return false;
        }
    }
    return true;
}

qint64 firstLicenseWithSeats(const QString &uri)
{
    return attempt(uri, u"SELECT min(id) FROM licenses WHERE seats > 0 AND status = 'Active'"_s).value.toLongLong();
}

} // namespace

class TstTeam : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!test::onPostgres())
            QFAIL("tst_team runs against a PostgreSQL server: run it through ctest inside packaging/pg-test-cluster.sh, "
                  "which sets LMODESK_TEST_BACKEND=postgresql and LMODESK_TEST_PG");
        QVERIFY(makeTeam(m_team));
    }

    // team init: the schema and its tables belong to lmo_owner, row-level security is on and
    // forced on every table, and PUBLIC is granted nothing.
    void initForcesRowSecurityOnEveryTableAndGrantsPublicNothing()
    {
        const QString schema = m_team.schema;
        QCOMPARE(attempt(m_team.adminUri, u"SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = '%1'"_s.arg(schema)).value.toString(),
                 u"lmo_owner"_s);
        const Attempt tables = attempt(m_team.adminUri,
                                       u"SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                       "WHERE n.nspname = '%1' AND c.relkind = 'r'"_s.arg(schema));
        QVERIFY(tables.value.toInt() >= 9);
        QCOMPARE(attempt(m_team.adminUri, u"SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                           "WHERE n.nspname = '%1' AND c.relkind = 'r' AND c.relrowsecurity AND c.relforcerowsecurity "
                                           "AND c.relowner = 'lmo_owner'::regrole"_s.arg(schema))
                     .value.toInt(),
                 tables.value.toInt());
        // An ACL entry for PUBLIC reads "=r/grantor": none on any table, column or the schema.
        QCOMPARE(attempt(m_team.adminUri, u"SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                           "WHERE n.nspname LIKE '%1%%' AND EXISTS (SELECT 1 FROM unnest(c.relacl) a WHERE a::text LIKE '=%%')"_s
                                               .arg(schema))
                     .value.toInt(),
                 0);
        QCOMPARE(attempt(m_team.adminUri, u"SELECT count(*) FROM pg_namespace n WHERE n.nspname LIKE '%1%%' "
                                           "AND EXISTS (SELECT 1 FROM unnest(n.nspacl) a WHERE a::text LIKE '=%%')"_s.arg(schema))
                     .value.toInt(),
                 0);
        // A login in none of the roles sees nothing, and the app says why.
        const QString nobody = unique("nobody");
        QVERIFY(attempt(m_team.adminUri, u"CREATE ROLE %1 LOGIN"_s.arg(nobody)).state.isEmpty());
        const QString nobodyUri = test::schemaUri(asLogin(nobody), schema);
        QCOMPARE(attempt(nobodyUri, u"SELECT count(*) FROM %1.licenses"_s.arg(schema)).state, u"42501"_s);
        auto refused = Database::open(nobodyUri, Database::OpenOptions());
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(u"none of its roles"_s), qPrintable(refused.error().message));
    }

    // Running init again, and applying the same policy again, change nothing.
    void applyingThePolicyAgainChangesNothing()
    {
        auto policy = team::currentPolicy(*m_team.admin);
        QVERIFY2(policy, qPrintable(policy ? QString() : policy.error().message));
        QCOMPARE(policy.value(), team::AccessPolicy::defaults());
        const QVariant before = attempt(m_team.adminUri, u"SELECT team_fingerprint()"_s).value;
        auto again = team::init(*m_team.admin);
        QVERIFY2(again, qPrintable(again ? QString() : again.error().message));
        QCOMPARE(attempt(m_team.adminUri, u"SELECT team_fingerprint()"_s).value, before);
        auto changed = team::applyPolicy(*m_team.admin, policy.value());
        QVERIFY(changed);
        QVERIFY(!changed.value());
        auto sql = team::policySql(*m_team.admin, policy.value());
        QVERIFY(sql);
        QVERIFY(sql->join(u'\n').contains(u"CREATE POLICY support_select ON"_s));
        QVERIFY(sql->join(u'\n').contains(u"GRANT UPDATE (seats, expiration, row_version)"_s));
    }

    // Each login's session says what the server lets it do.
    void eachLoginIsToldWhatItMayDo()
    {
        auto ops = openAs(asLogin(m_team.ops));
        auto success = openAs(asLogin(m_team.success));
        auto support = openAs(asLogin(m_team.support));
        QVERIFY(ops && success && support);
        QVERIFY(ops->access().enforced);
        QCOMPARE(ops->access().role, team::Role::PartnerOps);
        QVERIFY(ops->access().modifyAll && ops->access().administers && ops->access().hidden.isEmpty());
        QVERIFY(ops->access().warning().isEmpty());
        QCOMPARE(success->access().role, team::Role::CustomerSuccess);
        QVERIFY(!success->access().modifyAll && !success->access().administers);
        QCOMPARE(success->access().modifiable, (QStringList{u"seats"_s, u"expiration"_s}));
        QVERIFY(success->access().mayModify(u"seats"_s) && !success->access().mayModify(u"status"_s));
        QCOMPARE(support->access().role, team::Role::Support);
        QVERIFY(support->access().modifiable.isEmpty() && !support->access().modifyAll);
        QVERIFY(!support->access().whyNotModify().isEmpty());
        for (const char *column : {"seats", "used_licenses", "contact_id", "lead_id"})
            QVERIFY2(support->access().hidden.contains(QString::fromLatin1(column)), column);
        QVERIFY(!support->access().hidden.contains(u"account_name"_s));
        // The admin that set the team up is a member of lmo_owner: warned.
        QVERIFY(m_team.admin->access().owner);
        QVERIFY(m_team.admin->access().warning().contains(u"sees everything"_s));
        // Support reads the licenses through its view: every license, the hidden fields empty.
        QSqlQuery all(support->connection());
        QVERIFY2(all.exec(LicenseRepository::selectSql(u"1 = 1"_s)), qPrintable(all.lastError().text()));
        int read = 0;
        while (all.next()) {
            const License l = LicenseRepository::readLicense(all);
            QCOMPARE(l.seats, 0);
            QCOMPARE(l.usedLicenses, 0);
            QVERIFY(l.contactId.isNull());
            ++read;
        }
        QCOMPARE(read, 15);
    }

    // An export by support leaves out what it may not read (a blank would read back as a value).
    void anExportLeavesOutWhatTheLoginMayNotRead()
    {
        auto support = openAs(asLogin(m_team.support));
        auto ops = openAs(asLogin(m_team.ops));
        QVERIFY(support && ops);
        QTemporaryDir dir;
        const QString bySupport = dir.filePath(u"support.csv"_s), byOps = dir.filePath(u"ops.csv"_s);
        auto wrote = exportLicensesCsv(*support, bySupport);
        QVERIFY2(wrote, qPrintable(wrote ? QString() : wrote.error().message));
        QVERIFY(exportLicensesCsv(*ops, byOps));
        auto header = [](const QString &path) {
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readLine()).trimmed() : QString();
        };
        QVERIFY(header(byOps).contains(u"sfLma__Seats__c"_s));
        QVERIFY(!header(bySupport).contains(u"sfLma__Seats__c"_s));
        QVERIFY(!header(bySupport).contains(u"sfLma__Used_Licenses__c"_s));
        QVERIFY(!header(bySupport).contains(u"sfLma__Contact__c"_s));
        QVERIFY(header(bySupport).contains(u"sfLma__Expiration__c"_s));
        QCOMPARE(wrote.value(), qint64(15));
    }

    // What the billing system charges is partner ops' alone: they import it; customer success
    // and support read and write none of it, directly in SQL or through the import.
    void billingIsPartnerOpsAlone()
    {
        const QString s = m_team.schema;
        auto ops = openAs(asLogin(m_team.ops));
        QVERIFY(ops);
        auto imported = billing::importBillingFile(*ops, QFINDTESTDATA("data/billing/stripe-subscriptions.csv"), {});
        QVERIFY2(imported, qPrintable(imported ? QString() : imported.error().message));
        QCOMPARE(imported->inserted + imported->unchanged, 5);
        // Partner ops keep links and plans.
        QVERIFY(billing::confirmLink(ops->connection(), u"stripe"_s, u"sub_1PqA2bC3dE4fG5hI"_s, u"00D5g000004XyZq"_s, u"manual"_s,
                                     m_team.ops));
        QVERIFY(billing::removeLink(ops->connection(), u"stripe"_s, u"sub_1PqA2bC3dE4fG5hI"_s));
        QCOMPARE(attempt(asLogin(m_team.ops), u"SELECT count(*) FROM %1.billing_subscriptions"_s.arg(s)).value.toInt(), 5);
        for (const QString &login : {m_team.success, m_team.support}) {
            for (const char *table : {"billing_subscriptions", "billing_sources", "billing_links", "billing_plan_packages"})
                QCOMPARE(attempt(asLogin(login), u"SELECT count(*) FROM %1.%2"_s.arg(s, QLatin1String(table))).state, u"42501"_s);
            QCOMPARE(attempt(asLogin(login), u"UPDATE %1.billing_subscriptions SET quantity = 1"_s.arg(s)).state, u"42501"_s);
            auto other = openAs(asLogin(login));
            QVERIFY(other);
            auto refused = billing::importBillingFile(*other, QFINDTESTDATA("data/billing/stripe-subscriptions.csv"), {});
            QVERIFY(!refused);
            QVERIFY2(refused.error().message.contains(u"permission denied"_s), qPrintable(refused.error().message));
            // Nor links or plans: proposed, kept or set.
            auto proposals = billing::proposeLinks(other->connection());
            QVERIFY(!proposals);
            QVERIFY2(proposals.error().message.contains(u"permission denied"_s), qPrintable(proposals.error().message));
            auto link = billing::confirmLink(other->connection(), u"stripe"_s, u"sub_1PqA2bC3dE4fG5hI"_s, u"00D5g000004XyZq"_s,
                                             u"manual"_s, login);
            QVERIFY(!link);
            QVERIFY2(link.error().message.contains(u"permission denied"_s), qPrintable(link.error().message));
            auto plan = billing::setPlanPackage(other->connection(), u"stripe"_s, u"price_pro_annual"_s, u"Ledgerly"_s, login);
            QVERIFY(!plan);
            QVERIFY2(plan.error().message.contains(u"permission denied"_s), qPrintable(plan.error().message));
        }
    }

    // The same attempts made directly in SQL with each login: refused by PostgreSQL.
    void directSqlCannotGetAroundThePolicy()
    {
        const QString s = m_team.schema;
        const QString ops = asLogin(m_team.ops), success = asLogin(m_team.success), support = asLogin(m_team.support);
        const qint64 id = firstLicenseWithSeats(ops);
        QVERIFY(id > 0);
        // Support: no hidden column, even naming the table itself; no change of any kind.
        QCOMPARE(attempt(support, u"SELECT seats FROM %1.licenses"_s.arg(s)).state, u"42501"_s);
        QCOMPARE(attempt(support, u"SELECT used_licenses FROM %1.licenses"_s.arg(s)).state, u"42501"_s);
        QCOMPARE(attempt(support, u"SELECT contact_id FROM %1.licenses"_s.arg(s)).state, u"42501"_s);
        QCOMPARE(attempt(support, u"SELECT seats FROM %1.subscribers"_s.arg(s)).state, u"42501"_s);
        QCOMPARE(attempt(support, u"UPDATE %1.licenses SET seats = 1 WHERE id = %2"_s.arg(s).arg(id)).state, u"42501"_s);
        QCOMPARE(attempt(support, u"UPDATE %1.licenses SET expiration = NULL WHERE id = %2"_s.arg(s).arg(id)).state, u"42501"_s);
        QCOMPARE(attempt(support, u"DELETE FROM %1.licenses"_s.arg(s)).state, u"42501"_s);
        QCOMPARE(attempt(support, u"SELECT count(*) FROM %1.licenses"_s.arg(s)).value.toInt(), 15);
        // Customer success: seats and expiration only.
        QCOMPARE(attempt(success, u"UPDATE %1.licenses SET account_name = 'x' WHERE id = %2"_s.arg(s).arg(id)).state, u"42501"_s);
        QCOMPARE(attempt(success, u"UPDATE %1.licenses SET status = 'Suspended' WHERE id = %2"_s.arg(s).arg(id)).state, u"42501"_s);
        QCOMPARE(attempt(success, u"INSERT INTO %1.packages (name) VALUES ('Forged')"_s.arg(s)).state, u"42501"_s);
        QCOMPARE(attempt(success, u"UPDATE %1.lmo_profiles SET data = '{}'"_s.arg(s)).state, u"42501"_s);
        // Nobody writes the audit log, partner ops included; nobody changes the policy but
        // partner ops, nor puts people in roles.
        for (const QString &who : {ops, success, support}) {
            QCOMPARE(attempt(who, u"DELETE FROM %1.audit_log"_s.arg(s)).state, u"42501"_s);
            QCOMPARE(attempt(who, u"UPDATE %1.audit_log SET changed_by = 'someone'"_s.arg(s)).state, u"42501"_s);
            QCOMPARE(attempt(who, u"INSERT INTO %1.audit_log (changed_at, changed_by, record_type, field, source) "
                                  "VALUES (now(), 'someone else', 'license', 'Seats', 'forged')"_s.arg(s))
                         .state,
                     u"42501"_s);
            QCOMPARE(attempt(who, u"TRUNCATE %1.licenses"_s.arg(s)).state, u"42501"_s);
            QCOMPARE(attempt(who, u"ALTER TABLE %1.licenses DISABLE ROW LEVEL SECURITY"_s.arg(s)).state, u"42501"_s);
        }
        QCOMPARE(attempt(success, u"SELECT %1.team_apply_policy('{}'::jsonb)"_s.arg(s)).state, u"42501"_s);
        QCOMPARE(attempt(support, u"SELECT %1.team_put_user('%2', 'partner_ops', false)"_s.arg(s, m_team.support)).state, u"42501"_s);
        QCOMPARE(attempt(success, u"SELECT %1.team_note('Licenses', 'forged', 'x')"_s.arg(s)).state, u"42501"_s);
        // What customer success may change, it changes, and the database logs it as them.
        const Attempt raised = attempt(success, u"UPDATE %1.licenses SET seats = seats + 1 WHERE id = %2"_s.arg(s).arg(id));
        QVERIFY2(raised.state.isEmpty(), qPrintable(raised.state));
        QCOMPARE(raised.rows, 1);
        const Attempt logged = attempt(ops, u"SELECT changed_by || '|' || field || '|' || source FROM %1.audit_log "
                                            "WHERE record_ref = %2 ORDER BY id DESC LIMIT 1"_s.arg(s).arg(id));
        QCOMPARE(logged.value.toString().section(u'|', 0, 1), m_team.success + u"|Seats"_s);
        QVERIFY(logged.value.toString().contains(u"SQL by "_s));
    }

    // Sandboxes kept from a role, and a role limited to one package, are limits PostgreSQL keeps.
    void sandboxesAndPackagesCanBeKeptFromARole()
    {
        team::AccessPolicy policy = team::AccessPolicy::defaults();
        const QString package = attempt(asLogin(m_team.ops), u"SELECT name FROM packages WHERE id = (SELECT min(package_ref) FROM licenses)"_s)
                                    .value.toString();
        QVERIFY(!package.isEmpty());
        policy.of(team::Role::Support).sandbox = false;
        policy.of(team::Role::Support).packages = {package};
        auto changed = team::applyPolicy(*m_team.admin, policy);
        QVERIFY2(changed, qPrintable(changed ? QString() : changed.error().message));
        QVERIFY(changed.value());
        const qint64 expected = attempt(asLogin(m_team.ops), u"SELECT count(*) FROM licenses l JOIN packages p ON p.id = l.package_ref "
                                                            "WHERE p.name = '%1' AND l.is_sandbox = 0"_s.arg(package))
                                    .value.toLongLong();
        QVERIFY(expected > 0 && expected < 15);
        const QString s = m_team.schema;
        QCOMPARE(attempt(asLogin(m_team.support), u"SELECT count(*) FROM %1.licenses"_s.arg(s)).value.toLongLong(), expected);
        QCOMPARE(attempt(asLogin(m_team.support), u"SELECT count(*) FROM licenses WHERE is_sandbox = 1"_s).value.toLongLong(), 0);
        QCOMPARE(attempt(asLogin(m_team.support), u"SELECT count(*) FROM packages"_s).value.toLongLong(), 1);
        // The org summary sums every package: a role limited to some may not read the sums.
        QCOMPARE(attempt(asLogin(m_team.support), u"SELECT installed FROM %1.subscribers"_s.arg(s)).state, u"42501"_s);
        // Customer success is untouched by support's limits.
        QCOMPARE(attempt(asLogin(m_team.success), u"SELECT count(*) FROM licenses"_s).value.toLongLong(), 15);
        // A role that may modify everything sees everything: such a limit is refused, saying why.
        team::AccessPolicy wrong = team::AccessPolicy::defaults();
        wrong.of(team::Role::PartnerOps).sandbox = false;
        auto refused = team::applyPolicy(*m_team.admin, wrong);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(u"sees everything"_s), qPrintable(refused.error().message));
        team::AccessPolicy hidingKey = team::AccessPolicy::defaults();
        hidingKey.of(team::Role::Support).hidden << u"org_id"_s;
        QVERIFY(!team::applyPolicy(*m_team.admin, hidingKey));
        QVERIFY(team::applyPolicy(*m_team.admin, team::AccessPolicy::defaults()));
        QCOMPARE(attempt(asLogin(m_team.support), u"SELECT count(*) FROM licenses"_s).value.toLongLong(), 15);
    }

    // The dashboard on a team database sums this client's own image of the licenses its login
    // may read (storage/licenseimage.h, readShared), checked against the server's stamps on each
    // refresh. For each role, under every filter, after each kind of change someone else makes,
    // and after the policy changes, it answers what the server's own sums answer that login.
    void eachRolesDashboardIsWhatTheServerSumsForIt()
    {
        Team t;
        t.schema = unique("dash");
        t.adminUri = test::schemaUri(test::postgresUri(), t.schema);
        Database::OpenOptions create;
        create.create = true;
        {
            auto opened = Database::open(t.adminUri, create);
            QVERIFY2(opened.ok(), qPrintable(opened.ok() ? QString() : opened.error().message));
            t.admin = std::move(opened).value();
        }
        const QDate today = QDate::currentDate();
        DemoOptions demo;
        demo.licenses = 3000;
        demo.seed = 11;
        demo.until = today;
        demo.switchLmoOn = today.addDays(-300);
        QVERIFY(generateDemo(*t.admin, demo).ok());
        auto exec = [](Database &d, const QString &sql) {
            QSqlQuery q(d.connection());
            if (!q.exec(sql)) {
                qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
                return -1;
            }
            return q.numRowsAffected();
        };
        // Ids over chunks of 65,536 (and of 8,192) with empty ones between, and the edge values the image
        // keeps: blanks, NULLs, site licenses, more used than licensed, is_sandbox = 2.
        QVERIFY(exec(*t.admin, u"UPDATE licenses SET id = id + 65536 * (id % 4) + CASE WHEN id % 4 = 3 THEN 655360 ELSE 0 END WHERE id % 4 > 0"_s) > 0);
        QVERIFY(exec(*t.admin, u"UPDATE audit_log SET record_ref = record_ref + 65536 * (record_ref % 4) + CASE WHEN record_ref % 4 = 3 "
                               "THEN 655360 ELSE 0 END WHERE record_type = 'license' AND record_ref % 4 > 0"_s) >= 0);
        QVERIFY(exec(*t.admin, u"UPDATE licenses SET org_edition = NULL, org_instance = '' WHERE id % 17 = 0"_s) > 0);
        QVERIFY(exec(*t.admin, u"UPDATE licenses SET version_number = NULL, expiration = NULL WHERE id % 19 = 0"_s) > 0);
        QVERIFY(exec(*t.admin, u"UPDATE licenses SET install_date = NULL WHERE id % 23 = 0"_s) > 0);
        QVERIFY(exec(*t.admin, u"UPDATE licenses SET seats = -1, used_licenses = 0 WHERE id % 29 = 0"_s) > 0);
        QVERIFY(exec(*t.admin, u"UPDATE licenses SET used_licenses = seats * 2 + 1 WHERE id % 31 = 0 AND seats >= 0"_s) > 0);
        QVERIFY(exec(*t.admin, u"UPDATE licenses SET is_sandbox = 2 WHERE id % 37 = 0"_s) > 0);
        int n = 0;
        for (int d : {-91, -90, -89, -31, -30, -29, -1, 0, 1, 29, 30, 31}) {
            ++n;
            const QString day = today.addDays(d).toString(Qt::ISODate);
            QVERIFY(exec(*t.admin, u"UPDATE licenses SET expiration = '%1' WHERE id %% 43 = %2 AND status IN ('Active', 'Trial')"_s.arg(day).arg(n).replace(u"%%"_s, u"%"_s)) > 0);
            QVERIFY(exec(*t.admin, u"UPDATE licenses SET install_date = '%1' WHERE id %% 47 = %2"_s.arg(day).arg(n).replace(u"%%"_s, u"%"_s)) > 0);
        }
        QVERIFY(team::init(*t.admin).ok());
        t.admin = openAs(t.adminUri);
        QVERIFY(t.admin);
        t.ops = unique("ops");
        t.success = unique("cs");
        t.support = unique("sup");
        for (const auto &[login, role] : {std::pair{t.ops, team::Role::PartnerOps}, std::pair{t.success, team::Role::CustomerSuccess},
                                          std::pair{t.support, team::Role::Support}})
            QVERIFY(team::putUser(*t.admin, login, role, true).ok());
        QStringList packages;
        {
            QSqlQuery q(t.admin->connection());
            QVERIFY(q.exec(u"SELECT name FROM packages ORDER BY id"_s));
            while (q.next())
                packages << q.value(0).toString();
        }
        QVERIFY(packages.size() >= 3);
        team::AccessPolicy policy = team::AccessPolicy::defaults();
        policy.of(team::Role::Support).sandbox = false;
        policy.of(team::Role::Support).packages = {packages.at(0)};
        policy.of(team::Role::Support).hidden = {u"seats"_s};
        QVERIFY(team::applyPolicy(*t.admin, policy).ok());

        auto ops = openAs(asLogin(t.ops)), success = openAs(asLogin(t.success)), support = openAs(asLogin(t.support));
        QVERIFY(ops && success && support);
        std::vector<InstallBaseFilter> filters;
        for (bool sandboxes : {true, false}) {
            InstallBaseFilter f;
            f.includeSandboxes = sandboxes;
            filters.push_back(f);
        }
        {
            InstallBaseFilter f;
            f.package = packages.at(0);
            filters.push_back(f);
            f.package = packages.at(1);
            filters.push_back(f);
            f = InstallBaseFilter();
            f.installedFrom = today.addMonths(-15);
            filters.push_back(f);
            f.installedTo = today.addMonths(-3);
            filters.push_back(f);
            f = InstallBaseFilter();
            f.lmo = 2;
            f.includeSandboxes = false;
            filters.push_back(f);
        }
        // Every login's dashboard against the server's sums; answers the chunks the last
        // refresh read again, per login.
        auto builtBy = [](const DashboardMetrics &m) {
            const QRegularExpressionMatch match = QRegularExpression(u"(\\d+) built"_s).match(m.timings.back().name);
            return match.hasMatch() ? match.captured(1).toInt() : -1;
        };
        std::vector<int> built;
        // Whether each login's dashboard is summed from its image (else by the server).
        using Expect = std::array<bool, 3>;
        auto compareAll = [&](const char *when, Expect image = {true, true, true}) {
            built.clear();
            int who = -1;
            for (Database *d : {ops.get(), success.get(), support.get()}) {
                ++who;
                bool first = true;
                for (const InstallBaseFilter &filter : filters) {
                    auto shown = computeDashboard(d->connection(), filter);
                    QVERIFY2(shown.ok(), qPrintable(shown.ok() ? QString() : shown.error().message));
                    const bool fromImage = shown->timings.back().name.contains(u"image of the licenses"_s);
                    QVERIFY2(fromImage == image[size_t(who)], qPrintable(shown->timings.back().name));
                    if (first && fromImage)
                        built.push_back(builtBy(shown.value()));
                    first = false;
                    auto sums = computeDashboardInSql(d->connection(), filter);
                    QVERIFY2(sums.ok(), qPrintable(sums.ok() ? QString() : sums.error().message));
                    qInfo("%s: %s, %lld licenses", when, qPrintable(dashboardScope(filter)), qlonglong(shown->stats.licenses));
                    test::compareDashboards(shown.value(), sums.value());
                    if (QTest::currentTestFailed())
                        return;
                }
            }
        };
        compareAll("first read");
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(built.size(), size_t(3));
        QVERIFY(built[0] >= 4 && built[2] >= 1 && built[2] < built[0]); // support sees one package's production chunks
        // Nothing changed: nothing is read again.
        compareAll("nothing changed");
        QCOMPARE(built, (std::vector<int>{0, 0, 0}));

        // Changes by someone else: each refresh reads again the chunks they touched, no more.
        const qint64 active = attempt(asLogin(t.success), u"SELECT min(id) FROM licenses WHERE status = 'Active' AND id > 131072"_s).value.toLongLong();
        QVERIFY(active > 0);
        QCOMPARE(exec(*success, u"UPDATE licenses SET seats = seats + 3, expiration = CURRENT_DATE + 10 WHERE id = %1"_s.arg(active)), 1);
        compareAll("after customer success's edit");
        QCOMPARE(built[0], 1);
        QCOMPARE(exec(*ops, u"DELETE FROM licenses WHERE id = (SELECT max(id) FROM licenses)"_s), 1);
        compareAll("after a delete");
        const qint64 uninstall = attempt(asLogin(t.ops), u"SELECT min(id) FROM licenses WHERE status = 'Active' AND id > 65536"_s).value.toLongLong();
        QCOMPARE(exec(*ops, u"UPDATE licenses SET status = 'Uninstalled' WHERE id = %1"_s.arg(uninstall)), 1);
        compareAll("after an uninstall the audit log dates");
        QCOMPARE(exec(*ops, u"INSERT INTO licenses (name, package_ref, status, seats, org_id, install_date, lmo_ref) "
                            "SELECT 'L-new', package_ref, 'Trial', 5, '00D000000000NEW', CURRENT_DATE, lmo_ref FROM licenses "
                            "WHERE is_sandbox = 0 AND package_ref = (SELECT id FROM packages WHERE name = '%1') LIMIT 1"_s.arg(packages.at(0))), 1);
        compareAll("after an insert");
        if (QTest::currentTestFailed())
            return;

        // Past the copy's limit (4M licenses in the app; here what support sees, fewer than the
        // others see): those logins' copies are dropped and the server sums for them, support
        // keeps its image. Under the limit again (raised, copies forgotten): images for all.
        const qint64 supportSees = attempt(asLogin(t.support), u"SELECT count(*) FROM licenses"_s).value.toLongLong();
        QVERIFY(supportSees > 0);
        QVERIFY(attempt(asLogin(t.success), u"SELECT count(*) FROM licenses"_s).value.toLongLong() > supportSees);
        const std::uint64_t limitWas = LicenseImage::setSharedRowLimit(std::uint64_t(supportSees));
        QCOMPARE(limitWas, LicenseImage::kDefaultSharedRowLimit);
        auto restoreLimit = qScopeGuard([] { LicenseImage::setSharedRowLimit(LicenseImage::kDefaultSharedRowLimit); });
        LicenseImage::forgetShared();
        compareAll("past the copy's limit", {false, false, true});
        compareAll("past the copy's limit, again", {false, false, true});
        LicenseImage::setSharedRowLimit(LicenseImage::kDefaultSharedRowLimit);
        LicenseImage::forgetShared();
        compareAll("under the limit again");
        if (QTest::currentTestFailed())
            return;

        // The copies' images live in a file of the user's cache folder: where none can be made
        // (here a folder under a plain file), the server sums, the same figures.
        {
            QTemporaryDir scratch;
            QFile plain(scratch.filePath(u"not-a-folder"_s));
            QVERIFY(plain.open(QIODevice::WriteOnly));
            plain.close();
            const QString folderWas = LicenseImage::setSharedCacheFolder(plain.fileName() + u"/cache"_s);
            auto restoreFolder = qScopeGuard([folderWas] { LicenseImage::setSharedCacheFolder(folderWas); });
            LicenseImage::forgetShared();
            compareAll("no folder for the copies", {false, false, false});
            LicenseImage::setSharedCacheFolder(scratch.path());
            LicenseImage::forgetShared();
            compareAll("a folder for the copies");
            // Every chunk read again twice: more of each file is then stale than live, and it is
            // rewritten (with no floor) before the dashboard reads it back.
            const qint64 floorWas = LicenseImage::setSharedCompactionFloor(0);
            auto restoreFloor = qScopeGuard([floorWas] { LicenseImage::setSharedCompactionFloor(floorWas); });
            for (const char *when : {"every license touched", "every license touched again"}) {
                QVERIFY(exec(*ops, u"UPDATE licenses SET seats = seats"_s) > 100);
                compareAll(when);
                QVERIFY(built[0] > 4);
                if (QTest::currentTestFailed())
                    return;
            }
            // A file a login, private to the user, gone with the copies (on Linux an unnamed
            // one where the file system allows: then the folder shows none at all).
            const QFileInfoList files = QDir(scratch.path()).entryInfoList({u"team-image-*.bin"_s}, QDir::Files);
            QVERIFY(files.size() == 0 || files.size() == 3);
            for (const QFileInfo &f : files) {
                QVERIFY(f.size() > 0);
                QCOMPARE(f.permissions() & (QFile::ReadGroup | QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther),
                         QFile::Permissions());
            }
            LicenseImage::forgetShared();
            QCOMPARE(QDir(scratch.path()).entryList({u"team-image-*.bin"_s}, QDir::Files).size(), 0);
        }
        if (QTest::currentTestFailed())
            return;

        // The policy changes: support now sees a second package, then may not read the sandbox
        // flag (the image cannot tell its licenses apart: the server sums for it).
        policy.of(team::Role::Support).packages = {packages.at(0), packages.at(1)};
        QVERIFY(team::applyPolicy(*t.admin, policy).ok());
        compareAll("support sees two packages");
        policy.of(team::Role::Support).sandbox = true;
        policy.of(team::Role::Support).hidden = {u"is_sandbox"_s};
        QVERIFY(team::applyPolicy(*t.admin, policy).ok());
        compareAll("support may not read is_sandbox", {true, true, false});
        policy.of(team::Role::Support).hidden = {u"seats"_s};
        QVERIFY(team::applyPolicy(*t.admin, policy).ok());
        if (QTest::currentTestFailed())
            return;

        // Values the image cannot hold: those who see them are summed by the server, the others
        // keep their image. An expiration past year 9999 in support's first package, then a
        // count past 32 bits in a package support does not see, then an install date before
        // year 1.
        const QString inFirst = u"(SELECT min(id) FROM licenses WHERE is_sandbox = 0 AND package_ref = (SELECT id FROM packages WHERE name = '%1'))"_s.arg(packages.at(0));
        QCOMPARE(exec(*ops, u"UPDATE licenses SET expiration = '12000-01-01' WHERE id = %1"_s.arg(inFirst)), 1);
        compareAll("an expiration in year 12000", {false, false, false});
        QCOMPARE(exec(*ops, u"UPDATE licenses SET expiration = '2030-01-01' WHERE id = %1"_s.arg(inFirst)), 1);
        const QString inThird = u"(SELECT min(id) FROM licenses WHERE package_ref = (SELECT id FROM packages WHERE name = '%1'))"_s.arg(packages.at(2));
        QCOMPARE(exec(*ops, u"UPDATE licenses SET used_licenses = 5000000000 WHERE id = %1"_s.arg(inThird)), 1);
        compareAll("a count past 32 bits support does not see", {false, false, true});
        QCOMPARE(exec(*ops, u"UPDATE licenses SET used_licenses = 3, install_date = '0044-03-15 BC' WHERE id = %1"_s.arg(inThird)), 1);
        compareAll("an install date before year 1", {false, false, true});
        QCOMPARE(exec(*ops, u"UPDATE licenses SET install_date = '2024-03-15' WHERE id = %1"_s.arg(inThird)), 1);
        compareAll("every value fits again");
    }

    // Two people modifying the same license: the second is told that it changed since they read
    // it, by whom, and nothing of theirs is written; planned again, it goes in.
    void theSecondOfTwoEditsOfOneLicenseIsToldAndOverwritesNothing()
    {
        auto first = openAs(asLogin(m_team.success));
        auto second = openAs(asLogin(m_team.ops));
        QVERIFY(first && second);
        const qint64 id = firstLicenseWithSeats(asLogin(m_team.ops));
        auto addSeats = [](int n) {
            return [n](const License &l) {
                LicenseChange c;
                c.seats = l.seats + n;
                return c;
            };
        };
        const QDate today = QDate::currentDate();
        auto planFirst = planModification(*first, {id}, addSeats(5), today);
        auto planSecond = planModification(*second, {id}, addSeats(7), today);
        QVERIFY(planFirst && planSecond);
        QCOMPARE(planFirst->changes.size(), size_t(1));
        QVERIFY(planFirst->changes[0].version > 0);
        auto wrote = writeTerms(*first, planFirst->changes, false, u"Modify License"_s);
        QVERIFY2(wrote, qPrintable(wrote ? QString() : wrote.error().message));
        const int afterFirst = attempt(asLogin(m_team.ops), u"SELECT seats FROM licenses WHERE id = %1"_s.arg(id)).value.toInt();
        auto refused = writeTerms(*second, planSecond->changes, false, u"Modify License"_s);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, Error::Code::Conflict);
        QVERIFY2(refused.error().message.contains(m_team.success), qPrintable(refused.error().message));
        QCOMPARE(attempt(asLogin(m_team.ops), u"SELECT seats FROM licenses WHERE id = %1"_s.arg(id)).value.toInt(), afterFirst);
        // The other's change seen, theirs applied again: planned afresh, it is written.
        auto again = planModification(*second, {id}, addSeats(7), today);
        QVERIFY(again);
        QVERIFY(writeTerms(*second, again->changes, false, u"Modify License"_s));
        QCOMPARE(attempt(asLogin(m_team.ops), u"SELECT seats FROM licenses WHERE id = %1"_s.arg(id)).value.toInt(), afterFirst + 7);
        // A change made outside LMO Desk (psql) raises the version too: an edit planned before
        // it is refused.
        auto planned = planModification(*first, {id}, addSeats(1), today);
        QVERIFY(planned);
        QVERIFY(attempt(asLogin(m_team.ops), u"UPDATE licenses SET account_name = 'Renamed' WHERE id = %1"_s.arg(id)).state.isEmpty());
        auto stale = writeTerms(*first, planned->changes, false, u"Modify License"_s);
        QVERIFY(!stale);
        QCOMPARE(stale.error().code, Error::Code::Conflict);
    }

    // An edit by customer success (who may not write the org summary) keeps the summary true:
    // the database sums the org again, as LMO Desk would.
    void anEditByCustomerSuccessKeepsTheOrgSummaryTrue()
    {
        auto success = openAs(asLogin(m_team.success));
        QVERIFY(success);
        const QString ops = asLogin(m_team.ops);
        const qint64 id = firstLicenseWithSeats(ops);
        const QString org = attempt(ops, u"SELECT org_id FROM licenses WHERE id = %1"_s.arg(id)).value.toString();
        const int before = attempt(ops, u"SELECT seats FROM subscribers WHERE org_id = '%1'"_s.arg(org)).value.toInt();
        QVERIFY(before > 0); // team init built the summary the fixture left to build
        auto plan = planModification(*success, {id}, [](const License &l) {
            LicenseChange c;
            c.seats = l.seats + 3;
            return c;
        }, QDate::currentDate());
        QVERIFY(plan);
        auto wrote = writeTerms(*success, plan->changes, false, u"Modify License"_s);
        QVERIFY2(wrote, qPrintable(wrote ? QString() : wrote.error().message));
        QCOMPARE(attempt(ops, u"SELECT seats FROM subscribers WHERE org_id = '%1'"_s.arg(org)).value.toInt(), before + 3);
        // History says who: the login, through the dialog.
        QCOMPARE(attempt(ops, u"SELECT changed_by || '|' || source FROM audit_log WHERE record_ref = %1 ORDER BY id DESC LIMIT 1"_s.arg(id))
                     .value.toString(),
                 m_team.success + u"|Modify License"_s);
    }

    // Partner ops imports into the team database (COPY cannot write a table under row-level
    // security: the rows go through a temporary table), and the import's note is theirs.
    void partnerOpsImportsAndTheLogSaysWho()
    {
        QTemporaryDir dir;
        const QString csv = dir.filePath(u"team.csv"_s);
        QVERIFY(test::writeLicenseCsv(csv, 300, u"Team Package"_s));
        auto ops = openAs(asLogin(m_team.ops));
        QVERIFY(ops);
        QVERIFY(ops->access().mayImport());
        auto report = importFile(*ops, csv);
        QVERIFY2(report, qPrintable(report ? QString() : report.error().message));
        QCOMPARE(report->inserted, 300);
        QCOMPARE(attempt(asLogin(m_team.support), u"SELECT count(*) FROM licenses"_s).value.toInt(), 315);
        QCOMPARE(attempt(asLogin(m_team.ops), u"SELECT changed_by FROM audit_log WHERE record_type = 'import' ORDER BY id DESC LIMIT 1"_s)
                     .value.toString(),
                 m_team.ops);
        // Support may not import.
        auto support = openAs(asLogin(m_team.support));
        QVERIFY(support && !support->access().mayImport());
        auto refused = importFile(*support, csv);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(u"only partner ops"_s), qPrintable(refused.error().message));
        QCOMPARE(attempt(asLogin(m_team.ops), u"SELECT count(*) FROM licenses"_s).value.toInt(), 315);
    }

    // The live sync goes through the team's policy: partner ops syncs (every change audited as
    // theirs, a removal by the server's own trigger too), support is refused before a request.
    void partnerOpsSyncsAndSupportMayNot()
    {
        Team team;
        QVERIFY(makeTeam(team));
        test::FakeSalesforce sf;
        QString why;
        QVERIFY2(sf.start(&why), qPrintable(why));
        sf.setNow(QDateTime::currentDateTimeUtc());
        const QStringList ids = sf.seed(2, 40);
        auto sync = [&](Database &db) {
            sf::FixedTokenSource tokens(QUrl(sf.url()), sf.validAccessToken(), u"the test"_s);
            sf::Client client(tokens);
            SyncOptions options;
            options.bulkPollMs = 10;
            return syncFromOrg(db, client, options);
        };
        auto support = openAs(asLogin(team.support));
        QVERIFY(support);
        const qint64 before = sf.requests();
        auto refused = sync(*support);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(u"partner ops"_s), qPrintable(refused.error().message));
        QCOMPARE(sf.requests(), before); // refused before anything was asked of the org
        QCOMPARE(attempt(asLogin(team.ops), u"SELECT count(*) FROM licenses"_s).value.toInt(), 15);

        auto ops = openAs(asLogin(team.ops));
        QVERIFY(ops);
        auto first = sync(*ops);
        QVERIFY2(first && first->complete, qPrintable(first ? first->stopped : first.error().message));
        // The fake org's ids include the fixture's 15: those are updated, 25 are new.
        QVERIFY2(first->objects.back().updated == 15 && first->objects.back().inserted == 25, qPrintable(first->summary()));
        QCOMPARE(attempt(asLogin(team.support), u"SELECT count(*) FROM licenses"_s).value.toInt(), 40);
        QCOMPARE(attempt(asLogin(team.ops), u"SELECT count(DISTINCT changed_by) FROM audit_log WHERE source LIKE 'sync from %'"_s)
                     .value.toInt(),
                 1);
        QCOMPARE(attempt(asLogin(team.ops), u"SELECT min(changed_by) FROM audit_log WHERE source LIKE 'sync from %'"_s).value.toString(),
                 team.ops);
        // A license deleted in the org is removed, and the server's trigger logs it, as ops.
        sf.setNow(sf.now().addSecs(60));
        QVERIFY(sf.remove(u"sfLma__License__c"_s, ids[5]));
        auto second = sync(*ops);
        QVERIFY2(second && second->complete, qPrintable(second ? second->stopped : second.error().message));
        QCOMPARE(attempt(asLogin(team.ops), u"SELECT count(*) FROM licenses WHERE sf_id = '%1'"_s.arg(ids[5])).value.toInt(), 0);
        const Attempt logged = attempt(asLogin(team.ops), u"SELECT count(*), min(changed_by) FROM audit_log WHERE record_sf_id = '%1' "
                                                          "AND field = 'Deleted'"_s.arg(ids[5]));
        QVERIFY2(logged.value.toInt() >= 1, qPrintable(logged.state));
        QCOMPARE(attempt(asLogin(team.ops), u"SELECT min(changed_by) FROM audit_log WHERE record_sf_id = '%1'"_s.arg(ids[5])).value.toString(),
                 team.ops);
        // Support reads what was synced, and when.
        auto last = lastSync(support->connection());
        QVERIFY2(last && last.value(), last ? "no sync recorded" : qPrintable(last.error().message));
        QVERIFY(last.value()->statusLine().startsWith(u"Synced "_s));
    }

    // A change anyone makes is announced to every other client: the ids, never the data; a
    // client does not hear its own.
    void otherPeoplesChangesAreAnnounced()
    {
        auto support = openAs(asLogin(m_team.support));
        QVERIFY(support);
        auto feed = support->storage().listenForChanges(support->connectionSpec(), u"tst-team-feed"_s);
        QVERIFY2(feed, qPrintable(feed ? QString() : feed.error().message));
        QVERIFY(feed.value());
        const qint64 id = firstLicenseWithSeats(asLogin(m_team.ops));
        // This process's own change (a connection LMO Desk set up): not heard here.
        auto ops = openAs(asLogin(m_team.ops));
        QVERIFY(ops);
        QSqlQuery own(ops->connection());
        QVERIFY(own.exec(u"UPDATE licenses SET org_edition = 'Own' WHERE id = %1"_s.arg(id)));
        // Someone else's (another program's connection): heard, with their login and the id.
        QVERIFY(attempt(asLogin(m_team.success), u"UPDATE licenses SET seats = seats + 1 WHERE id = %1"_s.arg(id)).state.isEmpty());
        // What the feed hears within 30 s, from the first notice on.
        auto hear = [&](std::vector<ChangeNotice> &heard) {
            for (int i = 0; i < 120 && heard.empty(); ++i) {
                auto got = feed.value()->wait(250);
                if (!got) {
                    qWarning("%s", qPrintable(got.error().message));
                    return false;
                }
                heard.insert(heard.end(), got->begin(), got->end());
            }
            return true;
        };
        std::vector<ChangeNotice> heard;
        QVERIFY(hear(heard));
        QCOMPARE(int(heard.size()), 1);
        QCOMPARE(heard[0].table, u"licenses"_s);
        QCOMPARE(heard[0].login, m_team.success);
        QCOMPARE(heard[0].ids, QList<qint64>{id});
        // A package's change too (its name is what a search or the Package sort goes by).
        const Attempt package = attempt(asLogin(m_team.ops), u"UPDATE packages SET name = name WHERE id = (SELECT min(id) FROM packages) "
                                                             "RETURNING id"_s);
        QVERIFY2(package.state.isEmpty(), qPrintable(package.state));
        heard.clear();
        QVERIFY(hear(heard));
        QCOMPARE(int(heard.size()), 1);
        QCOMPARE(heard[0].table, u"packages"_s);
        QCOMPARE(heard[0].login, m_team.ops);
        QCOMPARE(heard[0].ids, QList<qint64>{package.value.toLongLong()});
        // An open window's document hears it, and tells its pages who changed what.
        Document document;
        document.adopt(openAs(asLogin(m_team.support)));
        QSignalSpy changed(&document, &Document::licensesChanged);
        // The document's listener connects on a thread of its own: a change made before it
        // listens is not heard, so a change is made again each second until one is.
        for (int i = 0; i < 120 && changed.isEmpty(); ++i) {
            QVERIFY(attempt(asLogin(m_team.success), u"UPDATE licenses SET seats = seats + 1 WHERE id = %1"_s.arg(id)).state.isEmpty());
            (void)QTest::qWaitFor([&] { return !changed.isEmpty(); }, 1000);
        }
        QVERIFY(!changed.isEmpty());
        QCOMPARE(changed.at(0).at(0).value<ContentChange>(), ContentChange::Others);
        QCOMPARE(changed.at(0).at(1).toString(), m_team.success);
    }

    // Saved views kept in the team database: one's own, and those shared with one's role; only
    // the one who saved a view changes or deletes it.
    void savedViewsAreSharedWithARole()
    {
        auto ops = openAs(asLogin(m_team.ops));
        auto support = openAs(asLogin(m_team.support));
        auto success = openAs(asLogin(m_team.success));
        QVERIFY(ops && support && success);
        const QJsonObject definition{{u"name"_s, u"Expiring"_s}, {u"sort"_s, u"expiration"_s}};
        QVERIFY(team::saveView(ops->connection(), u"Expiring"_s, definition, {team::Role::Support}));
        QVERIFY(team::saveView(ops->connection(), u"Mine"_s, definition, {}));
        auto seen = team::views(support->connection());
        QVERIFY2(seen, qPrintable(seen ? QString() : seen.error().message));
        QCOMPARE(int(seen->size()), 1);
        QCOMPARE(seen->front().name, u"Expiring"_s);
        QCOMPARE(seen->front().owner, m_team.ops);
        QVERIFY(!seen->front().mine);
        QCOMPARE(seen->front().definition.value(u"sort"_s).toString(), u"expiration"_s);
        QCOMPARE(int(team::views(success->connection())->size()), 0);
        QCOMPARE(int(team::views(ops->connection())->size()), 2);
        // Support may not delete, change or forge ops' views.
        QCOMPARE(team::removeView(support->connection(), u"Expiring"_s).value(), false);
        QCOMPARE(attempt(asLogin(m_team.support), u"DELETE FROM team_views"_s).rows, 0);
        QCOMPARE(attempt(asLogin(m_team.support), u"UPDATE team_views SET shared_with = '{support,customer_success}'"_s).rows, 0);
        QCOMPARE(attempt(asLogin(m_team.support), u"INSERT INTO team_views (name, owner, definition) VALUES ('x', '%1', '{}')"_s.arg(m_team.ops))
                     .state,
                 u"42501"_s);
        QCOMPARE(int(team::views(support->connection())->size()), 1);
        // Saving again under the same name replaces one's own.
        QVERIFY(team::saveView(ops->connection(), u"Expiring"_s, definition, {team::Role::Support, team::Role::CustomerSuccess}));
        QCOMPARE(int(team::views(success->connection())->size()), 1);
        QCOMPARE(team::removeView(ops->connection(), u"Expiring"_s).value(), true);
        QCOMPARE(int(team::views(support->connection())->size()), 0);
    }

    // Step 4 of the LMO setup wizard on a team database: the policy its answers make, and an
    // apply that changes nothing when it is the one in force; support is told it may not apply.
    void theWizardShowsAndAppliesThePolicyItsAnswersMake()
    {
        auto ops = openAs(asLogin(m_team.ops));
        QVERIFY(ops);
        LmoWizard wizard(*ops, false);
        QTRY_VERIFY_WITH_TIMEOUT(wizard.isLoaded(), 30000);
        auto *page = wizard.findChild<AccessPage *>();
        QVERIFY(page && page->enforcedTable());
        QCOMPARE(page->enforcedTable()->rowCount(), 3);
        QVERIFY(page->enforcedTable()->item(2, 1)->text().contains(u"without Seats"_s));
        QCOMPARE(page->enforcedTable()->item(1, 2)->text(), u"Seats, Expiration"_s);
        auto *apply = page->findChild<QPushButton *>(u"applyPolicy"_s);
        QVERIFY(apply && apply->isEnabled());
        QSignalSpy applied(page, &AccessPage::applied);
        apply->click();
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() == 1, 30000);
        QCOMPARE(applied.at(0).at(1).toString(), QString());
        QCOMPARE(applied.at(0).at(0).toBool(), false); // the default policy was in force already
        // Customer success read-only in the answers: applied, the server refuses their edits.
        page->setAccess(1, Access::Read, Access::Read);
        QCOMPARE(page->enforcedTable()->item(1, 2)->text(), u"nothing"_s);
        apply->click();
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() == 2, 30000);
        QVERIFY(applied.at(1).at(0).toBool());
        const qint64 id = firstLicenseWithSeats(asLogin(m_team.ops));
        QCOMPARE(attempt(asLogin(m_team.success), u"UPDATE licenses SET seats = 5 WHERE id = %1"_s.arg(id)).state, u"42501"_s);
        QVERIFY(team::applyPolicy(*m_team.admin, team::AccessPolicy::defaults()));
        if (const QByteArray shot = qgetenv("LMODESK_TEST_SHOTS"); !shot.isEmpty()) {
            page->setAccess(1, Access::Edit, Access::Read);
            wizard.setStartId(LmoWizard::PermissionsPage);
            wizard.restart();
            wizard.show();
            QTest::qWait(300);
            wizard.grab().save(QString::fromLocal8Bit(shot) + u"/wizard-step4.png"_s);
        }
        auto support = openAs(asLogin(m_team.support));
        QVERIFY(support);
        LmoWizard readOnly(*support, false);
        QTRY_VERIFY_WITH_TIMEOUT(readOnly.isLoaded(), 30000);
        auto *supportApply = readOnly.findChild<AccessPage *>()->findChild<QPushButton *>(u"applyPolicy"_s);
        QVERIFY(supportApply && !supportApply->isEnabled());
        QVERIFY(supportApply->toolTip().contains(u"Only partner ops"_s));
    }

    // The Access page: what this login may do, the people; partner ops add someone there.
    void theAccessPageListsThePeopleAndLetsPartnerOpsAddOne()
    {
        Document document;
        document.adopt(openAs(asLogin(m_team.ops)));
        TeamAccessPage page;
        page.setDocument(&document);
        page.setDatabase(document.database());
        QTRY_VERIFY_WITH_TIMEOUT(page.people().contains(m_team.support + u" Support"_s), 30000);
        QVERIFY(page.mayChange());
        QVERIFY(page.findChild<QLabel *>(u"accessYou"_s)->text().contains(u"Partner ops"_s));
        const QString newcomer = unique("new");
        QSignalSpy done(&page, &TeamAccessPage::changeDone);
        page.addPerson(newcomer, team::Role::CustomerSuccess, u"pw-of-the-newcomer"_s);
        QTRY_VERIFY_WITH_TIMEOUT(done.count() == 1, 30000);
        QCOMPARE(done.at(0).at(0).toString(), QString());
        QTRY_VERIFY_WITH_TIMEOUT(page.people().contains(newcomer + u" Customer success"_s), 30000);
        // Sandboxes kept from support, from the page: the server then hides them.
        page.limitRole(team::Role::Support, false, {});
        QTRY_VERIFY_WITH_TIMEOUT(done.count() == 2, 30000);
        QCOMPARE(done.at(1).at(0).toString(), QString());
        QCOMPARE(attempt(asLogin(m_team.support), u"SELECT count(*) FROM licenses WHERE is_sandbox = 1"_s).value.toInt(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(page.findChild<QTableWidget *>(u"policyTable"_s)->item(2, 3)->text() == u"no sandbox licenses"_s, 30000);
        QVERIFY(team::applyPolicy(*m_team.admin, team::AccessPolicy::defaults()));
        if (const QByteArray shot = qgetenv("LMODESK_TEST_SHOTS"); !shot.isEmpty()) {
            page.resize(1100, 700);
            page.grab().save(QString::fromLocal8Bit(shot) + u"/access-page.png"_s);
        }
        // Support reads it, and may not change it.
        Document other;
        other.adopt(openAs(asLogin(m_team.support)));
        TeamAccessPage readOnly;
        readOnly.setDocument(&other);
        readOnly.setDatabase(other.database());
        QVERIFY(!readOnly.mayChange());
        QVERIFY(!readOnly.findChild<QPushButton *>(u"addPerson"_s)->isEnabled());
        QVERIFY(readOnly.findChild<QPushButton *>(u"addPerson"_s)->toolTip().contains(u"Only partner ops"_s));
    }

    // Another person's change reaches a second client's list: its model, refreshed as the page
    // refreshes it when the document announces the change, shows the new seats.
    void anotherPersonsChangeReachesASecondClientsList()
    {
        Document document;
        document.adopt(openAs(asLogin(m_team.success)));
        QVERIFY(document.isOpen());
        LicenseTableModel model;
        LicenseQuery query;
        model.setQuery(query);
        model.setDatabase(document.database());
        connect(&document, &Document::licensesChanged, &model, [&model] { model.refresh(); });
        const qint64 id = firstLicenseWithSeats(asLogin(m_team.ops));
        QTRY_VERIFY_WITH_TIMEOUT(model.rowOfLicense(id) >= 0, 30000);
        auto seats = [&] {
            const int row = model.rowOfLicense(id);
            return row < 0 ? QString() : model.data(model.index(row, int(LicenseColumn::Seats))).toString();
        };
        QTRY_VERIFY_WITH_TIMEOUT(!seats().isEmpty() && seats() != u"…"_s, 30000);
        const int now = attempt(asLogin(m_team.ops), u"SELECT seats FROM licenses WHERE id = %1"_s.arg(id)).value.toInt();
        QCOMPARE(seats(), QLocale().toString(now));
        // Partner ops raise it from psql (another program): the list shows the new figure.
        bool shown = false;
        for (int i = 1; i <= 60 && !shown; ++i) {
            QVERIFY(attempt(asLogin(m_team.ops), u"UPDATE licenses SET seats = %1 WHERE id = %2"_s.arg(now + 100 * i).arg(id)).state.isEmpty());
            shown = QTest::qWaitFor([&] { return seats() == QLocale().toString(now + 100 * i); }, 1000);
        }
        QVERIFY(shown);
    }

    // A superuser sees everything, whatever the policy says: the app says so.
    void aSuperuserIsWarned()
    {
        const QString uri = test::schemaUri(asLogin(u"postgres"_s), m_team.schema);
        auto opened = Database::open(uri, Database::OpenOptions());
        QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
        QVERIFY(opened.value()->access().superuser);
        QVERIFY(opened.value()->access().warning().contains(u"this login sees everything, whatever the policy says"_s));
        // And team add-user refuses to put one in a role.
        auto refused = team::putUser(*m_team.admin, u"postgres"_s, team::Role::Support, false);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(u"superuser"_s), qPrintable(refused.error().message));
    }

    // The command line, as the README tells a database owner to use it.
    void theTeamCommandsSayWhatTheyDid()
    {
        QProcess p;
        p.start(QStringLiteral(LMODESK_BINARY), {u"team"_s, u"users"_s, u"--db"_s, m_team.adminUri});
        QVERIFY(p.waitForFinished(60000));
        const QString users = QString::fromUtf8(p.readAllStandardOutput());
        QCOMPARE(p.exitCode(), 0);
        QVERIFY2(users.contains(m_team.support) && users.contains(u"Support"_s), qPrintable(users));
        QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains(u"sees everything"_s));
        p.start(QStringLiteral(LMODESK_BINARY), {u"team"_s, u"policy"_s, u"show"_s, u"--sql"_s, u"--db"_s, asLogin(m_team.ops)});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        QVERIFY(QString::fromUtf8(p.readAllStandardOutput()).contains(u"FORCE ROW LEVEL SECURITY"_s));
        p.start(QStringLiteral(LMODESK_BINARY), {u"team"_s, u"add-user"_s, unique("x"), u"--role"_s, u"support"_s, u"--db"_s,
                                                 asLogin(m_team.success)});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2); // refused
        QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains(u"only partner ops"_s));
        p.start(QStringLiteral(LMODESK_BINARY), {u"team"_s, u"add-user"_s, unique("x"), u"--role"_s, u"boss"_s, u"--db"_s, m_team.adminUri});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2);
    }

private:
    Team m_team;
};

QTEST_MAIN(TstTeam)
#include "tst_team.moc"
