#include "sim/engine/fault_config.hpp"

namespace sdsim {

std::string_view fault_kind_name(FaultKind kind) {
  switch (kind) {
    case FaultKind::kCrash:
      return "crash";
    case FaultKind::kSlow:
      return "slow";
    case FaultKind::kErrors:
      return "errors";
    case FaultKind::kPartition:
      return "partition";
    case FaultKind::kLatency:
      return "latency_spike";
    case FaultKind::kLoss:
      return "loss";
  }
  return "?";
}

}  // namespace sdsim
