#include "COpenSSLShim.h"

long shim_BIO_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

void shim_OPENSSL_free(void *pointer) {
    OPENSSL_free(pointer);
}

unsigned long shim_XN_FLAG_RFC2253_UTF8(void) {
    return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
}
