import ArgumentParser
import Foundation
import OrderBatchCore

/// The root command.
public struct OrderBatch: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "orderbatch",
        abstract:
            "Validate and apply batches of order updates at payment providers (\(ProviderRegistry.standard.displayNames)).",
        version: "0.1.0",
        subcommands: [
            Init.self, Validate.self, Plan.self, Run.self, Work.self, Emulator.self, Status.self, Report.self,
            Log.self, Resume.self, Retry.self, Cancel.self,
        ])
    public init() {}
}

/// What the executable calls; keeps ArgumentParser out of the executable target.
public enum OrderBatchMain {
    /// Makes output failures harmless (see ``StandardStreams``), then parses the command line, runs the
    /// chosen subcommand and exits: with a ``RunError``'s status after printing its message (the one place
    /// a command's error is printed, but for `run`, `resume` and `retry`, whose ``RunInvocation`` prints it
    /// before writing the metrics file), else as ArgumentParser does.
    public static func main() async {
        StandardStreams.prepare()
        do {
            var command = try OrderBatch.parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let error as RunError {
            if !error.message.isEmpty { CommandSupport.printError(error.message) }
            exit(error.status.rawValue)
        } catch {
            OrderBatch.exit(withError: error)
        }
    }
}
