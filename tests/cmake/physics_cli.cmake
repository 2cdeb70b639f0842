# `ropesweep decay` and `ropesweep bmin`: the tables print, bad input is one line and exit 2.
add_test(NAME cli.decay_table
         COMMAND ${ROPESWEEP_EXE} decay --base 10000 --dim 128 --length 100000
                 --train-length 4096 --format csv)
set_tests_properties(cli.decay_table PROPERTIES LABELS cli
  PASS_REGULAR_EXPRESSION "# critical_dim=92\n.*t,theta,wavelength,turns\n0,1,6\\.283185307,15915\\.49431\n.*63,0\\.0001154781985,54410\\.1431[0-9]*,1\\.83789")

add_test(NAME cli.bmin_table
         COMMAND ${ROPESWEEP_EXE} bmin --dim 64 --lengths 256,512 --resolution 0.05 --format csv)
set_tests_properties(cli.bmin_table PROPERTIES LABELS cli
  PASS_REGULAR_EXPRESSION "^length,b_min,b_all_above\n256,[0-9.e+]+,[0-9.e+]+\n512,[0-9.e+]+,[0-9.e+]+\n")

add_test(NAME cli.decay_rejects_odd_dim
         COMMAND ${ROPESWEEP_EXE} decay --base 10000 --dim 63 --length 1000)
set_tests_properties(cli.decay_rejects_odd_dim PROPERTIES LABELS cli
  PASS_REGULAR_EXPRESSION "^ropesweep: error: --dim must be even and >= 2\n$")
