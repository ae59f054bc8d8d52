#include <gtest/gtest.h>

#include "fieldsync/client/backoff.hpp"

namespace fieldsync::client {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, GrowsExponentiallyWithinTheJitterBand) {
  Backoff backoff(BackoffOptions{milliseconds(500), milliseconds(30'000), 2.0, 0.5}, 42);
  double base = 500;
  for (int i = 0; i < 6; ++i) {
    const auto delay = backoff.next().count();
    EXPECT_GE(delay, static_cast<std::int64_t>(base * 0.5) - 1) << "attempt " << i;
    EXPECT_LE(delay, static_cast<std::int64_t>(base)) << "attempt " << i;
    base *= 2;
  }
  EXPECT_EQ(backoff.attempts(), 6u);
}

TEST(Backoff, IsCappedAndResets) {
  Backoff backoff(BackoffOptions{milliseconds(500), milliseconds(30'000), 2.0, 0.5}, 7);
  for (int i = 0; i < 30; ++i) EXPECT_LE(backoff.next().count(), 30'000);
  EXPECT_GE(backoff.next().count(), 15'000) << "at the cap the jitter stays within [cap/2, cap]";
  backoff.reset();
  EXPECT_LE(backoff.next().count(), 500);
  EXPECT_EQ(backoff.attempts(), 1u);
}

TEST(Backoff, JitterSpreadsClients) {
  Backoff a(BackoffOptions{}, 1);
  Backoff b(BackoffOptions{}, 2);
  bool differ = false;
  for (int i = 0; i < 5; ++i) differ = differ || a.next() != b.next();
  EXPECT_TRUE(differ);
}

TEST(Backoff, NoJitterIsExact) {
  Backoff backoff(BackoffOptions{milliseconds(100), milliseconds(1000), 3.0, 0.0}, 1);
  EXPECT_EQ(backoff.next().count(), 100);
  EXPECT_EQ(backoff.next().count(), 300);
  EXPECT_EQ(backoff.next().count(), 900);
  EXPECT_EQ(backoff.next().count(), 1000);
}

}  // namespace
}  // namespace fieldsync::client
