#include "models/service/service.hpp"

#include <limits>

#include "sim/engine/calendar.hpp"
#include "sim/engine/cpu.hpp"
#include "sim/engine/network.hpp"
#include "sim/engine/platform.hpp"
#include "sim/metrics/metrics_hub.hpp"

namespace sdsim {

Service::Service(const ServiceConfig& config, SimContext& ctx)
    : Component(config.name),
      config_(config),
      ctx_(ctx),
      stats_(ctx.metrics.add_station(
          config.name,
          StationShape{"service", config.replicas, config.workers,
                       config.cores > 0 || config.workers > 0 ? config.effective_cores() : 0,
                       config.queue_capacity.has_value(),
                       config.mode() == ServiceConfig::Mode::kCpu})),
      service_rng_(ctx.stream(config.name, "service_time")),
      mode_(config.mode()) {
  for (int i = 0; i < config.replicas; ++i) {
    Host& h = ctx.platform.add_host(config.name + "[" + std::to_string(i) + "]",
                                    config.effective_cores());
    replicas_.push_back(std::make_unique<ServiceReplica>(*this, h));
  }
}

ServiceReplica::ServiceReplica(Service& service, Host& host) : Node(host), service_(service) {}

void ServiceReplica::on_call(Message& m) {
  const Seconds now = service_.ctx_.calendar.now();
  const ServiceConfig& cfg = service_.config_;
  service_.stats_.arrived(now);
  if (cfg.workers == 0 || busy_ < cfg.workers) {
    begin(&m, now, false);
    return;
  }
  if (!cfg.queue_capacity || static_cast<std::int64_t>(queue_.size()) < *cfg.queue_capacity) {
    queue_.push_back({&m, now, 0});
    service_.stats_.queued(now);
    return;
  }
  service_.stats_.rejected(now, now);
  m.status = Status::kRejected;
  m.reply_route->send_reply(m, 0);
}

void ServiceReplica::begin(Message* m, Seconds arrived_at, bool from_queue) {
  Service& s = service_;
  const Seconds now = s.ctx_.calendar.now();
  ++busy_;
  s.stats_.started(now, arrived_at, from_queue);
  const Seconds work = s.config_.service_time->sample(s.service_rng_);
  const std::uint32_t slot = in_service_.acquire();
  in_service_[slot].value = {m, arrived_at, work};
  void* data = pack_slot(slot, in_service_[slot].gen);
  if (s.mode_ == ServiceConfig::Mode::kDelay) {
    s.ctx_.calendar.at(now + work, this, kServiceDone, data);
  } else {
    if (busy_ <= host().cores()) s.stats_.cpu_busy(now, 1);
    s.ctx_.cpu.start(host(), work, this, kServiceDone, data);
  }
}

void ServiceReplica::on_event(std::uint32_t tag, void* data) {
  if (tag != kServiceDone) return;
  Service& s = service_;
  const Seconds now = s.ctx_.calendar.now();
  const std::uint32_t slot = unpack_slot(data);
  const Job job = in_service_[slot].value;
  in_service_.release(slot);
  if (s.mode_ == ServiceConfig::Mode::kCpu && busy_ <= host().cores()) s.stats_.cpu_busy(now, -1);
  --busy_;
  s.stats_.finished(now, job.arrived_at, job.service);
  s.stats_.departed(now, job.arrived_at);
  job.message->status = Status::kOk;
  job.message->held_for = now - job.arrived_at;
  job.message->reply_route->send_reply(*job.message, job.message->response_bytes);
  if (!queue_.empty()) {
    const Job next = queue_.front();
    queue_.pop_front();
    begin(next.message, next.arrived_at, true);
  }
}

void ServiceReplica::on_reply(Message& m) {
  // A service makes no calls yet (calls: come with multi-tier systems).
  service_.ctx_.messages.release(&m);
}

}  // namespace sdsim
