#include "wizard/lmosetuppage.h"

#include "widgets/pagestyle.h"
#include "lmo/designationsteps.h"
#include "storage/database.h"
#include "storage/packagerepository.h"
#include "storage/sqlutil.h"

#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QScrollArea>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace lmo {

LmoSetupPage::LmoSetupPage(QWidget *parent)
    : DatabasePage(parent), m_facts(new QLabel(this)), m_packages(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("lmoPage"));
    auto *outer = new QVBoxLayout(this);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    outer->addWidget(scroll);
    auto *content = new QWidget(scroll);
    auto *layout = new QVBoxLayout(content);
    scroll->setWidget(content);

    layout->addWidget(makePageHeading(QStringLiteral("LMO setup"), content));
    auto *intro = new QLabel(
        QStringLiteral("Every managed package is tied to one License Management Org (LMO): the org where the License "
                       "Management App records each install. ")
            + designationPermanenceWarning(),
        content);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *factsBox = new QGroupBox(QStringLiteral("This database"), content);
    auto *factsLayout = new QVBoxLayout(factsBox);
    m_facts->setObjectName(QStringLiteral("lmoFacts"));
    m_facts->setWordWrap(true);
    factsLayout->addWidget(m_facts);
    m_packages->setObjectName(QStringLiteral("lmoPackages"));
    m_packages->setRootIsDecorated(false);
    m_packages->setHeaderLabels({QStringLiteral("Package"), QStringLiteral("Package id (033)"),
                                 QStringLiteral("Latest version"), QStringLiteral("First release"),
                                 QStringLiteral("Last license refresh")});
    m_packages->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    m_packages->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_packages->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    factsLayout->addWidget(m_packages);
    layout->addWidget(factsBox);

    for (const DesignationStep &step : designationSteps()) {
        auto *box = new QGroupBox(QStringLiteral("Step %1: %2").arg(step.number).arg(step.title), content);
        auto *boxLayout = new QVBoxLayout(box);
        auto *why = new QLabel(step.why, box);
        why->setWordWrap(true);
        auto *decides = new QLabel(QStringLiteral("<b>Decide:</b> ") + step.decides.toHtmlEscaped(), box);
        decides->setWordWrap(true);
        boxLayout->addWidget(why);
        boxLayout->addWidget(decides);
        layout->addWidget(box);
    }
    layout->addStretch(1);
}

void LmoSetupPage::setDatabase(Database *database)
{
    m_database = database;
    reload();
}

void LmoSetupPage::reload()
{
    m_packages->clear();
    if (!m_database) {
        m_facts->setText(QStringLiteral("No database is open."));
        return;
    }
    QSqlDatabase db = m_database->connection();
    auto packages = PackageRepository(db).all();
    if (!packages) {
        m_facts->setText(packages.error().message);
        return;
    }
    const QLocale locale;
    for (const Package &p : packages.value()) {
        auto *item = new QTreeWidgetItem(m_packages);
        item->setText(0, p.name);
        item->setText(1, p.packageId.isNull() ? QStringLiteral("not recorded") : p.packageId.to18());
        item->setText(2, p.latestVersion);
        item->setText(3, locale.toString(p.releaseDate, QLocale::ShortFormat));
        item->setText(4, p.lastLicenseRefresh.isValid()
                             ? locale.toString(p.lastLicenseRefresh.toLocalTime(), locale.dateFormat(QLocale::ShortFormat)
                                                                                       + QStringLiteral(" HH:mm"))
                             : QStringLiteral("never"));
    }
    m_facts->setText(
        QStringLiteral("Packages registered in this database: %1. The LMO itself (which org, who may see "
                       "license data, how it is documented) is not recorded here yet: the steps below are what "
                       "designating it involves.")
            .arg(locale.toString(qint64(packages->size()))));
}

} // namespace lmo
