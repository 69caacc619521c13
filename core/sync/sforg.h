#pragma once

// The org a session is in, as its Organization record says, held against what the LMO may be.

#include "lmo/lmoprofile.h"
#include "sync/sfclient.h"

#include <QDate>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace lmo::sf {

struct OrgRecord
{
    QString id;   // 18 characters
    QString name;
    QString type; // OrganizationType: "Enterprise Edition", "Developer Edition", …
    QString instance;
    bool sandbox = false;
    QDate trialExpiration; // null: not a trial
    QString label() const; // "Acme Licensing (00D…)"
    // The org as the LMO profile records it (kind from every field that says one).
    LmoOrg asLmoOrg() const;
    QJsonObject toJson() const;
};

// SELECT … FROM Organization.
Result<OrgRecord> readOrganization(Client &client);
OrgRecord organizationFromJson(const QJsonObject &record);

// The seed's worst mistake, each field that shows it named: an LMO in a sandbox (IsSandbox, a
// sandbox instance), a trial (TrialExpirationDate) or a Developer Edition (OrganizationType).
// Empty for a paid production org.
QStringList worstMistakes(const OrgRecord &org);

} // namespace lmo::sf
