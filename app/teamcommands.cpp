// lmodesk team: set up a team database, its people and who sees what (storage/team.h).
#include "cliutil.h"
#include "subcommands.h"

#include "storage/database.h"
#include "storage/team.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <iostream>
#include <string>

namespace lmo::cli {

namespace {

const QString kUsage = QStringLiteral(
    "usage: lmodesk team init --db URI\n"
    "       lmodesk team add-user LOGIN --role partner-ops|customer-success|support [--password-stdin] --db URI\n"
    "       lmodesk team set-role LOGIN --role ROLE --db URI\n"
    "       lmodesk team remove-user LOGIN --db URI\n"
    "       lmodesk team users [--json] --db URI\n"
    "       lmodesk team whoami --db URI\n"
    "       lmodesk team policy show [--sql] [--json] --db URI\n"
    "       lmodesk team policy apply [--file POLICY.json | --defaults] --db URI");

void warnIfUnbound(const Database &database)
{
    if (const QString w = database.access().warning(); !w.isEmpty())
        err() << QStringLiteral("Warning: %1.\n").arg(w);
}

QJsonObject userJson(const team::TeamUser &u)
{
    QJsonObject o;
    o.insert(QStringLiteral("login"), u.login);
    o.insert(QStringLiteral("role"), team::roleOption(u.role));
    o.insert(QStringLiteral("superuser"), u.superuser);
    o.insert(QStringLiteral("bypassrls"), u.bypassRls);
    o.insert(QStringLiteral("can_login"), u.canLogin);
    return o;
}

} // namespace

int runTeam(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "lmodesk team: who sees what on a team database. PostgreSQL enforces it: row-level security and column "
        "privileges per role (partner ops, customer success, support), an audit log written by the database.\n")
                                     + kUsage);
    parser.addOption(dbOption());
    const QCommandLineOption roleOpt(QStringLiteral("role"), QStringLiteral("partner-ops, customer-success or support."),
                                     QStringLiteral("ROLE"));
    const QCommandLineOption passwordOpt(QStringLiteral("password-stdin"),
                                         QStringLiteral("add-user: read the new login's password from the first line of "
                                                        "standard input (sent to the server only as a SCRAM verifier)."));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print JSON (users, policy show)."));
    const QCommandLineOption sqlOpt(QStringLiteral("sql"), QStringLiteral("policy show: the SQL that makes the policy true."));
    const QCommandLineOption fileOpt(QStringLiteral("file"), QStringLiteral("policy apply: the policy, as policy show --json prints it."),
                                     QStringLiteral("FILE"));
    const QCommandLineOption defaultsOpt(QStringLiteral("defaults"), QStringLiteral("policy apply: the default policy."));
    parser.addOptions({roleOpt, passwordOpt, jsonOpt, sqlOpt, fileOpt, defaultsOpt});
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("init, add-user, set-role, remove-user, users, whoami, policy"));
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("team"), &code, 2))
        return code;
    const QStringList words = parser.positionalArguments();
    const QString command = words.value(0);
    const QStringList known = {QStringLiteral("init"),   QStringLiteral("add-user"), QStringLiteral("set-role"),
                               QStringLiteral("remove-user"), QStringLiteral("users"), QStringLiteral("whoami"),
                               QStringLiteral("policy")};
    if (!known.contains(command))
        return fail(kUsage, 2);
    const bool needsLogin = command == QLatin1String("add-user") || command == QLatin1String("set-role")
                            || command == QLatin1String("remove-user");
    if (needsLogin && words.size() != 2)
        return fail(QStringLiteral("say which login: lmodesk team %1 LOGIN ...\n%2").arg(command, kUsage), 2);
    std::optional<team::Role> role;
    if (command == QLatin1String("add-user") || command == QLatin1String("set-role")) {
        if (!parser.isSet(roleOpt))
            return fail(QStringLiteral("--role is required: partner-ops, customer-success or support"), 2);
        role = team::roleFromText(parser.value(roleOpt));
        if (!role)
            return fail(QStringLiteral("--role \"%1\" is none of partner-ops, customer-success, support").arg(parser.value(roleOpt)), 2);
    }
    if (command == QLatin1String("policy")
        && (words.size() != 2 || (words[1] != QLatin1String("show") && words[1] != QLatin1String("apply"))))
        return fail(QStringLiteral("lmodesk team policy show|apply ...\n%1").arg(kUsage), 2);
    if (!parser.isSet(dbOption()) && qEnvironmentVariableIsEmpty("LMODESK_DB"))
        return fail(QStringLiteral("say which team database: --db postgresql://LOGIN@HOST/DATABASE (or set LMODESK_DB)"), 2);

    std::optional<team::AccessPolicy> toApply;
    if (command == QLatin1String("policy") && words[1] == QLatin1String("apply")) {
        if (parser.isSet(fileOpt)) {
            QFile f(parser.value(fileOpt));
            if (!f.open(QIODevice::ReadOnly))
                return fail(QStringLiteral("%1: %2").arg(parser.value(fileOpt), f.errorString()), 2);
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
            if (doc.isNull() || !doc.isObject())
                return fail(QStringLiteral("%1 is not a policy (JSON, as \"team policy show --json\" prints): %2 at byte %3")
                                .arg(parser.value(fileOpt), error.errorString())
                                .arg(error.offset),
                            2);
            auto read = team::AccessPolicy::fromJson(doc.object());
            if (!read)
                return fail(QStringLiteral("%1: %2").arg(parser.value(fileOpt), read.error().message), 2);
            toApply = read.value();
        } else if (parser.isSet(defaultsOpt)) {
            toApply = team::AccessPolicy::defaults();
        } else {
            return fail(QStringLiteral("policy apply: give --file POLICY.json or --defaults"), 2);
        }
    }
    QString password;
    if (parser.isSet(passwordOpt)) {
        std::string line;
        std::getline(std::cin, line);
        password = QString::fromStdString(line);
        if (password.isEmpty())
            return fail(QStringLiteral("--password-stdin: standard input held no password"), 2);
    }

    auto opened = Database::open(Database::resolvePath(parser.value(dbOption())), Database::OpenOptions());
    if (!opened)
        return failWith(opened.error());
    Database &database = *opened.value();
    if (command != QLatin1String("whoami"))
        warnIfUnbound(database);

    if (command == QLatin1String("init")) {
        auto done = team::init(database);
        if (!done)
            return failWith(done.error());
        for (const QString &line : done.value())
            out() << line << '\n';
        return 0;
    }
    if (command == QLatin1String("whoami")) {
        out() << database.access().summary() << '\n';
        return 0;
    }
    if (command == QLatin1String("users")) {
        auto people = team::users(database);
        if (!people)
            return failWith(people.error());
        if (parser.isSet(jsonOpt)) {
            QJsonArray all;
            for (const team::TeamUser &u : people.value())
                all.append(userJson(u));
            out() << QJsonDocument(all).toJson(QJsonDocument::Indented);
            return 0;
        }
        if (people->empty())
            out() << "Nobody is in the team yet: lmodesk team add-user LOGIN --role ROLE.\n";
        for (const team::TeamUser &u : people.value()) {
            QString note;
            if (u.superuser || u.bypassRls)
                note = QStringLiteral("  (sees everything, whatever the policy says)");
            else if (!u.canLogin)
                note = QStringLiteral("  (cannot log in)");
            out() << QStringLiteral("%1  %2%3\n").arg(u.login, -24).arg(team::roleName(u.role), note);
        }
        return 0;
    }
    if (command == QLatin1String("add-user") || command == QLatin1String("set-role")) {
        const bool create = command == QLatin1String("add-user");
        auto done = team::putUser(database, words[1], *role, create, password);
        if (!done)
            return failWith(done.error());
        out() << QStringLiteral("%1 %2: now in %3 (%4).\n")
                     .arg(done.value() == QLatin1String("created") ? QStringLiteral("Created") : QStringLiteral("Updated"),
                          words[1], team::roleName(*role), team::groupName(*role));
        return 0;
    }
    if (command == QLatin1String("remove-user")) {
        auto removed = team::removeUser(database, words[1]);
        if (!removed)
            return failWith(removed.error());
        out() << (removed.value() ? QStringLiteral("%1 is in no role now: it sees nothing.\n")
                                  : QStringLiteral("%1 was in no role; nothing changed.\n"))
                     .arg(words[1]);
        return 0;
    }
    // policy
    if (toApply) {
        auto changed = team::applyPolicy(database, *toApply);
        if (!changed)
            return failWith(changed.error());
        out() << (changed.value() ? QStringLiteral("Applied the policy:\n") : QStringLiteral("The policy was already in force; nothing changed:\n"));
        for (const QString &line : toApply->describe())
            out() << "  " << line << '\n';
        return 0;
    }
    auto policy = team::currentPolicy(database);
    if (!policy)
        return failWith(policy.error());
    if (parser.isSet(jsonOpt)) {
        out() << QJsonDocument(policy->toJson()).toJson(QJsonDocument::Indented);
        return 0;
    }
    if (parser.isSet(sqlOpt)) {
        auto sql = team::policySql(database, policy.value());
        if (!sql)
            return failWith(sql.error());
        for (const QString &statement : sql.value())
            out() << statement << '\n';
        return 0;
    }
    for (const QString &line : policy->describe())
        out() << line << '\n';
    return 0;
}

} // namespace lmo::cli
