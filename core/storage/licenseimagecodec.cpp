// The image's chunk format, the same on every engine: built from rows by ChunkBuilder, read by
// decode(). Where the rows come from is the engine's (storage/sqlite/licenseimage.cpp reads
// them through SQLite's API, storage/postgres/pglicenseimage.cpp through libpq).
#include "storage/licenseimage.h"

#include <cstring>

namespace lmo::LicenseImage {

namespace {

constexpr size_t kHeaderWords = 8; // magic, rows, five dictionary sizes, spare

void put32(std::string &out, std::uint32_t v)
{
    out.append(reinterpret_cast<const char *>(&v), sizeof v);
}

template<typename T> void putArray(std::string &out, const std::vector<T> &v)
{
    out.append(reinterpret_cast<const char *>(v.data()), v.size() * sizeof(T));
}

void pad8(std::string &out)
{
    while (out.size() % 8)
        out.push_back('\0');
}

void putStrings(std::string &out, const std::vector<std::string> &values)
{
    for (const std::string &v : values) {
        put32(out, std::uint32_t(v.size()));
        out.append(v);
    }
}

} // namespace

bool packDay(const char *p, size_t n, std::int32_t &out)
{
    if (n != 10 || p[4] != '-' || p[7] != '-')
        return false;
    std::int32_t v = 0;
    for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (p[i] - '0');
    }
    out = v;
    return true;
}

std::string rawMarker()
{
    return std::string(reinterpret_cast<const char *>(&kMagicRaw), 4);
}

std::uint16_t ChunkBuilder::Dictionary::of(std::string_view v)
{
    auto it = index.find(std::string(v));
    if (it != index.end())
        return it->second;
    const auto n = std::uint16_t(values.size());
    index.emplace(std::string(v), n);
    values.emplace_back(v);
    return n;
}

void ChunkBuilder::add(const Row &row)
{
    const StatusCode code = row.status == "Active"        ? StatusCode::Active
                            : row.status == "Trial"       ? StatusCode::Trial
                            : row.status == "Uninstalled" ? StatusCode::Uninstalled
                                                          : StatusCode::Other;
    std::uint8_t f = std::uint8_t(code);
    if (row.sandbox)
        f |= Flag::Sandbox;
    if (row.expiration == kNoDay)
        f |= Flag::NoExpiration;
    m_flags.push_back(f);
    m_expiration.push_back(row.expiration);
    m_install.push_back(row.install);
    m_uninstall.push_back(code == StatusCode::Uninstalled ? row.uninstall : kNoDay);
    m_seats.push_back(row.seats);
    m_used.push_back(row.used);
    const std::uint16_t lmoIndex = m_lmos.of(std::string_view(reinterpret_cast<const char *>(&row.lmoRef), sizeof row.lmoRef));
    if (lmoIndex == m_lmoValues.size())
        m_lmoValues.push_back(row.lmoRef);
    m_lmo.push_back(lmoIndex);
    m_edition.push_back(m_editions.of(row.edition));
    m_instance.push_back(m_instances.of(row.instance));
    std::string versionKey(reinterpret_cast<const char *>(&row.packageRef), sizeof row.packageRef);
    versionKey.append(row.version);
    const std::uint16_t versionIndex = m_versions.of(versionKey);
    if (versionIndex == m_versionPackages.size()) {
        m_versionPackages.push_back(row.packageRef);
        m_versionNumbers.emplace_back(row.version);
    }
    m_version.push_back(versionIndex);
    const std::uint16_t orgIndex = m_orgs.of(row.orgId);
    if (orgIndex == m_orgHashes.size())
        m_orgHashes.push_back(orgHash(row.orgId));
    m_org.push_back(orgIndex);
}

std::string ChunkBuilder::finish() const
{
    std::string out;
    const std::uint32_t header[kHeaderWords] = {kMagicImage,
                                                std::uint32_t(m_flags.size()),
                                                std::uint32_t(m_lmoValues.size()),
                                                std::uint32_t(m_editions.values.size()),
                                                std::uint32_t(m_instances.values.size()),
                                                std::uint32_t(m_versionPackages.size()),
                                                std::uint32_t(m_orgs.values.size()),
                                                0};
    out.reserve(sizeof header + m_flags.size() * 31 + 64);
    out.append(reinterpret_cast<const char *>(header), sizeof header);
    for (const auto *column : {&m_expiration, &m_install, &m_uninstall, &m_seats, &m_used})
        putArray(out, *column);
    for (const auto *column : {&m_lmo, &m_edition, &m_instance, &m_version, &m_org})
        putArray(out, *column);
    putArray(out, m_flags);
    pad8(out);
    putArray(out, m_lmoValues);
    putArray(out, m_versionPackages);
    putArray(out, m_orgHashes);
    putStrings(out, m_editions.values);
    putStrings(out, m_instances.values);
    putStrings(out, m_versionNumbers);
    return out;
}

bool decode(const char *data, size_t size, Chunk &chunk)
{
    if (size < kHeaderWords * 4)
        return false;
    std::uint32_t header[kHeaderWords];
    memcpy(header, data, sizeof header);
    if (header[0] != kMagicImage)
        return false;
    const size_t n = header[1];
    size_t at = sizeof header;
    auto take = [&](size_t bytes) -> const char * {
        if (at + bytes > size)
            return nullptr;
        const char *p = data + at;
        at += bytes;
        return p;
    };
    const char *ints = take(n * 4 * 5);
    const char *shorts = take(n * 2 * 5);
    const char *bytes = take(n);
    if (!ints || !shorts || !bytes)
        return false;
    at = (at + 7) & ~size_t(7);
    chunk.rows = std::uint32_t(n);
    chunk.expiration = reinterpret_cast<const std::int32_t *>(ints);
    chunk.install = chunk.expiration + n;
    chunk.uninstall = chunk.install + n;
    chunk.seats = chunk.uninstall + n;
    chunk.used = chunk.seats + n;
    chunk.lmo = reinterpret_cast<const std::uint16_t *>(shorts);
    chunk.edition = chunk.lmo + n;
    chunk.instance = chunk.edition + n;
    chunk.version = chunk.instance + n;
    chunk.org = chunk.version + n;
    chunk.flags = reinterpret_cast<const std::uint8_t *>(bytes);
    const char *lmos = take(size_t(header[2]) * 8);
    const char *packages = take(size_t(header[5]) * 8);
    const char *orgs = take(size_t(header[6]) * 8);
    if (!lmos || !packages || !orgs)
        return false;
    chunk.orgs.assign(reinterpret_cast<const std::uint64_t *>(orgs), reinterpret_cast<const std::uint64_t *>(orgs) + header[6]);
    chunk.lmos.assign(reinterpret_cast<const std::int64_t *>(lmos), reinterpret_cast<const std::int64_t *>(lmos) + header[2]);
    chunk.versionPackages.assign(reinterpret_cast<const std::int64_t *>(packages),
                                 reinterpret_cast<const std::int64_t *>(packages) + header[5]);
    auto strings = [&](std::uint32_t count, std::vector<std::string_view> &out) {
        out.clear();
        out.reserve(count);
        for (std::uint32_t i = 0; i < count; ++i) {
            const char *len = take(4);
            if (!len)
                return false;
            std::uint32_t l = 0;
            memcpy(&l, len, 4);
            const char *text = take(l);
            if (!text && l > 0)
                return false;
            out.emplace_back(text ? text : "", l);
        }
        return true;
    };
    if (!strings(header[3], chunk.editions) || !strings(header[4], chunk.instances) || !strings(header[5], chunk.versions))
        return false;
    // Every index within its dictionary (a damaged BLOB is read from the table instead).
    auto within = [n](const std::uint16_t *column, size_t entries) {
        for (size_t i = 0; i < n; ++i)
            if (column[i] >= entries)
                return false;
        return true;
    };
    return within(chunk.lmo, chunk.lmos.size()) && within(chunk.edition, chunk.editions.size())
           && within(chunk.instance, chunk.instances.size()) && within(chunk.version, chunk.versions.size())
           && within(chunk.org, chunk.orgs.size());
}

} // namespace lmo::LicenseImage
