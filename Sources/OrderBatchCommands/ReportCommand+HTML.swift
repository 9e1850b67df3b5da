import Foundation
import OrderBatchCore

extension OrderBatch.Report {
    /// `--format html`: the run's page (``RunReport``), to `--output` or standard output, written whole.
    ///
    /// - Throws: ``RunError``: 64 when the store keeps no history, 1 when the page cannot be written.
    func writeHTML(run: RunRecord, store: any RunStore, path: String, states: Set<ItemState>?) throws {
        guard let history = store as? any RunHistoryStore else {
            throw RunError.usage("orderbatch: the state database \(path) keeps no attempts log")
        }
        let page = try DatabaseCheck.readingDamage(path: path) { () throws -> String in
            let counts = try store.counts(runID: run.id)
            let process = try OrderBatch.Status.process(of: run, in: store)
            let listed = RunCounts.listedStates.filter { states?.contains($0) ?? true }
            return try RunReport.load(
                store: history, run: run, job: OrderBatch.Status.effectiveJob(run, path: path), databasePath: path,
                states: listed,
                nextCommands: OrderBatch.Status.nextCommands(run, counts, process, databasePath: path)
            ).html
        }
        let writer: FileDescriptorWriter
        do {
            writer = try output.map { try FileDescriptorWriter(creatingFileAt: $0) } ?? .standardOutput()
            try writer.write(page)
            try writer.close()
        } catch let error as ReportingError {
            if output == nil, case .writeFailed(_, EPIPE) = error { throw RunError(.outputFailed, "") }
            throw RunError(.outputFailed, "orderbatch: HTML report of run \(run.id): \(error)")
        }
    }
}
