#include "dashboard/dashboardpage.h"

#include "widgets/pagestyle.h"
#include "shell/backgroundjob.h"
#include "storage/database.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QFrame>
#include <QGridLayout>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QLocale>
#include <QValueAxis>
#include <QVBoxLayout>

namespace lmo {

class KpiTile : public QFrame
{
public:
    KpiTile(const QString &caption, QWidget *parent) : QFrame(parent), m_value(new QLabel(this))
    {
        setFrameShape(QFrame::StyledPanel);
        setBackgroundRole(QPalette::Base);
        setAutoFillBackground(true);
        auto *layout = new QVBoxLayout(this);
        layout->setContentsMargins(12, 8, 12, 8);
        QFont big = m_value->font();
        big.setPointSizeF(big.pointSizeF() * 1.8);
        big.setBold(true);
        m_value->setFont(big);
        m_value->setText(QStringLiteral("…"));
        auto *label = new QLabel(caption, this);
        label->setForegroundRole(QPalette::PlaceholderText);
        label->setWordWrap(true);
        layout->addWidget(m_value);
        layout->addWidget(label);
    }
    void setValue(const QString &text) { m_value->setText(text); }
    QString value() const { return m_value->text(); }

private:
    QLabel *m_value;
};

DashboardPage::DashboardPage(QWidget *parent)
    : DatabasePage(parent), m_status(new QLabel(this)), m_tiles(new QGridLayout), m_chartView(new QChartView(this))
{
    setObjectName(QStringLiteral("dashboardPage"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(makePageHeading(QStringLiteral("Dashboard"), this));
    m_status->setObjectName(QStringLiteral("summary"));
    layout->addWidget(m_status);

    m_tiles->setSpacing(8);
    addTile(QStringLiteral("licenses"), QStringLiteral("Licenses"), 0, 0);
    addTile(QStringLiteral("subscriber_orgs"), QStringLiteral("Subscriber orgs"), 0, 1);
    addTile(QStringLiteral("packages"), QStringLiteral("Packages"), 0, 2);
    addTile(QStringLiteral("active"), QStringLiteral("Active (effective)"), 0, 3);
    addTile(QStringLiteral("trial"), QStringLiteral("Trial (effective)"), 0, 4);
    addTile(QStringLiteral("expired"), QStringLiteral("Expired"), 0, 5);
    addTile(QStringLiteral("expiring_within_30_days"), QStringLiteral("Expiring within 30 days"), 1, 0);
    addTile(QStringLiteral("seats_licensed"), QStringLiteral("Seats licensed"), 1, 1);
    addTile(QStringLiteral("seats_used"), QStringLiteral("Seats used"), 1, 2);
    addTile(QStringLiteral("site_licenses"), QStringLiteral("Site licenses"), 1, 3);
    addTile(QStringLiteral("sandbox_licenses"), QStringLiteral("Sandbox licenses"), 1, 4);
    addTile(QStringLiteral("uninstalled"), QStringLiteral("Uninstalled"), 1, 5);
    layout->addLayout(m_tiles);

    m_chartView->setObjectName(QStringLiteral("statusChart"));
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(260);
    layout->addWidget(m_chartView, 1);
}

void DashboardPage::addTile(const QString &key, const QString &caption, int row, int column)
{
    auto *tile = new KpiTile(caption, this);
    tile->setObjectName(QStringLiteral("tile_") + key);
    m_tiles->addWidget(tile, row, column);
    m_tileByKey.insert(key, tile);
}

QString DashboardPage::tileText(const QString &key) const
{
    const KpiTile *tile = m_tileByKey.value(key);
    return tile ? tile->value() : QString();
}

void DashboardPage::setDatabase(Database *database)
{
    m_database = database;
    reload();
}

void DashboardPage::reload()
{
    const int generation = ++m_generation;
    for (KpiTile *tile : std::as_const(m_tileByKey))
        tile->setValue(QStringLiteral("…"));
    if (!m_database) {
        m_status->setText(QStringLiteral("No database is open."));
        replaceChart(new QChart);
        return;
    }
    m_status->setText(QStringLiteral("Computing…"));
    const QDate asOf = QDate::currentDate();
    runInBackground<InstallBaseStats>(
        this, m_database->connectionSpec(),
        [asOf](QSqlDatabase &db) { return computeInstallBaseStats(db, asOf); },
        [this, generation](const Result<InstallBaseStats> &stats) {
            if (generation != m_generation)
                return;
            if (!stats) {
                m_status->setText(stats.error().message);
                return;
            }
            show(stats.value());
            emit refreshed();
        });
}

void DashboardPage::show(const InstallBaseStats &s)
{
    const QLocale locale;
    auto n = [&](qint64 v) { return locale.toString(v); };
    m_status->setText(QStringLiteral("As of %1. Effective status: a Trial or Active license past its expiration "
                                     "counts as Expired.")
                          .arg(locale.toString(s.asOf, QLocale::LongFormat)));
    m_tileByKey[QStringLiteral("licenses")]->setValue(n(s.licenses));
    m_tileByKey[QStringLiteral("subscriber_orgs")]->setValue(n(s.subscriberOrgs));
    m_tileByKey[QStringLiteral("packages")]->setValue(n(s.packages));
    m_tileByKey[QStringLiteral("active")]->setValue(n(s.byEffectiveStatus.value(EffectiveStatus::Active)));
    m_tileByKey[QStringLiteral("trial")]->setValue(n(s.byEffectiveStatus.value(EffectiveStatus::Trial)));
    m_tileByKey[QStringLiteral("expired")]->setValue(n(s.byEffectiveStatus.value(EffectiveStatus::Expired)));
    m_tileByKey[QStringLiteral("uninstalled")]->setValue(n(s.byEffectiveStatus.value(EffectiveStatus::Uninstalled)));
    m_tileByKey[QStringLiteral("expiring_within_30_days")]->setValue(n(s.expiringWithin30Days));
    m_tileByKey[QStringLiteral("seats_licensed")]->setValue(n(s.seatsLicensed));
    m_tileByKey[QStringLiteral("seats_used")]->setValue(n(s.seatsUsed));
    m_tileByKey[QStringLiteral("site_licenses")]->setValue(n(s.siteLicenses));
    m_tileByKey[QStringLiteral("sandbox_licenses")]->setValue(n(s.sandboxLicenses));

    auto *set = new QBarSet(QStringLiteral("Licenses"));
    QStringList categories;
    // Listed bottom to top in a horizontal bar chart: reverse so Active reads first.
    for (auto it = kAllEffectiveStatuses.rbegin(); it != kAllEffectiveStatuses.rend(); ++it) {
        // The count sits in the category label: bar labels cannot group thousands.
        categories << QStringLiteral("%1  %2").arg(statusName(*it), n(s.byEffectiveStatus.value(*it)));
        *set << double(s.byEffectiveStatus.value(*it));
    }
    set->setColor(palette().color(QPalette::Highlight));
    set->setLabelColor(palette().color(QPalette::Text));
    auto *series = new QHorizontalBarSeries;
    series->append(set);

    auto *chart = new QChart;
    chart->setTitle(QStringLiteral("Licenses by effective status, as of %1").arg(s.asOf.toString(Qt::ISODate)));
    chart->addSeries(series);
    chart->legend()->setVisible(false);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setBackgroundBrush(palette().brush(QPalette::Base));
    chart->setTitleBrush(palette().brush(QPalette::Text));
    auto *axisY = new QBarCategoryAxis;
    axisY->append(categories);
    axisY->setLabelsBrush(palette().brush(QPalette::Text));
    chart->addAxis(axisY, Qt::AlignLeft);
    series->attachAxis(axisY);
    auto *axisX = new QValueAxis;
    axisX->setTitleText(QStringLiteral("Licenses"));
    axisX->setLabelFormat(QStringLiteral("%.0f"));
    qint64 maximum = 1;
    for (qint64 v : s.byEffectiveStatus)
        maximum = qMax(maximum, v);
    axisX->setRange(0, double(maximum) * 1.05);
    axisX->applyNiceNumbers();
    axisX->setLabelsBrush(palette().brush(QPalette::Text));
    axisX->setTitleBrush(palette().brush(QPalette::Text));
    chart->addAxis(axisX, Qt::AlignBottom);
    series->attachAxis(axisX);

    replaceChart(chart);
}

void DashboardPage::replaceChart(QChart *chart)
{
    // The view gives up the old chart without deleting it.
    QChart *old = m_chartView->chart();
    m_chartView->setChart(chart);
    delete old;
}

} // namespace lmo
