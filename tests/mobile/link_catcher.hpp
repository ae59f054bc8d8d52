#pragma once

#include <QObject>
#include <QUrl>

namespace fieldsync::app::test {

// Stands in for the platform's dialer, mail and map apps: QDesktopServices hands it the
// links the app opens (setUrlHandler), so a test sees what a tap would have opened.
class LinkCatcher : public QObject {
  Q_OBJECT

 public:
  QUrl last;

 public slots:
  void open(const QUrl& url) { last = url; }
};

}  // namespace fieldsync::app::test
