#include "shell/appearance.h"

#include <QApplication>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace lmo {

namespace {

const QString kSchemeKey = QStringLiteral("view/colorScheme");

// What the platform chose, taken before the first change.
struct PlatformLook
{
    QString style;
};

const PlatformLook &platformLook()
{
    static const PlatformLook look{QApplication::style() ? QApplication::style()->name() : QString()};
    return look;
}

} // namespace

QString colorSchemeName(ColorScheme scheme)
{
    switch (scheme) {
    case ColorScheme::Light:
        return QStringLiteral("light");
    case ColorScheme::Dark:
        return QStringLiteral("dark");
    case ColorScheme::System:
        break;
    }
    return QStringLiteral("system");
}

std::optional<ColorScheme> colorSchemeFromName(const QString &name)
{
    for (ColorScheme s : {ColorScheme::System, ColorScheme::Light, ColorScheme::Dark})
        if (name.compare(colorSchemeName(s), Qt::CaseInsensitive) == 0)
            return s;
    return std::nullopt;
}

ColorScheme savedColorScheme()
{
    return colorSchemeFromName(QSettings().value(kSchemeKey).toString()).value_or(ColorScheme::System);
}

void saveColorScheme(ColorScheme scheme)
{
    QSettings().setValue(kSchemeKey, colorSchemeName(scheme));
}

QPalette darkPalette()
{
    const QColor window(0x2b, 0x2d, 0x30);
    const QColor base(0x1e, 0x1f, 0x22);
    const QColor text(0xe8, 0xe8, 0xe8);
    const QColor dimmed(0x80, 0x80, 0x80);
    QPalette p;
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2b));
    p.setColor(QPalette::ToolTipBase, QColor(0x3a, 0x3c, 0x40));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3b));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x4a, 0x4c, 0x50));
    p.setColor(QPalette::Midlight, QColor(0x3e, 0x40, 0x44));
    p.setColor(QPalette::Mid, QColor(0x50, 0x52, 0x56));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Shadow, QColor(0x0c, 0x0c, 0x0d));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7e, 0xd6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xb3, 0x94, 0xff));
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, dimmed);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x50, 0x52, 0x56));
    return p;
}

bool g_styleGivenOnCommandLine = false;

void setStyleGivenOnCommandLine(bool given)
{
    g_styleGivenOnCommandLine = given;
}

void applyColorScheme(ColorScheme scheme)
{
    const bool keepStyle = g_styleGivenOnCommandLine;
    const PlatformLook &platform = platformLook(); // taken before anything changes
    if (scheme == ColorScheme::System) {
        if (!keepStyle && !platform.style.isEmpty() && QApplication::style()->name() != platform.style)
            QApplication::setStyle(QStyleFactory::create(platform.style));
        // A palette with nothing set gives each role back to the style and the platform theme.
        QApplication::setPalette(QPalette());
        return;
    }
    if (!keepStyle && QApplication::style()->name().compare(QStringLiteral("fusion"), Qt::CaseInsensitive) != 0)
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(scheme == ColorScheme::Dark ? darkPalette() : QApplication::style()->standardPalette());
}

} // namespace lmo
