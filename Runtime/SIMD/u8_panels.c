// Integer transposed-convolution phase on AVX-512 VNNI: vpdpbusd multiplies 4 unsigned input
// bytes (int8 code + 128) by 4 signed weights and adds them into int32 in one instruction,
// twice the multiply-adds of vpmaddwd per instruction. The +128 offset is taken out through
// the (per-phase) bias; the register tile and the store are int_panels.h's.
#include "int_panels.h"

#ifdef DL_X86
DL_INT_PANELS(u8_panels_vnni, DL_VNNI, 1, DL_MAC_DPBUSD)
#endif

int dl_u8_panels_available(void) {
#ifdef DL_X86
    return dl_simd_active() == DL_SIMD_AVX512VNNI;
#else
    return 0;
#endif
}

int dl_u8_panels(const dl_phase *p, const uint8_t *in, const int8_t *panels, const int32_t *bias,
                 const dl_requant *rq, int32_t out_kind, void *out) {
#ifdef DL_X86
    if (dl_simd_active() == DL_SIMD_AVX512VNNI) {
        u8_panels_vnni(p, in, (const uint8_t *)panels, bias, rq, out_kind, out);
        return 1;
    }
#endif
    (void)p; (void)in; (void)panels; (void)bias; (void)rq; (void)out_kind; (void)out;
    return 0;
}
