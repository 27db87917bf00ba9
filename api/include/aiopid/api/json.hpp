// The API's JSON value: nlohmann/json (Debian's nlohmann-json3-dev), ordered so documents and answers keep
// the order the code wrote their keys in (people read them).
#pragma once

#include <nlohmann/json.hpp>

namespace aiopid::api {

using Json = nlohmann::ordered_json;

}  // namespace aiopid::api
