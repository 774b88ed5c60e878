// Integer transposed-convolution phase as a register-tiled GEMM over channel panels, on
// 16-bit inputs (int8 codes widened, or the int16 activations): products of channel pairs
// summed into int32 by vpmaddwd (exact: no 16-bit saturation), 6 pixels × 16 channels of
// accumulators in registers, requantization with LeakyReLU fused in the store.
#include "internal.h"

static void i16_panels_portable(const dl_phase *p, const int16_t *in, const int16_t *panels,
                                const int32_t *bias, const dl_requant *rq, int32_t kind, void *out) {
    const int pairs = p->depth / 2, K2 = p->taps * pairs;
    for (int j = 0; j * DL_PANEL < p->cout; j++) {
        const int16_t *wp = panels + (size_t)j * K2 * DL_PANEL * 2;
        const int c0 = j * DL_PANEL, n = DL_MIN(DL_PANEL, p->cout - c0);
        for (int i = 0; i < p->pixels; i++) {
            int32_t acc[DL_PANEL];
            for (int c = 0; c < DL_PANEL; c++) acc[c] = bias[c0 + c];
            const int16_t *w = wp;
            for (int t = 0; t < p->taps; t++) {
                const int16_t *x = in + p->pixel_in[i] + p->tap_in[t];
                for (int d = 0; d < pairs; d++, w += 2 * DL_PANEL) {
                    const int32_t x0 = x[2 * d], x1 = x[2 * d + 1];
                    for (int c = 0; c < DL_PANEL; c++)
                        acc[c] = (int32_t)((uint32_t)acc[c] + (uint32_t)(x0 * w[2 * c] + x1 * w[2 * c + 1]));
                }
            }
            if (kind != DL_OUT_INT32) for (int c = 0; c < n; c++) acc[c] = dl_requant_code(rq, c0 + c, acc[c]);
            dl_store_codes(acc, n, kind, out, p->pixel_out[i] + c0);
        }
    }
}

#ifdef DL_X86
#define ROW_MADD(r) { __m256i b = _mm256_set1_epi32(dl_load_i32(x##r + 2 * d)); \
    a##r##0 = _mm256_add_epi32(a##r##0, _mm256_madd_epi16(b, w0)); \
    a##r##1 = _mm256_add_epi32(a##r##1, _mm256_madd_epi16(b, w1)); }
#define ROW_STORE(r) if (r < rows) dl_store_tile_row_avx2(rq, c0, n, a##r##0, a##r##1, kind, out, p->pixel_out[i + r] + c0);

/// One pixel (a dense layer, the generator's 1×1 latent): four independent accumulator pairs.
DL_AVX2 static void i16_one_pixel_avx2(const dl_phase *p, const int16_t *in, const int16_t *panels,
                                       const int32_t *bias, const dl_requant *rq, int32_t kind, void *out) {
    const int pairs = p->depth / 2, K2 = p->taps * pairs;
    for (int j = 0; j * DL_PANEL < p->cout; j++) {
        const int16_t *w = panels + (size_t)j * K2 * DL_PANEL * 2;
        const int c0 = j * DL_PANEL, n = DL_MIN(DL_PANEL, p->cout - c0);
        __m256i a[4][2];
        for (int u = 0; u < 4; u++) a[u][0] = a[u][1] = _mm256_setzero_si256();
        a[0][0] = _mm256_loadu_si256((const __m256i *)(bias + c0));
        a[0][1] = _mm256_loadu_si256((const __m256i *)(bias + c0 + 8));
        for (int t = 0; t < p->taps; t++) {
            const int16_t *x = in + p->pixel_in[0] + p->tap_in[t];
            int d = 0;
            for (; d + 4 <= pairs; d += 4, w += 8 * DL_PANEL) {
                for (int u = 0; u < 4; u++) {
                    const __m256i b = _mm256_set1_epi32(dl_load_i32(x + 2 * (d + u)));
                    a[u][0] = _mm256_add_epi32(a[u][0], _mm256_madd_epi16(b, _mm256_loadu_si256((const __m256i *)(w + 2 * u * DL_PANEL))));
                    a[u][1] = _mm256_add_epi32(a[u][1], _mm256_madd_epi16(b, _mm256_loadu_si256((const __m256i *)(w + 2 * u * DL_PANEL + 16))));
                }
            }
            for (; d < pairs; d++, w += 2 * DL_PANEL) {
                const __m256i b = _mm256_set1_epi32(dl_load_i32(x + 2 * d));
                a[0][0] = _mm256_add_epi32(a[0][0], _mm256_madd_epi16(b, _mm256_loadu_si256((const __m256i *)w)));
                a[0][1] = _mm256_add_epi32(a[0][1], _mm256_madd_epi16(b, _mm256_loadu_si256((const __m256i *)(w + 16))));
            }
        }
        __m256i v0 = _mm256_add_epi32(_mm256_add_epi32(a[0][0], a[1][0]), _mm256_add_epi32(a[2][0], a[3][0]));
        __m256i v1 = _mm256_add_epi32(_mm256_add_epi32(a[0][1], a[1][1]), _mm256_add_epi32(a[2][1], a[3][1]));
        dl_store_tile_row_avx2(rq, c0, n, v0, v1, kind, out, p->pixel_out[0] + c0);
    }
}

DL_AVX2 static void i16_panels_avx2(const dl_phase *p, const int16_t *in, const int16_t *panels,
                                    const int32_t *bias, const dl_requant *rq, int32_t kind, void *out) {
    if (p->pixels == 1) { i16_one_pixel_avx2(p, in, panels, bias, rq, kind, out); return; }
    const int pairs = p->depth / 2, K2 = p->taps * pairs;
    for (int j = 0; j * DL_PANEL < p->cout; j++) {
        const int16_t *wp = panels + (size_t)j * K2 * DL_PANEL * 2;
        const int c0 = j * DL_PANEL, n = DL_MIN(DL_PANEL, p->cout - c0);
        const __m256i b0 = _mm256_loadu_si256((const __m256i *)(bias + c0));
        const __m256i b1 = _mm256_loadu_si256((const __m256i *)(bias + c0 + 8));
        for (int i = 0; i < p->pixels; i += DL_TILE_PIXELS) {
            const int rows = DL_MIN(DL_TILE_PIXELS, p->pixels - i);
            const int32_t i0 = p->pixel_in[i], i1 = p->pixel_in[i + DL_MIN(1, rows - 1)],
                i2 = p->pixel_in[i + DL_MIN(2, rows - 1)], i3 = p->pixel_in[i + DL_MIN(3, rows - 1)],
                i4 = p->pixel_in[i + DL_MIN(4, rows - 1)], i5 = p->pixel_in[i + DL_MIN(5, rows - 1)];
            __m256i a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1;
            __m256i a30 = b0, a31 = b1, a40 = b0, a41 = b1, a50 = b0, a51 = b1;
            const int16_t *w = wp;
            for (int t = 0; t < p->taps; t++) {
                const int32_t off = p->tap_in[t];
                const int16_t *x0 = in + i0 + off, *x1 = in + i1 + off, *x2 = in + i2 + off;
                const int16_t *x3 = in + i3 + off, *x4 = in + i4 + off, *x5 = in + i5 + off;
                for (int d = 0; d < pairs; d++, w += 2 * DL_PANEL) {
                    const __m256i w0 = _mm256_loadu_si256((const __m256i *)w);
                    const __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + 16));
                    ROW_MADD(0) ROW_MADD(1) ROW_MADD(2) ROW_MADD(3) ROW_MADD(4) ROW_MADD(5)
                }
            }
            ROW_STORE(0) ROW_STORE(1) ROW_STORE(2) ROW_STORE(3) ROW_STORE(4) ROW_STORE(5)
        }
    }
}
#endif

void dl_i16_panels(const dl_phase *p, const int16_t *in, const int16_t *panels, const int32_t *bias,
                   const dl_requant *rq, int32_t out_kind, void *out) {
#ifdef DL_X86
    if (dl_simd_active() >= DL_SIMD_AVX2) { i16_panels_avx2(p, in, panels, bias, rq, out_kind, out); return; }
#endif
    i16_panels_portable(p, in, panels, bias, rq, out_kind, out);
}
