// aiopi-io: see aiopi_io.cpp (and `aiopi-io help`).
#include "aiopi_io.hpp"

int main(int argc, char** argv) {
  return aiopi::tools::aiopi_io_main(argc, argv);
}
