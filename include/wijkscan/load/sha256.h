/*
 * sha256.h - SHA-256 (FIPS 180-4) of memory and of files, for the manifest.
 *
 * Pure C, no library.  The streaming context can live on the stack:
 *   struct ws_sha256 c; ws_sha256_init(&c); ws_sha256_update(&c, p, n); ...
 *   ws_sha256_final(&c, digest);
 */
#ifndef WIJKSCAN_SHA256_H
#define WIJKSCAN_SHA256_H

#include "wijkscan/core/err.h"

#include <stddef.h>
#include <stdint.h>

#define WS_SHA256_LEN 32 /* digest bytes */
#define WS_SHA256_HEX 65 /* hex digits + NUL */

struct ws_sha256 {
    uint32_t h[8];
    uint64_t n_bytes;      /* message length so far */
    unsigned char buf[64]; /* pending partial block */
    size_t n_buf;
};

void ws_sha256_init(struct ws_sha256 *c);
void ws_sha256_update(struct ws_sha256 *c, const void *data, size_t len);
/* Writes the digest; c must be re-initialised before further use. */
void ws_sha256_final(struct ws_sha256 *c, unsigned char digest[WS_SHA256_LEN]);

/* Lower-case hex of a digest into hex (NUL-terminated). */
void ws_sha256_hex(const unsigned char digest[WS_SHA256_LEN], char hex[WS_SHA256_HEX]);

/* SHA-256 of len bytes at data, as lower-case hex. */
void ws_sha256_buf(const void *data, size_t len, char hex[WS_SHA256_HEX]);

/* SHA-256 of a file's bytes, as lower-case hex.  GDAL /vsigzip/ and /vsizip/
 * prefixes are looked through: the digest is of the .gz or .zip file itself.
 * A missing or unreadable file is WS_ENOINPUT ("cannot read 'PATH'", errno
 * text in err->cause). */
int ws_sha256_file(const char *path, char hex[WS_SHA256_HEX], struct ws_err *err);

#endif
