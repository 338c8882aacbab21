/* Rules across fields that only the API server checks: unique names, references, selectors, policies per kind. */
#include "schema/checks.h"
#include "schema/vctx.h"

#include <string.h>

typedef enum
{
  POD_ANY,    /* a bare Pod: any restartPolicy */
  POD_ALWAYS, /* Deployment and DaemonSet pods: Always only */
  POD_JOB,    /* Job pods: OnFailure or Never, and required */
} pod_kind_t;

static const pp_node_t *
get (const pp_node_t *m, const char *key)
{
  return pp_node_get (m, key);
}

static const pp_node_t *
seq (const pp_node_t *n)
{
  return n && n->type == PP_NODE_SEQ ? n : NULL;
}

static const pp_node_t *
map (const pp_node_t *n)
{
  return n && n->type == PP_NODE_MAP ? n : NULL;
}

static bool
is_true (const pp_node_t *n)
{
  return n && n->type == PP_NODE_SCALAR && n->tag == PP_TAG_BOOL && strchr ("yYtToO", n->u.str[0])
         && strcmp (n->u.str, "off") != 0 && strcmp (n->u.str, "Off") != 0 && strcmp (n->u.str, "OFF") != 0;
}

static bool
is_false (const pp_node_t *n)
{
  return n && n->type == PP_NODE_SCALAR && n->tag == PP_TAG_BOOL && !is_true (n);
}

/* Pushes a dotted relative path such as "spec.template.spec". */
static size_t
push_path (pp_vctx_t *v, const char *rel)
{
  size_t len = v->path.len;
  /* By hand, as pp_v_push_key: this runs for every rule of every document. */
  if (*rel && len && rel[0] != '[')
    pp_buf_puts (&v->path, ".");
  pp_buf_puts (&v->path, rel);
  return len;
}

#define AT(v, rel, node, ...)                                                                                          \
  do                                                                                                                   \
    {                                                                                                                  \
      size_t _l = push_path ((v), (rel));                                                                              \
      pp_v_error ((v), (node), __VA_ARGS__);                                                                           \
      pp_v_pop ((v), _l);                                                                                              \
    }                                                                                                                  \
  while (0)

/* A warning at a relative path: a value of a supported field that kube play does not honour (the field's note in
   the schema table says so, for the support document). */
#define WARN_AT(v, rel, node, ...)                                                                                     \
  do                                                                                                                   \
    {                                                                                                                  \
      size_t _l = push_path ((v), (rel));                                                                              \
      pp_v_warning ((v), (node), __VA_ARGS__);                                                                         \
      pp_v_pop ((v), _l);                                                                                              \
    }                                                                                                                  \
  while (0)

/* Names seen in one scope, to report the second of two. */
typedef struct
{
  const pp_node_t **v;
  size_t n, cap;
} names_t;

static const pp_node_t *
names_add (names_t *s, const pp_node_t *n)
{
  const char *name = pp_node_str (n);
  if (name == NULL)
    return NULL;
  for (size_t i = 0; i < s->n; i++)
    if (strcmp (pp_node_str (s->v[i]), name) == 0)
      return s->v[i];
  if (s->n == s->cap)
    {
      s->cap = s->cap ? s->cap * 2 : 8;
      s->v = xrealloc (s->v, s->cap * sizeof (*s->v));
    }
  s->v[s->n++] = n;
  return NULL;
}

static bool
names_has (const names_t *s, const char *name)
{
  for (size_t i = 0; i < s->n; i++)
    if (strcmp (pp_node_str (s->v[i]), name) == 0)
      return true;
  return false;
}

/* How many of `keys` are set (not null) in a map; their names go to `which`. */
static size_t
count_set (const pp_node_t *m, const char *const *keys, pp_buf_t *which)
{
  size_t n = 0;
  for (; *keys; keys++)
    if (!pp_node_is_null (get (m, *keys)))
      {
        if (which)
          pp_buf_printf (which, "%s%s", n ? ", " : "", *keys);
        n++;
      }
  return n;
}

static void
one_handler (pp_vctx_t *v, const char *rel, const pp_node_t *h, const char *const *kinds, const char *list)
{
  if (map (h) == NULL)
    return;
  pp_buf_t which = { 0 };
  size_t n = count_set (h, kinds, &which);
  if (n == 0)
    AT (v, rel, h, "must specify a handler: one of %s", list);
  else if (n > 1)
    AT (v, rel, h, "must specify exactly one handler, got %zu: %s", n, which.data);
  pp_buf_free (&which);
}

static const char *const probe_handlers[] = { "exec", "httpGet", "tcpSocket", "grpc", NULL };
static const char *const hook_handlers[] = { "exec", "httpGet", "tcpSocket", "sleep", NULL };

static void
check_probes (pp_vctx_t *v, const pp_node_t *c, bool plain_init)
{
  static const char *const probes[] = { "livenessProbe", "readinessProbe", "startupProbe" };
  for (size_t i = 0; i < PP_N_ELEMENTS (probes); i++)
    {
      const pp_node_t *p = get (c, probes[i]);
      if (pp_node_is_null (p))
        continue;
      if (plain_init)
        {
          AT (v, probes[i], p, "init containers may not have probes (only sidecars with restartPolicy: Always)");
          continue;
        }
      one_handler (v, probes[i], p, probe_handlers, "exec, httpGet, tcpSocket or grpc");
      int64_t st;
      if (i != 1 && pp_v_int (get (p, "successThreshold"), &st) && st != 1)
        {
          size_t l = push_path (v, probes[i]);
          AT (v, "successThreshold", get (p, "successThreshold"), "must be 1 for %s, got %lld", probes[i],
              (long long) st);
          pp_v_pop (v, l);
        }
    }
  const pp_node_t *lc = map (get (c, "lifecycle"));
  if (lc && plain_init)
    AT (v, "lifecycle", lc, "init containers may not have lifecycle hooks (only sidecars with restartPolicy: Always)");
  else if (lc)
    {
      size_t l = push_path (v, "lifecycle");
      one_handler (v, "postStart", get (lc, "postStart"), hook_handlers, "exec, httpGet, tcpSocket or sleep");
      one_handler (v, "preStop", get (lc, "preStop"), hook_handlers, "exec, httpGet, tcpSocket or sleep");
      pp_v_pop (v, l);
    }
}

/* A negative request or limit is refused (ValidateResourceQuantityValue); the schema walk has already named the
   values that are no quantity at all. */
static void
check_nonneg_resources (pp_vctx_t *v, const char *rel, const pp_node_t *m)
{
  for (uint32_t i = 0; m && i < m->n; i++)
    {
      const pp_node_t *val = m->u.pairs[i].value;
      pp_quantity_t q;
      if (val->type != PP_NODE_SCALAR || val->tag == PP_TAG_NULL || pp_quantity_parse (val->u.str, &q) != NULL
          || q.value >= 0)
        continue;
      size_t l = push_path (v, rel);
      size_t l2 = pp_v_push_key (v, m->u.pairs[i].key->u.str);
      pp_v_error (v, val, "invalid value \"%s\": must be greater than or equal to 0", val->u.str);
      pp_v_pop (v, l2);
      pp_v_pop (v, l);
    }
}

static void
check_resources (pp_vctx_t *v, const pp_node_t *res)
{
  const pp_node_t *req = map (get (res, "requests")), *lim = map (get (res, "limits"));
  check_nonneg_resources (v, "resources.requests", req);
  check_nonneg_resources (v, "resources.limits", lim);
  /* cgroups enforce cpu and memory; ephemeral storage, huge pages and devices are not counted here. */
  for (uint32_t i = 0; lim && i < lim->n; i++)
    {
      const char *name = lim->u.pairs[i].key->u.str;
      const pp_node_t *val = lim->u.pairs[i].value;
      pp_quantity_t q;
      /* A bad name or value is an error already. */
      if (strcmp (name, "cpu") != 0 && strcmp (name, "memory") != 0 && pp_check_resource_name (name) == NULL
          && val->type == PP_NODE_SCALAR && pp_quantity_parse (val->u.str, &q) == NULL)
        {
          size_t l = push_path (v, "resources.limits");
          size_t l2 = pp_v_push_key (v, name);
          pp_v_warning (v, lim->u.pairs[i].key, "podplay enforces the cpu and memory limits only: this one is ignored");
          pp_v_pop (v, l2);
          pp_v_pop (v, l);
        }
    }
  if (req == NULL || lim == NULL)
    return;
  for (uint32_t i = 0; i < req->n; i++)
    {
      const char *name = req->u.pairs[i].key->u.str;
      const pp_node_t *rq = req->u.pairs[i].value, *lm = get (lim, name);
      pp_quantity_t a, b;
      if (rq->type != PP_NODE_SCALAR || lm == NULL || lm->type != PP_NODE_SCALAR || pp_quantity_parse (rq->u.str, &a)
          || pp_quantity_parse (lm->u.str, &b))
        continue;
      if (a.value > b.value)
        {
          size_t l = push_path (v, "resources.requests");
          size_t l2 = pp_v_push_key (v, name);
          pp_v_error (v, rq, "invalid value \"%s\": must be less than or equal to %s limit of %s", rq->u.str, name,
                      lm->u.str);
          pp_v_pop (v, l2);
          pp_v_pop (v, l);
        }
    }
}

static void
check_env (pp_vctx_t *v, const pp_node_t *c)
{
  static const char *const sources[]
      = { "fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef", NULL };
  const pp_node_t *env = seq (get (c, "env"));
  for (uint32_t i = 0; env && i < env->n; i++)
    {
      const pp_node_t *e = env->u.items[i], *from = map (get (e, "valueFrom"));
      if (from == NULL)
        continue;
      size_t l = push_path (v, "env");
      size_t l2 = pp_v_push_index (v, i);
      const char *value = pp_node_str (get (e, "value"));
      if (value && *value)
        AT (v, "valueFrom", from, "may not be specified when `value` is not empty");
      pp_buf_t which = { 0 };
      size_t n = count_set (from, sources, &which);
      if (n != 1)
        AT (v, "valueFrom", from,
            "must specify exactly one of fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef or fileKeyRef%s%s",
            n ? ", got " : "", n ? which.data : "");
      pp_buf_free (&which);
      pp_v_pop (v, l2);
      pp_v_pop (v, l);
    }
  static const char *const refs[] = { "configMapRef", "secretRef", NULL };
  const pp_node_t *ef = seq (get (c, "envFrom"));
  for (uint32_t i = 0; ef && i < ef->n; i++)
    if (map (ef->u.items[i]) && count_set (ef->u.items[i], refs, NULL) != 1)
      {
        size_t l = push_path (v, "envFrom");
        size_t l2 = pp_v_push_index (v, i);
        pp_v_error (v, ef->u.items[i], "must specify exactly one of configMapRef or secretRef");
        pp_v_pop (v, l2);
        pp_v_pop (v, l);
      }
}

static void
check_security (pp_vctx_t *v, const pp_node_t *sc)
{
  if (map (sc) == NULL)
    return;
  int64_t uid;
  if (is_true (get (sc, "runAsNonRoot")) && pp_v_int (get (sc, "runAsUser"), &uid) && uid == 0)
    AT (v, "runAsUser", get (sc, "runAsUser"), "is 0 (root) but runAsNonRoot is true");
  if (is_true (get (sc, "privileged")) && is_false (get (sc, "allowPrivilegeEscalation")))
    AT (v, "allowPrivilegeEscalation", get (sc, "allowPrivilegeEscalation"),
        "cannot be false when privileged is true");
  const pp_node_t *sp = map (get (sc, "seccompProfile"));
  const char *type = pp_node_str (get (sp, "type"));
  const char *profile = pp_node_str (get (sp, "localhostProfile"));
  if (type && strcmp (type, "Localhost") == 0 && (profile == NULL || *profile == '\0'))
    AT (v, "seccompProfile.localhostProfile", sp, "required field is missing when type is Localhost");
  else if (type && strcmp (type, "Localhost") != 0 && profile)
    AT (v, "seccompProfile.localhostProfile", get (sp, "localhostProfile"),
        "may only be set when type is Localhost");
  /* A path below the profiles' folder, as the API server requires (validateLocalhostProfile): play reads it
     beneath the manifest's folder, never an absolute path or one that climbs out. */
  else if (profile && pp_check_path (profile, true))
    AT (v, "seccompProfile.localhostProfile", get (sp, "localhostProfile"), "invalid value \"%s\": %s", profile,
        pp_check_path (profile, true));
}

static void
check_sysctls (pp_vctx_t *v, const pp_node_t *spec)
{
  const pp_node_t *list = seq (get (map (get (spec, "securityContext")), "sysctls"));
  names_t seen = { 0 };
  for (uint32_t i = 0; list && i < list->n; i++)
    {
      const pp_node_t *name = get (list->u.items[i], "name"), *first;
      const char *s = pp_node_str (name);
      if (s == NULL)
        continue;
      size_t l = push_path (v, "securityContext.sysctls");
      size_t l2 = pp_v_push_index (v, i);
      cleanup_free char *dotted = pp_sysctl_normalize (s);
      const char *ns = pp_sysctl_namespace (dotted);
      bool ok = strlen (s) <= 253;
      for (const char *c = s; ok && *c; c++)
        ok = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || strchr ("-_./", *c);
      if (!ok || strchr ("-_./", s[0]) || strchr ("-_./", s[strlen (s) - 1]))
        AT (v, "name", name,
            "invalid value \"%s\": a sysctl name is lowercase letters, digits, '-' and '_' in parts "
            "separated by '.' or '/'",
            s);
      else if ((first = names_add (&seen, name)) != NULL)
        AT (v, "name", name, "duplicate sysctl \"%s\" (first at line %u)", s, first->line);
      else if (ns == NULL)
        AT (v, "name", name,
            "forbidden sysctl \"%s\": not namespaced, it would change the whole machine (a pod may "
            "set kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* and net.*)",
            s);
      else if (strcmp (ns, "net") == 0 && is_true (get (spec, "hostNetwork")))
        AT (v, "name", name, "sysctl \"%s\" may not be specified when hostNetwork is true", s);
      else if (strcmp (ns, "ipc") == 0 && is_true (get (spec, "hostIPC")))
        AT (v, "name", name, "sysctl \"%s\" may not be specified when hostIPC is true", s);
      pp_v_pop (v, l2);
      pp_v_pop (v, l);
    }
  free (seen.v);
}

typedef struct
{
  names_t containers;
  names_t volumes;
  names_t host_ports; /* "port/protocol/ip" strings kept as nodes of ports */
  bool host_network;
  bool user_ns;          /* hostUsers: false */
  const pp_node_t *spec; /* the pod spec */
} pod_scope_t;

/* The release the manifest is checked for (kube validate --kube-version): rules that changed go by it. */
static int
kube_minor (const pp_vctx_t *v)
{
  return v->opts && v->opts->kube_minor ? v->opts->kube_minor : PP_KUBE_NEWEST;
}

/* A container's restartPolicy and restartPolicyRules (Kubernetes 1.34): any container may set its own policy,
   which the rules refine by exit code; a sidecar's rules may only restart the whole pod. */
static void
check_restart_rules (pp_vctx_t *v, const pp_node_t *c, bool init)
{
  const pp_node_t *rp = get (c, "restartPolicy"), *rules = seq (get (c, "restartPolicyRules"));
  const char *policy = pp_node_str (rp);
  bool sidecar = init && policy && strcmp (policy, "Always") == 0;
  if (kube_minor (v) < 34)
    {
      if (!init && !pp_node_is_null (rp))
        AT (v, "restartPolicy", rp,
            "may only be set on init containers (restartPolicy: Always makes a sidecar); other containers have it "
            "since Kubernetes 1.34");
      else if (policy && !sidecar)
        AT (v, "restartPolicy", rp,
            "unsupported value \"%s\": supported values: \"Always\" (OnFailure and Never arrived in Kubernetes 1.34)",
            policy);
    }
  /* Before 1.34 the field itself is refused as unknown: nothing more to say of its rules. */
  if (rules == NULL || rules->n == 0 || kube_minor (v) < 34)
    return;
  if (pp_node_is_null (rp))
    AT (v, "restartPolicy", c, "required field is missing: must specify restartPolicy when restart rules are used");
  if (rules->n > 20)
    AT (v, "restartPolicyRules", rules, "may not have more than 20 rules, got %u", rules->n);
  for (uint32_t i = 0; i < rules->n; i++)
    {
      const pp_node_t *r = map (rules->u.items[i]);
      if (r == NULL)
        continue;
      size_t l = push_path (v, "restartPolicyRules");
      size_t l2 = pp_v_push_index (v, i);
      const char *action = pp_node_str (get (r, "action"));
      const pp_node_t *codes = map (get (r, "exitCodes")), *values = seq (get (codes, "values"));
      if (codes == NULL)
        AT (v, "exitCodes", r, "required field is missing");
      else if (values && values->n > 255)
        AT (v, "exitCodes.values", values, "may not have more than 255 values, got %u", values->n);
      if (action && strcmp (action, "RestartAllContainers") == 0 && kube_minor (v) < 35)
        AT (v, "action", get (r, "action"), "unsupported value \"RestartAllContainers\": it arrived in Kubernetes 1.35");
      else if (sidecar && action && strcmp (action, "Restart") == 0)
        AT (v, "action", get (r, "action"),
            "restartPolicyRules of an init container with restartPolicy Always may only restart all containers "
            "(RestartAllContainers): the sidecar restarts whenever it ends");
      pp_v_pop (v, l2);
      pp_v_pop (v, l);
    }
}

/* A $(VAR) of a fileKeyRef variable in a later env value, the command or the args: podplay expands them when it
   makes the pod, before the file is read (the kubelet does at the start), so it says what the container gets. */
static void
check_file_ref_expansion (pp_vctx_t *v, const pp_node_t *c)
{
  const pp_node_t *env = seq (get (c, "env"));
  for (uint32_t i = 0; env && i < env->n; i++)
    {
      const char *name = pp_node_str (get (env->u.items[i], "name"));
      if (name == NULL || map (get (map (get (env->u.items[i], "valueFrom")), "fileKeyRef")) == NULL)
        continue;
      cleanup_free char *ref = xasprintf ("$(%s)", name);
      static const char *const lists[] = { "env", "command", "args" };
      for (size_t li = 0; li < PP_N_ELEMENTS (lists); li++)
        {
          const pp_node_t *list = seq (get (c, lists[li]));
          /* An env value expands only the variables before it. */
          for (uint32_t k = li == 0 ? i + 1 : 0; list && k < list->n; k++)
            {
              const pp_node_t *s = li == 0 ? get (list->u.items[k], "value") : list->u.items[k];
              const char *at = pp_node_str (s) ? strstr (pp_node_str (s), ref) : NULL;
              /* $$(A) is the text $(A), not a reference. */
              while (at && at > pp_node_str (s) && at[-1] == '$')
                at = strstr (at + 1, ref);
              if (at == NULL)
                continue;
              size_t l = push_path (v, lists[li]);
              size_t l2 = pp_v_push_index (v, k);
              WARN_AT (v, li == 0 ? "value" : "", s,
                       "%s names a fileKeyRef variable: podplay expands it when it makes the pod, before the file is "
                       "read, to \"\" (the kubelet, at the container's start, to the file's value)",
                       ref);
              pp_v_pop (v, l2);
              pp_v_pop (v, l);
            }
        }
    }
}

/* lifecycle.stopSignal (Kubernetes 1.33): the signal must be one of the pod's OS, which the pod must name. */
static void
check_stop_signal (pp_vctx_t *v, const pp_node_t *lc, const pod_scope_t *s)
{
  const pp_node_t *sig = get (lc, "stopSignal");
  /* Before 1.33 the field is unknown, said once. */
  if (pp_node_is_null (sig) || kube_minor (v) < 33)
    return;
  const char *os = pp_node_str (get (map (get (s->spec, "os")), "name"));
  const char *name = pp_node_str (sig) ?: "";
  if (os == NULL || *os == '\0')
    AT (v, "stopSignal", sig, "may not be set for containers with empty `spec.os.name`");
  else if (strcmp (os, "windows") == 0 && strcmp (name, "SIGKILL") != 0 && strcmp (name, "SIGTERM") != 0)
    AT (v, "stopSignal", sig, "unsupported value \"%s\": supported values for a windows pod: \"SIGKILL\", \"SIGTERM\"",
        name);
}

/* env[].valueFrom.fileKeyRef (Kubernetes 1.34) reads a file of an emptyDir volume of the pod. */
static void
check_file_key_ref (pp_vctx_t *v, const pp_node_t *ref, const pod_scope_t *s)
{
  const char *vol = pp_node_str (get (ref, "volumeName"));
  if (vol == NULL || *vol == '\0' || kube_minor (v) < 34)
    return;
  const pp_node_t *vols = seq (get (s->spec, "volumes")), *found = NULL;
  for (uint32_t i = 0; vols && i < vols->n && found == NULL; i++)
    if (pp_node_str (get (vols->u.items[i], "name")) && strcmp (pp_node_str (get (vols->u.items[i], "name")), vol) == 0)
      found = vols->u.items[i];
  if (found == NULL)
    AT (v, "fileKeyRef.volumeName", get (ref, "volumeName"), "not found: the pod has no volume \"%s\"", vol);
  else if (pp_node_is_null (get (found, "emptyDir")))
    AT (v, "fileKeyRef.volumeName", get (ref, "volumeName"),
        "invalid value \"%s\": referenced volume must be of type emptyDir", vol);
  /* The API server checks only for `..` here (an absolute path is read beneath the volume all the same). */
  const char *path = pp_node_str (get (ref, "path"));
  if (path && pp_check_path (path, false))
    AT (v, "fileKeyRef.path", get (ref, "path"), "invalid value \"%s\": %s", path, pp_check_path (path, false));
}

static void
check_ports (pp_vctx_t *v, const pp_node_t *c, pod_scope_t *s, names_t *host_ports)
{
  const pp_node_t *ports = seq (get (c, "ports"));
  names_t names = { 0 };
  for (uint32_t i = 0; ports && i < ports->n; i++)
    {
      const pp_node_t *p = ports->u.items[i];
      size_t l = push_path (v, "ports");
      size_t l2 = pp_v_push_index (v, i);
      const pp_node_t *name = get (p, "name"), *first;
      if ((first = names_add (&names, name)) != NULL)
        AT (v, "name", name, "duplicate port name \"%s\" (first at line %u)", pp_node_str (name), first->line);
      int64_t hp = 0, cp = 0;
      bool has_cp = pp_v_int (get (p, "containerPort"), &cp);
      if (pp_v_int (get (p, "hostPort"), &hp) && hp > 0)
        {
          if (s->host_network && has_cp && hp != cp)
            AT (v, "hostPort", get (p, "hostPort"), "must equal containerPort (%lld) when hostNetwork is true",
                (long long) cp);
          const char *proto = pp_node_str (get (p, "protocol"));
          const char *ip = pp_node_str (get (p, "hostIP"));
          for (size_t j = 0; j < host_ports->n; j++)
            {
              const pp_node_t *q = host_ports->v[j];
              int64_t qhp = 0;
              const char *qproto = pp_node_str (get (q, "protocol")), *qip = pp_node_str (get (q, "hostIP"));
              pp_v_int (get (q, "hostPort"), &qhp);
              if (qhp == hp && strcmp (qproto ? qproto : "TCP", proto ? proto : "TCP") == 0
                  && strcmp (qip ? qip : "", ip ? ip : "") == 0)
                {
                  AT (v, "hostPort", get (p, "hostPort"), "hostPort %lld/%s is already used (line %u)",
                      (long long) hp, proto ? proto : "TCP", q->line);
                  break;
                }
            }
          if (host_ports->n == host_ports->cap)
            {
              host_ports->cap = host_ports->cap ? host_ports->cap * 2 : 8;
              host_ports->v = xrealloc (host_ports->v, host_ports->cap * sizeof (*host_ports->v));
            }
          host_ports->v[host_ports->n++] = p;
        }
      pp_v_pop (v, l2);
      pp_v_pop (v, l);
    }
  free (names.v);
}

static void
check_mounts (pp_vctx_t *v, const pp_node_t *c, const pod_scope_t *s, const char *spec_path)
{
  const pp_node_t *mounts = seq (get (c, "volumeMounts"));
  names_t paths = { 0 };
  for (uint32_t i = 0; mounts && i < mounts->n; i++)
    {
      const pp_node_t *m = mounts->u.items[i];
      size_t l = push_path (v, "volumeMounts");
      size_t l2 = pp_v_push_index (v, i);
      const char *name = pp_node_str (get (m, "name"));
      if (name && !names_has (&s->volumes, name))
        AT (v, "name", get (m, "name"), "no volume named \"%s\" in %s.volumes", name, spec_path);
      const pp_node_t *first, *mp = get (m, "mountPath");
      if ((first = names_add (&paths, mp)) != NULL)
        AT (v, "mountPath", mp, "duplicate mountPath \"%s\" (first at line %u)", pp_node_str (mp), first->line);
      const char *sp = pp_node_str (get (m, "subPath")), *spe = pp_node_str (get (m, "subPathExpr"));
      if (sp && *sp && spe && *spe)
        AT (v, "subPathExpr", get (m, "subPathExpr"), "subPath and subPathExpr are mutually exclusive");
      pp_v_pop (v, l2);
      pp_v_pop (v, l);
    }
  free (paths.v);
}

static void
check_container (pp_vctx_t *v, const pp_node_t *c, bool init, pod_scope_t *s, const char *spec_path)
{
  if (map (c) == NULL)
    return;
  const pp_node_t *name = get (c, "name"), *first;
  if ((first = names_add (&s->containers, name)) != NULL)
    AT (v, "name", name, "duplicate container name \"%s\" (first at line %u)", pp_node_str (name), first->line);
  const pp_node_t *image = get (c, "image");
  if (pp_node_is_null (image))
    AT (v, "image", c, "required field is missing");
  const pp_node_t *rp = get (c, "restartPolicy");
  bool sidecar = init && pp_node_str (rp) && strcmp (pp_node_str (rp), "Always") == 0;
  check_restart_rules (v, c, init);
  check_probes (v, c, init && !sidecar);
  if (map (get (c, "lifecycle")) && !(init && !sidecar))
    {
      size_t l = push_path (v, "lifecycle");
      check_stop_signal (v, get (c, "lifecycle"), s);
      pp_v_pop (v, l);
    }
  check_file_ref_expansion (v, c);
  const pp_node_t *env = seq (get (c, "env"));
  for (uint32_t i = 0; env && i < env->n; i++)
    {
      const pp_node_t *ref = map (get (map (get (env->u.items[i], "valueFrom")), "fileKeyRef"));
      if (ref == NULL)
        continue;
      size_t l = push_path (v, "env");
      size_t l2 = pp_v_push_index (v, i);
      size_t l3 = push_path (v, "valueFrom");
      check_file_key_ref (v, ref, s);
      pp_v_pop (v, l3);
      pp_v_pop (v, l2);
      pp_v_pop (v, l);
    }
  check_resources (v, get (c, "resources"));
  check_env (v, c);
  size_t l = push_path (v, "securityContext");
  check_security (v, get (c, "securityContext"));
  const pp_node_t *pm = get (map (get (c, "securityContext")), "procMount");
  if (pp_node_str (pm) && strcmp (pp_node_str (pm), "Unmasked") == 0 && !s->user_ns)
    AT (v, "procMount", pm,
        "`hostUsers` must be false to use `Unmasked`: an unmasked /proc is safe only in a user "
        "namespace of the pod's own");
  pp_v_pop (v, l);
  /* Init containers run one after another, so the API server checks each one's host ports alone; only the app
     containers, running side by side, share one set. */
  names_t own = { 0 };
  check_ports (v, c, s, init ? &own : &s->host_ports);
  free (own.v);
  check_mounts (v, c, s, spec_path);
}

static const char *const volume_sources[] = {
  "awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "configMap", "csi", "downwardAPI",
  "emptyDir", "ephemeral", "fc", "flexVolume", "flocker", "gcePersistentDisk", "gitRepo", "glusterfs", "hostPath",
  "image", "iscsi", "nfs", "persistentVolumeClaim", "photonPersistentDisk", "portworxVolume", "projected",
  "quobyte", "rbd", "scaleIO", "secret", "storageos", "vsphereVolume", NULL,
};

static void
check_volumes (pp_vctx_t *v, const pp_node_t *spec, pod_scope_t *s)
{
  const pp_node_t *vols = seq (get (spec, "volumes"));
  for (uint32_t i = 0; vols && i < vols->n; i++)
    {
      const pp_node_t *vol = vols->u.items[i];
      if (map (vol) == NULL)
        continue;
      size_t l = push_path (v, "volumes");
      size_t l2 = pp_v_push_index (v, i);
      const pp_node_t *name = get (vol, "name"), *first;
      if ((first = names_add (&s->volumes, name)) != NULL)
        AT (v, "name", name, "duplicate volume name \"%s\" (first at line %u)", pp_node_str (name), first->line);
      pp_buf_t which = { 0 };
      size_t n = count_set (vol, volume_sources, &which);
      if (n > 1)
        pp_v_error (v, vol, "must specify exactly one volume source, got %zu: %s", n, which.data);
      pp_buf_free (&which);
      const pp_node_t *cm = map (get (vol, "configMap")), *sec = map (get (vol, "secret"));
      if (cm && pp_node_is_null (get (cm, "name")))
        AT (v, "configMap.name", cm, "required field is missing");
      if (sec && pp_node_is_null (get (sec, "secretName")))
        AT (v, "secret.secretName", sec, "required field is missing");
      const pp_node_t *ed = map (get (vol, "emptyDir"));
      const char *medium = pp_node_str (get (ed, "medium")) ?: "";
      if (strncmp (medium, "HugePages", 9) == 0)
        WARN_AT (v, "emptyDir.medium", get (ed, "medium"),
                 "podplay mounts no hugetlbfs yet: the volume is an emptyDir on disk");
      else if (ed && strcmp (medium, "Memory") != 0 && !pp_node_is_null (get (ed, "sizeLimit")))
        WARN_AT (v, "emptyDir.sizeLimit", get (ed, "sizeLimit"),
                 "not enforced on disk (the kubelet would evict the pod past it): only a Memory emptyDir has a size");
      pp_v_pop (v, l2);
      pp_v_pop (v, l);
    }
}

/* The sum of a resource over the containers' requests (or limits), init containers as the kubelet counts them:
   the largest plain init container against the sum of the others (sidecars run beside them); false when none
   asks for it. */
static bool
containers_total (const pp_node_t *spec, const char *which, const char *name, double *total)
{
  double sum = 0, init_max = 0, sidecars = 0;
  bool any = false;
  static const char *const lists[] = { "initContainers", "containers" };
  for (size_t li = 0; li < 2; li++)
    {
      const pp_node_t *list = seq (get (spec, lists[li]));
      for (uint32_t i = 0; list && i < list->n; i++)
        {
          const pp_node_t *c = list->u.items[i];
          const pp_node_t *q = get (map (get (map (get (c, "resources")), which)), name);
          pp_quantity_t x;
          if (q == NULL || q->type != PP_NODE_SCALAR || pp_quantity_parse (q->u.str, &x) != NULL)
            continue;
          any = true;
          const char *rp = pp_node_str (get (c, "restartPolicy"));
          if (li == 1)
            sum += (double) x.value;
          else if (rp && strcmp (rp, "Always") == 0)
            sidecars += (double) x.value;
          else if (sidecars + (double) x.value > init_max)
            init_max = sidecars + (double) x.value;
        }
    }
  *total = (sum + sidecars > init_max ? sum + sidecars : init_max);
  return any;
}

/* Pod-level resources (spec.resources): cpu, memory and huge pages, requests at most the limits, the containers'
   requests within the pod's and each container's limit within the pod's (validatePodResources). */
static void
check_pod_resources (pp_vctx_t *v, const pp_node_t *spec)
{
  const pp_node_t *res = map (get (spec, "resources"));
  if (res == NULL)
    return;
  size_t l = push_path (v, "resources");
  if (!pp_node_is_null (get (res, "claims")))
    AT (v, "claims", get (res, "claims"), "claims may not be set for Resources at pod-level");
  static const char *const sets[] = { "requests", "limits" };
  for (size_t k = 0; k < 2; k++)
    {
      const pp_node_t *m = map (get (res, sets[k]));
      for (uint32_t i = 0; m && i < m->n; i++)
        {
          const char *name = m->u.pairs[i].key->u.str;
          if (strcmp (name, "cpu") != 0 && strcmp (name, "memory") != 0 && strncmp (name, "hugepages-", 10) != 0)
            {
              size_t l2 = push_path (v, sets[k]);
              AT (v, name, m->u.pairs[i].key, "unsupported value \"%s\": supported values: \"cpu\", \"hugepages-\", \"memory\"",
                  name);
              pp_v_pop (v, l2);
            }
        }
    }
  pp_v_pop (v, l);
  check_resources (v, res);
  const pp_node_t *req = map (get (res, "requests")), *lim = map (get (res, "limits"));
  static const char *const names[] = { "cpu", "memory" };
  for (size_t k = 0; k < 2; k++)
    {
      pp_quantity_t q;
      double total;
      const pp_node_t *r = get (req, names[k]), *li = get (lim, names[k]);
      if (r && r->type == PP_NODE_SCALAR && pp_quantity_parse (r->u.str, &q) == NULL
          && containers_total (spec, "requests", names[k], &total) && total > (double) q.value)
        {
          size_t l2 = push_path (v, "resources.requests");
          AT (v, names[k], r, "invalid value \"%s\": must be greater than or equal to aggregate container requests",
              r->u.str);
          pp_v_pop (v, l2);
        }
      if (li == NULL || li->type != PP_NODE_SCALAR || pp_quantity_parse (li->u.str, &q) != NULL)
        continue;
      static const char *const lists[] = { "initContainers", "containers" };
      for (size_t ci = 0; ci < 2; ci++)
        {
          const pp_node_t *list = seq (get (spec, lists[ci]));
          for (uint32_t i = 0; list && i < list->n; i++)
            {
              const pp_node_t *cl = get (map (get (map (get (list->u.items[i], "resources")), "limits")), names[k]);
              pp_quantity_t x;
              if (cl == NULL || cl->type != PP_NODE_SCALAR || pp_quantity_parse (cl->u.str, &x) != NULL
                  || x.value <= q.value)
                continue;
              size_t l2 = push_path (v, lists[ci]);
              size_t l3 = pp_v_push_index (v, i);
              size_t l4 = push_path (v, "resources.limits");
              AT (v, names[k], cl, "invalid value \"%s\": must be less than or equal to pod limits of %s", cl->u.str,
                  li->u.str);
              pp_v_pop (v, l4);
              pp_v_pop (v, l3);
              pp_v_pop (v, l2);
            }
        }
    }
}

static void
check_pod_spec (pp_vctx_t *v, const char *rel, const pp_node_t *spec, pod_kind_t pk)
{
  if (map (spec) == NULL)
    return;
  size_t base = push_path (v, rel);
  cleanup_free char *spec_path = xstrdup (v->path.data);
  pod_scope_t s = { .host_network = is_true (get (spec, "hostNetwork")),
                    .user_ns = is_false (get (spec, "hostUsers")),
                    .spec = spec };
  check_volumes (v, spec, &s);
  check_sysctls (v, spec);

  const pp_node_t *cs = seq (get (spec, "containers"));
  if (cs && cs->n == 0 && !(v->opts && v->opts->empty_pods))
    AT (v, "containers", cs, "must have at least one container");
  static const char *const lists[] = { "initContainers", "containers" };
  for (size_t li = 0; li < 2; li++)
    {
      const pp_node_t *list = seq (get (spec, lists[li]));
      for (uint32_t i = 0; list && i < list->n; i++)
        {
          size_t l = push_path (v, lists[li]);
          size_t l2 = pp_v_push_index (v, i);
          check_container (v, list->u.items[i], li == 0, &s, spec_path);
          pp_v_pop (v, l2);
          pp_v_pop (v, l);
        }
    }

  const pp_node_t *rp = get (spec, "restartPolicy");
  const char *policy = pp_node_str (rp);
  const char *kind = v->kind->kind;
  if (pk == POD_ALWAYS && policy && strcmp (policy, "Always") != 0)
    AT (v, "restartPolicy", rp, "unsupported value \"%s\": a %s's pods must have restartPolicy Always", policy, kind);
  if (pk == POD_JOB && pp_node_is_null (rp))
    AT (v, "restartPolicy", spec, "required field is missing: a Job's pods need restartPolicy OnFailure or Never");
  else if (pk == POD_JOB && policy && strcmp (policy, "Always") == 0)
    AT (v, "restartPolicy", rp, "unsupported value \"Always\": a Job's pods need restartPolicy OnFailure or Never");

  const char *dns = pp_node_str (get (spec, "dnsPolicy"));
  const pp_node_t *ns = seq (get (map (get (spec, "dnsConfig")), "nameservers"));
  if (dns && strcmp (dns, "None") == 0 && (ns == NULL || ns->n == 0))
    AT (v, "dnsConfig.nameservers", spec, "must provide at least one DNS nameserver when dnsPolicy is None");
  if (is_false (get (spec, "hostUsers")))
    {
      static const char *const host[] = { "hostNetwork", "hostPID", "hostIPC" };
      for (size_t i = 0; i < PP_N_ELEMENTS (host); i++)
        if (is_true (get (spec, host[i])))
          AT (v, host[i], get (spec, host[i]), "may not be true when hostUsers is false");
    }
  const pp_node_t *ho = get (spec, "hostnameOverride");
  if (pp_node_str (ho))
    {
      if (is_true (get (spec, "setHostnameAsFQDN")))
        AT (v, "hostnameOverride", ho, "may not be specified when setHostnameAsFQDN is true");
      if (is_true (get (spec, "hostNetwork")))
        AT (v, "hostnameOverride", ho, "may not be specified when hostNetwork is true");
      if (strlen (pp_node_str (ho)) > 64)
        AT (v, "hostnameOverride", ho, "may not be more than 64 bytes, got %zu", strlen (pp_node_str (ho)));
    }
  check_pod_resources (v, spec);
  if (is_true (get (spec, "shareProcessNamespace")) && is_true (get (spec, "hostPID")))
    AT (v, "shareProcessNamespace", get (spec, "shareProcessNamespace"), "may not be true when hostPID is true");
  size_t l = push_path (v, "securityContext");
  check_security (v, get (spec, "securityContext"));
  pp_v_pop (v, l);

  free (s.containers.v);
  free (s.volumes.v);
  free (s.host_ports.v);
  pp_v_pop (v, base);
}

/* Whether a label selector selects a set of labels: matchLabels and matchExpressions. */
static bool
selector_matches (const pp_node_t *sel, const pp_node_t *labels)
{
  const pp_node_t *ml = map (get (sel, "matchLabels"));
  for (uint32_t i = 0; ml && i < ml->n; i++)
    {
      const char *want = pp_node_str (ml->u.pairs[i].value);
      const char *have = pp_node_str (get (labels, ml->u.pairs[i].key->u.str));
      if (want == NULL || have == NULL || strcmp (want, have) != 0)
        return false;
    }
  const pp_node_t *me = seq (get (sel, "matchExpressions"));
  for (uint32_t i = 0; me && i < me->n; i++)
    {
      const pp_node_t *e = me->u.items[i];
      const char *key = pp_node_str (get (e, "key")), *op = pp_node_str (get (e, "operator"));
      if (key == NULL || op == NULL)
        continue;
      const char *have = pp_node_str (get (labels, key));
      const pp_node_t *vals = seq (get (e, "values"));
      bool in = false;
      for (uint32_t j = 0; have && vals && j < vals->n; j++)
        in = in || (pp_node_str (vals->u.items[j]) && strcmp (pp_node_str (vals->u.items[j]), have) == 0);
      if ((strcmp (op, "In") == 0 && !in) || (strcmp (op, "NotIn") == 0 && in)
          || (strcmp (op, "Exists") == 0 && !have) || (strcmp (op, "DoesNotExist") == 0 && have))
        return false;
    }
  return true;
}

static void
check_workload (pp_vctx_t *v, const pp_node_t *obj, pod_kind_t pk)
{
  const pp_node_t *spec = map (get (obj, "spec"));
  if (spec == NULL)
    {
      if (pp_node_is_null (get (obj, "spec")))
        AT (v, "spec", obj, "required field is missing");
      return;
    }
  const pp_node_t *tmpl = map (get (spec, "template"));
  const pp_node_t *labels = map (get (map (get (tmpl, "metadata")), "labels"));
  const pp_node_t *sel = map (get (spec, "selector"));
  if (sel && pk != POD_JOB)
    {
      /* `matchLabels: {}` selects everything just as a missing one does: the API server calls both empty. */
      const pp_node_t *ml = map (get (sel, "matchLabels")), *me = seq (get (sel, "matchExpressions"));
      if ((ml == NULL || ml->n == 0) && (me == NULL || me->n == 0))
        AT (v, "spec.selector", sel, "empty selector is invalid for a %s", v->kind->kind);
      else if (tmpl && !selector_matches (sel, labels))
        AT (v, "spec.template.metadata.labels", labels ? labels : tmpl,
            "`selector` does not match template `labels`: every pod needs the labels spec.selector asks for");
    }
  if (tmpl)
    check_pod_spec (v, "spec.template.spec", get (tmpl, "spec"), pk);
  if (tmpl && pp_node_is_null (get (tmpl, "spec")))
    AT (v, "spec.template.spec", tmpl, "required field is missing");
}

static void
check_service (pp_vctx_t *v, const pp_node_t *obj)
{
  const pp_node_t *spec = map (get (obj, "spec"));
  if (spec == NULL)
    return;
  const char *type = pp_node_str (get (spec, "type"));
  const char *cip = pp_node_str (get (spec, "clusterIP"));
  const pp_node_t *ports = seq (get (spec, "ports"));
  bool external = type && strcmp (type, "ExternalName") == 0;
  bool headless = cip && strcmp (cip, "None") == 0;
  if (external && pp_node_is_null (get (spec, "externalName")))
    AT (v, "spec.externalName", spec, "required field is missing for type ExternalName");
  if (!external && !headless && (ports == NULL || ports->n == 0))
    AT (v, "spec.ports", ports ? ports : spec, "required field is missing: a Service needs at least one port");
  names_t names = { 0 };
  for (uint32_t i = 0; ports && i < ports->n; i++)
    {
      const pp_node_t *p = ports->u.items[i], *name = get (p, "name"), *first;
      size_t l = push_path (v, "spec.ports");
      size_t l2 = pp_v_push_index (v, i);
      if (ports->n > 1 && pp_node_is_null (name))
        AT (v, "name", p, "required field is missing: every port needs a name when a Service has several");
      if ((first = names_add (&names, name)) != NULL)
        AT (v, "name", name, "duplicate port name \"%s\" (first at line %u)", pp_node_str (name), first->line);
      pp_v_pop (v, l2);
      pp_v_pop (v, l);
    }
  free (names.v);
}

/* The bytes of a map's values as the API server counts them for its 1 MiB limit (ValidateConfigMap,
   ValidateSecret): keys do not count, and base64 text counts as the bytes it decodes to. */
static size_t
map_bytes (const pp_node_t *m, bool base64)
{
  size_t n = 0;
  for (uint32_t i = 0; m && i < m->n; i++)
    {
      const pp_node_t *val = m->u.pairs[i].value;
      if (val->type != PP_NODE_SCALAR || val->tag == PP_TAG_NULL)
        continue;
      if (!base64)
        {
          n += val->len;
          continue;
        }
      /* Padding and the line breaks the decoder skips carry no data; 4 characters make 3 bytes. */
      size_t chars = 0;
      for (size_t j = 0; j < val->len; j++)
        chars += val->u.str[j] != '=' && val->u.str[j] != '\n' && val->u.str[j] != '\r';
      n += chars * 3 / 4;
    }
  return n;
}

static void
check_config (pp_vctx_t *v, const pp_node_t *obj, bool secret)
{
  const char *a = "data", *b = secret ? "stringData" : "binaryData";
  const pp_node_t *da = map (get (obj, a)), *db = map (get (obj, b));
  if (!secret)
    for (uint32_t i = 0; da && db && i < db->n; i++)
      if (get (da, db->u.pairs[i].key->u.str))
        {
          size_t l = push_path (v, b);
          size_t l2 = pp_v_push_key (v, db->u.pairs[i].key->u.str);
          pp_v_error (v, db->u.pairs[i].key, "duplicate key \"%s\": it is in data too", db->u.pairs[i].key->u.str);
          pp_v_pop (v, l2);
          pp_v_pop (v, l);
        }
  /* A Secret's data is base64 and its stringData plain; a ConfigMap's data is plain and its binaryData base64. */
  size_t total = map_bytes (da, secret) + map_bytes (db, !secret);
  if (total > 1024 * 1024)
    pp_v_error (v, obj, "a %s may hold at most 1048576 bytes of data, this one holds %zu", secret ? "Secret" : "ConfigMap",
                total);
  if (!secret)
    return;
  const char *type = pp_node_str (get (obj, "type"));
  static const struct
  {
    const char *type, *keys[3];
  } needs[] = {
    { "kubernetes.io/tls", { "tls.crt", "tls.key", NULL } },
    { "kubernetes.io/dockerconfigjson", { ".dockerconfigjson", NULL, NULL } },
    { "kubernetes.io/dockercfg", { ".dockercfg", NULL, NULL } },
    { "kubernetes.io/ssh-auth", { "ssh-privatekey", NULL, NULL } },
  };
  for (size_t i = 0; type && i < PP_N_ELEMENTS (needs); i++)
    if (strcmp (type, needs[i].type) == 0)
      for (size_t k = 0; needs[i].keys[k]; k++)
        if (get (da, needs[i].keys[k]) == NULL && get (db, needs[i].keys[k]) == NULL)
          {
            size_t l = push_path (v, "data");
            size_t l2 = pp_v_push_key (v, needs[i].keys[k]);
            pp_v_error (v, da ? da : obj, "required field is missing for a Secret of type %s", type);
            pp_v_pop (v, l2);
            pp_v_pop (v, l);
          }
}

static void
check_pvc (pp_vctx_t *v, const pp_node_t *obj)
{
  const pp_node_t *spec = map (get (obj, "spec"));
  if (spec == NULL)
    {
      AT (v, "spec", obj, "required field is missing");
      return;
    }
  const pp_node_t *modes = seq (get (spec, "accessModes"));
  if (modes == NULL || modes->n == 0)
    AT (v, "spec.accessModes", modes ? modes : spec, "at least 1 access mode is required");
  const pp_node_t *req = map (get (map (get (spec, "resources")), "requests"));
  const pp_node_t *storage = get (req, "storage");
  pp_quantity_t q;
  if (storage == NULL && pp_node_is_null (get (spec, "dataSource")))
    AT (v, "spec.resources.requests.storage", req ? req : spec, "required field is missing");
  /* A claim of nothing is refused (ValidatePositiveQuantityValue), zero included. */
  else if (storage && storage->type == PP_NODE_SCALAR && storage->tag != PP_TAG_NULL
           && pp_quantity_parse (storage->u.str, &q) == NULL && q.value <= 0)
    AT (v, "spec.resources.requests.storage", storage, "invalid value \"%s\": must be greater than 0", storage->u.str);
}

static void
check_meta (pp_vctx_t *v, const pp_node_t *obj)
{
  const pp_node_t *meta = map (get (obj, "metadata"));
  if (pp_node_is_null (get (obj, "metadata")))
    {
      AT (v, "metadata.name", obj, "required field is missing");
      return;
    }
  const pp_node_t *name = get (meta, "name");
  if (meta && pp_node_is_null (name) && pp_node_is_null (get (meta, "generateName")))
    AT (v, "metadata.name", meta, "required field is missing");
  const char *s = pp_node_str (name);
  if (s == NULL)
    return;
  const char *why = strcmp (v->kind->kind, "Service") == 0 ? pp_check_dns1035_label (s) : pp_check_dns_subdomain (s);
  if (why)
    AT (v, "metadata.name", name, "invalid value \"%s\": %s", s, why);
}

void
pp_rules_object (pp_vctx_t *v, const pp_node_t *obj)
{
  const char *kind = v->kind->kind;
  check_meta (v, obj);
  if (strcmp (kind, "Pod") == 0)
    {
      if (pp_node_is_null (get (obj, "spec")))
        AT (v, "spec", obj, "required field is missing");
      check_pod_spec (v, "spec", get (obj, "spec"), POD_ANY);
    }
  else if (strcmp (kind, "Deployment") == 0 || strcmp (kind, "DaemonSet") == 0)
    check_workload (v, obj, POD_ALWAYS);
  else if (strcmp (kind, "Job") == 0)
    check_workload (v, obj, POD_JOB);
  else if (strcmp (kind, "Service") == 0)
    check_service (v, obj);
  else if (strcmp (kind, "ConfigMap") == 0)
    check_config (v, obj, false);
  else if (strcmp (kind, "Secret") == 0)
    check_config (v, obj, true);
  else if (strcmp (kind, "PersistentVolumeClaim") == 0)
    check_pvc (v, obj);
}
