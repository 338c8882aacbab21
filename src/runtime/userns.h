/* Pods in a user namespace of their own (hostUsers: false): the host ids they get, the namespace's maps, idmapped
   mounts, volumes handed to the namespace's ids, and processes started inside it. */
#ifndef PP_USERNS_H
#define PP_USERNS_H

#include "core/error.h"

#include <stdint.h>
#include <sys/types.h>

/* Each pod maps ids 0..65535 onto a block of 65536 host ids of its own, as the kubelet does.  The blocks are
   2^30 .. 2^31-1 (16384 pods at once): far above the ids of users and of the subordinate ranges useradd hands out
   in /etc/subuid (from 100000 up, 65536 per user), and below 2^31 where signed ids go wrong. */
#define PP_USERNS_SIZE 65536u
#define PP_USERNS_FIRST_BLOCK 16384u
#define PP_USERNS_END_BLOCK 32768u

/* Writes "0 `base` 65536" as the uid_map and gid_map of process `pid`, which has just made a user namespace. */
int pp_userns_write_maps (pid_t pid, uint32_t base, pp_error_t *err);

/* Gives the namespace's root what host root owns under `path` (never following a symlink): every id below 65536
   becomes base + id; higher ids (shifted already) stay. */
int pp_userns_shift_tree (const char *path, uint32_t base, pp_error_t *err);

/* Binds `source` on `target` (a directory, made if missing) idmapped through the user namespace `userns_fd`: what
   host root owns there, the namespace's root owns, and what it writes lands as host root's.  For volumes that
   outlive the pod or are shared with others (named volumes), whose owners must not be shifted. */
int pp_userns_idmapped_bind (const char *source, const char *target, int userns_fd, pp_error_t *err);

/* fork(), but the child runs in the user namespace `userns_fd`, in the PID namespace `pidns_fd` (or -1), with the
   new namespaces of the CLONE_NEW* `flags` made from inside it (so owned by it: a new PID namespace's /proc can be
   mounted there).  The child is the caller's own (CLONE_PARENT through a helper that exits at once); returns its
   pid, 0 in the child, -1 with errno on failure. */
pid_t pp_userns_fork (int userns_fd, int pidns_fd, int flags);

#endif
