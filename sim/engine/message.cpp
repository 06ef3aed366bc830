#include "sim/engine/message.hpp"

namespace sdsim {

namespace {
constexpr std::size_t kBlock = 1024;
}

MessagePool::~MessagePool() {
  for (Message* b : blocks_) delete[] b;
}

Message* MessagePool::make() {
  if (free_ == nullptr) {
    Message* block = new Message[kBlock];
    blocks_.push_back(block);
    for (std::size_t i = 0; i < kBlock; ++i) {
      block[i].next_free = free_;
      free_ = &block[i];
    }
  }
  Message* m = free_;
  free_ = m->next_free;
  *m = Message{};
  ++in_use_;
  return m;
}

void MessagePool::release(Message* m) {
  m->next_free = free_;
  free_ = m;
  --in_use_;
}

}  // namespace sdsim
