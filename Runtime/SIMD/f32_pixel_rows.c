// Float transposed-convolution phase for layers with few output channels (the 3-channel last
// layer): vectorized across 16 neighbouring pixels of a row of a planar input instead of
// across channels, so no lane is wasted; the activation (LeakyReLU or sigmoid) in the store.
#include "internal.h"
#include <math.h>

static void store_block(const dl_pixel_grid *g, int m, int n0, int count, int c,
                        float *values, int32_t activation, float slope, float *out) {
    if (activation == 1) dl_sigmoid(values, count);
    else for (int k = 0; k < count; k++) if (values[k] < 0) values[k] *= slope;
    float *o = out + g->out_origin + m * g->out_row + n0 * g->out_col + c;
    for (int k = 0; k < count; k++) o[k * g->out_col] = values[k];
}

static void f32_pixel_rows_portable(const dl_pixel_grid *g, const int32_t *tap_in, int32_t taps,
                                    int32_t depth, int32_t cout, const float *in, const float *weights,
                                    const float *bias, int32_t activation, float slope, float *out) {
    for (int m = 0; m < g->rows; m++) {
        for (int n0 = 0; n0 < g->cols; n0 += DL_ROW_BLOCK) {
            const int count = DL_MIN(DL_ROW_BLOCK, g->cols - n0);
            for (int c = 0; c < cout; c++) {
                float acc[DL_ROW_BLOCK];
                for (int k = 0; k < DL_ROW_BLOCK; k++) acc[k] = bias[c];
                for (int t = 0; t < taps; t++) {
                    for (int d = 0; d < depth; d++) {
                        const float *x = in + (size_t)d * g->plane + g->in_origin + m * g->in_row + n0 + tap_in[t];
                        const float w = weights[((size_t)t * depth + d) * cout + c];
                        for (int k = 0; k < DL_ROW_BLOCK; k++) acc[k] += x[k] * w;
                    }
                }
                store_block(g, m, n0, count, c, acc, activation, slope, out);
            }
        }
    }
}

#ifdef DL_X86
DL_AVX2 static void f32_pixel_rows_avx2(const dl_pixel_grid *g, const int32_t *tap_in, int32_t taps,
                                        int32_t depth, int32_t cout, const float *in, const float *weights,
                                        const float *bias, int32_t activation, float slope, float *out) {
    for (int m = 0; m < g->rows; m++) {
        for (int n0 = 0; n0 < g->cols; n0 += DL_ROW_BLOCK) {
            const int count = DL_MIN(DL_ROW_BLOCK, g->cols - n0);
            // Up to 4 channels at a time: 8 accumulators of 8 pixels.
            for (int c0 = 0; c0 < cout; c0 += 4) {
                const int nc = DL_MIN(4, cout - c0);
                __m256 a[4][2];
                for (int c = 0; c < 4; c++) {
                    a[c][0] = a[c][1] = _mm256_set1_ps(bias[c0 + DL_MIN(c, nc - 1)]);
                }
                for (int t = 0; t < taps; t++) {
                    const float *x = in + g->in_origin + m * g->in_row + n0 + tap_in[t];
                    const float *w = weights + (size_t)t * depth * cout + c0;
                    for (int d = 0; d < depth; d++, x += g->plane, w += cout) {
                        const __m256 x0 = _mm256_loadu_ps(x), x1 = _mm256_loadu_ps(x + 8);
                        for (int c = 0; c < 4; c++) {
                            // Channels past cout repeat the last one (computed, not stored).
                            const __m256 wc = _mm256_broadcast_ss(w + DL_MIN(c, nc - 1));
                            a[c][0] = _mm256_fmadd_ps(x0, wc, a[c][0]);
                            a[c][1] = _mm256_fmadd_ps(x1, wc, a[c][1]);
                        }
                    }
                }
                for (int c = 0; c < nc; c++) {
                    float values[DL_ROW_BLOCK];
                    _mm256_storeu_ps(values, a[c][0]);
                    _mm256_storeu_ps(values + 8, a[c][1]);
                    store_block(g, m, n0, count, c0 + c, values, activation, slope, out);
                }
            }
        }
    }
}
#endif

void dl_f32_pixel_rows(const dl_pixel_grid *g, const int32_t *tap_in, int32_t taps, int32_t depth,
                       int32_t cout, const float *in, const float *weights, const float *bias,
                       int32_t activation, float slope, float *out) {
#ifdef DL_X86
    if (dl_simd_active() >= DL_SIMD_AVX2) {
        f32_pixel_rows_avx2(g, tap_in, taps, depth, cout, in, weights, bias, activation, slope, out);
        return;
    }
#endif
    f32_pixel_rows_portable(g, tap_in, taps, depth, cout, in, weights, bias, activation, slope, out);
}
