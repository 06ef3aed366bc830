// Client configuration (`clients:` items): who is called, how requests arrive, how long the
// client waits. docs/models/client.md describes the semantics.
#pragma once

#include <memory>
#include <optional>

#include "sim/config/map_reader.hpp"
#include "sim/dist/distribution.hpp"
#include "sim/registry/component.hpp"

namespace sdsim {

struct ClientConfig final : ComponentConfig {
  enum class Arrival { kPoisson, kConstant, kClosed };
  NameRef target;
  Arrival arrival = Arrival::kPoisson;
  PerSecond rate = 0;                                // open loop
  std::shared_ptr<const Distribution> interarrival;  // Poisson: exp(1/rate)
  int users = 0;                                     // closed loop
  std::shared_ptr<const Distribution> think;         // closed loop
  std::optional<Seconds> timeout;                    // per attempt; absent = wait forever

  void resolve(const ConfigIndex& index, Diagnostics& diag) const override;
  std::optional<Seconds> longest_request_wait() const override { return timeout; }
  std::unique_ptr<Component> build(SimContext& ctx) const override;
};

std::unique_ptr<ComponentConfig> parse_client(MapReader& item);

}  // namespace sdsim
