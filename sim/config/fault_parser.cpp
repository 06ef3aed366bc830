#include "sim/config/fault_parser.hpp"

#include <map>

#include "sim/config/map_reader.hpp"
#include "sim/config/network_parser.hpp"
#include "sim/core/text.hpp"

namespace sdsim {

namespace {

constexpr FaultKind kKinds[] = {FaultKind::kCrash,     FaultKind::kSlow,    FaultKind::kErrors,
                                FaultKind::kPartition, FaultKind::kLatency, FaultKind::kLoss};

// "api" or "api[1]": the component and the replica (-1: all). Checks both against the index.
bool read_replica_target(MapReader& r, std::string_view key, const ConfigIndex& index,
                         FaultSpec& f) {
  const YAML::Node v = r.get(key);
  if (!v.IsScalar()) {
    r.error(mark_of(v), std::string(key) +
                            ": expected a component or one replica, such as api or "
                            "'api[1]' (quote it inside {...})");
    return false;
  }
  const std::string text = v.Scalar();
  std::string name = text;
  std::int64_t replica = -1;  // 64 bits: 'api[4294967294]' must not wrap to a valid int
  if (const auto open = text.find('['); open != std::string::npos) {
    std::int64_t n = -1;
    if (text.back() != ']' ||
        !parse_whole_number(text.substr(open + 1, text.size() - open - 2), &n) || n < 0) {
      r.error(mark_of(v), std::string(key) + ": '" + text +
                              "' is not a replica: write the component's name and a replica "
                              "number from 0, such as 'api[1]'");
      return false;
    }
    name = text.substr(0, open);
    replica = n;
  }
  const ComponentConfig* c = index.find(name);
  if (c == nullptr) {
    if (index.exists(name)) return false;  // it failed to parse: reported there
    std::string msg = std::string(key) + ": '" + name + "' names no component";
    const std::string hint = did_you_mean(name, index.names());
    if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
    r.error(mark_of(v), msg);
    return false;
  }
  if (c->is_client) {
    r.error(mark_of(v), std::string(key) + ": '" + name +
                            "' is a client; faults act on components (use a traffic shock on "
                            "a client's arrivals instead)");
    return false;
  }
  if (c->replica_count() > 0 && replica >= c->replica_count()) {
    r.error(mark_of(v), std::string(key) + ": " + name + " has " +
                            std::to_string(c->replica_count()) + " replica" +
                            (c->replica_count() == 1 ? "" : "s") + " (numbered from 0); '" + text +
                            "' is not one of them");
    return false;
  }
  f.component = name;
  f.replica = static_cast<int>(replica);  // in [-1, replica_count)
  f.target_text = text;
  return true;
}

// A link: its name, or the two zones it joins.
bool read_link(MapReader& r, std::string_view key, const NetworkConfig& network, FaultSpec& f) {
  const YAML::Node v = r.get(key);
  const std::string context = r.context() + "." + std::string(key);
  if (v.IsSequence() && v.size() == 2) {
    const int a = zone_index(v[0], context, network, r.diag());
    const int b = zone_index(v[1], context, network, r.diag());
    if (a < 0 || b < 0) return false;
    const NetworkLink* l = network.link_between(a, b);
    if (l == nullptr) {
      r.error(mark_of(v), std::string(key) + ": no link joins zones '" +
                              network.zones[static_cast<std::size_t>(a)] + "' and '" +
                              network.zones[static_cast<std::size_t>(b)] +
                              "' (they cannot talk at all: see network.links)");
      return false;
    }
    f.link = static_cast<int>(l - network.links.data());
    f.zone_from = a;
    f.target_text = "link " + l->name;
    return true;
  }
  if (v.IsScalar()) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < network.links.size(); ++i) {
      names.push_back(network.links[i].name);
      if (network.links[i].name == v.Scalar()) {
        f.link = static_cast<int>(i);
        f.zone_from = network.links[i].zone_a;
        f.target_text = "link " + v.Scalar();
        return true;
      }
    }
    std::string msg = std::string(key) + ": '" + v.Scalar() + "' names no link";
    const std::string hint = did_you_mean(v.Scalar(), names);
    if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
    if (names.empty()) msg += " (network.links declares none)";
    r.error(mark_of(v), msg);
    return false;
  }
  r.error(mark_of(v), std::string(key) +
                          ": expected a link's name or the two zones it joins, such as "
                          "[east, west]");
  return false;
}

void read_timing(MapReader& r, FaultSpec& f) {
  const bool has_at = r.has("at");
  const bool has_for = r.has("for");
  if (r.has("random")) {
    f.random = true;
    if (has_at || has_for)
      r.error(r.mark_of_key(has_at ? "at" : "for"),
              "a random fault has no 'at' or 'for': its up and down times come from "
              "'random'");
    MapReader rnd(r.get("random"), r.context() + ".random", r.diag());
    if (!rnd.ok()) return;
    const bool means = rnd.has("mtbf") || rnd.has("mttr");
    const bool laws = rnd.has("up") || rnd.has("down");
    if (means && laws) {
      rnd.error(rnd.mark(),
                "give either mtbf and mttr (exponential up and down times with those means) or "
                "up and down (laws), not both");
    } else if (laws) {
      f.up = rnd.distribution("up", Dimension::kTime, true);
      f.down = rnd.distribution("down", Dimension::kTime, true);
    } else {
      const auto mtbf = rnd.positive_quantity("mtbf", Dimension::kTime, {}, true);
      const auto mttr = rnd.positive_quantity("mttr", Dimension::kTime, {}, true);
      if (mtbf && mttr) {
        f.up = make_exponential(*mtbf);
        f.down = make_exponential(*mttr);
      }
    }
    rnd.finish();
    return;
  }
  const auto at = r.quantity("at", Dimension::kTime, !r.has_misspelling_of("random"));
  if (at) f.at = *at;
  if (at && *at < 0) r.error_at("at", "at must be >= 0");
  if (has_for) {
    f.length = r.positive_quantity("for", Dimension::kTime, " (leave it out: to the end)");
  }
}

}  // namespace

void parse_faults(const YAML::Node& list, const NetworkConfig& network, const ConfigIndex& index,
                  std::optional<Seconds> duration, Diagnostics& diag, FaultConfig& out) {
  if (!list.IsSequence()) {
    diag.error(mark_of(list),
               "faults: expected a list of faults, such as [{name: api-crash, at: 60s, for: "
               "30s, crash: 'api[1]'}]");
    return;
  }
  std::map<std::string, SourceMark> names;
  int item_number = 0;
  for (const YAML::Node& item : list) {
    ++item_number;
    std::string label = "faults[" + std::to_string(item_number) + "]";
    if (item.IsMap() && item["name"] && item["name"].IsScalar())
      label = "faults." + item["name"].Scalar();
    MapReader r(item, label, diag);
    if (!r.ok()) continue;
    FaultSpec f;
    f.mark = r.mark();
    const auto name = r.string("name");
    if (name && !is_valid_name(*name))
      r.error_at("name", "invalid name '" + *name +
                             "': use letters, digits, '_' and '-', starting with a letter");

    std::vector<FaultKind> kinds;
    for (FaultKind k : kKinds)
      if (r.has(fault_kind_name(k))) kinds.push_back(k);
    bool ok = true;
    if (kinds.size() != 1) {
      std::string all;
      for (FaultKind k : kKinds) all += (all.empty() ? "" : ", ") + std::string(fault_kind_name(k));
      if (kinds.empty())
        r.error_unless_unknown_keys(r.mark(), "missing what the fault does: one of " + all);
      else if (kinds.size() > 1)
        r.error(r.mark_of_key(fault_kind_name(kinds[1])),
                "one fault does one thing: give one of " + all + " (write two faults)");
      ok = false;
      // Which kind was meant is unclear: accept every kind's own keys (no second report).
      for (const char* k : {"factor", "probability", "add", "rto", "one_way", "fail_fast"})
        r.has(k);
    }
    if (ok) {
      f.kind = kinds[0];
      const std::string_view key = fault_kind_name(f.kind);
      switch (f.kind) {
        case FaultKind::kCrash: {
          const YAML::Node v = r.get(key);
          if (v.IsMap()) {
            MapReader z(v, label + ".crash", diag);
            if (z.has("zone")) {
              f.zone = zone_index(z.get("zone"), label + ".crash.zone", network, diag);
              if (f.zone >= 0) f.target_text = "zone " + network.zones[f.zone];
              ok = f.zone >= 0;
            } else {
              z.error(z.mark(), "expected {zone: <zone>} or a component, such as 'api[1]'");
              ok = false;
            }
            z.finish();
          } else {
            ok = read_replica_target(r, key, index, f);
          }
          break;
        }
        case FaultKind::kSlow: {
          ok = read_replica_target(r, key, index, f);
          if (ok) {
            const std::string& kind = index.find(f.component)->kind;
            if (kind != "service" && kind != "database") {
              r.error_at(key, std::string(key) + ": " + f.component + " is a " + kind +
                                  ": its work is not modelled as CPU time, so a slow node has "
                                  "nothing to slow (slow faults apply to services and "
                                  "databases)");
              ok = false;
            }
          }
          const auto factor = r.quantity("factor", Dimension::kNumber, true);
          if (factor && *factor < 1)
            r.error_at("factor", "factor must be >= 1 (the CPU runs factor times slower)");
          else if (factor && *factor > 1e6)
            r.error_at("factor", "factor must be <= 10^6");
          else if (factor)
            f.factor = *factor;
          break;
        }
        case FaultKind::kErrors: {
          ok = read_replica_target(r, key, index, f);
          if (const auto p = r.positive_quantity("probability", Dimension::kFraction, {}, true))
            f.probability = *p;
          break;
        }
        case FaultKind::kPartition: {
          ok = read_link(r, key, network, f);
          f.one_way = r.boolean("one_way").value_or(false);
          f.fail_fast = r.boolean("fail_fast").value_or(false);
          if (ok && f.one_way && !r.get(key).IsSequence())
            r.error_at("one_way",
                       "a one-way partition names its direction: write the zones, "
                       "partition: [from, to]");
          break;
        }
        case FaultKind::kLatency: {
          ok = read_link(r, key, network, f);
          if (const auto add = r.positive_quantity("add", Dimension::kTime, {}, true)) f.add = *add;
          break;
        }
        case FaultKind::kLoss: {
          ok = read_link(r, key, network, f);
          const auto p = r.quantity("probability", Dimension::kFraction, true);
          if (p && *p >= 1)
            r.error_at("probability",
                       "probability must be < 1 (every copy lost: use a partition instead)");
          else if (p)
            f.probability = *p;
          if (auto rto = r.positive_quantity("rto", Dimension::kTime)) f.rto = *rto;
          break;
        }
      }
    }
    read_timing(r, f);
    if (!f.random && duration && f.at >= *duration)
      r.error_at("at", "at (" + format_quantity(f.at, Dimension::kTime) +
                           ") is not before the run's duration (" +
                           format_quantity(*duration, Dimension::kTime) +
                           "): the fault would never happen");
    f.name =
        name.value_or(std::string(fault_kind_name(f.kind)) + "-" + std::to_string(item_number));
    if (auto [it, inserted] = names.emplace(f.name, r.mark()); !inserted)
      r.error(name ? r.mark_of_value("name") : r.mark(), "duplicate fault name '" + f.name +
                                                             "' (first at line " +
                                                             std::to_string(it->second.line) + ")");
    r.finish();
    if (ok) out.faults.push_back(std::move(f));
  }
}

}  // namespace sdsim
