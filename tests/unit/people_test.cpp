// The user directory a phone keeps to name the people behind the devices in its dots.
#include "fieldsync/core/people.hpp"

#include <gtest/gtest.h>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/replica.hpp"
#include "fieldsync/core/schema.hpp"

namespace fieldsync {
namespace {

const char* kAnnasPhone = "0190a6f2-0001-7000-8000-0000000000a1";
const char* kAnnasTablet = "0190a6f2-0001-7000-8000-0000000000a2";
const char* kSuesPhone = "0190a6f2-0001-7000-8000-0000000000b1";

std::string directory() {
  return std::string(R"([{"name":"anna","display_name":"Anna Weber","role":"rep","devices":[")") + kAnnasPhone +
         R"(",")" + kAnnasTablet + R"("]},{"name":"sue","display_name":"","role":"supervisor","devices":[")" +
         kSuesPhone + R"("]},{"name":"ben","display_name":"Ben Okafor","role":"rep","devices":[]}])";
}

ReplicaId id(const char* text) { return *Uuid::parse(text); }

TEST(People, TheDirectoryListsEveryDeviceWithItsPerson) {
  const auto owners = parse_user_directory(directory());
  ASSERT_EQ(owners.size(), 3u);
  EXPECT_EQ(owners[0].device, id(kAnnasPhone));
  EXPECT_EQ(owners[1].device, id(kAnnasTablet));
  EXPECT_EQ(owners[1].person.display_name, "Anna Weber");
  EXPECT_EQ(owners[2].person.user, "sue");
}

TEST(People, AReplicaNamesTheDevicesItWasToldOfAndOnlyThose) {
  Replica replica = Replica::open(":memory:", Schema::domain());
  EXPECT_EQ(who_wrote(replica, id(kAnnasPhone)), "device 0190a6f2");
  remember_people(replica, parse_user_directory(directory()));
  EXPECT_EQ(who_wrote(replica, id(kAnnasTablet)), "Anna Weber");
  EXPECT_EQ(who_wrote(replica, id(kSuesPhone)), "sue") << "no display name: the sign-in name";
  EXPECT_EQ(person_of(replica, id(kSuesPhone))->user, "sue");
  EXPECT_FALSE(person_of(replica, id("0190a6f2-0001-7000-8000-0000000000c1")));
  // A later directory renames; what it does not mention stays.
  const std::string renamed = std::string(R"([{"name":"anna","display_name":"安娜","devices":[")") + kAnnasPhone + "\"]}]";
  remember_people(replica, parse_user_directory(renamed));
  EXPECT_EQ(who_wrote(replica, id(kAnnasPhone)), "安娜");
  EXPECT_EQ(who_wrote(replica, id(kAnnasTablet)), "Anna Weber");
}

TEST(People, ABodyOfAnotherShapeIsAnErrorNotACrash) {
  for (const char* bad : {"", "{}", "not json", R"([1])", R"([{"display_name":"x"}])", R"([{"name":5}])",
                          R"([{"name":"a","devices":"x"}])", R"([{"name":"a","devices":["not-a-uuid"]}])",
                          R"([{"name":"a\nb","devices":[]}])"}) {
    SCOPED_TRACE(bad);
    try {
      parse_user_directory(bad);
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    }
  }
  EXPECT_TRUE(parse_user_directory("[]").empty());
  EXPECT_TRUE(parse_user_directory(R"([{"name":"old-server","display_name":"x","role":"rep"}])").empty())
      << "a directory without devices names nobody";
}

}  // namespace
}  // namespace fieldsync
