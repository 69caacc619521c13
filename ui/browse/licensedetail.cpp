#include "browse/licensedetail.h"

#include "browse/licensereads.h"
#include "browse/pagereader.h"
#include "domain/licensefields.h"

#include "storage/database.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QTableWidget>
#include <QVBoxLayout>

namespace lmo {

namespace {

QString dateText(const QDate &d, const QString &none = QStringLiteral("—"))
{
    return d.isValid() ? d.toString(Qt::ISODate) : none;
}

QString idText(const SalesforceId &id)
{
    return id.isNull() ? QStringLiteral("—") : id.to18();
}

QString orDash(const QString &s);

// A field shown as its type shows.
QString shownValue(const LicenseField &field, const License &l)
{
    const QVariant v = field.get(l);
    switch (field.type) {
    case FieldType::Id: return idText(SalesforceId::fromString(v.toString()));
    case FieldType::Date: return dateText(dateFromSql(v));
    case FieldType::Expiration: return v.isNull() ? QStringLiteral("Does not expire") : dateText(dateFromSql(v));
    case FieldType::DateTime: {
        const QDateTime dt = dateTimeFromSql(v);
        return dt.isValid() ? QLocale().toString(dt.toLocalTime(), QLocale::ShortFormat) : QStringLiteral("—");
    }
    case FieldType::Boolean: return v.toLongLong() != 0 ? QStringLiteral("Yes") : QStringLiteral("No");
    case FieldType::Integer:
    case FieldType::Seats:
    case FieldType::Reference: return QLocale().toString(v.toLongLong());
    case FieldType::Text:
    case FieldType::OrgId:
    case FieldType::Status: return orDash(v.toString());
    }
    return orDash(v.toString());
}

QString orDash(const QString &s)
{
    return s.isEmpty() ? QStringLiteral("—") : s;
}

} // namespace

LicenseDetailPanel::LicenseDetailPanel(QWidget *parent)
    : QWidget(parent), m_title(new QLabel(this)), m_fields(new QWidget), m_form(new QFormLayout(m_fields)),
      m_history(new QTableWidget(0, 3, this)), m_subscriber(new QPushButton(QStringLiteral("Show subscriber"), this)),
      m_modify(new QPushButton(QStringLiteral("Modify…"), this))
{
    m_reader = std::make_unique<PageReader>(this);
    setObjectName(QStringLiteral("licenseDetail"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 0, 0, 0);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_title->setFont(titleFont);
    m_title->setWordWrap(true);
    layout->addWidget(m_title);
    auto *buttons = new QHBoxLayout;
    m_subscriber->setObjectName(QStringLiteral("showSubscriber"));
    m_subscriber->setToolTip(QStringLiteral("Every license of this subscriber org (Subscribers page)"));
    m_modify->setObjectName(QStringLiteral("modifyLicense"));
    buttons->addWidget(m_modify);
    buttons->addWidget(m_subscriber);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    m_form->setLabelAlignment(Qt::AlignRight);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setRowWrapPolicy(QFormLayout::WrapLongRows); // a narrow panel puts a long value under its label
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(m_fields);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    layout->addWidget(scroll, 3);
    auto *historyLabel = new QLabel(QStringLiteral("History"), this);
    historyLabel->setFont(titleFont);
    m_historyLabel = historyLabel;
    layout->addWidget(historyLabel);
    m_history->setObjectName(QStringLiteral("licenseHistory"));
    // One column for the change ("Seats: 425 → 695"): the panel is narrow, and four columns of
    // field, was, became and who left the values off its edge.
    m_history->setHorizontalHeaderLabels({QStringLiteral("When"), QStringLiteral("Change"), QStringLiteral("By, through")});
    m_history->verticalHeader()->setVisible(false);
    m_history->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_history->horizontalHeader()->setStretchLastSection(true);
    m_history->horizontalHeader()->setDefaultSectionSize(90); // the empty table's headings fit a narrow panel
    m_history->setWordWrap(false);
    layout->addWidget(m_history, 2);
    connect(m_subscriber, &QPushButton::clicked, this, [this] {
        if (!m_orgId.isEmpty())
            emit subscriberRequested(m_orgId);
    });
    connect(m_modify, &QPushButton::clicked, this, &LicenseDetailPanel::modifyRequested);
    showLicense(0);
}

LicenseDetailPanel::~LicenseDetailPanel() = default;

void LicenseDetailPanel::setDatabase(Database *database, Document *document)
{
    m_reader->setDatabase(database, document);
    m_database = database;
    showLicense(0);
}

QString LicenseDetailPanel::fieldText(const QString &label) const
{
    for (int r = 0; r < m_form->rowCount(); ++r) {
        auto *l = qobject_cast<QLabel *>(m_form->itemAt(r, QFormLayout::LabelRole) ? m_form->itemAt(r, QFormLayout::LabelRole)->widget() : nullptr);
        auto *v = qobject_cast<QLabel *>(m_form->itemAt(r, QFormLayout::FieldRole) ? m_form->itemAt(r, QFormLayout::FieldRole)->widget() : nullptr);
        if (l && v && l->text() == label)
            return v->text();
    }
    return QString();
}

void LicenseDetailPanel::showHistory(const Result<std::vector<AuditEntry>> &history)
{
    if (!history) {
        m_history->setRowCount(1);
        m_history->setItem(0, 0, new QTableWidgetItem(history.error().message));
        return;
    }
    m_history->setRowCount(int(history->size()));
    int r = 0;
    // Newest first.
    for (auto it = history->rbegin(); it != history->rend(); ++it) {
        const AuditEntry &e = *it;
        // The day in view, the moment in its tooltip: the panel is narrow.
        auto *when = new QTableWidgetItem(e.changedAt.toLocalTime().date().toString(Qt::ISODate));
        when->setToolTip(QLocale().toString(e.changedAt.toLocalTime(), QLocale::LongFormat));
        m_history->setItem(r, 0, when);
        auto shown = [&](const QString &v) {
            return !v.isEmpty() ? v : e.field == QLatin1String("Expiration") ? QStringLiteral("does not expire") : QStringLiteral("—");
        };
        auto *change = new QTableWidgetItem(QStringLiteral("%1: %2 → %3").arg(e.field, shown(e.oldValue), shown(e.newValue)));
        change->setToolTip(change->text());
        m_history->setItem(r, 1, change);
        auto *source = new QTableWidgetItem(QStringLiteral("%1, %2").arg(e.changedBy, e.source));
        source->setToolTip(e.source);
        m_history->setItem(r, 2, source);
        ++r;
    }
    // A few dozen rows at most: fitted to what they say (the change column first in view).
    m_history->resizeColumnsToContents();
    m_history->resizeColumnsToContents();
}

int LicenseDetailPanel::historyRows() const
{
    return m_history->rowCount();
}

QString LicenseDetailPanel::historyText(int row) const
{
    QStringList cells;
    for (int c = 0; c < m_history->columnCount(); ++c)
        cells << (m_history->item(row, c) ? m_history->item(row, c)->text() : QString());
    return cells.join(QStringLiteral(" | "));
}

QString LicenseDetailPanel::titleText() const
{
    return m_title->text();
}

void LicenseDetailPanel::clear()
{
    m_reader->drop(); // what is on its way is for what was shown
    m_loading = false;
    m_orgId.clear();
    m_selection = false;
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_history->setRowCount(0);
    m_history->setVisible(true);
    m_historyLabel->setVisible(true);
    m_subscriber->setVisible(true);
    m_subscriber->setEnabled(false);
    m_modify->setEnabled(false);
    m_modify->setText(QStringLiteral("Modify…"));
}

void LicenseDetailPanel::addField(const QString &label, const QString &value)
{
    auto *v = new QLabel(value);
    v->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    v->setWordWrap(true);
    m_form->addRow(label, v);
}

void LicenseDetailPanel::showSelection(qint64 selected, const std::optional<LicenseListReader::Summary> &summary)
{
    m_rowId = 0;
    clear();
    m_selection = true;
    m_history->setVisible(false);
    m_historyLabel->setVisible(false);
    m_subscriber->setVisible(false);
    const QLocale locale;
    m_title->setText(QStringLiteral("%1 licenses selected").arg(locale.toString(selected)));
    m_modify->setText(QStringLiteral("Modify %1 licenses…").arg(locale.toString(selected)));
    updateModifyButton();
    if (!summary) {
        addField(QStringLiteral("Licenses"), locale.toString(selected));
        addField(QString(), QStringLiteral("Too many to add up here: filter the list, or see the Dashboard."));
        return;
    }
    addField(QStringLiteral("Licenses"), locale.toString(summary->licenses));
    addField(QStringLiteral("Seats"), summary->siteLicenses == 0
                                          ? locale.toString(summary->seats)
                                          : QStringLiteral("%1, and %2 site licenses")
                                                .arg(locale.toString(summary->seats), locale.toString(summary->siteLicenses)));
    addField(QStringLiteral("Used"), locale.toString(summary->used));
    for (const auto &[status, count] : summary->byStatus)
        addField(statusName(status), locale.toString(count));
}

void LicenseDetailPanel::showLicense(qint64 rowId)
{
    m_rowId = rowId;
    clear();
    if (!m_database || rowId <= 0) {
        m_title->setText(QStringLiteral("Select a license to see every field and its history."));
        return;
    }
    // Off the UI thread: a team database is across the network. Until it is here the panel
    // says so, with nothing of the license shown before.
    m_title->setText(QStringLiteral("Loading…"));
    m_loading = true;
    m_reader->read<LicenseDetail>([rowId](QSqlDatabase &db) { return readLicenseDetail(db, rowId); },
                                  [this, rowId](const Result<LicenseDetail> &detail) {
                                      if (rowId != m_rowId)
                                          return;
                                      m_loading = false;
                                      if (!detail) {
                                          m_title->setText(detail.error().message);
                                          m_rowId = 0;
                                          return;
                                      }
                                      showDetail(detail.value());
                                  },
                                  true);
}

void LicenseDetailPanel::showDetail(const LicenseDetail &detail)
{
    if (!detail.license) {
        m_title->setText(QStringLiteral("This license is no longer in the database."));
        m_rowId = 0;
        return;
    }
    const License &l = *detail.license;
    const QDate today = QDate::currentDate();
    const EffectiveStatus effective = l.effectiveStatusOn(today);
    m_title->setText(QStringLiteral("%1 — %2").arg(l.name.isEmpty() ? QStringLiteral("(no name)") : l.name,
                                                     l.accountName.isEmpty() ? l.subscriberOrgId.to15() : l.accountName));
    // Every field the list of license fields gives a label (domain/licensefields.h), in its
    // order; a few read better with another field beside them.
    for (const LicenseField &field : kLicenseFields) {
        if (!field.displayLabel)
            continue;
        const QString label = QString::fromLatin1(field.displayLabel);
        const std::string_view column(field.column);
        // A field the team's policy keeps from this login is not shown (its value reads as empty).
        if (m_database && m_database->access().isHidden(QString::fromLatin1(field.column)))
            continue;
        if (column == "account_id") {
            addField(label, l.accountId.isNull() ? orDash(l.accountName)
                                                 : QStringLiteral("%1 (%2)").arg(orDash(l.accountName), l.accountId.to18()));
        } else if (column == "package_ref") {
            addField(label, orDash(l.packageName));
        } else if (column == "status") {
            addField(label, statusName(l.status));
            addField(QStringLiteral("Effective status"),
                     QStringLiteral("%1 (today, %2)").arg(statusName(effective), QLocale().toString(today, QLocale::ShortFormat)));
        } else if (column == "seats") {
            addField(label, l.isSiteLicense() ? QStringLiteral("Site License") : QLocale().toString(l.seats));
        } else if (column == "org_id") {
            addField(label, l.subscriberOrgId.isNull() ? QStringLiteral("—")
                                                       : QStringLiteral("%1 (%2)").arg(l.subscriberOrgId.to15(), l.subscriberOrgId.to18()));
        } else if (column == "lmo_ref") {
            addField(label, detail.lmoText); // the LMO, named as the LMO setup page names it
        } else {
            addField(label, shownValue(field, l));
        }
    }
    m_orgId = l.subscriberOrgId.to15();
    m_subscriber->setEnabled(!m_orgId.isEmpty());
    updateModifyButton();
    showHistory(detail.history);
}

void LicenseDetailPanel::updateModifyButton()
{
    // Read-only, or a login the team's policy lets change nothing: disabled, saying why.
    QString why;
    if (!m_database)
        why = QStringLiteral("No database is open.");
    else if (m_database->isReadOnly())
        why = QStringLiteral("Read-only: %1").arg(m_database->readOnlyReason());
    else if (!m_database->access().mayModifyLicenses())
        why = m_database->access().whyNotModify();
    m_modify->setEnabled(why.isEmpty());
    m_modify->setToolTip(why);
}

} // namespace lmo
