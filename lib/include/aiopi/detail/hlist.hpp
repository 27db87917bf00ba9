// Intrusive list with a one-word head: each node points at the word that points at it (the head or the
// previous node's `next`), so a node still unlinks itself in O(1) without knowing its list. Used where the
// head sits in every task control block and a second word per task matters more than an O(n) append.
#pragma once

namespace aiopi {

template <class Tag>
class HListHook {
 public:
  HListHook() noexcept = default;
  HListHook(const HListHook&) noexcept {}
  HListHook& operator=(const HListHook&) noexcept { return *this; }
  ~HListHook() { unlink(); }

  bool linked() const noexcept { return pprev_ != nullptr; }

  /// Removes this node from whatever list holds it; a no-op when unlinked.
  void unlink() noexcept {
    if (pprev_ == nullptr) return;
    *pprev_ = next_;
    if (next_ != nullptr) next_->pprev_ = pprev_;
    next_ = nullptr;
    pprev_ = nullptr;
  }

 private:
  template <class, class>
  friend class HList;
  HListHook* next_ = nullptr;
  HListHook** pprev_ = nullptr;
};

/// The list itself: one pointer. T must derive (publicly) from HListHook<Tag>. Not copyable; destroying a
/// list unlinks its nodes.
template <class T, class Tag>
class HList {
  using Hook = HListHook<Tag>;

 public:
  HList() noexcept = default;
  HList(const HList&) = delete;
  HList& operator=(const HList&) = delete;
  ~HList() {
    while (first_ != nullptr)
      first_->unlink();
  }

  bool empty() const noexcept { return first_ == nullptr; }

  /// Appends in O(length): lists of this kind hold a handful of nodes, and order matters (FIFO wake-ups).
  void push_back(T& item) noexcept {
    Hook* h = static_cast<Hook*>(&item);
    Hook** slot = &first_;
    while (*slot != nullptr)
      slot = &(*slot)->next_;
    h->next_ = nullptr;
    h->pprev_ = slot;
    *slot = h;
  }

  /// Unlinks and returns the first node; the list must not be empty.
  T& pop_front() noexcept {
    Hook* h = first_;
    h->unlink();
    return *static_cast<T*>(h);
  }

 private:
  Hook* first_ = nullptr;
};

}  // namespace aiopi
