#include "import/importdialog.h"

#include "document/jobrunner.h"
#include "export/csvwriter.h"
#include "export/exportfile.h"
#include "storage/bulkload.h"
#include "storage/database.h"
#include "util/format.h"
#include "widgets/lmochooser.h"

#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace lmo {

ImportDialog::ImportDialog(const QString &databasePath, const QString &file, QWidget *parent)
    : QDialog(parent), m_databasePath(databasePath), m_file(file), m_pages(new QStackedWidget(this))
{
    m_ownJobs = new JobRunner(this);
    m_jobs = m_ownJobs;
    setObjectName(QStringLiteral("importDialog"));
    setWindowTitle(QStringLiteral("Import %1").arg(QFileInfo(file).fileName()));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);
    auto preview = previewImport(file, 20);
    if (preview)
        m_preview = std::move(preview.value());
    else
        m_error = preview.error().message;
    buildPreviewPage();
    buildProgressPage();
    buildSummaryPage();
    resize(980, 620);
}

ImportDialog::~ImportDialog()
{
    // A running import rolls back: its job is told, and waited for (it uses this dialog's
    // counters), its result dropped.
    m_closing = true;
    m_cancel = true;
    if (m_job) {
        m_jobs->cancel(m_job);
        m_jobs->waitBlocking(m_job);
    }
}

void ImportDialog::setJobRunner(JobRunner *jobs)
{
    if (jobs && !isRunning())
        m_jobs = jobs;
}

void ImportDialog::buildPreviewPage()
{
    auto *page = new QWidget(m_pages);
    auto *layout = new QVBoxLayout(page);
    auto *title = new QLabel(QStringLiteral("<b>%1</b>").arg(QFileInfo(m_file).fileName().toHtmlEscaped()), page);
    layout->addWidget(title);
    m_formatLabel = new QLabel(page);
    m_formatLabel->setObjectName(QStringLiteral("formatLabel"));
    m_formatLabel->setWordWrap(true);
    layout->addWidget(m_formatLabel);

    auto *buttons = new QDialogButtonBox(page);
    m_importButton = buttons->addButton(QStringLiteral("&Import"), QDialogButtonBox::AcceptRole);
    m_importButton->setObjectName(QStringLiteral("importButton"));
    buttons->addButton(QDialogButtonBox::Cancel);
    connect(m_importButton, &QPushButton::clicked, this, &ImportDialog::startImport);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    if (!m_preview) {
        m_formatLabel->setText(m_error);
        m_importButton->setEnabled(false);
        layout->addStretch(1);
        layout->addWidget(buttons);
        m_pages->addWidget(page);
        return;
    }

    auto *hint = new QLabel(QStringLiteral("Each column's first row says how it will be read; change it where the file "
                                           "means something else, or set it to (ignore)."),
                            page);
    hint->setWordWrap(true);
    layout->addWidget(hint);

    const QStringList &headers = m_preview->analysis.headers;
    m_previewTable = new QTableWidget(int(m_preview->rows.size()) + 1, int(headers.size()), page);
    m_previewTable->setObjectName(QStringLiteral("previewTable"));
    m_previewTable->setHorizontalHeaderLabels(headers);
    m_previewTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_previewTable->verticalHeader()->setVisible(false);
    const std::vector<ImportField> choices = fieldsFor(RecordKind::License);
    std::vector<ImportField> all = choices;
    for (RecordKind kind : {RecordKind::Package, RecordKind::PackageVersion})
        for (ImportField f : fieldsFor(kind))
            if (std::find(all.begin(), all.end(), f) == all.end())
                all.push_back(f);
    for (int c = 0; c < headers.size(); ++c) {
        auto *box = new QComboBox(m_previewTable);
        for (ImportField f : all)
            box->addItem(f == ImportField::Ignore ? QStringLiteral("(ignore)")
                                                  : QStringLiteral("%1 (%2)").arg(fieldLabel(f), fieldApiName(f)),
                         int(f));
        box->setCurrentIndex(box->findData(int(m_preview->analysis.fields[size_t(c)])));
        connect(box, &QComboBox::currentIndexChanged, this, &ImportDialog::refreshAnalysis);
        m_previewTable->setCellWidget(0, c, box);
        m_mappingBoxes.push_back(box);
        for (int r = 0; r < int(m_preview->rows.size()); ++r)
            m_previewTable->setItem(r + 1, c, new QTableWidgetItem(m_preview->rows[size_t(r)].value(c)));
    }
    m_previewTable->resizeColumnsToContents();
    for (int c = 0; c < headers.size(); ++c)
        m_previewTable->setColumnWidth(c, qBound(120, m_previewTable->columnWidth(c), 260));
    layout->addWidget(m_previewTable, 1);

    m_ignoredLabel = new QLabel(page);
    m_ignoredLabel->setObjectName(QStringLiteral("ignoredLabel"));
    m_ignoredLabel->setWordWrap(true);
    layout->addWidget(m_ignoredLabel);
    m_missingLabel = new QLabel(page);
    m_missingLabel->setObjectName(QStringLiteral("missingLabel"));
    m_missingLabel->setWordWrap(true);
    QPalette warning = m_missingLabel->palette();
    warning.setColor(QPalette::WindowText, QColor(0xb0, 0x1c, 0x1c));
    m_missingLabel->setPalette(warning);
    layout->addWidget(m_missingLabel);

    auto *options = new QHBoxLayout;
    options->addWidget(new QLabel(QStringLiteral("Slash dates are"), page));
    m_dateOrder = new QComboBox(page);
    m_dateOrder->setObjectName(QStringLiteral("dateOrder"));
    m_dateOrder->addItem(QStringLiteral("month first (3/31/2026, US)"), int(DateOrder::MonthDayYear));
    m_dateOrder->addItem(QStringLiteral("day first (31/3/2026)"), int(DateOrder::DayMonthYear));
    options->addWidget(m_dateOrder);
    options->addSpacing(24);
    m_strict = new QCheckBox(QStringLiteral("Refuse the whole file if any row is rejected"), page);
    m_strict->setObjectName(QStringLiteral("strict"));
    options->addWidget(m_strict);
    options->addSpacing(24);
    m_lmoLabel = new QLabel(QStringLiteral("Exported from"), page);
    m_lmo = new LmoChooser(LmoChooser::Mode::Required, page);
    m_lmo->setObjectName(QStringLiteral("importLmo"));
    m_lmoLabel->setBuddy(m_lmo);
    m_lmoLabel->setVisible(false);
    m_lmo->setVisible(false);
    connect(m_lmo, &LmoChooser::lmoChanged, this, &ImportDialog::refreshAnalysis);
    options->addWidget(m_lmoLabel);
    options->addWidget(m_lmo);
    options->addStretch(1);
    layout->addLayout(options);
    layout->addWidget(buttons);
    m_pages->addWidget(page);
    refreshAnalysis();
}

void ImportDialog::buildProgressPage()
{
    auto *page = new QWidget(m_pages);
    auto *layout = new QVBoxLayout(page);
    layout->addStretch(1);
    layout->addWidget(new QLabel(QStringLiteral("Importing %1…").arg(QFileInfo(m_file).fileName()), page));
    m_progress = new QProgressBar(page);
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setRange(0, 1000);
    layout->addWidget(m_progress);
    m_progressLabel = new QLabel(page);
    m_progressLabel->setObjectName(QStringLiteral("progressLabel"));
    layout->addWidget(m_progressLabel);
    auto *row = new QHBoxLayout;
    row->addStretch(1);
    m_cancelButton = new QPushButton(QStringLiteral("Cancel"), page);
    m_cancelButton->setObjectName(QStringLiteral("cancelButton"));
    connect(m_cancelButton, &QPushButton::clicked, this, &ImportDialog::cancelImport);
    row->addWidget(m_cancelButton);
    layout->addLayout(row);
    layout->addStretch(1);
    m_pages->addWidget(page);
}

void ImportDialog::buildSummaryPage()
{
    auto *page = new QWidget(m_pages);
    auto *layout = new QVBoxLayout(page);
    m_summaryLabel = new QLabel(page);
    m_summaryLabel->setObjectName(QStringLiteral("summaryLabel"));
    m_summaryLabel->setWordWrap(true);
    m_summaryLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summaryLabel);
    m_rejections = new QTableWidget(0, 4, page);
    m_rejections->setObjectName(QStringLiteral("rejectionsTable"));
    m_rejections->setHorizontalHeaderLabels({QStringLiteral("Line"), QStringLiteral("Column"), QStringLiteral("Reason"),
                                             QStringLiteral("Row as read")});
    m_rejections->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_rejections->verticalHeader()->setVisible(false);
    m_rejections->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_rejections, 1);
    layout->addStretch(0); // takes the room when no row was rejected and the table is hidden
    auto *buttons = new QDialogButtonBox(page);
    m_saveRejections = buttons->addButton(QStringLiteral("&Save rejected rows…"), QDialogButtonBox::ActionRole);
    m_saveRejections->setObjectName(QStringLiteral("saveRejections"));
    connect(m_saveRejections, &QPushButton::clicked, this, &ImportDialog::saveRejectionsDialog);
    buttons->addButton(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::accept);
    layout->addWidget(buttons);
    m_pages->addWidget(page);
}

std::vector<ImportField> ImportDialog::mapping() const
{
    std::vector<ImportField> fields;
    for (const QComboBox *box : m_mappingBoxes)
        fields.push_back(ImportField(box->currentData().toInt()));
    return fields;
}

void ImportDialog::setMapping(int column, ImportField field)
{
    if (column >= 0 && column < int(m_mappingBoxes.size()))
        m_mappingBoxes[size_t(column)]->setCurrentIndex(m_mappingBoxes[size_t(column)]->findData(int(field)));
}

void ImportDialog::setStrict(bool strict)
{
    if (m_strict)
        m_strict->setChecked(strict);
}

void ImportDialog::setDateOrder(DateOrder order)
{
    if (m_dateOrder)
        m_dateOrder->setCurrentIndex(m_dateOrder->findData(int(order)));
}

QString ImportDialog::formatText() const
{
    return m_formatLabel->text();
}

QStringList ImportDialog::missingText() const
{
    return m_analysis.missing;
}

void ImportDialog::refreshAnalysis()
{
    if (!m_preview)
        return;
    m_analysis = analyseMapping(m_preview->analysis.headers, mapping());
    const QString delimiter = m_preview->delimiter == '\t' ? QStringLiteral("tab")
                              : m_preview->delimiter == ';' ? QStringLiteral("semicolon")
                                                            : QStringLiteral("comma");
    m_formatLabel->setText(QStringLiteral("%1 of %2 records, %3-separated, %4 columns, %5.")
                               .arg(formatName(m_analysis.format), kindName(m_analysis.kind), delimiter)
                               .arg(m_analysis.headers.size())
                               .arg(QLocale().formattedDataSize(m_preview->fileSize)));
    m_ignoredLabel->setText(m_analysis.ignored.isEmpty()
                                ? QStringLiteral("Every column will be read.")
                                : QStringLiteral("Ignored columns: %1.").arg(m_analysis.ignored.join(QStringLiteral(", "))));
    const bool licenses = m_analysis.kind == RecordKind::License;
    m_lmoLabel->setVisible(licenses && asksForLmo());
    m_lmo->setVisible(licenses && asksForLmo());
    const bool lmoMissing = licenses && asksForLmo() && !m_lmo->lmo();
    if (!m_analysis.missing.isEmpty())
        m_missingLabel->setText(QStringLiteral("Cannot import: no column is %1. Map a column to it, or export again "
                                               "with it.")
                                    .arg(m_analysis.missing.join(QStringLiteral(", "))));
    else if (lmoMissing)
        m_missingLabel->setText(QStringLiteral("This database has licenses from more than one LMO: choose the org this "
                                               "file was exported from (Exported from, below). Old installs stay in "
                                               "the old LMO, new ones land in the new."));
    else
        m_missingLabel->clear();
    m_importButton->setEnabled(m_analysis.acceptable() && !lmoMissing);
}

void ImportDialog::offerLmos(QSqlDatabase db)
{
    if (!m_lmo)
        return;
    m_lmo->load(std::move(db));
    refreshAnalysis();
}

void ImportDialog::offerLmos(const QList<KnownLmo> &known)
{
    if (!m_lmo)
        return;
    m_lmo->setLmos(known);
    refreshAnalysis();
}

void ImportDialog::setLmo(qint64 lmo)
{
    if (m_lmo)
        m_lmo->setLmo(lmo);
}

bool ImportDialog::asksForLmo() const
{
    return m_lmo && m_lmo->lmoCount() > 1;
}

void ImportDialog::startImport()
{
    if (!m_preview || !m_analysis.acceptable() || isRunning())
        return;
    ImportOptions options;
    options.strict = m_strict->isChecked();
    options.dateOrder = DateOrder(m_dateOrder->currentData().toInt());
    options.mapping = mapping();
    if (asksForLmo()) {
        if (m_analysis.kind == RecordKind::License && !m_lmo->lmo())
            return;
        options.lmoRef = m_lmo->lmo();
    }
    options.progress = [this](const ImportProgress &p) {
        m_rows = p.rows;
        m_bytes = p.bytes;
        m_elapsedMs = qint64(p.seconds * 1000);
        return !m_cancel.load();
    };
    // Indexes an earlier import left are built first, with their own progress.
    options.indexProgress = [this](int done, int total) {
        m_indexesTotal = total;
        m_indexesDone = done < total ? done : -1; // -1 once they are built: the rows' progress
        return !m_cancel.load();
    };
    m_cancel = false;
    m_pages->setCurrentIndex(1);
    const QString databasePath = m_databasePath;
    const QString file = m_file;
    // Its own connection, on its own thread: the window stays responsive, and a cancel or a
    // failure rolls the whole file back.
    m_indexesDone = -1;
    m_indexesLeft = 0;
    const qint64 total = qMax<qint64>(1, m_preview->fileSize);
    JobOptions job;
    job.title = QStringLiteral("Importing %1").arg(QFileInfo(file).fileName());
    // The progress page is this dialog's own: no dialog of the runner's. Its counters move on
    // with the runner's progress ticks.
    auto ticks = connect(m_jobs, &JobRunner::jobProgress, this, [this, total](quint64 id) {
        if (id != m_job || m_cancel)
            return; // the label says it is cancelling
        if (const int done = m_indexesDone.load(); done >= 0) {
            m_progress->setRange(0, qMax(1, m_indexesTotal.load()));
            m_progress->setValue(done);
            m_progressLabel->setText(QStringLiteral("First, the indexes an earlier import left to build, which this "
                                                    "one needs: %1 of %2…")
                                         .arg(qMin(done + 1, m_indexesTotal.load()))
                                         .arg(m_indexesTotal.load()));
            return;
        }
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(m_bytes.load() * 1000 / total));
        const double seconds = m_elapsedMs.load() / 1000.0;
        m_progressLabel->setText(QStringLiteral("%1 rows read, %2 rows per second")
                                     .arg(QLocale().toString(m_rows.load()),
                                          QLocale().toString(seconds > 0 ? qint64(m_rows.load() / seconds) : 0)));
    });
    m_job = m_jobs->run<ImportReport>(
        this, job,
        [this, databasePath, file, options, password = m_password](JobContext &context) -> Result<ImportReport> {
            // The window's background index build may still be finishing the index it was
            // building when the import stopped it (MainWindow::importFiles): wait for its
            // lock longer than SQLite's usual two seconds.
            Database::OpenOptions open;
            open.busyTimeoutMs = 30000;
            open.password = password;
            auto database = Database::open(databasePath, open);
            if (!database)
                return database.error();
            ImportOptions withCancel = options;
            withCancel.progress = [&context, progress = options.progress](const ImportProgress &p) {
                return progress(p) && !context.isCancelled();
            };
            Result<ImportReport> outcome = importFile(*database.value(), file, withCancel);
            if (!outcome && outcome.error().code == Error::Code::Locked)
                return Error::make(Error::Code::Locked,
                                   QStringLiteral("Nothing of this file was imported: the database stayed locked for 30 "
                                                  "seconds, by LMO Desk's own index build in another window or by "
                                                  "another program. Try the import again in a moment."));
            // A load into an empty table saves its licenses first and leaves the indexes for
            // browsing to build after: the window builds them in the background.
            if (outcome) {
                auto left = deferredIndexCount(database.value()->connection());
                m_indexesLeft = left ? left.value() : 0;
            }
            return outcome;
        },
        [this, ticks](const Result<ImportReport> &outcome) {
            disconnect(ticks);
            m_job = 0;
            if (m_closing)
                return;
            if (outcome)
                m_report = outcome.value();
            else
                m_error = outcome.error().message;
            showSummary();
            emit finished(m_report.has_value() && !m_report->refused && m_report->inserted + m_report->updated > 0);
        });
}

void ImportDialog::reject()
{
    if (isRunning()) {
        cancelImport();
        return;
    }
    QDialog::reject();
}

void ImportDialog::closeEvent(QCloseEvent *event)
{
    if (isRunning()) {
        cancelImport();
        event->ignore();
        return;
    }
    QDialog::closeEvent(event);
}

void ImportDialog::cancelImport()
{
    m_cancel = true;
    if (m_job)
        m_jobs->cancel(m_job);
    m_cancelButton->setEnabled(false);
    m_progressLabel->setText(QStringLiteral("Cancelling: nothing of this file will be kept…"));
}

void ImportDialog::showSummary()
{
    m_pages->setCurrentIndex(2);
    m_rejections->setRowCount(0);
    if (!m_report) {
        m_summaryLabel->setText(m_error.isEmpty() ? QStringLiteral("The import did not run.") : m_error);
        m_saveRejections->setEnabled(false);
        return;
    }
    const ImportReport &r = *m_report;
    const QLocale locale;
    QString text = QStringLiteral("<b>%1</b>: %2 rows read: %3 inserted, %4 updated, %5 unchanged, %6 rejected.")
                       .arg(QFileInfo(m_file).fileName().toHtmlEscaped(), locale.toString(r.read),
                            locale.toString(r.inserted), locale.toString(r.updated), locale.toString(r.unchanged),
                            locale.toString(r.rejected));
    if (r.refused)
        text += QStringLiteral("<br>") + r.refusal.toHtmlEscaped();
    for (const QString &note : r.notes()) // how the file was read: its encoding, junk before the header
        text += QStringLiteral("<br>") + (note.left(1).toUpper() + note.mid(1)).toHtmlEscaped() + u'.';
    if (r.rejected > qint64(r.rejections.size()))
        text += QStringLiteral("<br>The first %1 rejected rows are listed.").arg(locale.toString(qint64(r.rejections.size())));
    if (r.kind == RecordKind::License && asksForLmo() && m_lmo->lmo() && !r.refused)
        text += QStringLiteral("<br>The licenses are filed under LMO %1: %2.").arg(*m_lmo->lmo()).arg(m_lmo->lmoName().toHtmlEscaped());
    if (r.rejected == 0 && !r.refused)
        text += QStringLiteral("<br>No row was rejected.");
    if (m_indexesLeft.load() > 0 && !r.refused)
        text += QStringLiteral("<br>The licenses are saved. LMO Desk now builds the indexes that make sorting and "
                               "filtering fast, in the background: you can browse meanwhile, a little more slowly.");
    m_summaryLabel->setText(text);
    m_rejections->setVisible(r.rejected > 0);
    m_rejections->setRowCount(int(r.rejections.size()));
    for (int i = 0; i < int(r.rejections.size()); ++i) {
        const Rejection &j = r.rejections[size_t(i)];
        m_rejections->setItem(i, 0, new QTableWidgetItem(QString::number(j.line)));
        m_rejections->setItem(i, 1, new QTableWidgetItem(j.column > 0 ? QStringLiteral("%1 (%2)").arg(j.column).arg(j.columnName)
                                                                      : QStringLiteral("(whole row)")));
        m_rejections->setItem(i, 2, new QTableWidgetItem(j.reason));
        m_rejections->setItem(i, 3, new QTableWidgetItem(j.values.join(QStringLiteral(" | "))));
    }
    m_rejections->resizeColumnToContents(0);
    m_rejections->resizeColumnToContents(1);
    m_rejections->setColumnWidth(2, 420);
    m_saveRejections->setEnabled(!r.rejections.empty());
    m_saveRejections->setVisible(r.rejected > 0);
}

bool ImportDialog::saveRejections(const QString &path, QString *error) const
{
    if (!m_report)
        return false;
    // Whole or not at all, like every export; a failure says what happened (a full disk).
    ExportFile file(path);
    if (auto r = file.open(); !r) {
        *error = r.error().message;
        return false;
    }
    CsvWriter writer(file.device());
    writer.writeRow(m_report->headers + QStringList{QStringLiteral("Line"), QStringLiteral("Reason")});
    for (const Rejection &j : m_report->rejections)
        writer.writeRow(j.values + QStringList{QString::number(j.line), j.reason});
    if (auto r = file.commit(); !r) {
        *error = r.error().message;
        return false;
    }
    return true;
}

void ImportDialog::saveRejectionsDialog()
{
    const QFileInfo info(m_file);
    const QString path = QFileDialog::getSaveFileName(
        this, QStringLiteral("Save rejected rows"), info.absolutePath() + QStringLiteral("/") + info.completeBaseName()
                                                          + QStringLiteral("-rejected.csv"),
        QStringLiteral("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!saveRejections(path, &error))
        QMessageBox::warning(this, QStringLiteral("Save rejected rows"), error); // it names the file
}

} // namespace lmo
