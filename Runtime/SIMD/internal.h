// Shared by the kernel files of DuralavaSIMD: target attributes and the vector requantization.
#ifndef DURALAVA_SIMD_INTERNAL_H
#define DURALAVA_SIMD_INTERNAL_H

#include "DuralavaSIMD.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define DL_X86 1
#include <immintrin.h>
#define DL_AVX2 __attribute__((target("avx2,fma")))
#define DL_VNNI __attribute__((target("avx2,fma,avx512f,avx512vl,avx512bw,avx512vnni")))
#endif

#define DL_MIN(a, b) ((a) < (b) ? (a) : (b))

// Arm Advanced SIMD: every aarch64 core; on 32-bit Arm the armv7 build with NEON and VFPv4
// (fused multiply-add), which every Raspberry Pi from the Pi 2 on has (firmware-notes/).
#if defined(__aarch64__) || (defined(__arm__) && defined(__ARM_NEON) && defined(__ARM_FEATURE_FMA))
#define DL_NEON 1
#endif

#if defined(DL_NEON)
// neon_panels.c
void dl_f32_panels_neon(const dl_phase *p, const float *in, const float *panels, const float *bias, float slope, float *out);
void dl_i16_panels_neon(const dl_phase *p, const int16_t *in, const int16_t *panels, const int32_t *bias,
                        const dl_requant *rq, int32_t kind, void *out);
#endif
#if defined(__aarch64__)
// sdot_panels.c
void dl_s8_panels_sdot(const dl_phase *p, const int8_t *in, const int8_t *panels, const int32_t *bias,
                       const dl_requant *rq, int32_t kind, void *out);
#endif

#if defined(__wasm_simd128__)
// wasm_panels.c
void dl_i16_panels_simd128(const dl_phase *p, const int16_t *in, const int16_t *panels, const int32_t *bias,
                           const dl_requant *rq, int32_t kind, void *out);
void dl_i16_pixel_rows_simd128(const dl_pixel_grid *g, const int32_t *tap_in, int32_t taps, int32_t depth,
                               int32_t cout, const int16_t *in, const int16_t *weights, const int32_t *bias,
                               const dl_requant *rq, int32_t kind, void *out);
void dl_f32_panels_simd128(const dl_phase *p, const float *in, const float *panels, const float *bias, float slope, float *out);
#endif

/// Pixels per register tile of the panel kernels (6 pixels × 16 channels: 12 accumulators).
#define DL_TILE_PIXELS 6
#define DL_PANEL 16
/// Pixels per vector block of the pixel-row kernels.
#define DL_ROW_BLOCK 16

/// dl_requant_code inline (requant.c's definition), for the vector kernels' scalar epilogues.
static inline int32_t dl_requant_inline(const dl_requant *rq, int32_t c, int32_t acc) {
    const int negative = acc < 0;
    const int64_t m = negative ? rq->multiplier_neg[c] : rq->multiplier_pos[c];
    const int shift = negative ? rq->right_shift_neg[c] : rq->right_shift_pos[c];
    const int64_t product = (int64_t)acc * m;
    const int64_t half = (int64_t)1 << (shift - 1);
    int64_t r = product >= 0 ? (product + half) >> shift : -((half - product) >> shift);
    r += rq->zero_point;
    return r < rq->code_min ? rq->code_min : (r > rq->code_max ? rq->code_max : (int32_t)r);
}

static inline int32_t dl_load_i32(const void *p) { int32_t v; memcpy(&v, p, 4); return v; }

/// Stores the first n int32 codes of `codes` as `kind` at out + index (elements of that kind).
static inline void dl_store_codes(const int32_t *codes, int n, int32_t kind, void *out, int32_t index) {
    if (kind == DL_OUT_INT8) {
        int8_t *o = (int8_t *)out + index;
        for (int i = 0; i < n; i++) o[i] = (int8_t)codes[i];
    } else if (kind == DL_OUT_INT16) {
        int16_t *o = (int16_t *)out + index;
        for (int i = 0; i < n; i++) o[i] = (int16_t)codes[i];
    } else {
        memcpy((int32_t *)out + index, codes, (size_t)n * 4);
    }
}

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

/// dl_requant_inline on four accumulators at once, where the four lanes share their right
/// shifts (SIMD128 shifts every lane by one amount; a per-layer scale gives every channel the same
/// shift): the 32×32 → 64-bit products in two halves, rounded half away from zero, plus the zero
/// point, clamped. m_pos … s_neg hold each lane's multipliers and shifts. Returns 0 (and leaves
/// `out` alone) when the shifts differ between lanes.
static inline int requant4(v128_t acc, v128_t m_pos, v128_t m_neg, v128_t s_pos, v128_t s_neg,
                           const dl_requant *rq, v128_t *out) {
    const int32_t sp = wasm_i32x4_extract_lane(s_pos, 0), sn = wasm_i32x4_extract_lane(s_neg, 0);
    if (!wasm_i32x4_all_true(wasm_i32x4_eq(s_pos, wasm_i32x4_splat(sp))) ||
        !wasm_i32x4_all_true(wasm_i32x4_eq(s_neg, wasm_i32x4_splat(sn)))) return 0;
    const v128_t negative = wasm_i32x4_lt(acc, wasm_i32x4_splat(0));
    const v128_t m = wasm_v128_bitselect(m_neg, m_pos, negative);
    const v128_t half_pos = wasm_i64x2_splat((int64_t)1 << (sp - 1)), half_neg = wasm_i64x2_splat((int64_t)1 << (sn - 1));
    const v128_t zp = wasm_i64x2_splat(rq->zero_point);
    const v128_t lo = wasm_i64x2_splat(rq->code_min), hi = wasm_i64x2_splat(rq->code_max);
    v128_t r[2];
    for (int h = 0; h < 2; h++) {
        const v128_t product = h ? wasm_i64x2_extmul_high_i32x4(acc, m) : wasm_i64x2_extmul_low_i32x4(acc, m);
        const v128_t neg64 = h ? wasm_i64x2_extend_high_i32x4(negative) : wasm_i64x2_extend_low_i32x4(negative);
        // acc ≥ 0: (p + half) >> shift; acc < 0 (p ≤ 0, the multipliers are ≥ 0): −((half − p) >> shift).
        const v128_t up = wasm_i64x2_shr(wasm_i64x2_add(product, half_pos), sp);
        const v128_t down = wasm_i64x2_neg(wasm_i64x2_shr(wasm_i64x2_sub(half_neg, product), sn));
        v128_t v = wasm_i64x2_add(wasm_v128_bitselect(down, up, neg64), zp);
        v = wasm_v128_bitselect(lo, v, wasm_i64x2_lt(v, lo));
        r[h] = wasm_v128_bitselect(hi, v, wasm_i64x2_gt(v, hi));
    }
    *out = wasm_i32x4_shuffle(r[0], r[1], 0, 2, 4, 6);
    return 1;
}

/// Requantizes the four lanes of channels c … c+3 (vector where their shifts agree, else scalar).
static inline v128_t requant_channels(const dl_requant *rq, int c, v128_t acc) {
    v128_t codes;
    if (requant4(acc, wasm_v128_load(rq->multiplier_pos + c), wasm_v128_load(rq->multiplier_neg + c),
                 wasm_v128_load(rq->right_shift_pos + c), wasm_v128_load(rq->right_shift_neg + c), rq, &codes)) return codes;
    int32_t v[4];
    wasm_v128_store(v, acc);
    for (int k = 0; k < 4; k++) v[k] = dl_requant_inline(rq, c + k, v[k]);
    return wasm_v128_load(v);
}
#endif

#ifdef DL_X86
/// Requantizes 8 int32 accumulators of channels c ... c+7 exactly as dl_requant_code does:
/// the 32×32 → 64-bit products of the even and the odd lanes, rounded half away from zero by
/// a per-lane right shift, plus the zero point, clamped to the code range in 64 bits.
DL_AVX2 static inline __m256i dl_requant8_avx2(const dl_requant *rq, int c, __m256i acc) {
    const __m256i zero = _mm256_setzero_si256();
    __m256i negative = _mm256_cmpgt_epi32(zero, acc);
    __m256i m = _mm256_blendv_epi8(_mm256_loadu_si256((const __m256i *)(rq->multiplier_pos + c)),
                                   _mm256_loadu_si256((const __m256i *)(rq->multiplier_neg + c)), negative);
    __m256i s = _mm256_blendv_epi8(_mm256_loadu_si256((const __m256i *)(rq->right_shift_pos + c)),
                                   _mm256_loadu_si256((const __m256i *)(rq->right_shift_neg + c)), negative);
    const __m256i low = _mm256_set1_epi64x(0xffffffff);
    const __m256i one = _mm256_set1_epi64x(1);
    const __m256i zp = _mm256_set1_epi64x(rq->zero_point);
    const __m256i lo = _mm256_set1_epi64x(rq->code_min), hi = _mm256_set1_epi64x(rq->code_max);
    __m256i result[2];
    for (int odd = 0; odd < 2; odd++) {
        __m256i a = odd ? _mm256_srli_epi64(acc, 32) : acc;
        __m256i mm = odd ? _mm256_srli_epi64(m, 32) : m;
        __m256i shift = odd ? _mm256_srli_epi64(s, 32) : _mm256_and_si256(s, low);
        __m256i product = _mm256_mul_epi32(a, mm);
        __m256i sign = _mm256_cmpgt_epi64(zero, product);
        __m256i magnitude = _mm256_sub_epi64(_mm256_xor_si256(product, sign), sign);
        __m256i half = _mm256_sllv_epi64(one, _mm256_sub_epi64(shift, one));
        __m256i r = _mm256_srlv_epi64(_mm256_add_epi64(magnitude, half), shift);
        r = _mm256_sub_epi64(_mm256_xor_si256(r, sign), sign);
        r = _mm256_add_epi64(r, zp);
        r = _mm256_blendv_epi8(r, lo, _mm256_cmpgt_epi64(lo, r));
        r = _mm256_blendv_epi8(r, hi, _mm256_cmpgt_epi64(r, hi));
        result[odd] = r;
    }
    return _mm256_blend_epi32(result[0], _mm256_slli_epi64(result[1], 32), 0xAA);
}

/// The epilogue of an int8 register tile row: 16 accumulators → codes (or raw) → out.
DL_AVX2 static inline void dl_store_tile_row_avx2(const dl_requant *rq, int c0, int n, __m256i a0, __m256i a1,
                                                  int32_t kind, void *out, int32_t index) {
    int32_t codes[16];
    if (kind != DL_OUT_INT32) { a0 = dl_requant8_avx2(rq, c0, a0); a1 = dl_requant8_avx2(rq, c0 + 8, a1); }
    _mm256_storeu_si256((__m256i *)codes, a0);
    _mm256_storeu_si256((__m256i *)(codes + 8), a1);
    dl_store_codes(codes, n, kind, out, index);
}
#endif

#endif
