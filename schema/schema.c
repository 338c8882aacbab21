/* Lookups in the schema tables and the table of kinds podplay reads. */
#include "schema/k8s_types.h"
#include "core/util.h"

#include <string.h>

static int
field_cmp (const void *key, const void *elem)
{
  return strcmp ((const char *) key, ((const pp_field_t *) elem)->name);
}

const pp_field_t *
pp_type_field (const pp_type_t *type, const char *name)
{
  return bsearch (name, type->fields, type->n_fields, sizeof (pp_field_t), field_cmp);
}

const char *
pp_type_suggest (const pp_type_t *type, const char *name)
{
  size_t len = strlen (name);
  size_t max = len <= 3 ? 1 : len <= 5 ? 2 : 3;
  const char *best = NULL;
  size_t best_d = max + 1;
  for (size_t i = 0; i < type->n_fields; i++)
    {
      size_t d = pp_edit_distance (name, type->fields[i].name, max);
      if (d < best_d)
        {
          best_d = d;
          best = type->fields[i].name;
        }
    }
  return best;
}

const char *
pp_kind_name (pp_kind_t kind)
{
  static const char *const names[] = {
    [PP_K_STRING] = "string",     [PP_K_INT32] = "integer",         [PP_K_INT64] = "integer",
    [PP_K_FLOAT] = "number",      [PP_K_BOOL] = "boolean",          [PP_K_QUANTITY] = "quantity",
    [PP_K_INT_OR_STRING] = "integer or string", [PP_K_BYTES] = "base64 string", [PP_K_TIME] = "RFC 3339 time",
    [PP_K_OBJECT] = "object",     [PP_K_ANY] = "any value",
  };
  return kind < PP_N_ELEMENTS (names) ? names[kind] : "?";
}

const char *
pp_support_name (pp_support_t support)
{
  switch (support)
    {
    case PP_SUPPORTED:
      return "supported";
    case PP_NOT_IMPLEMENTED:
      return "not implemented";
    case PP_NOT_APPLICABLE:
      return "not applicable";
    default:
      return "inherited";
    }
}

pp_support_t
pp_support_effective (pp_support_t parent, pp_support_t own)
{
  if (own == PP_INHERIT)
    return parent;
  /* Not applicable is the weakest: a field below one is not applicable either. */
  return own > parent ? own : parent;
}

const pp_kind_info_t pp_kinds[] = {
  { "v1", "Pod", &pp_t_Pod },
  { "apps/v1", "Deployment", &pp_t_Deployment },
  { "apps/v1", "DaemonSet", &pp_t_DaemonSet },
  { "batch/v1", "Job", &pp_t_Job },
  { "v1", "ConfigMap", &pp_t_ConfigMap },
  { "v1", "Secret", &pp_t_Secret },
  { "v1", "PersistentVolumeClaim", &pp_t_PersistentVolumeClaim },
  { "v1", "Service", &pp_t_Service },
};
const size_t pp_n_kinds = PP_N_ELEMENTS (pp_kinds);

const pp_kind_info_t *
pp_kind_by_name (const char *kind)
{
  for (size_t i = 0; i < pp_n_kinds; i++)
    if (strcmp (pp_kinds[i].kind, kind) == 0)
      return &pp_kinds[i];
  return NULL;
}

const pp_kind_info_t *
pp_kind_lookup (const char *api_version, const char *kind)
{
  const pp_kind_info_t *k = pp_kind_by_name (kind);
  return k && strcmp (k->api_version, api_version) == 0 ? k : NULL;
}

/* Kinds of Kubernetes' built-in API that a manifest may hold beside the ones podplay plays. */
static const struct
{
  const char *kind, *api_version;
} foreign_kinds[] = {
  { "Namespace", "v1" },
  { "ServiceAccount", "v1" },
  { "ReplicationController", "v1" },
  { "PersistentVolume", "v1" },
  { "Endpoints", "v1" },
  { "LimitRange", "v1" },
  { "ResourceQuota", "v1" },
  { "PodTemplate", "v1" },
  { "Event", "v1" },
  { "Node", "v1" },
  { "StatefulSet", "apps/v1" },
  { "ReplicaSet", "apps/v1" },
  { "ControllerRevision", "apps/v1" },
  { "CronJob", "batch/v1" },
  { "Ingress", "networking.k8s.io/v1" },
  { "IngressClass", "networking.k8s.io/v1" },
  { "NetworkPolicy", "networking.k8s.io/v1" },
  { "Role", "rbac.authorization.k8s.io/v1" },
  { "RoleBinding", "rbac.authorization.k8s.io/v1" },
  { "ClusterRole", "rbac.authorization.k8s.io/v1" },
  { "ClusterRoleBinding", "rbac.authorization.k8s.io/v1" },
  { "HorizontalPodAutoscaler", "autoscaling/v2" },
  { "PodDisruptionBudget", "policy/v1" },
  { "StorageClass", "storage.k8s.io/v1" },
  { "PriorityClass", "scheduling.k8s.io/v1" },
  { "CustomResourceDefinition", "apiextensions.k8s.io/v1" },
  { "EndpointSlice", "discovery.k8s.io/v1" },
};

const char *
pp_kind_foreign (const char *kind)
{
  for (size_t i = 0; i < PP_N_ELEMENTS (foreign_kinds); i++)
    if (strcmp (foreign_kinds[i].kind, kind) == 0)
      return foreign_kinds[i].api_version;
  return NULL;
}
