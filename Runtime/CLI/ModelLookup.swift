import DuralavaRuntime

extension ModelLookup {
    /// The model's path, or a one-line error and exit 1.
    static func resolve(explicit: String?) -> String {
        do throws(FileError) { return try find(explicit: explicit) } catch { Duralava.fail(error.description) }
    }
}
