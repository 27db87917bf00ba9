// LifeGuard: lets driver code that calls user code (a callback, an observer) find out whether that user code
// destroyed the driver, so that it then touches nothing. The seed's tests replace or deinit a button from its
// own callbacks; C++ adds "or destroys it".
//
//   bool Driver::on_event() {
//     LifeGuard::Scope scope(guard_);    // guard_ is a member of the driver
//     call_user_code();
//     if (scope.gone()) return false;    // *this no longer exists
//     ...
//   }
#pragma once

#include <utility>

namespace aiopi::drivers::detail {

class LifeGuard {
 public:
  LifeGuard() noexcept = default;
  LifeGuard(const LifeGuard&) = delete;
  LifeGuard& operator=(const LifeGuard&) = delete;
  ~LifeGuard() {
    if (flag_ != nullptr) *flag_ = true;
  }

  /// One stretch of driver code that calls user code. Scopes nest (a scope's destruction tells the outer
  /// one).
  class Scope {
   public:
    explicit Scope(LifeGuard& guard) noexcept : guard_(&guard), outer_(std::exchange(guard.flag_, &gone_)) {}
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    ~Scope() {
      if (gone_) {
        if (outer_ != nullptr) *outer_ = true;
      } else {
        guard_->flag_ = outer_;
      }
    }
    /// True once the guarded object has been destroyed.
    bool gone() const noexcept { return gone_; }

   private:
    LifeGuard* guard_;
    bool* outer_;
    bool gone_ = false;
  };

 private:
  bool* flag_ = nullptr;
};

}  // namespace aiopi::drivers::detail
