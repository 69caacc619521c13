#pragma once

#include <functional>

#include "browse/licenselist.h"
#include "browse/licensequery.h"
#include "models/blockcache.h"
#include "storage/database.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

namespace lmo {

class SqlWorker;

// The license list as a table model that stays quick at a million rows. Sorting and filtering
// happen in SQL (LicenseQuery); rows arrive in blocks from a worker thread with its own
// connection and are cached (a bounded number of blocks, least recently used dropped); a second
// worker counts and lists the ids in order, after which any block is a lookup by id. Answers
// to an older query are dropped by a generation number. A row not here yet shows "…" until it
// arrives. Nothing here blocks the UI thread on the database.
class LicenseTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role {
        LicenseIdRole = Qt::UserRole + 1, // qint64, 0 while the row is loading
        LoadedRole,                       // bool
        SortValueRole,
    };
    static constexpr int kBlockSize = 256;
    static constexpr int kMaxBlocks = 64; // 16,384 rows cached at most

    explicit LicenseTableModel(QObject *parent = nullptr);

    // What a cell shows for a license ("Site License", "Does not expire", ...): the one
    // formatting of the list, for the table and for what is copied from it.
    static QString cellText(const LicenseRow &row, LicenseColumn column);
    ~LicenseTableModel() override;

    // nullptr empties the model. The database must outlive the model's use of it.
    void setDatabase(const Database *database);
    void setQuery(const LicenseQuery &query);
    const LicenseQuery &query() const { return m_query; }
    // Reads again after a change (an edit, an import): keeps the rows the views select, by id.
    void refresh();

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    // Known once counted: the rows that match, and all licenses.
    std::optional<qint64> matchingCount() const { return m_matching; }
    std::optional<qint64> totalCount() const { return m_total; }
    bool idsLoaded() const { return m_idsLoaded; }
    // The row, if it has arrived.
    const LicenseRow *rowAt(int row) const;
    // The license at a row (known for every row once the ids are loaded), or 0.
    qint64 licenseIdAt(int row) const;
    // Where a license is in the list (once the ids are loaded), or -1.
    int rowOfLicense(qint64 id) const;
    QString lastError() const { return m_error; }
    // How many queries the model has started (each filter, sort, refresh), and how many running
    // statements of older ones it stopped: what a test of a search typed fast counts.
    int queriesStarted() const { return m_queriesStarted; }
    int statementsInterrupted() const;
    const std::vector<PackageName> &packages() const { return m_packages; }
    QDate asOf() const;
    // Sums these licenses on the model's worker (not on the UI thread: a team database is across
    // the network) and hands the summary to `done` on the UI thread; nothing if the model is gone
    // first, an empty optional if the database could not say.
    void summarise(std::vector<qint64> ids, std::function<void(std::optional<LicenseListReader::Summary>)> done);
    // Reads these licenses' rows on the model's worker (those not cached, for Copy) and hands
    // them to `done` on the UI thread, in the order given (id 0: no longer there).
    void readRows(std::vector<qint64> ids, std::function<void(const Result<std::vector<LicenseRow>> &)> done);

signals:
    void countsChanged();
    void firstRowsArrived();
    void idsArrived();
    void rowsArrived(int firstRow, int lastRow);
    void failed(const QString &message);

private:
    using Block = std::vector<LicenseRow>;
    void restart(bool keepRows);
    // Posts the count, then the id list, of the current query.
    void startScans(quint64 generation);
    void requestBlock(int block) const;
    void firstWindow(quint64 generation, Block rows);
    void counted(quint64 generation, std::vector<qint64> segmentCounts, qint64 total);
    void listed(quint64 generation, LicenseIds ids);
    void blockArrived(quint64 generation, int block, Block rows);
    void fail(quint64 generation, const QString &message);
    void setRowCount(qint64 rows);

    const Database *m_database = nullptr;
    std::unique_ptr<SqlWorker> m_blocks; // windows of rows: quick, urgent
    std::unique_ptr<SqlWorker> m_scans;  // counts and id lists: slower
    std::shared_ptr<std::atomic<quint64>> m_live = std::make_shared<std::atomic<quint64>>(0);
    // The last count of every license (-1: none yet), shared with the workers: choosing a plan
    // needs only its size, not a fresh count (a whole-table count is a few hundred ms at 1M on
    // a team database).
    std::shared_ptr<std::atomic<qint64>> m_knownTotal = std::make_shared<std::atomic<qint64>>(-1);
    quint64 m_generation = 0;
    int m_queriesStarted = 0;
    LicenseQuery m_query;
    std::vector<PackageName> m_packages;
    bool m_packagesRead = false; // m_packages is the database's (read on a worker)
    std::vector<LicenseQuerySegment> m_segments;
    std::vector<qint64> m_segmentCounts;
    LicenseIds m_ids;
    bool m_idsLoaded = false;
    bool m_refreshing = false;
    int m_rows = 0;
    std::optional<qint64> m_matching;
    std::optional<qint64> m_total;
    QString m_error;
    // Mutable: data() asks for what it lacks and marks what it used.
    mutable BlockCache<LicenseRow, kBlockSize, kMaxBlocks> m_cache;
    mutable QSet<int> m_pending;
};

} // namespace lmo
