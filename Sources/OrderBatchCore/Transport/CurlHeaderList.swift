internal import CCurl

/// One owned libcurl string list (`curl_slist`) for `CURLOPT_HTTPHEADER`.
///
/// libcurl does not copy the list: it must outlive the transfer, so the easy handle keeps it
/// until the transfer is finished. `curl_slist_free_all` runs in `deinit`.
///
/// Related libcurl documentation: <https://curl.se/libcurl/c/curl_slist_append.html>.
final class CurlHeaderList {
    private(set) var list: UnsafeMutablePointer<curl_slist>?

    init() {}

    deinit { curl_slist_free_all(list) }

    /// Appends one raw header line (libcurl copies the text).
    ///
    /// - Parameter line: `Name: value`, `Name:` (suppress a header libcurl would add) or `Name;`
    ///   (send the header with an empty value).
    /// - Returns: `false` when libcurl could not allocate the copy.
    func append(_ line: String) -> Bool {
        guard let appended = curl_slist_append(list, line) else { return false }
        list = appended
        return true
    }
}

@available(*, unavailable)
extension CurlHeaderList: Sendable {}
