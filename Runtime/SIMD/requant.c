// The scalar output stage (RequantMultiplier.apply + OutputStage.code, in C): the definition
// the vector epilogues follow, used by the portable kernels.
#include "internal.h"

int32_t dl_requant_code(const dl_requant *rq, int32_t c, int32_t acc) {
    const int negative = acc < 0;
    const int64_t m = negative ? rq->multiplier_neg[c] : rq->multiplier_pos[c];
    const int shift = negative ? rq->right_shift_neg[c] : rq->right_shift_pos[c];
    const int64_t product = (int64_t)acc * m;
    const int64_t half = (int64_t)1 << (shift - 1);
    int64_t r = product >= 0 ? (product + half) >> shift : -((half - product) >> shift);
    r += rq->zero_point;
    return r < rq->code_min ? rq->code_min : (r > rq->code_max ? rq->code_max : (int32_t)r);
}
