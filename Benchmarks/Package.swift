// swift-tools-version: 6.1
// Benchmarks of the trainer and the runtime, kept out of the main package so `make test` never builds
// package-benchmark. Run from this directory:
//   swift package --allow-writing-to-package-directory benchmark
// and, for a per-layer time breakdown without the harness:
//   swift run -c release TrainStepProfile
import PackageDescription
import Foundation

// A path dependency's identity is its folder's name, which depends on where the repository
// was cloned; derive it instead of assuming "duralava".
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let rootIdentity = root.lastPathComponent.lowercased()
let trainer: Target.Dependency = .product(name: "DuralavaTrainer", package: rootIdentity)
let nn: Target.Dependency = .product(name: "DuralavaNN", package: rootIdentity)
let data: Target.Dependency = .product(name: "DuralavaData", package: rootIdentity)
let experiments: Target.Dependency = .product(name: "DuralavaExperiments", package: rootIdentity)
let runtime: Target.Dependency = .product(name: "DuralavaRuntime", package: rootIdentity)
let output: Target.Dependency = .product(name: "LampOutput", package: rootIdentity)
let converter: Target.Dependency = .product(name: "DuralavaConverter", package: rootIdentity)

let package = Package(
    name: "duralava-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The measured steps and FLOP bookkeeping shared by both executables: the trainer's two
        // phases (the step `duralava-train train` takes) and the reference joint step.
        .target(name: "TrainStepShared", dependencies: [trainer, nn, data, experiments], path: "Sources/TrainStepShared"),
        .executableTarget(
            name: "TrainStep",
            dependencies: [
                "TrainStepShared", trainer, nn,
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/TrainStep",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(
            name: "LampRuntime",
            dependencies: [runtime, output, converter, .product(name: "Benchmark", package: "package-benchmark")],
            path: "Benchmarks/LampRuntime",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
        .executableTarget(name: "TrainStepProfile", dependencies: ["TrainStepShared", trainer, nn],
                          path: "Sources/TrainStepProfile"),
    ],
    swiftLanguageModes: [.v6]
)
