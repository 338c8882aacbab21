/* Podman's annotations on a pod (io.podman.annotations.*, io.containers.*, and the seccomp ones of Kubernetes that
   Podman reads): the ones that map onto what podplay has are honoured, every other one is named in a warning. */
#ifndef PP_PLAY_ANNOTATIONS_H
#define PP_PLAY_ANNOTATIONS_H

#include "core/error.h"
#include "runtime/bundle.h"
#include "schema/diag.h"
#include "schema/node.h"

#include <stdio.h>

/* The annotations of a Pod, Deployment, DaemonSet or Job (the object's own, where Podman reads them, and its pod
   template's, which win): a warning for each one podplay does not honour, an error for a value it cannot read.
   Other kinds pass. */
void pp_annotations_check (const pp_doc_t *doc, const pp_node_t *obj, pp_diags_t *diags);

/* Whether the pod gets a user namespace of its own: hostUsers: false, or io.podman.annotations.userns auto or
   private.  `meta` is the pod's metadata: the object's, or its template's. */
bool pp_annotations_userns (const pp_node_t *obj, const pp_node_t *meta, const pp_node_t *spec);

/* podplay's own annotation of a pod that `pod create` made: held until stopped, as by Podman's infra container. */
#define PP_ANNOTATION_INFRA "podplay.io/infra"

/* The ports `pod create -p` gave a pod of no container yet ("[IP:]HOST:CTR[/PROTO],..."), in podplay's own
   manifests only: the first container that joins the pod gets them as hostPorts. */
#define PP_ANNOTATION_PUBLISH "podplay.io/publish"

/* Whether the pod is held so (PP_ANNOTATION_INFRA is "true"). */
bool pp_annotations_infra (const pp_node_t *obj, const pp_node_t *meta);
/* The pids limit of the container called `name` (its pids-limit annotation), 0 for none. */
int64_t pp_annotations_pids_limit (const pp_node_t *obj, const pp_node_t *meta, const char *name);

/* What the annotations set on one container, kept until its bundle is written. */
typedef struct
{
  pp_bundle_rlimit_t rlimits[16];
  char *seccomp_profile;
} pp_annotations_ctr_t;

/* Sets on `bs` what the annotations say for the container `ctr`: rlimits (ulimit), its pids limit and its seccomp
   profile where no securityContext.seccompProfile says one (`dir`: the manifest's folder, where a localhost
   profile is).  The values were checked by pp_annotations_check. */
int pp_annotations_container (const pp_node_t *obj, const pp_node_t *meta, const pp_node_t *spec, const pp_node_t *ctr,
                              const char *dir, pp_bundle_spec_t *bs, pp_annotations_ctr_t *out, pp_error_t *err);
void pp_annotations_ctr_free (pp_annotations_ctr_t *a);

/* The Markdown table of the annotations and what podplay does with each, for docs/kubernetes-support.md. */
void pp_annotations_doc_write (FILE *out);

#endif
