// The scalar output stage (RequantMultiplier.apply + OutputStage.code, in C; internal.h's
// dl_requant_inline): the definition the vector epilogues follow, used by the portable kernels.
#include "internal.h"

int32_t dl_requant_code(const dl_requant *rq, int32_t c, int32_t acc) { return dl_requant_inline(rq, c, acc); }
