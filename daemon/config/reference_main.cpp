// aiopid-config-reference: prints the configuration reference (Markdown) generated from the schema of the
// built-in device types. docs/daemon.md embeds it; the test daemon.config_reference_up_to_date compares.
#include <cstdio>

#include "aiopid/config/config_schema.hpp"
#include "aiopid/config/driver_device_types.hpp"
#include "aiopid/config/reference.hpp"

int main() {
  const aiopid::config::DeviceTypeRegistry registry = aiopid::config::aiopid_device_registry();
  const auto schema = aiopid::config::make_config_schema(registry);
  const std::string text = aiopid::config::config_reference_markdown(*schema, registry);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}
