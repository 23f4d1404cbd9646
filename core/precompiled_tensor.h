#pragma once
// Precompiled for the tensor half of diffbio_core (see core/CMakeLists.txt).
#include <Eigen/Core>
#include <ATen/ATen.h>
#include <torch/types.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>
