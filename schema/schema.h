/* The schema tables: one table per Kubernetes type naming each field, its kind, shape, checks and support class. */
#ifndef PP_SCHEMA_H
#define PP_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum
{
  PP_K_STRING,
  PP_K_INT32,
  PP_K_INT64,
  PP_K_FLOAT,
  PP_K_BOOL,
  PP_K_QUANTITY,      /* "500m", "128Mi", 1.5 */
  PP_K_INT_OR_STRING, /* 8080 or "http" */
  PP_K_BYTES,         /* base64 text */
  PP_K_TIME,          /* RFC 3339 */
  PP_K_OBJECT,        /* a mapping described by .type */
  PP_K_ANY,           /* free-form, opaque */
} pp_kind_t;

typedef enum
{
  PP_SH_ONE,  /* a single value */
  PP_SH_LIST, /* a sequence of values */
  PP_SH_MAP,  /* a mapping from free-form string keys to values */
} pp_shape_t;

/* What podplay does with a field.  INHERIT takes the class of the field that leads to the type. */
typedef enum
{
  PP_SUPPORTED,
  PP_NOT_IMPLEMENTED,
  PP_NOT_APPLICABLE,
  PP_INHERIT,
} pp_support_t;

/* Checks beyond type and enum, as the API server makes them. */
typedef enum
{
  PP_CHECK_NONE,
  PP_CHECK_OBJECT_NAME,   /* by kind: DNS subdomain, or DNS label for Services */
  PP_CHECK_GENERATE_NAME, /* a name prefix */
  PP_CHECK_DNS_LABEL,
  PP_CHECK_DNS_SUBDOMAIN,
  PP_CHECK_LABELS,
  PP_CHECK_ANNOTATIONS,
  PP_CHECK_PORT,         /* 1..65535 */
  PP_CHECK_PORT_OR_ZERO, /* 0..65535, 0 meaning unset */
  PP_CHECK_PORT_OR_NAME, /* a port number or an IANA service name */
  PP_CHECK_PORT_NAME,
  PP_CHECK_ENV_NAME,
  PP_CHECK_ENV_PREFIX,
  PP_CHECK_HOST_PATH,
  PP_CHECK_ABS_PATH,
  PP_CHECK_REL_PATH,
  PP_CHECK_ITEM_PATH, /* a file of a configMap, secret, downwardAPI or projected volume */
  PP_CHECK_MODE,
  PP_CHECK_CONFIG_KEY,
  PP_CHECK_CONFIG_KEYS,
  PP_CHECK_NONNEG,
  PP_CHECK_POSITIVE,
  PP_CHECK_IP,
  PP_CHECK_INT_OR_PERCENT,
  PP_CHECK_CAPABILITY,
  PP_CHECK_NONEMPTY,
  PP_CHECK_IMAGE,
  PP_CHECK_RESOURCE_NAMES,
  PP_CHECK_NONNEG_QUANTITY,
  PP_CHECK_FIELD_PATH,
  PP_CHECK_RESOURCE_FIELD,
} pp_check_t;

struct pp_type;

/* The Kubernetes releases the tables describe, as minor versions of 1.x: every field of PP_KUBE_OLDEST, and those
   added up to PP_KUBE_NEWEST with the release that added them (pp_field_t.since). */
#define PP_KUBE_OLDEST 32
#define PP_KUBE_NEWEST 36

typedef struct pp_field
{
  const char *name;
  uint8_t kind;     /* pp_kind_t */
  uint8_t shape;    /* pp_shape_t */
  uint8_t support;  /* pp_support_t */
  uint8_t required; /* the published schema requires it */
  uint8_t check;    /* pp_check_t */
  uint8_t since;    /* the Kubernetes 1.x release that added it; 0 for fields older than PP_KUBE_OLDEST */
  const struct pp_type *type;  /* for PP_K_OBJECT */
  const char *const *values;   /* enumeration, NULL-terminated */
  const char *constant;        /* the one value allowed (apiVersion, kind) */
  const char *note;            /* why a field is not applicable or not implemented */
} pp_field_t;

typedef struct pp_type
{
  const char *name;
  const pp_field_t *fields; /* sorted by name */
  size_t n_fields;
} pp_type_t;

#define PP_FIELD(n, k, sh, sup, ...)                                                                                   \
  {                                                                                                                    \
    .name = n, .kind = PP_K_##k, .shape = PP_SH_##sh, .support = PP_##sup, ##__VA_ARGS__                              \
  }

const pp_field_t *pp_type_field (const pp_type_t *type, const char *name);
/* The field name closest to a misspelt one, or NULL when none is close. */
const char *pp_type_suggest (const pp_type_t *type, const char *name);

const char *pp_kind_name (pp_kind_t kind);
const char *pp_support_name (pp_support_t support);
/* The class a field has where its parent has class `parent`: the weaker of the two. */
pp_support_t pp_support_effective (pp_support_t parent, pp_support_t own);

/* The kinds podplay reads. */
typedef struct pp_kind_info
{
  const char *api_version;
  const char *kind;
  const pp_type_t *type;
  pp_support_t support; /* what kube play does with the kind: every field takes this class at most */
  const char *note;     /* why, when it does not run the kind */
} pp_kind_info_t;

extern const pp_kind_info_t pp_kinds[];
extern const size_t pp_n_kinds;

const pp_kind_info_t *pp_kind_lookup (const char *api_version, const char *kind);
const pp_kind_info_t *pp_kind_by_name (const char *kind);
/* Every kind of the Kubernetes API, the ones podplay reads among them: a document of any other kind in a group
   of the API server is a mistake, while one of these that podplay does not run is skipped with a warning. */
typedef struct pp_api_kind
{
  const char *api_version;
  const char *kind;
} pp_api_kind_t;

extern const pp_api_kind_t pp_api_kinds[];
extern const size_t pp_n_api_kinds;

bool pp_api_kind_known (const char *api_version, const char *kind);
/* The first entry of a kind, its preferred version; the kind's other versions follow it.  NULL when the API has
   no such kind. */
const pp_api_kind_t *pp_api_kind_first (const char *kind);
/* The length of an apiVersion's group: 0 for the core group's "v1". */
size_t pp_api_group_len (const char *api_version);
/* Whether the first `len` bytes of api_version (its group) name a group of the API server. */
bool pp_api_group_known (const char *api_version, size_t len);

#endif
