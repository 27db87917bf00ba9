// HD44780 on six simulated outputs: the level of RS and D4-D7 at every falling edge of E (where the display
// latches) is decoded back into nibbles, bytes, and a model of the display's memory. Covers the datasheet's
// initialisation and its waits, the seed's row interface (padding, cutting, only changed rows written), the
// four-row addresses, and the seed's alcdtest demo.
#include "aiopi/drivers/hd44780.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "aiopi/aiopi.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "aiopi/sim/sim_digital.hpp"
#include "support/co_assert.hpp"

namespace aiopi::drivers {
namespace {

using namespace std::chrono_literals;

struct Nibble {
  bool rs;
  std::uint8_t value;
  std::int64_t t_us;  // E's falling edge
};
struct Byte {
  bool rs;
  std::uint8_t value;
  std::int64_t t_us;  // the falling edge of its low nibble
  friend bool operator==(const Byte& a, const Byte& b) { return a.rs == b.rs && a.value == b.value; }
};

bool level_at(const sim::SimDigitalOutput& out, std::int64_t t_us) {
  bool level = out.history().front().level;
  for (const sim::LevelChange& c : out.history()) {
    if (c.t_us > t_us) break;
    level = c.level;
  }
  return level;
}

/// The display's side: DDRAM and the address counter, fed with decoded bytes.
struct DisplayModel {
  std::array<char, 128> ddram{};
  std::size_t ac = 0;
  DisplayModel() { ddram.fill(' '); }
  void apply(const Byte& b) {
    if (b.rs) {
      ddram[ac] = static_cast<char>(b.value);
      ac = (ac + 1) % ddram.size();
    } else if ((b.value & 0x80) != 0) {
      ac = b.value & 0x7F;
    } else if (b.value == 0x01) {
      ddram.fill(' ');
      ac = 0;
    }
  }
  std::string row(std::uint8_t address, std::size_t cols) const { return std::string(&ddram[address], cols); }
};

class Hd44780Test : public ::testing::Test {
 protected:
  sim::SimBackend backend;
  Loop loop{backend};
  sim::SimDigitalOutput rs{loop}, e{loop}, d4{loop}, d5{loop}, d6{loop}, d7{loop};
  HD44780Pins pins{rs, e, d4, d5, d6, d7};

  std::int64_t now_us() { return loop.now().time_since_epoch().count(); }

  std::vector<Nibble> nibbles() const {
    std::vector<Nibble> out;
    const auto& h = e.history();
    for (std::size_t i = 1; i < h.size(); ++i) {
      if (h[i - 1].level && !h[i].level) {
        const std::int64_t t = h[i].t_us;
        const auto v = static_cast<std::uint8_t>(level_at(d4, t) | (level_at(d5, t) << 1) |
                                                 (level_at(d6, t) << 2) | (level_at(d7, t) << 3));
        out.push_back({level_at(rs, t), v, t});
      }
    }
    return out;
  }
  /// Everything after the four nibbles of the reset sequence, as bytes.
  std::vector<Byte> bytes() const {
    const std::vector<Nibble> n = nibbles();
    std::vector<Byte> out;
    for (std::size_t i = 4; i + 1 < n.size(); i += 2) {
      EXPECT_EQ(n[i].rs, n[i + 1].rs) << "a byte's nibbles with different RS at " << n[i].t_us;
      out.push_back({n[i].rs, static_cast<std::uint8_t>((n[i].value << 4) | n[i + 1].value), n[i + 1].t_us});
    }
    return out;
  }
  DisplayModel display() const {
    DisplayModel m;
    for (const Byte& b : bytes())
      m.apply(b);
    return m;
  }
  static std::vector<Byte> text(std::uint8_t address, std::string_view s) {
    std::vector<Byte> out{{false, static_cast<std::uint8_t>(0x80 | address), 0}};
    for (char c : s)
      out.push_back({true, static_cast<std::uint8_t>(c), 0});
    return out;
  }
  void start(HD44780& lcd) {
    auto main_task = [](HD44780& display) -> Task<> {
      display.start();
      co_await display.initialised().wait();
    };
    loop.run_until_complete(main_task(lcd));
  }
  void run_for(Duration d) {
    auto main_task = [](Duration how_long) -> Task<> { co_await sleep(how_long); };
    loop.run_until_complete(main_task(d));
  }
};

TEST_F(Hd44780Test, InitialisationFollowsTheDatasheet) {
  HD44780 lcd(pins);
  start(lcd);
  const std::vector<Nibble> n = nibbles();
  ASSERT_GE(n.size(), 12u);
  // Reset by instruction: 3, 3, 3, 2 with RS low.
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(n[i].rs);
    EXPECT_EQ(n[i].value, i < 3 ? 3 : 2) << i;
  }
  EXPECT_GE(n[0].t_us, 40'000);             // > 40 ms after power-on
  EXPECT_GE(n[1].t_us - n[0].t_us, 4'100);  // > 4.1 ms after the first
  EXPECT_GE(n[2].t_us - n[1].t_us, 100);    // > 100 µs after the second
  const std::vector<Byte> b = bytes();
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(b, (std::vector<Byte>{{false, 0x28, 0}, {false, 0x0C, 0}, {false, 0x06, 0}, {false, 0x01, 0}}));
  for (std::size_t i = 1; i < b.size(); ++i)
    EXPECT_GE(b[i].t_us - b[i - 1].t_us, 37) << i;  // every instruction's 37 µs
  // Nothing is sent for 1.52 ms after clear: the task reports ready only then.
  EXPECT_GE(now_us() - b[3].t_us, 1'520);
  // Each nibble: data 50 µs before E rises, E high 50 µs.
  const auto& eh = e.history();
  ASSERT_GE(eh.size(), 3u);
  EXPECT_EQ(eh[2].t_us - eh[1].t_us, 50);
}

TEST_F(Hd44780Test, RowsArePaddedOrCutToTheWidth) {
  HD44780 lcd(pins, HD44780Config{.cols = 16, .rows = 2});
  EXPECT_EQ(lcd.line(0), std::string(16, ' '));
  EXPECT_TRUE(lcd.set_line(0, "Hello"));
  EXPECT_EQ(lcd.line(0), "Hello           ");
  lcd[1] = "A line that is far too long";
  EXPECT_EQ(std::string_view(lcd[1]), "A line that is f");
  EXPECT_FALSE(lcd.set_line(2, "no such row"));
  EXPECT_TRUE(lcd.line(2).empty());
  const HD44780& const_lcd = lcd;
  EXPECT_EQ(const_lcd[0], "Hello           ");
}

TEST_F(Hd44780Test, DirtyRowsAreWrittenAtTheNextRefresh) {
  HD44780 lcd(pins);
  lcd[0] = "before start";  // kept and written once the display is initialised
  start(lcd);
  const std::size_t after_init = bytes().size();
  run_for(25ms);
  std::vector<Byte> b = bytes();
  std::vector<Byte> written(b.begin() + static_cast<std::ptrdiff_t>(after_init), b.end());
  EXPECT_EQ(written, text(0x00, "before start    "));
  EXPECT_FALSE(lcd.dirty(0));
  lcd[1] = "second";
  EXPECT_TRUE(lcd.dirty(1));
  run_for(25ms);
  DisplayModel m = display();
  EXPECT_EQ(m.row(0x00, 16), "before start    ");
  EXPECT_EQ(m.row(0x40, 16), "second          ");
}

TEST_F(Hd44780Test, OnlyChangedRowsAreWritten) {
  HD44780 lcd(pins);
  start(lcd);
  lcd[0] = "row zero";
  lcd[1] = "row one";
  run_for(50ms);  // both rows: 2 x 17 bytes of 300 µs after the 20 ms refresh
  const std::size_t pulses = nibbles().size();
  lcd[0] = "row zero";    // the same text: not dirty
  lcd[1] = "row one   ";  // the same once padded
  EXPECT_FALSE(lcd.dirty(0));
  EXPECT_FALSE(lcd.dirty(1));
  run_for(100ms);
  EXPECT_EQ(nibbles().size(), pulses);
  lcd[1] = "row 1";
  run_for(30ms);
  const std::vector<Byte> b = bytes();
  const std::vector<Byte> last(b.end() - 17, b.end());
  EXPECT_EQ(last, text(0x40, "row 1           "));
  EXPECT_EQ(nibbles().size(), pulses + 2 * 17);
}

TEST_F(Hd44780Test, RefreshPeriodAndCharacterTiming) {
  HD44780 lcd(pins);
  start(lcd);
  const std::int64_t t0 = now_us();
  lcd[0] = "x";
  run_for(100ms);
  const std::vector<Byte> b = bytes();
  const std::vector<Byte> row(b.end() - 17, b.end());
  EXPECT_LE(row.front().t_us - t0, 20'000 + 1'000);  // written at the next refresh, within 20 ms
  for (std::size_t i = 1; i < row.size(); ++i)
    EXPECT_GE(row[i].t_us - row[i - 1].t_us, 37);
}

TEST_F(Hd44780Test, FourRowDisplayAddresses) {
  HD44780 lcd(pins, HD44780Config{.cols = 20, .rows = 4});
  EXPECT_EQ(lcd.row_address(0), 0x00);
  EXPECT_EQ(lcd.row_address(1), 0x40);
  EXPECT_EQ(lcd.row_address(2), 0x14);
  EXPECT_EQ(lcd.row_address(3), 0x54);
  start(lcd);
  for (int r = 0; r < 4; ++r)
    lcd[static_cast<std::size_t>(r)] = "row " + std::to_string(r);
  run_for(50ms);
  const DisplayModel m = display();
  EXPECT_EQ(m.row(0x00, 20), "row 0               ");
  EXPECT_EQ(m.row(0x40, 20), "row 1               ");
  EXPECT_EQ(m.row(0x14, 20), "row 2               ");
  EXPECT_EQ(m.row(0x54, 20), "row 3               ");
}

TEST_F(Hd44780Test, SeedDemoAlcdtest) {
  // alcdtest.py: 16x2, 21 updates a second apart: "MicroPython N" counting down from 20, and the µs tick
  // right-aligned in 11 characters followed by "uS".
  HD44780 lcd(pins, HD44780Config{.cols = 16, .rows = 2});
  std::vector<std::string> shown_row1;
  auto demo = [&]() -> Task<> {
    lcd.start();
    for (int n = 20; n >= 0; --n) {
      lcd[0] = "MicroPython " + std::to_string(n);
      char tick[32];
      std::snprintf(tick, sizeof tick, "%11lduS", static_cast<long>(now_us()));
      lcd[1] = tick;
      shown_row1.emplace_back(lcd[1]);
      co_await sleep(1s);
    }
  };
  loop.run_until_complete(demo());
  const DisplayModel m = display();
  EXPECT_EQ(m.row(0x00, 16), "MicroPython 0   ");
  EXPECT_EQ(m.row(0x40, 16), shown_row1.back());
  EXPECT_EQ(m.row(0x40, 16), "   20000000uS   ");
  // Every update changed both rows: 21 writes of each (the first after the initialisation).
  int row0_writes = 0, row1_writes = 0;
  for (const Byte& b : bytes()) {
    if (!b.rs && b.value == 0x80) ++row0_writes;
    if (!b.rs && b.value == 0xC0) ++row1_writes;
  }
  EXPECT_EQ(row0_writes, 21);
  EXPECT_EQ(row1_writes, 21);
}

TEST_F(Hd44780Test, ATextChangedWhileItIsWrittenIsWrittenAgain) {
  HD44780 lcd(pins);
  start(lcd);
  lcd[0] = "aaaaaaaaaaaaaaaa";
  run_for(21ms);  // the row is being written (16 characters take ~5 ms)
  lcd[0] = "bbbbbbbbbbbbbbbb";
  run_for(60ms);
  EXPECT_EQ(display().row(0x00, 16), "bbbbbbbbbbbbbbbb");
}

TEST_F(Hd44780Test, AnOutputErrorIsRecordedAndTheDisplayInitialisedAgain) {
  auto d6_broken = std::make_unique<sim::SimDigitalOutput>(loop);
  HD44780Pins broken{rs, e, d4, d5, *d6_broken, d7};
  HD44780 lcd(broken);
  start(lcd);
  lcd[0] = "hello";
  d6_broken->release();
  run_for(30ms);
  EXPECT_EQ(lcd.last_error().kind, hal::IoErrc::closed);
  EXPECT_GE(lcd.write_errors(), 1u);
  EXPECT_TRUE(lcd.dirty(0));  // still to be written
  EXPECT_TRUE(lcd.running());
}

TEST_F(Hd44780Test, DestroyedMidCharacterLeavesNothingBehind) {
  auto lcd = std::make_unique<HD44780>(pins);
  start(*lcd);
  (*lcd)[0] = "some text";
  run_for(22ms);
  lcd.reset();
  const std::size_t changes = e.history().size();
  run_for(100ms);
  EXPECT_EQ(e.history().size(), changes);
}

TEST_F(Hd44780Test, StartsInTheConstructorInsideARunningLoopOrWithStartLoop) {
  auto main_task = [&]() -> Task<> {
    HD44780 lcd(pins);  // as the seed: initialising at once
    EXPECT_TRUE(lcd.running());
    lcd[0] = "inside";
    co_await sleep(100ms);
    EXPECT_EQ(display().row(0x00, 16), "inside          ");
  };
  loop.run_until_complete(main_task());
  HD44780 outside(pins);
  EXPECT_FALSE(outside.running());
  outside.start(loop);
  EXPECT_TRUE(outside.running());
}

TEST_F(Hd44780Test, DeinitStopsTheTask) {
  HD44780 lcd(pins);
  start(lcd);
  EXPECT_TRUE(lcd.running());
  lcd.deinit();
  EXPECT_FALSE(lcd.running());
  lcd[0] = "not written";
  const std::size_t pulses = nibbles().size();
  run_for(100ms);
  EXPECT_EQ(nibbles().size(), pulses);
}

}  // namespace
}  // namespace aiopi::drivers
