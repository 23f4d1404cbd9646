#include "core/ops/builtin_operators.h"

#include "core/ops/de/de_operators.h"
#include "core/ops/io/io_operators.h"

namespace diffbio::ops {

void registerBuiltinOperators(Registry& registry) {
  registerIoOperators(registry);
  registerDeOperators(registry);
}

}  // namespace diffbio::ops
