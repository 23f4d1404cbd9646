#include "app/cli/engine_forward.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <vector>

namespace diffbio::cli {

namespace {

// diffbio-engine is installed (and built) beside diffbio.
std::filesystem::path enginePath() {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path("diffbio-engine") : self.parent_path() / "diffbio-engine";
}

}  // namespace

int forwardToEngine(int argc, char** argv) {
  const std::string engine = enginePath().string();
  std::vector<char*> arguments(argv, argv + argc);
  arguments[0] = const_cast<char*>("diffbio");  // messages and usage lines keep saying `diffbio`
  arguments.push_back(nullptr);
  ::execv(engine.c_str(), arguments.data());
  std::cerr << "diffbio: cannot start " << engine << " (" << std::strerror(errno)
            << "), which runs this command: reinstall DiffBio Studio or rebuild both binaries\n";
  return 2;
}

}  // namespace diffbio::cli
