#include "ropesweep/io/h5_types.hpp"

namespace ropesweep::h5 {

Handle text_type(const Location& where) {
  Handle type = where.adopt(H5Tcopy(H5T_C_S1), H5Tclose, "copy the string type for");
  where.check(H5Tset_size(type.get(), H5T_VARIABLE), "make a variable-length string type for");
  where.check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "make a UTF-8 string type for");
  return type;
}

}  // namespace ropesweep::h5
