import ArgumentParser
import OrderBatchCore

/// `--quiet` and `--log-format`, shared by `run`, `resume` and `retry`: what a cron line or a log shipper needs.
struct LogOptions: ParsableArguments {
    @Flag(
        help: ArgumentHelp(
            "Print nothing when the run succeeds (exit 0); otherwise the lines that led to it, the summary and the command to continue."
        ))
    var quiet = false

    @Option(
        help: ArgumentHelp(
            "How lines on standard error are written: text (stamped with the UTC time and run id when standard error is not a terminal) or json (one object per line).",
            valueName: "text|json"))
    var logFormat: LogFormat = .text
}

extension LogFormat: ExpressibleByArgument {}
