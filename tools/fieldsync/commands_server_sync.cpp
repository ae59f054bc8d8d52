// sync, history, rejections: the replica and the sync server. `sync` runs the protocol
// (fieldsync::client) once or stays live; `history` reads the server's audit log over
// HTTPS (or HTTP), with the same TLS settings as `sync`; `rejections` lists the pushes the server refused, kept in the replica, and dismisses one.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include "commands.hpp"
#include "fieldsync/client/live_sync.hpp"
#include "fieldsync/client/sync_once.hpp"
#include "fieldsync/client/ws_url.hpp"
#include "fieldsync/core/history_entries.hpp"
#include "fieldsync/core/people.hpp"
#include "fieldsync/tools/http_get.hpp"
#include "json_output.hpp"
#include "text_table.hpp"
#include "time_format.hpp"

namespace fieldsync::cli {
using tools::http_get;
using tools::HttpGetOptions;
using tools::HttpResponse;
using tools::HttpServer;
using tools::parse_http_server;

// A named namespace around this file's helpers: the release build compiles the target's
// files as one unit, where every file's anonymous namespace is the same one.
namespace server_sync {
namespace {

// The replica remembers the server it last synced with, so that later `sync` and
// `history` calls on it may leave --server out.
constexpr std::string_view kServerUrlSetting = "cli.server_url";
constexpr const char* kTokenVariable = "FIELDSYNC_TOKEN";

// How to reach the server: its URL and the user's token, given one of three ways.
struct ServerAccess {
  std::string server;
  std::string token;
  std::string token_file;
};

struct SyncCommand {
  ServerAccess access;
  bool live = false;
  std::string ca_file;         // wss://: the CA to verify the server with; empty: the system's
  bool allow_plaintext = false;  // ws:// to a host that is not loopback
};

struct HistoryCommand {
  ServerAccess access;
  std::string collection;
  std::string id;
  std::string ca_file;           // as for sync
  bool allow_plaintext = false;  // as for sync
};

void add_access_options(CLI::App& command, ServerAccess& access, const std::string& server_help) {
  command.add_option("--server", access.server, server_help);
  auto* token = command.add_option("--token", access.token,
                                   "Access token (visible to other users in the process list: prefer --token-file or "
                                   "the FIELDSYNC_TOKEN variable)");
  auto* token_file = command.add_option("--token-file", access.token_file, "File holding the access token");
  token->excludes(token_file);
}

std::string trimmed(std::string text) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
  text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
  return text;
}

// --token, else --token-file, else $FIELDSYNC_TOKEN; none of them is a usage error.
std::string resolve_token(const ServerAccess& access) {
  if (!access.token.empty()) return access.token;
  if (!access.token_file.empty()) {
    std::ifstream in(access.token_file, std::ios::binary);
    if (!in) throw Error(ErrorCode::kIo, "cannot read the token file '" + access.token_file + "'");
    std::ostringstream content;
    content << in.rdbuf();
    std::string token = trimmed(content.str());
    if (token.empty()) throw Error(ErrorCode::kInvalidArgument, "the token file '" + access.token_file + "' is empty");
    if (token.find_first_of(" \t\r\n") != std::string::npos) {
      throw Error(ErrorCode::kInvalidArgument,
                  "the token file '" + access.token_file + "' holds more than one word; it must hold the token alone");
    }
    return token;
  }
  if (const char* variable = std::getenv(kTokenVariable); variable && *variable) return trimmed(variable);
  throw CLI::RequiredError("a token (--token TOKEN, --token-file FILE or the FIELDSYNC_TOKEN variable)");
}

// The sync endpoint: wss:// or ws://HOST:PORT[/path] as given (path /sync by default), or
// the same server given as https:// or http://HOST:PORT; without --server, the one the
// replica last synced with.
std::string resolve_sync_url(const Replica& replica, const std::string& server) {
  std::string url = server;
  if (url.empty()) {
    auto remembered = replica.setting(kServerUrlSetting);
    if (!remembered) throw CLI::RequiredError("--server (this replica has never synced)");
    url = *remembered;
  }
  if (url.starts_with("http://")) url = "ws://" + url.substr(7);
  if (url.starts_with("https://")) url = "wss://" + url.substr(8);
  return client::parse_ws_url(url).text();  // throws a readable error for a bad URL
}

std::string plural(std::size_t n, std::string_view noun, std::string_view nouns = {}) {
  if (n == 1) return "1 " + std::string(noun);
  return std::to_string(n) + " " + (nouns.empty() ? std::string(noun) + "s" : std::string(nouns));
}

std::string describe_scope(const ClientSyncStats& stats) {
  std::string text = stats.user + " (" + stats.role;
  if (stats.role == "rep") {
    text += "; territories: ";
    for (std::size_t i = 0; i < stats.territories.size(); ++i) text += (i ? ", " : "") + stats.territories[i];
  } else {
    text += "; all territories";
  }
  return text + ")";
}

using RejectionKey = std::tuple<std::string, std::string, std::uint64_t, std::string>;

RejectionKey key_of(const PushRejection& rejection) {
  return {rejection.collection, rejection.id.to_string(), rejection.at_ms, rejection.reason};
}

std::set<RejectionKey> rejection_keys(const Replica& replica) {
  std::set<RejectionKey> keys;
  for (const auto& rejection : replica.rejections()) keys.insert(key_of(rejection));
  return keys;
}

// The refusals recorded since `before` was taken.
std::vector<PushRejection> new_rejections(const Replica& replica, const std::set<RejectionKey>& before) {
  std::vector<PushRejection> fresh;
  for (auto& rejection : replica.rejections()) {
    if (!before.contains(key_of(rejection))) fresh.push_back(std::move(rejection));
  }
  return fresh;
}

// What dismissing a refusal does to the local record, from what the server holds of it.
std::string_view on_dismiss(const PushRejection& rejection) {
  if (rejection.code == ErrorCode::kUnverifiedHistory) return "held";  // queued, not dismissable
  if (!rejection.server.known) return "keep";
  return rejection.server.state ? "revert" : "remove";
}

nlohmann::json rejection_json(const PushRejection& rejection) {
  return {{"collection", rejection.collection},
          {"id", rejection.id.to_string()},
          {"code", std::string(error_code_name(rejection.code))},
          {"reason", rejection.reason},
          {"at_ms", rejection.at_ms},
          {"time", iso8601_utc(rejection.at_ms)},
          {"on_dismiss", std::string(on_dismiss(rejection))}};
}

std::string rejection_line(const PushRejection& rejection) {
  return rejection.collection + " " + rejection.id.to_string() + "  " + std::string(error_code_name(rejection.code)) +
         ": " + rejection.reason;
}

// One JSON object per line, for --live --json.
void print_event(const nlohmann::json& event) {
  std::cout << event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

// A few words that tell a person which record this is.
std::string record_label(const Record& record) {
  for (const char* name : {"name", "order_number", "sku", "summary", "description"}) {
    const FieldSchema* field = record.collection->field(name);
    if (!field) continue;
    const Value& value = record.value(name);
    if (!is_null(value)) return "\"" + truncate_display(format_value(*field, value), 60) + "\"";
  }
  return "";
}

// "3 days 2 h", "4 h 10 min", "7 min", "12 s": how far off a clock is, for a person.
// Rounded to the smallest unit shown (the measure itself is off by a network delay).
std::string clock_distance(std::uint64_t ms) {
  constexpr std::uint64_t kS = 1000, kMin = 60 * kS, kH = 60 * kMin, kDay = 24 * kH;
  if (ms + kH / 2 >= kDay) {
    const std::uint64_t h = (ms + kH / 2) / kH;
    return plural(h / 24, "day") + (h % 24 ? " " + std::to_string(h % 24) + " h" : "");
  }
  if (ms + kMin / 2 >= kH) {
    const std::uint64_t min = (ms + kMin / 2) / kMin;
    return std::to_string(min / 60) + " h" + (min % 60 ? " " + std::to_string(min % 60) + " min" : "");
  }
  if (ms + kS / 2 >= kMin) return std::to_string((ms + kMin / 2) / kMin) + " min";
  return std::to_string((ms + kS / 2) / kS) + " s";
}

// A device clock beyond the server's bound syncs anyway (its stamps are corrected), but
// the user should set it right: one line on stderr, so it shows with --json too.
void warn_if_clock_wrong(const ClientSyncStats& stats) {
  if (!stats.clock_wrong()) return;
  const bool ahead = stats.clock_offset_ms < 0;
  const auto off = static_cast<std::uint64_t>(ahead ? -stats.clock_offset_ms : stats.clock_offset_ms);
  std::cerr << "warning: this device's clock is " << clock_distance(off) << (ahead ? " ahead of" : " behind")
            << " the server's; set its date and time (edits are stamped with the corrected time meanwhile)\n";
}

// ---- sync, once ---------------------------------------------------------------------

void print_sync_summary(const std::string& url, const ClientSyncStats& stats,
                        const std::vector<PushRejection>& refused) {
  std::cout << "synced with " << url << " as " << describe_scope(stats) << '\n';
  std::cout << "  pushed:     " << plural(stats.pushed, "record") << '\n';
  std::cout << "  refused:    " << plural(std::max(stats.rejected, refused.size()), "record") << '\n';
  for (const auto& rejection : refused) std::cout << "    " << rejection_line(rejection) << '\n';
  if (stats.held_back > 0) {
    std::cout << "    " << plural(stats.held_back, "record")
              << " still queued: they carry others' writes the server does not hold yet; sent again at the next sync\n";
  }
  std::cout << "  pulled:     " << plural(stats.pulled, "record") << '\n';
  if (stats.unchanged > 0) {
    std::cout << "  unchanged:  " << plural(stats.unchanged, "record")
              << " this replica holds already, not sent again (a pull from the start)\n";
  }
  if (stats.resynced) {
    std::cout << "  resynced:   from scratch; removed " << plural(stats.forgotten, "record")
              << " no longer on the server or in your territories\n";
  }
  std::cout << "  checkpoint: " << stats.checkpoint << " (server head " << stats.server_seq << ")\n";
}

// GET `target` from the server's HTTP API with the token in a header, as in sync's upgrade
// request: the same rule for plaintext applies.
HttpResponse server_get(const HttpServer& server, const std::string& target, const std::string& token,
                        const client::ConnectionOptions& transport) {
  client::WsUrl endpoint;
  endpoint.tls = server.tls;
  endpoint.host = server.host;
  endpoint.port = server.port;
  endpoint.target = target;
  client::check_transport_allowed(endpoint, transport);
  HttpGetOptions options;
  options.headers.emplace_back("Authorization", "Bearer " + token);
  options.ca_file = transport.ca_file;
  return http_get(server, target, options);
}

// The server's user directory (GET /users), kept in the replica so that conflicts name the
// people behind the devices. Best effort: a sync that worked stays a success when the
// directory cannot be had (an older server); the names come with a later sync.
void refresh_people(Replica& replica, const std::string& url, const std::string& token,
                    const client::ConnectionOptions& connection) {
  try {
    const HttpResponse response = server_get(parse_http_server(url), "/users", token, connection);
    if (response.status != 200) return;
    const auto owners = parse_user_directory(response.body);
    remember_people(replica, owners);
  } catch (const Error&) {
  }
}

void run_sync_once(const Context& context, Replica& replica, const std::string& url, const std::string& token,
                   const client::ConnectionOptions& connection) {
  const auto before = rejection_keys(replica);
  client::SyncOptions options;
  options.connection = connection;
  const ClientSyncStats stats = client::sync_once(replica, url, token, options);
  replica.set_setting(kServerUrlSetting, url);
  refresh_people(replica, url, token, connection);
  warn_if_clock_wrong(stats);
  const auto refused = new_rejections(replica, before);
  if (context.json) {
    auto refused_json = nlohmann::json::array();
    for (const auto& rejection : refused) refused_json.push_back(rejection_json(rejection));
    std::cout << to_pretty_json({{"server", url},
                                 {"user", stats.user},
                                 {"role", stats.role},
                                 {"territories", stats.territories},
                                 {"pushed", stats.pushed},
                                 {"refused", refused_json},
                                 {"held_back", stats.held_back},
                                 {"pulled", stats.pulled},
                                 {"unchanged", stats.unchanged},
                                 {"resynced", stats.resynced},
                                 {"forgotten", stats.forgotten},
                                 {"checkpoint", stats.checkpoint},
                                 {"server_seq", stats.server_seq},
                                 {"clock_offset_ms", stats.clock_offset_ms},
                                 {"clock_wrong", stats.clock_wrong()},
                                 {"restamped", stats.restamped}});
  } else {
    print_sync_summary(url, stats, refused);
  }
  const std::size_t refused_count = std::max(stats.rejected, refused.size());
  if (refused_count > 0) {
    // Like merge-changes: the rest was synced, but the user must hear about the refusal.
    throw Error(ErrorCode::kForbidden, "the server refused " + plural(refused_count, "record") +
                                           "; they are listed by `fieldsync rejections`");
  }
}

// ---- sync --live --------------------------------------------------------------------

// Turns the live sync's status reports into lines on stdout. Runs on the sync thread,
// which owns the replica.
class LiveReporter {
 public:
  LiveReporter(Replica& replica, std::string url, bool json)
      : replica_(&replica), url_(std::move(url)), json_(json), rejections_before_(rejection_keys(replica)) {}

  void on_status(const client::LiveStatus& status) {
    if (status.connections != connection_) {
      connection_ = status.connections;
      announced_ = false;
      caught_up_ = false;
      pushed_ = 0;
      pulled_ = 0;
    }
    if (!status.connected) return report_disconnected(status);
    if (!announced_ && !status.stats.user.empty()) {
      announced_ = true;
      warn_if_clock_wrong(status.stats);
      if (json_) {
        print_event({{"event", "connected"},
                     {"server", url_},
                     {"user", status.stats.user},
                     {"role", status.stats.role},
                     {"territories", status.stats.territories}});
      } else {
        std::cout << "connected to " << url_ << " as " << describe_scope(status.stats) << std::endl;
      }
    }
    report_refusals();
    if (!caught_up_) {
      if (!status.caught_up) return;
      caught_up_ = true;
      pushed_ = status.stats.pushed;
      pulled_ = status.stats.pulled;
      seen_seq_ = replica_->last_seq();
      const auto& stats = status.stats;
      if (json_) {
        print_event({{"event", "caught_up"},
                     {"pushed", stats.pushed},
                     {"refused", stats.rejected},
                     {"pulled", stats.pulled},
                     {"checkpoint", stats.checkpoint}});
      } else {
        std::cout << "up to date: pushed " << stats.pushed << ", refused " << stats.rejected << ", pulled "
                  << stats.pulled << ", checkpoint " << stats.checkpoint
                  << "; waiting for changes (Ctrl-C to stop)" << std::endl;
      }
      return;
    }
    if (status.stats.pushed > pushed_) {
      const std::size_t count = status.stats.pushed - pushed_;
      pushed_ = status.stats.pushed;
      if (json_) {
        print_event({{"event", "pushed"}, {"records", count}});
      } else {
        std::cout << "pushed " << plural(count, "local edit") << std::endl;
      }
    }
    if (status.stats.pulled > pulled_) {
      pulled_ = status.stats.pulled;
      report_received();
    }
  }

  void report_stopped() {
    if (json_) {
      print_event({{"event", "stopped"}});
    } else {
      std::cout << "stopped" << std::endl;
    }
  }

 private:
  void report_disconnected(const client::LiveStatus& status) {
    const std::string why = status.last_error ? status.last_error->what() : "closed";
    if (json_) {
      nlohmann::json event{{"event", "disconnected"}, {"reason", why}};
      if (status.retry_in.count() > 0) event["retry_in_ms"] = status.retry_in.count();
      return print_event(event);
    }
    std::cout << "disconnected: " << why;
    if (status.retry_in.count() > 0) {
      std::ostringstream seconds;
      seconds.precision(1);
      seconds << std::fixed << static_cast<double>(status.retry_in.count()) / 1000.0;
      std::cout << "; retrying in " << seconds.str() << " s";
    }
    std::cout << std::endl;
  }

  void report_refusals() {
    for (const auto& rejection : new_rejections(*replica_, rejections_before_)) {
      rejections_before_.insert(key_of(rejection));
      if (json_) {
        nlohmann::json event = rejection_json(rejection);
        event["event"] = "refused";
        print_event(event);
      } else {
        std::cout << "refused " << rejection_line(rejection) << std::endl;
      }
    }
  }

  // The records that changed here since the last report, as received from the server.
  void report_received() {
    const ChangeBatch changes = replica_->changes_since(seen_seq_);
    seen_seq_ = std::max(seen_seq_, changes.to_seq);
    for (const auto& state : changes.states) {
      auto record = replica_->get(state.collection, state.id);
      if (!record || record->pending) continue;  // a local edit (through another process)
      const std::string label = record_label(*record);
      if (json_) {
        print_event({{"event", "received"},
                     {"collection", state.collection},
                     {"id", state.id.to_string()},
                     {"deleted", record->deleted()},
                     {"record", state_to_json(*record->collection, record->state)["values"]}});
      } else {
        std::cout << "received " << state.collection << ' ' << state.id.to_string() << (label.empty() ? "" : "  ")
                  << label << (record->deleted() ? "  (deleted)" : "") << std::endl;
      }
    }
  }

  Replica* replica_;
  std::string url_;
  bool json_;
  std::set<RejectionKey> rejections_before_;
  unsigned connection_ = 0;
  bool announced_ = false;
  bool caught_up_ = false;
  std::size_t pushed_ = 0;
  std::size_t pulled_ = 0;
  std::uint64_t seen_seq_ = 0;
};

void run_sync_live(const Context& context, Replica& replica, const std::string& url, const std::string& token,
                   const client::ConnectionOptions& connection) {
  LiveReporter reporter(replica, url, context.json);
  client::LiveOptions options;
  options.sync.connection = connection;
  options.on_status = [&reporter](const client::LiveStatus& status) { reporter.on_status(status); };
  client::LiveSync live(replica, url, token, options);

  // SIGINT and SIGTERM end the run cleanly: the connection closes after what is queued.
  boost::asio::io_context signal_io(1);
  boost::asio::signal_set signals(signal_io, SIGINT, SIGTERM);
  signals.async_wait([&live](const boost::system::error_code& ec, int) {
    if (!ec) live.stop();
  });
  std::thread signal_thread([&signal_io] { signal_io.run(); });

  // Edits made meanwhile by other fieldsync commands on the same file are pushed within a
  // second: with_replica() looks at the outbox on the sync thread, then pushes what is there.
  std::mutex mutex;
  std::condition_variable wake;
  bool finished = false;
  std::thread outbox_watch([&] {
    std::unique_lock lock(mutex);
    while (!wake.wait_for(lock, std::chrono::seconds(1), [&] { return finished; })) {
      (void)live.with_replica([](Replica& r) { return r.outbox_size(); });
    }
  });

  const auto stop_helpers = [&] {
    {
      std::lock_guard lock(mutex);
      finished = true;
    }
    wake.notify_all();
    outbox_watch.join();
    signal_io.stop();
    signal_thread.join();
  };
  try {
    live.run();
  } catch (...) {
    stop_helpers();
    throw;  // an error no retry can cure: a bad token, a refused replica id
  }
  stop_helpers();
  replica.set_setting(kServerUrlSetting, url);
  reporter.report_stopped();
}

void run_sync(const Context& context, const SyncCommand& command) {
  Replica replica = context.open_existing();
  const std::string url = resolve_sync_url(replica, command.access.server);
  const std::string token = resolve_token(command.access);
  client::ConnectionOptions connection;
  connection.ca_file = command.ca_file;
  connection.allow_plaintext = command.allow_plaintext;
  if (command.live) return run_sync_live(context, replica, url, token, connection);
  run_sync_once(context, replica, url, token, connection);
}

// ---- history ------------------------------------------------------------------------

std::string describe_http_failure(const HttpResponse& response) {
  return trimmed(response.body).empty() ? "HTTP " + std::to_string(response.status)
                                        : trimmed(response.body) + " (HTTP " + std::to_string(response.status) + ")";
}

void run_history(const Context& context, const HistoryCommand& command) {
  const auto& collection = Schema::domain().require(command.collection);
  const RecordId id = parse_record_id(command.id);
  std::string server = command.access.server;
  if (server.empty() && !context.db_path.empty()) {
    if (auto remembered = context.open_existing().setting(kServerUrlSetting)) server = *remembered;
  }
  if (server.empty()) throw CLI::RequiredError("--server");
  const HttpServer http_server = parse_http_server(server);
  client::ConnectionOptions transport;
  transport.allow_plaintext = command.allow_plaintext;
  transport.ca_file = command.ca_file;
  const HttpResponse response = server_get(http_server, "/api/history/" + collection.name + "/" + id.to_string(),
                                           resolve_token(command.access), transport);
  switch (response.status) {
    case 200: break;
    case 401: throw Error(ErrorCode::kUnauthenticated, "the server refused the token: " + describe_http_failure(response));
    case 403: throw Error(ErrorCode::kForbidden, "not allowed: " + describe_http_failure(response));
    case 404:
      throw Error(ErrorCode::kNotFound, collection.name + " " + id.to_string() +
                                            " is not on the server (or not in your territories): " +
                                            describe_http_failure(response));
    default: throw Error(ErrorCode::kIo, http_server.text() + " answered: " + describe_http_failure(response));
  }
  nlohmann::json entries = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!entries.is_array()) throw Error(ErrorCode::kIo, http_server.text() + " answered with something that is not a history");
  if (context.json) {
    std::cout << to_pretty_json(entries);
    return;
  }
  if (entries.empty()) {
    std::cout << "no history for " << collection.name << ' ' << id.to_string() << " on " << http_server.text() << '\n';
    return;
  }
  std::cout << "history of " << collection.name << ' ' << id.to_string() << '\n';
  // One row per field change; an entry's further changes on rows of their own below it.
  TextTable table({"time", "person", "device", "action", "change", "detail"}, 120);
  for (const auto& entry : parse_history(response.body)) {
    const auto& lines = entry.changes;
    table.add_row({iso8601_utc(entry.at_ms), entry.person(), entry.device(), entry.action, lines.front(), entry.detail});
    for (std::size_t i = 1; i < lines.size(); ++i) table.add_row({"", "", "", "", lines[i], ""});
  }
  table.print(std::cout);
  std::cout << '(' << plural(entries.size(), "entry", "entries") << ")\n";
}

// ---- rejections ---------------------------------------------------------------------

struct RejectionsCommand {
  std::vector<std::string> dismiss;  // collection, id
};

void run_dismiss(const Context& context, const std::string& collection, const std::string& id_text) {
  const RecordId id = parse_record_id(id_text);
  Replica replica = context.open_existing();
  const Dismissal done = replica.dismiss_rejection(collection, id);
  const std::string record = collection + " " + id.to_string();
  if (context.json) {
    const char* outcome = done == Dismissal::kReverted ? "reverted" : done == Dismissal::kRemoved ? "removed" : "kept";
    std::cout << to_pretty_json({{"collection", collection}, {"id", id.to_string()}, {"outcome", outcome}});
    return;
  }
  switch (done) {
    case Dismissal::kReverted: std::cout << "dismissed: " << record << " is back to the server's copy\n"; break;
    case Dismissal::kRemoved:
      std::cout << "dismissed: " << record << " was removed (the server holds no such record)\n";
      break;
    case Dismissal::kKept:
      std::cout << "dismissed: " << record << " is kept as it is (the server's copy is not known)\n";
      break;
  }
}

void run_rejections(const Context& context, const RejectionsCommand& command) {
  if (!command.dismiss.empty()) return run_dismiss(context, command.dismiss[0], command.dismiss[1]);
  Replica replica = context.open_existing();
  const auto rejections = replica.rejections();
  if (context.json) {
    auto array = nlohmann::json::array();
    for (const auto& rejection : rejections) array.push_back(rejection_json(rejection));
    std::cout << to_pretty_json(array);
    return;
  }
  if (rejections.empty()) {
    std::cout << "no refused records\n";
    return;
  }
  TextTable table({"refused at", "collection", "id", "code", "on dismiss", "reason"}, 120);
  for (const auto& r : rejections) {
    table.add_row({iso8601_utc(r.at_ms), r.collection, r.id.to_string(), std::string(error_code_name(r.code)),
                   std::string(on_dismiss(r)), r.reason});
  }
  table.print(std::cout);
  std::cout << '(' << plural(rejections.size(), "refused record") << ")\n";
}

}  // namespace
}  // namespace server_sync

void add_server_sync_commands(CLI::App& app, const Context& context) {
  using namespace server_sync;

  auto sync = std::make_shared<SyncCommand>();
  auto* sync_cmd = app.add_subcommand("sync", "Sync with a FieldSync server: push local edits, pull to the head");
  add_access_options(*sync_cmd, sync->access,
                     "Sync URL, wss://HOST:PORT[/sync] (https://HOST:PORT too; ws:// to loopback or with "
                     "--allow-plaintext); default: the last one used");
  sync_cmd->add_flag("--live", sync->live, "Stay connected, print changes as they arrive, until SIGINT or SIGTERM");
  sync_cmd->add_option("--ca-file", sync->ca_file,
                       "PEM file of the CA that issued the server's certificate (default: the system's trusted CAs)");
  sync_cmd->add_flag("--allow-plaintext", sync->allow_plaintext,
                     "Allow ws:// (no TLS) to a host that is not loopback: the token crosses the network readable");
  sync_cmd->callback([&context, sync] { run_sync(context, *sync); });

  auto history = std::make_shared<HistoryCommand>();
  auto* history_cmd = app.add_subcommand("history", "A record's audit log on the server: who changed what, when");
  history_cmd->add_option("collection", history->collection)->required();
  history_cmd->add_option("id", history->id)->required();
  add_access_options(*history_cmd, history->access,
                     "Server URL, https://HOST:PORT or the wss:// sync URL (http:// and ws:// to loopback or with "
                     "--allow-plaintext); default: the replica's (with --db)");
  history_cmd->add_option("--ca-file", history->ca_file,
                          "PEM file of the CA that issued the server's certificate (default: the system's trusted CAs)");
  history_cmd->add_flag("--allow-plaintext", history->allow_plaintext,
                        "Allow http:// (no TLS) to a host that is not loopback: the token crosses the network readable");
  history_cmd->callback([&context, history] { run_history(context, *history); });

  auto rejections = std::make_shared<RejectionsCommand>();
  auto* rejections_cmd = app.add_subcommand("rejections", "Local edits the server refused, with the reason");
  rejections_cmd->add_option("--dismiss", rejections->dismiss,
                             "COLLECTION ID: the refusal was seen; drop it and return the record to the server's copy "
                             "(remove it if the server holds none)")
      ->expected(2);
  rejections_cmd->callback([&context, rejections] { run_rejections(context, *rejections); });
}

}  // namespace fieldsync::cli
