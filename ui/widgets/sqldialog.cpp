#include "widgets/sqldialog.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace lmo {

void showPolicySqlDialog(QWidget *parent, const Result<QStringList> &sql)
{
    auto *dialog = new QDialog(parent);
    dialog->setObjectName(QStringLiteral("policySqlDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(QStringLiteral("The policy as SQL"));
    auto *layout = new QVBoxLayout(dialog);
    auto *text = new QPlainTextEdit;
    text->setReadOnly(true);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    text->setPlainText(sql ? sql->join(QLatin1Char('\n')) : sql.error().message);
    layout->addWidget(text);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close);
    QObject::connect(close, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    layout->addWidget(close);
    dialog->resize(900, 600);
    dialog->open();
}

} // namespace lmo
