#pragma once

#include <atomic>
#include <cstddef>
#include <map>
#include <string>
#include <thread>

namespace fieldsync::loadgen {

// What the database's backends did while a PgActivity watched.
struct PgActivityFigures {
  // Backend samples by what the backend was doing: "running" (active, no wait event: on
  // a CPU or waiting for one), "waiting for the client" (idle in transaction: the server
  // between two statements of one transaction), "lock: <event>" (a row lock such as the
  // sequence counter's shows as lock: transactionid or tuple), "WAL: <event>" (IO
  // waits, WALSync or WALWrite: the commit's fsync), or "<type>: <event>" otherwise.
  // Idle backends (between transactions) are not counted.
  std::map<std::string, std::size_t> samples;
  std::size_t rounds = 0;     // how many times pg_stat_activity was read
  double backend_cpu_s = 0;   // user + system CPU of the database's backends meanwhile
};

// Samples pg_stat_activity for the backends connected to one database every few
// milliseconds on a thread of its own, and the CPU time those backends use (from /proc:
// the cluster must run on this machine), from construction until stop().
class PgActivity {
 public:
  PgActivity(std::string maintenance_url, std::string database);
  ~PgActivity();
  PgActivity(const PgActivity&) = delete;
  PgActivity& operator=(const PgActivity&) = delete;

  PgActivityFigures stop();

 private:
  void run();

  const std::string maintenance_url_;
  const std::string database_;
  std::map<int, double> cpu_at_start_;  // backend pid -> CPU seconds
  PgActivityFigures figures_;           // written by the thread until it is joined
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace fieldsync::loadgen
