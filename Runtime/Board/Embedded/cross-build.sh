#!/usr/bin/env bash
# Builds out/board/duralava for 64-bit Raspberry Pi OS (aarch64) on this x86-64 machine: the
# runtime's Swift sources as Embedded Swift (target aarch64-none-none-elf, libc through a small
# module named Glibc), its C sources with clang, linked by Debian's aarch64 gcc driver with the
# Swift toolchain's ld.lld (GNU ld refuses the Embedded objects' protected symbols).
# Needs: gcc-aarch64-linux-gnu (the Makefile installs it); zlib for arm64 is fetched here.
set -euo pipefail
cd "$(dirname "$0")/../../.."
OUT=${OUT:-out/board}
SWIFTC=${SWIFTC:-swiftc}
TOOLBIN=$(dirname "$(command -v "$SWIFTC")")
CLANG=${CLANG:-$TOOLBIN/clang}
SYSROOT=/usr/aarch64-linux-gnu
mkdir -p "$OUT/modules/Glibc" "$OUT/modules/DuralavaSIMD" "$OUT/modules/CPosix" "$OUT/modules/CSDL2" \
         "$OUT/modules/CZlib" "$OUT/obj" "$OUT/swift" "$OUT/ld" "$OUT/sysroot"

# zlib for arm64: the Debian package's library, unpacked (headers are the host's: zlib's are
# the same on every architecture).
if [ ! -e "$OUT/sysroot/lib/aarch64-linux-gnu/libz.so.1" ]; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    if [ "$(id -u)" = 0 ]; then
      echo "cross-build: adding the arm64 architecture to apt (for zlib1g:arm64)"
      dpkg --add-architecture arm64 && apt-get update -qq
    else
      echo "cross-build: run: sudo dpkg --add-architecture arm64 && sudo apt-get update"; exit 1
    fi
  fi
  ( cd "$OUT/sysroot" && apt-get download -qq zlib1g:arm64 >/dev/null 2>&1 && dpkg -x zlib1g_*_arm64.deb . && rm -f zlib1g_*_arm64.deb )
fi
ln -sf libz.so.1 "$OUT/sysroot/lib/aarch64-linux-gnu/libz.so"

# Module maps for the Embedded build: libc (the bare target has no Glibc module), and the C
# targets' headers.
cat > "$OUT/modules/Glibc/Glibc.h" <<'H'
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>
#include <sys/stat.h>
#include <pthread.h>
#include <dlfcn.h>
H
echo 'module Glibc { header "Glibc.h" export * }' > "$OUT/modules/Glibc/module.modulemap"
echo "module DuralavaSIMD { header \"$PWD/Runtime/SIMD/include/DuralavaSIMD.h\" export * }" > "$OUT/modules/DuralavaSIMD/module.modulemap"
echo "module CPosix { header \"$PWD/Runtime/CPosix/include/CPosix.h\" export * }" > "$OUT/modules/CPosix/module.modulemap"
echo "module CSDL2 { header \"$PWD/Runtime/CSDL2/include/CSDL2.h\" export * }" > "$OUT/modules/CSDL2/module.modulemap"
echo 'module CZlib { header "/usr/include/zlib.h" export * }' > "$OUT/modules/CZlib/module.modulemap"

# SDL's headers are the host's except its per-architecture config header, taken from the arm64
# package (only types and constants are used: the library itself is opened with dlopen on the
# board). libc's headers are the aarch64 ones.
if [ ! -e "$OUT/include/SDL2/_real_SDL_config.h" ]; then
  mkdir -p "$OUT/include/SDL2" "$OUT/sdl-dev"
  ( cd "$OUT/sdl-dev" && apt-get download -qq libsdl2-dev:arm64 >/dev/null 2>&1 && dpkg -x libsdl2-dev_*_arm64.deb . && rm -f libsdl2-dev_*_arm64.deb )
  cp "$OUT"/sdl-dev/usr/include/aarch64-linux-gnu/SDL2/_real_SDL_config.h "$OUT/include/SDL2/"
  rm -rf "$OUT/sdl-dev"
fi
CFLAGS=(--target=aarch64-linux-gnu -O2 -fPIC -I Runtime/SIMD/include -I Runtime/CPosix/include -I Runtime/CSDL2/include
        -isystem $SYSROOT/include -isystem "$OUT/include" -isystem /usr/include/SDL2 -isystem /usr/include)
for c in Runtime/SIMD/*.c Runtime/CPosix/*.c Runtime/CSDL2/*.c Runtime/Board/Embedded/*.c; do
  "$CLANG" "${CFLAGS[@]}" -c "$c" -o "$OUT/obj/$(basename "${c%.c}").o"
done

SWIFTFLAGS=(-target aarch64-none-none-elf -enable-experimental-feature Embedded -wmo -O -parse-as-library
            -I "$OUT/swift" -I "$OUT/modules/Glibc" -I "$OUT/modules/DuralavaSIMD" -I "$OUT/modules/CPosix"
            -I "$OUT/modules/CSDL2" -I "$OUT/modules/CZlib"
            -Xcc -isystem -Xcc $SYSROOT/include -Xcc -isystem -Xcc "$OUT/include" -Xcc -isystem -Xcc /usr/include/SDL2 -Xcc -isystem -Xcc /usr/include
            -Xcc -D__linux__ -Xcc -D__unix__ -Xcc -fPIC)
module() {  # name, sources...
  local name=$1; shift
  "$SWIFTC" "${SWIFTFLAGS[@]}" -module-name "$name" "$@" -emit-module -emit-module-path "$OUT/swift/$name.swiftmodule" \
    -c -o "$OUT/obj/$name.o"
}
module DuralavaKernels Runtime/Kernels/*.swift
module DuralavaRuntime Runtime/Library/*.swift
module LampOutput Runtime/Output/*.swift
module LampDisplay Runtime/Display/*.swift
module DuralavaBoard Runtime/Board/BoardMain.swift

# GNU ld cannot link the Embedded objects; the gcc driver uses the toolchain's lld instead.
ln -sf "$(command -v "$TOOLBIN/ld.lld")" "$OUT/ld/ld"
aarch64-linux-gnu-gcc -B "$OUT/ld" -o "$OUT/duralava" "$OUT"/obj/*.o \
  "$TOOLBIN/../lib/swift/embedded/aarch64-none-none-elf/libswiftUnicodeDataTables.a" \
  -L "$OUT/sysroot/lib/aarch64-linux-gnu" -lz -lm -ldl -lpthread -Wl,--gc-sections -s
echo "built $OUT/duralava ($(stat -c %s "$OUT/duralava") bytes)"
