#include "sync/orgsync.h"

#include "domain/salesforceid.h"
#include "import/csvreader.h"
#include "import/importer.h"
#include "lmo/lmoprofile.h"
#include "storage/auditlog.h"
#include "storage/backend.h"
#include "storage/bulkload.h"
#include "storage/sqlutil.h"
#include "storage/subscribersummary.h"
#include "storage/values.h"
#include "util/format.h"

#include <QBuffer>
#include <cmath>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QUrl>

#include <unordered_set>

namespace lmo {

namespace {

using sf::Client;
using sf::Response;

struct ObjectSpec
{
    const char *api;
    const char *label;
    RecordKind kind;
};

constexpr ObjectSpec kObjects[] = {
    {"sfLma__Package__c", "packages", RecordKind::Package},
    {"sfLma__Package_Version__c", "package versions", RecordKind::PackageVersion},
    {"sfLma__License__c", "licenses", RecordKind::License},
};

// getDeleted's reach: records deleted longer ago than this may be purged, and a later run would
// not hear of them; a gap this long means a full load.
constexpr qint64 kDeletedReachSeconds = 15 * 24 * 3600;
constexpr int kRejectionsKept = 20;
constexpr int kIdsPerStatement = 500;

QString nowText()
{
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QString percent(const QString &soql)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(soql));
}

// A SystemModstamp as Salesforce writes it ("2026-11-30T10:00:00.000+0000", Bulk's "…Z"), read.
QDateTime stampOf(const QString &text)
{
    QString t = text.trimmed();
    if (t.endsWith(QLatin1String("+0000")))
        t = t.left(t.size() - 5) + QLatin1Char('Z');
    QDateTime d = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!d.isValid())
        d = QDateTime::fromString(t, Qt::ISODate);
    return d.isValid() ? d.toUTC() : QDateTime();
}

// SOQL's datetime literal: no quotes, UTC.
QString soqlTime(const QDateTime &t)
{
    return t.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss'Z'"));
}

bool newer(const QString &a, const QString &b)
{
    const QDateTime x = stampOf(a), y = stampOf(b);
    return x.isValid() && (!y.isValid() || x > y);
}

QString csvCell(const QString &value)
{
    if (value.isEmpty())
        return value;
    bool quote = false;
    for (QChar c : value)
        if (c == QLatin1Char(',') || c == QLatin1Char('"') || c == QLatin1Char('\n') || c == QLatin1Char('\r')) {
            quote = true;
            break;
        }
    if (!quote)
        return value;
    QString v = value;
    v.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + v + QLatin1Char('"');
}

// A REST record's field as a Data Loader export writes it: a relationship's field from its nested
// record, numbers without ".0", check boxes as true/false, times in UTC with Z.
QString cellOf(const QJsonObject &record, const QString &field)
{
    QJsonValue v;
    const qsizetype dot = field.indexOf(QLatin1Char('.'));
    if (dot > 0) {
        const QJsonValue related = record.value(field.left(dot));
        v = related.isObject() ? related.toObject().value(field.mid(dot + 1)) : QJsonValue();
    } else {
        v = record.value(field);
    }
    switch (v.type()) {
    case QJsonValue::Bool: return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: {
        const double d = v.toDouble();
        if (d == std::floor(d) && std::abs(d) < 1e15)
            return QString::number(qint64(d));
        return QString::number(d, 'g', 15);
    }
    case QJsonValue::String: {
        QString s = v.toString();
        if (s.size() >= 24 && s.endsWith(QLatin1String("+0000")) && s[10] == QLatin1Char('T'))
            s = s.left(s.size() - 5) + QLatin1Char('Z');
        return s;
    }
    default: return QString();
    }
}

QString id18(const QString &text)
{
    auto id = SalesforceId::parse(text);
    return id ? id->to18() : text.trimmed();
}

struct ObjectState
{
    bool exists = false;
    QString watermark;
    QString readUntil;
    QString fullDoneAt;
    bool fullPending = false;
};

Result<ObjectState> readState(QSqlDatabase db, qint64 lmo, const QString &object)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT watermark, read_until, full_done_at, full_pending FROM sync_state "
                             "WHERE lmo_ref = ? AND object_name = ?"));
    q.addBindValue(lmo);
    q.addBindValue(object);
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("reading how far the org was synced"));
    ObjectState s;
    if (q.next()) {
        s.exists = true;
        s.watermark = q.value(0).toString();
        s.readUntil = q.value(1).toString();
        s.fullDoneAt = q.value(2).toString();
        s.fullPending = q.value(3).toInt() != 0;
    }
    return s;
}

Result<void> writeState(QSqlDatabase db, qint64 lmo, const QString &object, const QString &orgId, const ObjectState &s)
{
    const QString doing = QStringLiteral("saving how far the org was synced");
    auto bindAll = [&](QSqlQuery &q) {
        q.addBindValue(orgId);
        q.addBindValue(s.watermark.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s.watermark));
        q.addBindValue(s.readUntil.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s.readUntil));
        q.addBindValue(s.fullDoneAt.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s.fullDoneAt));
        q.addBindValue(s.fullPending ? 1 : 0);
        q.addBindValue(lmo);
        q.addBindValue(object);
    };
    QSqlQuery update(db);
    if (!update.prepare(QStringLiteral("UPDATE sync_state SET org_id = ?, watermark = ?, read_until = ?, full_done_at = ?, "
                                       "full_pending = ? WHERE lmo_ref = ? AND object_name = ?")))
        return sqlError(update.lastError(), doing);
    bindAll(update);
    if (!update.exec())
        return sqlError(update.lastError(), doing);
    if (update.numRowsAffected() > 0)
        return {};
    QSqlQuery insert(db);
    if (!insert.prepare(QStringLiteral("INSERT INTO sync_state (org_id, watermark, read_until, full_done_at, full_pending, "
                                       "lmo_ref, object_name) VALUES (?, ?, ?, ?, ?, ?, ?)")))
        return sqlError(insert.lastError(), doing);
    bindAll(insert);
    if (!insert.exec())
        return sqlError(insert.lastError(), doing);
    return {};
}

// A stop: the sync ends early, what it saved kept.
struct Stop
{
    Error error;
};

class SyncRun
{
public:
    SyncRun(Database &database, Client &client, const SyncOptions &options, SyncReport &report)
        : m_database(database), m_db(database.connection()), m_client(client), m_options(options), m_report(report)
    {
    }

    Result<void> preflight();
    // One object; an error stops the sync (the report says why).
    Result<void> syncObject(const ObjectSpec &spec, ObjectSync &out);
    Result<void> recordRun();

private:
    bool cancelled() const { return m_cancelled; }
    bool tell(const QString &object, const QString &doing, qint64 fetched, qint64 total)
    {
        if (m_options.progress && !m_options.progress(SyncProgress{object, doing, fetched, total}))
            m_cancelled = true;
        return !m_cancelled;
    }
    Result<void> checkCancel(const ObjectSync &out)
    {
        if (!m_cancelled)
            return {};
        return Error::make(Error::Code::Cancelled,
                           QStringLiteral("Cancelled while reading the %1: every page read until then is saved, and the "
                                          "next sync goes on from there.")
                               .arg(out.label));
    }
    Result<QJsonObject> getJson(const QString &path, const QString &doing, const QHash<QByteArray, QByteArray> &headers = {});
    Result<void> matchLmo();
    Result<QStringList> describe(const ObjectSpec &spec, ObjectSync &out);
    Result<void> readRest(const ObjectSpec &spec, ObjectSync &out, const QStringList &fields, ObjectState &state, bool full);
    Result<void> readBulk(const ObjectSpec &spec, ObjectSync &out, const QStringList &fields, ObjectState &state);
    // A page of records saved with the state it brings the object to, in one transaction.
    Result<void> savePage(const ObjectSpec &spec, ObjectSync &out, const QString &csvPath, qint64 rows,
                          const QStringList &deletedIds, const ObjectState &state, bool removeUnseen);
    Result<qint64> removeLicenses(QSqlDatabase &db, const QStringList &sfIds, bool unseen);
    // Packages or package versions the org deleted: removed (audited) unless licenses still
    // refer to them (kept, and the report says so).
    Result<qint64> removeCatalog(QSqlDatabase &db, RecordKind kind, const QStringList &sfIds);
    Result<void> deleteRows(QSqlDatabase &db, const std::vector<std::tuple<qint64, QString, QString, QString>> &rows);
    Result<void> saveStateOnly(const QString &object, const ObjectState &state);
    QString source() const { return QStringLiteral("sync from %1").arg(m_report.org.label()); }

    Database &m_database;
    QSqlDatabase m_db;
    Client &m_client;
    const SyncOptions &m_options;
    SyncReport &m_report;
    bool m_cancelled = false;
    QTemporaryDir m_dir;
    int m_pages = 0;
    QString m_readUntil; // the org's clock when this sync began: the next gap is measured from it
    std::unordered_set<std::string> m_seen; // a full load's license ids (18 characters)
    bool m_lmoHadLicenses = true;
};

Result<QJsonObject> SyncRun::getJson(const QString &path, const QString &doing, const QHash<QByteArray, QByteArray> &headers)
{
    auto r = m_client.get(path, headers);
    if (!r)
        return r.error();
    if (r->status != 200)
        return Client::errorOf(r.value(), doing);
    QJsonParseError e;
    const QJsonDocument doc = QJsonDocument::fromJson(r->body, &e);
    if (!doc.isObject())
        return Error::make(Error::Code::Invalid, QStringLiteral("Salesforce's answer to %1 was not JSON (%2).").arg(doing, e.errorString()));
    return doc.object();
}

Result<void> SyncRun::matchLmo()
{
    LmoRepository lmos(m_db);
    auto known = lmos.all();
    if (!known)
        return known.error();
    const QString org15 = m_report.org.id.left(15);
    auto sameOrg = [&](const KnownLmo &k) {
        auto id = SalesforceId::parse(k.profile.org.orgId);
        return id && id->to15() == org15;
    };
    auto use = [&](const KnownLmo &k) {
        m_report.lmoRef = k.ref;
        m_report.lmo = k.name();
    };
    if (m_options.lmoRef) {
        for (const KnownLmo &k : known.value()) {
            if (k.ref != *m_options.lmoRef)
                continue;
            if (sameOrg(k)) {
                use(k);
                return {};
            }
            if (!k.profile.org.orgId.isEmpty())
                return Error::make(Error::Code::Usage,
                                   QStringLiteral("LMO %1 is %2, but the session is in %3: connect to that org, or choose "
                                                  "the LMO this org is (lmodesk lmo show).")
                                       .arg(k.ref)
                                       .arg(k.name(), m_report.org.label()));
            break; // an LMO with no org recorded: below
        }
    }
    for (const KnownLmo &k : known.value())
        if (sameOrg(k)) {
            use(k);
            return {};
        }
    // Not an LMO of this database's. With one LMO that names no org yet, the first sync goes ahead
    // and records this org as where the licenses came from (the wizard does the rest).
    const bool undesignated = known->size() == 1 && known->first().profile.org.orgId.isEmpty()
                              && (!m_options.lmoRef || *m_options.lmoRef == known->first().ref);
    if (undesignated && !m_options.fileAsNewLmo) {
        auto current = lmos.current();
        if (!current)
            return current.error();
        LmoProfile profile = current.value();
        const LmoOrg from = m_report.org.asLmoOrg();
        profile.org.name = from.name;
        profile.org.orgId = from.orgId;
        profile.org.edition = from.edition;
        profile.org.kind = from.kind;
        profile.org.instance = from.instance;
        profile.org.trialExpiration = from.trialExpiration;
        if (auto r = lmos.save(profile); !r)
            return r;
        m_report.lmoRef = known->first().ref;
        m_report.lmo = m_report.org.label();
        m_report.recordedLmo = true;
        return {};
    }
    if (m_options.fileAsNewLmo) {
        LmoProfile profile;
        profile.org = m_report.org.asLmoOrg();
        QSqlQuery insert(m_db);
        insert.prepare(QStringLiteral("INSERT INTO lmo_profiles (data, is_current) VALUES (?, 0)"));
        insert.addBindValue(QString::fromUtf8(QJsonDocument(profile.toJson()).toJson(QJsonDocument::Compact)));
        if (!insert.exec())
            return sqlError(insert.lastError(), QStringLiteral("filing %1 as another LMO").arg(m_report.org.label()));
        auto ref = queryNumber(m_db, QStringLiteral("SELECT MAX(id) FROM lmo_profiles"), QStringLiteral("filing the LMO"));
        if (!ref)
            return ref.error();
        m_report.lmoRef = ref.value();
        m_report.lmo = m_report.org.label();
        m_report.warnings << QStringLiteral("%1 was filed as another LMO of this database (LMO %2): its licenses carry it.")
                                 .arg(m_report.org.label())
                                 .arg(ref.value());
        return {};
    }
    QStringList names;
    for (const KnownLmo &k : known.value())
        names << QStringLiteral("%1 %2").arg(k.ref).arg(k.label());
    return Error::make(Error::Code::Usage,
                       QStringLiteral("%1 is not this database's LMO (%2). Nothing was read. Connect to the LMO, or, if "
                                      "this org really is another LMO of yours, file it as one (--new-lmo, or \"File as "
                                      "another LMO\" in the window).")
                           .arg(m_report.org.label(), names.join(QStringLiteral("; "))));
}

Result<void> SyncRun::preflight()
{
    if (!m_dir.isValid())
        return Error::make(Error::Code::Io, QStringLiteral("No temporary folder could be made for the sync's pages: %1").arg(m_dir.errorString()));
    if (m_database.isReadOnly())
        return Error::make(Error::Code::ReadOnly, QStringLiteral("%1 is read-only (%2): nothing can be synced into it.")
                                                      .arg(m_database.displayName(), m_database.readOnlyReason()));
    if (!m_database.access().mayImport())
        return Error::make(Error::Code::ReadOnly,
                           QStringLiteral("%1 may not sync into %2: the team's policy lets only partner ops add and change "
                                          "licenses. Ask partner ops to sync.")
                               .arg(m_database.access().login, m_database.displayName()));
    auto version = m_client.chooseVersion();
    if (!version)
        return version.error();
    if (!version->isEmpty())
        m_report.warnings << version.value();
    m_report.apiVersion = m_client.apiVersion();
    // The org's limits before anything else (one request): a sync that would start under the
    // reserve does not start.
    auto limits = getJson(m_client.dataPath(QStringLiteral("limits")), QStringLiteral("reading the org's limits"));
    if (!limits)
        return limits.error();
    if (auto r = m_client.checkBudget(QStringLiteral("the sync began")); !r)
        return r;
    auto org = sf::readOrganization(m_client);
    if (!org)
        return org.error();
    m_report.org = org.value();
    m_report.warnings = sf::worstMistakes(m_report.org) + m_report.warnings;
    m_readUntil = m_client.serverTime().isValid() ? m_client.serverTime().toString(Qt::ISODate) : QString();
    return matchLmo();
}

Result<QStringList> SyncRun::describe(const ObjectSpec &spec, ObjectSync &out)
{
    const QString object = QString::fromLatin1(spec.api);
    auto r = m_client.get(m_client.dataPath(QStringLiteral("sobjects/%1/describe").arg(object)));
    if (!r)
        return r.error();
    if (r->status == 404)
        return Error::make(Error::Code::Invalid,
                           QStringLiteral("%1 has no %2: the License Management App is not installed in it, or this user "
                                          "may not read its objects. Nothing of the %3 was read.")
                               .arg(m_report.org.label(), object, out.label));
    if (r->status != 200)
        return Client::errorOf(r.value(), QStringLiteral("describing %1").arg(object));
    QStringList names;
    QHash<QString, QString> relationships;
    for (const QJsonValue &v : r->json().object().value(QStringLiteral("fields")).toArray()) {
        const QJsonObject f = v.toObject();
        const QString name = f.value(QStringLiteral("name")).toString();
        names << name;
        const QString rel = f.value(QStringLiteral("relationshipName")).toString();
        if (!rel.isEmpty())
            relationships.insert(rel.toLower(), name);
    }
    QStringList missing;
    QStringList fields = syncedFieldsOf(object, names, relationships, &missing);
    out.missingFields = missing;
    if (!names.contains(QStringLiteral("SystemModstamp"), Qt::CaseInsensitive))
        return Error::make(Error::Code::Invalid, QStringLiteral("%1 has no SystemModstamp: it cannot be synced.").arg(object));
    return fields;
}

Result<void> SyncRun::deleteRows(QSqlDatabase &db, const std::vector<std::tuple<qint64, QString, QString, QString>> &rows)
{
    if (rows.empty())
        return {};
    const QString doing = QStringLiteral("removing licenses the org no longer has");
    QStringList orgs;
    QSet<QString> seenOrgs;
    for (size_t first = 0; first < rows.size(); first += kIdsPerStatement) {
        const size_t n = std::min<size_t>(kIdsPerStatement, rows.size() - first);
        QStringList marks;
        for (size_t i = 0; i < n; ++i)
            marks << QStringLiteral("?");
        QSqlQuery del(db);
        if (!del.prepare(QStringLiteral("DELETE FROM licenses WHERE id IN (%1)").arg(marks.join(QLatin1Char(',')))))
            return sqlError(del.lastError(), doing);
        for (size_t i = 0; i < n; ++i)
            del.addBindValue(std::get<0>(rows[first + i]));
        if (!del.exec())
            return sqlError(del.lastError(), doing);
    }
    // A team database's trigger writes the audit rows itself; elsewhere LMO Desk does.
    std::unique_ptr<AuditWriter> audit;
    if (!m_database.storage().auditsOnServer(db))
        audit = std::make_unique<AuditWriter>(m_database);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QString by = m_options.changedBy.isEmpty() ? AuditLog::currentUser() : m_options.changedBy;
    for (const auto &[row, sfId, name, org] : rows) {
        if (!seenOrgs.contains(org)) {
            seenOrgs.insert(org);
            orgs << org;
        }
        if (audit) {
            AuditEntry e;
            e.changedAt = now;
            e.changedBy = by;
            e.recordType = QStringLiteral("license");
            e.recordRef = row;
            e.recordSfId = sfId;
            e.field = QStringLiteral("Deleted");
            e.oldValue = name;
            e.source = source();
            if (auto r = audit->add(e); !r)
                return r;
        }
    }
    if (audit) {
        if (auto r = audit->flush(); !r)
            return r;
    }
    return SubscriberSummary::refresh(db, m_database.dialect(), orgs);
}

Result<qint64> SyncRun::removeLicenses(QSqlDatabase &db, const QStringList &sfIds, bool unseen)
{
    std::vector<std::tuple<qint64, QString, QString, QString>> rows;
    const QString doing = QStringLiteral("finding licenses the org no longer has");
    if (unseen) {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT id, sf_id, name, org_id FROM licenses WHERE lmo_ref = ?"));
        q.addBindValue(m_report.lmoRef);
        if (!q.exec())
            return sqlError(q.lastError(), doing);
        while (q.next()) {
            const QString sfId = q.value(1).toString();
            if (sfId.isEmpty() || !m_seen.count(sfId.toStdString()))
                rows.emplace_back(q.value(0).toLongLong(), sfId, q.value(2).toString(), q.value(3).toString());
        }
    }
    for (qsizetype first = 0; first < sfIds.size(); first += kIdsPerStatement) {
        const qsizetype n = std::min<qsizetype>(kIdsPerStatement, sfIds.size() - first);
        QStringList marks;
        for (qsizetype i = 0; i < n; ++i)
            marks << QStringLiteral("?");
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT id, sf_id, name, org_id FROM licenses WHERE lmo_ref = ? AND sf_id IN (%1)")
                      .arg(marks.join(QLatin1Char(','))));
        q.addBindValue(m_report.lmoRef);
        for (qsizetype i = 0; i < n; ++i)
            q.addBindValue(sfIds[first + i]);
        if (!q.exec())
            return sqlError(q.lastError(), doing);
        while (q.next())
            rows.emplace_back(q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString());
    }
    if (auto r = deleteRows(db, rows); !r)
        return r.error();
    return qint64(rows.size());
}

Result<qint64> SyncRun::removeCatalog(QSqlDatabase &db, RecordKind kind, const QStringList &sfIds)
{
    const bool packages = kind == RecordKind::Package;
    const QString doing = packages ? QStringLiteral("removing packages the org deleted")
                                   : QStringLiteral("removing package versions the org deleted");
    const QString by = m_options.changedBy.isEmpty() ? AuditLog::currentUser() : m_options.changedBy;
    AuditLog audit(db);
    qint64 removed = 0;
    auto audited = [&](const QString &type, qint64 ref, const QString &sfId, const QString &name) -> Result<void> {
        AuditEntry e;
        e.changedAt = QDateTime::currentDateTimeUtc();
        e.changedBy = by;
        e.recordType = type;
        e.recordRef = ref;
        e.recordSfId = sfId;
        e.field = QStringLiteral("Deleted");
        e.oldValue = name;
        e.source = source();
        return audit.record(e);
    };
    auto count = [&](const QString &sql, qint64 ref) -> Result<qint64> {
        QSqlQuery q(db);
        q.prepare(sql);
        q.addBindValue(ref);
        if (!q.exec() || !q.next())
            return sqlError(q.lastError(), doing);
        return q.value(0).toLongLong();
    };
    auto deleteOne = [&](const QString &table, qint64 ref) -> Result<void> {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("DELETE FROM %1 WHERE id = ?").arg(table));
        q.addBindValue(ref);
        if (!q.exec())
            return sqlError(q.lastError(), doing);
        return {};
    };
    for (const QString &sfId : sfIds) {
        QSqlQuery find(db);
        find.prepare(packages ? QStringLiteral("SELECT id, name FROM packages WHERE sf_id = ?")
                              : QStringLiteral("SELECT id, COALESCE(name, version_number) FROM package_versions WHERE sf_id = ?"));
        find.addBindValue(sfId);
        if (!find.exec())
            return sqlError(find.lastError(), doing);
        if (!find.next())
            continue; // never synced here
        const qint64 ref = find.value(0).toLongLong();
        const QString name = find.value(1).toString();
        find.finish();
        auto inUse = count(packages ? QStringLiteral("SELECT COUNT(*) FROM licenses WHERE package_ref = ?")
                                    : QStringLiteral("SELECT COUNT(*) FROM licenses WHERE package_version_ref = ?"),
                           ref);
        if (!inUse)
            return inUse.error();
        if (inUse.value() > 0) {
            m_report.warnings << QStringLiteral("The org deleted %1 %2 (%3), but %4 licenses here still refer to it: it was "
                                                "kept. Sync again once their licenses are gone, or check the org's Recycle Bin.")
                                     .arg(packages ? QStringLiteral("package") : QStringLiteral("package version"), name, sfId,
                                          groupedNumber(inUse.value()));
            continue;
        }
        if (packages) {
            // Its versions go with it, as in the org (a version belongs to its package).
            QSqlQuery versions(db);
            versions.prepare(QStringLiteral("SELECT id, sf_id, COALESCE(name, version_number) FROM package_versions WHERE package_ref = ?"));
            versions.addBindValue(ref);
            if (!versions.exec())
                return sqlError(versions.lastError(), doing);
            std::vector<std::tuple<qint64, QString, QString>> rows;
            while (versions.next())
                rows.emplace_back(versions.value(0).toLongLong(), versions.value(1).toString(), versions.value(2).toString());
            versions.finish();
            for (const auto &[vref, vsf, vname] : rows) {
                if (auto r = deleteOne(QStringLiteral("package_versions"), vref); !r)
                    return r.error();
                if (auto r = audited(QStringLiteral("package_version"), vref, vsf, vname); !r)
                    return r.error();
            }
        }
        if (auto r = deleteOne(packages ? QStringLiteral("packages") : QStringLiteral("package_versions"), ref); !r)
            return r.error();
        if (auto r = audited(packages ? QStringLiteral("package") : QStringLiteral("package_version"), ref, sfId, name); !r)
            return r.error();
        ++removed;
    }
    return removed;
}

Result<void> SyncRun::saveStateOnly(const QString &object, const ObjectState &state)
{
    Transaction t(m_db);
    if (auto r = t.beginWrite(QStringLiteral("saving how far the org was synced")); !r)
        return r;
    if (auto r = writeState(m_db, m_report.lmoRef, object, m_report.org.id, state); !r)
        return r;
    return t.commit(QStringLiteral("saving how far the org was synced"));
}

Result<void> SyncRun::savePage(const ObjectSpec &spec, ObjectSync &out, const QString &csvPath, qint64 rows,
                               const QStringList &deletedIds, const ObjectState &state, bool removeUnseen)
{
    const QString object = QString::fromLatin1(spec.api);
    qint64 deleted = 0;
    auto finish = [&](QSqlDatabase &db) -> Result<void> {
        if (spec.kind == RecordKind::License && (!deletedIds.isEmpty() || removeUnseen)) {
            auto n = removeLicenses(db, deletedIds, removeUnseen);
            if (!n)
                return n.error();
            deleted = n.value();
        } else if (spec.kind != RecordKind::License && !deletedIds.isEmpty()) {
            auto n = removeCatalog(db, spec.kind, deletedIds);
            if (!n)
                return n.error();
            deleted = n.value();
        }
        return writeState(db, m_report.lmoRef, object, m_report.org.id, state);
    };
    if (rows == 0) {
        // Nothing to import: the removals and the state in a transaction of their own.
        Transaction t(m_db);
        if (auto r = t.beginWrite(QStringLiteral("saving the sync")); !r)
            return r;
        if (auto r = m_database.storage().setChangeSource(m_db, source()); !r)
            return r;
        if (auto r = finish(m_db); !r)
            return r;
        if (auto r = t.commit(QStringLiteral("saving the sync")); !r)
            return r;
        out.deleted += deleted;
        return {};
    }
    ImportOptions options;
    options.source = source();
    options.changedBy = m_options.changedBy;
    options.lmoRef = m_report.lmoRef;
    options.beforeCommit = finish;
    auto report = importFile(m_database, csvPath, options);
    if (!report)
        return report.error();
    if (report->kind != spec.kind)
        return Error::make(Error::Code::Invalid, QStringLiteral("The %1 read from the org were taken for %2 records: their "
                                                                "fields (%3) are not what LMO Desk expects.")
                                                     .arg(out.label, kindName(report->kind),
                                                          report->headers.join(QStringLiteral(", "))));
    out.inserted += report->inserted;
    out.updated += report->updated;
    out.unchanged += report->unchanged;
    out.older += report->older;
    out.rejected += report->rejected;
    out.deleted += deleted;
    for (const Rejection &r : report->rejections) {
        if (out.rejections.size() >= kRejectionsKept)
            break;
        const QString id = r.values.isEmpty() ? QString() : r.values.first();
        out.rejections << QStringLiteral("%1 %2: %3%4")
                              .arg(kindName(spec.kind), id.isEmpty() ? QStringLiteral("(no Id)") : id,
                                   r.columnName.isEmpty() ? QString() : r.columnName + QStringLiteral(": "), r.reason);
    }
    return {};
}

Result<void> SyncRun::readRest(const ObjectSpec &spec, ObjectSync &out, const QStringList &fields, ObjectState &state, bool full)
{
    const QString object = QString::fromLatin1(spec.api);
    QStringList select = fields;
    if (!select.contains(QStringLiteral("SystemModstamp")))
        select << QStringLiteral("SystemModstamp");
    QString soql = QStringLiteral("SELECT %1%2 FROM %3").arg(select.join(QStringLiteral(", ")), full ? QString() : QStringLiteral(", IsDeleted"), object);
    if (!full) {
        const QDateTime since = stampOf(state.watermark).addSecs(-m_options.lookbackSeconds);
        soql += QStringLiteral(" WHERE SystemModstamp >= %1").arg(soqlTime(since));
    }
    soql += QStringLiteral(" ORDER BY SystemModstamp, Id");
    out.via = full ? QStringLiteral("REST query") : QStringLiteral("REST queryAll");
    const QHash<QByteArray, QByteArray> headers{
        {"Sforce-Query-Options", "batchSize=" + QByteArray::number(std::clamp(m_options.queryBatchSize, 200, 2000))}};
    QString next = m_client.dataPath(full ? QStringLiteral("query/?q=") : QStringLiteral("queryAll/?q=")) + percent(soql);
    qint64 total = -1;
    const bool licenses = spec.kind == RecordKind::License;
    while (!next.isEmpty()) {
        if (!tell(out.label, QStringLiteral("reading"), out.fetched, total))
            return checkCancel(out);
        auto page = getJson(next, QStringLiteral("the query of %1").arg(object), headers);
        if (!page)
            return page.error();
        total = page->value(QStringLiteral("totalSize")).toInteger(total);
        const QJsonArray records = page->value(QStringLiteral("records")).toArray();
        next = page->value(QStringLiteral("done")).toBool(true) ? QString() : page->value(QStringLiteral("nextRecordsUrl")).toString();
        // The page as an export: the import reads it with every rule it has.
        const QString path = m_dir.filePath(QStringLiteral("%1-%2.csv").arg(object).arg(++m_pages));
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return Error::make(Error::Code::Io, QStringLiteral("%1 cannot be written: %2").arg(path, file.errorString()));
        QByteArray csv;
        QStringList header;
        for (const QString &f : fields)
            header << csvCell(f);
        csv += header.join(QLatin1Char(',')).toUtf8() + '\n';
        QStringList deletedIds;
        qint64 rows = 0;
        ObjectState after = state;
        for (const QJsonValue &v : records) {
            const QJsonObject record = v.toObject();
            const QString stamp = record.value(QStringLiteral("SystemModstamp")).toString();
            if (newer(stamp, after.watermark))
                after.watermark = stamp;
            ++out.fetched;
            const QString id = id18(record.value(QStringLiteral("Id")).toString());
            if (record.value(QStringLiteral("IsDeleted")).toBool()) {
                deletedIds << id;
                continue;
            }
            if (licenses && full)
                m_seen.insert(id.toStdString());
            QStringList cells;
            cells.reserve(fields.size());
            for (const QString &f : fields)
                cells << csvCell(cellOf(record, f));
            csv += cells.join(QLatin1Char(',')).toUtf8() + '\n';
            ++rows;
        }
        if (file.write(csv) != csv.size() || !file.flush())
            return Error::make(Error::Code::WriteFailed, QStringLiteral("%1 could not be written: %2").arg(path, file.errorString()));
        file.close();
        const bool last = next.isEmpty();
        if (last) {
            after.readUntil = m_readUntil;
            if (full) {
                after.fullPending = false;
                after.fullDoneAt = m_readUntil.isEmpty() ? nowText() : m_readUntil;
            }
        }
        if (auto r = savePage(spec, out, path, rows, deletedIds, after, last && full && licenses && m_lmoHadLicenses); !r)
            return r;
        QFile::remove(path);
        state = after;
        out.watermark = state.watermark;
        if (!tell(out.label, QStringLiteral("saved"), out.fetched, total) && !last)
            return checkCancel(out);
    }
    return {};
}

Result<void> SyncRun::readBulk(const ObjectSpec &spec, ObjectSync &out, const QStringList &fields, ObjectState &state)
{
    const QString object = QString::fromLatin1(spec.api);
    QStringList select = fields;
    if (!select.contains(QStringLiteral("SystemModstamp")))
        select << QStringLiteral("SystemModstamp");
    const QString soql = QStringLiteral("SELECT %1 FROM %2").arg(select.join(QStringLiteral(", ")), object);
    out.via = QStringLiteral("Bulk API 2.0");
    const QJsonObject job{{QStringLiteral("operation"), QStringLiteral("query")},
                          {QStringLiteral("query"), soql},
                          {QStringLiteral("contentType"), QStringLiteral("CSV")},
                          {QStringLiteral("columnDelimiter"), QStringLiteral("COMMA")},
                          {QStringLiteral("lineEnding"), QStringLiteral("LF")}};
    auto created = m_client.post(m_client.dataPath(QStringLiteral("jobs/query")), QJsonDocument(job).toJson(QJsonDocument::Compact));
    if (!created)
        return created.error();
    if (created->status != 200 && created->status != 201)
        return Client::errorOf(created.value(), QStringLiteral("the Bulk API query job for %1").arg(object));
    const QString jobId = created->json().object().value(QStringLiteral("id")).toString();
    const QString jobPath = m_client.dataPath(QStringLiteral("jobs/query/%1").arg(jobId));
    // The job is deleted however this ends (results are kept for days otherwise).
    struct JobCleanup
    {
        Client &client;
        QString path;
        ~JobCleanup() { (void)client.remove(path); }
    } cleanup{m_client, jobPath};

    int wait = m_options.bulkPollMs;
    for (;;) {
        if (!tell(out.label, QStringLiteral("waiting for the Bulk API job"), 0, -1))
            return checkCancel(out);
        auto info = getJson(jobPath, QStringLiteral("the Bulk API job %1").arg(jobId));
        if (!info)
            return info.error();
        const QString jobState = info->value(QStringLiteral("state")).toString();
        if (jobState == QLatin1String("JobComplete"))
            break;
        if (jobState == QLatin1String("Failed") || jobState == QLatin1String("Aborted"))
            return Error::make(Error::Code::Invalid, QStringLiteral("The Bulk API job for %1 %2: %3")
                                                         .arg(object, jobState.toLower(),
                                                              info->value(QStringLiteral("errorMessage")).toString()));
        QElapsedTimer waited;
        waited.start();
        while (waited.elapsed() < wait) {
            if (m_options.progress && !m_options.progress(SyncProgress{out.label, QStringLiteral("waiting for the Bulk API job"), 0, -1})) {
                m_cancelled = true;
                return checkCancel(out);
            }
            QThread::msleep(std::min(50, wait));
        }
        wait = std::min(wait * 2, 10'000);
    }

    // Every page into one file, then one import: into an empty table that is the import's fast
    // path, and the whole load commits (with its removals and watermark) or nothing does.
    const QString path = m_dir.filePath(QStringLiteral("%1-bulk.csv").arg(object));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return Error::make(Error::Code::Io, QStringLiteral("%1 cannot be written: %2").arg(path, file.errorString()));
    const bool licenses = spec.kind == RecordKind::License;
    ObjectState after = state;
    QString locator;
    qint64 rows = 0;
    qint64 total = -1;
    bool first = true;
    int idColumn = -1, stampColumn = -1;
    for (;;) {
        if (!tell(out.label, QStringLiteral("reading"), out.fetched, total))
            return checkCancel(out);
        QString page = jobPath + QStringLiteral("/results?maxRecords=%1").arg(m_options.bulkPageRecords);
        if (!locator.isEmpty())
            page += QStringLiteral("&locator=") + percent(locator);
        auto r = m_client.get(page, {{"Accept", "text/csv"}});
        if (!r)
            return r.error();
        if (r->status != 200)
            return Client::errorOf(r.value(), QStringLiteral("the Bulk API results for %1").arg(object));
        const QByteArray &body = r->body;
        // The ids (a full load removes the licenses the org lacks) and the newest SystemModstamp.
        QBuffer buffer;
        buffer.setData(body);
        buffer.open(QIODevice::ReadOnly);
        CsvReader reader(&buffer, ',');
        CsvRecord record;
        qsizetype headerEnd = 0;
        if (reader.next(record)) {
            if (first) {
                for (int c = 0; c < record.size(); ++c) {
                    const QString h = record.text(c);
                    if (h.compare(QLatin1String("Id"), Qt::CaseInsensitive) == 0)
                        idColumn = c;
                    else if (h.compare(QLatin1String("SystemModstamp"), Qt::CaseInsensitive) == 0)
                        stampColumn = c;
                }
            }
            headerEnd = body.indexOf('\n') + 1;
        }
        QString newest = after.watermark;
        qint64 pageRows = 0;
        while (reader.next(record)) {
            if (record.isBlank())
                continue;
            ++pageRows;
            if (idColumn >= 0 && idColumn < record.size() && licenses)
                m_seen.insert(id18(record.text(idColumn)).toStdString());
            if (stampColumn >= 0 && stampColumn < record.size()) {
                const QString stamp = record.text(stampColumn);
                if (newer(stamp, newest))
                    newest = stamp;
            }
        }
        after.watermark = newest;
        const QByteArray data = first ? body : body.mid(headerEnd);
        if (file.write(data) != data.size())
            return Error::make(Error::Code::WriteFailed, QStringLiteral("%1 could not be written: %2").arg(path, file.errorString()));
        first = false;
        rows += pageRows;
        out.fetched += pageRows;
        locator = QString::fromLatin1(r->header("sforce-locator"));
        if (locator.isEmpty() || locator == QLatin1String("null"))
            break;
    }
    if (!file.flush())
        return Error::make(Error::Code::WriteFailed, QStringLiteral("%1 could not be written: %2").arg(path, file.errorString()));
    file.close();
    if (!tell(out.label, QStringLiteral("saving"), out.fetched, out.fetched))
        return checkCancel(out);
    after.readUntil = m_readUntil;
    after.fullPending = false;
    after.fullDoneAt = m_readUntil.isEmpty() ? nowText() : m_readUntil;
    if (auto r = savePage(spec, out, path, rows, {}, after, licenses && m_lmoHadLicenses); !r)
        return r;
    QFile::remove(path);
    state = after;
    out.watermark = state.watermark;
    return {};
}

Result<void> SyncRun::syncObject(const ObjectSpec &spec, ObjectSync &out)
{
    const QString object = QString::fromLatin1(spec.api);
    auto fields = describe(spec, out);
    if (!fields)
        return fields.error();
    auto loaded = readState(m_db, m_report.lmoRef, object);
    if (!loaded)
        return loaded.error();
    ObjectState state = loaded.value();
    bool full = m_options.full || !state.exists || state.watermark.isEmpty() || state.fullPending;
    if (!full) {
        // A gap longer than the Recycle Bin keeps deleted records: they could be missed.
        const QDateTime last = stampOf(state.readUntil);
        const QDateTime now = m_client.serverTime();
        if (!last.isValid() || (now.isValid() && last.secsTo(now) > kDeletedReachSeconds)) {
            full = true;
            m_report.warnings << QStringLiteral("The %1 were last read more than 15 days ago, longer than the org keeps "
                                                "deleted records: they are read whole again.")
                                     .arg(out.label);
        }
    }
    out.full = full;
    if (!full)
        return readRest(spec, out, fields.value(), state, false);

    if (spec.kind == RecordKind::License) {
        m_seen.clear();
        auto had = [&]() -> Result<qint64> {
            QSqlQuery q(m_db);
            q.prepare(QStringLiteral("SELECT COUNT(*) FROM licenses WHERE lmo_ref = ?"));
            q.addBindValue(m_report.lmoRef);
            if (!q.exec() || !q.next())
                return sqlError(q.lastError(), QStringLiteral("counting the LMO's licenses"));
            return q.value(0).toLongLong();
        }();
        if (!had)
            return had.error();
        m_lmoHadLicenses = had.value() > 0;
    }
    // A full load under way is recorded first: interrupted, the next sync loads in full again.
    state.fullPending = true;
    if (auto r = saveStateOnly(object, state); !r)
        return r;
    auto count = getJson(m_client.dataPath(QStringLiteral("query/?q=")) + percent(QStringLiteral("SELECT COUNT() FROM %1").arg(object)),
                         QStringLiteral("counting %1").arg(object));
    if (!count)
        return count.error();
    const qint64 records = count->value(QStringLiteral("totalSize")).toInteger();
    if (records > m_options.bulkThreshold)
        return readBulk(spec, out, fields.value(), state);
    return readRest(spec, out, fields.value(), state, true);
}

Result<void> SyncRun::recordRun()
{
    Transaction t(m_db);
    if (auto r = t.beginWrite(QStringLiteral("recording the sync")); !r)
        return r;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("INSERT INTO sync_runs (lmo_ref, org_id, started_at, finished_at, synced_by, outcome, report) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(m_report.lmoRef);
    q.addBindValue(m_report.org.id);
    q.addBindValue(m_report.startedAt.toString(Qt::ISODateWithMs));
    q.addBindValue(m_report.finishedAt.toString(Qt::ISODateWithMs));
    q.addBindValue(m_options.changedBy.isEmpty() ? AuditLog::currentUser() : m_options.changedBy);
    q.addBindValue(m_report.complete ? QStringLiteral("complete") : QStringLiteral("stopped"));
    q.addBindValue(QString::fromUtf8(QJsonDocument(m_report.toJson()).toJson(QJsonDocument::Compact)));
    if (!q.exec())
        return sqlError(q.lastError(), QStringLiteral("recording the sync"));
    return t.commit(QStringLiteral("recording the sync"));
}

} // namespace

QStringList syncedFieldsOf(const QString &object, const QStringList &describedFields, const QHash<QString, QString> &relationshipOf,
                           QStringList *missing)
{
    RecordKind kind = RecordKind::License;
    for (const ObjectSpec &spec : kObjects)
        if (object.compare(QLatin1String(spec.api), Qt::CaseInsensitive) == 0)
            kind = spec.kind;
    QHash<QString, QString> described; // lower case → as the org spells it
    for (const QString &f : describedFields)
        described.insert(f.toLower(), f);
    QStringList out;
    std::vector<ImportField> covered;
    auto take = [&](const QString &name, ImportField f) {
        out << name;
        covered.push_back(f);
    };
    const std::vector<ImportField> allowed = fieldsFor(kind);
    // The LMA's own names first (sfLma__Org_Edition__c before sfLma__Org_Type__c), Id first of all.
    if (described.contains(QStringLiteral("id")))
        take(QStringLiteral("Id"), ImportField::Id);
    for (ImportField f : allowed) {
        if (f == ImportField::Ignore || f == ImportField::Id)
            continue;
        const QString api = fieldApiName(f);
        if (api.isEmpty())
            continue;
        const qsizetype dot = api.indexOf(QLatin1Char('.'));
        if (dot > 0) {
            if (relationshipOf.contains(api.left(dot).toLower()))
                take(api, f);
        } else if (auto it = described.constFind(api.toLower()); it != described.constEnd()) {
            take(*it, f);
        }
    }
    // Then the other names a field goes by (sfLma__Instance__c where there is no Org_Instance).
    for (const QString &name : describedFields) {
        const ImportField f = recogniseHeader(name);
        if (f == ImportField::Ignore || std::find(allowed.begin(), allowed.end(), f) == allowed.end())
            continue;
        if (std::find(covered.begin(), covered.end(), f) != covered.end())
            continue;
        take(name, f);
    }
    if (missing) {
        for (ImportField f : allowed) {
            if (f == ImportField::Ignore || std::find(covered.begin(), covered.end(), f) != covered.end())
                continue;
            const QString api = fieldApiName(f);
            // Text formulas and relationship names are other forms of fields read already.
            if (api.isEmpty() || api.contains(QLatin1Char('.')) || f == ImportField::LicensedSeats
                || f == ImportField::ExpirationDate)
                continue;
            *missing << api;
        }
    }
    return out;
}

QJsonObject ObjectSync::toJson() const
{
    QJsonObject o{{QStringLiteral("object"), object},
                  {QStringLiteral("full"), full},
                  {QStringLiteral("via"), via},
                  {QStringLiteral("fetched"), fetched},
                  {QStringLiteral("inserted"), inserted},
                  {QStringLiteral("updated"), updated},
                  {QStringLiteral("deleted"), deleted},
                  {QStringLiteral("unchanged"), unchanged},
                  {QStringLiteral("older"), older},
                  {QStringLiteral("rejected"), rejected},
                  {QStringLiteral("watermark"), watermark.isEmpty() ? QJsonValue() : QJsonValue(watermark)}};
    if (!rejections.isEmpty())
        o.insert(QStringLiteral("rejections"), QJsonArray::fromStringList(rejections));
    if (!missingFields.isEmpty())
        o.insert(QStringLiteral("missing_fields"), QJsonArray::fromStringList(missingFields));
    return o;
}

qint64 SyncReport::changed() const
{
    qint64 n = 0;
    for (const ObjectSync &o : objects)
        n += o.inserted + o.updated + o.deleted;
    return n;
}

QJsonObject SyncReport::toJson() const
{
    QJsonObject objectsJson;
    QString watermark;
    for (const ObjectSync &o : objects) {
        objectsJson.insert(o.label, o.toJson());
        if (o.object == QLatin1String("sfLma__License__c"))
            watermark = o.watermark;
    }
    return QJsonObject{
        {QStringLiteral("org"), org.toJson()},
        {QStringLiteral("lmo"), lmoRef},
        {QStringLiteral("lmo_recorded"), recordedLmo},
        {QStringLiteral("complete"), complete},
        {QStringLiteral("stopped"), stopped.isEmpty() ? QJsonValue() : QJsonValue(stopped)},
        {QStringLiteral("objects"), objectsJson},
        {QStringLiteral("requests"), QJsonObject{{QStringLiteral("used"), requests},
                                                 {QStringLiteral("org_used"), usage.known() ? QJsonValue(usage.used) : QJsonValue()},
                                                 {QStringLiteral("org_max"), usage.known() ? QJsonValue(usage.max) : QJsonValue()},
                                                 {QStringLiteral("left"), usage.known() ? QJsonValue(usage.left()) : QJsonValue()}}},
        {QStringLiteral("watermark"), watermark.isEmpty() ? QJsonValue() : QJsonValue(watermark)},
        {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)},
        {QStringLiteral("api_version"), apiVersion},
        {QStringLiteral("started_at"), startedAt.toString(Qt::ISODate)},
        {QStringLiteral("finished_at"), finishedAt.toString(Qt::ISODate)},
    };
}

QString SyncReport::summary() const
{
    QStringList lines;
    for (const QString &w : warnings)
        lines << QStringLiteral("warning: %1").arg(w);
    if (recordedLmo)
        lines << QStringLiteral("This database had no LMO designated: %1 was recorded as where its licenses come from. "
                                "Finish designating it with the setup wizard (LMO Setup in the window).")
                     .arg(org.label());
    lines << QStringLiteral("Synced from %1 into LMO %2%3.").arg(org.label()).arg(lmoRef).arg(complete ? QString() : QStringLiteral(" (stopped early)"));
    for (const ObjectSync &o : objects) {
        lines << QStringLiteral("  %1: %2 fetched (%3, %4), %5 new, %6 changed, %7 removed, %8 unchanged%9%10")
                     .arg(o.label, groupedNumber(o.fetched), o.full ? QStringLiteral("full") : QStringLiteral("changes"), o.via,
                          groupedNumber(o.inserted), groupedNumber(o.updated), groupedNumber(o.deleted), groupedNumber(o.unchanged),
                          o.older ? QStringLiteral(" (%1 older than held)").arg(groupedNumber(o.older)) : QString(),
                          o.rejected ? QStringLiteral(", %1 rejected").arg(groupedNumber(o.rejected)) : QString());
        for (const QString &r : o.rejections)
            lines << QStringLiteral("    rejected: %1").arg(r);
        if (!o.missingFields.isEmpty())
            lines << QStringLiteral("    not in this org: %1").arg(o.missingFields.join(QStringLiteral(", ")));
    }
    lines << QStringLiteral("API requests: %1 made; the org has %2.").arg(groupedNumber(requests), usage.text());
    if (!stopped.isEmpty())
        lines << QStringLiteral("Stopped: %1").arg(stopped);
    return lines.join(QLatin1Char('\n'));
}

Result<SyncReport> syncFromOrg(Database &database, sf::Client &client, const SyncOptions &options)
{
    SyncReport report;
    report.startedAt = QDateTime::currentDateTimeUtc();
    SyncRun run(database, client, options, report);
    if (auto r = run.preflight(); !r)
        return r.error();
    bool stopped = false;
    for (const ObjectSpec &spec : kObjects) {
        ObjectSync o;
        o.object = QString::fromLatin1(spec.api);
        o.label = QString::fromLatin1(spec.label);
        auto r = run.syncObject(spec, o);
        report.objects.push_back(o);
        if (!r) {
            report.stopped = r.error().message;
            report.stopCode = r.error().code;
            stopped = true;
            break;
        }
    }
    report.complete = !stopped;
    if (options.buildIndexes) {
        // What a full load into an empty table left to build; between two indexes a cancel
        // stops it, the rest still recorded (the next import, sync or the window builds them).
        bool cancelled = false;
        QSqlDatabase db = database.connection();
        auto built = buildDeferredIndexes(db, [&](int done, int total) {
            if (total > 0 && options.progress
                && !options.progress(SyncProgress{QStringLiteral("licenses"), QStringLiteral("building the indexes for browsing"),
                                                  done, total}))
                cancelled = true;
            return !cancelled;
        });
        if (!built)
            report.warnings << (built.error().code == Error::Code::Cancelled
                                    ? QStringLiteral("Some indexes for browsing were left to build: the next import or sync, "
                                                     "or the window, builds them. Everything synced is saved.")
                                    : QStringLiteral("The indexes for browsing could not all be built (%1): the next import "
                                                     "or sync tries again. Everything synced is saved.")
                                          .arg(built.error().message));
    }
    report.requests = client.requests();
    report.usage = client.usage();
    report.finishedAt = QDateTime::currentDateTimeUtc();
    if (auto r = run.recordRun(); !r)
        report.warnings << QStringLiteral("The sync was not recorded in the database's list of syncs: %1").arg(r.error().message);
    return report;
}

QString LastSync::statusLine() const
{
    const QJsonObject requests = report.value(QStringLiteral("requests")).toObject();
    qint64 changed = 0;
    const QJsonObject objects = report.value(QStringLiteral("objects")).toObject();
    for (const QString &k : objects.keys()) {
        const QJsonObject o = objects.value(k).toObject();
        changed += o.value(QStringLiteral("inserted")).toInteger() + o.value(QStringLiteral("updated")).toInteger()
                   + o.value(QStringLiteral("deleted")).toInteger();
    }
    const QJsonValue left = requests.value(QStringLiteral("left"));
    const QJsonValue max = requests.value(QStringLiteral("org_max"));
    const QString usage = left.isDouble() ? QStringLiteral("%1 of %2 left").arg(groupedNumber(left.toInteger()), groupedNumber(max.toInteger()))
                                          : QStringLiteral("API use not known");
    const QDateTime local = finishedAt.toLocalTime();
    const QString when = local.date() == QDate::currentDate() ? local.toString(QStringLiteral("HH:mm"))
                                                              : local.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    return QStringLiteral("Synced %1 from %2: %3 changed · %4 requests, %5%6")
        .arg(when, org, groupedNumber(changed), groupedNumber(requests.value(QStringLiteral("used")).toInteger()), usage,
             outcome == QLatin1String("complete") ? QString() : QStringLiteral(" · stopped early"));
}

OrgStanding standingOf(const QList<KnownLmo> &known, const QString &orgId)
{
    OrgStanding out;
    const QString org15 = orgId.trimmed().left(15);
    QStringList names;
    for (const KnownLmo &k : known) {
        auto id = SalesforceId::parse(k.profile.org.orgId);
        if (id && id->to15() == org15) {
            out.kind = OrgStanding::Kind::ItsLmo;
            out.ref = k.ref;
            out.current = k.current;
            return out;
        }
        names << k.name();
    }
    if (known.size() == 1 && known.first().profile.org.orgId.isEmpty())
        out.kind = OrgStanding::Kind::Undesignated;
    out.lmoNames = names.join(QStringLiteral("; "));
    return out;
}

Result<OrgStanding> standingOf(QSqlDatabase db, const QString &orgId)
{
    auto known = LmoRepository(db).all();
    if (!known)
        return known.error();
    return standingOf(known.value(), orgId);
}

Result<std::optional<LastSync>> lastSync(QSqlDatabase db)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT finished_at, outcome, report FROM sync_runs ORDER BY id DESC LIMIT 1")))
        return sqlError(q.lastError(), QStringLiteral("reading the last sync"));
    if (!q.next())
        return std::optional<LastSync>();
    LastSync s;
    s.finishedAt = QDateTime::fromString(q.value(0).toString(), Qt::ISODateWithMs);
    s.outcome = q.value(1).toString();
    s.report = QJsonDocument::fromJson(q.value(2).toString().toUtf8()).object();
    const QJsonObject org = s.report.value(QStringLiteral("org")).toObject();
    s.org = org.value(QStringLiteral("name")).toString();
    if (s.org.isEmpty())
        s.org = org.value(QStringLiteral("id")).toString();
    return std::optional<LastSync>(s);
}

} // namespace lmo
