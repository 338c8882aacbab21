/* Podman's annotations on a pod, honoured where they map onto what podplay has and named in a warning otherwise:
   the keys, values and meanings are Podman's (libpod/define/annotations.go; kube play reads them in
   pkg/domain/infra/abi/play.go and pkg/specgen/generate/kube). */
#include "play/annotations.h"
#include "play/env.h"
#include "schema/checks.h"

#include <stdint.h>
#include <string.h>

/* What podplay does with an annotation. */
typedef enum
{
  A_USERNS,    /* the pod's user namespace */
  A_INIT_TYPE, /* when init containers run */
  A_ULIMIT,    /* rlimits of every container */
  A_PIDS,      /* a container's pids limit */
  A_SECCOMP,   /* a seccomp profile, where no seccompProfile field says one */
  A_INFRA,     /* podplay's own: the pod is held as Podman's infra container holds one */
  A_IGNORED,   /* named in a warning that says why */
} handling_t;

/* Where an annotation applies: bare (to the pod), with /<container>, or either. */
typedef enum
{
  S_POD,
  S_CTR,
  S_EITHER,
} scope_t;

typedef struct
{
  const char *key;     /* without /<container> */
  uint8_t scope;       /* scope_t */
  uint8_t handling;    /* handling_t */
  const char *meaning; /* in Podman */
  const char *podplay; /* what podplay does; for an ignored one, why */
} annotation_t;

#define P "io.podman.annotations."
#define SECCOMP_POD "seccomp.security.alpha.kubernetes.io/pod"
#define SECCOMP_CTR "container.seccomp.security.alpha.kubernetes.io"

static const annotation_t annotations[] = {
  { P "userns", S_POD, A_USERNS, "sets the pod's user namespace: host, auto, private, keep-id, nomap, ns:PATH",
    "host, auto and private are honoured (auto and private give the pod a user namespace of its own, as hostUsers: "
    "false does, and must not contradict hostUsers); the others are rootless Podman's and are ignored" },
  { P "init.container.type", S_POD, A_INIT_TYPE,
    "says whether init containers run once (the default) or at every start of the pod (always)",
    "always is what podplay does (and Kubernetes, when it makes a pod's sandbox again); once is ignored" },
  { P "ulimit", S_POD, A_ULIMIT, "sets the rlimits of every container: name=soft[:hard],... (-1 for unlimited)",
    "honoured" },
  { P "pids-limit", S_CTR, A_PIDS, "sets the container's pids limit (-1 for none)", "honoured" },
  { SECCOMP_POD, S_POD, A_SECCOMP,
    "sets the pod's seccomp profile: runtime/default, docker/default, unconfined, localhost/FILE",
    "honoured where no securityContext.seccompProfile says one (a localhost FILE is in the manifest's folder); "
    "Kubernetes ignores it since 1.27" },
  { SECCOMP_CTR, S_CTR, A_SECCOMP, "sets the container's seccomp profile, as above",
    "honoured where the container's securityContext.seccompProfile says none; Kubernetes ignores it since 1.27" },
  { P "publish-all", S_CTR, A_IGNORED, "publishes every port the image exposes",
    "that needs the pod network, which podplay does not have yet" },
  { P "autoremove", S_CTR, A_IGNORED, "removes the container when it exits",
    "a pod's containers stay, with their logs, until the pod goes" },
  { P "init", S_CTR, A_IGNORED, "runs an init process (catatonit) as the container's PID 1",
    "podplay has no init binary to run" },
  { P "privileged", S_CTR, A_IGNORED, "is what `podman inspect` shows of --privileged",
    "Podman's kube play takes nothing from it either: securityContext.privileged decides" },
  { P "seccomp", S_CTR, A_IGNORED, "is what `podman inspect` shows of --security-opt seccomp",
    "Podman's kube play takes nothing from it either: securityContext.seccompProfile decides" },
  { P "apparmor", S_CTR, A_IGNORED, "is what `podman inspect` shows of --security-opt apparmor",
    "Podman's kube play takes nothing from it either: securityContext.appArmorProfile decides" },
  { P "label", S_CTR, A_IGNORED, "sets SELinux label options", "podplay sets no SELinux labels" },
  { P "cid-file", S_CTR, A_IGNORED, "names the file `podman run` wrote the container's id to",
    "podplay writes no id file" },
  { P "autoremove-image", S_CTR, A_IGNORED, "removes the image with the container",
    "podplay removes no image a pod used" },
  { P "cpuset", S_CTR, A_IGNORED, "sets the CPUs the container may run on", "podplay sets no cpuset" },
  { P "memory-nodes", S_CTR, A_IGNORED, "sets the NUMA memory nodes the container may use", "podplay sets no cpuset" },
  { P "volumes-from", S_CTR, A_IGNORED, "mounts the volumes of other containers",
    "podplay has none to take: share a volume of the pod" },
  { P "kube.image.volumes.mount", S_CTR, A_IGNORED, "mounts the volumes an image declares",
    "podplay does not: use an image volume" },
  { P "kube.health.check", S_EITHER, A_IGNORED, "marks that health checks keep Kubernetes' timings",
    "podplay's probes always do" },
  { P "infra.name", S_POD, A_IGNORED, "names the pod's infra container",
    "podplay holds a pod's namespaces without one" },
  { PP_ANNOTATION_INFRA, S_POD, A_INFRA,
    "is podplay's own (`podplay pod create` sets it): a pod held as Podman's infra container holds one",
    "true: the pod (its namespaces, address and ports) runs until it is stopped, with no container or with all of "
    "them ended, and `podplay run --pod` adds containers to it" },
  { "io.containers.autoupdate", S_EITHER, A_IGNORED, "is `podman auto-update`'s policy", "podplay has no auto-update" },
  { "io.containers.autoupdate.authfile", S_EITHER, A_IGNORED, "names the auth file of `podman auto-update`",
    "podplay has no auto-update" },
  { "io.containers.sdnotify", S_EITHER, A_IGNORED, "says how systemd is told the pod is ready",
    "podplay does not run under systemd's notify protocol" },
};

static const annotation_t *
find_annotation (const char *key, size_t len)
{
  for (size_t i = 0; i < PP_N_ELEMENTS (annotations); i++)
    if (strlen (annotations[i].key) == len && strncmp (annotations[i].key, key, len) == 0)
      return &annotations[i];
  return NULL;
}

/* Podman's annotations, and the Kubernetes ones Podman reads. */
static bool
ours (const char *key)
{
  return strncmp (key, P, strlen (P)) == 0 || strncmp (key, "io.containers.", 14) == 0 || strcmp (key, SECCOMP_POD) == 0
         || strcmp (key, PP_ANNOTATION_INFRA) == 0
         || strncmp (key, SECCOMP_CTR "/", strlen (SECCOMP_CTR) + 1) == 0;
}

/* The value of an annotation: the pod's own (its template's) first, then the object's, where Podman reads them. */
static const char *
lookup (const pp_node_t *obj, const pp_node_t *meta, const char *key)
{
  const pp_node_t *own = pp_node_get (obj, "metadata");
  const char *v = pp_node_str (pp_node_get (pp_node_get (meta, "annotations"), key));
  if (v == NULL && own != meta)
    v = pp_node_str (pp_node_get (pp_node_get (own, "annotations"), key));
  return v;
}

static const char *const ulimit_names[]
    = { "core",   "cpu",   "data", "fsize",  "locks",  "memlock",    "msgqueue", "nice",
        "nofile", "nproc", "rss",  "rtprio", "rttime", "sigpending", "stack" };
static const char *const rlimit_types[] = {
  "RLIMIT_CORE",    "RLIMIT_CPU",      "RLIMIT_DATA",   "RLIMIT_FSIZE",      "RLIMIT_LOCKS",
  "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_NICE",   "RLIMIT_NOFILE",     "RLIMIT_NPROC",
  "RLIMIT_RSS",     "RLIMIT_RTPRIO",   "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK",
};

/* A limit: a number, or -1 for unlimited. */
static bool
parse_limit (const char *s, size_t len, int64_t *out)
{
  cleanup_free char *copy = xstrndup (s, len);
  return pp_parse_int (copy, out) && *out >= -1;
}

/* One "name=soft[:hard]" of Podman's ulimit annotation (docker's units.ParseUlimit); NULL or why not. */
static const char *
parse_ulimit (const char *s, size_t len, pp_bundle_rlimit_t *out, char *why, size_t size)
{
  const char *eq = memchr (s, '=', len), *end = s + len;
  size_t i = 0;
  while (eq && i < PP_N_ELEMENTS (ulimit_names)
         && !(strlen (ulimit_names[i]) == (size_t) (eq - s) && strncmp (ulimit_names[i], s, (size_t) (eq - s)) == 0))
    i++;
  if (eq == NULL)
    snprintf (why, size, "`%.*s` is not name=soft[:hard]", (int) len, s);
  else if (i == PP_N_ELEMENTS (ulimit_names))
    snprintf (why, size,
              "unknown ulimit `%.*s` (core, cpu, data, fsize, locks, memlock, msgqueue, nice, nofile, "
              "nproc, rss, rtprio, rttime, sigpending or stack)",
              (int) (eq - s), s);
  else
    {
      const char *colon = memchr (eq + 1, ':', (size_t) (end - eq - 1));
      out->type = rlimit_types[i];
      if (!parse_limit (eq + 1, (size_t) ((colon ? colon : end) - eq - 1), &out->soft)
          || (colon && !parse_limit (colon + 1, (size_t) (end - colon - 1), &out->hard)))
        snprintf (why, size, "`%.*s`: a limit is a number, or -1 for unlimited", (int) len, s);
      else if (colon == NULL)
        out->hard = out->soft;
      if (*why == '\0' && out->hard != -1 && (out->soft == -1 || out->soft > out->hard))
        snprintf (why, size, "`%.*s`: the soft limit is above the hard one", (int) len, s);
    }
  return *why ? why : NULL;
}

/* Every limit of the annotation into out (at most 16); NULL or why not. */
static const char *
parse_ulimits (const char *v, pp_bundle_rlimit_t *out, size_t *n, char *why, size_t size)
{
  *why = '\0';
  *n = 0;
  for (const char *p = v; *p; p += *p == ',')
    {
      size_t len = strcspn (p, ",");
      if (*n == 16)
        {
          snprintf (why, size, "more than 16 limits");
          break;
        }
      if (parse_ulimit (p, len, &out[(*n)++], why, size))
        break;
      p += len;
    }
  return *why ? why : NULL;
}

/* runtime/default, docker/default, unconfined or localhost/FILE, as Kubernetes' seccomp annotations say them. */
static const char *
check_seccomp (const char *v)
{
  if (strcmp (v, "runtime/default") == 0 || strcmp (v, "docker/default") == 0 || strcmp (v, "unconfined") == 0)
    return NULL;
  if (strncmp (v, "localhost/", 10) != 0)
    return "must be runtime/default, docker/default, unconfined or localhost/<profile>";
  /* The profile is read beneath the manifest's folder, as a Localhost seccompProfile is. */
  return v[10] == '\0' ? "localhost/ names no profile" : pp_check_path (v + 10, true);
}

static const char *
check_userns (const char *v)
{
  if (*v == '\0' || strcmp (v, "host") == 0 || strcmp (v, "auto") == 0 || strcmp (v, "private") == 0)
    return NULL;
  if (strncmp (v, "auto:", 5) == 0)
    return "honoured as auto: its options are not (a pod's user namespace maps 65536 ids)";
  return "a mode of rootless Podman's: the pod runs in the host's user namespace";
}

/* Where one annotation is checked. */
typedef struct
{
  const pp_doc_t *doc;
  const pp_node_t *obj, *spec;
  const char *path; /* of the annotations map */
  pp_diags_t *diags;
} scope_ctx_t;

static void PP_PRINTF (4, 5) diag (const scope_ctx_t *s, pp_severity_t sev, const pp_node_t *key, const char *fmt, ...)
{
  cleanup_free char *path = xasprintf ("%s[%s]", s->path, key->u.str);
  va_list ap;
  va_start (ap, fmt);
  pp_diags_vadd (s->diags, sev, s->doc->file, s->doc->index, key->line, key->col, path, fmt, ap);
  va_end (ap);
}

/* The value of a known annotation, checked as Podman reads it. */
static void
check_value (const scope_ctx_t *s, const annotation_t *a, const pp_node_t *key, const char *v, const char *ctr)
{
  char why[256] = "";
  const char *problem = NULL;
  pp_bundle_rlimit_t rl[16];
  size_t n;
  int64_t x;
  const pp_node_t *psc = pp_node_get (s->spec, "securityContext"), *hu = pp_node_get (s->spec, "hostUsers");
  switch ((handling_t) a->handling)
    {
    case A_USERNS:
      if ((problem = check_userns (v)) != NULL)
        diag (s, PP_DIAG_WARNING, key, "\"%s\" is %s", v, problem);
      else if (pp_node_bool (hu) >= 0 && pp_node_bool (hu) != (*v == '\0' || strcmp (v, "host") == 0))
        diag (s, PP_DIAG_ERROR, key, "\"%s\" contradicts spec.hostUsers: %s", v, hu->u.str);
      return;
    case A_INIT_TYPE:
      if (strcmp (v, "once") == 0)
        diag (s, PP_DIAG_WARNING, key,
              "once is not honoured: podplay runs init containers at every start of the pod, "
              "as always does (and Kubernetes, when it makes a pod's sandbox again)");
      else if (strcmp (v, "always") != 0)
        diag (s, PP_DIAG_ERROR, key, "invalid value \"%s\": must be always or once", v);
      return;
    case A_ULIMIT:
      if (parse_ulimits (v, rl, &n, why, sizeof why))
        diag (s, PP_DIAG_ERROR, key, "invalid value \"%s\": %s", v, why);
      return;
    case A_PIDS:
      if (!pp_parse_int (v, &x))
        diag (s, PP_DIAG_ERROR, key, "invalid value \"%s\": must be an integer (-1 for no limit)", v);
      return;
    case A_SECCOMP:
      if ((problem = check_seccomp (v)) != NULL)
        diag (s, PP_DIAG_ERROR, key, "invalid value \"%s\": %s", v, problem);
      else if (pp_node_get (ctr ? pp_node_get (pp_pod_container (s->spec, ctr), "securityContext") : psc,
                            "seccompProfile"))
        diag (s, PP_DIAG_WARNING, key, "ignored: %s securityContext.seccompProfile says which profile",
              ctr ? "the container's" : "the pod's");
      else
        diag (s, PP_DIAG_WARNING, key,
              "honoured as Podman does, but Kubernetes ignores it since 1.27: say it with "
              "securityContext.seccompProfile");
      return;
    case A_IGNORED:
      diag (s, PP_DIAG_WARNING, key, "ignored: %s (in Podman it %s)", a->podplay, a->meaning);
      return;
    case A_INFRA:
      if (strcmp (v, "true") != 0 && strcmp (v, "false") != 0)
        diag (s, PP_DIAG_ERROR, key, "invalid value \"%s\": must be \"true\" or \"false\"", v);
      return;
    }
}

/* One annotation of the pod's: known ones checked, Podman's others named. */
static void
check_key (const scope_ctx_t *s, const pp_node_t *key, const pp_node_t *value)
{
  const char *k = key->u.str, *v = pp_node_str (value);
  if (!ours (k) || v == NULL)
    return;
  const char *slash = strchr (k, '/');
  const annotation_t *a = find_annotation (k, strlen (k));
  const char *ctr = NULL;
  if (a == NULL && slash)
    {
      a = find_annotation (k, (size_t) (slash - k));
      ctr = slash + 1;
    }
  const char *name = pp_node_str (pp_node_get (pp_node_get (s->obj, "metadata"), "name")) ?: "";
  if (a == NULL)
    diag (s, PP_DIAG_WARNING, key, "ignored: not an annotation podplay knows, nor one Podman's kube play reads");
  else if (ctr && a->scope == S_POD && !(a->handling == A_USERNS && strcmp (ctr, name) == 0))
    diag (s, PP_DIAG_WARNING, key, "ignored: %s takes no container name (it is the pod's)", a->key);
  else if (ctr == NULL && a->scope == S_CTR)
    diag (s, PP_DIAG_WARNING, key, "ignored: it names no container (Podman reads %s/<container>)", a->key);
  else if (ctr && a->handling != A_USERNS && pp_pod_container (s->spec, ctr) == NULL)
    diag (s, PP_DIAG_WARNING, key, "ignored: no container `%s` in the pod", ctr);
  else
    check_value (s, a, key, v, a->handling == A_USERNS ? NULL : ctr);
}

static void
check_map (const scope_ctx_t *s, const pp_node_t *meta)
{
  const pp_node_t *m = pp_node_get (meta, "annotations");
  for (size_t i = 0; m && m->type == PP_NODE_MAP && i < m->n; i++)
    check_key (s, m->u.pairs[i].key, m->u.pairs[i].value);
}

void
pp_annotations_check (const pp_doc_t *doc, const pp_node_t *obj, pp_diags_t *diags)
{
  const char *kind = pp_node_str (pp_node_get (obj, "kind")) ?: "";
  bool pod = strcmp (kind, "Pod") == 0;
  if (!pod && strcmp (kind, "Deployment") != 0 && strcmp (kind, "DaemonSet") != 0 && strcmp (kind, "Job") != 0)
    return;
  const pp_node_t *tmpl = pp_node_get (pp_node_get (obj, "spec"), "template");
  scope_ctx_t s
      = { doc, obj, pod ? pp_node_get (obj, "spec") : pp_node_get (tmpl, "spec"), "metadata.annotations", diags };
  check_map (&s, pp_node_get (obj, "metadata"));
  s.path = "spec.template.metadata.annotations";
  if (!pod)
    check_map (&s, pp_node_get (tmpl, "metadata"));
}

bool
pp_annotations_userns (const pp_node_t *obj, const pp_node_t *meta, const pp_node_t *spec)
{
  int host_users = pp_node_bool (pp_node_get (spec, "hostUsers"));
  if (host_users >= 0)
    return host_users == 0;
  cleanup_free char *named
      = xasprintf (P "userns/%s", pp_node_str (pp_node_get (pp_node_get (obj, "metadata"), "name")) ?: "");
  const char *v = lookup (obj, meta, P "userns") ?: lookup (obj, meta, named);
  return v && (strcmp (v, "auto") == 0 || strncmp (v, "auto:", 5) == 0 || strcmp (v, "private") == 0);
}

bool
pp_annotations_infra (const pp_node_t *obj, const pp_node_t *meta)
{
  const char *v = lookup (obj, meta, PP_ANNOTATION_INFRA);
  return v && strcmp (v, "true") == 0;
}

/* The profile of a seccomp annotation onto the bundle. */
static void
set_seccomp (const char *v, const char *dir, pp_bundle_spec_t *bs, pp_annotations_ctr_t *out)
{
  if (strcmp (v, "unconfined") == 0)
    bs->seccomp = PP_SECCOMP_UNCONFINED;
  else if (strncmp (v, "localhost/", 10) == 0)
    {
      /* Read beneath the manifest's folder, as a Localhost seccompProfile is. */
      out->seccomp_profile = xstrdup (v + 10);
      bs->seccomp = PP_SECCOMP_LOCALHOST;
      bs->seccomp_profile = out->seccomp_profile;
      bs->seccomp_profile_dir = dir;
    }
  else
    bs->seccomp = PP_SECCOMP_DEFAULT;
}

int64_t
pp_annotations_pids_limit (const pp_node_t *obj, const pp_node_t *meta, const char *name)
{
  cleanup_free char *key = xasprintf (P "pids-limit/%s", name);
  const char *v = lookup (obj, meta, key);
  int64_t x;
  return v && pp_parse_int (v, &x) && x > 0 ? x : 0;
}

int
pp_annotations_container (const pp_node_t *obj, const pp_node_t *meta, const pp_node_t *spec, const pp_node_t *ctr,
                          const char *dir, pp_bundle_spec_t *bs, pp_annotations_ctr_t *out, pp_error_t *err)
{
  const char *name = pp_node_str (pp_node_get (ctr, "name")) ?: "";
  const char *v = lookup (obj, meta, P "ulimit");
  char why[256];
  size_t n = 0;
  if (v && parse_ulimits (v, out->rlimits, &n, why, sizeof why))
    return pp_error_make (err, 0, "container %s: annotation %sulimit: %s", name, P, why);
  bs->rlimits = out->rlimits;
  bs->n_rlimits = n;
  bs->pids_limit = pp_annotations_pids_limit (obj, meta, name);
  /* The kubelet's order, when it read these: the container's field, its annotation, the pod's field, the pod's
     annotation. */
  cleanup_free char *seccomp_key = xasprintf ("%s/%s", SECCOMP_CTR, name);
  if (pp_node_get (pp_node_get (ctr, "securityContext"), "seccompProfile"))
    return 0;
  if ((v = lookup (obj, meta, seccomp_key)) == NULL
      && pp_node_get (pp_node_get (spec, "securityContext"), "seccompProfile") == NULL)
    v = lookup (obj, meta, SECCOMP_POD);
  if (v && check_seccomp (v) == NULL)
    set_seccomp (v, dir, bs, out);
  return 0;
}

void
pp_annotations_ctr_free (pp_annotations_ctr_t *a)
{
  free (a->seccomp_profile);
  a->seccomp_profile = NULL;
}

void
pp_annotations_doc_write (FILE *out)
{
  fputs ("\n## Podman's annotations\n\n"
         "`kube play` reads Podman's annotations on a Pod (on a Deployment, DaemonSet or Job: its own, where Podman\n"
         "reads them, and its pod template's, which win). Every `io.podman.annotations.*` and `io.containers.*`\n"
         "annotation that is not honoured is named in a warning at its position.\n\n"
         "| annotation | in Podman, it | podplay |\n|---|---|---|\n",
         out);
  for (size_t i = 0; i < PP_N_ELEMENTS (annotations); i++)
    {
      const annotation_t *a = &annotations[i];
      fprintf (out, "| `%s%s` | %s | %s%s |\n", a->key,
               a->scope == S_CTR      ? "/<container>"
               : a->scope == S_EITHER ? "[/<container>]"
                                      : "",
               a->meaning, a->handling == A_IGNORED ? "ignored, with a warning: " : "", a->podplay);
    }
}
