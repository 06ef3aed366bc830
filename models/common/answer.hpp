// Answering a call at once, without work (a rejection, an injected error, a peer's
// acknowledgement): the reply carries `status`, no cache result, nothing stale, and no time
// held at the callee, and it has no payload.
#pragma once

#include "sim/engine/message.hpp"
#include "sim/engine/network.hpp"

namespace sdsim {

inline void answer_at_once(Message& m, Status status) {
  m.status = status;
  m.held_for = 0;
  m.cache = CacheResult::kNone;
  m.stale = false;
  m.reply_route->send_reply(m, 0);
}

}  // namespace sdsim
