#include "ropesweep/io/results_file.hpp"

#include <hdf5_hl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numeric>
#include <sstream>

#include "ropesweep/core/format.hpp"
#include "ropesweep/sweep/spec.hpp"
#include "ropesweep/version.hpp"

namespace ropesweep {

using h5::adopt;
using h5::check;
using h5::Handle;

std::vector<std::string> metric_dataset_names(const Experiment& experiment) {
  std::vector<std::string> names;
  for (const MetricInfo& metric : experiment.metrics()) {
    names.push_back(metric.name);
    if (metric.stochastic) {
      names.push_back(metric.name + "_se");
      names.push_back(metric.name + "_n");
    }
  }
  return names;
}

namespace {

Handle simple_space(const std::vector<std::uint64_t>& shape, const std::string& path) {
  if (shape.empty()) return adopt(H5Screate(H5S_SCALAR), H5Sclose, path, "create dataspace");
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  return adopt(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose, path,
               "create dataspace");
}

// Contiguous, allocated and filled at creation: later writes from any rank touch
// raw data only, never the file's metadata.
Handle filled_dataset(hid_t group, const std::string& name, hid_t file_type, hid_t memory_type,
                      const void* fill, const std::vector<std::uint64_t>& shape,
                      const std::string& path) {
  Handle space = simple_space(shape, path);
  Handle dcpl = adopt(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, path, "dataset creation list");
  check(H5Pset_fill_value(dcpl.get(), memory_type, fill), path, "set fill value");
  check(H5Pset_alloc_time(dcpl.get(), H5D_ALLOC_TIME_EARLY), path, "set allocation time");
  check(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_ALLOC), path, "set fill time");
  return adopt(
      H5Dcreate2(group, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      H5Dclose, path, "create dataset '" + name + "'");
}

Handle axis_dataset(hid_t group, const Axis& axis, const std::string& path) {
  const std::vector<std::uint64_t> shape{axis.values.size()};
  Handle space = simple_space(shape, path);
  if (axis.is_text()) {
    Handle type = h5::string_type(path);
    Handle dataset = adopt(H5Dcreate2(group, axis.name.c_str(), type.get(), space.get(),
                                      H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                           H5Dclose, path, "create axis '" + axis.name + "'");
    std::vector<const char*> texts;
    for (const Value& value : axis.values) texts.push_back(std::get<std::string>(value).c_str());
    check(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data()), path,
          "write axis '" + axis.name + "'");
    return dataset;
  }
  Handle dataset = adopt(H5Dcreate2(group, axis.name.c_str(), H5T_IEEE_F64LE, space.get(),
                                    H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                         H5Dclose, path, "create axis '" + axis.name + "'");
  std::vector<double> numbers;
  for (const Value& value : axis.values) numbers.push_back(std::get<double>(value));
  check(H5Dwrite(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, numbers.data()),
        path, "write axis '" + axis.name + "'");
  return dataset;
}

std::string hostname() {
  char name[256] = "";
  gethostname(name, sizeof name - 1);
  return name;
}

void write_parameter(hid_t group, const std::string& name, const Value& value,
                     const std::string& path) {
  if (const auto* number = std::get_if<double>(&value)) {
    h5::write_attribute(group, "param_" + name, *number, path);
  } else {
    h5::write_attribute(group, "param_" + name, std::get<std::string>(value), path);
  }
}

void build_experiment(hid_t file, const ExperimentGrid& grid, const std::string& path) {
  Handle group = adopt(H5Gcreate2(file, grid.name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                       H5Gclose, path, "create group '" + grid.name + "'");
  h5::write_attribute(group.get(), "experiment", grid.kind, path);
  for (const auto& [name, value] : grid.fixed.all())
    write_parameter(group.get(), name, value, path);

  std::vector<Handle> scales;
  std::string coordinates;  // zip members other than the first: coordinates along its dimension
  for (const Dimension& dimension : grid.dimensions) {
    Handle scale = axis_dataset(group.get(), dimension.axes.front(), path);
    check(H5DSset_scale(scale.get(), dimension.name().c_str()), path,
          "make '" + dimension.name() + "' a dimension scale");
    for (std::size_t i = 1; i < dimension.axes.size(); ++i) {
      Handle coordinate = axis_dataset(group.get(), dimension.axes[i], path);
      check(H5DSattach_scale(coordinate.get(), scale.get(), 0), path,
            "attach '" + dimension.name() + "' to '" + dimension.axes[i].name + "'");
      coordinates += (coordinates.empty() ? "" : " ") + dimension.axes[i].name;
    }
    scales.push_back(std::move(scale));
  }
  auto attach = [&](hid_t dataset, const std::string& name) {
    for (std::size_t d = 0; d < scales.size(); ++d) {
      check(H5DSattach_scale(dataset, scales[d].get(), unsigned(d)), path,
            "attach '" + grid.dimensions[d].name() + "' to '" + name + "'");
    }
    if (!coordinates.empty()) h5::write_attribute(dataset, "coordinates", coordinates, path);
  };

  const std::vector<std::uint64_t> shape = grid.shape();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const MetricInfo& metric : grid.experiment->metrics()) {
    struct Field {
      std::string suffix, units, description;
    };
    std::vector<Field> fields{{"", metric.units, metric.description}};
    if (metric.stochastic) {
      fields.push_back({"_se", metric.units, "standard error of " + metric.name});
      fields.push_back({"_n", "samples", "number of samples behind " + metric.name});
    }
    for (const Field& field : fields) {
      const std::string name = metric.name + field.suffix;
      Handle dataset =
          filled_dataset(group.get(), name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &nan, shape, path);
      h5::write_attribute(dataset.get(), "units", field.units, path);
      h5::write_attribute(dataset.get(), "description", field.description, path);
      attach(dataset.get(), name);
    }
  }
  const std::uint8_t zero = 0;
  Handle done =
      filled_dataset(group.get(), "done", H5T_STD_U8LE, H5T_NATIVE_UINT8, &zero, shape, path);
  h5::write_attribute(done.get(), "description",
                      std::string("1 where the point's results are written"), path);
  attach(done.get(), "done");
}

Handle open_ours(const std::string& path, unsigned flags) {
  if (access(path.c_str(), R_OK) != 0) {
    throw IoError(path, std::string("cannot read the file (") + std::strerror(errno) + ")");
  }
  struct stat info {};
  if (stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
    throw IoError(path, "is a directory, not a results file");
  }
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw IoError(path, "not a ropesweep results file (not HDF5)");
  }
  Handle file =
      adopt(H5Fopen(path.c_str(), flags, H5P_DEFAULT), H5Fclose, path, "cannot open as HDF5");
  const auto format = h5::read_string_attribute(file.get(), "format", path);
  if (!format) throw ForeignFile(path, "not a ropesweep results file (no 'format' attribute)");
  if (*format != kFileFormat) {
    throw ForeignFile(path, "not a ropesweep results file (format '" + *format + "', expected '" +
                                kFileFormat + "')");
  }
  return file;
}

std::vector<std::uint64_t> dataset_shape(hid_t dataset, const std::string& path,
                                         const std::string& name) {
  Handle space = adopt(H5Dget_space(dataset), H5Sclose, path, "space of '" + name + "'");
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw IoError(path, "rank of '" + name + "': " + h5::error_stack());
  std::vector<hsize_t> dims(rank);
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return std::vector<std::uint64_t>(dims.begin(), dims.end());
}

std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream in_a(a), in_b(b);
  std::string line_a, line_b;
  while (true) {
    const bool more_a = bool(std::getline(in_a, line_a));
    const bool more_b = bool(std::getline(in_b, line_b));
    if (!more_a && !more_b) return {};
    if (!more_a) line_a = "(nothing)";
    if (!more_b) line_b = "(nothing)";
    if (line_a != line_b) return "file has '" + line_a + "', spec has '" + line_b + "'";
  }
}

}  // namespace

std::uint64_t skeleton_bytes(const Sweep& sweep) {
  double bytes = 64 * 1024;  // superblock, root attributes, spec text, heaps
  for (const ExperimentGrid& grid : sweep.experiments) {
    double points = 1;
    for (const Dimension& dimension : grid.dimensions) {
      points *= double(dimension.size());
      bytes += 16.0 * double(dimension.size() * dimension.axes.size()) + 2048;
    }
    const double datasets = double(metric_dataset_names(*grid.experiment).size());
    bytes += points * (8 * datasets + 1) + 2048 * (datasets + 1);
  }
  return std::uint64_t(bytes);
}

void create_output(const std::string& path, const Sweep& sweep, const Provenance& provenance) {
  h5::silence_library_errors();
  const std::string temporary = path + ".part" + std::to_string(getpid());
  try {
    Handle file = adopt(H5Fcreate(temporary.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
                        H5Fclose, path, "create");
    const hid_t root = file.get();
    h5::write_attribute(root, "format", std::string(kFileFormat), path);
    h5::write_attribute(root, "version", std::string(kVersion), path);
    h5::write_attribute(root, "git_commit", std::string(kGitCommit), path);
    h5::write_attribute(root, "sweep_name", sweep.name, path);
    h5::write_attribute(root, "spec", sweep.text, path);
    h5::write_attribute(root, "spec_path", provenance.spec_path, path);
    h5::write_attribute(root, "seed", std::uint64_t(sweep.seed), path);
    h5::write_attribute(root, "ranks", std::int32_t(provenance.ranks), path);
    h5::write_attribute(root, "host", provenance.host.empty() ? hostname() : provenance.host, path);
    h5::write_attribute(root, "start_time", provenance.start_time, path);
    h5::write_attribute(root, "end_time", std::string(), path);
    h5::write_attribute(root, "cost_model", provenance.cost_model, path);
    for (const ExperimentGrid& grid : sweep.experiments) build_experiment(root, grid, path);
    file.close(path, "close");
  } catch (...) {
    std::remove(temporary.c_str());
    throw;
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    throw IoError(path, "cannot move the new file into place");
  }
}

std::vector<std::vector<std::uint8_t>> read_done_masks(const std::string& path,
                                                       const Sweep& sweep) {
  h5::silence_library_errors();
  Handle file = open_ours(path, H5F_ACC_RDONLY);
  const auto stored_text = h5::read_string_attribute(file.get(), "spec", path);
  const auto stored_path = h5::read_string_attribute(file.get(), "spec_path", path);
  if (!stored_text) throw IoError(path, "has no 'spec' attribute");
  const SpecResult stored = parse_sweep(*stored_text, stored_path.value_or("<stored spec>"));
  if (!stored.ok()) {
    throw SweepMismatch(path, "its stored spec no longer validates (" +
                                  std::string(stored.problems.front().what()) + ")");
  }
  const std::string difference =
      first_difference(canonical_form(stored.sweep), canonical_form(sweep));
  if (!difference.empty()) {
    throw SweepMismatch(path, "was written for a different sweep (" + difference +
                                  "); resume needs the same spec, or use --overwrite");
  }
  std::vector<std::vector<std::uint8_t>> masks;
  for (const ExperimentGrid& grid : sweep.experiments) {
    const std::string name = grid.name + "/done";
    Handle done = adopt(H5Dopen2(file.get(), name.c_str(), H5P_DEFAULT), H5Dclose, path,
                        "open '" + name + "'");
    if (dataset_shape(done.get(), path, name) != grid.shape()) {
      throw IoError(path, "'" + name + "' does not have the grid's shape");
    }
    std::vector<std::uint8_t> mask(grid.point_count());
    check(H5Dread(done.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, mask.data()), path,
          "read '" + name + "'");
    masks.push_back(std::move(mask));
  }
  file.close(path, "close");
  return masks;
}

void finish_output(const std::string& path, const std::string& end_time, int ranks) {
  h5::silence_library_errors();
  Handle file = open_ours(path, H5F_ACC_RDWR);
  h5::write_attribute(file.get(), "end_time", end_time, path);
  h5::write_attribute(file.get(), "ranks", std::int32_t(ranks), path);
  file.close(path, "close");
}

ResultWriter::ResultWriter(const std::string& path, const Sweep& sweep, MPI_Comm comm)
    : path_(path), sweep_(&sweep) {
  h5::silence_library_errors();
  Handle fapl = adopt(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, path, "file access list");
  check(H5Pset_fapl_mpio(fapl.get(), comm, MPI_INFO_NULL), path, "use the MPI-IO driver");
  // Opening groups and datasets is collective: one rank reads, all receive.
  check(H5Pset_all_coll_metadata_ops(fapl.get(), true), path, "collective metadata reads");
  check(H5Pset_coll_metadata_write(fapl.get(), true), path, "collective metadata writes");
  file_ = adopt(H5Fopen(path.c_str(), H5F_ACC_RDWR, fapl.get()), H5Fclose, path,
                "open for parallel writing");
  for (const ExperimentGrid& grid : sweep.experiments) {
    Group group;
    group.group = adopt(H5Gopen2(file_.get(), grid.name.c_str(), H5P_DEFAULT), H5Gclose, path,
                        "open group '" + grid.name + "'");
    for (const std::string& name : metric_dataset_names(*grid.experiment)) {
      group.datasets.push_back(adopt(H5Dopen2(group.group.get(), name.c_str(), H5P_DEFAULT),
                                     H5Dclose, path, "open '" + grid.name + "/" + name + "'"));
    }
    group.done = adopt(H5Dopen2(group.group.get(), "done", H5P_DEFAULT), H5Dclose, path,
                       "open '" + grid.name + "/done'");
    group.shape = grid.shape();
    for (const MetricInfo& metric : grid.experiment->metrics())
      group.stochastic.push_back(metric.stochastic);
    groups_.push_back(std::move(group));
  }
}

void ResultWriter::write(std::size_t experiment, const std::vector<std::uint64_t>& points,
                         const std::vector<MetricValue>& values) {
  if (points.empty()) return;
  Group& group = groups_.at(experiment);
  const ExperimentGrid& grid = sweep_->experiments[experiment];
  const std::size_t metrics = group.stochastic.size();
  const std::size_t count = points.size();
  if (values.size() != count * metrics) throw Error("result count does not match the metrics");

  const std::size_t rank = group.shape.size();
  std::vector<hsize_t> coordinates;
  coordinates.reserve(count * rank);
  for (std::uint64_t point : points) {
    for (std::uint64_t c : grid.coordinates(point)) coordinates.push_back(c);
  }
  const hsize_t memory_dims[1] = {count};
  Handle memory = adopt(H5Screate_simple(1, memory_dims, nullptr), H5Sclose, path_, "memory space");
  Handle file_space = simple_space(group.shape, path_);
  if (rank > 0) {
    check(H5Sselect_elements(file_space.get(), H5S_SELECT_SET, count, coordinates.data()), path_,
          "select points");
  }
  const hid_t memory_space = rank > 0 ? memory.get() : H5S_ALL;
  const hid_t selection = rank > 0 ? file_space.get() : H5S_ALL;

  std::vector<double> buffer(count);
  std::size_t dataset = 0;
  for (std::size_t m = 0; m < metrics; ++m) {
    const int fields = group.stochastic[m] ? 3 : 1;
    for (int field = 0; field < fields; ++field) {
      for (std::size_t i = 0; i < count; ++i) {
        const MetricValue& v = values[i * metrics + m];
        buffer[i] = field == 0 ? v.value : field == 1 ? v.se : v.n;
      }
      check(H5Dwrite(group.datasets[dataset].get(), H5T_NATIVE_DOUBLE, memory_space, selection,
                     H5P_DEFAULT, buffer.data()),
            path_, "write results of '" + grid.name + "'");
      ++dataset;
    }
  }
  const std::vector<std::uint8_t> ones(count, 1);
  check(H5Dwrite(group.done.get(), H5T_NATIVE_UINT8, memory_space, selection, H5P_DEFAULT,
                 ones.data()),
        path_, "write done mask of '" + grid.name + "'");
}

void ResultWriter::close() {
  groups_.clear();
  file_.close(path_, "close after parallel writing");
}

namespace {

struct Listing {
  std::vector<std::string> names;
};

herr_t list_link(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<Listing*>(data)->names.push_back(name);
  return 0;
}

herr_t scale_name(hid_t, unsigned, hid_t scale, void* data) {
  char name[256] = "";
  H5DSget_scale_name(scale, name, sizeof name);
  *static_cast<std::string*>(data) = name;
  return 1;
}

}  // namespace

std::string describe_output(const std::string& path) {
  h5::silence_library_errors();
  Handle file = open_ours(path, H5F_ACC_RDONLY);
  const hid_t root = file.get();
  auto text = [&](const char* name) {
    return h5::read_string_attribute(root, name, path).value_or("(missing)");
  };
  std::ostringstream out;
  out << path << ": " << kFileFormat << ", written by ropesweep " << text("version") << " ("
      << text("git_commit") << ")\n";
  std::uint64_t seed = 0;
  if (h5::has_attribute(root, "seed")) {
    Handle attribute = adopt(H5Aopen(root, "seed", H5P_DEFAULT), H5Aclose, path, "open 'seed'");
    check(H5Aread(attribute.get(), H5T_NATIVE_UINT64, &seed), path, "read 'seed'");
  }
  const std::string end = text("end_time");
  out << "sweep: " << text("sweep_name") << " (spec " << text("spec_path") << "), seed " << seed
      << "\n";
  out << "run: " << format_number(h5::read_number_attribute(root, "ranks", path).value_or(0))
      << " ranks on " << text("host") << ", started " << text("start_time") << ", "
      << (end.empty() ? std::string("not finished") : "finished " + end) << "\n";
  out << "cost model: " << text("cost_model") << "\n";

  Listing top;
  check(H5Literate(root, H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, list_link, &top), path,
        "list groups");
  std::uint64_t all_done = 0, all_points = 0;
  for (const std::string& name : top.names) {
    H5O_info_t info;
    check(H5Oget_info_by_name(root, name.c_str(), &info, H5P_DEFAULT), path, "inspect " + name);
    if (info.type != H5O_TYPE_GROUP) continue;
    Handle group = adopt(H5Gopen2(root, name.c_str(), H5P_DEFAULT), H5Gclose, path, "open " + name);
    const auto kind = h5::read_string_attribute(group.get(), "experiment", path);
    if (!kind) continue;  // e.g. /frontier, written by the analysis
    Handle done = adopt(H5Dopen2(group.get(), "done", H5P_DEFAULT), H5Dclose, path,
                        "open '" + name + "/done'");
    const std::vector<std::uint64_t> shape = dataset_shape(done.get(), path, name + "/done");
    const std::uint64_t points =
        std::accumulate(shape.begin(), shape.end(), std::uint64_t{1}, std::multiplies<>());
    std::vector<std::uint8_t> mask(points);
    check(H5Dread(done.get(), H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, mask.data()), path,
          "read '" + name + "/done'");
    const std::uint64_t finished = std::count(mask.begin(), mask.end(), std::uint8_t{1});
    all_done += finished;
    all_points += points;
    char percent[32];
    std::snprintf(percent, sizeof percent, "%.1f%%",
                  points ? 100.0 * double(finished) / double(points) : 100.0);
    out << "/" << name << " (" << *kind << "): " << finished << "/" << points << " points done ("
        << percent << ")\n  dimensions:";
    for (std::size_t d = 0; d < shape.size(); ++d) {
      std::string scale;
      int index = 0;
      H5DSiterate_scales(done.get(), unsigned(d), &index, scale_name, &scale);
      out << (d ? " x " : " ") << (scale.empty() ? "?" : scale) << "[" << shape[d] << "]";
    }
    if (shape.empty()) out << " none (one point)";
    if (const auto coordinates = h5::read_string_attribute(done.get(), "coordinates", path)) {
      out << " (zip coordinates: " << *coordinates << ")";
    }
    Listing members;
    check(H5Literate(group.get(), H5_INDEX_NAME, H5_ITER_NATIVE, nullptr, list_link, &members),
          path, "list " + name);
    std::string metrics;
    for (const std::string& member : members.names) {
      Handle dataset = adopt(H5Dopen2(group.get(), member.c_str(), H5P_DEFAULT), H5Dclose, path,
                             "open " + member);
      if (!h5::has_attribute(dataset.get(), "units")) continue;
      auto companion = [&](const std::string& suffix) {
        if (member.size() <= suffix.size() ||
            member.compare(member.size() - suffix.size(), suffix.size(), suffix) != 0) {
          return false;
        }
        const std::string base = member.substr(0, member.size() - suffix.size());
        return std::find(members.names.begin(), members.names.end(), base) != members.names.end();
      };
      if (companion("_se") || companion("_n")) continue;
      metrics += (metrics.empty() ? "" : ", ") + member;
    }
    out << "\n  metrics: " << metrics << "\n";
  }
  char percent[32];
  std::snprintf(percent, sizeof percent, "%.1f%%",
                all_points ? 100.0 * double(all_done) / double(all_points) : 100.0);
  out << "total: " << all_done << "/" << all_points << " points done (" << percent << ")";
  return out.str();
}

}  // namespace ropesweep

namespace ropesweep {

h5::Handle open_output(const std::string& path, unsigned flags) {
  h5::silence_library_errors();
  return open_ours(path, flags);
}

}  // namespace ropesweep
