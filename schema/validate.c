/* The schema walker: checks each node of an object against its type's table, field by field. */
#include "schema/vctx.h"
#include "schema/checks.h"
#include "schema/k8s_types.h"
#include "schema/load.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
pp_v_diag (pp_vctx_t *v, pp_severity_t sev, const pp_node_t *at, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  pp_diags_vadd (v->diags, sev, v->file, v->doc, at ? at->line : 0, at ? at->col : 0, v->path.data, fmt, ap);
  va_end (ap);
}

static bool
plain_key (const char *k)
{
  if (*k == '\0')
    return false;
  for (const char *p = k; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
      return false;
  return true;
}

size_t
pp_v_push_key (pp_vctx_t *v, const char *key)
{
  size_t len = v->path.len;
  if (plain_key (key))
    {
      if (len)
        pp_buf_puts (&v->path, ".");
      pp_buf_puts (&v->path, key);
    }
  else
    {
      pp_buf_puts (&v->path, "[");
      pp_buf_puts (&v->path, key);
      pp_buf_puts (&v->path, "]");
    }
  return len;
}

size_t
pp_v_push_index (pp_vctx_t *v, size_t i)
{
  size_t len = v->path.len;
  char digits[24], *p = digits + sizeof digits;
  *--p = ']';
  do
    *--p = (char) ('0' + i % 10);
  while ((i /= 10) != 0);
  *--p = '[';
  /* By hand: this runs for every list item of every document, and printf showed in profiles. */
  pp_buf_append (&v->path, p, (size_t) (digits + sizeof digits - p));
  return len;
}

void
pp_v_pop (pp_vctx_t *v, size_t len)
{
  v->path.len = len;
  if (v->path.data)
    v->path.data[len] = '\0';
}

bool
pp_v_int (const pp_node_t *node, int64_t *out)
{
  return node && node->type == PP_NODE_SCALAR && node->tag == PP_TAG_INT && pp_parse_int (node->u.str, out);
}

/* "the integer 80", "the boolean yes", "a mapping", for type mismatches. */
static void
describe_value (const pp_node_t *n, char *buf, size_t size)
{
  if (n->type != PP_NODE_SCALAR || n->tag == PP_TAG_NULL)
    {
      snprintf (buf, size, "%s", pp_node_describe (n));
      return;
    }
  const char *what = n->tag == PP_TAG_BOOL ? "the boolean" : n->tag == PP_TAG_INT ? "the integer"
                     : n->tag == PP_TAG_FLOAT                 ? "the number"
                                                              : "the string";
  if (n->len > 40)
    snprintf (buf, size, "%s \"%.37s...\"", what, n->u.str);
  else if (n->tag == PP_TAG_STR)
    snprintf (buf, size, "%s \"%s\"", what, n->u.str);
  else
    snprintf (buf, size, "%s %s", what, n->u.str);
}

static void
type_mismatch (pp_vctx_t *v, const pp_node_t *n, const char *expected)
{
  char got[96];
  describe_value (n, got, sizeof got);
  if (n->type == PP_NODE_SCALAR && n->tag == PP_TAG_BOOL && strcmp (expected, "a string") == 0)
    pp_v_error (v, n, "expected a string, got %s (YAML 1.1 reads yes/no/on/off/y/n as booleans); quote it: \"%s\"",
                got, n->u.str);
  else if (n->type == PP_NODE_SCALAR && (n->tag == PP_TAG_INT || n->tag == PP_TAG_FLOAT)
           && strcmp (expected, "a string") == 0)
    pp_v_error (v, n, "expected a string, got %s; quote it: \"%s\"", got, n->u.str);
  else if (n->type == PP_NODE_SCALAR && n->tag == PP_TAG_STR && n->quoted
           && pp_resolve_plain (n->u.str, n->len) != PP_TAG_STR && strcmp (expected, "a string") != 0)
    pp_v_error (v, n, "expected %s, got %s; remove the quotes", expected, got);
  else
    pp_v_error (v, n, "expected %s, got %s", expected, got);
}

static void
check_enum (pp_vctx_t *v, const pp_field_t *f, const pp_node_t *n)
{
  for (const char *const *e = f->values; *e; e++)
    if (strcmp (*e, n->u.str) == 0)
      return;
  if (f->values == pp_enum_storage_medium && strncmp (n->u.str, "HugePages-", 10) == 0)
    return;
  pp_buf_t all = { 0 };
  const char *close = NULL;
  size_t count = 0;
  while (f->values[count])
    count++;
  for (const char *const *e = f->values; *e; e++)
    {
      /* A long list (the stop signals) is named by its start. */
      size_t i = (size_t) (e - f->values);
      if (count <= 16 || i < 8)
        pp_buf_printf (&all, "%s%s%s%s", all.len ? ", " : "", **e ? "" : "\"", *e, **e ? "" : "\"");
      else if (i == 8)
        pp_buf_printf (&all, " and %zu more (docs/kubernetes-support.md)", count - 8);
      if (strcasecmp (*e, n->u.str) == 0 || pp_edit_distance (*e, n->u.str, 2) <= 2)
        close = close ? close : *e;
    }
  if (close)
    pp_v_error (v, n, "unsupported value \"%s\": must be one of %s; did you mean '%s'?", n->u.str, all.data, close);
  else
    pp_v_error (v, n, "unsupported value \"%s\": must be one of %s", n->u.str, all.data);
  pp_buf_free (&all);
}

static bool
check_int_range (pp_vctx_t *v, const pp_field_t *f, const pp_node_t *n)
{
  int64_t x;
  if (!pp_parse_int (n->u.str, &x))
    {
      pp_v_error (v, n, "%s is not a 64-bit integer", n->u.str);
      return false;
    }
  if (f->kind == PP_K_INT32 && (x < INT32_MIN || x > INT32_MAX))
    {
      pp_v_error (v, n, "%s is not a 32-bit integer", n->u.str);
      return false;
    }
  return true;
}

/* The per-field checks of pp_check_t on one scalar element. */
static void
check_value (pp_vctx_t *v, const pp_field_t *f, const pp_node_t *n)
{
  const char *s = n->type == PP_NODE_SCALAR && n->tag != PP_TAG_NULL ? n->u.str : NULL;
  const char *why = NULL;
  int64_t x = 0;
  bool is_int = pp_v_int (n, &x);
  if (s == NULL)
    return;
  switch ((pp_check_t) f->check)
    {
    case PP_CHECK_DNS_LABEL:
      why = pp_check_dns_label (s);
      break;
    case PP_CHECK_DNS_SUBDOMAIN:
      why = pp_check_dns_subdomain (s);
      break;
    case PP_CHECK_GENERATE_NAME:
      why = strlen (s) > 253 ? "must be no more than 253 characters" : NULL;
      break;
    case PP_CHECK_PORT:
      if (is_int && (x < 1 || x > 65535))
        pp_v_error (v, n, "must be between 1 and 65535, got %s", s);
      return;
    case PP_CHECK_PORT_OR_ZERO:
      if (is_int && (x < 0 || x > 65535))
        pp_v_error (v, n, "must be between 1 and 65535 (or 0 for none), got %s", s);
      return;
    case PP_CHECK_PORT_OR_NAME:
      /* A Service's targetPort of 0 or "" is unset: the API server defaults it to `port` before validating. */
      if (strcmp (f->name, "targetPort") == 0 && ((is_int && x == 0) || *s == '\0'))
        return;
      if (is_int && (x < 1 || x > 65535))
        pp_v_error (v, n, "must be between 1 and 65535, got %s", s);
      else if (!is_int && (why = pp_check_port_name (s)) != NULL)
        pp_v_error (v, n, "\"%s\" is neither a port number nor a port name: a port name %s", s, why);
      return;
    case PP_CHECK_PORT_NAME:
      /* A container port's name is optional: "" names none (the API server checks a name only when it has one). */
      why = *s ? pp_check_port_name (s) : NULL;
      break;
    case PP_CHECK_ENV_NAME:
      why = pp_check_env_name (s);
      break;
    case PP_CHECK_ENV_PREFIX:
      why = *s ? pp_check_env_name (s) : NULL;
      break;
    case PP_CHECK_HOST_PATH:
      why = pp_check_path (s, false);
      if (why == NULL && s[0] != '/')
        pp_v_warning (v, n,
                      "relative path \"%s\" resolves against the folder of %s; a cluster needs an absolute path", s,
                      v->file);
      break;
    case PP_CHECK_ABS_PATH:
      why = s[0] != '/' ? "must be an absolute path" : NULL;
      break;
    case PP_CHECK_REL_PATH:
      why = pp_check_path (s, true);
      break;
    case PP_CHECK_ITEM_PATH:
      why = pp_check_item_path (s);
      break;
    case PP_CHECK_MODE:
      if (is_int && (x < 0 || x > 0777))
        pp_v_error (v, n, "must be a file mode between 0 and 0777 (octal), got %s", s);
      return;
    case PP_CHECK_CONFIG_KEY:
      why = pp_check_config_key (s);
      break;
    case PP_CHECK_NONNEG:
      if (is_int && x < 0)
        pp_v_error (v, n, "must be greater than or equal to 0, got %s", s);
      return;
    case PP_CHECK_POSITIVE:
      if (is_int && x < 1)
        pp_v_error (v, n, "must be greater than 0, got %s", s);
      return;
    case PP_CHECK_IP:
      why = pp_check_ip (s);
      break;
    case PP_CHECK_INT_OR_PERCENT:
      if (is_int && x < 0)
        pp_v_error (v, n, "must be greater than or equal to 0, got %s", s);
      else if (!is_int)
        {
          char *end = NULL;
          long pct = strtol (s, &end, 10);
          if (end == s || strcmp (end, "%") != 0 || pct < 0)
            pp_v_error (v, n, "must be an integer or a percentage such as \"25%%\", got \"%s\"", s);
        }
      return;
    case PP_CHECK_CAPABILITY:
      why = pp_check_capability (s);
      break;
    case PP_CHECK_NONEMPTY:
      why = *s ? NULL : "must not be empty";
      break;
    case PP_CHECK_IMAGE:
      why = pp_check_image (s);
      break;
    case PP_CHECK_NONNEG_QUANTITY:
      {
        pp_quantity_t q;
        if (pp_quantity_parse (s, &q) == NULL && q.value < 0)
          why = "must be greater than or equal to 0";
        break;
      }
    case PP_CHECK_FIELD_PATH:
      why = pp_check_field_path (s);
      break;
    case PP_CHECK_RESOURCE_FIELD:
      why = pp_check_resource_field (s);
      break;
    default:
      return;
    }
  if (why)
    pp_v_error (v, n, "invalid value \"%s\": %s", s, why);
}

/* Checks on the keys (and values) of a free-form map: labels, annotations, ConfigMap keys, resource lists. */
static void
check_map (pp_vctx_t *v, const pp_field_t *f, const pp_node_t *m)
{
  size_t total = 0;
  for (uint32_t i = 0; i < m->n; i++)
    {
      const pp_node_t *k = m->u.pairs[i].key, *val = m->u.pairs[i].value;
      const char *key = k->u.str;
      const char *why = NULL;
      size_t len = pp_v_push_key (v, key);
      switch ((pp_check_t) f->check)
        {
        case PP_CHECK_LABELS:
          if ((why = pp_check_label_key (key)) != NULL)
            pp_v_error (v, k, "invalid label key \"%s\": %s", key, why);
          else if (pp_node_str (val) && (why = pp_check_label_value (pp_node_str (val))) != NULL)
            pp_v_error (v, val, "invalid label value \"%s\": %s", pp_node_str (val), why);
          break;
        case PP_CHECK_ANNOTATIONS:
          if ((why = pp_check_label_key (key)) != NULL)
            pp_v_error (v, k, "invalid annotation key \"%s\": %s", key, why);
          total += k->len + (val->type == PP_NODE_SCALAR ? val->len : 0);
          break;
        case PP_CHECK_CONFIG_KEYS:
          if ((why = pp_check_config_key (key)) != NULL)
            pp_v_error (v, k, "invalid key \"%s\": %s", key, why);
          break;
        case PP_CHECK_RESOURCE_NAMES:
          if ((why = pp_check_resource_name (key)) != NULL)
            pp_v_error (v, k, "invalid resource name \"%s\": %s", key, why);
          break;
        default:
          break;
        }
      pp_v_pop (v, len);
    }
  if (f->check == PP_CHECK_ANNOTATIONS && total > 256 * 1024)
    pp_v_error (v, m, "annotations may hold at most 262144 bytes in all, these hold %zu", total);
}

static void walk_object (pp_vctx_t *v, const pp_node_t *n, const pp_type_t *type, pp_support_t support);

/* One element: a scalar of the field's kind, or an object of its type. */
static void
check_element (pp_vctx_t *v, const pp_field_t *f, pp_node_t *n, pp_support_t support)
{
  n->field = f;
  if (n->type == PP_NODE_SCALAR && n->tag == PP_TAG_NULL)
    return;
  switch ((pp_kind_t) f->kind)
    {
    case PP_K_OBJECT:
      walk_object (v, n, f->type, support);
      return;
    case PP_K_ANY:
      return;
    case PP_K_STRING:
    case PP_K_BYTES:
    case PP_K_TIME:
      if (n->type != PP_NODE_SCALAR || n->tag != PP_TAG_STR)
        {
          type_mismatch (v, n, "a string");
          return;
        }
      if (f->kind == PP_K_BYTES && pp_check_base64 (n->u.str, n->len))
        {
          /* The reason speaks of a Secret's data and stringData; a ConfigMap's binaryData has data beside it. */
          if (v->kind && strcmp (v->kind->kind, "Secret") != 0)
            pp_v_error (v, n, "is not valid base64: binaryData holds base64-encoded bytes (put plain text under data)");
          else
            pp_v_error (v, n, "%s", pp_check_base64 (n->u.str, n->len));
        }
      if (f->kind == PP_K_TIME && pp_check_rfc3339 (n->u.str))
        pp_v_error (v, n, "invalid value \"%s\": %s", n->u.str, pp_check_rfc3339 (n->u.str));
      if (f->values)
        check_enum (v, f, n);
      break;
    case PP_K_INT32:
    case PP_K_INT64:
      if (n->type != PP_NODE_SCALAR || n->tag != PP_TAG_INT)
        {
          type_mismatch (v, n, "an integer");
          return;
        }
      if (!check_int_range (v, f, n))
        return;
      break;
    case PP_K_FLOAT:
      if (n->type != PP_NODE_SCALAR || (n->tag != PP_TAG_INT && n->tag != PP_TAG_FLOAT))
        {
          type_mismatch (v, n, "a number");
          return;
        }
      break;
    case PP_K_BOOL:
      if (n->type != PP_NODE_SCALAR || n->tag != PP_TAG_BOOL)
        {
          type_mismatch (v, n, "a boolean (true or false)");
          return;
        }
      break;
    case PP_K_INT_OR_STRING:
      if (n->type != PP_NODE_SCALAR || (n->tag != PP_TAG_INT && n->tag != PP_TAG_STR))
        {
          type_mismatch (v, n, "an integer or a string");
          return;
        }
      if (n->tag == PP_TAG_INT && !check_int_range (v, &(pp_field_t){ .kind = PP_K_INT32 }, n))
        return;
      break;
    case PP_K_QUANTITY:
      {
        if (n->type != PP_NODE_SCALAR || n->tag == PP_TAG_BOOL)
          {
            type_mismatch (v, n, "a quantity such as 500m, 1.5, 128Mi or 2Gi");
            return;
          }
        pp_quantity_t q;
        const char *why = pp_quantity_parse (n->u.str, &q);
        if (why)
          {
            pp_v_error (v, n, "invalid quantity \"%s\": %s", n->u.str, why);
            return;
          }
        break;
      }
    }
  check_value (v, f, n);
}

static void
check_field (pp_vctx_t *v, const pp_field_t *f, pp_node_t *n, pp_support_t support)
{
  n->field = f;
  if (n->type == PP_NODE_SCALAR && n->tag == PP_TAG_NULL)
    return;
  if (f->shape == PP_SH_LIST)
    {
      if (n->type != PP_NODE_SEQ)
        {
          char what[64];
          snprintf (what, sizeof what, "a list of %s", f->kind == PP_K_OBJECT ? "objects" : pp_kind_name (f->kind));
          type_mismatch (v, n, what);
          return;
        }
      for (uint32_t i = 0; i < n->n; i++)
        {
          size_t len = pp_v_push_index (v, i);
          check_element (v, f, n->u.items[i], support);
          pp_v_pop (v, len);
        }
      return;
    }
  if (f->shape == PP_SH_MAP)
    {
      if (n->type != PP_NODE_MAP)
        {
          type_mismatch (v, n, "a mapping");
          return;
        }
      for (uint32_t i = 0; i < n->n; i++)
        {
          size_t len = pp_v_push_key (v, n->u.pairs[i].key->u.str);
          check_element (v, f, n->u.pairs[i].value, support);
          pp_v_pop (v, len);
        }
      check_map (v, f, n);
      return;
    }
  check_element (v, f, n, support);
}

/* Looks one and two levels down for a misplaced field: `containers` under a Deployment's spec. */
static const char *
find_below (const pp_type_t *type, const char *key, char *where, size_t size)
{
  for (size_t i = 0; i < type->n_fields; i++)
    {
      const pp_field_t *f = &type->fields[i];
      if (f->kind != PP_K_OBJECT || f->shape != PP_SH_ONE)
        continue;
      if (pp_type_field (f->type, key))
        {
          snprintf (where, size, "%s.%s", f->name, key);
          return where;
        }
    }
  for (size_t i = 0; i < type->n_fields; i++)
    {
      const pp_field_t *f = &type->fields[i];
      if (f->kind != PP_K_OBJECT || f->shape != PP_SH_ONE || strcmp (f->name, "status") == 0)
        continue;
      for (size_t j = 0; j < f->type->n_fields; j++)
        {
          const pp_field_t *g = &f->type->fields[j];
          if (g->kind == PP_K_OBJECT && g->shape == PP_SH_ONE && pp_type_field (g->type, key))
            {
              snprintf (where, size, "%s.%s.%s", f->name, g->name, key);
              return where;
            }
        }
    }
  return NULL;
}

static void
unknown_field (pp_vctx_t *v, const pp_type_t *type, const pp_node_t *k)
{
  const char *close = pp_type_suggest (type, k->u.str);
  char where[256];
  if (close)
    pp_v_error (v, k, "unknown field \"%s\"; did you mean '%s'?", k->u.str, close);
  else if (find_below (type, k->u.str, where, sizeof where))
    pp_v_error (v, k, "unknown field \"%s\" here; it belongs under %s", k->u.str, where);
  else
    pp_v_error (v, k, "unknown field \"%s\" in %s", k->u.str, type->name);
}

static void
support_diag (pp_vctx_t *v, const pp_field_t *f, const pp_node_t *k, pp_support_t eff)
{
  if (eff == PP_NOT_IMPLEMENTED)
    pp_v_warning (v, k, "podplay does not implement this field yet; it is ignored%s%s", f->note ? ": " : "",
                  f->note ? f->note : "");
  else if (eff == PP_NOT_APPLICABLE && v->opts && v->opts->verbose)
    pp_v_diag (v, PP_DIAG_NOTE, k, "not applicable on one machine (%s); ignored", f->note ? f->note : "cluster only");
}

static void
walk_object (pp_vctx_t *v, const pp_node_t *n, const pp_type_t *type, pp_support_t support)
{
  if (n->type != PP_NODE_MAP)
    {
      char what[80];
      snprintf (what, sizeof what, "a mapping (%s)", type->name);
      type_mismatch (v, n, what);
      return;
    }
  for (uint32_t i = 0; i < n->n; i++)
    {
      const pp_node_t *k = n->u.pairs[i].key;
      pp_node_t *val = n->u.pairs[i].value;
      size_t len = pp_v_push_key (v, k->u.str);
      const pp_field_t *f = pp_type_field (type, k->u.str);
      if (f == NULL)
        unknown_field (v, type, k);
      else if (v->opts && v->opts->kube_minor && f->since > v->opts->kube_minor)
        pp_v_error (v, k, "field \"%s\" arrived in Kubernetes 1.%d; a 1.%d cluster refuses it as unknown",
                    k->u.str, f->since, v->opts->kube_minor);
      else
        {
          pp_support_t eff = pp_support_effective (support, f->support);
          if (eff != support && !pp_node_is_null (val))
            support_diag (v, f, k, eff);
          check_field (v, f, val, eff);
        }
      pp_v_pop (v, len);
    }
  for (size_t i = 0; i < type->n_fields; i++)
    {
      const pp_field_t *f = &type->fields[i];
      if (!f->required || !pp_node_is_null (pp_node_get (n, f->name)))
        continue;
      size_t len = pp_v_push_key (v, f->name);
      pp_v_error (v, n, "required field is missing");
      pp_v_pop (v, len);
    }
}

/* The kind of the API closest to a misspelt one, or NULL when none is within two edits. */
static const char *
suggest_kind (const char *kind)
{
  const char *best = NULL;
  size_t best_d = 3;
  for (size_t i = 0; i < pp_n_api_kinds; i++)
    {
      size_t d = pp_edit_distance (kind, pp_api_kinds[i].kind, 2);
      if (d < best_d)
        {
          best_d = d;
          best = pp_api_kinds[i].kind;
        }
    }
  return best;
}

/* A group no Kubernetes API server serves belongs to a CustomResourceDefinition: a CRD's group has a dot in it, and
   a kind there (Knative's Service included) is the CRD's own.  A group two edits from the one that serves the kind
   is a misspelling of it (netwroking.k8s.io) rather than a CRD. */
static bool
custom_group (const char *api, const pp_api_kind_t *known)
{
  size_t len = pp_api_group_len (api);
  if (memchr (api, '.', len) == NULL || pp_api_group_known (api, len))
    return false;
  if (known == NULL)
    return true;
  cleanup_free char *group = xstrndup (api, len);
  cleanup_free char *known_group = xstrndup (known->api_version, pp_api_group_len (known->api_version));
  return pp_edit_distance (group, known_group, 2) > 2;
}

/* "apps/v1", or "autoscaling/v2" or "autoscaling/v1": the versions the API serves a kind in. */
static char *
kind_versions (const pp_api_kind_t *first)
{
  pp_buf_t b = { 0 };
  for (const pp_api_kind_t *k = first; k < pp_api_kinds + pp_n_api_kinds && strcmp (k->kind, first->kind) == 0; k++)
    pp_buf_printf (&b, "%s\"%s\"", k == first ? "" : " or ", k->api_version);
  return b.data;
}

/* apiVersion and kind pick the table; returns the kind, or NULL when the object is not one podplay reads.  Every
   other kind of the Kubernetes API, and every custom resource, is skipped with a warning that says so: a chart's
   output holds RBAC, webhooks and CRDs beside its workloads, and a user expects the workloads to play, as
   `kubectl apply` applies what it knows.  A kind in a group of the API server that the API does not have there
   is an error, as kubectl's "no matches for kind" is. */
static const pp_kind_info_t *
check_kind (pp_vctx_t *v, const pp_node_t *obj)
{
  const pp_node_t *av = pp_node_get (obj, "apiVersion"), *kd = pp_node_get (obj, "kind");
  const char *api = pp_node_str (av), *kind = pp_node_str (kd);
  bool ok = true;
  for (int i = 0; i < 2; i++)
    {
      const pp_node_t *n = i ? kd : av;
      size_t len = pp_v_push_key (v, i ? "kind" : "apiVersion");
      if (pp_node_is_null (n))
        pp_v_error (v, obj, "required field is missing");
      else if (pp_node_str (n) == NULL || *pp_node_str (n) == '\0')
        type_mismatch (v, n, "a non-empty string");
      pp_v_pop (v, len);
      ok = ok && pp_node_str (n) && *pp_node_str (n);
    }
  if (!ok)
    return NULL;
  const pp_kind_info_t *k = pp_kind_lookup (api, kind);
  if (k)
    return k;
  const pp_api_kind_t *known = pp_api_kind_first (kind);
  bool custom = custom_group (api, known);
  size_t len;
  if (known && !custom && !pp_api_kind_known (api, kind))
    {
      len = pp_v_push_key (v, "apiVersion");
      cleanup_free char *versions = kind_versions (known);
      pp_v_error (v, av, "kind %s is in apiVersion %s, not \"%s\"", kind, versions, api);
      pp_v_pop (v, len);
      return NULL;
    }
  len = pp_v_push_key (v, "kind");
  if (known && !custom)
    pp_v_warning (v, kd, "podplay does not run kind %s (%s); it is skipped", kind, api);
  else if (custom)
    pp_v_warning (v, kd, "custom resource %s (%s) has no schema here; podplay skips it", kind, api);
  else if (suggest_kind (kind))
    pp_v_error (v, kd, "unknown kind \"%s\"; did you mean '%s'?", kind, suggest_kind (kind));
  else
    pp_v_error (v, kd, "unknown kind \"%s\" in apiVersion \"%s\"", kind, api);
  pp_v_pop (v, len);
  return NULL;
}

static void
validate_object (pp_vctx_t *v, pp_node_t *obj, size_t *count);

/* The bytes of a node as compact JSON, near enough (escapes not counted): what kubectl sends for an object. */
static uint64_t
json_size (const pp_node_t *n)
{
  /* Braces or brackets, and a comma between two members. */
  uint64_t size = 2 + (n->n ? n->n - 1 : 0);
  switch ((pp_node_type_t) n->type)
    {
    case PP_NODE_SCALAR:
      return n->tag == PP_TAG_NULL ? 4 : n->len + (n->tag == PP_TAG_STR ? 2 : 0);
    case PP_NODE_MAP:
      for (uint32_t i = 0; i < n->n; i++)
        size += n->u.pairs[i].key->len + 3 + json_size (n->u.pairs[i].value);
      return size;
    case PP_NODE_SEQ:
      for (uint32_t i = 0; i < n->n; i++)
        size += json_size (n->u.items[i]);
      return size;
    }
  return size;
}

/* The API server takes at most 3 MiB in one request (the apiserver's MaxRequestBodyBytes), and kubectl sends an
   object a request; it is the only bound Kubernetes puts on a container's env, command or mounts. */
#define PP_MAX_OBJECT_BYTES (3 * 1024 * 1024)

static void
check_object_size (pp_vctx_t *v, const pp_node_t *obj, size_t first)
{
  /* An object already refused as a whole (a ConfigMap over its own 1 MiB) is not refused again for its size. */
  for (size_t i = first; i < v->diags->n; i++)
    if (v->diags->v[i].severity == PP_DIAG_ERROR && v->diags->v[i].line == obj->line && v->diags->v[i].col == obj->col)
      return;
  uint64_t size = json_size (obj);
  if (size > PP_MAX_OBJECT_BYTES)
    pp_v_error (v, obj,
                "this object is %.1f MiB as JSON: the API server takes at most 3 MiB (%d bytes) in one request",
                (double) size / (1024 * 1024), PP_MAX_OBJECT_BYTES);
}

static bool
is_list_kind (const pp_node_t *obj)
{
  const char *kind = pp_node_str (pp_node_get (obj, "kind"));
  const char *api = pp_node_str (pp_node_get (obj, "apiVersion"));
  if (kind == NULL || api == NULL)
    return false;
  size_t len = strlen (kind);
  if (strcmp (kind, "List") == 0)
    return strcmp (api, "v1") == 0;
  if (len > 4 && strcmp (kind + len - 4, "List") == 0)
    {
      cleanup_free char *item = xstrndup (kind, len - 4);
      return pp_api_kind_known (api, item);
    }
  return false;
}

static void
validate_list (pp_vctx_t *v, pp_node_t *obj, size_t *count)
{
  static const char *const list_fields[] = { "apiVersion", "kind", "items", "metadata" };
  for (uint32_t i = 0; i < obj->n; i++)
    {
      const pp_node_t *k = obj->u.pairs[i].key;
      bool known = false;
      for (size_t j = 0; j < PP_N_ELEMENTS (list_fields); j++)
        known = known || strcmp (k->u.str, list_fields[j]) == 0;
      if (!known)
        {
          size_t len = pp_v_push_key (v, k->u.str);
          pp_v_error (v, k, "unknown field \"%s\" in %s", k->u.str, pp_node_str (pp_node_get (obj, "kind")));
          pp_v_pop (v, len);
        }
    }
  pp_node_t *items = pp_node_get (obj, "items");
  size_t len = pp_v_push_key (v, "items");
  if (pp_node_is_null (items))
    pp_v_error (v, obj, "required field is missing");
  else if (items->type != PP_NODE_SEQ)
    type_mismatch (v, items, "a list of objects");
  else
    for (uint32_t i = 0; i < items->n; i++)
      {
        size_t l2 = pp_v_push_index (v, i);
        validate_object (v, items->u.items[i], count);
        pp_v_pop (v, l2);
      }
  pp_v_pop (v, len);
}

static void
validate_object (pp_vctx_t *v, pp_node_t *obj, size_t *count)
{
  size_t first = v->diags->n;
  if (obj->type != PP_NODE_MAP)
    {
      pp_v_error (v, obj, "expected a Kubernetes object (a mapping with apiVersion and kind), got %s",
                  pp_node_describe (obj));
      return;
    }
  if (is_list_kind (obj))
    {
      validate_list (v, obj, count);
      return;
    }
  (*count)++;
  const pp_kind_info_t *kind = check_kind (v, obj);
  if (kind)
    {
      v->kind = kind;
      if (kind->support == PP_NOT_IMPLEMENTED)
        {
          size_t len = pp_v_push_key (v, "kind");
          pp_v_warning (v, pp_node_get (obj, "kind"),
                        "podplay does not run kind %s yet (%s); it is checked and skipped", kind->kind, kind->note);
          pp_v_pop (v, len);
        }
      walk_object (v, obj, kind->type, kind->support);
      /* The rules read values through accessors that skip mistyped nodes, so they run even after type errors. */
      pp_rules_object (v, obj);
      check_object_size (v, obj, first);
    }
  const pp_node_t *meta = pp_node_get (obj, "metadata");
  pp_diags_set_object (v->diags, first, pp_node_str (pp_node_get (obj, "kind")),
                       pp_node_str (pp_node_get (meta, "name")));
}

size_t
pp_validate_doc (pp_doc_t *doc, const pp_validate_opts_t *opts, pp_diags_t *diags)
{
  pp_vctx_t v = { .diags = diags, .file = doc->file, .doc = doc->index, .opts = opts };
  size_t count = 0, first = diags->n;
  pp_buf_puts (&v.path, "");
  if (doc->root)
    validate_object (&v, doc->root, &count);
  pp_diags_sort_from (diags, first);
  pp_buf_free (&v.path);
  return count;
}

int
pp_kube_version_parse (const char *s)
{
  if (s == NULL)
    return -1;
  if (*s == 'v')
    s++;
  if (strncmp (s, "1.", 2) != 0 || !isdigit ((unsigned char) s[2]))
    return -1;
  char *end;
  errno = 0;
  long minor = strtol (s + 2, &end, 10);
  /* A patch release says nothing more about the API: 1.34.2 has 1.34's fields. */
  if (*end == '.' && isdigit ((unsigned char) end[1]))
    for (end++; isdigit ((unsigned char) *end); end++)
      ;
  if (errno || *end || minor < PP_KUBE_OLDEST || minor > PP_KUBE_NEWEST)
    return -1;
  return (int) minor;
}
