# SPDX-License-Identifier: Apache-2.0
# Sourced by tests/fuzz/run-fuzzer.sh and packaging/run-tests.sh: one set of sanitizer
# options for the fuzz targets and the sanitizer tests. Checks stay on; the suppression
# files name each exception and why.
fuzz_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:check_initialization_order=1:detect_stack_use_after_return=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$fuzz_dir/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:suppressions=$fuzz_dir/ubsan.supp}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
