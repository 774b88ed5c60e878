// Which vector instructions the kernels use: detected once, lowered by DURALAVA_SIMD or by
// dl_simd_use (the tests run every level the machine has against the reference kernels).
#include "internal.h"
#include <stdatomic.h>
#include <stdlib.h>
#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)   // the Linux AT_HWCAP bit of the Armv8.2 dot product
#endif
#endif

static _Atomic int active_level = -1;

dl_simd_level dl_simd_detected(void) {
#ifdef DL_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        if (__builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl")
            && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512f"))
            return DL_SIMD_AVX512VNNI;
        return DL_SIMD_AVX2;
    }
#endif
#if defined(__aarch64__)
#if defined(__linux__)
    // The kernel says whether the core has sdot (Cortex-A76 of the Pi 5: yes; the A53 and A72
    // of the Pi 3, 4 and Zero 2 W: no).
    if (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) return DL_SIMD_NEON_SDOT;
#endif
    return DL_SIMD_NEON;   // Advanced SIMD is part of every aarch64 core
#elif defined(DL_NEON)
    return DL_SIMD_NEON;   // the armv7 build is compiled for NEON + VFPv4 (cross-build.sh)
#endif
#if defined(__wasm_simd128__)
    return DL_SIMD_SIMD128;   // a WebAssembly module has SIMD128 or not from its build (docs/web.md)
#endif
    return DL_SIMD_PORTABLE;
}

const char *dl_simd_name(dl_simd_level level) {
    switch (level) {
    case DL_SIMD_AVX2: return "avx2-fma";
    case DL_SIMD_AVX512VNNI: return "avx512-vnni";
    case DL_SIMD_NEON: return "neon";
    case DL_SIMD_NEON_SDOT: return "neon-sdot";
    case DL_SIMD_SIMD128: return "simd128";
    default: return "portable";
    }
}

dl_simd_level dl_simd_use(dl_simd_level level) {
    dl_simd_level best = dl_simd_detected();
    // On Arm the levels are portable, neon (and neon-sdot); on wasm portable or simd128; on x86
    // portable, avx2, avx512-vnni. A level of another family asked for means "vector": the best there is.
    if (best == DL_SIMD_SIMD128 && level != DL_SIMD_PORTABLE) level = best;
    if (best >= DL_SIMD_NEON && best <= DL_SIMD_NEON_SDOT && level != DL_SIMD_PORTABLE && (level < DL_SIMD_NEON || level > DL_SIMD_NEON_SDOT)) level = best;
    dl_simd_level use = level < best ? level : best;
    if (use < DL_SIMD_PORTABLE) use = DL_SIMD_PORTABLE;
    atomic_store_explicit(&active_level, (int)use, memory_order_relaxed);
    return use;
}

dl_simd_level dl_simd_active(void) {
    int level = atomic_load_explicit(&active_level, memory_order_relaxed);
    if (level >= 0) return (dl_simd_level)level;
    dl_simd_level want = DL_SIMD_SIMD128;   // the highest level; clamped to the detected one
    const char *env = getenv("DURALAVA_SIMD");
    if (env) {
        if (strcmp(env, "portable") == 0) want = DL_SIMD_PORTABLE;
        else if (strcmp(env, "avx2") == 0 || strcmp(env, "avx2-fma") == 0) want = DL_SIMD_AVX2;
        else if (strcmp(env, "neon") == 0) want = DL_SIMD_NEON;
    }
    return dl_simd_use(want);
}
