#include "sim/engine/platform.hpp"

#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>
#include <simgrid/s4u/NetZone.hpp>

#include <stdexcept>

namespace sdsim {

const std::string& Host::name() const { return host_->get_name(); }
bool Host::is_on() const { return host_->is_on(); }
double Host::speed_factor() const { return host_->get_speed(); }

Platform::Platform() { zone_ = simgrid::s4u::create_star_zone("sdsim"); }

Host& Platform::add_host(const std::string& name, int cores) {
  if (sealed_) throw std::logic_error("Platform::add_host after seal: " + name);
  simgrid::s4u::Host* h = zone_->create_host(name, 1.0)->set_core_count(cores)->seal();
  // The access link carries host state for partitions and the flow network model; the
  // latency network computes delays itself (sim/engine/network.hpp).
  simgrid::s4u::Link* link = zone_->create_link(name + ".link", 1e12)->set_latency(0)->seal();
  const simgrid::s4u::LinkInRoute in_route{link};
  zone_->add_route(h->get_netpoint(), nullptr, nullptr, nullptr, {in_route}, true);
  hosts_.emplace_back(h, cores);
  return hosts_.back();
}

void Platform::seal() {
  if (!sealed_) zone_->seal();
  sealed_ = true;
}

}  // namespace sdsim
