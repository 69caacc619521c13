#include "browse/licensespage.h"

#include <QPointer>

#include "util/json.h"
#include "browse/licensedetail.h"
#include "browse/licenselist.h"
#include "domain/salesforceid.h"
#include "models/licensetablemodel.h"
#include "storage/database.h"
#include "widgets/lmochooser.h"
#include "widgets/multiselectbutton.h"
#include "widgets/pagestyle.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateEdit>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace lmo {

namespace {

// "columns", not the "header" of earlier versions: a header saved before the columns' order
// and widths changed would keep the numbers off screen.
const QString kHeaderKey = QStringLiteral("licenses/columns");
const QString kDetailShownKey = QStringLiteral("licenses/detailShown");
constexpr qint64 kMaxSummedSelection = 200'000;
const QString kSplitterKey = QStringLiteral("licenses/splitter");
const QString kViewsGroup = QStringLiteral("licenses/views");
constexpr int kMaxCopyRows = 100'000;

} // namespace

LicensesPage::LicensesPage(QWidget *parent)
    : DatabasePage(parent), m_model(new LicenseTableModel(this)), m_table(new QTableView(this)),
      m_detail(new LicenseDetailPanel(this)), m_splitter(new QSplitter(Qt::Horizontal, this)), m_summary(new QLabel(this)),
      m_search(new QLineEdit(this)), m_status(new MultiSelectButton(QStringLiteral("Status"), this)),
      m_effective(new MultiSelectButton(QStringLiteral("Effective status"), this)),
      m_package(new MultiSelectButton(QStringLiteral("Package"), this)),
      m_version(new MultiSelectButton(QStringLiteral("Version"), this)),
      m_edition(new MultiSelectButton(QStringLiteral("Edition"), this)),
      m_instance(new MultiSelectButton(QStringLiteral("Instance"), this)), m_sandbox(new QComboBox(this)),
      m_site(new QComboBox(this)), m_lmo(new LmoChooser(LmoChooser::Mode::Filter, this)), m_installed(new QCheckBox(QStringLiteral("Installed from"), this)),
      m_installedFrom(new QDateEdit(this)), m_installedTo(new QDateEdit(this)),
      m_expiring(new QCheckBox(QStringLiteral("Expiring within"), this)), m_expiringDays(new QSpinBox(this)),
      m_clear(new QPushButton(QStringLiteral("Clear filters"), this)), m_views(new QComboBox(this)),
      m_saveView(new QPushButton(QStringLiteral("Save view…"), this)),
      m_deleteView(new QPushButton(QStringLiteral("Delete view"), this)),
      m_revertView(new QPushButton(QStringLiteral("Revert"), this)),
      m_detailAction(new QAction(QStringLiteral("Show license &details"), this)), m_searchDelay(new QTimer(this)),
      m_selectionDelay(new QTimer(this))
{
    setObjectName(QStringLiteral("licensesPage"));
    m_table->setObjectName(QStringLiteral("licensesTable"));
    auto *layout = new QVBoxLayout(this);

    auto *top = new QHBoxLayout;
    top->addWidget(makePageHeading(QStringLiteral("Licenses"), this));
    top->addStretch(1);
    auto *viewLabel = new QLabel(QStringLiteral("View:"), this);
    top->addWidget(viewLabel);
    m_views->setObjectName(QStringLiteral("savedViews"));
    m_views->setMinimumWidth(180);
    m_views->setToolTip(QStringLiteral("Named views keep the filters, the sort and the columns"));
    viewLabel->setBuddy(m_views);
    top->addWidget(m_views);
    m_saveView->setObjectName(QStringLiteral("saveView"));
    m_deleteView->setObjectName(QStringLiteral("deleteView"));
    m_revertView->setObjectName(QStringLiteral("revertView"));
    m_revertView->setToolTip(QStringLiteral("Put the view's own filters and sort back"));
    top->addWidget(m_saveView);
    top->addWidget(m_revertView);
    top->addWidget(m_deleteView);
    layout->addLayout(top);

    buildFilterBar();
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

    m_table->setModel(m_model);
    applyBigTableStyle(m_table);
    // The indicator first: turning sorting on sorts by whatever it shows.
    m_table->horizontalHeader()->setSortIndicator(int(m_model->query().sortColumn), m_model->query().order);
    m_table->horizontalHeader()->setSortIndicatorShown(true);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->horizontalHeader()->setToolTip(QStringLiteral("Click to sort; drag to reorder; right-click to show or hide columns"));
    resetColumns();
    connect(m_table->horizontalHeader(), &QHeaderView::customContextMenuRequested, this, &LicensesPage::showColumnMenu);
    connect(m_table->horizontalHeader(), &QHeaderView::sectionMoved, this, &LicensesPage::saveHeaderState);
    connect(m_table->horizontalHeader(), &QHeaderView::sectionResized, this, [this] { saveHeaderState(); });
    connect(m_table->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this, [this] {
        saveHeaderState();
        updateViewState();
    });
    m_table->installEventFilter(this);

    m_splitter->addWidget(m_table);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setCollapsible(0, false);
    m_splitter->setCollapsible(1, false); // the panel folds away with its button, not by dragging
    layout->addWidget(m_splitter, 1);
    restoreHeaderState();
    if (!m_splitter->restoreState(QSettings().value(kSplitterKey).toByteArray()))
        m_splitter->setSizes({860, 360});
    m_detailAction->setChecked(QSettings().value(kDetailShownKey, true).toBool());
    m_detail->setVisible(m_detailAction->isChecked());
    connect(m_detailAction, &QAction::toggled, this, &LicensesPage::setDetailShown);
    connect(m_splitter, &QSplitter::splitterMoved, this,
            [this] { QSettings().setValue(kSplitterKey, m_splitter->saveState()); });

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

    connect(m_views, &QComboBox::activated, this, [this](int index) {
        if (index > 0) {
            applyView(m_views->itemData(index).toString());
        } else {
            m_currentView.clear(); // the filters stay as they are, under no name
            updateViewState();
        }
    });
    connect(m_revertView, &QPushButton::clicked, this, &LicensesPage::revertView);
    connect(m_saveView, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString name = QInputDialog::getText(this, QStringLiteral("Save view"),
                                                   QStringLiteral("Name of this view (filters, sort and columns):"),
                                                   QLineEdit::Normal, m_currentView, &ok)
                                 .trimmed();
        if (ok && !name.isEmpty())
            saveView(name);
    });
    connect(m_deleteView, &QPushButton::clicked, this, [this] {
        if (m_currentView.isEmpty())
            return;
        const QString name = m_currentView;
        if (QMessageBox::question(this, QStringLiteral("Delete view"), QStringLiteral("Delete the view \"%1\"?").arg(name))
            == QMessageBox::Yes)
            deleteView(name);
    });
    refreshViewList();
    updateSummary();
}

LicensesPage::~LicensesPage()
{
    saveHeaderState();
}

void LicensesPage::buildFilterBar()
{
    auto *row1 = new QHBoxLayout;
    m_search->setObjectName(QStringLiteral("search"));
    m_search->setPlaceholderText(QStringLiteral("Search license, account, org id or package (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(220);
    m_search->setMaximumWidth(520);
    m_search->setAccessibleName(QStringLiteral("Search"));
    row1->addWidget(m_search, 3);
    QList<QPair<QString, QVariant>> statuses;
    for (Status s : kAllStatuses)
        statuses.append({statusName(s), int(s)});
    m_status->setChoices(statuses);
    m_status->setObjectName(QStringLiteral("statusFilter"));
    QList<QPair<QString, QVariant>> effective;
    for (EffectiveStatus s : kAllEffectiveStatuses)
        effective.append({statusName(s), int(s)});
    m_effective->setChoices(effective);
    m_effective->setObjectName(QStringLiteral("effectiveFilter"));
    m_effective->setToolTip(QStringLiteral("The status today: an Active or Trial license past its expiration is Expired"));
    m_package->setObjectName(QStringLiteral("packageFilter"));
    m_version->setObjectName(QStringLiteral("versionFilter"));
    m_edition->setObjectName(QStringLiteral("editionFilter"));
    m_instance->setObjectName(QStringLiteral("instanceFilter"));
    auto *row2 = new QHBoxLayout;
    for (MultiSelectButton *b : {m_status, m_effective, m_package, m_version, m_edition, m_instance}) {
        (b == m_status || b == m_effective || b == m_package ? row1 : row2)->addWidget(b);
        if (b == m_package) // the Version filter offers the versions of the packages chosen
            connect(b, &MultiSelectButton::changed, this, [this] {
                refreshVersionChoices();
                applyFilter();
            });
        else
            connect(b, &MultiSelectButton::changed, this, &LicensesPage::applyFilter);
    }
    row1->addStretch(1);
    layout()->addItem(row1);

    m_sandbox->setObjectName(QStringLiteral("sandboxFilter"));
    m_sandbox->addItems({QStringLiteral("Sandboxes and production"), QStringLiteral("Sandboxes only"),
                         QStringLiteral("Production only")});
    m_site->setObjectName(QStringLiteral("siteFilter"));
    m_site->addItems({QStringLiteral("Site and seat licenses"), QStringLiteral("Site licenses only"),
                      QStringLiteral("Seat licenses only")});
    row2->addWidget(m_sandbox);
    row2->addWidget(m_site);
    row2->addWidget(m_lmo);
    row2->addStretch(1);
    layout()->addItem(row2);
    auto *row3 = new QHBoxLayout;
    m_installed->setObjectName(QStringLiteral("installedFilter"));
    row3->addWidget(m_installed);
    for (QDateEdit *d : {m_installedFrom, m_installedTo}) {
        d->setCalendarPopup(true);
        d->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        d->setEnabled(false);
    }
    m_installedFrom->setObjectName(QStringLiteral("installedFrom"));
    m_installedTo->setObjectName(QStringLiteral("installedTo"));
    m_installedFrom->setDate(QDate::currentDate().addYears(-1));
    m_installedTo->setDate(QDate::currentDate());
    row3->addWidget(m_installedFrom);
    row3->addWidget(new QLabel(QStringLiteral("to"), this));
    row3->addWidget(m_installedTo);
    m_expiring->setObjectName(QStringLiteral("expiringFilter"));
    m_expiring->setToolTip(QStringLiteral("Active or Trial licenses whose expiration falls from today to today + N days"));
    m_expiringDays->setObjectName(QStringLiteral("expiringDays"));
    m_expiringDays->setRange(0, 3650);
    m_expiringDays->setValue(30);
    m_expiringDays->setSuffix(QStringLiteral(" days"));
    m_expiringDays->setEnabled(false);
    row3->addWidget(m_expiring);
    row3->addWidget(m_expiringDays);
    m_clear->setObjectName(QStringLiteral("clearFilters"));
    row3->addWidget(m_clear);
    row3->addStretch(1);
    layout()->addItem(row3);

    m_selectionDelay->setSingleShot(true);
    m_selectionDelay->setInterval(120);
    connect(m_selectionDelay, &QTimer::timeout, this, &LicensesPage::showSelectionSummary);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(200);
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_searchDelay, &QTimer::timeout, this, &LicensesPage::applyFilter);
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        m_searchDelay->stop();
        applyFilter();
        m_table->setFocus();
    });
    connect(m_sandbox, &QComboBox::currentIndexChanged, this, &LicensesPage::applyFilter);
    connect(m_site, &QComboBox::currentIndexChanged, this, &LicensesPage::applyFilter);
    connect(m_lmo, &LmoChooser::lmoChanged, this, &LicensesPage::applyFilter);
    connect(m_installed, &QCheckBox::toggled, this, [this](bool on) {
        m_installedFrom->setEnabled(on);
        m_installedTo->setEnabled(on);
        applyFilter();
    });
    connect(m_installedFrom, &QDateEdit::dateChanged, this, &LicensesPage::applyFilter);
    connect(m_installedTo, &QDateEdit::dateChanged, this, &LicensesPage::applyFilter);
    connect(m_expiring, &QCheckBox::toggled, this, [this](bool on) {
        m_expiringDays->setEnabled(on);
        applyFilter();
    });
    connect(m_expiringDays, &QSpinBox::valueChanged, this, &LicensesPage::applyFilter);
    connect(m_clear, &QPushButton::clicked, this, [this] {
        LicenseFilter none;
        setFilter(none);
    });
}

void LicensesPage::setDatabase(Database *database)
{
    m_database = database;
    m_detail->setDatabase(database);
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
    applyFilter(); // a chosen version the database no longer has is no longer chosen
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
    if (!m_database) {
        for (MultiSelectButton *b : {m_package, m_version, m_edition, m_instance})
            b->setChoices({});
        m_lmo->clearChoices();
        return;
    }
    auto choices = LicenseListReader(m_database->connection(), m_database->dialect()).choices();
    if (!choices) {
        m_summary->setText(choices.error().message);
        return;
    }
    m_choices = std::move(choices.value());
    const bool was = m_applying;
    m_applying = true;
    QList<QPair<QString, QVariant>> packages, editions, instances;
    for (const PackageName &p : m_choices.packages)
        packages.append({p.name, p.rowId});
    for (const QString &v : std::as_const(m_choices.editions))
        editions.append({v, v});
    for (const QString &v : std::as_const(m_choices.instances))
        instances.append({v, v});
    m_package->setChoices(packages);
    refreshVersionChoices();
    m_edition->setChoices(editions);
    m_instance->setChoices(instances);
    m_lmo->load(m_database->connection());
    m_applying = was;
}

LicenseFilter LicensesPage::filter() const
{
    LicenseFilter f;
    f.asOf = m_asOf.isValid() ? m_asOf : QDate::currentDate();
    f.text = m_search->text().trimmed();
    for (const QVariant &v : m_status->selected())
        f.statuses << Status(v.toInt());
    for (const QVariant &v : m_effective->selected())
        f.effectiveStatuses << EffectiveStatus(v.toInt());
    for (const QVariant &v : m_package->selected())
        f.packages << v.toLongLong();
    for (const QVariant &v : m_version->selected())
        f.versions << v.toString();
    for (const QVariant &v : m_edition->selected())
        f.editions << v.toString();
    for (const QVariant &v : m_instance->selected())
        f.instances << v.toString();
    if (m_sandbox->currentIndex() > 0)
        f.sandbox = m_sandbox->currentIndex() == 1;
    if (m_site->currentIndex() > 0)
        f.siteLicense = m_site->currentIndex() == 1;
    if (m_installed->isChecked()) {
        f.installedFrom = m_installedFrom->date();
        f.installedTo = m_installedTo->date();
    }
    if (m_expiring->isChecked())
        f.expiringWithinDays = m_expiringDays->value();
    f.lmo = m_lmo->lmo();
    return f;
}

void LicensesPage::setFilter(const LicenseFilter &f)
{
    m_applying = true;
    m_search->setText(f.text);
    m_searchDelay->stop();
    QVariantList statuses, effective, packages, versions, editions, instances;
    for (Status s : f.statuses)
        statuses << int(s);
    for (EffectiveStatus s : f.effectiveStatuses)
        effective << int(s);
    for (qint64 p : f.packages)
        packages << p;
    for (const QString &v : f.versions)
        versions << v;
    for (const QString &v : f.editions)
        editions << v;
    for (const QString &v : f.instances)
        instances << v;
    m_status->setSelected(statuses);
    m_effective->setSelected(effective);
    m_package->setSelected(packages);
    m_version->setSelected(versions);
    m_edition->setSelected(editions);
    m_instance->setSelected(instances);
    m_sandbox->setCurrentIndex(!f.sandbox ? 0 : (*f.sandbox ? 1 : 2));
    m_site->setCurrentIndex(!f.siteLicense ? 0 : (*f.siteLicense ? 1 : 2));
    m_lmo->setLmo(f.lmo);
    m_installed->setChecked(f.installedFrom.isValid() || f.installedTo.isValid());
    // An open end (a past day's "installed by then") is the date box's own limit.
    if (f.installedFrom.isValid() || f.installedTo.isValid()) {
        m_installedFrom->setDate(f.installedFrom.isValid() ? f.installedFrom : m_installedFrom->minimumDate());
        m_installedTo->setDate(f.installedTo.isValid() ? f.installedTo : m_installedTo->maximumDate());
    }
    m_expiring->setChecked(f.expiringWithinDays.has_value());
    if (f.expiringWithinDays)
        m_expiringDays->setValue(*f.expiringWithinDays);
    m_applying = false;
    applyFilter();
}

void LicensesPage::refreshVersionChoices()
{
    // The versions of the packages chosen; with none chosen, every package's, each under its
    // name (a submenu each: fifty versions in one list would run off the screen).
    const QVariantList chosen = m_package->selected();
    QList<MultiSelectButton::Group> groups;
    QSet<QString> grouped;
    for (const PackageName &p : m_choices.packages) {
        if (!chosen.isEmpty() && !chosen.contains(QVariant(p.rowId)))
            continue;
        MultiSelectButton::Group g;
        g.title = p.name;
        for (const auto &[package, version] : m_choices.packageVersions)
            if (package == p.rowId) {
                g.choices.append({version, version});
                grouped.insert(version);
            }
        if (!g.choices.isEmpty())
            groups.append(g);
    }
    // Versions no package lists (licenses that name a version the packages' files lack).
    MultiSelectButton::Group other;
    other.title = groups.isEmpty() ? QString() : QStringLiteral("Other versions");
    if (chosen.isEmpty() || groups.isEmpty())
        for (const QString &v : std::as_const(m_choices.versions))
            if (!grouped.contains(v))
                other.choices.append({v, v});
    if (!other.choices.isEmpty())
        groups.append(other);
    const bool was = m_applying;
    m_applying = true;
    m_version->setGroupedChoices(groups, chosen.isEmpty() && groups.size() > 1);
    m_applying = was;
}

void LicensesPage::setAsOf(const QDate &day)
{
    m_asOf = day;
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
    if (m_applying)
        return;
    LicenseQuery q = m_model->query();
    q.filter = filter();
    m_clear->setEnabled(!q.filter.isEmpty());
    if (!(q == m_model->query()))
        m_model->setQuery(q);
    updateSummary();
    updateViewState();
}

void LicensesPage::updateSummary()
{
    m_clear->setEnabled(!filter().isEmpty());
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

namespace {

qint64 selectedRows(const QItemSelectionModel *selection)
{
    qint64 selected = 0;
    for (const QItemSelectionRange &range : selection->selection())
        selected += range.bottom() - range.top() + 1;
    return selected;
}

} // namespace

void LicensesPage::showSelectionSummary()
{
    const qint64 selected = selectedRows(m_table->selectionModel());
    if (selected <= 1)
        return;
    if (m_database && selected <= kMaxSummedSelection) {
        std::vector<qint64> ids = selectedLicenseIds();
        if (qint64(ids.size()) == selected) { // every row's license known
            // Summed on the model's worker; shown if the selection is still the one summed.
            QPointer<LicensesPage> page(this);
            std::vector<qint64> summed = ids;
            m_model->summarise(std::move(ids), [page, selected, summed](std::optional<LicenseListReader::Summary> summary) {
                if (!page || selectedRows(page->m_table->selectionModel()) != selected || page->selectedLicenseIds() != summed)
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
    if (selectedRows(m_table->selectionModel()) > 1) {
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
            m_splitter->setSizes({qMax(200, sizes[0] + sizes[1] - 360), 360});
        syncDetail(true);
    }
}

void LicensesPage::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
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
    QList<int> rows;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
        rows << i.row();
    std::sort(rows.begin(), rows.end());
    std::vector<qint64> ids;
    for (int r : rows)
        if (const qint64 id = m_model->licenseIdAt(r))
            ids.push_back(id);
    return ids;
}

QString LicensesPage::selectionAsText() const
{
    QList<int> rows;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
        rows << i.row();
    std::sort(rows.begin(), rows.end());
    if (rows.size() > kMaxCopyRows)
        rows.resize(kMaxCopyRows);
    QHeaderView *header = m_table->horizontalHeader();
    QList<int> columns;
    for (int v = 0; v < header->count(); ++v) {
        const int logical = header->logicalIndex(v);
        if (!header->isSectionHidden(logical))
            columns << logical;
    }
    // Rows not here yet are read now, by id (the list knows every id once it is loaded).
    std::vector<qint64> missing;
    for (int r : rows)
        if (!m_model->rowAt(r) && m_model->licenseIdAt(r))
            missing.push_back(m_model->licenseIdAt(r));
    QHash<qint64, LicenseRow> fetched;
    if (!missing.empty() && m_database) {
        auto more = LicenseListReader(m_database->connection(), m_database->dialect())
                        .rowsById(missing.data(), missing.size(), m_model->asOf());
        if (more)
            for (LicenseRow &r : more.value())
                if (r.id)
                    fetched.insert(r.id, std::move(r));
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

void LicensesPage::copySelection() const
{
    if (m_table->selectionModel()->selectedRows().isEmpty())
        return;
    QApplication::clipboard()->setText(selectionAsText());
}

void LicensesPage::showColumnMenu(const QPoint &pos)
{
    QHeaderView *header = m_table->horizontalHeader();
    QMenu menu(this);
    int visible = 0;
    for (int c = 0; c < kLicenseColumnCount; ++c)
        visible += header->isSectionHidden(c) ? 0 : 1;
    for (int v = 0; v < header->count(); ++v) {
        const int c = header->logicalIndex(v);
        QAction *a = menu.addAction(licenseColumnTitle(LicenseColumn(c)));
        a->setCheckable(true);
        a->setChecked(!header->isSectionHidden(c));
        a->setEnabled(header->isSectionHidden(c) || visible > 1); // one column always stays
        connect(a, &QAction::toggled, this, [this, header, c](bool on) {
            header->setSectionHidden(c, !on);
            saveHeaderState();
        });
    }
    menu.addSeparator();
    menu.addAction(QStringLiteral("Show all columns in their first order and widths"), this, [this] {
        resetColumns();
        saveHeaderState();
    });
    menu.exec(header->mapToGlobal(pos));
}

QList<LicenseColumn> LicensesPage::defaultColumnOrder()
{
    // What people sort and read first, then where and what it is installed.
    return {LicenseColumn::Name,        LicenseColumn::Account,  LicenseColumn::Status,  LicenseColumn::Seats,
            LicenseColumn::Used,        LicenseColumn::Expiration, LicenseColumn::EffectiveStatus,
            LicenseColumn::Package,     LicenseColumn::Version,  LicenseColumn::InstallDate, LicenseColumn::OrgId,
            LicenseColumn::Edition,     LicenseColumn::Instance, LicenseColumn::OrgStatus, LicenseColumn::Sandbox};
}

void LicensesPage::resetColumns()
{
    QHeaderView *header = m_table->horizontalHeader();
    const QList<LicenseColumn> order = defaultColumnOrder();
    for (int v = 0; v < order.size(); ++v) {
        header->setSectionHidden(int(order[v]), false);
        header->moveSection(header->visualIndex(int(order[v])), v);
    }
    // Each column as wide as what it holds (its widest usual value, or its title with the sort
    // arrow, whichever is wider): ids and dates have fixed shapes, numbers are short, names are
    // cut where they are long.
    const QFontMetrics fm(m_table->font());
    const QFontMetrics hm(header->font());
    for (int c = 0; c < kLicenseColumnCount; ++c) {
        const LicenseColumn column = LicenseColumn(c);
        QString sample;
        switch (column) {
        case LicenseColumn::Name: sample = QStringLiteral("L-0000000"); break;
        case LicenseColumn::Account: sample = QStringLiteral("Northwind Traders Holdings"); break;
        case LicenseColumn::Package: sample = QStringLiteral("Ledgerly Billing"); break;
        case LicenseColumn::Version: sample = QStringLiteral("10.12"); break;
        case LicenseColumn::Status:
        case LicenseColumn::EffectiveStatus: sample = QStringLiteral("Uninstalled"); break;
        case LicenseColumn::Seats: sample = QStringLiteral("Site License"); break;
        case LicenseColumn::Used: sample = QStringLiteral("99,999"); break;
        case LicenseColumn::Expiration: sample = QStringLiteral("Does not expire"); break;
        case LicenseColumn::InstallDate: sample = QStringLiteral("2026-06-15"); break;
        case LicenseColumn::OrgId: sample = QStringLiteral("00D5f0000004C93"); break;
        case LicenseColumn::Edition: sample = QStringLiteral("Enterprise Edition"); break;
        case LicenseColumn::Instance: sample = QStringLiteral("USA512S"); break;
        case LicenseColumn::OrgStatus: sample = QStringLiteral("SUSPENDED"); break;
        case LicenseColumn::Sandbox: sample = QStringLiteral("Yes"); break;
        }
        const int title = hm.horizontalAdvance(licenseColumnTitle(column)) + 28; // and the sort arrow
        m_table->setColumnWidth(c, qMax(title, fm.horizontalAdvance(sample) + 14));
    }
}

void LicensesPage::saveHeaderState() const
{
    QSettings().setValue(kHeaderKey, m_table->horizontalHeader()->saveState());
}

void LicensesPage::restoreHeaderState()
{
    const QByteArray state = QSettings().value(kHeaderKey).toByteArray();
    if (!state.isEmpty())
        m_table->horizontalHeader()->restoreState(state);
    // The sort lives in the model's query; the header only shows it.
    LicenseQuery q = m_model->query();
    QHeaderView *header = m_table->horizontalHeader();
    if (header->sortIndicatorSection() >= 0 && header->sortIndicatorSection() < kLicenseColumnCount) {
        q.sortColumn = LicenseColumn(header->sortIndicatorSection());
        q.order = header->sortIndicatorOrder();
        m_model->setQuery(q);
    }
}

QStringList LicensesPage::savedViews() const
{
    QSettings settings;
    settings.beginGroup(kViewsGroup);
    QStringList names;
    for (const QString &key : settings.childKeys())
        names << settings.value(key).toJsonObject().value(QStringLiteral("name")).toString(key);
    names.sort(Qt::CaseInsensitive);
    return names;
}

namespace {

QJsonObject filterJson(const LicenseFilter &f, const std::vector<PackageName> &packageNames, const QString &lmoName)
{
    QJsonObject filter;
    filter[QStringLiteral("text")] = f.text;
    QStringList statuses, effective, packages;
    for (Status s : f.statuses)
        statuses << statusName(s);
    for (EffectiveStatus s : f.effectiveStatuses)
        effective << statusName(s);
    // Packages by name: row ids belong to one database, a view to the user.
    for (qint64 id : f.packages)
        for (const PackageName &p : packageNames)
            if (p.rowId == id)
                packages << p.name;
    filter[QStringLiteral("statuses")] = QJsonArray::fromStringList(statuses);
    filter[QStringLiteral("effective_statuses")] = QJsonArray::fromStringList(effective);
    filter[QStringLiteral("packages")] = QJsonArray::fromStringList(packages);
    filter[QStringLiteral("versions")] = QJsonArray::fromStringList(f.versions);
    filter[QStringLiteral("editions")] = QJsonArray::fromStringList(f.editions);
    filter[QStringLiteral("instances")] = QJsonArray::fromStringList(f.instances);
    if (f.sandbox)
        filter[QStringLiteral("sandbox")] = *f.sandbox;
    if (f.siteLicense)
        filter[QStringLiteral("site_license")] = *f.siteLicense;
    if (f.installedFrom.isValid())
        filter[QStringLiteral("installed_from")] = f.installedFrom.toString(Qt::ISODate);
    if (f.installedTo.isValid())
        filter[QStringLiteral("installed_to")] = f.installedTo.toString(Qt::ISODate);
    if (f.expiringWithinDays)
        filter[QStringLiteral("expiring_within_days")] = *f.expiringWithinDays;
    if (f.lmo) {
        // Views are the user's, not the database's: the LMO by its name (org and id) too.
        filter[QStringLiteral("lmo")] = *f.lmo;
        filter[QStringLiteral("lmo_name")] = lmoName;
    }
    return filter;
}

} // namespace

QString LicensesPage::viewStateKey() const
{
    // What a view holds that the user changes with the bar and the header: its filters and sort.
    const QJsonObject state{
        {QStringLiteral("filter"), filterJson(filter(), m_model->packages(), m_lmo->lmoName())},
        {QStringLiteral("sort"), licenseColumnKey(m_model->query().sortColumn)},
        {QStringLiteral("ascending"), m_model->query().order == Qt::AscendingOrder},
    };
    return QString::fromUtf8(QJsonDocument(state).toJson(QJsonDocument::Compact));
}

bool LicensesPage::viewChanged() const
{
    return !m_currentView.isEmpty() && viewStateKey() != m_currentViewState;
}

void LicensesPage::updateViewState()
{
    const bool changed = viewChanged();
    const int at = m_currentView.isEmpty() ? 0 : m_views->findData(m_currentView);
    {
        const QSignalBlocker block(m_views);
        for (int i = 1; i < m_views->count(); ++i) {
            const QString name = m_views->itemData(i).toString();
            m_views->setItemText(i, i == at && changed ? name + QStringLiteral(" *") : name);
        }
        m_views->setCurrentIndex(at > 0 ? at : 0);
    }
    m_views->setToolTip(changed ? QStringLiteral("The filters or the sort have changed since the view \"%1\" was chosen: "
                                                 "Save view… keeps them, Revert puts the view's back")
                                      .arg(m_currentView)
                                : QStringLiteral("Named views keep the filters, the sort and the columns"));
    m_revertView->setEnabled(changed);
    m_deleteView->setEnabled(at > 0);
}

void LicensesPage::revertView()
{
    if (!m_currentView.isEmpty())
        applyView(m_currentView);
}

void LicensesPage::saveView(const QString &name)
{
    const LicenseFilter f = filter();
    const QJsonObject filter = filterJson(f, m_model->packages(), m_lmo->lmoName());
    QJsonObject view{
        {QStringLiteral("name"), name},
        {QStringLiteral("filter"), filter},
        {QStringLiteral("sort"), licenseColumnKey(m_model->query().sortColumn)},
        {QStringLiteral("ascending"), m_model->query().order == Qt::AscendingOrder},
        {QStringLiteral("header"), QString::fromLatin1(m_table->horizontalHeader()->saveState().toBase64())},
    };
    QSettings settings;
    settings.beginGroup(kViewsGroup);
    settings.setValue(QString::fromLatin1(name.toUtf8().toHex()), view);
    settings.endGroup();
    m_currentView = name;
    m_currentViewState = viewStateKey();
    refreshViewList();
}

bool LicensesPage::applyView(const QString &name)
{
    QSettings settings;
    settings.beginGroup(kViewsGroup);
    const QJsonObject view = settings.value(QString::fromLatin1(name.toUtf8().toHex())).toJsonObject();
    settings.endGroup();
    if (view.isEmpty())
        return false;
    const QJsonObject j = view.value(QStringLiteral("filter")).toObject();
    LicenseFilter f;
    f.text = j.value(QStringLiteral("text")).toString();
    for (const QString &s : stringsFromJson(j.value(QStringLiteral("statuses"))))
        if (auto st = statusFromString(s))
            f.statuses << *st;
    for (const QString &s : stringsFromJson(j.value(QStringLiteral("effective_statuses"))))
        if (auto st = effectiveStatusFromString(s))
            f.effectiveStatuses << *st;
    for (const QString &name : stringsFromJson(j.value(QStringLiteral("packages"))))
        for (const PackageName &p : m_model->packages())
            if (p.name == name)
                f.packages << p.rowId;
    f.versions = stringsFromJson(j.value(QStringLiteral("versions")));
    f.editions = stringsFromJson(j.value(QStringLiteral("editions")));
    f.instances = stringsFromJson(j.value(QStringLiteral("instances")));
    if (j.contains(QStringLiteral("sandbox")))
        f.sandbox = j.value(QStringLiteral("sandbox")).toBool();
    if (j.contains(QStringLiteral("site_license")))
        f.siteLicense = j.value(QStringLiteral("site_license")).toBool();
    f.installedFrom = QDate::fromString(j.value(QStringLiteral("installed_from")).toString(), Qt::ISODate);
    f.installedTo = QDate::fromString(j.value(QStringLiteral("installed_to")).toString(), Qt::ISODate);
    if (j.contains(QStringLiteral("expiring_within_days")))
        f.expiringWithinDays = j.value(QStringLiteral("expiring_within_days")).toInt();
    QString missingLmo;
    if (j.contains(QStringLiteral("lmo"))) {
        const QString lmoName = j.value(QStringLiteral("lmo_name")).toString();
        f.lmo = m_lmo->find(j.value(QStringLiteral("lmo")).toInteger(), lmoName);
        if (!f.lmo)
            missingLmo = lmoName.isEmpty() ? QStringLiteral("LMO %1").arg(j.value(QStringLiteral("lmo")).toInteger()) : lmoName;
    }
    const QByteArray header = QByteArray::fromBase64(view.value(QStringLiteral("header")).toString().toLatin1());
    if (!header.isEmpty())
        m_table->horizontalHeader()->restoreState(header);
    LicenseQuery q = m_model->query();
    q.sortColumn = licenseColumnFromKey(view.value(QStringLiteral("sort")).toString()).value_or(LicenseColumn::InstallDate);
    q.order = view.value(QStringLiteral("ascending")).toBool() ? Qt::AscendingOrder : Qt::DescendingOrder;
    m_model->setQuery(q);
    m_table->horizontalHeader()->setSortIndicator(int(q.sortColumn), q.order);
    m_currentView = name;
    setFilter(f);
    saveHeaderState();
    m_currentViewState = viewStateKey();
    updateViewState();
    if (!missingLmo.isEmpty())
        QMessageBox::information(this, QStringLiteral("View %1").arg(name),
                                 QStringLiteral("The view \"%1\" shows the licenses of %2, which this database does not "
                                                "have: it shows every LMO's instead.")
                                     .arg(name, missingLmo));
    return true;
}

void LicensesPage::deleteView(const QString &name)
{
    QSettings settings;
    settings.beginGroup(kViewsGroup);
    settings.remove(QString::fromLatin1(name.toUtf8().toHex()));
    settings.endGroup();
    if (name == m_currentView)
        m_currentView.clear();
    refreshViewList();
}

void LicensesPage::refreshViewList()
{
    {
        const QSignalBlocker block(m_views);
        m_views->clear();
        m_views->addItem(QStringLiteral("(current filters)"));
        for (const QString &name : savedViews())
            m_views->addItem(name, name);
    }
    if (m_views->findData(m_currentView) <= 0)
        m_currentView.clear();
    updateViewState();
}

} // namespace lmo
