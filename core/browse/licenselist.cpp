#include "browse/licenselist.h"

#include "storage/backend.h"
#include "storage/sqlutil.h"
#include "storage/values.h"

#include <QHash>
#include <QSqlQuery>

#include <map>

#include <algorithm>
#include <unordered_map>

namespace lmo {

namespace {

const QString kFrom = QStringLiteral("licenses l JOIN packages p ON p.id = l.package_ref");

LicenseRow readRow(const QSqlQuery &q, const QDate &asOf)
{
    LicenseRow r;
    r.id = q.value(0).toLongLong();
    r.name = q.value(1).toString();
    r.account = q.value(2).toString();
    r.package = q.value(3).toString();
    r.version = q.value(4).toString();
    r.status = statusFromString(q.value(5).toString()).value_or(Status::Active);
    r.seats = q.value(6).toInt();
    r.used = q.value(7).toInt();
    r.expiration = dateFromSql(q.value(8));
    r.installDate = dateFromSql(q.value(9));
    r.orgId = q.value(10).toString();
    r.edition = q.value(11).toString();
    r.instance = q.value(12).toString();
    r.orgStatus = q.value(13).toString();
    r.sandbox = q.value(14).toInt() != 0;
    r.effective = effectiveStatus(r.status, r.expiration, asOf);
    return r;
}

void bindAll(QSqlQuery &q, const QVariantList &binds)
{
    for (const QVariant &v : binds)
        q.addBindValue(v);
}

QStringList distinctValues(QSqlDatabase db, const QString &column, QString *error)
{
    QSqlQuery q(db);
    q.setForwardOnly(true);
    QStringList out;
    if (!q.exec(QStringLiteral("SELECT DISTINCT %1 FROM licenses WHERE %1 IS NOT NULL ORDER BY %1").arg(column))) {
        *error = q.lastError().text();
        return out;
    }
    while (q.next())
        out << q.value(0).toString();
    return out;
}

} // namespace

QString LicenseListReader::rowColumnsSql()
{
    return QStringLiteral("l.id, l.name, l.account_name, p.name, l.version_number, l.status, l.seats, l.used_licenses, "
                          "l.expiration, l.install_date, l.org_id, l.org_edition, l.org_instance, l.org_status, "
                          "l.is_sandbox");
}

Result<std::vector<PackageName>> LicenseListReader::packages()
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT id, name FROM packages ORDER BY name, id")))
        return sqlError(q.lastError(), QStringLiteral("reading the packages"));
    std::vector<PackageName> out;
    while (q.next())
        out.push_back({q.value(0).toLongLong(), q.value(1).toString()});
    return out;
}

Result<LicenseFilterChoices> LicenseListReader::choices()
{
    LicenseFilterChoices c;
    auto p = packages();
    if (!p)
        return p.error();
    c.packages = std::move(p.value());
    QString error;
    c.versions = distinctValues(m_db, QStringLiteral("version_number"), &error);
    c.editions = distinctValues(m_db, QStringLiteral("org_edition"), &error);
    c.instances = distinctValues(m_db, QStringLiteral("org_instance"), &error);
    if (!error.isEmpty())
        return Error::make(Error::Code::Sql, QStringLiteral("Database error while reading the filter choices: %1").arg(error));
    // Versions as people read them: 1.9 before 1.10.
    std::sort(c.versions.begin(), c.versions.end(), [](const QString &a, const QString &b) {
        const QStringList pa = a.split(QLatin1Char('.')), pb = b.split(QLatin1Char('.'));
        for (qsizetype i = 0; i < qMin(pa.size(), pb.size()); ++i) {
            bool oka = false, okb = false;
            const int na = pa[i].toInt(&oka), nb = pb[i].toInt(&okb);
            if (oka && okb && na != nb)
                return na < nb;
            if (!(oka && okb) && pa[i] != pb[i])
                return pa[i] < pb[i];
        }
        return pa.size() < pb.size();
    });
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT package_ref, version_number FROM package_versions WHERE version_number IS NOT NULL")))
        return sqlError(q.lastError(), QStringLiteral("reading the package versions"));
    QHash<QString, QList<qint64>> packagesOf;
    while (q.next())
        packagesOf[q.value(1).toString()] << q.value(0).toLongLong();
    for (const QString &v : std::as_const(c.versions))
        for (qint64 package : packagesOf.value(v))
            c.packageVersions.emplace_back(package, v);
    return c;
}

Result<LicenseListReader::Summary> LicenseListReader::summarise(const std::vector<qint64> &ids)
{
    Summary s;
    std::map<Status, qint64> counts;
    constexpr size_t kChunk = 500;
    for (size_t first = 0; first < ids.size(); first += kChunk) {
        const size_t n = qMin(kChunk, ids.size() - first);
        QSqlQuery q(m_db);
        q.setForwardOnly(true);
        if (!q.prepare(QStringLiteral("SELECT status, COUNT(*), SUM(CASE WHEN seats >= 0 THEN seats ELSE 0 END), "
                                      "SUM(CASE WHEN seats < 0 THEN 1 ELSE 0 END), SUM(used_licenses) FROM licenses "
                                      "WHERE id IN (%1) GROUP BY status")
                           .arg(QStringList(qsizetype(n), QStringLiteral("?")).join(QLatin1Char(',')))))
            return sqlError(q.lastError(), QStringLiteral("summing up the selected licenses"));
        for (size_t i = 0; i < n; ++i)
            q.addBindValue(ids[first + i]);
        if (!q.exec())
            return sqlError(q.lastError(), QStringLiteral("summing up the selected licenses"));
        while (q.next()) {
            const qint64 count = q.value(1).toLongLong();
            s.licenses += count;
            s.seats += q.value(2).toLongLong();
            s.siteLicenses += q.value(3).toLongLong();
            s.used += q.value(4).toLongLong();
            if (auto status = statusFromString(q.value(0).toString()))
                counts[*status] += count;
        }
    }
    for (Status status : kAllStatuses)
        if (auto it = counts.find(status); it != counts.end())
            s.byStatus.emplace_back(status, it->second);
    return s;
}

Result<qint64> LicenseListReader::total()
{
    return queryNumber(m_db, QStringLiteral("SELECT COUNT(*) FROM licenses"), QStringLiteral("counting licenses"));
}

Result<qint64> LicenseListReader::estimatedTotal()
{
    return queryNumber(m_db, m_dialect.licensesEstimateSql(), QStringLiteral("counting licenses"));
}

Result<qint64> LicenseListReader::candidateCount(const TextCandidates &candidates, qint64 total)
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.prepare(candidates.countSql))
        return sqlError(q.lastError(), QStringLiteral("counting the search's candidates"));
    bindAll(q, candidates.binds);
    if (candidates.probe)
        q.addBindValue(textProbeLimit(total));
    if (!q.exec() || !q.next())
        return sqlError(q.lastError(), QStringLiteral("counting the search's candidates"));
    return q.value(0).toLongLong();
}

Result<std::vector<qint64>> LicenseListReader::segmentCounts(const std::vector<LicenseQuerySegment> &segments)
{
    std::vector<qint64> counts;
    for (const LicenseQuerySegment &s : segments) {
        QSqlQuery q(m_db);
        q.setForwardOnly(true);
        if (!q.prepare(QStringLiteral("SELECT COUNT(*) FROM licenses l WHERE %1").arg(s.where)))
            return sqlError(q.lastError(), QStringLiteral("counting licenses"));
        bindAll(q, s.binds);
        if (!q.exec() || !q.next())
            return sqlError(q.lastError(), QStringLiteral("counting licenses"));
        counts.push_back(q.value(0).toLongLong());
    }
    return counts;
}

Result<std::vector<LicenseRow>> LicenseListReader::window(const std::vector<LicenseQuerySegment> &segments,
                                                          const std::vector<qint64> &counts, qint64 offset, int limit,
                                                          const QDate &asOf)
{
    std::vector<LicenseRow> out;
    const bool counted = counts.size() == segments.size();
    for (size_t i = 0; i < segments.size() && int(out.size()) < limit; ++i) {
        const qint64 count = counted ? counts[i] : -1;
        if (counted && offset >= count) {
            offset -= count;
            continue;
        }
        const int want = limit - int(out.size());
        // Past the middle of a long segment, read it backwards from its end: the database then
        // steps over the rows after the window rather than all those before it.
        const bool fromEnd = counted && offset > count / 2;
        const qint64 skip = fromEnd ? qMax<qint64>(0, count - offset - want) : offset;
        const qint64 take = fromEnd ? qMin<qint64>(want, count - offset) : want;
        const LicenseQuerySegment &s = segments[i];
        QSqlQuery q(m_db);
        q.setForwardOnly(true);
        if (!q.prepare(QStringLiteral("SELECT %1 FROM %2 WHERE %3 ORDER BY %4 LIMIT ? OFFSET ?")
                           .arg(rowColumnsSql(), kFrom, s.where, fromEnd ? s.reverseOrderBy : s.orderBy)))
            return sqlError(q.lastError(), QStringLiteral("reading licenses"));
        bindAll(q, s.binds);
        q.addBindValue(take);
        q.addBindValue(skip);
        if (!q.exec())
            return sqlError(q.lastError(), QStringLiteral("reading licenses"));
        std::vector<LicenseRow> part;
        while (q.next())
            part.push_back(readRow(q, asOf));
        if (fromEnd)
            std::reverse(part.begin(), part.end());
        for (LicenseRow &r : part)
            out.push_back(std::move(r));
        offset = 0;
    }
    return out;
}

namespace {

// `sql` with its "?" parameters named ":p1", ":p2", … (none is inside a quoted literal), and
// `binds` bound to them on `cursor`; false when one cannot be (a NULL, a type of no form there).
bool bindNamed(FastCursor &cursor, const QVariantList &binds, std::vector<QByteArray> &keep)
{
    keep.clear();
    keep.reserve(size_t(binds.size()) * 2);
    for (qsizetype i = 0; i < binds.size(); ++i) {
        const QVariant &v = binds[i];
        keep.push_back(":p" + QByteArray::number(i + 1));
        const char *name = keep.back().constData();
        if (v.isNull())
            return false;
        switch (v.typeId()) {
        case QMetaType::Int:
        case QMetaType::LongLong:
        case QMetaType::UInt:
        case QMetaType::ULongLong:
        case QMetaType::Bool: cursor.bindInteger(name, v.toLongLong()); break;
        case QMetaType::QString:
        case QMetaType::QByteArray:
            keep.push_back(v.toString().toUtf8());
            cursor.bindUtf8(name, keep.back());
            break;
        default: return false;
        }
    }
    return true;
}

QString namedPlaceholders(const QString &sql)
{
    QString out;
    out.reserve(sql.size() + 16);
    bool quoted = false;
    int n = 0;
    for (const QChar c : sql) {
        if (c == u'\'')
            quoted = !quoted;
        if (c == u'?' && !quoted)
            out += QStringLiteral(":p") + QString::number(++n);
        else
            out += c;
    }
    return out;
}

} // namespace

void LicenseIds::reserve(size_t n)
{
    if (m_wide.empty())
        m_narrow.reserve(n);
    else
        m_wide.reserve(n);
}

void LicenseIds::pushWide(qint64 id)
{
    if (m_wide.empty()) {
        m_wide.reserve(std::max(m_narrow.capacity(), m_narrow.size() + 1));
        m_wide.assign(m_narrow.begin(), m_narrow.end());
        std::vector<std::uint32_t>().swap(m_narrow);
    }
    m_wide.push_back(id);
}

qint64 LicenseIds::indexOf(qint64 id) const
{
    if (!m_wide.empty()) {
        const auto it = std::find(m_wide.begin(), m_wide.end(), id);
        return it == m_wide.end() ? -1 : qint64(it - m_wide.begin());
    }
    if (id < 0 || id > qint64(UINT32_MAX))
        return -1;
    const auto it = std::find(m_narrow.begin(), m_narrow.end(), std::uint32_t(id));
    return it == m_narrow.end() ? -1 : qint64(it - m_narrow.begin());
}

std::vector<qint64> LicenseIds::slice(size_t from, size_t to) const
{
    to = std::min(to, size());
    std::vector<qint64> out;
    if (from >= to)
        return out;
    if (!m_wide.empty())
        return std::vector<qint64>(m_wide.begin() + qint64(from), m_wide.begin() + qint64(to));
    out.reserve(to - from);
    for (size_t i = from; i < to; ++i)
        out.push_back(m_narrow[i]);
    return out;
}

void LicenseIds::release()
{
    // Swapped, not assigned from {}: that assignment keeps the capacity.
    std::vector<std::uint32_t>().swap(m_narrow);
    std::vector<qint64>().swap(m_wide);
}

Result<LicenseIds> LicenseListReader::ids(const std::vector<LicenseQuerySegment> &segments,
                                          const std::function<bool()> &stopped, qint64 expected)
{
    LicenseIds out;
    // A little over the count: rows added since it was taken do not double the list.
    if (expected > 0)
        out.reserve(size_t(expected + expected / 64 + 256));
    const StorageBackend &backend = StorageBackend::of(m_db);
    std::vector<QByteArray> keep;
    for (const LicenseQuerySegment &s : segments) {
        const QString sql = QStringLiteral("SELECT l.id FROM licenses l WHERE %1 ORDER BY %2").arg(s.where, s.orderBy);
        // The backend's fast read when it has one (SQLite's own statement, a server's COPY):
        // a million ids with no QVariant each.
        auto fast = backend.prepareCursor(m_db, namedPlaceholders(sql).toUtf8());
        if (!fast)
            return storageError(fast.error(), QStringLiteral("listing licenses"));
        if (fast.value() && bindNamed(*fast.value(), s.binds, keep)) {
            FastCursor &cursor = *fast.value();
            qint64 n = 0;
            while (cursor.next()) {
                out.push_back(cursor.integer(0));
                if ((++n & 0xffff) == 0 && stopped && stopped())
                    return Error::make(Error::Code::Cancelled, QStringLiteral("stopped"));
            }
            if (auto r = cursor.error(); !r)
                return storageError(r.error(), QStringLiteral("listing licenses"));
            continue;
        }
        fast.value().reset();
        QSqlQuery q(m_db);
        q.setForwardOnly(true);
        if (!q.prepare(sql))
            return sqlError(q.lastError(), QStringLiteral("listing licenses"));
        bindAll(q, s.binds);
        if (!q.exec())
            return sqlError(q.lastError(), QStringLiteral("listing licenses"));
        qint64 n = 0;
        while (q.next()) {
            out.push_back(q.value(0).toLongLong());
            if ((++n & 0xffff) == 0 && stopped && stopped())
                return Error::make(Error::Code::Cancelled, QStringLiteral("stopped"));
        }
    }
    return out;
}

Result<std::vector<LicenseRow>> LicenseListReader::rowsById(const qint64 *ids, size_t count, const QDate &asOf)
{
    std::vector<LicenseRow> out;
    if (count == 0)
        return out;
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    QStringList marks;
    for (size_t i = 0; i < count; ++i)
        marks << QString::number(ids[i]); // integers from our own list: no injection possible
    if (!q.exec(QStringLiteral("SELECT %1 FROM %2 WHERE l.id IN (%3)").arg(rowColumnsSql(), kFrom, marks.join(u','))))
        return sqlError(q.lastError(), QStringLiteral("reading licenses"));
    std::unordered_map<qint64, LicenseRow> byId;
    byId.reserve(count);
    while (q.next()) {
        LicenseRow r = readRow(q, asOf);
        const qint64 id = r.id;
        byId.emplace(id, std::move(r));
    }
    out.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        auto it = byId.find(ids[i]);
        out.push_back(it != byId.end() ? std::move(it->second) : LicenseRow());
    }
    return out;
}

} // namespace lmo
