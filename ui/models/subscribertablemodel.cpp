#include "models/subscribertablemodel.h"

#include "models/sqlworker.h"

#include <QGuiApplication>
#include <QLocale>
#include <QPalette>

namespace lmo {

SubscriberTableModel::SubscriberTableModel(QObject *parent) : QAbstractTableModel(parent) {}

SubscriberTableModel::~SubscriberTableModel()
{
    m_live->store(~quint64(0));
    m_worker.reset();
}

void SubscriberTableModel::setDatabase(const Database *database)
{
    m_live->store(++m_generation);
    m_worker.reset();
    m_database = database;
    m_total.reset();
    if (m_database)
        m_worker = std::make_unique<SqlWorker>(m_database->readingSpec());
    restart();
}

void SubscriberTableModel::setQuery(const SubscriberQuery &query)
{
    m_query = query;
    restart();
}

void SubscriberTableModel::refresh()
{
    restart();
}

void SubscriberTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= kSubscriberColumnCount)
        return;
    SubscriberQuery q = m_query;
    q.sortColumn = SubscriberColumn(column);
    q.order = order;
    if (q == m_query && m_rows > 0)
        return;
    setQuery(q);
}

void SubscriberTableModel::restart()
{
    const quint64 generation = ++m_generation;
    m_live->store(generation);
    if (m_worker)
        m_worker->clear();
    beginResetModel();
    m_rows = 0;
    m_cache.clear();
    m_pending.clear();
    m_matching.reset();
    endResetModel();
    if (!m_database)
        return;
    const auto live = m_live;
    const Dialect dialect = m_database->dialect();
    const SubscriberQuery query = m_query;
    m_worker->post([this, live, generation, dialect, query](QSqlDatabase &db) {
        if (live->load() != generation)
            return;
        SubscriberListReader reader(db, dialect);
        auto pending = reader.summaryPending();
        auto matching = reader.count(query);
        auto total = reader.total();
        QString error = !pending ? pending.error().message : !matching ? matching.error().message : !total ? total.error().message : QString();
        const bool isPending = pending && pending.value();
        const qint64 m = matching ? matching.value() : 0;
        const qint64 t = total ? total.value() : 0;
        QMetaObject::invokeMethod(
            this,
            [this, generation, error, isPending, m, t] {
                if (generation != m_generation)
                    return;
                if (!error.isEmpty()) {
                    emit failed(error);
                    return;
                }
                counted(generation, m, t, isPending);
            },
            Qt::QueuedConnection);
    });
}

void SubscriberTableModel::counted(quint64 generation, qint64 matching, qint64 total, bool pending)
{
    if (generation != m_generation)
        return;
    m_matching = matching;
    m_total = total;
    m_pendingSummary = pending;
    const int n = int(qMin<qint64>(matching, std::numeric_limits<int>::max()));
    if (n > 0) {
        beginInsertRows(QModelIndex(), 0, n - 1);
        m_rows = n;
        endInsertRows();
    }
    emit countsChanged();
}

void SubscriberTableModel::requestBlock(int block) const
{
    if (!m_worker || m_pending.contains(block) || !m_matching)
        return;
    const int first = block * kBlockSize;
    if (first >= m_rows)
        return;
    m_pending.insert(block);
    const quint64 generation = m_generation;
    const auto live = m_live;
    const Dialect dialect = m_database->dialect();
    const SubscriberQuery query = m_query;
    const qint64 count = *m_matching;
    auto self = const_cast<SubscriberTableModel *>(this);
    m_worker->post(
        [self, live, generation, dialect, query, count, first, block](QSqlDatabase &db) {
            if (live->load() != generation)
                return;
            auto rows = std::make_shared<Result<std::vector<SubscriberRow>>>(
                SubscriberListReader(db, dialect).window(query, first, kBlockSize, count));
            QMetaObject::invokeMethod(
                self,
                [self, generation, block, rows] {
                    if (!*rows) {
                        if (generation == self->m_generation)
                            emit self->failed(rows->error().message);
                        return;
                    }
                    self->blockArrived(generation, block, std::move(rows->value()));
                },
                Qt::QueuedConnection);
        },
        true);
}

void SubscriberTableModel::blockArrived(quint64 generation, int block, Block rows)
{
    if (generation != m_generation)
        return;
    m_pending.remove(block);
    const int first = block * kBlockSize;
    const int last = qMin(first + int(rows.size()), m_rows) - 1;
    m_cache.put(block, std::move(rows));
    if (last >= first) {
        emit dataChanged(index(first, 0), index(last, kSubscriberColumnCount - 1));
        emit rowsArrived(first, last);
    }
}

int SubscriberTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int SubscriberTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : kSubscriberColumnCount;
}

const SubscriberRow *SubscriberTableModel::rowAt(int row) const
{
    if (row < 0 || row >= m_rows)
        return nullptr;
    return m_cache.find(row);
}

QVariant SubscriberTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows)
        return QVariant();
    const SubscriberRow *r = rowAt(index.row());
    if (!r) {
        requestBlock(index.row() / kBlockSize);
        if (role == LoadedRole)
            return false;
        if (role == Qt::DisplayRole && index.column() == 0)
            return QStringLiteral("…");
        return QVariant();
    }
    const QLocale locale;
    switch (role) {
    case LoadedRole: return true;
    case OrgIdRole: return r->orgId;
    case Qt::DisplayRole:
        switch (SubscriberColumn(index.column())) {
        case SubscriberColumn::OrgId: return r->orgId;
        case SubscriberColumn::Account: return r->account;
        case SubscriberColumn::Edition: return r->edition;
        case SubscriberColumn::Instance: return r->instance;
        case SubscriberColumn::OrgStatus: return r->orgStatus;
        case SubscriberColumn::Sandbox: return r->sandbox ? QStringLiteral("Yes") : QStringLiteral("No");
        case SubscriberColumn::Licenses: return r->licenses;
        case SubscriberColumn::Installed: return r->installed;
        case SubscriberColumn::Seats:
            return r->siteLicenses > 0 ? QVariant(QStringLiteral("Site License")) : QVariant(r->seats);
        case SubscriberColumn::Used: return r->used;
        case SubscriberColumn::FirstInstall: return r->firstInstall.toString(Qt::ISODate);
        case SubscriberColumn::LastChange:
            return r->lastChange.isValid() ? r->lastChange.date().toString(Qt::ISODate) : QString();
        case SubscriberColumn::Packages: return r->packages;
        }
        return QVariant();
    case Qt::TextAlignmentRole:
        switch (SubscriberColumn(index.column())) {
        case SubscriberColumn::Licenses:
        case SubscriberColumn::Installed:
        case SubscriberColumn::Seats:
        case SubscriberColumn::Used: return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        default: return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
        }
    case Qt::ForegroundRole:
        if (r->installed == 0) // every license uninstalled: a former customer
            return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
        return QVariant();
    case Qt::ToolTipRole:
        if (index.column() == int(SubscriberColumn::Seats) && r->siteLicenses > 0)
            return QStringLiteral("%1 site license(s) installed; %2 seats on the others")
                .arg(r->siteLicenses)
                .arg(locale.toString(r->seats));
        if (index.column() == int(SubscriberColumn::LastChange) && r->lastChange.isValid())
            return locale.toString(r->lastChange.toLocalTime(), QLocale::LongFormat);
        return QVariant();
    default: return QVariant();
    }
}

QVariant SubscriberTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole && section >= 0 && section < kSubscriberColumnCount)
        return subscriberColumnTitle(SubscriberColumn(section));
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace lmo
