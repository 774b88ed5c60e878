import DuralavaSIMD

/// Which kernels a model runs on: the optimized ones (the default) or the reference ones they
/// are tested against (for benchmarks and for checking a result on a new machine).
public enum KernelSet: String, CaseIterable, Sendable {
    case optimized, reference

    /// The vector instructions the optimized kernels use on this machine ("avx512-vnni",
    /// "avx2-fma", "neon-sdot", "neon", "simd128", "portable"); DURALAVA_SIMD=portable|avx2|neon lowers it.
    public static var vectorLevel: String { String(cString: dl_simd_name(dl_simd_active())) }

    /// Every vector level this CPU can run, lowest first (the portable C code always): what the
    /// tests run each optimized kernel at.
    public static var levelsOfThisMachine: [dl_simd_level] {
        let best = dl_simd_detected()
        if best == DL_SIMD_NEON || best == DL_SIMD_SIMD128 { return [DL_SIMD_PORTABLE, best] }
        if best == DL_SIMD_NEON_SDOT { return [DL_SIMD_PORTABLE, DL_SIMD_NEON, DL_SIMD_NEON_SDOT] }
        return [DL_SIMD_PORTABLE, DL_SIMD_AVX2, DL_SIMD_AVX512VNNI].filter { $0.rawValue <= best.rawValue }
    }
}
