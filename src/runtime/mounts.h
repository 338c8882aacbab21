/* Every change podplay makes to a mount table, in one closed set of operations on descriptors: bind, new
   filesystem, overlay, attributes, propagation, namespace file, unmount, pivot_root.  Nothing else in podplay calls
   mount(2), umount2, open_tree, move_mount, fsmount, mount_setattr or pivot_root (bubblewrap's privileged_op and
   crun's do_mount are the models).

   A target is a descriptor: opened inside the container's root by pp_create_at at the moment of the mount, or a
   directory of podplay's own; never a path string checked earlier, which another process could swap for a symlink
   in between (runc's CVE-2021-30465).  A source is a descriptor too, so that what was checked is what is mounted
   (the kubelet's CVE-2017-1002101).  `flags` are mount(2)'s: MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC,
   MS_NOATIME, MS_RELATIME and MS_STRICTATIME for the new mount; MS_REC for a bind of the whole tree below its
   source.  Each returns -1 with errno set on failure and allocates nothing: a container's child calls them
   between fork and exec. */
#ifndef PP_MOUNTS_H
#define PP_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Binds what `src` names (a directory, file, device or terminal) onto `target`, with `flags` on the new mount
   before it is attached.  With `userns_fd` (else -1) the new mount is idmapped through that user namespace.  With
   `target` -1 it stays detached until its descriptor closes (an idmapped layer for an overlay).  The new mount's
   descriptor. */
int pp_mount_bind (int src, int target, unsigned long flags, int userns_fd);

/* Mounts a new filesystem of `type` (tmpfs, proc, sysfs, devpts, mqueue, cgroup, cgroup2) from `source` with the
   options `data` ("mode=755,size=64k", "newinstance", "cpu,cpuacct", NULL for none) onto `target`.  The new
   mount's descriptor, its root a directory the caller may create in. */
int pp_mount_fs (const char *type, const char *source, const char *data, unsigned long flags, int target);

/* An overlay of the directories `lowers` (the top one first) onto `target`, writing to `upper` with `work` (both
   -1 for a read-only overlay, which needs two lowers at least).  The layers are given by descriptor ("lowerdir+",
   Linux 6.13), else by their /proc/self/fd paths, which only plain directories and attached mounts allow:
   `lowers` that are detached idmapped mounts need the former (pp_rootfs_mount_layers attaches them before 6.13).  The new mount's descriptor. */
int pp_mount_overlay (const int *lowers, size_t n, int upper, int work, unsigned long flags, int target);

/* Attaches the detached mount `mnt` onto the directory `target` (a descriptor); `mnt` stays open. */
int pp_mount_move (int mnt, int target);

/* Sets `flags` (MS_RDONLY...) on the mount whose root `mnt` is, on every mount below it too when `recursive`. */
int pp_mount_set (int mnt, unsigned long flags, bool recursive);

/* Sets the propagation of the mount whose root `mnt` is: MS_PRIVATE, MS_SLAVE, MS_SHARED or MS_UNBINDABLE, with
   MS_REC for every mount below it too.  EINVAL when `mnt` is not a mount's root. */
int pp_mount_propagation (int mnt, unsigned long propagation);

/* Makes the host directory `path` (resolved, podplay's or a volume's) a shared mount of its own: bound onto
   itself, then shared, so that mounts under it propagate (mountPropagation). */
int pp_mount_share_path (const char *path);

/* Binds the namespace `ns` ("net", "pid", "user"...) of process `pid` onto the file `path` (one of podplay's,
   created if missing; a stale bind there is dropped first): the namespace outlives its processes. */
int pp_mount_ns_file (pid_t pid, const char *ns, const char *path);

/* Detaches what is mounted at `path`, a path of podplay's own (its last component not followed).  EINVAL or
   ENOENT when nothing is. */
int pp_mount_detach (const char *path);

/* Makes the mount whose root `root` is the process's root (pivot_root), then detaches the old root, made a
   slave first when `old_slave` so that its unmount reaches no peer of the host's; ends in the new root. */
int pp_mount_pivot_root (int root, bool old_slave);

#endif
