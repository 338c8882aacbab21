/* Files written whole or not at all: a file beside the target, renamed over it. */
#ifndef PP_FILE_H
#define PP_FILE_H

#include "core/error.h"

#include <stddef.h>
#include <sys/types.h>

/* Writes `len` bytes of `data` into `path` with `mode`: a reader sees the old file or the new one, never a part. */
int pp_write_whole (const char *path, const char *data, size_t len, mode_t mode, pp_error_t *err);

#endif
