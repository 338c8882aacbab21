/* Root filesystems and image volumes: an image's layers from the store, mounted for a container or a pod. */
#ifndef PP_ROOTFS_H
#define PP_ROOTFS_H

#include "core/context.h"
#include "core/error.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Mounts `n` layer directories (`layers`, the lowest first) on the directory `target`: an overlay writing to
   `upper` with `work` (empty, on one filesystem) for a container's root; read-only, nosuid, nodev and noexec when
   `upper` is NULL (an image volume; a single layer is bound).  With `userns_fd` (else -1) each layer is idmapped
   through that user namespace: its root owns what host root owns in them. */
int pp_rootfs_mount_layers (const int *layers, size_t n, const char *upper, const char *work, const char *target,
                            int userns_fd, pp_error_t *err);

/* The same with fuse-overlayfs (a process of its own serves the mount, its messages to `logpath`), files stored
   with ids 0... shown with ids `idbase`... when it is not 0: where the kernel's overlay cannot be had. */
int pp_rootfs_mount_fuse (const int *layers, size_t n, const char *upper, const char *work, const char *target,
                          uint32_t idbase, const char *logpath, pp_error_t *err);
/* Whether a container's root is fuse-overlayfs's: the configuration's `overlay`, else for a pod of an ordinary
   user in a user namespace of its own (`userns_base`, hostUsers: false), whose ids the kernel would shift with
   idmapped layers, which it lets no ordinary user make. */
bool pp_rootfs_fuse (const pp_context_t *ctx, uint32_t userns_base);

/* Mounts an image read-only, nosuid, nodev and noexec at `target` (made if missing) unless something is mounted
   there: an image volume. */
int pp_pod_mount_image_volume (pp_context_t *ctx, const char *image_id, const char *target, pp_error_t *err);
/* Mounts again what pod.json lists that a reboot dropped: image volumes ("imageVolumes": [{"id", "path"}]) and the
   shared bind mounts of mountPropagation sources ("sharedMounts": [path]). */
int pp_pod_remount_volumes (pp_context_t *ctx, json_t *plan, pp_error_t *err);

/* Mounts a container's root filesystem (the image's layers under an overlay: the kernel's, or fuse-overlayfs's as
   pp_rootfs_fuse says or where the kernel's fails in a user namespace) unless it is mounted.  With `userns_base`
   (not 0) the layers are idmapped through the user namespace of pod `pod_id`, which owns the root (fuse-overlayfs
   shifts the ids itself). */
int pp_ctr_mount_rootfs (pp_context_t *ctx, const char *ctr_id, const char *image_id, const char *pod_id,
                         uint32_t userns_base, pp_error_t *err);

#endif
