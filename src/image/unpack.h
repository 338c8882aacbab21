/* Layer unpacking: a gzip, zstd or plain tar layer into a directory in overlay form, confined to it. */
#ifndef PP_UNPACK_H
#define PP_UNPACK_H

#include "core/error.h"

/* Unpacks the layer read from `blob_fd` into the directory `dest_fd`: whiteouts become 0/0 character devices,
   opaque markers the trusted.overlay.opaque xattr; owners, modes, links, devices and xattrs are kept.  Absolute
   names, `..` and paths through symlinks are refused.  `diff_id` receives the digest of the uncompressed tar. */
int pp_layer_unpack (int blob_fd, int dest_fd, const char *what, char diff_id[72], pp_error_t *err);

#endif
