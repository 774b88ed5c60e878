import ArgumentParser

/// `duralava-experiments`: experiments kept runnable beside the product (docs/training.md),
/// outside `duralava-train` so the shipped trainer's commands are the product's only.
@main
struct DuralavaExperimentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duralava-experiments", abstract: "Experiments on trained lamps (docs/training.md); not part of the product.",
        subcommands: [ProbeProjection.self])
}
