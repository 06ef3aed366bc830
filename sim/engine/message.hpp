// Message: one call between two component replicas (or a client and a replica), and its reply.
// A caller makes a Message, sends it on a Route; the callee handles it, sets `status`, and sends
// the same Message back on `reply_route` to `caller`. Messages come from a MessagePool: the
// request path allocates nothing per request once the pool is warm.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/units.hpp"

namespace sdsim {

class Node;
class Route;

// How a call ended, as the caller sees it. (Timeouts are the caller's own decision.)
enum class Status : std::uint8_t {
  kOk,
  kRejected,  // 503: no room in the callee's queue; or 429 (retry_after > 0): rate limited
  kError,     // an injected or propagated failure
};

// What a request does to the data it names (caches, databases).
enum class Op : std::uint8_t { kRead, kWrite };

// What a cache answered (callers can condition later calls on it: `when: cache_miss`).
enum class CacheResult : std::uint8_t { kNone, kHit, kMiss };

struct Message {
  std::uint64_t request_id = 0;   // the end-to-end request this call belongs to
  Node* caller = nullptr;         // who gets the reply
  Route* reply_route = nullptr;   // the route callee -> caller
  std::uint32_t caller_slot = 0;  // the caller's own bookkeeping handle
  std::uint32_t caller_gen = 0;   // and its generation (to recognise stale replies)
  Seconds issued_at = 0;          // when the client issued the request
  Seconds sent_at = 0;            // when this call left the caller
  Bytes request_bytes = 0;
  Bytes response_bytes = 0;
  std::uint64_t key = 0;         // the data item (1..count; 0 when the client has no keys)
  std::uint32_t caller_tag = 0;  // more caller bookkeeping (e.g. which step of a call plan)
  std::uint32_t klass = 0;       // request class: id in the scenario's class table, 0 = none
  Op op = Op::kRead;
  // A health-check probe: the callee's host answers it at once, without the component's
  // queue or work (a health endpoint), as long as the host is on.
  bool probe = false;
  // A cancellation: the caller gave up on its call (caller, caller_slot, caller_gen,
  // caller_tag name it); the callee may drop it if it has not started (Node::on_cancel).
  bool cancel = false;
  // ---- set by the callee on the reply ----
  Status status = Status::kOk;
  CacheResult cache = CacheResult::kNone;
  bool stale = false;       // a read served data older than the latest committed write
  Seconds retry_after = 0;  // a 429: how long the caller should wait before retrying
  Seconds held_for = 0;     // arrival at the callee -> its reply left (the caller's network
                            // time on this call is its round trip minus this)
  Seconds wire_extra = 0;   // network: link-fault delay paid on the current hop
  // Tracing (Tracer, `sdsim run --trace`): the request's trace number (0: not traced);
  // models copy it onto the calls they make for the request. `on_wire_at`: when the route
  // took the current hop (set for traced messages only).
  std::uint32_t trace = 0;
  Seconds on_wire_at = 0;
  Message* next_free = nullptr;  // pool link
};

class MessagePool {
 public:
  MessagePool() = default;
  MessagePool(const MessagePool&) = delete;
  MessagePool& operator=(const MessagePool&) = delete;
  ~MessagePool();

  Message* make();
  void release(Message* m);
  std::size_t in_use() const { return in_use_; }

 private:
  Message* free_ = nullptr;
  std::vector<Message*> blocks_;
  std::size_t in_use_ = 0;
};

}  // namespace sdsim
