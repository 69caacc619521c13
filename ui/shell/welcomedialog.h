#pragma once

#include <QDialog>

class QLineEdit;
class QRadioButton;
class QSpinBox;

namespace lmo {

// The first start: no database yet. Offers a demo install base to explore, an empty database
// for real data, or an existing file.
class WelcomeDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Choice { Demo, Empty, OpenExisting };

    explicit WelcomeDialog(const QString &suggestedPath, QWidget *parent = nullptr);

    Choice choice() const;
    QString path() const;
    qint64 demoLicenses() const;

private:
    void browse();
    void openExisting();

    QRadioButton *m_demo;
    QRadioButton *m_empty;
    QSpinBox *m_size;
    QLineEdit *m_path;
    bool m_openExisting = false;
};

} // namespace lmo
