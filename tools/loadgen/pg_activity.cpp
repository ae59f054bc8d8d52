#include "pg_activity.hpp"

#include <chrono>
#include <vector>

#include <pqxx/pqxx>

#include "common.hpp"

namespace fieldsync::loadgen {

namespace pg_activity {

constexpr auto kSamplePeriod = std::chrono::milliseconds(5);

std::map<int, double> backend_cpu(pqxx::connection& connection, const std::string& database) {
  pqxx::nontransaction session(connection);
  std::map<int, double> cpu;
  for (const auto& row : session.exec_params("SELECT pid FROM pg_stat_activity WHERE datname = $1", database)) {
    const int pid = row[0].as<int>();
    cpu[pid] = cpu_seconds(pid);
  }
  return cpu;
}

std::string category(const std::string& state, const std::string& type, const std::string& event) {
  if (state == "idle in transaction") return "waiting for the client";
  if (type.empty()) return "running";
  if (type == "Lock") return "lock: " + event;
  if (type == "IO" && event.rfind("WAL", 0) == 0) return "WAL: " + event;
  return type + ": " + event;
}

}  // namespace pg_activity

PgActivity::PgActivity(std::string maintenance_url, std::string database)
    : maintenance_url_(std::move(maintenance_url)), database_(std::move(database)) {
  pqxx::connection connection(maintenance_url_);
  cpu_at_start_ = pg_activity::backend_cpu(connection, database_);
  thread_ = std::thread([this] { run(); });
}

PgActivity::~PgActivity() {
  stopping_.store(true);
  if (thread_.joinable()) thread_.join();
}

void PgActivity::run() {
  try {
    pqxx::connection connection(maintenance_url_);
    while (!stopping_.load()) {
      {
        pqxx::nontransaction session(connection);
        const auto rows = session.exec_params(
            "SELECT state, coalesce(wait_event_type, ''), coalesce(wait_event, '') FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid() AND state <> 'idle'",
            database_);
        for (const auto& row : rows) {
          ++figures_.samples[pg_activity::category(row[0].as<std::string>(), row[1].as<std::string>(),
                                                   row[2].as<std::string>())];
        }
        ++figures_.rounds;
      }
      std::this_thread::sleep_for(pg_activity::kSamplePeriod);
    }
  } catch (const std::exception& e) {
    figures_.samples[std::string("sampling failed: ") + e.what()] = 0;
  }
}

PgActivityFigures PgActivity::stop() {
  stopping_.store(true);
  if (thread_.joinable()) thread_.join();
  pqxx::connection connection(maintenance_url_);
  for (const auto& [pid, cpu] : pg_activity::backend_cpu(connection, database_)) {
    const auto before = cpu_at_start_.find(pid);
    figures_.backend_cpu_s += cpu - (before == cpu_at_start_.end() ? 0 : before->second);
  }
  return figures_;
}

}  // namespace fieldsync::loadgen
