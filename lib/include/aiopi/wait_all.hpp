// WaitAll (micropython-async `primitives.events.WaitAll`): wait until every member of a fixed group of
// event-like objects has fired (each at least once since the wait began).
//
//   aiopi::Event a, b;
//   co_await aiopi::WaitAll{a, b};                                   // both set, in any order
//   co_await aiopi::WaitAll{aiopi::WaitAny{a, b}, aiopi::WaitAny{c, d}};
//
// A member that fired is remembered for the rest of the wait even if it is cleared again, as the seed's
// watchers do; members already set when the wait begins count as fired. Members are handled as for WaitAny
// (listeners for Event, Message, ThreadSafeEvent, ELO and nested groups; a watcher task for anything else
// with a wait()). Many tasks may wait; completion releases them all. The group is event-like itself.
//
// Cancel-safety: a task cancelled while waiting (e.g. by wait_for) leaves the queue; when no one waits any
// more, every listener is removed, every watcher destroyed, and the partial progress is forgotten. Nothing is
// consumed from Events or Messages.
#pragma once

#include "aiopi/detail/wait_group.hpp"

namespace aiopi {

template <class... Es>
class WaitAll : public detail::WaitGroup<true, Es...> {
 public:
  using detail::WaitGroup<true, Es...>::WaitGroup;
  WaitAll(WaitAll&&) = default;
};

template <class... Es>
WaitAll(Es&&...) -> WaitAll<Es...>;

}  // namespace aiopi
