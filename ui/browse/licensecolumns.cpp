#include "browse/licensecolumns.h"

#include "models/licensetablemodel.h"
#include "widgets/bigtableview.h"

#include <QHeaderView>
#include <QMenu>
#include <QSettings>

namespace lmo {

namespace {

// "columns", not the "header" of earlier versions: a header saved before the columns' order
// and widths changed would keep the numbers off screen.
const QString kHeaderKey = QStringLiteral("licenses/columns");

} // namespace

LicenseColumns::LicenseColumns(BigTableView *table, LicenseTableModel *model, QObject *parent)
    : QObject(parent), m_table(table), m_model(model)
{
    QHeaderView *header = m_table->horizontalHeader();
    // The indicator first: turning sorting on sorts by whatever it shows.
    header->setSortIndicator(int(m_model->query().sortColumn), m_model->query().order);
    header->setSortIndicatorShown(true);
    m_table->setSortingEnabled(true);
    header->setSectionsMovable(true);
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    header->setToolTip(QStringLiteral("Click to sort; drag to reorder; right-click to show or hide columns"));
    reset();
    connect(header, &QHeaderView::customContextMenuRequested, this, &LicenseColumns::showMenu);
    connect(header, &QHeaderView::sectionMoved, this, &LicenseColumns::save);
    connect(header, &QHeaderView::sectionResized, this, [this] { save(); });
    connect(header, &QHeaderView::sortIndicatorChanged, this, [this] {
        save();
        emit sortChanged();
    });
}

void LicenseColumns::showMenu(const QPoint &pos)
{
    QHeaderView *header = m_table->horizontalHeader();
    QMenu menu(m_table);
    int visible = 0;
    for (int c = 0; c < kLicenseColumnCount; ++c)
        visible += header->isSectionHidden(c) ? 0 : 1;
    for (int v = 0; v < header->count(); ++v) {
        const int c = header->logicalIndex(v);
        if (isUnreadable(c))
            continue;
        QAction *a = menu.addAction(licenseColumnTitle(LicenseColumn(c)));
        a->setCheckable(true);
        a->setChecked(!header->isSectionHidden(c));
        a->setEnabled(header->isSectionHidden(c) || visible > 1); // one column always stays
        connect(a, &QAction::toggled, this, [this, header, c](bool on) {
            header->setSectionHidden(c, !on);
            save();
        });
    }
    menu.addSeparator();
    menu.addAction(QStringLiteral("Show all columns in their first order and widths"), this, [this] {
        reset();
        save();
    });
    menu.exec(header->mapToGlobal(pos));
}

QList<LicenseColumn> LicenseColumns::defaultOrder()
{
    // What people sort and read first, then where and what it is installed.
    return {LicenseColumn::Name,        LicenseColumn::Account,  LicenseColumn::Status,  LicenseColumn::Seats,
            LicenseColumn::Used,        LicenseColumn::Expiration, LicenseColumn::EffectiveStatus,
            LicenseColumn::Package,     LicenseColumn::Version,  LicenseColumn::InstallDate, LicenseColumn::OrgId,
            LicenseColumn::Edition,     LicenseColumn::Instance, LicenseColumn::OrgStatus, LicenseColumn::Sandbox};
}

void LicenseColumns::reset()
{
    QHeaderView *header = m_table->horizontalHeader();
    const QList<LicenseColumn> order = defaultOrder();
    for (int v = 0; v < order.size(); ++v) {
        header->setSectionHidden(int(order[v]), isUnreadable(int(order[v])));
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
        case LicenseColumn::Account: sample = QStringLiteral("Northwind Traders Inc."); break;
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

QStringList LicenseColumns::tableColumnsOf(LicenseColumn column)
{
    switch (column) {
    case LicenseColumn::Name: return {QStringLiteral("name")};
    case LicenseColumn::Account: return {QStringLiteral("account_name")};
    case LicenseColumn::Package: return {QStringLiteral("package_ref")};
    case LicenseColumn::Version: return {QStringLiteral("version_number")};
    case LicenseColumn::Status: return {QStringLiteral("status")};
    case LicenseColumn::EffectiveStatus: return {QStringLiteral("status"), QStringLiteral("expiration")};
    case LicenseColumn::Seats: return {QStringLiteral("seats")};
    case LicenseColumn::Used: return {QStringLiteral("used_licenses")};
    case LicenseColumn::Expiration: return {QStringLiteral("expiration")};
    case LicenseColumn::InstallDate: return {QStringLiteral("install_date")};
    case LicenseColumn::OrgId: return {QStringLiteral("org_id")};
    case LicenseColumn::Edition: return {QStringLiteral("org_edition")};
    case LicenseColumn::Instance: return {QStringLiteral("org_instance")};
    case LicenseColumn::OrgStatus: return {QStringLiteral("org_status")};
    case LicenseColumn::Sandbox: return {QStringLiteral("is_sandbox")};
    }
    return {};
}

bool LicenseColumns::isUnreadable(int column) const
{
    for (const QString &c : tableColumnsOf(LicenseColumn(column)))
        if (m_unreadable.contains(c))
            return true;
    return false;
}

void LicenseColumns::setUnreadable(const QStringList &tableColumns)
{
    const QStringList before = m_unreadable;
    m_unreadable = tableColumns;
    QHeaderView *header = m_table->horizontalHeader();
    for (int c = 0; c < kLicenseColumnCount; ++c) {
        bool was = false;
        for (const QString &t : tableColumnsOf(LicenseColumn(c)))
            was = was || before.contains(t);
        if (isUnreadable(c))
            header->setSectionHidden(c, true);
        else if (was)
            header->setSectionHidden(c, false); // readable again (another login)
    }
}

void LicenseColumns::save() const
{
    QSettings().setValue(kHeaderKey, m_table->horizontalHeader()->saveState());
}

void LicenseColumns::restore()
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

} // namespace lmo
