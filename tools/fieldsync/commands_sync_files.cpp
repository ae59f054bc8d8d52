// export-changes, merge-changes: syncing by hand-carried files (USB stick, e-mail, tests).
#include <algorithm>
#include <iostream>
#include <memory>

#include "change_file.hpp"
#include "commands.hpp"
#include "json_output.hpp"

namespace fieldsync::cli {
namespace {

struct ExportChangesOptions {
  std::string out;
  std::int64_t since = 0;  // signed, so that "-1" is an error rather than a huge checkpoint
};

struct MergeOptions {
  std::string file;
};

void run_export_changes(const Context& context, const ExportChangesOptions& options) {
  if (options.since < 0) throw Error(ErrorCode::kInvalidArgument, "--since must be 0 or a checkpoint printed by export-changes");
  Replica replica = context.open_existing();
  ChangeFileSummary summary = export_change_file(replica, static_cast<std::uint64_t>(options.since), options.out);
  if (context.json) {
    std::cout << to_pretty_json({{"file", options.out},
                                 {"records", summary.records},
                                 {"from_seq", summary.from_seq},
                                 {"to_seq", summary.to_seq}});
    return;
  }
  std::cout << "exported " << summary.records << (summary.records == 1 ? " record" : " records") << " to "
            << options.out << "\nnext time: export-changes --since " << summary.to_seq << '\n';
}

void run_merge(const Context& context, const MergeOptions& options) {
  // Read before opening: a bad file must not even create the replica's WAL files.
  ChangeFileContents contents = read_change_file(options.file);
  Replica replica = context.open_existing();
  MergeReport report = replica.merge(contents.states);

  std::vector<RecordRejection> rejected = contents.undecodable;
  for (auto r : report.rejected) {
    r.index = contents.state_positions.at(r.index);  // the batch skipped undecodable records
    rejected.push_back(std::move(r));
  }
  std::sort(rejected.begin(), rejected.end(), [](const auto& a, const auto& b) { return a.index < b.index; });

  if (context.json) {
    auto reasons = nlohmann::json::array();
    for (const auto& r : rejected) {
      reasons.push_back({{"index", r.index},
                         {"collection", r.collection},
                         {"id", r.id},
                         {"code", std::string(error_code_name(r.code))},
                         {"reason", r.reason}});
    }
    std::cout << to_pretty_json({{"source_replica", contents.source.to_string()},
                                 {"from_seq", contents.from_seq},
                                 {"to_seq", contents.to_seq},
                                 {"records", contents.record_count},
                                 {"inserted", report.inserted},
                                 {"updated", report.updated},
                                 {"unchanged", report.unchanged},
                                 {"conflicts_opened", report.conflicts_opened},
                                 {"rejected", std::move(reasons)}});
  } else {
    std::cout << "merged " << contents.record_count << (contents.record_count == 1 ? " record" : " records")
              << " from replica " << contents.source.to_string()
              << ": inserted " << report.inserted << ", updated " << report.updated << ", unchanged "
              << report.unchanged << ", conflicts opened " << report.conflicts_opened << ", rejected "
              << rejected.size() << '\n';
    for (const auto& r : rejected) {
      std::cout << "  rejected record #" << r.index << " (" << r.collection << ' ' << r.id << "): " << r.reason
                << '\n';
    }
  }
  if (!rejected.empty()) {
    // The good records are merged; the exit status still tells a script that some were not.
    throw Error(rejected.front().code, std::to_string(rejected.size()) + " of " +
                                           std::to_string(contents.record_count) + " records were rejected");
  }
}

}  // namespace

void add_sync_file_commands(CLI::App& app, const Context& context) {
  auto exported = std::make_shared<ExportChangesOptions>();
  auto* export_cmd = app.add_subcommand("export-changes", "Write the changes after a checkpoint to a change file");
  export_cmd->add_option("--out", exported->out, "Change file to write")->required();
  export_cmd->add_option("--since", exported->since, "Checkpoint printed by the previous export (default 0: all)");
  export_cmd->callback([&context, exported] { run_export_changes(context, *exported); });

  auto merged = std::make_shared<MergeOptions>();
  auto* merge_cmd = app.add_subcommand("merge-changes", "Merge a change file written by another replica");
  merge_cmd->add_option("file", merged->file, "Change file to read")->required();
  merge_cmd->callback([&context, merged] { run_merge(context, *merged); });
}

}  // namespace fieldsync::cli
