#!/usr/bin/env bash
# Builds and runs the libFuzzer targets (docs/reliability.md):
#   fuzz/run.sh [MODEL_RUNS] [PNG_RUNS] [CACHE_RUNS]
#                             default 10^6 model-file inputs, 10^5 PNG frames, 10^5 frame caches
# The committed seeds (fuzz/corpus/) are copied into .build-fuzz/ so the runs' discoveries
# do not pile up in the repository; crash inputs land in .build-fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL_RUNS=${1:-1000000}
PNG_RUNS=${2:-$(( MODEL_RUNS / 10 ))}
CACHE_RUNS=${3:-$(( MODEL_RUNS / 10 ))}
B=.build-fuzz
mkdir -p $B/crashes $B/corpus-model-file $B/corpus-png-frame $B/corpus-frame-cache
cp -n fuzz/corpus/model-file/* $B/corpus-model-file/ 2>/dev/null || true
cp -n fuzz/corpus/png-frame/* $B/corpus-png-frame/ 2>/dev/null || true
cp -n fuzz/corpus/frame-cache/* $B/corpus-frame-cache/ 2>/dev/null || true

# -O keeps Swift's bounds and overflow traps (only -Ounchecked removes them).
FLAGS=(-sanitize=fuzzer,address -parse-as-library -O)
# The runtime library imports its kernels' module and two C modules (the vector kernels'
# inner loops, DuralavaSIMD, and the libc shims, CPosix): build those first, instrumented the
# same way (the C code with the toolchain's clang, as Runtime/Board/Embedded/cross-build.sh).
mkdir -p $B/modules/DuralavaSIMD $B/modules/CPosix $B/c
echo "module DuralavaSIMD { header \"$PWD/Runtime/SIMD/include/DuralavaSIMD.h\" export * }" > $B/modules/DuralavaSIMD/module.modulemap
echo "module CPosix { header \"$PWD/Runtime/CPosix/include/CPosix.h\" export * }" > $B/modules/CPosix/module.modulemap
CLANG=${CLANG:-$(dirname "$(command -v swiftc)")/clang}
for c in Runtime/SIMD/*.c Runtime/CPosix/*.c; do
  "$CLANG" -O2 -fsanitize=fuzzer-no-link,address -I Runtime/SIMD/include -I Runtime/CPosix/include -c "$c" -o "$B/c/$(basename "${c%.c}").o"
done
CMODULES=(-I $B/modules -I $B/modules/DuralavaSIMD -I $B/modules/CPosix)
swiftc "${FLAGS[@]}" -wmo -module-name DuralavaKernels "${CMODULES[@]}" -emit-module -emit-module-path $B/modules/DuralavaKernels.swiftmodule \
  -c Runtime/Kernels/*.swift -o $B/kernels.o
swiftc "${FLAGS[@]}" -module-name ModelFileFuzz "${CMODULES[@]}" Runtime/Library/*.swift fuzz/ModelFileFuzzer.swift $B/kernels.o $B/c/*.o \
  -o $B/model-file-fuzzer
swiftc "${FLAGS[@]}" -module-name PNGFrameFuzz -I Trainer/CPNG \
  Trainer/Data/PNGReader.swift Trainer/Data/FrameDataError.swift Trainer/Data/FrameResampler.swift Trainer/Data/FrameFit.swift \
  fuzz/PNGFrameFuzzer.swift -o $B/png-frame-fuzzer
swiftc "${FLAGS[@]}" -module-name FrameCacheFuzz Trainer/Data/FrameCache.swift Trainer/Data/FrameFit.swift \
  fuzz/FrameCacheFuzzer.swift -o $B/frame-cache-fuzzer

# No input cap below the format's: headers may be up to 100 MB, but libFuzzer grows inputs
# from the seeds, so 1 MB bounds what it can reach in a run of this length. The RSS limit
# leaves room for the largest model the limits allow (512 MiB of activations, twice).
export ASAN_OPTIONS=detect_leaks=0
# The dictionary holds the format's keys and the int8 fields, so that mutations reach the int8
# loaders more often than by flipping bytes of the one int8 seed.
time $B/model-file-fuzzer -runs=$MODEL_RUNS -max_len=1048576 -rss_limit_mb=4096 -print_final_stats=1 \
  -dict=fuzz/model-file.dict -artifact_prefix=$B/crashes/model- $B/corpus-model-file
time $B/png-frame-fuzzer -runs=$PNG_RUNS -max_len=1048576 -rss_limit_mb=4096 -print_final_stats=1 \
  -artifact_prefix=$B/crashes/png- $B/corpus-png-frame
time $B/frame-cache-fuzzer -runs=$CACHE_RUNS -max_len=65536 -rss_limit_mb=4096 -print_final_stats=1 \
  -artifact_prefix=$B/crashes/cache- $B/corpus-frame-cache
