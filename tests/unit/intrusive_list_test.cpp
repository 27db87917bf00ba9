#include "aiopi/detail/intrusive_list.hpp"

#include <vector>

#include "aiopi/detail/hlist.hpp"

#include <gtest/gtest.h>

namespace {

struct Item : aiopi::ListHook<> {
  explicit Item(int v) : value(v) {}
  int value;
};

TEST(IntrusiveList, KeepsFifoOrderAndUnlinksInO1) {
  aiopi::IntrusiveList<Item> list;
  Item a(1), b(2), c(3);
  list.push_back(a);
  list.push_back(b);
  list.push_back(c);
  EXPECT_EQ(list.size(), 3u);
  b.unlink();
  EXPECT_FALSE(b.linked());
  EXPECT_EQ(list.pop_front().value, 1);
  EXPECT_EQ(list.pop_front().value, 3);
  EXPECT_TRUE(list.empty());
}

TEST(IntrusiveList, NodeDestroyedWhileLinkedLeavesTheList) {
  aiopi::IntrusiveList<Item> list;
  Item a(1);
  {
    Item b(2);
    list.push_back(a);
    list.push_back(b);
  }
  EXPECT_EQ(list.size(), 1u);
  EXPECT_EQ(list.front().value, 1);
}

TEST(IntrusiveList, ListDestroyedFirstUnlinksItsNodes) {
  Item a(1);
  {
    aiopi::IntrusiveList<Item> list;
    list.push_back(a);
  }
  EXPECT_FALSE(a.linked());
}

TEST(IntrusiveList, SpliceKeepsOrder) {
  aiopi::IntrusiveList<Item> x, y;
  Item a(1), b(2), c(3);
  x.push_back(a);
  y.push_back(b);
  y.push_back(c);
  x.splice_back(y);
  EXPECT_TRUE(y.empty());
  EXPECT_EQ(x.pop_front().value, 1);
  EXPECT_EQ(x.pop_front().value, 2);
  EXPECT_EQ(x.pop_front().value, 3);
}

namespace hlist {

struct Tag;
struct Node : aiopi::HListHook<Tag> {
  explicit Node(int v) : value(v) {}
  int value;
};
using List = aiopi::HList<Node, Tag>;

std::vector<int> drain(List& list) {
  std::vector<int> out;
  while (!list.empty())
    out.push_back(list.pop_front().value);
  return out;
}

TEST(HList, AppendsInOrderAndUnlinksFirstMiddleAndLastWithoutTheList) {
  for (int leaving = 0; leaving < 3; ++leaving) {
    List list;
    Node a(1), b(2), c(3);
    Node* nodes[] = {&a, &b, &c};
    for (Node* n : nodes)
      list.push_back(*n);
    nodes[leaving]->unlink();
    EXPECT_FALSE(nodes[leaving]->linked());
    std::vector<int> expected;
    for (int i = 0; i < 3; ++i) {
      if (i != leaving) expected.push_back(i + 1);
    }
    EXPECT_EQ(drain(list), expected) << "leaving " << leaving;
  }
}

TEST(HList, NodeDestroyedWhileLinkedLeavesAndTheListDestroyedFirstReleasesItsNodes) {
  Node keep(1);
  {
    List list;
    list.push_back(keep);
    {
      Node gone(2);
      list.push_back(gone);
    }
    Node last(3);
    list.push_back(last);
    EXPECT_EQ(drain(list), (std::vector<int>{1, 3}));
    list.push_back(keep);
  }
  EXPECT_FALSE(keep.linked());
}

}  // namespace hlist
}  // namespace
