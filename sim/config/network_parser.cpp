#include "sim/config/network_parser.hpp"

#include <map>

#include "sim/core/text.hpp"

namespace sdsim {

namespace {

// A bandwidth given must be > 0: leaving it out means unlimited.
void read_bandwidth(MapReader& r, BitsPerSecond& out) {
  if (auto b = r.positive_quantity("bandwidth", Dimension::kBandwidth,
                                   " (leave it out for an unlimited bandwidth)"))
    out = *b;
}

// `node` is the mapping `zones` reads.
void parse_zones(const YAML::Node& node, MapReader& zones, NetworkConfig& out,
                 NetworkMembers& members) {
  if (!zones.ok()) return;
  std::map<std::string, std::pair<std::string, SourceMark>> zone_of;  // member -> (zone, mark)
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) continue;  // reported by MapReader
    const std::string zone = kv.first.Scalar();
    const YAML::Node list = zones.get(zone);
    const std::string context = "network.zones." + zone;
    if (zone == NetworkConfig::kDefaultZone) {
      zones.error(mark_of(kv.first),
                  "'default' is the zone of every client and component not listed in a zone; "
                  "give this zone another name");
      continue;
    }
    if (!is_valid_name(zone)) {
      zones.error(mark_of(kv.first),
                  "invalid zone name '" + zone +
                      "': use letters, digits, '_' and '-', starting with a letter");
      continue;
    }
    const int index = out.add_zone(zone);  // even when its list is bad: links may name it
    if (!list.IsSequence() || list.size() == 0) {
      zones.diag().error(mark_of(list),
                         context +
                             ": expected a non-empty list of clients and components, such as "
                             "[api, db]");
      members.complete = false;
      continue;
    }
    for (const YAML::Node& item : list) {
      if (!item.IsScalar()) {
        zones.diag().error(mark_of(item), context + ": expected a client or component name");
        members.complete = false;
        continue;
      }
      const std::string& name = item.Scalar();
      auto [it, inserted] = zone_of.emplace(name, std::make_pair(zone, mark_of(item)));
      if (!inserted) {
        const std::string where = it->second.first == zone
                                      ? "listed twice in zone '" + zone + "'"
                                      : "already in zone '" + it->second.first + "'";
        zones.diag().error(mark_of(item), context + ": '" + name + "' is " + where + " (line " +
                                              std::to_string(it->second.second.line) +
                                              "); a client or component is in one zone at most");
        continue;
      }
      out.add_member(index, name);
      members.members.push_back({name, mark_of(item), index});
    }
  }
  zones.finish();
}

void parse_links(const YAML::Node& list, Diagnostics& diag, NetworkConfig& out,
                 NetworkMembers& members) {
  if (!list.IsSequence()) {
    diag.error(mark_of(list),
               "network.links: expected a list of links, such as "
               "[{between: [east, west], latency: 30ms, bandwidth: 1Gbps}]");
    members.complete = false;
    return;
  }
  std::map<std::string, SourceMark> names;
  int item_number = 0;
  for (const YAML::Node& item : list) {
    ++item_number;
    std::string label = "network.links[" + std::to_string(item_number) + "]";
    if (item.IsMap() && item["name"] && item["name"].IsScalar())
      label = "network.links." + item["name"].Scalar();
    MapReader r(item, label, diag);
    if (!r.ok()) {
      members.complete = false;
      continue;
    }
    NetworkLink link;
    const auto name = r.string("name");
    if (name && !is_valid_name(*name))
      r.error_at("name", "invalid name '" + *name +
                             "': use letters, digits, '_' and '-', starting with a letter");
    if (auto l = r.quantity("latency", Dimension::kTime)) link.latency = *l;
    read_bandwidth(r, link.bandwidth);
    bool ok = true;
    const YAML::Node between = r.get("between");
    if (between.IsNull()) {
      ok = false;  // `between:` without a value: reported by MapReader
    } else if (!between.IsDefined()) {
      if (!r.has_misspelling_of("between"))
        r.error(r.mark(),
                "missing required key 'between' (the two zones it joins, e.g. "
                "between: [east, west])");
      ok = false;
    } else if (!between.IsSequence() || between.size() != 2) {
      r.error(mark_of(between),
              "between: expected the two zones the link joins, e.g. [east, west]");
      ok = false;
    } else {
      link.zone_a = zone_index(between[0], label + ".between", out, diag);
      link.zone_b = zone_index(between[1], label + ".between", out, diag);
      if (link.zone_a < 0 || link.zone_b < 0) {
        ok = false;
      } else if (link.zone_a == link.zone_b) {
        r.error(mark_of(between[1]),
                "between: a link joins two different zones (a zone's "
                "own hosts talk over the default hop)");
        ok = false;
      } else if (const NetworkLink* other = out.link_between(link.zone_a, link.zone_b)) {
        r.error(mark_of(between), "between: link '" + other->name + "' already joins " +
                                      out.zones[static_cast<std::size_t>(link.zone_a)] + " and " +
                                      out.zones[static_cast<std::size_t>(link.zone_b)]);
        ok = false;
      }
    }
    r.finish();
    if (!ok) {
      members.complete = false;
      continue;
    }
    link.name = name.value_or(out.zones[static_cast<std::size_t>(link.zone_a)] + "-" +
                              out.zones[static_cast<std::size_t>(link.zone_b)]);
    if (auto [it, inserted] = names.emplace(link.name, r.mark()); !inserted) {
      r.error(name ? r.mark_of_value("name") : r.mark(), "duplicate link name '" + link.name +
                                                             "' (first at line " +
                                                             std::to_string(it->second.line) + ")");
      continue;
    }
    out.links.push_back(link);
  }
}

}  // namespace

int zone_index(const YAML::Node& node, const std::string& context, const NetworkConfig& out,
               Diagnostics& diag) {
  if (!node.IsScalar()) {
    diag.error(mark_of(node), context + ": expected a zone name");
    return -1;
  }
  const std::string& name = node.Scalar();
  for (std::size_t z = 0; z < out.zones.size(); ++z)
    if (out.zones[z] == name) return static_cast<int>(z);
  std::string msg = context + ": unknown zone '" + name + "'";
  const std::string hint = did_you_mean(name, out.zones);
  if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
  std::string list;
  for (const auto& z : out.zones) list += (list.empty() ? "" : ", ") + z;
  diag.error(mark_of(node), msg + "; zones: " + list);
  return -1;
}

void parse_network(MapReader& net, NetworkConfig& out, NetworkMembers& members) {
  if (!net.ok()) return;
  if (auto m = net.choice("model", {"latency", "flow"}))
    out.model = *m == "flow" ? NetworkModel::kFlow : NetworkModel::kLatency;
  if (net.has("default")) {
    MapReader def(net.get("default"), "network.default", net.diag());
    if (auto l = def.quantity("latency", Dimension::kTime)) out.default_latency = *l;
    read_bandwidth(def, out.default_bandwidth);
    def.finish();
  }
  if (net.has("zones")) {
    const YAML::Node node = net.get("zones");
    MapReader zones(node, "network.zones", net.diag());
    parse_zones(node, zones, out, members);
  }
  if (net.has("links")) parse_links(net.get("links"), net.diag(), out, members);
  net.finish();
}

void resolve_network(const NetworkConfig& network, const NetworkMembers& members,
                     const std::vector<std::unique_ptr<ComponentConfig>>& clients,
                     const std::vector<std::unique_ptr<ComponentConfig>>& components,
                     const ConfigIndex& index, Diagnostics& diag) {
  for (const auto& m : members.members) {
    const std::string context = "network.zones." + network.zones[static_cast<std::size_t>(m.zone)];
    std::string name = m.name;
    std::int64_t replica = -1;
    if (const auto open = m.name.find('['); open != std::string::npos) {
      // One replica: "db[2]".
      name = m.name.substr(0, open);
      if (m.name.back() != ']' ||
          !parse_whole_number(m.name.substr(open + 1, m.name.size() - open - 2), &replica) ||
          replica < 0) {
        diag.error(m.mark, context + ": '" + m.name +
                               "' is not a replica: write a component's name and a replica "
                               "number from 0, such as 'db[2]'");
        continue;
      }
    }
    if (!index.exists(name)) {
      std::string msg = context + ": '" + name + "' names no client or component";
      const std::string hint = did_you_mean(name, index.names());
      if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
      diag.error(m.mark, msg);
      continue;
    }
    if (replica < 0) continue;
    const ComponentConfig* c = index.find(name);
    if (c == nullptr) continue;  // it failed to parse: reported there
    if (c->is_client) {
      diag.error(m.mark, context + ": '" + m.name + "': a client has no replicas; list '" + name +
                             "' itself");
    } else if (c->replica_count() > 0 && replica >= c->replica_count()) {
      diag.error(m.mark, context + ": " + name + " has " + std::to_string(c->replica_count()) +
                             " replica" + (c->replica_count() == 1 ? "" : "s") +
                             " (numbered from 0); '" + m.name + "' is not one of them");
    }
  }
  // Where a zone's list was unreadable, members are missing: a call check would then report
  // calls between zones the author did not intend.
  if (!members.complete) return;
  // Replicas of one component spread over zones talk to each other (a database replicates):
  // their zones must be joined too.
  for (const auto& c : components) {
    const std::vector<int> zs = network.zones_of(c->name, c->replica_count());
    for (std::size_t i = 0; i < zs.size(); ++i)
      for (std::size_t j = i + 1; j < zs.size(); ++j)
        if (!network.path(zs[i], zs[j]))
          diag.error(c->mark, c->name + ": has replicas in zones '" +
                                  network.zones[static_cast<std::size_t>(zs[i])] + "' and '" +
                                  network.zones[static_cast<std::size_t>(zs[j])] +
                                  "', but no network link joins them");
  }
  // A call from `caller` to `ref`: replicas may sit in other zones than their component, so
  // every pair of their zones must be joined.
  const auto check_call = [&](const ComponentConfig& caller, const NameRef& ref,
                              const std::string& context) {
    const ComponentConfig* callee = index.find(ref.name);
    if (callee == nullptr) return;  // reported by resolve
    for (int from : network.zones_of(caller.name, caller.replica_count()))
      for (int to : network.zones_of(ref.name, callee->replica_count())) {
        if (network.path(from, to)) continue;
        const std::string& a = network.zones[static_cast<std::size_t>(from)];
        const std::string& b = network.zones[static_cast<std::size_t>(to)];
        diag.error(ref.mark, context + caller.name + ": '" + ref.name + "' is in zone '" + b +
                                 "' and " + caller.name + " in zone '" + a +
                                 "', but no network link joins them (add one to "
                                 "network.links: {between: [" +
                                 a + ", " + b + "], latency: ...})");
        return;
      }
  };
  for (const auto* list : {&clients, &components})
    for (const auto& c : *list) {
      for (const NameRef& ref : c->callees()) check_call(*c, ref, "");
      // A request class's own calls at a service (a client's classes[].calls).
      for (const ClassCalls& k : c->class_calls())
        for (const auto& [service, refs] : k.calls)
          if (const ComponentConfig* caller = index.find(service))
            for (const NameRef& ref : refs)
              check_call(*caller, ref, "class '" + k.name + "' of client '" + c->name + "': ");
    }
}

}  // namespace sdsim
