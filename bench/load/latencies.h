// Latencies: every request's latency, for exact percentiles afterwards.
// A few million samples fit easily (4 bytes each), so nothing is binned.
// Thread-safety: one per thread; merge() after the threads are joined.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace scarlet::bench {

class Latencies {
 public:
  void add(std::uint64_t ns) { samples_.push_back(static_cast<std::uint32_t>(std::min<std::uint64_t>(ns, UINT32_MAX))); }
  void merge(const Latencies& other) { samples_.insert(samples_.end(), other.samples_.begin(), other.samples_.end()); }
  std::size_t count() const { return samples_.size(); }

  // The p-th percentile (0 < p <= 100) in nanoseconds; 0 when empty.
  std::uint64_t percentile(double p) {
    if (samples_.empty()) return 0;
    auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(samples_.size() - 1) + 0.5);
    std::nth_element(samples_.begin(), samples_.begin() + static_cast<std::ptrdiff_t>(rank), samples_.end());
    return samples_[rank];
  }

 private:
  std::vector<std::uint32_t> samples_;
};

}  // namespace scarlet::bench
