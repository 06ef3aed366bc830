#include "sim/engine/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <simgrid/s4u/Engine.hpp>

namespace sdsim {

namespace {

// %S in a pattern: SimGrid's clock (simulated seconds), or "-" before the engine exists.
class SimulatedTimeFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    char buf[32];
    const int n = simgrid::s4u::Engine::is_initialized()
                      ? std::snprintf(buf, sizeof buf, "%.6fs", simgrid::s4u::Engine::get_clock())
                      : std::snprintf(buf, sizeof buf, "-");
    dest.append(buf, buf + n);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<SimulatedTimeFlag>();
  }
};

std::unique_ptr<spdlog::formatter> make_formatter() {
  auto f = std::make_unique<spdlog::pattern_formatter>();
  f->add_flag<SimulatedTimeFlag>('S').set_pattern("[t=%S] %n %l: %v");
  return f;
}

spdlog::level::level_enum g_level = spdlog::level::warn;

}  // namespace

void configure_logging(spdlog::level::level_enum level) {
  g_level = level;
  spdlog::set_level(level);
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) {
    l->set_level(g_level);
    l->set_formatter(make_formatter());
  });
}

std::shared_ptr<spdlog::logger> logger(const std::string& family) {
  if (auto l = spdlog::get(family)) return l;
  auto l =
      std::make_shared<spdlog::logger>(family, std::make_shared<spdlog::sinks::stderr_sink_st>());
  l->set_level(g_level);
  l->set_formatter(make_formatter());
  spdlog::register_logger(l);
  return l;
}

}  // namespace sdsim
