import ArgumentParser
import OrderBatchCore

/// The root command.
public struct OrderBatch: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "orderbatch",
        abstract:
            "Validate and apply batches of order updates at payment providers (\(ProviderRegistry.standard.displayNames)).",
        version: "0.1.0",
        subcommands: [Validate.self, Run.self, Emulator.self, Status.self, Report.self, Resume.self, Retry.self, Cancel.self])
    public init() {}
}

/// What the executable calls; keeps ArgumentParser out of the executable target.
public enum OrderBatchMain {
    /// Makes output failures harmless (see ``StandardStreams``), then parses the command line, runs the
    /// chosen subcommand and exits.
    public static func main() async {
        StandardStreams.prepare()
        await OrderBatch.main()
    }
}
