internal import CCurl

/// libcurl's process-wide initialisation (`curl_global_init`), done exactly once.
///
/// `curl_global_init` is not thread-safe in older libcurl releases; a `static let` is initialised
/// once, under the runtime's own lock, before any multi or easy handle exists.
///
/// Related libcurl documentation: <https://curl.se/libcurl/c/curl_global_init.html>.
enum CurlGlobal {
    private static let initialisation: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

    /// Initialises libcurl on first call; a failure (out of memory or a TLS library that will not
    /// start) is a precondition failure because no transfer could ever work.
    static func ensureInitialized() {
        precondition(initialisation, "curl_global_init failed: libcurl or its TLS library cannot start")
    }
}
