#include "sim/engine/simulation.hpp"

#include <simgrid/s4u/Engine.hpp>
#include <xbt/config.hpp>

#include <chrono>
#include <map>
#include <stdexcept>
#include <vector>

#include "sim/engine/calendar.hpp"
#include "sim/engine/cpu.hpp"
#include "sim/engine/faults.hpp"
#include "sim/engine/log.hpp"
#include "sim/engine/network.hpp"
#include "sim/engine/platform.hpp"
#include "sim/engine/run_control.hpp"
#include "sim/engine/stop_request.hpp"
#include "sim/metrics/metrics_hub.hpp"

namespace sdsim {

namespace {

class Directory final : public ComponentDirectory {
 public:
  void add(Component* c) { by_name_.emplace(c->name(), c); }
  Component& get(std::string_view name) const override {
    auto it = by_name_.find(std::string(name));
    if (it == by_name_.end())
      throw std::logic_error("unresolved component name: " + std::string(name));
    return *it->second;
  }

 private:
  std::map<std::string, Component*> by_name_;
};

// True in an AddressSanitizer build (gcc defines __SANITIZE_ADDRESS__, clang has the feature).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

// SimGrid settings for nominal figures (notes P5, P6; DESIGN.md): CM02 without cross-traffic
// and without the TCP-window bound, so "1Gbps, 30ms" means exactly that. Raw contexts, one
// thread (notes P15: thread contexts are ~90x slower); SimGrid's own log quiet (sdsim reports a
// deadlock itself). Under ASan, thread contexts: raw contexts switch stacks behind ASan's back
// (Debian's SimGrid is not built with ASan's fiber annotations), which gives false reports.
// sdsim starts no actor today (the request path is callbacks), so the factory only matters to
// maestro and to actors a future change may add.
std::vector<std::string> simgrid_args() {
  return {"sdsim",
          "--log=root.thresh:critical",
          kAddressSanitizer ? "--cfg=contexts/factory:thread" : "--cfg=contexts/factory:raw",
          "--cfg=network/model:CM02",
          "--cfg=network/crosstraffic:0",
          "--cfg=network/TCP-gamma:0"};
}

// The network in force (summary.json `run.network`): the scenario's figures and the SimGrid
// settings, read back from SimGrid's configuration rather than restated.
nlohmann::json network_summary(const NetworkConfig& config, const Network& network) {
  const auto bandwidth = [](BitsPerSecond b) {
    return b > 0 ? nlohmann::json(b) : nlohmann::json(nullptr);  // null: unlimited
  };
  nlohmann::json zones = nlohmann::json::object();
  for (std::size_t z = 1; z < config.zones.size(); ++z) zones[config.zones[z]] = config.members[z];
  nlohmann::json links = nlohmann::json::array();
  for (const NetworkLink& l : config.links)
    links.push_back({{"name", l.name},
                     {"between",
                      {config.zones[static_cast<std::size_t>(l.zone_a)],
                       config.zones[static_cast<std::size_t>(l.zone_b)]}},
                     {"latency_s", l.latency},
                     {"bandwidth_bps", bandwidth(l.bandwidth)}});
  namespace cfg = simgrid::config;
  return {{"model", network_model_name(config.model)},
          {"default_latency_s", config.default_latency},
          {"default_bandwidth_bps", bandwidth(config.default_bandwidth)},
          {"zones", zones},
          {"links", links},
          {"messages_sent", network.messages_sent()},
          {"messages_lost", network.messages_lost()},
          {"messages_cut", network.messages_cut()},
          {"simgrid",
           {{"network/model", cfg::get_value<std::string>("network/model")},
            {"network/latency-factor", cfg::get_value<double>("network/latency-factor")},
            {"network/bandwidth-factor", cfg::get_value<double>("network/bandwidth-factor")},
            {"network/weight-S", cfg::get_value<double>("network/weight-S")},
            {"network/crosstraffic", cfg::get_value<bool>("network/crosstraffic")},
            {"network/TCP-gamma", cfg::get_value<double>("network/TCP-gamma")}}}};
}

}  // namespace

RunResult run_simulation(const Scenario& scenario, const RunOptions& options) {
  const auto setup_start = std::chrono::steady_clock::now();
  std::vector<std::string> args = simgrid_args();
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  simgrid::s4u::Engine engine(&argc, argv.data());
  // After the engine: it installs its own SIGINT handler, which would exit() mid-run.
  if (options.stop_on_signals) handle_stop_signals();

  bool deadlock = false;
  simgrid::s4u::Engine::on_deadlock_cb([&deadlock] { deadlock = true; });

  const std::uint64_t seed = options.seed.value_or(scenario.seed);
  Calendar calendar;
  MessagePool messages;
  Platform platform(scenario.network);
  Network network(calendar, messages, scenario.network);
  Cpu cpu(calendar);
  MetricsHub metrics(calendar, scenario.warmup, scenario.window, options.timeseries);
  metrics.enable_batch_means(scenario.duration);
  metrics.set_request_log(options.request_log);
  metrics.set_slo(scenario.slo);
  RunControl control(calendar, metrics, cpu, network, messages, scenario.duration,
                     scenario.requests,
                     [&scenario](Seconds issue_time) { return scenario.drain_limit(issue_time); });
  control.set_guards(options.guards);
  SimContext ctx{calendar,      network, cpu,      platform, messages,
                 metrics,       control, scenario, seed,     options.replication,
                 options.tracer};
  network.set_tracer(options.tracer);
  FaultInjector faults(scenario, calendar, network, metrics, seed, options.replication);
  FaultInjector::prepare_platform(scenario, platform);

  // Components first, then clients, in file order: host creation order is deterministic.
  // The hosts an item creates belong to its network zone.
  std::vector<std::unique_ptr<Component>> built;
  Directory directory;
  for (const auto* list : {&scenario.components, &scenario.clients})
    for (const auto& c : *list) {
      platform.enter_zone(scenario.network.zone_of(c->name));
      built.push_back(c->build(ctx));
    }
  for (auto& c : built) directory.add(c.get());
  platform.seal();
  for (auto& c : built) c->connect(directory);
  faults.connect(directory);

  logger("sim")->info("{}: {} hosts, {} routes, seed {}", scenario.name, platform.host_count(),
                      network.route_count(), seed);
  bool stalled = false;
  calendar.on_stall([&](Seconds t) {
    stalled = true;
    logger("sim")->error("simulated time does not advance at t={}s", t);
    control.stop("stalled");
  });
  if (options.progress)
    calendar.on_progress([&] {
      options.progress(RunProgress{calendar.now(), scenario.duration, control.issued(),
                                   scenario.requests, metrics.ended_total(), control.issuing()});
    });
  metrics.start();
  control.start();
  faults.start();
  for (auto& c : built) c->start();

  const auto wall_start = std::chrono::steady_clock::now();
  const double setup = std::chrono::duration<double>(wall_start - setup_start).count();
  engine.run();
  const auto wall_end = std::chrono::steady_clock::now();
  const double wall = std::chrono::duration<double>(wall_end - wall_start).count();
  if (options.stop_on_signals) default_stop_signals();

  if (!control.over()) control.end_run(true);  // SimGrid ran out of events first

  RunResult result;
  result.deadlock = deadlock;
  result.stalled = stalled;
  result.stopped_by = control.stopped_by();
  result.setup_seconds = setup;
  result.wall_seconds = wall;
  result.issued = control.issued();
  nlohmann::json measured = metrics.summary();
  if (options.latency_histogram != nullptr)
    metrics.write_latency_histogram(*options.latency_histogram);
  const Seconds measured_length = metrics.measured_length();

  nlohmann::json warnings = nlohmann::json::array();
  for (const auto& w : scenario.warnings) warnings.push_back(w);
  for (const auto& w : metrics.warnings()) warnings.push_back(w);
  if (stalled)
    warnings.push_back("the run was stopped: simulated time did not advance (more than " +
                       std::to_string(Calendar::kStallEvents) +
                       " events at one instant: a loop of zero-time steps, e.g. zero think "
                       "time, zero service time and zero latency)");
  const std::string& stopped_by = control.stopped_by();
  const bool guarded = !stopped_by.empty() && !stalled;  // a guard or a signal stopped it
  if (measured_length <= 0 && !guarded)
    warnings.push_back("nothing was measured: clients stopped issuing (after " +
                       std::to_string(control.issued()) + " requests) before the warm-up (" +
                       format_seconds(scenario.warmup) +
                       ") ended; raise `requests` or lower `warmup`");
  const std::string before_warmup =
      measured_length <= 0 ? " (before the warm-up ended: nothing was measured)" : "";
  if (stopped_by == "max_events")
    warnings.push_back("partial results: the run was stopped by its event budget (" +
                       std::to_string(calendar.fired()) + " events fired, --max-events " +
                       std::to_string(options.guards.max_events) +
                       ") at t=" + format_seconds(control.end_time()) + before_warmup +
                       "; requests still open are counted as unfinished");
  else if (stopped_by == "max_inflight")
    warnings.push_back(
        "partial results: the run was stopped when requests in flight reached --max-inflight " +
        std::to_string(options.guards.max_inflight) +
        " at t=" + format_seconds(control.end_time()) + before_warmup +
        " (e.g. an overload feeding an unbounded queue); requests still open are counted as "
        "unfinished; raise --max-inflight (230-300 bytes each) if the load is intended");
  else if (guarded)
    warnings.push_back("partial results: the run was interrupted (" + stopped_by +
                       ") at t=" + format_seconds(control.end_time()) + before_warmup +
                       "; requests still open are counted as unfinished");
  if (control.drain_limit_hit())
    warnings.push_back("the drain limit (" + format_seconds(control.drain_limit()) +
                       ") passed with requests still open: they are counted as unfinished");

  nlohmann::json& s = result.summary;
  s["schema"] = "sdsim.summary/1";
  s["sdsim_version"] = SDSIM_VERSION;
  s["partial"] = !stopped_by.empty();
  s["stopped_by"] = stopped_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(stopped_by);
  s["scenario"] = {{"name", scenario.name},
                   {"file", scenario.file},
                   {"seed", seed},
                   {"replication", options.replication},
                   {"set", options.sets},
                   {"duration_s", scenario.duration ? nlohmann::json(*scenario.duration)
                                                    : nlohmann::json(nullptr)},
                   {"requests", scenario.requests ? nlohmann::json(*scenario.requests)
                                                  : nlohmann::json(nullptr)},
                   {"warmup_s", scenario.warmup},
                   {"window_s", scenario.window}};
  s["run"] = {{"status", deadlock              ? "deadlock"
                         : stalled             ? "stalled"
                         : !stopped_by.empty() ? "stopped"
                                               : "complete"},
              {"measured_from_s", scenario.warmup},
              {"measured_to_s", metrics.clock().stop},
              {"measured_length_s", measured_length},
              {"issue_stopped_at_s", control.issue_stop_time()},
              {"ended_at_s", control.end_time()},
              {"drain_limit_s", control.drain_limit()},
              {"drain_limit_hit", control.drain_limit_hit()},
              {"requests_issued_total", control.issued()},
              {"events", calendar.fired()},
              {"simgrid_rounds", calendar.rounds()},
              {"execs", cpu.started()},
              {"hosts", platform.host_count()},
              {"routes", network.route_count()},
              {"network", network_summary(scenario.network, network)}};
  s["system"] = measured["system"];
  s["clients"] = measured["clients"];
  s["components"] = measured["components"];
  s["incidents"] = measured["incidents"];
  if (measured.contains("slo")) s["slo"] = measured["slo"];
  s["warnings"] = warnings;
  return result;
}

}  // namespace sdsim
