#pragma once

#include "options.hpp"
#include "report.hpp"
#include "temp_dir.hpp"

namespace fieldsync::bench {

// 1. Local writes: Replica::create against a plain SQLite INSERT, per commit and batched.
void run_write_suite(const Options& options, const TempDir& dir, Report& report);
// 2-4. Merging into an empty replica, merging concurrent edits into a full one, exporting.
void run_merge_suites(const Options& options, const TempDir& dir, Report& report);
// encode_state / decode_state / merge of one record, in memory.
void run_codec_suite(const Options& options, Report& report);

}  // namespace fieldsync::bench
