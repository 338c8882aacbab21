/* A pod's volumes on the host (emptyDir, hostPath, configMap, secret, downwardAPI, projected, image, claims) and the
   bind mounts its containers get. */
#ifndef PP_PLAY_VOLUMES_H
#define PP_PLAY_VOLUMES_H

#include "core/context.h"
#include "core/error.h"
#include "play/env.h"
#include "runtime/bundle.h"
#include "schema/diag.h"
#include "schema/node.h"

#include <jansson.h>

typedef struct
{
  const char *name;
  char *source;  /* the host directory or file */
  bool readonly; /* configMap, secret, downwardAPI, projected and image volumes are read-only */
  bool noexec;   /* an image volume: nothing in it runs, as the kubelet mounts it */
  bool claim;    /* a persistentVolumeClaim: a named volume */
} pp_volume_t;

typedef struct
{
  pp_volume_t *v;
  size_t n;
  json_t *tmpfs;  /* [{"path", "options"}] of memory-backed emptyDirs, for pod.json: a start after a reboot remounts them */
  json_t *claims; /* the named volumes the pod uses, for pod.json: `volume rm` refuses them */
  json_t *images; /* [{"name", "id", "path"}] of image volumes, for pod.json: `rmi` refuses them, a start remounts */
  json_t *shared; /* sources made shared bind mounts of themselves for mountPropagation, for pod.json: teardown */
  json_t *idmapped; /* [{"source", "path"}] of claims bound idmapped into a user-namespaced pod, for pod.json */
  json_t *subpaths; /* {container: [{"volume", "subPath", "staging", "field"}]} for pod.json: bound at each start */
  char *subpath_dir; /* where the staging points of subPaths go (pp_subpath_dir) */
} pp_volumes_t;

/* An image volume, resolved (pulled) by play before anything is made, as container images are. */
typedef struct
{
  const char *volume, *reference, *pull_policy; /* pull_policy NULL when not given */
  const pp_node_t *node;
} pp_volume_image_t;

/* The image volumes of a pod spec, in the order of its volumes; *out (freed by the caller) has one more, zeroed. */
size_t pp_volumes_images (const pp_node_t *spec, pp_volume_image_t **out);

/* Checks a pod's volumes before anything is created: ConfigMaps and Secrets present (or optional), claims of
   the play or named volumes that exist, hostPath types, mounts naming volumes that exist.  `dir` is the folder of the YAML file (relative hostPath paths
   resolve against it, with a warning). */
int pp_volumes_check (pp_context_t *ctx, const pp_play_objects_t *objs, const pp_env_pod_t *pod, const char *dir, pp_diags_t *diags,
                      uint32_t doc, pp_error_t *err);

/* Makes the pod's volumes under <root>/pods/<pod>/volumes: directories (a tmpfs for medium Memory), files of
   ConfigMaps, Secrets, downward API items and projected sources with their modes (never through a symlink),
   image volumes mounted read-only, hostPath checks and creations.  `fs_group` (or -1) owns them.  `image_ids`
   holds the image of each image volume, in the order pp_volumes_images gives them. */
int pp_volumes_create (pp_context_t *ctx, const char *pod_id, const pp_play_objects_t *objs, const pp_env_pod_t *pod,
                       const char *dir, int64_t fs_group, const char *const *image_ids, pp_volumes_t *out,
                       pp_error_t *err);
void pp_volumes_release (pp_volumes_t *v);

/* The bind mounts of a container's volumeMounts: subPath (or subPathExpr, $(VAR) expanded with `env`) checked
   inside its volume, never through a symlink, and recorded in vols->subpaths: its source is a staging point that
   the monitor binds the subPath on, resolved again, at each start; mountPropagation as OCI propagation options, the
   source made a shared mount when it must be.  Their strings belong to `vols` and `ctr`, but for those in `owned`
   (NULL-terminated, the caller frees it with pp_strv_free). */
int pp_volume_mounts (const pp_volumes_t *vols, const pp_env_pod_t *pod, const pp_node_t *ctr, char *const *env,
                      pp_bundle_mount_t **mounts, size_t *n, char ***owned, pp_error_t *err);

/* The checks of pp_volume_mounts that need no volume made: each subPathExpr, expanded with `env`, stays in its
   volume.  For play to run before anything is created. */
int pp_volume_mounts_check (const pp_env_pod_t *pod, const pp_node_t *ctr, char *const *env, pp_error_t *err);

#endif
