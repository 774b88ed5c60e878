// Vectorized logistic function for the generator's last layer: e^x by Cephes' expf
// (range reduction by ln 2 in two parts, a degree-5 polynomial, 2^n in the exponent bits).
#include "internal.h"
#include <math.h>

#ifdef DL_X86
DL_AVX2 static inline __m256 dl_exp_avx2(__m256 x) {
    // Operand order keeps NaN (maxps/minps return their second operand when one is NaN).
    x = _mm256_min_ps(_mm256_set1_ps(88.3f), _mm256_max_ps(_mm256_set1_ps(-87.3f), x));
    __m256 n = _mm256_floor_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f)));
    x = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    x = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), x);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_fmadd_ps(y, _mm256_mul_ps(x, x), _mm256_add_ps(x, _mm256_set1_ps(1)));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(e));
}

DL_AVX2 static void sigmoid_avx2(float *x, int32_t n) {
    const __m256 one = _mm256_set1_ps(1);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        _mm256_storeu_ps(x + i, _mm256_div_ps(one, _mm256_add_ps(one, dl_exp_avx2(_mm256_sub_ps(_mm256_setzero_ps(), v)))));
    }
    for (; i < n; i++) x[i] = 1.0f / (1.0f + expf(-x[i]));
}
#endif

void dl_sigmoid(float *x, int32_t n) {
#ifdef DL_X86
    if (dl_simd_active() >= DL_SIMD_AVX2) { sigmoid_avx2(x, n); return; }
#endif
    for (int i = 0; i < n; i++) x[i] = 1.0f / (1.0f + expf(-x[i]));
}
