#pragma once
// Reading typed HDF5 datasets and attributes by path, for the 10x HDF5 and h5ad readers. Every failure is an
// InputError naming the file and the HDF5 object path ("/raw/X/indptr"), with HDF5's own reason; HDF5 never prints
// to stderr while a Reader exists. The header keeps hdf5.h out, so tests and callers need no HDF5 include path.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace diffbio::io::h5 {

// Joins an HDF5 object path: child("/raw", "X") == "/raw/X", child("/", "obs") == "/obs".
std::string child(const std::string& parent, const std::string& name);

enum class ObjectKind { Missing, Group, Dataset, Other };

// What a dataset's elements are, as far as the readers care. Bool is h5py's enum {FALSE, TRUE} (or a bitfield).
enum class ElementClass { Integer, Float, String, Bool, Other };

struct DatasetInfo {
  std::vector<std::int64_t> dims;  // empty for a scalar dataset
  ElementClass element = ElementClass::Other;
  std::size_t elementBytes = 0;
  std::int64_t count() const;      // number of elements (1 for a scalar)
};

class Reader {
 public:
  // Opens read-only. Throws InputError when the file is not HDF5 or cannot be opened.
  explicit Reader(std::string path);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  const std::string& path() const { return path_; }

  // Missing also when a group on the way is missing (never throws for a well-formed path).
  ObjectKind kind(const std::string& object) const;
  std::vector<std::string> children(const std::string& group) const;  // link names in name order

  bool hasAttribute(const std::string& object, const std::string& name) const;
  // The attribute as text (first element of a string array); nullopt when absent. InputError when not a string.
  std::optional<std::string> stringAttribute(const std::string& object, const std::string& name) const;
  // A string array attribute (e.g. column-order); empty when absent or an empty array of any type.
  std::vector<std::string> stringListAttribute(const std::string& object, const std::string& name) const;
  // An integer array attribute (e.g. shape); empty when absent.
  std::vector<std::int64_t> integerListAttribute(const std::string& object, const std::string& name) const;
  std::optional<bool> boolAttribute(const std::string& object, const std::string& name) const;

  DatasetInfo describe(const std::string& dataset) const;
  // The whole dataset, flattened in row-major order and converted by HDF5 to T (integers and floats only).
  // T is one of float, double, int8/16/32/64, uint8.
  template <typename T>
  std::vector<T> readNumbers(const std::string& dataset) const {
    std::vector<T> values(static_cast<std::size_t>(describe(dataset).count()));
    readNumbersInto(dataset, values.data(), values.size());
    return values;
  }
  // Reads exactly `count` values into `out` (InputError when the dataset holds another number).
  template <typename T>
  void readNumbersInto(const std::string& dataset, T* out, std::size_t count) const;
  // Fixed-length (padding removed) or variable-length strings.
  std::vector<std::string> readStrings(const std::string& dataset) const;
  // h5py booleans (enum of int8) or integers (non-zero = true) as 0/1.
  std::vector<std::uint8_t> readBools(const std::string& dataset) const;

  // Throws an InputError about `object` in this file.
  [[noreturn]] void fail(const std::string& object, const std::string& problem, const std::string& fix) const;

 private:
  struct Open;  // the HDF5 handles (hdf5_reader.cpp)

  std::string path_;
  std::unique_ptr<Open> open_;
};

}  // namespace diffbio::io::h5
