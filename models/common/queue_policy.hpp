// QueuePolicy: which waiting request a free worker takes next, and which ones it drops
// instead (load shedding), for a station's waiting room (`queue:` keys; docs/reference.md):
//   fifo           the oldest
//   lifo           the newest (under overload, fresh requests still meet their deadlines)
//   adaptive_lifo  the oldest, but the newest while the oldest has waited more than `target`
//                  (Facebook's adaptive LIFO: FIFO when healthy, LIFO when congested)
//   codel          the oldest, dropping requests at dequeue while the queue's sojourn time has
//                  stayed above `target` for at least `interval`, more often the longer it
//                  stays there (CoDel, RFC 8289: next drop interval / sqrt(drops))
// and with `max_wait`, a request that waited longer than that is dropped when it comes up.
// Dropped requests are answered 503 by the station. Pure: the station owns the deque.
#pragma once

#include <cmath>
#include <deque>
#include <optional>

#include "sim/core/units.hpp"

namespace sdsim {

enum class QueueDiscipline { kFifo, kLifo, kAdaptiveLifo, kCodel };

struct QueuePolicyConfig {
  QueueDiscipline discipline = QueueDiscipline::kFifo;
  std::optional<Seconds> max_wait;
  Seconds target = 0.005;  // adaptive_lifo, codel
  Seconds interval = 0.1;  // codel
  bool sheds() const { return max_wait.has_value() || discipline == QueueDiscipline::kCodel; }
};

class QueuePolicy {
 public:
  explicit QueuePolicy(const QueuePolicyConfig& config) : config_(config) {}

  // Takes the next request from `queue` (not empty) at `now`; the ones it drops on the way
  // go to `drop(item)`. Returns false when every waiting request was dropped.
  template <class Item, class Drop>
  bool take(std::deque<Item>& queue, Seconds now, Item* out, Drop&& drop) {
    while (!queue.empty()) {
      const bool newest = config_.discipline == QueueDiscipline::kLifo ||
                          (config_.discipline == QueueDiscipline::kAdaptiveLifo &&
                           now - queue.front().arrived_at > config_.target);
      Item item = newest ? queue.back() : queue.front();
      if (newest)
        queue.pop_back();
      else
        queue.pop_front();
      const Seconds sojourn = now - item.arrived_at;
      bool shed = config_.max_wait && sojourn > *config_.max_wait;
      if (!shed && config_.discipline == QueueDiscipline::kCodel)
        shed = codel_drop(sojourn, now, queue.empty());
      if (shed) {
        drop(item);
        continue;
      }
      *out = item;
      return true;
    }
    return false;
  }

 private:
  // RFC 8289's dequeue logic, one request at a time: true when this request is dropped.
  bool codel_drop(Seconds sojourn, Seconds now, bool queue_empty_after) {
    bool ok_to_drop = false;
    if (sojourn < config_.target || queue_empty_after) {
      first_above_ = 0;
    } else if (first_above_ == 0) {
      first_above_ = now + config_.interval;
    } else if (now >= first_above_) {
      ok_to_drop = true;
    }
    if (dropping_) {
      if (!ok_to_drop) {
        dropping_ = false;
        return false;
      }
      if (now >= drop_next_) {
        ++count_;
        drop_next_ = control_law(drop_next_);
        return true;
      }
      return false;
    }
    if (ok_to_drop) {
      dropping_ = true;
      // Re-enter with a count close to the last one if the last dropping state was recent.
      count_ = count_ > 2 && now - drop_next_ < 8 * config_.interval ? count_ - 2 : 1;
      drop_next_ = control_law(now);
      return true;
    }
    return false;
  }
  Seconds control_law(Seconds t) const {
    return t + config_.interval / std::sqrt(static_cast<double>(count_));
  }

  QueuePolicyConfig config_;
  Seconds first_above_ = 0, drop_next_ = 0;
  bool dropping_ = false;
  unsigned count_ = 0;
};

}  // namespace sdsim
