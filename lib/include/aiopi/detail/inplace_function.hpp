// InplaceFunction: a move-only, type-erased callable stored inside the object (no heap). Primitives that keep
// a user callable (Barrier's action, Delay_ms's callback) hold one, so configuring them never allocates.
//
//   InplaceFunction<void()> f = [&counter] { ++counter; };   // captures up to kInplaceFunctionSize bytes
//
// A callable larger than the buffer is a compile-time error: capture less, or capture a pointer to a struct.
#pragma once

#include <cstddef>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

namespace aiopi {

/// Default room for the callable's captures: four pointers (16 bytes on the RP2040, 32 on a 64-bit host).
inline constexpr std::size_t kInplaceFunctionSize = 4 * sizeof(void*);

template <class Signature, std::size_t Size = kInplaceFunctionSize>
class InplaceFunction;

namespace detail {
/// A callable an InplaceFunction `Self` with signature R(Args...) can hold (not itself, not nullptr).
template <class F, class Self, class R, class... Args>
concept InplaceStorable = !std::is_same_v<std::remove_cvref_t<F>, Self> &&
                          !std::is_same_v<std::remove_cvref_t<F>, std::nullptr_t> &&
                          std::is_invocable_r_v<R, std::decay_t<F>&, Args...>;
}  // namespace detail

template <class R, class... Args, std::size_t Size>
class InplaceFunction<R(Args...), Size> {
 public:
  InplaceFunction() noexcept = default;
  InplaceFunction(std::nullptr_t) noexcept {}  // NOLINT: implicit, like std::function

  template <detail::InplaceStorable<InplaceFunction, R, Args...> F>
  InplaceFunction(F&& f) noexcept(std::is_nothrow_constructible_v<std::decay_t<F>, F>) {  // NOLINT: implicit
    using D = std::decay_t<F>;
    static_assert(sizeof(D) <= Size,
                  "InplaceFunction: the callable is too big for the inline buffer; capture less or capture a "
                  "pointer to a struct");
    static_assert(alignof(D) <= alignof(std::max_align_t), "InplaceFunction: over-aligned callable");
    static_assert(std::is_nothrow_move_constructible_v<D>,
                  "InplaceFunction: the callable must be nothrow-movable");
    if constexpr (std::is_pointer_v<std::remove_cvref_t<F>> ||
                  std::is_member_pointer_v<std::remove_cvref_t<F>>) {
      if (f == nullptr) return;  // an empty function pointer makes an empty InplaceFunction
    }
    ::new (static_cast<void*>(buf_)) D(std::forward<F>(f));
    ops_ = &kOps<D>;
  }

  InplaceFunction(InplaceFunction&& o) noexcept { take(o); }
  InplaceFunction& operator=(InplaceFunction&& o) noexcept {
    if (this != &o) {
      reset();
      take(o);
    }
    return *this;
  }
  InplaceFunction& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }
  InplaceFunction(const InplaceFunction&) = delete;
  InplaceFunction& operator=(const InplaceFunction&) = delete;
  ~InplaceFunction() { reset(); }

  explicit operator bool() const noexcept { return ops_ != nullptr; }

  /// Calls the stored callable; calling an empty InplaceFunction is undefined (check with operator bool).
  R operator()(Args... args) { return ops_->call(buf_, std::forward<Args>(args)...); }

  void reset() noexcept {
    if (ops_ != nullptr) {
      ops_->destroy(buf_);
      ops_ = nullptr;
    }
  }

 private:
  struct Ops {
    R (*call)(void* self, Args&&... args);
    void (*relocate)(void* dst, void* src) noexcept;  // move-constructs into dst, destroys src
    void (*destroy)(void* self) noexcept;
  };

  template <class D>
  static constexpr Ops kOps{
      [](void* self, Args&&... args) -> R {
        return std::invoke(*std::launder(static_cast<D*>(self)), std::forward<Args>(args)...);
      },
      [](void* dst, void* src) noexcept {
        D* from = std::launder(static_cast<D*>(src));
        ::new (dst) D(std::move(*from));
        from->~D();
      },
      [](void* self) noexcept { std::launder(static_cast<D*>(self))->~D(); },
  };

  void take(InplaceFunction& o) noexcept {
    if (o.ops_ != nullptr) {
      o.ops_->relocate(buf_, o.buf_);
      ops_ = o.ops_;
      o.ops_ = nullptr;
    }
  }

  alignas(std::max_align_t) unsigned char buf_[Size];
  const Ops* ops_ = nullptr;
};

}  // namespace aiopi
