#!/usr/bin/env bash
# Builds the lamp for a browser (docs/web.md): out/web/duralava.wasm from the same Runtime
# sources as the desktop and board builds — the runtime's Swift as Embedded Swift for
# wasm32-unknown-none-wasm with wasi-libc as its libc, the C kernels with the toolchain's clang
# (SIMD128 level, chosen at build time), linked by the toolchain's wasm-ld — and beside it the
# page (index.html, lamp.js), the shipped int8 model, and lamp.html, the same page in one file
# (wasm and model inlined, base64) that works opened from disk.
# Swift at -Osize (the module's size; the time goes to the C kernels). Needs: wasi-libc, python3
# (and binaryen's wasm-opt, used where installed); the Makefile installs them.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-out/web}
MODEL=${MODEL:-models/default-int8.safetensors}
SWIFTC=${SWIFTC:-swiftc}
TOOLBIN=$(dirname "$(command -v "$SWIFTC")")
CLANG=${CLANG:-$TOOLBIN/clang}
WASI=/usr/include/wasm32-wasi
[ -e "$WASI/stdio.h" ] || { echo "web build: wasi-libc is missing: run: sudo apt-get install -y wasi-libc"; exit 1; }
B="$OUT/build"
mkdir -p "$B/modules/Glibc" "$B/modules/DuralavaSIMD" "$B/modules/CPosix" "$B/obj" "$B/swift"

# Module maps: libc (wasi-libc with the web's additions, wasm_libc.h) under the name the
# runtime's sources import, and the C targets' headers.
echo "module Glibc { header \"$PWD/Runtime/Web/wasm_libc.h\" export * }" > "$B/modules/Glibc/module.modulemap"
echo "module DuralavaSIMD { header \"$PWD/Runtime/SIMD/include/DuralavaSIMD.h\" export * }" > "$B/modules/DuralavaSIMD/module.modulemap"
echo "module CPosix { header \"$PWD/Runtime/CPosix/include/CPosix.h\" export * }" > "$B/modules/CPosix/module.modulemap"

CFLAGS=(--target=wasm32-wasi --sysroot=/usr -isystem "$WASI" -msimd128 -O2 -D_WASI_EMULATED_GETPID
        -I Runtime/SIMD/include -I Runtime/CPosix/include)
rm -f "$B"/obj/*.o
for c in Runtime/SIMD/*.c Runtime/CPosix/*.c Runtime/Web/*.c Runtime/Board/Embedded/embedded_support.c; do
  "$CLANG" "${CFLAGS[@]}" -c "$c" -o "$B/obj/c-$(basename "${c%.c}").o"
done

SWIFTFLAGS=(-target wasm32-unknown-none-wasm -enable-experimental-feature Embedded -Xfrontend -disable-stack-protector
            -wmo ${SWIFT_OPT:--Osize} -parse-as-library
            -I "$B/swift" -I "$B/modules/Glibc" -I "$B/modules/DuralavaSIMD" -I "$B/modules/CPosix"
            -Xcc -isystem -Xcc "$WASI" -Xcc -D__wasi__ -Xcc -D_WASI_EMULATED_GETPID -Xcc -msimd128)
module() {  # name, sources...
  local name=$1; shift
  "$SWIFTC" "${SWIFTFLAGS[@]}" -module-name "$name" "$@" -emit-module -emit-module-path "$B/swift/$name.swiftmodule" \
    -c -o "$B/obj/$name.o"
}
module DuralavaKernels Runtime/Kernels/*.swift
module DuralavaRuntime Runtime/Library/*.swift
# The owner's controls and the on-screen note (the window itself is the page's canvas).
module LampDisplay Runtime/Display/LampControls.swift Runtime/Display/OnScreenNote.swift Runtime/Display/DisplayTypes.swift
module DuralavaWeb Runtime/Web/WebMain.swift

EXPORTS=()
for e in $(sed -n 's/^@_cdecl("\(dl_web_[a-z0-9_]*\)").*/\1/p' Runtime/Web/WebMain.swift); do EXPORTS+=("--export=$e"); done
# malloc and its kin are wrapped to count allocations (web_support.c: a frame makes none).
WRAP=()
for f in malloc calloc realloc posix_memalign aligned_alloc; do WRAP+=("--wrap=$f"); done
"$TOOLBIN/wasm-ld" --no-entry "${EXPORTS[@]}" --export=dl_web_allocations --export=dl_web_alloc --export=dl_web_free "${WRAP[@]}" \
  -z stack-size=1048576 \
  --gc-sections --strip-all -o "$OUT/duralava.wasm" "$B"/obj/*.o \
  "$TOOLBIN/../lib/swift/embedded/wasm32-unknown-none-wasm/libswiftUnicodeDataTables.a" \
  /usr/lib/wasm32-wasi/libc.a /usr/lib/wasm32-wasi/libwasi-emulated-getpid.a
# Binaryen's optimizer for size, where installed (package binaryen; the Makefile installs it):
# about a sixth smaller, the frames the same (docs/web.md).
if command -v wasm-opt >/dev/null; then
  wasm-opt -Oz --enable-simd --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
    --enable-nontrapping-float-to-int "$OUT/duralava.wasm" -o "$OUT/duralava.wasm"
fi
echo "built $OUT/duralava.wasm ($(stat -c %s "$OUT/duralava.wasm") bytes)"

# The page: index.html and lamp.js beside the wasm and the model (serve the folder).
cp Runtime/Web/index.html Runtime/Web/lamp.js "$OUT/"
cp "$MODEL" "$OUT/default-int8.safetensors"
# lamp.html: the same page in one file — the wasm and the model as base64, the script inline —
# so that it runs opened from disk (file://, where fetch is refused).
python3 - "$OUT" <<'PY'
import base64, sys
out = sys.argv[1]
page = open(out + "/index.html").read()
script = open(out + "/lamp.js").read()
data = "window.DURALAVA_INLINE = {wasm: '%s', model: '%s'};" % (
    base64.b64encode(open(out + "/duralava.wasm", "rb").read()).decode(),
    base64.b64encode(open(out + "/default-int8.safetensors", "rb").read()).decode())
page = page.replace("<!--duralava-inline-->", "<script>" + data + "</script>")
page = page.replace('<script src="lamp.js"></script>', "<script>\n" + script + "</script>")
open(out + "/lamp.html", "w").write(page)
PY
echo "built $OUT/: index.html, lamp.js, duralava.wasm, default-int8.safetensors; $OUT/lamp.html ($(stat -c %s "$OUT/lamp.html") bytes, self-contained)"
