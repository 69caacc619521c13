#pragma once

#include "metrics/installbasestats.h"
#include "shell/databasepage.h"

#include <QMap>

class QChart;
class QChartView;
class QLabel;
class QGridLayout;

namespace lmo {

class KpiTile;

// The install base at a glance: the figures of `lmodesk stats` as tiles, and the effective
// status mix as a chart. Computed off the UI thread.
class DashboardPage : public DatabasePage
{
    Q_OBJECT
public:
    explicit DashboardPage(QWidget *parent = nullptr);
    void setDatabase(Database *database) override;
    void reload() override;

    // The figure a tile shows, by its key in `lmodesk stats --json` ("licenses", "seats_used", ...).
    QString tileText(const QString &key) const;

signals:
    void refreshed();

private:
    void show(const InstallBaseStats &stats);
    void replaceChart(QChart *chart);
    void addTile(const QString &key, const QString &caption, int row, int column);

    Database *m_database = nullptr;
    int m_generation = 0;
    QLabel *m_status;
    QGridLayout *m_tiles;
    QMap<QString, KpiTile *> m_tileByKey;
    QChartView *m_chartView;
};

} // namespace lmo
