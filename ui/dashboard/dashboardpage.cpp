#include "dashboard/dashboardpage.h"

#include "dashboard/chartrenderer.h"
#include "lmo/lmoprofile.h"
#include "document/document.h"
#include "document/jobrunner.h"
#include "billing/reconcile.h"
#include "storage/database.h"
#include "storage/packagerepository.h"
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
#include <QToolButton>
#include <QMouseEvent>
#include <QTextDocument>
#include <QToolTip>

#include <functional>
#include <QVBoxLayout>

namespace lmo {

namespace {

QString ordinalSuffix(int n)
{
    if (n % 100 >= 11 && n % 100 <= 13)
        return QStringLiteral("th");
    switch (n % 10) {
    case 1: return QStringLiteral("st");
    case 2: return QStringLiteral("nd");
    case 3: return QStringLiteral("rd");
    default: return QStringLiteral("th");
    }
}

} // namespace

class KpiTile : public QFrame
{
public:
    KpiTile(const QString &caption, const QString &tip, QWidget *parent)
        : QFrame(parent), m_value(new QLabel(this)), m_caption(new QLabel(caption, this))
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
        m_caption->setObjectName(QStringLiteral("caption"));
        m_caption->setForegroundRole(QPalette::PlaceholderText);
        m_caption->setWordWrap(true);
        layout->addWidget(m_value);
        layout->addWidget(m_caption);
    }
    void setValue(const QString &text) { m_value->setText(text); }
    QString value() const { return m_value->text(); }
    QString caption() const { return m_caption->text(); }
    void setCaption(const QString &text) { m_caption->setText(text); }
    std::function<void()> onClick;

protected:
    void mouseReleaseEvent(QMouseEvent *event) override
    {
        if (event->button() == Qt::LeftButton && rect().contains(event->position().toPoint()) && onClick)
            onClick();
        QFrame::mouseReleaseEvent(event);
    }

private:
    QLabel *m_value;
    QLabel *m_caption;
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
    addTile(QStringLiteral("active"), QStringLiteral("Active"), QString(), 0, 3);
    addTile(QStringLiteral("trial"), QStringLiteral("Trial"), QString(), 0, 4);
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
            QStringLiteral("Licenses uninstalled in the 30 days to the as-of day (the day from the audit log, else "
                           "the license's last change)"), 2, 4);
    addTile(QStringLiteral("net_growth"), QStringLiteral("Net growth this month"),
            QStringLiteral("Installs minus uninstalls this month to date; last month's beneath"), 2, 5);
    addTile(QStringLiteral("billed_monthly"), QStringLiteral("Billed a month"),
            QStringLiteral("Monthly recurring revenue of the subscriptions billing now (active, past due), from the billing "
                           "imported: the whole install base, whatever the filters above"), 3, 0);
    addTile(QStringLiteral("revenue_at_risk"), QStringLiteral("Revenue at risk a month"),
            QStringLiteral("Billed but not licensed (the license Suspended or Uninstalled), or in dunning (past due on a live "
                           "license): click for those findings"), 3, 1);
    addTile(QStringLiteral("revenue_missed"), QStringLiteral("Revenue missed a month, estimated"),
            QStringLiteral("Active licenses nothing bills, at each package's usual price a seat: click for those findings"), 3, 2);
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
    tile->setCursor(Qt::PointingHandCursor);
    tile->onClick = [this, key] { tileClicked(key); };
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
    // The scene answers the view's own tooltip event (after the pointer rests) by hiding every
    // tooltip, since no graphics item has one: that took the bar's value away after a second.
    // The bars and slices show their values on hover; the view's tooltip events are dropped.
    view->viewport()->installEventFilter(this);
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
    f.package = !m_packagesKnown && !m_pendingPackage.isEmpty() ? m_pendingPackage
                : m_package->currentIndex() > 0                 ? m_package->currentText()
                                                                : QString();
    if (m_installed->isChecked()) {
        f.installedFrom = m_from->date();
        f.installedTo = m_to->date();
    }
    f.includeSandboxes = m_sandboxes->isChecked();
    f.lmo = !m_lmosKnown && m_pendingLmo ? m_pendingLmo : m_lmo->lmo();
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
    m_pendingPackage = m_packagesKnown ? QString() : f.package;
    m_pendingLmo = m_lmosKnown ? std::nullopt : f.lmo;
    m_applying = false;
    reload();
}

QString DashboardPage::tileCaption(const QString &key) const
{
    const KpiTile *tile = m_tileByKey.value(key);
    return tile ? tile->caption() : QString();
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
    m_billingDay = QDate();
    if (document()) {
        // What the billing system charges, or the licenses set beside it, changed: the revenue
        // tiles read again (the rest of the page follows the licenses alone).
        connect(document(), &Document::billingChanged, this, &DashboardPage::reloadBilling, Qt::UniqueConnection);
        connect(document(), &Document::licensesChanged, this, &DashboardPage::reloadBilling, Qt::UniqueConnection);
    }
    const quint64 opened = ++m_opened;
    m_packages.clear();
    m_packagesKnown = m_lmosKnown = false;
    m_pendingPackage.clear();
    m_pendingLmo.reset();
    // The packages this database knows, for the filter: read off the UI thread, the choice
    // kept when the new database has a package of that name.
    m_applying = true;
    const QString keep = m_package->currentText();
    m_package->clear();
    m_package->addItem(QStringLiteral("All packages"));
    m_lmo->clearChoices(); // one LMO (the usual case): no choice to offer, the chooser hidden
    m_applying = false;
    if (m_database && document()) {
        document()->read<std::vector<Package>>(
            this, [](QSqlDatabase &db) { return PackageRepository(db).all(); },
            [this, keep, opened](const Result<std::vector<Package>> &packages) {
                if (opened != m_opened || !packages)
                    return;
                m_packages = packages.value();
                const QString pending = std::exchange(m_pendingPackage, QString());
                m_packagesKnown = true;
                m_applying = true;
                for (const Package &p : m_packages)
                    m_package->addItem(p.name);
                const int at = m_package->findText(pending.isEmpty() ? keep : pending);
                m_package->setCurrentIndex(at > 0 ? at : 0);
                m_applying = false;
                // The kept package's figures; a package asked for before the list came was
                // already in the figures unless this database has none of that name.
                if (pending.isEmpty() ? at > 0 : at <= 0)
                    reload();
            },
            true);
        // After a switch of LMO there are several to choose from: read off the UI thread (the
        // chooser shows itself only when there is a choice).
        document()->read<QList<KnownLmo>>(
            this, [](QSqlDatabase &db) { return LmoRepository(db).all(); },
            [this, opened](const Result<QList<KnownLmo>> &lmos) {
                if (opened != m_opened || !lmos || !m_database)
                    return;
                const std::optional<qint64> pending = std::exchange(m_pendingLmo, std::nullopt);
                m_lmosKnown = true;
                m_applying = true;
                m_lmo->setLmos(lmos.value());
                if (pending)
                    m_lmo->setLmo(pending);
                m_applying = false;
                if (pending && m_lmo->lmo() != pending)
                    reload(); // this database has no such LMO: every LMO's figures
            },
            true);
    } else if (m_database) {
        // No document (a page on its own): read on the UI thread.
        m_applying = true;
        if (auto packages = PackageRepository(m_database->connection()).all()) {
            m_packages = packages.value();
            for (const Package &p : m_packages)
                m_package->addItem(p.name);
            const int at = m_package->findText(keep);
            m_package->setCurrentIndex(at > 0 ? at : 0);
        }
        m_lmo->load(m_database->connection());
        m_applying = false;
        m_packagesKnown = m_lmosKnown = true;
    }
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
    // The revenue tiles depend on the day alone (and on changes, which read them again).
    if (f.day() != m_billingDay)
        reloadBilling();
    // A job of the window's (the status bar shows it), on a connection of its own: the charts'
    // queries take a while on a million licenses and must not hold up the pages' reads.
    JobRunner *jobs = document() ? document()->jobs() : JobRunner::application();
    JobOptions options;
    options.title = QStringLiteral("Computing the dashboard");
    jobs->runOnDatabase<DashboardMetrics>(
        this, m_database->readingSpec(), options,
        [f](QSqlDatabase &db, JobContext &) { return computeDashboard(db, f); },
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

void DashboardPage::reloadBilling()
{
    const int generation = ++m_billingGeneration;
    const QStringList keys{QStringLiteral("billed_monthly"), QStringLiteral("revenue_at_risk"), QStringLiteral("revenue_missed")};
    m_billingDay = QDate();
    if (!m_database)
        return;
    m_billingDay = filter().day();
    for (const QString &key : keys)
        m_tileByKey[key]->setValue(QStringLiteral("…"));
    struct Figures
    {
        bool any = false;
        std::map<QString, billing::Money> money;
    };
    billing::ReconcileOptions options;
    options.asOf = filter().day();
    JobRunner *jobs = document() ? document()->jobs() : JobRunner::application();
    JobOptions job;
    job.title = QStringLiteral("Computing revenue from billing");
    jobs->runOnDatabase<Figures>(
        this, m_database->readingSpec(), job,
        [options](QSqlDatabase &db, JobContext &context) -> Result<Figures> {
            billing::ReconcileOptions o = options;
            o.cancelled = [&context] { return context.isCancelled(); };
            auto r = billing::reconcile(db, o);
            if (!r)
                return r.error();
            return Figures{r->subscriptions > 0, r->money};
        },
        [this, generation, keys](const Result<Figures> &r) {
            if (generation != m_billingGeneration)
                return;
            m_billingAny = r && r->any;
            if (!r || !r->any) {
                const QString why = !r ? (r.error().message.contains(QStringLiteral("permission denied"), Qt::CaseInsensitive)
                                              ? QStringLiteral("Billing is partner ops' alone on this team database.")
                                              : r.error().message)
                                       : QStringLiteral("No billing imported yet: File > Import billing…");
                for (const QString &key : keys) {
                    m_tileByKey[key]->setValue(QStringLiteral("—"));
                    m_tileByKey[key]->setToolTip(why);
                }
                return;
            }
            auto text = [&](qint64 billing::Money::*member) {
                QStringList parts;
                for (const auto &[currency, m] : r->money)
                    parts << currency + u' ' + billing::moneyText(m.*member);
                return parts.isEmpty() ? QStringLiteral("0.00") : parts.join(u'\n');
            };
            m_tileByKey[QStringLiteral("billed_monthly")]->setValue(text(&billing::Money::mrr));
            m_tileByKey[QStringLiteral("revenue_at_risk")]->setValue(text(&billing::Money::atRisk));
            m_tileByKey[QStringLiteral("revenue_missed")]->setValue(text(&billing::Money::missedEstimate));
            qint64 missed = 0;
            for (const auto &[currency, m] : r->money)
                missed += m.missedLicenses;
            m_tileByKey[QStringLiteral("revenue_missed")]->setCaption(
                QStringLiteral("Revenue missed a month, estimated (%1 licenses nothing bills)").arg(QLocale().toString(missed)));
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
    const QString caveat = s.asOfCaveat();
    m_status->setText(QStringLiteral("As of %1; %2. Hover a bar or slice for its value; click it to list those licenses.%3")
                          .arg(locale.toString(s.asOf, QLocale::LongFormat),
                               described.isEmpty() ? QStringLiteral("every license") : described,
                               caveat.isEmpty() ? QString() : QStringLiteral("\n") + caveat));
    // The captions name the day they count on (ISO, as the filter shows it), never "today".
    const QString day = s.asOf.toString(Qt::ISODate);
    const QString month = QLocale::c().toString(s.asOf, QStringLiteral("MMMM yyyy"));
    m_tileByKey[QStringLiteral("active")]->setCaption(QStringLiteral("Active on %1").arg(day));
    m_tileByKey[QStringLiteral("trial")]->setCaption(QStringLiteral("Trial on %1").arg(day));
    m_tileByKey[QStringLiteral("expired")]->setCaption(QStringLiteral("Expired by %1").arg(day));
    m_tileByKey[QStringLiteral("uninstalled")]->setCaption(QStringLiteral("Uninstalled by %1").arg(day));
    m_tileByKey[QStringLiteral("suspended")]->setCaption(QStringLiteral("Suspended on %1").arg(day));
    m_tileByKey[QStringLiteral("expiring_within_30_days")]->setCaption(QStringLiteral("Expiring in 30 days from %1").arg(day));
    m_tileByKey[QStringLiteral("trial_conversion")]->setCaption(QStringLiteral("Trial conversion, 90 days to %1").arg(day));
    m_tileByKey[QStringLiteral("uninstalls_30_days")]->setCaption(QStringLiteral("Uninstalls, 30 days to %1").arg(day));
    m_tileByKey[QStringLiteral("net_growth")]->setCaption(QStringLiteral("Net growth in %1, to the %2").arg(month, QString::number(s.asOf.day()) + ordinalSuffix(s.asOf.day())));
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
    m_tileByKey[QStringLiteral("net_growth")]->setToolTip(QStringLiteral("Installs minus uninstalls in the as-of month, to the as-of day. The month before: %1%2")
                                                              .arg(m.netLastMonth > 0 ? QStringLiteral("+") : QString(), n(m.netLastMonth)));
    // What the team's policy keeps from this login reads as empty: its figures would be zeros
    // that mean nothing, so they say why instead.
    if (m_database) {
        const team::SessionAccess &access = m_database->access();
        struct Hidden
        {
            const char *tile;
            const char *label;
            const char *column;
        };
        const Hidden hidden[] = {{"site_licenses", "Site licenses", "seats"},
                                 {"seats_licensed", "Seats licensed", "seats"},
                                 {"seat_utilisation", "Seat utilisation", "seats"},
                                 {"seats_used", "Seats used", "used_licenses"},
                                 {"seat_utilisation", "Seat utilisation", "used_licenses"}};
        for (const Hidden &h : hidden) {
            if (!access.isHidden(QString::fromLatin1(h.column)))
                continue;
            KpiTile *tile = m_tileByKey[QString::fromLatin1(h.tile)];
            tile->setValue(QStringLiteral("—"));
            tile->setCaption(QStringLiteral("%1: not shown to %2").arg(QLatin1String(h.label), access.login));
        }
    }

    const bool seatsHidden = m_database && (m_database->access().isHidden(QStringLiteral("seats"))
                                            || m_database->access().isHidden(QStringLiteral("used_licenses")));
    for (const ChartData &shown : m.charts) {
        // Seats a team's policy keeps from this login read as empty: the chart of them would be
        // one bar of nothing, so it says why instead.
        ChartData data = shown;
        if (seatsHidden && data.id == ChartId::SeatUtilization) {
            data.title += QStringLiteral(": not shown to %1").arg(m_database->access().login);
            data.note = QStringLiteral("The team's policy keeps seats from this login.");
            data.categories.clear();
            data.series.clear();
        }
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
                    set->setSelectedColor(set->color().lighter(135));
                    connect(set, &QBarSet::hovered, view, [view, set, categoryAt, name](bool on, int index) {
                        if (on) {
                            set->selectBar(index);
                            // Plain text: a tooltip that looks like HTML would be read as HTML.
                            QToolTip::showText(QCursor::pos(),
                                               Qt::convertFromPlainText(QStringLiteral("%1 — %2: %3")
                                                                            .arg(categoryAt(index), name,
                                                                                 QLocale().toString(qint64(set->at(index))))),
                                               view);
                        } else {
                            set->deselectBar(index);
                            QToolTip::hideText();
                        }
                    });
                    connect(set, &QBarSet::clicked, this, [this, id, categoryAt, name](int index) {
                        chartClicked(id, categoryAt(index), name);
                    });
                }
            } else if (auto *pie = qobject_cast<QPieSeries *>(series)) {
                for (QPieSlice *slice : pie->slices()) {
                    const QString category = slice->property("category").toString();
                    connect(slice, &QPieSlice::hovered, view, [view, slice, category](bool on) {
                        slice->setExploded(on);
                        if (on)
                            QToolTip::showText(QCursor::pos(),
                                               Qt::convertFromPlainText(QStringLiteral("%1: %2 (%3%)")
                                                                            .arg(category, QLocale().toString(qint64(slice->value())),
                                                                                 QLocale().toString(slice->percentage() * 100.0, 'f', 1))),
                                               view);
                        else
                            QToolTip::hideText();
                    });
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

std::optional<LicenseFilter> DashboardPage::baseLicenseFilter(QString *why) const
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
    // As of a past day the dashboard counts the licenses installed by then.
    if (f.isPast() && (!l.installedTo.isValid() || l.installedTo > f.asOf))
        l.installedTo = f.asOf;
    if (!f.package.isEmpty())
        for (const Package &p : m_packages)
            if (p.name == f.package)
                l.packages << p.rowId;
    return l;
}

std::optional<LicenseFilter> DashboardPage::licensesForTile(const QString &key, QString *why) const
{
    auto base = baseLicenseFilter(why);
    if (!base)
        return std::nullopt;
    LicenseFilter l = *base;
    // As of a past day the list can show the licenses only if none of them changed since.
    const bool past = m_metrics->filter.isPast() && m_metrics->stats.asOfChanged > 0;
    const QString pastReason = QStringLiteral("Licenses counted here have changed since this day, so this figure comes from "
                                              "their history; the license list shows them as they are now. Set the as-of day "
                                              "to today to list them.");
    const QList<Status> installed{Status::Active, Status::Trial, Status::Suspended};
    static const QMap<QString, EffectiveStatus> byEffective{
        {QStringLiteral("active"), EffectiveStatus::Active},       {QStringLiteral("trial"), EffectiveStatus::Trial},
        {QStringLiteral("expired"), EffectiveStatus::Expired},     {QStringLiteral("uninstalled"), EffectiveStatus::Uninstalled},
        {QStringLiteral("suspended"), EffectiveStatus::Suspended},
    };
    if (key == QLatin1String("licenses") || key == QLatin1String("subscriber_orgs") || key == QLatin1String("packages"))
        return l;
    if (key == QLatin1String("sandbox_licenses")) {
        if (l.sandbox == std::optional<bool>(false)) {
            *why = QStringLiteral("Sandboxes are left out of this dashboard: tick Include sandboxes to list them.");
            return std::nullopt;
        }
        l.sandbox = true;
        return l;
    }
    if (key == QLatin1String("site_licenses")) {
        l.siteLicense = true;
        return l;
    }
    if (past) {
        *why = pastReason;
        return std::nullopt;
    }
    if (key == QLatin1String("trial_conversion")) {
        // The installs of the 90 days to the as-of day that are now Active or Trial.
        const QDate from = l.asOf.addDays(-89);
        if (!l.installedFrom.isValid() || l.installedFrom < from)
            l.installedFrom = from;
        if (!l.installedTo.isValid() || l.installedTo > l.asOf)
            l.installedTo = l.asOf;
        l.statuses = {Status::Active, Status::Trial};
        return l;
    }
    if (auto it = byEffective.find(key); it != byEffective.end()) {
        l.effectiveStatuses = {it.value()};
        return l;
    }
    if (key == QLatin1String("expiring_within_30_days")) {
        l.expiringWithinDays = InstallBaseStats::kExpiringWindowDays;
        return l;
    }
    if (key == QLatin1String("seats_licensed") || key == QLatin1String("seat_utilisation")) {
        l.statuses = installed;
        l.siteLicense = false;
        return l;
    }
    if (key == QLatin1String("seats_used")) {
        l.statuses = installed;
        return l;
    }
    if (key == QLatin1String("perpetual_licenses")) {
        *why = QStringLiteral("The license list cannot filter for licenses that do not expire: sort it by Expiration, "
                              "where they come first.");
        return std::nullopt;
    }
    if (key == QLatin1String("uninstalls_30_days") || key == QLatin1String("net_growth")) {
        *why = QStringLiteral("Uninstalls are dated by the licenses' history, which the license list cannot filter by. "
                              "Click a month's Installs bar in the chart below to list its installs.");
        return std::nullopt;
    }
    *why = QStringLiteral("This figure has no matching list.");
    return std::nullopt;
}

std::optional<LicenseFilter> DashboardPage::licensesFor(ChartId chart, const QString &category, const QString &series,
                                                        QString *why) const
{
    auto base = baseLicenseFilter(why);
    if (!base)
        return std::nullopt;
    LicenseFilter l = *base;
    const InstallBaseFilter &f = m_metrics->filter;
    if (f.isPast() && m_metrics->stats.asOfChanged > 0 && chart != ChartId::InstallsByMonth) {
        *why = QStringLiteral("Licenses counted here have changed since this day, so this chart comes from their history; the "
                              "license list shows them as they are now. Set the as-of day to today to list them.");
        return std::nullopt;
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
        if (f.package.isEmpty())
            for (const Package &p : m_packages)
                if (category.startsWith(p.name + QLatin1Char(' '))) {
                    l.packages = {p.rowId};
                    version = category.mid(p.name.size() + 1);
                    break;
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
            *why = QStringLiteral("The license list filters by install date; uninstalls are dated by the licenses' history, "
                                  "which it cannot filter by. Click the installs bar instead.");
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

bool DashboardPage::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::ToolTip)
        for (QChartView *view : std::as_const(m_views))
            if (watched == view->viewport())
                return true;
    return DatabasePage::eventFilter(watched, event);
}

void DashboardPage::tileClicked(const QString &key)
{
    if (key == QLatin1String("billed_monthly") || key == QLatin1String("revenue_at_risk") || key == QLatin1String("revenue_missed")) {
        emit billingRequested(key == QLatin1String("revenue_at_risk")  ? QStringLiteral("at_risk")
                              : key == QLatin1String("revenue_missed") ? QStringLiteral("licensed_not_billed")
                                                                       : QString(),
                              filter().day());
        return;
    }
    QString why;
    if (auto l = licensesForTile(key, &why))
        emit licensesRequested(*l);
    else
        QToolTip::showText(QCursor::pos(), why, this);
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
