#include "models/service/service_config.hpp"

#include "models/service/service.hpp"
#include "sim/core/text.hpp"

namespace sdsim {

ServiceConfig::Mode ServiceConfig::mode() const {
  if (cores == 0) return Mode::kDelay;
  if (workers != 0 && workers <= cores) return Mode::kDelay;
  return Mode::kCpu;
}

std::unique_ptr<ComponentConfig> parse_service(MapReader& r) {
  auto c = std::make_unique<ServiceConfig>();
  if (auto n = r.integer("replicas", 1, 100000)) c->replicas = static_cast<int>(*n);
  if (r.has("workers")) {
    const YAML::Node w = r.get("workers");
    std::int64_t n = 0;
    if (w.IsScalar() && w.Scalar() == "unlimited") {
      c->workers = 0;
    } else if (!w.IsScalar() || !parse_whole_number(w.Scalar(), &n)) {
      r.error(mark_of(w),
              "workers: expected a whole number or 'unlimited', found " +
                  (w.IsScalar() ? "'" + w.Scalar() + "'" : std::string("a collection")));
    } else if (auto v = r.integer("workers", 1, 1'000'000)) {
      c->workers = static_cast<int>(*v);
    }
  }
  if (auto n = r.integer("cores", 1, 100000)) c->cores = static_cast<int>(*n);
  if (r.has("queue")) {
    MapReader q(r.get("queue"), r.context() + ".queue", r.diag());
    if (q.has("capacity")) {
      const YAML::Node cap = q.get("capacity");
      if (!(cap.IsScalar() && cap.Scalar() == "unbounded"))
        if (auto n = q.integer("capacity", 0, std::numeric_limits<std::int32_t>::max()))
          c->queue_capacity = *n;
    }
    q.choice("discipline", {"fifo"});
    q.finish();
    if (c->workers == 0 && c->queue_capacity)
      r.error(r.mark_of_key("queue"),
              "a queue has no use with workers: unlimited (nobody ever waits)");
  }
  c->service_time = r.distribution("service_time", Dimension::kTime, true);
  return c;
}

std::unique_ptr<Component> ServiceConfig::build(SimContext& ctx) const {
  return std::make_unique<Service>(*this, ctx);
}

}  // namespace sdsim
