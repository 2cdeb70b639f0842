#include "ropesweep/experiments/frontier_file.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <optional>

#include "ropesweep/experiments/experiment.hpp"
#include "ropesweep/physics/frontier.hpp"
#include "ropesweep/io/h5.hpp"
#include "ropesweep/io/results_file.hpp"

namespace ropesweep {
namespace {

using h5::adopt;
using h5::check;
using h5::Handle;

constexpr const char* kGroup = "frontier";
constexpr const char* kRule =
    "pareto_optimal: no other base of the slice is >= on both 1 - position_inversion and "
    "1 - token_inversion and > on one (ties kept; points not computed are never optimal); "
    "best_*_base: first base along the axis reaching the maximum, NaN if none computed";

herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->push_back(name);
  return 0;
}

std::vector<std::string> member_names(hid_t group, const std::string& path) {
  std::vector<std::string> names;
  check(H5Literate(group, H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, collect_name, &names), path,
        "list members");
  return names;
}

H5O_type_t object_type(hid_t location, const std::string& name, const std::string& path) {
  H5O_info_t info;
  check(H5Oget_info_by_name(location, name.c_str(), &info, H5P_DEFAULT), path,
        "inspect '" + name + "'");
  return info.type;
}

bool has_dataset(hid_t group, const std::string& name, const std::string& path) {
  const htri_t exists = H5Lexists(group, name.c_str(), H5P_DEFAULT);
  if (exists < 0) H5Eclear2(H5E_DEFAULT);
  return exists > 0 && object_type(group, name, path) == H5O_TYPE_DATASET;
}

std::vector<std::uint64_t> shape_of(hid_t dataset, const std::string& path,
                                    const std::string& what) {
  Handle space = adopt(H5Dget_space(dataset), H5Sclose, path, "space of " + what);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw IoError(path, "rank of " + what + ": " + h5::error_stack());
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return {dims.begin(), dims.end()};
}

std::vector<double> read_doubles(hid_t dataset, std::size_t count, const std::string& path,
                                 const std::string& what) {
  std::vector<double> values(count);
  check(H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), path,
        "read " + what);
  return values;
}

herr_t scale_path_of(hid_t, unsigned, hid_t scale, void* data) {
  const ssize_t length = H5Iget_name(scale, nullptr, 0);
  if (length <= 0) return -1;
  std::string name(static_cast<std::size_t>(length) + 1, '\0');
  H5Iget_name(scale, name.data(), name.size());
  name.resize(static_cast<std::size_t>(length));
  *static_cast<std::string*>(data) = name;
  return 1;  // the first attached scale is the dimension's
}

// Path in the file of the dimension scale attached to `dimension` of `dataset`;
// empty when none is attached.
std::string attached_scale(hid_t dataset, unsigned dimension) {
  std::string path;
  int index = 0;
  if (H5DSget_num_scales(dataset, dimension) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    return path;
  }
  if (H5DSiterate_scales(dataset, dimension, &index, scale_path_of, &path) < 0)
    H5Eclear2(H5E_DEFAULT);
  return path;
}

std::string last_component(const std::string& object_path) {
  return object_path.substr(object_path.rfind('/') + 1);
}

struct Source {
  std::string name;
  std::vector<std::uint64_t> shape;
  std::vector<std::string> scales;  // per dimension, path of its scale ("" when none)
  std::size_t base_dimension = 0;
  std::vector<double> bases;
  std::vector<double> position_inversion;
  std::vector<double> token_inversion;
  std::vector<std::uint8_t> done;
};

// The experiment's frontier inputs, or nullopt when it has no swept base or lacks
// one of the inversion metrics.
std::optional<Source> read_source(hid_t root, const std::string& name, const std::string& path) {
  Handle group =
      adopt(H5Gopen2(root, name.c_str(), H5P_DEFAULT), H5Gclose, path, "open group '" + name + "'");
  if (!h5::has_attribute(group.get(), "experiment")) return std::nullopt;
  if (!has_dataset(group.get(), "position_inversion", path) ||
      !has_dataset(group.get(), "token_inversion", path) ||
      !has_dataset(group.get(), "base", path)) {
    return std::nullopt;
  }
  Source source;
  source.name = name;
  Handle position = adopt(H5Dopen2(group.get(), "position_inversion", H5P_DEFAULT), H5Dclose, path,
                          "open '" + name + "/position_inversion'");
  Handle token = adopt(H5Dopen2(group.get(), "token_inversion", H5P_DEFAULT), H5Dclose, path,
                       "open '" + name + "/token_inversion'");
  source.shape = shape_of(position.get(), path, "'" + name + "/position_inversion'");
  if (shape_of(token.get(), path, "'" + name + "/token_inversion'") != source.shape) {
    throw IoError(path, "'" + name + "': position_inversion and token_inversion differ in shape");
  }
  for (unsigned d = 0; d < source.shape.size(); ++d) {
    source.scales.push_back(attached_scale(position.get(), d));
  }

  // `base` is either a dimension scale or a zip member attached to its group's scale.
  Handle base =
      adopt(H5Dopen2(group.get(), "base", H5P_DEFAULT), H5Dclose, path, "open '" + name + "/base'");
  const std::string own_path = "/" + name + "/base";
  const std::string base_scale =
      H5DSis_scale(base.get()) > 0 ? own_path : attached_scale(base.get(), 0);
  H5Eclear2(H5E_DEFAULT);
  const auto found = std::find(source.scales.begin(), source.scales.end(), base_scale);
  if (base_scale.empty() || found == source.scales.end()) return std::nullopt;
  source.base_dimension = static_cast<std::size_t>(found - source.scales.begin());
  const std::vector<std::uint64_t> base_shape = shape_of(base.get(), path, "'" + name + "/base'");
  if (base_shape.size() != 1 || base_shape[0] != source.shape[source.base_dimension]) {
    throw IoError(path, "'" + name + "/base' does not match its dimension");
  }
  source.bases = read_doubles(base.get(), base_shape[0], path, "'" + name + "/base'");

  std::uint64_t total = 1;
  for (std::uint64_t size : source.shape) total *= size;
  source.position_inversion =
      read_doubles(position.get(), total, path, "'" + name + "/position_inversion'");
  source.token_inversion = read_doubles(token.get(), total, path, "'" + name + "/token_inversion'");
  if (has_dataset(group.get(), "done", path)) {
    Handle done = adopt(H5Dopen2(group.get(), "done", H5P_DEFAULT), H5Dclose, path,
                        "open '" + name + "/done'");
    source.done.resize(total);
    check(H5Dread(done.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, source.done.data()),
          path, "read '" + name + "/done'");
  }
  return source;
}

Handle create_dataset(hid_t group, const std::string& name, hid_t file_type,
                      const std::vector<std::uint64_t>& shape, const std::string& path) {
  Handle space;
  if (shape.empty()) {
    space = adopt(H5Screate(H5S_SCALAR), H5Sclose, path, "create dataspace");
  } else {
    const std::vector<hsize_t> dims(shape.begin(), shape.end());
    space = adopt(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose, path,
                  "create dataspace");
  }
  return adopt(H5Dcreate2(group, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT),
               H5Dclose, path, "create '" + name + "'");
}

// Copies of the experiment's dimension scales inside the frontier group (same names
// and values): netCDF readers such as h5netcdf resolve a dimension only within the
// group and its ancestors, never in a sibling group. Handles per dimension, empty
// where the experiment has no scale.
std::vector<Handle> copy_scales(hid_t file, hid_t group, const Source& source,
                                const std::string& path) {
  Handle copy_list = adopt(H5Pcreate(H5P_OBJECT_COPY), H5Pclose, path, "object copy list");
  // The originals' REFERENCE_LIST points at the experiment's datasets, not ours.
  check(H5Pset_copy_object(copy_list.get(), H5O_COPY_WITHOUT_ATTR_FLAG), path,
        "copy without attributes");
  std::vector<Handle> scales;
  for (const std::string& scale_path : source.scales) {
    if (scale_path.empty()) {
      scales.emplace_back();
      continue;
    }
    const std::string name = last_component(scale_path);
    check(H5Ocopy(file, scale_path.c_str(), group, name.c_str(), copy_list.get(), H5P_DEFAULT),
          path, "copy scale '" + scale_path + "'");
    Handle scale = adopt(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose, path,
                         "open copied scale '" + name + "'");
    check(H5DSset_scale(scale.get(), name.c_str()), path, "make '" + name + "' a dimension scale");
    scales.push_back(std::move(scale));
  }
  return scales;
}

void attach_scales(hid_t dataset, const std::vector<Handle>& scales,
                   const std::vector<std::size_t>& dimensions, const std::string& path) {
  for (unsigned d = 0; d < dimensions.size(); ++d) {
    const Handle& scale = scales[dimensions[d]];
    if (!scale) continue;
    check(H5DSattach_scale(dataset, scale.get(), d), path, "attach a dimension scale");
  }
}

FrontierSummary write_one(hid_t file, hid_t frontier_group, const Source& source,
                          const std::string& path) {
  const Frontier frontier = compute_frontier(source.position_inversion, source.token_inversion,
                                             source.shape, source.base_dimension, source.bases);
  Handle group =
      adopt(H5Gcreate2(frontier_group, source.name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
            H5Gclose, path, "create group 'frontier/" + source.name + "'");
  const std::string base_dimension = last_component(source.scales[source.base_dimension]);
  h5::write_attribute(group.get(), "source", "/" + source.name, path);
  h5::write_attribute(group.get(), "base_dimension", base_dimension, path);
  h5::write_attribute(group.get(), "rule", std::string(kRule), path);

  const std::vector<Handle> scales = copy_scales(file, group.get(), source, path);
  std::vector<std::size_t> all_dimensions, reduced_dimensions;
  for (std::size_t d = 0; d < source.shape.size(); ++d) {
    all_dimensions.push_back(d);
    if (d != source.base_dimension) reduced_dimensions.push_back(d);
  }
  Handle mask = create_dataset(group.get(), "pareto_optimal", H5T_STD_U8LE, source.shape, path);
  check(H5Dwrite(mask.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                 frontier.pareto_optimal.data()),
        path, "write 'frontier/" + source.name + "/pareto_optimal'");
  h5::write_attribute(mask.get(), "units", std::string("flag"), path);
  h5::write_attribute(mask.get(), "description",
                      std::string("1 where the base is Pareto optimal on (1 - position_inversion, "
                                  "1 - token_inversion) within its slice"),
                      path);
  attach_scales(mask.get(), scales, all_dimensions, path);

  const std::pair<const char*, const std::vector<double>*> bests[] = {
      {"best_position_base", &frontier.best_position_base},
      {"best_token_base", &frontier.best_token_base}};
  for (const auto& [name, values] : bests) {
    Handle dataset =
        create_dataset(group.get(), name, H5T_IEEE_F64LE, frontier.reduced_shape, path);
    check(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values->data()),
          path, "write 'frontier/" + source.name + "/" + name + "'");
    h5::write_attribute(dataset.get(), "units", std::string("base"), path);
    const bool position = std::string(name) == "best_position_base";
    h5::write_attribute(dataset.get(), "description",
                        std::string("base with the largest ") + (position ? "position" : "token") +
                            " discrimination in the slice (first on ties; NaN if none computed)",
                        path);
    attach_scales(dataset.get(), scales, reduced_dimensions, path);
  }

  FrontierSummary summary;
  summary.experiment = source.name;
  summary.base_dimension = base_dimension;
  summary.slices = frontier.best_position_base.size();
  summary.optimal = static_cast<std::uint64_t>(
      std::count(frontier.pareto_optimal.begin(), frontier.pareto_optimal.end(), std::uint8_t{1}));
  summary.not_done = static_cast<std::uint64_t>(
      std::count(source.done.begin(), source.done.end(), std::uint8_t{0}));
  return summary;
}

}  // namespace

std::vector<FrontierSummary> write_frontier(const std::string& path) {
  Handle file = open_output(path, H5F_ACC_RDWR);
  const hid_t root = file.get();
  std::vector<Source> sources;
  for (const std::string& name : member_names(root, path)) {
    if (name == kGroup || object_type(root, name, path) != H5O_TYPE_GROUP) continue;
    if (auto source = read_source(root, name, path)) sources.push_back(std::move(*source));
  }
  // A stale frontier would contradict the metrics; it is always rebuilt whole.
  if (H5Lexists(root, kGroup, H5P_DEFAULT) > 0) {
    check(H5Ldelete(root, kGroup, H5P_DEFAULT), path, "remove the old frontier");
  }
  H5Eclear2(H5E_DEFAULT);
  std::vector<FrontierSummary> summaries;
  if (!sources.empty()) {
    Handle group = adopt(H5Gcreate2(root, kGroup, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                         path, "create group 'frontier'");
    for (const Source& source : sources)
      summaries.push_back(write_one(root, group.get(), source, path));
  }
  file.close(path, "close");
  return summaries;
}

namespace {

const FinishingStepRegistrar registrar("frontier", [](const std::string& path) {
  write_frontier(path);
});

}  // namespace

}  // namespace ropesweep
