#include "shell/databasepage.h"

#include "document/document.h"

namespace lmo {

Document *DatabasePage::document() const
{
    return m_document.data();
}

void DatabasePage::setDocument(Document *document)
{
    if (m_document)
        disconnect(m_document, nullptr, this, nullptr);
    m_document = document;
    if (!document) {
        setDatabase(nullptr);
        return;
    }
    connect(document, &Document::opened, this, [this] { setDatabase(m_document->database()); });
    connect(document, &Document::closing, this, [this] { setDatabase(nullptr); });
    connect(document, &Document::licensesChanged, this, [this] { reload(); });
    setDatabase(document->database());
}

} // namespace lmo
