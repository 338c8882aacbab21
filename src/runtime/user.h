/* The user a container runs as and its groups, looked up in the container's own /etc/passwd and /etc/group. */
#ifndef PP_USER_H
#define PP_USER_H

#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

/* The largest /etc/passwd or /etc/group read: far more than any real one, and a bound on what an image makes the
   caller hold. */
#define PP_USER_FILE_MAX ((size_t)4 << 20)

/* A USER of an image or `exec -u`: "uid[:gid]" or "name[:group]", against the root whose directory is `root_fd`.
   Digits are ids (0 to 2147483647, as Kubernetes and runc take them); names are looked up in the root's
   /etc/passwd and /etc/group, read inside that root (neither through a symlink nor from anything but a regular
   file, and at most PP_USER_FILE_MAX bytes).  A user without a group gets the gid of its /etc/passwd line (0 for a
   uid that has none), as Docker and runc do.  "" and NULL are root.  An unknown name, an id out of range and an
   unreadable file are errors that name them; a missing file holds no names. */
int pp_user_resolve (int root_fd, const char *user, uint32_t *uid, uint32_t *gid, pp_error_t *err);

/* The groups the root's /etc/group lists the user of `uid` (by its /etc/passwd name) as a member of, but `gid`, at
   most `max`, their number in *n: what a container runtime adds to the supplementary groups (Kubernetes'
   supplementalGroupsPolicy Merge).  Read as pp_user_resolve reads them. */
int pp_user_groups (int root_fd, uint32_t uid, uint32_t gid, uint32_t *out, size_t max, size_t *n, pp_error_t *err);

#endif
