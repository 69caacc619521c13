#pragma once

#include "domain/salesforceid.h"

#include <QDate>
#include <QDateTime>
#include <QString>

namespace lmo {

// sfLma__Package__c: a managed package registered to this LMO.
struct Package
{
    qint64 rowId = 0;
    SalesforceId id;                  // Id of the sfLma__Package__c record
    QString name;                     // Name
    SalesforceId packageId;           // sfLma__Package_ID__c, the 033 id
    QString developerName;            // sfLma__Developer_Name__c
    SalesforceId developerOrgId;      // sfLma__Developer_Org_ID__c
    QString latestVersion;            // sfLma__Latest_Version__c
    QDate releaseDate;                // sfLma__Release_Date__c
    QString leadManager;              // sfLma__Lead_Manager__c
    QDateTime lastLicenseRefresh;     // sfLma__Last_License_Refresh__c
    QDateTime nextAvailableRefresh;   // sfLma__Next_Available_Refresh__c (refresh at most every 7 days)
};

// sfLma__Package_Version__c: one uploaded version of a package.
struct PackageVersion
{
    qint64 rowId = 0;
    SalesforceId id;                  // Id
    qint64 packageRowId = 0;          // sfLma__Package__c (master-detail)
    QString name;                     // Name, e.g. "Spring '26"
    QString version;                  // sfLma__Version__c
    QString versionNumber;            // sfLma__Version_Number__c, "2.14" or "2.14.1"
    SalesforceId versionId;           // sfLma__Version_ID__c, the 04t installable id
    bool isBeta = false;              // sfLma__Is_Beta__c
    QDate releaseDate;                // sfLma__Release_Date__c
    int sequence = 0;                 // sfLma__Sequence__c
};

} // namespace lmo
