/* Files written whole or not at all: a file beside the target, renamed over it. */
#ifndef PP_FILE_H
#define PP_FILE_H

#include "core/error.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Writes `len` bytes of `data` into `path` with `mode`: a reader sees the old file or the new one, never a part. */
int pp_write_whole (const char *path, const char *data, size_t len, mode_t mode, pp_error_t *err);

/* Bytes on disk below the directory `dir` (its blocks, symbolic links not followed; a file linked twice counts
   twice).  What cannot be read counts 0. */
int64_t pp_disk_usage (int dir);

/* The first line of file `path` (without its newline, at most size - 1 bytes) in `buf`: "" when it is empty or
   cannot be read.  For an error that quotes a helper's log. */
void pp_file_first_line (const char *path, char *buf, size_t size);

#endif
