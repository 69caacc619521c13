#pragma once

#include "import/importer.h"
#include "lmo/lmoprofile.h"

#include <QDialog>
#include <QSqlDatabase>

#include <atomic>
#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTableWidget;

namespace lmo {

class JobRunner;

// File > Import: a preview of the file (what it is, its first rows, how each column will be
// read, with the mapping open to correction), then the import with progress, rows per second
// and Cancel, then a summary whose rejected rows can be read and saved as CSV.
class ImportDialog : public QDialog
{
    Q_OBJECT
public:
    ImportDialog(const QString &databasePath, const QString &file, QWidget *parent = nullptr);
    ~ImportDialog() override;

    // False (with the reason shown in the dialog) when the file cannot be previewed.
    bool previewOk() const { return m_preview.has_value(); }
    QString formatText() const;
    QStringList missingText() const;
    // The column mapping as it stands (the user may have changed it).
    std::vector<ImportField> mapping() const;
    void setMapping(int column, ImportField field);
    void setStrict(bool strict);
    void setDateOrder(DateOrder order);
    // Once the database has licenses from more than one LMO, a license file must say which LMO
    // it was exported from: the dialog asks, and Import waits for the answer.
    void offerLmos(QSqlDatabase db);
    // The LMOs to offer, read off the UI thread by the window.
    void offerLmos(const QList<KnownLmo> &known);
    // The password the window's connection was opened with (a team database's, from the
    // keychain): the import's own connection needs it too.
    void setPassword(const QString &password) { m_password = password; }
    void setLmo(qint64 lmo);
    bool asksForLmo() const;

    // Starts the import (as the Import button does).
    void startImport();
    void cancelImport();
    bool isRunning() const { return m_job != 0; }
    // The import runs as a job of `jobs` (the window's, so that the status bar shows it); by
    // default, of a runner of the dialog's own. Before startImport().
    void setJobRunner(JobRunner *jobs);
    // After the import: what happened.
    const std::optional<ImportReport> &report() const { return m_report; }
    QString errorText() const { return m_error; }
    // Writes the rejected rows (the file's columns, then line and reason) as CSV.
    bool saveRejections(const QString &path, QString *error) const;
    QTableWidget *rejectionsTable() const { return m_rejections; }

signals:
    void finished(bool imported);

public slots:
    // While the import runs, Escape and the close button cancel it (it then rolls back)
    // instead of hiding a dialog whose work goes on.
    void reject() override;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildPreviewPage();
    void buildProgressPage();
    void buildSummaryPage();
    void refreshAnalysis();
    void showSummary();
    void saveRejectionsDialog();

    QString m_databasePath;
    QString m_password;
    QString m_file;
    std::optional<ImportPreview> m_preview;
    HeaderAnalysis m_analysis;
    std::optional<ImportReport> m_report;
    QString m_error;

    QStackedWidget *m_pages;
    QLabel *m_formatLabel = nullptr;
    QLabel *m_ignoredLabel = nullptr;
    QLabel *m_missingLabel = nullptr;
    QTableWidget *m_previewTable = nullptr;
    std::vector<QComboBox *> m_mappingBoxes;
    QComboBox *m_dateOrder = nullptr;
    QCheckBox *m_strict = nullptr;
    class LmoChooser *m_lmo = nullptr;
    QLabel *m_lmoLabel = nullptr;
    QPushButton *m_importButton = nullptr;

    QProgressBar *m_progress = nullptr;
    QLabel *m_progressLabel = nullptr;
    QPushButton *m_cancelButton = nullptr;

    QLabel *m_summaryLabel = nullptr;
    QTableWidget *m_rejections = nullptr;
    QPushButton *m_saveRejections = nullptr;

    JobRunner *m_ownJobs;
    JobRunner *m_jobs;
    quint64 m_job = 0; // the running import's (0: none)
    bool m_closing = false;
    std::atomic<bool> m_cancel{false};
    std::atomic<qint64> m_rows{0};
    std::atomic<qint64> m_bytes{0};
    std::atomic<qint64> m_elapsedMs{0};
    // Before the rows: the indexes an earlier load left, built first (-1: not building).
    std::atomic<int> m_indexesDone{-1};
    std::atomic<int> m_indexesTotal{0};
    // After: how many this load left for the window to build in the background.
    std::atomic<int> m_indexesLeft{0};
};

} // namespace lmo
