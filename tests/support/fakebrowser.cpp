// A browser for the sign-in tests: opens the address it is given and follows its redirects (to
// Salesforce's authorize page on the fake, then to LMO Desk's loopback callback), as a person's
// browser would once they had signed in. Prints the last status and page.
#include <QCoreApplication>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTextStream>
#include <QTimer>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2)
        return 2;
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl::fromEncoded(QByteArray(argv[1])));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    QNetworkReply *reply = network.get(request);
    QObject::connect(reply, &QNetworkReply::finished, &app, [&] {
        QTextStream(stdout) << reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() << " " << reply->readAll() << "\n";
        app.exit(reply->error() == QNetworkReply::NoError ? 0 : 1);
    });
    QTimer::singleShot(30'000, &app, [&] { app.exit(3); });
    return app.exec();
}
