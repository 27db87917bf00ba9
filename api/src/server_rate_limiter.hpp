// A connection's request rate limit: a token bucket holding at most `burst` tokens, refilled at
// `per_second`; each request takes one. No clock of its own (the caller passes the time), so it is testable.
#pragma once

#include <algorithm>
#include <chrono>

namespace aiopid::api::detail {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  /// per_second <= 0: no limit. Starts full.
  TokenBucket(double per_second, double burst, Clock::time_point now)
      : per_second_(per_second), burst_(std::max(burst, 1.0)), tokens_(burst_), last_(now) {}

  /// Takes a token if one is there.
  bool try_take(Clock::time_point now) noexcept {
    if (per_second_ <= 0) return true;
    if (now > last_) {
      const double elapsed = std::chrono::duration<double>(now - last_).count();
      tokens_ = std::min(burst_, tokens_ + elapsed * per_second_);
      last_ = now;
    }
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }
  [[nodiscard]] double tokens() const noexcept { return tokens_; }

 private:
  double per_second_, burst_, tokens_;
  Clock::time_point last_;
};

}  // namespace aiopid::api::detail
