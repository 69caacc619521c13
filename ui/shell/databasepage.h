#pragma once

#include <QPointer>
#include <QWidget>

namespace lmo {

class Database;
class Document;

// A page of the main window that shows what the open database holds.
//
// The window gives every page its Document once (setDocument). The page reads through the
// document (Document::read on the shared reading worker, or a worker of its own on the
// document's connection spec), never on the UI thread, and follows its signals: opened and
// closing call setDatabase(), licensesChanged calls reload(); a page may connect to more.
class DatabasePage : public QWidget
{
    Q_OBJECT
public:
    using QWidget::QWidget;
    void setDocument(Document *document);
    Document *document() const;

    // nullptr when no database is open. The page must not keep using the old one.
    virtual void setDatabase(Database *database) = 0;
    // Reload after the data changed underneath (an edit, an import, a demo, Go > Reload).
    virtual void reload() = 0;

private:
    QPointer<Document> m_document;
};

} // namespace lmo
