#include "ropesweep/io/results_file.hpp"

#include <hdf5.h>
#include <mpi.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <set>
#include <sstream>
#include <thread>

#include "ropesweep/core/build_info.hpp"
#include "ropesweep/core/format.hpp"
#include "ropesweep/experiments/model_table.hpp"
#include "ropesweep/sweep/spec.hpp"
#include "ropesweep/sweep/storage_blocks.hpp"

namespace ropesweep {

std::vector<std::string> metric_dataset_names(const Experiment& experiment) {
  std::vector<std::string> names;
  for (const MetricInfo& metric : experiment.metrics()) {
    for (const MetricField& field : metric_fields(metric)) names.push_back(field.name);
  }
  return names;
}

namespace {

h5::Dataset write_axis(const h5::Group& group, const Axis& axis) {
  const std::vector<std::uint64_t> shape{axis.values.size()};
  if (axis.is_text()) {
    std::vector<std::string> texts;
    for (const Value& value : axis.values) texts.push_back(std::get<std::string>(value));
    h5::Dataset dataset = group.create_dataset<std::string>(axis.name, shape);
    dataset.write(texts);
    return dataset;
  }
  std::vector<double> numbers;
  for (const Value& value : axis.values) numbers.push_back(std::get<double>(value));
  h5::Dataset dataset = group.create_dataset<double>(axis.name, shape);
  dataset.write(numbers);
  return dataset;
}

// "1.10.8": the HDF5 library the program runs with.
std::string hdf5_version() {
  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
}

// The first line of MPI_Get_library_version ("Open MPI v4.1.4, package: ..."), which
// MPI allows before MPI_Init and after MPI_Finalize.
std::string mpi_library() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING] = "";
  int length = 0;
  MPI_Get_library_version(text, &length);
  const std::string library(text, static_cast<std::size_t>(length));
  return library.substr(0, library.find('\n'));
}

std::string hostname() {
  char name[256] = "";
  gethostname(name, sizeof name - 1);
  return name;
}

void build_experiment(const h5::File& file, const ExperimentGrid& grid) {
  const h5::Group group = file.create_group(grid.name);
  group.set_attribute("experiment", grid.kind);
  for (const auto& [name, value] : grid.fixed.all()) {
    if (const auto* number = std::get_if<double>(&value)) {
      group.set_attribute("param_" + name, *number);
    } else {
      group.set_attribute("param_" + name, std::get<std::string>(value));
    }
  }

  std::vector<h5::Dataset> scales;
  std::string coordinates;  // zip members other than the first: coordinates along its dimension
  for (const Dimension& dimension : grid.dimensions) {
    h5::Dataset scale = write_axis(group, dimension.axes.front());
    scale.make_scale(dimension.name());
    for (std::size_t i = 1; i < dimension.axes.size(); ++i) {
      write_axis(group, dimension.axes[i]).attach_scale(scale, 0);
      coordinates += (coordinates.empty() ? "" : " ") + dimension.axes[i].name;
    }
    scales.push_back(std::move(scale));
  }
  // Every N-D dataset carries the dimensions' scales and its zip coordinates.
  auto label = [&](const h5::Dataset& dataset) {
    for (std::size_t d = 0; d < scales.size(); ++d) dataset.attach_scale(scales[d], unsigned(d));
    if (!coordinates.empty()) dataset.set_attribute("coordinates", coordinates);
  };

  // Stored in chunks of one storage block each, allocated as the results are
  // written: the file grows with the work done. Unwritten points read as NaN
  // (metrics) and 0 (`done`), the datasets' fill values.
  const std::vector<std::uint64_t> shape = grid.shape();
  const std::vector<std::uint64_t> chunk = BlockLayout(shape).chunk();
  for (const MetricInfo& metric : grid.experiment->metrics()) {
    for (const MetricField& field : metric_fields(metric)) {
      const h5::Dataset dataset = group.create_chunked_dataset(
          field.name, shape, chunk, std::numeric_limits<double>::quiet_NaN());
      dataset.set_attribute("units", field.units);
      dataset.set_attribute("description", field.description);
      label(dataset);
    }
  }
  const h5::Dataset done = group.create_chunked_dataset("done", shape, chunk, std::uint8_t{0});
  done.set_attribute("description", "1 where the point's results are written");
  label(done);
}

// The rows of the model table the sweep names (a fixed `model` or a `model` axis), in
// the table's order: what a reader needs to place each model without the program.
std::vector<const ModelRow*> models_named(const Sweep& sweep) {
  std::set<std::string> named;
  for (const ExperimentGrid& grid : sweep.experiments) {
    if (grid.fixed.has("model")) named.insert(grid.fixed.text("model"));
    for (const Dimension& dimension : grid.dimensions) {
      for (const Axis& axis : dimension.axes) {
        if (axis.name != "model") continue;
        for (const Value& value : axis.values) named.insert(std::get<std::string>(value));
      }
    }
  }
  std::vector<const ModelRow*> rows;
  for (const ModelRow& row : model_table()) {
    if (named.count(row.name)) rows.push_back(&row);
  }
  return rows;
}

void write_models(const h5::File& file, const Sweep& sweep) {
  const std::vector<const ModelRow*> rows = models_named(sweep);
  if (rows.empty()) return;
  const h5::Group group = file.create_group(kModelTableGroup);
  group.set_attribute("description",
                      "the released models the sweep names, one entry per model (docs/models.md)");
  const std::vector<std::uint64_t> shape{rows.size()};
  auto column = [&](const std::string& name, const std::string& description, auto field) {
    using T = decltype(field(*rows.front()));
    std::vector<T> values;
    for (const ModelRow* row : rows) values.push_back(field(*row));
    const h5::Dataset dataset = group.create_dataset<T>(name, shape);
    dataset.write(values);
    dataset.set_attribute("description", description);
  };
  column("name", "the model's name, as the model axis gives it",
         [](const ModelRow& r) { return r.name; });
  column("base", "rope_theta", [](const ModelRow& r) { return r.base; });
  column("head_dim", "query-key head dimension",
         [](const ModelRow& r) { return std::int64_t(r.head_dim); });
  column("rotary_dims", "dimensions that rotate",
         [](const ModelRow& r) { return std::int64_t(r.rotary_dims); });
  column("heads", "query heads", [](const ModelRow& r) { return std::int64_t(r.heads); });
  column("layers", "layers", [](const ModelRow& r) { return std::int64_t(r.layers); });
  column("original_context", "L0 of the scaling (original_max_position_embeddings); 0: none",
         [](const ModelRow& r) { return r.original_context; });
  column("context", "advertised context (max_position_embeddings)",
         [](const ModelRow& r) { return r.context; });
  column("rope_scaling", "the scaling rule and its numbers, or none",
         [](const ModelRow& r) { return rope_scaling_text(r); });
  column("source", "where each value comes from", [](const ModelRow& r) { return r.source; });
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

Sweep stored_sweep(const h5::File& file) {
  const auto text = file.attribute<std::string>("spec");
  if (!text) throw IoError(file.file_path(), "has no 'spec' attribute");
  const auto spec_path = file.attribute<std::string>("spec_path");
  SpecResult stored = parse_sweep(*text, spec_path.value_or("<stored spec>"));
  if (!stored.ok()) {
    throw SweepMismatch(file.file_path(), "its stored spec no longer validates (" +
                                              std::string(stored.problems.front().what()) + ")");
  }
  return std::move(stored.sweep);
}

RunRecord run_record(const h5::File& file) {
  auto text = [&](const char* name) { return file.attribute<std::string>(name).value_or(""); };
  RunRecord record;
  record.version = text("version");
  record.git_commit = text("git_commit");
  record.sweep_name = text("sweep_name");
  record.spec_path = text("spec_path");
  record.host = text("host");
  record.start_time = text("start_time");
  record.end_time = text("end_time");
  record.cost_model = text("cost_model");
  record.seed = file.attribute<std::uint64_t>("seed").value_or(0);
  record.ranks = file.attribute<std::int32_t>("ranks").value_or(0);
  record.kernels = {text("simd_path"), text("eigen_version"), text("sleef_version")};
  return record;
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() > suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

StoredExperiment stored_experiment(const h5::Group& group, const std::string& name,
                                   const std::string& kind) {
  StoredExperiment experiment;
  experiment.name = name;
  experiment.kind = kind;
  const h5::Dataset done = group.dataset("done");
  experiment.shape = done.shape();
  const std::vector<std::uint8_t> mask = done.read<std::uint8_t>();
  experiment.points = mask.size();
  experiment.done = std::uint64_t(std::count(mask.begin(), mask.end(), std::uint8_t{1}));
  for (unsigned d = 0; d < experiment.shape.size(); ++d) {
    const std::string scale = done.attached_scale(d).value_or("");
    experiment.dimensions.push_back(scale.substr(scale.rfind('/') + 1));
  }
  experiment.coordinates = done.attribute<std::string>("coordinates").value_or("");
  const std::vector<std::string> members = group.members();
  auto is_companion = [&](const std::string& member) {
    for (const char* suffix : {"_se", "_n", "_upper"}) {
      if (ends_with(member, suffix) &&
          std::count(members.begin(), members.end(),
                     member.substr(0, member.size() - std::strlen(suffix)))) {
        return true;
      }
    }
    return false;
  };
  for (const std::string& member : members) {
    if (group.kind(member) != h5::ObjectKind::kDataset || is_companion(member)) continue;
    if (group.dataset(member).has_attribute("units")) experiment.metrics.push_back(member);
  }
  return experiment;
}

}  // namespace

std::uint64_t complete_file_bytes(const Sweep& sweep) {
  double bytes = 64 * 1024;  // superblock, root attributes, spec text, heaps
  for (const ExperimentGrid& grid : sweep.experiments) {
    double points = 1;
    for (const Dimension& dimension : grid.dimensions) {
      points *= double(dimension.size());
      bytes += 16.0 * double(dimension.size() * dimension.axes.size()) + 2048;
    }
    const double datasets = double(metric_dataset_names(*grid.experiment).size());
    bytes += points * (8 * datasets + 1) + 2048 * (datasets + 1);
    bytes += std::ceil(points / double(kBlockPoints)) * (datasets + 1) * 64;  // chunk index
  }
  return std::uint64_t(bytes);
}

void create_output(const std::string& path, const Sweep& sweep, const Provenance& provenance) {
  const std::string temporary = path + ".part" + std::to_string(getpid());
  try {
    h5::File file = h5::File::create(temporary, path);
    file.set_attribute("format", kFileFormat);
    file.set_attribute("version", kVersion);
    file.set_attribute("git_commit", kGitCommit);
    file.set_attribute("git_dirty", std::int32_t(kGitDirty ? 1 : 0));
    file.set_attribute("compiler", kCompiler);
    file.set_attribute("compile_flags", kCompileFlags);
    file.set_attribute("simd_path", provenance.kernels.simd_path);
    file.set_attribute("eigen_version", provenance.kernels.eigen_version);
    file.set_attribute("sleef_version", provenance.kernels.sleef_version);
    file.set_attribute("hdf5_version", hdf5_version());
    file.set_attribute("mpi_library", mpi_library());
    file.set_attribute("sweep_name", sweep.name);
    file.set_attribute("spec", sweep.text);
    file.set_attribute("spec_path", provenance.spec_path);
    file.set_attribute("seed", std::uint64_t(sweep.seed));
    file.set_attribute("ranks", std::int32_t(provenance.ranks));
    file.set_attribute("host", provenance.host.empty() ? hostname() : provenance.host);
    file.set_attribute("start_time", provenance.start_time);
    file.set_attribute("end_time", "");
    file.set_attribute("cost_model", provenance.cost_model);
    for (const ExperimentGrid& grid : sweep.experiments) build_experiment(file, grid);
    write_models(file, sweep);
    file.close();
  } catch (...) {
    std::remove(temporary.c_str());
    throw;
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    throw IoError(path, "cannot move the new file into place");
  }
}

h5::File open_output(const std::string& path, h5::Access mode) {
  if (access(path.c_str(), R_OK) != 0) {
    throw IoError(path, std::string("cannot read the file (") + std::strerror(errno) + ")");
  }
  struct stat info {};
  if (stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
    throw IoError(path, "is a directory, not a results file");
  }
  if (!h5::File::is_hdf5(path)) throw IoError(path, "not a ropesweep results file (not HDF5)");
  h5::File file = h5::File::open(path, mode);
  const auto format = file.attribute<std::string>("format");
  if (!format) throw ForeignFile(path, "not a ropesweep results file (no 'format' attribute)");
  if (*format != kFileFormat) {
    throw ForeignFile(path, "not a ropesweep results file (format '" + *format + "', expected '" +
                                kFileFormat + "')");
  }
  return file;
}

namespace {

h5::File open_output_of(const std::string& path, const Sweep& sweep) {
  h5::File file = open_output(path, h5::Access::kRead);
  const std::string difference =
      first_difference(canonical_form(stored_sweep(file)), canonical_form(sweep));
  if (!difference.empty()) {
    throw SweepMismatch(path, "was written for a different sweep (" + difference +
                                  "); resume needs the same spec, or use --overwrite");
  }
  for (const ExperimentGrid& grid : sweep.experiments) {
    const h5::Dataset done = file.dataset(grid.name + "/done");
    if (done.shape() != grid.shape()) done.where().reject("does not have the grid's shape");
  }
  return file;
}

}  // namespace

void check_same_sweep(const std::string& path, const Sweep& sweep) { open_output_of(path, sweep); }

std::vector<std::vector<std::uint8_t>> read_done_masks(const std::string& path,
                                                       const Sweep& sweep) {
  const h5::File file = open_output_of(path, sweep);
  std::vector<std::vector<std::uint8_t>> masks;
  for (const ExperimentGrid& grid : sweep.experiments) {
    masks.push_back(file.dataset(grid.name + "/done").read<std::uint8_t>());
  }
  return masks;
}

void finish_output(const std::string& path, const std::string& end_time, int ranks) {
  h5::File file = open_output(path, h5::Access::kReadWrite);
  file.set_attribute("end_time", end_time);
  file.set_attribute("ranks", std::int32_t(ranks));
  file.close();
}

ResultWriter::ResultWriter(const std::string& path, const Sweep& sweep)
    : path_(path), sweep_(&sweep), file_(h5::File::open_live(path)) {
  for (const ExperimentGrid& grid : sweep.experiments) {
    h5::Group group = file_.group(grid.name);
    const std::vector<MetricInfo>& metrics = grid.experiment->metrics();
    std::vector<ExperimentDatasets::Column> columns;
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      for (const MetricField& field : metric_fields(metrics[m])) {
        columns.push_back({group.dataset(field.name), m, field.field});
      }
    }
    h5::Dataset done = group.dataset("done");
    experiments_.push_back({std::move(group), std::move(columns), std::move(done), metrics.size()});
  }
}

void ResultWriter::write(std::size_t experiment, const std::vector<std::uint64_t>& points,
                         const std::vector<MetricValue>& values) {
  if (points.empty()) return;
  const ExperimentDatasets& datasets = experiments_.at(experiment);
  const ExperimentGrid& grid = sweep_->experiments[experiment];
  const std::size_t metrics = datasets.metrics;
  const std::size_t count = points.size();
  if (values.size() != count * metrics) throw Error("result count does not match the metrics");

  require_room(experiment, points);

  std::vector<std::uint64_t> coordinates;
  coordinates.reserve(count * grid.dimensions.size());
  for (std::uint64_t point : points) {
    for (std::uint64_t c : grid.coordinates(point)) coordinates.push_back(c);
  }
  std::vector<double> buffer(count);
  for (const ExperimentDatasets::Column& column : datasets.columns) {
    for (std::size_t i = 0; i < count; ++i) {
      buffer[i] = values[i * metrics + column.metric].*column.field;
    }
    column.dataset.write_points(coordinates, buffer);
  }
  // The numbers reach the file (chunks and chunk index) before `done` does, and
  // `done` before the next results: a killed run leaves no point marked done
  // without its numbers.
  file_.flush();
  datasets.done.write_points(coordinates, std::vector<std::uint8_t>(count, 1));
  file_.flush();
}

void ResultWriter::require_room(std::size_t experiment,
                                const std::vector<std::uint64_t>& points) const {
  const ExperimentDatasets& datasets = experiments_.at(experiment);
  const BlockLayout layout(sweep_->experiments[experiment].shape());
  std::set<std::uint64_t> blocks;
  for (std::uint64_t point : points) blocks.insert(layout.block_of(point));
  // At most: every block touched allocated anew in every dataset, plus the chunk index.
  const double needed =
      double(blocks.size()) * double(kBlockPoints) * (8.0 * double(datasets.columns.size()) + 1.0) +
      64.0 * 1024;
  struct statvfs space {};
  if (statvfs(path_.c_str(), &space) != 0) return;  // unknown: let the write report
  const double available = double(space.f_bavail) * double(space.f_frsize);
  if (available < needed) {
    throw IoError(path_, "not enough space for the next storage blocks: about " +
                             format_bytes(needed) + " needed, " + format_bytes(available) +
                             " free (No space left on device)");
  }
}

void ResultWriter::close() {
  experiments_.clear();
  file_.close();
}

Sweep read_stored_sweep(const std::string& path) {
  return stored_sweep(open_output(path, h5::Access::kRead));
}

RunRecord read_run_record(const std::string& path) {
  return run_record(open_output(path, h5::Access::kRead));
}

namespace {

OutputSummary summary_of(const std::string& path) {
  const h5::File file = open_output(path, h5::Access::kRead);
  OutputSummary summary;
  summary.run = run_record(file);
  for (const std::string& name : file.members()) {
    if (file.kind(name) != h5::ObjectKind::kGroup) continue;
    const h5::Group group = file.group(name);
    // Groups without it are not experiments (e.g. /frontier, written by the analysis).
    if (const auto kind = group.attribute<std::string>("experiment")) {
      summary.experiments.push_back(stored_experiment(group, name, *kind));
    }
  }
  return summary;
}

}  // namespace

OutputSummary read_output_summary(const std::string& path) {
  // A file that a run is writing changes under its reader: the chunk index read
  // now can point past the end of the file the reader saw when it opened it. A
  // failed read is therefore tried again a few times before it is reported.
  constexpr int kAttempts = 10;
  for (int attempt = 1;; ++attempt) {
    try {
      return summary_of(path);
    } catch (const ForeignFile&) {
      throw;
    } catch (const IoError&) {
      if (attempt == kAttempts || !h5::File::is_hdf5(path)) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

}  // namespace ropesweep
