// lmodesk billing import, lmodesk reconcile.
#include "cliutil.h"
#include "subcommands.h"

#include "billing/billingimport.h"
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
    parser.addOptions({sourceOpt, formatOpt, mapOpt, statusOpt, strictOpt});
    parser.addPositionalArgument(QStringLiteral("import"), QStringLiteral("Import billing exports."), QStringLiteral("import FILE..."));
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("billing"), &code, 1000))
        return code;
    if (parser.positionalArguments().value(0) == QStringLiteral("import"))
        return runBillingImport(parser, sourceOpt, formatOpt, mapOpt, statusOpt, strictOpt);
    return fail(QStringLiteral("usage: lmodesk billing import [--db PATH] [--source NAME] [--format F] [--map FIELD=COLUMN]... "
                               "[--status WORD=STATE]... [--strict] FILE..."),
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
