#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <string>

#include "fieldsync/core/error.hpp"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace fieldsync::server {

// The server's Prometheus metrics (served as text on GET /metrics). Thread-safe.
class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  void connection_opened();
  void connection_closed();
  // A TCP connection closed as soon as it was accepted: `reason` names the cap it was over.
  void connection_refused(const std::string& reason);
  void pushed(std::size_t records, std::size_t refused, std::size_t conflicts_opened);
  // The sync requests whose handling is timed, from the decoded frame to the reply.
  enum class Request { kHello, kPush, kPull };
  void request_handled(Request request, std::chrono::steady_clock::duration took);
  // A pull answered or a live batch sent: the records it carried, and the held records a
  // pull from 0 left out (Batch.unchanged).
  void pulled(std::size_t records, std::size_t unchanged = 0);
  void error(ErrorCode code);
  void tombstones_collected(std::size_t records);
  void territory_moves(std::size_t records);
  void resync_requested();
  void clock_skewed_hello();
  void future_stamps_lowered(std::size_t stamps);

  // Everything in the Prometheus text exposition format.
  std::string render() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Gauge* connections_open_;
  prometheus::Counter* connections_total_;
  prometheus::Counter* pushes_;
  std::array<prometheus::Histogram*, 3> request_durations_{};  // by Request
  prometheus::Counter* pulls_;
  prometheus::Counter* records_merged_;
  prometheus::Counter* records_refused_;
  prometheus::Counter* records_pulled_;
  prometheus::Counter* records_unchanged_;
  prometheus::Counter* conflicts_;
  prometheus::Counter* tombstones_collected_;
  prometheus::Counter* territory_moves_;
  prometheus::Counter* resyncs_requested_;
  prometheus::Counter* clock_skewed_hellos_;
  prometheus::Counter* future_stamps_lowered_;
  prometheus::Family<prometheus::Counter>* errors_;
  prometheus::Family<prometheus::Counter>* connections_refused_;
};

}  // namespace fieldsync::server
