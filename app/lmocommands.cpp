// lmodesk lmo show and lmo assign.
#include "cliutil.h"
#include "subcommands.h"

#include "domain/salesforceid.h"
#include "lmo/lmoassign.h"
#include "util/format.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace lmo::cli {

namespace {

int runLmoAssign(const QCommandLineParser &parser, const QCommandLineOption &toOpt, const QCommandLineOption &fromOpt,
                 const QCommandLineOption &installedFromOpt, const QCommandLineOption &installedToOpt,
                 const QCommandLineOption &orgOpt)
{
    const QString usage = QStringLiteral("usage: lmodesk lmo assign [--db PATH] --to LMO [--from LMO] [--installed-from D] "
                                         "[--installed-to D] [--org ORGID]");
    if (!parser.isSet(toOpt))
        return fail(QStringLiteral("--to LMO is required (%1)").arg(usage), 2);
    LicenseFilter filter;
    int code = 0;
    if (parser.isSet(installedFromOpt)
        && !parseDate(parser.value(installedFromOpt), QStringLiteral("--installed-from"), &filter.installedFrom, &code))
        return code;
    if (parser.isSet(installedToOpt)
        && !parseDate(parser.value(installedToOpt), QStringLiteral("--installed-to"), &filter.installedTo, &code))
        return code;
    if (parser.isSet(orgOpt)) {
        auto org = SalesforceId::parse(parser.value(orgOpt));
        if (!org || !org->hasKeyPrefix(u"00D"))
            return fail(QStringLiteral("--org \"%1\" is not an org id (15 or 18 characters beginning with 00D).")
                            .arg(parser.value(orgOpt)),
                        2);
        filter.text = org->to15();
    }
    auto database = Database::open(Database::resolvePath(parser.value(dbOption())), Database::OpenOptions());
    if (!database)
        return failWith(database.error());
    QSqlDatabase db = database.value()->connection();
    auto to = lmoOption(parser.value(toOpt), db, QStringLiteral("--to"));
    if (!to)
        return fail(to.error().message, 2);
    if (parser.isSet(fromOpt)) {
        auto from = lmoOption(parser.value(fromOpt), db, QStringLiteral("--from"));
        if (!from)
            return fail(from.error().message, 2);
        filter.lmo = from->ref;
    }
    auto moved = assignLicensesToLmo(*database.value(), filter, to->ref, QStringLiteral("lmodesk lmo assign"));
    if (!moved)
        return failWith(moved.error());
    out() << QStringLiteral("Moved %1 licenses to LMO %2: %3\n").arg(groupedNumber(moved.value())).arg(to->ref).arg(to->label());
    return 0;
}

} // namespace

int runLmo(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "lmodesk lmo show: the LMO this database belongs to, as the setup wizard recorded it (and the LMOs it replaced).\n"
        "lmodesk lmo assign: file the licenses chosen by --from, --installed-from/--installed-to and --org under the "
        "LMO --to (each move is in the audit log)."));
    parser.addOption(dbOption());
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print one JSON object (show)."));
    const QCommandLineOption toOpt(QStringLiteral("to"), QStringLiteral("assign: the LMO to file the licenses under."),
                                   QStringLiteral("LMO"));
    const QCommandLineOption fromOpt(QStringLiteral("from"), QStringLiteral("assign: only licenses now under this LMO."),
                                     QStringLiteral("LMO"));
    const QCommandLineOption installedFromOpt(QStringLiteral("installed-from"),
                                              QStringLiteral("assign: only licenses installed on or after this day."),
                                              QStringLiteral("YYYY-MM-DD"));
    const QCommandLineOption installedToOpt(QStringLiteral("installed-to"),
                                            QStringLiteral("assign: only licenses installed on or before this day."),
                                            QStringLiteral("YYYY-MM-DD"));
    const QCommandLineOption orgOpt(QStringLiteral("org"), QStringLiteral("assign: only this subscriber org's licenses."),
                                    QStringLiteral("ORGID"));
    parser.addOptions({jsonOpt, toOpt, fromOpt, installedFromOpt, installedToOpt, orgOpt});
    parser.addPositionalArgument(QStringLiteral("show|assign"), QStringLiteral("Show the LMO, or move licenses to one."),
                                 QStringLiteral("show|assign"));
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("lmo"), &code))
        return code;
    if (parser.positionalArguments() == QStringList{QStringLiteral("assign")})
        return runLmoAssign(parser, toOpt, fromOpt, installedFromOpt, installedToOpt, orgOpt);
    if (parser.positionalArguments() != QStringList{QStringLiteral("show")})
        return fail(QStringLiteral("usage: lmodesk lmo show [--db PATH] [--json], or lmodesk lmo assign --to LMO ..."), 2);
    auto database = openToRead(parser, QStringLiteral("lmo show"));
    if (!database)
        return failWith(database.error());
    LmoRepository repository(database.value()->connection());
    auto current = repository.current();
    if (!current)
        return failWith(current.error());
    auto former = repository.former();
    if (!former)
        return failWith(former.error());
    auto known = repository.all();
    if (!known)
        return failWith(known.error());
    auto counted = repository.licensesByLmo();
    if (!counted)
        return failWith(counted.error());
    const QHash<qint64, qint64> &licenses = counted.value();
    const bool designated = current->designatedAt.isValid();
    if (parser.isSet(jsonOpt)) {
        QJsonArray formerJson;
        for (const auto &[profile, replaced] : former.value()) {
            QJsonObject o = profile.toJson();
            o.insert(QStringLiteral("replaced_on"), replaced.toString(Qt::ISODate));
            formerJson.append(o);
        }
        QJsonArray all;
        for (const KnownLmo &k : known.value()) {
            all.append(QJsonObject{{QStringLiteral("number"), k.ref},
                                   {QStringLiteral("name"), k.name()},
                                   {QStringLiteral("org_id"), k.profile.org.orgId},
                                   {QStringLiteral("current"), k.current},
                                   {QStringLiteral("replaced_on"), k.replacedOn.isValid() ? QJsonValue(k.replacedOn.toString(Qt::ISODate))
                                                                                          : QJsonValue()},
                                   {QStringLiteral("licenses"), licenses.value(k.ref)}});
        }
        QJsonObject o{{QStringLiteral("designated"), designated},
                      {QStringLiteral("refusals"), QJsonArray::fromStringList(LmoRules::designationRefusals(current.value()))},
                      {QStringLiteral("lmo"), current->toJson()},
                      {QStringLiteral("former"), formerJson},
                      {QStringLiteral("lmos"), all}};
        out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
        return 0;
    }
    if (current->org.name.isEmpty() && current->pagesDone == 0 && known->size() == 1) {
        out() << QStringLiteral("No LMO recorded for this database yet (%1 licenses). Designate it with the setup wizard: "
                                "Tools > LMO setup wizard.\n")
                     .arg(groupedNumber(licenses.value(1)));
        return 0;
    }
    out() << QStringLiteral("LMO            %1 (%2)\n").arg(current->org.name, current->org.orgId)
          << QStringLiteral("Status         %1\n")
                 .arg(designated ? QStringLiteral("designated %1").arg(current->designatedAt.toUTC().toString(Qt::ISODate))
                                 : QStringLiteral("being set up: %1 of 6 pages done").arg(current->pagesDone));
    // The wizard's rule, on what is recorded: an LMO designated before it knew a field may fail it.
    if (designated)
        for (const QString &reason : LmoRules::designationRefusals(current.value()))
            out() << QStringLiteral("Refused        %1\n").arg(reason);
    for (const LinkedPackage &p : current->packages)
        out() << QStringLiteral("Package        %1 (%2, %3)\n").arg(p.name, p.namespacePrefix, p.packageId);
    for (const auto &[profile, replaced] : former.value())
        out() << QStringLiteral("Former LMO     %1 (%2), replaced %3\n").arg(profile.org.name, profile.org.orgId, replaced.toString(Qt::ISODate));
    if (known->size() > 1) {
        out() << "\nLicenses by the LMO they came from (--lmo NUMBER chooses one in import, stats, export-csv and the "
                 "chart exports):\n";
        for (const KnownLmo &k : known.value())
            out() << QStringLiteral("  %1  %2: %3 licenses\n").arg(k.ref).arg(k.label(), groupedNumber(licenses.value(k.ref)));
    }
    return 0;
}

} // namespace lmo::cli
