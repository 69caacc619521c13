#include "shell/pages.h"

namespace lmo {

QString pageName(Page page)
{
    switch (page) {
    case Page::Licenses: return QStringLiteral("licenses");
    case Page::Subscribers: return QStringLiteral("subscribers");
    case Page::Dashboard: return QStringLiteral("dashboard");
    case Page::Billing: return QStringLiteral("billing");
    case Page::Lmo: return QStringLiteral("lmo");
    case Page::Access: return QStringLiteral("access");
    }
    return {};
}

QString pageTitle(Page page)
{
    switch (page) {
    case Page::Licenses: return QStringLiteral("Licenses");
    case Page::Subscribers: return QStringLiteral("Subscribers");
    case Page::Dashboard: return QStringLiteral("Dashboard");
    case Page::Billing: return QStringLiteral("Billing");
    case Page::Lmo: return QStringLiteral("LMO setup");
    case Page::Access: return QStringLiteral("Access");
    }
    return {};
}

std::optional<Page> pageFromName(const QString &name)
{
    for (Page p : kAllPages) {
        if (name.compare(pageName(p), Qt::CaseInsensitive) == 0)
            return p;
    }
    return std::nullopt;
}

} // namespace lmo
