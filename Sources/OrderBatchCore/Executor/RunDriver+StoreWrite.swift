extension RunDriver {
    /// What a store task reports: its error travels as a value, so that the driver, not the task
    /// group, decides when it ends the execution (also while draining the group at the end).
    enum StoreWrite<T: Sendable>: Sendable {
        case done(T)
        case failed(any Error)

        init(_ body: () async throws -> T) async {
            do {
                self = .done(try await body())
            } catch {
                self = .failed(error)
            }
        }

        func get() throws -> T {
            switch self {
            case .done(let value): return value
            case .failed(let error): throw error
            }
        }
    }

    /// Commits `results` on the store thread.
    static func record(_ results: [ItemResult], in db: RunStoreActor, fence: LeaseOwner?) async -> StoreWrite<Void> {
        await StoreWrite { try await db.perform { try $0.record(results, fence: fence) } }
    }
}
