#include "core/util/threads.h"

#include <ATen/Parallel.h>

#include "core/util/parallel.h"

namespace diffbio {

int configureTensorThreads() {
  at::set_num_threads(parallelThreads());
  return at::get_num_threads();
}

}  // namespace diffbio
