#pragma once
// The light `diffbio` binary replaces itself with `diffbio-engine` (same arguments) for every command it does not
// contain. See commands_light.cpp.
namespace diffbio::cli {

// Does not return unless the engine cannot be started (then prints why and returns 2).
int forwardToEngine(int argc, char** argv);

}  // namespace diffbio::cli
