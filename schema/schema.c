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
  { "v1", "Service", &pp_t_Service, PP_SUPPORTED, NULL },
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

/* Every kind the Kubernetes 1.36 API server can serve as a resource of its own, alpha and beta versions included,
   read from its OpenAPI document (as hack/update-openapi-spec.sh generates it, every API turned on); the kinds of
   subresources (Scale, Eviction, TokenRequest) and of connect calls (...Options) are no documents and are left
   out.  Within a kind, the version the API server prefers comes first. */
const pp_api_kind_t pp_api_kinds[] = {
  { "v1", "Binding" },
  { "v1", "ComponentStatus" },
  { "v1", "ConfigMap" },
  { "v1", "Endpoints" },
  { "v1", "Event" },
  { "v1", "LimitRange" },
  { "v1", "Namespace" },
  { "v1", "Node" },
  { "v1", "PersistentVolume" },
  { "v1", "PersistentVolumeClaim" },
  { "v1", "Pod" },
  { "v1", "PodTemplate" },
  { "v1", "ReplicationController" },
  { "v1", "ResourceQuota" },
  { "v1", "Secret" },
  { "v1", "Service" },
  { "v1", "ServiceAccount" },
  { "apps/v1", "ControllerRevision" },
  { "apps/v1", "DaemonSet" },
  { "apps/v1", "Deployment" },
  { "apps/v1", "ReplicaSet" },
  { "apps/v1", "StatefulSet" },
  { "batch/v1", "CronJob" },
  { "batch/v1", "Job" },
  { "autoscaling/v2", "HorizontalPodAutoscaler" },
  { "autoscaling/v1", "HorizontalPodAutoscaler" },
  { "policy/v1", "PodDisruptionBudget" },
  { "admissionregistration.k8s.io/v1", "MutatingAdmissionPolicy" },
  { "admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicy" },
  { "admissionregistration.k8s.io/v1alpha1", "MutatingAdmissionPolicy" },
  { "admissionregistration.k8s.io/v1", "MutatingAdmissionPolicyBinding" },
  { "admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicyBinding" },
  { "admissionregistration.k8s.io/v1alpha1", "MutatingAdmissionPolicyBinding" },
  { "admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration" },
  { "admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy" },
  { "admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding" },
  { "admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration" },
  { "apiextensions.k8s.io/v1", "CustomResourceDefinition" },
  { "apiregistration.k8s.io/v1", "APIService" },
  { "authentication.k8s.io/v1", "SelfSubjectReview" },
  { "authentication.k8s.io/v1", "TokenReview" },
  { "authorization.k8s.io/v1", "LocalSubjectAccessReview" },
  { "authorization.k8s.io/v1", "SelfSubjectAccessReview" },
  { "authorization.k8s.io/v1", "SelfSubjectRulesReview" },
  { "authorization.k8s.io/v1", "SubjectAccessReview" },
  { "certificates.k8s.io/v1", "CertificateSigningRequest" },
  { "certificates.k8s.io/v1beta1", "ClusterTrustBundle" },
  { "certificates.k8s.io/v1alpha1", "ClusterTrustBundle" },
  { "certificates.k8s.io/v1beta1", "PodCertificateRequest" },
  { "coordination.k8s.io/v1", "Lease" },
  { "coordination.k8s.io/v1beta1", "LeaseCandidate" },
  { "coordination.k8s.io/v1alpha2", "LeaseCandidate" },
  { "discovery.k8s.io/v1", "EndpointSlice" },
  { "events.k8s.io/v1", "Event" },
  { "flowcontrol.apiserver.k8s.io/v1", "FlowSchema" },
  { "flowcontrol.apiserver.k8s.io/v1", "PriorityLevelConfiguration" },
  { "internal.apiserver.k8s.io/v1alpha1", "StorageVersion" },
  { "networking.k8s.io/v1", "IPAddress" },
  { "networking.k8s.io/v1beta1", "IPAddress" },
  { "networking.k8s.io/v1", "Ingress" },
  { "networking.k8s.io/v1", "IngressClass" },
  { "networking.k8s.io/v1", "NetworkPolicy" },
  { "networking.k8s.io/v1", "ServiceCIDR" },
  { "networking.k8s.io/v1beta1", "ServiceCIDR" },
  { "node.k8s.io/v1", "RuntimeClass" },
  { "rbac.authorization.k8s.io/v1", "ClusterRole" },
  { "rbac.authorization.k8s.io/v1", "ClusterRoleBinding" },
  { "rbac.authorization.k8s.io/v1", "Role" },
  { "rbac.authorization.k8s.io/v1", "RoleBinding" },
  { "resource.k8s.io/v1", "DeviceClass" },
  { "resource.k8s.io/v1beta2", "DeviceClass" },
  { "resource.k8s.io/v1beta1", "DeviceClass" },
  { "resource.k8s.io/v1beta2", "DeviceTaintRule" },
  { "resource.k8s.io/v1alpha3", "DeviceTaintRule" },
  { "resource.k8s.io/v1", "ResourceClaim" },
  { "resource.k8s.io/v1beta2", "ResourceClaim" },
  { "resource.k8s.io/v1beta1", "ResourceClaim" },
  { "resource.k8s.io/v1", "ResourceClaimTemplate" },
  { "resource.k8s.io/v1beta2", "ResourceClaimTemplate" },
  { "resource.k8s.io/v1beta1", "ResourceClaimTemplate" },
  { "resource.k8s.io/v1alpha3", "ResourcePoolStatusRequest" },
  { "resource.k8s.io/v1", "ResourceSlice" },
  { "resource.k8s.io/v1beta2", "ResourceSlice" },
  { "resource.k8s.io/v1beta1", "ResourceSlice" },
  { "scheduling.k8s.io/v1alpha2", "PodGroup" },
  { "scheduling.k8s.io/v1", "PriorityClass" },
  { "scheduling.k8s.io/v1alpha2", "Workload" },
  { "storage.k8s.io/v1", "CSIDriver" },
  { "storage.k8s.io/v1", "CSINode" },
  { "storage.k8s.io/v1", "CSIStorageCapacity" },
  { "storage.k8s.io/v1", "StorageClass" },
  { "storage.k8s.io/v1", "VolumeAttachment" },
  { "storage.k8s.io/v1", "VolumeAttributesClass" },
  { "storage.k8s.io/v1beta1", "VolumeAttributesClass" },
  { "storagemigration.k8s.io/v1beta1", "StorageVersionMigration" },
};
const size_t pp_n_api_kinds = PP_N_ELEMENTS (pp_api_kinds);

bool
pp_api_kind_known (const char *api_version, const char *kind)
{
  for (size_t i = 0; i < pp_n_api_kinds; i++)
    if (strcmp (pp_api_kinds[i].kind, kind) == 0 && strcmp (pp_api_kinds[i].api_version, api_version) == 0)
      return true;
  return false;
}

const pp_api_kind_t *
pp_api_kind_first (const char *kind)
{
  for (size_t i = 0; i < pp_n_api_kinds; i++)
    if (strcmp (pp_api_kinds[i].kind, kind) == 0)
      return &pp_api_kinds[i];
  return NULL;
}

size_t
pp_api_group_len (const char *api_version)
{
  const char *slash = strrchr (api_version, '/');
  return slash ? (size_t) (slash - api_version) : 0;
}

bool
pp_api_group_known (const char *api_version, size_t len)
{
  if (len == 0)
    return true;
  for (size_t i = 0; i < pp_n_api_kinds; i++)
    if (pp_api_group_len (pp_api_kinds[i].api_version) == len
        && strncmp (pp_api_kinds[i].api_version, api_version, len) == 0)
      return true;
  return false;
}
