# `ropesweep decay` and `ropesweep bmin`: the tables print, bad input is one line and exit 2.
add_test(NAME cli.decay_table
         COMMAND ${ROPESWEEP_EXE} decay --base 10000 --dim 128 --length 100000
                 --train-length 4096 --format csv)
set_tests_properties(cli.decay_table PROPERTIES LABELS cli
  PASS_REGULAR_EXPRESSION "# critical_dim=92\n.*t,theta,wavelength,turns\n0,1,6\\.283185307,15915\\.49431\n.*63,0\\.0001154781985,54410\\.1431[0-9]*,1\\.83789")

# partial with p = 0.5 at d = 16: pairs 4..7 do not rotate (infinite wavelength, 0 turns).
add_test(NAME cli.decay_table_partial
         COMMAND ${ROPESWEEP_EXE} decay --base 10000 --dim 16 --length 1000 --encoding partial
                 --partial-fraction 0.5 --format csv)
set_tests_properties(cli.decay_table_partial PROPERTIES LABELS cli
  PASS_REGULAR_EXPRESSION "encoding=partial partial_fraction=0\\.5\n.*\n3,0\\.0316227766,198\\.6917[0-9]*,5\\.0329[0-9]*\n4,0,inf,0\n")

# The old columns first (length, b_min, b_all_above), then the new ones; two dimensions.
add_test(NAME cli.bmin_table
         COMMAND ${ROPESWEEP_EXE} bmin --dim 64,32 --lengths 256,512 --tolerance 1e-4 --format csv)
set_tests_properties(cli.bmin_table PROPERTIES LABELS cli
  PASS_REGULAR_EXPRESSION "^length,b_min,b_all_above,dim,b_min_lower,resolved,b_all_above_lower,pockets,hidden_gaps,block_walks\n256,[0-9.e+]+,[0-9.e+]+,64,[0-9.e+]+,1,[^\n]*\n512,[^\n]*\n256,[0-9.e+]+,[0-9.e+]+,32,[^\n]*\n512,[^\n]*\n")

# --pockets: a second table, one row per pocket (d = 32, L = 512 has three).
add_test(NAME cli.bmin_pockets
         COMMAND ${ROPESWEEP_EXE} bmin --dim 32 --lengths 512 --pockets --format csv)
set_tests_properties(cli.bmin_pockets PROPERTIES LABELS cli
  PASS_REGULAR_EXPRESSION "\n\ndim,length,lower,upper\n32,512,12487\\.2[0-9]*,[0-9.]+\n32,512,[0-9.]+,[0-9.]+\n32,512,[0-9.]+,[0-9.]+\n")

# Another encoding, and the extent that stops at b_min (b_all_above not computed).
add_test(NAME cli.bmin_encoding
         COMMAND ${ROPESWEEP_EXE} bmin --dim 32 --lengths 400 --encoding yarn --scale 8
                 --train-length 256 --yarn-beta 16 --extent b_min --format csv)
set_tests_properties(cli.bmin_encoding PROPERTIES LABELS cli
  PASS_REGULAR_EXPRESSION "\n400,[0-9.e+]+,nan,32,[0-9.e+]+,1,nan,nan,[0-9]+,[0-9]+\n")

add_test(NAME cli.decay_rejects_odd_dim
         COMMAND ${ROPESWEEP_EXE} decay --base 10000 --dim 63 --length 1000)
set_tests_properties(cli.decay_rejects_odd_dim PROPERTIES LABELS cli
  PASS_REGULAR_EXPRESSION "^ropesweep: error: --dim: head_dim must be even and >= 2 \\(got 63\\)\n$")

# A model's configuration through --model: Llama 3.1's llama3 scaling at its advertised
# context, and a value given on the command line wins over the model's.
add_test(NAME cli.decay_model
         COMMAND ${ROPESWEEP_EXE} decay --model llama-3.1-8b --base 20000 --length 131072
                 --format csv)
set_tests_properties(cli.decay_model PROPERTIES LABELS cli
  PASS_REGULAR_EXPRESSION "# base=20000 dim=128 length=131072 train_length=8192 model=llama-3\\.1-8b encoding=llama3 scale=8 low_freq_factor=1 high_freq_factor=4\n")
add_test(NAME cli.bmin_model
         COMMAND ${ROPESWEEP_EXE} bmin --model qwen2.5-7b-yarn --lengths 2048 --extent b_min
                 --format csv)
set_tests_properties(cli.bmin_model PROPERTIES LABELS cli
  PASS_REGULAR_EXPRESSION "\n2048,6150\\.47[0-9]*,nan,128,[0-9.e+]+,1,nan,nan,[0-9]+,[0-9]+\n")

# ROPESWEEP_SIMD: every vector path of the walks and of the pairwise block kernel gives the same
# bits, and says so in the file.
add_test(NAME cli.vector_paths_same_bits
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/generic/vector_paths.sh ${ROPESWEEP_EXE}
                 ${ROPESWEEP_PYTHON} ${CMAKE_CURRENT_BINARY_DIR}/vector_paths)
set_tests_properties(cli.vector_paths_same_bits PROPERTIES LABELS "cli;python" TIMEOUT 300)
