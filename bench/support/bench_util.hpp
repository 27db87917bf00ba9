// Small helpers shared by the benchmark programs: a nanosecond clock, RSS, a deterministic RNG, percentiles
// and a one-line JSON writer (stdout carries nothing but one JSON object per line).
#pragma once

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "alloc_counter.hpp"

namespace aiopi::bench {

/// CLOCK_MONOTONIC in nanoseconds (the clock the Linux loop and asio's steady_timer both use).
inline std::int64_t mono_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

/// Resident set size of this process in bytes.
inline std::int64_t rss_bytes() noexcept {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  long size = 0, resident = 0;
  if (std::fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
  std::fclose(f);
  return static_cast<std::int64_t>(resident) * sysconf(_SC_PAGESIZE);
}

/// xorshift64*: deterministic, allocation-free, the same sequence for every implementation.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) noexcept : s_(seed ? seed : 0x9e3779b97f4a7c15ull) {}
  std::uint64_t next() noexcept {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 0x2545f4914f6cdd1dull;
  }
  /// Uniform in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) noexcept {
    return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }

 private:
  std::uint64_t s_;
};

/// A benchmark that did not do its work must not print a figure.
[[noreturn]] inline void die(const char* why) {
  std::fprintf(stderr, "benchmark failed: %s\n", why);
  std::exit(1);
}

/// What one timed repetition measured.
struct Sample {
  double ns_per_op = 0;
  double allocs_per_op = 0;
};

/// The timed part of one repetition: time and allocations between start() and stop(), per operation.
struct TimedWindow {
  std::int64_t t0 = 0, t1 = 0;
  std::uint64_t a0 = 0, a1 = 0;
  void start() noexcept {
    a0 = allocations();
    t0 = mono_ns();
  }
  void stop() noexcept {
    t1 = mono_ns();
    a1 = allocations();
  }
  Sample per_op(std::int64_t ops) const {
    if (t1 <= t0) die("the timed window never closed");
    return {static_cast<double>(t1 - t0) / static_cast<double>(ops),
            static_cast<double>(a1 - a0) / static_cast<double>(ops)};
  }
};

/// Keeps the fastest repetition (the one least disturbed by other load on the machine) and the largest
/// allocation rate seen in any repetition (allocations must not hide behind a lucky run).
struct Best {
  double ns_per_op = 1e300;
  double allocs_per_op = 0;
  void add(const Sample& s) noexcept {
    ns_per_op = std::min(ns_per_op, s.ns_per_op);
    allocs_per_op = std::max(allocs_per_op, s.allocs_per_op);
  }
};

/// Percentile (0..100) of an already sorted vector, nearest-rank.
inline std::int64_t percentile(const std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size()) + 0.5);
  if (rank < 1) rank = 1;
  if (rank > sorted.size()) rank = sorted.size();
  return sorted[rank - 1];
}

/// The shape of a set of samples (ns): mean, min, median, p99, max.
struct Distribution {
  double mean_ns = 0;
  std::int64_t min = 0, p50 = 0, p99 = 0, max = 0;
};

/// Sorts `v` in place and describes it. An empty set is a benchmark that did not do its work.
inline Distribution distribution(std::vector<std::int64_t>& v) {
  if (v.empty()) die("no samples");
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (std::int64_t x : v)
    sum += static_cast<double>(x);
  Distribution d;
  d.mean_ns = sum / static_cast<double>(v.size());
  d.min = v.front();
  d.p50 = percentile(v, 50);
  d.p99 = percentile(v, 99);
  d.max = v.back();
  return d;
}

/// Builds `{"name":...,"impl":...,...}` and prints it as one line.
class Json {
 public:
  Json(const char* name, const char* impl) {
    str("name", name);
    str("impl", impl);
  }
  Json& str(const char* key, const char* value) {
    key_(key);
    out_ += '"';
    out_ += value;
    out_ += '"';
    return *this;
  }
  Json& num(const char* key, double value, int decimals = 2) {
    key_(key);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    out_ += buf;
    return *this;
  }
  Json& integer(const char* key, std::int64_t value) {
    key_(key);
    out_ += std::to_string(value);
    return *this;
  }
  /// A value written as given (an array, say).
  Json& raw(const char* key, const char* json) {
    key_(key);
    out_ += json;
    return *this;
  }
  Json& boolean(const char* key, bool value) {
    key_(key);
    out_ += value ? "true" : "false";
    return *this;
  }
  void print() {
    out_ += '}';
    std::puts(out_.c_str());
    std::fflush(stdout);
  }

 private:
  void key_(const char* key) {
    out_ += out_.empty() ? '{' : ',';
    out_ += '"';
    out_ += key;
    out_ += "\":";
  }
  std::string out_;
};

/// argv[1] selects one implementation ("aiopi", "asio", "bare", ...); no argument runs them all.
inline bool selected(int argc, char** argv, const char* impl) {
  return argc < 2 || std::strcmp(argv[1], impl) == 0 || std::strcmp(argv[1], "all") == 0;
}

}  // namespace aiopi::bench
