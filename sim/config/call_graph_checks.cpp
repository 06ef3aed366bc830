#include "sim/config/call_graph_checks.hpp"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace sdsim {

namespace {

// Reports each cycle in a call graph once (a request would be forwarded forever, or hold a
// worker at each hop until they run out). A depth-first search from `roots` with its own
// stack: a call chain as long as the file allows must not overflow the thread's stack
// (60,000 services in a chain did, recursively). `callees_of(c)`: the calls c makes;
// `context`: what the graph is, for the message ("" for the components' own calls).
template <class CalleesOf>
void check_cycles_from(const std::vector<const ComponentConfig*>& roots, CalleesOf callees_of,
                       const std::string& context, const ConfigIndex& index, Diagnostics& diag) {
  enum class State { kNew, kOnPath, kDone };
  struct Frame {
    const ComponentConfig* component;
    std::vector<NameRef> callees;
    std::size_t next = 0;
  };
  std::map<const ComponentConfig*, State> state;
  std::vector<Frame> stack;
  // The call that led to each frame but the first: path.size() == stack.size() - 1.
  std::vector<std::pair<const ComponentConfig*, NameRef>> path;
  const auto enter = [&](const ComponentConfig* c) {
    state[c] = State::kOnPath;
    stack.push_back({c, callees_of(c), 0});
  };
  for (const ComponentConfig* root : roots) {
    if (state[root] != State::kNew) continue;
    enter(root);
    while (!stack.empty()) {
      Frame& frame = stack.back();
      if (frame.next == frame.callees.size()) {
        state[frame.component] = State::kDone;
        stack.pop_back();
        if (!path.empty()) path.pop_back();
        continue;
      }
      const ComponentConfig* c = frame.component;
      const NameRef ref = frame.callees[frame.next++];
      const ComponentConfig* next = index.find(ref.name);
      if (next == nullptr) continue;
      if (state[next] == State::kOnPath) {
        path.emplace_back(c, ref);
        std::string cycle;
        bool in = false;
        for (const auto& [from, r] : path) {
          if (from == next) in = true;
          if (in) cycle += from->name + " -> ";
        }
        cycle += next->name;
        diag.error(ref.mark, context + c->name + ": '" + ref.name + "' makes a cycle " + cycle +
                                 " (a request would be forwarded forever)");
        path.pop_back();
      } else if (state[next] == State::kNew) {
        path.emplace_back(c, ref);
        enter(next);  // invalidates `frame`
      }
    }
  }
}

}  // namespace

// The components' own calls, then, when those have no cycle, each request class's: its
// requests follow the class's calls where it has them and the services' own elsewhere.
void check_cycles(const Scenario& s, const ConfigIndex& index, Diagnostics& diag) {
  std::vector<const ComponentConfig*> all;
  for (const auto& c : s.components) all.push_back(c.get());
  check_cycles_from(
      all, [](const ComponentConfig* c) { return c->callees(); }, "", index, diag);
  if (diag.has_errors()) return;
  for (const auto& client : s.clients)
    for (const ClassCalls& k : client->class_calls()) {
      std::vector<const ComponentConfig*> roots;
      for (const NameRef& target : client->callees())
        if (const ComponentConfig* c = index.find(target.name)) roots.push_back(c);
      const auto callees_of = [&k](const ComponentConfig* c) {
        for (const auto& [service, refs] : k.calls)
          if (service == c->name) return refs;
        return c->callees();
      };
      check_cycles_from(roots, callees_of,
                        "class '" + k.name + "' of client '" + client->name + "': ", index, diag);
    }
}

// Warns about each component that no request can reach: not a client's target, and not called
// by a component that requests reach (its callees(), and the calls that others have it make: a
// client's per-class calls). Usually a forgotten `calls:` entry; it may be deliberate (a
// component kept for a --set or a later change), so it is a warning. A fault that names a
// component does not reach it. Needs resolved names: run only on a scenario without errors.
void check_reached(const Scenario& s, Diagnostics& diag) {
  std::map<std::string, std::vector<std::string>> calls;  // caller -> callees
  std::map<std::string, std::set<std::string>> callers;   // callee -> callers
  const auto add = [&](const std::string& from, const std::string& to) {
    calls[from].push_back(to);
    callers[to].insert(from);
  };
  for (const auto* list : {&s.clients, &s.components})
    for (const auto& c : *list) {
      for (const NameRef& to : c->callees()) add(c->name, to.name);
      for (const ClassCalls& k : c->class_calls())
        for (const auto& [from, refs] : k.calls)
          for (const NameRef& to : refs) add(from, to.name);
    }
  std::set<std::string> reached;
  std::vector<std::string> frontier;
  for (const auto& c : s.clients)
    if (reached.insert(c->name).second) frontier.push_back(c->name);
  while (!frontier.empty()) {
    const std::string from = std::move(frontier.back());
    frontier.pop_back();
    for (const std::string& to : calls[from])
      if (reached.insert(to).second) frontier.push_back(to);
  }
  for (const auto& c : s.components) {
    if (reached.count(c->name)) continue;
    const std::set<std::string>& by = callers[c->name];
    if (by.empty()) {
      diag.warning(c->mark, "component '" + c->name +
                                "' is never reached: no client targets it and no call goes to it");
      continue;
    }
    std::string names;
    for (const std::string& n : by) names += (names.empty() ? "'" : ", '") + n + "'";
    diag.warning(c->mark, "component '" + c->name +
                              "' is never reached: only components that are never reached call "
                              "it (" +
                              names + ")");
  }
}

}  // namespace sdsim
