// The register-tiled integer panel kernel, once for every multiply-accumulate instruction that
// fits its layout: each 4-byte unit of an input pixel's channels (two int16 codes, or four
// unsigned bytes) meets 64 bytes of weights — 16 output channels × that unit — and one
// instruction adds the unit's products into the 16 int32 accumulators (2 registers):
//   AVX2 vpmaddwd + vpaddd (int16 pairs), AVX-512 VNNI vpdpwssd (int16 pairs), vpdpbusd (u8 × s8).
// Included by i16_panels.c and u8_panels.c; ELEM is the input element size in bytes.
#ifndef DURALAVA_INT_PANELS_H
#define DURALAVA_INT_PANELS_H
#include "internal.h"

#ifdef DL_X86
#define DL_MAC_MADD(acc, x, w) _mm256_add_epi32(acc, _mm256_madd_epi16(x, w))
#define DL_MAC_DPWSSD(acc, x, w) _mm256_dpwssd_epi32(acc, x, w)
#define DL_MAC_DPBUSD(acc, x, w) _mm256_dpbusd_epi32(acc, x, w)

#define DL_ROW_MAC(MAC, r) { const __m256i b = _mm256_set1_epi32(dl_load_i32(x##r + 4 * d)); \
    a##r##0 = MAC(a##r##0, b, w0); a##r##1 = MAC(a##r##1, b, w1); }
#define DL_ROW_STORE(r) if (r < rows) dl_store_tile_row_avx2(rq, c0, n, a##r##0, a##r##1, kind, out, p->pixel_out[i + r] + c0);

#define DL_INT_PANELS(NAME, TARGET, ELEM, MAC) \
/* One pixel (a dense layer, the generator's 1×1 latent): four independent accumulator pairs. */ \
TARGET static void NAME##_one_pixel(const dl_phase *p, const uint8_t *in, const uint8_t *panels, \
                                    const int32_t *bias, const dl_requant *rq, int32_t kind, void *out) { \
    const int units = p->depth * (ELEM) / 4, K = p->taps * units; \
    for (int j = 0; j * DL_PANEL < p->cout; j++) { \
        const uint8_t *w = panels + (size_t)j * K * 64; \
        const int c0 = j * DL_PANEL, n = DL_MIN(DL_PANEL, p->cout - c0); \
        __m256i a[4][2]; \
        for (int u = 0; u < 4; u++) a[u][0] = a[u][1] = _mm256_setzero_si256(); \
        a[0][0] = _mm256_loadu_si256((const __m256i *)(bias + c0)); \
        a[0][1] = _mm256_loadu_si256((const __m256i *)(bias + c0 + 8)); \
        for (int t = 0; t < p->taps; t++) { \
            const uint8_t *x = in + (size_t)(p->pixel_in[0] + p->tap_in[t]) * (ELEM); \
            int d = 0; \
            for (; d + 4 <= units; d += 4, w += 4 * 64) { \
                for (int u = 0; u < 4; u++) { \
                    const __m256i b = _mm256_set1_epi32(dl_load_i32(x + 4 * (d + u))); \
                    a[u][0] = MAC(a[u][0], b, _mm256_loadu_si256((const __m256i *)(w + 64 * u))); \
                    a[u][1] = MAC(a[u][1], b, _mm256_loadu_si256((const __m256i *)(w + 64 * u + 32))); \
                } \
            } \
            for (; d < units; d++, w += 64) { \
                const __m256i b = _mm256_set1_epi32(dl_load_i32(x + 4 * d)); \
                a[0][0] = MAC(a[0][0], b, _mm256_loadu_si256((const __m256i *)w)); \
                a[0][1] = MAC(a[0][1], b, _mm256_loadu_si256((const __m256i *)(w + 32))); \
            } \
        } \
        const __m256i v0 = _mm256_add_epi32(_mm256_add_epi32(a[0][0], a[1][0]), _mm256_add_epi32(a[2][0], a[3][0])); \
        const __m256i v1 = _mm256_add_epi32(_mm256_add_epi32(a[0][1], a[1][1]), _mm256_add_epi32(a[2][1], a[3][1])); \
        dl_store_tile_row_avx2(rq, c0, n, v0, v1, kind, out, p->pixel_out[0] + c0); \
    } \
} \
/* 6 pixels × 16 channels: every weight load serves six pixels. */ \
TARGET static void NAME(const dl_phase *p, const uint8_t *in, const uint8_t *panels, \
                        const int32_t *bias, const dl_requant *rq, int32_t kind, void *out) { \
    if (p->pixels == 1) { NAME##_one_pixel(p, in, panels, bias, rq, kind, out); return; } \
    const int units = p->depth * (ELEM) / 4, K = p->taps * units; \
    for (int j = 0; j * DL_PANEL < p->cout; j++) { \
        const uint8_t *wp = panels + (size_t)j * K * 64; \
        const int c0 = j * DL_PANEL, n = DL_MIN(DL_PANEL, p->cout - c0); \
        const __m256i b0 = _mm256_loadu_si256((const __m256i *)(bias + c0)); \
        const __m256i b1 = _mm256_loadu_si256((const __m256i *)(bias + c0 + 8)); \
        for (int i = 0; i < p->pixels; i += DL_TILE_PIXELS) { \
            const int rows = DL_MIN(DL_TILE_PIXELS, p->pixels - i); \
            /* A short tile repeats its last pixel: computed, not stored. */ \
            const int32_t i0 = p->pixel_in[i], i1 = p->pixel_in[i + DL_MIN(1, rows - 1)], \
                i2 = p->pixel_in[i + DL_MIN(2, rows - 1)], i3 = p->pixel_in[i + DL_MIN(3, rows - 1)], \
                i4 = p->pixel_in[i + DL_MIN(4, rows - 1)], i5 = p->pixel_in[i + DL_MIN(5, rows - 1)]; \
            __m256i a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1; \
            __m256i a30 = b0, a31 = b1, a40 = b0, a41 = b1, a50 = b0, a51 = b1; \
            const uint8_t *w = wp; \
            for (int t = 0; t < p->taps; t++) { \
                const int32_t off = p->tap_in[t]; \
                const uint8_t *x0 = in + (size_t)(i0 + off) * (ELEM), *x1 = in + (size_t)(i1 + off) * (ELEM); \
                const uint8_t *x2 = in + (size_t)(i2 + off) * (ELEM), *x3 = in + (size_t)(i3 + off) * (ELEM); \
                const uint8_t *x4 = in + (size_t)(i4 + off) * (ELEM), *x5 = in + (size_t)(i5 + off) * (ELEM); \
                for (int d = 0; d < units; d++, w += 64) { \
                    const __m256i w0 = _mm256_loadu_si256((const __m256i *)w); \
                    const __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + 32)); \
                    DL_ROW_MAC(MAC, 0) DL_ROW_MAC(MAC, 1) DL_ROW_MAC(MAC, 2) \
                    DL_ROW_MAC(MAC, 3) DL_ROW_MAC(MAC, 4) DL_ROW_MAC(MAC, 5) \
                } \
            } \
            DL_ROW_STORE(0) DL_ROW_STORE(1) DL_ROW_STORE(2) DL_ROW_STORE(3) DL_ROW_STORE(4) DL_ROW_STORE(5) \
        } \
    } \
}
#endif
#endif
