// `diffbio`: the headless command-line tool. Each subcommand lives in its own file (command_*.cpp).
//
// This file builds two programs (app/CMakeLists.txt): `diffbio-engine` with every command (commands.cpp), and the
// light `diffbio` with the commands that need no LibTorch (commands_light.cpp, DIFFBIO_CLI_LIGHT), which hands
// everything else, --help included, to diffbio-engine.
#include <cstring>
#include <iostream>
#include <string>

#if defined(DIFFBIO_CLI_LIGHT) && defined(__linux__) && defined(__GLIBC__)
#include <dlfcn.h>
#endif

#include "app/cli/commands.h"
#include "app/cli/engine_forward.h"
#include "core/util/error.h"
#include "core/util/threads.h"
#include "core/ops/registry.h"
#include "plots/plot_operators.h"

namespace {

void printUsage(std::ostream& out) {
  out << "diffbio — differentiable bioinformatics, headless\n\n"
         "usage: diffbio [--threads N] COMMAND [ARGS]\n\n"
         "commands:\n";
  for (const auto& command : diffbio::cli::allCommands()) out << "  " << command.name << "\t" << command.summary << "\n";
  out << "\n`diffbio COMMAND --help` describes one command.\n";
}

// OpenBLAS (loaded with igraph) starts a worker thread per core when the process starts, and each spins on
// sched_yield for about 0.1 s of CPU before it sleeps: on a two-core machine that is taken from the analysis. The
// light commands make no BLAS calls that need those threads, so stop them; OpenBLAS starts them again by itself if
// a threaded call comes later.
void stopIdleBlasThreads() {
#if defined(DIFFBIO_CLI_LIGHT) && defined(__linux__) && defined(__GLIBC__)
  using Shutdown = int (*)();
  if (const auto shutdown = reinterpret_cast<Shutdown>(dlsym(RTLD_DEFAULT, "blas_thread_shutdown_"))) shutdown();
#endif
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 0;
  int first = 1;
  while (first < argc && argv[first][0] == '-') {
    const std::string option = argv[first];
    if (option == "--help" || option == "-h") {
#ifdef DIFFBIO_CLI_LIGHT
      return diffbio::cli::forwardToEngine(argc, argv);  // the engine lists every command
#endif
      printUsage(std::cout);
      return 0;
    }
    if (option == "--threads" && first + 1 < argc) {
      threads = std::atoi(argv[first + 1]);
      first += 2;
      continue;
    }
    std::cerr << "diffbio: unknown option '" << option << "'\n";
    printUsage(std::cerr);
    return 2;
  }
  if (first >= argc) {
#ifdef DIFFBIO_CLI_LIGHT
    return diffbio::cli::forwardToEngine(argc, argv);
#endif
    printUsage(std::cerr);
    return 2;
  }
  diffbio::configureThreads(threads);
  stopIdleBlasThreads();
#ifndef DIFFBIO_CLI_LIGHT
  diffbio::configureTensorThreads();
  diffbio::plots::registerPlotOperators(diffbio::ops::Registry::global());  // figure nodes (plot.*) for `run`
#endif
  const std::string name = argv[first];
  for (const auto& command : diffbio::cli::allCommands()) {
    if (name != command.name) continue;
    std::vector<std::string> args(argv + first + 1, argv + argc);
    try {
      return command.run(args);
    } catch (const diffbio::InputError& error) {
      std::cerr << "error: " << error.what() << "\n";
      return 2;
    } catch (const diffbio::cli::UsageError& error) {
      std::cerr << "diffbio " << name << ": " << error.what() << "\n(see `diffbio " << name << " --help`)\n";
      return 2;
    } catch (const std::exception& error) {
      std::cerr << "internal error in `diffbio " << name << "`: " << error.what() << "\n";
      return 1;
    }
  }
#ifdef DIFFBIO_CLI_LIGHT
  return diffbio::cli::forwardToEngine(argc, argv);
#endif
  std::cerr << "diffbio: unknown command '" << name << "'\n";
  printUsage(std::cerr);
  return 2;
}
