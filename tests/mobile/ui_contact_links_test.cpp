// Call, write, find on a map: the customer page's buttons hand the platform the right link.
#include <gtest/gtest.h>

#include <QDesktopServices>

#include "app_window.hpp"
#include "link_catcher.hpp"

namespace fieldsync::app {
namespace {

using test::AppWindow;
using test::wait_until;

TEST(ContactLinksUi, ACustomersPhoneMailAndAddressAreOneTapAway) {
  fieldsync::test::TempDir dir;
  AppWindow rep(dir.file("rep.db"));
  test::LinkCatcher catcher;
  for (const char* scheme : {"tel", "mailto", "geo"}) {
    QDesktopServices::setUrlHandler(QString::fromLatin1(scheme), &catcher, "open");
  }
  const RecordId shop = rep.app().replica().create(
      "customers", {{"name", Value(std::string("Hoffmann"))}, {"territory", Value(std::string("north"))},
                    {"phone", Value(std::string("+49 40 555-1201"))},
                    {"email", Value(std::string("einkauf@hoffmann.de"))},
                    {"address", Value(std::string("Elbchaussee 12, Hamburg"))}});
  const RecordId quiet = rep.app().replica().create(
      "customers", {{"name", Value(std::string("No Details"))}, {"territory", Value(std::string("north"))}});
  rep.app().localWriteDone();

  rep.call("openCustomer", QString::fromStdString(shop.to_string()));
  rep.click(QStringLiteral("callButton"));
  EXPECT_TRUE(wait_until([&] { return catcher.last == QUrl(QStringLiteral("tel:+49405551201")); })) << catcher.last.toString().toStdString();
  rep.click(QStringLiteral("mailButton"));
  EXPECT_TRUE(wait_until([&] { return catcher.last.scheme() == QLatin1String("mailto"); }));
  EXPECT_EQ(catcher.last.path(), QStringLiteral("einkauf@hoffmann.de"));
  rep.click(QStringLiteral("mapButton"));
  EXPECT_TRUE(wait_until([&] { return catcher.last.scheme() == QLatin1String("geo"); }));
  EXPECT_EQ(catcher.last.toString(QUrl::FullyDecoded), QStringLiteral("geo:0,0?q=Elbchaussee 12, Hamburg"));

  // Nothing to call or write: no dead buttons.
  rep.call("back");
  rep.call("openCustomer", QString::fromStdString(quiet.to_string()));
  ASSERT_TRUE(wait_until([&] { return rep.text(QStringLiteral("customerName")) == QLatin1String("No Details"); }));
  // (once the first customer's page has left with its transition)
  EXPECT_TRUE(wait_until([&] { return !rep.shows(QStringLiteral("callButton")); }));
  EXPECT_FALSE(rep.shows(QStringLiteral("mailButton")));
  EXPECT_FALSE(rep.shows(QStringLiteral("mapButton")));
  for (const char* scheme : {"tel", "mailto", "geo"}) QDesktopServices::unsetUrlHandler(QString::fromLatin1(scheme));
}

}  // namespace
}  // namespace fieldsync::app
