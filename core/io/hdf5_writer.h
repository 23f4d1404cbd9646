#pragma once
// Writing groups, typed datasets and attributes by path, in the forms h5py/anndata read: variable-length UTF-8
// strings, bools as h5py's enum {FALSE, TRUE}. Failures become InputErrors naming the output file and object.
// The header keeps hdf5.h out, so tests and callers need no HDF5 include path.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace diffbio::io::h5 {

class Writer {
 public:
  // Creates (truncates) `path`. `displayName` is the name errors use (the final target of an atomic output,
  // rather than its temporary file).
  Writer(std::string path, std::string displayName);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  const std::string& displayName() const { return displayName_; }

  void group(const std::string& path);

  void stringAttribute(const std::string& object, const std::string& name, const std::string& value);
  void stringListAttribute(const std::string& object, const std::string& name, const std::vector<std::string>& values);
  void integerListAttribute(const std::string& object, const std::string& name,
                            const std::vector<std::int64_t>& values);
  void doubleListAttribute(const std::string& object, const std::string& name, const std::vector<double>& values);
  void boolAttribute(const std::string& object, const std::string& name, bool value);

  // A dataset of `dims` (row-major) from `data`, stored contiguously (fast to read back whole).
  // T is one of float, double, int8/16/32/64, uint8.
  template <typename T>
  void numbers(const std::string& path, const T* data, const std::vector<std::int64_t>& dims);
  template <typename T>
  void numbers(const std::string& path, const std::vector<T>& values) {
    numbers(path, values.data(), {static_cast<std::int64_t>(values.size())});
  }
  void strings(const std::string& path, const std::vector<std::string>& values);
  void bools(const std::string& path, const std::vector<std::uint8_t>& values);

  // Flushes and closes the file; throws InputError when HDF5 cannot finish it (e.g. disk full).
  void close();

 private:
  struct Open;  // the HDF5 handles and the typed write helpers (hdf5_writer.cpp)

  std::string displayName_;
  std::unique_ptr<Open> open_;
};

}  // namespace diffbio::io::h5
