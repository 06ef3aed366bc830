// Node: one replica of a component (or a client's machine) as the request path sees it. It
// lives on a Host, receives calls and replies from Routes, and its own timers from the
// Calendar.
#pragma once

#include <cstdint>

#include "sim/engine/calendar.hpp"
#include "sim/engine/host.hpp"
#include "sim/engine/message.hpp"

namespace sdsim {

// Calendar tags below kFirstModelTag are the engine's; a model numbers its own from there.
inline constexpr std::uint32_t kTagCall = 1;
inline constexpr std::uint32_t kTagReply = 2;
inline constexpr std::uint32_t kFirstModelTag = 16;

class Node : public EventTarget {
 public:
  explicit Node(Host& host) : host_(host) {}

  Host& host() const { return host_; }

  // A call arrives (this node is the callee). The node owns `m` until it replies.
  virtual void on_call(Message& m) = 0;
  // The reply to a call this node made arrives. The node owns `m` again.
  virtual void on_reply(Message& m) = 0;
  // A caller gave up on a call it made here (`m` names it; the route frees `m` afterwards).
  // Default: nothing (the work goes on, as without cancellation).
  virtual void on_cancel(const Message& m) {}
  // The node's own timers (tags >= kFirstModelTag).
  virtual void on_event(std::uint32_t tag, void* data) {}

  void fire(std::uint32_t tag, void* data) final {
    if (tag == kTagCall)
      on_call(*static_cast<Message*>(data));
    else if (tag == kTagReply)
      on_reply(*static_cast<Message*>(data));
    else
      on_event(tag, data);
  }

 private:
  Host& host_;
};

}  // namespace sdsim
