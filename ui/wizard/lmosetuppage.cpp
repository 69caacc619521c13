#include "wizard/lmosetuppage.h"

#include "lmo/designationsteps.h"
#include "lmo/lmoprofile.h"
#include "storage/database.h"
#include "widgets/pagestyle.h"
#include "wizard/lmoreader.h"
#include "wizard/runbookfile.h"

#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace lmo {

namespace {

QTreeWidget *makeTree(const QStringList &headers, QWidget *parent)
{
    auto *tree = new QTreeWidget(parent);
    tree->setRootIsDecorated(false);
    tree->setHeaderLabels(headers);
    tree->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    tree->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    return tree;
}

} // namespace

LmoSetupPage::LmoSetupPage(QWidget *parent)
    : DatabasePage(parent), m_identity(new QLabel(this)), m_refusals(new QLabel(this)), m_wizard(new QPushButton(this)),
      m_switch(new QPushButton(QStringLiteral("Switch LMO…"), this)),
      m_savePdf(new QPushButton(QStringLiteral("Save runbook as PDF…"), this)),
      m_saveMarkdown(new QPushButton(QStringLiteral("Save runbook as Markdown…"), this)), m_facts(new QLabel(this)),
      m_reader(new LmoReader(this))
{
    setObjectName(QStringLiteral("lmoPage"));
    auto *outer = new QVBoxLayout(this);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    outer->addWidget(scroll);
    auto *content = new QWidget(scroll);
    auto *layout = new QVBoxLayout(content);
    scroll->setWidget(content);

    layout->addWidget(makePageHeading(QStringLiteral("LMO setup"), content));
    auto *intro = new QLabel(
        QStringLiteral("Every managed package is tied to one License Management Org (LMO): the org where the License "
                       "Management App records each install. ")
            + designationPermanenceWarning(),
        content);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *identityBox = new QGroupBox(QStringLiteral("This database's LMO"), content);
    auto *identityLayout = new QVBoxLayout(identityBox);
    m_identity->setObjectName(QStringLiteral("lmoIdentity"));
    m_identity->setWordWrap(true);
    m_identity->setTextFormat(Qt::RichText);
    identityLayout->addWidget(m_identity);
    m_refusals->setObjectName(QStringLiteral("lmoRefusals"));
    m_refusals->setWordWrap(true);
    m_refusals->setTextFormat(Qt::RichText);
    m_refusals->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_refusals->setVisible(false);
    identityLayout->addWidget(m_refusals);
    auto *buttons = new QHBoxLayout;
    m_wizard->setObjectName(QStringLiteral("lmoWizardButton"));
    m_switch->setObjectName(QStringLiteral("lmoSwitchButton"));
    m_savePdf->setObjectName(QStringLiteral("lmoSavePdf"));
    m_saveMarkdown->setObjectName(QStringLiteral("lmoSaveMarkdown"));
    for (QPushButton *b : {m_wizard, m_switch, m_savePdf, m_saveMarkdown})
        buttons->addWidget(b);
    buttons->addStretch(1);
    identityLayout->addLayout(buttons);
    layout->addWidget(identityBox);
    connect(m_wizard, &QPushButton::clicked, this, [this] { emit wizardRequested(false); });
    connect(m_switch, &QPushButton::clicked, this, [this] { emit wizardRequested(true); });
    connect(m_savePdf, &QPushButton::clicked, this, [this] { saveRunbookAs(QStringLiteral("pdf")); });
    connect(m_saveMarkdown, &QPushButton::clicked, this, [this] { saveRunbookAs(QStringLiteral("md")); });

    auto *lmosBox = new QGroupBox(QStringLiteral("LMOs and their licenses"), content);
    m_lmosBox = lmosBox;
    auto *lmosLayout = new QVBoxLayout(lmosBox);
    auto *lmosNote = new QLabel(
        QStringLiteral("After a switch the install base is split: installs made before it stay in the old LMO, new ones "
                       "land in the new. Each license keeps the LMO it came from; Licenses, Subscribers and the Dashboard "
                       "show one LMO or every LMO together, and an import asks which LMO its file came from."),
        lmosBox);
    lmosNote->setWordWrap(true);
    lmosLayout->addWidget(lmosNote);
    m_lmos = makeTree({QStringLiteral("LMO"), QStringLiteral("Org"), QStringLiteral("Org id"), QStringLiteral("Period"),
                       QStringLiteral("Licenses")},
                      lmosBox);
    m_lmos->setObjectName(QStringLiteral("lmoList"));
    lmosLayout->addWidget(m_lmos);
    layout->addWidget(lmosBox);

    auto *factsBox = new QGroupBox(QStringLiteral("Packages in this database"), content);
    auto *factsLayout = new QVBoxLayout(factsBox);
    m_facts->setObjectName(QStringLiteral("lmoFacts"));
    m_facts->setWordWrap(true);
    factsLayout->addWidget(m_facts);
    m_packages = makeTree({QStringLiteral("Package"), QStringLiteral("Package id (033)"), QStringLiteral("Latest version"),
                           QStringLiteral("First release"), QStringLiteral("Last license refresh")},
                          factsBox);
    m_packages->setObjectName(QStringLiteral("lmoPackages"));
    factsLayout->addWidget(m_packages);
    layout->addWidget(factsBox);

    auto *runbookBox = new QGroupBox(QStringLiteral("Runbook"), content);
    m_runbookBox = runbookBox;
    auto *runbookLayout = new QVBoxLayout(runbookBox);
    m_runbook = new QTextBrowser(runbookBox);
    m_runbook->setObjectName(QStringLiteral("lmoRunbook"));
    m_runbook->setOpenExternalLinks(false);
    m_runbook->setMinimumHeight(520);
    runbookLayout->addWidget(m_runbook);
    layout->addWidget(runbookBox);

    auto *steps = new QWidget(content);
    m_stepsBox = steps;
    auto *stepsLayout = new QVBoxLayout(steps);
    stepsLayout->setContentsMargins(0, 0, 0, 0);
    for (const DesignationStep &step : designationSteps()) {
        auto *box = new QGroupBox(QStringLiteral("Step %1: %2").arg(step.number).arg(step.title), steps);
        auto *boxLayout = new QVBoxLayout(box);
        auto *why = new QLabel(step.why, box);
        why->setWordWrap(true);
        auto *decides = new QLabel(QStringLiteral("<b>Decide:</b> ") + step.decides.toHtmlEscaped(), box);
        decides->setWordWrap(true);
        boxLayout->addWidget(why);
        boxLayout->addWidget(decides);
        stepsLayout->addWidget(box);
    }
    layout->addWidget(steps);
    layout->addStretch(1);
}

void LmoSetupPage::setDatabase(Database *database)
{
    m_database = database;
    if (document())
        m_reader->useDocument(database ? document() : nullptr);
    else
        m_reader->useConnection(database ? database->readingSpec() : ConnectionSpec());
    reload();
}

void LmoSetupPage::reload()
{
    m_reader->forget();
    m_loaded = false;
    m_designated = false;
    const bool open = m_database != nullptr;
    if (!open) {
        m_packages->clear();
        m_lmos->clear();
        m_runbookMarkdown.clear();
        m_runbook->clear();
        m_refusals->clear();
        m_refusals->setVisible(false);
        m_identity->setText(QStringLiteral("No database is open."));
        m_facts->clear();
        m_wizard->setText(QStringLiteral("Start the LMO setup wizard…"));
        for (QPushButton *b : {m_wizard, m_switch, m_savePdf, m_saveMarkdown})
            b->setEnabled(false);
        m_lmosBox->setVisible(false);
        m_runbookBox->setVisible(false);
        m_stepsBox->setVisible(true);
        m_loaded = true;
        emit loaded(true);
        return;
    }
    // What the page showed stays until the answer comes (no flicker on a reload); the buttons
    // wait for it.
    for (QPushButton *b : {m_wizard, m_switch, m_savePdf, m_saveMarkdown})
        b->setEnabled(false);
    if (m_identity->text().isEmpty() || m_identity->text() == QStringLiteral("No database is open."))
        m_identity->setText(QStringLiteral("Reading this database's LMO…"));
    m_reader->read<LmoOverview>([](QSqlDatabase &db) { return readLmoOverview(db); },
                                [this](const Result<LmoOverview> &overview) { showOverview(overview); });
}

void LmoSetupPage::showOverview(const Result<LmoOverview> &overview)
{
    m_packages->clear();
    m_lmos->clear();
    m_runbookMarkdown.clear();
    m_runbook->clear();
    m_refusals->clear();
    m_refusals->setVisible(false);
    m_loaded = true;
    if (!overview) {
        m_identity->setText(QStringLiteral("Could not read this database's LMO: %1").arg(overview.error().message).toHtmlEscaped());
        m_facts->clear();
        m_lmosBox->setVisible(false);
        m_runbookBox->setVisible(false);
        emit loaded(false);
        return;
    }
    const bool writable = !m_database->isReadOnly();
    const LmoProfile &p = overview->current;
    const bool designated = p.designatedAt.isValid();
    m_designated = designated;
    const QLocale locale;
    if (designated) {
        QStringList facts{QStringLiteral("org id %1").arg(p.org.orgId)};
        for (const QString &fact : {p.org.edition, orgKindLabel(p.org.kind), p.org.instance.toUpper()})
            if (!fact.trimmed().isEmpty())
                facts << fact.trimmed();
        m_identity->setText(
            QStringLiteral("<p><b>%1</b> (%2), designated on %3.</p>"
                           "<p>%4 registered to it; LMA version %5. Do not retire, trial-expire or refresh "
                           "this org: it holds every license of the packages tied to it.</p>")
                .arg(p.org.name.toHtmlEscaped(), facts.join(QStringLiteral(", ")).toHtmlEscaped(),
                     locale.toString(p.designatedAt.toLocalTime().date(), QLocale::LongFormat),
                     p.packages.size() == 1 ? QStringLiteral("1 package") : QStringLiteral("%1 packages").arg(p.packages.size()),
                     p.lmaVersion.isEmpty() ? QStringLiteral("not recorded") : p.lmaVersion.toHtmlEscaped()));
        m_wizard->setText(QStringLiteral("Review in the wizard…"));
    } else if (p.pagesDone > 0) {
        m_identity->setText(QStringLiteral("<p><b>Setup in progress:</b> %1 of 6 steps done%2. The wizard resumes at step "
                                           "%3 with your earlier answers filled in.</p>")
                                .arg(QString::number(p.pagesDone),
                                     p.org.name.isEmpty() ? QString() : QStringLiteral(" for %1").arg(p.org.name.toHtmlEscaped()),
                                     QString::number(qMin(p.pagesDone + 1, 6))));
        m_wizard->setText(QStringLiteral("Continue the LMO setup wizard…"));
    } else {
        m_identity->setText(QStringLiteral("<p><b>No LMO designated yet.</b> The wizard walks through the six steps below "
                                           "(about ten minutes) and writes the runbook your team keeps.</p>"));
        m_wizard->setText(QStringLiteral("Start the LMO setup wizard…"));
    }
    // The same rule the wizard applies, on what is recorded: an LMO designated by an older LMO
    // Desk, or by hand, may not pass it.
    if (designated) {
        if (const QStringList refused = LmoRules::designationRefusals(p); !refused.isEmpty()) {
            QString html = QStringLiteral("<p><b>LMO Desk would refuse this org as the LMO today.</b> Review it in the "
                                          "wizard and correct the answers, or, if the org really is one of these, plan "
                                          "the switch to a paid production org now.</p><ul style=\"margin: 0px; "
                                          "-qt-list-indent: 1;\">");
            for (const QString &reason : refused)
                html += QStringLiteral("<li>%1</li>").arg(reason.toHtmlEscaped());
            m_refusals->setText(html + QStringLiteral("</ul>"));
            m_refusals->setVisible(true);
        }
    }
    m_wizard->setEnabled(writable);
    m_switch->setEnabled(writable && designated);
    m_switch->setToolTip(designated ? QStringLiteral("Record a new LMO from a transition day; this one stays as a former LMO.")
                                    : QStringLiteral("Designate the first LMO before switching."));
    m_savePdf->setEnabled(designated);
    m_saveMarkdown->setEnabled(designated);
    if (designated) {
        m_runbookMarkdown = lmoRunbookMarkdown(p, QDate::currentDate(), overview->former);
        m_runbook->setMarkdown(m_runbookMarkdown);
    }
    m_runbookBox->setVisible(designated);
    m_stepsBox->setVisible(!designated);

    // Every LMO with its licenses, once there is more than one.
    const bool several = overview->known.size() > 1;
    m_lmosBox->setVisible(several);
    if (several) {
        QDate from;
        for (const KnownLmo &k : overview->known) {
            auto *item = new QTreeWidgetItem(m_lmos);
            item->setText(0, QString::number(k.ref));
            item->setText(1, k.profile.org.name.isEmpty() ? QStringLiteral("(not described)") : k.profile.org.name);
            item->setText(2, k.profile.org.orgId);
            const QString since = from.isValid() ? from.toString(Qt::ISODate) : QStringLiteral("the start");
            item->setText(3, k.current ? QStringLiteral("from %1 (current)").arg(since)
                                       : QStringLiteral("%1 to %2").arg(since, k.replacedOn.toString(Qt::ISODate)));
            item->setText(4, locale.toString(overview->licensesByLmo.value(k.ref)));
            item->setTextAlignment(4, Qt::AlignRight | Qt::AlignVCenter);
            from = k.replacedOn;
        }
    }

    if (!overview->packagesError.isEmpty()) {
        m_facts->setText(overview->packagesError);
    } else {
        for (const Package &pk : overview->packages) {
            auto *item = new QTreeWidgetItem(m_packages);
            item->setText(0, pk.name);
            item->setText(1, pk.packageId.isNull() ? QStringLiteral("not recorded") : pk.packageId.to18());
            item->setText(2, pk.latestVersion);
            item->setText(3, locale.toString(pk.releaseDate, QLocale::ShortFormat));
            item->setText(4, pk.lastLicenseRefresh.isValid()
                                 ? locale.toString(pk.lastLicenseRefresh.toLocalTime(), locale.dateFormat(QLocale::ShortFormat)
                                                                                            + QStringLiteral(" HH:mm"))
                                 : QStringLiteral("never"));
        }
        m_facts->setText(QStringLiteral("Packages whose licenses this database holds: %1.")
                             .arg(locale.toString(qint64(overview->packages.size()))));
    }
    emit loaded(true);
}

void LmoSetupPage::saveRunbookAs(const QString &suffix)
{
    if (m_runbookMarkdown.isEmpty())
        return;
    const QString filter = suffix == QLatin1String("pdf") ? QStringLiteral("PDF (*.pdf)") : QStringLiteral("Markdown (*.md)");
    const QString path = QFileDialog::getSaveFileName(this, QStringLiteral("Save the LMO runbook"),
                                                      QStringLiteral("lmo-runbook.%1").arg(suffix), filter);
    if (path.isEmpty())
        return;
    if (auto r = saveRunbookFile(m_runbookMarkdown, path); !r)
        QMessageBox::warning(this, QStringLiteral("Save the LMO runbook"), r.error().message);
}

} // namespace lmo
