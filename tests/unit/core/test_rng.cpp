#include <gtest/gtest.h>

#include <vector>

#include "ropesweep/core/rng.hpp"

namespace ropesweep {
namespace {

// fill_uniform_open gives the values of as many uniform_open calls, wherever in a Philox
// block of four the stream stands and however many values are asked for.
TEST(RandomStream, BulkUniformsAreTheOneAtATimeOnes) {
  for (int skip = 0; skip < 5; ++skip) {
    for (std::size_t count : {0, 1, 2, 3, 4, 5, 7, 8, 9, 33, 1000}) {
      RandomStream single({1, 2, 3, 4});
      for (int i = 0; i < skip; ++i) single.next_u64();
      RandomStream bulk = single;  // the same position: `skip` values into the stream
      std::vector<double> values(count);
      bulk.fill_uniform_open(values.data(), count);
      for (std::size_t i = 0; i < count; ++i) {
        const double u = single.uniform_open();
        ASSERT_EQ(values[i], u) << "skip " << skip << ", count " << count << ", value " << i;
        ASSERT_GT(u, 0.0);
        ASSERT_LT(u, 1.0);
      }
      EXPECT_EQ(bulk.next_u64(), single.next_u64()) << "skip " << skip << ", count " << count;
    }
  }
}

}  // namespace
}  // namespace ropesweep
