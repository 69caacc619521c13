#pragma once

#include <QHash>

#include <list>
#include <vector>

namespace lmo {

// The rows a windowed model has read, by blocks of `BlockSize`: at most `MaxBlocks` kept, the
// least recently used dropped first. Reading a row marks its block used.
template<typename Row, int BlockSize, int MaxBlocks>
class BlockCache
{
public:
    // The row, if its block is here.
    const Row *find(int row) const
    {
        const int block = row / BlockSize;
        auto it = m_blocks.constFind(block);
        if (it == m_blocks.constEnd() || size_t(row % BlockSize) >= it->size())
            return nullptr;
        touch(block);
        return &(*it)[size_t(row % BlockSize)];
    }
    void put(int block, std::vector<Row> rows)
    {
        m_blocks.insert(block, std::move(rows));
        touch(block);
        while (m_blocks.size() > MaxBlocks && !m_recent.empty()) {
            m_blocks.remove(m_recent.back());
            m_recent.pop_back();
        }
    }
    void clear()
    {
        m_blocks.clear();
        m_recent.clear();
    }
    // Forgets the blocks from the one holding `row` on (the list got shorter).
    void dropFrom(int row)
    {
        for (auto it = m_blocks.begin(); it != m_blocks.end();) {
            if ((it.key() + 1) * BlockSize > row) {
                m_recent.remove(it.key());
                it = m_blocks.erase(it);
            } else {
                ++it;
            }
        }
    }

private:
    void touch(int block) const
    {
        if (!m_recent.empty() && m_recent.front() == block)
            return;
        m_recent.remove(block);
        m_recent.push_front(block);
    }

    QHash<int, std::vector<Row>> m_blocks;
    mutable std::list<int> m_recent; // most recently used first
};

} // namespace lmo
