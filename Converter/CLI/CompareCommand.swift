import ArgumentParser
struct Compare: ParsableCommand { func run() throws {} }
