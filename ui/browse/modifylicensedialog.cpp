#include "browse/modifylicensedialog.h"

#include "browse/licensereads.h"
#include "browse/pagereader.h"
#include "storage/database.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace lmo {

ModifyLicenseDialog::ModifyLicenseDialog(Database &database, std::vector<qint64> rowIds, QWidget *parent,
                                         Document *document)
    : QDialog(parent), m_database(database), m_reader(std::make_unique<PageReader>(this)), m_rowIds(std::move(rowIds)),
      m_heading(new QLabel(this)),
      m_status(new QComboBox(this)), m_seatsMode(new QComboBox(this)), m_seats(new QSpinBox(this)),
      m_expirationMode(new QComboBox(this)), m_expiration(new QDateEdit(this)), m_days(new QSpinBox(this)),
      m_verdict(new QLabel(this)), m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("modifyLicenseDialog"));
    m_reader->setDatabase(&database, document);
    if (m_rowIds.size() > size_t(kMaxLicenses))
        m_rowIds.resize(size_t(kMaxLicenses));
    auto *layout = new QVBoxLayout(this);
    m_heading->setObjectName(QStringLiteral("heading"));
    m_heading->setWordWrap(true);
    layout->addWidget(m_heading);
    m_reason = new QLabel(this);
    m_reason->setObjectName(QStringLiteral("reason"));
    m_reason->setWordWrap(true);
    m_reason->setVisible(false);
    layout->addWidget(m_reason);

    auto *form = new QFormLayout;
    m_status->setObjectName(QStringLiteral("statusChoice"));
    m_status->addItems({QStringLiteral("Keep as it is"), QStringLiteral("Active"), QStringLiteral("Trial (at most 90 days)"),
                        QStringLiteral("Suspended")});
    form->addRow(QStringLiteral("&Status:"), m_status);

    auto *seatsRow = new QHBoxLayout;
    m_seatsMode->setObjectName(QStringLiteral("seatsChoice"));
    m_seatsMode->addItems({QStringLiteral("Keep as they are"), QStringLiteral("Seats:"), QStringLiteral("Site License")});
    m_seats->setObjectName(QStringLiteral("seats"));
    m_seats->setRange(1, License::kMaxSeats);
    m_seats->setGroupSeparatorShown(true);
    seatsRow->addWidget(m_seatsMode);
    seatsRow->addWidget(m_seats, 1);
    auto *seatsLabel = new QLabel(QStringLiteral("S&eats:"), this);
    seatsLabel->setBuddy(m_seatsMode); // a row of two widgets gets no buddy by itself
    form->addRow(seatsLabel, seatsRow);

    auto *expirationRow = new QHBoxLayout;
    m_expirationMode->setObjectName(QStringLiteral("expirationChoice"));
    m_expirationMode->addItems({QStringLiteral("Keep as it is"), QStringLiteral("On:"), QStringLiteral("Does not expire"),
                                QStringLiteral("Later by:")});
    m_expiration->setObjectName(QStringLiteral("expirationDate"));
    m_expiration->setCalendarPopup(true);
    m_expiration->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    m_expiration->setDate(QDate::currentDate().addYears(1));
    m_days->setObjectName(QStringLiteral("extendDays"));
    m_days->setRange(-3650, 3650);
    m_days->setValue(30);
    m_days->setSuffix(QStringLiteral(" days"));
    expirationRow->addWidget(m_expirationMode);
    expirationRow->addWidget(m_expiration, 1);
    expirationRow->addWidget(m_days, 1);
    auto *expirationLabel = new QLabel(QStringLiteral("E&xpiration:"), this);
    expirationLabel->setBuddy(m_expirationMode);
    form->addRow(expirationLabel, expirationRow);
    layout->addLayout(form);

    m_verdict->setObjectName(QStringLiteral("verdict"));
    m_verdict->setWordWrap(true);
    m_verdict->setTextFormat(Qt::RichText);
    m_verdict->setMinimumHeight(60);
    m_verdict->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    layout->addWidget(m_verdict, 1);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    // One license: the controls start from its terms.
    if (m_rowIds.size() == 1) {
        // Its terms are read off the UI thread; the heading says so until they are here.
        m_heading->setText(QStringLiteral("Reading the license…"));
        const qint64 rowId = m_rowIds.front();
        m_reader->read<std::optional<License>>([rowId](QSqlDatabase &db) { return readLicense(db, rowId); },
                                               [this](const Result<std::optional<License>> &found) {
                                                   if (!found)
                                                       m_heading->setText(found.error().message.toHtmlEscaped());
                                                   else if (!found->has_value())
                                                       m_heading->setText(QStringLiteral("This license is no longer in the database."));
                                                   else
                                                       showLicense(**found);
                                               },
                                               true);
        setWindowTitle(QStringLiteral("Modify License"));
    } else {
        m_heading->setText(QStringLiteral("<b>%1 licenses</b> selected. Each is checked against the LMA's rules; those it "
                                          "refuses are named below and left as they are.")
                               .arg(QLocale().toString(qint64(m_rowIds.size()))));
        setWindowTitle(QStringLiteral("Modify %1 Licenses").arg(QLocale().toString(qint64(m_rowIds.size()))));
    }
    // What the team's policy does not let this login change stays as it is, saying why.
    const team::SessionAccess &access = database.access();
    const std::pair<QWidget *, const char *> terms[] = {{m_status, "status"}, {m_seatsMode, "seats"}, {m_seats, "seats"},
                                                        {m_expirationMode, "expiration"}, {m_expiration, "expiration"},
                                                        {m_days, "expiration"}};
    for (const auto &[widget, column] : terms) {
        if (access.mayModify(QString::fromLatin1(column)))
            continue;
        widget->setEnabled(false);
        widget->setToolTip(QStringLiteral("The team's policy does not let %1 change the %2.").arg(access.login, QLatin1String(column)));
    }
    for (QComboBox *c : {m_status, m_seatsMode, m_expirationMode})
        connect(c, &QComboBox::currentIndexChanged, this, &ModifyLicenseDialog::update);
    connect(m_seats, &QSpinBox::valueChanged, this, &ModifyLicenseDialog::update);
    connect(m_days, &QSpinBox::valueChanged, this, &ModifyLicenseDialog::update);
    connect(m_expiration, &QDateEdit::dateChanged, this, &ModifyLicenseDialog::update);
    resize(560, 360);
    update();
}

ModifyLicenseDialog::~ModifyLicenseDialog() = default;

void ModifyLicenseDialog::showLicense(const License &l)
{
    m_singleName = l.name;
    m_heading->setText(QStringLiteral("<b>%1</b> — %2, %3<br>Now: %4, %5, %6.")
                           .arg(l.name.toHtmlEscaped(), l.accountName.toHtmlEscaped(), l.packageName.toHtmlEscaped(),
                                statusName(l.status),
                                l.isSiteLicense() ? QStringLiteral("site license")
                                                  : QStringLiteral("%1 seats").arg(QLocale().toString(l.seats)),
                                l.isPerpetual() ? QStringLiteral("does not expire")
                                                : QStringLiteral("expires %1").arg(l.expiration.toString(Qt::ISODate))));
    // The controls start from its terms, unless the user has chosen some already.
    if (!l.isSiteLicense() && SeatsChoice(m_seatsMode->currentIndex()) == SeatsChoice::Keep) {
        const QSignalBlocker block(m_seats);
        m_seats->setValue(qMax(1, l.seats));
    }
    if (!l.isPerpetual() && ExpirationChoice(m_expirationMode->currentIndex()) != ExpirationChoice::OnDate) {
        const QSignalBlocker block(m_expiration);
        m_expiration->setDate(l.expiration);
    }
}

void ModifyLicenseDialog::accept()
{
    if (m_checking) { // taken once the verdict is here, if it allows the change
        m_acceptWhenChecked = true;
        return;
    }
    if (!canApply())
        return;
    QDialog::accept();
}

void ModifyLicenseDialog::setReason(const QString &reason)
{
    m_reason->setText(reason);
    m_reason->setVisible(!reason.isEmpty());
}

QString ModifyLicenseDialog::reasonText() const
{
    return m_reason->text();
}

QString ModifyLicenseDialog::description() const
{
    if (m_rowIds.size() == 1 && !m_singleName.isEmpty())
        return QStringLiteral("Modify %1").arg(m_singleName);
    if (m_rowIds.size() == 1 && m_plan.changes.size() == 1 && !m_plan.changes.front().name.isEmpty())
        return QStringLiteral("Modify %1").arg(m_plan.changes.front().name);
    return QStringLiteral("Modify %1 licenses").arg(QLocale().toString(qint64(m_plan.changes.size())));
}

void ModifyLicenseDialog::setStatus(StatusChoice choice)
{
    m_status->setCurrentIndex(int(choice));
}

void ModifyLicenseDialog::setSeats(SeatsChoice choice, int seats)
{
    if (choice == SeatsChoice::Seats)
        m_seats->setValue(seats);
    m_seatsMode->setCurrentIndex(int(choice));
}

void ModifyLicenseDialog::setExpiration(ExpirationChoice choice, const QDate &date, int days)
{
    if (choice == ExpirationChoice::OnDate)
        m_expiration->setDate(date);
    if (choice == ExpirationChoice::ExtendByDays)
        m_days->setValue(days);
    m_expirationMode->setCurrentIndex(int(choice));
}

QString ModifyLicenseDialog::verdictText() const
{
    return m_verdict->text();
}

bool ModifyLicenseDialog::canApply() const
{
    return m_buttons->button(QDialogButtonBox::Ok)->isEnabled();
}

ModifyLicenseDialog::Choice ModifyLicenseDialog::choice() const
{
    Choice c;
    c.status = StatusChoice(m_status->currentIndex());
    c.seatsMode = SeatsChoice(m_seatsMode->currentIndex());
    c.seats = m_seats->value();
    c.expirationMode = ExpirationChoice(m_expirationMode->currentIndex());
    c.expiration = m_expiration->date();
    c.days = m_days->value();
    return c;
}

LicenseChange ModifyLicenseDialog::changeFor(const Choice &choice, const License &current)
{
    LicenseChange c;
    switch (choice.status) {
    case StatusChoice::Keep: break;
    case StatusChoice::Active: c.status = Status::Active; break;
    case StatusChoice::Trial: c.status = Status::Trial; break;
    case StatusChoice::Suspended: c.status = Status::Suspended; break;
    }
    switch (choice.seatsMode) {
    case SeatsChoice::Keep: break;
    case SeatsChoice::Seats: c.seats = choice.seats; break;
    case SeatsChoice::SiteLicense: c.seats = License::kSiteLicenseSeats; break;
    }
    switch (choice.expirationMode) {
    case ExpirationChoice::Keep: break;
    case ExpirationChoice::OnDate: c.expiration = choice.expiration; break;
    case ExpirationChoice::DoesNotExpire: c.expiration = QDate(); break;
    case ExpirationChoice::ExtendByDays:
        // "Later by" moves each license's own date; one that does not expire stays so.
        if (!current.isPerpetual())
            c.expiration = current.expiration.addDays(choice.days);
        break;
    }
    return c;
}

void ModifyLicenseDialog::update()
{
    m_seats->setEnabled(SeatsChoice(m_seatsMode->currentIndex()) == SeatsChoice::Seats);
    m_expiration->setVisible(ExpirationChoice(m_expirationMode->currentIndex()) == ExpirationChoice::OnDate);
    m_days->setVisible(ExpirationChoice(m_expirationMode->currentIndex()) == ExpirationChoice::ExtendByDays);
    QPushButton *ok = m_buttons->button(QDialogButtonBox::Ok);
    const bool nothing = m_status->currentIndex() == 0 && m_seatsMode->currentIndex() == 0 && m_expirationMode->currentIndex() == 0;
    ++m_asked; // a verdict on earlier choices is dropped
    if (nothing) {
        m_checking = false;
        m_plan = ModificationPlan();
        m_verdict->setText(QStringLiteral("Choose a status, seats or an expiration."));
        ok->setText(QStringLiteral("Apply"));
        ok->setEnabled(false);
        return;
    }
    // The rules need each license as it is and its history: read off the UI thread. Apply
    // waits for the verdict.
    m_checking = true;
    m_plan = ModificationPlan();
    ok->setEnabled(false);
    m_verdict->setText(QStringLiteral("Checking against the LMA's rules…"));
    const quint64 asked = m_asked;
    const Choice chosen = choice();
    const std::vector<qint64> ids = m_rowIds;
    const QDate today = QDate::currentDate();
    m_reader->read<ModificationPlan>(
        [chosen, ids, today](QSqlDatabase &db) {
            return planModification(db, ids, [&chosen](const License &l) { return changeFor(chosen, l); }, today);
        },
        [this, asked](const Result<ModificationPlan> &plan) {
            if (asked == m_asked)
                showPlan(plan);
        });
}

void ModifyLicenseDialog::showPlan(const Result<ModificationPlan> &plan)
{
    m_checking = false;
    QPushButton *ok = m_buttons->button(QDialogButtonBox::Ok);
    const bool acceptNow = m_acceptWhenChecked;
    m_acceptWhenChecked = false;
    if (!plan) {
        m_plan = ModificationPlan();
        m_verdict->setText(plan.error().message.toHtmlEscaped());
        ok->setEnabled(false);
        return;
    }
    m_plan = plan.value();
    QStringList lines;
    const int shown = 8;
    for (int i = 0; i < m_plan.refusals.size() && i < shown; ++i)
        lines << QStringLiteral("<span style='color:#c62828'>✖ %1</span>").arg(m_plan.refusals[i].toHtmlEscaped());
    if (m_plan.refusals.size() > shown)
        lines << QStringLiteral("<span style='color:#c62828'>… and %1 more refused</span>").arg(m_plan.refusals.size() - shown);
    for (int i = 0; i < m_plan.warnings.size() && i < shown; ++i)
        lines << QStringLiteral("<span style='color:#a84f00'>⚠ %1</span>").arg(m_plan.warnings[i].toHtmlEscaped());
    if (m_plan.warnings.size() > shown)
        lines << QStringLiteral("<span style='color:#a84f00'>… and %1 more warnings</span>").arg(m_plan.warnings.size() - shown);
    const int n = int(m_plan.changes.size());
    if (n > 0)
        lines << QStringLiteral("✔ %1 will change.").arg(n == 1 && m_rowIds.size() == 1 ? QStringLiteral("The license")
                                                                                      : QStringLiteral("%1 licenses").arg(QLocale().toString(n)));
    if (m_plan.unchanged > 0)
        lines << QStringLiteral("%1 left as it is (already so, or nothing of the change applies to it).")
                     .arg(m_plan.unchanged == 1 ? QStringLiteral("1 license") : QStringLiteral("%1 licenses").arg(QLocale().toString(m_plan.unchanged)));
    m_verdict->setText(lines.join(QStringLiteral("<br>")));
    ok->setEnabled(n > 0);
    ok->setText(m_rowIds.size() == 1 ? QStringLiteral("Apply") : QStringLiteral("Apply to %1").arg(QLocale().toString(n)));
    if (acceptNow && canApply())
        QDialog::accept();
}

} // namespace lmo
