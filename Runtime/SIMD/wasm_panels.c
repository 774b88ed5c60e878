// The kernels for WebAssembly SIMD128 (the browser build, docs/web.md), chosen when the module
// is built with -msimd128: integers on 16-bit channel pairs with i32x4.dot_i16x8_s — the
// product of a pair summed into int32, exactly as vpmaddwd does on x86 — and floats with
// f32x4 multiplies and adds (SIMD128 has no fused multiply-add). Register tiles of a few pixels ×
// 16 channels: V8 has only 16 vector registers on x86-64. The tests run them
// against the reference kernels under node (Tests/RuntimeTests/WebTests.swift).
#include "internal.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

/// Pixels per register tile of the panel kernels: 2 × 16 channels (8 accumulators) measured
/// faster under V8 than 3, 4, 6 or 8 pixels (docs/web.md).
#define WASM_TILE 2

static inline v128_t splat_pair(const int16_t *x) { return wasm_i32x4_splat(dl_load_i32(x)); }

static inline void store_int_row(const dl_requant *rq, int c0, int n, v128_t a0, v128_t a1, v128_t a2, v128_t a3,
                                 int32_t kind, void *out, int32_t index) {
    if (kind != DL_OUT_INT32) {
        // The requantization arrays hold a whole panel of 16 channels (docs/runtime.md#the-kernels).
        a0 = requant_channels(rq, c0, a0); a1 = requant_channels(rq, c0 + 4, a1);
        a2 = requant_channels(rq, c0 + 8, a2); a3 = requant_channels(rq, c0 + 12, a3);
    }
    int32_t acc[DL_PANEL];
    wasm_v128_store(acc, a0); wasm_v128_store(acc + 4, a1); wasm_v128_store(acc + 8, a2); wasm_v128_store(acc + 12, a3);
    dl_store_codes(acc, n, kind, out, index);
}

#define DOT_ADD(acc, x, w) acc = wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(x, w))

/// One pixel (a dense layer, the generator's 1×1 latent): two independent accumulator sets.
static void i16_one_pixel(const dl_phase *p, const int16_t *in, const int16_t *panels, const int32_t *bias,
                          const dl_requant *rq, int32_t kind, void *out) {
    const int pairs = p->depth / 2, K2 = p->taps * pairs;
    for (int j = 0; j * DL_PANEL < p->cout; j++) {
        const int16_t *w = panels + (size_t)j * K2 * DL_PANEL * 2;
        const int c0 = j * DL_PANEL, n = DL_MIN(DL_PANEL, p->cout - c0);
        v128_t a0 = wasm_v128_load(bias + c0), a1 = wasm_v128_load(bias + c0 + 4);
        v128_t a2 = wasm_v128_load(bias + c0 + 8), a3 = wasm_v128_load(bias + c0 + 12);
        v128_t e0 = wasm_i32x4_splat(0), e1 = e0, e2 = e0, e3 = e0;
        for (int t = 0; t < p->taps; t++) {
            const int16_t *x = in + p->pixel_in[0] + p->tap_in[t];
            int d = 0;
            for (; d + 2 <= pairs; d += 2, w += 4 * DL_PANEL) {
                const v128_t x0 = splat_pair(x + 2 * d), x1 = splat_pair(x + 2 * d + 2);
                DOT_ADD(a0, x0, wasm_v128_load(w)); DOT_ADD(a1, x0, wasm_v128_load(w + 8));
                DOT_ADD(a2, x0, wasm_v128_load(w + 16)); DOT_ADD(a3, x0, wasm_v128_load(w + 24));
                DOT_ADD(e0, x1, wasm_v128_load(w + 32)); DOT_ADD(e1, x1, wasm_v128_load(w + 40));
                DOT_ADD(e2, x1, wasm_v128_load(w + 48)); DOT_ADD(e3, x1, wasm_v128_load(w + 56));
            }
            for (; d < pairs; d++, w += 2 * DL_PANEL) {
                const v128_t x0 = splat_pair(x + 2 * d);
                DOT_ADD(a0, x0, wasm_v128_load(w)); DOT_ADD(a1, x0, wasm_v128_load(w + 8));
                DOT_ADD(a2, x0, wasm_v128_load(w + 16)); DOT_ADD(a3, x0, wasm_v128_load(w + 24));
            }
        }
        store_int_row(rq, c0, n, wasm_i32x4_add(a0, e0), wasm_i32x4_add(a1, e1), wasm_i32x4_add(a2, e2),
                      wasm_i32x4_add(a3, e3), kind, out, p->pixel_out[0] + c0);
    }
}

void dl_i16_panels_simd128(const dl_phase *p, const int16_t *in, const int16_t *panels, const int32_t *bias,
                           const dl_requant *rq, int32_t kind, void *out) {
    if (p->pixels == 1) { i16_one_pixel(p, in, panels, bias, rq, kind, out); return; }
    const int pairs = p->depth / 2, K2 = p->taps * pairs;
    for (int j = 0; j * DL_PANEL < p->cout; j++) {
        const int16_t *wp = panels + (size_t)j * K2 * DL_PANEL * 2;
        const int c0 = j * DL_PANEL, n = DL_MIN(DL_PANEL, p->cout - c0);
        for (int i = 0; i < p->pixels; i += WASM_TILE) {
            const int rows = DL_MIN(WASM_TILE, p->pixels - i);
            // A short tile repeats its last pixel: computed, not stored.
            int32_t base[WASM_TILE];
            _Pragma("unroll") for (int r = 0; r < WASM_TILE; r++) base[r] = p->pixel_in[i + DL_MIN(r, rows - 1)];
            v128_t a[WASM_TILE][4];
            _Pragma("unroll") for (int r = 0; r < WASM_TILE; r++)
                _Pragma("unroll") for (int q = 0; q < 4; q++) a[r][q] = wasm_v128_load(bias + c0 + 4 * q);
            const int16_t *w = wp;
            for (int t = 0; t < p->taps; t++) {
                const int16_t *x[WASM_TILE];
                _Pragma("unroll") for (int r = 0; r < WASM_TILE; r++) x[r] = in + base[r] + p->tap_in[t];
                for (int d = 0; d < pairs; d++, w += 2 * DL_PANEL) {
                    v128_t wv[4];
                    _Pragma("unroll") for (int q = 0; q < 4; q++) wv[q] = wasm_v128_load(w + 8 * q);
                    _Pragma("unroll") for (int r = 0; r < WASM_TILE; r++) {
                        const v128_t s = splat_pair(x[r] + 2 * d);
                        _Pragma("unroll") for (int q = 0; q < 4; q++) DOT_ADD(a[r][q], s, wv[q]);
                    }
                }
            }
            _Pragma("unroll") for (int r = 0; r < WASM_TILE; r++)
                if (r < rows) store_int_row(rq, c0, n, a[r][0], a[r][1], a[r][2], a[r][3], kind, out, p->pixel_out[i + r] + c0);
        }
    }
}

/// Pixel rows on channel pairs (the last layer): 16 neighbouring pixels' pairs in 4 vectors,
/// one broadcast pair of weights per channel, up to 3 channels at a time.
void dl_i16_pixel_rows_simd128(const dl_pixel_grid *g, const int32_t *tap_in, int32_t taps, int32_t depth,
                               int32_t cout, const int16_t *in, const int16_t *weights, const int32_t *bias,
                               const dl_requant *rq, int32_t kind, void *out) {
    const int pairs = depth / 2;
    const int32_t *in32 = (const int32_t *)in, *w32 = (const int32_t *)weights;
    for (int m = 0; m < g->rows; m++) {
        for (int n0 = 0; n0 < g->cols; n0 += DL_ROW_BLOCK) {
            const int count = DL_MIN(DL_ROW_BLOCK, g->cols - n0);
            for (int c0 = 0; c0 < cout; c0 += 3) {
                const int nc = DL_MIN(3, cout - c0);
                v128_t a[3][4];
                for (int c = 0; c < 3; c++) a[c][0] = a[c][1] = a[c][2] = a[c][3] = wasm_i32x4_splat(bias[c0 + DL_MIN(c, nc - 1)]);
                for (int t = 0; t < taps; t++) {
                    const int32_t *x = in32 + g->in_origin + m * g->in_row + n0 + tap_in[t];
                    const int32_t *w = w32 + (size_t)t * pairs * cout + c0;
                    for (int d = 0; d < pairs; d++, x += g->plane, w += cout) {
                        const v128_t x0 = wasm_v128_load(x), x1 = wasm_v128_load(x + 4);
                        const v128_t x2 = wasm_v128_load(x + 8), x3 = wasm_v128_load(x + 12);
                        for (int c = 0; c < 3; c++) {
                            // Channels past cout repeat the last one (computed, not stored).
                            const v128_t wc = wasm_i32x4_splat(w[DL_MIN(c, nc - 1)]);
                            DOT_ADD(a[c][0], x0, wc); DOT_ADD(a[c][1], x1, wc);
                            DOT_ADD(a[c][2], x2, wc); DOT_ADD(a[c][3], x3, wc);
                        }
                    }
                }
                for (int c = 0; c < nc; c++) {
                    int32_t values[DL_ROW_BLOCK];
                    if (kind != DL_OUT_INT32) {
                        // One channel in every lane: its shifts agree.
                        const int ch = c0 + c;
                        const v128_t mp = wasm_i32x4_splat(rq->multiplier_pos[ch]), mn = wasm_i32x4_splat(rq->multiplier_neg[ch]);
                        const v128_t sp = wasm_i32x4_splat(rq->right_shift_pos[ch]), sn = wasm_i32x4_splat(rq->right_shift_neg[ch]);
                        for (int q = 0; q < 4; q++) requant4(a[c][q], mp, mn, sp, sn, rq, &a[c][q]);
                    }
                    for (int q = 0; q < 4; q++) wasm_v128_store(values + 4 * q, a[c][q]);
                    const int32_t base = g->out_origin + m * g->out_row + n0 * g->out_col + c0 + c;
                    for (int k = 0; k < count; k++) dl_store_codes(values + k, 1, kind, out, base + k * g->out_col);
                }
            }
        }
    }
}

/// Float channel panels: 4 pixels × 16 channels, bias first, LeakyReLU in the store.
void dl_f32_panels_simd128(const dl_phase *p, const float *in, const float *panels, const float *bias,
                           float slope, float *out) {
    const int K = p->taps * p->depth;
    const v128_t vs = wasm_f32x4_splat(slope), zero = wasm_f32x4_splat(0);
    for (int j = 0; j * DL_PANEL < p->cout; j++) {
        const float *wp = panels + (size_t)j * K * DL_PANEL;
        const int c0 = j * DL_PANEL, n = DL_MIN(DL_PANEL, p->cout - c0);
        for (int i = 0; i < p->pixels; i += WASM_TILE) {
            const int rows = DL_MIN(WASM_TILE, p->pixels - i);
            int32_t base[WASM_TILE];
            for (int r = 0; r < WASM_TILE; r++) base[r] = p->pixel_in[i + DL_MIN(r, rows - 1)];
            v128_t a[WASM_TILE][4];
            for (int r = 0; r < WASM_TILE; r++)
                for (int q = 0; q < 4; q++) a[r][q] = wasm_v128_load(bias + c0 + 4 * q);
            const float *w = wp;
            for (int t = 0; t < p->taps; t++) {
                const float *x[WASM_TILE];
                for (int r = 0; r < WASM_TILE; r++) x[r] = in + base[r] + p->tap_in[t];
                for (int d = 0; d < p->depth; d++, w += DL_PANEL) {
                    const v128_t w0 = wasm_v128_load(w), w1 = wasm_v128_load(w + 4);
                    const v128_t w2 = wasm_v128_load(w + 8), w3 = wasm_v128_load(w + 12);
                    for (int r = 0; r < WASM_TILE; r++) {
                        const v128_t v = wasm_f32x4_splat(x[r][d]);
                        a[r][0] = wasm_f32x4_add(a[r][0], wasm_f32x4_mul(v, w0));
                        a[r][1] = wasm_f32x4_add(a[r][1], wasm_f32x4_mul(v, w1));
                        a[r][2] = wasm_f32x4_add(a[r][2], wasm_f32x4_mul(v, w2));
                        a[r][3] = wasm_f32x4_add(a[r][3], wasm_f32x4_mul(v, w3));
                    }
                }
            }
            for (int r = 0; r < rows; r++) {
                float tmp[DL_PANEL];
                for (int q = 0; q < 4; q++) {
                    // LeakyReLU: x < 0 ? x·slope : x, by the sign as the reference tests it.
                    const v128_t negative = wasm_f32x4_lt(a[r][q], zero);
                    wasm_v128_store(tmp + 4 * q, wasm_v128_bitselect(wasm_f32x4_mul(a[r][q], vs), a[r][q], negative));
                }
                float *o = out + p->pixel_out[i + r] + c0;
                for (int c = 0; c < n; c++) o[c] = tmp[c];
            }
        }
    }
}
#endif
