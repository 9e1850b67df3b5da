import ArgumentParser
import Dispatch
import Foundation
import OrderBatchCore
import OrderBatchEmulator

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension OrderBatch {
    /// `orderbatch emulator [--port N] [--host H] [--orders FILE] …`: serve both providers' APIs locally.
    struct Emulator: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "emulator",
            abstract: "Serve a local emulator of the \(EmulatorProviders.displayNames) order APIs until interrupted.",
            discussion: """
                Prints one line on standard output once it is listening, then serves until SIGINT or \
                SIGTERM, shuts down cleanly and exits 0:

                  \(listeningLine(baseURL: "http://HOST:PORT"))

                Point a job at it with `endpoint: http://HOST:PORT`, or let a job start its own with \
                `endpoint: emulator`.

                \(EmulatorProviders.credentialsHelp)

                Exit status: 0 stopped by a signal; 64 bad option, unreadable orders file, or an address \
                that cannot be bound (port in use: pick another --port, or --port 0 for a free one).
                """)

        /// The TCP port; 0 picks a free one, printed in the listening line.
        @Option(help: "The TCP port to listen on; 0 picks a free port (printed).")
        var port: Int = 18080

        /// The address to bind; loopback unless `--allow-remote`.
        @Option(help: "The address to bind. Only loopback addresses unless --allow-remote.")
        var host: String = "127.0.0.1"

        /// Allows a non-loopback `--host`.
        @Flag(
            help:
                "Allow a non-loopback --host. The emulator accepts demo credentials and has debug routes: never expose it."
        )
        var allowRemote = false

        /// A JSONL file of orders to start with.
        @Option(
            help: ArgumentHelp(
                "A JSONL file of orders to load at start (one {\"provider\",\"order_id\",\"status\",…} per line).",
                valueName: "file"))
        var orders: String?

        /// The latency model.
        @Option(help: ArgumentHelp(EmulatorProviders.latencyHelp))
        var latency: EmulatorLatency = .none

        /// The fraction of API requests that fail.
        @Option(
            help: ArgumentHelp("The fraction (0 to 1) of API requests answered with --fail-with.", valueName: "rate"))
        var failRate: Double = 0

        /// The fault injected.
        @Option(help: "The fault injected: 503, 429 (Retry-After: 1), reset (TCP reset), hang (no answer).")
        var failWith: FaultChoice = .http503

        /// The seed of every fault and latency draw.
        @Option(help: "The seed of fault and latency draws; the same seed gives the same draws.")
        var seed: UInt64 = 1

        /// Rapyd idempotency replay.
        @Option(help: ArgumentHelp(EmulatorProviders.idempotencyHelp))
        var idempotency: Toggle = .on

        /// Rapyd's WAF windows.
        @Option(help: ArgumentHelp(EmulatorProviders.rateLimitsHelp))
        var rateLimits: Toggle = .on

        /// What an unknown order id gets.
        @Option(help: "What happens to an order id the emulator does not know: create it, or answer not found.")
        var unknownOrders: UnknownOrdersChoice = .create

        /// Revoke the credentials after this many applied updates.
        @Option(
            help: ArgumentHelp(
                "Refuse every API request with the provider's 401 once N updates were applied, as after a revoked key (POST /__emulator/credentials/restore accepts them again).",
                valueName: "n"))
        var revokeAfter: Int?

        /// Which 2xx answers are garbled.
        @Option(help: "Answer 200 with an unreadable body to updates (applied all the same), reads, both, or none.")
        var garble: GarbleChoice = .none

        /// Pad answers to N MiB.
        @Option(help: ArgumentHelp("Pad every API answer to N MiB (valid JSON, streamed); 0 for none.", valueName: "n"))
        var padMb: Int = 0

        /// Padded answers without Content-Length.
        @Flag(help: "Send padded answers chunked, without Content-Length, so clients must count the bytes.")
        var padChunked = false

        func validate() throws {
            guard (0...65535).contains(port) else {
                throw ValidationError("--port must be between 0 and 65535, got \(port)")
            }
            guard failRate.isFinite, (0...1).contains(failRate) else {
                throw ValidationError("--fail-rate must be between 0 and 1, got \(failRate)")
            }
            if let revokeAfter, revokeAfter < 0 {
                throw ValidationError("--revoke-after must be a number of updates, 0 or more, got \(revokeAfter)")
            }
            guard (0...1024).contains(padMb) else {
                throw ValidationError("--pad-mb must be between 0 and 1024, got \(padMb)")
            }
            guard !host.isEmpty else { throw ValidationError("--host must not be empty") }
            guard allowRemote || HostName.isLoopback(host) else {
                throw ValidationError(
                    "--host \(host) is not a loopback address; the emulator accepts demo credentials and has debug routes, so pass --allow-remote if you really mean to expose it"
                )
            }
            if let orders, !FileManager.default.isReadableFile(atPath: orders) {
                throw ValidationError("--orders \(orders): no such readable file")
            }
        }

        func run() async throws {
            var configuration = EmbeddedEmulator.defaultConfiguration()
            configuration.host = host
            configuration.port = port
            configuration.ordersFile = orders
            configuration.latency = latency
            configuration.failRate = failRate
            configuration.failWith = failWith.value
            configuration.seed = seed
            configuration.idempotency = idempotency == .on
            configuration.rateLimits = rateLimits == .on
            configuration.unknownOrders = unknownOrders.value
            configuration.revokeCredentialsAfterUpdates = revokeAfter
            configuration.garble = garble.value
            configuration.padAnswersToBytes = padMb << 20
            configuration.padChunked = padChunked

            // Signals are taken over before the listening line is printed, so a supervisor that
            // sends SIGTERM as soon as it reads the line always gets a clean shutdown.
            let signals = SignalTrap(phase: .serving, quiet: true)
            let emulator: EmbeddedEmulator
            do {
                emulator = try await EmbeddedEmulator.start(configuration)
            } catch let error as EmulatorError {
                let advice: String
                switch error.bindErrno {
                case EADDRINUSE?:
                    advice = "; pick another --port, or --port 0 for a free one (the listening line names it)"
                case EACCES?: advice = "; pick a --port from 1024 up, or --port 0 for a free one"
                case EADDRNOTAVAIL?: advice = "; give --host 127.0.0.1 or another address of this machine"
                case .some: advice = "; check --host and --port"
                case nil: advice = ""
                }
                throw RunError.usage("orderbatch: \(error)" + advice)
            } catch {
                throw RunError.usage(
                    "orderbatch: emulator: cannot listen on \(host):\(port): \(error); pick another --port (0 picks a free one)"
                )
            }
            CommandSupport.printError("emulator: " + describe(configuration), level: .info)
            FileHandle.standardOutput.write(Data((Self.listeningLine(baseURL: emulator.baseURL) + "\n").utf8))

            let signal = await signals.next()
            CommandSupport.printError("emulator: \(SignalTrap.name(signal)) received, shutting down", level: .info)
            let stats = emulator.stats()
            try await emulator.shutdown()
            CommandSupport.printError(
                "emulator: stopped after \(stats.requests) requests, \(stats.appliedTotal) updates applied",
                level: .info)
        }

        /// The line printed on standard output once the emulator is listening.
        static func listeningLine(baseURL: String) -> String {
            "emulator listening on \(baseURL) (\(EmulatorProviders.routeSummary), stats: /__emulator/stats)"
        }

        /// Settings in one line, for standard error; names the credential sources, never the values.
        private func describe(_ configuration: EmulatorConfiguration) -> String {
            let environment = ProcessInfo.processInfo.environment
            let credentialSources = EmulatorProviders.credentialVariables.map { name in
                "\(name) \(environment[name].map { $0.isEmpty ? "unset (demo value)" : "from environment" } ?? "unset (demo value)")"
            }
            var parts = [
                "latency \(latency.rawValue)", "fail rate \(failRate)",
                failRate > 0 ? "fail with \(failWith.rawValue)" : nil, "seed \(seed)",
                "idempotency \(idempotency.rawValue)", "rate limits \(rateLimits.rawValue)",
                "unknown orders \(unknownOrders.rawValue)",
                orders.map { "orders from \($0)" },
                revokeAfter.map { "credentials revoked after \($0) updates" },
                garble == .none ? nil : "garble \(garble.rawValue)",
                padMb > 0 ? "answers padded to \(padMb) MiB\(padChunked ? " (chunked)" : "")" : nil,
            ].compactMap { $0 }
            parts.append("credentials: " + credentialSources.joined(separator: ", "))
            return parts.joined(separator: "; ")
        }
    }
}

// MARK: - Option values

/// `--latency`: the emulator's latency models, by name.
extension EmulatorLatency: ExpressibleByArgument {}

extension OrderBatch.Emulator {
    /// `--fail-with 503|429|reset|hang`.
    enum FaultChoice: String, ExpressibleByArgument, CaseIterable {
        case http503 = "503"
        case http429 = "429"
        case reset, hang
        var value: EmulatorFault {
            switch self {
            case .http503: return .http503
            case .http429: return .http429
            case .reset: return .reset
            case .hang: return .hang
            }
        }
    }

    /// `on|off`.
    enum Toggle: String, ExpressibleByArgument, CaseIterable {
        case on, off
    }

    /// `--garble none|updates|reads|both`.
    enum GarbleChoice: String, ExpressibleByArgument, CaseIterable {
        case none, updates, reads, both
        var value: EmulatorGarble { EmulatorGarble(rawValue: rawValue) ?? .none }
    }

    /// `--unknown-orders create|not-found`.
    enum UnknownOrdersChoice: String, ExpressibleByArgument, CaseIterable {
        case create
        case notFound = "not-found"
        var value: EmulatorUnknownOrders { self == .create ? .create : .notFound }
    }
}
