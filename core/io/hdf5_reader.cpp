#include "core/io/hdf5_reader.h"

#include <algorithm>
#include <cstring>
#include <functional>

#include "core/io/hdf5_handle.h"
#include "core/util/error.h"

namespace diffbio::io::h5 {

struct Reader::Open {
  QuietErrors quiet;  // first: errors stay silent while the file opens, and until after it closes
  Handle file;
};

namespace {

constexpr const char* kDamagedFix =
    "the file may be damaged or cut short; obtain a complete copy or re-save it with the tool that made it";

std::int64_t elementCount(hid_t space) {
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  return n < 0 ? 0 : static_cast<std::int64_t>(n);
}

ElementClass classify(hid_t type) {
  switch (H5Tget_class(type)) {
    case H5T_INTEGER: return ElementClass::Integer;
    case H5T_FLOAT: return ElementClass::Float;
    case H5T_STRING: return ElementClass::String;
    case H5T_BITFIELD: return ElementClass::Bool;
    case H5T_ENUM: return H5Tget_nmembers(type) == 2 ? ElementClass::Bool : ElementClass::Other;
    default: return ElementClass::Other;
  }
}

// Reads every element of a string dataset or attribute. `read(memoryType, buffer)` performs the H5Dread/H5Aread.
std::vector<std::string> readStringElements(hid_t fileType, hid_t space,
                                            const std::function<herr_t(hid_t, void*)>& read, bool& ok) {
  const auto n = static_cast<std::size_t>(elementCount(space));
  std::vector<std::string> out;
  out.reserve(n);
  ok = true;
  if (H5Tis_variable_str(fileType) > 0) {
    Handle memoryType(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(memoryType.get(), H5T_VARIABLE);
    H5Tset_cset(memoryType.get(), H5Tget_cset(fileType));
    std::vector<char*> pointers(n, nullptr);
    if (n > 0 && read(memoryType.get(), pointers.data()) < 0) {
      ok = false;
      return out;
    }
    for (char* p : pointers) out.emplace_back(p ? p : "");
    if (n > 0) H5Dvlen_reclaim(memoryType.get(), space, H5P_DEFAULT, pointers.data());
    return out;
  }
  // Fixed length: each element is `size` bytes, padded with NULs or spaces after the text.
  const std::size_t size = H5Tget_size(fileType);
  Handle memoryType(H5Tcopy(fileType), H5Tclose);
  std::vector<char> buffer(n * size + 1, '\0');
  if (n > 0 && read(memoryType.get(), buffer.data()) < 0) {
    ok = false;
    return out;
  }
  const bool spacePadded = H5Tget_strpad(fileType) == H5T_STR_SPACEPAD;
  for (std::size_t i = 0; i < n; ++i) {
    const char* text = buffer.data() + i * size;
    std::size_t length = 0;
    while (length < size && text[length] != '\0') ++length;
    if (spacePadded) {
      while (length > 0 && text[length - 1] == ' ') --length;
    }
    out.emplace_back(text, length);
  }
  return out;
}

}  // namespace

std::string child(const std::string& parent, const std::string& name) {
  if (parent.empty() || parent == "/") return "/" + name;
  return parent + "/" + name;
}

std::int64_t DatasetInfo::count() const {
  std::int64_t n = 1;
  for (auto d : dims) n *= d;
  return n;
}

Reader::Reader(std::string path) : path_(std::move(path)), open_(std::make_unique<Open>()) {
  if (H5Fis_hdf5(path_.c_str()) <= 0) {
    throw InputError({path_}, "not an HDF5 file (or it cannot be read)",
                     "choose a 10x Genomics .h5 or AnnData .h5ad file, and check that it is complete");
  }
  open_->file = Handle(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!open_->file) {
    throw InputError({path_}, "cannot open the HDF5 file: " + lastErrorText(), kDamagedFix);
  }
}

Reader::~Reader() = default;

void Reader::fail(const std::string& object, const std::string& problem, const std::string& fix) const {
  throw InputError({path_}, "HDF5 object " + object + ": " + problem, fix);
}

ObjectKind Reader::kind(const std::string& object) const {
  // H5Lexists fails when a group on the way is missing, so walk the path one link at a time.
  std::string sofar;
  std::size_t start = !object.empty() && object.front() == '/' ? 1 : 0;
  while (start <= object.size()) {
    std::size_t slash = object.find('/', start);
    if (slash == std::string::npos) slash = object.size();
    if (slash > start) {
      sofar += "/" + object.substr(start, slash - start);
      if (H5Lexists(open_->file.get(), sofar.c_str(), H5P_DEFAULT) <= 0) return ObjectKind::Missing;
    }
    start = slash + 1;
  }
  if (sofar.empty()) return ObjectKind::Group;  // the root
  Handle handle(H5Oopen(open_->file.get(), sofar.c_str(), H5P_DEFAULT), H5Oclose);
  if (!handle) return ObjectKind::Missing;  // a dangling soft or external link
  switch (H5Iget_type(handle.get())) {
    case H5I_GROUP: return ObjectKind::Group;
    case H5I_DATASET: return ObjectKind::Dataset;
    default: return ObjectKind::Other;
  }
}

std::vector<std::string> Reader::children(const std::string& group) const {
  Handle handle(H5Gopen2(open_->file.get(), group.c_str(), H5P_DEFAULT), H5Gclose);
  if (!handle) fail(group, "cannot open the group: " + lastErrorText(), kDamagedFix);
  H5G_info_t info;
  if (H5Gget_info(handle.get(), &info) < 0) fail(group, "cannot list the group: " + lastErrorText(), kDamagedFix);
  std::vector<std::string> names;
  names.reserve(info.nlinks);
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t length =
        H5Lget_name_by_idx(handle.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (length < 0) fail(group, "cannot list the group: " + lastErrorText(), kDamagedFix);
    std::string name(static_cast<std::size_t>(length) + 1, '\0');
    H5Lget_name_by_idx(handle.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(length));
    names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool Reader::hasAttribute(const std::string& object, const std::string& name) const {
  return H5Aexists_by_name(open_->file.get(), object.c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

namespace {

// An open attribute, or an invalid handle when the object has no such attribute.
Handle openAttribute(const Reader& reader, hid_t file, const std::string& object, const std::string& name) {
  if (!reader.hasAttribute(object, name)) return {};
  Handle attribute(H5Aopen_by_name(file, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attribute) reader.fail(object, "cannot open attribute '" + name + "': " + lastErrorText(), kDamagedFix);
  return attribute;
}

Handle openDataset(const Reader& reader, hid_t file, const std::string& dataset) {
  Handle handle(H5Dopen2(file, dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (!handle) {
    if (reader.kind(dataset) == ObjectKind::Missing) {
      reader.fail(dataset, "missing", "the file is incomplete or not of this kind");
    }
    reader.fail(dataset, "cannot open the dataset: " + lastErrorText(), kDamagedFix);
  }
  return handle;
}

}  // namespace

std::optional<std::string> Reader::stringAttribute(const std::string& object, const std::string& name) const {
  Handle attribute = openAttribute(*this, open_->file.get(), object, name);
  if (!attribute) return std::nullopt;
  Handle type(H5Aget_type(attribute.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) {
    fail(object, "attribute '" + name + "' is not text", "re-save the file with a current anndata version");
  }
  Handle space(H5Aget_space(attribute.get()), H5Sclose);
  bool ok = false;
  auto values = readStringElements(
      type.get(), space.get(), [&](hid_t memory, void* buffer) { return H5Aread(attribute.get(), memory, buffer); },
      ok);
  if (!ok) fail(object, "cannot read attribute '" + name + "': " + lastErrorText(), kDamagedFix);
  return values.empty() ? std::string() : values.front();
}

std::vector<std::string> Reader::stringListAttribute(const std::string& object, const std::string& name) const {
  Handle attribute = openAttribute(*this, open_->file.get(), object, name);
  if (!attribute) return {};
  Handle space(H5Aget_space(attribute.get()), H5Sclose);
  if (elementCount(space.get()) == 0) return {};  // anndata writes an empty float array for "no columns"
  Handle type(H5Aget_type(attribute.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) {
    fail(object, "attribute '" + name + "' is not a list of names", "re-save the file with a current anndata version");
  }
  bool ok = false;
  auto values = readStringElements(
      type.get(), space.get(), [&](hid_t memory, void* buffer) { return H5Aread(attribute.get(), memory, buffer); },
      ok);
  if (!ok) fail(object, "cannot read attribute '" + name + "': " + lastErrorText(), kDamagedFix);
  return values;
}

std::vector<std::int64_t> Reader::integerListAttribute(const std::string& object, const std::string& name) const {
  Handle attribute = openAttribute(*this, open_->file.get(), object, name);
  if (!attribute) return {};
  Handle type(H5Aget_type(attribute.get()), H5Tclose);
  const H5T_class_t typeClass = H5Tget_class(type.get());
  if (typeClass != H5T_INTEGER && typeClass != H5T_FLOAT) {
    fail(object, "attribute '" + name + "' is not numeric", "re-save the file with a current anndata version");
  }
  Handle space(H5Aget_space(attribute.get()), H5Sclose);
  std::vector<std::int64_t> values(static_cast<std::size_t>(elementCount(space.get())));
  if (!values.empty() && H5Aread(attribute.get(), H5T_NATIVE_INT64, values.data()) < 0) {
    fail(object, "cannot read attribute '" + name + "': " + lastErrorText(), kDamagedFix);
  }
  return values;
}

std::optional<bool> Reader::boolAttribute(const std::string& object, const std::string& name) const {
  Handle attribute = openAttribute(*this, open_->file.get(), object, name);
  if (!attribute) return std::nullopt;
  Handle type(H5Aget_type(attribute.get()), H5Tclose);
  const H5T_class_t typeClass = H5Tget_class(type.get());
  std::int64_t value = 0;
  herr_t status = -1;
  if (typeClass == H5T_ENUM || typeClass == H5T_BITFIELD) {
    // HDF5 will not convert an enum to an integer, so read it in its own (native) representation.
    Handle native(H5Tget_native_type(type.get(), H5T_DIR_ASCEND), H5Tclose);
    unsigned char raw[16] = {};
    if (H5Tget_size(native.get()) <= sizeof raw) status = H5Aread(attribute.get(), native.get(), raw);
    for (unsigned char byte : raw) value |= byte;
  } else if (typeClass == H5T_INTEGER) {
    status = H5Aread(attribute.get(), H5T_NATIVE_INT64, &value);
  }
  if (status < 0) fail(object, "attribute '" + name + "' is not a readable true/false value", kDamagedFix);
  return value != 0;
}

DatasetInfo Reader::describe(const std::string& dataset) const {
  Handle handle = openDataset(*this, open_->file.get(), dataset);
  Handle type(H5Dget_type(handle.get()), H5Tclose);
  Handle space(H5Dget_space(handle.get()), H5Sclose);
  DatasetInfo info;
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail(dataset, "cannot read the dataset's shape: " + lastErrorText(), kDamagedFix);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  info.dims.assign(dims.begin(), dims.end());
  info.element = classify(type.get());
  info.elementBytes = H5Tget_size(type.get());
  return info;
}

template <typename T>
void Reader::readNumbersInto(const std::string& dataset, T* out, std::size_t count) const {
  const hid_t memoryType = nativeType<T>();
  Handle handle = openDataset(*this, open_->file.get(), dataset);
  Handle type(H5Dget_type(handle.get()), H5Tclose);
  const ElementClass element = classify(type.get());
  if (element != ElementClass::Integer && element != ElementClass::Float) {
    fail(dataset, "holds text or another non-numeric type where numbers are expected",
         "re-save the file with the tool that made it (numeric arrays are needed here)");
  }
  Handle space(H5Dget_space(handle.get()), H5Sclose);
  const std::int64_t n = elementCount(space.get());
  if (static_cast<std::size_t>(n) != count) {
    fail(dataset, "has " + std::to_string(n) + " values where " + std::to_string(count) + " were expected",
         "the file is inconsistent; re-save it with the tool that made it");
  }
  if (n > 0 && H5Dread(handle.get(), memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0) {
    fail(dataset, "cannot read the values: " + lastErrorText(), kDamagedFix);
  }
}

template void Reader::readNumbersInto(const std::string&, float*, std::size_t) const;
template void Reader::readNumbersInto(const std::string&, double*, std::size_t) const;
template void Reader::readNumbersInto(const std::string&, std::int8_t*, std::size_t) const;
template void Reader::readNumbersInto(const std::string&, std::uint8_t*, std::size_t) const;
template void Reader::readNumbersInto(const std::string&, std::int16_t*, std::size_t) const;
template void Reader::readNumbersInto(const std::string&, std::int32_t*, std::size_t) const;
template void Reader::readNumbersInto(const std::string&, std::int64_t*, std::size_t) const;

std::vector<std::string> Reader::readStrings(const std::string& dataset) const {
  Handle handle = openDataset(*this, open_->file.get(), dataset);
  Handle type(H5Dget_type(handle.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) {
    fail(dataset, "holds numbers where names (text) are expected", "re-save the file with the tool that made it");
  }
  Handle space(H5Dget_space(handle.get()), H5Sclose);
  bool ok = false;
  auto values = readStringElements(
      type.get(), space.get(),
      [&](hid_t memory, void* buffer) { return H5Dread(handle.get(), memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer); },
      ok);
  if (!ok) fail(dataset, "cannot read the text values: " + lastErrorText(), kDamagedFix);
  return values;
}

std::vector<std::uint8_t> Reader::readBools(const std::string& dataset) const {
  Handle handle = openDataset(*this, open_->file.get(), dataset);
  Handle type(H5Dget_type(handle.get()), H5Tclose);
  Handle space(H5Dget_space(handle.get()), H5Sclose);
  const auto n = static_cast<std::size_t>(elementCount(space.get()));
  std::vector<std::uint8_t> values(n, 0);
  const ElementClass element = classify(type.get());
  herr_t status = 0;
  if (element == ElementClass::Bool && H5Tget_size(type.get()) == 1) {
    // h5py stores bool as an enum {FALSE=0, TRUE=1} of int8; HDF5 only converts enums to enums, so read raw bytes.
    Handle native(H5Tget_native_type(type.get(), H5T_DIR_ASCEND), H5Tclose);
    if (n > 0) status = H5Dread(handle.get(), native.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  } else if (element == ElementClass::Integer) {
    if (n > 0) status = H5Dread(handle.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  } else {
    fail(dataset, "is not a true/false array", "re-save the file with a current anndata version");
  }
  if (status < 0) fail(dataset, "cannot read the values: " + lastErrorText(), kDamagedFix);
  for (auto& v : values) v = v != 0 ? 1 : 0;
  return values;
}

}  // namespace diffbio::io::h5
