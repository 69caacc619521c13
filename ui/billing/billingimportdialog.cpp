#include "billing/billingimportdialog.h"

#include "document/document.h"
#include "document/jobrunner.h"
#include "storage/database.h"

#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace lmo {

using namespace billing;

namespace {

// The words of a status word list: "Billed=active, Pending Billing=trialing".
QString wordsText(const QHash<QString, QString> &words)
{
    QStringList parts;
    for (auto it = words.cbegin(); it != words.cend(); ++it)
        parts << QStringLiteral("%1=%2").arg(it.key(), it.value());
    parts.sort();
    return parts.join(QStringLiteral(", "));
}

} // namespace

BillingImportDialog::BillingImportDialog(Document *document, const QString &file, QWidget *parent)
    : QDialog(parent), m_document(document), m_file(file), m_pages(new QStackedWidget(this))
{
    setObjectName(QStringLiteral("billingImportDialog"));
    setWindowTitle(QStringLiteral("Import billing: %1").arg(QFileInfo(file).fileName()));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);

    // The preview.
    auto *page = new QWidget;
    auto *p = new QVBoxLayout(page);
    p->addWidget(new QLabel(QStringLiteral("<b>%1</b>").arg(QFileInfo(file).fileName().toHtmlEscaped())));
    m_format = new QLabel(QStringLiteral("Reading %1…").arg(QFileInfo(file).fileName()));
    m_format->setObjectName(QStringLiteral("billingFormat"));
    m_format->setWordWrap(true);
    p->addWidget(m_format);
    auto *sourceRow = new QHBoxLayout;
    auto *sourceLabel = new QLabel(QStringLiteral("&Source"));
    m_source = new QComboBox;
    m_source->setObjectName(QStringLiteral("billingSource"));
    m_source->setEditable(true);
    m_source->setMinimumWidth(220);
    m_source->setToolTip(QStringLiteral("The billing system (or account) this file comes from. Its subscriptions are kept under it "
                                        "by their id, with the column mapping you give here."));
    sourceLabel->setBuddy(m_source);
    sourceRow->addWidget(sourceLabel);
    sourceRow->addWidget(m_source);
    sourceRow->addStretch(1);
    p->addLayout(sourceRow);
    auto *hint = new QLabel(QStringLiteral("Each column's first row says which field it holds; change it where the file means "
                                           "something else, or set it to (ignore). What you change is kept for the source."));
    hint->setWordWrap(true);
    p->addWidget(hint);
    m_table = new QTableWidget;
    m_table->setObjectName(QStringLiteral("billingPreview"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->setVisible(false);
    p->addWidget(m_table, 1);
    auto *wordsRow = new QHBoxLayout;
    m_wordsLabel = new QLabel(QStringLiteral("Status &words"));
    m_words = new QLineEdit;
    m_words->setObjectName(QStringLiteral("billingStatusWords"));
    m_words->setPlaceholderText(QStringLiteral("the table's own words: Billed=active, Pending Billing=trialing, Closed=canceled"));
    m_wordsLabel->setBuddy(m_words);
    wordsRow->addWidget(m_wordsLabel);
    wordsRow->addWidget(m_words, 1);
    p->addLayout(wordsRow);
    m_strict = new QCheckBox(QStringLiteral("Refuse the whole file if any row is rejected"));
    m_strict->setObjectName(QStringLiteral("billingStrict"));
    p->addWidget(m_strict);
    m_problem = new QLabel;
    m_problem->setObjectName(QStringLiteral("billingProblem"));
    m_problem->setWordWrap(true);
    QPalette warning = m_problem->palette();
    warning.setColor(QPalette::WindowText, QColor(0xb0, 0x1c, 0x1c));
    m_problem->setPalette(warning);
    p->addWidget(m_problem);
    auto *progressRow = new QHBoxLayout;
    m_progress = new QLabel;
    m_progress->setObjectName(QStringLiteral("billingProgress"));
    m_cancelButton = new QPushButton(QStringLiteral("Cancel the import"));
    m_cancelButton->setObjectName(QStringLiteral("billingCancelImport"));
    m_progress->setVisible(false);
    m_cancelButton->setVisible(false);
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_cancelButton);
    p->addLayout(progressRow);
    connect(m_cancelButton, &QPushButton::clicked, this, &BillingImportDialog::cancelImport);
    auto *buttons = new QDialogButtonBox;
    m_importButton = buttons->addButton(QStringLiteral("&Import"), QDialogButtonBox::AcceptRole);
    m_importButton->setObjectName(QStringLiteral("billingImportButton"));
    m_importButton->setEnabled(false);
    buttons->addButton(QDialogButtonBox::Cancel);
    connect(m_importButton, &QPushButton::clicked, this, &BillingImportDialog::startImport);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    p->addWidget(buttons);
    m_pages->addWidget(page);

    // The summary.
    auto *done = new QWidget;
    auto *d = new QVBoxLayout(done);
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("billingImportSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    d->addWidget(m_summary);
    m_rejections = new QTableWidget(0, 3);
    m_rejections->setObjectName(QStringLiteral("billingRejections"));
    m_rejections->setHorizontalHeaderLabels({QStringLiteral("Line"), QStringLiteral("Column"), QStringLiteral("Reason")});
    m_rejections->verticalHeader()->setVisible(false);
    m_rejections->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_rejections->horizontalHeader()->setStretchLastSection(true);
    d->addWidget(m_rejections, 1);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::accept);
    d->addWidget(close);
    m_pages->addWidget(done);

    // A source named anew is read with its kept mapping, once the typing stops.
    m_sourceTimer = new QTimer(this);
    m_sourceTimer->setSingleShot(true);
    m_sourceTimer->setInterval(300);
    connect(m_sourceTimer, &QTimer::timeout, this, &BillingImportDialog::readPreview);
    connect(m_source, &QComboBox::currentTextChanged, this, [this] {
        if (m_ready) {
            m_importButton->setEnabled(false);
            m_sourceTimer->start();
        }
    });
    connect(m_words, &QLineEdit::textChanged, this, &BillingImportDialog::refresh);
    resize(1000, 600);
    readPreview();
}

BillingImportDialog::~BillingImportDialog()
{
    // A running import (its rows count into this dialog) is told to stop, and waited for: it
    // rolls back.
    m_cancel = true;
    if (m_job && m_document) {
        m_document->jobs()->cancel(m_job);
        m_document->jobs()->waitBlocking(m_job);
    }
}

void BillingImportDialog::readPreview()
{
    if (!m_document || !m_document->database()) {
        m_format->setText(QStringLiteral("No database is open."));
        m_ready = true;
        emit ready();
        return;
    }
    const int ticket = ++m_previewTicket;
    m_reading = true;
    const QString file = m_file;
    const QString source = m_ready ? m_source->currentText().trimmed() : QString();
    m_importButton->setEnabled(false);
    struct Read
    {
        BillingPreview preview;
        QStringList sources;
    };
    JobOptions job;
    job.title = QStringLiteral("Reading %1").arg(QFileInfo(file).fileName());
    job.showInStatus = false;
    m_document->jobs()->runOnDatabase<Read>(
        this, m_document->database()->readingSpec(), job,
        [file, source](QSqlDatabase &db, JobContext &) -> Result<Read> {
            Read out;
            auto preview = previewBillingFile(db, file, source, 20);
            if (!preview)
                return preview.error();
            out.preview = std::move(preview.value());
            auto sources = billingSources(db);
            if (!sources)
                return sources.error();
            out.sources = sources.value();
            return out;
        },
        [this, ticket](const Result<Read> &r) {
            if (ticket != m_previewTicket)
                return;
            m_reading = false;
            const bool first = !m_ready;
            m_ready = true;
            if (!r) {
                m_preview.reset();
                m_error = r.error().message.contains(QStringLiteral("permission denied"), Qt::CaseInsensitive)
                              ? QStringLiteral("On this team database what the billing system charges is partner ops' alone: your "
                                               "role can neither read nor import it. (%1)")
                                    .arg(r.error().message)
                              : r.error().message;
                m_format->setText(m_error);
                m_problem->setText(QStringLiteral("Nothing can be imported from this file."));
                emit ready();
                return;
            }
            // The user's choices stay, unless the source has a mapping kept of its own.
            std::vector<int> choices;
            if (!first && !r->preview.sourceFormat)
                for (QComboBox *box : m_boxes)
                    choices.push_back(box->currentData().toInt());
            m_preview = r->preview;
            m_sources = r->sources;
            if (first) {
                QSignalBlocker block(m_source);
                m_source->addItems(m_sources);
                if (!m_preview->source.isEmpty() && m_source->findText(m_preview->source) < 0)
                    m_source->insertItem(0, m_preview->source);
                m_source->setCurrentText(m_preview->source);
            }
            showPreview();
            for (int c = 0; c < int(choices.size()) && c < int(m_boxes.size()); ++c)
                m_boxes[size_t(c)]->setCurrentIndex(m_boxes[size_t(c)]->findData(choices[size_t(c)]));
            refresh();
            emit ready();
        });
}

void BillingImportDialog::showPreview()
{
    const BillingPreview &p = *m_preview;
    m_table->clear();
    m_boxes.clear();
    m_table->setColumnCount(int(p.header.size()));
    m_table->setRowCount(int(p.rows.size()) + 1);
    m_table->setHorizontalHeaderLabels(p.header);
    for (int c = 0; c < p.header.size(); ++c) {
        auto *box = new QComboBox;
        box->addItem(QStringLiteral("(ignore)"), -1);
        for (int f = 0; f < kFieldCount; ++f)
            box->addItem(fieldLabel(Field(f)), f);
        int chosen = -1;
        for (int f = 0; f < kFieldCount; ++f)
            if (p.map[Field(f)] == c)
                chosen = f;
        box->setCurrentIndex(box->findData(chosen));
        connect(box, &QComboBox::currentIndexChanged, this, &BillingImportDialog::refresh);
        m_table->setCellWidget(0, c, box);
        m_boxes.push_back(box);
        for (int r = 0; r < int(p.rows.size()); ++r)
            m_table->setItem(r + 1, c, new QTableWidgetItem(p.rows[size_t(r)].value(c)));
    }
    m_table->resizeColumnsToContents();
    for (int c = 0; c < p.header.size(); ++c)
        m_table->setColumnWidth(c, qBound(130, m_table->columnWidth(c), 240));
    {
        QSignalBlocker block(m_words);
        m_words->setText(wordsText(p.kept.statusWords));
    }
    refresh();
}

int BillingImportDialog::columnOf(Field field) const
{
    for (int c = 0; c < int(m_boxes.size()); ++c)
        if (m_boxes[size_t(c)]->currentData().toInt() == int(field))
            return c;
    return -1;
}

void BillingImportDialog::setColumn(int column, std::optional<Field> field)
{
    if (column >= 0 && column < int(m_boxes.size()))
        m_boxes[size_t(column)]->setCurrentIndex(m_boxes[size_t(column)]->findData(field ? int(*field) : -1));
}

void BillingImportDialog::setSource(const QString &source)
{
    m_source->setCurrentText(source);
    // At once (tests, keyboard users who press Import straight away).
    m_sourceTimer->stop();
    readPreview();
}

void BillingImportDialog::setStatusWords(const QString &text)
{
    m_words->setText(text);
}

void BillingImportDialog::setStrict(bool strict)
{
    m_strict->setChecked(strict);
}

QString BillingImportDialog::formatText() const
{
    return m_format->text();
}

QString BillingImportDialog::problemText() const
{
    return m_problem->text();
}

std::optional<QHash<QString, QString>> BillingImportDialog::statusWords(QString *problem) const
{
    QHash<QString, QString> words;
    for (const QString &part : m_words->text().split(u',', Qt::SkipEmptyParts)) {
        const qsizetype eq = part.indexOf(u'=');
        const auto state = eq > 0 ? statusFromName(part.mid(eq + 1).trimmed()) : std::nullopt;
        if (!state || foldedWord(part.left(eq)).isEmpty()) {
            *problem = QStringLiteral("Status words: \"%1\" is not WORD=STATE with STATE one of trialing, active, past_due, canceled, "
                                      "paused.")
                           .arg(part.trimmed());
            return std::nullopt;
        }
        words.insert(foldedWord(part.left(eq)), statusName(*state));
    }
    return words;
}

bool BillingImportDialog::canImport() const
{
    return m_importButton->isEnabled();
}

void BillingImportDialog::refresh()
{
    if (!m_preview)
        return;
    const BillingPreview &p = *m_preview;
    const QString source = m_source->currentText().trimmed();
    const Format format = p.sourceFormat.value_or(p.detected);
    QString text = QStringLiteral("%1, %2 rows, %3 columns, %4.")
                       .arg(formatTitle(format))
                       .arg(QLocale().toString(p.rowCount))
                       .arg(p.header.size())
                       .arg(QLocale().formattedDataSize(p.fileSize));
    if (p.sourceFormat)
        text += QStringLiteral(" Source \"%1\" was imported before: its subscriptions are updated by their id, read with the mapping "
                               "kept for it.")
                    .arg(p.source);
    if (!p.elsewhereSource.isEmpty())
        text += QStringLiteral(" <b>%1 of its first %2 subscriptions are already under source \"%3\"</b>: import it as that source, "
                               "or they are counted twice.")
                    .arg(p.elsewhere)
                    .arg(p.elsewhereOf)
                    .arg(p.elsewhereSource.toHtmlEscaped());
    if (!p.missing.isEmpty())
        text += QStringLiteral(" This file lacks the columns %1 that the kept mapping reads: map those fields again.")
                    .arg(p.missing.join(QStringLiteral(", ")));
    m_format->setText(text);
    m_wordsLabel->setVisible(format == Format::Table);
    m_words->setVisible(format == Format::Table);

    QString problem;
    // A field in two columns, the required ones, a name for a table's source, the words.
    QStringList twice;
    for (int f = 0; f < kFieldCount; ++f) {
        int n = 0;
        for (QComboBox *box : m_boxes)
            n += box->currentData().toInt() == f;
        if (n > 1)
            twice << fieldLabel(Field(f));
    }
    QStringList required;
    for (Field f : {Field::SubscriptionId, Field::Status})
        if (columnOf(f) < 0)
            required << fieldLabel(f).toLower();
    if (source.isEmpty())
        problem = QStringLiteral("Cannot import: this is not a Stripe or Chargebee export, so name its source (NetSuite, a "
                                 "spreadsheet's name): its mapping is kept under that name.");
    else if (p.sourceFormat && p.detected != Format::Table && *p.sourceFormat != p.detected)
        problem = QStringLiteral("Cannot import: source \"%1\" is a %2, and this file is a %3. Give it another source name.")
                      .arg(source, formatTitle(*p.sourceFormat), formatTitle(p.detected));
    else if (!twice.isEmpty())
        problem = QStringLiteral("Cannot import: %1 is read from more than one column.").arg(twice.join(QStringLiteral(", ")));
    else if (!required.isEmpty())
        problem = QStringLiteral("Cannot import: no column is the %1. Choose the column that holds it.").arg(required.join(QStringLiteral(" or the ")));
    else
        statusWords(&problem); // a word list that cannot be read says why
    m_problem->setText(problem);
    if (problem.isEmpty() && columnOf(Field::OrgId) < 0)
        m_problem->setText(QStringLiteral("No column holds org ids: the subscriptions will be linked to no org until you confirm "
                                          "the links proposed on the Billing page (Links to orgs)."));
    m_importButton->setEnabled(problem.isEmpty() && !m_running && !m_reading && !m_sourceTimer->isActive() && m_document && m_document->database()
                               && !m_document->database()->isReadOnly());
}

BillingImportOptions BillingImportDialog::options() const
{
    BillingImportOptions o;
    o.source = m_source->currentText().trimmed();
    o.strict = m_strict->isChecked();
    const BillingPreview &p = *m_preview;
    if (p.sourceFormat)
        o.format = p.sourceFormat;
    // What the user chose is the source's mapping from now on, except what names (or, for the
    // org ids, values) alone find: a later export with its columns in another order, or
    // without one of them, is still read.
    o.replaceColumns = true;
    for (int f = 0; f < kFieldCount; ++f) {
        const int chosen = columnOf(Field(f));
        if (chosen == p.byNames[Field(f)])
            continue;
        o.extra.columns.insert(fieldKey(Field(f)), chosen >= 0 ? p.header.value(chosen) : QString());
    }
    QString ignored;
    o.extra.statusWords = statusWords(&ignored).value_or(QHash<QString, QString>());
    return o;
}

void BillingImportDialog::cancelImport()
{
    if (!m_running)
        return;
    m_cancel = true;
    m_cancelButton->setEnabled(false);
    m_progress->setText(QStringLiteral("Cancelling: nothing of this file will be kept…"));
}

void BillingImportDialog::reject()
{
    // While the import runs, Escape and the close button cancel it; the dialog stays to say so.
    if (m_running) {
        cancelImport();
        return;
    }
    QDialog::reject();
}

void BillingImportDialog::closeEvent(QCloseEvent *event)
{
    if (m_running) {
        cancelImport();
        event->ignore();
        return;
    }
    QDialog::closeEvent(event);
}

void BillingImportDialog::startImport()
{
    if (!canImport() || !m_preview || m_running)
        return;
    m_running = true;
    m_cancel = false;
    m_importButton->setEnabled(false);
    m_progress->setText(QStringLiteral("Importing…"));
    m_progress->setVisible(true);
    m_cancelButton->setVisible(true);
    m_cancelButton->setEnabled(true);
    BillingImportOptions o = options();
    o.cancelled = [this](qint64 rows) {
        m_rows = rows;
        return m_cancel.load();
    };
    auto ticks = new QTimer(this);
    ticks->setInterval(200);
    connect(ticks, &QTimer::timeout, this, [this] {
        if (!m_cancel)
            m_progress->setText(QStringLiteral("Importing: %1 rows read…").arg(QLocale().toString(m_rows.load())));
    });
    ticks->start();
    const QString file = m_file;
    JobOptions job;
    job.title = QStringLiteral("Importing %1").arg(QFileInfo(file).fileName());
    job.cancellable = false; // one transaction of a few thousand rows
    m_job = m_document->jobs()->runOnDatabase<BillingImportReport>(
        this, m_document->database()->connectionSpec(), job,
        [file, o](QSqlDatabase &db, JobContext &context) -> Result<BillingImportReport> {
            BillingImportOptions withContext = o;
            withContext.cancelled = [&context, asked = o.cancelled](qint64 rows) { return asked(rows) || context.isCancelled(); };
            return importBillingFile(db, file, withContext);
        },
        [this, ticks](const Result<BillingImportReport> &r) {
            m_job = 0;
            ticks->deleteLater();
            m_running = false;
            m_progress->setVisible(false);
            m_cancelButton->setVisible(false);
            m_pages->setCurrentIndex(1);
            if (!r) {
                m_error = r.error().message;
                m_summary->setText(m_error);
                m_rejections->setVisible(false);
                emit imported(false);
                return;
            }
            m_report = r.value();
            QString text = r->summary().section(u'\n', 0, 2).toHtmlEscaped().replace(u'\n', QStringLiteral("<br>"));
            if (r->written && r->rejected.empty())
                text += QStringLiteral("<br>No row was rejected.");
            m_summary->setText(text);
            m_rejections->setVisible(!r->rejected.empty());
            m_rejections->setRowCount(int(r->rejected.size()));
            for (int i = 0; i < int(r->rejected.size()); ++i) {
                const BillingRejection &j = r->rejected[size_t(i)];
                m_rejections->setItem(i, 0, new QTableWidgetItem(QString::number(j.line)));
                m_rejections->setItem(i, 1, new QTableWidgetItem(j.column.isEmpty() ? QStringLiteral("(whole row)") : j.column));
                m_rejections->setItem(i, 2, new QTableWidgetItem(j.reason));
            }
            m_rejections->resizeColumnToContents(0);
            m_rejections->setColumnWidth(1, 200);
            emit imported(r->written && r->inserted + r->updated > 0);
        });
}

} // namespace lmo
