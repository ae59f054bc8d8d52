// GoogleTest's main with a QApplication around it (the app runs one: Qt Charts is built on
// Graphics View): the models, forms and QML need a Qt
// application object (and the QML tests a GUI one; QT_QPA_PLATFORM=offscreen is set by
// ctest, and defaulted here so the binary also runs by hand without a display).

#include <gtest/gtest.h>

#include <QApplication>

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication application(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
