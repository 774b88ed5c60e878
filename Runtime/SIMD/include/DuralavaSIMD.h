// Optimized inner loops of the transposed convolutions (docs/runtime.md#the-kernels), behind one small C API so
// that they can use the vector instructions the CPU has (AVX2+FMA, AVX-512 VNNI), picked at
// run time. The Swift kernels in Runtime/Kernels plan the work (parity phases, packed weight
// panels, padded inputs) and call these; the reference kernels beside them are the
// specification, and Tests/KernelTests check every variant against them. libc only.
#ifndef DURALAVA_SIMD_H
#define DURALAVA_SIMD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction sets the kernels can use, best last.
typedef enum {
    DL_SIMD_PORTABLE = 0,   // plain C (what the compiler makes of it; NEON on aarch64)
    DL_SIMD_AVX2 = 1,       // x86-64 AVX2 + FMA: float FMA, int8 via 16-bit vpmaddwd
    DL_SIMD_AVX512VNNI = 2, // + AVX-512 VNNI (256-bit vpdpbusd) for int8
    DL_SIMD_NEON = 3,       // Arm Advanced SIMD (aarch64, and armv7 with NEON + VFPv4): float FMA, int8 via 16-bit vmlal
    DL_SIMD_NEON_SDOT = 4,  // + Armv8.2 dot product (sdot, HWCAP_ASIMDDP: Cortex-A76, the Pi 5) for int8; aarch64 only
    DL_SIMD_SIMD128 = 5     // WebAssembly SIMD128, chosen at build time (-msimd128): int8 via i32x4.dot_i16x8_s
} dl_simd_level;

/// The best level this CPU supports.
dl_simd_level dl_simd_detected(void);
/// The level in use: the detected one, lowered by DURALAVA_SIMD=portable|avx2|neon or dl_simd_use.
dl_simd_level dl_simd_active(void);
/// Uses `level` (clamped to the detected one) from now on; returns the level in use.
dl_simd_level dl_simd_use(dl_simd_level level);
/// A short name of a level ("portable", "avx2-fma", "avx512-vnni", "neon", "neon-sdot", "simd128").
const char *dl_simd_name(dl_simd_level level);

/// One parity phase of a stride-s transposed convolution as a small GEMM: every pixel of the
/// phase sums `taps` input pixels (offset tap_in[t] from its own pixel_in offset) over `depth`
/// channels each. Offsets count elements of the padded input buffer.
typedef struct {
    const int32_t *pixel_in;
    const int32_t *pixel_out;   // offset of the pixel's first output channel
    int32_t pixels;
    const int32_t *tap_in;
    int32_t taps;
    int32_t depth;              // channels of one padded input pixel (cin rounded up)
    int32_t cout;
} dl_phase;

// ---- float ----------------------------------------------------------------------------

/// Channel panels (cout ≥ 8): panels [ceil(cout/16)][taps][depth][16], bias [ceil(cout/16)*16].
/// out = LeakyReLU(bias + Σ x·w) with `slope` (slope 1 = no activation).
void dl_f32_panels(const dl_phase *p, const float *in, const float *panels, const float *bias,
                   float slope, float *out);

/// Pixel rows (small cout): the input is planar [depth][plane] (a plane is the padded image
/// with at least 16 spare columns to the right); pixels of the phase form `rows` × `cols`
/// with pixel (m, n) reading plane offset in_origin + m·in_row + n and writing
/// out[out_origin + m·out_row + n·out_col + c]. weights [taps][depth][cout], bias [cout].
/// activation: 0 LeakyReLU(slope) (slope 1 = none), 1 sigmoid.
typedef struct {
    int32_t rows, cols;
    int32_t in_origin, in_row, plane;
    int32_t out_origin, out_row, out_col;
} dl_pixel_grid;

void dl_f32_pixel_rows(const dl_pixel_grid *g, const int32_t *tap_in, int32_t taps, int32_t depth,
                       int32_t cout, const float *in, const float *weights, const float *bias,
                       int32_t activation, float slope, float *out);

// ---- int8 ----------------------------------------------------------------------------

/// The output stage of an int8 layer per output channel (TensorFlow Lite's requantization
/// with LeakyReLU fused: one multiplier for acc ≥ 0, one for acc < 0). right_shift = 31 − shift
/// of RequantMultiplier (1 ... 63). Arrays hold one entry per (padded) output channel.
typedef struct {
    const int32_t *multiplier_pos, *multiplier_neg;
    const int32_t *right_shift_pos, *right_shift_neg;
    int32_t zero_point, code_min, code_max;
} dl_requant;

/// Output kinds of the int8 kernels.
enum { DL_OUT_INT8 = 8, DL_OUT_INT16 = 16, DL_OUT_INT32 = 32 };

/// Channel panels, 16-bit inputs (int8 or int16 codes widened): panels
/// [ceil(cout/16)][taps][depth/2][16][2] int16 with depth even, bias [ceil(cout/16)*16] int32
/// (already corrected for the input zero point). Output codes through `rq`, or raw int32.
void dl_i16_panels(const dl_phase *p, const int16_t *in, const int16_t *panels, const int32_t *bias,
                   const dl_requant *rq, int32_t out_kind, void *out);

/// Whether dl_u8_panels computes at the level in use (the layouts are chosen by it).
int dl_u8_panels_available(void);

/// Channel panels, int8 inputs offset to unsigned (code + 128) for vpdpbusd: panels
/// [ceil(cout/16)][taps][depth/4][16][4] int8 with depth a multiple of 4. Only at
/// DL_SIMD_AVX512VNNI; returns 0 (and does nothing) where the CPU lacks it.
int dl_u8_panels(const dl_phase *p, const uint8_t *in, const int8_t *panels, const int32_t *bias,
                 const dl_requant *rq, int32_t out_kind, void *out);

/// Whether dl_s8_panels computes at the level in use (DL_SIMD_NEON_SDOT).
int dl_s8_panels_available(void);

/// Channel panels on signed int8 inputs (the codes themselves) for sdot: the layout of
/// dl_u8_panels — panels [ceil(cout/16)][taps][depth/4][16][4] int8, depth a multiple of 4 —
/// but no +128 offset, so the bias is corrected for the zero point alone. Only at
/// DL_SIMD_NEON_SDOT; returns 0 (and does nothing) where the CPU lacks it.
int dl_s8_panels(const dl_phase *p, const int8_t *in, const int8_t *panels, const int32_t *bias,
                 const dl_requant *rq, int32_t out_kind, void *out);

/// Pixel rows (small cout) on 16-bit inputs: input planar in channel pairs
/// [depth/2][plane][2] int16 (offsets in the grid count pairs), weights [taps][depth/2][cout][2]
/// int16, bias [cout] int32. Output codes through `rq`, or raw int32.
void dl_i16_pixel_rows(const dl_pixel_grid *g, const int32_t *tap_in, int32_t taps, int32_t depth,
                       int32_t cout, const int16_t *in, const int16_t *weights, const int32_t *bias,
                       const dl_requant *rq, int32_t out_kind, void *out);

/// Copies an int8 (in_bits 8) or int16 (16) channels-last image of height × width × cin into
/// the padded buffer of a panel layout: pixel (y, x) at out[(origin + y·row + x)·depth + c],
/// widened to int16 (u8 = 0), offset by +128 to unsigned bytes (u8 = 1), or copied as signed
/// bytes (u8 = 2, the sdot layout).
void dl_stage_channels_last(const void *in, int32_t in_bits, int32_t height, int32_t width, int32_t cin,
                            void *out, int32_t u8, int32_t origin, int32_t row, int32_t depth);

/// The same into the channel-pair planar buffer of the pixel-row layout:
/// channel c of pixel (y, x) at out[((c/2)·plane + origin + y·row + x)·2 + c%2], int16.
void dl_stage_pair_planes(const void *in, int32_t in_bits, int32_t height, int32_t width, int32_t cin,
                          int16_t *out, int32_t origin, int32_t row, int32_t plane);

/// The last layer's pixels: each int32 accumulator (channel i mod channels) requantized to a
/// 16-bit logit code through `rq` (per channel) and looked up in the 65,536-entry `table`
/// (indexed by code + 32768).
void dl_sigmoid_table(const int32_t *acc, int32_t n, int32_t channels, const dl_requant *rq,
                      const uint8_t *table, uint8_t *out);

/// Float frame in [0, 1] → 8-bit pixels, rounded; NaN becomes 0.
void dl_frame_to_pixels(const float *frame, int32_t n, uint8_t *rgb);

/// Mean absolute difference of two frames.
float dl_mean_abs_difference(const float *a, const float *b, int32_t n);

/// The output code of `acc` for channel c (the scalar definition the vector code follows).
int32_t dl_requant_code(const dl_requant *rq, int32_t c, int32_t acc);

/// 1/(1+e^-x) for n floats, vectorized where the CPU allows (relative error < 1e-6).
void dl_sigmoid(float *x, int32_t n);

#ifdef __cplusplus
}
#endif
#endif
