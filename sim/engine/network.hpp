// The latency network (DESIGN.md, "Mapping onto SimGrid"): each directed route between two
// nodes is a FIFO delay line. A message of S bytes sent at t on a route with latency L and
// bandwidth B arrives at max(previous arrival, t' + L) where t' = max(t, line free) + 8 S / B
// (serialisation; B unlimited -> t' = t). Cost per message is O(1), flat in the number of
// messages in flight. At delivery the route checks SimGrid's host state: a message to a host
// that is off is lost, and its sender finds out only by its own timeout, as with TCP.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <utility>

#include "sim/core/units.hpp"
#include "sim/engine/calendar.hpp"
#include "sim/engine/message.hpp"
#include "sim/engine/node.hpp"

namespace sdsim {

struct NetworkConfig {
  Seconds default_latency = 0;          // one hop between any two hosts
  BitsPerSecond default_bandwidth = 0;  // 0 = unlimited
};

class Route final : public EventTarget {
 public:
  Route(Calendar& calendar, MessagePool& pool, Node& to, Seconds latency, BitsPerSecond bandwidth)
      : calendar_(calendar), pool_(pool), to_(to), latency_(latency), bandwidth_(bandwidth) {}

  // Sends a call (the callee's on_call runs at arrival).
  void send_call(Message& m, Bytes bytes) { send(m, bytes, kTagCall); }
  // Sends a reply (the caller's on_reply runs at arrival).
  void send_reply(Message& m, Bytes bytes) { send(m, bytes, kTagReply); }

  Node& to() const { return to_; }
  Seconds latency() const { return latency_; }
  std::uint64_t sent() const { return sent_; }
  std::uint64_t lost() const { return lost_; }

  void fire(std::uint32_t tag, void* data) override;

 private:
  void send(Message& m, Bytes bytes, std::uint32_t tag);

  Calendar& calendar_;
  MessagePool& pool_;
  Node& to_;
  Seconds latency_;
  BitsPerSecond bandwidth_;
  Seconds line_free_at_ = 0;
  Seconds last_arrival_ = 0;
  std::uint64_t sent_ = 0;
  std::uint64_t lost_ = 0;
};

class Network {
 public:
  Network(Calendar& calendar, MessagePool& pool, NetworkConfig config)
      : calendar_(calendar), pool_(pool), config_(config) {}

  // The route from `from` to `to`, made on first use. Resolve routes once, when components
  // connect, and keep the reference: this is not a per-message lookup.
  Route& route(const Node& from, Node& to);

  const NetworkConfig& config() const { return config_; }
  std::size_t route_count() const { return routes_.size(); }

 private:
  Calendar& calendar_;
  MessagePool& pool_;
  NetworkConfig config_;
  std::map<std::pair<const Node*, const Node*>, std::unique_ptr<Route>> routes_;
};

}  // namespace sdsim
