/* Paths inside a root that podplay does not trust (an image's rootfs, a volume, an emptyDir a container writes):
   resolved from a directory descriptor by the kernel at the moment they are used, never by joining strings. */
#ifndef PP_SAFEPATH_H
#define PP_SAFEPATH_H

#include "core/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* How a path below a directory descriptor is resolved. */
typedef enum
{
  /* As the container sees it: symlinks are followed, but an absolute target or ".." never climbs above the
     descriptor (RESOLVE_IN_ROOT), nor goes through /proc's magic links. */
  PP_RESOLVE_IN_ROOT,
  /* Strictly below the descriptor, with no symlink anywhere on the way (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS):
     for paths that a manifest names inside a volume (subPath, items), where no symlink belongs. */
  PP_RESOLVE_BENEATH,
} pp_resolve_t;

/* openat2(2) of `path` below `dirfd` as `how` says, with `flags` (O_CLOEXEC is added) and `mode`; retried on
   EINTR and on EAGAIN (a rename raced the lookup).  The descriptor, or -1 with errno set (ELOOP or EXDEV when
   the path goes through a symlink or out of the root, ENOSYS without openat2). */
int pp_open_at (int dirfd, const char *path, pp_resolve_t how, int flags, mode_t mode);

/* Opens a regular file inside a root for reading: resolved as `how` says, the last component not a symlink
   (O_NOFOLLOW), and anything but a regular file refused before it is opened for reading (a FIFO cannot hang the
   caller, nor a device act).  The descriptor, its stat in *st; -1 with err set (`what` names the file). */
int pp_open_regular_at (int dirfd, const char *path, pp_resolve_t how, const char *what, struct stat *st,
                        pp_error_t *err);

/* Reads a regular file inside a root, as a lookup of the container's own files (/etc/passwd, /etc/group) must:
   opened as pp_open_regular_at does, and at most `max` bytes (a larger file is an error, not a truncation).  *data (NUL-terminated, freed by the caller) and *len on success.  `what`
   names the file in errors ("the container's /etc/passwd"). */
int pp_read_file_at (int dirfd, const char *path, pp_resolve_t how, size_t max, const char *what, char **data,
                     size_t *len, pp_error_t *err);

/* mkdir -p of `path` strictly below `dirfd`, one component at a time, never through a symlink and never above
   `dirfd` (".." is refused); missing directories get `mode`.  An O_PATH descriptor of the last directory, or
   -1 with errno set. */
int pp_mkdir_at (int dirfd, const char *path, mode_t mode);

/* What a mount target inside a container's root must be: `path` resolved as the container will see it
   (PP_RESOLVE_IN_ROOT: symlinks followed, absolute ones and ".." never above `rootfd`), and what is missing on the
   way created there, as runc's securejoin and crun's safe_openat do: directories (0755), and the last component an
   empty file (0644) when `file`, else a directory.  A symlink whose target is missing (/etc/resolv.conf ->
   ../run/systemd/resolve/stub-resolv.conf) gets its target made inside the root.  An O_PATH descriptor of what
   `path` names, or -1 with errno set.  Syscalls and stack buffers only: a child after fork may call it. */
int pp_create_at (int rootfd, const char *path, bool file);

#endif
