// Integer transposed-convolution phase for layers with few output channels (the 3-channel
// last layer, whose raw accumulators go to the sigmoid table): vectorized across 16
// neighbouring pixels of a row; the input is planar in channel pairs so that one load gives
// 8 pixels' pairs for vpmaddwd and a broadcast gives the pair's two weights.
#include "internal.h"

static void store_block(const dl_pixel_grid *g, int m, int n0, int count, int c, int32_t *values,
                        const dl_requant *rq, int32_t kind, void *out) {
    if (kind != DL_OUT_INT32) for (int k = 0; k < count; k++) values[k] = dl_requant_code(rq, c, values[k]);
    const int32_t base = g->out_origin + m * g->out_row + n0 * g->out_col + c;
    for (int k = 0; k < count; k++) dl_store_codes(values + k, 1, kind, out, base + k * g->out_col);
}

static void i16_pixel_rows_portable(const dl_pixel_grid *g, const int32_t *tap_in, int32_t taps,
                                    int32_t depth, int32_t cout, const int16_t *in, const int16_t *weights,
                                    const int32_t *bias, const dl_requant *rq, int32_t kind, void *out) {
    const int pairs = depth / 2;
    for (int m = 0; m < g->rows; m++) {
        for (int n0 = 0; n0 < g->cols; n0 += DL_ROW_BLOCK) {
            const int count = DL_MIN(DL_ROW_BLOCK, g->cols - n0);
            for (int c = 0; c < cout; c++) {
                int32_t acc[DL_ROW_BLOCK];
                for (int k = 0; k < DL_ROW_BLOCK; k++) acc[k] = bias[c];
                for (int t = 0; t < taps; t++) {
                    for (int d = 0; d < pairs; d++) {
                        const int16_t *x = in + 2 * ((size_t)d * g->plane + g->in_origin + m * g->in_row + n0 + tap_in[t]);
                        const int16_t *w = weights + 2 * (((size_t)t * pairs + d) * cout + c);
                        for (int k = 0; k < DL_ROW_BLOCK; k++)
                            acc[k] = (int32_t)((uint32_t)acc[k] + (uint32_t)(x[2 * k] * w[0] + x[2 * k + 1] * w[1]));
                    }
                }
                store_block(g, m, n0, count, c, acc, rq, kind, out);
            }
        }
    }
}

#ifdef DL_X86
// The AVX2 kernel and its AVX-512 VNNI twin, which fuses vpmaddwd and vpaddd into vpdpwssd.
#define PIXEL_ROWS_KERNEL(NAME, TARGET, MADD_ADD) \
TARGET static void NAME(const dl_pixel_grid *g, const int32_t *tap_in, int32_t taps, \
                        int32_t depth, int32_t cout, const int16_t *in, const int16_t *weights, \
                        const int32_t *bias, const dl_requant *rq, int32_t kind, void *out) { \
    const int pairs = depth / 2; \
    const int32_t *in32 = (const int32_t *)in; \
    const int32_t *w32 = (const int32_t *)weights; \
    for (int m = 0; m < g->rows; m++) { \
        for (int n0 = 0; n0 < g->cols; n0 += DL_ROW_BLOCK) { \
            const int count = DL_MIN(DL_ROW_BLOCK, g->cols - n0); \
            for (int c0 = 0; c0 < cout; c0 += 4) { \
                const int nc = DL_MIN(4, cout - c0); \
                __m256i a[4][2]; \
                for (int c = 0; c < 4; c++) a[c][0] = a[c][1] = _mm256_set1_epi32(bias[c0 + DL_MIN(c, nc - 1)]); \
                for (int t = 0; t < taps; t++) { \
                    const int32_t *x = in32 + g->in_origin + m * g->in_row + n0 + tap_in[t]; \
                    const int32_t *w = w32 + (size_t)t * pairs * cout + c0; \
                    for (int d = 0; d < pairs; d++, x += g->plane, w += cout) { \
                        const __m256i x0 = _mm256_loadu_si256((const __m256i *)x); \
                        const __m256i x1 = _mm256_loadu_si256((const __m256i *)(x + 8)); \
                        for (int c = 0; c < 4; c++) { \
                            const __m256i wc = _mm256_set1_epi32(w[DL_MIN(c, nc - 1)]); \
                            a[c][0] = MADD_ADD(a[c][0], x0, wc); \
                            a[c][1] = MADD_ADD(a[c][1], x1, wc); \
                        } \
                    } \
                } \
                for (int c = 0; c < nc; c++) { \
                    int32_t values[DL_ROW_BLOCK]; \
                    _mm256_storeu_si256((__m256i *)values, a[c][0]); \
                    _mm256_storeu_si256((__m256i *)(values + 8), a[c][1]); \
                    store_block(g, m, n0, count, c0 + c, values, rq, kind, out); \
                } \
            } \
        } \
    } \
}
#define MADD_ADD_AVX2(acc, x, w) _mm256_add_epi32(acc, _mm256_madd_epi16(x, w))
#define MADD_ADD_VNNI(acc, x, w) _mm256_dpwssd_epi32(acc, x, w)
PIXEL_ROWS_KERNEL(i16_pixel_rows_avx2, DL_AVX2, MADD_ADD_AVX2)
PIXEL_ROWS_KERNEL(i16_pixel_rows_vnni, DL_VNNI, MADD_ADD_VNNI)
#endif

void dl_i16_pixel_rows(const dl_pixel_grid *g, const int32_t *tap_in, int32_t taps, int32_t depth,
                       int32_t cout, const int16_t *in, const int16_t *weights, const int32_t *bias,
                       const dl_requant *rq, int32_t out_kind, void *out) {
#ifdef DL_X86
    if (dl_simd_active() >= DL_SIMD_AVX512VNNI) {
        i16_pixel_rows_vnni(g, tap_in, taps, depth, cout, in, weights, bias, rq, out_kind, out);
        return;
    }
    if (dl_simd_active() >= DL_SIMD_AVX2) {
        i16_pixel_rows_avx2(g, tap_in, taps, depth, cout, in, weights, bias, rq, out_kind, out);
        return;
    }
#endif
#if defined(__wasm_simd128__)
    if (dl_simd_active() == DL_SIMD_SIMD128) {
        dl_i16_pixel_rows_simd128(g, tap_in, taps, depth, cout, in, weights, bias, rq, out_kind, out);
        return;
    }
#endif
    i16_pixel_rows_portable(g, tap_in, taps, depth, cout, in, weights, bias, rq, out_kind, out);
}
