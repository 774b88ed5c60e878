// The panel kernels for aarch64 Advanced SIMD (NEON): the same 6-pixel × 16-channel register
// tile as the AVX2 ones — 24 accumulators of 4 lanes in the 32 vector registers. Float with
// fused multiply-adds (vfmaq); integers on 16-bit pairs, deinterleaved by vld2q into the even
// and the odd input channel's weights and accumulated with widening vmlal into int32 (exact).
// The same source for aarch64 and 32-bit armv7 (NEON + VFPv4): only the float multiply-add by
// a scalar is aarch64-only (vfmaq_n_f32); armv7 broadcasts the scalar first, the same fused
// operation. On armv7 the 24 accumulators exceed its 16 quad registers and partly live on the
// stack (correct, slower; not measured on a board). Checked against the reference kernels under
// qemu-aarch64 and qemu-arm (`duralava selftest`, BoardEmulationTests).
#include "internal.h"

#if defined(DL_NEON)
#include <arm_neon.h>

#if defined(__aarch64__)
#define DL_FMA_N(a, w, v) vfmaq_n_f32(a, w, v)
#else
#define DL_FMA_N(a, w, v) vfmaq_f32(a, w, vdupq_n_f32(v))
#endif

void dl_f32_panels_neon(const dl_phase *p, const float *in, const float *panels, const float *bias,
                        float slope, float *out) {
    const int K = p->taps * p->depth;
    for (int j = 0; j * DL_PANEL < p->cout; j++) {
        const float *wp = panels + (size_t)j * K * DL_PANEL;
        const int c0 = j * DL_PANEL, n = DL_MIN(DL_PANEL, p->cout - c0);
        for (int i = 0; i < p->pixels; i += DL_TILE_PIXELS) {
            const int rows = DL_MIN(DL_TILE_PIXELS, p->pixels - i);
            int32_t base[DL_TILE_PIXELS];
            for (int r = 0; r < DL_TILE_PIXELS; r++) base[r] = p->pixel_in[i + DL_MIN(r, rows - 1)];
            float32x4_t a[DL_TILE_PIXELS][4];
            for (int r = 0; r < DL_TILE_PIXELS; r++)
                for (int q = 0; q < 4; q++) a[r][q] = vld1q_f32(bias + c0 + 4 * q);
            const float *w = wp;
            for (int t = 0; t < p->taps; t++) {
                const float *x[DL_TILE_PIXELS];
                for (int r = 0; r < DL_TILE_PIXELS; r++) x[r] = in + base[r] + p->tap_in[t];
                for (int d = 0; d < p->depth; d++, w += DL_PANEL) {
                    const float32x4_t w0 = vld1q_f32(w), w1 = vld1q_f32(w + 4), w2 = vld1q_f32(w + 8), w3 = vld1q_f32(w + 12);
                    for (int r = 0; r < DL_TILE_PIXELS; r++) {
                        const float v = x[r][d];
                        a[r][0] = DL_FMA_N(a[r][0], w0, v); a[r][1] = DL_FMA_N(a[r][1], w1, v);
                        a[r][2] = DL_FMA_N(a[r][2], w2, v); a[r][3] = DL_FMA_N(a[r][3], w3, v);
                    }
                }
            }
            const float32x4_t vs = vdupq_n_f32(slope), zero = vdupq_n_f32(0);
            for (int r = 0; r < rows; r++) {
                float tmp[DL_PANEL];
                for (int q = 0; q < 4; q++) {
                    // LeakyReLU: x < 0 ? x·slope : x, by the sign as the reference tests it.
                    const uint32x4_t negative = vcltq_f32(a[r][q], zero);
                    vst1q_f32(tmp + 4 * q, vbslq_f32(negative, vmulq_f32(a[r][q], vs), a[r][q]));
                }
                float *o = out + p->pixel_out[i + r] + c0;
                for (int c = 0; c < n; c++) o[c] = tmp[c];
            }
        }
    }
}

void dl_i16_panels_neon(const dl_phase *p, const int16_t *in, const int16_t *panels, const int32_t *bias,
                        const dl_requant *rq, int32_t kind, void *out) {
    const int pairs = p->depth / 2, K2 = p->taps * pairs;
    for (int j = 0; j * DL_PANEL < p->cout; j++) {
        const int16_t *wp = panels + (size_t)j * K2 * DL_PANEL * 2;
        const int c0 = j * DL_PANEL, n = DL_MIN(DL_PANEL, p->cout - c0);
        for (int i = 0; i < p->pixels; i += DL_TILE_PIXELS) {
            const int rows = DL_MIN(DL_TILE_PIXELS, p->pixels - i);
            int32_t base[DL_TILE_PIXELS];
            for (int r = 0; r < DL_TILE_PIXELS; r++) base[r] = p->pixel_in[i + DL_MIN(r, rows - 1)];
            int32x4_t a[DL_TILE_PIXELS][4];
            for (int r = 0; r < DL_TILE_PIXELS; r++)
                for (int q = 0; q < 4; q++) a[r][q] = vld1q_s32(bias + c0 + 4 * q);
            const int16_t *w = wp;
            for (int t = 0; t < p->taps; t++) {
                const int16_t *x[DL_TILE_PIXELS];
                for (int r = 0; r < DL_TILE_PIXELS; r++) x[r] = in + base[r] + p->tap_in[t];
                for (int d = 0; d < pairs; d++, w += 2 * DL_PANEL) {
                    // 16 channels × (even, odd) input channel: val[0] the even's weights, val[1] the odd's.
                    const int16x8x2_t lo = vld2q_s16(w), hi = vld2q_s16(w + 16);
                    for (int r = 0; r < DL_TILE_PIXELS; r++) {
                        const int16_t x0 = x[r][2 * d], x1 = x[r][2 * d + 1];
                        a[r][0] = vmlal_n_s16(vmlal_n_s16(a[r][0], vget_low_s16(lo.val[0]), x0), vget_low_s16(lo.val[1]), x1);
                        a[r][1] = vmlal_n_s16(vmlal_n_s16(a[r][1], vget_high_s16(lo.val[0]), x0), vget_high_s16(lo.val[1]), x1);
                        a[r][2] = vmlal_n_s16(vmlal_n_s16(a[r][2], vget_low_s16(hi.val[0]), x0), vget_low_s16(hi.val[1]), x1);
                        a[r][3] = vmlal_n_s16(vmlal_n_s16(a[r][3], vget_high_s16(hi.val[0]), x0), vget_high_s16(hi.val[1]), x1);
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
