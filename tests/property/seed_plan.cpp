#include "seed_plan.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "fieldsync/core/error.hpp"

namespace fieldsync::test {
namespace {

std::optional<std::string_view> env(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) return std::nullopt;
  return std::string_view(value);
}

std::uint64_t env_count(const char* name, std::uint64_t fallback) {
  auto text = env(name);
  if (!text) return fallback;
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size()) {
    throw Error(ErrorCode::kInvalidArgument, std::string(name) + "='" + std::string(*text) + "' is not a whole number");
  }
  return value;
}

double env_factor(const char* name) {
  auto text = env(name);
  if (!text) return 1.0;
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(std::string(*text), &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text->size() || !(value > 0) || !std::isfinite(value)) {
    throw Error(ErrorCode::kInvalidArgument, std::string(name) + "='" + std::string(*text) + "' is not a positive number");
  }
  return value;
}

}  // namespace

SeedPlan seed_plan_from_env(std::size_t default_count) {
  SeedPlan plan;
  plan.ops_scale = env_factor("FIELDSYNC_OPS");
  if (env("FIELDSYNC_SEED")) {
    plan.seeds.push_back(env_count("FIELDSYNC_SEED", 0));
    return plan;
  }
  const std::uint64_t base = env_count("FIELDSYNC_SEED_BASE", 1);
  const std::uint64_t count = env_count("FIELDSYNC_SEEDS", default_count);
  plan.seeds.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) plan.seeds.push_back(base + i);
  return plan;
}

std::size_t scaled_ops(const SeedPlan& plan, std::size_t ops) {
  auto scaled = static_cast<std::size_t>(std::llround(static_cast<double>(ops) * plan.ops_scale));
  return scaled > 0 ? scaled : 1;
}

}  // namespace fieldsync::test
