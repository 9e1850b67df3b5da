/// A first-in, first-out queue of item sequence numbers: amortised O(1), no Foundation.
struct SeqQueue: Sendable {
    private var storage: [Int64] = []
    private var head = 0

    var count: Int { storage.count - head }
    var isEmpty: Bool { head == storage.count }
    var first: Int64? { isEmpty ? nil : storage[head] }

    mutating func append(_ seq: Int64) {
        storage.append(seq)
    }

    mutating func popFirst() -> Int64? {
        guard head < storage.count else { return nil }
        let seq = storage[head]
        head += 1
        if head >= 1024 && head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return seq
    }

    /// Removes and returns every element, in order.
    mutating func drain() -> [Int64] {
        let all = Array(storage[head...])
        storage.removeAll(keepingCapacity: true)
        head = 0
        return all
    }
}

/// Items waiting until a time (backoff, `Retry-After`), earliest first; ties in insertion order.
struct DelayQueue: Sendable {
    private struct Entry: Sendable {
        var readyAt: Double
        var order: UInt64
        var seq: Int64

        func precedes(_ other: Entry) -> Bool {
            readyAt != other.readyAt ? readyAt < other.readyAt : order < other.order
        }
    }

    private var heap: [Entry] = []
    private var nextOrder: UInt64 = 0

    var count: Int { heap.count }
    var isEmpty: Bool { heap.isEmpty }
    /// The earliest entry, without removing it.
    var first: (readyAt: Double, seq: Int64)? { heap.first.map { ($0.readyAt, $0.seq) } }

    mutating func insert(_ seq: Int64, readyAt: Double) {
        heap.append(Entry(readyAt: readyAt, order: nextOrder, seq: seq))
        nextOrder &+= 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popFirst() -> Int64? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < heap.count && heap[left].precedes(heap[smallest]) { smallest = left }
                if right < heap.count && heap[right].precedes(heap[smallest]) { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top.seq
    }

    /// Removes and returns every element, earliest first.
    mutating func drain() -> [Int64] {
        var all: [Int64] = []
        all.reserveCapacity(heap.count)
        while let seq = popFirst() { all.append(seq) }
        return all
    }
}
