/* `podplay run`: Podman's flags as the fields of a Pod of one container, checked flag by flag, emitted by the
   schema tables into the storage root's runs/ folder, for `kube play` to play. */
#include "play/run.h"
#include "core/file.h"
#include "play/annotations.h"
#include "play/plan.h"
#include "runtime/namedvol.h"
#include "schema/checks.h"
#include "schema/emit.h"
#include "schema/load.h"
#include "schema/manifest.h"
#include "state/state.h"

#include <ctype.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

void
pp_strs_add (pp_strs_t *s, const char *value)
{
  s->v = xrealloc (s->v, (s->n + 2) * sizeof *s->v);
  s->v[s->n++] = xstrdup (value);
  s->v[s->n] = NULL;
}

void
pp_strs_free (pp_strs_t *s)
{
  for (size_t i = 0; i < s->n; i++)
    free (s->v[i]);
  free (s->v);
  s->v = NULL;
  s->n = 0;
}

/* What is being made: the Pod, its container, and the claims of named volumes that are not there yet. */
typedef struct
{
  pp_context_t *ctx;
  pp_arena_t a;
  pp_node_t *pod, *ctr, *env, *mounts, *vols, *ports, *claims;
  uint32_t vol_base; /* the volumes the pod has already (--pod): new ones are numbered after them */
} build_t;

static pp_node_t *
str (build_t *b, const char *s)
{
  return pp_node_new_str (&b->a, s);
}

static pp_node_t *
bool_node (build_t *b)
{
  pp_node_t *t = pp_node_new_str (&b->a, "true");
  t->tag = PP_TAG_BOOL;
  t->quoted = 0;
  return t;
}

/* The map under `key`, made when missing. */
static pp_node_t *
map_at (build_t *b, pp_node_t *m, const char *key)
{
  pp_node_t *v = pp_node_get (m, key);
  if (v == NULL)
    {
      v = pp_node_new_map (&b->a);
      pp_node_put (&b->a, m, key, v);
    }
  return v;
}

static int
bad (pp_error_t *err, const char *flag, const char *value, const char *why)
{
  return pp_error_make (err, 0, "%s %s: %s", flag, value, why);
}

/* An env entry NAME=value, in place of an earlier one of the same name (the last wins, as in Podman). */
static int
add_env (build_t *b, const char *flag, const char *spec, pp_error_t *err)
{
  const char *eq = strchr (spec, '=');
  cleanup_free char *name = eq ? xstrndup (spec, (size_t)(eq - spec)) : xstrdup (spec);
  const char *why = pp_check_env_name (name);
  if (why)
    return bad (err, flag, spec, why);
  /* NAME alone takes its value here, and is left out when it has none, as Podman does. */
  const char *value = eq ? eq + 1 : getenv (name);
  if (value == NULL)
    return 0;
  pp_node_t *e = pp_node_new_map (&b->a);
  pp_node_put (&b->a, e, "name", str (b, name));
  pp_node_put (&b->a, e, "value", str (b, value));
  for (uint32_t i = 0; i < b->env->n; i++)
    if (strcmp (pp_node_str (pp_node_get (b->env->u.items[i], "name")), name) == 0)
      {
        b->env->u.items[i] = e;
        return 0;
      }
  pp_node_append (&b->a, b->env, e);
  return 0;
}

static int
add_env_file (build_t *b, const char *path, pp_error_t *err)
{
  cleanup_file FILE *f = fopen (path, "re");
  if (f == NULL)
    return pp_error_make (err, errno, "--env-file %s", path);
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  int ret = 0;
  unsigned lineno = 0;
  while (ret == 0 && (len = getline (&line, &cap, f)) >= 0)
    {
      lineno++;
      while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
      const char *p = line;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0' || *p == '#')
        continue;
      cleanup_free char *flag = xasprintf ("--env-file %s:%u:", path, lineno);
      ret = add_env (b, flag, p, err);
    }
  free (line);
  return ret;
}

/* A volume of the pod and its mount: `src` a host path (absolute), a named volume's name (its claim), or NULL
   for a volume of the container's own (emptyDir; `memory` for tmpfs). */
static int
add_volume (build_t *b, const char *flag, const char *spec, const char *src, const char *dst, bool ro, bool memory,
            const char *size, pp_error_t *err)
{
  const char *why = pp_check_path (dst, false);
  if (why || dst[0] != '/')
    return bad (err, flag, spec, "the path in the container must be absolute");
  pp_node_t *v = pp_node_new_map (&b->a), *src_node = pp_node_new_map (&b->a);
  char name[32];
  snprintf (name, sizeof name, "%s-%u", src == NULL ? "tmp" : src[0] == '/' ? "host" : "data",
            b->vol_base + b->vols->n + 1);
  if (src == NULL)
    {
      if (memory)
        pp_node_put (&b->a, src_node, "medium", str (b, "Memory"));
      if (size)
        pp_node_put (&b->a, src_node, "sizeLimit", str (b, size));
      pp_node_put (&b->a, v, "emptyDir", src_node);
    }
  else if (src[0] == '/')
    {
      pp_node_put (&b->a, src_node, "path", str (b, src));
      pp_node_put (&b->a, v, "hostPath", src_node);
    }
  else
    {
      /* A named volume is the claim of that name, as `kube play` makes one. */
      if ((why = pp_check_dns_subdomain (src)))
        return bad (err, flag, spec,
                    "a named volume is a claim of the pod here, whose name is a lowercase RFC 1123 subdomain");
      pp_node_put (&b->a, src_node, "claimName", str (b, src));
      pp_node_put (&b->a, v, "persistentVolumeClaim", src_node);
      bool listed = false;
      for (uint32_t i = 0; i < b->claims->n; i++)
        listed
            = listed
              || strcmp (pp_node_str (pp_node_get (pp_node_get (b->claims->u.items[i], "metadata"), "name")), src) == 0;
      if (!listed && !pp_namedvol_exists (b->ctx, src))
        pp_node_append (&b->a, b->claims, pp_object_claim (&b->a, src));
    }
  pp_node_put (&b->a, v, "name", str (b, name));
  pp_node_append (&b->a, b->vols, v);
  pp_node_t *m = pp_node_new_map (&b->a);
  pp_node_put (&b->a, m, "name", str (b, name));
  pp_node_put (&b->a, m, "mountPath", str (b, dst));
  if (ro)
    pp_node_put (&b->a, m, "readOnly", bool_node (b));
  pp_node_append (&b->a, b->mounts, m);
  return 0;
}

/* -v SRC:DST[:OPTIONS] or -v DST. */
static int
add_v (build_t *b, const char *spec, pp_error_t *err)
{
  cleanup_free char *copy = xstrdup (spec);
  char *parts[4] = { 0 };
  size_t n = 0;
  for (char *save = NULL, *t = strtok_r (copy, ":", &save); t && n < 4; t = strtok_r (NULL, ":", &save))
    parts[n++] = t;
  if (n == 0 || n > 3)
    return bad (err, "-v", spec, "expected SOURCE:DESTINATION[:ro|rw] or DESTINATION");
  if (n == 1)
    return add_volume (b, "-v", spec, NULL, parts[0], false, false, NULL, err);
  bool ro = false;
  for (char *save = NULL, *o = n == 3 ? strtok_r (parts[2], ",", &save) : NULL; o; o = strtok_r (NULL, ",", &save))
    if (strcmp (o, "ro") == 0 || strcmp (o, "rw") == 0)
      ro = strcmp (o, "ro") == 0;
    else if (strcmp (o, "z") == 0 || strcmp (o, "Z") == 0)
      pp_warning (b->ctx, "-v %s: `%s` relabels for SELinux, which podplay does not use: left out", spec, o);
    else
      return bad (err, "-v", spec, "an option is ro, rw, z or Z");
  if (parts[0][0] != '/' && (parts[0][0] == '.' || strchr (parts[0], '/')))
    return bad (err, "-v", spec, "a host path must be absolute; anything else names a volume");
  return add_volume (b, "-v", spec, parts[0], parts[1], ro, false, NULL, err);
}

/* --mount type=bind|volume|tmpfs,source=...,target=...[,readonly][,tmpfs-size=...]. */
static int
add_mount (build_t *b, const char *spec, pp_error_t *err)
{
  cleanup_free char *copy = xstrdup (spec);
  const char *type = NULL, *src = NULL, *dst = NULL, *size = NULL;
  bool ro = false;
  for (char *save = NULL, *kv = strtok_r (copy, ",", &save); kv; kv = strtok_r (NULL, ",", &save))
    {
      char *eq = strchr (kv, '=');
      if (eq)
        *eq++ = '\0';
      if (strcmp (kv, "type") == 0 && eq)
        type = eq;
      else if ((strcmp (kv, "source") == 0 || strcmp (kv, "src") == 0) && eq)
        src = eq;
      else if ((strcmp (kv, "target") == 0 || strcmp (kv, "destination") == 0 || strcmp (kv, "dst") == 0) && eq)
        dst = eq;
      else if (strcmp (kv, "readonly") == 0 || strcmp (kv, "ro") == 0)
        ro = eq == NULL || strcmp (eq, "true") == 0;
      else if (strcmp (kv, "tmpfs-size") == 0 && eq)
        size = eq;
      else
        return bad (err, "--mount", spec, "a key is type, source, target, readonly or tmpfs-size");
    }
  if (type == NULL || dst == NULL)
    return bad (err, "--mount", spec, "type= and target= are needed");
  if (strcmp (type, "tmpfs") == 0)
    {
      if (size && pp_quantity_parse (size, &(pp_quantity_t){ 0 }))
        return bad (err, "--mount", spec, "tmpfs-size is a quantity (64Mi)");
      return add_volume (b, "--mount", spec, NULL, dst, ro, true, size, err);
    }
  if (strcmp (type, "bind") != 0 && strcmp (type, "volume") != 0)
    return bad (err, "--mount", spec, "a type is bind, volume or tmpfs");
  if (src == NULL)
    return strcmp (type, "volume") == 0 ? add_volume (b, "--mount", spec, NULL, dst, ro, false, NULL, err)
                                        : bad (err, "--mount", spec, "a bind needs source=");
  if ((strcmp (type, "bind") == 0) != (src[0] == '/'))
    return bad (err, "--mount", spec, "a bind's source is an absolute host path; a volume's is a volume's name");
  return add_volume (b, "--mount", spec, src, dst, ro, false, NULL, err);
}

static int
add_port (build_t *b, const char *spec, pp_error_t *err)
{
  const char *proto;
  char ip[PP_IP_STRLEN];
  int64_t host, ctr;
  if (pp_publish_parse (spec, &proto, ip, &host, &ctr, err) < 0)
    return -1;
  pp_node_t *p = pp_node_new_map (&b->a);
  pp_node_put (&b->a, p, "containerPort", pp_node_new_int (&b->a, ctr));
  pp_node_put (&b->a, p, "hostPort", pp_node_new_int (&b->a, host));
  if (*ip)
    pp_node_put (&b->a, p, "hostIP", str (b, ip));
  if (strcmp (proto, "TCP") != 0)
    pp_node_put (&b->a, p, "protocol", str (b, proto));
  pp_node_append (&b->a, b->ports, p);
  return 0;
}

/* --memory N[b|k|m|g] in bytes as Kubernetes writes them (512m is 512Mi); --cpus 1.5 as 1500m. */
static int
set_resources (build_t *b, const pp_run_opts_t *o, pp_error_t *err)
{
  pp_node_t *limits = NULL;
  if (o->memory)
    {
      char *end;
      errno = 0;
      unsigned long long v = strtoull (o->memory, &end, 10);
      static const char *const units[] = { "b", "", "k", "Ki", "m", "Mi", "g", "Gi" };
      const char *unit = NULL;
      for (size_t i = 0; i < PP_N_ELEMENTS (units); i += 2)
        if (strcasecmp (end, units[i]) == 0 || (*end == '\0' && i == 0))
          unit = units[i + 1];
      if (errno || end == o->memory || unit == NULL || v == 0)
        return bad (err, "--memory", o->memory, "expected a number of bytes with b, k, m or g (512m)");
      limits = map_at (b, map_at (b, b->ctr, "resources"), "limits");
      cleanup_free char *q = xasprintf ("%llu%s", v, unit);
      pp_node_put (&b->a, limits, "memory", str (b, q));
    }
  if (o->cpus)
    {
      char *end;
      double v = strtod (o->cpus, &end);
      if (end == o->cpus || *end || !(v > 0) || v > 1e6)
        return bad (err, "--cpus", o->cpus, "expected a number of CPUs above 0 (1.5)");
      limits = map_at (b, map_at (b, b->ctr, "resources"), "limits");
      long long milli = (long long)(v * 1000 + 0.5);
      cleanup_free char *q = milli % 1000 == 0 ? xasprintf ("%lld", milli / 1000) : xasprintf ("%lldm", milli);
      pp_node_put (&b->a, limits, "cpu", str (b, q));
    }
  return 0;
}

/* -u UID[:GID]: Kubernetes takes numbers (and root is 0). */
static int
set_user (build_t *b, const char *spec, pp_error_t *err)
{
  cleanup_free char *copy = xstrdup (spec);
  char *colon = strchr (copy, ':');
  if (colon)
    *colon++ = '\0';
  const char *ids[2] = { copy, colon };
  static const char *const keys[2] = { "runAsUser", "runAsGroup" };
  for (int i = 0; i < 2 && ids[i]; i++)
    {
      char *end;
      long long v = strcmp (ids[i], "root") == 0 ? 0 : strtoll (ids[i], &end, 10);
      if (strcmp (ids[i], "root") != 0 && (end == ids[i] || *end || v < 0 || v > 2147483647))
        return bad (err, "-u", spec, "Kubernetes takes numeric ids: UID[:GID]");
      pp_node_put (&b->a, map_at (b, b->ctr, "securityContext"), keys[i], pp_node_new_int (&b->a, v));
    }
  return 0;
}

static int
set_caps (build_t *b, const char *flag, const pp_strs_t *caps, const char *key, pp_error_t *err)
{
  for (size_t i = 0; i < caps->n; i++)
    {
      cleanup_free char *name = xstrdup (strncasecmp (caps->v[i], "CAP_", 4) == 0 ? caps->v[i] + 4 : caps->v[i]);
      for (char *p = name; *p; p++)
        *p = (char)toupper ((unsigned char)*p);
      const char *why = strcmp (name, "ALL") == 0 ? NULL : pp_check_capability (name);
      if (why)
        return bad (err, flag, caps->v[i], why);
      pp_node_t *list = pp_node_get (map_at (b, map_at (b, b->ctr, "securityContext"), "capabilities"), key);
      if (list == NULL)
        {
          list = pp_node_new_seq (&b->a);
          pp_node_put (&b->a, pp_node_get (pp_node_get (b->ctr, "securityContext"), "capabilities"), key, list);
        }
      pp_node_append (&b->a, list, str (b, name));
    }
  return 0;
}

/* --restart: no, always, on-failure[:N] and unless-stopped as the pod's restartPolicy. */
static int
set_restart (build_t *b, const char *spec, pp_error_t *err)
{
  const char *policy = "Never";
  if (spec == NULL || strcmp (spec, "no") == 0)
    policy = "Never";
  else if (strcmp (spec, "always") == 0)
    policy = "Always";
  else if (strcmp (spec, "unless-stopped") == 0)
    {
      policy = "Always";
      pp_warning (b->ctx, "--restart unless-stopped: Kubernetes has no such policy; the pod restarts Always");
    }
  else if (strncmp (spec, "on-failure", 10) == 0 && (spec[10] == '\0' || spec[10] == ':'))
    {
      policy = "OnFailure";
      if (spec[10] == ':')
        pp_warning (b->ctx,
                    "--restart %s: Kubernetes has no number of retries; the pod restarts OnFailure "
                    "without one",
                    spec);
    }
  else
    return bad (err, "--restart", spec, "a policy is no, always, on-failure[:N] or unless-stopped");
  pp_node_put (&b->a, pp_node_get (b->pod, "spec"), "restartPolicy", str (b, policy));
  return 0;
}

/* --entrypoint CMD, or a JSON array of its words. */
static int
set_entrypoint (build_t *b, const char *spec, pp_error_t *err)
{
  pp_node_t *cmd = pp_node_new_seq (&b->a);
  if (spec[0] == '[')
    {
      json_t *a = json_loads (spec, 0, NULL);
      size_t i;
      json_t *w;
      if (!json_is_array (a))
        {
          json_decref (a);
          return bad (err, "--entrypoint", spec, "expected a command, or a JSON array of strings");
        }
      json_array_foreach (a, i, w)
      {
        if (!json_is_string (w))
          {
            json_decref (a);
            return bad (err, "--entrypoint", spec, "expected a command, or a JSON array of strings");
          }
        pp_node_append (&b->a, cmd, str (b, json_string_value (w)));
      }
      json_decref (a);
    }
  else
    pp_node_append (&b->a, cmd, str (b, spec));
  pp_node_put (&b->a, b->ctr, "command", cmd);
  return 0;
}

/* A name for a pod nobody named: the image's last path part, and random hex. */
static char *
made_name (const char *image)
{
  const char *base = strrchr (image, '/');
  base = base ? base + 1 : image;
  size_t len = strcspn (base, ":@");
  char clean[40];
  size_t n = 0;
  for (size_t i = 0; i < len && n < 24; i++)
    {
      char c = (char)tolower ((unsigned char)base[i]);
      clean[n++] = isalnum ((unsigned char)c) ? c : '-';
    }
  while (n && clean[n - 1] == '-')
    n--;
  clean[n] = '\0';
  unsigned char r[3];
  if (getrandom (r, sizeof r, 0) != (ssize_t)sizeof r)
    memset (r, 0, sizeof r);
  return xasprintf ("%s-%02x%02x%02x", isalnum ((unsigned char)clean[0]) ? clean : "ctr", r[0], r[1], r[2]);
}

/* --label K=V, as the pod's labels. */
static int
set_labels (build_t *b, pp_node_t *meta, const pp_strs_t *labels, pp_error_t *err)
{
  for (size_t i = 0; i < labels->n; i++)
    {
      const char *l = labels->v[i], *eq = strchr (l, '='), *why;
      cleanup_free char *key = eq ? xstrndup (l, (size_t)(eq - l)) : xstrdup (l);
      if ((why = pp_check_label_key (key)) || (why = pp_check_label_value (eq ? eq + 1 : "")))
        return bad (err, "--label", l, why);
      pp_node_put (&b->a, map_at (b, meta, "labels"), key, str (b, eq ? eq + 1 : ""));
    }
  return 0;
}

static int
set_hostname (build_t *b, pp_node_t *spec, const char *hostname, pp_error_t *err)
{
  const char *why = pp_check_dns_label (hostname);
  if (why)
    return bad (err, "--hostname", hostname, why);
  pp_node_put (&b->a, spec, "hostname", str (b, hostname));
  return 0;
}

static int
build (build_t *b, const pp_run_opts_t *o, const char *name, pp_error_t *err)
{
  const char *why = pp_check_image (o->image);
  if (why)
    return bad (err, "image", o->image, why);
  b->pod = pp_object_new (&b->a, "v1", "Pod", name, NULL);
  pp_node_t *meta = pp_node_get (b->pod, "metadata"), *spec = map_at (b, b->pod, "spec");
  b->ctr = pp_node_new_map (&b->a);
  pp_node_put (&b->a, b->ctr, "name", str (b, name));
  pp_node_put (&b->a, b->ctr, "image", str (b, o->image));
  b->env = pp_node_new_seq (&b->a);
  b->mounts = pp_node_new_seq (&b->a);
  b->vols = pp_node_new_seq (&b->a);
  b->ports = pp_node_new_seq (&b->a);
  b->claims = pp_node_new_seq (&b->a);
  int ret = set_labels (b, meta, &o->labels, err);
  if (ret == 0 && o->hostname)
    ret = set_hostname (b, spec, o->hostname, err);
  if (o->host_network)
    pp_node_put (&b->a, spec, "hostNetwork", bool_node (b));
  if (ret == 0 && o->entrypoint)
    ret = set_entrypoint (b, o->entrypoint, err);
  if (ret == 0 && o->n_cmd)
    {
      pp_node_t *args = pp_node_new_seq (&b->a);
      for (size_t i = 0; i < o->n_cmd; i++)
        pp_node_append (&b->a, args, str (b, o->cmd[i]));
      pp_node_put (&b->a, b->ctr, "args", args);
    }
  /* --env-file first, then -e, as Podman reads them. */
  for (size_t i = 0; ret == 0 && i < o->env_files.n; i++)
    ret = add_env_file (b, o->env_files.v[i], err);
  for (size_t i = 0; ret == 0 && i < o->env.n; i++)
    ret = add_env (b, "-e", o->env.v[i], err);
  for (size_t i = 0; ret == 0 && i < o->volumes.n; i++)
    ret = add_v (b, o->volumes.v[i], err);
  for (size_t i = 0; ret == 0 && i < o->mounts.n; i++)
    ret = add_mount (b, o->mounts.v[i], err);
  for (size_t i = 0; ret == 0 && i < o->publish.n; i++)
    ret = add_port (b, o->publish.v[i], err);
  if (ret == 0 && o->workdir)
    {
      if (o->workdir[0] != '/' || pp_check_path (o->workdir, false))
        ret = bad (err, "-w", o->workdir, "the folder must be an absolute path");
      else
        pp_node_put (&b->a, b->ctr, "workingDir", str (b, o->workdir));
    }
  if (ret == 0 && o->user)
    ret = set_user (b, o->user, err);
  if (ret == 0)
    ret = set_resources (b, o, err);
  if (ret == 0)
    ret = set_caps (b, "--cap-add", &o->cap_add, "add", err);
  if (ret == 0)
    ret = set_caps (b, "--cap-drop", &o->cap_drop, "drop", err);
  if (ret == 0 && o->read_only)
    pp_node_put (&b->a, map_at (b, b->ctr, "securityContext"), "readOnlyRootFilesystem", bool_node (b));
  if (ret == 0 && o->tty)
    pp_node_put (&b->a, b->ctr, "tty", bool_node (b));
  if (ret == 0 && o->interactive)
    pp_node_put (&b->a, b->ctr, "stdin", bool_node (b));
  if (ret == 0)
    ret = set_restart (b, o->restart, err);
  if (b->env->n)
    pp_node_put (&b->a, b->ctr, "env", b->env);
  if (b->mounts->n)
    pp_node_put (&b->a, b->ctr, "volumeMounts", b->mounts);
  if (b->ports->n)
    pp_node_put (&b->a, b->ctr, "ports", b->ports);
  pp_node_t *ctrs = pp_node_new_seq (&b->a);
  pp_node_append (&b->a, ctrs, b->ctr);
  pp_node_put (&b->a, spec, "containers", ctrs);
  if (b->vols->n)
    pp_node_put (&b->a, spec, "volumes", b->vols);
  return ret;
}

/* A pod's name for `flag`: free on the machine and valid, as a pod's (and with `ctr`, as its container's too). */
static int
check_new_pod_name (pp_context_t *ctx, const char *flag, const char *name, bool ctr, pp_error_t *err)
{
  const char *why = pp_check_dns_subdomain (name);
  if (why == NULL && ctr && strlen (name) > 63)
    why = "a pod's container takes its name, and a container's name is at most 63 characters";
  if (why == NULL && ctr)
    why = pp_check_dns_label (name);
  if (why)
    return bad (err, flag, name, why);
  pp_state_t *state = NULL;
  if (pp_state_open (ctx, &state, err) < 0)
    return -1;
  pp_pod_rec_t rec;
  cleanup_error pp_error_t none = NULL;
  bool exists = false;
  if (pp_state_pod_get (state, name, &rec, &none) == 0)
    {
      exists = strcmp (rec.name, name) == 0;
      pp_pod_rec_release (&rec);
    }
  pp_state_close (state);
  if (exists)
    return pp_error_make (err, 0,
                          "the name %s is a pod's already: remove it (`podplay pod rm %s`) or choose "
                          "another (--name)",
                          name, name);
  return 0;
}

/* The documents (claims, then the Pod) as runs/NAME.yaml, each emitted by its kind's table. */
static int
write_run (pp_context_t *ctx, const char *name, const pp_node_t *docs, char **path, pp_error_t *err)
{
  pp_buf_t yaml = { 0 };
  for (uint32_t i = 0; i < docs->n; i++)
    {
      const pp_node_t *doc = docs->u.items[i];
      const pp_kind_info_t *k
          = pp_kind_lookup (pp_plan_str (doc, "apiVersion") ?: "", pp_plan_str (doc, "kind") ?: "");
      if (k == NULL)
        continue;
      if (yaml.len)
        pp_buf_puts (&yaml, "---\n");
      pp_emit_object (&yaml, doc, k->type);
    }
  cleanup_free char *dir = xasprintf ("%s/runs", ctx->root);
  int ret = 0;
  if (pp_mkdir_p (dir, 0700) < 0)
    ret = pp_error_make (err, errno, "create `%s`", dir);
  cleanup_free char *file = xasprintf ("%s/%s.yaml", dir, name);
  if (ret == 0)
    ret = pp_write_whole (file, yaml.data, yaml.len, 0600, err);
  pp_buf_free (&yaml);
  if (ret == 0)
    *path = steal_pointer (&file);
  return ret;
}

int
pp_run_manifest (pp_context_t *ctx, const pp_run_opts_t *o, char **path, char **name_out, pp_error_t *err)
{
  *path = *name_out = NULL;
  cleanup_free char *name = o->name ? xstrdup (o->name) : made_name (o->image);
  if (check_new_pod_name (ctx, "--name", name, true, err) < 0)
    return -1;
  build_t b = { .ctx = ctx };
  int ret = build (&b, o, name, err);
  if (ret == 0)
    {
      pp_node_append (&b.a, b.claims, b.pod);
      ret = write_run (ctx, name, b.claims, path, err);
    }
  pp_arena_free (&b.a);
  if (ret < 0)
    return -1;
  *name_out = steal_pointer (&name);
  return 0;
}

char *
pp_run_manifest_of (pp_context_t *ctx, const pp_pod_rec_t *pod)
{
  char *file = xasprintf ("%s/runs/%s.yaml", ctx->root, pod->name);
  cleanup_free char *real = realpath (file, NULL);
  if (real && pod->play_file && strcmp (real, pod->play_file) == 0)
    return file;
  free (file);
  return NULL;
}

/* The namespaces of --share: Podman's ipc, net and uts are always shared here; pid makes one PID namespace. */
static int
set_share (build_t *b, pp_node_t *spec, const pp_strs_t *share, pp_error_t *err)
{
  bool ns[3] = { true, true, true }, pid = false; /* ipc, net, uts */
  static const char *const names[] = { "ipc", "net", "uts" };
  for (size_t i = 0; i < share->n; i++)
    {
      const char *list = share->v[i];
      bool add = list[0] == '+';
      if (!add)
        ns[0] = ns[1] = ns[2] = pid = false;
      cleanup_free char *copy = xstrdup (list + add);
      for (char *save = NULL, *t = strtok_r (copy, ",", &save); t; t = strtok_r (NULL, ",", &save))
        {
          size_t k;
          for (k = 0; k < 3 && strcmp (t, names[k]) != 0; k++)
            ;
          if (k < 3)
            ns[k] = true;
          else if (strcmp (t, "pid") == 0)
            pid = true;
          else if (strcmp (t, "cgroup") == 0)
            pp_warning (b->ctx, "--share %s: each container has a cgroup namespace of its own here", list);
          else if (strcmp (t, "none") != 0)
            return bad (err, "--share", list, "a namespace is cgroup, ipc, net, pid or uts (or none)");
        }
    }
  for (size_t k = 0; k < 3; k++)
    if (!ns[k])
      return bad (err, "--share", share->v[share->n - 1],
                  "a pod's containers always share their ipc, net and uts namespaces, as in Kubernetes");
  if (pid)
    pp_node_put (&b->a, spec, "shareProcessNamespace", bool_node (b));
  return 0;
}

int
pp_pod_create_manifest (pp_context_t *ctx, const pp_pod_create_opts_t *o, char **path, char **name_out,
                        pp_error_t *err)
{
  *path = *name_out = NULL;
  cleanup_free char *name = o->name ? xstrdup (o->name) : made_name ("pod");
  if (check_new_pod_name (ctx, "--name", name, false, err) < 0)
    return -1;
  build_t b = { .ctx = ctx };
  b.pod = pp_object_new (&b.a, "v1", "Pod", name, NULL);
  pp_node_t *meta = pp_node_get (b.pod, "metadata"), *spec = map_at (&b, b.pod, "spec");
  pp_node_t *ann = map_at (&b, meta, "annotations");
  pp_node_put (&b.a, ann, PP_ANNOTATION_INFRA, str (&b, "true"));
  int ret = set_labels (&b, meta, &o->labels, err);
  if (ret == 0 && o->hostname)
    ret = set_hostname (&b, spec, o->hostname, err);
  pp_buf_t ports = { 0 };
  for (size_t i = 0; ret == 0 && i < o->publish.n; i++)
    {
      const char *proto;
      char ip[PP_IP_STRLEN];
      int64_t hp, cp;
      if (pp_publish_parse (o->publish.v[i], &proto, ip, &hp, &cp, err) < 0)
        ret = -1;
      else
        pp_buf_printf (&ports, "%s%s", ports.len ? "," : "", o->publish.v[i]);
    }
  if (ret == 0 && ports.len)
    {
      if (o->host_network)
        ret = bad (err, "-p", o->publish.v[0],
                   "a pod on the host's network publishes nothing: its ports are the host's");
      else
        pp_node_put (&b.a, ann, PP_ANNOTATION_PUBLISH, str (&b, ports.data));
    }
  pp_buf_free (&ports);
  if (ret == 0)
    ret = set_share (&b, spec, &o->share, err);
  if (ret == 0 && o->host_network)
    pp_node_put (&b.a, spec, "hostNetwork", bool_node (&b));
  if (ret == 0)
    {
      /* Podman's default: a container that joins is not restarted unless its --restart says so. */
      pp_node_put (&b.a, spec, "restartPolicy", str (&b, "Never"));
      pp_node_put (&b.a, spec, "containers", pp_node_new_seq (&b.a));
      pp_node_t *docs = pp_node_new_seq (&b.a);
      pp_node_append (&b.a, docs, b.pod);
      ret = write_run (ctx, name, docs, path, err);
    }
  pp_arena_free (&b.a);
  if (ret < 0)
    return -1;
  *name_out = steal_pointer (&name);
  return 0;
}

/* The ports `pod create -p` kept for the first container that joins the pod: its own, as hostPorts (Kubernetes
   publishes a pod's ports so), which `kube generate` writes as they are. */
static int
take_pod_ports (build_t *b, pp_node_t *meta, pp_error_t *err)
{
  pp_node_t *ann = pp_node_get (meta, "annotations");
  const char *list = pp_node_str (pp_node_get (ann, PP_ANNOTATION_PUBLISH));
  if (list == NULL)
    return 0;
  pp_node_t *ports = pp_node_get (b->ctr, "ports");
  if (ports == NULL)
    {
      ports = pp_node_new_seq (&b->a);
      pp_node_put (&b->a, b->ctr, "ports", ports);
    }
  cleanup_free char *copy = xstrdup (list);
  for (char *save = NULL, *t = strtok_r (copy, ",", &save); t; t = strtok_r (NULL, ",", &save))
    {
      const char *proto;
      char ip[PP_IP_STRLEN];
      int64_t hp, cp;
      if (pp_publish_parse (t, &proto, ip, &hp, &cp, err) < 0)
        return -1;
      pp_node_t *port = pp_node_new_map (&b->a);
      pp_node_put (&b->a, port, "containerPort", pp_node_new_int (&b->a, cp));
      pp_node_put (&b->a, port, "hostPort", pp_node_new_int (&b->a, hp));
      if (*ip)
        pp_node_put (&b->a, port, "hostIP", str (b, ip));
      if (strcmp (proto, "TCP") != 0)
        pp_node_put (&b->a, port, "protocol", str (b, proto));
      pp_node_append (&b->a, ports, port);
    }
  pp_node_del (ann, PP_ANNOTATION_PUBLISH);
  return 0;
}

/* Whether the pod's containers or init containers have one named `name`. */
static bool
has_container (const pp_node_t *spec, const char *name)
{
  static const char *const lists[] = { "initContainers", "containers" };
  for (size_t l = 0; l < PP_N_ELEMENTS (lists); l++)
    {
      const pp_node_t *seq = pp_node_get (spec, lists[l]);
      for (uint32_t i = 0; seq && seq->type == PP_NODE_SEQ && i < seq->n; i++)
        if (strcmp (pp_plan_str (seq->u.items[i], "name") ?: "", name) == 0)
          return true;
    }
  return false;
}

/* The documents of the pod's manifest, and its Pod among them. */
typedef struct
{
  pp_input_t in;
  pp_doc_t *docs[64];
  size_t n;
  pp_node_t *pod;
} joined_t;

static void
joined_free (joined_t *j)
{
  for (size_t i = 0; i < j->n; i++)
    pp_doc_free (j->docs[i]);
  pp_input_close (&j->in);
}

static int
read_pod_manifest (const char *file, const char *pod, joined_t *j, pp_error_t *err)
{
  if (pp_input_open (file, &j->in, err) < 0)
    return -1;
  pp_diags_t diags = { 0 };
  pp_loader_t *l = pp_loader_new (file, j->in.data, j->in.len, &diags);
  pp_doc_t *doc;
  int r;
  while ((r = pp_loader_next (l, &doc)) > 0)
    {
      if (j->n == PP_N_ELEMENTS (j->docs))
        {
          pp_doc_free (doc);
          r = -1;
          break;
        }
      j->docs[j->n++] = doc;
      if (doc->root && strcmp (pp_plan_str (doc->root, "kind") ?: "", "Pod") == 0)
        j->pod = doc->root;
    }
  pp_loader_free (l);
  pp_diags_free (&diags);
  if (r < 0 || j->pod == NULL || pp_node_get (j->pod, "spec") == NULL)
    return pp_error_make (err, 0, "`%s`, the manifest of pod %s, is not as podplay wrote it: remove the pod", file,
                          pod);
  return 0;
}

int
pp_run_join_manifest (pp_context_t *ctx, const pp_run_opts_t *o, char **path, char **backup, char **name_out,
                      pp_error_t *err)
{
  *path = *backup = *name_out = NULL;
  /* What is the pod's, as Podman refuses it for a container that joins a pod. */
  if (o->publish.n)
    return bad (err, "-p", o->publish.v[0],
                "ports are published by the pod, when it is made (`podplay pod create -p`), not by a container "
                "that joins it");
  if (o->hostname)
    return bad (err, "--hostname", o->hostname, "the hostname is the pod's: a container that joins it has it");
  if (o->labels.n)
    return bad (err, "--label", o->labels.v[0], "labels are the pod's in Kubernetes: a container has none");
  pp_state_t *state = NULL;
  if (pp_state_open (ctx, &state, err) < 0)
    return -1;
  pp_pod_rec_t rec;
  int ret = pp_state_pod_get (state, o->pod, &rec, err);
  pp_state_close (state);
  if (ret < 0)
    return pp_error_wrap (err, "--pod %s", o->pod);
  cleanup_free char *file = pp_run_manifest_of (ctx, &rec);
  cleanup_free char *from = rec.play_file ? xstrdup (rec.play_file) : NULL;
  cleanup_free char *pod = xstrdup (rec.name);
  pp_pod_rec_release (&rec);
  if (file == NULL)
    return pp_error_make (err, 0,
                          "--pod %s: the pod was made by `kube play` of %s: add the container to that file and play "
                          "it again",
                          pod, from ? from : "a manifest");
  cleanup_free char *keep = xasprintf ("%s/runs/.%s.yaml.before", ctx->root, pod);
  /* A join interrupted between its write and the end of its play left the manifest it replaced: that one is the
     pod's (the caller holds the lock of joins). */
  if (access (keep, F_OK) == 0 && rename (keep, file) < 0)
    return pp_error_make (err, errno, "put back `%s` from `%s`", file, keep);
  joined_t j = { 0 };
  build_t b = { .ctx = ctx };
  cleanup_free char *name = NULL;
  ret = read_pod_manifest (file, pod, &j, err);
  pp_node_t *spec = ret == 0 ? pp_node_get (j.pod, "spec") : NULL;
  if (ret == 0)
    {
      const pp_node_t *vols = pp_node_get (spec, "volumes");
      b.vol_base = vols && vols->type == PP_NODE_SEQ ? vols->n : 0;
      name = o->name ? xstrdup (o->name) : made_name (o->image);
      const char *why = pp_check_dns_label (name);
      if (why)
        ret = bad (err, "--name", name, why);
      else if (has_container (spec, name))
        ret = pp_error_make (err, 0, "--name %s: pod %s has a container of that name already", name, pod);
    }
  if (ret == 0)
    ret = build (&b, o, name, err);
  if (ret == 0)
    {
      /* The pod's policy stays; one that differs is the container's own (Kubernetes 1.34): its --restart, or
         Podman's default for it, no (Never). */
      const char *pod_policy = pp_plan_str (spec, "restartPolicy") ?: "Always";
      const char *policy = pp_plan_str (pp_node_get (b.pod, "spec"), "restartPolicy") ?: "Never";
      if (strcmp (policy, pod_policy) != 0)
        pp_node_put (&b.a, b.ctr, "restartPolicy", str (&b, policy));
      pp_node_t *ctrs = pp_node_get (spec, "containers");
      if (ctrs == NULL || ctrs->type != PP_NODE_SEQ)
        {
          ctrs = pp_node_new_seq (&b.a);
          pp_node_put (&b.a, spec, "containers", ctrs);
        }
      pp_node_append (&b.a, ctrs, b.ctr);
      ret = take_pod_ports (&b, pp_node_get (j.pod, "metadata"), err);
      pp_node_t *vols = pp_node_get (spec, "volumes");
      if (b.vols->n && (vols == NULL || vols->type != PP_NODE_SEQ))
        pp_node_put (&b.a, spec, "volumes", b.vols);
      else
        for (uint32_t i = 0; i < b.vols->n; i++)
          pp_node_append (&b.a, vols, b.vols->u.items[i]);
      /* The new claims, those there were, then the Pod. */
      for (size_t i = 0; i < j.n; i++)
        if (j.docs[i]->root && j.docs[i]->root != j.pod)
          pp_node_append (&b.a, b.claims, j.docs[i]->root);
      pp_node_append (&b.a, b.claims, j.pod);
    }
  /* The old manifest stays whole at `keep` (none is there: one left behind was put back above), and the new one
     replaces it by a rename. */
  if (ret == 0 && link (file, keep) < 0)
    ret = pp_error_make (err, errno, "keep `%s` as `%s`", file, keep);
  cleanup_free char *written = NULL;
  if (ret == 0 && write_run (ctx, pod, b.claims, &written, err) < 0)
    {
      unlink (keep);
      ret = -1;
    }
  pp_arena_free (&b.a);
  joined_free (&j);
  if (ret < 0)
    return -1;
  *path = steal_pointer (&written);
  *backup = steal_pointer (&keep);
  *name_out = steal_pointer (&name);
  return 0;
}
