#pragma once

#include "wizard/steppage.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace lmo {

// Step 3, "Install the License Management App": its version, and whether the License and
// Subscriber objects are visible, which "verify now" can confirm from a License export.
class InstallLmaPage : public StepPage
{
    Q_OBJECT
public:
    explicit InstallLmaPage(LmoWizard *wizard);

    void load(const LmoProfile &profile) override;
    void store(LmoProfile &profile) const override;
    QStringList problems() const override;

    // What checking `file` found, shown on the page (and returned); ticks "objects visible"
    // when it holds licenses.
    QString showCheck(const QString &file, const Result<LmaExportCheck> &check);
    // While an export is read: the button waits.
    void setVerifying(bool verifying);

    QLineEdit *version() const { return m_version; }
    QCheckBox *objectsVisible() const { return m_visible; }

signals:
    // The user picked a License export to verify.
    void verifyRequested(const QString &file);

private:
    QLineEdit *m_version;
    QCheckBox *m_visible;
    QLabel *m_verification;
    QPushButton *m_verify;
};

} // namespace lmo
