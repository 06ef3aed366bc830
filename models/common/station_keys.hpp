// StationKeys: the keys every queueing station kind shares (`workers`, `cores`, `queue`), read
// in one place so that a service and a database accept and check them alike.
// docs/reference.md lists them under "Station keys".
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>

#include "models/common/queue_policy.hpp"
#include "sim/config/map_reader.hpp"

namespace sdsim {

struct StationKeys {
  int workers = 1;  // per replica; 0 = unlimited
  int cores = 0;    // per replica; 0 = as many as workers (no CPU sharing)
  std::optional<std::int64_t> queue_capacity;  // waiting room per replica; absent = unbounded
  QueuePolicyConfig queue_policy;              // order and shedding of the waiting room

  // True when busy workers can outnumber cores: work is a SimGrid exec (CPU sharing);
  // otherwise each busy worker has a core of its own and work is a timer.
  bool cpu_sharing() const { return cores != 0 && (workers == 0 || workers > cores); }
  // Cores of each replica's host: `cores`, or one per worker (at least 1).
  int effective_cores() const { return cores > 0 ? cores : std::max(workers, 1); }
};

// Reads `workers` (a whole number from 1, or 'unlimited' = 0) into `workers` when present;
// returns false when it was given but is not valid (reported through `r`).
bool parse_workers_key(MapReader& r, int& workers);
// Reads `queue: {capacity, discipline: fifo}` (a fifo waiting room without shedding) into
// `capacity` when present (`unbounded`: left absent).
void parse_fifo_queue_key(MapReader& r, std::optional<std::int64_t>& capacity);

// Reads `workers` (a whole number or 'unlimited'), `cores` and `queue: {capacity, discipline}`
// from `r` into `out` (absent keys keep out's values), reporting errors through `r`.
void parse_station_keys(MapReader& r, StationKeys& out);

}  // namespace sdsim
