// aiopictl: see cli.cpp (and `aiopictl --help`, tools/aiopictl/README.md).
#include <iostream>

#include "cli.hpp"

int main(int argc, char** argv) {
  return aiopictl::run_cli(argc, argv, std::cout, std::cerr, std::cin);
}
