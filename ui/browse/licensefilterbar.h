#pragma once

#include "browse/licenselist.h"
#include "browse/licensequery.h"
#include "lmo/lmoprofile.h"

#include <QDate>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTimer;

namespace lmo {

class LmoChooser;
class MultiSelectButton;

// The Licenses page's filter bar: the search, a button per picklist, sandbox, site license, the
// LMO, install dates and "expiring within". It knows the filter it shows and the choices it
// offers; it reads nothing itself (the page hands it what the database offers).
class LicenseFilterBar : public QWidget
{
    Q_OBJECT
public:
    explicit LicenseFilterBar(QWidget *parent = nullptr);

    // The filter as the bar shows it (effective status judged on asOf(), today unless set).
    LicenseFilter filter() const;
    // Shows `filter`; filterChanged() once, after.
    void setFilter(const LicenseFilter &filter);
    void setAsOf(const QDate &day) { m_asOf = day; }

    // What the database offers to choose from (read off the UI thread by the page). A choice
    // the database no longer has is no longer chosen; filterChanged() follows if it changes.
    void setOffer(const LicenseFilterChoices &choices, const QList<KnownLmo> &lmos);
    // No database: nothing to offer. `loading`: the choices are on their way (the buttons wait).
    void clearOffer(bool loading);
    const LicenseFilterChoices &choices() const { return m_choices; }
    LmoChooser *lmoChooser() const { return m_lmo; }

    void focusSearch();
    // A login whose team policy keeps the seats from it cannot filter on them: the site-license
    // choice is hidden (and cleared).
    void setSeatsReadable(bool readable);
    // "Clear filters" follows whether the filter is empty.
    void updateClearButton();

signals:
    // The user (or setFilter, setOffer) changed the filter.
    void filterChanged();
    // Return in the search box: the list takes the focus.
    void searchSubmitted();

private:
    void changed();
    void refreshVersionChoices();

    QLineEdit *m_search;
    MultiSelectButton *m_status;
    MultiSelectButton *m_effective;
    MultiSelectButton *m_package;
    MultiSelectButton *m_version;
    MultiSelectButton *m_edition;
    MultiSelectButton *m_instance;
    QComboBox *m_sandbox;
    QComboBox *m_site;
    LmoChooser *m_lmo;
    QCheckBox *m_installed;
    QDateEdit *m_installedFrom;
    QDateEdit *m_installedTo;
    QCheckBox *m_expiring;
    QSpinBox *m_expiringDays;
    QPushButton *m_clear;
    QTimer *m_searchDelay;
    LicenseFilterChoices m_choices;
    bool m_applying = false;
    QDate m_asOf;
};

} // namespace lmo
