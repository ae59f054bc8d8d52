// The platforms' declarations of the links the app opens (Android's intent filter, iOS's
// URL types) must name the scheme and host of the links the app reads: a mismatch would
// leave the office's QR code opening nothing on a phone, with no test here able to see it.

#include <gtest/gtest.h>

#include <QFile>
#include <QStringList>
#include <QXmlStreamReader>

#include "enrol_link.hpp"

namespace fieldsync::app {
namespace {

const QString kSample = QStringLiteral("?server=wss%3A%2F%2Fsync.example.com&code=K7QF-M2XA-9D");

QByteArray read(const QString& relative) {
  QFile file(QStringLiteral(FIELDSYNC_MOBILE_DIR "/") + relative);
  EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << relative.toStdString();
  return file.readAll();
}

// scheme://host of every <data> in the manifest's VIEW intent filters.
QStringList android_links(const QByteArray& manifest) {
  const QString ns = QStringLiteral("http://schemas.android.com/apk/res/android");
  QStringList links;
  QXmlStreamReader xml(manifest);
  while (!xml.atEnd()) {
    xml.readNext();
    if (xml.isStartElement() && xml.name() == QLatin1String("data")) {
      links << xml.attributes().value(ns, QStringLiteral("scheme")).toString() + QStringLiteral("://") +
                   xml.attributes().value(ns, QStringLiteral("host")).toString();
    }
  }
  EXPECT_FALSE(xml.hasError()) << xml.errorString().toStdString();
  return links;
}

// The strings of CFBundleURLSchemes in the plist.
QStringList ios_schemes(const QByteArray& plist) {
  QStringList schemes;
  QXmlStreamReader xml(plist);
  bool in_schemes = false;
  while (!xml.atEnd()) {
    xml.readNext();
    if (xml.isStartElement() && xml.name() == QLatin1String("key")) {
      in_schemes = xml.readElementText() == QLatin1String("CFBundleURLSchemes");
    } else if (in_schemes && xml.isStartElement() && xml.name() == QLatin1String("string")) {
      schemes << xml.readElementText();
    } else if (in_schemes && xml.isEndElement() && xml.name() == QLatin1String("array")) {
      in_schemes = false;
    }
  }
  EXPECT_FALSE(xml.hasError()) << xml.errorString().toStdString();
  return schemes;
}

TEST(PlatformLinksTest, AndroidOpensTheEnrolmentLinksTheAppReads) {
  const QStringList links = android_links(read(QStringLiteral("android/AndroidManifest.xml")));
  ASSERT_EQ(links.size(), 1) << links.join(QLatin1Char(' ')).toStdString();
  EXPECT_TRUE(parse_enrol_link(links.front() + kSample)) << links.front().toStdString();
}

TEST(PlatformLinksTest, IosOpensTheEnrolmentLinksTheAppReads) {
  const QStringList schemes = ios_schemes(read(QStringLiteral("ios/Info.plist.in")));
  ASSERT_EQ(schemes.size(), 1) << schemes.join(QLatin1Char(' ')).toStdString();
  EXPECT_TRUE(parse_enrol_link(schemes.front() + QStringLiteral("://enrol") + kSample)) << schemes.front().toStdString();
}

}  // namespace
}  // namespace fieldsync::app
