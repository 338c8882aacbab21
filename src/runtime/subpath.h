/* subPath mounts, resolved at every start of their container: a container sharing the volume (or the same one,
   before a restart) may have swapped a directory for a symlink since the pod was played (the kubelet's
   CVE-2017-1002101).  Each is opened beneath its volume through no symlink and bound from that descriptor onto a
   staging point of its own, under the pod's runroot where no container sees it, which config.json names. */
#ifndef PP_SUBPATH_H
#define PP_SUBPATH_H

#include "core/context.h"
#include "core/error.h"

#include <jansson.h>

/* Where a pod's staging points are: <runroot>/pods/<pod>/subpaths/<container>/<volumeMounts index>. */
char *pp_subpath_dir (pp_context_t *ctx, const char *pod_id);

/* Opens `sub` inside the volume directory `volume`: beneath it and through no symlink (RESOLVE_BENEATH |
   RESOLVE_NO_SYMLINKS), missing directories created there the same way (as the kubelet makes a missing subPath).
   An O_PATH descriptor, or -1 with `err` saying why ("`escape` goes through a symlink or out of its volume"). */
int pp_subpath_open (const char *volume, const char *sub, pp_error_t *err);

/* Before a container starts: each of `entries` (pod.json's subPaths of the container, [{"volume", "subPath",
   "staging", "field"}], "field" naming it in errors) opened by pp_subpath_open and bound from that descriptor onto
   its staging point, replacing what a former start bound there. */
int pp_subpath_stage (json_t *entries, pp_error_t *err);

/* Unbinds and removes the staging points under `dir` (pp_subpath_dir).  Nothing still mounted is removed: a
   staging point that cannot be unbound is an error, and its directories stay. */
int pp_subpath_release (const char *dir, pp_error_t *err);

#endif
