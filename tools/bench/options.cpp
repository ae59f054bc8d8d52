#include "options.hpp"

#include <algorithm>
#include <charconv>
#include <iostream>
#include <string_view>

#include "fieldsync/core/error.hpp"

namespace fieldsync::bench {
namespace {

constexpr std::string_view kUsage = R"(usage: fieldsync_bench_core [options]
  --quick          small sizes and 3 runs: a smoke run of a few seconds
  --json           print the figures as JSON instead of a table
  --repeats N      runs per figure (default 5; the median is reported)
  --records N      replica size for the merge and export figures (default 100000)
  --edits N        concurrent edits merged into that replica (default 10000)
  --dir PATH       make the temporary databases under PATH (default: system temp dir)
  --only SUITE     run one suite: write, merge, edits, export, codec (repeatable)
)";

std::size_t number(std::string_view flag, const char* text) {
  if (!text) throw Error(ErrorCode::kInvalidArgument, std::string(flag) + " needs a value");
  std::string_view s(text);
  std::size_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || value == 0) {
    throw Error(ErrorCode::kInvalidArgument, std::string(flag) + " wants a positive number, not '" + text + "'");
  }
  return value;
}

}  // namespace

std::optional<Options> parse_options(int argc, char** argv) {
  Options options;
  std::optional<int> repeats;
  std::optional<std::size_t> records;
  std::optional<std::size_t> edits;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg(argv[i]);
    const char* next = i + 1 < argc ? argv[i + 1] : nullptr;
    if (arg == "--quick") {
      options.quick = true;
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg == "--repeats") {
      repeats = static_cast<int>(number(arg, next));
      ++i;
    } else if (arg == "--records") {
      records = number(arg, next);
      ++i;
    } else if (arg == "--edits") {
      edits = number(arg, next);
      ++i;
    } else if (arg == "--dir") {
      if (!next) throw Error(ErrorCode::kInvalidArgument, "--dir needs a path");
      options.dir = next;
      ++i;
    } else if (arg == "--only") {
      if (!next) throw Error(ErrorCode::kInvalidArgument, "--only needs a suite name");
      options.only.emplace_back(next);
      ++i;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return std::nullopt;
    } else {
      throw Error(ErrorCode::kInvalidArgument, "unknown option '" + std::string(arg) + "' (see --help)");
    }
  }
  if (options.quick) {
    options.repeats = 3;
    options.single_writes = 300;
    options.batched_writes = 3'000;
    options.records = 10'000;
    options.edits = 1'000;
    options.codec_ops = 20'000;
  }
  if (repeats) options.repeats = *repeats;
  if (records) options.records = *records;
  if (edits) options.edits = *edits;
  // Edits touch distinct records, so there cannot be more of them than records.
  options.edits = std::min(options.edits, options.records);
  return options;
}

bool wants(const Options& options, const std::string& suite) {
  return options.only.empty() || std::find(options.only.begin(), options.only.end(), suite) != options.only.end();
}

}  // namespace fieldsync::bench
