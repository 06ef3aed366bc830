// The loader's call-graph check must not recurse once per call in a chain: a long chain of
// services (as long as a file allows) overflowed the stack. Loaded here on a thread with a
// 256 KiB stack, where 5,000 recursive calls of the old check did not fit.
#include <gtest/gtest.h>
#include <pthread.h>

#include <optional>
#include <string>

#include "models/models.hpp"
#include "sim/config/scenario.hpp"
#include "sim/registry/registry.hpp"

namespace sdsim::testing {
namespace {

struct Result {
  bool loaded = false;
  std::string diagnostics;
};

// A client calls s0 -> s1 -> ... -> s{n-1}; with `cycle`, the last calls s0 again.
std::string chain(int n, bool cycle) {
  std::string text =
      "duration: 1s\nclients: [{name: u, target: s0, arrival: {poisson: 1/s}}]\ncomponents:\n";
  for (int i = 0; i < n; ++i) {
    const int next = i + 1 < n ? i + 1 : (cycle ? 0 : -1);
    text += "  - {name: s" + std::to_string(i) + ", kind: service, service_time: 1ms";
    if (next >= 0) text += ", calls: [{to: s" + std::to_string(next) + "}]";
    text += "}\n";
  }
  return text;
}

Result load_on_small_stack(const std::string& text) {
  struct Job {
    const std::string* text;
    Result result;
  } job{&text, {}};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  pthread_t thread;
  const auto body = [](void* p) -> void* {
    auto* j = static_cast<Job*>(p);
    Registry registry;
    register_models(registry);
    Diagnostics diag("chain.yaml");
    j->result.loaded = load_scenario_text(*j->text, "chain.yaml", registry, diag).has_value();
    j->result.diagnostics = diag.format();
    return nullptr;
  };
  EXPECT_EQ(pthread_create(&thread, &attr, body, &job), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  return job.result;
}

TEST(CallChain, FiveThousandServicesLoadOnASmallStack) {
  const Result r = load_on_small_stack(chain(5000, false));
  EXPECT_TRUE(r.loaded) << r.diagnostics;
}

TEST(CallChain, ACycleThroughFiveThousandServicesIsReportedOnce) {
  const Result r = load_on_small_stack(chain(5000, true));
  EXPECT_FALSE(r.loaded);
  // One error: the call that closes the cycle, s4999 -> s0, on the last line.
  EXPECT_EQ(r.diagnostics.find("chain.yaml:5003:"), 0u) << r.diagnostics.substr(0, 300);
  EXPECT_NE(r.diagnostics.find("s4999: 's0' makes a cycle s0 -> s1 -> "), std::string::npos);
  EXPECT_EQ(r.diagnostics.find('\n'), r.diagnostics.size() - 1) << "more than one diagnostic";
}

}  // namespace
}  // namespace sdsim::testing
