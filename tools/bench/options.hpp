#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace fieldsync::bench {

// What to run and how big; --quick scales every size down for a smoke run.
struct Options {
  bool quick = false;
  bool json = false;
  int repeats = 5;                      // runs per figure; the median is reported
  std::size_t single_writes = 2'000;    // writes measured one transaction each
  std::size_t batched_writes = 20'000;  // writes measured 1000 per transaction
  std::size_t records = 100'000;        // replica size for merge and export
  std::size_t edits = 10'000;           // concurrent edits merged into `records`
  std::size_t codec_ops = 200'000;      // encode/decode iterations
  std::string dir;                      // where the temp dir goes; empty: system temp
  std::vector<std::string> only;        // suites to run; empty: all
};

// Parses argv; returns nullopt after printing usage (for --help). Throws Error on a bad option.
std::optional<Options> parse_options(int argc, char** argv);

bool wants(const Options& options, const std::string& suite);

}  // namespace fieldsync::bench
