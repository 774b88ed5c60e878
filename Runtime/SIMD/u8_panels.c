// Integer transposed-convolution phase on AVX-512 VNNI: vpdpbusd multiplies 4 unsigned input
// bytes (int8 code + 128) by 4 signed weights and adds them into int32 in one instruction,
// twice the multiply-adds of vpmaddwd per instruction. The +128 offset is taken out through
// the (per-phase) bias; the register tile and the store are those of dl_i16_panels.
#include "internal.h"

#ifdef DL_X86
#define ROW_DOT(r) { __m256i b = _mm256_set1_epi32(dl_load_i32(x##r + 4 * d)); \
    a##r##0 = _mm256_dpbusd_epi32(a##r##0, b, w0); a##r##1 = _mm256_dpbusd_epi32(a##r##1, b, w1); }
#define ROW_STORE(r) if (r < rows) dl_store_tile_row_avx2(rq, c0, n, a##r##0, a##r##1, kind, out, p->pixel_out[i + r] + c0);

/// One pixel (a dense layer): four independent accumulator pairs.
DL_VNNI static void u8_one_pixel_vnni(const dl_phase *p, const uint8_t *in, const int8_t *panels,
                                      const int32_t *bias, const dl_requant *rq, int32_t kind, void *out) {
    const int quads = p->depth / 4, K4 = p->taps * quads;
    for (int j = 0; j * DL_PANEL < p->cout; j++) {
        const int8_t *w = panels + (size_t)j * K4 * DL_PANEL * 4;
        const int c0 = j * DL_PANEL, n = DL_MIN(DL_PANEL, p->cout - c0);
        __m256i a[4][2];
        for (int u = 0; u < 4; u++) a[u][0] = a[u][1] = _mm256_setzero_si256();
        a[0][0] = _mm256_loadu_si256((const __m256i *)(bias + c0));
        a[0][1] = _mm256_loadu_si256((const __m256i *)(bias + c0 + 8));
        for (int t = 0; t < p->taps; t++) {
            const uint8_t *x = in + p->pixel_in[0] + p->tap_in[t];
            int d = 0;
            for (; d + 4 <= quads; d += 4, w += 16 * DL_PANEL) {
                for (int u = 0; u < 4; u++) {
                    const __m256i b = _mm256_set1_epi32(dl_load_i32(x + 4 * (d + u)));
                    a[u][0] = _mm256_dpbusd_epi32(a[u][0], b, _mm256_loadu_si256((const __m256i *)(w + 4 * u * DL_PANEL)));
                    a[u][1] = _mm256_dpbusd_epi32(a[u][1], b, _mm256_loadu_si256((const __m256i *)(w + 4 * u * DL_PANEL + 32)));
                }
            }
            for (; d < quads; d++, w += 4 * DL_PANEL) {
                const __m256i b = _mm256_set1_epi32(dl_load_i32(x + 4 * d));
                a[0][0] = _mm256_dpbusd_epi32(a[0][0], b, _mm256_loadu_si256((const __m256i *)w));
                a[0][1] = _mm256_dpbusd_epi32(a[0][1], b, _mm256_loadu_si256((const __m256i *)(w + 32)));
            }
        }
        __m256i v0 = _mm256_add_epi32(_mm256_add_epi32(a[0][0], a[1][0]), _mm256_add_epi32(a[2][0], a[3][0]));
        __m256i v1 = _mm256_add_epi32(_mm256_add_epi32(a[0][1], a[1][1]), _mm256_add_epi32(a[2][1], a[3][1]));
        dl_store_tile_row_avx2(rq, c0, n, v0, v1, kind, out, p->pixel_out[0] + c0);
    }
}

DL_VNNI static void u8_panels_vnni(const dl_phase *p, const uint8_t *in, const int8_t *panels,
                                   const int32_t *bias, const dl_requant *rq, int32_t kind, void *out) {
    if (p->pixels == 1) { u8_one_pixel_vnni(p, in, panels, bias, rq, kind, out); return; }
    const int quads = p->depth / 4, K4 = p->taps * quads;
    for (int j = 0; j * DL_PANEL < p->cout; j++) {
        const int8_t *wp = panels + (size_t)j * K4 * DL_PANEL * 4;
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
            const int8_t *w = wp;
            for (int t = 0; t < p->taps; t++) {
                const int32_t off = p->tap_in[t];
                const uint8_t *x0 = in + i0 + off, *x1 = in + i1 + off, *x2 = in + i2 + off;
                const uint8_t *x3 = in + i3 + off, *x4 = in + i4 + off, *x5 = in + i5 + off;
                for (int d = 0; d < quads; d++, w += 4 * DL_PANEL) {
                    const __m256i w0 = _mm256_loadu_si256((const __m256i *)w);
                    const __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + 32));
                    ROW_DOT(0) ROW_DOT(1) ROW_DOT(2) ROW_DOT(3) ROW_DOT(4) ROW_DOT(5)
                }
            }
            ROW_STORE(0) ROW_STORE(1) ROW_STORE(2) ROW_STORE(3) ROW_STORE(4) ROW_STORE(5)
        }
    }
}
#endif

int dl_u8_panels(const dl_phase *p, const uint8_t *in, const int8_t *panels, const int32_t *bias,
                 const dl_requant *rq, int32_t out_kind, void *out) {
#ifdef DL_X86
    if (dl_simd_active() >= DL_SIMD_AVX512VNNI) { u8_panels_vnni(p, in, panels, bias, rq, out_kind, out); return 1; }
#endif
    (void)p; (void)in; (void)panels; (void)bias; (void)rq; (void)out_kind; (void)out;
    return 0;
}
