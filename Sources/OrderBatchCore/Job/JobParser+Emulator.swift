// MARK: - The `emulator:` section

extension MappingReader {
    /// The `emulator:` section, allowed only with `endpoint: emulator`.
    ///
    /// - Parameters:
    ///   - endpoint: The job's `endpoint:`; the section is refused unless it is `emulator`.
    ///   - latencyModels: The `latency` values: `none` and the registered providers' models.
    /// - Returns: The settings the section gives, the defaults for the keys it leaves out (all of them when
    ///   there is no section).
    /// - Throws: ``JobError`` naming the key and line: the section without `endpoint: emulator`, a value out of
    ///   its range or choices, or an unknown key.
    mutating func emulatorSettings(endpoint: Endpoint, latencyModels: [String]) throws(JobError) -> Job.EmulatorSettings
    {
        var settings = Job.EmulatorSettings()
        guard var e = try mapping("emulator") else { return settings }
        guard endpoint == .emulator else {
            throw error("emulator", nil, "applies only with `endpoint: emulator` (the built-in emulator of this run)")
        }
        settings.orders = try e.string("orders").map { resolve($0.0) }
        func choice(_ r: inout MappingReader, _ key: String, _ values: [String]) throws(JobError) -> String? {
            guard let (v, line) = try r.string(key) else { return nil }
            guard values.contains(v) else {
                throw r.error(key, line, "must be one of \(values.joined(separator: ", ")) (got \"\(v)\")")
            }
            return v
        }
        settings.latency = try choice(&e, "latency", latencyModels) ?? settings.latency
        settings.failWith = try choice(&e, "fail_with", ["503", "429", "reset", "hang"]) ?? settings.failWith
        settings.unknownOrders = try choice(&e, "unknown_orders", ["create", "not-found"]) ?? settings.unknownOrders
        if let (r, line) = try e.string("fail_rate") {
            guard let v = Double(r), v.isFinite, v >= 0, v <= 1 else {
                throw e.error("fail_rate", line, "must be a share of requests from 0 to 1, e.g. 0.2 (got \"\(r)\")")
            }
            settings.failRate = v
        }
        if let (r, line) = try e.string("seed") {
            guard let v = UInt64(r) else { throw e.error("seed", line, "must be a whole number (got \"\(r)\")") }
            settings.seed = v
        }
        settings.rateLimits = try e.bool("rate_limits") ?? settings.rateLimits
        settings.idempotency = try e.bool("idempotency") ?? settings.idempotency
        settings.revokeAfter = try e.int("revoke_after", in: 0...Int(Int32.max))
        settings.garble = try choice(&e, "garble", ["none", "updates", "reads", "both"]) ?? settings.garble
        settings.padMB = try e.int("pad_mb", in: 0...1024) ?? settings.padMB
        try e.finish(known: JobKeys.emulator)
        return settings
    }
}
