// Intrusive doubly linked list: the node lives inside the object (an awaiter in a coroutine frame, a task
// control block), so linking never allocates and unlinking is O(1) from the node alone.
#pragma once

#include <cstddef>

#include "aiopi/detail/config.hpp"

namespace aiopi {

/// A list hook. `Tag` lets one object sit in several lists at once (derive from ListHook<TagA>,
/// ListHook<TagB>). A hook is unlinked when both pointers are null. Copying a hook makes an unlinked hook.
template <class Tag = void>
class ListHook {
 public:
  ListHook() noexcept : prev_(nullptr), next_(nullptr) {}
  /// Only what linked() reads is set (prev_ is written when the hook is linked): for hooks made on the
  /// hottest paths (the timer node of every sleep(0)), where each store counts on a Cortex-M0+.
  struct OnlyUnlinked {};
  explicit ListHook(OnlyUnlinked) noexcept : next_(nullptr) {}
  ListHook(const ListHook&) noexcept : ListHook() {}
  ListHook& operator=(const ListHook&) noexcept { return *this; }
  // Inline as far as the check: most nodes are already unlinked when they die (an awaiter that resumed).
  AIOPI_ALWAYS_INLINE ~ListHook() {
    if (linked()) unlink();
  }

  bool linked() const noexcept { return next_ != nullptr; }

  /// Removes this node from whatever list holds it; a no-op when unlinked.
  void unlink() noexcept {
    if (next_ == nullptr) return;
    prev_->next_ = next_;
    next_->prev_ = prev_;
    prev_ = next_ = nullptr;
  }

 private:
  template <class, class>
  friend class IntrusiveList;
  ListHook* prev_;
  ListHook* next_;
};

/// A circular list with a sentinel; T must derive (publicly) from ListHook<Tag>.
/// Destroying a list unlinks its remaining nodes, so objects that outlive it see themselves unlinked.
template <class T, class Tag = void>
class IntrusiveList {
  using Hook = ListHook<Tag>;

 public:
  IntrusiveList() noexcept { head_.prev_ = head_.next_ = &head_; }
  IntrusiveList(const IntrusiveList&) = delete;
  IntrusiveList& operator=(const IntrusiveList&) = delete;
  ~IntrusiveList() { clear(); }

  bool empty() const noexcept { return head_.next_ == &head_; }

  void push_back(T& item) noexcept { insert_before(&head_, hook(item)); }
  void push_front(T& item) noexcept { insert_before(head_.next_, hook(item)); }

  T& front() noexcept { return item(head_.next_); }
  T& back() noexcept { return item(head_.prev_); }

  /// Unlinks and returns the first item; the list must not be empty.
  T& pop_front() noexcept {
    Hook* h = head_.next_;
    h->unlink();
    return item(h);
  }

  /// Unlinks every node (each becomes unlinked, none is touched otherwise).
  void clear() noexcept {
    while (!empty())
      head_.next_->unlink();
  }

  /// Moves all nodes of `other` to the end of this list, keeping their order.
  void splice_back(IntrusiveList& other) noexcept {
    if (other.empty()) return;
    Hook* first = other.head_.next_;
    Hook* last = other.head_.prev_;
    other.head_.prev_ = other.head_.next_ = &other.head_;
    last->next_ = &head_;
    first->prev_ = head_.prev_;
    head_.prev_->next_ = first;
    head_.prev_ = last;
  }

  std::size_t size() const noexcept {
    std::size_t n = 0;
    for (const Hook* h = head_.next_; h != &head_; h = h->next_)
      ++n;
    return n;
  }

  class iterator {
   public:
    explicit iterator(Hook* h) noexcept : h_(h) {}
    T& operator*() const noexcept { return item(h_); }
    T* operator->() const noexcept { return &item(h_); }
    iterator& operator++() noexcept {
      h_ = h_->next_;
      return *this;
    }
    bool operator==(const iterator& o) const noexcept { return h_ == o.h_; }

   private:
    Hook* h_;
  };
  /// Iteration must not unlink the current node; to drain, use pop_front.
  iterator begin() noexcept { return iterator(head_.next_); }
  iterator end() noexcept { return iterator(&head_); }

 private:
  static Hook* hook(T& item) noexcept { return static_cast<Hook*>(&item); }
  static T& item(Hook* h) noexcept { return *static_cast<T*>(h); }

  static void insert_before(Hook* pos, Hook* h) noexcept {
    h->next_ = pos;
    h->prev_ = pos->prev_;
    pos->prev_->next_ = h;
    pos->prev_ = h;
  }

  Hook head_;
};

}  // namespace aiopi
