// Counts calls of the global allocation functions, so tests can demand zero allocations per operation.
#pragma once

#include <atomic>
#include <cstddef>

namespace aiopi::testing {

/// Allocations (operator new of any form, malloc is not counted) made by this thread since the process began.
std::size_t thread_allocations() noexcept;

/// Counts allocations over a scope: `AllocationScope s; ...; EXPECT_EQ(s.count(), 0u);`
class AllocationScope {
 public:
  AllocationScope() noexcept : start_(thread_allocations()) {}
  std::size_t count() const noexcept { return thread_allocations() - start_; }

 private:
  std::size_t start_;
};

}  // namespace aiopi::testing
