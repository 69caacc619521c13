// lmodesk billing import, lmodesk reconcile.
#include "cliutil.h"
#include "subcommands.h"

#include "billing/billingimport.h"
#include "billing/links.h"
#include "storage/auditlog.h"
#include "billing/reconcile.h"
#include "import/importer.h"

#include <QJsonDocument>

namespace lmo::cli {

namespace {

// "FIELD=COLUMN" or "WORD=STATE": the two halves, the first trimmed; nothing when there is no "=".
std::optional<std::pair<QString, QString>> splitPair(const QString &text)
{
    const qsizetype eq = text.indexOf(QLatin1Char('='));
    if (eq <= 0)
        return std::nullopt;
    return std::pair{text.left(eq).trimmed(), text.mid(eq + 1).trimmed()};
}

QString fieldKeys()
{
    QStringList keys;
    for (int f = 0; f < billing::kFieldCount; ++f)
        keys << billing::fieldKey(billing::Field(f));
    return keys.join(QStringLiteral(", "));
}

int runBillingImport(const QCommandLineParser &parser, const QCommandLineOption &sourceOpt, const QCommandLineOption &formatOpt,
                     const QCommandLineOption &mapOpt, const QCommandLineOption &statusOpt, const QCommandLineOption &strictOpt)
{
    const QStringList files = parser.positionalArguments().mid(1);
    if (files.isEmpty())
        return fail(QStringLiteral("no file to import (usage: lmodesk billing import [--db PATH] [--source NAME] FILE...)"), 2);
    billing::BillingImportOptions options;
    options.source = parser.value(sourceOpt);
    options.strict = parser.isSet(strictOpt);
    if (parser.isSet(formatOpt)) {
        options.format = billing::formatFromName(parser.value(formatOpt));
        if (!options.format)
            return fail(QStringLiteral("--format \"%1\" is not stripe, chargebee or table.").arg(parser.value(formatOpt)), 2);
    }
    for (const QString &m : parser.values(mapOpt)) {
        const auto pair = splitPair(m);
        const auto field = pair ? billing::fieldFromKey(pair->first) : std::nullopt;
        if (!field || pair->second.isEmpty())
            return fail(QStringLiteral("--map \"%1\" is not FIELD=COLUMN with FIELD one of %2.").arg(m, fieldKeys()), 2);
        options.extra.columns.insert(billing::fieldKey(*field), pair->second);
    }
    for (const QString &s : parser.values(statusOpt)) {
        const auto pair = splitPair(s);
        const auto state = pair ? billing::statusFromName(pair->second) : std::nullopt;
        if (!state)
            return fail(QStringLiteral("--status \"%1\" is not WORD=STATE with STATE one of trialing, active, past_due, canceled, "
                                       "paused.")
                            .arg(s),
                        2);
        options.extra.statusWords.insert(billing::foldedWord(pair->first), billing::statusName(*state));
    }

    Database::OpenOptions openOptions;
    openOptions.create = true;
    auto database = Database::open(Database::resolvePath(parser.value(dbOption())), openOptions);
    if (!database)
        return failWith(database.error());
    int worst = 0;
    for (const QString &file : files) {
        auto report = billing::importBillingFile(*database.value(), file, options);
        if (!report) {
            err() << "lmodesk: " << report.error().message << Qt::endl;
            worst = worseExitCode(worst, ImportReport::exitCodeOf(report.error()));
            continue;
        }
        out() << report->summary();
        out().flush();
        worst = worseExitCode(worst, report->exitCode());
    }
    return worst;
}

// The source a command means: --source, else the database's only one.
Result<QString> sourceFor(Database &database, const QString &given)
{
    if (!given.trimmed().isEmpty())
        return given.trimmed();
    auto sources = billing::billingSources(database.connection());
    if (!sources)
        return sources.error();
    const QStringList &names = sources.value();
    if (names.size() == 1)
        return names.front();
    return Error::make(Error::Code::Usage, names.isEmpty() ? QStringLiteral("no billing source is imported yet: run lmodesk billing import first.")
                                                           : QStringLiteral("say which billing source with --source (this database has %1).")
                                                                 .arg(names.join(QStringLiteral(", "))));
}

// billing links [--propose] | link SUB ORG | unlink SUB | plans | plan PLAN PACKAGE | plan --remove PLAN
int runBillingLinks(const QCommandLineParser &parser, const QCommandLineOption &sourceOpt, const QCommandLineOption &proposeOpt,
                    const QCommandLineOption &removeOpt)
{
    const QStringList args = parser.positionalArguments();
    const QString verb = args.value(0);
    const bool reads = verb == QLatin1String("links") || verb == QLatin1String("plans");
    Result<std::unique_ptr<Database>> database = reads ? openToRead(parser, QStringLiteral("billing ") + verb)
                                                       : Database::open(Database::resolvePath(parser.value(dbOption())), Database::OpenOptions{});
    if (!database)
        return failWith(database.error());
    QSqlDatabase db = database.value()->connection();
    if (verb == QLatin1String("links")) {
        if (parser.isSet(proposeOpt)) {
            auto proposals = billing::proposeLinks(db);
            if (!proposals)
                return failWith(proposals.error());
            if (proposals->empty())
                out() << "No subscription linked to no org has a likely org.\n";
            for (const billing::LinkProposal &p : proposals.value())
                out() << QStringLiteral("%1 %2 (%3) -> org %4 (%5): %6\n")
                             .arg(p.source, p.subscriptionId, p.customerName.isEmpty() ? p.customerEmail : p.customerName, p.orgId,
                                  p.accountName, p.reason);
            return 0;
        }
        auto links = billing::keptLinks(db);
        if (!links)
            return failWith(links.error());
        if (links->empty())
            out() << "No subscription is linked by hand yet (lmodesk billing links --propose lists likely ones).\n";
        for (const billing::KeptLink &k : links.value())
            out() << QStringLiteral("%1 %2 -> org %3 (%4, by %5 on %6)\n")
                         .arg(k.source, k.subscriptionId, k.orgId, k.matchedBy.isEmpty() ? QStringLiteral("manual") : k.matchedBy,
                              k.linkedBy, k.linkedAt.left(10));
        return 0;
    }
    if (verb == QLatin1String("plans")) {
        auto plans = billing::planPackages(db);
        if (!plans)
            return failWith(plans.error());
        if (plans->empty())
            out() << "No plan is mapped to a package: each plan's package is found by its name.\n";
        for (const billing::PlanPackage &p : plans.value())
            out() << QStringLiteral("%1 plan \"%2\" pays for %3\n").arg(p.source, p.plan, p.package);
        return 0;
    }
    auto source = sourceFor(*database.value(), parser.value(sourceOpt));
    if (!source)
        return failWith(source.error());
    const QString who = AuditLog::currentUser();
    // What was given is wrong (no such subscription, org or package): bad input, exit 2.
    auto refused = [](const Error &e) { return e.code == Error::Code::Invalid ? fail(e.message, 2) : failWith(e); };
    if (verb == QLatin1String("link")) {
        if (args.size() != 3)
            return fail(QStringLiteral("usage: lmodesk billing link [--db PATH] [--source NAME] SUBSCRIPTION ORG_ID"), 2);
        if (auto r = billing::confirmLink(db, *source, args[1], args[2], QStringLiteral("manual"), who); !r)
            return refused(r.error());
        out() << QStringLiteral("%1 %2 is linked to org %3.\n").arg(*source, args[1], *billing::orgId15(args[2].trimmed()));
        return 0;
    }
    if (verb == QLatin1String("unlink")) {
        if (args.size() != 2)
            return fail(QStringLiteral("usage: lmodesk billing unlink [--db PATH] [--source NAME] SUBSCRIPTION"), 2);
        if (auto r = billing::removeLink(db, *source, args[1]); !r)
            return refused(r.error());
        out() << QStringLiteral("%1 %2 is linked to no org by hand.\n").arg(*source, args[1]);
        return 0;
    }
    // plan
    if (parser.isSet(removeOpt)) {
        if (args.size() != 2)
            return fail(QStringLiteral("usage: lmodesk billing plan [--db PATH] [--source NAME] --remove PLAN"), 2);
        if (auto r = billing::removePlanPackage(db, *source, args[1]); !r)
            return refused(r.error());
        out() << QStringLiteral("%1 plan \"%2\": its package is found by its name again.\n").arg(*source, args[1]);
        return 0;
    }
    if (args.size() != 3)
        return fail(QStringLiteral("usage: lmodesk billing plan [--db PATH] [--source NAME] PLAN PACKAGE"), 2);
    auto set = billing::setPlanPackage(db, *source, args[1], args[2], who);
    if (!set)
        return refused(set.error());
    out() << QStringLiteral("%1 plan \"%2\" pays for %3.\n").arg(*source, set->plan, set->package);
    return 0;
}

} // namespace

int runBilling(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "lmodesk billing import: read a billing system's export of subscriptions (a Stripe Dashboard export, a "
        "Chargebee export, or any other table through --map) and keep its subscriptions under their source, by "
        "their id: a later export of the same source updates them. Status words map onto trialing, active, "
        "past_due, canceled and paused. A column of org ids (00D..., 15 or 18 characters) links each subscription "
        "to its subscriber org, recognised by its values where no column is named for it. The mapping (--map, "
        "--status) is kept per source, so the next file of that source needs none.\n"
        "billing links lists the links kept (--propose: the likely org of each subscription linked to none, by its "
        "customer's name or email domain); billing link SUBSCRIPTION ORG_ID keeps one, billing unlink takes it back. "
        "billing plan PLAN PACKAGE says which package a plan pays for (billing plans lists them).\n"
        "Exit codes: 0 every row imported, 3 some rows rejected (the rest imported), 2 nothing imported (bad input), "
        "1 failed while working (nothing of that file was imported)."));
    parser.addOption(dbOption());
    const QCommandLineOption sourceOpt(QStringLiteral("source"),
                                       QStringLiteral("The billing source's name (default: stripe or chargebee, from the file)."),
                                       QStringLiteral("NAME"));
    const QCommandLineOption formatOpt(QStringLiteral("format"), QStringLiteral("Read the file as stripe, chargebee or table."),
                                       QStringLiteral("FORMAT"));
    const QCommandLineOption mapOpt(QStringLiteral("map"),
                                    QStringLiteral("The column holding a field: FIELD=COLUMN (repeatable; fields: %1).").arg(fieldKeys()),
                                    QStringLiteral("FIELD=COLUMN"));
    const QCommandLineOption statusOpt(QStringLiteral("status"),
                                       QStringLiteral("What one of the file's status words means: WORD=STATE (repeatable), STATE "
                                                      "one of trialing, active, past_due, canceled, paused."),
                                       QStringLiteral("WORD=STATE"));
    const QCommandLineOption strictOpt(QStringLiteral("strict"), QStringLiteral("Refuse a whole file when any of its rows is rejected."));
    const QCommandLineOption proposeOpt(QStringLiteral("propose"), QStringLiteral("links: list the orgs subscriptions linked to none may be."));
    const QCommandLineOption removeOpt(QStringLiteral("remove"), QStringLiteral("plan: forget the package a plan was said to pay for."));
    parser.addOptions({sourceOpt, formatOpt, mapOpt, statusOpt, strictOpt, proposeOpt, removeOpt});
    parser.addPositionalArgument(QStringLiteral("import"), QStringLiteral("Import billing exports."), QStringLiteral("import FILE..."));
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("billing"), &code, 1000))
        return code;
    const QString verb = parser.positionalArguments().value(0);
    if (verb == QStringLiteral("import"))
        return runBillingImport(parser, sourceOpt, formatOpt, mapOpt, statusOpt, strictOpt);
    if (QStringList{QStringLiteral("links"), QStringLiteral("link"), QStringLiteral("unlink"), QStringLiteral("plans"), QStringLiteral("plan")}.contains(verb))
        return runBillingLinks(parser, sourceOpt, proposeOpt, removeOpt);
    return fail(QStringLiteral("usage: lmodesk billing import [--db PATH] [--source NAME] [--format F] [--map FIELD=COLUMN]... "
                               "[--status WORD=STATE]... [--strict] FILE...\n"
                               "       lmodesk billing links [--propose] | link SUBSCRIPTION ORG_ID | unlink SUBSCRIPTION\n"
                               "       lmodesk billing plans | plan PLAN PACKAGE | plan --remove PLAN   [--db PATH] [--source NAME]"),
                2);
}

int runReconcile(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Set the licenses beside what the billing system charges (lmodesk billing import) and list where they disagree: "
        "billed but not licensed, licensed but not billed, seat drift, trial mismatch, date drift, dunning, unlinked "
        "subscriptions; each with the license, the subscription, both values and what to do."));
    parser.addOption(dbOption());
    const QCommandLineOption asOfOpt(QStringLiteral("as-of"), QStringLiteral("The day to judge by (default today)."),
                                     QStringLiteral("YYYY-MM-DD"));
    const QCommandLineOption toleranceOpt(QStringLiteral("tolerance"),
                                          QStringLiteral("Days an expiration and a billing period's end may differ (default 3)."),
                                          QStringLiteral("DAYS"), QStringLiteral("3"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print one JSON object."));
    parser.addOptions({asOfOpt, toleranceOpt, jsonOpt});
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("reconcile"), &code, 0))
        return code;
    billing::ReconcileOptions options;
    if (parser.isSet(asOfOpt) && !parseDate(parser.value(asOfOpt), QStringLiteral("--as-of"), &options.asOf, &code))
        return code;
    bool ok = false;
    options.toleranceDays = parser.value(toleranceOpt).toInt(&ok);
    if (!ok || options.toleranceDays < 0 || options.toleranceDays > 366)
        return fail(QStringLiteral("--tolerance \"%1\" is not a number of days from 0 to 366.").arg(parser.value(toleranceOpt)), 2);
    auto database = openToRead(parser, QStringLiteral("reconcile"));
    if (!database)
        return failWith(database.error());
    auto result = billing::reconcile(database.value()->connection(), options);
    if (!result)
        return failWith(result.error());
    if (parser.isSet(jsonOpt))
        result->writeJson(out());
    else
        result->writeText(out());
    out().flush();
    return 0;
}

} // namespace lmo::cli
