#pragma once
// The one list of operator families built into DiffBio. Registry::global() calls it once; each family registers its
// operators in its own file (core/ops/<family>/<family>_operators.cpp). Adding an operator = its file plus one line in
// its family's registration function. (An explicit list, not static self-registration: the core is a static
// library, and the linker drops object files that nothing references.)
namespace diffbio::ops {

class Registry;

void registerBuiltinOperators(Registry& registry);

}  // namespace diffbio::ops
