// fieldsync_bench_core: how fast the engine writes, merges and exports, against bare
// SQLite doing the same storage work. See docs/benchmarks.md.
#include <exception>
#include <iostream>

#include "fieldsync/core/error.hpp"
#include "options.hpp"
#include "report.hpp"
#include "suites.hpp"
#include "temp_dir.hpp"

int main(int argc, char** argv) {
  using namespace fieldsync::bench;
  try {
    auto options = parse_options(argc, argv);
    if (!options) return 0;
    TempDir dir(options->dir);
    std::cerr << "databases in " << dir.path().string() << "\n";
    Report report;
    if (wants(*options, "write")) run_write_suite(*options, dir, report);
    run_merge_suites(*options, dir, report);
    if (wants(*options, "codec")) run_codec_suite(*options, report);
    if (options->json) {
      report.print_json(std::cout, options->repeats);
    } else {
      report.print_table(std::cout, options->repeats);
    }
    return 0;
  } catch (const fieldsync::Error& e) {
    std::cerr << "fieldsync_bench_core: " << e.what() << "\n";
    return e.code() == fieldsync::ErrorCode::kInvalidArgument ? 2 : 1;
  } catch (const std::exception& e) {
    std::cerr << "fieldsync_bench_core: " << e.what() << "\n";
    return 1;
  }
}
