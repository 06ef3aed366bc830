// ClassTable: every request class of a scenario with its scenario-wide id (Message::klass),
// so a component can look up per-class behaviour with one index. Ids run from 1 over the
// clients in file order and each client's classes in order; 0 means "no class".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/client/client_config.hpp"

namespace sdsim {

struct Scenario;

struct ClassEntry {
  const ClientConfig* client = nullptr;
  const RequestClass* klass = nullptr;
};

class ClassTable {
 public:
  explicit ClassTable(const Scenario& scenario);
  // Entry `id` (1-based); entries()[0] is the "no class" entry (both pointers null).
  const std::vector<ClassEntry>& entries() const { return entries_; }
  std::size_t size() const { return entries_.size(); }
  // Id of `client`'s first class (its class i has id first_id + i); 0 when it has none.
  std::uint32_t first_id(const std::string& client) const;

 private:
  std::vector<ClassEntry> entries_;
};

}  // namespace sdsim
