// Network: how messages travel between nodes (DESIGN.md, "Mapping onto SimGrid";
// docs/architecture.md, "The network").
//
// Each directed route (from node, to node) has the latency and bandwidth of its path
// (NetworkConfig::path: the default hop, plus the link between the two zones when they
// differ; the bandwidth is the path's bottleneck). Two models carry messages on it:
//
// - latency (default): each route is a FIFO delay line. A message of S bytes sent at t on a
//   route with latency L and bandwidth B arrives at max(previous arrival, t' + L) where
//   t' = max(t, line free) + 8 S / B (serialisation; B unlimited -> t' = t). The bandwidth is
//   the route's own: routes never share it, even when their paths cross the same link. Cost
//   per message is O(1), flat in the number of messages in flight.
// - flow: each message is a SimGrid comm between the two hosts (Flows), so messages whose
//   paths cross a link share its bandwidth (max-min). Messages on one route are not kept in
//   order. Cost grows with the number of messages in flight.
//
// In both, a message to a host that is off is lost (the latency model checks at delivery),
// and its sender finds out only by its own timeout, as with TCP.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <utility>

#include "sim/core/units.hpp"
#include "sim/engine/calendar.hpp"
#include "sim/engine/message.hpp"
#include "sim/engine/network_config.hpp"
#include "sim/engine/node.hpp"
#include "sim/rng/random_stream.hpp"

namespace sdsim {

class Flows;

// The fault state of one inter-zone link (sim/engine/faults.hpp sets it). Routes whose path
// crosses the link read it on every message while `active`.
struct LinkFaults {
  bool active = false;                          // any of the below is set
  bool cut_from_a = false, cut_from_b = false;  // partition, per direction (zone_a -> zone_b ...)
  bool fail_fast = false;       // a cut message comes back to its caller as an error
  Seconds extra_latency = 0;    // latency spikes
  double loss = 0;              // probability that one copy is lost
  Seconds rto = 0.2;            // retransmission timeout per lost copy
  RandomStream* rng = nullptr;  // the link's loss draws
  void refresh() { active = cut_from_a || cut_from_b || extra_latency > 0 || loss > 0; }
};

class Tracer;

class Route final : public EventTarget {
 public:
  // `flows` is null in the latency model; `link` null within a zone (no link crossed), else
  // `from_a` tells the direction (from the link's zone_a).
  Route(Calendar& calendar, MessagePool& pool, Flows* flows, const Node& from, Node& to,
        Seconds latency, BitsPerSecond bandwidth, const LinkFaults* link = nullptr,
        bool from_a = true)
      : calendar_(calendar),
        pool_(pool),
        flows_(flows),
        from_(from),
        to_(to),
        latency_(latency),
        bandwidth_(bandwidth),
        link_(link),
        from_a_(from_a) {}

  // Sends a call (the callee's on_call runs at arrival).
  void send_call(Message& m, Bytes bytes) { send(m, bytes, kTagCall); }
  // Sends a reply (the caller's on_reply runs at arrival).
  void send_reply(Message& m, Bytes bytes) { send(m, bytes, kTagReply); }

  Node& to() const { return to_; }
  Seconds latency() const { return latency_; }
  BitsPerSecond bandwidth() const { return bandwidth_; }  // 0 = unlimited
  std::uint64_t sent() const { return sent_; }
  std::uint64_t lost() const { return lost_; }
  std::uint64_t cut() const { return cut_; }

  // A message reaches the end of the route (calendar event in the latency model; the comm's
  // end in the flow model): delivered to the destination node, or lost if its host is off.
  void fire(std::uint32_t tag, void* data) override;
  void arrive(std::uint32_t tag, Message* m) { fire(tag, m); }
  // A message is lost on the way (flow model: a failed comm).
  void lose(Message* m);
  // Traced messages get a span per hop (track "network", tid 0 for calls, 1 for replies).
  void set_tracer(Tracer* tracer) { tracer_ = tracer; }

 private:
  void send(Message& m, Bytes bytes, std::uint32_t tag);
  void put_on_wire(Message& m, Bytes bytes, std::uint32_t tag, Seconds spike, Seconds resend);
  // A partition cuts the message: lost, or (fail fast) back to its caller as an error.
  void cut_off(Message& m);

  Calendar& calendar_;
  MessagePool& pool_;
  Flows* flows_;
  const Node& from_;
  Node& to_;
  Seconds latency_;
  BitsPerSecond bandwidth_;
  const LinkFaults* link_;
  bool from_a_;
  Seconds line_free_at_ = 0;
  Seconds last_arrival_ = 0;
  std::uint64_t sent_ = 0;
  std::uint64_t lost_ = 0;
  std::uint64_t cut_ = 0;
  Tracer* tracer_ = nullptr;
};

class Network {
 public:
  Network(Calendar& calendar, MessagePool& pool, const NetworkConfig& config);
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // The route from `from` to `to`, made on first use. Resolve routes once, when components
  // connect, and keep the reference: this is not a per-message lookup. Throws
  // std::logic_error when no path joins their zones (the loader rejects such calls).
  Route& route(const Node& from, Node& to);

  const NetworkConfig& config() const { return config_; }
  std::size_t route_count() const { return routes_.size(); }
  // Messages sent and lost over all routes (O(routes)).
  std::uint64_t messages_sent() const;
  std::uint64_t messages_lost() const;
  // Messages cut by partitions (lost, or returned as errors when failing fast).
  std::uint64_t messages_cut() const;
  // The fault state of link i (NetworkConfig::links), for the fault injector.
  LinkFaults& link_faults(std::size_t i) { return link_faults_[i]; }
  // Ends every message in flight without delivering it (end of run).
  void cancel_all();
  // Routes made from now on report network spans of traced messages to `tracer`.
  void set_tracer(Tracer* tracer) { tracer_ = tracer; }

 private:
  Calendar& calendar_;
  MessagePool& pool_;
  const NetworkConfig& config_;
  std::unique_ptr<Flows> flows_;
  std::deque<LinkFaults> link_faults_;  // per link; stable addresses
  std::map<std::pair<const Node*, const Node*>, std::unique_ptr<Route>> routes_;
  Tracer* tracer_ = nullptr;
};

}  // namespace sdsim
