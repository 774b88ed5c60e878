// The int8 generator's last activation: accumulators → 16-bit logit codes (the vector
// requantization where the CPU has AVX2 or SIMD128) → pixels through the sigmoid table.
#include "internal.h"

#ifdef DL_X86
DL_AVX2 static void requant8_store(const dl_requant *rq, int c, const int32_t *acc, int32_t *codes) {
    _mm256_storeu_si256((__m256i *)codes, dl_requant8_avx2(rq, c, _mm256_loadu_si256((const __m256i *)acc)));
}
#endif

void dl_sigmoid_table(const int32_t *acc, int32_t n, int32_t channels, const dl_requant *rq,
                      const uint8_t *table, uint8_t *out) {
    int i = 0;
#ifdef DL_X86
    // rq holds 8·channels entries, entry k for channel k mod channels, so that the 8 lanes
    // at any multiple of 8 read their channels' parameters at offset i mod (8·channels).
    if (dl_simd_active() >= DL_SIMD_AVX2) {
        const int period = 8 * channels;
        for (; i + 8 <= n; i += 8) {
            int32_t codes[8];
            requant8_store(rq, i % period, acc + i, codes);
            for (int k = 0; k < 8; k++) out[i + k] = table[codes[k] + 32768];
        }
    }
#endif
#if defined(__wasm_simd128__)
    // Four lanes at offset i mod 4·channels of the 8·channels entries: lane k reads channel (i + k) mod channels.
    if (dl_simd_active() == DL_SIMD_SIMD128) {
        const int period = 4 * channels;
        for (; i + 4 <= n; i += 4) {
            int32_t codes[4];
            wasm_v128_store(codes, requant_channels(rq, i % period, wasm_v128_load(acc + i)));
            for (int k = 0; k < 4; k++) out[i + k] = table[codes[k] + 32768];
        }
    }
#endif
    for (; i < n; i++) out[i] = table[dl_requant_inline(rq, i % channels, acc[i]) + 32768];
}
