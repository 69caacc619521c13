#pragma once

#include <QUrl>

namespace lmo {

// Sends the user's browser to Salesforce's sign-in page: $LMODESK_BROWSER, else $BROWSER, else
// the desktop's (xdg-open, QDesktopServices). Call on the UI thread. False when nothing could
// be started (the caller shows the address to open by hand either way).
bool openSignInPage(const QUrl &url);

} // namespace lmo
