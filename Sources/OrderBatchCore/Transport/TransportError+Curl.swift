internal import CCurl

/// The one place libcurl's `CURLcode`s become ``TransportError/Kind``s.
///
/// | CURLcode | Kind |
/// |---|---|
/// | `COULDNT_RESOLVE_HOST`, `COULDNT_RESOLVE_PROXY` | ``TransportError/Kind/dnsFailure`` |
/// | `COULDNT_CONNECT` | ``TransportError/Kind/couldNotConnect`` |
/// | `OPERATION_TIMEDOUT` | ``TransportError/Kind/timedOut`` |
/// | `SEND_ERROR`, `RECV_ERROR`, `GOT_NOTHING`, `PARTIAL_FILE` | ``TransportError/Kind/connectionReset`` |
/// | `SSL_*`, `PEER_FAILED_VERIFICATION`, `USE_SSL_FAILED` | ``TransportError/Kind/tls`` |
/// | `FILESIZE_EXCEEDED` (and `WRITE_ERROR` when ``CurlEasy`` stopped a body at the cap) | ``TransportError/Kind/responseTooLarge`` |
/// | anything else | ``TransportError/Kind/other`` |
///
/// Related libcurl documentation: <https://curl.se/libcurl/c/libcurl-errors.html>.
extension TransportError.Kind {
    init(curlCode code: CURLcode) {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            self = .dnsFailure
        case CURLE_COULDNT_CONNECT:
            self = .couldNotConnect
        case CURLE_OPERATION_TIMEDOUT:
            self = .timedOut
        case CURLE_FILESIZE_EXCEEDED:
            self = .responseTooLarge
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            self = .connectionReset
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_ENGINE_INITFAILED,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            self = .tls
        default:
            self = .other
        }
    }
}
