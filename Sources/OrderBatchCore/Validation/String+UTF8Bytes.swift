extension String {
    /// Calls `body` with the string's UTF-8 bytes, read in place.
    ///
    /// Unlike `withUTF8`, which is `mutating`, this borrows the string: the validation hot
    /// path calls it for every cell, and a mutable copy costs a retain and a release each time.
    /// A native string's bytes are contiguous (a small string's are copied to the stack); a
    /// string that is not native is copied first.
    @inline(__always)
    func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return copy.withUTF8(body)
    }
}
