#include "sim/registry/registry.hpp"

#include <stdexcept>

#include "sim/core/text.hpp"

namespace sdsim {

void Registry::add_component_kind(std::string kind, ParseFn parse) {
  if (!kinds_.emplace(std::move(kind), std::move(parse)).second)
    throw std::logic_error("component kind registered twice");
}

const ParseFn* Registry::component_kind(std::string_view kind) const {
  auto it = kinds_.find(kind);
  return it == kinds_.end() ? nullptr : &it->second;
}

std::vector<std::string> Registry::component_kinds() const {
  std::vector<std::string> out;
  for (const auto& [k, _] : kinds_) out.push_back(k);
  return out;
}

void resolve_callable(const NameRef& ref, const std::string& owner, const ConfigIndex& index,
                      Diagnostics& diag) {
  if (ref.name.empty()) return;  // the key is missing: reported where it was read
  const ComponentConfig* target = index.find(ref.name);
  if (target == nullptr && index.exists(ref.name)) return;  // that item has errors of its own
  if (target == nullptr) {
    std::string msg = owner + ": '" + ref.name + "' names no component";
    const std::string hint = did_you_mean(ref.name, index.names());
    if (!hint.empty()) msg += " (did you mean '" + hint + "'?)";
    diag.error(ref.mark, msg);
    return;
  }
  if (!target->callable())
    diag.error(ref.mark, owner + ": '" + ref.name + "' is a client; only components can be called");
}

std::size_t Component::pick_replica(const Message&, RandomStream& rng) const {
  const std::size_t n = replica_count();
  return n == 1 ? 0 : static_cast<std::size_t>(rng.below(n));
}

}  // namespace sdsim
