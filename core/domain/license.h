#pragma once

#include "domain/salesforceid.h"
#include "domain/status.h"

#include <QDate>
#include <QDateTime>
#include <QString>

namespace lmo {

// sfLma__License__c: one package installed in one subscriber org. Field comments give the API
// name. Lookups hold the related record's id (and, where exports carry it, its name).
// Dates the LMA uses to mean "does not expire": blank, or 1970-01-01.
bool isPerpetualMarker(const QDate &date);

struct License
{
    static constexpr int kSiteLicenseSeats = -1; // sfLma__Seats__c = -1
    static constexpr int kMaxSeats = 99'000'000;

    qint64 rowId = 0;                 // our database key
    SalesforceId id;                  // Id
    QString name;                     // Name, "L-00001"
    SalesforceId accountId;           // sfLma__Account__c
    QString accountName;              // sfLma__Account__r.Name
    SalesforceId contactId;           // sfLma__Contact__c
    SalesforceId leadId;              // sfLma__Lead__c (blank after conversion)
    qint64 packageRowId = 0;          // sfLma__Package__c, as our package key
    QString packageName;              // sfLma__Package__r.Name
    qint64 packageVersionRowId = 0;   // sfLma__Package_Version__c, as our key (0: unknown)
    QString versionNumber;            // sfLma__Version_Number__c, "2.14"
    Status status = Status::Active;   // sfLma__Status__c
    QString licenseStatus;            // sfLma__License_Status__c (record type name, as exported)
    int seats = 0;                    // sfLma__Seats__c, -1 for a site license
    int usedLicenses = 0;             // sfLma__Used_Licenses__c
    QDate expiration;                 // sfLma__Expiration__c; null (or the LMA's 1970-01-01): does not expire
    QDate installDate;                // sfLma__Install_Date__c
    SalesforceId subscriberOrgId;     // sfLma__Subscriber_Org_ID__c (15- or 18-char in exports)
    QString orgEdition;               // sfLma__Org_Edition__c / sfLma__Org_Type__c
    QString orgInstance;              // sfLma__Org_Instance__c / sfLma__Instance__c
    QString orgStatus;                // sfLma__Org_Status__c / sfLma__Org_Status_Formula__c
    QDate orgTrialExpiration;         // sfLma__Org_Trial_Expiration__c
    bool isSandbox = false;           // sfLma__Subscriber_Org_Is_Sandbox__c / sfLma__Is_Sandbox__c
    SalesforceId packageLicenseId;    // sfLma__Package_License_ID__c
    QString proxyUser;                // sfLma__Proxy_User__c
    QString licenseType;              // sfLma__License_Type__c
    QDateTime lastModified;           // sfLma__Last_Modified__c, UTC
    QDateTime systemModstamp;         // SystemModstamp: when the org last changed the record (its clock, UTC)
    qint64 lmoRef = 1;                // the LMO it came from: its lmo_profiles row (1: the first LMO)

    bool isSiteLicense() const { return seats == kSiteLicenseSeats; }
    bool isPerpetual() const { return isPerpetualMarker(expiration); }
    EffectiveStatus effectiveStatusOn(const QDate &asOf) const { return effectiveStatus(status, expiration, asOf); }

    // The LMA's text formulas.
    QString licensedSeatsText() const;  // sfLma__Licensed_Seats__c: "25" or "Site License"
    QString expirationDateText() const; // sfLma__Expiration_Date__c: "2026-03-31" or "Does not expire"
};

} // namespace lmo
