#pragma once

#include <QString>

#include <array>
#include <optional>

namespace lmo {

class Database;

enum class Page { Licenses, Subscribers, Dashboard, Billing, Lmo, Access };
inline constexpr std::array<Page, 6> kAllPages{Page::Licenses, Page::Subscribers, Page::Dashboard, Page::Billing, Page::Lmo, Page::Access};

QString pageName(Page page);  // "licenses": what --page takes
QString pageTitle(Page page); // "Licenses": what the sidebar shows
std::optional<Page> pageFromName(const QString &name);

} // namespace lmo
