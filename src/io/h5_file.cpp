#include "ropesweep/io/h5_file.hpp"

namespace ropesweep::h5 {
namespace {

// HDF5 prints its error stack on every failure unless told not to; the layer
// reads the stack into its exceptions instead. The setting is global in a HDF5
// built without thread safety (as Debian's parallel one is), so once suffices.
void silence_library_errors() {
  static const bool silenced = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)silenced;
}

// Writers take no lock on the file: a reader (`ropesweep info`) holding its
// shared lock must not make a run fail as it stamps its end.
Handle unlocked_access(const Location& file) {
  Handle access = file.adopt(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "make a file access list");
  file.check(H5Pset_file_locking(access.get(), false, true), "switch off file locking for");
  return access;
}

}  // namespace

File File::create(const std::string& path, const std::string& shown_as) {
  silence_library_errors();
  const Location file{shown_as.empty() ? path : shown_as, ""};
  Handle handle = file.adopt(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                             H5Fclose, "create the file");
  return File(std::move(handle), {file.file, "/"});
}

File File::open(const std::string& path, Access access) {
  silence_library_errors();
  const Location file{path, ""};
  if (access == Access::kRead) {
    Handle handle =
        file.adopt(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open as HDF5");
    return File(std::move(handle), {path, "/"});
  }
  const Handle list = unlocked_access(file);
  Handle handle =
      file.adopt(H5Fopen(path.c_str(), H5F_ACC_RDWR, list.get()), H5Fclose, "open as HDF5");
  return File(std::move(handle), {path, "/"});
}

File File::open_live(const std::string& path) {
  silence_library_errors();
  const Location file{path, ""};
  const Handle access = unlocked_access(file);
  // Metadata reaches the file only when it is flushed, never by an eviction in
  // between: a reader then finds the chunk index and the end of the file as of
  // the last flush, not an index pointing past the end it knows.
  H5AC_cache_config_t cache;
  cache.version = H5AC__CURR_CACHE_CONFIG_VERSION;
  file.check(H5Pget_mdc_config(access.get(), &cache), "read the metadata cache settings for");
  cache.evictions_enabled = false;
  cache.incr_mode = H5C_incr__off;
  cache.flash_incr_mode = H5C_flash_incr__off;
  cache.decr_mode = H5C_decr__off;
  file.check(H5Pset_mdc_config(access.get(), &cache), "keep the metadata of");
  Handle handle =
      file.adopt(H5Fopen(path.c_str(), H5F_ACC_RDWR, access.get()), H5Fclose, "open as HDF5");
  return File(std::move(handle), {path, "/"});
}

bool File::is_hdf5(const std::string& path) {
  silence_library_errors();
  const htri_t answer = H5Fis_hdf5(path.c_str());
  if (answer < 0) clear_error_stack();  // unreadable or missing: not an HDF5 file to us
  return answer > 0;
}

void File::flush() const { where_.check(H5Fflush(id(), H5F_SCOPE_LOCAL), "flush the file"); }

void File::close() {
  if (handle_.close() < 0) Location{where_.file, ""}.fail("close the file");
}

}  // namespace ropesweep::h5
