// The links behind a tap on a phone number, an e-mail address, an address.
#include "contact_links.hpp"

#include <gtest/gtest.h>

namespace fieldsync::app {
namespace {

TEST(ContactLinks, APhoneNumberDialsItsDigits) {
  EXPECT_EQ(call_url(QStringLiteral(" +49 (40) 555-1201 ")).toString(), QStringLiteral("tel:+49405551201"));
  EXPECT_EQ(call_url(QStringLiteral("010 6552 8888")).toString(), QStringLiteral("tel:01065528888"));
  EXPECT_FALSE(call_url(QStringLiteral("ask at the desk")).isValid());
  EXPECT_FALSE(call_url(QString()).isValid());
  EXPECT_EQ(call_url(QStringLiteral("12+34")).toString(), QStringLiteral("tel:1234")) << "a + only leads";
}

TEST(ContactLinks, AnAddressWritesOrFindsOnAMap) {
  EXPECT_EQ(mail_url(QStringLiteral("einkauf@hoffmann.de")).toString(), QStringLiteral("mailto:einkauf@hoffmann.de"));
  EXPECT_FALSE(mail_url(QStringLiteral("einkauf at hoffmann")).isValid());
  EXPECT_FALSE(mail_url(QStringLiteral("@hoffmann.de")).isValid());
  const QUrl map = map_url(QStringLiteral("Elbchaussee 12\n22763 Hamburg"));
  EXPECT_EQ(map.scheme(), QStringLiteral("geo"));
  EXPECT_EQ(map.toString(QUrl::FullyDecoded), QStringLiteral("geo:0,0?q=Elbchaussee 12 22763 Hamburg"));
  EXPECT_FALSE(map_url(QStringLiteral("  ")).isValid());
}

}  // namespace
}  // namespace fieldsync::app
