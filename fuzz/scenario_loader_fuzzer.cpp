// libFuzzer target for the scenario loader (tools/fuzz builds and runs it; docs/hardening.md).
// Any bytes must give either a scenario or errors, never a crash, an uncaught exception, a
// hang or a leak; it loads and validates only (no simulation runs, no SimGrid engine).
// The input is named as a file in scenarios/examples/, so relative sample files named in it
// (empirical(checkout-latencies.csv), trace files) resolve as they do for the examples.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "models/models.hpp"
#include "sim/config/scenario.hpp"
#include "sim/registry/registry.hpp"

namespace {

const sdsim::Registry& registry() {
  static const sdsim::Registry r = [] {
    sdsim::Registry out;
    sdsim::register_models(out);
    return out;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string file = SDSIM_SOURCE_DIR "/scenarios/examples/fuzz-input.yaml";
  sdsim::Diagnostics diag(file);
  const std::optional<sdsim::Scenario> scenario =
      sdsim::load_scenario_text(text, file, registry(), diag);
  // The loader's contract: a scenario exactly when no error was reported, and every error has
  // a message.
  if (scenario.has_value() == diag.has_errors()) {
    std::fprintf(stderr, "loader contract broken: scenario %s, %d errors\n%s",
                 scenario ? "returned" : "not returned", diag.error_count(), diag.format().c_str());
    std::abort();
  }
  for (const auto& d : diag.all())
    if (d.message.empty()) {
      std::fprintf(stderr, "a diagnostic without a message at %d:%d\n", d.mark.line, d.mark.column);
      std::abort();
    }
  return 0;
}
