#pragma once
// Small RAII pieces over the HDF5 C API shared by the 10x HDF5 and h5ad readers and the h5ad writer: an owning
// handle, a guard that keeps HDF5 from printing error stacks to stderr, and the text of the last HDF5 error so that
// failures become InputErrors that say what went wrong.
#include <hdf5.h>

#include <cstdint>
#include <string>

namespace diffbio::io::h5 {

// Owns one hid_t and closes it with the matching H5?close function.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);

  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(other.id_), closer_(other.closer_) { other.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  explicit operator bool() const { return valid(); }
  // Closes now and reports whether HDF5 could (closing a file flushes it, so writers must check).
  bool close();
  void reset();

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// Silences HDF5's automatic error printing for the guard's lifetime (the error stack is per thread in the
// thread-safe build, so the guard has to live on the thread that makes the calls).
class QuietErrors {
 public:
  QuietErrors();
  ~QuietErrors();
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

 private:
  H5E_auto2_t oldHandler_ = nullptr;
  void* oldData_ = nullptr;
};

// The innermost message of the current thread's HDF5 error stack ("" when empty), e.g. "can't open object".
std::string lastErrorText();

// The native memory type for a C++ element type, for H5Dread/H5Dwrite with conversion.
template <typename T> hid_t nativeType();
template <> inline hid_t nativeType<float>() { return H5T_NATIVE_FLOAT; }
template <> inline hid_t nativeType<double>() { return H5T_NATIVE_DOUBLE; }
template <> inline hid_t nativeType<std::int8_t>() { return H5T_NATIVE_INT8; }
template <> inline hid_t nativeType<std::uint8_t>() { return H5T_NATIVE_UINT8; }
template <> inline hid_t nativeType<std::int16_t>() { return H5T_NATIVE_INT16; }
template <> inline hid_t nativeType<std::int32_t>() { return H5T_NATIVE_INT32; }
template <> inline hid_t nativeType<std::int64_t>() { return H5T_NATIVE_INT64; }

}  // namespace diffbio::io::h5
