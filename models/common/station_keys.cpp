#include "models/common/station_keys.hpp"

#include <limits>
#include <string>

#include "sim/core/text.hpp"

namespace sdsim {

bool parse_workers_key(MapReader& r, int& workers) {
  if (!r.has("workers")) return true;
  const YAML::Node w = r.get("workers");
  std::int64_t n = 0;
  if (w.IsScalar() && w.Scalar() == "unlimited") {
    workers = 0;
    return true;
  }
  if (!w.IsScalar() || !parse_whole_number(w.Scalar(), &n)) {
    r.error(mark_of(w), "workers: expected a whole number or 'unlimited', found " +
                            (w.IsScalar() ? "'" + w.Scalar() + "'" : std::string("a collection")));
    return false;
  }
  const auto v = r.integer("workers", 1, 1'000'000);
  if (v) workers = static_cast<int>(*v);
  return v.has_value();
}

void parse_fifo_queue_key(MapReader& r, std::optional<std::int64_t>& capacity) {
  if (!r.has("queue")) return;
  MapReader q(r.get("queue"), r.context() + ".queue", r.diag());
  if (q.has("capacity")) {
    const YAML::Node cap = q.get("capacity");
    if (!(cap.IsScalar() && cap.Scalar() == "unbounded"))
      if (auto n = q.integer("capacity", 0, std::numeric_limits<std::int32_t>::max()))
        capacity = *n;
  }
  q.choice("discipline", {"fifo"});
  q.finish();
}

void parse_station_keys(MapReader& r, StationKeys& out) {
  const bool workers_valid = parse_workers_key(r, out.workers);
  if (auto n = r.integer("cores", 1, 100000)) out.cores = static_cast<int>(*n);
  if (r.has("queue")) {
    MapReader q(r.get("queue"), r.context() + ".queue", r.diag());
    if (q.has("capacity")) {
      const YAML::Node cap = q.get("capacity");
      if (!(cap.IsScalar() && cap.Scalar() == "unbounded"))
        if (auto n = q.integer("capacity", 0, std::numeric_limits<std::int32_t>::max()))
          out.queue_capacity = *n;
    }
    QueuePolicyConfig& qp = out.queue_policy;
    if (auto d = q.choice("discipline", {"fifo", "lifo", "adaptive_lifo", "codel"}))
      qp.discipline = *d == "lifo"            ? QueueDiscipline::kLifo
                      : *d == "adaptive_lifo" ? QueueDiscipline::kAdaptiveLifo
                      : *d == "codel"         ? QueueDiscipline::kCodel
                                              : QueueDiscipline::kFifo;
    auto positive = [&](const char* key, Seconds& v) {
      if (auto t = q.positive_quantity(key, Dimension::kTime)) v = *t;
    };
    if (q.has("max_wait")) {
      Seconds w = 0;
      positive("max_wait", w);
      if (w > 0) qp.max_wait = w;
    }
    const bool targeted =
        qp.discipline == QueueDiscipline::kAdaptiveLifo || qp.discipline == QueueDiscipline::kCodel;
    if (q.has("target")) {
      positive("target", qp.target);
      if (!targeted) q.error_at("target", "target: only for discipline adaptive_lifo or codel");
    }
    if (q.has("interval")) {
      positive("interval", qp.interval);
      if (qp.discipline != QueueDiscipline::kCodel)
        q.error_at("interval", "interval: only for discipline codel");
    }
    q.finish();
    if (workers_valid && out.workers == 0 && out.queue_capacity)
      r.error(r.mark_of_key("queue"),
              "a queue has no use with workers: unlimited (nobody ever waits)");
  }
}

}  // namespace sdsim
