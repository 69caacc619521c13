#include "models/licensetablemodel.h"

#include "models/sqlworker.h"

#include <QBrush>
#include <QFont>
#include <QGuiApplication>
#include <QLocale>
#include <QPalette>

#include <algorithm>
#include <unordered_map>

namespace lmo {

namespace {

constexpr int kExpiringSoonDays = 30;

bool darkPalette()
{
    return QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
}

} // namespace

LicenseTableModel::LicenseTableModel(QObject *parent) : QAbstractTableModel(parent) {}

LicenseTableModel::~LicenseTableModel()
{
    m_live->store(~quint64(0)); // running jobs see they are stale and stop early
    m_blocks.reset();
    m_scans.reset();
}

QDate LicenseTableModel::asOf() const
{
    return m_query.filter.asOf.isValid() ? m_query.filter.asOf : QDate::currentDate();
}

void LicenseTableModel::setDatabase(const Database *database)
{
    m_live->store(++m_generation);
    m_blocks.reset();
    m_scans.reset();
    m_database = database;
    m_packages.clear();
    m_total.reset();
    // A new shared counter: a worker of the old database still holding the old one cannot
    // write into this one's.
    m_knownTotal = std::make_shared<std::atomic<qint64>>(-1);
    m_error.clear();
    if (m_database) {
        m_blocks = std::make_unique<SqlWorker>(m_database->readingSpec());
        m_scans = std::make_unique<SqlWorker>(m_database->readingSpec());
    }
    m_packagesRead = false; // read with the first list
    restart(false);
}

void LicenseTableModel::setQuery(const LicenseQuery &query)
{
    m_query = query;
    restart(false);
}

void LicenseTableModel::refresh()
{
    m_packagesRead = false; // an import may have brought packages: read again before the list
    m_knownTotal->store(-1); // and licenses: count them again
    restart(m_rows > 0);
}

void LicenseTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= kLicenseColumnCount)
        return;
    LicenseQuery q = m_query;
    q.sortColumn = LicenseColumn(column);
    q.order = order;
    if (q == m_query && m_rows > 0)
        return;
    setQuery(q);
}

void LicenseTableModel::restart(bool keepRows)
{
    const quint64 generation = ++m_generation;
    m_live->store(generation);
    ++m_queriesStarted;
    if (m_blocks) {
        m_blocks->clear();
        m_scans->clear();
        // What runs now answers an older query: stopped, not waited for (a search typed on
        // would otherwise wait for the count of the text before).
        m_blocks->interruptRunning();
        m_scans->interruptRunning();
    }
    if (!keepRows) {
        beginResetModel();
        m_rows = 0;
        m_cache.clear();
        m_ids.release();
        m_idsLoaded = false;
        m_segmentCounts.clear();
        m_matching.reset();
        endResetModel();
    }
    m_pending.clear();
    m_refreshing = keepRows;
    if (!m_database)
        return;
    const Dialect dialect = m_database->dialect();
    const auto live = m_live;
    // The packages are read once per database (and again after a refresh). Only the Package sort
    // and a text search on a server need them to build their query (queryReadsPackageNames):
    // they wait for them, and every other list starts at once and reads them on its first
    // window's trip.
    const bool readPackages = !m_packagesRead;
    if (readPackages && queryReadsPackageNames(m_query, dialect)) {
        m_blocks->post(
            [this, live, generation, dialect, keepRows](QSqlDatabase &db) {
                if (live->load() != generation)
                    return;
                auto packages = std::make_shared<Result<std::vector<PackageName>>>(LicenseListReader(db, dialect).packages());
                QMetaObject::invokeMethod(
                    this,
                    [this, generation, keepRows, packages] {
                        if (generation != m_generation)
                            return;
                        if (!*packages) {
                            fail(generation, packages->error().message);
                            return;
                        }
                        m_packages = std::move(packages->value());
                        m_packagesRead = true;
                        restart(keepRows);
                    },
                    Qt::QueuedConnection);
            },
            true, SqlWorker::Interrupt::Allowed);
        return;
    }
    m_segments = buildLicenseQuery(m_query, m_packages, dialect);

    const auto segments = m_segments;
    const QDate day = asOf();
    if (!keepRows) {
        m_pending.insert(0);
        const bool countFirst = planDependsOnCount(m_query.filter);
        m_blocks->post(
            [this, live, generation, segments, day, dialect, countFirst, readPackages, query = m_query,
             packages = m_packages, knownTotal = m_knownTotal](QSqlDatabase &db) {
                if (live->load() != generation)
                    return;
                LicenseListReader reader(db, dialect);
                std::shared_ptr<Result<std::vector<PackageName>>> readIn;
                if (readPackages)
                    readIn = std::make_shared<Result<std::vector<PackageName>>>(reader.packages());
                // With a filter on indexed columns, the count (quick through those indexes)
                // says whether to find the matches first or to walk the sort order.
                std::vector<LicenseQuerySegment> plan = segments;
                // Every license's count, as last counted (a whole-table count is slow on a server).
                auto total = [&] {
                    const qint64 known = knownTotal->load();
                    return known >= 0 ? Result<qint64>(known) : reader.total();
                };
                if (countFirst) {
                    auto counts = reader.segmentCounts(segments);
                    if (auto all = total(); counts && all) {
                        qint64 matching = 0;
                        for (qint64 c : counts.value())
                            matching += c;
                        plan = buildLicenseQuery(query, packages, dialect, choosePlan(matching, all.value()));
                    }
                } else if (searchesTextAlone(query.filter)) {
                    // A text search: how many its substring index proposes decides (SQLite), not
                    // the count of true matches (which reads every candidate's row); on a server,
                    // the matches counted up to a limit. Out of every license's count as last
                    // counted, or else as the database estimates it: a plan needs no more, and a
                    // server's exact count would hold up the first rows (most of a second at 10M).
                    // (Asked only for a search that has candidates or a probe.)
                    if (const auto candidates = textCandidates(query.filter, dialect, packages)) {
                        const qint64 known = knownTotal->load();
                        auto all = known >= 0 ? Result<qint64>(known) : reader.estimatedTotal();
                        auto proposed = all ? reader.candidateCount(*candidates, all.value()) : Result<qint64>(all.error());
                        if (proposed)
                            plan = buildLicenseQuery(query, packages, dialect, chooseTextPlan(*candidates, proposed.value(), all.value()));
                    }
                }
                auto rows = std::make_shared<Result<std::vector<LicenseRow>>>(reader.window(plan, {}, 0, kBlockSize, day));
                QMetaObject::invokeMethod(
                    this,
                    [this, generation, rows, readIn] {
                        if (generation != m_generation)
                            return;
                        if (readIn && !*readIn) {
                            fail(generation, readIn->error().message);
                            return;
                        }
                        if (readIn) {
                            m_packages = std::move(readIn->value());
                            m_packagesRead = true;
                        }
                        if (!*rows) {
                            fail(generation, rows->error().message);
                            return;
                        }
                        firstWindow(generation, std::move(rows->value()));
                        // The count and the id list only now: beside the first window they took
                        // its processor (a server's count runs in parallel workers) and its
                        // file's pages, and the window is what the user is waiting to see.
                        startScans(generation);
                    },
                    Qt::QueuedConnection);
            },
            true, SqlWorker::Interrupt::Allowed);
        return;
    }
    if (readPackages) {
        m_blocks->post(
            [this, live, generation, dialect](QSqlDatabase &db) {
                if (live->load() != generation)
                    return;
                auto packages = std::make_shared<Result<std::vector<PackageName>>>(LicenseListReader(db, dialect).packages());
                QMetaObject::invokeMethod(
                    this,
                    [this, generation, packages] {
                        if (generation != m_generation)
                            return;
                        if (!*packages) {
                            fail(generation, packages->error().message);
                            return;
                        }
                        m_packages = std::move(packages->value());
                        m_packagesRead = true;
                    },
                    Qt::QueuedConnection);
            },
            true, SqlWorker::Interrupt::Allowed);
    }
    startScans(generation);
}

int LicenseTableModel::statementsInterrupted() const
{
    return m_blocks ? m_blocks->interruptions() + m_scans->interruptions() : 0;
}

void LicenseTableModel::startScans(quint64 generation)
{
    if (!m_scans || generation != m_generation)
        return;
    const auto live = m_live;
    const auto segments = m_segments;
    const Dialect dialect = m_database->dialect();
    // With no filter, the segments of any sort but two cover every license once (the whole
    // table, or its rows with and without the sort's value), so their counts add up to the
    // total and a second count of the whole table (a scan on a server) is not needed. The
    // Package sort's segments are the packages known when the list began, and the effective
    // status's are conditions on dates: those count the total on its own.
    const bool segmentsCoverAll = m_query.filter.isEmpty() && m_query.sortColumn != LicenseColumn::Package
                                  && m_query.sortColumn != LicenseColumn::EffectiveStatus;
    m_scans->post([this, live, generation, segments, dialect, segmentsCoverAll, knownTotal = m_knownTotal](QSqlDatabase &db) {
        if (live->load() != generation)
            return;
        LicenseListReader reader(db, dialect);
        auto counts = std::make_shared<Result<std::vector<qint64>>>(reader.segmentCounts(segments));
        std::shared_ptr<Result<qint64>> total;
        if (segmentsCoverAll && *counts) {
            qint64 sum = 0;
            for (qint64 c : counts->value())
                sum += c;
            total = std::make_shared<Result<qint64>>(sum);
        } else if (const qint64 known = knownTotal->load(); known >= 0) {
            total = std::make_shared<Result<qint64>>(known); // counted since the last refresh
        } else {
            total = std::make_shared<Result<qint64>>(reader.total());
        }
        QMetaObject::invokeMethod(
            this,
            [this, generation, counts, total] {
                if (!*counts)
                    fail(generation, counts->error().message);
                else if (!*total)
                    fail(generation, total->error().message);
                else
                    counted(generation, std::move(counts->value()), total->value());
            },
            Qt::QueuedConnection);
        if (!*counts || live->load() != generation)
            return;
        qint64 expected = 0;
        for (qint64 c : counts->value())
            expected += c;
        auto ids = std::make_shared<Result<LicenseIds>>(
            reader.ids(segments, [&] { return live->load() != generation; }, expected));
        if (!*ids && ids->error().code == Error::Code::Cancelled)
            return;
        QMetaObject::invokeMethod(
            this,
            [this, generation, ids] {
                if (!*ids)
                    fail(generation, ids->error().message);
                else
                    listed(generation, std::move(ids->value()));
            },
            Qt::QueuedConnection);
    }, false, SqlWorker::Interrupt::Allowed);
}

void LicenseTableModel::setRowCount(qint64 rows)
{
    const int n = int(qMin<qint64>(rows, std::numeric_limits<int>::max()));
    if (n > m_rows) {
        beginInsertRows(QModelIndex(), m_rows, n - 1);
        m_rows = n;
        endInsertRows();
    } else if (n < m_rows) {
        beginRemoveRows(QModelIndex(), n, m_rows - 1);
        m_rows = n;
        m_cache.dropFrom(n);
        endRemoveRows();
    }
}

void LicenseTableModel::firstWindow(quint64 generation, Block rows)
{
    if (generation != m_generation)
        return;
    m_pending.remove(0);
    const int n = int(rows.size());
    m_cache.put(0, std::move(rows));
    if (!m_matching) {
        setRowCount(n);
    } else if (n > 0) {
        emit dataChanged(index(0, 0), index(qMin(n, m_rows) - 1, kLicenseColumnCount - 1));
    }
    emit firstRowsArrived();
    if (n > 0)
        emit rowsArrived(0, n - 1);
}

void LicenseTableModel::counted(quint64 generation, std::vector<qint64> segmentCounts, qint64 total)
{
    if (generation != m_generation)
        return;
    qint64 matching = 0;
    for (qint64 c : segmentCounts)
        matching += c;
    m_segmentCounts = std::move(segmentCounts);
    m_total = total;
    m_knownTotal->store(total);
    if (!m_refreshing) {
        m_matching = matching;
        setRowCount(matching);
    }
    emit countsChanged();
}

void LicenseTableModel::listed(quint64 generation, LicenseIds ids)
{
    if (generation != m_generation)
        return;
    if (m_refreshing) {
        // The same list read again: the rows the views hold on to (selection, current) follow
        // their license to wherever it is now. A layout change keeps the number of rows: rows
        // added are inserted before it, rows gone are removed from the end after it, once
        // nothing the views hold points there.
        const int newRows = int(qMin<size_t>(ids.size(), size_t(std::numeric_limits<int>::max())));
        if (newRows > m_rows) {
            beginInsertRows(QModelIndex(), m_rows, newRows - 1);
            m_rows = newRows;
            endInsertRows();
        }
        emit layoutAboutToBeChanged();
        const QModelIndexList from = persistentIndexList();
        std::unordered_map<qint64, int> where;
        for (const QModelIndex &i : from)
            if (const qint64 id = licenseIdAt(i.row()))
                where.emplace(id, -1);
        if (!where.empty())
            for (size_t r = 0; r < ids.size(); ++r)
                if (auto it = where.find(ids[r]); it != where.end())
                    it->second = int(r);
        QModelIndexList to;
        to.reserve(from.size());
        for (const QModelIndex &i : from) {
            const qint64 id = licenseIdAt(i.row());
            const int row = id ? where[id] : -1;
            to << (row >= 0 ? createIndex(row, i.column()) : QModelIndex());
        }
        m_ids = std::move(ids);
        m_idsLoaded = true;
        m_matching = qint64(m_ids.size());
        m_cache.clear();
        m_pending.clear();
        changePersistentIndexList(from, to);
        m_refreshing = false;
        emit layoutChanged();
        if (newRows < m_rows) {
            beginRemoveRows(QModelIndex(), newRows, m_rows - 1);
            m_rows = newRows;
            endRemoveRows();
        }
        emit countsChanged();
        emit idsArrived();
        return;
    }
    m_ids = std::move(ids);
    m_idsLoaded = true;
    if (qint64(m_ids.size()) != m_rows) { // changed between the count and the list
        m_matching = qint64(m_ids.size());
        setRowCount(qint64(m_ids.size()));
        emit countsChanged();
    }
    emit idsArrived();
}

void LicenseTableModel::blockArrived(quint64 generation, int block, Block rows)
{
    if (generation != m_generation)
        return;
    m_pending.remove(block);
    const int first = block * kBlockSize;
    const int last = qMin(first + int(rows.size()), m_rows) - 1;
    m_cache.put(block, std::move(rows));
    if (last >= first) {
        emit dataChanged(index(first, 0), index(last, kLicenseColumnCount - 1));
        emit rowsArrived(first, last);
    }
}

void LicenseTableModel::fail(quint64 generation, const QString &message)
{
    if (generation != m_generation)
        return;
    m_error = message;
    emit failed(message);
}

void LicenseTableModel::requestBlock(int block) const
{
    if (!m_blocks || m_pending.contains(block))
        return;
    const int first = block * kBlockSize;
    if (first >= m_rows)
        return;
    const quint64 generation = m_generation;
    const auto live = m_live;
    const QDate day = asOf();
    const Dialect dialect = m_database->dialect();
    auto self = const_cast<LicenseTableModel *>(this);
    auto deliver = [self, generation, block](std::shared_ptr<Result<std::vector<LicenseRow>>> rows) {
        QMetaObject::invokeMethod(
            self,
            [self, generation, block, rows] {
                if (!*rows)
                    self->fail(generation, rows->error().message);
                else
                    self->blockArrived(generation, block, std::move(rows->value()));
            },
            Qt::QueuedConnection);
    };
    if (m_idsLoaded) {
        std::vector<qint64> slice = m_ids.slice(size_t(first), size_t(first + kBlockSize));
        m_pending.insert(block);
        m_blocks->post(
            [live, generation, day, dialect, slice = std::move(slice), deliver](QSqlDatabase &db) {
                if (live->load() != generation)
                    return;
                deliver(std::make_shared<Result<std::vector<LicenseRow>>>(
                    LicenseListReader(db, dialect).rowsById(slice.data(), slice.size(), day)));
            },
            true, SqlWorker::Interrupt::Allowed);
    } else if (!m_segmentCounts.empty()) {
        m_pending.insert(block);
        m_blocks->post(
            [live, generation, day, dialect, segments = m_segments, counts = m_segmentCounts, first, deliver](
                QSqlDatabase &db) {
                if (live->load() != generation)
                    return;
                deliver(std::make_shared<Result<std::vector<LicenseRow>>>(
                    LicenseListReader(db, dialect).window(segments, counts, first, kBlockSize, day)));
            },
            true, SqlWorker::Interrupt::Allowed);
    }
    // Otherwise only the first rows exist yet, and they are on their way.
}

void LicenseTableModel::summarise(std::vector<qint64> ids, std::function<void(std::optional<LicenseListReader::Summary>)> done)
{
    if (!m_blocks || !m_database) {
        done(std::nullopt);
        return;
    }
    const Dialect dialect = m_database->dialect();
    // The worker lives no longer than the model (its destructor waits for the running job), and
    // a queued call to a model that is gone is dropped.
    LicenseTableModel *self = this;
    m_blocks->post(
        [self, dialect, ids = std::move(ids), done = std::move(done)](QSqlDatabase &db) {
            auto summed = LicenseListReader(db, dialect).summarise(ids);
            std::optional<LicenseListReader::Summary> summary;
            if (summed)
                summary = summed.value();
            QMetaObject::invokeMethod(self, [summary, done] { done(summary); }, Qt::QueuedConnection);
        },
        true, SqlWorker::Interrupt::No, SqlWorker::Keep::Yes); // its caller waits, whatever query comes next
}

void LicenseTableModel::readRows(std::vector<qint64> ids, std::function<void(const Result<std::vector<LicenseRow>> &)> done)
{
    if (!m_blocks || !m_database) {
        done(Error::make(Error::Code::Generic, QStringLiteral("No database is open.")));
        return;
    }
    const Dialect dialect = m_database->dialect();
    const QDate day = asOf();
    LicenseTableModel *self = this;
    m_blocks->post(
        [self, dialect, day, ids = std::move(ids), done = std::move(done)](QSqlDatabase &db) {
            auto rows = std::make_shared<Result<std::vector<LicenseRow>>>(
                LicenseListReader(db, dialect).rowsById(ids.data(), ids.size(), day));
            QMetaObject::invokeMethod(self, [rows, done] { done(*rows); }, Qt::QueuedConnection);
        },
        true, SqlWorker::Interrupt::No, SqlWorker::Keep::Yes);
}

int LicenseTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int LicenseTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : kLicenseColumnCount;
}

const LicenseRow *LicenseTableModel::rowAt(int row) const
{
    if (row < 0 || row >= m_rows)
        return nullptr;
    const LicenseRow *r = m_cache.find(row);
    return r && r->id ? r : nullptr;
}

qint64 LicenseTableModel::licenseIdAt(int row) const
{
    if (row < 0 || row >= m_rows)
        return 0;
    if (m_idsLoaded && size_t(row) < m_ids.size())
        return m_ids[size_t(row)];
    const LicenseRow *r = rowAt(row);
    return r ? r->id : 0;
}

int LicenseTableModel::rowOfLicense(qint64 id) const
{
    if (!m_idsLoaded)
        return -1;
    return int(m_ids.indexOf(id));
}

QString LicenseTableModel::cellText(const LicenseRow &r, LicenseColumn column)
{
    switch (column) {
    case LicenseColumn::Name: return r.name;
    case LicenseColumn::Account: return r.account;
    case LicenseColumn::Package: return r.package;
    case LicenseColumn::Version: return r.version;
    case LicenseColumn::Status: return statusName(r.status);
    case LicenseColumn::EffectiveStatus: return statusName(r.effective);
    case LicenseColumn::Seats: return r.seats == -1 ? QStringLiteral("Site License") : QLocale().toString(r.seats);
    case LicenseColumn::Used: return QLocale().toString(r.used);
    case LicenseColumn::Expiration:
        return r.expiration.isValid() ? r.expiration.toString(Qt::ISODate) : QStringLiteral("Does not expire");
    case LicenseColumn::InstallDate: return r.installDate.toString(Qt::ISODate);
    case LicenseColumn::OrgId: return r.orgId;
    case LicenseColumn::Edition: return r.edition;
    case LicenseColumn::Instance: return r.instance;
    case LicenseColumn::OrgStatus: return r.orgStatus;
    case LicenseColumn::Sandbox: return r.sandbox ? QStringLiteral("Yes") : QStringLiteral("No");
    }
    return QString();
}

QVariant LicenseTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows || index.column() >= kLicenseColumnCount)
        return QVariant();
    const LicenseRow *found = m_cache.find(index.row());
    if (!found) {
        requestBlock(index.row() / kBlockSize);
        if (role == LoadedRole)
            return false;
        if (role == LicenseIdRole)
            return licenseIdAt(index.row());
        if (role == Qt::DisplayRole && index.column() == 0)
            return QStringLiteral("…");
        if (role == Qt::ForegroundRole)
            return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
        return QVariant();
    }
    const LicenseRow &r = *found;
    if (r.id == 0) // removed since the list was read
        return role == Qt::DisplayRole && index.column() == 0 ? QVariant(QStringLiteral("(removed)")) : QVariant();
    const LicenseColumn column = LicenseColumn(index.column());
    const QDate day = asOf();
    const bool expiringSoon = (r.effective == EffectiveStatus::Active || r.effective == EffectiveStatus::Trial)
                              && r.expiration.isValid() && r.expiration <= day.addDays(kExpiringSoonDays);
    switch (role) {
    case LicenseIdRole: return r.id;
    case LoadedRole: return true;
    case Qt::DisplayRole: return cellText(r, column);
    case Qt::TextAlignmentRole:
        if (column == LicenseColumn::Seats || column == LicenseColumn::Used)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole: {
        const bool dark = darkPalette();
        if (r.effective == EffectiveStatus::Expired)
            return QBrush(dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb7, 0x1c, 0x1c));
        if (r.effective == EffectiveStatus::Uninstalled)
            return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
        if (r.effective == EffectiveStatus::Suspended)
            return QBrush(dark ? QColor(0xce, 0x93, 0xd8) : QColor(0x6a, 0x1b, 0x9a));
        if (expiringSoon)
            return QBrush(dark ? QColor(0xff, 0xcc, 0x80) : QColor(0xa8, 0x4f, 0x00));
        return QVariant();
    }
    case Qt::FontRole:
        if (r.effective == EffectiveStatus::Uninstalled) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        return QVariant();
    case Qt::ToolTipRole:
        if (column == LicenseColumn::EffectiveStatus || column == LicenseColumn::Expiration) {
            if (!r.expiration.isValid())
                return QStringLiteral("Does not expire");
            const qint64 days = day.daysTo(r.expiration);
            if (r.effective == EffectiveStatus::Expired)
                return QStringLiteral("Expired %1 days ago, on %2").arg(-days).arg(r.expiration.toString(Qt::ISODate));
            if (expiringSoon)
                return QStringLiteral("Expires in %1 days, on %2").arg(days).arg(r.expiration.toString(Qt::ISODate));
            return QStringLiteral("Expires on %1").arg(r.expiration.toString(Qt::ISODate));
        }
        return QVariant();
    default: return QVariant();
    }
}

QVariant LicenseTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= kLicenseColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole)
        return licenseColumnTitle(LicenseColumn(section));
    if (role == Qt::ToolTipRole && LicenseColumn(section) == LicenseColumn::EffectiveStatus)
        return QStringLiteral("The status on %1: an Active or Trial license past its expiration is Expired.")
            .arg(QLocale().toString(asOf(), QLocale::LongFormat));
    return QVariant();
}

} // namespace lmo
