#pragma once

#include <QtGlobal>

#include <cmath>
#include <cstdint>

namespace lmo {

// xoshiro256** seeded through splitmix64: fast, and the same numbers on every platform and Qt
// version, so a demo seed always gives the same install base.
class DemoRandom
{
public:
    explicit DemoRandom(quint64 seed)
    {
        quint64 x = seed;
        for (auto &s : m_s) {
            x += 0x9e3779b97f4a7c15ULL;
            quint64 z = x;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            s = z ^ (z >> 31);
        }
    }

    quint64 next()
    {
        const quint64 result = rotl(m_s[1] * 5, 7) * 9;
        const quint64 t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    // [0, 1)
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }
    // [0, n)
    qint64 below(qint64 n) { return n <= 0 ? 0 : qint64(uniform() * double(n)); }
    qint64 between(qint64 lo, qint64 hi) { return lo + below(hi - lo + 1); }
    bool chance(double p) { return uniform() < p; }
    double normal()
    {
        const double u1 = 1.0 - uniform();
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
    }
    double logNormal(double mu, double sigma) { return std::exp(mu + sigma * normal()); }
    // Days until an event with the given mean, memoryless.
    double exponential(double mean) { return -mean * std::log(1.0 - uniform()); }

    // Index into weights, chosen in proportion to them.
    template<typename Container>
    int weighted(const Container &weights)
    {
        double total = 0;
        for (double w : weights)
            total += w;
        double r = uniform() * total;
        int i = 0;
        for (double w : weights) {
            if (r < w)
                return i;
            r -= w;
            ++i;
        }
        return i - 1;
    }

private:
    static quint64 rotl(quint64 x, int k) { return (x << k) | (x >> (64 - k)); }
    quint64 m_s[4];
};

} // namespace lmo
