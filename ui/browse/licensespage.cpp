#include "browse/licensespage.h"

#include "browse/licensecolumns.h"
#include "browse/licensedetail.h"
#include "browse/licensefilterbar.h"
#include "browse/licensereads.h"
#include "browse/licenseviews.h"
#include "browse/pagereader.h"
#include "domain/salesforceid.h"
#include "models/licensetablemodel.h"
#include "storage/database.h"
#include "widgets/bigtableview.h"
#include "widgets/pagestyle.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QSettings>
#include <QSplitter>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace lmo {

namespace {

const QString kDetailShownKey = QStringLiteral("licenses/detailShown");
constexpr qint64 kMaxSummedSelection = 200'000;
const QString kSplitterKey = QStringLiteral("licenses/splitter");
constexpr int kMaxCopyRows = 100'000;

} // namespace

LicensesPage::LicensesPage(QWidget *parent)
    : DatabasePage(parent), m_reader(std::make_unique<PageReader>(this)), m_model(new LicenseTableModel(this)),
      m_table(new BigTableView(this)), m_detail(new LicenseDetailPanel(this)),
      m_splitter(new QSplitter(Qt::Horizontal, this)), m_summary(new QLabel(this)), m_filters(new LicenseFilterBar(this)),
      m_columns(nullptr), m_views(nullptr),
      m_detailAction(new QAction(QStringLiteral("Show license &details"), this)), m_selectionDelay(new QTimer(this))
{
    setObjectName(QStringLiteral("licensesPage"));
    m_table->setObjectName(QStringLiteral("licensesTable"));
    m_table->setModel(m_model);
    applyBigTableStyle(m_table);
    m_columns = new LicenseColumns(m_table, m_model, this);
    m_views = new LicenseViews(m_filters, m_model, m_table, m_columns, this);
    auto *layout = new QVBoxLayout(this);

    auto *top = new QHBoxLayout;
    top->addWidget(makePageHeading(QStringLiteral("Licenses"), this));
    top->addStretch(1);
    top->addWidget(m_views);
    layout->addLayout(top);
    layout->addWidget(m_filters);

    auto *summaryRow = new QHBoxLayout;
    summaryRow->addWidget(m_summary, 1);
    m_summary->setObjectName(QStringLiteral("summary"));
    m_detailAction->setObjectName(QStringLiteral("detailAction"));
    m_detailAction->setCheckable(true);
    m_detailAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    m_detailAction->setToolTip(QStringLiteral("Show or hide the panel with every field and the history of the current "
                                              "license (Ctrl+D)"));
    auto *detailButton = new QToolButton(this);
    detailButton->setObjectName(QStringLiteral("detailButton"));
    detailButton->setDefaultAction(m_detailAction);
    detailButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    summaryRow->addWidget(detailButton);
    layout->addLayout(summaryRow);

    connect(m_columns, &LicenseColumns::sortChanged, m_views, &LicenseViews::updateState);
    m_table->installEventFilter(this);

    m_splitter->addWidget(m_table);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setCollapsible(0, false);
    m_splitter->setCollapsible(1, false); // the panel folds away with its button, not by dragging
    layout->addWidget(m_splitter, 1);
    m_columns->restore();
    if (!m_splitter->restoreState(QSettings().value(kSplitterKey).toByteArray()))
        m_splitter->setSizes({900, 300}); // at 1280 wide, the list keeps its first eight columns
    m_detailAction->setChecked(QSettings().value(kDetailShownKey, true).toBool());
    m_detail->setVisible(m_detailAction->isChecked());
    connect(m_detailAction, &QAction::toggled, this, &LicensesPage::setDetailShown);
    connect(m_splitter, &QSplitter::splitterMoved, this,
            [this] { QSettings().setValue(kSplitterKey, m_splitter->saveState()); });

    connect(m_filters, &LicenseFilterBar::filterChanged, this, &LicensesPage::applyFilter);
    connect(m_filters, &LicenseFilterBar::searchSubmitted, this, [this] { m_table->setFocus(); });
    connect(m_model, &LicenseTableModel::countsChanged, this, [this] {
        updateSummary();
        emit counted();
    });
    connect(m_model, &LicenseTableModel::modelReset, this, &LicensesPage::updateSummary);
    connect(m_model, &LicenseTableModel::failed, this, [this](const QString &message) { m_summary->setText(message); });
    // The panel follows the current row whatever moved it: a click, a new query (a model reset
    // clears the current row without saying so), a refresh that moved or dropped the row, or
    // the row's license arriving.
    connect(m_model, &LicenseTableModel::rowsArrived, this, [this] { syncDetail(); });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] { syncDetail(); });
    connect(m_model, &QAbstractItemModel::layoutChanged, this, [this] { syncDetail(); });
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] { syncDetail(); });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &LicensesPage::currentChanged);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] { syncDetail(); });
    connect(m_model, &LicenseTableModel::idsArrived, this, [this] {
        if (!m_licenseToSelect)
            return;
        const int row = m_model->rowOfLicense(m_licenseToSelect);
        m_licenseToSelect = 0;
        if (row < 0)
            return;
        m_table->selectRow(row);
        m_table->scrollTo(m_model->index(row, 0));
        currentChanged();
    });
    connect(m_detail, &LicenseDetailPanel::subscriberRequested, this, &LicensesPage::subscriberRequested);
    connect(m_detail, &LicenseDetailPanel::modifyRequested, this, &LicensesPage::modifyRequested);
    // Ctrl+F is the window's Edit > Find licenses, which calls focusSearch().

    m_selectionDelay->setSingleShot(true);
    m_selectionDelay->setInterval(120);
    connect(m_selectionDelay, &QTimer::timeout, this, &LicensesPage::showSelectionSummary);
    updateSummary();
}

LicensesPage::~LicensesPage()
{
    m_columns->save();
}

void LicensesPage::setDatabase(Database *database)
{
    m_database = database;
    // What the team's policy keeps from this login is not shown (it would read as empty).
    m_columns->setUnreadable(database && database->access().enforced && !database->access().seesEverything()
                                 ? database->access().hidden
                                 : QStringList());
    m_filters->setSeatsReadable(!(database && database->access().isHidden(QStringLiteral("seats"))));
    m_reader->setDatabase(database, document());
    m_detail->setDatabase(database, document());
    m_views->setDatabase(database, document());
    refreshChoices();
    LicenseQuery q = m_model->query();
    q.filter = filter();
    m_model->setQuery(q);
    m_model->setDatabase(database);
    updateSummary();
}

void LicensesPage::reload()
{
    refreshChoices();
    m_model->refresh();
    // The license shown may be the one that changed: read it again now (the list keeps the
    // rows selected, by license, and the panel follows if the current row moves or goes).
    syncDetail(true);
}

std::optional<qint64> LicensesPage::count() const
{
    return m_model->totalCount();
}

QString LicensesPage::summaryText() const
{
    return m_summary->text();
}

void LicensesPage::refreshChoices()
{
    m_reader->drop(); // choices on their way are the database's as it was
    if (!m_database) {
        m_choicesLoading = false;
        m_filters->clearOffer(false);
        return;
    }
    m_choicesLoading = true;
    m_filters->clearOffer(true);
    const Dialect dialect = m_reader->dialect();
    m_reader->read<LicenseFilterOffer>(
        [dialect](QSqlDatabase &db) { return readFilterOffer(db, dialect); },
        [this](const Result<LicenseFilterOffer> &offer) {
            m_choicesLoading = false;
            if (!offer) {
                m_filters->clearOffer(false);
                m_summary->setText(offer.error().message);
                return;
            }
            // A chosen version the database no longer has is no longer chosen (the bar says
            // the filter changed, and the list follows).
            m_filters->setOffer(offer->choices, offer->lmos);
            applyFilter();
        });
}

LicenseFilter LicensesPage::filter() const
{
    return m_filters->filter();
}

void LicensesPage::setFilter(const LicenseFilter &f)
{
    m_filters->setFilter(f);
}

void LicensesPage::setAsOf(const QDate &day)
{
    m_asOf = day;
    m_filters->setAsOf(day);
    applyFilter();
}

void LicensesPage::showOrg(const QString &orgId15, qint64 selectLicense)
{
    m_licenseToSelect = selectLicense;
    LicenseFilter f;
    f.text = orgId15;
    setFilter(f);
}

void LicensesPage::applyFilter()
{
    LicenseQuery q = m_model->query();
    q.filter = filter();
    if (!(q == m_model->query()))
        m_model->setQuery(q);
    updateSummary();
    m_views->updateState();
}

void LicensesPage::updateSummary()
{
    m_filters->updateClearButton();
    if (!m_database) {
        m_summary->setText(QStringLiteral("No database is open: use File > Open database or File > New database."));
        return;
    }
    const QLocale locale;
    const auto matching = m_model->matchingCount();
    const auto total = m_model->totalCount();
    const QString day = locale.toString(m_model->asOf(), QLocale::LongFormat);
    const QString when = m_model->asOf() == QDate::currentDate() ? QStringLiteral("today, %1").arg(day) : day;
    if (!matching || !total) {
        m_summary->setText(QStringLiteral("Counting…"));
        return;
    }
    const QString sort = QStringLiteral("sorted by %1, %2")
                             .arg(licenseColumnTitle(m_model->query().sortColumn).toLower(),
                                  m_model->query().order == Qt::AscendingOrder ? QStringLiteral("ascending")
                                                                               : QStringLiteral("descending"));
    if (m_model->query().filter.isEmpty()) {
        m_summary->setText(QStringLiteral("%1 licenses, %2. Effective status as of %3.")
                               .arg(locale.toString(*total), sort, when));
        return;
    }
    QString text = QStringLiteral("%1 of %2 licenses, %3. Effective status as of %4.")
                       .arg(locale.toString(*matching), locale.toString(*total), sort, when);
    // Nothing found for what looks like an id that is not one: say why, rather than an empty list.
    const QString search = m_model->query().filter.text.trimmed();
    const bool idShaped = (search.size() == 15 || search.size() == 18)
                          && std::all_of(search.begin(), search.end(), [](QChar c) { return c.isLetterOrNumber() && c.unicode() < 128; });
    if (*matching == 0 && idShaped) {
        if (auto parsed = SalesforceId::parse(search); !parsed)
            text += QStringLiteral(" The search looks like a Salesforce id, but: %1. Check it was copied whole.")
                        .arg(parsed.error().message);
    }
    m_summary->setText(text);
}

void LicensesPage::currentChanged()
{
    syncDetail();
}

void LicensesPage::showSelectionSummary()
{
    const qint64 selected = m_table->selectedRowCount();
    if (selected <= 1)
        return;
    if (m_database && selected <= kMaxSummedSelection) {
        std::vector<qint64> ids = selectedLicenseIds();
        if (qint64(ids.size()) == selected) { // every row's license known
            // Summed on the model's worker; shown if the selection is still the one summed.
            QPointer<LicensesPage> page(this);
            std::vector<qint64> summed = ids;
            m_model->summarise(std::move(ids), [page, selected, summed](std::optional<LicenseListReader::Summary> summary) {
                if (!page || page->m_table->selectedRowCount() != selected || page->selectedLicenseIds() != summed)
                    return;
                page->m_detail->showSelection(selected, summary);
            });
            return;
        }
    }
    m_detail->showSelection(selected, std::nullopt);
}

void LicensesPage::syncDetail(bool reread)
{
    // Several rows: what they add up to (the one current row is not what Modify would change),
    // summed in SQL once the selection settles (shift+arrow grows it a row a keypress).
    if (m_table->selectedRowCount() > 1) {
        m_selectionDelay->start();
        return;
    }
    m_selectionDelay->stop();
    const QModelIndex current = m_table->currentIndex();
    const qint64 id = current.isValid() ? m_model->licenseIdAt(current.row()) : 0;
    if (reread || id != m_detail->licenseId() || m_detail->showsSelection() || id == 0)
        m_detail->showLicense(id);
}

void LicensesPage::setDetailShown(bool shown)
{
    QSettings().setValue(kDetailShownKey, shown);
    m_detail->setVisible(shown);
    if (shown) {
        QList<int> sizes = m_splitter->sizes();
        if (sizes.size() == 2 && sizes[1] < 200)
            m_splitter->setSizes({qMax(200, sizes[0] + sizes[1] - 300), 300});
        syncDetail(true);
    }
}

void LicensesPage::focusSearch()
{
    m_filters->focusSearch();
}

bool LicensesPage::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_table && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->matches(QKeySequence::Copy)) {
            copySelection();
            return true;
        }
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            // Enter opens the detail: the panel comes back if it was folded away.
            m_detailAction->setChecked(true);
            syncDetail(true);
            m_detail->setFocus();
            return true;
        }
    }
    return DatabasePage::eventFilter(watched, event);
}

std::vector<qint64> LicensesPage::selectedLicenseIds() const
{
    std::vector<qint64> ids;
    for (int r : m_table->selectedRowNumbers())
        if (const qint64 id = m_model->licenseIdAt(r))
            ids.push_back(id);
    return ids;
}

QString LicensesPage::selectionAsText(const QHash<qint64, LicenseRow> &fetched) const
{
    const std::vector<int> rows = m_table->selectedRowNumbers(kMaxCopyRows);
    QHeaderView *header = m_table->horizontalHeader();
    QList<int> columns;
    for (int v = 0; v < header->count(); ++v) {
        const int logical = header->logicalIndex(v);
        if (!header->isSectionHidden(logical))
            columns << logical;
    }
    auto cell = [&](int row, int column) -> QString {
        const LicenseRow *r = m_model->rowAt(row);
        if (!r) {
            auto it = fetched.constFind(m_model->licenseIdAt(row));
            r = it == fetched.constEnd() ? nullptr : &*it;
        }
        return r ? LicenseTableModel::cellText(*r, LicenseColumn(column)) : QString();
    };
    QStringList lines;
    QStringList head;
    for (int c : columns)
        head << licenseColumnTitle(LicenseColumn(c));
    lines << head.join(u'\t');
    for (int r : rows) {
        QStringList cells;
        for (int c : columns)
            cells << cell(r, c).replace(u'\t', u' ').replace(u'\n', u' ');
        lines << cells.join(u'\t');
    }
    return lines.join(u'\n') + u'\n';
}

void LicensesPage::copySelection()
{
    if (!m_table->selectionModel()->hasSelection())
        return;
    // Rows not here yet are read first, by id (the list knows every id once it is loaded), on
    // the list's worker; the clipboard gets the selection as it is then.
    std::vector<qint64> missing;
    for (int r : m_table->selectedRowNumbers(kMaxCopyRows))
        if (!m_model->rowAt(r) && m_model->licenseIdAt(r))
            missing.push_back(m_model->licenseIdAt(r));
    if (missing.empty()) {
        QApplication::clipboard()->setText(selectionAsText());
        emit copied();
        return;
    }
    m_summary->setText(QStringLiteral("Copying %1 licenses…").arg(QLocale().toString(qint64(missing.size()))));
    m_model->readRows(std::move(missing), [this](const Result<std::vector<LicenseRow>> &rows) {
        QHash<qint64, LicenseRow> fetched;
        if (rows)
            for (const LicenseRow &r : rows.value())
                if (r.id)
                    fetched.insert(r.id, r);
        QApplication::clipboard()->setText(selectionAsText(fetched));
        updateSummary();
        if (!rows)
            m_summary->setText(QStringLiteral("Some rows could not be read to copy them: %1").arg(rows.error().message));
        emit copied();
    });
}

QStringList LicensesPage::savedViews() const
{
    return m_views->names();
}

void LicensesPage::saveView(const QString &name)
{
    m_views->save(name);
}

bool LicensesPage::applyView(const QString &name)
{
    return m_views->apply(name);
}

void LicensesPage::deleteView(const QString &name)
{
    m_views->remove(name);
}

QString LicensesPage::currentView() const
{
    return m_views->current();
}

bool LicensesPage::viewChanged() const
{
    return m_views->changed();
}

void LicensesPage::revertView()
{
    m_views->revert();
}

QList<LicenseColumn> LicensesPage::defaultColumnOrder()
{
    return LicenseColumns::defaultOrder();
}

void LicensesPage::resetColumns()
{
    m_columns->reset();
}

} // namespace lmo
