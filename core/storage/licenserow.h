#pragma once

#include "domain/licensefields.h"

#include <QtGlobal>

#include <string>
#include <string_view>
#include <vector>

namespace lmo {

// Licenses as the INSERT binds them: UTF-8 text, integers and NULLs in one flat buffer per batch.
// A bulk load's reading thread fills a batch; the writing thread binds it with no conversion
// and no allocation per value, and frees the whole batch at once.
class LicenseRowBatch
{
public:
    // The INSERT's columns are the license fields' (domain/licensefields.h), in their order, up to
    // the first of our own; a cell's column is its field's index. Those the code names:
    enum Column : int {
        SfId = licenseFieldIndex("sf_id"),
        Name = licenseFieldIndex("name"),
        PackageRef = licenseFieldIndex("package_ref"),
        PackageVersionRef = licenseFieldIndex("package_version_ref"),
        VersionNumber = licenseFieldIndex("version_number"),
        Status = licenseFieldIndex("status"),
        Seats = licenseFieldIndex("seats"),
        UsedLicenses = licenseFieldIndex("used_licenses"),
        Expiration = licenseFieldIndex("expiration"),
        OrgId = licenseFieldIndex("org_id"),
        IsSandbox = licenseFieldIndex("is_sandbox"),
        LastModified = licenseFieldIndex("last_modified"),
        SystemModstamp = licenseFieldIndex("system_modstamp"),
        InsertColumns = batchFieldCount()
    };
    static_assert(SfId >= 0 && Name >= 0 && PackageRef >= 0 && PackageVersionRef >= 0 && VersionNumber >= 0 && Status >= 0
                      && Seats >= 0 && UsedLicenses >= 0 && Expiration >= 0 && OrgId >= 0 && IsSandbox >= 0
                      && LastModified >= 0,
                  "a column the code names is missing from the license fields");

    struct Cell
    {
        static constexpr qint32 kNull = -1;
        static constexpr qint32 kInteger = -2;
        qint64 number = 0;
        qint32 offset = 0;
        qint32 length = kNull; // bytes of text, or kNull, or kInteger
        bool isNull() const { return length == kNull; }
        bool isInteger() const { return length == kInteger; }
    };

    // `width` may exceed InsertColumns: the extra cells carry what the writer still has to look
    // up (a package's name, say).
    explicit LicenseRowBatch(int width = InsertColumns) : m_width(width) {}

    int width() const { return m_width; }
    size_t size() const { return m_rowStarts.size(); }
    bool empty() const { return m_rowStarts.empty(); }

    // Starts a row of NULLs; the setters below fill the last row.
    void addRow()
    {
        m_rowStarts.push_back(m_bytes.size());
        m_cells.resize(m_cells.size() + size_t(m_width));
    }
    // Takes the last row back, text and all.
    void dropLastRow()
    {
        m_bytes.resize(m_rowStarts.back());
        m_rowStarts.pop_back();
        m_cells.resize(m_cells.size() - size_t(m_width));
    }
    void setNull(int column) { last(column) = Cell(); }
    void setInteger(int column, qint64 value)
    {
        Cell &c = last(column);
        c.number = value;
        c.length = Cell::kInteger;
    }
    // Empty text is stored as NULL, as everywhere in the database.
    void setText(int column, std::string_view text) { store(last(column), text); }
    // Room for `length` bytes of text, written by the caller.
    char *reserveText(int column, int length)
    {
        Cell &c = last(column);
        c.offset = qint32(m_bytes.size());
        c.length = length;
        m_bytes.resize(m_bytes.size() + size_t(length));
        return m_bytes.data() + c.offset;
    }

    const Cell *row(size_t r) const { return m_cells.data() + r * size_t(m_width); }
    Cell *row(size_t r) { return m_cells.data() + r * size_t(m_width); }
    std::string_view text(const Cell &c) const
    {
        return c.length > 0 ? std::string_view(m_bytes.data() + c.offset, size_t(c.length)) : std::string_view();
    }
    // Sets a cell of an earlier row to text kept elsewhere (the writer fills in looked-up values).
    void setTextOf(size_t r, int column, std::string_view text) { store(row(r)[column], text); }

private:
    void store(Cell &c, std::string_view text)
    {
        if (text.empty()) {
            c = Cell();
            return;
        }
        c.offset = qint32(m_bytes.size());
        c.length = qint32(text.size());
        m_bytes.append(text);
    }
    Cell &last(int column) { return m_cells[m_cells.size() - size_t(m_width) + size_t(column)]; }

    int m_width;
    std::string m_bytes;
    std::vector<Cell> m_cells;
    std::vector<size_t> m_rowStarts;
};

} // namespace lmo
