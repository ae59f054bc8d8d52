#pragma once

// `fieldsync-app --screenshots DIR`: the app renders its main pages with demo data into
// PNGs (rep home, customer page, order, review queue, reports, settings), for the docs. It
// drives the real QML through the root's navigation functions, so the pictures are
// what a rep sees.

#include <QString>

class QQuickWindow;

namespace fieldsync::app {

class AppController;

// Returns 0, or 1 after printing what went wrong.
int take_screenshots(QQuickWindow& window, AppController& app, const QString& directory);

}  // namespace fieldsync::app
