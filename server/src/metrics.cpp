#include "fieldsync/server/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <string>

namespace fieldsync::server {
namespace {

prometheus::Counter* counter(prometheus::Registry& registry, const std::string& name, const std::string& help) {
  return &prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  connections_open_ = &prometheus::BuildGauge()
                           .Name("fieldsync_connections_open")
                           .Help("WebSocket sync connections open now")
                           .Register(*registry_)
                           .Add({});
  connections_total_ = counter(*registry_, "fieldsync_connections_total", "WebSocket sync connections accepted");
  pushes_ = counter(*registry_, "fieldsync_pushes_total", "Push messages committed");
  auto& durations = prometheus::BuildHistogram()
                        .Name("fieldsync_request_duration_seconds")
                        .Help("Time the server took for a hello, push or pull: from the decoded frame to the reply, "
                              "store work and durable commits included, the network not")
                        .Register(*registry_);
  const prometheus::Histogram::BucketBoundaries buckets{0.0005, 0.001, 0.002, 0.005, 0.01, 0.025,
                                                        0.05,   0.1,   0.25,  1,     5};
  request_durations_ = {&durations.Add({{"request", "hello"}}, buckets), &durations.Add({{"request", "push"}}, buckets),
                        &durations.Add({{"request", "pull"}}, buckets)};
  pulls_ = counter(*registry_, "fieldsync_pulls_total", "Pull messages answered");
  records_merged_ = counter(*registry_, "fieldsync_records_merged_total", "Pushed records accepted and merged");
  records_refused_ = counter(*registry_, "fieldsync_records_refused_total", "Pushed records refused (scope, validation)");
  records_pulled_ = counter(*registry_, "fieldsync_records_pulled_total", "Records sent in pull and live batches");
  records_unchanged_ = counter(*registry_, "fieldsync_records_unchanged_total",
                               "Records a pull from 0 did not send again: the replica named them as held");
  conflicts_ = counter(*registry_, "fieldsync_conflicts_opened_total", "Fields that went into conflict on merge");
  tombstones_collected_ =
      counter(*registry_, "fieldsync_tombstones_collected_total", "Deleted records removed for good by collection");
  territory_moves_ =
      counter(*registry_, "fieldsync_territory_moves_total", "Committed changes that moved a record to another territory");
  resyncs_requested_ = counter(*registry_, "fieldsync_resyncs_requested_total",
                               "Welcomes and live batches that made a replica resync from scratch");
  clock_skewed_hellos_ = counter(*registry_, "fieldsync_clock_skewed_hellos_total",
                                 "Hellos whose device clock was further off than max_clock_skew_ms");
  future_stamps_lowered_ = counter(*registry_, "fieldsync_future_stamps_lowered_total",
                                   "Pushed time stamps further ahead than max_clock_skew_ms, lowered to the server clock");
  errors_ = &prometheus::BuildCounter()
                 .Name("fieldsync_errors_total")
                 .Help("Error messages sent to clients, by code")
                 .Register(*registry_);
  connections_refused_ = &prometheus::BuildCounter()
                              .Name("fieldsync_connections_refused_total")
                              .Help("TCP connections closed on accept, by the cap they were over")
                              .Register(*registry_);
}

Metrics::~Metrics() = default;

void Metrics::connection_opened() {
  connections_open_->Increment();
  connections_total_->Increment();
}

void Metrics::connection_closed() { connections_open_->Decrement(); }

void Metrics::connection_refused(const std::string& reason) { connections_refused_->Add({{"reason", reason}}).Increment(); }

void Metrics::pushed(std::size_t records, std::size_t refused, std::size_t conflicts_opened) {
  pushes_->Increment();
  records_merged_->Increment(static_cast<double>(records));
  records_refused_->Increment(static_cast<double>(refused));
  conflicts_->Increment(static_cast<double>(conflicts_opened));
}

void Metrics::request_handled(Request request, std::chrono::steady_clock::duration took) {
  request_durations_[static_cast<std::size_t>(request)]->Observe(std::chrono::duration<double>(took).count());
}

void Metrics::pulled(std::size_t records, std::size_t unchanged) {
  pulls_->Increment();
  records_pulled_->Increment(static_cast<double>(records));
  records_unchanged_->Increment(static_cast<double>(unchanged));
}

void Metrics::error(ErrorCode code) { errors_->Add({{"code", std::string(error_code_name(code))}}).Increment(); }

void Metrics::tombstones_collected(std::size_t records) {
  tombstones_collected_->Increment(static_cast<double>(records));
}

void Metrics::territory_moves(std::size_t records) { territory_moves_->Increment(static_cast<double>(records)); }

void Metrics::resync_requested() { resyncs_requested_->Increment(); }

void Metrics::clock_skewed_hello() { clock_skewed_hellos_->Increment(); }

void Metrics::future_stamps_lowered(std::size_t stamps) {
  future_stamps_lowered_->Increment(static_cast<double>(stamps));
}

std::string Metrics::render() const { return prometheus::TextSerializer().Serialize(registry_->Collect()); }

}  // namespace fieldsync::server
