#ifndef COPENSSLSHIM_H
#define COPENSSLSHIM_H
// The one place C from OpenSSL enters the package. Swift imports the real OpenSSL
// declarations through this header; the functions below exist only for what Swift
// cannot import (function-like macros, variadics).
#include <openssl/opensslv.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/asn1.h>
#include <openssl/ssl.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

/// BIO_get_mem_data (a macro over BIO_ctrl): the bytes a memory BIO holds, and their count.
long shim_BIO_get_mem_data(BIO *bio, char **data);

/// OPENSSL_free (a macro that passes __FILE__/__LINE__ to CRYPTO_free).
void shim_OPENSSL_free(void *pointer);

/// XN_FLAG_RFC2253 without ASN1_STRFLGS_ESC_MSB: the DN form PostgreSQL matches
/// (clientname=DN), with UTF-8 kept readable instead of escaped byte by byte.
unsigned long shim_XN_FLAG_RFC2253_UTF8(void);

#endif
