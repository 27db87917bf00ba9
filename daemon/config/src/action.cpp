#include "aiopid/config/action.hpp"

namespace aiopid::config {

std::string_view verb_name(Verb verb) noexcept {
  switch (verb) {
    case Verb::set:
      return "set";
    case Verb::toggle:
      return "toggle";
    case Verb::pulse:
      return "pulse";
    case Verb::sleep:
      return "sleep";
    case Verb::set_event:
      return "set_event";
    case Verb::clear_event:
      return "clear_event";
    case Verb::wait_event:
      return "wait_event";
    case Verb::start:
      return "start";
    case Verb::cancel:
      return "cancel";
    case Verb::log:
      return "log";
    case Verb::publish:
      return "publish";
  }
  return "?";
}

const std::vector<Verb>& all_verbs() {
  static const std::vector<Verb> verbs = {Verb::set,       Verb::toggle,      Verb::pulse,      Verb::sleep,
                                          Verb::set_event, Verb::clear_event, Verb::wait_event, Verb::start,
                                          Verb::cancel,    Verb::log,         Verb::publish};
  return verbs;
}

}  // namespace aiopid::config
