#pragma once

#include "browse/licensequery.h"
#include "domain/package.h"
#include "metrics/dashboardmetrics.h"
#include "shell/databasepage.h"

#include <QMap>

#include <optional>

class QCheckBox;
class QChartView;
class QComboBox;
class QDateEdit;
class QGridLayout;
class QLabel;
class QPushButton;

namespace lmo {

class KpiTile;

// The install base at a glance: key figures as tiles and seven charts, all from one core
// computation (computeDashboard) under one set of filters, refreshed off the UI thread. Each
// chart exports (PNG, SVG, PDF, clipboard) at its own size; the whole page exports as a report.
class DashboardPage : public DatabasePage
{
    Q_OBJECT
public:
    explicit DashboardPage(QWidget *parent = nullptr);
    void setDatabase(Database *database) override;
    void reload() override;

    // The figure a tile shows, by its key in `lmodesk stats --json` ("licenses", "seats_used",
    // "active", ...) or the dashboard's own ("trial_conversion", "uninstalls_30_days",
    // "net_growth", "seat_utilisation").
    QString tileText(const QString &key) const;
    QString tileCaption(const QString &key) const;
    QStringList tileKeys() const { return m_tileByKey.keys(); }
    InstallBaseFilter filter() const;
    void setFilter(const InstallBaseFilter &filter);
    const std::optional<DashboardMetrics> &metrics() const { return m_metrics; }
    QChartView *chartView(ChartId id) const { return m_views.value(int(id)); }
    QString summaryText() const;

    // What a click on a bar or slice would show: the Licenses page's filter for exactly those
    // licenses, or nothing (with the reason) where the list cannot express it.
    std::optional<LicenseFilter> licensesFor(ChartId chart, const QString &category, const QString &series,
                                             QString *why) const;
    // The same for a tile, by its key (tileKeys()).
    std::optional<LicenseFilter> licensesForTile(const QString &key, QString *why) const;

    Result<void> exportChart(ChartId id, const QString &path, double scale = 1.0) const;
    Result<int> exportReport(const QString &path) const;

signals:
    void refreshed();
    void licensesRequested(const lmo::LicenseFilter &filter);
    // A revenue tile: the Billing page's findings of that rule ("at_risk": the two the revenue
    // at risk counts), as of the dashboard's day.
    void billingRequested(const QString &rule, const QDate &asOf);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void show(const DashboardMetrics &m);
    // The revenue tiles, from a reconciliation as of the dashboard's day (off the UI thread).
    void reloadBilling();
    void addTile(const QString &key, const QString &caption, const QString &tip, int row, int column);
    void buildChartCard(ChartId id, QGridLayout *grid, int row, int column);
    void chartClicked(ChartId id, const QString &category, const QString &series);
    void tileClicked(const QString &key);
    // The Licenses page's filter for the dashboard's own filters, before any chart part or tile.
    std::optional<LicenseFilter> baseLicenseFilter(QString *why) const;
    void askExportChart(ChartId id, const QString &format, double scale);
    void askExportReport();

    Database *m_database = nullptr;
    int m_generation = 0;
    int m_billingGeneration = 0;
    bool m_billingAny = false; // the last reconciliation had subscriptions to set beside
    QDate m_billingDay;        // the day the revenue tiles were computed for
    quint64 m_opened = 0;           // which setDatabase() the packages' answer is for
    std::vector<Package> m_packages; // of the open database, read off the UI thread
    // A filter set before the database's packages or LMOs have been read (a saved view, a test,
    // a click on a tile right after opening) keeps its package and LMO until the lists arrive,
    // instead of falling back to "All packages" and "Every LMO" for want of the entries.
    bool m_packagesKnown = false;
    bool m_lmosKnown = false;
    QString m_pendingPackage;
    std::optional<qint64> m_pendingLmo;
    bool m_applying = false;
    QLabel *m_status;
    QComboBox *m_package;
    class LmoChooser *m_lmo;
    QCheckBox *m_installed;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QCheckBox *m_sandboxes;
    QDateEdit *m_asOf;
    QPushButton *m_report;
    QGridLayout *m_tiles;
    QMap<QString, KpiTile *> m_tileByKey;
    QMap<int, QChartView *> m_views;
    std::optional<DashboardMetrics> m_metrics;
};

} // namespace lmo
