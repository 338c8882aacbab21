/* A container's environment as the kubelet makes it: envFrom, then env (values, ConfigMap and Secret keys,
   fields of the pod, resources of a container), with $(VAR) expansion; and $(VAR) in command and args. */
#ifndef PP_PLAY_ENV_H
#define PP_PLAY_ENV_H

#include "core/error.h"
#include "schema/node.h"

/* The ConfigMaps, Secrets and PersistentVolumeClaims of a play. */
typedef struct
{
  const pp_node_t **configmaps, **secrets, **claims;
  size_t n_configmaps, n_secrets, n_claims;
} pp_play_objects_t;

void pp_play_objects_add (pp_play_objects_t *o, const char *kind, const pp_node_t *obj);
void pp_play_objects_free (pp_play_objects_t *o);

/* What fieldRef and resourceFieldRef read. */
typedef struct
{
  const char *file;  /* for messages */
  const char *where; /* "pod P, container C", for messages */
  const char *name, *namespace_, *uid, *node_name;
  const char *pod_ip, *host_ip; /* status.podIP and status.hostIP, NULL before the pod has them */
  const char *pod_ips;          /* status.podIPs ("10.244.0.5,fd00:10:244::5"), NULL for pod_ip alone */
  const pp_node_t *meta, *spec;
  struct json_t *services; /* [{"name", "namespace", "ip", "ports": [{"name", "port", "protocol"}]}] the Services
                              there are when the pod starts, for enableServiceLinks; NULL for none */
} pp_env_pod_t;

/* The container's variables, "NAME=value", NULL-terminated, in the kubelet's order (the Services of the pod's
   namespace as Docker links unless enableServiceLinks is false, envFrom in order, then env; a later name replaces
   an earlier one).  A required reference that is missing is an error naming the file,
   position and field. */
char **pp_play_env (const pp_play_objects_t *objs, const pp_env_pod_t *pod, const pp_node_t *ctr, pp_error_t *err);

/* The container (init or app) of that name in the pod `spec`, or NULL. */
const pp_node_t *pp_pod_container (const pp_node_t *spec, const char *name);

/* The value of a downward API reference, the one piece of code env and downwardAPI volumes share: `src` holds
   fieldRef or resourceFieldRef (an env entry's valueFrom, a volume's item).  `ctr` is the container of an env
   entry, or NULL for a volume, where metadata.labels and metadata.annotations give the whole map (`key="value"`
   lines sorted by key, as the kubelet writes them) and resourceFieldRef must name its container.  NULL with err
   naming file:line:col and `what` (e.g. "env NAME") when it cannot be read. */
char *pp_downward_value (const pp_env_pod_t *pod, const pp_node_t *ctr, const pp_node_t *src, const char *what,
                         pp_error_t *err);

/* `s` with $(VAR) replaced by VAR's value in `env` ("NAME=value" strings); an undefined $(VAR) stays as written
   and $$ is a literal $, as Kubernetes expands. */
char *pp_expand_vars (const char *s, char *const *env);
/* Each string of a sequence expanded so (command, args), as an owned NULL-terminated vector; the names of `env`
   are indexed once for all of them. */
char **pp_expand_seq (const pp_node_t *seq, char *const *env);

/* `over` laid over `base` ("NAME=value" vectors, both taken): a name of `over` replaces the same name of `base`
   where it stands, the others follow in order, as a container's env goes over its image's. */
char **pp_env_overlay (char **base, char **over);

#endif
