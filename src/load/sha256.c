/*
 * sha256.c - SHA-256 as specified in FIPS 180-4 (see sha256.h).
 *
 * Section numbers refer to FIPS 180-4 (August 2015): the functions Ch, Maj,
 * Sigma0/1 and sigma0/1 of 4.1.2, the constants K of 4.2.2, the initial hash
 * value of 5.3.3, padding of 5.1.1 and the compression of 6.2.2.  Files are
 * read in 64 KiB blocks, so memory use does not grow with file size.
 */
#include "wijkscan/load/sha256.h"

#include "wijkscan/core/mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static void compress(uint32_t h[8], const unsigned char block[64])
{
    uint32_t w[64];
    uint32_t a = h[0];
    uint32_t b = h[1];
    uint32_t c = h[2];
    uint32_t d = h[3];
    uint32_t e = h[4];
    uint32_t f = h[5];
    uint32_t g = h[6];
    uint32_t hh = h[7];

    for (size_t t = 0; t < 16; t++)
        w[t] = (uint32_t)block[4 * t] << 24 | (uint32_t)block[4 * t + 1] << 16 |
               (uint32_t)block[4 * t + 2] << 8 | (uint32_t)block[4 * t + 3];
    for (size_t t = 16; t < 64; t++) {
        uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    for (size_t t = 0; t < 64; t++) {
        uint32_t big_s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + big_s1 + ch + k[t] + w[t];
        uint32_t big_s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = big_s0 + maj;
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

void ws_sha256_init(struct ws_sha256 *c)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, h0, sizeof(h0));
    c->n_bytes = 0;
    c->n_buf = 0;
}

void ws_sha256_update(struct ws_sha256 *c, const void *data, size_t len)
{
    const unsigned char *p = data;

    c->n_bytes += len;
    if (c->n_buf > 0) {
        size_t take = 64 - c->n_buf < len ? 64 - c->n_buf : len;
        memcpy(c->buf + c->n_buf, p, take);
        c->n_buf += take;
        p += take;
        len -= take;
        if (c->n_buf < 64)
            return;
        compress(c->h, c->buf);
        c->n_buf = 0;
    }
    for (; len >= 64; p += 64, len -= 64)
        compress(c->h, p);
    if (len > 0) {
        memcpy(c->buf, p, len);
        c->n_buf = len;
    }
}

void ws_sha256_final(struct ws_sha256 *c, unsigned char digest[WS_SHA256_LEN])
{
    uint64_t bits = c->n_bytes * 8;

    // 5.1.1: a 1 bit, zeros to 56 mod 64 bytes, then the bit length (big-endian)
    c->buf[c->n_buf++] = 0x80;
    if (c->n_buf > 56) {
        memset(c->buf + c->n_buf, 0, 64 - c->n_buf);
        compress(c->h, c->buf);
        c->n_buf = 0;
    }
    memset(c->buf + c->n_buf, 0, 56 - c->n_buf);
    for (unsigned i = 0; i < 8; i++)
        c->buf[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
    compress(c->h, c->buf);
    for (size_t i = 0; i < 8; i++) {
        digest[4 * i] = (unsigned char)(c->h[i] >> 24);
        digest[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
        digest[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
        digest[4 * i + 3] = (unsigned char)c->h[i];
    }
    c->n_buf = 0;
}

void ws_sha256_hex(const unsigned char digest[WS_SHA256_LEN], char hex[WS_SHA256_HEX])
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < WS_SHA256_LEN; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 0xF];
    }
    hex[64] = '\0';
}

void ws_sha256_buf(const void *data, size_t len, char hex[WS_SHA256_HEX])
{
    struct ws_sha256 c;
    unsigned char d[WS_SHA256_LEN];

    ws_sha256_init(&c);
    ws_sha256_update(&c, data, len);
    ws_sha256_final(&c, d);
    ws_sha256_hex(d, hex);
}

/* The local file behind a GDAL path: "/vsigzip/x.gz" -> "x.gz",
 * "/vsizip/a.zip/b.shp" -> "a.zip".  Owned. */
static char *local_file(const char *path)
{
    if (strncmp(path, "/vsigzip/", 9) == 0)
        return local_file(path + 9);
    if (strncmp(path, "/vsizip/", 8) == 0) {
        const char *rest = path + 8;
        const char *zip = strstr(rest, ".zip");
        while (zip && zip[4] != '\0' && zip[4] != '/')
            zip = strstr(zip + 4, ".zip");
        if (zip)
            return ws_xstrndup(rest, (size_t)(zip + 4 - rest));
        return ws_xstrdup(rest);
    }
    return ws_xstrdup(path);
}

int ws_sha256_file(const char *path, char hex[WS_SHA256_HEX], struct ws_err *err)
{
    char *file = local_file(path);
    FILE *fp = NULL;
    unsigned char *block = NULL;
    struct ws_sha256 c;
    unsigned char d[WS_SHA256_LEN];
    int rc = WS_OK;
    size_t n;

    hex[0] = '\0';
    fp = fopen(file, "rb");
    if (!fp) {
        rc = ws_err_set(err, WS_ENOINPUT, "cannot read '%s'", path);
        ws_err_cause(err, "%s", strerror(errno));
        ws_err_hint(err, "check the path and the file's permissions");
        goto out;
    }
    block = ws_xmalloc(65536);
    ws_sha256_init(&c);
    while ((n = fread(block, 1, 65536, fp)) > 0)
        ws_sha256_update(&c, block, n);
    if (ferror(fp)) {
        rc = ws_err_set(err, WS_ENOINPUT, "cannot read '%s'", path);
        ws_err_cause(err, "read error");
        goto out;
    }
    ws_sha256_final(&c, d);
    ws_sha256_hex(d, hex);
out:
    if (fp)
        (void)fclose(fp); // read-only: nothing to flush
    free(block);
    free(file);
    return rc;
}
