#pragma once

#include <QJsonArray>
#include <QJsonValue>
#include <QStringList>

namespace lmo {

// A JSON array of strings read back as a list (anything else in it reads as an empty string;
// a value that is not an array, as an empty list). The other way is QJsonArray::fromStringList.
inline QStringList stringsFromJson(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &x : v.toArray())
        out << x.toString();
    return out;
}

} // namespace lmo
