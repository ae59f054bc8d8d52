// import, export: a collection from and to RFC 4180 CSV.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

#include "commands.hpp"
#include "fieldsync/core/csv.hpp"
#include "csv_import.hpp"
#include "fieldsync/tools/progress_bar.hpp"

namespace fieldsync::cli {
namespace {

// Rows per transaction: large enough to amortise the commit, small enough that the
// write lock is released now and then.
constexpr std::size_t kImportBatchRows = 1000;
// Problems printed before the rest are only counted.
constexpr std::size_t kMaxProblemsShown = 50;

struct ImportOptions {
  std::string collection;
  std::string file;
};

struct ExportOptions {
  std::string collection;
  bool csv = false;
};

std::string read_text_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw Error(ErrorCode::kIo, "cannot read '" + path + "': it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kIo, "cannot open '" + path + "'");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(ErrorCode::kIo, "cannot read '" + path + "'");
  return text;
}

void run_import(const Context& context, const ImportOptions& options) {
  const std::string text = read_text_file(options.file);
  Replica replica = context.open_existing();
  const auto& collection = replica.schema().require(options.collection);

  // Everything is checked before the first write: a bad file imports nothing.
  ImportPlan plan = plan_import(replica, collection, text);
  if (!plan.problems.empty()) {
    for (std::size_t i = 0; i < plan.problems.size() && i < kMaxProblemsShown; ++i) {
      std::cerr << plan.problems[i] << '\n';
    }
    if (plan.problems.size() > kMaxProblemsShown) {
      std::cerr << "... and " << plan.problems.size() - kMaxProblemsShown << " more\n";
    }
    throw Error(ErrorCode::kInvalidValue, options.file + ": " + std::to_string(plan.problems.size()) +
                                              (plan.problems.size() == 1 ? " bad row" : " bad rows") +
                                              "; nothing was imported");
  }

  tools::ProgressBar progress("importing " + collection.name, plan.rows.size(), tools::stderr_is_terminal());
  apply_import(replica, collection, plan.rows, kImportBatchRows, [&](std::size_t done) { progress.update(done); });
  progress.finish();
  std::size_t updated = static_cast<std::size_t>(
      std::count_if(plan.rows.begin(), plan.rows.end(), [](const ImportRow& r) { return r.update; }));
  std::cout << "imported " << plan.rows.size() << " rows into " << collection.name << ": "
            << plan.rows.size() - updated << " created, " << updated << " updated\n";
}

void run_export(const Context& context, const ExportOptions& options) {
  if (!options.csv) throw Error(ErrorCode::kInvalidArgument, "choose an output format: --csv");
  Replica replica = context.open_existing();
  const auto& collection = replica.schema().require(options.collection);
  std::vector<std::string> cells{"id"};
  for (const auto& f : collection.fields) {
    if (f.name != kDeletedField) cells.push_back(f.name);
  }
  write_csv_row(std::cout, cells);
  for (const auto& record : replica.list(collection.name)) {
    cells.assign(1, record.state.id.to_string());
    for (std::size_t i = 0; i < collection.fields.size(); ++i) {
      if (collection.fields[i].name != kDeletedField) cells.push_back(format_value(collection.fields[i], record.values[i]));
    }
    write_csv_row(std::cout, cells);
  }
}

}  // namespace

void add_csv_commands(CLI::App& app, const Context& context) {
  auto imported = std::make_shared<ImportOptions>();
  auto* import_cmd = app.add_subcommand("import", "Import CSV rows (header = field names, optional id column)");
  import_cmd->add_option("collection", imported->collection)->required();
  import_cmd->add_option("file", imported->file, "CSV file (RFC 4180)")->required();
  import_cmd->callback([&context, imported] { run_import(context, *imported); });

  auto exported = std::make_shared<ExportOptions>();
  auto* export_cmd = app.add_subcommand("export", "Write a collection's live records to stdout");
  export_cmd->add_option("collection", exported->collection)->required();
  export_cmd->add_flag("--csv", exported->csv, "As RFC 4180 CSV: id, then the schema's fields");
  export_cmd->callback([&context, exported] { run_export(context, *exported); });
}

}  // namespace fieldsync::cli
