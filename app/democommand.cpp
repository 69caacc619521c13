// lmodesk demo: a realistic, deterministic demo install base.
#include "cliutil.h"
#include "subcommands.h"

#include "demo/demogenerator.h"
#include "util/format.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace lmo::cli {

namespace {

// SIGINT and SIGTERM go to `handler` while it lives, and back to what they were after.
class InterruptScope
{
public:
    explicit InterruptScope(void (*handler)(int))
    {
        struct sigaction action = {};
        action.sa_handler = handler;
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, &m_int);
        sigaction(SIGTERM, &action, &m_term);
    }
    ~InterruptScope()
    {
        sigaction(SIGINT, &m_int, nullptr);
        sigaction(SIGTERM, &m_term, nullptr);
    }
    InterruptScope(const InterruptScope &) = delete;
    InterruptScope &operator=(const InterruptScope &) = delete;

private:
    struct sigaction m_int = {};
    struct sigaction m_term = {};
};

} // namespace

int runDemo(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Write a realistic, deterministic demo install base."));
    parser.addOption(dbOption());
    const QCommandLineOption licensesOpt(QStringLiteral("licenses"),
                                         QStringLiteral("How many licenses (default 100000)."), QStringLiteral("N"),
                                         QStringLiteral("100000"));
    const QCommandLineOption seedOpt(QStringLiteral("seed"), QStringLiteral("Random seed (default 1)."),
                                     QStringLiteral("S"), QStringLiteral("1"));
    const QCommandLineOption untilOpt(QStringLiteral("until"),
                                      QStringLiteral("Last day of the history (default today)."),
                                      QStringLiteral("YYYY-MM-DD"));
    const QCommandLineOption replaceOpt(QStringLiteral("replace"),
                                        QStringLiteral("Replace everything the database already holds."));
    const QCommandLineOption switchOpt(QStringLiteral("switch-lmo"),
                                       QStringLiteral("Record a switch of LMO on this day: two LMOs, the licenses installed "
                                                      "from then on coming from the second."),
                                       QStringLiteral("YYYY-MM-DD"));
    parser.addOptions({licensesOpt, seedOpt, untilOpt, replaceOpt, switchOpt});
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("demo"), &code))
        return code;

    DemoOptions options;
    bool ok = false;
    options.licenses = parser.value(licensesOpt).remove(QLatin1Char(',')).remove(QLatin1Char('_')).toLongLong(&ok);
    if (!ok || options.licenses < 0)
        return fail(QStringLiteral("--licenses \"%1\" is not a count: give a whole number such as 100000.")
                        .arg(parser.value(licensesOpt)),
                    2);
    options.seed = parser.value(seedOpt).toULongLong(&ok);
    if (!ok)
        return fail(QStringLiteral("--seed \"%1\" is not a whole number.").arg(parser.value(seedOpt)), 2);
    if (parser.isSet(untilOpt) && !parseDate(parser.value(untilOpt), QStringLiteral("--until"), &options.until, &code))
        return code;
    options.replace = parser.isSet(replaceOpt);
    if (parser.isSet(switchOpt)
        && !parseDate(parser.value(switchOpt), QStringLiteral("--switch-lmo"), &options.switchLmoOn, &code))
        return code;

    const QString path = Database::resolvePath(parser.value(dbOption()));
    // Ctrl+C (or a TERM) cancels the demo between batches: it is rolled back, and a file it
    // created is removed, instead of the process dying with an empty database behind it.
    static std::atomic<bool> interrupted{false};
    const InterruptScope interrupt([](int) { interrupted = true; });
    const bool showProgress = isatty(fileno(stderr));
    auto progress = [&](qint64 done, qint64 total) {
        if (showProgress && total > 0)
            err() << "\r" << QStringLiteral("Writing licenses: %1%").arg(done * 100 / total) << Qt::flush;
        return !interrupted.load();
    };
    auto summary = generateDemoAt(path, options, progress);
    if (showProgress)
        err() << "\r" << QString(24, QLatin1Char(' ')) << "\r" << Qt::flush;
    if (!summary)
        return failWith(summary.error());
    out() << QStringLiteral("Wrote %1 licenses (%2 packages, %3 versions, %4 subscriber orgs) to %5 in %6 s\n")
                 .arg(groupedNumber(summary->licenses), groupedNumber(summary->packages),
                      groupedNumber(summary->packageVersions), groupedNumber(summary->subscriberOrgs),
                      shownLocation(path), QString::number(summary->seconds, 'f', 1));
    out() << QStringLiteral("and %1 subscriptions of a demo billing system (source \"stripe-demo\"): lmodesk reconcile, or the "
                            "Billing page, sets them beside the licenses\n")
                 .arg(groupedNumber(summary->billingSubscriptions));
    return 0;
}

} // namespace lmo::cli
