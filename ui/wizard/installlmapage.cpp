#include "wizard/installlmapage.h"

#include <QCheckBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace lmo {

InstallLmaPage::InstallLmaPage(LmoWizard *wizard) : StepPage(3, wizard)
{
    m_version = new QLineEdit;
    m_version->setObjectName(QStringLiteral("lmaVersion"));
    m_version->setPlaceholderText(QStringLiteral("e.g. 1.15 (Setup > Installed Packages > License Management App)"));
    m_visible = new QCheckBox(QStringLiteral("The License and Subscriber objects (tabs) are visible in the org"));
    m_verification = new QLabel;
    m_verification->setObjectName(QStringLiteral("lmaVerification"));
    m_verification->setWordWrap(true);
    QVBoxLayout *layout = body();
    auto *form = new QFormLayout;
    form->addRow(QStringLiteral("LMA &version:"), m_version);
    layout->addLayout(form);
    layout->addWidget(m_visible);
    m_verify = new QPushButton(QStringLiteral("Verify now: &read a License export…"));
    m_verify->setObjectName(QStringLiteral("verifyExport"));
    m_verify->setToolTip(QStringLiteral("Reads a Data Loader or CLI export of sfLma__License__c into a scratch database and "
                                        "says what it holds; nothing is written to this database."));
    layout->addWidget(m_verify, 0, Qt::AlignLeft);
    layout->addWidget(m_verification);
    problemsLabel()->setObjectName(QStringLiteral("lmaProblems"));
    layout->addStretch(1);
    watch({m_version, m_visible});
    connect(m_verify, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, QStringLiteral("A License export from the LMO"), QString(),
                                                          QStringLiteral("CSV (*.csv *.tsv *.txt)"));
        if (!file.isEmpty())
            emit verifyRequested(file);
    });
}

void InstallLmaPage::load(const LmoProfile &p)
{
    m_version->setText(p.lmaVersion);
    m_visible->setChecked(p.lmaObjectsVisible);
    m_verification->setText(p.lmaVerification);
}

void InstallLmaPage::store(LmoProfile &p) const
{
    p.lmaVersion = m_version->text().trimmed();
    p.lmaObjectsVisible = m_visible->isChecked();
    p.lmaVerification = m_verification->text();
}

QStringList InstallLmaPage::problems() const
{
    const LmoProfile p = answers();
    QStringList missing;
    if (p.lmaVersion.isEmpty())
        missing << QStringLiteral("Give the LMA's version (Setup > Installed Packages > License Management App).");
    if (!p.lmaObjectsVisible)
        missing << QStringLiteral("Tick \"The License and Subscriber objects are visible\" once you have seen them in the "
                                  "org, or verify now with a License export.");
    return missing;
}

QString InstallLmaPage::showCheck(const QString &file, const Result<LmaExportCheck> &check)
{
    const QLocale locale;
    const QString name = QFileInfo(file).fileName();
    if (!check) {
        m_verification->setText(check.error().message);
    } else if (check->licenses == 0) {
        m_verification->setText(QStringLiteral("%1 holds no license LMO Desk can read (%2 rows rejected): export "
                                               "sfLma__License__c from the LMO with Data Loader or the sf CLI, and try again.")
                                    .arg(name, locale.toString(check->rejected)));
    } else {
        auto list = [&](const QList<QPair<QString, qint64>> &counts) {
            QStringList parts;
            for (const auto &[what, count] : counts)
                parts << QStringLiteral("%1 %2").arg(what, locale.toString(count));
            return parts.join(QStringLiteral(", "));
        };
        m_verification->setText(QStringLiteral("Found %1 licenses (%2 rejected) in %3: the LMA's data can be read.\n"
                                               "By package: %4.\nBy status: %5.")
                                    .arg(locale.toString(check->licenses), locale.toString(check->rejected), name,
                                         list(check->byPackage), list(check->byStatus)));
        m_visible->setChecked(true);
    }
    emit answersChanged();
    return m_verification->text();
}

void InstallLmaPage::setVerifying(bool verifying)
{
    m_verify->setEnabled(!verifying);
    if (verifying)
        m_verification->setText(QStringLiteral("Reading the export…"));
}

} // namespace lmo
