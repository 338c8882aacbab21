/* A pod's volumes on the host (emptyDir, hostPath, configMap, secret) and the bind mounts its containers get. */
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
  bool readonly; /* configMap and secret volumes are read-only */
  bool skipped;  /* a kind of volume not played yet: its mounts are left out, with a warning */
  bool claim;    /* a persistentVolumeClaim: a named volume */
} pp_volume_t;

typedef struct
{
  pp_volume_t *v;
  size_t n;
  json_t *tmpfs;  /* [{"path", "options"}] of memory-backed emptyDirs, for pod.json: a start after a reboot remounts them */
  json_t *claims; /* the named volumes the pod uses, for pod.json: `volume rm` refuses them */
} pp_volumes_t;

/* Checks a pod's volumes before anything is created: ConfigMaps and Secrets present (or optional), claims of
   the play or named volumes that exist, hostPath types, mounts naming volumes that exist.  `dir` is the folder of the YAML file (relative hostPath paths
   resolve against it, with a warning). */
int pp_volumes_check (pp_context_t *ctx, const pp_play_objects_t *objs, const pp_env_pod_t *pod, const char *dir, pp_diags_t *diags,
                      uint32_t doc, pp_error_t *err);

/* Makes the pod's volumes under <root>/pods/<pod>/volumes: directories (a tmpfs for medium Memory), files of
   ConfigMaps and Secrets with their modes, hostPath checks and creations.  `fs_group` (or -1) owns them. */
int pp_volumes_create (pp_context_t *ctx, const char *pod_id, const pp_play_objects_t *objs, const pp_env_pod_t *pod,
                       const char *dir, int64_t fs_group, pp_volumes_t *out, pp_error_t *err);
void pp_volumes_release (pp_volumes_t *v);

/* The bind mounts of a container's volumeMounts (subPath resolved inside its volume, never through a symlink);
   their strings belong to `vols` and `ctr`, but for the resolved subPaths in `owned` (NULL-terminated, the
   caller frees it with pp_strv_free). */
int pp_volume_mounts (const pp_volumes_t *vols, const pp_env_pod_t *pod, const pp_node_t *ctr, pp_bundle_mount_t **mounts,
                      size_t *n, char ***owned, pp_error_t *err);

#endif
