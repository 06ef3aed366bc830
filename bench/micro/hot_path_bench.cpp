// Micro benchmarks of pieces on sdsim's per-request hot path: latency histograms (every ended
// request adds to two or three) and random draws (every arrival and service start).
//   build/release/sdsim_micro_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "sim/dist/distribution.hpp"
#include "sim/metrics/histogram.hpp"
#include "sim/rng/random_stream.hpp"

namespace {

// Latencies spread over four decades (1 ms .. 10 s), drawn once, so the benchmark measures
// add() and not the generator.
std::vector<double> sample_latencies(std::size_t n) {
  sdsim::RandomStream rng(42, "bench", "latencies");
  const auto law = sdsim::make_lognormal_median_p99(0.05, 2.0);
  std::vector<double> v(n);
  for (double& x : v) x = law->sample(rng);
  return v;
}

void BM_HistogramAdd(benchmark::State& state) {
  const std::vector<double> values = sample_latencies(1 << 16);
  sdsim::LatencyHistogram h;
  std::size_t i = 0;
  for (auto _ : state) {
    h.add(values[i]);
    i = (i + 1) & (values.size() - 1);
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramAdd);

void BM_HistogramQuantile(benchmark::State& state) {
  const std::vector<double> values = sample_latencies(1 << 16);
  sdsim::LatencyHistogram h;
  for (double x : values) h.add(x);
  for (auto _ : state) benchmark::DoNotOptimize(h.quantile(0.99));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramQuantile);

void BM_HistogramMerge(benchmark::State& state) {
  const std::vector<double> values = sample_latencies(1 << 16);
  sdsim::LatencyHistogram a;
  for (double x : values) a.add(x);
  for (auto _ : state) {
    sdsim::LatencyHistogram b;
    b.merge(a);
    benchmark::DoNotOptimize(b.count());
  }
}
BENCHMARK(BM_HistogramMerge);

void BM_RandomStreamUniform(benchmark::State& state) {
  sdsim::RandomStream rng(42, "client", "arrivals");
  for (auto _ : state) benchmark::DoNotOptimize(rng.uniform_open01());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RandomStreamUniform);

void BM_RandomStreamConstruct(benchmark::State& state) {
  // Seeding an mt19937_64 (312 words): paid once per (component, purpose), not per draw.
  for (auto _ : state) {
    sdsim::RandomStream rng(42, "client", "arrivals");
    benchmark::DoNotOptimize(rng.next_u64());
  }
}
BENCHMARK(BM_RandomStreamConstruct);

void BM_ExponentialSample(benchmark::State& state) {
  sdsim::RandomStream rng(42, "api", "service_time");
  const std::unique_ptr<sdsim::Distribution> law = sdsim::make_exponential(0.01);
  for (auto _ : state) benchmark::DoNotOptimize(law->sample(rng));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExponentialSample);

void BM_LognormalSample(benchmark::State& state) {
  sdsim::RandomStream rng(42, "api", "service_time");
  const auto law = sdsim::make_lognormal_median_p99(0.01, 0.1);
  for (auto _ : state) benchmark::DoNotOptimize(law->sample(rng));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LognormalSample);

}  // namespace
