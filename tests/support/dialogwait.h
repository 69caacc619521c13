#pragma once

// Waiting for a modal dialog in a widget test: it opens later (exec() inside the call under
// test), so the test arranges first what to do with it once it is on the screen.

#include <QApplication>
#include <QObject>
#include <QString>
#include <QTimer>
#include <QWidget>

namespace lmo::test {

// The dialog of that kind (and, if given, that object name) on the screen now; another test's
// may linger, hidden.
template<typename T>
T *visibleDialog(const QString &name = QString())
{
    for (QWidget *w : QApplication::topLevelWidgets())
        if (auto *d = qobject_cast<T *>(w); d && d->isVisible() && (name.isEmpty() || d->objectName() == name))
            return d;
    return nullptr;
}

// Runs `act` on the dialog of that kind once it is on the screen.
template<typename T, typename F>
void whenDialog(QObject *context, F act)
{
    auto *poll = new QTimer(context);
    poll->setInterval(10);
    QObject::connect(poll, &QTimer::timeout, context, [poll, act] {
        if (T *d = visibleDialog<T>()) {
            poll->stop();
            poll->deleteLater();
            act(d);
        }
    });
    poll->start();
}

} // namespace lmo::test
