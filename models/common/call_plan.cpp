#include "models/common/call_plan.hpp"

#include <set>

#include "sim/config/map_reader.hpp"
#include "sim/core/text.hpp"

namespace sdsim {

namespace {

NameRef read_name(const YAML::Node& n, const std::string& context, Diagnostics& diag) {
  if (!n.IsScalar() || n.Scalar().empty()) {
    diag.error(mark_of(n), context + ": expected a component name");
    return {};
  }
  return {n.Scalar(), mark_of(n)};
}

void parse_step(const YAML::Node& item, const std::string& context, Diagnostics& diag,
                CallStep& step, std::set<std::string>& names) {
  MapReader r(item, context, diag);
  if (!r.ok()) return;
  step.mark = r.mark();
  if (auto n = r.string("name")) {
    if (!is_valid_name(*n))
      r.error_at("name", "invalid call name '" + *n +
                             "': use letters, digits, '_' and '-', starting with a letter");
    else if (!names.insert(*n).second)
      r.error_at("name", "duplicate call name '" + *n + "'");
    step.name = *n;
  }
  const bool to = r.has("to");
  const bool parallel = r.has("parallel");
  if (to && parallel) {
    r.error(r.mark_of_key("parallel"),
            "give either 'to' (one component) or 'parallel' (a list of components), not both");
  } else if (!to && !parallel) {
    r.error_unless_unknown_keys(
        r.mark(), "missing 'to' (e.g. {to: db}) or 'parallel' (e.g. {parallel: [a, b]})");
  } else if (to) {
    step.targets.push_back(read_name(r.get("to"), r.context() + ".to", diag));
  } else {
    const YAML::Node list = r.get("parallel");
    if (!list.IsSequence() || list.size() < 2) {
      r.error(mark_of(list), "parallel: expected a list of at least two component names");
    } else {
      for (const YAML::Node& n : list)
        step.targets.push_back(read_name(n, r.context() + ".parallel", diag));
    }
  }
  if (auto f = r.choice("fan_out", {"all_replicas", "all_shards"})) {
    if (parallel)
      r.error_at("fan_out", "fan_out goes with 'to' (one component), not with 'parallel'");
    step.fan_out =
        *f == "all_replicas" ? CallStep::FanOut::kAllReplicas : CallStep::FanOut::kAllShards;
  }
  if (r.has("wait")) {
    const YAML::Node w = r.get("wait");
    step.wait_mark = mark_of(w);
    std::int64_t k = 0;
    if (!to || step.fan_out != CallStep::FanOut::kOne || parallel) {
      if (w.IsScalar() && w.Scalar() == "all")
        step.wait = 0;
      else if (w.IsScalar() && w.Scalar() == "any")
        step.wait = 1;
      else if (w.IsScalar() && parse_whole_number(w.Scalar(), &k) && k >= 1 && k <= 1'000'000)
        step.wait = static_cast<int>(k);
      else
        r.error(step.wait_mark,
                "wait: expected 'all', 'any' or a whole number k >= 1 (wait for "
                "k of the calls)");
    } else {
      r.error(step.wait_mark,
              "wait goes with fan_out or parallel (a single call waits for its "
              "reply)");
    }
  }
  if (auto p = r.quantity("probability", Dimension::kFraction)) step.probability = *p;
  if (auto w = r.choice("when", {"always", "cache_hit", "cache_miss", "read", "write"})) {
    step.when_mark = r.mark_of_value("when");
    step.when = *w == "cache_hit"    ? CallWhen::kCacheHit
                : *w == "cache_miss" ? CallWhen::kCacheMiss
                : *w == "read"       ? CallWhen::kRead
                : *w == "write"      ? CallWhen::kWrite
                                     : CallWhen::kAlways;
  }
  if (auto t = r.positive_quantity("timeout", Dimension::kTime,
                                   " (leave it out to wait for every reply)"))
    step.timeout = *t;
  if (auto b = r.quantity("request_size", Dimension::kSize)) step.request_size = *b;
  if (auto b = r.quantity("response_size", Dimension::kSize)) step.response_size = *b;
  if (r.has("hedge")) {
    MapReader h(r.get("hedge"), r.context() + ".hedge", r.diag());
    if (h.has("after")) {
      const YAML::Node a = h.get("after");
      CallStep::Hedge hedge;
      const std::string text = a.IsScalar() ? a.Scalar() : "";
      if (text == "p50" || text == "p90" || text == "p95" || text == "p99" || text == "p99.9") {
        hedge.percentile = std::stod(text.substr(1)) / 100;
        step.hedge = hedge;
      } else if (auto t = h.positive_quantity("after", Dimension::kTime)) {
        hedge.after = *t;
        step.hedge = hedge;
      }
    } else if (h.ok()) {
      h.error(h.mark(),
              "missing required key 'after' (a time such as 20ms, or p50, p90, p95, "
              "p99, p99.9 of the call's observed latency)");
    }
    if (auto c = h.boolean("cancel_loser"); c && step.hedge) step.hedge->cancel_loser = *c;
    h.finish();
    if (step.hedge && (step.targets.size() != 1 || step.fan_out != CallStep::FanOut::kOne))
      r.error_at("hedge", "hedge: only for a single call (not a parallel group or a fan-out)");
  }
  r.finish();
}

}  // namespace

std::vector<NameRef> CallPlan::callees() const {
  std::vector<NameRef> out;
  std::set<std::string> seen;
  for (const CallStep& s : steps)
    for (const NameRef& t : s.targets)
      if (!t.name.empty() && seen.insert(t.name).second) out.push_back(t);
  return out;
}

std::shared_ptr<const CallPlan> parse_call_plan(const YAML::Node& list, const std::string& context,
                                                Diagnostics& diag) {
  if (!list.IsSequence()) {
    diag.error(mark_of(list), context + ": expected a list of calls (e.g. calls: [{to: db}])");
    return nullptr;
  }
  auto plan = std::make_shared<CallPlan>();
  std::set<std::string> names;
  int index = 0;
  for (const YAML::Node& item : list) {
    ++index;
    CallStep step;
    std::string label = context + "[" + std::to_string(index) + "]";
    if (item.IsMap() && item["name"] && item["name"].IsScalar())
      label = context + "." + item["name"].Scalar();
    parse_step(item, label, diag, step, names);
    plan->steps.push_back(std::move(step));
  }
  // Returned even when a step had errors (the scenario fails to load anyway), so that the
  // reference checks of resolve_call_plan still report everything else.
  return plan;
}

void resolve_call_plan(const CallPlan& plan, const std::string& owner, const ConfigIndex& index,
                       Diagnostics& diag) {
  bool cache_called = false;
  for (const CallStep& s : plan.steps) {
    if ((s.when == CallWhen::kCacheHit || s.when == CallWhen::kCacheMiss) && !cache_called)
      diag.error(s.when_mark, owner + ": 'when: " +
                                  (s.when == CallWhen::kCacheHit ? "cache_hit" : "cache_miss") +
                                  "' needs an earlier call to a cache in the same calls list");
    int calls = 0;
    for (const NameRef& t : s.targets) {
      resolve_callable(t, owner, index, diag);
      if (t.name == owner) diag.error(t.mark, owner + ": a component cannot call itself");
      const ComponentConfig* c = index.find(t.name);
      if (c == nullptr) continue;
      if (c->kind == "cache") cache_called = true;
      calls += s.fan_out == CallStep::FanOut::kAllReplicas ? c->replica_count()
               : s.fan_out == CallStep::FanOut::kAllShards ? c->shard_count()
                                                           : 1;
    }
    if (calls > 0 && s.wait > calls)
      diag.error(s.wait_mark, owner + ": wait: " + std::to_string(s.wait) +
                                  ", but the step makes " + std::to_string(calls) + " call" +
                                  (calls == 1 ? "" : "s"));
  }
}

}  // namespace sdsim
