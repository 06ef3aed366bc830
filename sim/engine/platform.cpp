#include "sim/engine/platform.hpp"

#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <simgrid/s4u/NetZone.hpp>

#include <algorithm>
#include <stdexcept>

namespace sdsim {

const std::string& Host::name() const { return host_->get_name(); }
bool Host::is_on() const { return host_->is_on(); }
double Host::speed_factor() const { return host_->get_speed(); }

void Host::set_on(bool on) {
  if (on && !host_->is_on()) host_->turn_on();
  if (!on && host_->is_on()) host_->turn_off();
}

void Host::set_slowdown(double factor) {
  if (factor == 1) {
    host_->set_pstate(0);
    return;
  }
  for (std::size_t i = 0; i < slowdowns_.size(); ++i)
    if (slowdowns_[i] == factor) {
      host_->set_pstate(static_cast<unsigned long>(i + 1));
      return;
    }
  throw std::logic_error("Host::set_slowdown: " + name() + " was not prepared for factor " +
                         std::to_string(factor));
}

namespace {

// SimGrid bandwidths are in bytes per second.
double bytes_per_second(BitsPerSecond bps) {
  return bps > 0 ? bps / 8.0 : Platform::kUnlimitedBytesPerSecond;
}

}  // namespace

Platform::Platform(const NetworkConfig& network) : network_(network) {
  namespace s4u = simgrid::s4u;
  root_ = s4u::create_full_zone("sdsim/root");
  std::vector<simgrid::kernel::routing::NetPoint*> gateways;
  for (const std::string& name : network.zones) {
    s4u::NetZone* zone = s4u::create_star_zone("zone/" + name);
    zone->set_parent(root_);
    gateways.push_back(zone->create_router("zone/" + name + "/gw"));
    zones_.push_back(zone);
  }
  for (const NetworkLink& l : network.links) {
    s4u::Link* link =
        root_->create_split_duplex_link("link/" + l.name, bytes_per_second(l.bandwidth))
            ->set_latency(l.latency)
            ->seal();
    const s4u::LinkInRoute up{link, s4u::LinkInRoute::Direction::UP};
    const auto a = static_cast<std::size_t>(l.zone_a);
    const auto b = static_cast<std::size_t>(l.zone_b);
    root_->add_route(zones_[a]->get_netpoint(), zones_[b]->get_netpoint(), gateways[a], gateways[b],
                     {up}, true);
  }
}

void Platform::enter_zone(int zone) {
  if (zone < 0 || static_cast<std::size_t>(zone) >= zones_.size())
    throw std::logic_error("Platform::enter_zone: no zone " + std::to_string(zone));
  current_zone_ = zone;
}

Host& Platform::add_host(const std::string& name, int cores) {
  namespace s4u = simgrid::s4u;
  if (sealed_) throw std::logic_error("Platform::add_host after seal: " + name);
  // A zone may list this replica itself ("db[2]"); else it is in its component's zone.
  const int zone_index = network_.zone_of_host(name, current_zone_);
  s4u::NetZone* zone = zones_[static_cast<std::size_t>(zone_index)];
  std::vector<double> speeds{1.0};
  std::vector<double> slowdowns;
  if (auto it = slowdowns_.find(name); it != slowdowns_.end()) slowdowns = it->second;
  for (double f : slowdowns) speeds.push_back(1.0 / f);
  s4u::Host* h = zone->create_host(name, speeds)->set_core_count(cores)->seal();
  // Half the default latency each way: host -> host crosses two access links. Halving is
  // exact in binary floating point, so the two halves add up to the default latency.
  s4u::Link* link =
      zone->create_split_duplex_link(name + ".link", bytes_per_second(network_.default_bandwidth))
          ->set_latency(network_.default_latency / 2)
          ->seal();
  const s4u::LinkInRoute up{link, s4u::LinkInRoute::Direction::UP};
  zone->add_route(h->get_netpoint(), nullptr, nullptr, nullptr, {up}, true);
  hosts_.emplace_back(h, cores, zone_index, std::move(slowdowns));
  return hosts_.back();
}

void Platform::prepare_slowdown(const std::string& host, double factor) {
  auto& v = slowdowns_[host];
  if (std::find(v.begin(), v.end(), factor) == v.end()) v.push_back(factor);
}

void Platform::seal() {
  if (!sealed_) root_->seal();
  sealed_ = true;
}

}  // namespace sdsim
