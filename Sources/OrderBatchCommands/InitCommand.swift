import ArgumentParser
import Foundation
import OrderBatchCore

extension OrderBatch {
    /// `orderbatch init NAME --provider P`: write a commented job file with every key and its default.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a commented job file with every key and its default.",
            discussion: """
                Writes jobs/NAME.yaml (or --output FILE): every key the job parser knows, with the provider's \
                defaults, each with a comment; keys marked CHANGE_ME are required. The file is checked with the \
                job parser before it is written, and never replaces an existing file without --force.

                Exit status: 0 written; 64 usage error (an unknown provider, a bad name, a file that exists, a \
                folder that cannot be written).
                """)

        @Argument(help: "The job's name: 1–64 of letters, digits, '-', '_' and '.'.") var name: String
        @Option(help: "The provider: \(ProviderRegistry.standard.namesAsChoice).") var provider: String
        @Option(help: "Write here instead of jobs/NAME.yaml.") var output: String?
        @Flag(help: "Replace the file if it exists.") var force = false

        func validate() throws {
            if ProviderRegistry.standard.provider(named: provider) == nil {
                throw ValidationError("--provider must be \(ProviderRegistry.standard.namesAsChoice)")
            }
        }

        func run() throws {
            guard let kind = ProviderRegistry.standard.provider(named: provider) else { return }
            let path = output ?? "jobs/\(name).yaml"
            let text = JobTemplate.text(name: name, provider: kind)
            do {
                _ = try JobParser.parse(text: text, path: path)
            } catch {
                throw RunError.usage("orderbatch: cannot write a job named \"\(name)\": \(error)")
            }
            if !force && FileManager.default.fileExists(atPath: path) {
                throw RunError.usage("orderbatch: \(path) exists; pass --force to replace it, or --output FILE")
            }
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            do {
                try AtomicFile.write(Array(text.utf8), to: path)
            } catch {
                throw RunError.usage("orderbatch: cannot write \(path): \(error)")
            }
            CommandSupport.output(
                "wrote \(path): a \(kind.module.displayName) job, every key at its default"
                    + (kind.module.jobTemplate.contains { $0.value == "CHANGE_ME" }
                        ? " (set the CHANGE_ME values)" : "")
                    + "; next: orderbatch plan \(ShellWord.quote(path)) --input FILE")
        }
    }
}
