/* `podplay run`: a container from the command line, with Podman's flags, made as a Pod of one container whose
   manifest goes under the storage root and is played as any other (so `ps`, `logs`, `exec`, `pod rm` and
   `kube generate` treat it alike). */
#ifndef PP_PLAY_RUN_H
#define PP_PLAY_RUN_H

#include "core/context.h"
#include "core/error.h"

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
} pp_run_opts_t;

/* Writes the Pod of `o` (and a claim for each named volume there is not yet) as YAML into the storage root's
   runs/ folder: the file's path and the pod's name go to *path and *name.  A bad flag is an error that names it;
   a pod of that name is an error too. */
int pp_run_manifest (pp_context_t *ctx, const pp_run_opts_t *o, char **path, char **name, pp_error_t *err);

#endif
