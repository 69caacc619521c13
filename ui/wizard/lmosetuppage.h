#pragma once

#include "lmo/lmoscreens.h"
#include "shell/databasepage.h"

class QLabel;
class QPushButton;
class QTextBrowser;
class QTreeWidget;
class QWidget;

namespace lmo {

class LmoReader;

// The LMO this database belongs to: which org, how far its setup got, the LMOs it replaced
// and how many licenses came from each, the packages registered to it, and its runbook (or,
// before it is designated, the six steps that designating it involves). It reads them on a
// worker (the document's reader, or one of its own on the database's connection spec) and shows
// them when they come: the UI thread never waits on the database.
class LmoSetupPage : public DatabasePage
{
    Q_OBJECT
public:
    explicit LmoSetupPage(QWidget *parent = nullptr);
    void setDatabase(Database *database) override;
    void reload() override;

    QTreeWidget *packagesTree() const { return m_packages; }
    QTreeWidget *lmosTree() const { return m_lmos; }
    QLabel *identityLabel() const { return m_identity; }
    // Why the recorded LMO would be refused today (hidden when it would not).
    QLabel *refusalsLabel() const { return m_refusals; }
    QTextBrowser *runbookView() const { return m_runbook; }
    QPushButton *wizardButton() const { return m_wizard; }
    QString runbookMarkdown() const { return m_runbookMarkdown; }
    // The last reload's answer is shown (false while it is read).
    bool isLoaded() const { return m_loaded; }
    // Whether the database's current LMO is designated, as last read.
    bool isDesignated() const { return m_designated; }

signals:
    void wizardRequested(bool switchLmo);
    // A reload's answer is shown (`ok` false: the page says why it could not be read).
    void loaded(bool ok);

private:
    void saveRunbookAs(const QString &suffix);
    void showOverview(const Result<LmoOverview> &overview);

    Database *m_database = nullptr;
    bool m_loaded = false;
    bool m_designated = false;
    QLabel *m_identity;
    QLabel *m_refusals;
    QPushButton *m_wizard;
    QPushButton *m_switch;
    QPushButton *m_savePdf;
    QPushButton *m_saveMarkdown;
    QWidget *m_lmosBox;
    QTreeWidget *m_lmos;
    QLabel *m_facts;
    QTreeWidget *m_packages;
    QWidget *m_runbookBox;
    QTextBrowser *m_runbook;
    QWidget *m_stepsBox;
    QString m_runbookMarkdown;
    LmoReader *m_reader;
};

} // namespace lmo
