// SlotTable: a free-list array of per-request records, addressed by a 32-bit slot and
// checked by a 32-bit generation, so a late reply to a record that was since reused is
// recognised as stale. No allocation per request once warm.
#pragma once

#include <cstdint>
#include <vector>

namespace sdsim {

template <class T>
class SlotTable {
 public:
  struct Entry {
    T value{};
    std::uint32_t gen = 0;
    bool live = false;
  };

  // A fresh live entry; returns its slot.
  std::uint32_t acquire() {
    std::uint32_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      slot = static_cast<std::uint32_t>(entries_.size());
      entries_.emplace_back();
    }
    entries_[slot].live = true;
    ++live_;
    return slot;
  }
  void release(std::uint32_t slot) {
    Entry& e = entries_[slot];
    e.live = false;
    ++e.gen;
    e.value = T{};
    free_.push_back(slot);
    --live_;
  }
  Entry& operator[](std::uint32_t slot) { return entries_[slot]; }
  const Entry& operator[](std::uint32_t slot) const { return entries_[slot]; }
  // True when `slot` holds a live entry of generation `gen`.
  bool is_current(std::uint32_t slot, std::uint32_t gen) const {
    return slot < entries_.size() && entries_[slot].live && entries_[slot].gen == gen;
  }
  std::size_t live() const { return live_; }
  // Calls f(slot, value) for every live entry, in slot order.
  template <class F>
  void for_each_live(F&& f) {
    for (std::uint32_t i = 0; i < entries_.size(); ++i)
      if (entries_[i].live) f(i, entries_[i].value);
  }
  std::size_t capacity() const { return entries_.size(); }

 private:
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> free_;
  std::size_t live_ = 0;
};

// Packs (slot, generation) into an event's data pointer and back.
inline void* pack_slot(std::uint32_t slot, std::uint32_t gen) {
  return reinterpret_cast<void*>((static_cast<std::uintptr_t>(gen) << 32) | slot);
}
inline std::uint32_t unpack_slot(void* data) {
  return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(data) & 0xffffffffu);
}
inline std::uint32_t unpack_gen(void* data) {
  return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(data) >> 32);
}

}  // namespace sdsim
