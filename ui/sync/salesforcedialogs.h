#pragma once

// File > Connect to Salesforce… and File > Salesforce sync settings…: what the user chooses;
// SyncController does the rest.

#include "sync/sfauth.h"
#include "sync/sfconnection.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QRadioButton;
class QSpinBox;

namespace lmo {

class SalesforceConnectDialog : public QDialog
{
    Q_OBJECT
public:
    // Filled in from `previous` (the last connection) when there is one.
    explicit SalesforceConnectDialog(const std::optional<sf::SavedConnection> &previous, QWidget *parent = nullptr);

    bool useCli() const;
    // The External Client App as entered (loginUrl invalid when the text is not a login host).
    sf::OAuthApp app() const;
    QString cliAlias() const;
    // Why Connect is not allowed yet; empty when it is.
    QString problem() const;

    void setUseCli(bool cli);
    void setLoginText(const QString &text);
    void setClientId(const QString &key);
    void setPort(int port);
    void setCliAlias(const QString &alias);

private:
    void update();

    QRadioButton *m_oauth, *m_cli;
    QComboBox *m_login;
    QLineEdit *m_clientId;
    QSpinBox *m_port;
    QLabel *m_callback;
    QLineEdit *m_alias;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
    QWidget *m_oauthBox, *m_cliBox;
};

class SyncSettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SyncSettingsDialog(const sf::SyncSettings &settings, QWidget *parent = nullptr);
    sf::SyncSettings settings() const;

private:
    QCheckBox *m_every;
    QSpinBox *m_minutes;
    QDoubleSpinBox *m_reserve;
    QSpinBox *m_bulk;
};

} // namespace lmo
