// lmodesk connect, disconnect and sync: the LMO read straight from the org (docs/sync.md).
#include "cliutil.h"
#include "subcommands.h"

#include "shell/secretstore.h"
#include "sync/orgsync.h"
#include "sync/signinbrowser.h"
#include "sync/sfauth.h"
#include "sync/sfconnection.h"
#include "sync/sforg.h"
#include "util/format.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace lmo::cli {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void onInterrupt(int)
{
    g_interrupted = 1;
}

// A keychain call, waited for (it answers later, on this thread's event loop).
SecretAnswer waitForSecret(const std::function<void(QObject *, SecretStore::Done)> &call)
{
    QEventLoop loop;
    QObject context;
    SecretAnswer answer;
    bool done = false;
    call(&context, [&](const SecretAnswer &a) {
        answer = a;
        done = true;
        loop.quit();
    });
    if (!done)
        loop.exec();
    return answer;
}

// The address printed, then the browser sent there (signinbrowser.h).
bool openBrowser(const QUrl &url, bool allowed)
{
    err() << "Sign in to Salesforce in your browser. If it does not open, open this address:\n  "
          << url.toString(QUrl::FullyEncoded) << Qt::endl;
    if (allowed)
        (void)openSignInPage(url);
    return true;
}

// What the database says of this org: its LMO, another, or none designated yet.
QString standingIn(const QString &location, const sf::OrgRecord &org)
{
    Database::OpenOptions options;
    options.create = true; // the database a sync would create
    auto database = Database::open(location, options);
    if (!database)
        return {}; // no database yet: nothing to compare with
    auto standing = standingOf(database.value()->connection(), org.id);
    if (!standing)
        return {};
    switch (standing->kind) {
    case OrgStanding::Kind::ItsLmo:
        return QStringLiteral("It is LMO %1 of %2%3.").arg(standing->ref).arg(shownLocation(location),
                                                          standing->current ? QStringLiteral(" (its current LMO)") : QString());
    case OrgStanding::Kind::Undesignated:
        return QStringLiteral("%1 has no LMO designated yet: the first sync records this org as where its licenses come "
                              "from; then finish the setup wizard.")
            .arg(shownLocation(location));
    case OrgStanding::Kind::NotItsLmo:
        break;
    }
    return QStringLiteral("It is NOT the LMO of %1 (%2): a sync refuses it unless it is filed as another LMO (--new-lmo).")
        .arg(shownLocation(location), standing->lmoNames);
}

struct TokenChoice
{
    std::unique_ptr<sf::TokenSource> source;
    QString orgId; // the org the connection is for, when known
};

Result<TokenChoice> chooseTokens(const QCommandLineParser &parser, const QCommandLineOption &instanceOpt,
                                 const QCommandLineOption &sfOrgOpt, const QCommandLineOption &orgOpt, Database &database,
                                 const std::optional<qint64> &lmoRef)
{
    TokenChoice choice;
    if (parser.isSet(instanceOpt)) {
        const QUrl url(parser.value(instanceOpt));
        if (!url.isValid() || url.host().isEmpty())
            return Error::make(Error::Code::Usage, QStringLiteral("--instance-url \"%1\" is not a URL.").arg(parser.value(instanceOpt)));
        const QString token = qEnvironmentVariable("LMODESK_SF_ACCESS_TOKEN");
        if (token.isEmpty())
            return Error::make(Error::Code::Usage, QStringLiteral("--instance-url needs the access token in the environment "
                                                                  "variable LMODESK_SF_ACCESS_TOKEN."));
        choice.source = std::make_unique<sf::FixedTokenSource>(url, token, QStringLiteral("LMODESK_SF_ACCESS_TOKEN"));
        return choice;
    }
    if (parser.isSet(sfOrgOpt)) {
        choice.source = std::make_unique<sf::CliTokenSource>(parser.value(sfOrgOpt));
        return choice;
    }
    // The org: --org, else the LMO's, else the last one connected.
    QString orgId = parser.value(orgOpt);
    if (orgId.isEmpty()) {
        auto known = LmoRepository(database.connection()).all();
        if (!known)
            return known.error();
        for (const KnownLmo &k : known.value())
            if ((lmoRef ? k.ref == *lmoRef : k.current) && !k.profile.org.orgId.isEmpty())
                orgId = k.profile.org.orgId;
    }
    std::optional<sf::SavedConnection> saved = orgId.isEmpty() ? sf::connections::latest() : sf::connections::find(orgId);
    if (!saved)
        return Error::make(Error::Code::Usage,
                           orgId.isEmpty() ? QStringLiteral("Not connected to Salesforce: run lmodesk connect --client-id KEY "
                                                            "(or --sf-org ALIAS) first, or give --instance-url.")
                                           : QStringLiteral("Not connected to the org %1: run lmodesk connect --client-id KEY "
                                                            "(or --sf-org ALIAS) signed in to it first.")
                                                 .arg(orgId));
    choice.orgId = saved->orgId;
    if (saved->method == sf::SavedConnection::Method::SalesforceCli) {
        choice.source = std::make_unique<sf::CliTokenSource>(saved->sfAlias);
        return choice;
    }
    const SecretAnswer secret = waitForSecret([&](QObject *context, SecretStore::Done done) {
        SecretStore::instance().read(saved->secretKey(), context, std::move(done));
    });
    if (!secret.ok)
        return Error::make(Error::Code::AuthFailed, QStringLiteral("The sign-in to %1 could not be read from %2: %3.")
                                                        .arg(saved->label(), SecretStore::instance().name(), secret.error));
    if (!secret.value || secret.value->isEmpty())
        return Error::make(Error::Code::AuthFailed, QStringLiteral("%1 holds no sign-in for %2: connect again (lmodesk connect).")
                                                        .arg(SecretStore::instance().name(), saved->label()));
    choice.source = std::make_unique<sf::RefreshTokenSource>(saved->app(), *secret.value,
                                                             QStringLiteral("the sign-in kept in %1").arg(SecretStore::instance().name()));
    return choice;
}

int runConnect(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Connect LMO Desk to the LMO in Salesforce, for lmodesk sync and the window's Sync.\n"
        "  --client-id KEY: sign in in the browser (OAuth 2.0 web server flow with PKCE), with the consumer key of the\n"
        "    External Client App made in the LMO (callback http://127.0.0.1:PORT/callback, scopes api refresh_token).\n"
        "    The refresh token is kept in the OS keychain, never in a file.\n"
        "  --sf-org ALIAS: use an org the Salesforce CLI (sf) is logged in to; it is asked again when the session expires.\n"
        "  --instance-url URL: check a session given in LMODESK_SF_ACCESS_TOKEN (automation, tests); nothing is kept.\n"
        "The org's Organization record is read and held against the database's LMO (--db).\n"
        "Exit codes: 0 connected, 2 not (bad options, refused, cancelled)."));
    parser.addOption(dbOption());
    const QCommandLineOption loginOpt(QStringLiteral("login-url"),
                                      QStringLiteral("login.salesforce.com (default), test.salesforce.com or your My Domain."),
                                      QStringLiteral("URL"));
    const QCommandLineOption clientOpt(QStringLiteral("client-id"), QStringLiteral("The External Client App's consumer key."),
                                       QStringLiteral("KEY"));
    const QCommandLineOption portOpt(QStringLiteral("port"),
                                     QStringLiteral("The callback's port on 127.0.0.1 (default %1).").arg(sf::kDefaultCallbackPort),
                                     QStringLiteral("PORT"));
    const QCommandLineOption sfOrgOpt(QStringLiteral("sf-org"), QStringLiteral("A Salesforce CLI org alias or username."),
                                      QStringLiteral("ALIAS"));
    const QCommandLineOption instanceOpt(QStringLiteral("instance-url"),
                                         QStringLiteral("The org's instance; the token in LMODESK_SF_ACCESS_TOKEN."),
                                         QStringLiteral("URL"));
    const QCommandLineOption noBrowserOpt(QStringLiteral("no-browser"), QStringLiteral("Print the sign-in address; open no browser."));
    parser.addOptions({loginOpt, clientOpt, portOpt, sfOrgOpt, instanceOpt, noBrowserOpt});
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("connect"), &code, 0))
        return code;
    const int ways = int(parser.isSet(clientOpt)) + int(parser.isSet(sfOrgOpt)) + int(parser.isSet(instanceOpt));
    if (ways != 1)
        return fail(QStringLiteral("give one of --client-id KEY, --sf-org ALIAS or --instance-url URL (see \"lmodesk connect --help\")"), 2);

    std::signal(SIGINT, onInterrupt);
    sf::SavedConnection saved;
    std::unique_ptr<sf::TokenSource> tokens;
    QString refreshToken;
    if (parser.isSet(clientOpt)) {
        sf::OAuthApp app;
        app.clientId = parser.value(clientOpt).trimmed();
        app.loginUrl = sf::loginUrlFor(parser.value(loginOpt));
        if (!app.loginUrl.isValid())
            return fail(QStringLiteral("--login-url \"%1\" is not login, test, a My Domain host or a URL.").arg(parser.value(loginOpt)), 2);
        if (parser.isSet(portOpt)) {
            bool ok = false;
            const uint port = parser.value(portOpt).toUInt(&ok);
            if (!ok || port == 0 || port > 65535)
                return fail(QStringLiteral("--port \"%1\" is not a port number (1-65535).").arg(parser.value(portOpt)), 2);
            app.port = quint16(port);
        }
        const bool browser = !parser.isSet(noBrowserOpt);
        auto grant = sf::signIn(app, [browser](const QUrl &url) { return openBrowser(url, browser); }, 10 * 60 * 1000,
                                [] { return g_interrupted != 0; });
        if (!grant)
            return failWith(grant.error());
        if (grant->refreshToken.isEmpty())
            err() << "lmodesk: warning: Salesforce gave no refresh token (the app lacks the refresh_token scope): "
                     "sync works until this session expires." << Qt::endl;
        saved.method = sf::SavedConnection::Method::OAuth;
        saved.loginUrl = app.loginUrl;
        saved.clientId = app.clientId;
        saved.port = app.port;
        saved.instanceUrl = grant->instanceUrl;
        saved.username = sf::identityUsername(grant.value());
        if (saved.username.isEmpty())
            saved.username = grant->userId();
        refreshToken = grant->refreshToken;
        tokens = std::make_unique<sf::FixedTokenSource>(grant->instanceUrl, grant->accessToken, QStringLiteral("the new sign-in"));
    } else if (parser.isSet(sfOrgOpt)) {
        auto org = sf::askSalesforceCli(parser.value(sfOrgOpt));
        if (!org)
            return failWith(org.error());
        saved.method = sf::SavedConnection::Method::SalesforceCli;
        saved.sfAlias = org->alias;
        saved.username = org->username;
        saved.instanceUrl = org->instanceUrl;
        tokens = std::make_unique<sf::FixedTokenSource>(org->instanceUrl, org->accessToken, QStringLiteral("the Salesforce CLI"));
    } else {
        const QString token = qEnvironmentVariable("LMODESK_SF_ACCESS_TOKEN");
        if (token.isEmpty())
            return fail(QStringLiteral("--instance-url needs the access token in LMODESK_SF_ACCESS_TOKEN."), 2);
        tokens = std::make_unique<sf::FixedTokenSource>(QUrl(parser.value(instanceOpt)), token, QStringLiteral("LMODESK_SF_ACCESS_TOKEN"));
    }

    sf::Client client(*tokens);
    auto org = sf::readOrganization(client);
    if (!org) {
        if (!refreshToken.isEmpty())
            (void)sf::revokeToken(saved.instanceUrl, refreshToken);
        return failWith(org.error());
    }
    saved.orgId = org->id;
    saved.orgName = org->name;
    for (const QString &w : sf::worstMistakes(org.value()))
        err() << "lmodesk: warning: " << w << Qt::endl;

    if (!parser.isSet(instanceOpt)) {
        if (saved.method == sf::SavedConnection::Method::OAuth && !refreshToken.isEmpty()) {
            const SecretAnswer kept = waitForSecret([&](QObject *context, SecretStore::Done done) {
                SecretStore::instance().write(saved.secretKey(), refreshToken, context, std::move(done));
            });
            if (!kept.ok) {
                (void)sf::revokeToken(saved.instanceUrl, refreshToken);
                return fail(QStringLiteral("The sign-in could not be kept in %1 (%2): it was revoked, and nothing was saved. "
                                           "Start the desktop's keychain (Secret Service) and connect again, or use --sf-org.")
                                .arg(SecretStore::instance().name(), kept.error),
                            2);
            }
        }
        sf::connections::save(saved);
    }
    out() << QStringLiteral("Connected to %1 (%2, instance %3) as %4.\n")
                 .arg(org->label(), org->type.isEmpty() ? QStringLiteral("edition not said") : org->type,
                      org->instance.isEmpty() ? client.instanceUrl().host() : org->instance,
                      saved.username.isEmpty() ? QStringLiteral("the session's user") : saved.username);
    const QString standing = standingIn(Database::resolvePath(parser.value(dbOption())), org.value());
    if (!standing.isEmpty())
        out() << standing << "\n";
    if (parser.isSet(instanceOpt))
        out() << "Nothing was kept: give --instance-url to lmodesk sync as well.\n";
    return 0;
}

int runDisconnect(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Forget a Salesforce connection: its refresh token is revoked at Salesforce and removed from the keychain.\n"
        "Exit codes: 0 done, 2 no such connection."));
    const QCommandLineOption orgOpt(QStringLiteral("org"), QStringLiteral("The org (default: the last one connected)."),
                                    QStringLiteral("ORG_ID"));
    parser.addOption(orgOpt);
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("disconnect"), &code, 0))
        return code;
    auto saved = parser.isSet(orgOpt) ? sf::connections::find(parser.value(orgOpt)) : sf::connections::latest();
    if (!saved)
        return fail(QStringLiteral("not connected to %1").arg(parser.isSet(orgOpt) ? parser.value(orgOpt) : QStringLiteral("any org")), 2);
    QString revoked = QStringLiteral("nothing to revoke (the Salesforce CLI keeps its own sign-in)");
    if (saved->method == sf::SavedConnection::Method::OAuth) {
        const SecretAnswer secret = waitForSecret([&](QObject *context, SecretStore::Done done) {
            SecretStore::instance().read(saved->secretKey(), context, std::move(done));
        });
        if (secret.ok && secret.value && !secret.value->isEmpty()) {
            auto r = sf::revokeToken(saved->instanceUrl.isValid() ? saved->instanceUrl : saved->loginUrl, *secret.value);
            revoked = r ? QStringLiteral("the sign-in was revoked at Salesforce")
                        : QStringLiteral("Salesforce could not be told (%1): revoke it in Setup > Connected Apps OAuth Usage")
                              .arg(r.error().message);
        }
        (void)waitForSecret([&](QObject *context, SecretStore::Done done) {
            SecretStore::instance().remove(saved->secretKey(), context, std::move(done));
        });
    }
    sf::connections::forget(saved->orgId);
    out() << QStringLiteral("Disconnected from %1: %2.\n").arg(saved->label(), revoked);
    return 0;
}

} // namespace

int runSync(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Read the LMO's packages, package versions and licenses straight from the org, incrementally: the first run\n"
        "(or --full) reads everything (Bulk API 2.0 for large objects) and removes what the org no longer has; later\n"
        "runs read what changed since the last, deletions included. The org's API use is counted: the sync stops\n"
        "before its daily requests fall under the reserve. Every change is audited as \"sync from <org>\".\n"
        "Exit codes: 0 complete; 3 stopped early (reserve reached, cancelled, a server gone): what was fetched is\n"
        "saved, and the next sync goes on from there; 2 nothing done (not connected, the wrong org, bad options)."));
    parser.addOption(dbOption());
    const QCommandLineOption lmoOpt(QStringLiteral("lmo"), QStringLiteral("The LMO the org is (number or org id)."), QStringLiteral("LMO"));
    const QCommandLineOption fullOpt(QStringLiteral("full"), QStringLiteral("Read every record, not only what changed."));
    const QCommandLineOption jsonOpt(QStringLiteral("json"), QStringLiteral("Print the result as JSON."));
    const QCommandLineOption newLmoOpt(QStringLiteral("new-lmo"),
                                       QStringLiteral("File an org that is not this database's LMO as another LMO of it."));
    const QCommandLineOption orgOpt(QStringLiteral("org"), QStringLiteral("The connected org to read (default: the LMO's)."),
                                    QStringLiteral("ORG_ID"));
    const QCommandLineOption sfOrgOpt(QStringLiteral("sf-org"), QStringLiteral("Use the Salesforce CLI's session of this org."),
                                      QStringLiteral("ALIAS"));
    const QCommandLineOption instanceOpt(QStringLiteral("instance-url"),
                                         QStringLiteral("The org's instance; the token in LMODESK_SF_ACCESS_TOKEN."),
                                         QStringLiteral("URL"));
    // The defaults: the window's Sync settings (10% and 50,000 until changed there).
    const sf::SyncSettings settings = sf::SyncSettings::load();
    const QCommandLineOption reserveOpt(QStringLiteral("reserve"),
                                        QStringLiteral("Percent of the org's daily API requests to leave for everything else "
                                                       "(default %1, the window's Sync settings).")
                                            .arg(settings.reservePercent),
                                        QStringLiteral("PCT"), QString::number(settings.reservePercent));
    const QCommandLineOption bulkOpt(QStringLiteral("bulk-threshold"),
                                     QStringLiteral("A full load of more records than this uses Bulk API 2.0 (default %1).")
                                         .arg(settings.bulkThreshold),
                                     QStringLiteral("N"), QString::number(settings.bulkThreshold));
    parser.addOptions({lmoOpt, fullOpt, jsonOpt, newLmoOpt, orgOpt, sfOrgOpt, instanceOpt, reserveOpt, bulkOpt});
    int code = 0;
    if (!parse(parser, arguments, QStringLiteral("sync"), &code, 0))
        return code;
    bool ok = false;
    const double reserve = parser.value(reserveOpt).toDouble(&ok);
    if (!ok || reserve < 0 || reserve >= 100)
        return fail(QStringLiteral("--reserve \"%1\" is not a percentage from 0 to 99.").arg(parser.value(reserveOpt)), 2);
    const qint64 threshold = parser.value(bulkOpt).toLongLong(&ok);
    if (!ok || threshold < 0)
        return fail(QStringLiteral("--bulk-threshold \"%1\" is not a number of records.").arg(parser.value(bulkOpt)), 2);

    Database::OpenOptions openOptions;
    openOptions.create = true;
    auto database = Database::open(Database::resolvePath(parser.value(dbOption())), openOptions);
    if (!database)
        return failWith(database.error());
    SyncOptions options;
    options.full = parser.isSet(fullOpt);
    options.fileAsNewLmo = parser.isSet(newLmoOpt);
    options.bulkThreshold = threshold;
    if (parser.isSet(lmoOpt)) {
        auto chosen = lmoOption(parser.value(lmoOpt), database.value()->connection());
        if (!chosen)
            return fail(chosen.error().message, 2);
        options.lmoRef = chosen->ref;
    }
    auto tokens = chooseTokens(parser, instanceOpt, sfOrgOpt, orgOpt, *database.value(), options.lmoRef);
    if (!tokens)
        return fail(tokens.error().message, 2);

    std::signal(SIGINT, onInterrupt);
    const bool showProgress = isatty(fileno(stderr)) && !parser.isSet(jsonOpt);
    options.progress = [&](const SyncProgress &p) {
        if (showProgress)
            err() << "\r" << QStringLiteral("%1: %2 %3%4").arg(p.object, p.doing, groupedNumber(p.fetched),
                                                              p.total >= 0 ? QStringLiteral(" of %1").arg(groupedNumber(p.total)) : QString())
                                 .leftJustified(72)
                  << Qt::flush;
        return g_interrupted == 0;
    };
    sf::ClientOptions clientOptions;
    clientOptions.reserve = reserve / 100.0;
    clientOptions.cancelled = [] { return g_interrupted != 0; };
    sf::Client client(*tokens->source, clientOptions);
    auto report = syncFromOrg(*database.value(), client, options);
    if (showProgress)
        err() << "\r" << QString(72, QLatin1Char(' ')) << "\r" << Qt::flush;
    if (!report) {
        if (parser.isSet(jsonOpt))
            out() << QJsonDocument(QJsonObject{{QStringLiteral("complete"), false},
                                               {QStringLiteral("error"), report.error().message}})
                         .toJson(QJsonDocument::Indented);
        return fail(report.error().message, 2);
    }
    if (parser.isSet(jsonOpt))
        out() << QJsonDocument(report->toJson()).toJson(QJsonDocument::Indented);
    else
        out() << report->summary() << "\n";
    if (!report->complete)
        err() << "lmodesk: stopped early: " << report->stopped << Qt::endl;
    return report->exitCode();
}

int runConnectCommand(const QStringList &arguments)
{
    return runConnect(arguments);
}

int runDisconnectCommand(const QStringList &arguments)
{
    return runDisconnect(arguments);
}

} // namespace lmo::cli
