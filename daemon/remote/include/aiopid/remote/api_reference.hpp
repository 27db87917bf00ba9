// The method reference of docs/remote-api.md, generated from the method registry (like the config reference
// from the schema), so the documentation cannot drift from the code.
#pragma once

#include <string>
#include <vector>

#include "aiopid/api/method_registry.hpp"

namespace aiopid::remote {

/// Markdown: one section per method — scope, REST route, params table, application errors, and the method's
/// example from `examples` when it has one: docs/api-examples.json's object of METHOD → {"request",
/// "response"}, recorded from the real daemon by tests/remote/api_examples.py.
std::string api_reference_markdown(const api::MethodRegistry& methods, const api::Json& examples);

/// The methods that have no example in `examples` (every method should have one).
std::vector<std::string> methods_without_example(const api::MethodRegistry& methods,
                                                 const api::Json& examples);

}  // namespace aiopid::remote
