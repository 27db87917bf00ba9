// Every method of the tether and every error code, on the simulated Pico: the device table's slots, pins
// and params, edges and button events as notifications stamped on the virtual clock, HTU21D readings from
// the simulated I2C bus.
#include "aiopi/pico/dispatcher.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>
#include <vector>

#include "aiopi/aiopi.hpp"
#include "aiopi/pico/device_table.hpp"
#include "aiopi/sim/sim_backend.hpp"
#include "sim_pico_board.hpp"

namespace aiopi::pico {
namespace {

using namespace std::chrono_literals;
using testing::SimPicoBoard;

/// Collects notification lines.
struct Lines final : LineSink {
  std::vector<std::string> lines;
  void send_line(std::string_view line) noexcept override { lines.emplace_back(line); }
};

class DispatcherTest : public ::testing::Test {
 protected:
  sim::SimBackend backend;
  Loop loop{backend};
  SimPicoBoard board{loop};
  Lines sent;
  DeviceTable table{loop, board, sent};
  Dispatcher dispatcher{table, 4242};
  std::array<char, 4096> buf{};
  int next_id = 1;

  /// The reply to `line`, without its '\n'.
  std::string raw(std::string_view line) {
    JsonWriter out(buf);
    dispatcher.handle(line, out);
    std::string text(out.text());
    EXPECT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    if (!text.empty()) text.pop_back();
    return text;
  }
  /// Calls `method` with `params` (JSON text) and gives the reply's result or error member as text.
  std::string call(const std::string& method, const std::string& params = "") {
    const int id = next_id++;
    std::string req = R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":")" + method + "\"";
    if (!params.empty()) req += ",\"params\":" + params;
    req += "}";
    const std::string reply = raw(req);
    const std::string head = R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + ",";
    EXPECT_EQ(reply.substr(0, head.size()), head) << reply;
    return reply.substr(head.size(), reply.size() - head.size() - 1);
  }
  /// The code of an error reply (0 for a result).
  int code_of(const std::string& member) {
    const std::string key = R"("error":{"code":)";
    if (member.rfind(key, 0) != 0) return 0;
    return std::stoi(member.substr(key.size()));
  }
  int error(const std::string& method, const std::string& params = "") {
    return code_of(call(method, params));
  }
  std::string open(const std::string& name, const std::string& type, const std::string& params) {
    return call("devices.open",
                R"({"name":")" + name + R"(","type":")" + type + R"(","params":)" + params + "}");
  }
  std::int64_t now_us() { return loop.now().time_since_epoch().count(); }
  /// Runs the loop for `d` of virtual time.
  void run_for(Duration d) {
    loop.run_until_complete([](Duration dd) -> Task<> { co_await sleep(dd); }(d));
  }
};

TEST_F(DispatcherTest, DaemonInfoNamesTheFirmwareAndItsBoot) {
  run_for(1500us);
  EXPECT_EQ(call("daemon.info"),
            R"("result":{"name":"aiopi-pico","version":"0.1.0","protocol":1,"boot":4242,"uptime_us":)" +
                std::to_string(now_us()) + R"(,"devices":0,"max_devices":16})");
  EXPECT_EQ(call("daemon.info", "{}").substr(0, 10), R"("result":{)");
  EXPECT_EQ(call("daemon.info", "[]").substr(0, 10), R"("result":{)");
  EXPECT_EQ(call("daemon.info", "null").substr(0, 10), R"("result":{)");
}

TEST_F(DispatcherTest, DigitalOutOpensSetsAndReads) {
  EXPECT_EQ(
      open("led", "digital_out", R"({"pin":15})"),
      R"("result":{"name":"led","type":"digital_out","direction":"output","state":"open","value":false})");
  ASSERT_NE(board.output(15), nullptr);
  EXPECT_FALSE(board.output(15)->electrical_level());
  EXPECT_EQ(
      call("devices.set", R"({"name":"led","value":true})"),
      R"("result":{"name":"led","type":"digital_out","direction":"output","state":"open","value":true})");
  EXPECT_TRUE(board.output(15)->electrical_level());
  EXPECT_EQ(call("devices.read", R"({"name":"led"})"), R"("result":{"name":"led","value":true})");
  EXPECT_EQ(
      call("devices.get", R"({"name":"led"})"),
      R"("result":{"name":"led","type":"digital_out","direction":"output","state":"open","value":true})");
  EXPECT_EQ(error("devices.set", R"({"name":"led","value":1})"), -32602);
  EXPECT_EQ(error("devices.set", R"({"name":"led"})"), -32602);
}

TEST_F(DispatcherTest, DigitalOutParams) {
  EXPECT_EQ(code_of(open("relay", "digital_out",
                         R"({"pin":16,"initial":true,"active_low":true,"drive":"open_drain"})")),
            0);
  ASSERT_NE(board.output(16), nullptr);
  EXPECT_FALSE(board.output(16)->electrical_level());  // logical high on an active-low line
  EXPECT_EQ(board.output(16)->config().drive, hal::Drive::open_drain);
  EXPECT_EQ(call("devices.read", R"({"name":"relay"})"), R"("result":{"name":"relay","value":true})");
}

TEST_F(DispatcherTest, ListShowsEveryDeviceAndCloseFreesItsPin) {
  EXPECT_EQ(call("devices.list"), R"("result":[])");
  open("a", "digital_out", R"({"pin":2})");
  open("b", "digital_in", R"({"pin":3,"edges":"none"})");
  EXPECT_EQ(
      call("devices.list"),
      R"("result":[{"name":"a","type":"digital_out","direction":"output","state":"open","value":false},)"
      R"({"name":"b","type":"digital_in","direction":"input","state":"open","value":false}])");
  EXPECT_EQ(table.pins_in_use(), (1u << 2) | (1u << 3));
  EXPECT_EQ(call("devices.close", R"({"name":"a"})"), R"("result":{"name":"a","closed":true})");
  EXPECT_EQ(board.output(2), nullptr);  // handed back to the board
  EXPECT_EQ(table.pins_in_use(), 1u << 3);
  EXPECT_EQ(error("devices.close", R"({"name":"a"})"), -32004);
  EXPECT_EQ(code_of(open("c", "digital_out", R"({"pin":2})")), 0);
  EXPECT_EQ(call("daemon.info").find(R"("devices":2)") != std::string::npos, true);
}

TEST_F(DispatcherTest, OpeningAnOpenNameReplacesItAndMayReuseItsPins) {
  open("x", "digital_out", R"({"pin":5})");
  EXPECT_EQ(open("x", "digital_in", R"({"pin":5,"edges":"none"})").find(R"("type":"digital_in")") !=
                std::string::npos,
            true);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(board.output(5), nullptr);
  EXPECT_NE(board.input(5), nullptr);
  // Invalid params for the new one: refused, the open device stays.
  EXPECT_EQ(code_of(open("x", "digital_out", R"({"pin":99})")), -32602);
  EXPECT_NE(table.find("x"), nullptr);
}

TEST_F(DispatcherTest, PinsInUseAndTetherPinsAreRefused) {
  open("led", "digital_out", R"({"pin":15})");
  std::string r = open("other", "digital_in", R"({"pin":15})");
  EXPECT_EQ(r, R"("error":{"code":-32602,"message":"pin: GP15 is in use by 'led'"})");
  EXPECT_EQ(open("tx", "digital_out", R"({"pin":0})"),
            R"("error":{"code":-32602,"message":"pin: GP0 is the tether's UART0 TX"})");
  EXPECT_EQ(code_of(open("rx", "digital_in", R"({"pin":1})")), -32602);
  EXPECT_EQ(code_of(open("far", "digital_in", R"({"pin":30})")), -32602);
  EXPECT_EQ(code_of(open("neg", "digital_in", R"({"pin":-1})")), -32602);
  EXPECT_EQ(code_of(open("frac", "digital_in", R"({"pin":2.5})")), -32602);
  EXPECT_EQ(code_of(open("nopin", "digital_in", R"({})")), -32602);
  EXPECT_EQ(code_of(open("adc", "adc", R"({"channel":0})")), 0);  // GP26
  EXPECT_EQ(open("clash", "digital_out", R"({"pin":26})"),
            R"("error":{"code":-32602,"message":"pin: GP26 is in use by 'adc'"})");
  EXPECT_EQ(code_of(open("i2c", "htu21d", R"({"sda":4,"scl":4})")), -32602);  // the same pin twice
  EXPECT_EQ(table.size(), 2u);
}

TEST_F(DispatcherTest, UnknownTypesParamsAndBadValuesNameTheParam) {
  EXPECT_EQ(open("x", "servo", R"({"pin":3})"),
            R"("error":{"code":-32602,"message":"type: unknown device type \"servo\""})");
  EXPECT_EQ(open("x", "digital_out", R"({"pin":3,"colour":"red"})"),
            R"("error":{"code":-32602,"message":"params: unknown param \"colour\" for type digital_out"})");
  EXPECT_EQ(open("x", "digital_in", R"({"pin":3,"bias":"strong"})"),
            R"("error":{"code":-32602,"message":"bias: must be one of as_is off pull_up pull_down"})");
  EXPECT_EQ(open("x", "digital_out", R"({"pin":3,"initial":"yes"})"),
            R"("error":{"code":-32602,"message":"initial: must be true or false"})");
  EXPECT_EQ(open("x", "pwm", R"({"pin":3,"frequency":0})"),
            R"("error":{"code":-32602,"message":"frequency: must be an integer from 1 to 62500000"})");
  EXPECT_EQ(code_of(open("x", "digital_out", R"([3])")), -32602);
  EXPECT_EQ(code_of(call("devices.open", R"({"type":"digital_out","params":{"pin":3}})")), -32602);
  EXPECT_EQ(code_of(call("devices.open", R"({"name":"","type":"digital_out","params":{"pin":3}})")), -32602);
  EXPECT_EQ(code_of(call("devices.open", R"({"name":"x\u0001","type":"digital_out","params":{"pin":3}})")),
            -32602);
  EXPECT_EQ(code_of(open(std::string(32, 'n'), "digital_out", R"({"pin":3})")), -32602);
  EXPECT_EQ(code_of(open(std::string(31, 'n'), "digital_out", R"({"pin":3})")), 0);
  // A board that cannot do the job says why.
  EXPECT_EQ(open("p", "pwm", R"({"pin":29})"),
            R"("error":{"code":-32602,"message":"pin: GP29 has no PWM in this simulation"})");
  EXPECT_EQ(
      open("h", "htu21d", R"({"sda":5,"scl":6})"),
      R"x("error":{"code":-32602,"message":"sda/scl: not an I2C pin pair (SDA GP4k or GP4k+2, SCL SDA+1)"})x");
  EXPECT_EQ(board.open_objects(), 1u);  // only the good one; nothing leaked by the failures
}

TEST_F(DispatcherTest, NamesWithEscapesPassThrough) {
  EXPECT_EQ(
      call("devices.open", R"({"name":"caf\u00e9","type":"digital_out","params":{"pin":3}})"),
      R"("result":{"name":"caf\u00e9","type":"digital_out","direction":"output","state":"open","value":false})");
  EXPECT_NE(table.find("caf\xC3\xA9"), nullptr);
  EXPECT_EQ(code_of(call("devices.get", R"({"name":"caf\u00e9"})")), 0);
}

TEST_F(DispatcherTest, TheTableHoldsSixteenDevices) {
  for (int i = 0; i < 16; ++i)
    EXPECT_EQ(
        code_of(open("d" + std::to_string(i), "digital_out", "{\"pin\":" + std::to_string(i + 2) + "}")), 0)
        << i;
  EXPECT_EQ(open("one_more", "digital_out", R"({"pin":20})"),
            R"x("error":{"code":-32602,"message":"name: no free slot (16 devices open)"})x");
  // Replacing one still works when full.
  EXPECT_EQ(code_of(open("d3", "digital_out", R"({"pin":20})")), 0);
  // A full list fits in one reply.
  const std::string list = call("devices.list");
  EXPECT_EQ(list.substr(0, 10), R"("result":[)");
  EXPECT_GT(list.size(), 1200u);
}

TEST_F(DispatcherTest, PwmSetsItsDutyAndFrequency) {
  EXPECT_EQ(open("fan", "pwm", R"({"pin":8,"frequency":25000})"),
            R"("result":{"name":"fan","type":"pwm","direction":"output","state":"open","value":0})");
  sim::SimPwm* pwm = board.pwm(8);
  ASSERT_NE(pwm, nullptr);
  EXPECT_EQ(pwm->period_ns(), 40'000u);
  EXPECT_TRUE(pwm->enabled());
  EXPECT_EQ(call("devices.set", R"({"name":"fan","value":0.25})"),
            R"("result":{"name":"fan","type":"pwm","direction":"output","state":"open","value":0.25})");
  EXPECT_EQ(pwm->duty_ns(), 10'000u);
  EXPECT_EQ(call("devices.read", R"({"name":"fan"})"), R"("result":{"name":"fan","value":0.25})");
  EXPECT_EQ(error("devices.set", R"({"name":"fan","value":1.5})"), -32602);
  EXPECT_EQ(error("devices.set", R"({"name":"fan","value":"half"})"), -32602);
  EXPECT_EQ(code_of(open("slow", "pwm", R"({"pin":9})")), 0);
  EXPECT_EQ(board.pwm(9)->period_ns(), 1'000'000u);  // 1 kHz by default
}

TEST_F(DispatcherTest, AdcReadsVoltsWithItsUnit) {
  EXPECT_EQ(code_of(open("pot", "adc", R"({"channel":1})")), 0);
  board.adc(1)->set_value(32768);
  const std::string read = call("devices.read", R"({"name":"pot"})");
  EXPECT_EQ(read, R"("result":{"name":"pot","value":1.65,"unit":"V"})");
  EXPECT_EQ(code_of(open("ref", "adc", R"({"channel":2,"vref":5})")), 0);
  board.adc(2)->set_value(65535);
  EXPECT_EQ(call("devices.read", R"({"name":"ref"})"), R"("result":{"name":"ref","value":5,"unit":"V"})");
  EXPECT_EQ(code_of(open("temp", "adc", R"({"channel":4})")), 0);  // the temperature sensor: no pin
  EXPECT_EQ(table.pins_in_use(), (1u << 27) | (1u << 28));
  EXPECT_EQ(code_of(open("bad", "adc", R"({"channel":5})")), -32602);
  EXPECT_EQ(error("devices.set", R"({"name":"pot","value":1})"), -32005);
  // A failing conversion: the device object shows it, devices.read answers -32006, the next good read clears
  // it.
  board.adc(1)->fail_next(hal::IoErrc::io);
  const std::string got = call("devices.get", R"({"name":"pot"})");
  EXPECT_NE(got.find(R"("state":"failing")"), std::string::npos) << got;
  EXPECT_NE(got.find(R"("error":)"), std::string::npos) << got;
  ASSERT_EQ(sent.lines.size(), 1u);
  EXPECT_NE(sent.lines[0].find(R"("topic":"device.pot.state")"), std::string::npos);
  EXPECT_EQ(error("devices.read", R"({"name":"pot"})"), -32006);
  EXPECT_NE(call("devices.get", R"({"name":"pot"})").find(R"("state":"open")"), std::string::npos);
}

TEST_F(DispatcherTest, SetOnAnInputIsNotAllowed) {
  open("in", "digital_in", R"({"pin":3})");
  EXPECT_EQ(call("devices.set", R"({"name":"in","value":true})"),
            R"("error":{"code":-32005,"message":"devices.set: 'in' is an input"})");
  EXPECT_EQ(error("devices.set", R"({"name":"ghost","value":true})"), -32004);
  EXPECT_EQ(error("devices.get", R"({"name":"ghost"})"), -32004);
  EXPECT_EQ(error("devices.read", R"({"name":"ghost"})"), -32004);
  EXPECT_EQ(error("devices.get", R"({"name":7})"), -32602);
  EXPECT_EQ(error("devices.get"), -32602);
}

TEST_F(DispatcherTest, RequestErrors) {
  EXPECT_EQ(
      raw("{\"id\":1,"),
      R"x({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error","data":{"offset":8,"reason":"expected a member name (a string)"}}})x");
  EXPECT_EQ(raw("[1]"),
            R"({"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"a request is a JSON object"}})");
  EXPECT_EQ(raw(R"({"method":"daemon.info"})"),
            R"({"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"id: an integer is required"}})");
  EXPECT_EQ(raw(R"({"id":"7","method":"daemon.info"})").find("-32600") != std::string::npos, true);
  EXPECT_EQ(raw(R"({"id":3,"jsonrpc":"1.0","method":"daemon.info"})"),
            R"({"jsonrpc":"2.0","id":3,"error":{"code":-32600,"message":"jsonrpc: must be \"2.0\""}})");
  EXPECT_EQ(raw(R"({"id":4})"),
            R"({"jsonrpc":"2.0","id":4,"error":{"code":-32600,"message":"method: a string is required"}})");
  EXPECT_EQ(
      raw(R"({"id":5,"method":"devices.explode"})"),
      R"({"jsonrpc":"2.0","id":5,"error":{"code":-32601,"message":"method not found: \"devices.explode\""}})");
  EXPECT_EQ(raw(R"({"id":6,"method":"devices.get","params":"led"})"),
            R"({"jsonrpc":"2.0","id":6,"error":{"code":-32602,"message":"params: must be an object"}})");
  // No "jsonrpc" member is accepted (a person typing at the Pico).
  EXPECT_EQ(raw(R"({"id":8,"method":"devices.list"})"), R"({"jsonrpc":"2.0","id":8,"result":[]})");
  EXPECT_EQ(raw(R"({"id":-9007199254740993,"method":"devices.list"})"),
            R"({"jsonrpc":"2.0","id":-9007199254740993,"result":[]})");
}

TEST_F(DispatcherTest, OverlongLineReply) {
  JsonWriter out(buf);
  Dispatcher::overlong(out);
  EXPECT_EQ(
      out.text(),
      "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"line longer than 512 bytes, "
      "discarded\"}}\n");
}

TEST_F(DispatcherTest, DigitalInEdgesAreNotifiedWithTheirTimestamps) {
  open("door", "digital_in", R"({"pin":7,"bias":"pull_down"})");
  sim::SimDigitalInput* in = board.input(7);
  ASSERT_NE(in, nullptr);
  EXPECT_EQ(in->config().edges, hal::EdgeMode::both);
  EXPECT_EQ(in->config().bias, hal::Bias::pull_down);
  const std::int64_t t0 = now_us();
  in->schedule_edges({{10ms, true}, {25ms, false}});
  run_for(50ms);
  ASSERT_EQ(sent.lines.size(), 2u);
  EXPECT_EQ(sent.lines[0],
            R"({"jsonrpc":"2.0","method":"notify","params":{"topic":"device.door.edge","mono_us":)" +
                std::to_string(t0 + 10'000) + R"(,"data":{"level":true,"edge":"rising"}}})" + "\n");
  EXPECT_EQ(sent.lines[1],
            R"({"jsonrpc":"2.0","method":"notify","params":{"topic":"device.door.edge","mono_us":)" +
                std::to_string(t0 + 25'000) + R"(,"data":{"level":false,"edge":"falling"}}})" + "\n");
  // Closing while the watcher waits: it is unwound, then the line handed back.
  EXPECT_EQ(code_of(call("devices.close", R"({"name":"door"})")), 0);
  EXPECT_EQ(board.input(7), nullptr);
  run_for(10ms);
}

TEST_F(DispatcherTest, RisingOnlyEdges) {
  open("pulse", "digital_in", R"({"pin":7,"edges":"rising","active_low":true})");
  board.input(7)->schedule_edges({{10ms, true}, {20ms, false}, {30ms, true}});
  run_for(50ms);
  ASSERT_EQ(sent.lines.size(), 1u);  // high->low electrical on an active-low line is the logical rising edge
  EXPECT_NE(sent.lines[0].find(R"("edge":"rising")"), std::string::npos);
}

TEST_F(DispatcherTest, PushbuttonDoubleClickIsNotifiedAtTheSecondPress) {
  EXPECT_EQ(
      open("btn", "pushbutton", R"({"pin":14})"),
      R"("result":{"name":"btn","type":"pushbutton","direction":"input","state":"open","value":false})");
  sim::SimDigitalInput* pin = board.input(14);
  ASSERT_NE(pin, nullptr);
  EXPECT_TRUE(pin->config().active_low);
  EXPECT_EQ(pin->config().bias, hal::Bias::pull_up);
  const std::int64_t t0 = now_us();
  // Active low: pressing pulls the line down. Press at 100 ms, release at 180, press again at 300, release
  // 380.
  pin->schedule_edges({{100ms, false}, {180ms, true}, {300ms, false}, {380ms, true}});
  run_for(2s);
  std::vector<std::string> topics;
  std::string double_line;
  for (const std::string& l : sent.lines) {
    const std::size_t at = l.find("device.btn.");
    topics.push_back(l.substr(at + 11, l.find('"', at) - at - 11));
    if (topics.back() == "double") double_line = l;
  }
  EXPECT_EQ(topics, (std::vector<std::string>{"press", "release", "press", "double", "release"}));
  EXPECT_EQ(double_line,
            R"({"jsonrpc":"2.0","method":"notify","params":{"topic":"device.btn.double","mono_us":)" +
                std::to_string(t0 + 300'000) + R"(,"data":{"pressed":true}}})" + "\n");
  EXPECT_EQ(call("devices.read", R"({"name":"btn"})"), R"("result":{"name":"btn","value":false})");
}

TEST_F(DispatcherTest, PushbuttonLongPressAndValue) {
  open("btn", "pushbutton", R"({"pin":14,"long_press_ms":500,"debounce_ms":20})");
  const std::int64_t t0 = now_us();
  board.input(14)->schedule_edges({{100ms, false}});
  run_for(300ms);
  EXPECT_EQ(call("devices.read", R"({"name":"btn"})"), R"("result":{"name":"btn","value":true})");
  run_for(1s);
  ASSERT_GE(sent.lines.size(), 2u);
  EXPECT_NE(sent.lines[1].find(R"("topic":"device.btn.long","mono_us":)" + std::to_string(t0 + 600'000)),
            std::string::npos)
      << sent.lines[1];
}

TEST_F(DispatcherTest, Htu21dReadingsFromTheSimulatedBus) {
  EXPECT_EQ(
      open("climate", "htu21d", R"({"sda":4,"scl":5,"period_ms":1000})"),
      R"("result":{"name":"climate","type":"htu21d","direction":"sensor","state":"open","value":null})");
  EXPECT_TRUE(board.i2c_open());
  run_for(500ms);
  ASSERT_GE(sent.lines.size(), 1u);
  EXPECT_NE(sent.lines[0].find(R"("topic":"device.climate.value")"), std::string::npos) << sent.lines[0];
  EXPECT_NE(sent.lines[0].find(R"("data":{"temperature":24.69,"humidity":32.34}}})"), std::string::npos)
      << sent.lines[0];
  EXPECT_EQ(call("devices.read", R"({"name":"climate"})"),
            R"("result":{"name":"climate","value":{"temperature":24.69,"humidity":32.34},)"
            R"("unit":{"temperature":"\u00b0C","humidity":"%RH"}})");
  board.chip.temperature_raw = 0x6000;  // a new temperature at the next cycle, a period later
  run_for(1s);
  ASSERT_GE(sent.lines.size(), 2u);
  EXPECT_NE(sent.lines[1].find(R"("temperature":19.05)"), std::string::npos) << sent.lines[1];
  EXPECT_EQ(code_of(open("second", "htu21d", R"({"sda":8,"scl":9})")), -32602);  // the sim has one bus
  EXPECT_EQ(code_of(call("devices.close", R"({"name":"climate"})")), 0);
  EXPECT_FALSE(board.i2c_open());
  run_for(2s);  // the driver's task is gone: no more readings
  EXPECT_EQ(sent.lines.size(), 2u);
}

TEST_F(DispatcherTest, Htu21dFailureMakesTheDeviceFailingUntilItRecovers) {
  open("climate", "htu21d", R"({"sda":4,"scl":5,"period_ms":1000})");
  board.i2c().nack(0x40);
  run_for(500ms);
  ASSERT_EQ(sent.lines.size(), 1u);
  EXPECT_NE(sent.lines[0].find(R"("topic":"device.climate.state")"), std::string::npos);
  EXPECT_NE(sent.lines[0].find(R"("data":{"state":"failing","error":)"), std::string::npos) << sent.lines[0];
  EXPECT_NE(call("devices.get", R"({"name":"climate"})").find(R"("state":"failing")"), std::string::npos);
  EXPECT_EQ(error("devices.read", R"({"name":"climate"})"), -32006);
  board.i2c().nack(0x40, false);
  run_for(1s);
  ASSERT_GE(sent.lines.size(), 3u);
  EXPECT_NE(sent.lines[1].find(R"("data":{"state":"open"})"), std::string::npos) << sent.lines[1];
  EXPECT_NE(sent.lines[2].find(R"("topic":"device.climate.value")"), std::string::npos);
  EXPECT_EQ(code_of(call("devices.read", R"({"name":"climate"})")), 0);
}

TEST_F(DispatcherTest, EveryParamTheDaemonSendsIsAccepted) {
  // What aiopid's board link sends for each type (the protocol's keys with their defaults written out).
  EXPECT_EQ(code_of(open("led", "digital_out",
                         R"({"pin":15,"initial":false,"active_low":false,"drive":"push_pull"})")),
            0);
  EXPECT_EQ(
      code_of(open("door", "digital_in", R"({"pin":7,"bias":"as_is","active_low":false,"edges":"both"})")),
      0);
  EXPECT_EQ(code_of(open("fan", "pwm", R"({"pin":16,"frequency":25000})")), 0);
  EXPECT_EQ(code_of(open("light", "adc", R"({"channel":0,"vref":3.3})")), 0);
  EXPECT_EQ(
      code_of(open("btn", "pushbutton",
                   R"({"pin":14,"active_low":true,"bias":"pull_up","debounce_ms":50,"long_press_ms":3600000,)"
                   R"("double_click_ms":400,"suppress":false})")),
      0);
  EXPECT_EQ(code_of(open("climate", "htu21d", R"({"sda":4,"scl":5,"address":64,"period_ms":5000})")), 0);
  EXPECT_EQ(table.size(), 6u);
}

TEST_F(DispatcherTest, TableClosesEverythingWhenDestroyed) {
  open("btn", "pushbutton", R"({"pin":14})");
  open("climate", "htu21d", R"({"sda":4,"scl":5})");
  open("door", "digital_in", R"({"pin":7})");
  run_for(10ms);
  table.close_all();
  EXPECT_EQ(board.open_objects(), 0u);
  EXPECT_FALSE(board.i2c_open());
  run_for(10s);
  EXPECT_TRUE(sent.lines.empty() ||
              sent.lines.size() == 1u);  // at most the first reading, nothing after close
}

}  // namespace
}  // namespace aiopi::pico
