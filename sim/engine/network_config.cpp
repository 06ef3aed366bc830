#include "sim/engine/network_config.hpp"

#include <algorithm>

namespace sdsim {

std::string_view network_model_name(NetworkModel model) {
  return model == NetworkModel::kFlow ? "flow" : "latency";
}

int NetworkConfig::zone_of(std::string_view name) const {
  auto it = zone_of_member_.find(name);
  return it == zone_of_member_.end() ? 0 : it->second;
}

int NetworkConfig::zone_of_host(std::string_view host, int fallback) const {
  auto it = zone_of_member_.find(host);
  return it == zone_of_member_.end() ? fallback : it->second;
}

std::vector<int> NetworkConfig::zones_of(const std::string& component, int replicas) const {
  const int base = zone_of(component);
  std::vector<int> out;
  if (replicas < 1) out.push_back(base);
  for (int i = 0; i < replicas; ++i) {
    const int z = zone_of_host(component + "[" + std::to_string(i) + "]", base);
    if (std::find(out.begin(), out.end(), z) == out.end()) out.push_back(z);
  }
  return out;
}

const NetworkLink* NetworkConfig::link_between(int a, int b) const {
  for (const NetworkLink& l : links)
    if ((l.zone_a == a && l.zone_b == b) || (l.zone_a == b && l.zone_b == a)) return &l;
  return nullptr;
}

std::optional<NetworkPath> NetworkConfig::path(int from, int to) const {
  if (from == to) return NetworkPath{default_latency, default_bandwidth, nullptr};
  const NetworkLink* l = link_between(from, to);
  if (l == nullptr) return std::nullopt;
  return NetworkPath{default_latency + l->latency, bottleneck(default_bandwidth, l->bandwidth), l};
}

int NetworkConfig::add_zone(const std::string& name) {
  zones.push_back(name);
  members.emplace_back();
  return static_cast<int>(zones.size()) - 1;
}

void NetworkConfig::add_member(int zone, const std::string& member) {
  members.at(static_cast<std::size_t>(zone)).push_back(member);
  zone_of_member_.emplace(member, zone);
}

}  // namespace sdsim
