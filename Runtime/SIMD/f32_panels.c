// Float transposed-convolution phase as a register-tiled GEMM over channel panels:
// 6 pixels × 16 output channels of accumulators stay in registers for the whole reduction
// (taps × depth); bias first, LeakyReLU in the store.
#include "internal.h"

static void f32_panels_portable(const dl_phase *p, const float *in, const float *panels,
                                const float *bias, float slope, float *out) {
    const int K = p->taps * p->depth;
    for (int j = 0; j * DL_PANEL < p->cout; j++) {
        const float *wp = panels + (size_t)j * K * DL_PANEL;
        const int c0 = j * DL_PANEL, n = DL_MIN(DL_PANEL, p->cout - c0);
        for (int i = 0; i < p->pixels; i++) {
            float acc[DL_PANEL];
            for (int c = 0; c < DL_PANEL; c++) acc[c] = bias[c0 + c];
            const float *w = wp;
            for (int t = 0; t < p->taps; t++) {
                const float *x = in + p->pixel_in[i] + p->tap_in[t];
                for (int d = 0; d < p->depth; d++, w += DL_PANEL) {
                    const float v = x[d];
                    for (int c = 0; c < DL_PANEL; c++) acc[c] += v * w[c];
                }
            }
            float *o = out + p->pixel_out[i] + c0;
            for (int c = 0; c < n; c++) o[c] = acc[c] < 0 ? acc[c] * slope : acc[c];
        }
    }
}

#ifdef DL_X86
#define ROW_FMA(r) { __m256 b = _mm256_broadcast_ss(x##r + d); \
    a##r##0 = _mm256_fmadd_ps(b, w0, a##r##0); a##r##1 = _mm256_fmadd_ps(b, w1, a##r##1); }
#define ROW_STORE(r) if (r < rows) { \
    __m256 v0 = _mm256_blendv_ps(a##r##0, _mm256_mul_ps(a##r##0, vs), a##r##0); \
    __m256 v1 = _mm256_blendv_ps(a##r##1, _mm256_mul_ps(a##r##1, vs), a##r##1); \
    float *o = out + p->pixel_out[i + r] + c0; \
    if (n == DL_PANEL) { _mm256_storeu_ps(o, v0); _mm256_storeu_ps(o + 8, v1); } \
    else { float tmp[DL_PANEL]; _mm256_storeu_ps(tmp, v0); _mm256_storeu_ps(tmp + 8, v1); \
           for (int c = 0; c < n; c++) o[c] = tmp[c]; } }

/// One pixel (a dense layer, the generator's 1×1 latent): no tile to share the weight loads,
/// so the reduction is split over four accumulator pairs to hide the FMA latency instead.
DL_AVX2 static void f32_one_pixel_avx2(const dl_phase *p, const float *in, const float *panels,
                                       const float *bias, float slope, float *out) {
    const int K = p->taps * p->depth;
    const __m256 vs = _mm256_set1_ps(slope);
    for (int j = 0; j * DL_PANEL < p->cout; j++) {
        const float *w = panels + (size_t)j * K * DL_PANEL;
        const int c0 = j * DL_PANEL, n = DL_MIN(DL_PANEL, p->cout - c0);
        __m256 a[4][2];
        for (int u = 0; u < 4; u++) a[u][0] = a[u][1] = _mm256_setzero_ps();
        a[0][0] = _mm256_loadu_ps(bias + c0); a[0][1] = _mm256_loadu_ps(bias + c0 + 8);
        for (int t = 0; t < p->taps; t++) {
            const float *x = in + p->pixel_in[0] + p->tap_in[t];
            int d = 0;
            for (; d + 4 <= p->depth; d += 4, w += 4 * DL_PANEL) {
                for (int u = 0; u < 4; u++) {
                    const __m256 b = _mm256_broadcast_ss(x + d + u);
                    a[u][0] = _mm256_fmadd_ps(b, _mm256_loadu_ps(w + u * DL_PANEL), a[u][0]);
                    a[u][1] = _mm256_fmadd_ps(b, _mm256_loadu_ps(w + u * DL_PANEL + 8), a[u][1]);
                }
            }
            for (; d < p->depth; d++, w += DL_PANEL) {
                const __m256 b = _mm256_broadcast_ss(x + d);
                a[0][0] = _mm256_fmadd_ps(b, _mm256_loadu_ps(w), a[0][0]);
                a[0][1] = _mm256_fmadd_ps(b, _mm256_loadu_ps(w + 8), a[0][1]);
            }
        }
        __m256 v0 = _mm256_add_ps(_mm256_add_ps(a[0][0], a[1][0]), _mm256_add_ps(a[2][0], a[3][0]));
        __m256 v1 = _mm256_add_ps(_mm256_add_ps(a[0][1], a[1][1]), _mm256_add_ps(a[2][1], a[3][1]));
        v0 = _mm256_blendv_ps(v0, _mm256_mul_ps(v0, vs), v0);
        v1 = _mm256_blendv_ps(v1, _mm256_mul_ps(v1, vs), v1);
        float tmp[DL_PANEL];
        _mm256_storeu_ps(tmp, v0); _mm256_storeu_ps(tmp + 8, v1);
        float *o = out + p->pixel_out[0] + c0;
        for (int c = 0; c < n; c++) o[c] = tmp[c];
    }
}

DL_AVX2 static void f32_panels_avx2(const dl_phase *p, const float *in, const float *panels,
                                    const float *bias, float slope, float *out) {
    if (p->pixels == 1) { f32_one_pixel_avx2(p, in, panels, bias, slope, out); return; }
    const int K = p->taps * p->depth;
    const __m256 vs = _mm256_set1_ps(slope);
    for (int j = 0; j * DL_PANEL < p->cout; j++) {
        const float *wp = panels + (size_t)j * K * DL_PANEL;
        const int c0 = j * DL_PANEL, n = DL_MIN(DL_PANEL, p->cout - c0);
        const __m256 b0 = _mm256_loadu_ps(bias + c0), b1 = _mm256_loadu_ps(bias + c0 + 8);
        for (int i = 0; i < p->pixels; i += DL_TILE_PIXELS) {
            const int rows = DL_MIN(DL_TILE_PIXELS, p->pixels - i);
            // A short tile repeats its last pixel: computed, not stored.
            const int32_t i0 = p->pixel_in[i], i1 = p->pixel_in[i + DL_MIN(1, rows - 1)],
                i2 = p->pixel_in[i + DL_MIN(2, rows - 1)], i3 = p->pixel_in[i + DL_MIN(3, rows - 1)],
                i4 = p->pixel_in[i + DL_MIN(4, rows - 1)], i5 = p->pixel_in[i + DL_MIN(5, rows - 1)];
            __m256 a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1;
            __m256 a30 = b0, a31 = b1, a40 = b0, a41 = b1, a50 = b0, a51 = b1;
            const float *w = wp;
            for (int t = 0; t < p->taps; t++) {
                const int32_t off = p->tap_in[t];
                const float *x0 = in + i0 + off, *x1 = in + i1 + off, *x2 = in + i2 + off;
                const float *x3 = in + i3 + off, *x4 = in + i4 + off, *x5 = in + i5 + off;
                for (int d = 0; d < p->depth; d++, w += DL_PANEL) {
                    const __m256 w0 = _mm256_loadu_ps(w), w1 = _mm256_loadu_ps(w + 8);
                    ROW_FMA(0) ROW_FMA(1) ROW_FMA(2) ROW_FMA(3) ROW_FMA(4) ROW_FMA(5)
                }
            }
            ROW_STORE(0) ROW_STORE(1) ROW_STORE(2) ROW_STORE(3) ROW_STORE(4) ROW_STORE(5)
        }
    }
}
#endif

void dl_f32_panels(const dl_phase *p, const float *in, const float *panels, const float *bias,
                   float slope, float *out) {
#ifdef DL_X86
    if (dl_simd_active() >= DL_SIMD_AVX2) { f32_panels_avx2(p, in, panels, bias, slope, out); return; }
#endif
#if defined(DL_NEON)
    if (dl_simd_active() >= DL_SIMD_NEON) { dl_f32_panels_neon(p, in, panels, bias, slope, out); return; }
#endif
#if defined(__wasm_simd128__)
    if (dl_simd_active() == DL_SIMD_SIMD128) { dl_f32_panels_simd128(p, in, panels, bias, slope, out); return; }
#endif
    f32_panels_portable(p, in, panels, bias, slope, out);
}
