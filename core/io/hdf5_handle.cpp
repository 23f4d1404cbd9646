#include "core/io/hdf5_handle.h"

namespace diffbio::io::h5 {

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    closer_ = other.closer_;
    other.id_ = H5I_INVALID_HID;
  }
  return *this;
}

bool Handle::close() {
  if (id_ < 0) return true;
  const herr_t status = closer_ ? closer_(id_) : 0;
  id_ = H5I_INVALID_HID;
  return status >= 0;
}

void Handle::reset() { close(); }

QuietErrors::QuietErrors() {
  H5Eget_auto2(H5E_DEFAULT, &oldHandler_, &oldData_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

QuietErrors::~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, oldHandler_, oldData_); }

namespace {

// H5Ewalk callback: the walk goes from the innermost frame outwards; the innermost one says what really failed
// (e.g. "can't open object" or "wrong B-tree signature"), so keep the first description.
herr_t keepInnermost(unsigned position, const H5E_error2_t* error, void* clientData) {
  auto* text = static_cast<std::string*>(clientData);
  if (position == 0 && error && error->desc) *text = error->desc;
  return 0;
}

}  // namespace

std::string lastErrorText() {
  std::string text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keepInnermost, &text);
  return text;
}

}  // namespace diffbio::io::h5
