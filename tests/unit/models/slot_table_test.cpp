// SlotTable: acquire/release with slot reuse, generations that expose stale
// references, and the (slot, generation) <-> event data pointer round trip.
#include "models/common/slot_table.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <vector>

namespace sdsim {
namespace {

struct Rec {
  int id = -1;
  double t = 0;
};

TEST(SlotTable, AcquireGivesFreshLiveSlots) {
  SlotTable<Rec> t;
  EXPECT_EQ(t.live(), 0u);
  EXPECT_EQ(t.capacity(), 0u);
  const auto a = t.acquire();
  const auto b = t.acquire();
  const auto c = t.acquire();
  EXPECT_EQ(std::set<std::uint32_t>({a, b, c}).size(), 3u);
  EXPECT_EQ(t.live(), 3u);
  EXPECT_EQ(t.capacity(), 3u);
  for (auto s : {a, b, c}) {
    EXPECT_TRUE(t[s].live);
    EXPECT_EQ(t[s].gen, 0u);
    EXPECT_TRUE(t.is_current(s, 0));
    EXPECT_EQ(t[s].value.id, -1);  // default value
  }
}

TEST(SlotTable, ReleaseBumpsGenerationAndClearsTheValue) {
  SlotTable<Rec> t;
  const auto s = t.acquire();
  t[s].value = {42, 1.5};
  t.release(s);
  EXPECT_FALSE(t[s].live);
  EXPECT_EQ(t[s].gen, 1u);
  EXPECT_EQ(t[s].value.id, -1);
  EXPECT_EQ(t.live(), 0u);
  // A late reference (generation 0) to the released slot is stale, and so is
  // any other.
  EXPECT_FALSE(t.is_current(s, 0));
  EXPECT_FALSE(t.is_current(s, 1));  // not live
}

TEST(SlotTable, ReusedSlotRejectsTheOldGeneration) {
  SlotTable<Rec> t;
  const auto s = t.acquire();
  const auto old_gen = t[s].gen;
  t.release(s);
  const auto again = t.acquire();
  EXPECT_EQ(again, s);  // reused, not grown
  EXPECT_EQ(t.capacity(), 1u);
  EXPECT_FALSE(t.is_current(s, old_gen)) << "a late reply to the old record must be stale";
  EXPECT_TRUE(t.is_current(s, t[s].gen));
  EXPECT_EQ(t[s].gen, old_gen + 1);
}

TEST(SlotTable, OutOfRangeSlotIsNotCurrent) {
  SlotTable<Rec> t;
  EXPECT_FALSE(t.is_current(0, 0));
  t.acquire();
  EXPECT_FALSE(t.is_current(1, 0));
  EXPECT_FALSE(t.is_current(0xffffffffu, 0));
}

TEST(SlotTable, ChurnKeepsCapacityAtThePeakAndLiveCountExact) {
  SlotTable<Rec> t;
  std::vector<std::uint32_t> open;
  std::vector<std::uint32_t> gens;
  for (int round = 0; round < 100; ++round) {
    for (int i = 0; i < 10; ++i) {
      const auto s = t.acquire();
      t[s].value.id = round * 10 + i;
      open.push_back(s);
    }
    for (int i = 0; i < 10; ++i) {
      const auto s = open.back();
      open.pop_back();
      t.release(s);
    }
  }
  EXPECT_EQ(t.live(), 0u);
  EXPECT_EQ(t.capacity(), 10u);  // no growth once warm
  for (std::uint32_t s = 0; s < 10; ++s) EXPECT_EQ(t[s].gen, 100u);
}

TEST(SlotTable, PackUnpackRoundTrip) {
  for (std::uint32_t slot : {0u, 1u, 12345u, 0x7fffffffu, 0xffffffffu})
    for (std::uint32_t gen : {0u, 1u, 999u, 0x80000000u, 0xffffffffu}) {
      void* p = pack_slot(slot, gen);
      EXPECT_EQ(unpack_slot(p), slot) << slot << "/" << gen;
      EXPECT_EQ(unpack_gen(p), gen) << slot << "/" << gen;
    }
}

TEST(SlotTable, PackedReferenceDetectsReuse) {
  SlotTable<Rec> t;
  const auto s = t.acquire();
  void* stale = pack_slot(s, t[s].gen);
  t.release(s);
  const auto s2 = t.acquire();
  void* fresh = pack_slot(s2, t[s2].gen);
  EXPECT_FALSE(t.is_current(unpack_slot(stale), unpack_gen(stale)));
  EXPECT_TRUE(t.is_current(unpack_slot(fresh), unpack_gen(fresh)));
}

}  // namespace
}  // namespace sdsim
