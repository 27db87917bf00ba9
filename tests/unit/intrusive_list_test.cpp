#include "aiopi/intrusive_list.hpp"

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

}  // namespace
