// NetworkConfig: the typed `network:` section of a scenario (docs/reference.md, "network").
//
// Hosts live in zones. Every client and component is in at most one declared zone; the others
// are in the implicit zone `default` (index 0). A message between two hosts of one zone costs
// the default hop (latency, bandwidth); between hosts of zones A and B it costs the default
// hop plus the link joining A and B: latency default + link, bandwidth the smaller of the two
// (the path's bottleneck). Zones that no link joins cannot talk: the loader rejects any call
// between them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/units.hpp"

namespace sdsim {

// How messages are carried (DESIGN.md, "Mapping onto SimGrid").
enum class NetworkModel : std::uint8_t {
  kLatency,  // per-route FIFO delay lines: latency + size / bandwidth, no sharing between routes
  kFlow,     // SimGrid comms: max-min bandwidth sharing between flows on shared links
};

std::string_view network_model_name(NetworkModel model);

struct NetworkLink {
  std::string name;  // as given, or "<zone a>-<zone b>"
  int zone_a = 0;    // indices into NetworkConfig::zones
  int zone_b = 0;
  Seconds latency = 0;
  BitsPerSecond bandwidth = 0;  // 0 = unlimited
};

// What one message pays between two zones.
struct NetworkPath {
  Seconds latency = 0;
  BitsPerSecond bandwidth = 0;        // the bottleneck; 0 = unlimited
  const NetworkLink* link = nullptr;  // null within a zone
};

struct NetworkConfig {
  static constexpr std::string_view kDefaultZone = "default";

  NetworkModel model = NetworkModel::kLatency;
  Seconds default_latency = 0;          // one hop between any two hosts
  BitsPerSecond default_bandwidth = 0;  // 0 = unlimited
  // Zone names; [0] is the implicit zone `default`, then the declared zones in file order.
  std::vector<std::string> zones{std::string(kDefaultZone)};
  // Declared members of each zone, in file order ([0]: empty, it holds everything else).
  std::vector<std::vector<std::string>> members{{}};
  std::vector<NetworkLink> links;

  // Zone index of a client or component (0 when it is in no declared zone).
  int zone_of(std::string_view name) const;
  // Zone index of one host ("db[2]"): its own entry when a zone lists that replica, else
  // `fallback` (its component's zone).
  int zone_of_host(std::string_view host, int fallback) const;
  // Every zone some replica of `component` (with `replicas` replicas) is in.
  std::vector<int> zones_of(const std::string& component, int replicas) const;
  // The link joining zones a and b (either order), or nullptr.
  const NetworkLink* link_between(int a, int b) const;
  // What a message from a host of zone `from` to a host of zone `to` pays; nullopt when the
  // zones differ and no link joins them.
  std::optional<NetworkPath> path(int from, int to) const;

  // Adds a declared zone; returns its index.
  int add_zone(const std::string& name);
  // Puts `member` in zone `zone` (> 0).
  void add_member(int zone, const std::string& member);

 private:
  std::map<std::string, int, std::less<>> zone_of_member_;
};

// The smaller of two bandwidths where 0 means unlimited.
inline BitsPerSecond bottleneck(BitsPerSecond a, BitsPerSecond b) {
  if (a <= 0) return b;
  if (b <= 0) return a;
  return a < b ? a : b;
}

}  // namespace sdsim
