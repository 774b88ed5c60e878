// Copies a layer's input codes into the padded buffer its optimized kernel reads (the border
// was filled with the input zero point at creation and is never written).
#include "internal.h"

void dl_stage_channels_last(const void *in, int32_t in_bits, int32_t height, int32_t width, int32_t cin,
                            void *out, int32_t u8, int32_t origin, int32_t row, int32_t depth) {
    for (int y = 0; y < height; y++) {
        const size_t base = (size_t)(origin + y * row) * depth;
        for (int x = 0; x < width; x++) {
            const size_t src = ((size_t)y * width + x) * cin, dst = base + (size_t)x * depth;
            if (u8 == 2) {
                memcpy((int8_t *)out + dst, (const int8_t *)in + src, (size_t)cin);
            } else if (u8) {
                const int8_t *s = (const int8_t *)in + src;
                uint8_t *d = (uint8_t *)out + dst;
                for (int c = 0; c < cin; c++) d[c] = (uint8_t)(s[c] + 128);
            } else if (in_bits == 8) {
                const int8_t *s = (const int8_t *)in + src;
                int16_t *d = (int16_t *)out + dst;
                for (int c = 0; c < cin; c++) d[c] = s[c];
            } else {
                memcpy((int16_t *)out + dst, (const int16_t *)in + src, (size_t)cin * 2);
            }
        }
    }
}

void dl_stage_pair_planes(const void *in, int32_t in_bits, int32_t height, int32_t width, int32_t cin,
                          int16_t *out, int32_t origin, int32_t row, int32_t plane) {
    if (in_bits == 16 && cin % 2 == 0) {
        // Whole pairs: plane by plane, contiguous writes of 32-bit pairs.
        const int32_t *src = (const int32_t *)in;
        int32_t *dst = (int32_t *)out;
        const int pairs = cin / 2;
        for (int c = 0; c < pairs; c++) {
            for (int y = 0; y < height; y++) {
                int32_t *d = dst + (size_t)c * plane + origin + (size_t)y * row;
                const int32_t *s = src + (size_t)y * width * pairs + c;
                for (int x = 0; x < width; x++) d[x] = s[(size_t)x * pairs];
            }
        }
        return;
    }
    for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
            const size_t src = ((size_t)y * width + x) * cin;
            const size_t pos = (size_t)origin + (size_t)y * row + x;
            for (int c = 0; c < cin; c++) {
                const int16_t v = in_bits == 8 ? ((const int8_t *)in)[src + c] : ((const int16_t *)in)[src + c];
                out[((size_t)(c >> 1) * plane + pos) * 2 + (c & 1)] = v;
            }
        }
    }
}
