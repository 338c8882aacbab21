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

/* Mounts an image read-only, nosuid, nodev and noexec at `target` (made if missing) unless something is mounted
   there: an image volume. */
int pp_pod_mount_image_volume (pp_context_t *ctx, const char *image_id, const char *target, pp_error_t *err);
/* Mounts again what pod.json lists that a reboot dropped: image volumes ("imageVolumes": [{"id", "path"}]) and the
   shared bind mounts of mountPropagation sources ("sharedMounts": [path]). */
int pp_pod_remount_volumes (pp_context_t *ctx, json_t *plan, pp_error_t *err);

/* Mounts a container's root filesystem (the image's layers under an overlay) unless it is mounted.  With
   `userns_base` (not 0) the layers are idmapped through the user namespace of pod `pod_id`, which owns the root. */
int pp_ctr_mount_rootfs (pp_context_t *ctx, const char *ctr_id, const char *image_id, const char *pod_id,
                         uint32_t userns_base, pp_error_t *err);

#endif
