#include "browse/subscriberspage.h"

#include "browse/licensereads.h"
#include "browse/pagereader.h"
#include "models/subscribertablemodel.h"
#include "storage/database.h"
#include "widgets/lmochooser.h"
#include "widgets/bigtableview.h"
#include "widgets/pagestyle.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace lmo {

SubscribersPage::SubscribersPage(QWidget *parent)
    : DatabasePage(parent), m_reader(std::make_unique<PageReader>(this)), m_model(new SubscriberTableModel(this)), m_table(new BigTableView(this)),
      m_licenses(new QTableWidget(0, 9, this)), m_summary(new QLabel(this)), m_licensesTitle(new QLabel(this)),
      m_search(new QLineEdit(this)), m_lmo(new LmoChooser(LmoChooser::Mode::Filter, this)), m_searchDelay(new QTimer(this))
{
    setObjectName(QStringLiteral("subscribersPage"));
    m_table->setObjectName(QStringLiteral("subscribersTable"));
    m_licenses->setObjectName(QStringLiteral("orgLicenses"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(makePageHeading(QStringLiteral("Subscribers"), this));
    m_search->setObjectName(QStringLiteral("subscriberSearch"));
    m_search->setPlaceholderText(QStringLiteral("Find an org by its id (15 or 18 characters, or its start) or by account"));
    m_search->setClearButtonEnabled(true);
    m_search->setMaximumWidth(520);
    m_search->setAccessibleName(QStringLiteral("Find a subscriber org"));
    auto *searchRow = new QHBoxLayout;
    searchRow->addWidget(m_search, 1);
    searchRow->addWidget(m_lmo);
    searchRow->addStretch(0);
    layout->addLayout(searchRow);
    m_summary->setObjectName(QStringLiteral("summary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);

    m_table->setModel(m_model);
    applyBigTableStyle(m_table);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setSortIndicator(0, Qt::AscendingOrder);
    m_table->horizontalHeader()->setSortIndicatorShown(true);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSectionsMovable(true);
    const QFontMetrics fm(m_table->font());
    const int widths[kSubscriberColumnCount] = {17, 26, 20, 10, 11, 9, 9, 9, 12, 9, 12, 12, 30};
    for (int c = 0; c < kSubscriberColumnCount; ++c)
        m_table->setColumnWidth(c, qMax(fm.horizontalAdvance(subscriberColumnTitle(SubscriberColumn(c))) + 30,
                                        fm.averageCharWidth() * widths[c] + 16));
    // Org ids are all digits and capitals: wider than average text.
    m_table->setColumnWidth(int(SubscriberColumn::OrgId), fm.horizontalAdvance(QStringLiteral("00D5f0000004C93WW")) + 24);

    auto *below = new QWidget(this);
    auto *belowLayout = new QVBoxLayout(below);
    belowLayout->setContentsMargins(0, 4, 0, 0);
    QFont bold = m_licensesTitle->font();
    bold.setBold(true);
    m_licensesTitle->setFont(bold);
    belowLayout->addWidget(m_licensesTitle);
    m_licenses->setHorizontalHeaderLabels({QStringLiteral("License"), QStringLiteral("Package"), QStringLiteral("Version"),
                                           QStringLiteral("Status"), QStringLiteral("Seats"), QStringLiteral("Used"),
                                           QStringLiteral("Expiration"), QStringLiteral("Install date"), QStringLiteral("LMO")});
    m_licenses->setColumnHidden(8, true); // shown once the database has licenses from more than one LMO
    m_licenses->verticalHeader()->setVisible(false);
    m_licenses->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_licenses->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_licenses->horizontalHeader()->setStretchLastSection(true);
    m_licenses->setToolTip(QStringLiteral("Double-click (or Enter) to open the license on the Licenses page"));
    belowLayout->addWidget(m_licenses);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(below);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);

    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(200);
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_searchDelay, &QTimer::timeout, this, [this] {
        SubscriberQuery q = m_model->query();
        q.text = m_search->text().trimmed();
        m_model->setQuery(q);
    });
    connect(m_lmo, &LmoChooser::lmoChanged, this, &SubscribersPage::applyLmoChoice);
    connect(m_model, &SubscriberTableModel::countsChanged, this, [this] {
        updateSummary();
        emit counted();
    });
    connect(m_model, &SubscriberTableModel::modelReset, this, &SubscribersPage::updateSummary);
    connect(m_model, &SubscriberTableModel::failed, m_summary, &QLabel::setText);
    connect(m_model, &SubscriberTableModel::rowsArrived, this, [this](int first, int last) {
        // The current row came before its data (End, Page Down, a click far down): its org's
        // licenses now.
        const QModelIndex current = m_table->currentIndex();
        if (current.isValid() && current.row() >= first && current.row() <= last && m_shownOrg.isEmpty())
            if (const SubscriberRow *row = m_model->rowAt(current.row()))
                showLicensesOf(row->orgId);
        if (m_orgToSelect.isEmpty())
            return;
        for (int r = first; r <= last; ++r) {
            const SubscriberRow *row = m_model->rowAt(r);
            if (row && row->orgId == m_orgToSelect) {
                m_orgToSelect.clear();
                m_table->selectRow(r);
                m_table->scrollTo(m_model->index(r, 0));
                return;
            }
        }
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
        const SubscriberRow *row = current.isValid() ? m_model->rowAt(current.row()) : nullptr;
        showLicensesOf(row ? row->orgId : QString());
    });
    auto open = [this](const QModelIndex &index) {
        QTableWidgetItem *item = m_licenses->item(index.row(), 0);
        if (item && !m_shownOrg.isEmpty())
            emit licenseRequested(m_shownOrg, item->data(Qt::UserRole).toLongLong());
    };
    connect(m_licenses, &QTableWidget::doubleClicked, this, open);
    connect(m_licenses, &QTableWidget::activated, this, open);
    showLicensesOf(QString());
    updateSummary();
}

SubscribersPage::~SubscribersPage() = default;

void SubscribersPage::loadLmoChoices()
{
    const quint64 asked = ++m_lmoRead; // an answer to an earlier question is dropped
    if (!m_database) {
        const QSignalBlocker block(m_lmo);
        m_lmo->clearChoices();
        m_licenses->setColumnHidden(8, true);
        return;
    }
    m_reader->read<QList<KnownLmo>>([](QSqlDatabase &db) { return LmoRepository(db).all(); },
                                    [this, asked](const Result<QList<KnownLmo>> &known) {
                                        if (asked != m_lmoRead)
                                            return;
                                        {
                                            const QSignalBlocker block(m_lmo); // applied below
                                            m_lmo->setLmos(known ? known.value() : QList<KnownLmo>());
                                        }
                                        m_licenses->setColumnHidden(8, m_lmo->lmoCount() < 2);
                                        if (applyLmoChoice())
                                            updateSummary();
                                    });
}

bool SubscribersPage::applyLmoChoice()
{
    if (m_model->query().lmo == m_lmo->lmo())
        return false;
    SubscriberQuery q = m_model->query();
    q.lmo = m_lmo->lmo();
    m_model->setQuery(q);
    return true;
}

void SubscribersPage::setDatabase(Database *database)
{
    m_database = database;
    // The org sums a team's policy keeps from this login read as empty: not shown. (A role limited
    // to some packages reads none of the org's sums: they add up every package.)
    {
        const team::SessionAccess none;
        const team::SessionAccess &access = database ? database->access() : none;
        const bool bound = access.enforced && !access.seesEverything();
        auto summaryHidden = [&](const char *column) { return bound && access.hiddenSubscriberColumns.contains(QLatin1String(column)); };
        const std::pair<SubscriberColumn, const char *> sums[] = {
            {SubscriberColumn::Account, "account_name"}, {SubscriberColumn::Licenses, "licenses"},
            {SubscriberColumn::Installed, "installed"},  {SubscriberColumn::Seats, "seats"},
            {SubscriberColumn::Used, "used"},            {SubscriberColumn::Packages, "packages"}};
        for (const auto &[column, name] : sums)
            m_table->setColumnHidden(int(column), summaryHidden(name));
        m_licenses->setColumnHidden(4, access.isHidden(QStringLiteral("seats")));
        m_licenses->setColumnHidden(5, access.isHidden(QStringLiteral("used_licenses")));
    }
    m_reader->setDatabase(database, document());
    {
        const QSignalBlocker block(m_lmo); // the LMOs of this database are read below
        m_lmo->clearChoices();
    }
    m_model->setDatabase(database); // before the query changes: the old database is let go first
    applyLmoChoice();
    loadLmoChoices();
    showLicensesOf(QString());
    updateSummary();
}

void SubscribersPage::reload()
{
    const QString keep = m_shownOrg;
    m_model->refresh();
    loadLmoChoices(); // a new LMO (an import's) is offered once read
    if (!keep.isEmpty()) {
        m_orgToSelect = keep;
        showLicensesOf(keep);
    }
}

QString SubscribersPage::summaryText() const
{
    return m_summary->text();
}

std::optional<qint64> SubscribersPage::count() const
{
    return m_model->totalCount();
}

void SubscribersPage::showOrg(const QString &orgId15)
{
    m_orgToSelect = orgId15;
    m_search->setText(orgId15);
    m_searchDelay->stop();
    SubscriberQuery q = m_model->query();
    q.text = orgId15;
    m_model->setQuery(q);
    showLicensesOf(orgId15);
}

void SubscribersPage::updateSummary()
{
    if (!m_database) {
        m_summary->setText(QStringLiteral("No database is open: use File > Open database or File > New database."));
        return;
    }
    const auto matching = m_model->matchingCount();
    const auto total = m_model->totalCount();
    if (!matching || !total) {
        m_summary->setText(QStringLiteral("Counting…"));
        return;
    }
    const QLocale locale;
    QString text = m_model->query().text.isEmpty() && !m_model->query().lmo
                       ? QStringLiteral("%1 subscriber orgs: one row per org id, totals over the licenses still "
                                        "installed (greyed: nothing installed any more).")
                             .arg(locale.toString(*total))
                       : QStringLiteral("%1 of %2 subscriber orgs: one row per org id, totals over the licenses still "
                                        "installed (greyed: nothing installed any more).")
                             .arg(locale.toString(*matching), locale.toString(*total));
    if (m_model->query().lmo)
        text += QStringLiteral(" Orgs with a license from %1; their totals count every LMO's licenses (the list beneath "
                               "says which LMO each came from).")
                    .arg(m_lmo->lmoName());
    if (m_model->summaryPending())
        text += QStringLiteral(" Being summarised again after an import: the list is complete once that is done.");
    m_summary->setText(text);
}

void SubscribersPage::showLicensesOf(const QString &orgId15)
{
    m_shownOrg = orgId15;
    ++m_licensesRead; // what is on its way is for the org shown before
    m_licenses->setRowCount(0);
    if (!m_database || orgId15.isEmpty()) {
        m_licensesTitle->setText(QStringLiteral("Select an org to see its licenses."));
        return;
    }
    // Off the UI thread; until they are here the title says so, and no other org's show.
    m_licensesTitle->setText(QStringLiteral("Loading the licenses of %1…").arg(orgId15));
    const quint64 asked = ++m_licensesRead;
    m_reader->read<std::vector<License>>(
        [orgId15](QSqlDatabase &db) { return readLicensesOfOrg(db, orgId15); },
        [this, asked, orgId15](const Result<std::vector<License>> &licenses) {
            if (asked == m_licensesRead && orgId15 == m_shownOrg)
                showLicenses(orgId15, licenses);
        },
        true);
}

void SubscribersPage::showLicenses(const QString &orgId15, const Result<std::vector<License>> &licenses)
{
    if (!licenses) {
        m_licensesTitle->setText(licenses.error().message);
        return;
    }
    m_licensesTitle->setText(QStringLiteral("Licenses of %1 (%2)").arg(orgId15).arg(licenses->size()));
    m_licenses->setRowCount(int(licenses->size()));
    const QLocale locale;
    int r = 0;
    for (const License &l : licenses.value()) {
        auto *name = new QTableWidgetItem(l.name);
        name->setData(Qt::UserRole, l.rowId);
        m_licenses->setItem(r, 0, name);
        m_licenses->setItem(r, 1, new QTableWidgetItem(l.packageName));
        m_licenses->setItem(r, 2, new QTableWidgetItem(l.versionNumber));
        m_licenses->setItem(r, 3, new QTableWidgetItem(statusName(l.effectiveStatusOn(QDate::currentDate()))));
        m_licenses->setItem(r, 4, new QTableWidgetItem(l.isSiteLicense() ? QStringLiteral("Site License") : locale.toString(l.seats)));
        m_licenses->setItem(r, 5, new QTableWidgetItem(locale.toString(l.usedLicenses)));
        m_licenses->setItem(r, 6, new QTableWidgetItem(l.isPerpetual() ? QStringLiteral("Does not expire")
                                                                       : l.expiration.toString(Qt::ISODate)));
        m_licenses->setItem(r, 7, new QTableWidgetItem(l.installDate.toString(Qt::ISODate)));
        m_licenses->setItem(r, 8, new QTableWidgetItem(QString::number(l.lmoRef)));
        ++r;
    }
    m_licenses->resizeColumnsToContents();
}

} // namespace lmo
