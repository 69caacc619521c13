#include "sync/signinbrowser.h"

#include <QDesktopServices>
#include <QProcess>

namespace lmo {

bool openSignInPage(const QUrl &url)
{
    const QString address = url.toString(QUrl::FullyEncoded);
    for (const char *variable : {"LMODESK_BROWSER", "BROWSER"}) {
        const QString program = qEnvironmentVariable(variable);
        if (!program.isEmpty())
            return QProcess::startDetached(program, {address});
    }
    if (QProcess::startDetached(QStringLiteral("xdg-open"), {address}))
        return true;
    return QDesktopServices::openUrl(url);
}

} // namespace lmo
