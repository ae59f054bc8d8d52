#include "admin_commands.hpp"

#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <iomanip>
#include <optional>

#include "fieldsync/core/error.hpp"
#include "display_name.hpp"
#include "enrolment_code.hpp"
#include "enrolment_link.hpp"
#include "qr_svg.hpp"
#include "fieldsync/server/principal.hpp"

namespace fieldsync::server {
namespace {

constexpr std::int64_t kMaxTtlDays = 3650;
constexpr std::int64_t kMaxAuditDays = 36500;
constexpr std::uint64_t kDayMs = 24ULL * 3600 * 1000;
constexpr std::int64_t kMaxEnrolMinutes = 7 * 24 * 60;

// The QR code holds the secret: written readable by its owner only, whatever the umask.
void write_private_file(const std::filesystem::path& file, const std::string& text) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw Error(ErrorCode::kIo, "cannot write " + file.string());
  ::fchmod(fd, 0600);
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0) {
      ::close(fd);
      throw Error(ErrorCode::kIo, "cannot write " + file.string());
    }
    written += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) throw Error(ErrorCode::kIo, "cannot write " + file.string());
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

}  // namespace

std::vector<std::string> split_territories(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

std::string iso_time(std::uint64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

void user_add(Store& store, const std::string& name, const std::string& role, const std::string& territories,
              const std::string& display_name, std::ostream& out) {
  if (name.empty()) throw Error(ErrorCode::kInvalidArgument, "the user name is empty");
  auto parsed = parse_role(role);
  if (!parsed) throw Error(ErrorCode::kInvalidArgument, "unknown role '" + role + "': use rep, supervisor or admin");
  UserRecord user{name, *parsed, split_territories(territories), false, display_name};
  if (user.role == Role::kRep && user.territories.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "a rep needs at least one territory: --territory T1,T2");
  }
  store.add_user(user);  // throws kAlreadyExists for a duplicate, kInvalidArgument for a bad display name
  out << "added user " << user.name << " (" << role_name(user.role) << ")";
  if (!user.territories.empty()) out << " territories " << join(user.territories);
  out << ", shown as \"" << checked_display_name(user.name, user.display_name) << "\"\n";
}

void user_set_display_name(Store& store, const std::string& name, const std::string& display_name, std::ostream& out) {
  store.set_user_display_name(name, display_name);  // throws kNotFound, kInvalidArgument
  out << "user " << name << " is shown as \"" << checked_display_name(name, display_name) << "\"\n";
}

void user_list(Store& store, std::ostream& out) {
  // The display name last: setw counts bytes, and a name in Chinese or with umlauts would
  // push the columns after it out of line.
  out << std::left << std::setw(24) << "NAME" << std::setw(12) << "ROLE" << std::setw(10) << "STATUS"
      << std::setw(24) << "TERRITORIES" << "DISPLAY NAME\n";
  for (const auto& user : store.users()) {
    out << std::setw(24) << user.name << std::setw(12) << role_name(user.role) << std::setw(10)
        << (user.disabled ? "disabled" : "active") << std::setw(24)
        << (user.territories.empty() ? "-" : join(user.territories)) << user.display_name << "\n";
  }
}

void user_set_disabled(Store& store, const std::string& name, bool disabled, std::ostream& out) {
  store.set_user_disabled(name, disabled);  // throws kNotFound
  out << (disabled ? "disabled" : "enabled") << " user " << name
      << (disabled ? ": their tokens are refused and open connections end" : "") << "\n";
}

void user_set_territories(Store& store, const std::string& name, const std::string& territories, std::ostream& out) {
  const std::vector<std::string> list = split_territories(territories);
  std::optional<UserRecord> user;
  for (auto& u : store.users()) {
    if (u.name == name) user = std::move(u);
  }
  if (!user) throw Error(ErrorCode::kNotFound, "no user '" + name + "'");
  if (user->role == Role::kRep && list.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "a rep needs at least one territory: set-territories " + name + " T1,T2");
  }
  store.set_user_territories(name, list);
  out << "user " << name << " territories " << (list.empty() ? "-" : join(list));
  if (user->role != Role::kRep) out << " (a " << role_name(user->role) << " reads every territory anyway)";
  out << "; their replicas resync\n";
}

void prune_audit(Store& store, const Clock& clock, std::int64_t days, std::ostream& out) {
  if (days < 1 || days > kMaxAuditDays) {
    throw Error(ErrorCode::kInvalidArgument,
                "--older-than-days must be between 1 and " + std::to_string(kMaxAuditDays) +
                    " (or set [audit] retention_days in the config)");
  }
  const std::uint64_t now = clock.now_ms();
  const std::uint64_t age = static_cast<std::uint64_t>(days) * kDayMs;
  const std::size_t removed = store.prune_audit(now > age ? now - age : 0);
  out << "removed " << removed << " audit entries older than " << days << " days\n";
}

void token_issue(Store& store, const Clock& clock, const std::string& user, std::int64_t ttl_days,
                 std::ostream& out, std::ostream& note) {
  if (ttl_days < 1 || ttl_days > kMaxTtlDays) {
    throw Error(ErrorCode::kInvalidArgument, "--ttl-days must be between 1 and " + std::to_string(kMaxTtlDays));
  }
  const IssuedToken issued = store.issue_token(user, static_cast<std::uint64_t>(ttl_days) * kDayMs, clock.now_ms());
  out << issued.token << "\n";
  note << "token " << issued.token_id << " for user " << user << ", expires " << iso_time(issued.expires_ms)
       << ". It is shown only this once.\n";
}

void enrol(Store& store, const Clock& clock, const EnrolOptions& options, std::ostream& out, std::ostream& note) {
  if (options.ttl_minutes < 1 || options.ttl_minutes > kMaxEnrolMinutes) {
    throw Error(ErrorCode::kInvalidArgument, "--ttl-minutes must be between 1 and " + std::to_string(kMaxEnrolMinutes));
  }
  if (options.token_ttl_days < 1 || options.token_ttl_days > kMaxTtlDays) {
    throw Error(ErrorCode::kInvalidArgument, "--token-ttl-days must be between 1 and " + std::to_string(kMaxTtlDays));
  }
  if (!options.server.starts_with("wss://") && !options.server.starts_with("ws://")) {
    throw Error(ErrorCode::kInvalidArgument,
                "--server must be the address phones reach, e.g. wss://sync.example.com:8787 (not '" + options.server +
                    "')");
  }
  const std::string code = make_enrolment_code();
  const std::uint64_t now = clock.now_ms();
  EnrolmentCode stored{options.user, enrolment_code_hash(*normalise_enrolment_code(code)), now,
                       now + static_cast<std::uint64_t>(options.ttl_minutes) * 60'000,
                       static_cast<std::uint64_t>(options.token_ttl_days) * kDayMs};
  const std::string link = enrolment_link(options.server, code, options.pin);
  const std::string svg = qr_svg(link);
  store.add_enrolment_code(stored);  // throws kNotFound for an unknown user
  // A QR file that cannot be written leaves a code nobody saw: it expires unused.
  write_private_file(options.qr_file, svg);
  out << code << "\n";
  note << "enrolment code for user " << options.user << ", valid until " << iso_time(stored.expires_ms)
       << ", once; an earlier code of this user no longer works.\n"
       << "link: " << link << "\n"
       << "QR code of the link: " << options.qr_file.string() << "\n"
       << (options.server.starts_with("ws://")
               ? "unencrypted: phones accept it only on their own loopback or with plaintext allowed\n"
           : options.pin.empty() ? "phones trust the server's certificate through their system's CAs\n"
                                 : "phones pin the server's private CA " + options.pin + "\n");
}

void token_revoke(Store& store, const std::string& token_id, std::ostream& out) {
  if (!store.revoke_token(token_id)) throw Error(ErrorCode::kNotFound, "no token with id '" + token_id + "'");
  out << "revoked token " << token_id << "\n";
}

void token_list(Store& store, const Clock& clock, std::ostream& out) {
  const std::uint64_t now = clock.now_ms();
  out << std::left << std::setw(16) << "TOKEN ID" << std::setw(24) << "USER" << std::setw(22) << "ISSUED"
      << std::setw(22) << "EXPIRES" << "STATUS\n";
  for (const auto& token : store.tokens()) {
    const char* status = token.revoked ? "revoked" : token.expires_ms <= now ? "expired" : "active";
    out << std::setw(16) << token.token_id << std::setw(24) << token.user << std::setw(22) << iso_time(token.issued_ms)
        << std::setw(22) << iso_time(token.expires_ms) << status << "\n";
  }
}

}  // namespace fieldsync::server
