#pragma once

#include <QPalette>
#include <QString>

#include <optional>

namespace lmo {

// View > Appearance: follow the system (the default), or always light, or always dark.
enum class ColorScheme { System, Light, Dark };

QString colorSchemeName(ColorScheme scheme); // "system", "light", "dark": what the settings keep
std::optional<ColorScheme> colorSchemeFromName(const QString &name);

// The choice kept in the settings (view/colorScheme); System when none or unreadable.
ColorScheme savedColorScheme();
void saveColorScheme(ColorScheme scheme);

// Applies a scheme to the running application. Qt 6.4 has no QStyleHints::setColorScheme, so
// Light and Dark are the Fusion style with its own light palette or darkPalette(); System gives
// back the style and palette the platform chose (what the application started with, -style and
// -platformtheme included). Once a style was named on the command line (-style), only the
// palette changes: what the user asked for there wins over the saved choice.
void applyColorScheme(ColorScheme scheme);
void setStyleGivenOnCommandLine(bool given);

// The dark palette: Fusion's roles, dark window and base, light text, readable links and
// highlights, and dimmed disabled text.
QPalette darkPalette();

} // namespace lmo
