import DuralavaSIMD

/// Which kernels a model runs on: the optimized ones (the default) or the reference ones they
/// are tested against (for benchmarks and for checking a result on a new machine).
public enum KernelSet: String, CaseIterable, Sendable {
    case optimized, reference

    /// The vector instructions the optimized kernels use on this machine ("avx512-vnni",
    /// "avx2-fma", "portable"); DURALAVA_SIMD=portable|avx2 lowers it.
    public static var vectorLevel: String { String(cString: dl_simd_name(dl_simd_active())) }
}
