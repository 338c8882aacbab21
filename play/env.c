/* A container's environment, the kubelet's way: see env.h. */
#include "play/env.h"
#include "schema/checks.h"

#include <math.h>
#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

void
pp_play_objects_add (pp_play_objects_t *o, const char *kind, const pp_node_t *obj)
{
  if (strcmp (kind, "ConfigMap") == 0)
    {
      o->configmaps = xrealloc (o->configmaps, (o->n_configmaps + 1) * sizeof *o->configmaps);
      o->configmaps[o->n_configmaps++] = obj;
    }
  else if (strcmp (kind, "Secret") == 0)
    {
      o->secrets = xrealloc (o->secrets, (o->n_secrets + 1) * sizeof *o->secrets);
      o->secrets[o->n_secrets++] = obj;
    }
  else if (strcmp (kind, "PersistentVolumeClaim") == 0)
    {
      o->claims = xrealloc (o->claims, (o->n_claims + 1) * sizeof *o->claims);
      o->claims[o->n_claims++] = obj;
    }
}

void
pp_play_objects_free (pp_play_objects_t *o)
{
  free (o->configmaps);
  free (o->secrets);
  free (o->claims);
  memset (o, 0, sizeof *o);
}

static bool
is_true (const pp_node_t *n)
{
  return n && n->type == PP_NODE_SCALAR && n->tag == PP_TAG_BOOL && strcasecmp (n->u.str, "true") == 0;
}

static const pp_node_t *
find_object (const pp_node_t *const *v, size_t n, const char *name)
{
  for (size_t i = 0; name && i < n; i++)
    if (strcmp (pp_node_str (pp_node_get (pp_node_get (v[i], "metadata"), "name")) ?: "", name) == 0)
      return v[i];
  return NULL;
}

/* A Secret's data value, decoded from base64 (stringData wins, as the API server merges it). */
static char *
secret_value (const pp_node_t *secret, const char *key)
{
  const char *plain = pp_node_str (pp_node_get (pp_node_get (secret, "stringData"), key));
  if (plain)
    return xstrdup (plain);
  const char *b64 = pp_node_str (pp_node_get (pp_node_get (secret, "data"), key));
  if (b64 == NULL)
    return NULL;
  size_t n;
  return pp_base64_decode (b64, strlen (b64), &n);
}

/* A vector of "NAME=value" strings with an index by name: setting or finding a name costs the same with two
   variables as with two hundred thousand (the API server bounds a container's env only by the object's size). */
typedef struct
{
  char **v; /* NULL-terminated */
  size_t n, cap;
  size_t *slots; /* open addressing, by the name's hash: 1 + the index in v, or 0 for a free slot */
  size_t mask;   /* slots - 1; slots is a power of two, at least twice n */
} env_t;

static size_t
name_len (const char *entry)
{
  return strcspn (entry, "=");
}

/* The slot of `name` (len bytes): the one that holds it, or the free one where it goes. */
static size_t *
env_slot (const env_t *e, const char *name, size_t len)
{
  size_t i = (size_t) pp_fnv1a (name, len, PP_FNV_OFFSET) & e->mask;
  for (;; i = (i + 1) & e->mask)
    {
      size_t *s = &e->slots[i];
      if (*s == 0)
        return s;
      const char *entry = e->v[*s - 1];
      if (name_len (entry) == len && memcmp (entry, name, len) == 0)
        return s;
    }
}

static void
env_grow (env_t *e)
{
  if (e->n + 2 > e->cap)
    {
      e->cap = e->cap ? e->cap * 2 : 16;
      e->v = xrealloc (e->v, e->cap * sizeof (char *));
    }
  if (e->slots && (e->n + 1) * 2 <= e->mask + 1)
    return;
  free (e->slots);
  e->mask = e->mask ? e->mask * 2 + 1 : 31;
  e->slots = xzalloc ((e->mask + 1) * sizeof (size_t));
  for (size_t i = 0; i < e->n; i++)
    *env_slot (e, e->v[i], name_len (e->v[i])) = i + 1;
}

/* Takes `entry` ("NAME=value"): it replaces the variable of that name in its place, or comes last. */
static void
env_put (env_t *e, char *entry)
{
  env_grow (e);
  size_t *s = env_slot (e, entry, name_len (entry));
  if (*s)
    {
      free (e->v[*s - 1]);
      e->v[*s - 1] = entry;
      return;
    }
  e->v[e->n] = entry;
  *s = ++e->n;
  e->v[e->n] = NULL;
}

static void
env_set (env_t *e, const char *name, const char *value)
{
  env_put (e, xasprintf ("%s=%s", name, value));
}

/* The value of a variable, or NULL ("" for an image's bare "NAME"). */
static const char *
env_get (const env_t *e, const char *name, size_t len)
{
  if (e->slots == NULL)
    return NULL;
  size_t *s = env_slot (e, name, len);
  const char *entry = *s ? e->v[*s - 1] : NULL;
  return entry == NULL ? NULL : entry[len] ? entry + len + 1 : "";
}

static void
env_index (env_t *e, char *const *vars)
{
  for (size_t i = 0; vars && vars[i]; i++)
    env_put (e, xstrdup (vars[i]));
}

/* The vector, owned by the caller; the index goes. */
static char **
env_steal (env_t *e)
{
  char **v = e->v ? e->v : xzalloc (sizeof (char *));
  free (e->slots);
  memset (e, 0, sizeof *e);
  return v;
}

static void
env_free (env_t *e)
{
  pp_strv_free (env_steal (e));
}

char **
pp_env_overlay (char **base, char **over)
{
  env_t e = { 0 };
  for (char **p = base; p && *p; p++)
    env_put (&e, steal_pointer (p));
  for (char **p = over; p && *p; p++)
    env_put (&e, steal_pointer (p));
  free (base);
  free (over);
  return env_steal (&e);
}

static char *
expand (const char *s, const env_t *e)
{
  pp_buf_t b = { 0 };
  pp_buf_puts (&b, "");
  for (const char *p = s; *p;)
    {
      if (p[0] == '$' && p[1] == '$')
        {
          pp_buf_puts (&b, "$");
          p += 2;
          continue;
        }
      const char *close = p[0] == '$' && p[1] == '(' ? strchr (p + 2, ')') : NULL;
      if (close)
        {
          const char *value = env_get (e, p + 2, (size_t) (close - p - 2));
          if (value)
            {
              pp_buf_puts (&b, value);
              p = close + 1;
              continue;
            }
          pp_buf_append (&b, p, (size_t) (close - p + 1));
          p = close + 1;
          continue;
        }
      size_t plain = strcspn (p + 1, "$") + 1;
      pp_buf_append (&b, p, plain);
      p += plain;
    }
  return b.data;
}

char *
pp_expand_vars (const char *s, char *const *env)
{
  if (strchr (s, '$') == NULL)
    return xstrdup (s);
  env_t e = { 0 };
  env_index (&e, env);
  char *out = expand (s, &e);
  env_free (&e);
  return out;
}

char **
pp_expand_seq (const pp_node_t *seq, char *const *env)
{
  size_t n = seq && seq->type == PP_NODE_SEQ ? seq->n : 0;
  char **v = xzalloc ((n + 1) * sizeof (char *));
  env_t e = { 0 };
  env_index (&e, env);
  for (size_t i = 0; i < n; i++)
    v[i] = expand (pp_node_str (seq->u.items[i]) ?: "", &e);
  env_free (&e);
  return v;
}

/* metadata.labels['key'] and metadata.annotations['key']. */
static const char *
map_field (const pp_node_t *meta, const char *path, const char *map)
{
  size_t mlen = strlen (map);
  if (strncmp (path, map, mlen) != 0 || path[mlen] != '[')
    return NULL;
  const char *k = path + mlen + 1;
  char quote = *k == '\'' || *k == '"' ? *k++ : 0;
  const char *end = strchr (k, quote ? quote : ']');
  if (end == NULL)
    return NULL;
  cleanup_free char *key = xstrndup (k, (size_t) (end - k));
  return pp_node_str (pp_node_get (pp_node_get (meta, map + strlen ("metadata.")), key)) ?: "";
}

static int
cmp_pair_keys (const void *a, const void *b)
{
  const pp_pair_t *x = a, *y = b;
  return strcmp (pp_node_str (x->key) ?: "", pp_node_str (y->key) ?: "");
}

/* A whole labels or annotations map as the kubelet writes it in a downwardAPI file: `key="value"` lines sorted by
   key, the value quoted as Go's %q does, no newline after the last. */
static char *
format_map (const pp_node_t *m)
{
  size_t n = m && m->type == PP_NODE_MAP ? m->n : 0;
  pp_pair_t *pairs = xzalloc ((n + 1) * sizeof *pairs);
  if (n)
    memcpy (pairs, m->u.pairs, n * sizeof *pairs);
  qsort (pairs, n, sizeof *pairs, cmp_pair_keys);
  pp_buf_t b = { 0 };
  pp_buf_puts (&b, "");
  for (size_t i = 0; i < n; i++)
    {
      pp_buf_printf (&b, "%s%s=\"", i ? "\n" : "", pp_node_str (pairs[i].key) ?: "");
      for (const unsigned char *c = (const unsigned char *) (pp_node_str (pairs[i].value) ?: ""); *c; c++)
        if (*c == '"' || *c == '\\')
          pp_buf_printf (&b, "\\%c", *c);
        else if (*c == '\n')
          pp_buf_puts (&b, "\\n");
        else if (*c == '\t')
          pp_buf_puts (&b, "\\t");
        else if (*c == '\r')
          pp_buf_puts (&b, "\\r");
        else if (*c < 0x20 || *c == 0x7f)
          pp_buf_printf (&b, "\\x%02x", *c);
        else
          pp_buf_append (&b, (const char *) c, 1);
      pp_buf_puts (&b, "\"");
    }
  free (pairs);
  return b.data;
}

static char *
field_value (const pp_env_pod_t *pod, const char *path, bool whole_maps)
{
  const char *v;
  if (strcmp (path, "metadata.name") == 0)
    return xstrdup (pod->name);
  if (strcmp (path, "metadata.namespace") == 0)
    return xstrdup (pod->namespace_);
  if (strcmp (path, "metadata.uid") == 0)
    return xstrdup (pod->uid ? pod->uid : "");
  if (strcmp (path, "spec.nodeName") == 0)
    return xstrdup (pod->node_name);
  if (strcmp (path, "spec.serviceAccountName") == 0)
    return xstrdup (pp_node_str (pp_node_get (pod->spec, "serviceAccountName")) ?: "default");
  /* Before the pod has its address (a validation), a placeholder of the same form. */
  if (strcmp (path, "status.hostIP") == 0 || strcmp (path, "status.hostIPs") == 0)
    return xstrdup (pod->host_ip ? pod->host_ip : "127.0.0.1");
  /* podIPs as the downward API gives it: the addresses, comma-separated, IPv4 first. */
  if (strcmp (path, "status.podIPs") == 0 && pod->pod_ips)
    return xstrdup (pod->pod_ips);
  if (strcmp (path, "status.podIP") == 0 || strcmp (path, "status.podIPs") == 0)
    return xstrdup (pod->pod_ip ? pod->pod_ip : "127.0.0.1");
  /* Whole maps only in volumes: an env variable cannot hold one (the API server refuses it there). */
  if (whole_maps && (strcmp (path, "metadata.labels") == 0 || strcmp (path, "metadata.annotations") == 0))
    return format_map (pp_node_get (pod->meta, path + strlen ("metadata.")));
  if ((v = map_field (pod->meta, path, "metadata.labels")) || (v = map_field (pod->meta, path, "metadata.annotations")))
    return xstrdup (v);
  return NULL;
}

const pp_node_t *
pp_pod_container (const pp_node_t *spec, const char *name)
{
  static const char *const lists[] = { "initContainers", "containers" };
  for (size_t l = 0; name && l < PP_N_ELEMENTS (lists); l++)
    {
      const pp_node_t *cs = pp_node_get (spec, lists[l]);
      for (size_t i = 0; cs && cs->type == PP_NODE_SEQ && i < cs->n; i++)
        if (strcmp (pp_node_str (pp_node_get (cs->u.items[i], "name")) ?: "", name) == 0)
          return cs->u.items[i];
    }
  return NULL;
}

/* limits.cpu, requests.memory, ... of a container, divided by the divisor and rounded up, as the kubelet
   reports them; an unset limit is the machine's capacity. */
static char *
resource_value (const pp_env_pod_t *pod, const pp_node_t *ctr, const pp_node_t *ref)
{
  const pp_node_t *c = pp_pod_container (pod->spec, pp_node_str (pp_node_get (ref, "containerName"))) ?: ctr;
  const char *res = pp_node_str (pp_node_get (ref, "resource")) ?: "";
  const char *dot = strchr (res, '.');
  if (dot == NULL)
    return NULL;
  cleanup_free char *group = xstrndup (res, (size_t) (dot - res));
  const pp_node_t *q = pp_node_get (pp_node_get (pp_node_get (c, "resources"), group), dot + 1);
  pp_quantity_t value = { 0 }, divisor = { 1 };
  const char *dv = pp_node_str (pp_node_get (ref, "divisor"));
  if (dv && (pp_quantity_parse (dv, &divisor) != NULL || divisor.value <= 0))
    divisor.value = 1;
  if (q == NULL || q->type != PP_NODE_SCALAR || pp_quantity_parse (q->u.str, &value) != NULL)
    {
      if (strcmp (group, "requests") == 0)
        value.value = 0;
      else if (strcmp (dot + 1, "cpu") == 0)
        value.value = (long double) sysconf (_SC_NPROCESSORS_ONLN);
      else
        value.value = (long double) sysconf (_SC_PHYS_PAGES) * (long double) sysconf (_SC_PAGESIZE);
    }
  return xasprintf ("%.0Lf", ceill (value.value / divisor.value));
}

char *
pp_downward_value (const pp_env_pod_t *pod, const pp_node_t *ctr, const pp_node_t *src, const char *what,
                   pp_error_t *err)
{
  const pp_node_t *ref;
  bool volume = ctr == NULL;
  if ((ref = pp_node_get (src, "fieldRef")))
    {
      const char *path = pp_node_str (pp_node_get (ref, "fieldPath")) ?: "";
      char *v = field_value (pod, path, volume);
      if (v == NULL)
        pp_error_make (err, 0, "%s:%u:%u: %s: %s: fieldRef: fieldPath `%s` is not supported%s", pod->file, ref->line,
                       ref->col, pod->where, what, path, volume ? "" : " in env (a downwardAPI volume takes it)");
      return v;
    }
  if ((ref = pp_node_get (src, "resourceFieldRef")))
    {
      /* A volume serves every container: it names the one whose resources it reads. */
      const char *cname = pp_node_str (pp_node_get (ref, "containerName"));
      if (volume && pp_pod_container (pod->spec, cname) == NULL)
        {
          pp_error_make (err, 0, "%s:%u:%u: %s: %s: resourceFieldRef.containerName: %s%s%s", pod->file, ref->line,
                         ref->col, pod->where, what, cname ? "no container `" : "required in a volume",
                         cname ? cname : "", cname ? "` in the pod" : "");
          return NULL;
        }
      char *v = resource_value (pod, ctr, ref);
      if (v == NULL)
        pp_error_make (err, 0, "%s:%u:%u: %s: %s: resourceFieldRef: resource `%s` is not supported", pod->file,
                       ref->line, ref->col, pod->where, what, pp_node_str (pp_node_get (ref, "resource")) ?: "");
      return v;
    }
  pp_error_make (err, 0, "%s:%u:%u: %s: %s: names neither fieldRef nor resourceFieldRef", pod->file, src->line,
                 src->col, pod->where, what);
  return NULL;
}

/* The value of one env entry; NULL with err set when a required reference is missing, NULL without it when an
   optional one is (the variable is then left out). */
static char *
entry_value (const pp_play_objects_t *objs, const pp_env_pod_t *pod, const pp_node_t *ctr, const pp_node_t *e,
             const env_t *so_far, pp_error_t *err)
{
  const pp_node_t *from = pp_node_get (e, "valueFrom");
  const char *name = pp_node_str (pp_node_get (e, "name")) ?: "";
  if (from == NULL)
    return expand (pp_node_str (pp_node_get (e, "value")) ?: "", so_far);
  const pp_node_t *ref;
  if ((ref = pp_node_get (from, "configMapKeyRef")) || (ref = pp_node_get (from, "secretKeyRef")))
    {
      bool cm = pp_node_get (from, "configMapKeyRef") != NULL;
      const char *oname = pp_node_str (pp_node_get (ref, "name")) ?: "";
      const char *key = pp_node_str (pp_node_get (ref, "key")) ?: "";
      bool opt = is_true (pp_node_get (ref, "optional"));
      const pp_node_t *obj = cm ? find_object (objs->configmaps, objs->n_configmaps, oname)
                                : find_object (objs->secrets, objs->n_secrets, oname);
      char *v = NULL;
      if (obj)
        v = cm ? xstrdup (pp_node_str (pp_node_get (pp_node_get (obj, "data"), key)) ?: "\x01") : secret_value (obj, key);
      if (v && strcmp (v, "\x01") == 0)
        {
          free (v);
          v = NULL;
        }
      if (v || opt)
        return v;
      if (obj == NULL)
        pp_error_make (err, 0, "%s:%u:%u: %s: env %s: %s `%s` is not in the play (and optional is not true)",
                       pod->file, ref->line, ref->col, pod->where, name, cm ? "ConfigMap" : "Secret", oname);
      else
        pp_error_make (err, 0, "%s:%u:%u: %s: env %s: %s `%s` has no key `%s` (and optional is not true)",
                       pod->file, ref->line, ref->col, pod->where, name, cm ? "ConfigMap" : "Secret", oname, key);
      return NULL;
    }
  if (pp_node_get (from, "fieldRef") || pp_node_get (from, "resourceFieldRef"))
    {
      cleanup_free char *what = xasprintf ("env %s", name);
      return pp_downward_value (pod, ctr, from, what, err);
    }
  /* A key of a file in an emptyDir: read by the monitor at each start of the container (pod.json's fileEnv), as
     the kubelet reads it once the init containers that write it have run; empty until then. */
  if (pp_node_get (from, "fileKeyRef"))
    return xstrdup ("");
  pp_error_make (err, 0, "%s:%u:%u: %s: env %s: valueFrom names no source podplay can read", pod->file, from->line,
                 from->col, pod->where, name);
  return NULL;
}

/* envFrom: every key of a ConfigMap or Secret, with the prefix. */
static int
add_env_from (const pp_play_objects_t *objs, const pp_env_pod_t *pod, const pp_node_t *src, env_t *env,
              pp_error_t *err)
{
  const pp_node_t *ref;
  bool cm = (ref = pp_node_get (src, "configMapRef")) != NULL;
  if (!cm && (ref = pp_node_get (src, "secretRef")) == NULL)
    return 0;
  const char *oname = pp_node_str (pp_node_get (ref, "name")) ?: "";
  const char *prefix = pp_node_str (pp_node_get (src, "prefix")) ?: "";
  bool opt = is_true (pp_node_get (ref, "optional"));
  const pp_node_t *obj = cm ? find_object (objs->configmaps, objs->n_configmaps, oname)
                            : find_object (objs->secrets, objs->n_secrets, oname);
  if (obj == NULL)
    return opt ? 0
               : pp_error_make (err, 0, "%s:%u:%u: %s: envFrom: %s `%s` is not in the play (and optional is not true)",
                                pod->file, ref->line, ref->col, pod->where, cm ? "ConfigMap" : "Secret", oname);
  static const char *const maps[] = { "data", "stringData" };
  for (size_t m = 0; m < (cm ? 1 : 2); m++)
    {
      const pp_node_t *data = pp_node_get (obj, maps[m]);
      for (size_t i = 0; data && data->type == PP_NODE_MAP && i < data->n; i++)
        {
          const char *key = pp_node_str (data->u.pairs[i].key) ?: "";
          cleanup_free char *full = xasprintf ("%s%s", prefix, key);
          cleanup_free char *v = cm ? xstrdup (pp_node_str (data->u.pairs[i].value) ?: "") : secret_value (obj, key);
          env_set (env, full, v ? v : "");
        }
    }
  return 0;
}

/* A Service's or port's name as a variable name: upper case, '-' as '_'. */
static char *
link_name (const char *name)
{
  char *s = xstrdup (name);
  for (char *p = s; *p; p++)
    *p = *p == '-' ? '_' : (char)toupper ((unsigned char)*p);
  return s;
}

static void link_set (env_t *env, const char *value, const char *fmt, ...) PP_PRINTF (3, 4);

static void
link_set (env_t *env, const char *value, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  cleanup_free char *name = NULL;
  if (vasprintf (&name, fmt, ap) < 0)
    name = NULL;
  va_end (ap);
  if (name)
    env_set (env, name, value);
}

/* The kubelet's service links: for each Service of the pod's namespace with an address, NAME_SERVICE_HOST,
   NAME_SERVICE_PORT (its first port), NAME_SERVICE_PORT_PORTNAME, and Docker's NAME_PORT and
   NAME_PORT_<port>_<PROTO>[_PROTO|_PORT|_ADDR]. */
static void
add_service_links (env_t *env, const pp_env_pod_t *pod)
{
  if (pod->services == NULL || pp_node_bool (pp_node_get (pod->spec, "enableServiceLinks")) == 0)
    return;
  size_t i, k;
  json_t *s, *p;
  json_array_foreach (pod->services, i, s)
  {
    const char *ns = json_string_value (json_object_get (s, "namespace")) ?: "";
    const char *ip = json_string_value (json_object_get (s, "ip"));
    json_t *ports = json_object_get (s, "ports");
    if (strcmp (ns, pod->namespace_ ? pod->namespace_ : "default") != 0 || ip == NULL || json_array_size (ports) == 0)
      continue;
    cleanup_free char *name = link_name (json_string_value (json_object_get (s, "name")) ?: "");
    json_array_foreach (ports, k, p)
    {
      const char *pname = json_string_value (json_object_get (p, "name"));
      cleanup_free char *proto = link_name (json_string_value (json_object_get (p, "protocol")) ?: "TCP");
      cleanup_free char *lower = xstrdup (proto);
      for (char *c = lower; *c; c++)
        *c = (char)tolower ((unsigned char)*c);
      char port[16];
      snprintf (port, sizeof port, "%" JSON_INTEGER_FORMAT, json_integer_value (json_object_get (p, "port")));
      cleanup_free char *url = xasprintf ("%s://%s:%s", lower, ip, port);
      if (k == 0)
        {
          link_set (env, ip, "%s_SERVICE_HOST", name);
          link_set (env, port, "%s_SERVICE_PORT", name);
          link_set (env, url, "%s_PORT", name);
        }
      if (pname && *pname)
        {
          cleanup_free char *pn = link_name (pname);
          link_set (env, port, "%s_SERVICE_PORT_%s", name, pn);
        }
      link_set (env, url, "%s_PORT_%s_%s", name, port, proto);
      link_set (env, lower, "%s_PORT_%s_%s_PROTO", name, port, proto);
      link_set (env, port, "%s_PORT_%s_%s_PORT", name, port, proto);
      link_set (env, ip, "%s_PORT_%s_%s_ADDR", name, port, proto);
    }
  }
}

char **
pp_play_env (const pp_play_objects_t *objs, const pp_env_pod_t *pod, const pp_node_t *ctr, pp_error_t *err)
{
  env_t env = { 0 };
  add_service_links (&env, pod);
  const pp_node_t *from = pp_node_get (ctr, "envFrom");
  for (size_t i = 0; from && from->type == PP_NODE_SEQ && i < from->n; i++)
    if (add_env_from (objs, pod, from->u.items[i], &env, err) < 0)
      goto fail;
  const pp_node_t *list = pp_node_get (ctr, "env");
  for (size_t i = 0; list && list->type == PP_NODE_SEQ && i < list->n; i++)
    {
      const pp_node_t *e = list->u.items[i];
      cleanup_free char *v = entry_value (objs, pod, ctr, e, &env, err);
      if (v == NULL && *err)
        goto fail;
      if (v)
        env_set (&env, pp_node_str (pp_node_get (e, "name")) ?: "", v);
    }
  return env_steal (&env);
fail:
  env_free (&env);
  return NULL;
}
