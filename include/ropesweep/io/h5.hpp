#pragma once
// The HDF5 layer: move-only handles that own their id, know where they are and
// check every call, after HighFive's design but holding only what ropesweep's
// files need. One header per concept, each building on the one before:
//
//   h5_handle.hpp     an owned id; a Location (file and object path) that failed
//                     calls name
//   h5_types.hpp      the C++ types stored (double, uint8, int32, int64, uint64,
//                     std::string) and their HDF5 types in the file and in memory
//   h5_object.hpp     what files, groups and datasets share: attributes
//   h5_dataspace.hpp  shapes, point and block selections
//   h5_dataset.hpp    whole, block and point-wise reads and writes, dimension scales
//   h5_group.hpp      members; opening, creating, copying and removing children
//   h5_file.hpp       create, open (locked or not), flush, close
//
// A failed call throws IoError in one line: "FILE: cannot OPERATION 'OBJECT':
// CAUSE", the cause read from HDF5's error stack. HDF5's own printing of that
// stack is switched off once per process, before the first file is touched.
// This header includes them all.
#include "ropesweep/io/h5_file.hpp"
