#include "core/io/hdf5_writer.h"

#include "core/io/hdf5_handle.h"
#include "core/util/error.h"

namespace diffbio::io::h5 {

struct Writer::Open {
  QuietErrors quiet;  // first: errors stay silent until after the file closes
  Handle file;
  Handle utf8;        // variable-length UTF-8 string type
  Handle boolType;    // h5py's bool: enum of int8 {FALSE = 0, TRUE = 1}
};

namespace {

Handle simpleSpace(const std::vector<std::int64_t>& dims) {
  if (dims.empty()) return Handle(H5Screate(H5S_SCALAR), H5Sclose);
  std::vector<hsize_t> extent(dims.begin(), dims.end());
  return Handle(H5Screate_simple(static_cast<int>(extent.size()), extent.data(), nullptr), H5Sclose);
}

std::vector<const char*> pointersTo(const std::vector<std::string>& values) {
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const auto& v : values) pointers.push_back(v.c_str());
  return pointers;
}

[[noreturn]] void fail(const std::string& file, const std::string& object, const std::string& what) {
  throw InputError({file}, "cannot write " + what + " " + object + ": " + lastErrorText(),
                   "check free disk space and that the output folder is writable");
}

void writeAttribute(hid_t file, const std::string& displayName, const std::string& object, const std::string& name,
                    hid_t type, hid_t space, const void* data) {
  Handle attribute(
      H5Acreate_by_name(file, object.c_str(), name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      H5Aclose);
  if (!attribute) fail(displayName, object, "attribute '" + name + "' of");
  // An empty array (anndata's column-order of a dataframe without columns) has nothing to write.
  if (H5Sget_simple_extent_npoints(space) > 0 && H5Awrite(attribute.get(), type, data) < 0) {
    fail(displayName, object, "attribute '" + name + "' of");
  }
}

// A contiguous dataset: the whole array is read back in one go, which is what the readers do.
void writeDataset(hid_t file, const std::string& displayName, const std::string& path, hid_t type, const void* data,
                  const std::vector<std::int64_t>& dims) {
  Handle space = simpleSpace(dims);
  Handle dataset(H5Dcreate2(file, path.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  if (!dataset) fail(displayName, path, "dataset");
  std::int64_t count = 1;
  for (auto d : dims) count *= d;
  if (count > 0 && H5Dwrite(dataset.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
    fail(displayName, path, "dataset");
  }
  if (!dataset.close()) fail(displayName, path, "dataset");
}

}  // namespace

Writer::Writer(std::string path, std::string displayName)
    : displayName_(std::move(displayName)), open_(std::make_unique<Open>()) {
  // The 1.8 file format lets attributes exceed 64 KiB (a long column-order list) and is read by every h5py.
  Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_libver_bounds(access.get(), H5F_LIBVER_V18, H5F_LIBVER_LATEST);
  open_->file = Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), H5Fclose);
  if (!open_->file) {
    throw InputError({displayName_}, "cannot create the HDF5 file: " + lastErrorText(),
                     "check that the output folder exists and is writable");
  }
  open_->utf8 = Handle(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(open_->utf8.get(), H5T_VARIABLE);
  H5Tset_cset(open_->utf8.get(), H5T_CSET_UTF8);
  open_->boolType = Handle(H5Tenum_create(H5T_NATIVE_INT8), H5Tclose);
  const std::int8_t no = 0, yes = 1;
  H5Tenum_insert(open_->boolType.get(), "FALSE", &no);
  H5Tenum_insert(open_->boolType.get(), "TRUE", &yes);
}

Writer::~Writer() = default;

void Writer::group(const std::string& path) {
  Handle handle(H5Gcreate2(open_->file.get(), path.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  if (!handle) fail(displayName_, path, "group");
}

void Writer::stringAttribute(const std::string& object, const std::string& name, const std::string& value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  const char* pointer = value.c_str();
  writeAttribute(open_->file.get(), displayName_, object, name, open_->utf8.get(), space.get(), &pointer);
}

void Writer::stringListAttribute(const std::string& object, const std::string& name,
                                 const std::vector<std::string>& values) {
  Handle space = simpleSpace({static_cast<std::int64_t>(values.size())});
  const auto pointers = pointersTo(values);
  writeAttribute(open_->file.get(), displayName_, object, name, open_->utf8.get(), space.get(), pointers.data());
}

void Writer::integerListAttribute(const std::string& object, const std::string& name,
                                  const std::vector<std::int64_t>& values) {
  Handle space = simpleSpace({static_cast<std::int64_t>(values.size())});
  writeAttribute(open_->file.get(), displayName_, object, name, H5T_NATIVE_INT64, space.get(), values.data());
}

void Writer::doubleListAttribute(const std::string& object, const std::string& name,
                                 const std::vector<double>& values) {
  Handle space = simpleSpace({static_cast<std::int64_t>(values.size())});
  writeAttribute(open_->file.get(), displayName_, object, name, H5T_NATIVE_DOUBLE, space.get(), values.data());
}

void Writer::boolAttribute(const std::string& object, const std::string& name, bool value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  const std::int8_t raw = value ? 1 : 0;
  writeAttribute(open_->file.get(), displayName_, object, name, open_->boolType.get(), space.get(), &raw);
}

template <typename T>
void Writer::numbers(const std::string& path, const T* data, const std::vector<std::int64_t>& dims) {
  writeDataset(open_->file.get(), displayName_, path, nativeType<T>(), data, dims);
}

template void Writer::numbers(const std::string&, const float*, const std::vector<std::int64_t>&);
template void Writer::numbers(const std::string&, const double*, const std::vector<std::int64_t>&);
template void Writer::numbers(const std::string&, const std::int8_t*, const std::vector<std::int64_t>&);
template void Writer::numbers(const std::string&, const std::uint8_t*, const std::vector<std::int64_t>&);
template void Writer::numbers(const std::string&, const std::int16_t*, const std::vector<std::int64_t>&);
template void Writer::numbers(const std::string&, const std::int32_t*, const std::vector<std::int64_t>&);
template void Writer::numbers(const std::string&, const std::int64_t*, const std::vector<std::int64_t>&);

void Writer::strings(const std::string& path, const std::vector<std::string>& values) {
  const auto pointers = pointersTo(values);
  writeDataset(open_->file.get(), displayName_, path, open_->utf8.get(), pointers.data(),
               {static_cast<std::int64_t>(values.size())});
}

void Writer::bools(const std::string& path, const std::vector<std::uint8_t>& values) {
  std::vector<std::int8_t> raw(values.begin(), values.end());
  for (auto& v : raw) v = v != 0 ? 1 : 0;
  writeDataset(open_->file.get(), displayName_, path, open_->boolType.get(), raw.data(),
               {static_cast<std::int64_t>(values.size())});
}

void Writer::close() {
  open_->utf8.reset();
  open_->boolType.reset();
  if (!open_->file.close()) {
    throw InputError({displayName_}, "cannot finish the HDF5 file: " + lastErrorText(),
                     "check free disk space and that the output folder is writable");
  }
}

}  // namespace diffbio::io::h5
