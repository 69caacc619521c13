#pragma once

// `lmodesk sync`: the LMO's packages, package versions and licenses read straight from the org
// into either database, incrementally, within the org's API limits. See docs/sync.md.
//
// A first run (or --full, an interrupted full load, a gap longer than getDeleted's 15 days) reads
// every record: through Bulk API 2.0 when SELECT COUNT() is over a threshold, else REST query
// pages; then the licenses the org no longer has are removed. Later runs read what changed since
// the watermark (minus a lookback) with queryAll, deleted records included. Every page is saved
// with the watermark it reached in one transaction, through the import's own checks and audit.

#include "lmo/lmoprofile.h"
#include "storage/database.h"
#include "sync/sfclient.h"
#include "sync/sforg.h"

#include <QDateTime>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

namespace lmo {

struct SyncProgress
{
    QString object; // "licenses"
    QString doing;  // "reading page 3", "waiting for the Bulk API job"
    qint64 fetched = 0;
    qint64 total = -1; // -1: not known yet
};

struct SyncOptions
{
    bool full = false;
    std::optional<qint64> lmoRef; // --lmo: the LMO the org is; none: found from the org's id
    bool fileAsNewLmo = false;    // --new-lmo: an org that is no LMO of the database's is filed as another
    qint64 bulkThreshold = 50'000; // a full load of more records goes through Bulk API 2.0
    int lookbackSeconds = 600;     // later runs read again what changed this long before the watermark
    int queryBatchSize = 2000;     // Sforce-Query-Options: records per REST page (200–2,000)
    qint64 bulkPageRecords = 200'000; // maxRecords of each Bulk results page
    int bulkPollMs = 250;             // before the second look at a Bulk job (then twice as long, up to 10 s)
    QString changedBy;                // default: the operating-system user
    // A full load into an empty table leaves the indexes for browsing to build after its rows
    // are saved: built before the sync returns (lmodesk sync), or left to the caller (the
    // window builds them in the background).
    bool buildIndexes = true;
    // Told after each page and while waiting; false cancels (what was saved stays saved).
    std::function<bool(const SyncProgress &)> progress;
};

struct ObjectSync
{
    QString object; // sfLma__License__c
    QString label;  // licenses
    bool full = false;
    QString via; // "REST query", "REST queryAll", "Bulk API 2.0"
    qint64 fetched = 0, inserted = 0, updated = 0, deleted = 0, unchanged = 0, older = 0, rejected = 0;
    QString watermark; // the newest SystemModstamp read, as Salesforce wrote it
    QStringList rejections; // the first few: "a0B…: Subscriber Org ID: …"
    QStringList missingFields; // fields LMO Desk maps that this org's object lacks
    QJsonObject toJson() const;
};

struct SyncReport
{
    sf::OrgRecord org;
    qint64 lmoRef = 1;
    QString lmo;                // "Acme Licensing (00D…)"
    bool recordedLmo = false;   // a database with no LMO designated: this org was recorded as its
    QStringList warnings;       // the seed's worst mistakes, an API version, …
    std::vector<ObjectSync> objects;
    qint64 requests = 0;        // requests this sync made (counted against the org's limits)
    sf::ApiUsage usage;         // the org's daily requests after the last response
    bool complete = false;
    QString stopped;            // why it stopped early (reserve, cancel, a server gone, a login refused)
    Error::Code stopCode = Error::Code::Generic;
    QDateTime startedAt, finishedAt; // this machine's clock, for people
    QString apiVersion;

    int exitCode() const { return complete ? 0 : 3; }
    qint64 changed() const; // inserted + updated + deleted, every object
    QJsonObject toJson() const;
    QString summary() const;     // the command line's lines
};

// Every license field LMO Desk maps that the sync reads from a described object (their API names).
QStringList syncedFieldsOf(const QString &object, const QStringList &describedFields,
                           const QHash<QString, QString> &relationshipOf, QStringList *missing = nullptr);

// Reads the org into the database. An Error when nothing was done (not connected, the wrong org,
// a login that may not import); a report otherwise, complete or stopped early (exit code 3) with
// every page fetched until then saved.
Result<SyncReport> syncFromOrg(Database &database, sf::Client &client, const SyncOptions &options);

// Where an org stands in a database: one of its LMOs, the org a database with no LMO designated
// will record, or another org (a sync refuses it unless it is filed as another LMO).
struct OrgStanding
{
    enum class Kind { ItsLmo, Undesignated, NotItsLmo };
    Kind kind = Kind::NotItsLmo;
    qint64 ref = 0;      // ItsLmo: which
    bool current = false; // ItsLmo: the current one
    QString lmoNames;     // NotItsLmo: the database's LMOs, for the message
};
Result<OrgStanding> standingOf(QSqlDatabase db, const QString &orgId);
OrgStanding standingOf(const QList<KnownLmo> &known, const QString &orgId);

// The last sync of the database (any LMO), for the status bar; none before the first.
struct LastSync
{
    QString org;
    QDateTime finishedAt;
    QString outcome; // "complete", "stopped"
    QJsonObject report;
    QString statusLine() const;
};
Result<std::optional<LastSync>> lastSync(QSqlDatabase db);

} // namespace lmo
