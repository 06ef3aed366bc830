#include "models/lb/load_balancer.hpp"

#include "sim/engine/calendar.hpp"
#include "sim/engine/platform.hpp"
#include "sim/metrics/metrics_hub.hpp"

namespace sdsim {

LoadBalancer::LoadBalancer(const LoadBalancerConfig& config, SimContext& ctx)
    : Component(config.name),
      config_(config),
      ctx_(ctx),
      stats_(ctx.metrics.add_station(config.name,
                                     StationShape{"load_balancer", config.replicas, 0, 0, false})) {
  for (int i = 0; i < config.replicas; ++i) {
    Host& h = ctx.platform.add_host(config.name + "[" + std::to_string(i) + "]", 1);
    replicas_.push_back(std::make_unique<LoadBalancerReplica>(*this, h, nullptr));
  }
}

void LoadBalancer::connect(const ComponentDirectory& directory) {
  Component& backends = directory.get(config_.backends.name);
  for (auto& r : replicas_) r->connect(backends);
}

LoadBalancerReplica::LoadBalancerReplica(LoadBalancer& lb, Host& host,
                                         std::unique_ptr<BackendPolicy> policy)
    : Node(host), lb_(lb), policy_(std::move(policy)) {}

void LoadBalancerReplica::connect(Component& backends) {
  for (std::size_t i = 0; i < backends.replica_count(); ++i) {
    Node& b = backends.replica(i);
    to_.push_back(&lb_.ctx_.network.route(*this, b));
    back_.push_back(&lb_.ctx_.network.route(b, *this));
  }
  const std::size_t n = to_.size();
  if (lb_.config_.policy == LoadBalancerConfig::Policy::kRandom)
    // One stream per LB replica: replicas draw independently.
    policy_ = std::make_unique<RandomPolicy>(n, lb_.ctx_.stream(host().name(), "backend_choice"));
  else
    policy_ = std::make_unique<RoundRobinPolicy>(n);
}

void LoadBalancerReplica::on_call(Message& parent) {
  SimContext& ctx = lb_.ctx_;
  const Seconds now = ctx.calendar.now();
  lb_.stats_.arrived(now);
  const std::size_t i = policy_->pick();
  const std::uint32_t slot = pending_.acquire();
  pending_[slot].value = {&parent, now};
  Message* child = ctx.messages.make();
  child->request_id = parent.request_id;
  child->caller = this;
  child->reply_route = back_[i];
  child->caller_slot = slot;
  child->caller_gen = pending_[slot].gen;
  child->issued_at = parent.issued_at;
  child->sent_at = now;
  child->request_bytes = parent.request_bytes;
  child->response_bytes = parent.response_bytes;
  child->key = parent.key;
  child->op = parent.op;
  child->klass = parent.klass;
  lb_.stats_.forwarded(now, now);
  to_[i]->send_call(*child, child->request_bytes);
}

void LoadBalancerReplica::on_reply(Message& child) {
  SimContext& ctx = lb_.ctx_;
  const Seconds now = ctx.calendar.now();
  const std::uint32_t slot = child.caller_slot;
  const bool current = pending_.is_current(slot, child.caller_gen);
  const Status status = child.status;
  const CacheResult cache = child.cache;
  const bool stale = child.stale;
  ctx.messages.release(&child);
  if (!current) return;
  const Pending p = pending_[slot].value;
  pending_.release(slot);
  lb_.stats_.departed(now, p.arrived_at);
  p.parent->status = status;
  p.parent->cache = cache;
  p.parent->stale = stale;
  p.parent->held_for = now - p.arrived_at;
  p.parent->reply_route->send_reply(*p.parent, p.parent->response_bytes);
}

}  // namespace sdsim
