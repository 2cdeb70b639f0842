#include "ropesweep/io/shard_file.hpp"

#include <unistd.h>

#include "ropesweep/core/error.hpp"
#include "ropesweep/io/h5.hpp"

namespace ropesweep {
namespace {

h5::Handle open_file(const std::string& path, unsigned flags) {
  h5::silence_library_errors();
  if (access(path.c_str(), R_OK) != 0) throw IoError(path, "cannot read the file");
  return h5::adopt(H5Fopen(path.c_str(), flags, H5P_DEFAULT), H5Fclose, path, "open");
}

std::uint64_t count_outside(const std::vector<std::vector<std::uint8_t>>& done,
                            const std::vector<std::vector<std::uint8_t>>& in_shard) {
  std::uint64_t outside = 0;
  for (std::size_t e = 0; e < done.size() && e < in_shard.size(); ++e) {
    for (std::size_t p = 0; p < done[e].size() && p < in_shard[e].size(); ++p) {
      if (done[e][p] && !in_shard[e][p]) ++outside;
    }
  }
  return outside;
}

}  // namespace

Shard read_file_shard(const std::string& path) {
  h5::Handle file = open_file(path, H5F_ACC_RDONLY);
  Shard shard;
  const auto index = h5::read_number_attribute(file.get(), "shard_index", path);
  const auto count = h5::read_number_attribute(file.get(), "shard_count", path);
  if (index && count) {
    shard.index = std::uint64_t(*index);
    shard.count = std::uint64_t(*count);
  }
  file.close(path, "close");
  return shard;
}

void claim_shard_file(const std::string& path, const Shard& shard,
                      const std::vector<std::vector<std::uint8_t>>& done,
                      const std::vector<std::vector<std::uint8_t>>& in_shard) {
  const Shard held = read_file_shard(path);
  if (!held.whole()) {
    if (held == shard) return;
    if (shard.whole()) {
      throw IoError(path, "holds shard " + held.str() + " of the sweep; continue it with --shard " +
                              held.str() + ", or combine the shards with `ropesweep merge`");
    }
    throw IoError(path, "holds shard " + held.str() + ", not " + shard.str() +
                            "; each shard needs its own file");
  }
  if (shard.whole()) return;
  const std::uint64_t outside = count_outside(done, in_shard);
  if (outside > 0) {
    throw IoError(path, "holds " + std::to_string(outside) + " computed point" +
                            (outside == 1 ? "" : "s") + " outside shard " + shard.str() +
                            " (a whole run?); a shard needs its own file");
  }
  h5::Handle file = open_file(path, H5F_ACC_RDWR);
  h5::write_attribute(file.get(), "shard_index", shard.index, path);
  h5::write_attribute(file.get(), "shard_count", shard.count, path);
  file.close(path, "close");
}

}  // namespace ropesweep
