#include <gtest/gtest.h>

#include "fieldsync/core/error.hpp"
#include "fieldsync/core/schema.hpp"
#include "order_lifecycle.hpp"

namespace fieldsync::app {
namespace {

const FieldSchema& status_field() { return *Schema::domain().require("orders").field("status"); }

using Moves = std::vector<std::string>;

TEST(OrderLifecycleTest, OneStageForwardAndCancelUntilDelivered) {
  EXPECT_EQ(legal_order_moves(status_field(), "received"), (Moves{"reviewed", "cancelled"}));
  EXPECT_EQ(legal_order_moves(status_field(), "in_progress"), (Moves{"delivered", "cancelled"}));
  EXPECT_EQ(legal_order_moves(status_field(), "delivered"), (Moves{"after_sales"}));
  EXPECT_EQ(legal_order_moves(status_field(), "after_sales"), Moves{});
  EXPECT_EQ(legal_order_moves(status_field(), "cancelled"), Moves{});
}

TEST(OrderLifecycleTest, FollowingTheForwardMovesWalksTheSchemasStages) {
  std::vector<std::string> walked{"received"};
  while (true) {
    const auto moves = legal_order_moves(status_field(), walked.back());
    if (moves.empty() || moves.front() == kCancelledStage) break;
    walked.push_back(moves.front());
  }
  std::vector<std::string> declared = status_field().values;
  declared.pop_back();  // cancelled is the way out, not a stage on the way
  EXPECT_EQ(walked, declared);
}

TEST(OrderLifecycleTest, SkipsAndStepsBackAreNotLegal) {
  EXPECT_FALSE(is_legal_order_move(status_field(), "received", "scheduled"));
  EXPECT_FALSE(is_legal_order_move(status_field(), "scheduled", "reviewed"));
  EXPECT_FALSE(is_legal_order_move(status_field(), "delivered", "cancelled"));
  EXPECT_TRUE(is_legal_order_move(status_field(), "scheduled", "in_progress"));
  try {
    (void)legal_order_moves(status_field(), "shipped");
    ADD_FAILURE() << "an unknown stage was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidValue);
  }
}

}  // namespace
}  // namespace fieldsync::app
