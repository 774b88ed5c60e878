// Integer transposed-convolution phase as a register-tiled GEMM over channel panels, on
// 16-bit inputs (int8 codes widened, or the int16 activations): products of channel pairs
// summed into int32 by vpmaddwd (exact: no 16-bit saturation) or VNNI's vpdpwssd, 6 pixels ×
// 16 channels of accumulators in registers (int_panels.h), requantization with LeakyReLU fused
// in the store. The portable version below is the same arithmetic in plain C.
#include "int_panels.h"

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
DL_INT_PANELS(i16_panels_avx2, DL_AVX2, 2, DL_MAC_MADD)
DL_INT_PANELS(i16_panels_vnni, DL_VNNI, 2, DL_MAC_DPWSSD)
#endif

void dl_i16_panels(const dl_phase *p, const int16_t *in, const int16_t *panels, const int32_t *bias,
                   const dl_requant *rq, int32_t out_kind, void *out) {
#ifdef DL_X86
    const uint8_t *x = (const uint8_t *)in, *w = (const uint8_t *)panels;
    if (dl_simd_active() >= DL_SIMD_AVX512VNNI) { i16_panels_vnni(p, x, w, bias, rq, out_kind, out); return; }
    if (dl_simd_active() >= DL_SIMD_AVX2) { i16_panels_avx2(p, x, w, bias, rq, out_kind, out); return; }
#endif
#if defined(DL_NEON)
    if (dl_simd_active() >= DL_SIMD_NEON) { dl_i16_panels_neon(p, in, panels, bias, rq, out_kind, out); return; }
#endif
#if defined(__wasm_simd128__)
    if (dl_simd_active() == DL_SIMD_SIMD128) { dl_i16_panels_simd128(p, in, panels, bias, rq, out_kind, out); return; }
#endif
    i16_panels_portable(p, in, panels, bias, rq, out_kind, out);
}
