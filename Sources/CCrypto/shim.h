#ifndef ORDERBATCH_CCRYPTO_SHIM_H
#define ORDERBATCH_CCRYPTO_SHIM_H
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/err.h>

/// EVP_sha256() is a plain function, but wrapping it keeps every caller on one
/// spelling and documents that HMAC-SHA256 is the only digest orderbatch uses.
static inline const EVP_MD *ccrypto_sha256(void) { return EVP_sha256(); }
#endif
