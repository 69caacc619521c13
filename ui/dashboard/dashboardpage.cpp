#include "dashboard/dashboardpage.h"

#include "dashboard/chartrenderer.h"
#include "shell/backgroundjob.h"
#include "storage/database.h"
#include "widgets/lmochooser.h"
#include "widgets/pagestyle.h"

#include <QAbstractBarSeries>
#include <QApplication>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateEdit>
#include <QFileDialog>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QPieSeries>
#include <QPieSlice>
#include <QPushButton>
#include <QScrollArea>
#include <QSqlQuery>
#include <QToolButton>
#include <QTextDocument>
#include <QToolTip>
#include <QVBoxLayout>

namespace lmo {

class KpiTile : public QFrame
{
public:
    KpiTile(const QString &caption, const QString &tip, QWidget *parent) : QFrame(parent), m_value(new QLabel(this))
    {
        setFrameShape(QFrame::StyledPanel);
        setBackgroundRole(QPalette::Base);
        setAutoFillBackground(true);
        setToolTip(tip);
        auto *layout = new QVBoxLayout(this);
        layout->setContentsMargins(12, 8, 12, 8);
        QFont big = m_value->font();
        big.setPointSizeF(big.pointSizeF() * 1.6);
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
    : DatabasePage(parent), m_status(new QLabel(this)), m_package(new QComboBox(this)),
      m_lmo(new LmoChooser(LmoChooser::Mode::Filter, this)),
      m_installed(new QCheckBox(QStringLiteral("Installed from"), this)), m_from(new QDateEdit(this)),
      m_to(new QDateEdit(this)), m_sandboxes(new QCheckBox(QStringLiteral("Include sandboxes"), this)),
      m_asOf(new QDateEdit(this)), m_report(new QPushButton(QStringLiteral("Export dashboard report…"), this)),
      m_tiles(new QGridLayout)
{
    setObjectName(QStringLiteral("dashboardPage"));
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    top->addWidget(makePageHeading(QStringLiteral("Dashboard"), this));
    top->addStretch(1);
    m_report->setObjectName(QStringLiteral("exportReport"));
    top->addWidget(m_report);
    layout->addLayout(top);

    auto *filters = new QHBoxLayout;
    m_package->setObjectName(QStringLiteral("dashboardPackage"));
    m_package->setMinimumWidth(150);
    m_package->setAccessibleName(QStringLiteral("Package"));
    filters->addWidget(m_package);
    m_lmo->setObjectName(QStringLiteral("dashboardLmo"));
    filters->addWidget(m_lmo);
    m_installed->setObjectName(QStringLiteral("dashboardInstalled"));
    filters->addWidget(m_installed);
    for (QDateEdit *d : {m_from, m_to, m_asOf}) {
        d->setCalendarPopup(true);
        d->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    }
    m_from->setObjectName(QStringLiteral("dashboardFrom"));
    m_to->setObjectName(QStringLiteral("dashboardTo"));
    m_from->setDate(QDate::currentDate().addYears(-1));
    m_to->setDate(QDate::currentDate());
    m_from->setEnabled(false);
    m_to->setEnabled(false);
    filters->addWidget(m_from);
    filters->addWidget(new QLabel(QStringLiteral("to"), this));
    filters->addWidget(m_to);
    m_sandboxes->setObjectName(QStringLiteral("dashboardSandboxes"));
    m_sandboxes->setToolTip(QStringLiteral("Left out by default: partner ops count customers, not their sandboxes"));
    filters->addWidget(m_sandboxes);
    auto *asOfLabel = new QLabel(QStringLiteral("As of"), this);
    asOfLabel->setBuddy(m_asOf);
    filters->addWidget(asOfLabel);
    m_asOf->setObjectName(QStringLiteral("dashboardAsOf"));
    m_asOf->setDate(QDate::currentDate());
    filters->addWidget(m_asOf);
    filters->addStretch(1);
    layout->addLayout(filters);
    m_status->setObjectName(QStringLiteral("summary"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *content = new QWidget;
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    m_tiles->setSpacing(8);
    addTile(QStringLiteral("licenses"), QStringLiteral("Licenses"), QString(), 0, 0);
    addTile(QStringLiteral("subscriber_orgs"), QStringLiteral("Subscriber orgs"), QString(), 0, 1);
    addTile(QStringLiteral("packages"), QStringLiteral("Packages"), QString(), 0, 2);
    addTile(QStringLiteral("active"), QStringLiteral("Active (today)"), QString(), 0, 3);
    addTile(QStringLiteral("trial"), QStringLiteral("Trial (today)"), QString(), 0, 4);
    addTile(QStringLiteral("expired"), QStringLiteral("Expired"), QStringLiteral("Active or Trial, past the expiration"), 0, 5);
    addTile(QStringLiteral("uninstalled"), QStringLiteral("Uninstalled"), QString(), 1, 0);
    addTile(QStringLiteral("suspended"), QStringLiteral("Suspended"), QString(), 1, 1);
    addTile(QStringLiteral("expiring_within_30_days"), QStringLiteral("Expiring within 30 days"), QString(), 1, 2);
    addTile(QStringLiteral("site_licenses"), QStringLiteral("Site licenses"), QString(), 1, 3);
    addTile(QStringLiteral("perpetual_licenses"), QStringLiteral("Do not expire"), QString(), 1, 4);
    addTile(QStringLiteral("sandbox_licenses"), QStringLiteral("Sandbox licenses"), QString(), 1, 5);
    addTile(QStringLiteral("seats_licensed"), QStringLiteral("Seats licensed"), QStringLiteral("On installed seat licenses"), 2, 0);
    addTile(QStringLiteral("seats_used"), QStringLiteral("Seats used"), QStringLiteral("On installed licenses"), 2, 1);
    addTile(QStringLiteral("seat_utilisation"), QStringLiteral("Seat utilisation"),
            QStringLiteral("Used of licensed seats, on installed seat licenses (site licenses have no count)"), 2, 2);
    addTile(QStringLiteral("trial_conversion"), QStringLiteral("Trial conversion, 90 days"),
            QStringLiteral("Of the last 90 days' installs now Active or Trial, the share Active. The LMA keeps no "
                           "status history: a license bought outright counts as converted."),
            2, 3);
    addTile(QStringLiteral("uninstalls_30_days"), QStringLiteral("Uninstalls, 30 days"),
            QStringLiteral("Uninstalled licenses whose last change falls in the last 30 days"), 2, 4);
    addTile(QStringLiteral("net_growth"), QStringLiteral("Net growth this month"),
            QStringLiteral("Installs minus uninstalls this month to date; last month's beneath"), 2, 5);
    contentLayout->addLayout(m_tiles);
    auto *grid = new QGridLayout;
    grid->setSpacing(10);
    // Installs per month across the page (24 months need the width); the others in pairs.
    buildChartCard(ChartId::InstallsByMonth, grid, 0, 0);
    for (int i = 1; i < kChartCount; ++i)
        buildChartCard(ChartId(i), grid, 1 + (i - 1) / 2, (i - 1) % 2);
    contentLayout->addLayout(grid);
    contentLayout->addStretch(1);
    scroll->setWidget(content);
    layout->addWidget(scroll, 1);

    connect(m_package, &QComboBox::currentIndexChanged, this, &DashboardPage::reload);
    connect(m_lmo, &LmoChooser::lmoChanged, this, &DashboardPage::reload);
    connect(m_installed, &QCheckBox::toggled, this, [this](bool on) {
        m_from->setEnabled(on);
        m_to->setEnabled(on);
        reload();
    });
    connect(m_from, &QDateEdit::dateChanged, this, [this] {
        if (m_installed->isChecked())
            reload();
    });
    connect(m_to, &QDateEdit::dateChanged, this, [this] {
        if (m_installed->isChecked())
            reload();
    });
    connect(m_sandboxes, &QCheckBox::toggled, this, &DashboardPage::reload);
    connect(m_asOf, &QDateEdit::dateChanged, this, &DashboardPage::reload);
    connect(m_report, &QPushButton::clicked, this, &DashboardPage::askExportReport);
}

void DashboardPage::addTile(const QString &key, const QString &caption, const QString &tip, int row, int column)
{
    auto *tile = new KpiTile(caption, tip, this);
    tile->setObjectName(QStringLiteral("tile_") + key);
    m_tiles->addWidget(tile, row, column);
    m_tileByKey.insert(key, tile);
}

void DashboardPage::buildChartCard(ChartId id, QGridLayout *grid, int row, int column)
{
    auto *card = new QFrame(this);
    card->setFrameShape(QFrame::StyledPanel);
    auto *layout = new QVBoxLayout(card);
    layout->setContentsMargins(4, 4, 4, 4);
    auto *bar = new QHBoxLayout;
    bar->addStretch(1);
    auto *exportButton = new QToolButton(card);
    exportButton->setObjectName(QStringLiteral("export_") + chartKey(id));
    exportButton->setText(QStringLiteral("Export"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    exportButton->setAccessibleName(QStringLiteral("Export %1").arg(chartKey(id)));
    auto *menu = new QMenu(exportButton);
    menu->addAction(QStringLiteral("PNG image…"), this, [this, id] { askExportChart(id, QStringLiteral("png"), 1.0); });
    menu->addAction(QStringLiteral("PNG image, 2× (sharp on slides)…"), this, [this, id] { askExportChart(id, QStringLiteral("png"), 2.0); });
    menu->addAction(QStringLiteral("PNG image, 3×…"), this, [this, id] { askExportChart(id, QStringLiteral("png"), 3.0); });
    menu->addAction(QStringLiteral("SVG (vector)…"), this, [this, id] { askExportChart(id, QStringLiteral("svg"), 1.0); });
    menu->addAction(QStringLiteral("PDF (vector)…"), this, [this, id] { askExportChart(id, QStringLiteral("pdf"), 1.0); });
    menu->addSeparator();
    menu->addAction(QStringLiteral("Copy to clipboard"), this, [this, id] {
        if (!m_metrics)
            return;
        QImage image(QSize(2400, 1500), QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(2.0);
        image.fill(Qt::white);
        QPainter p(&image);
        p.setRenderHint(QPainter::Antialiasing);
        ChartRenderer::paint(m_metrics->chart(id), &p, QRectF(0, 0, 1200, 750), ChartRenderer::exportPalette());
        p.end();
        QApplication::clipboard()->setImage(image);
    });
    exportButton->setMenu(menu);
    bar->addWidget(exportButton);
    layout->addLayout(bar);
    auto *view = new QChartView(card);
    view->setObjectName(QStringLiteral("chart_") + chartKey(id));
    view->setRenderHint(QPainter::Antialiasing);
    // Room for every category label of the longest lists (10 and "Other").
    view->setMinimumHeight(id == ChartId::InstallsByMonth ? 380
                           : id == ChartId::VersionAdoption || id == ChartId::TopInstances ? 420
                                                                                            : 320);
    view->setChart(new QChart);
    layout->addWidget(view, 1);
    m_views.insert(int(id), view);
    if (id == ChartId::InstallsByMonth)
        grid->addWidget(card, row, 0, 1, 2);
    else
        grid->addWidget(card, row, column);
}

InstallBaseFilter DashboardPage::filter() const
{
    InstallBaseFilter f;
    f.asOf = m_asOf->date();
    f.package = m_package->currentIndex() > 0 ? m_package->currentText() : QString();
    if (m_installed->isChecked()) {
        f.installedFrom = m_from->date();
        f.installedTo = m_to->date();
    }
    f.includeSandboxes = m_sandboxes->isChecked();
    f.lmo = m_lmo->lmo();
    if (f.lmo)
        f.lmoName = m_lmo->lmoName();
    return f;
}

void DashboardPage::setFilter(const InstallBaseFilter &f)
{
    m_applying = true;
    m_asOf->setDate(f.day());
    const int at = m_package->findText(f.package);
    m_package->setCurrentIndex(f.package.isEmpty() || at < 0 ? 0 : at);
    m_installed->setChecked(f.installedFrom.isValid() || f.installedTo.isValid());
    if (f.installedFrom.isValid())
        m_from->setDate(f.installedFrom);
    if (f.installedTo.isValid())
        m_to->setDate(f.installedTo);
    m_sandboxes->setChecked(f.includeSandboxes);
    m_lmo->setLmo(f.lmo);
    m_applying = false;
    reload();
}

QString DashboardPage::tileText(const QString &key) const
{
    const KpiTile *tile = m_tileByKey.value(key);
    return tile ? tile->value() : QString();
}

QString DashboardPage::summaryText() const
{
    return m_status->text();
}

void DashboardPage::setDatabase(Database *database)
{
    m_database = database;
    // The packages this database knows, for the filter.
    m_applying = true;
    const QString keep = m_package->currentText();
    m_package->clear();
    m_package->addItem(QStringLiteral("All packages"));
    if (m_database) {
        QSqlQuery q(m_database->connection());
        if (q.exec(QStringLiteral("SELECT name FROM packages ORDER BY name")))
            while (q.next())
                m_package->addItem(q.value(0).toString());
    }
    const int at = m_package->findText(keep);
    m_package->setCurrentIndex(at > 0 ? at : 0);
    if (m_database)
        m_lmo->load(m_database->connection());
    else
        m_lmo->clearChoices();
    m_applying = false;
    reload();
}

void DashboardPage::reload()
{
    if (m_applying)
        return;
    const int generation = ++m_generation;
    if (!m_database) {
        m_status->setText(QStringLiteral("No database is open."));
        m_metrics.reset();
        for (KpiTile *tile : std::as_const(m_tileByKey))
            tile->setValue(QStringLiteral("—"));
        for (QChartView *view : std::as_const(m_views)) {
            QChart *old = view->chart();
            view->setChart(new QChart);
            delete old;
        }
        m_report->setEnabled(false);
        return;
    }
    m_status->setText(QStringLiteral("Computing…"));
    const InstallBaseFilter f = filter();
    runInBackground<DashboardMetrics>(
        this, m_database->connectionSpec(), [f](QSqlDatabase &db) { return computeDashboard(db, f); },
        [this, generation](const Result<DashboardMetrics> &m) {
            if (generation != m_generation)
                return; // an older filter's answer
            if (!m) {
                m_status->setText(m.error().message);
                return;
            }
            show(m.value());
            emit refreshed();
        });
}

void DashboardPage::changeEvent(QEvent *event)
{
    DatabasePage::changeEvent(event);
    // View > Light / Dark: the charts take their colours from the palette when built.
    if (event->type() == QEvent::PaletteChange && m_metrics && !m_applying) {
        const DashboardMetrics shown = *m_metrics;
        show(shown);
    }
}

void DashboardPage::show(const DashboardMetrics &m)
{
    m_metrics = m;
    const QLocale locale;
    const InstallBaseStats &s = m.stats;
    auto n = [&](qint64 v) { return locale.toString(v); };
    const QString described = m.filter.describe();
    m_status->setText(QStringLiteral("As of %1; %2. Hover a bar or slice for its value; click it to list those licenses.")
                          .arg(locale.toString(s.asOf, QLocale::LongFormat),
                               described.isEmpty() ? QStringLiteral("every license") : described));
    const QJsonObject json = s.toJson();
    for (const QString &key : {QStringLiteral("licenses"), QStringLiteral("subscriber_orgs"), QStringLiteral("packages"),
                               QStringLiteral("expiring_within_30_days"), QStringLiteral("site_licenses"),
                               QStringLiteral("perpetual_licenses"), QStringLiteral("sandbox_licenses"),
                               QStringLiteral("seats_licensed"), QStringLiteral("seats_used")})
        m_tileByKey[key]->setValue(n(json.value(key).toInteger()));
    m_tileByKey[QStringLiteral("active")]->setValue(n(s.byEffectiveStatus.value(EffectiveStatus::Active)));
    m_tileByKey[QStringLiteral("trial")]->setValue(n(s.byEffectiveStatus.value(EffectiveStatus::Trial)));
    m_tileByKey[QStringLiteral("expired")]->setValue(n(s.byEffectiveStatus.value(EffectiveStatus::Expired)));
    m_tileByKey[QStringLiteral("uninstalled")]->setValue(n(s.byEffectiveStatus.value(EffectiveStatus::Uninstalled)));
    m_tileByKey[QStringLiteral("suspended")]->setValue(n(s.byEffectiveStatus.value(EffectiveStatus::Suspended)));
    auto pct = [&](std::optional<double> v) {
        return v ? QStringLiteral("%1%").arg(locale.toString(*v * 100.0, 'f', 1)) : QStringLiteral("—");
    };
    m_tileByKey[QStringLiteral("seat_utilisation")]->setValue(pct(m.seatUtilisation()));
    m_tileByKey[QStringLiteral("trial_conversion")]->setValue(pct(m.trialConversion()));
    m_tileByKey[QStringLiteral("uninstalls_30_days")]->setValue(n(m.uninstalls30));
    m_tileByKey[QStringLiteral("net_growth")]->setValue(QStringLiteral("%1%2").arg(m.netThisMonth > 0 ? QStringLiteral("+") : QString(), n(m.netThisMonth)));
    m_tileByKey[QStringLiteral("net_growth")]->setToolTip(QStringLiteral("Installs minus uninstalls this month to date. Last month: %1%2")
                                                              .arg(m.netLastMonth > 0 ? QStringLiteral("+") : QString(), n(m.netLastMonth)));

    for (const ChartData &data : m.charts) {
        QChartView *view = m_views.value(int(data.id));
        QChart *chart = ChartRenderer::build(data, palette());
        const ChartId id = data.id;
        for (QAbstractSeries *series : chart->series()) {
            if (auto *bars = qobject_cast<QAbstractBarSeries *>(series)) {
                const bool horizontal = data.kind == ChartData::Kind::HorizontalBars;
                const QStringList categories = data.categories;
                for (QBarSet *set : bars->barSets()) {
                    const QString name = set->property("series").toString(); // the label is escaped for Qt Charts
                    auto categoryAt = [categories, horizontal](int index) {
                        return horizontal ? categories.value(categories.size() - 1 - index) : categories.value(index);
                    };
                    connect(set, &QBarSet::hovered, view, [view, set, categoryAt, name](bool on, int index) {
                        if (on)
                            // Plain text: a tooltip that looks like HTML would be read as HTML.
                            QToolTip::showText(QCursor::pos(),
                                               Qt::convertFromPlainText(QStringLiteral("%1 — %2: %3")
                                                                            .arg(categoryAt(index), name,
                                                                                 QLocale().toString(qint64(set->at(index))))),
                                               view);
                        else
                            QToolTip::hideText();
                    });
                    connect(set, &QBarSet::clicked, this, [this, id, categoryAt, name](int index) {
                        chartClicked(id, categoryAt(index), name);
                    });
                }
            } else if (auto *pie = qobject_cast<QPieSeries *>(series)) {
                for (QPieSlice *slice : pie->slices()) {
                    const QString category = slice->property("category").toString();
                    connect(slice, &QPieSlice::hovered, view, [slice](bool on) { slice->setExploded(on); });
                    connect(slice, &QPieSlice::clicked, this, [this, id, category] { chartClicked(id, category, QString()); });
                }
            }
        }
        QChart *old = view->chart();
        view->setChart(chart);
        delete old;
    }
    m_report->setEnabled(true);
}

std::optional<LicenseFilter> DashboardPage::licensesFor(ChartId chart, const QString &category, const QString &series,
                                                        QString *why) const
{
    if (!m_metrics) {
        *why = QStringLiteral("The dashboard has not been computed yet.");
        return std::nullopt;
    }
    const InstallBaseFilter &f = m_metrics->filter;
    LicenseFilter l;
    l.asOf = f.day();
    if (!f.includeSandboxes)
        l.sandbox = false;
    l.installedFrom = f.installedFrom;
    l.installedTo = f.installedTo;
    l.lmo = f.lmo;
    if (!f.package.isEmpty()) {
        QSqlQuery q(m_database->connection());
        q.prepare(QStringLiteral("SELECT id FROM packages WHERE name = ?"));
        q.addBindValue(f.package);
        if (q.exec() && q.next())
            l.packages << q.value(0).toLongLong();
    }
    const QList<Status> installed{Status::Active, Status::Trial, Status::Suspended};
    if (category == QLatin1String("Other")) {
        *why = QStringLiteral("\"Other\" gathers everything outside the largest few; the license list cannot filter by that.");
        return std::nullopt;
    }
    switch (chart) {
    case ChartId::StatusMix:
        if (auto s = effectiveStatusFromString(category)) {
            l.effectiveStatuses = {*s};
            return l;
        }
        break;
    case ChartId::EditionMix:
        l.editions = {category};
        l.statuses = installed;
        return l;
    case ChartId::TopInstances:
        l.instances = {category};
        l.statuses = installed;
        return l;
    case ChartId::VersionAdoption: {
        // "Package 1.2" without a package filter; "1.2" with one.
        QString version = category;
        if (f.package.isEmpty()) {
            QSqlQuery q(m_database->connection());
            if (q.exec(QStringLiteral("SELECT id, name FROM packages")))
                while (q.next()) {
                    const QString name = q.value(1).toString();
                    if (category.startsWith(name + QLatin1Char(' '))) {
                        l.packages = {q.value(0).toLongLong()};
                        version = category.mid(name.size() + 1);
                        break;
                    }
                }
        }
        if (version == QLatin1String("(no version)")) {
            *why = QStringLiteral("Licenses without a version number cannot be picked out in the license list.");
            return std::nullopt;
        }
        l.versions = {version};
        l.statuses = installed;
        return l;
    }
    case ChartId::InstallsByMonth: {
        if (series != QLatin1String("Installs")) {
            *why = QStringLiteral("The license list filters by install date; uninstalls are dated by the license's last "
                                  "change, which it cannot filter by. Click the installs bar instead.");
            return std::nullopt;
        }
        const QDate month = QDate::fromString(category + QStringLiteral("-01"), Qt::ISODate);
        if (!month.isValid())
            break;
        QDate from = month, to = month.addMonths(1).addDays(-1);
        if (l.installedFrom.isValid() && l.installedFrom > from)
            from = l.installedFrom;
        if (l.installedTo.isValid() && l.installedTo < to)
            to = l.installedTo;
        if (to > l.asOf)
            to = l.asOf;
        l.installedFrom = from;
        l.installedTo = to;
        return l;
    }
    case ChartId::ExpirationsByMonth:
        *why = QStringLiteral("The license list filters expirations by \"within N days\", not by month: use its Expiring "
                              "within filter.");
        return std::nullopt;
    case ChartId::SeatUtilization:
        *why = QStringLiteral("The license list cannot filter by seats used against licensed: sort it by Used instead.");
        return std::nullopt;
    }
    *why = QStringLiteral("This part of the chart has no matching list.");
    return std::nullopt;
}

void DashboardPage::chartClicked(ChartId id, const QString &category, const QString &series)
{
    QString why;
    if (auto l = licensesFor(id, category, series, &why))
        emit licensesRequested(*l);
    else
        QToolTip::showText(QCursor::pos(), Qt::convertFromPlainText(why), this);
}

Result<void> DashboardPage::exportChart(ChartId id, const QString &path, double scale) const
{
    if (!m_metrics)
        return Error::make(Error::Code::Invalid, QStringLiteral("The dashboard has not been computed yet."));
    return ChartRenderer::exportChart(m_metrics->chart(id), path, QSize(1200, 750), scale);
}

Result<int> DashboardPage::exportReport(const QString &path) const
{
    if (!m_metrics)
        return Error::make(Error::Code::Invalid, QStringLiteral("The dashboard has not been computed yet."));
    return ChartRenderer::exportReport(*m_metrics, path);
}

void DashboardPage::askExportChart(ChartId id, const QString &format, double scale)
{
    if (!m_metrics)
        return;
    const QString suggested = QStringLiteral("%1-%2%3.%4")
                                  .arg(chartKey(id), m_metrics->filter.day().toString(Qt::ISODate),
                                       scale > 1 ? QStringLiteral("@%1x").arg(scale) : QString(), format);
    const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Export chart"), suggested,
                                                      QStringLiteral("%1 (*.%2)").arg(format.toUpper(), format));
    if (path.isEmpty())
        return;
    if (auto r = exportChart(id, path, scale); !r)
        QMessageBox::warning(this, QStringLiteral("Export chart"), r.error().message);
}

void DashboardPage::askExportReport()
{
    if (!m_metrics)
        return;
    const QString path = QFileDialog::getSaveFileName(
        this, QStringLiteral("Export dashboard report"),
        QStringLiteral("install-base-%1.pdf").arg(m_metrics->filter.day().toString(Qt::ISODate)), QStringLiteral("PDF (*.pdf)"));
    if (path.isEmpty())
        return;
    auto pages = exportReport(path);
    if (!pages)
        QMessageBox::warning(this, QStringLiteral("Export dashboard report"), pages.error().message);
}

} // namespace lmo
