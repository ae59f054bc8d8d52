#pragma once

// A running server (ServerFixture) holding `Count` customers, alternately in "south" and
// "north", pushed from the replica source_: what the pull-from-scratch tests start from.

#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

#include "client_test_support.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "test_server.hpp"

namespace fieldsync::test {

template <std::size_t Count>
class CustomersOnServer : public ServerFixture {
 protected:
  static constexpr std::size_t kCustomers = Count;

  void SetUp() override {
    ServerFixture::SetUp();
    ids_ = create_customers(source_, Count);
    ASSERT_EQ(client::sync_once(source_, server_.url(), token_).pushed, Count);
  }

  Replica source_ = open_replica(dir_, "source.db");
  std::vector<RecordId> ids_;  // the customers, in creation order
};

}  // namespace fieldsync::test
