/* `kube generate`: Kubernetes YAML from what runs, by the schema tables that read it (schema/emit.h). */
#ifndef PP_GENERATE_H
#define PP_GENERATE_H

#include "core/context.h"
#include "core/error.h"
#include "core/util.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct
{
  const char *type; /* --type: "pod" (NULL), "deployment", "daemonset" or "job" */
  int64_t replicas; /* --replicas of a Deployment, or -1 */
  bool service;     /* --service: a Service of each pod's ports */
  const char *play; /* --play FILE: what playing FILE made, in its order, instead of names */
} pp_generate_opts_t;

/* Appends to `out` the YAML of the named pods (in the order named, each as --type says) and volumes (as
   PersistentVolumeClaims), with the ConfigMaps, Secrets and claims they use before them and their Services after;
   or of everything a play of opts->play recorded.  Documents are separated by "---"; the same workload gives the
   same bytes.  What has no Kubernetes form is said in a warning. */
int pp_kube_generate (pp_context_t *ctx, char *const *names, size_t n, const pp_generate_opts_t *opts, pp_buf_t *out,
                      pp_error_t *err);

#endif
