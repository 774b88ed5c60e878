// swift-tools-version: 6.1
import PackageDescription

// Layout (docs/design.md#layout-and-dependency-direction): Runtime/ depends on libc only; Trainer/ and Converter/ depend on Runtime/.
// Release builds use plain -O everywhere (no -Ounchecked: it removed the bounds and overflow
// traps that make a missed check in a parser or an option visible; docs/reliability.md).

let package = Package(
    name: "duralava",
    products: [
        .executable(name: "duralava", targets: ["duralava"]),
        .executable(name: "duralava-train", targets: ["duralava-train"]),
        .executable(name: "duralava-convert", targets: ["duralava-convert"]),
        .library(name: "DuralavaKernels", targets: ["DuralavaKernels"]),
        .library(name: "DuralavaSIMD", targets: ["DuralavaSIMD"]),
        .library(name: "DuralavaRuntime", targets: ["DuralavaRuntime"]),
        .library(name: "LampOutput", targets: ["LampOutput"]),
        .library(name: "DuralavaData", targets: ["DuralavaData"]),
        .library(name: "DuralavaNN", targets: ["DuralavaNN"]),
        .library(name: "DuralavaMeasure", targets: ["DuralavaMeasure"]),
        .library(name: "DuralavaTrainer", targets: ["DuralavaTrainer"]),
        // For the Benchmarks package and duralava-experiments; duralava-train does not depend on it.
        .library(name: "DuralavaExperiments", targets: ["DuralavaExperiments"]),
        .executable(name: "duralava-experiments", targets: ["duralava-experiments"]),
        .library(name: "DuralavaConverter", targets: ["DuralavaConverter"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries, found with pkg-config.
        .systemLibrary(name: "CZlib", path: "Runtime/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CPNG", path: "Trainer/CPNG", pkgConfig: "libpng",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "COpenBLAS", path: "Trainer/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),

        // Kernels: one reference kernel per op, float and int8 (optimized ones beside them). libc only.
        .target(name: "DuralavaKernels", dependencies: ["DuralavaSIMD"], path: "Runtime/Kernels"),
        // errno, file types and open() as plain C functions (the same Swift in the board build).
        .target(name: "CPosix", path: "Runtime/CPosix"),
        // SDL2 for the window commands, loaded with dlopen when a window opens (headers: libsdl2-dev).
        .target(name: "CSDL2", path: "Runtime/CSDL2"),
        // The optimized kernels' inner loops in C: vector instructions picked at run time. libc only.
        .target(name: "DuralavaSIMD", path: "Runtime/SIMD"),
        // Runtime: the model format, float and int8 inference, the latent loop. libc only.
        .target(name: "DuralavaRuntime", dependencies: ["DuralavaKernels", "DuralavaSIMD", "CPosix"], path: "Runtime/Library"),
        // PNG / APNG encoding (zlib) for the runtime's headless output and the trainer's previews.
        .target(name: "LampOutput", dependencies: ["DuralavaRuntime", "CZlib"], path: "Runtime/Output"),
        // The lamp window (SDL2) and its real-time loop, shared by the desktop and board builds.
        .target(name: "LampDisplay", dependencies: ["DuralavaRuntime", "CSDL2"], path: "Runtime/Display"),
        // The desktop programs' shared parse-time checks (swift-argument-parser): PathOptions and
        // OptionRange.check over the runtime's table (OptionRanges). Not in the board or web builds.
        .target(name: "CLIOptions", dependencies: ["DuralavaRuntime", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                path: "Runtime/CLIOptions"),
        .executableTarget(name: "duralava",
                          dependencies: ["DuralavaRuntime", "LampOutput", "LampDisplay", "CSDL2", "CLIOptions",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Runtime/CLI"),

        // The board build's `duralava` (run and render, a hand-written parser): the same sources
        // are compiled as Embedded Swift for aarch64 by `make board`; this is its desktop build.
        .executableTarget(name: "duralava-board", dependencies: ["DuralavaKernels", "DuralavaRuntime", "LampOutput", "LampDisplay"],
                          path: "Runtime/Board", exclude: ["Embedded"]),

        // Trainer: data (simulator, PNG frame directories) and the float training library.
        .target(name: "DuralavaData", dependencies: ["DuralavaRuntime", "LampOutput", "CPNG"],
                path: "Trainer/Data"),
        // The float network library: tensors, layers with forward and backward, losses,
        // optimizers, GEMM on OpenBLAS and the thread pool (the trainer's and the report card's).
        .target(name: "DuralavaNN", dependencies: ["DuralavaRuntime", "COpenBLAS"], path: "Trainer/NN"),
        // Measure: the report card (classifiers on DuralavaNN, reference frames, targets, files) and
        // the classifier-free measurements and plots; the trainer and the converter share it
        // (docs/architecture.md: why it sits on DuralavaNN, not on the trainer).
        .target(name: "DuralavaMeasure", dependencies: ["DuralavaRuntime", "LampOutput", "DuralavaNN", "DuralavaData"], path: "Measure"),
        .target(name: "DuralavaTrainer", dependencies: ["DuralavaRuntime", "DuralavaNN", "DuralavaMeasure", "DuralavaData", "LampOutput", "COpenBLAS"],
                path: "Trainer/Library"),
        // Experiments: the original system's joint adversarial step (docs/design.md#the-reference-system)
        // and the projection probe (docs/training.md); `duralava-train` does not depend on them.
        .target(name: "DuralavaExperiments", dependencies: ["DuralavaTrainer", "DuralavaNN", "DuralavaMeasure", "DuralavaRuntime"],
                path: "Trainer/Experiments"),
        .executableTarget(name: "duralava-experiments",
                          dependencies: ["DuralavaExperiments", "DuralavaTrainer", "DuralavaNN", "DuralavaMeasure", "DuralavaData", "CLIOptions",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Trainer/ExperimentsCLI"),
        .executableTarget(name: "duralava-train",
                          dependencies: ["DuralavaTrainer", "DuralavaNN", "DuralavaMeasure", "DuralavaData", "LampOutput", "CLIOptions",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Trainer/CLI"),

        // Converter: int8 quantization.
        .target(name: "DuralavaConverter", dependencies: ["DuralavaRuntime", "DuralavaKernels", "DuralavaMeasure", "LampOutput"],
                path: "Converter/Library"),
        .executableTarget(name: "duralava-convert",
                          dependencies: ["DuralavaConverter", "DuralavaRuntime", "DuralavaMeasure", "CLIOptions",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Converter/CLI"),

        // Helpers shared by the test targets (processes, temporary directories, python3, random data).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // The int8 kernel tests quantize their random weights with the converter's WeightQuantization.
        .testTarget(name: "KernelTests", dependencies: ["DuralavaKernels", "DuralavaSIMD", "DuralavaConverter", "TestSupport"], path: "Tests/KernelTests"),
        .testTarget(name: "RuntimeTests", dependencies: ["DuralavaRuntime", "DuralavaKernels", "LampOutput", "LampDisplay", "TestSupport"],
                    path: "Tests/RuntimeTests"),
        .testTarget(name: "DataTests", dependencies: ["DuralavaData", "DuralavaRuntime"], path: "Tests/DataTests"),
        .testTarget(name: "TrainerTests", dependencies: ["DuralavaTrainer", "DuralavaNN", "DuralavaExperiments", "DuralavaMeasure", "DuralavaRuntime", "TestSupport"], path: "Tests/TrainerTests"),
        // The report card and the measures; the classifier and footage tests train tiny lamps with DuralavaTrainer.
        .testTarget(name: "MeasureTests", dependencies: ["DuralavaMeasure", "DuralavaNN", "DuralavaData", "DuralavaTrainer", "DuralavaRuntime",
                                                         "LampOutput", "TestSupport"], path: "Tests/MeasureTests"),
        .testTarget(name: "ConverterTests", dependencies: ["DuralavaConverter", "DuralavaRuntime", "DuralavaKernels", "TestSupport"], path: "Tests/ConverterTests"),
    ],
    // Swift 6 language mode everywhere: complete data-race checking (docs/architecture.md).
    swiftLanguageModes: [.v6]
)
