#include "browse/licensefilterbar.h"

#include "widgets/lmochooser.h"
#include "widgets/multiselectbutton.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

namespace lmo {

LicenseFilterBar::LicenseFilterBar(QWidget *parent)
    : QWidget(parent), m_search(new QLineEdit(this)), m_status(new MultiSelectButton(QStringLiteral("Status"), this)),
      m_effective(new MultiSelectButton(QStringLiteral("Effective status"), this)),
      m_package(new MultiSelectButton(QStringLiteral("Package"), this)),
      m_version(new MultiSelectButton(QStringLiteral("Version"), this)),
      m_edition(new MultiSelectButton(QStringLiteral("Edition"), this)),
      m_instance(new MultiSelectButton(QStringLiteral("Instance"), this)), m_sandbox(new QComboBox(this)),
      m_site(new QComboBox(this)), m_lmo(new LmoChooser(LmoChooser::Mode::Filter, this)),
      m_installed(new QCheckBox(QStringLiteral("Installed from"), this)), m_installedFrom(new QDateEdit(this)),
      m_installedTo(new QDateEdit(this)), m_expiring(new QCheckBox(QStringLiteral("Expiring within"), this)),
      m_expiringDays(new QSpinBox(this)), m_clear(new QPushButton(QStringLiteral("Clear filters"), this)),
      m_searchDelay(new QTimer(this))
{
    setObjectName(QStringLiteral("licenseFilterBar"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
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
                changed();
            });
        else
            connect(b, &MultiSelectButton::changed, this, &LicenseFilterBar::changed);
    }
    row1->addStretch(1);
    layout->addLayout(row1);

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
    layout->addLayout(row2);
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
    layout->addLayout(row3);

    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(200);
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_searchDelay, &QTimer::timeout, this, &LicenseFilterBar::changed);
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        m_searchDelay->stop();
        changed();
        emit searchSubmitted();
    });
    connect(m_sandbox, &QComboBox::currentIndexChanged, this, &LicenseFilterBar::changed);
    connect(m_site, &QComboBox::currentIndexChanged, this, &LicenseFilterBar::changed);
    connect(m_lmo, &LmoChooser::lmoChanged, this, &LicenseFilterBar::changed);
    connect(m_installed, &QCheckBox::toggled, this, [this](bool on) {
        m_installedFrom->setEnabled(on);
        m_installedTo->setEnabled(on);
        changed();
    });
    connect(m_installedFrom, &QDateEdit::dateChanged, this, &LicenseFilterBar::changed);
    connect(m_installedTo, &QDateEdit::dateChanged, this, &LicenseFilterBar::changed);
    connect(m_expiring, &QCheckBox::toggled, this, [this](bool on) {
        m_expiringDays->setEnabled(on);
        changed();
    });
    connect(m_expiringDays, &QSpinBox::valueChanged, this, &LicenseFilterBar::changed);
    connect(m_clear, &QPushButton::clicked, this, [this] { setFilter(LicenseFilter()); });
    updateClearButton();
}

void LicenseFilterBar::changed()
{
    if (m_applying)
        return;
    updateClearButton();
    emit filterChanged();
}

void LicenseFilterBar::updateClearButton()
{
    m_clear->setEnabled(!filter().isEmpty());
}

void LicenseFilterBar::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void LicenseFilterBar::clearOffer(bool loading)
{
    const bool was = m_applying;
    m_applying = true;
    for (MultiSelectButton *b : {m_package, m_version, m_edition, m_instance}) {
        if (!loading)
            b->setChoices({});
        // What the database offers is on its way: the choices shown may be another's.
        b->setEnabled(!loading);
    }
    if (!loading)
        m_lmo->clearChoices();
    m_applying = was;
}

void LicenseFilterBar::setOffer(const LicenseFilterChoices &choices, const QList<KnownLmo> &lmos)
{
    const LicenseFilter before = filter();
    m_choices = choices;
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
    for (MultiSelectButton *b : {m_package, m_version, m_edition, m_instance})
        b->setEnabled(true);
    m_lmo->setLmos(lmos);
    m_applying = was;
    if (!(filter() == before))
        changed();
}

LicenseFilter LicenseFilterBar::filter() const
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

void LicenseFilterBar::setFilter(const LicenseFilter &f)
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
    changed();
}

void LicenseFilterBar::refreshVersionChoices()
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

void LicenseFilterBar::setSeatsReadable(bool readable)
{
    if (!readable && m_site->currentIndex() != 0)
        m_site->setCurrentIndex(0); // filterChanged() follows
    m_site->setVisible(readable);
}

} // namespace lmo
