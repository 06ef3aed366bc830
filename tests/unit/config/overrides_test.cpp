// Overrides on the parsed YAML (sim/config/overrides.hpp): paths through mappings by key and
// lists by item name, creation of absent keys, replacement of whole values, and the problems.
#include "sim/config/overrides.hpp"

#include <gtest/gtest.h>

namespace sdsim {
namespace {

const char* kScenario = R"(name: s
duration: 10s
slo: {latency: {p99.9: 1s}}
clients:
  - {name: users, target: api, arrival: {poisson: 10/s}}
components:
  - {name: api, kind: service, workers: 2, service_time: exp(10ms)}
  - {name: db, kind: service, workers: 4, service_time: exp(5ms)}
faults:
  - {name: split, at: 1s, for: 2s, crash: api}
)";

YAML::Node set(YAML::Node root, const std::string& path, const std::string& value,
               std::string* problem = nullptr) {
  const std::string p = set_at_path(root, path, YAML::Load(value), 0);
  if (problem != nullptr) *problem = p;
  return root;
}

TEST(Overrides, ListItemsAreAddressedByName) {
  YAML::Node root = set(YAML::Load(kScenario), "components.db.workers", "32");
  EXPECT_EQ(root["components"][1]["workers"].as<int>(), 32);
  EXPECT_EQ(root["components"][0]["workers"].as<int>(), 2) << "another item changed";
  root = set(root, "faults.split.for", "10s");
  EXPECT_EQ(root["faults"][0]["for"].as<std::string>(), "10s");
}

TEST(Overrides, AbsentKeysAreCreatedAsNestedMappings) {
  YAML::Node root = set(YAML::Load(kScenario), "components.api.queue.capacity", "8");
  ASSERT_TRUE(root["components"][0]["queue"].IsMap());
  EXPECT_EQ(root["components"][0]["queue"]["capacity"].as<int>(), 8);
  EXPECT_EQ(root["components"][0]["workers"].as<int>(), 2);
}

TEST(Overrides, FlowValuesReplaceWholeNodes) {
  YAML::Node root = set(YAML::Load(kScenario), "components.api.queue", "{capacity: 8}");
  EXPECT_EQ(root["components"][0]["queue"]["capacity"].as<int>(), 8);
  root = set(root, "clients.users.arrival", "{poisson: 99/s}");
  EXPECT_EQ(root["clients"][0]["arrival"]["poisson"].as<std::string>(), "99/s");
  EXPECT_EQ(root["clients"][0]["arrival"].size(), 1u);
}

TEST(Overrides, KeysWithDotsAreMatchedWhenPresent) {
  YAML::Node root = set(YAML::Load(kScenario), "slo.latency.p99.9", "2s");
  EXPECT_EQ(root["slo"]["latency"]["p99.9"].as<std::string>(), "2s");
  EXPECT_EQ(root["slo"]["latency"].size(), 1u);
}

TEST(Overrides, UnknownNameIsAProblemWithASuggestion) {
  std::string problem;
  set(YAML::Load(kScenario), "components.dbb.workers", "3", &problem);
  EXPECT_EQ(problem, "no item named 'dbb' in 'components' (did you mean 'db'?)");
  set(YAML::Load(kScenario), "components.zzzzz.workers", "3", &problem);
  EXPECT_EQ(problem, "no item named 'zzzzz' in 'components' (names there: api, db)");
}

TEST(Overrides, ScalarsHaveNoKeys) {
  std::string problem;
  set(YAML::Load(kScenario), "duration.x", "3", &problem);
  EXPECT_EQ(problem, "'duration' is a single value ('10s'), it has no key 'x'");
}

TEST(Overrides, CheckingAPathChangesNothing) {
  const YAML::Node root = YAML::Load(kScenario);
  const std::string before = YAML::Dump(root);
  EXPECT_EQ(check_override_path(root, "components.api.queue.capacity"), "");
  EXPECT_EQ(check_override_path(root, "components.api.workers"), "");
  EXPECT_NE(check_override_path(root, "components.nope.workers"), "");
  EXPECT_EQ(YAML::Dump(root), before);
}

TEST(Overrides, ParseSplitsAtTheFirstEquals) {
  std::string error;
  auto o = parse_override("a.b=x=y", "--set", &error);
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->path, "a.b");
  EXPECT_EQ(o->value, "x=y");
  EXPECT_EQ(o->label(), "--set a.b=x=y");
  EXPECT_FALSE(parse_override("novalue", "--set", &error).has_value());
  EXPECT_FALSE(parse_override("=3", "--set", &error).has_value());
}

TEST(Overrides, SplitValuesKeepsBracketsAndQuotesWhole) {
  EXPECT_EQ(split_values("1, 2,3"), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(split_values("exp(5ms),lognormal(median=1ms, p99=5ms)"),
            (std::vector<std::string>{"exp(5ms)", "lognormal(median=1ms, p99=5ms)"}));
  EXPECT_EQ(split_values("{capacity: 8, discipline: fifo},'a,b'"),
            (std::vector<std::string>{"{capacity: 8, discipline: fifo}", "'a,b'"}));
}

// A sweep axis holds each value once; values that are one YAML value written two ways are one.
TEST(Overrides, RepeatedSweepValuesAreFoundAsYaml) {
  using Found = std::vector<std::pair<std::size_t, std::string>>;
  EXPECT_EQ(repeated_sweep_values({"1", "2", "4"}), Found{});
  EXPECT_EQ(repeated_sweep_values({"3", "3"}), (Found{{1, "the value '3' appears twice"}}));
  EXPECT_EQ(repeated_sweep_values({"{capacity: 8}", "{capacity: 4}", "{ capacity:  8 }"}),
            (Found{{2, "the value '{ capacity:  8 }' appears twice"}}));
  EXPECT_EQ(repeated_sweep_values({"exp(5ms)", "uniform(4ms, 12ms)"}), Found{});
  EXPECT_EQ(repeated_sweep_values({"[a", "[a"}), (Found{{1, "the value '[a' appears twice"}}))
      << "text that is not YAML is compared as written";
}

TEST(Overrides, FlowYamlIsOneLine) {
  EXPECT_EQ(to_flow_yaml(YAML::Load("8")), "8");
  EXPECT_EQ(to_flow_yaml(YAML::Load("capacity: 8\ndiscipline: fifo")),
            "{capacity: 8, discipline: fifo}");
  EXPECT_EQ(to_flow_yaml(YAML::Load("[east, west]")), "[east, west]");
}

}  // namespace
}  // namespace sdsim
