/* Content digests ("sha256:<64 hex>"), computed while data streams, never trusted before they are checked. */
#ifndef PP_DIGEST_H
#define PP_DIGEST_H

#include "core/error.h"
#include <stdbool.h>

#define PP_DIGEST_HEX 64

typedef struct pp_sha256 pp_sha256_t;

pp_sha256_t *pp_sha256_new (void);
void pp_sha256_update (pp_sha256_t *h, const void *data, size_t len);
/* Writes "sha256:<hex>" into out (72 bytes at least) and frees the state. */
void pp_sha256_finish (pp_sha256_t *h, char out[72]);

/* Whether `digest` is "sha256:" and 64 lowercase hex digits; its hex part in *hex. */
bool pp_digest_valid (const char *digest, const char **hex);
/* The digest of the whole file open at `fd` (read from its start; its offset is left as it is). */
int pp_digest_fd (int fd, char out[72], pp_error_t *err);

#endif
