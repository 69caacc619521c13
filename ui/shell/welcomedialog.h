#pragma once

#include <QDialog>

class QCheckBox;
class QLineEdit;
class QRadioButton;
class QSpinBox;

namespace lmo {

// The first start: no database yet. Offers a demo install base to explore, an empty database
// for real data, or an existing file; and to designate the LMO with the setup wizard after.
class WelcomeDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Choice { Demo, Empty, OpenExisting, TeamDatabase };

    explicit WelcomeDialog(const QString &suggestedPath, QWidget *parent = nullptr);

    Choice choice() const;
    // The file, or for TeamDatabase the postgresql:// URI the Connect dialog gave.
    QString path() const;
    qint64 demoLicenses() const;
    // Whether to walk through designating the LMO once the database is open (the first-run
    // offer of the setup wizard; on by default for an empty database of one's own).
    bool setUpLmo() const;

private:
    void browse();
    void openExisting();
    void connectTeam();

    QRadioButton *m_demo;
    QRadioButton *m_empty;
    QSpinBox *m_size;
    QLineEdit *m_path;
    QCheckBox *m_setUpLmo;
    bool m_openExisting = false;
    QString m_teamUri;
};

} // namespace lmo
