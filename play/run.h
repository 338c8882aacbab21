/* `podplay run`: a container from the command line, with Podman's flags, made as a Pod of one container whose
   manifest goes under the storage root and is played as any other (so `ps`, `logs`, `exec`, `pod rm` and
   `kube generate` treat it alike). */
#ifndef PP_PLAY_RUN_H
#define PP_PLAY_RUN_H

#include "core/context.h"
#include "core/error.h"
#include "state/state.h"

#include <stdbool.h>
#include <stddef.h>

/* A repeated flag's values. */
typedef struct
{
  char **v;
  size_t n;
} pp_strs_t;

void pp_strs_add (pp_strs_t *s, const char *value);
void pp_strs_free (pp_strs_t *s);

typedef struct
{
  const char *name; /* --name: the pod's and its container's; NULL: made from the image's name */
  const char *image;
  char *const *cmd; /* the arguments after the image: the container's args */
  size_t n_cmd;
  const char *entrypoint; /* a command, or a JSON array of its words */
  pp_strs_t env;          /* -e K=V, or K alone (its value here) */
  pp_strs_t env_files;    /* --env-file */
  pp_strs_t volumes;      /* -v SRC:DST[:ro|rw], -v DST */
  pp_strs_t mounts;       /* --mount type=bind|volume|tmpfs,... */
  pp_strs_t publish;      /* -p [IP:]HOST:CTR[/PROTO] */
  pp_strs_t labels;       /* --label K=V */
  pp_strs_t cap_add, cap_drop;
  const char *workdir, *user, *memory, *cpus, *restart, *hostname;
  bool read_only, tty, interactive;
  const char *pod; /* --pod: a pod made by `pod create` or `run`, whose manifest gets the container */
  bool host_network; /* --network host: hostNetwork (another network is the play's) */
} pp_run_opts_t;

/* Writes the Pod of `o` (and a claim for each named volume there is not yet) as YAML into the storage root's
   runs/ folder: the file's path and the pod's name go to *path and *name.  A bad flag is an error that names it;
   a pod of that name is an error too. */
int pp_run_manifest (pp_context_t *ctx, const pp_run_opts_t *o, char **path, char **name, pp_error_t *err);

/* `pod create`'s flags. */
typedef struct
{
  const char *name;     /* --name; NULL: made */
  pp_strs_t publish;    /* -p [IP:]HOST:CTR[/PROTO] */
  pp_strs_t labels;     /* --label K=V */
  pp_strs_t share;      /* --share: the namespaces its containers share (+ adds to ipc,net,uts) */
  const char *hostname; /* --hostname */
  bool host_network;    /* --network host */
} pp_pod_create_opts_t;

/* Writes the manifest of a pod of no container yet, held until it is stopped (PP_ANNOTATION_INFRA), into runs/, as
   pp_run_manifest does; its ports wait in an annotation for the first container that joins it, which gets them
   (pp_run_join_manifest).  *name is the pod's. */
int pp_pod_create_manifest (pp_context_t *ctx, const pp_pod_create_opts_t *o, char **path, char **name,
                            pp_error_t *err);

/* The manifest `run` or `pod create` wrote for the pod (runs/NAME.yaml, the file its record was played from), or
   NULL when a play of another file made it. */
char *pp_run_manifest_of (pp_context_t *ctx, const pp_pod_rec_t *pod);

/* --pod: the container appended to the manifest of the pod `o->pod` (with its volumes, and claims of named volumes
   there are not yet), which is rewritten in place; what it held before is kept at *backup for the caller to put
   back (rename) if the play fails, or to remove.  *name is the container's.  Refused for a pod a `kube play` of a
   file of the user's made (that file is theirs to change), and for flags that set what belongs to the pod
   (ports, hostname, labels). */
int pp_run_join_manifest (pp_context_t *ctx, const pp_run_opts_t *o, char **path, char **backup, char **name,
                          pp_error_t *err);

#endif
