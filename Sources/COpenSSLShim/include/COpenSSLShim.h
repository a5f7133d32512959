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

#endif
