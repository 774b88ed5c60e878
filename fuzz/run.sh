#!/usr/bin/env bash
# Builds and runs the libFuzzer targets (docs/reliability.md):
#   fuzz/run.sh [MODEL_RUNS] [PNG_RUNS]     default 10^6 model-file inputs, 10^5 PNG frames
# The committed seeds (fuzz/corpus/) are copied into .build-fuzz/ so the runs' discoveries
# do not pile up in the repository; crash inputs land in .build-fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL_RUNS=${1:-1000000}
PNG_RUNS=${2:-$(( MODEL_RUNS / 10 ))}
B=.build-fuzz
mkdir -p $B/crashes $B/corpus-model-file $B/corpus-png-frame
cp -n fuzz/corpus/model-file/* $B/corpus-model-file/ 2>/dev/null || true
cp -n fuzz/corpus/png-frame/* $B/corpus-png-frame/ 2>/dev/null || true

# -O keeps Swift's bounds and overflow traps (only -Ounchecked removes them).
FLAGS=(-sanitize=fuzzer,address -parse-as-library -O)
# The runtime library imports its kernels' module: build that first (instrumented the same way).
mkdir -p $B/modules
swiftc "${FLAGS[@]}" -wmo -module-name DuralavaKernels -emit-module -emit-module-path $B/modules/DuralavaKernels.swiftmodule \
  -c Runtime/Kernels/*.swift -o $B/kernels.o
swiftc "${FLAGS[@]}" -module-name ModelFileFuzz -I $B/modules Runtime/Library/*.swift fuzz/ModelFileFuzzer.swift $B/kernels.o \
  -o $B/model-file-fuzzer
swiftc "${FLAGS[@]}" -module-name PNGFrameFuzz -I Trainer/CPNG \
  Trainer/Data/PNGReader.swift Trainer/Data/FrameDataError.swift Trainer/Data/FrameResampler.swift \
  fuzz/PNGFrameFuzzer.swift -o $B/png-frame-fuzzer

# No input cap below the format's: headers may be up to 100 MB, but libFuzzer grows inputs
# from the seeds, so 1 MB bounds what it can reach in a run of this length. The RSS limit
# leaves room for the largest model the limits allow (512 MiB of activations, twice).
export ASAN_OPTIONS=detect_leaks=0
time $B/model-file-fuzzer -runs=$MODEL_RUNS -max_len=1048576 -rss_limit_mb=4096 -print_final_stats=1 \
  -artifact_prefix=$B/crashes/model- $B/corpus-model-file
time $B/png-frame-fuzzer -runs=$PNG_RUNS -max_len=1048576 -rss_limit_mb=4096 -print_final_stats=1 \
  -artifact_prefix=$B/crashes/png- $B/corpus-png-frame
