#!/usr/bin/env bash
# Builds the board binary on this x86-64 machine, from the same Runtime sources as the desktop:
#   ARCH=arm64 (default): out/board/duralava for 64-bit Raspberry Pi OS (aarch64);
#   ARCH=armhf: out/board-armhf/duralava for 32-bit Raspberry Pi OS (Armv7-A, hard-float,
#               NEON + VFPv4: a Pi 2, 3, 4 or Zero 2 W; not the Armv6 Pi 1 and Zero);
#   ARCH=amd64: out/board-amd64/duralava, the same Embedded build for x86-64 Linux (libc and
#               zlib only: the amd64 Debian package, and the board build's memory measured
#               natively, firmware-notes/).
# The runtime's Swift sources as Embedded Swift (target aarch64-none-none-elf, or
# armv7-none-none-eabi with the hard-float calling convention of Debian's armhf), libc through a
# small module named Glibc, its C sources with clang, linked by Debian's cross gcc driver with
# the Swift toolchain's ld.lld (GNU ld refuses the Embedded objects' protected symbols).
# Needs: gcc-aarch64-linux-gnu or gcc-arm-linux-gnueabihf (the Makefile installs them); zlib
# for the target is fetched here.
set -euo pipefail
cd "$(dirname "$0")/../../.."
ARCH=${ARCH:-arm64}
SWIFTC=${SWIFTC:-swiftc}
TOOLBIN=$(dirname "$(command -v "$SWIFTC")")
CLANG=${CLANG:-$TOOLBIN/clang}
case "$ARCH" in
  arm64|aarch64)
    ARCH=arm64; OUT=${OUT:-out/board}; GNU=aarch64-linux-gnu
    SWIFT_TARGET=aarch64-none-none-elf; ARCH_SWIFTFLAGS=()
    ARCH_CFLAGS=(--target=aarch64-linux-gnu) ;;
  armhf)
    OUT=${OUT:-out/board-armhf}; GNU=arm-linux-gnueabihf
    # The toolchain's Embedded stdlib is built for armv7-none-none-eabi, whose C calls pass
    # floats in integer registers; Debian's armhf libc takes them in VFP registers: both the
    # Clang importer and LLVM are told so (hard float), and the code is NEON + VFPv4.
    SWIFT_TARGET=armv7-none-none-eabi
    ARCH_SWIFTFLAGS=(-Xcc -mfloat-abi=hard -Xcc -mfpu=neon-vfpv4 -Xllvm -float-abi=hard)
    ARCH_CFLAGS=(--target=armv7a-linux-gnueabihf -mfloat-abi=hard -mfpu=neon-vfpv4) ;;
  amd64|x86_64)
    ARCH=amd64; OUT=${OUT:-out/board-amd64}; GNU=x86_64-linux-gnu
    SWIFT_TARGET=x86_64-unknown-linux-gnu; ARCH_SWIFTFLAGS=()
    ARCH_CFLAGS=(--target=x86_64-linux-gnu) ;;
  *) echo "cross-build: ARCH=$ARCH: expected arm64, armhf or amd64"; exit 1 ;;
esac
SYSROOT=/usr/$GNU
mkdir -p "$OUT/modules/Glibc" "$OUT/modules/DuralavaSIMD" "$OUT/modules/CPosix" "$OUT/modules/CSDL2" \
         "$OUT/modules/CZlib" "$OUT/obj" "$OUT/swift" "$OUT/ld" "$OUT/sysroot"

# zlib for the target: the Debian package's library, unpacked (headers are the host's: zlib's
# are the same on every architecture).
if [ ! -e "$OUT/sysroot/lib/$GNU/libz.so.1" ]; then
  if [ "$ARCH" != "$(dpkg --print-architecture)" ] && ! dpkg --print-foreign-architectures | grep -qx "$ARCH"; then
    if [ "$(id -u)" = 0 ]; then
      echo "cross-build: adding the $ARCH architecture to apt (for zlib1g:$ARCH)"
      dpkg --add-architecture "$ARCH" && apt-get update -qq
    else
      echo "cross-build: run: sudo dpkg --add-architecture $ARCH && sudo apt-get update"; exit 1
    fi
  fi
  ( cd "$OUT/sysroot" && apt-get download -qq "zlib1g:$ARCH" >/dev/null 2>&1 && dpkg -x zlib1g_*_"$ARCH".deb . && rm -f zlib1g_*_"$ARCH".deb )
fi
[ -e "$OUT/sysroot/lib/$GNU/libz.so.1" ] || { echo "cross-build: could not fetch zlib1g:$ARCH (apt-get download)"; exit 1; }
ln -sf libz.so.1 "$OUT/sysroot/lib/$GNU/libz.so"

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

# SDL's headers are the host's except its per-architecture config header, taken from the target's
# package (only types and constants are used: the library itself is opened with dlopen on the
# board). libc's headers are the target's.
if [ ! -e "$OUT/include/SDL2/_real_SDL_config.h" ]; then
  mkdir -p "$OUT/include/SDL2" "$OUT/sdl-dev"
  ( cd "$OUT/sdl-dev" && apt-get download -qq "libsdl2-dev:$ARCH" >/dev/null 2>&1 && dpkg -x libsdl2-dev_*_"$ARCH".deb . && rm -f libsdl2-dev_*_"$ARCH".deb )
  cp "$OUT"/sdl-dev/usr/include/$GNU/SDL2/_real_SDL_config.h "$OUT/include/SDL2/"
  rm -rf "$OUT/sdl-dev"
fi
CFLAGS=("${ARCH_CFLAGS[@]}" -O2 -fPIC -I Runtime/SIMD/include -I Runtime/CPosix/include -I Runtime/CSDL2/include
        -isystem $SYSROOT/include -isystem "$OUT/include" -isystem /usr/include/SDL2 -isystem /usr/include)
for c in Runtime/SIMD/*.c Runtime/CPosix/*.c Runtime/CSDL2/*.c Runtime/Board/Embedded/*.c; do
  "$CLANG" "${CFLAGS[@]}" -c "$c" -o "$OUT/obj/$(basename "${c%.c}").o"
done

SWIFTFLAGS=(-target $SWIFT_TARGET "${ARCH_SWIFTFLAGS[@]}" -enable-experimental-feature Embedded -wmo -O -parse-as-library
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
$GNU-gcc -B "$OUT/ld" -o "$OUT/duralava" "$OUT"/obj/*.o \
  "$TOOLBIN/../lib/swift/embedded/$SWIFT_TARGET/libswiftUnicodeDataTables.a" \
  -L "$OUT/sysroot/lib/$GNU" -lz -lm -ldl -lpthread -Wl,--gc-sections -Wl,-z,relro,-z,now -s
echo "built $OUT/duralava ($(stat -c %s "$OUT/duralava") bytes)"
