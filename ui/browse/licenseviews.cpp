#include "browse/licenseviews.h"

#include "browse/licensecolumns.h"
#include "browse/licensefilterbar.h"
#include "document/document.h"
#include "document/jobrunner.h"
#include "models/licensetablemodel.h"
#include "util/json.h"
#include "widgets/lmochooser.h"
#include "widgets/bigtableview.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>

namespace lmo {

namespace {

const QString kViewsGroup = QStringLiteral("licenses/views");

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

LicenseViews::LicenseViews(LicenseFilterBar *filters, LicenseTableModel *model, BigTableView *table,
                           LicenseColumns *columns, QWidget *parent)
    : QWidget(parent), m_filters(filters), m_model(model), m_table(table), m_columns(columns),
      m_views(new QComboBox(this)), m_saveView(new QPushButton(QStringLiteral("Save view…"), this)),
      m_deleteView(new QPushButton(QStringLiteral("Delete view"), this)),
      m_revertView(new QPushButton(QStringLiteral("Revert"), this))
{
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    auto *viewLabel = new QLabel(QStringLiteral("View:"), this);
    row->addWidget(viewLabel);
    m_views->setObjectName(QStringLiteral("savedViews"));
    m_views->setMinimumWidth(180);
    m_views->setToolTip(QStringLiteral("Named views keep the filters, the sort and the columns"));
    viewLabel->setBuddy(m_views);
    row->addWidget(m_views);
    m_saveView->setObjectName(QStringLiteral("saveView"));
    m_deleteView->setObjectName(QStringLiteral("deleteView"));
    m_revertView->setObjectName(QStringLiteral("revertView"));
    m_revertView->setToolTip(QStringLiteral("Put the view's own filters and sort back"));
    row->addWidget(m_saveView);
    row->addWidget(m_revertView);
    row->addWidget(m_deleteView);

    connect(m_views, &QComboBox::activated, this, [this](int index) {
        if (index > 0) {
            apply(m_views->itemData(index).toString());
        } else {
            m_current.clear(); // the filters stay as they are, under no name
            updateState();
        }
    });
    connect(m_revertView, &QPushButton::clicked, this, &LicenseViews::revert);
    connect(m_saveView, &QPushButton::clicked, this, &LicenseViews::askToSave);
    connect(m_deleteView, &QPushButton::clicked, this, [this] {
        if (m_current.isEmpty())
            return;
        const QString name = m_current;
        const team::TeamView *shared = teamView(name);
        if (QMessageBox::question(this, QStringLiteral("Delete view"),
                                  QStringLiteral("Delete the view \"%1\"%2?")
                                      .arg(shared ? shared->name : name,
                                           shared ? QStringLiteral(" from the team database") : QString()))
            == QMessageBox::Yes)
            remove(name);
    });
    refreshList();
}

QStringList LicenseViews::names() const
{
    QSettings settings;
    settings.beginGroup(kViewsGroup);
    QStringList names;
    for (const QString &key : settings.childKeys())
        names << settings.value(key).toJsonObject().value(QStringLiteral("name")).toString(key);
    names.sort(Qt::CaseInsensitive);
    return names;
}

QString LicenseViews::stateKey() const
{
    // What a view holds that the user changes with the bar and the header: its filters and sort.
    const QJsonObject state{
        {QStringLiteral("filter"), filterJson(m_filters->filter(), m_model->packages(), m_filters->lmoChooser()->lmoName())},
        {QStringLiteral("sort"), licenseColumnKey(m_model->query().sortColumn)},
        {QStringLiteral("ascending"), m_model->query().order == Qt::AscendingOrder},
    };
    return QString::fromUtf8(QJsonDocument(state).toJson(QJsonDocument::Compact));
}

bool LicenseViews::changed() const
{
    return !m_current.isEmpty() && stateKey() != m_currentState;
}

void LicenseViews::updateState()
{
    const bool moved = changed();
    const int at = m_current.isEmpty() ? 0 : m_views->findData(m_current);
    {
        const QSignalBlocker block(m_views);
        for (int i = 1; i < m_views->count(); ++i) {
            const QVariant shown = m_views->itemData(i, Qt::UserRole + 1);
            const QString name = shown.isValid() ? shown.toString() : m_views->itemData(i).toString();
            m_views->setItemText(i, i == at && moved ? name + QStringLiteral(" *") : name);
        }
        m_views->setCurrentIndex(at > 0 ? at : 0);
    }
    m_views->setToolTip(moved ? QStringLiteral("The filters or the sort have changed since the view \"%1\" was chosen: "
                                               "Save view… keeps them, Revert puts the view's back")
                                    .arg(m_current)
                              : QStringLiteral("Named views keep the filters, the sort and the columns"));
    m_revertView->setEnabled(moved);
    const team::TeamView *shared = teamView(m_current);
    m_deleteView->setEnabled(at > 0 && (!shared || shared->mine));
    m_deleteView->setToolTip(shared && !shared->mine ? QStringLiteral("Only %1, who saved it, may delete it.").arg(shared->owner) : QString());
}

void LicenseViews::revert()
{
    if (!m_current.isEmpty())
        apply(m_current);
}

QString LicenseViews::teamKey(const QString &owner, const QString &name)
{
    return QStringLiteral("\x1f") + owner + QLatin1Char('/') + name;
}

const team::TeamView *LicenseViews::teamView(const QString &key) const
{
    for (const team::TeamView &v : m_teamViews)
        if (teamKey(v.owner, v.name) == key)
            return &v;
    return nullptr;
}

void LicenseViews::setDatabase(Database *database, Document *document)
{
    m_database = database;
    m_document = document;
    m_team = database && database->access().enforced && document;
    m_teamViews.clear();
    refreshList();
    if (m_team)
        loadTeamViews();
}

void LicenseViews::loadTeamViews()
{
    if (!m_team || !m_document)
        return;
    m_document->read<std::vector<team::TeamView>>(
        this, [](QSqlDatabase &db) { return team::views(db); },
        [this](const Result<std::vector<team::TeamView>> &r) {
            if (r)
                m_teamViews = r.value();
            refreshList();
            emit teamViewsRead();
        });
}

QJsonObject LicenseViews::currentView(const QString &name) const
{
    const QJsonObject filter = filterJson(m_filters->filter(), m_model->packages(), m_filters->lmoChooser()->lmoName());
    return QJsonObject{
        {QStringLiteral("name"), name},
        {QStringLiteral("filter"), filter},
        {QStringLiteral("sort"), licenseColumnKey(m_model->query().sortColumn)},
        {QStringLiteral("ascending"), m_model->query().order == Qt::AscendingOrder},
        {QStringLiteral("header"), QString::fromLatin1(m_table->horizontalHeader()->saveState().toBase64())},
    };
}

void LicenseViews::askToSave()
{
    const team::TeamView *shared = teamView(m_current);
    const QString suggested = shared ? shared->name : m_current;
    if (!m_team) {
        bool ok = false;
        const QString name = QInputDialog::getText(this, QStringLiteral("Save view"),
                                                   QStringLiteral("Name of this view (filters, sort and columns):"),
                                                   QLineEdit::Normal, suggested, &ok)
                                 .trimmed();
        if (ok && !name.isEmpty())
            save(name);
        return;
    }
    QDialog dialog(this);
    dialog.setWindowTitle(QStringLiteral("Save view"));
    auto *form = new QFormLayout(&dialog);
    auto *name = new QLineEdit(suggested);
    form->addRow(QStringLiteral("&Name:"), name);
    auto *inTeam = new QCheckBox(QStringLiteral("Keep it in the team database"));
    inTeam->setChecked(shared != nullptr);
    form->addRow(inTeam);
    QList<QCheckBox *> roles;
    for (team::Role r : team::kRoles) {
        auto *box = new QCheckBox(QStringLiteral("Share with %1").arg(team::roleName(r).toLower()));
        box->setChecked(shared && shared->sharedWith.contains(r));
        box->setEnabled(inTeam->isChecked());
        connect(inTeam, &QCheckBox::toggled, box, &QWidget::setEnabled);
        roles << box;
        form->addRow(box);
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted || name->text().trimmed().isEmpty())
        return;
    if (!inTeam->isChecked()) {
        save(name->text().trimmed());
        return;
    }
    QList<team::Role> sharedWith;
    for (int i = 0; i < roles.size(); ++i)
        if (roles[i]->isChecked())
            sharedWith << team::kRoles[i];
    saveToTeam(name->text().trimmed(), sharedWith);
}

void LicenseViews::saveToTeam(const QString &name, const QList<team::Role> &sharedWith)
{
    if (!m_team || !m_database)
        return;
    const QJsonObject view = currentView(name);
    JobOptions options;
    options.title = QStringLiteral("Saving the view %1").arg(name);
    options.cancellable = false;
    const QString key = teamKey(m_database->access().login, name);
    m_document->jobs()->runOnDatabase<bool>(
        this, m_database->connectionSpec(), options,
        [name, view, sharedWith](QSqlDatabase &db, JobContext &) -> Result<bool> {
            if (auto r = team::saveView(db, name, view, sharedWith); !r)
                return r.error();
            return true;
        },
        [this, key](const Result<bool> &r) {
            if (!r) {
                QMessageBox::warning(this, QStringLiteral("Save view"), r.error().message);
                emit saveFailed(r.error().message);
                return;
            }
            m_current = key;
            m_currentState = stateKey();
            loadTeamViews();
        });
}

void LicenseViews::save(const QString &name)
{
    const QJsonObject view = currentView(name);
    QSettings settings;
    settings.beginGroup(kViewsGroup);
    settings.setValue(QString::fromLatin1(name.toUtf8().toHex()), view);
    settings.endGroup();
    m_current = name;
    m_currentState = stateKey();
    refreshList();
}

bool LicenseViews::apply(const QString &name)
{
    if (const team::TeamView *shared = teamView(name))
        return applyView(shared->definition, name, shared->name);
    QSettings settings;
    settings.beginGroup(kViewsGroup);
    const QJsonObject view = settings.value(QString::fromLatin1(name.toUtf8().toHex())).toJsonObject();
    settings.endGroup();
    return applyView(view, name, name);
}

bool LicenseViews::applyView(const QJsonObject &view, const QString &key, const QString &name)
{
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
    for (const QString &package : stringsFromJson(j.value(QStringLiteral("packages"))))
        for (const PackageName &p : m_model->packages())
            if (p.name == package)
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
    f.asOf = m_filters->filter().asOf;
    QString missingLmo;
    if (j.contains(QStringLiteral("lmo"))) {
        const QString lmoName = j.value(QStringLiteral("lmo_name")).toString();
        f.lmo = m_filters->lmoChooser()->find(j.value(QStringLiteral("lmo")).toInteger(), lmoName);
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
    m_current = key;
    m_filters->setFilter(f);
    m_columns->save();
    m_currentState = stateKey();
    updateState();
    if (!missingLmo.isEmpty())
        QMessageBox::information(this, QStringLiteral("View %1").arg(name),
                                 QStringLiteral("The view \"%1\" shows the licenses of %2, which this database does not "
                                                "have: it shows every LMO's instead.")
                                     .arg(name, missingLmo));
    return true;
}

void LicenseViews::remove(const QString &name)
{
    if (const team::TeamView *shared = teamView(name)) {
        if (!shared->mine || !m_database)
            return;
        const QString viewName = shared->name;
        JobOptions options;
        options.title = QStringLiteral("Deleting the view %1").arg(viewName);
        options.cancellable = false;
        m_document->jobs()->runOnDatabase<bool>(
            this, m_database->connectionSpec(), options,
            [viewName](QSqlDatabase &db, JobContext &) { return team::removeView(db, viewName); },
            [this, name](const Result<bool> &r) {
                if (!r)
                    QMessageBox::warning(this, QStringLiteral("Delete view"), r.error().message);
                if (name == m_current)
                    m_current.clear();
                loadTeamViews();
            });
        return;
    }
    QSettings settings;
    settings.beginGroup(kViewsGroup);
    settings.remove(QString::fromLatin1(name.toUtf8().toHex()));
    settings.endGroup();
    if (name == m_current)
        m_current.clear();
    refreshList();
}

void LicenseViews::refreshList()
{
    {
        const QSignalBlocker block(m_views);
        m_views->clear();
        m_views->addItem(QStringLiteral("(current filters)"));
        for (const QString &name : names())
            m_views->addItem(name, name);
        for (const team::TeamView &v : m_teamViews) {
            QStringList with;
            for (team::Role r : v.sharedWith)
                with << team::roleName(r).toLower();
            const QString shown = v.mine ? (with.isEmpty() ? QStringLiteral("%1 (team)").arg(v.name)
                                                           : QStringLiteral("%1 (team, shared with %2)").arg(v.name, with.join(QStringLiteral(", "))))
                                         : QStringLiteral("%1 (%2's)").arg(v.name, v.owner);
            m_views->addItem(shown, teamKey(v.owner, v.name));
            m_views->setItemData(m_views->count() - 1, shown, Qt::UserRole + 1);
        }
    }
    if (m_views->findData(m_current) <= 0)
        m_current.clear();
    updateState();
}

} // namespace lmo
