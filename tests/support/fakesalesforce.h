#pragma once

// A fake Salesforce for the tests and the sync benchmark: an HTTP/1.1 server on 127.0.0.1 (a
// random port, its own thread) that answers as the documented API does, for what LMO Desk asks:
//   OAuth: /services/oauth2/authorize (302 to the redirect, the code carrying "==" encoded once),
//          /token (authorization_code checked against the PKCE S256 challenge; refresh_token),
//          /revoke, and the identity URL /id/<org>/<user>;
//   REST:  /services/data/ (versions, not counted), vNN.0/limits, sobjects/X/describe,
//          query and queryAll (pages under 2,000 records, nextRecordsUrl, IsDeleted rows only in
//          queryAll, WHERE SystemModstamp >=, ORDER BY SystemModstamp, Id; SELECT COUNT()),
//          the Organization record;
//   Bulk 2.0: jobs/query create, poll (InProgress, then JobComplete), results by maxRecords with
//          Sforce-Locator ("null" on the last page) and Sforce-NumberOfRecords, delete.
// Every data response carries Sforce-Limit-Info and a Date from the fake's clock. Faults on
// demand: a 401 once, a 503 once, the daily limit (403 REQUEST_LIMIT_EXCEEDED), a revoked refresh
// token (invalid_grant). Records are kept compactly (one CSV line each) so that the benchmark
// can hold a million licenses.

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QString>
#include <QStringList>

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

class QThread;

namespace lmo::test {

class FakeSalesforce
{
public:
    FakeSalesforce();
    ~FakeSalesforce();
    FakeSalesforce(const FakeSalesforce &) = delete;
    FakeSalesforce &operator=(const FakeSalesforce &) = delete;

    bool start(QString *error = nullptr);
    quint16 port() const { return m_port; }
    QString url() const; // http://127.0.0.1:PORT

    // The org.
    QString orgId() const;
    void setOrganization(const QString &name, const QString &type, bool sandbox, const QString &trialExpiration,
                         const QString &instance);
    void setOrgId(const QString &id18);

    // OAuth.
    QString clientId = QStringLiteral("3MVG9fakeConsumerKey");
    QString username = QStringLiteral("ops@partner.example");
    QString validAccessToken() const; // a session tests may hand to the client directly
    void revokeRefreshTokens();       // the next refresh gets invalid_grant
    int tokenRequests() const { return m_tokenRequests.load(); }
    QString lastCodeVerifier() const;
    QString lastReceivedCode() const; // as the token endpoint decoded it

    // Faults, each once (any thread).
    void expireSessionOnce() { m_expireOnce = true; }
    void failWith503Once() { m_fail503Once = true; }
    void setLimit(qint64 used, qint64 max);
    // While held, query and queryAll requests wait unanswered (a sync caught in the middle);
    // heldRequests() counts those that waited.
    void holdQueries(bool hold) { m_hold = hold; }
    int heldRequests() const { return m_heldCount.load(); }
    void waitWhileHeld(); // the server's thread, before answering a query
    qint64 apiUsed() const { return m_used.load(); }
    qint64 apiMax() const { return m_max.load(); }
    qint64 requests() const { return m_requests.load(); } // every request the server answered
    QStringList requestLog() const;                     // "GET /services/data/v62.0/limits", in order
    void clearRequestLog();

    // The clock the records' SystemModstamp and the Date header come from (default: real time).
    void setNow(const QDateTime &now);
    QDateTime now() const;

    // Records. Objects: sfLma__Package__c, sfLma__Package_Version__c, sfLma__License__c. Field
    // lists are the LMA's; removeField() makes an org without one (describe no longer lists it).
    void removeField(const QString &object, const QString &field);
    // Adds a record (SystemModstamp: now()); returns its Id. Values by API name; relationship
    // values as "sfLma__Package__r.Name".
    QString add(const QString &object, const QHash<QString, QString> &values);
    // Changes fields (SystemModstamp moves to now()).
    bool update(const QString &object, const QString &id, const QHash<QString, QString> &values);
    bool remove(const QString &object, const QString &id); // to the Recycle Bin: queryAll shows IsDeleted
    void purge(const QString &object, const QString &id);  // gone, as after the Recycle Bin is emptied
    void setStamp(const QString &object, const QString &id, const QDateTime &stamp); // without changing anything
    QDateTime stamp(const QString &object, const QString &id) const;
    qint64 count(const QString &object) const;
    QString field(const QString &object, const QString &id, const QString &field) const;
    // A small LMA: `packages` packages with a version each, `licenses` licenses over them.
    // Returns the license ids.
    QStringList seed(int packages, int licenses, int seedValue = 1);
    // The benchmark's million: licenses written straight into the compact store.
    void seedMany(qint64 licenses);
    // The object's live records as a Bulk API 2.0 result would carry them (one CSV file, these
    // fields; none: Id, every stored field, SystemModstamp): the benchmark imports it beside a
    // sync of the same records.
    bool writeCsv(const QString &object, const QStringList &fields, const QString &path) const;
    int queryBatchSizeSeen() const { return m_batchSeen.load(); }

    // internal, for the server's thread
    struct Impl;

private:
    std::unique_ptr<Impl> d;
    quint16 m_port = 0;
    QThread *m_thread = nullptr;
    std::atomic<bool> m_expireOnce{false}, m_fail503Once{false}, m_hold{false};
    std::atomic<int> m_heldCount{0};
    std::atomic<qint64> m_used{0}, m_max{15000}, m_requests{0};
    std::atomic<int> m_tokenRequests{0}, m_batchSeen{0};
    friend struct Impl;
};

} // namespace lmo::test
