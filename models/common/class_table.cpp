#include "models/common/class_table.hpp"

#include "sim/config/scenario.hpp"

namespace sdsim {

ClassTable::ClassTable(const Scenario& scenario) : entries_(1) {
  for (const auto& c : scenario.clients) {
    const auto* client = dynamic_cast<const ClientConfig*>(c.get());
    if (client == nullptr) continue;
    for (const RequestClass& k : client->classes) entries_.push_back({client, &k});
  }
}

std::uint32_t ClassTable::first_id(const std::string& client) const {
  for (std::size_t i = 1; i < entries_.size(); ++i)
    if (entries_[i].client->name == client) return static_cast<std::uint32_t>(i);
  return 0;
}

}  // namespace sdsim
