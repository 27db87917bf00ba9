// The method reference of docs/remote-api.md, generated from the method registry (like the config reference
// from the schema), so the documentation cannot drift from the code.
#pragma once

#include <string>

#include "aiopid/api/method_registry.hpp"

namespace aiopid::remote {

/// Markdown: one section per method — scope, REST route, params table, result, application errors.
std::string api_reference_markdown(const api::MethodRegistry& methods);

}  // namespace aiopid::remote
