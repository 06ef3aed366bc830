#include "models/database/database_config.hpp"

#include <string>

#include "models/database/database.hpp"

namespace sdsim {

namespace {

// service_time: <law> (reads and writes) | {read: <law>, write: <law>}
void parse_service_time(MapReader& r, DatabaseConfig& c) {
  if (!r.has("service_time")) {
    if (!r.has_misspelling_of("service_time"))
      r.error(r.mark(),
              "missing required key 'service_time' (e.g. service_time: exp(5ms) or "
              "service_time: {read: exp(2ms), write: exp(8ms)})");
    return;
  }
  const YAML::Node node = r.get("service_time");
  if (node.IsMap()) {
    MapReader s(node, r.context() + ".service_time", r.diag());
    c.read_time = s.distribution("read", Dimension::kTime, true);
    c.write_time = s.distribution("write", Dimension::kTime, true);
    s.finish();
    return;
  }
  c.read_time = c.write_time = r.distribution("service_time", Dimension::kTime, true);
}

// replication: {mode: async | sync, lag: <law>, timeout: <time>}
void parse_replication(MapReader& r, DatabaseConfig& c, bool* mode_given) {
  MapReader m(r.get("replication"), r.context() + ".replication", r.diag());
  if (auto mode = m.choice("mode", {"async", "sync"})) {
    *mode_given = true;
    c.replication =
        *mode == "sync" ? DatabaseConfig::Replication::kSync : DatabaseConfig::Replication::kAsync;
  }
  // Time laws are >= 0 by construction (the distribution parser rejects negative arguments).
  if (m.has("lag")) c.lag = m.distribution("lag", Dimension::kTime);
  if (auto t = m.positive_quantity("timeout", Dimension::kTime)) c.replication_timeout = *t;
  m.finish();
}

}  // namespace

std::unique_ptr<ComponentConfig> parse_database(MapReader& r) {
  auto c = std::make_unique<DatabaseConfig>();
  if (auto n = r.integer("replicas", 1, 1000))
    c->replicas = static_cast<int>(*n);
  else if (r.get("replicas").IsDefined())
    c->replicas = 0;  // bad, reported: 0 = not known
  if (auto n = r.integer("shards", 1, 10000)) c->shards = static_cast<int>(*n);
  parse_station_keys(r, c->station);
  {
    const QueuePolicyConfig& qp = c->station.queue_policy;
    if (qp.discipline != QueueDiscipline::kFifo || qp.max_wait)
      r.error(r.mark_of_key("queue"),
              "queue: a database's waiting room is fifo without shedding (discipline and "
              "max_wait are for services)");
  }
  parse_service_time(r, *c);
  if (auto p = r.choice("read_policy", {"primary", "replicas", "any"})) {
    c->read_policy = *p == "primary"    ? ReadPolicy::kPrimary
                     : *p == "replicas" ? ReadPolicy::kReplicas
                                        : ReadPolicy::kAny;
    if (c->read_policy == ReadPolicy::kReplicas && c->replicas > 0 && c->replicas < 2)
      r.error_at("read_policy",
                 "read_policy: replicas needs replicas >= 2 (a replica other than the primary)");
  }
  bool mode_given = false;
  if (r.has("replication")) parse_replication(r, *c, &mode_given);
  bool quorum = false;
  if (r.has("quorum")) {
    quorum = true;
    MapReader q(r.get("quorum"), r.context() + ".quorum", r.diag());
    for (const char* key : {"read", "write"}) {
      auto n = q.integer(key, 1, 1000);
      if (!n) continue;
      if (c->replicas > 0 && *n > c->replicas) {  // 0: a bad `replicas`, reported
        q.error_at(key, std::string(key) + ": " + std::to_string(*n) + " is more than replicas (" +
                            std::to_string(c->replicas) +
                            "): a quorum counts replicas of one shard, the primary included");
        continue;
      }
      (key[0] == 'r' ? c->read_quorum : c->write_quorum) = static_cast<int>(*n);
    }
    q.finish();
  }
  if (quorum && !mode_given) c->replication = DatabaseConfig::Replication::kSync;
  if (c->replication == DatabaseConfig::Replication::kAsync && c->write_quorum > 1)
    r.error_at("quorum",
               "quorum.write > 1 needs acknowledged replication: replication: {mode: sync} "
               "(with mode: async the primary acknowledges a write alone)");
  if (c->replication == DatabaseConfig::Replication::kSync && !quorum)
    c->write_quorum = c->replicas;
  return c;
}

std::unique_ptr<Component> DatabaseConfig::build(SimContext& ctx) const {
  return std::make_unique<Database>(*this, ctx);
}

}  // namespace sdsim
