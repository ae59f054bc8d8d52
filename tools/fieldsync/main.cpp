// fieldsync: the command-line tool for a local replica. Wires the command groups into
// one parser and turns every failure into "error: <message>" and a non-zero status.
#include <CLI/CLI.hpp>

#include <iostream>

#include "commands.hpp"

int main(int argc, char** argv) {
  using namespace fieldsync::cli;
  CLI::App app{
      "fieldsync: inspect and edit a FieldSync replica, sync it with a server or by change files, import and "
      "export CSV"};
  app.require_subcommand(1);
  // Global options may also follow the subcommand: `fieldsync get ... --json`.
  app.fallthrough();

  Context context;
  auto* db = app.add_option("--db", context.db_path, "Replica database file");
  app.add_flag("--json", context.json, "Machine-readable output where the command has any");

  add_admin_commands(app, context);
  add_record_commands(app, context);
  add_rule_commands(app, context);
  add_conflict_commands(app, context);
  add_sync_file_commands(app, context);
  add_csv_commands(app, context);
  add_server_sync_commands(app, context);
  // Every command works on a replica, except `history`, which only asks the server.
  for (CLI::App* command : app.get_subcommands({})) {
    if (command->get_name() != "history") command->needs(db);
  }

  try {
    app.parse(argc, argv);
    // A full disk or a closed pipe must not pass for a complete export.
    std::cout.flush();
    if (!std::cout) throw fieldsync::Error(fieldsync::ErrorCode::kIo, "cannot write the output");
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help
  } catch (const CLI::ParseError& e) {
    // CLI11 reports a mistyped command as a missing one; name what was typed instead.
    const auto extra = app.remaining();
    if (app.get_subcommands().empty() && !extra.empty()) {
      std::cerr << "error: unknown command '" << extra.front() << "'\n(run with --help for the commands)\n";
      return 2;
    }
    std::cerr << "error: " << e.what() << "\n(run with --help for usage)\n";
    return 2;  // a usage error, whatever CLI11 would have returned
  } catch (const fieldsync::Error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
