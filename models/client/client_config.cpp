#include "models/client/client_config.hpp"

#include "models/client/client.hpp"

namespace sdsim {

std::unique_ptr<ComponentConfig> parse_client(MapReader& r) {
  auto c = std::make_unique<ClientConfig>();
  if (auto t = r.string("target", true)) c->target = {*t, r.mark_of_value("target")};

  const bool open = r.has("arrival");
  const bool closed = r.has("closed");
  if (open && closed) {
    r.error(r.mark_of_key("closed"),
            "give either 'arrival' (open loop) or 'closed' (closed loop), not both");
  } else if (!open && !closed && !r.has_misspelling_of("arrival") &&
             !r.has_misspelling_of("closed")) {
    r.error(r.mark(),
            "missing 'arrival' (e.g. arrival: {poisson: 100/s}) or 'closed' "
            "(e.g. closed: {users: 50, think: exp(1s)})");
  }
  if (open) {
    MapReader a(r.get("arrival"), r.context() + ".arrival", r.diag());
    const bool poisson = a.has("poisson");
    const bool constant = a.has("constant");
    if (!a.ok()) {
      // reported: not a mapping
    } else if (poisson + constant != 1) {
      a.error(a.mark(), "give exactly one process: poisson: <rate> or constant: <rate>");
    } else {
      c->arrival = poisson ? ClientConfig::Arrival::kPoisson : ClientConfig::Arrival::kConstant;
      const char* key = poisson ? "poisson" : "constant";
      if (auto rate = a.quantity(key, Dimension::kRate)) {
        if (*rate <= 0)
          a.error_at(key, std::string(key) + ": the rate must be > 0");
        else if (*rate < 1e-9 || *rate > 1e9)
          a.error_at(key, std::string(key) + ": the rate must be between 1e-9/s and 1e9/s");
        else {
          c->rate = *rate;
          if (poisson) c->interarrival = make_exponential(1.0 / *rate);
        }
      }
    }
    a.finish();
  }
  if (closed) {
    c->arrival = ClientConfig::Arrival::kClosed;
    MapReader cl(r.get("closed"), r.context() + ".closed", r.diag());
    if (auto u = cl.integer("users", 1, 10'000'000, true)) c->users = static_cast<int>(*u);
    c->think = cl.distribution("think", Dimension::kTime, true);
    cl.finish();
  }
  if (auto t = r.quantity("timeout", Dimension::kTime)) {
    if (*t <= 0)
      r.error_at("timeout", "timeout must be > 0 (leave it out to wait for every reply)");
    else
      c->timeout = *t;
  }
  return c;
}

void ClientConfig::resolve(const ConfigIndex& index, Diagnostics& diag) const {
  resolve_callable(target, name, index, diag);
}

std::unique_ptr<Component> ClientConfig::build(SimContext& ctx) const {
  return std::make_unique<Client>(*this, ctx);
}

}  // namespace sdsim
