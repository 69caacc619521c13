#pragma once

#include "billing/billingimport.h"

#include <QDialog>

#include <atomic>
#include <optional>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTableWidget;

namespace lmo {

class Document;

// File > Import billing…: the file as it will be read (what kind of export, its first rows, the
// field each column holds, open to correction, the source it is kept under, the table's own
// status words), then the import as a job, then what it did with the rows it rejected. The
// columns a user maps are kept for the source: its next export needs no mapping.
class BillingImportDialog : public QDialog
{
    Q_OBJECT
public:
    BillingImportDialog(Document *document, const QString &file, QWidget *parent = nullptr);
    ~BillingImportDialog() override;

    // The preview is read off the UI thread: ready() once it is (or failed).
    bool isReady() const { return m_ready && !m_reading; }
    bool previewOk() const { return m_preview.has_value(); }
    QString formatText() const;
    QString problemText() const;
    void setSource(const QString &source);
    // The column (-1: none) a field is read from, as the dialog stands.
    int columnOf(billing::Field field) const;
    void setColumn(int column, std::optional<billing::Field> field);
    void setStatusWords(const QString &text); // "Billed=active, Pending=trialing"
    void setStrict(bool strict);
    bool canImport() const;
    void startImport();
    void cancelImport();
    bool isRunning() const { return m_running; }

public slots:
    void reject() override;

protected:
    void closeEvent(QCloseEvent *event) override;

public:
    const std::optional<billing::BillingImportReport> &report() const { return m_report; }
    QString errorText() const { return m_error; }
    QTableWidget *rejectionsTable() const { return m_rejections; }

signals:
    void ready();
    // The import ended; `imported`: something was written.
    void imported(bool imported);

private:
    void readPreview();
    void showPreview();
    void refresh();
    billing::BillingImportOptions options() const;
    std::optional<QHash<QString, QString>> statusWords(QString *problem) const;

    Document *m_document;
    QString m_file;
    bool m_ready = false;
    bool m_running = false;
    bool m_reading = false; // a preview is being read
    int m_previewTicket = 0;
    std::optional<billing::BillingPreview> m_preview;
    std::optional<billing::BillingImportReport> m_report;
    QString m_error;
    QStringList m_sources;

    QStackedWidget *m_pages;
    QLabel *m_format;
    QComboBox *m_source;
    class QTimer *m_sourceTimer;
    QTableWidget *m_table;
    std::vector<QComboBox *> m_boxes;
    QLineEdit *m_words;
    QLabel *m_wordsLabel;
    QCheckBox *m_strict;
    QLabel *m_problem;
    QPushButton *m_importButton;
    QLabel *m_progress;
    QPushButton *m_cancelButton;
    std::atomic<bool> m_cancel{false};
    std::atomic<qint64> m_rows{0};
    quint64 m_job = 0; // the running import's
    QLabel *m_summary;
    QTableWidget *m_rejections;
};

} // namespace lmo
