// The per-frame loops around the generator, written so that the compiler vectorizes them:
// float frame → 8-bit pixels, and the frame change the stall guard watches.
#include "internal.h"

void dl_frame_to_pixels(const float *frame, int32_t n, uint8_t *rgb) {
    for (int i = 0; i < n; i++) {
        float v = frame[i] * 255.0f + 0.5f;
        v = v > 0 ? v : 0;              // NaN (a broken model) becomes black
        v = v < 255 ? v : 255;
        rgb[i] = (uint8_t)(int32_t)v;
    }
}

float dl_mean_abs_difference(const float *a, const float *b, int32_t n) {
    // Eight partial sums (one vector of them) instead of one serial chain.
    float s[8] = {0};
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) { float d = a[i + k] - b[i + k]; s[k] += d < 0 ? -d : d; }
    float total = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    for (; i < n; i++) { float d = a[i] - b[i]; total += d < 0 ? -d : d; }
    return n > 0 ? total / (float)n : 0;
}
