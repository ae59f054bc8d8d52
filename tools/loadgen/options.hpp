#pragma once

#include <cstddef>
#include <string>

namespace fieldsync::loadgen {

// Everything the command line sets. A zero count means "the scenario's default".
struct Options {
  std::string scenario;       // pull, push, latency, idle, reps, flood, storm, cluster
  std::string server_url;     // empty: start an in-process server on loopback
  std::string token;          // for --server
  std::string store_url;      // cluster: a PostgreSQL cluster where it may create databases
  std::string dir;            // parent of the temporary directories; empty: the system's
  bool json = false;
  bool durable = true;        // in-process / child server: synchronous=FULL (the server's default)
  unsigned server_threads = 2;
  unsigned server_store_threads = 0;  // in-process server: store workers; 0: the server's default
  std::size_t records = 0;
  std::size_t edits = 0;
  std::size_t clients = 0;
  double duration_s = 10.0;
  unsigned repeats = 3;
  unsigned interval_ms = 5;    // latency: pause between two edits
  std::size_t push_batch = 0;  // records per push; 0: the server's max_batch_records
  std::string server_binary;   // idle, flood: the fieldsync-server to start
  int server_pid = 0;          // idle, flood with --server: the process whose memory to read
  std::size_t max_in_flight = 200;  // idle: connection attempts at once
  std::size_t reps = 0;        // storm: reps (500); cluster: reps pushing at once (200)
  std::size_t latency_edits = 0;  // cluster: live edits per latency measurement (1000)
  double ramp_s = 60.0;        // storm: the reps' starts spread over this many seconds
  double changed_percent = 2.0;  // storm: share of each territory changed on the server since yesterday
  bool progress = false;       // draw progress on stderr (set when it is a terminal)
  bool first_sync_only = false;  // pull: only the CLI's first sync in its own process (time, peak RSS)
};

}  // namespace fieldsync::loadgen
