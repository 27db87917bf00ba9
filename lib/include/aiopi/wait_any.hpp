// WaitAny (micropython-async `primitives.events.WaitAny`): wait until one of a fixed group of event-like
// objects fires, and tell which.
//
//   aiopi::Event a, b;
//   aiopi::WaitAny any{a, b};
//   std::size_t i = co_await any;            // or co_await any.wait(); 0 if `a` fired, 1 if `b`
//   std::size_t j = co_await aiopi::WaitAny{a, b, aiopi::WaitAll{c, d}};   // groups nest (held by value)
//
// Members: Event, Message, ThreadSafeEvent, ELO and nested WaitAny/WaitAll are listened to directly (no task,
// no allocation); ThreadSafeFlag, Delay_ms or any object with a wait() is watched by a small task per member
// while the wait lasts. Lvalue members are held by reference and must outlive the group.
//
// A wait returns at once if a member is set already (the first such member is reported). When several members
// fire in the same loop pass, the first to fire is reported (the seed could report a later one). Firing is
// not consumed: an Event stays set until someone clears it (clear() clears every member). Many tasks may wait
// on the same group; one firing releases them all. The group is event-like itself (is_set(), clear(),
// wait()).
//
// Cancel-safety: a task cancelled while waiting leaves the queue; when no one waits any more, every member's
// listener is removed and every watcher task destroyed. Nothing is lost from Events or Messages. A member
// whose wait() consumes (ThreadSafeFlag clears itself) may lose a set() that raced with another member's
// firing, exactly as in the seed.
#pragma once

#include "aiopi/detail/wait_group.hpp"

namespace aiopi {

template <class... Es>
class WaitAny : public detail::WaitGroup<false, Es...> {
 public:
  using detail::WaitGroup<false, Es...>::WaitGroup;
  WaitAny(WaitAny&&) = default;

  /// Index of the member that ended the last wait (the seed's event()), npos before any.
  std::size_t event() const noexcept { return this->triggered(); }
};

template <class... Es>
WaitAny(Es&&...) -> WaitAny<Es...>;

}  // namespace aiopi
