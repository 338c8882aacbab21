/* The schema tables against Kubernetes' published JSON schemas of two releases, 1.32 and 1.36: every field of a
   release must be in the tables, with its type, and every field of the tables that the release has (its `since`
   at most the release's minor version) must be in the release's schema. */
#include "unit.h"
#include "schema/k8s_types.h"

#include <jansson.h>
#include <string.h>

static const char *schema_base;
static size_t fields_checked;

/* The releases compared: their folder under schema_base, and their minor version. */
static const struct
{
  const char *dir;
  int minor;
} releases[] = { { "v1.32.2", 32 }, { "v1.36", 36 } };
static int minor; /* of the release being compared */

static bool
in_release (const pp_field_t *f)
{
  return f->since <= minor;
}

static const char *
schema_type (json_t *s)
{
  json_t *t = json_object_get (s, "type");
  if (json_is_string (t))
    return json_string_value (t);
  size_t i;
  json_t *v;
  json_array_foreach (t, i, v) if (strcmp (json_string_value (v), "null") != 0) return json_string_value (v);
  return NULL;
}

/* The kind a JSON schema node describes, in the tables' terms. */
static pp_kind_t
kind_of (json_t *s)
{
  json_t *one_of = json_object_get (s, "oneOf");
  if (one_of)
    {
      bool number = false, integer = false;
      size_t i;
      json_t *alt;
      json_array_foreach (one_of, i, alt)
      {
        number = number || strcmp (schema_type (alt), "number") == 0;
        integer = integer || strcmp (schema_type (alt), "integer") == 0;
      }
      return number ? PP_K_QUANTITY : integer ? PP_K_INT_OR_STRING : PP_K_ANY;
    }
  const char *t = schema_type (s);
  const char *fmt = json_string_value (json_object_get (s, "format"));
  if (strcmp (t, "object") == 0)
    return json_object_get (s, "properties") ? PP_K_OBJECT : PP_K_ANY;
  if (strcmp (t, "string") == 0)
    return fmt && strcmp (fmt, "byte") == 0 ? PP_K_BYTES : fmt && strcmp (fmt, "date-time") == 0 ? PP_K_TIME : PP_K_STRING;
  if (strcmp (t, "integer") == 0)
    return fmt && strcmp (fmt, "int64") == 0 ? PP_K_INT64 : PP_K_INT32;
  if (strcmp (t, "number") == 0)
    return PP_K_FLOAT;
  return PP_K_BOOL;
}

static void compare_type (json_t *schema, const pp_type_t *type, const char *path);

static void
compare_field (json_t *s, const pp_field_t *f, const char *path)
{
  pp_shape_t shape = PP_SH_ONE;
  const char *t = schema_type (s);
  if (t && strcmp (t, "array") == 0)
    {
      shape = PP_SH_LIST;
      s = json_object_get (s, "items");
    }
  else if (t && strcmp (t, "object") == 0 && !json_object_get (s, "properties")
           && json_is_object (json_object_get (s, "additionalProperties")))
    {
      shape = PP_SH_MAP;
      s = json_object_get (s, "additionalProperties");
    }
  if (f->shape != shape)
    fail_msg ("%s: shape %d in the tables, %d in Kubernetes' schema", path, f->shape, shape);
  pp_kind_t k = kind_of (s);
  if (f->kind != k)
    fail_msg ("%s: %s in the tables, %s in Kubernetes' schema", path, pp_kind_name (f->kind), pp_kind_name (k));
  fields_checked++;
  if (k == PP_K_OBJECT)
    compare_type (s, f->type, path);
}

static void
compare_type (json_t *schema, const pp_type_t *type, const char *path)
{
  json_t *props = json_object_get (schema, "properties");
  json_t *required = json_object_get (schema, "required");
  const char *name;
  json_t *sub;
  json_object_foreach (props, name, sub)
  {
    cleanup_free char *p = xasprintf ("%s.%s", path, name);
    const pp_field_t *f = pp_type_field (type, name);
    if (f == NULL)
      fail_msg ("%s: in Kubernetes' 1.%d schema but not in the tables (type %s)", p, minor, type->name);
    if (!in_release (f))
      fail_msg ("%s: in Kubernetes' 1.%d schema, but 1.%d in the tables", p, minor, f->since);
    bool req = false;
    size_t i;
    json_t *r;
    json_array_foreach (required, i, r) req = req || strcmp (json_string_value (r), name) == 0;
    /* Defaulted to True before validation in every release; 1.33's OpenAPI stopped calling it required. */
    if (req && !f->required && minor < 33 && strcmp (p, "Job.spec.podFailurePolicy.rules.onPodConditions.status") == 0)
      req = false;
    if (req != (f->required != 0))
      fail_msg ("%s: required is %d in the tables, %d in Kubernetes' schema", p, f->required, req);
    compare_field (sub, f, p);
  }
  /* And nothing in the tables that Kubernetes lacks. */
  for (size_t i = 0; i < type->n_fields; i++)
    if (in_release (&type->fields[i]) && json_object_get (props, type->fields[i].name) == NULL)
      fail_msg ("%s.%s: in the tables for 1.%d but not in Kubernetes' 1.%d schema", path, type->fields[i].name,
                minor, minor);
    else if (type->fields[i].since
             && (type->fields[i].since <= PP_KUBE_OLDEST || type->fields[i].since > PP_KUBE_NEWEST))
      fail_msg ("%s.%s: since 1.%d, outside 1.%d..1.%d", path, type->fields[i].name, type->fields[i].since,
                PP_KUBE_OLDEST + 1, PP_KUBE_NEWEST);
  for (size_t i = 1; i < type->n_fields; i++)
    if (strcmp (type->fields[i - 1].name, type->fields[i].name) >= 0)
      fail_msg ("%s: fields of %s are not sorted at %s", path, type->name, type->fields[i].name);
}

static void
test_kind_in (const char *path, const char *kind)
{
  json_error_t jerr;
  json_t *schema = json_load_file (path, 0, &jerr);
  if (schema == NULL)
    fail_msg ("cannot read %s: %s", path, jerr.text);
  const pp_kind_info_t *k = pp_kind_by_name (kind);
  assert_non_null (k);
  json_t *gvk = json_array_get (json_object_get (schema, "x-kubernetes-group-version-kind"), 0);
  const char *group = json_string_value (json_object_get (gvk, "group"));
  const char *version = json_string_value (json_object_get (gvk, "version"));
  cleanup_free char *api = *group ? xasprintf ("%s/%s", group, version) : xstrdup (version);
  assert_string_equal (api, k->api_version);
  compare_type (schema, k->type, kind);
  json_decref (schema);
}

static void
test_kind (const char *file, const char *kind)
{
  for (size_t r = 0; r < PP_N_ELEMENTS (releases); r++)
    {
      minor = releases[r].minor;
      cleanup_free char *path = xasprintf ("%s/%s/%s", schema_base, releases[r].dir, file);
      test_kind_in (path, kind);
    }
}

#define KIND_TEST(fn, file, kind)                                                                                      \
  static void fn (void **state)                                                                                        \
  {                                                                                                                    \
    (void) state;                                                                                                      \
    test_kind (file, kind);                                                                                            \
  }

KIND_TEST (test_pod, "pod-v1.json", "Pod")
KIND_TEST (test_deployment, "deployment-apps-v1.json", "Deployment")
KIND_TEST (test_daemonset, "daemonset-apps-v1.json", "DaemonSet")
KIND_TEST (test_job, "job-batch-v1.json", "Job")
KIND_TEST (test_configmap, "configmap-v1.json", "ConfigMap")
KIND_TEST (test_secret, "secret-v1.json", "Secret")
KIND_TEST (test_pvc, "persistentvolumeclaim-v1.json", "PersistentVolumeClaim")
KIND_TEST (test_service, "service-v1.json", "Service")

static void
test_coverage (void **state)
{
  (void) state;
  /* The eight kinds have nearly five thousand field paths in each release; a walk that checked few would prove
     nothing. */
  print_message ("%zu field paths compared\n", fields_checked);
  assert_true (fields_checked > 8000);
}

int
main (void)
{
  schema_base = getenv ("K8S_SCHEMA_DIR");
  if (schema_base == NULL)
    schema_base = "tests/data/k8s-schema";
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_pod),       cmocka_unit_test (test_deployment), cmocka_unit_test (test_daemonset),
    cmocka_unit_test (test_job),       cmocka_unit_test (test_configmap),  cmocka_unit_test (test_secret),
    cmocka_unit_test (test_pvc),       cmocka_unit_test (test_service),    cmocka_unit_test (test_coverage),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
