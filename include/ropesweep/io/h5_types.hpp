#pragma once
// The C++ types the layer stores, and how: in the file as the format's
// little-endian types (docs/file-format.md), in memory as native ones, text as
// variable-length UTF-8 in both. Any other type stops the build where it is used.
#include <cstdint>
#include <string>
#include <type_traits>

#include "ropesweep/io/h5_handle.hpp"

namespace ropesweep::h5 {

template <typename T>
inline constexpr bool kIsText = std::is_same_v<T, std::string>;

template <typename>
inline constexpr bool kNotStorable = false;

// Variable-length UTF-8 strings.
Handle text_type(const Location& where);

template <typename T>
Handle file_type([[maybe_unused]] const Location& where) {
  if constexpr (std::is_same_v<T, double>) {
    return Handle::borrowed(H5T_IEEE_F64LE);
  } else if constexpr (std::is_same_v<T, std::uint8_t>) {
    return Handle::borrowed(H5T_STD_U8LE);
  } else if constexpr (std::is_same_v<T, std::int32_t>) {
    return Handle::borrowed(H5T_STD_I32LE);
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    return Handle::borrowed(H5T_STD_I64LE);
  } else if constexpr (std::is_same_v<T, std::uint64_t>) {
    return Handle::borrowed(H5T_STD_U64LE);
  } else if constexpr (kIsText<T>) {
    return text_type(where);
  } else {
    static_assert(kNotStorable<T>,
                  "h5 stores double, uint8_t, int32_t, int64_t, uint64_t and std::string");
  }
}

template <typename T>
Handle memory_type([[maybe_unused]] const Location& where) {
  if constexpr (std::is_same_v<T, double>) {
    return Handle::borrowed(H5T_NATIVE_DOUBLE);
  } else if constexpr (std::is_same_v<T, std::uint8_t>) {
    return Handle::borrowed(H5T_NATIVE_UINT8);
  } else if constexpr (std::is_same_v<T, std::int32_t>) {
    return Handle::borrowed(H5T_NATIVE_INT32);
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    return Handle::borrowed(H5T_NATIVE_INT64);
  } else if constexpr (std::is_same_v<T, std::uint64_t>) {
    return Handle::borrowed(H5T_NATIVE_UINT64);
  } else if constexpr (kIsText<T>) {
    return text_type(where);
  } else {
    static_assert(kNotStorable<T>,
                  "h5 stores double, uint8_t, int32_t, int64_t, uint64_t and std::string");
  }
}

}  // namespace ropesweep::h5
