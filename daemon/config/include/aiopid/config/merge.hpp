// How the main file and the conf.d fragments combine into one document (systemd drop-in style):
//
// * Files are read in order: the main file, then `conf.d/*.toml` beside it sorted by file name (byte order;
//   other names and names starting with '.' are ignored).
// * [daemon] settings: a key set by a later file replaces the earlier value (a fragment can change the log
//   level without repeating the rest).
// * Named things — devices, events, tasks, schedules — merge by name: each file adds its own, and a name
//   defined in two files is an error at the second definition that names the first.
// * A top-level section of the wrong type (`devices = 3`) is an error and is dropped; keys that are not
//   sections are kept, once per file, for the validator to report.
#pragma once

#include "aiopid/config/diagnostic.hpp"
#include "aiopid/config/node.hpp"
#include "aiopid/config/schema.hpp"

namespace aiopid::config {

/// Merges the root table of one file into `merged` (start with an empty table and merge every file in
/// order). `root` says which sections are settings tables (FieldType::table) and which hold named tables
/// (FieldType::map).
void merge_into(Node& merged, Node fragment, const TableSchema& root, Diagnostics& out);

}  // namespace aiopid::config
