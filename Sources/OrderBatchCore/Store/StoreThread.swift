import Dispatch
import Foundation

/// A thread of its own that runs jobs one at a time, in order: the serial executor of
/// ``RunStoreActor``.
///
/// Swift's cooperative pool has one thread per core; a job that blocks one (a SQLite write waiting
/// up to the 5 s busy timeout for another process's lock) starves every task behind it. Jobs
/// enqueued here run on this thread instead, as GRDB's `DispatchQueueActor` runs a database's on a
/// queue of its own. The thread ends when the executor is released (after the jobs already
/// enqueued have run).
final class StoreThread: SerialExecutor, Sendable {
    /// The jobs waiting, shared with the thread (which holds this, not the executor, so that
    /// releasing the executor ends the thread).
    private final class Queue: Sendable {
        private struct State {
            var jobs: [(job: UnownedJob, executor: UnownedSerialExecutor)] = []
            var head = 0
            var finished = false
        }

        private let state = Locked(State())
        /// One signal per job posted, and one for ``finish()``.
        private let ready = DispatchSemaphore(value: 0)

        func post(_ job: UnownedJob, on executor: UnownedSerialExecutor) {
            state.withLock { $0.jobs.append((job, executor)) }
            ready.signal()
        }

        func finish() {
            state.withLock { $0.finished = true }
            ready.signal()
        }

        /// The thread's body: runs jobs until ``finish()`` and every job before it have been taken.
        func drain() {
            while true {
                ready.wait()
                let next: (job: UnownedJob, executor: UnownedSerialExecutor)?? = state.withLock { state in
                    guard state.head < state.jobs.count else { return state.finished ? .none : .some(nil) }
                    let next = state.jobs[state.head]
                    state.head += 1
                    if state.head == state.jobs.count {
                        state.jobs.removeAll(keepingCapacity: true)
                        state.head = 0
                    }
                    return .some(next)
                }
                switch next {
                case .none: return
                case .some(.none): continue
                case .some(.some(let next)): next.job.runSynchronously(on: next.executor)
                }
            }
        }
    }

    private let queue = Queue()

    /// Starts the thread.
    ///
    /// - Parameter name: The thread's name, as debuggers and `top -H` show it.
    init(name: String) {
        let queue = self.queue
        let thread = Thread {
            // A mark tests and debugging can read: on Linux, `Thread.current.name` reports the name the
            // thread inherited from its creator, not the one set below.
            Thread.current.threadDictionary["orderbatch.thread"] = name
            queue.drain()
        }
        thread.name = name
        thread.start()
    }

    deinit {
        queue.finish()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        queue.post(UnownedJob(job), on: asUnownedSerialExecutor())
    }
}
