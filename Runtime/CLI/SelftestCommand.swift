import ArgumentParser
import DuralavaKernels
import DuralavaRuntime

/// `duralava selftest`: the optimized kernels against the reference ones on this machine, at the
/// vector level in use — the board build's command too (KernelCheck.selftest, the same lines).
struct Selftest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the optimized kernels against the reference ones on this machine, at the vector level in use.",
        discussion: "DURALAVA_SIMD=portable|avx2 lowers the level checked. Exit status 1 when a kernel disagrees.")

    func run() throws {
        let result = KernelCheck.selftest()
        for line in result.failureLines { printError(line) }
        print(result.summary)
        if result.status != 0 { throw ExitCode(result.status) }
    }
}
