// Registry: maps `kind:` strings to the parse functions of models/. sim/ knows no kind by
// name; models/models.cpp holds one registration line per kind.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config/map_reader.hpp"
#include "sim/registry/component.hpp"

namespace sdsim {

// Parses one list item (its `name` and `kind` are already read and set by the caller).
using ParseFn = std::function<std::unique_ptr<ComponentConfig>(MapReader& item)>;

class Registry {
 public:
  // A kind for the `components:` list.
  void add_component_kind(std::string kind, ParseFn parse);
  // The parser of `clients:` items.
  void set_client_parser(ParseFn parse) { client_ = std::move(parse); }

  const ParseFn* component_kind(std::string_view kind) const;
  const ParseFn* client_parser() const { return client_ ? &client_ : nullptr; }
  std::vector<std::string> component_kinds() const;

 private:
  std::map<std::string, ParseFn, std::less<>> kinds_;
  ParseFn client_;
};

}  // namespace sdsim
