#include "models/cache/cache_config.hpp"

#include <limits>

#include "models/cache/cache.hpp"
#include "models/common/station_keys.hpp"
#include "sim/core/text.hpp"

namespace sdsim {

std::unique_ptr<ComponentConfig> parse_cache(MapReader& r) {
  auto c = std::make_unique<CacheConfig>();
  if (auto n = r.integer("capacity", 1, 100'000'000, true)) c->capacity = *n;
  if (auto p = r.choice("policy", {"lru", "lfu", "perfect_lfu", "fifo", "random"})) {
    c->policy = *p == "lfu"           ? CachePolicyKind::kLfu
                : *p == "perfect_lfu" ? CachePolicyKind::kPerfectLfu
                : *p == "fifo"        ? CachePolicyKind::kFifo
                : *p == "random"      ? CachePolicyKind::kRandom
                                      : CachePolicyKind::kLru;
  }
  if (r.has("hit_time")) c->hit_time = r.distribution("hit_time", Dimension::kTime);
  if (auto n = r.integer("replicas", 1, 100000))
    c->replicas = static_cast<int>(*n);
  else if (r.get("replicas").IsDefined())
    c->replicas = 0;  // bad, reported: 0 = not known
  const bool workers_valid = parse_workers_key(r, c->workers);
  parse_fifo_queue_key(r, c->queue_capacity);
  if (r.has("queue") && workers_valid && c->workers == 0)
    r.error(r.mark_of_key("queue"),
            "a queue has no use with workers: unlimited (nobody ever waits)");
  if (auto d = r.string("downstream")) c->downstream = NameRef{*d, r.mark_of_value("downstream")};
  if (auto b = r.boolean("coalesce")) {
    c->coalesce = *b;
    if (!c->downstream)
      r.error(r.mark_of_key("coalesce"),
              "coalesce needs a downstream (only read-through misses can be coalesced)");
  }
  if (r.has("ttl")) {
    if (auto t = r.positive_quantity("ttl", Dimension::kTime, " (leave it out: never expires)"))
      c->ttl = *t;
  }
  if (r.has("ttl_jitter")) {
    if (auto j = r.quantity("ttl_jitter", Dimension::kFraction)) {
      if (*j >= 1)
        r.error(r.mark_of_value("ttl_jitter"), "ttl_jitter: expected a fraction below 1");
      else
        c->ttl_jitter = *j;
    }
    if (!r.has("ttl")) r.error(r.mark_of_key("ttl_jitter"), "ttl_jitter needs a ttl");
  }
  if (auto w = r.choice("write_policy", {"write_through", "write_around", "write_back"})) {
    c->write_policy = *w == "write_around" ? CacheConfig::WritePolicy::kWriteAround
                      : *w == "write_back" ? CacheConfig::WritePolicy::kWriteBack
                                           : CacheConfig::WritePolicy::kWriteThrough;
    if (!c->downstream)
      r.error(r.mark_of_value("write_policy"),
              "write_policy: " + *w +
                  " needs a downstream (without one, writes just update the cache)");
  }
  if (r.has("flush_interval")) {
    if (auto t = r.positive_quantity("flush_interval", Dimension::kTime)) c->flush_interval = *t;
    if (c->write_policy != CacheConfig::WritePolicy::kWriteBack)
      r.error(r.mark_of_key("flush_interval"), "flush_interval needs write_policy: write_back");
  }
  if (r.has("timeout")) {
    if (auto t = r.positive_quantity("timeout", Dimension::kTime,
                                     " (leave it out to wait for the downstream)"))
      c->timeout = *t;
    if (!c->downstream)
      r.error(r.mark_of_key("timeout"), "timeout needs a downstream (it bounds its calls)");
  }
  return c;
}

std::vector<NameRef> CacheConfig::callees() const {
  return downstream ? std::vector<NameRef>{*downstream} : std::vector<NameRef>{};
}

void CacheConfig::resolve(const ConfigIndex& index, Diagnostics& diag) const {
  if (!downstream) return;
  if (downstream->name == name) {
    diag.error(downstream->mark, name + ": a cache cannot be its own downstream");
    return;
  }
  resolve_callable(*downstream, name, index, diag);
}

std::unique_ptr<Component> CacheConfig::build(SimContext& ctx) const {
  return std::make_unique<Cache>(*this, ctx);
}

}  // namespace sdsim
