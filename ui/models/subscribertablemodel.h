#pragma once

#include "browse/subscriberlist.h"
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

// The subscriber orgs as a table model: the summary table read a window at a time on a worker
// thread (its own connection), counted there too, with a bounded cache and stale answers dropped,
// as LicenseTableModel does for licenses.
class SubscriberTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    static constexpr int kBlockSize = 256;
    static constexpr int kMaxBlocks = 64;
    enum Role { OrgIdRole = Qt::UserRole + 1, LoadedRole };

    explicit SubscriberTableModel(QObject *parent = nullptr);
    ~SubscriberTableModel() override;

    void setDatabase(const Database *database);
    void setQuery(const SubscriberQuery &query);
    const SubscriberQuery &query() const { return m_query; }
    void refresh();

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    std::optional<qint64> matchingCount() const { return m_matching; }
    std::optional<qint64> totalCount() const { return m_total; }
    bool summaryPending() const { return m_pendingSummary; }
    const SubscriberRow *rowAt(int row) const;

signals:
    void countsChanged();
    void rowsArrived(int firstRow, int lastRow);
    void failed(const QString &message);

private:
    using Block = std::vector<SubscriberRow>;
    void restart();
    void requestBlock(int block) const;
    void counted(quint64 generation, qint64 matching, qint64 total, bool pending);
    void blockArrived(quint64 generation, int block, Block rows);

    const Database *m_database = nullptr;
    std::unique_ptr<SqlWorker> m_worker;
    std::shared_ptr<std::atomic<quint64>> m_live = std::make_shared<std::atomic<quint64>>(0);
    quint64 m_generation = 0;
    SubscriberQuery m_query;
    int m_rows = 0;
    std::optional<qint64> m_matching;
    std::optional<qint64> m_total;
    bool m_pendingSummary = false;
    mutable BlockCache<SubscriberRow, kBlockSize, kMaxBlocks> m_cache;
    mutable QSet<int> m_pending;
};

} // namespace lmo
