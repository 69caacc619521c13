#include "billing/billingpage.h"

#include "billing/billing.h"
#include "billing/billingimport.h"
#include "billing/billingoverview.h"
#include "document/document.h"
#include "document/jobrunner.h"
#include "storage/auditlog.h"
#include "storage/database.h"
#include "util/format.h"
#include "widgets/pagestyle.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDateTime>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace lmo {

using namespace billing;


namespace {


QTableWidget *makeTable(const QStringList &headers, const char *name)
{
    return makeListTable(headers, QString::fromLatin1(name), CellText::Elide); // each value whole in its tooltip
}

void setRow(QTableWidget *t, int row, const QStringList &values)
{
    for (int c = 0; c < values.size(); ++c) {
        auto *item = new QTableWidgetItem(values[c]);
        item->setToolTip(values[c]);
        t->setItem(row, c, item);
    }
}

bool isPermissionDenied(const QString &message)
{
    return message.contains(QStringLiteral("permission denied"), Qt::CaseInsensitive);
}

} // namespace

// ---- FindingsModel

void FindingsModel::setFindings(std::vector<Finding> findings)
{
    m_all = std::move(findings);
    refilter(); // one reset of the model
}

void FindingsModel::setFilter(const QString &rule, const QString &text)
{
    m_rule = rule;
    m_text = text.trimmed();
    refilter();
}

void FindingsModel::refilter()
{
    beginResetModel();
    m_shown.clear();
    for (int i = 0; i < int(m_all.size()); ++i) {
        const Finding &f = m_all[size_t(i)];
        if (m_rule == QLatin1String("at_risk") ? (f.rule != QLatin1String("billed_not_licensed") && f.rule != QLatin1String("dunning"))
                                                : (!m_rule.isEmpty() && f.rule != m_rule))
            continue;
        if (!m_text.isEmpty()) {
            bool hit = false;
            for (const QString *v : {&f.orgId, &f.license, &f.package, &f.subscription, &f.detail, &f.source})
                hit = hit || v->contains(m_text, Qt::CaseInsensitive);
            if (!hit)
                continue;
        }
        m_shown.push_back(i);
    }
    sortShown();
    endResetModel();
}

void FindingsModel::sort(int column, Qt::SortOrder order)
{
    beginResetModel();
    m_sortColumn = column;
    m_sortOrder = order;
    sortShown();
    endResetModel();
}

void FindingsModel::sortShown()
{
    if (m_sortColumn < 0)
        return;
    auto key = [this](int i) -> QVariant {
        const Finding &f = m_all[size_t(i)];
        switch (Column(m_sortColumn)) {
        case Rule: return int(std::find_if(std::begin(kRules), std::end(kRules), [&](const char *r) { return f.rule == QLatin1String(r); }) - std::begin(kRules));
        case Org: return f.orgId;
        case License: return f.license;
        case Package: return f.package;
        case Subscription: return f.source + u' ' + f.subscription;
        case Detail: return f.detail;
        case Monthly: return f.monthly ? QVariant(*f.monthly) : QVariant(qint64(-1));
        case kColumnCount: break;
        }
        return {};
    };
    std::stable_sort(m_shown.begin(), m_shown.end(), [&](int a, int b) {
        const QVariant x = key(a), y = key(b);
        const auto c = QVariant::compare(x, y);
        return m_sortOrder == Qt::AscendingOrder ? c == QPartialOrdering::Less : c == QPartialOrdering::Greater;
    });
}

const Finding *FindingsModel::finding(int row) const
{
    return row >= 0 && row < int(m_shown.size()) ? &m_all[size_t(m_shown[size_t(row)])] : nullptr;
}

int FindingsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_shown.size());
}

int FindingsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : kColumnCount;
}

QVariant FindingsModel::data(const QModelIndex &index, int role) const
{
    const Finding *f = finding(index.row());
    if (!f)
        return {};
    if (role == Qt::TextAlignmentRole && index.column() == Monthly)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole)
        return QStringLiteral("%1. %2").arg(f->detail, f->action);
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case Rule: return ruleTitle(f->rule);
    case Org: return f->orgId.isEmpty() ? QStringLiteral("(none)") : f->orgId;
    case License: return f->license;
    case Package: return f->package;
    case Subscription: return f->subscription.isEmpty() ? QString() : QStringLiteral("%1 %2").arg(f->source, f->subscription);
    case Detail: return f->detail;
    case Monthly: return f->monthly ? QStringLiteral("%1 %2").arg(f->currency, moneyText(*f->monthly)) : QString();
    case kColumnCount: break;
    }
    return {};
}

QVariant FindingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const titles[] = {"Finding", "Org", "License", "Package", "Subscription", "Both values", "A month"};
    return section >= 0 && section < kColumnCount ? QString::fromLatin1(titles[section]) : QVariant();
}

// ---- BillingPage

BillingPage::BillingPage(QWidget *parent)
    : DatabasePage(parent), m_summary(new QLabel), m_money(new QLabel), m_asOf(new QDateEdit(QDate::currentDate())),
      m_tolerance(new QSpinBox), m_import(new QPushButton(QStringLiteral("&Import billing…"))),
      m_cancel(new QPushButton(QStringLiteral("Cancel"))), m_tabs(new QTabWidget), m_rule(new QComboBox), m_search(new QLineEdit),
      m_findings(new QTableView), m_model(new FindingsModel(this)), m_findingDetail(new QLabel),
      m_act(new QPushButton(QStringLiteral("&Modify License…"))), m_showLicense(new QPushButton(QStringLiteral("Show the &license"))),
      m_proposalTable(makeTable({QStringLiteral("Subscription"), QStringLiteral("Customer"), QStringLiteral("Proposed org"),
                                 QStringLiteral("Account"), QStringLiteral("Why"), QStringLiteral("Email"), QStringLiteral("Plan")},
                                "proposalsTable")),
      m_confirm(new QPushButton(QStringLiteral("&Confirm link"))), m_linkOther(new QPushButton(QStringLiteral("Link to &another org…"))),
      m_linkTable(makeTable({QStringLiteral("Subscription"), QStringLiteral("Org"), QStringLiteral("How"), QStringLiteral("By"),
                             QStringLiteral("When")},
                            "linksTable")),
      m_unlink(new QPushButton(QStringLiteral("&Remove link"))),
      m_planTable(makeTable({QStringLiteral("Source"), QStringLiteral("Plan"), QStringLiteral("Pays for")}, "plansTable")),
      m_setPlan(new QPushButton(QStringLiteral("&Set a plan's package…"))), m_removePlan(new QPushButton(QStringLiteral("&Forget")))
{
    setObjectName(QStringLiteral("billingPage"));
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(QStringLiteral("<h2>Billing</h2>")));
    top->addStretch(1);
    top->addWidget(new QLabel(QStringLiteral("As of")));
    m_asOf->setObjectName(QStringLiteral("billingAsOf"));
    m_asOf->setCalendarPopup(true);
    m_asOf->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    top->addWidget(m_asOf);
    top->addSpacing(12);
    top->addWidget(new QLabel(QStringLiteral("Dates agree within")));
    m_tolerance->setObjectName(QStringLiteral("billingTolerance"));
    m_tolerance->setRange(0, 366);
    m_tolerance->setValue(3);
    m_tolerance->setSuffix(QStringLiteral(" days"));
    top->addWidget(m_tolerance);
    top->addSpacing(12);
    m_import->setObjectName(QStringLiteral("billingImport"));
    m_import->setToolTip(QStringLiteral("Import a Stripe or Chargebee export of subscriptions, or any table of them"));
    top->addWidget(m_import);
    layout->addLayout(top);

    auto *status = new QHBoxLayout;
    m_summary->setObjectName(QStringLiteral("billingSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    status->addWidget(m_summary, 1);
    m_cancel->setObjectName(QStringLiteral("billingCancel"));
    m_cancel->setVisible(false);
    status->addWidget(m_cancel);
    layout->addLayout(status);
    m_money->setObjectName(QStringLiteral("billingMoney"));
    m_money->setWordWrap(true);
    m_money->setTextFormat(Qt::RichText);
    layout->addWidget(m_money);

    m_tabs->setObjectName(QStringLiteral("billingTabs"));
    auto *findingsTab = new QWidget;
    auto *linksTab = new QWidget;
    auto *plansTab = new QWidget;
    buildFindingsTab(findingsTab);
    buildLinksTab(linksTab);
    buildPlansTab(plansTab);
    m_tabs->addTab(findingsTab, QStringLiteral("Findings"));
    m_tabs->addTab(linksTab, QStringLiteral("Links to orgs"));
    m_tabs->addTab(plansTab, QStringLiteral("Plans and packages"));
    layout->addWidget(m_tabs, 1);

    connect(m_asOf, &QDateEdit::dateChanged, this, &BillingPage::reload);
    connect(m_tolerance, &QSpinBox::valueChanged, this, &BillingPage::reload);
    connect(m_import, &QPushButton::clicked, this, &BillingPage::importRequested);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_reading && document())
            document()->jobs()->cancel(m_reading);
    });
    updateActions();
}

void BillingPage::buildFindingsTab(QWidget *tab)
{
    auto *layout = new QVBoxLayout(tab);
    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(QStringLiteral("Show")));
    m_rule->setObjectName(QStringLiteral("billingRule"));
    m_rule->addItem(QStringLiteral("Every finding"), QString());
    m_rule->addItem(QStringLiteral("Revenue at risk (billed not licensed, dunning)"), QStringLiteral("at_risk"));
    for (const char *rule : kRules)
        m_rule->addItem(ruleTitle(QLatin1String(rule)), QLatin1String(rule));
    filters->addWidget(m_rule);
    m_search->setObjectName(QStringLiteral("billingSearch"));
    m_search->setPlaceholderText(QStringLiteral("Org, license, package or subscription"));
    m_search->setClearButtonEnabled(true);
    filters->addWidget(m_search, 1);
    layout->addLayout(filters);

    m_findings->setObjectName(QStringLiteral("findingsView"));
    m_findings->setModel(m_model);
    m_findings->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_findings->setSelectionMode(QAbstractItemView::SingleSelection);
    m_findings->setAlternatingRowColors(true);
    m_findings->verticalHeader()->setVisible(false);
    m_findings->verticalHeader()->setDefaultSectionSize(m_findings->fontMetrics().height() + 8);
    m_findings->horizontalHeader()->setStretchLastSection(false);
    m_findings->setWordWrap(false);
    m_findings->setSortingEnabled(true);
    m_findings->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder); // the rules' order until a column is clicked
    m_findings->setColumnWidth(FindingsModel::Rule, 140);
    m_findings->setColumnWidth(FindingsModel::Org, 130);
    m_findings->setColumnWidth(FindingsModel::License, 90);
    m_findings->setColumnWidth(FindingsModel::Package, 130);
    m_findings->setColumnWidth(FindingsModel::Subscription, 170);
    m_findings->horizontalHeader()->setSectionResizeMode(FindingsModel::Detail, QHeaderView::Stretch);
    m_findings->setColumnWidth(FindingsModel::Monthly, 110);
    layout->addWidget(m_findings, 1);

    m_findingDetail->setObjectName(QStringLiteral("findingDetail"));
    m_findingDetail->setWordWrap(true);
    m_findingDetail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_findingDetail->setMinimumHeight(m_findingDetail->fontMetrics().height() * 2 + 6);
    layout->addWidget(m_findingDetail);
    auto *actions = new QHBoxLayout;
    m_act->setObjectName(QStringLiteral("actOnFinding"));
    m_act->setToolTip(QStringLiteral("Open Modify License with the change this finding suggests: the LMA's rules apply, Edit > Undo "
                                     "takes it back, and the license's history says why"));
    m_showLicense->setObjectName(QStringLiteral("showFindingLicense"));
    actions->addWidget(m_act);
    actions->addWidget(m_showLicense);
    actions->addStretch(1);
    layout->addLayout(actions);

    auto refilter = [this] {
        m_model->setFilter(m_rule->currentData().toString(), m_search->text());
        updateActions();
    };
    connect(m_rule, &QComboBox::currentIndexChanged, this, refilter);
    connect(m_search, &QLineEdit::textChanged, this, refilter);
    connect(m_findings->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &BillingPage::updateActions);
    connect(m_findings, &QTableView::doubleClicked, this, [this] {
        if (m_act->isEnabled())
            m_act->click();
    });
    connect(m_act, &QPushButton::clicked, this, [this] {
        if (const Finding *f = currentFinding(); f && f->change && f->licenseId)
            emit modifyRequested(*f);
    });
    connect(m_showLicense, &QPushButton::clicked, this, [this] {
        if (const Finding *f = currentFinding(); f && !f->orgId.isEmpty())
            emit licenseRequested(f->orgId, f->licenseId);
    });
}

void BillingPage::buildLinksTab(QWidget *tab)
{
    auto *layout = new QVBoxLayout(tab);
    auto *intro = new QLabel(QStringLiteral("Subscriptions whose export names no org, with the orgs they may be: by the customer's "
                                            "name, or their email's domain. A link you confirm is kept: the next export of the "
                                            "same source needs none."));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    m_proposalTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    const int widths[] = {150, 170, 130, 170, 230, 180};
    for (int c = 0; c < 6; ++c)
        m_proposalTable->setColumnWidth(c, widths[c]);
    layout->addWidget(m_proposalTable, 3);
    auto *row = new QHBoxLayout;
    m_confirm->setObjectName(QStringLiteral("confirmLink"));
    m_linkOther->setObjectName(QStringLiteral("linkOther"));
    row->addWidget(m_confirm);
    row->addWidget(m_linkOther);
    row->addStretch(1);
    layout->addLayout(row);
    layout->addWidget(new QLabel(QStringLiteral("<b>Links kept</b>")));
    for (int c : {0, 1, 2, 3})
        m_linkTable->setColumnWidth(c, 160);
    layout->addWidget(m_linkTable, 2);
    auto *row2 = new QHBoxLayout;
    m_unlink->setObjectName(QStringLiteral("removeLink"));
    row2->addWidget(m_unlink);
    row2->addStretch(1);
    layout->addLayout(row2);
    connect(m_proposalTable, &QTableWidget::itemSelectionChanged, this, &BillingPage::updateActions);
    connect(m_linkTable, &QTableWidget::itemSelectionChanged, this, &BillingPage::updateActions);
    connect(m_confirm, &QPushButton::clicked, this, [this] { confirmProposal(m_proposalTable->currentRow()); });
    connect(m_proposalTable, &QTableWidget::cellDoubleClicked, this, [this](int row) { confirmProposal(row); });
    connect(m_linkOther, &QPushButton::clicked, this, &BillingPage::linkToOrg);
    connect(m_unlink, &QPushButton::clicked, this, &BillingPage::removeKeptLink);
}

void BillingPage::buildPlansTab(QWidget *tab)
{
    auto *layout = new QVBoxLayout(tab);
    auto *intro = new QLabel(QStringLiteral("Which package a subscription pays for comes from its plan or product when that names "
                                            "the package (\"Ledgerly Billing Annual\"). Where it does not, say it here; it is kept "
                                            "per source."));
    intro->setWordWrap(true);
    layout->addWidget(intro);
    m_planTable->setColumnWidth(0, 140);
    m_planTable->setColumnWidth(1, 260);
    layout->addWidget(m_planTable, 1);
    auto *row = new QHBoxLayout;
    m_setPlan->setObjectName(QStringLiteral("setPlanPackage"));
    m_removePlan->setObjectName(QStringLiteral("removePlanPackage"));
    row->addWidget(m_setPlan);
    row->addWidget(m_removePlan);
    row->addStretch(1);
    layout->addLayout(row);
    connect(m_planTable, &QTableWidget::itemSelectionChanged, this, &BillingPage::updateActions);
    connect(m_setPlan, &QPushButton::clicked, this, &BillingPage::askPlanPackage);
    connect(m_removePlan, &QPushButton::clicked, this, &BillingPage::removePlan);
}

void BillingPage::setDatabase(Database *database)
{
    m_database = database;
    m_result.reset();
    if (document())
        connect(document(), &Document::billingChanged, this, &BillingPage::reload, Qt::UniqueConnection);
    reload();
}

void BillingPage::setAsOf(const QDate &day)
{
    m_asOf->setDate(day);
}

void BillingPage::showRule(const QString &rule)
{
    m_tabs->setCurrentIndex(0);
    m_search->clear();
    const int i = m_rule->findData(rule);
    m_rule->setCurrentIndex(i >= 0 ? i : 0);
}

QString BillingPage::shownRule() const
{
    return m_rule->currentData().toString();
}

QString BillingPage::summaryText() const
{
    return m_summary->text() + u'\n' + m_money->text();
}

void BillingPage::reload()
{
    const int generation = ++m_generation;
    if (m_reading && document())
        document()->jobs()->cancel(m_reading);
    m_reading = 0;
    if (!m_database || !document()) {
        m_summary->setText(QStringLiteral("No database is open."));
        m_money->clear();
        m_model->setFindings({});
        m_result.reset();
        updateActions();
        return;
    }
    m_summary->setText(QStringLiteral("Setting the licenses beside the billing…"));
    m_cancel->setVisible(true);
    m_cancel->setEnabled(true);
    ReconcileOptions options;
    options.asOf = m_asOf->date();
    options.toleranceDays = m_tolerance->value();
    JobOptions job;
    job.title = QStringLiteral("Reconciling billing");
    m_reading = document()->jobs()->runOnDatabase<BillingOverview>(
        this, m_database->readingSpec(), job,
        [options](QSqlDatabase &db, JobContext &context) -> Result<BillingOverview> {
            ReconcileOptions o = options;
            o.cancelled = [&context] { return context.isCancelled(); };
            return readBillingOverview(db, o);
        },
        [this, generation](const Result<BillingOverview> &view) {
            if (generation != m_generation)
                return;
            m_reading = 0;
            m_cancel->setVisible(false);
            if (!view) {
                showError(view.error().code == Error::Code::Cancelled
                              ? QStringLiteral("Cancelled: Go > Reload or a change of the day sets them side by side again.")
                              : view.error().message);
                return;
            }
            show(view.value());
            emit refreshed();
        });
}

void BillingPage::showError(const QString &message)
{
    m_result.reset();
    m_model->setFindings({});
    m_proposals.clear();
    m_proposalTable->setRowCount(0);
    m_money->clear();
    m_summary->setText(isPermissionDenied(message)
                           ? QStringLiteral("On this team database what the billing system charges is partner ops' alone: your "
                                            "role reads none of it. (%1)")
                                 .arg(message)
                           : message);
    updateActions();
}

void BillingPage::show(const BillingOverview &view)
{
    const Reconciliation &r = view.result;
    m_result = r;
    m_proposals = view.proposals;
    m_links = view.links;
    m_plans = view.plans;
    m_seenPlans = view.seenPlans;
    m_packages = view.packages;
    const QLocale locale;
    if (r.subscriptions == 0) {
        m_summary->setText(QStringLiteral("No billing is imported yet. Import billing… reads a Stripe or Chargebee export of "
                                          "subscriptions, or any table of them, and sets it beside the licenses."));
        m_money->clear();
    } else {
        QStringList counts;
        for (const char *rule : kRules)
            counts << QStringLiteral("%1 %2").arg(ruleTitle(QLatin1String(rule)).toLower(), locale.toString(r.count(QLatin1String(rule))));
        m_summary->setText(QStringLiteral("%1 subscriptions beside the licenses, as of %2: %3.")
                               .arg(locale.toString(r.subscriptions), r.asOf.toString(Qt::ISODate), counts.join(QStringLiteral(", "))));
        QStringList lines;
        for (const auto &[currency, m] : r.money)
            lines << QStringLiteral("<b>%1</b> a month: billed %2, <b>at risk %3</b>, missed about %4 (%5 licenses nothing bills, at "
                                    "each package's usual price a seat)")
                         .arg(currency, moneyText(m.mrr), moneyText(m.atRisk), moneyText(m.missedEstimate), locale.toString(m.missedLicenses));
        if (r.unpriced > 0)
            lines << QStringLiteral("%1 subscriptions billing now have no amount or interval and are in none of these sums.")
                         .arg(locale.toString(r.unpriced));
        m_money->setText(lines.join(QStringLiteral("<br>")));
    }
    // The rule box says how many each has.
    for (int i = 0; i < m_rule->count(); ++i) {
        const QString key = m_rule->itemData(i).toString();
        const qint64 n = key.isEmpty() ? qint64(r.findings.size())
                         : key == QLatin1String("at_risk") ? r.count(QStringLiteral("billed_not_licensed")) + r.count(QStringLiteral("dunning"))
                                                           : r.count(key);
        const QString base = key.isEmpty() ? QStringLiteral("Every finding")
                             : key == QLatin1String("at_risk") ? QStringLiteral("Revenue at risk (billed not licensed, dunning)")
                                                               : ruleTitle(key);
        m_rule->setItemText(i, QStringLiteral("%1 (%2)").arg(base, locale.toString(n)));
    }
    // The same finding stays selected when it is still there (after an edit, an import).
    const Finding *was = currentFinding();
    const QString wasKey = was ? was->rule + u'\x1f' + QString::number(was->licenseId) + u'\x1f' + was->subscription : QString();
    m_model->setFindings(r.findings);
    for (int row = 0; row < m_model->rowCount() && !wasKey.isEmpty(); ++row) {
        const Finding *f = m_model->finding(row);
        if (f->rule + u'\x1f' + QString::number(f->licenseId) + u'\x1f' + f->subscription == wasKey) {
            selectFinding(row);
            break;
        }
    }

    // Nothing stays selected: a list that changed under the selection would confirm another.
    m_proposalTable->setCurrentCell(-1, -1);
    m_linkTable->setCurrentCell(-1, -1);
    m_planTable->setCurrentCell(-1, -1);
    m_proposalTable->setRowCount(int(m_proposals.size()));
    for (int i = 0; i < int(m_proposals.size()); ++i) {
        const LinkProposal &p = m_proposals[size_t(i)];
        const QString why = p.by == MatchBy::LinkedDomain ? QStringLiteral("Email domain of a linked subscription")
                            : p.by == MatchBy::Domain     ? QStringLiteral("Email domain is the account's name")
                            : foldedWord(p.customerName) == foldedWord(p.accountName) ? QStringLiteral("Same name")
                                                                                      : QStringLiteral("Same name, another legal form");
        const QString shownWhy = p.hasPlansPackage ? why + QStringLiteral("; has the plan's package") : why;
        setRow(m_proposalTable, i, {p.subscriptionId, p.customerName, p.orgId, p.accountName, shownWhy, p.customerEmail, p.plan});
        for (int c = 0; c < m_proposalTable->columnCount(); ++c)
            m_proposalTable->item(i, c)->setToolTip(QStringLiteral("%1 %2: %3").arg(p.source, p.subscriptionId, p.reason));
    }
    m_linkTable->setRowCount(int(m_links.size()));
    for (int i = 0; i < int(m_links.size()); ++i) {
        const KeptLink &k = m_links[size_t(i)];
        const QString how = k.matchedBy == QLatin1String("name")            ? QStringLiteral("by the customer's name")
                            : k.matchedBy == QLatin1String("linked_domain") ? QStringLiteral("by email domain (linked)")
                            : k.matchedBy == QLatin1String("domain")        ? QStringLiteral("by email domain")
                                                                            : QStringLiteral("by hand");
        const QDateTime at = QDateTime::fromString(k.linkedAt, Qt::ISODate);
        setRow(m_linkTable, i, {QStringLiteral("%1 %2").arg(k.source, k.subscriptionId), k.orgId, how, k.linkedBy,
                                at.isValid() ? QLocale().toString(at.toLocalTime(), QLocale::ShortFormat) : k.linkedAt});
    }
    // Every plan seen, with what it pays for: a user's word, else found by name.
    QHash<QString, QString> said;
    for (const PlanPackage &p : m_plans)
        said.insert(p.source + u'\x1f' + foldedWord(p.plan), p.package);
    m_planTable->setRowCount(int(m_seenPlans.size()));
    for (int i = 0; i < int(m_seenPlans.size()); ++i) {
        const auto &[source, plan] = m_seenPlans[size_t(i)];
        const QString package = said.value(source + u'\x1f' + foldedWord(plan));
        setRow(m_planTable, i, {source, plan, package.isEmpty() ? QStringLiteral("(found by its name)") : package + QStringLiteral(" (you said)")});
    }
    updateActions();
}

const Finding *BillingPage::currentFinding() const
{
    return m_model->finding(m_findings->currentIndex().row());
}

void BillingPage::selectFinding(int row)
{
    m_findings->setCurrentIndex(m_model->index(row, 0));
    m_findings->selectRow(row);
}

void BillingPage::updateActions()
{
    const bool writable = m_database && !m_database->isReadOnly() && m_result.has_value();
    const Finding *f = currentFinding();
    if (f) {
        QString text = QStringLiteral("<b>%1</b>: %2. %3").arg(ruleTitle(f->rule), f->detail.toHtmlEscaped(), f->action.toHtmlEscaped());
        if (f->change)
            text += QStringLiteral(" <i>Modify License… suggests: %1.</i>").arg(f->changeText.toHtmlEscaped());
        m_findingDetail->setText(text);
    } else {
        m_findingDetail->setText(m_model->rowCount() ? QStringLiteral("Select a finding to see what to do about it.")
                                                     : m_result ? QStringLiteral("Nothing to show.") : QString());
    }
    m_act->setEnabled(writable && f && f->change && f->licenseId);
    m_act->setText(f && f->change ? QStringLiteral("&Modify License: %1…").arg(f->changeText) : QStringLiteral("&Modify License…"));
    m_showLicense->setEnabled(f && !f->orgId.isEmpty() && f->licenseId);
    m_confirm->setEnabled(writable && m_proposalTable->currentRow() >= 0 && m_proposalTable->currentRow() < int(m_proposals.size()));
    m_linkOther->setEnabled(writable && m_proposalTable->currentRow() >= 0 && m_proposalTable->currentRow() < int(m_proposals.size()));
    m_unlink->setEnabled(writable && m_linkTable->currentRow() >= 0 && m_linkTable->currentRow() < int(m_links.size()));
    m_setPlan->setEnabled(writable && !m_seenPlans.empty());
    m_removePlan->setEnabled(writable && m_planTable->currentRow() >= 0 && m_planTable->currentRow() < int(m_seenPlans.size()));
    m_import->setEnabled(m_database && !m_database->isReadOnly());
}

void BillingPage::write(const QString &title, std::function<Result<void>(QSqlDatabase &)> work)
{
    if (!m_database || m_database->isReadOnly() || !document())
        return;
    JobOptions job;
    job.title = title;
    job.cancellable = false;
    QPointer<Document> doc = document();
    document()->jobs()->runOnDatabase<void>(
        this, m_database->connectionSpec(), job, [work](QSqlDatabase &db, JobContext &) { return work(db); },
        [this, title, doc](const Result<void> &r) {
            if (!r) {
                QMessageBox::warning(this, title, r.error().message);
                return;
            }
            if (doc)
                doc->notifyChanged(ContentChange::Billing, title);
        });
}

void BillingPage::confirmProposal(int row)
{
    if (row < 0 || row >= int(m_proposals.size()))
        return;
    const LinkProposal p = m_proposals[size_t(row)];
    write(QStringLiteral("Link %1 to org %2").arg(p.subscriptionId, p.orgId), [p](QSqlDatabase &db) {
        return confirmLink(db, p.source, p.subscriptionId, p.orgId, matchByName(p.by), AuditLog::currentUser());
    });
}

void BillingPage::linkToOrg()
{
    const int row = m_proposalTable->currentRow();
    if (row < 0 || row >= int(m_proposals.size()))
        return;
    const LinkProposal p = m_proposals[size_t(row)];
    bool ok = false;
    const QString org = QInputDialog::getText(this, QStringLiteral("Link to another org"),
                                              QStringLiteral("The subscriber org %1 %2 pays for (its 15- or 18-character id, 00D…):")
                                                  .arg(p.source, p.subscriptionId),
                                              QLineEdit::Normal, QString(), &ok);
    if (!ok || org.trimmed().isEmpty())
        return;
    if (!orgId15(org.trimmed())) {
        QMessageBox::warning(this, QStringLiteral("Link to another org"),
                             QStringLiteral("\"%1\" is not a subscriber org's id: an org id has 15 or 18 characters and starts with 00D.").arg(org));
        return;
    }
    write(QStringLiteral("Link %1 to org %2").arg(p.subscriptionId, org.trimmed()), [p, org](QSqlDatabase &db) {
        return confirmLink(db, p.source, p.subscriptionId, org, QStringLiteral("manual"), AuditLog::currentUser());
    });
}

void BillingPage::removeKeptLink()
{
    const int row = m_linkTable->currentRow();
    if (row < 0 || row >= int(m_links.size()))
        return;
    const KeptLink k = m_links[size_t(row)];
    write(QStringLiteral("Unlink %1").arg(k.subscriptionId), [k](QSqlDatabase &db) { return removeLink(db, k.source, k.subscriptionId); });
}

void BillingPage::setPlanPackage(const QString &source, const QString &plan, const QString &package)
{
    write(QStringLiteral("Plan %1 pays for %2").arg(plan, package), [source, plan, package](QSqlDatabase &db) -> Result<void> {
        auto r = billing::setPlanPackage(db, source, plan, package, AuditLog::currentUser());
        if (!r)
            return r.error();
        return {};
    });
}

void BillingPage::askPlanPackage()
{
    if (m_seenPlans.empty())
        return;
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("planPackageDialog"));
    dialog.setWindowTitle(QStringLiteral("The package a plan pays for"));
    auto *form = new QFormLayout(&dialog);
    auto *plan = new QComboBox(&dialog);
    for (const auto &[source, name] : m_seenPlans)
        plan->addItem(QStringLiteral("%1: %2").arg(source, name));
    if (const int row = m_planTable->currentRow(); row >= 0 && row < int(m_seenPlans.size()))
        plan->setCurrentIndex(row);
    auto *package = new QComboBox(&dialog);
    package->addItems(m_packages);
    form->addRow(QStringLiteral("Plan"), plan);
    form->addRow(QStringLiteral("Pays for"), package);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted || package->currentText().isEmpty())
        return;
    const auto &[source, name] = m_seenPlans[size_t(plan->currentIndex())];
    setPlanPackage(source, name, package->currentText());
}

void BillingPage::removePlan()
{
    const int row = m_planTable->currentRow();
    if (row < 0 || row >= int(m_seenPlans.size()))
        return;
    const auto [source, plan] = m_seenPlans[size_t(row)];
    write(QStringLiteral("Forget the package of plan %1").arg(plan), [source, plan](QSqlDatabase &db) { return removePlanPackage(db, source, plan); });
}

} // namespace lmo
