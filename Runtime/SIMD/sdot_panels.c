// Integer transposed-convolution phase with the Armv8.2 dot product (sdot, the "asimddp" of
// /proc/cpuinfo: Cortex-A76, the Raspberry Pi 5): one instruction multiplies 4 signed input
// codes by the 4 weights of each of 4 output channels and adds the sums into 4 int32 lanes —
// 16 products, where the plain NEON kernel's vmlal does 4. The layout is dl_u8_panels' (4-byte
// units of input channels, 64 weight bytes per unit for 16 channels) on the int8 codes
// themselves (signed × signed: no +128 offset), the register tile the NEON kernels' (6 pixels ×
// 16 channels, 24 accumulators). Exact: int8 products summed in int32, as the reference kernel.
// Chosen at run time from getauxval(AT_HWCAP) (cpu.c); the rest of the binary stays Armv8.0.
#include "internal.h"

#if defined(__aarch64__)
#include <arm_neon.h>

#define DL_SDOT __attribute__((target("dotprod")))

/// One 4-byte unit of input codes in every 32-bit lane.
DL_SDOT static inline int8x16_t dl_unit(const int8_t *x) {
    return vreinterpretq_s8_s32(vdupq_n_s32(dl_load_i32(x)));
}

DL_SDOT void dl_s8_panels_sdot(const dl_phase *p, const int8_t *in, const int8_t *panels, const int32_t *bias,
                               const dl_requant *rq, int32_t kind, void *out) {
    const int units = p->depth / 4, K = p->taps * units;
    for (int j = 0; j * DL_PANEL < p->cout; j++) {
        const int8_t *wp = panels + (size_t)j * K * 64;
        const int c0 = j * DL_PANEL, n = DL_MIN(DL_PANEL, p->cout - c0);
        for (int i = 0; i < p->pixels; i += DL_TILE_PIXELS) {
            const int rows = DL_MIN(DL_TILE_PIXELS, p->pixels - i);
            // A short tile repeats its last pixel: computed, not stored.
            int32_t base[DL_TILE_PIXELS];
            for (int r = 0; r < DL_TILE_PIXELS; r++) base[r] = p->pixel_in[i + DL_MIN(r, rows - 1)];
            int32x4_t a[DL_TILE_PIXELS][4];
            for (int r = 0; r < DL_TILE_PIXELS; r++)
                for (int q = 0; q < 4; q++) a[r][q] = vld1q_s32(bias + c0 + 4 * q);
            const int8_t *w = wp;
            for (int t = 0; t < p->taps; t++) {
                const int8_t *x[DL_TILE_PIXELS];
                for (int r = 0; r < DL_TILE_PIXELS; r++) x[r] = in + base[r] + p->tap_in[t];
                for (int d = 0; d < units; d++, w += 64) {
                    // Channels 4q ... 4q+3, four weights each.
                    const int8x16_t w0 = vld1q_s8(w), w1 = vld1q_s8(w + 16), w2 = vld1q_s8(w + 32), w3 = vld1q_s8(w + 48);
                    for (int r = 0; r < DL_TILE_PIXELS; r++) {
                        const int8x16_t u = dl_unit(x[r] + 4 * d);
                        a[r][0] = vdotq_s32(a[r][0], w0, u); a[r][1] = vdotq_s32(a[r][1], w1, u);
                        a[r][2] = vdotq_s32(a[r][2], w2, u); a[r][3] = vdotq_s32(a[r][3], w3, u);
                    }
                }
            }
            for (int r = 0; r < rows; r++) {
                int32_t acc[DL_PANEL];
                for (int q = 0; q < 4; q++) vst1q_s32(acc + 4 * q, a[r][q]);
                if (kind != DL_OUT_INT32) for (int c = 0; c < n; c++) acc[c] = dl_requant_code(rq, c0 + c, acc[c]);
                dl_store_codes(acc, n, kind, out, p->pixel_out[i + r] + c0);
            }
        }
    }
}
#endif

int dl_s8_panels_available(void) {
    return dl_simd_active() == DL_SIMD_NEON_SDOT;
}

int dl_s8_panels(const dl_phase *p, const int8_t *in, const int8_t *panels, const int32_t *bias,
                 const dl_requant *rq, int32_t out_kind, void *out) {
#if defined(__aarch64__)
    if (dl_simd_active() == DL_SIMD_NEON_SDOT) {
        dl_s8_panels_sdot(p, in, panels, bias, rq, out_kind, out);
        return 1;
    }
#endif
    (void)p; (void)in; (void)panels; (void)bias; (void)rq; (void)out_kind; (void)out;
    return 0;
}
