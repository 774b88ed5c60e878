import DuralavaMeasure
import ArgumentParser

@main
struct DuralavaTrain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duralava-train", abstract: "Train, simulate and evaluate duralava lamps.",
        subcommands: [Train.self, Simulate.self, Eval.self, TwoSample.self])
}
