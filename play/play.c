/* `kube play`: every document validated first, then each Pod planned (images found or pulled, argv, env, user,
   limits), then created and started, one after the other; a failure removes what this play created.
   `kube down` removes what the state database says a play of those files created. */
#include "play/play.h"
#include "play/env.h"
#include "play/job.h"
#include "play/volumes.h"
#include "image/pull.h"
#include "image/store.h"
#include "runtime/bundle.h"
#include "runtime/namedvol.h"
#include "runtime/pod.h"
#include "runtime/rootfs.h"
#include "runtime/user.h"
#include "runtime/probe.h"
#include "runtime/userns.h"
#include "schema/checks.h"
#include "schema/manifest.h"
#include "state/state.h"

#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <string.h>
#include <time.h>

typedef struct
{
  const pp_node_t *node;
  const char *name, *image_ref, *pull_policy;
  bool init;
  bool volume; /* an image volume's image, resolved as a container's is: `name` is the volume's */
  pp_image_t image;
  bool have_image;
} ctr_plan_t;

typedef struct
{
  const pp_node_t *node;       /* the object: a Pod, or the Deployment or DaemonSet it is a replica of */
  const pp_node_t *spec, *meta; /* the pod's own: the object's, or its template's */
  const pp_doc_t *doc;
  char *name;
  const char *namespace_;
  char *hostname;
  const char *restart_policy;
  int64_t grace;
  ctr_plan_t *c;
  size_t n;
  ctr_plan_t *vimg; /* the images of image volumes */
  size_t n_vimg;
  char *dir;       /* the folder of its file: relative hostPath paths start there */
  char *play_file; /* the file as recorded: its real path, or "-" */
  char hash[17];   /* of what makes the pod: a re-play that changes nothing leaves it alone */
  char *existing;  /* the id of the pod of this name from an earlier play of the file */
  char *hosts_extra, *resolv_conf; /* of hostAliases, dnsPolicy and dnsConfig */
  bool unchanged;
  int ready_fd;      /* the started monitor's, until it says the containers run */
  size_t job;        /* for the template of a Job's pods: its index in the jobs, plus one; else 0 */
  const char *owner; /* the Job that makes the pod ("Job/<name>"), or NULL */
  const char *runtime; /* runtimeClassName, else --runtime: "builtin" (NULL), "runc" or "crun" */
  /* filled while applying */
  char *id;
  char **ctr_ids;
  pp_volumes_t vols;
  uint32_t userns_base; /* hostUsers: false: the first host id its user namespace maps, else 0 */
} pod_plan_t;

/* A Job: what it asks for; its pods are made from a template pod plan by its controller. */
typedef struct
{
  const pp_node_t *node;
  char *name, *owner;
  int64_t completions, parallelism, backoff_limit, deadline;
  size_t tmpl;  /* the index of its template in the pod plans */
  bool started; /* by this play: a rollback removes it */
  bool existed; /* a Job of this name was recorded: it is replaced, or left alone when unchanged */
} job_plan_t;

static const pp_node_t *
path_get (const pp_node_t *n, const char *a, const char *b)
{
  const pp_node_t *x = pp_node_get (n, a);
  return b ? pp_node_get (x, b) : x;
}

static const char *
str_at (const pp_node_t *n, const char *key)
{
  return pp_node_str (pp_node_get (n, key));
}

static bool
int_at (const pp_node_t *n, const char *key, int64_t *out)
{
  const pp_node_t *v = pp_node_get (n, key);
  return v && v->type == PP_NODE_SCALAR && v->tag == PP_TAG_INT && pp_parse_int (v->u.str, out);
}

static bool
bool_at (const pp_node_t *n, const char *key)
{
  const pp_node_t *v = pp_node_get (n, key);
  return v && v->type == PP_NODE_SCALAR && v->tag == PP_TAG_BOOL
         && (strcmp (v->u.str, "true") == 0 || strcmp (v->u.str, "True") == 0 || strcmp (v->u.str, "TRUE") == 0
             || strcmp (v->u.str, "yes") == 0 || strcmp (v->u.str, "on") == 0 || strcmp (v->u.str, "y") == 0);
}

/* A sequence of strings as a NULL-terminated vector (not copied). */
static const char **
str_seq (const pp_node_t *seq)
{
  size_t n = seq && seq->type == PP_NODE_SEQ ? seq->n : 0;
  const char **v = xzalloc ((n + 1) * sizeof (char *));
  for (size_t i = 0; i < n; i++)
    v[i] = pp_node_str (seq->u.items[i]) ?: "";
  return v;
}

/* A sequence of strings with $(VAR) expanded, as an owned NULL-terminated vector. */
static char **
expanded_seq (const pp_node_t *seq, char *const *env)
{
  size_t n = seq && seq->type == PP_NODE_SEQ ? seq->n : 0;
  char **v = xzalloc ((n + 1) * sizeof (char *));
  for (size_t i = 0; i < n; i++)
    v[i] = pp_expand_vars (pp_node_str (seq->u.items[i]) ?: "", env);
  return v;
}

/* Releases what apply_pod filled in (the pod's id, its containers' ids, its volumes): a Job's template is applied
   again for its next pod. */
static void
plan_release_applied (pod_plan_t *p)
{
  pp_volumes_release (&p->vols);
  free (p->id);
  p->id = NULL;
  for (size_t i = 0; p->ctr_ids && i < p->n; i++)
    free (p->ctr_ids[i]);
  free (p->ctr_ids);
  p->ctr_ids = NULL;
}

static void
plan_free (pod_plan_t *p)
{
  for (size_t i = 0; i < p->n; i++)
    if (p->c[i].have_image)
      pp_image_release (&p->c[i].image);
  free (p->c);
  for (size_t i = 0; i < p->n_vimg; i++)
    if (p->vimg[i].have_image)
      pp_image_release (&p->vimg[i].image);
  free (p->vimg);
  free (p->dir);
  free (p->play_file);
  free (p->existing);
  free (p->hosts_extra);
  free (p->resolv_conf);
  free (p->name);
  free (p->hostname);
  plan_release_applied (p);
}

static void
add_containers (pod_plan_t *p, const pp_node_t *seq, bool init)
{
  for (size_t i = 0; seq && seq->type == PP_NODE_SEQ && i < seq->n; i++)
    {
      const pp_node_t *c = seq->u.items[i];
      p->c = xrealloc (p->c, (p->n + 1) * sizeof *p->c);
      ctr_plan_t *cp = &p->c[p->n++];
      memset (cp, 0, sizeof *cp);
      cp->node = c;
      cp->init = init;
      cp->name = str_at (c, "name") ?: "";
      cp->image_ref = str_at (c, "image") ?: "";
      cp->pull_policy = str_at (c, "imagePullPolicy");
    }
}

/* A native sidecar: an init container with restartPolicy Always, which runs beside the main containers. */
static bool
is_sidecar (const ctr_plan_t *c)
{
  return c->init && strcmp (str_at (c->node, "restartPolicy") ?: "", "Always") == 0;
}

/* FNV-1a over a node tree, keys and scalars and structure: the same template gives the same hash. */
static uint64_t
node_hash (const pp_node_t *n, uint64_t h)
{
  if (n == NULL)
    return h;
  unsigned char type = (unsigned char) (n->type + 1);
  h = pp_fnv1a (&type, 1, h);
  if (n->type == PP_NODE_SCALAR)
    h = pp_fnv1a (n->u.str, n->len, h);
  else if (n->type == PP_NODE_MAP)
    for (size_t i = 0; i < n->n; i++)
      h = node_hash (n->u.pairs[i].value, node_hash (n->u.pairs[i].key, h));
  else
    for (size_t i = 0; i < n->n; i++)
      h = node_hash (n->u.items[i], h);
  return h;
}

/* /etc/hosts lines of hostAliases. */
static char *
hosts_extra (const pp_node_t *spec)
{
  pp_buf_t b = { 0 };
  const pp_node_t *al = pp_node_get (spec, "hostAliases");
  for (size_t i = 0; al && al->type == PP_NODE_SEQ && i < al->n; i++)
    {
      const pp_node_t *names = pp_node_get (al->u.items[i], "hostnames");
      pp_buf_printf (&b, "%s", str_at (al->u.items[i], "ip") ?: "");
      for (size_t k = 0; names && names->type == PP_NODE_SEQ && k < names->n; k++)
        pp_buf_printf (&b, "%s%s", k ? " " : "\t", pp_node_str (names->u.items[k]) ?: "");
      pp_buf_puts (&b, "\n");
    }
  return b.data;
}

/* resolv.conf of dnsPolicy and dnsConfig: the host's (without loopback servers) unless the policy is None, with
   dnsConfig's servers, search domains and options added (an option of the same name replaced); NULL when the
   host's serves as it is. */
static char *
resolv_conf (const pp_node_t *spec)
{
  const char *policy = str_at (spec, "dnsPolicy") ?: "ClusterFirst";
  const pp_node_t *cfg = pp_node_get (spec, "dnsConfig");
  bool none = strcmp (policy, "None") == 0;
  if (cfg == NULL && !none)
    return NULL;
  pp_buf_t servers = { 0 }, search = { 0 }, options = { 0 };
  pp_buf_puts (&servers, "");
  pp_buf_puts (&search, "");
  pp_buf_puts (&options, "");
  if (!none)
    {
      cleanup_free char *host = pp_pod_host_resolv_conf ();
      char *save = NULL;
      for (char *line = strtok_r (host, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
        if (strncmp (line, "nameserver", 10) == 0)
          pp_buf_printf (&servers, "%s\n", line);
        else if (strncmp (line, "search", 6) == 0)
          pp_buf_printf (&search, "%s", line + 6);
        else if (strncmp (line, "options", 7) == 0)
          pp_buf_printf (&options, "%s", line + 7);
    }
  const pp_node_t *v = pp_node_get (cfg, "nameservers");
  for (size_t i = 0; v && v->type == PP_NODE_SEQ && i < v->n; i++)
    pp_buf_printf (&servers, "nameserver %s\n", pp_node_str (v->u.items[i]) ?: "");
  v = pp_node_get (cfg, "searches");
  for (size_t i = 0; v && v->type == PP_NODE_SEQ && i < v->n; i++)
    pp_buf_printf (&search, " %s", pp_node_str (v->u.items[i]) ?: "");
  v = pp_node_get (cfg, "options");
  for (size_t i = 0; v && v->type == PP_NODE_SEQ && i < v->n; i++)
    {
      const char *name = str_at (v->u.items[i], "name") ?: "";
      const char *value = str_at (v->u.items[i], "value");
      pp_buf_printf (&options, " %s%s%s", name, value ? ":" : "", value ? value : "");
    }
  pp_buf_t out = { 0 };
  pp_buf_puts (&out, servers.data);
  if (search.len && strspn (search.data, " ") != search.len)
    pp_buf_printf (&out, "search%s\n", search.data);
  if (options.len && strspn (options.data, " ") != options.len)
    pp_buf_printf (&out, "options%s\n", options.data);
  pp_buf_free (&servers);
  pp_buf_free (&search);
  pp_buf_free (&options);
  return out.data;
}

/* Fields the tables mark supported that kube play does not honour yet: each one present is named in a warning,
   never ignored in silence. */
static const char *const pod_fields_pending[] = {
  "readinessGates", NULL,
};
static const char *const pod_security_pending[] = {
  "fsGroupChangePolicy", "seLinuxOptions",
  "appArmorProfile", NULL,
};
static const char *const ctr_fields_pending[] = {
  "volumeDevices", "resizePolicy", NULL,
};
static const char *const ctr_security_pending[] = {
  "seLinuxOptions", "appArmorProfile", "windowsOptions", NULL,
};

/* Whether the pod's containers get a user namespace of their own: hostUsers: false, said as such. */
static bool
pod_user_namespace (const pp_node_t *spec)
{
  const pp_node_t *host_users = pp_node_get (spec, "hostUsers");
  return host_users && host_users->tag == PP_TAG_BOOL && !bool_at (spec, "hostUsers");
}

/* procMount: Unmasked (which the validator allows only with hostUsers: false) is honoured in the pod's user
   namespace, where an unmasked /proc does not reach the host's. */
static bool
proc_unmasked (const pp_node_t *spec, const pp_node_t *ctr)
{
  return strcmp (str_at (pp_node_get (ctr, "securityContext"), "procMount") ?: "", "Unmasked") == 0
         && pod_user_namespace (spec);
}

static void
warn_pending (const pp_doc_t *doc, pp_diags_t *diags, const pp_node_t *map, const char *const *keys,
              const char *where)
{
  for (size_t i = 0; map && keys[i]; i++)
    {
      const pp_node_t *v = pp_node_get (map, keys[i]);
      if (v)
        pp_diags_add (diags, PP_DIAG_WARNING, doc->file, doc->index, v->line, v->col, NULL,
                      "%s%s: kube play does not honour this field yet: it is ignored", where, keys[i]);
    }
}

static void
warn_pending_pod (const pp_doc_t *doc, const pp_node_t *spec, const char *path, pp_diags_t *diags)
{
  cleanup_free char *p1 = xasprintf ("%s.", path);
  cleanup_free char *p2 = xasprintf ("%s.securityContext.", path);
  warn_pending (doc, diags, spec, pod_fields_pending, p1);
  /* A runtime class names the OCI runtime the pod runs under, as a RuntimeClass's handler would. */
  const pp_node_t *rc = pp_node_get (spec, "runtimeClassName");
  if (rc && !pp_runtime_known (pp_node_str (rc) ?: ""))
    pp_diags_add (diags, PP_DIAG_ERROR, doc->file, doc->index, rc->line, rc->col, NULL,
                  "%sruntimeClassName: unknown runtime class \"%s\": podplay runs builtin, runc or crun", p1,
                  pp_node_str (rc) ?: "");
  /* os.name linux is what runs here; a Windows pod cannot. */
  const pp_node_t *os = path_get (spec, "os", "name");
  if (os && strcmp (pp_node_str (os) ?: "", "linux") != 0)
    pp_diags_add (diags, PP_DIAG_ERROR, doc->file, doc->index, os->line, os->col, NULL,
                  "%sos.name: a %s pod cannot run on this Linux machine", p1, pp_node_str (os) ?: "");
  warn_pending (doc, diags, pp_node_get (spec, "securityContext"), pod_security_pending, p2);
  static const char *const lists[] = { "initContainers", "containers" };
  for (size_t l = 0; l < PP_N_ELEMENTS (lists); l++)
    {
      const pp_node_t *cs = pp_node_get (spec, lists[l]);
      for (size_t i = 0; cs && cs->type == PP_NODE_SEQ && i < cs->n; i++)
        {
          cleanup_free char *c1 = xasprintf ("%s.%s[%zu].", path, lists[l], i);
          cleanup_free char *c2 = xasprintf ("%s.%s[%zu].securityContext.", path, lists[l], i);
          warn_pending (doc, diags, cs->u.items[i], ctr_fields_pending, c1);
          /* containerPort only documents a port, here as in a cluster; hostPort publishes it, on the pod network. */
          const pp_node_t *ports = pp_node_get (cs->u.items[i], "ports"), *hp;
          for (size_t k = 0; ports && ports->type == PP_NODE_SEQ && k < ports->n; k++)
            if ((hp = pp_node_get (ports->u.items[k], "hostPort")))
              pp_diags_add (diags, PP_DIAG_WARNING, doc->file, doc->index, hp->line, hp->col, NULL,
                            "%sports[%zu].hostPort: not published yet (it comes with the pod network): it is ignored",
                            c1, k);
          warn_pending (doc, diags, pp_node_get (cs->u.items[i], "securityContext"), ctr_security_pending, c2);
        }
    }
}

/* The hostname is the pod's name, cut to the 63 characters a hostname may have. */
static void
set_hostname (pod_plan_t *p)
{
  const char *hn = str_at (p->spec, "hostname");
  free (p->hostname);
  p->hostname = xstrndup (hn ? hn : p->name, 63);
  for (size_t k = strlen (p->hostname); k > 0 && (p->hostname[k - 1] == '-' || p->hostname[k - 1] == '.'); k--)
    p->hostname[k - 1] = '\0';
}

static void
add_pod (const pp_doc_t *doc, const pp_node_t *obj, const pp_node_t *meta, const pp_node_t *spec, char *name,
         pod_plan_t **pods, size_t *n)
{
  *pods = xrealloc (*pods, (*n + 1) * sizeof **pods);
  pod_plan_t *p = &(*pods)[(*n)++];
  memset (p, 0, sizeof *p);
  p->node = obj;
  p->doc = doc;
  p->spec = spec;
  p->meta = meta;
  p->name = name;
  char buf[PATH_MAX];
  if (strcmp (doc->file, "<stdin>") != 0 && realpath (doc->file, buf))
    {
      char *slash = strrchr (buf, '/');
      p->dir = slash && slash != buf ? xstrndup (buf, (size_t) (slash - buf)) : xstrdup ("/");
    }
  else
    p->dir = getcwd (buf, sizeof buf) ? xstrdup (buf) : xstrdup ("/");
  p->namespace_ = str_at (pp_node_get (obj, "metadata"), "namespace") ?: "default";
  set_hostname (p);
  p->hosts_extra = hosts_extra (spec);
  p->resolv_conf = resolv_conf (spec);
  p->restart_policy = str_at (spec, "restartPolicy") ?: "Always";
  if (!int_at (spec, "terminationGracePeriodSeconds", &p->grace))
    p->grace = 30;
  add_containers (p, pp_node_get (spec, "initContainers"), true);
  add_containers (p, pp_node_get (spec, "containers"), false);
}

/* The pods of the documents: Pods, and the replicas of Deployments and DaemonSets (a List's items included);
   other kinds are named in a warning. */
static void
collect_object (const pp_doc_t *doc, const pp_node_t *obj, pod_plan_t **pods, size_t *n, job_plan_t **jobs,
                size_t *n_jobs, pp_play_objects_t *objs, pp_diags_t *diags)
{
  const char *kind = str_at (obj, "kind") ?: "";
  if (strcmp (kind, "List") == 0 || (strlen (kind) > 4 && strcmp (kind + strlen (kind) - 4, "List") == 0))
    {
      const pp_node_t *items = pp_node_get (obj, "items");
      for (size_t i = 0; items && items->type == PP_NODE_SEQ && i < items->n; i++)
        collect_object (doc, items->u.items[i], pods, n, jobs, n_jobs, objs, diags);
      return;
    }
  const pp_node_t *meta = pp_node_get (obj, "metadata"), *spec = pp_node_get (obj, "spec");
  const char *name = str_at (meta, "name") ?: "";
  if (strcmp (kind, "Pod") == 0)
    {
      warn_pending_pod (doc, spec, "spec", diags);
      add_pod (doc, obj, meta, spec, xstrdup (name), pods, n);
    }
  else if (strcmp (kind, "Deployment") == 0 || strcmp (kind, "DaemonSet") == 0)
    {
      /* Replicas are pods named after the workload and its template's hash, as a ReplicaSet names them, with
         their index in place of a random suffix: a re-play finds the same names.  A DaemonSet has one node
         here, so one pod. */
      const pp_node_t *tmpl = pp_node_get (spec, "template");
      int64_t replicas = 1;
      if (strcmp (kind, "Deployment") == 0 && !int_at (spec, "replicas", &replicas))
        replicas = 1;
      uint64_t h = node_hash (tmpl, PP_FNV_OFFSET);
      warn_pending_pod (doc, pp_node_get (tmpl, "spec"), "spec.template.spec", diags);
      for (int64_t r = 0; r < replicas; r++)
        add_pod (doc, obj, pp_node_get (tmpl, "metadata"), pp_node_get (tmpl, "spec"),
                 strcmp (kind, "DaemonSet") == 0 ? xasprintf ("%s-%05llx", name, (unsigned long long) (h & 0xfffff))
                                                 : xasprintf ("%s-%010llx-%lld", name,
                                                              (unsigned long long) (h & 0xffffffffffULL),
                                                              (long long) r),
                 pods, n);
    }
  else if (strcmp (kind, "Job") == 0)
    {
      /* Its controller makes the pods, named `<job>-<n>`; the template is planned (images, references,
         volumes checked) as a pod of its own under the name of the first. */
      const pp_node_t *tmpl = pp_node_get (spec, "template");
      warn_pending_pod (doc, pp_node_get (tmpl, "spec"), "spec.template.spec", diags);
      *jobs = xrealloc (*jobs, (*n_jobs + 1) * sizeof **jobs);
      job_plan_t *j = &(*jobs)[(*n_jobs)++];
      memset (j, 0, sizeof *j);
      j->node = obj;
      j->name = xstrdup (name);
      j->owner = pp_job_owner (name);
      /* Kubernetes' defaults: one completion, one at a time, six failures allowed, no deadline. */
      bool has_completions = int_at (spec, "completions", &j->completions);
      if (!int_at (spec, "parallelism", &j->parallelism))
        j->parallelism = 1;
      if (!has_completions)
        j->completions = pp_node_get (spec, "parallelism") ? 0 : 1;
      if (!int_at (spec, "backoffLimit", &j->backoff_limit))
        j->backoff_limit = 6;
      if (!int_at (spec, "activeDeadlineSeconds", &j->deadline))
        j->deadline = 0;
      j->tmpl = *n;
      add_pod (doc, obj, pp_node_get (tmpl, "metadata"), pp_node_get (tmpl, "spec"), xasprintf ("%s-0", name), pods,
               n);
      (*pods)[*n - 1].job = *n_jobs;
      (*pods)[*n - 1].owner = j->owner;
    }
  else if (strcmp (kind, "ConfigMap") == 0 || strcmp (kind, "Secret") == 0
           || strcmp (kind, "PersistentVolumeClaim") == 0)
    pp_play_objects_add (objs, kind, obj);
  else
    pp_diags_add (diags, PP_DIAG_WARNING, doc->file, doc->index, obj->line, obj->col, "kind",
                  "a %s is not played yet (Pods, Deployments, DaemonSets and Jobs are): it is skipped", kind);
}

/* The pull policy Kubernetes applies when none is given: Always for :latest or no tag, else IfNotPresent. */
static const char *
pull_policy (const ctr_plan_t *c)
{
  if (c->pull_policy)
    return c->pull_policy;
  const char *slash = strrchr (c->image_ref, '/');
  const char *last = slash ? slash + 1 : c->image_ref;
  if (strchr (c->image_ref, '@'))
    return "IfNotPresent";
  const char *colon = strchr (last, ':');
  return colon == NULL || strcmp (colon, ":latest") == 0 ? "Always" : "IfNotPresent";
}

static int
resolve_image (pp_context_t *ctx, pp_store_t *store, const pod_plan_t *p, ctr_plan_t *c, pp_error_t *err)
{
  const char *policy = pull_policy (c);
  bool present = pp_store_lookup (store, c->image_ref, &c->image, NULL) == 0;
  /* Images that live only here (localhost/...) are never pulled, whatever the policy. */
  bool local = strncmp (c->image_ref, "localhost/", 10) == 0;
  if (present && (strcmp (policy, "Always") != 0 || local))
    {
      c->have_image = true;
      return 0;
    }
  if (present)
    pp_image_release (&c->image);
  if (strcmp (policy, "Never") == 0 || local)
    return pp_error_make (err, 0, "%s:%u:%u: pod %s, %s %s: image `%s` is not in the store%s", p->doc->file,
                          c->node->line, c->node->col, p->name, c->volume ? "volume" : "container", c->name,
                          c->image_ref,
                          local       ? ""
                          : c->volume ? " and pullPolicy is Never"
                                      : " and imagePullPolicy is Never");
  pp_pull_opts_t opts = { .tls_verify = true, .quiet = true };
  pp_load_result_t res = { 0 };
  pp_error_t perr = NULL;
  int ret = pp_image_pull (ctx, store, c->image_ref, &opts, &res, &perr);
  pp_load_result_release (&res);
  if (ret < 0)
    {
      if (present && strcmp (policy, "Always") == 0)
        {
          /* Kubernetes fails here; one machine offline is better served by the copy it has, said aloud. */
          pp_warning (ctx, "pod %s, %s %s: pull of `%s` failed (%s); using the stored image", p->name,
                      c->volume ? "volume" : "container", c->name, c->image_ref, perr->msg);
          pp_error_release (&perr);
          ret = pp_store_lookup (store, c->image_ref, &c->image, err);
          c->have_image = ret == 0;
          return ret;
        }
      pp_error_make (err, 0, "%s:%u:%u: pod %s, %s %s: %s", p->doc->file, c->node->line, c->node->col, p->name,
                     c->volume ? "volume" : "container", c->name, perr->msg);
      pp_error_release (&perr);
      return -1;
    }
  ret = pp_store_lookup (store, c->image_ref, &c->image, err);
  c->have_image = ret == 0;
  return ret;
}

/* The images of a pod's image volumes, pulled by the rules of container images before anything is made. */
static int
resolve_volume_images (pp_context_t *ctx, pp_store_t *store, pod_plan_t *p, pp_error_t *err)
{
  pp_volume_image_t *vi = NULL;
  p->n_vimg = pp_volumes_images (p->spec, &vi);
  p->vimg = xzalloc ((p->n_vimg + 1) * sizeof *p->vimg);
  int ret = 0;
  for (size_t i = 0; ret == 0 && i < p->n_vimg; i++)
    {
      p->vimg[i] = (ctr_plan_t){ .node = vi[i].node,
                                 .name = vi[i].volume,
                                 .image_ref = vi[i].reference,
                                 .pull_policy = vi[i].pull_policy,
                                 .volume = true };
      ret = resolve_image (ctx, store, p, &p->vimg[i], err);
    }
  free (vi);
  return ret;
}

static bool
quantity_at (const pp_node_t *map, const char *key, long double *out)
{
  const pp_node_t *v = pp_node_get (map, key);
  pp_quantity_t q;
  if (v == NULL || v->type != PP_NODE_SCALAR || pp_quantity_parse (v->u.str, &q) != NULL)
    return false;
  *out = q.value;
  return true;
}

/* A container's cgroup, under its pod's, which the pod's teardown removes whole. */
static char *
ctr_cgroup (const char *pod_id, const char *ctr_id)
{
  return xasprintf ("/podplay/%s/%s", pod_id, ctr_id);
}

/* config.json of one container. */
static int
write_bundle (pp_context_t *ctx, const pp_play_objects_t *objs, const pod_plan_t *p, size_t i, const char *ctr_id,
              pp_error_t *err)
{
  const ctr_plan_t *c = &p->c[i];
  const pp_node_t *spec = p->spec;
  json_t *cfg = json_object_get (c->image.config, "config");
  cleanup_free char *rootfs = pp_ctr_rootfs (ctx, ctr_id);
  cleanup_free char *dir = pp_ctr_datadir (ctx, ctr_id);
  cleanup_free char *run = pp_pod_rundir (ctx, p->id);

  /* The container's own variables first: $(VAR) in command and args expands with them, as the kubelet does. */
  char hostname_buf[256] = "localhost";
  gethostname (hostname_buf, sizeof hostname_buf - 1);
  cleanup_free char *where = xasprintf ("pod %s, container %s", p->name, c->name);
  pp_env_pod_t ep = { .file = p->doc->file, .where = where, .name = p->name, .namespace_ = p->namespace_,
                      .uid = p->id, .node_name = hostname_buf, .meta = p->meta, .spec = p->spec };
  char **kenv = pp_play_env (objs, &ep, c->node, err);
  if (kenv == NULL)
    return -1;
  char **command = expanded_seq (pp_node_get (c->node, "command"), kenv);
  char **args = expanded_seq (pp_node_get (c->node, "args"), kenv);
  char **argv = pp_bundle_args (c->image.config, (const char *const *) command, (const char *const *) args, err);
  pp_strv_free (command);
  pp_strv_free (args);
  if (argv == NULL)
    {
      pp_strv_free (kenv);
      return pp_error_wrap (err, "pod %s, container %s", p->name, c->name);
    }

  /* The image's environment, then the container's, a later name replacing an earlier one. */
  size_t n_env = 0, n_kenv = 0;
  json_t *ienv = json_object_get (cfg, "Env");
  while (kenv[n_kenv])
    n_kenv++;
  char **env = xzalloc ((json_array_size (ienv) + n_kenv + 2) * sizeof (char *));
  env[n_env++] = xasprintf ("HOSTNAME=%s", p->hostname);
  size_t k;
  json_t *e;
  json_array_foreach (ienv, k, e) env[n_env++] = xstrdup (json_string_value (e) ?: "");
  for (size_t j = 0; j < n_kenv; j++)
    {
      size_t len = strcspn (kenv[j], "=");
      for (size_t x = 0; x < n_env; x++)
        if (strncmp (env[x], kenv[j], len) == 0 && env[x][len] == '=')
          {
            free (env[x]);
            env[x] = env[--n_env];
            break;
          }
      env[n_env++] = steal_pointer (&kenv[j]);
    }
  env[n_env] = NULL;
  pp_strv_free (kenv);

  const char *cwd = str_at (c->node, "workingDir");
  if (cwd == NULL || *cwd == '\0')
    cwd = json_string_value (json_object_get (cfg, "WorkingDir"));
  /* The image's USER and its groups, looked up in the container's own files, read inside its root. */
  cleanup_close int root_fd = open (rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  uint32_t uid = 0, gid = 0;
  int ret = root_fd < 0 ? pp_error_make (err, errno, "open the root filesystem")
                        : pp_user_resolve (root_fd, json_string_value (json_object_get (cfg, "User")), &uid, &gid, err);
  if (ret < 0)
    pp_error_wrap (err, "%s", where);
  const pp_node_t *psc = pp_node_get (spec, "securityContext"), *sc = pp_node_get (c->node, "securityContext");
  int64_t v;
  if (int_at (sc, "runAsUser", &v) || int_at (psc, "runAsUser", &v))
    uid = (uint32_t) v;
  if (int_at (sc, "runAsGroup", &v) || int_at (psc, "runAsGroup", &v))
    gid = (uint32_t) v;
  /* runAsNonRoot, enforced as the kubelet does: on the user the container would run as. */
  const pp_node_t *nonroot = pp_node_get (sc, "runAsNonRoot") ?: pp_node_get (psc, "runAsNonRoot");
  if (ret == 0 && uid == 0 && nonroot && bool_at (pp_node_get (sc, "runAsNonRoot") ? sc : psc, "runAsNonRoot"))
    ret = pp_error_make (err, 0,
                         "%s:%u:%u: %s: runAsNonRoot is true but the container would run as root (uid 0): set "
                         "runAsUser, or use an image whose USER is not root",
                         p->doc->file, nonroot->line, nonroot->col, where);
  /* seccompProfile: the container's, else the pod's; RuntimeDefault when neither says. */
  const pp_node_t *sp = pp_node_get (sc, "seccompProfile") ?: pp_node_get (psc, "seccompProfile");
  const char *sp_type = str_at (sp, "type") ?: "RuntimeDefault";
  cleanup_free char *sp_file = NULL;
  pp_seccomp_choice_t seccomp = PP_SECCOMP_DEFAULT;
  if (strcmp (sp_type, "Unconfined") == 0)
    seccomp = PP_SECCOMP_UNCONFINED;
  else if (strcmp (sp_type, "Localhost") == 0)
    {
      /* A kubelet reads it under its seccomp root; here it is read beneath the manifest's folder. */
      sp_file = xstrdup (str_at (sp, "localhostProfile") ?: "");
      seccomp = PP_SECCOMP_LOCALHOST;
    }
  const pp_node_t *sg = pp_node_get (psc, "supplementalGroups");
  uint32_t groups[64];
  size_t n_groups = 0;
  for (size_t j = 0; sg && sg->type == PP_NODE_SEQ && j < sg->n && n_groups < PP_N_ELEMENTS (groups); j++)
    if (pp_parse_int (sg->u.items[j]->u.str ?: "", &v))
      groups[n_groups++] = (uint32_t) v;
  /* fsGroup owns the pod's volumes: every container is in it. */
  if (int_at (psc, "fsGroup", &v) && n_groups < PP_N_ELEMENTS (groups))
    groups[n_groups++] = (uint32_t) v;
  /* supplementalGroupsPolicy Merge (the default): the groups the image's /etc/group puts the user in as well;
     Strict: only those the pod names. */
  if (strcmp (str_at (psc, "supplementalGroupsPolicy") ?: "Merge", "Strict") != 0)
    {
      uint32_t more[32];
      size_t n_more = 0;
      if (ret == 0 && pp_user_groups (root_fd, uid, gid, more, PP_N_ELEMENTS (more), &n_more, err) < 0)
        ret = pp_error_wrap (err, "%s", where);
      for (size_t j = 0; j < n_more && n_groups < PP_N_ELEMENTS (groups); j++)
        {
          bool seen = false;
          for (size_t q = 0; q < n_groups && !seen; q++)
            seen = groups[q] == more[j];
          if (!seen)
            groups[n_groups++] = more[j];
        }
    }

  cleanup_free const char **cap_add = str_seq (path_get (sc, "capabilities", "add"));
  cleanup_free const char **cap_drop = str_seq (path_get (sc, "capabilities", "drop"));
  const pp_node_t *limits = path_get (c->node, "resources", "limits");
  const pp_node_t *requests = path_get (c->node, "resources", "requests");
  long double mem = 0, cpu = 0, cpu_req = 0;
  quantity_at (limits, "memory", &mem);
  quantity_at (limits, "cpu", &cpu);
  if (!quantity_at (requests, "cpu", &cpu_req))
    cpu_req = cpu;

  pp_bundle_ns_t ns[7];
  size_t n_ns = 0;
  /* The pod's user namespace first: the runtime joins it before the others, which it owns. */
  cleanup_free char *userns = xasprintf ("%s/ns/user", run);
  if (p->userns_base)
    ns[n_ns++] = (pp_bundle_ns_t){ "user", userns };
  cleanup_free char *net = xasprintf ("%s/ns/net", run);
  cleanup_free char *ipc = xasprintf ("%s/ns/ipc", run);
  cleanup_free char *uts = xasprintf ("%s/ns/uts", run);
  /* hostNetwork, hostIPC, hostPID: the host's namespace, which a bundle says by naming none of that type
     (hostNetwork takes the host's hostname too, as on a node). */
  if (!bool_at (spec, "hostNetwork"))
    {
      ns[n_ns++] = (pp_bundle_ns_t){ "network", net };
      ns[n_ns++] = (pp_bundle_ns_t){ "uts", uts };
    }
  if (!bool_at (spec, "hostIPC"))
    ns[n_ns++] = (pp_bundle_ns_t){ "ipc", ipc };
  cleanup_free char *pidns = xasprintf ("%s/ns/pid", run);
  if (!bool_at (spec, "hostPID"))
    ns[n_ns++] = (pp_bundle_ns_t){ "pid", bool_at (spec, "shareProcessNamespace") ? pidns : NULL };
  ns[n_ns++] = (pp_bundle_ns_t){ "mount", NULL };
  ns[n_ns++] = (pp_bundle_ns_t){ "cgroup", NULL };
  cleanup_free char *hosts = xasprintf ("%s/hosts", run);
  cleanup_free char *hostname = xasprintf ("%s/hostname", run);
  cleanup_free char *resolv = xasprintf ("%s/resolv.conf", run);
  /* The pod's /etc files, then the container's volumes. */
  pp_bundle_mount_t *vmounts = NULL;
  char **vowned = NULL;
  size_t n_vmounts = 0;
  pp_env_pod_t vp = { .file = p->doc->file, .where = where, .spec = p->spec };
  if (ret == 0)
    ret = pp_volume_mounts (&p->vols, &vp, c->node, env, &vmounts, &n_vmounts, &vowned, err);
  pp_bundle_mount_t *mounts = xzalloc ((n_vmounts + 4) * sizeof (pp_bundle_mount_t));
  mounts[0] = (pp_bundle_mount_t){ "/etc/hosts", hosts, false };
  mounts[1] = (pp_bundle_mount_t){ "/etc/hostname", hostname, false };
  mounts[2] = (pp_bundle_mount_t){ "/etc/resolv.conf", resolv, false };
  for (size_t m = 0; m < n_vmounts; m++)
    mounts[3 + m] = vmounts[m];
  cleanup_free char *cgroups = ctr_cgroup (p->id, ctr_id);
  const pp_node_t *ape = pp_node_get (sc, "allowPrivilegeEscalation");
  /* The pod's sysctls, in each container's namespaces (the validator let only namespaced ones through). */
  const pp_node_t *sysctls = pp_node_get (psc, "sysctls");
  size_t n_sysctls = sysctls && sysctls->type == PP_NODE_SEQ ? sysctls->n : 0;
  pp_bundle_sysctl_t *sysctl = xzalloc ((n_sysctls + 1) * sizeof *sysctl);
  char **sysctl_names = xzalloc ((n_sysctls + 1) * sizeof (char *));
  for (size_t j = 0; j < n_sysctls; j++)
    {
      sysctl_names[j] = pp_sysctl_normalize (str_at (sysctls->u.items[j], "name") ?: "");
      sysctl[j] = (pp_bundle_sysctl_t){ sysctl_names[j], str_at (sysctls->u.items[j], "value") ?: "" };
    }
  cleanup_free char *seccomp_cache = xasprintf ("%s/seccomp", ctx->runroot);
  pp_bundle_spec_t bs = {
    .args = (const char *const *) argv,
    .env = (const char *const *) env,
    .cwd = cwd,
    .uid = uid,
    .gid = gid,
    .groups = groups,
    .n_groups = n_groups,
    .readonly_rootfs = bool_at (sc, "readOnlyRootFilesystem"),
    .privileged = bool_at (sc, "privileged"),
    .no_new_privileges = ape != NULL && !bool_at (sc, "allowPrivilegeEscalation"),
    .cap_add = cap_add,
    .cap_drop = cap_drop,
    .namespaces = ns,
    .n_namespaces = n_ns,
    .userns_base = p->userns_base,
    .memory_limit = (int64_t) mem,
    .cpu_quota = cpu > 0 ? (int64_t) ceill (cpu * 100000) : 0,
    .cpu_period = cpu > 0 ? 100000 : 0,
    .cpu_shares = cpu_req > 0 ? (uint64_t) fmaxl (2, floorl (cpu_req * 1024)) : 0,
    .cgroups_path = cgroups,
    .root_path = rootfs,
    .mounts = mounts,
    .n_mounts = 3 + n_vmounts,
    .seccomp = seccomp,
    .seccomp_profile = sp_file,
    .seccomp_profile_dir = p->dir,
    .seccomp_cache = seccomp_cache,
    .sysctls = sysctl,
    .n_sysctls = n_sysctls,
    .proc_unmasked = proc_unmasked (spec, c->node),
    .terminal = bool_at (c->node, "tty"),
  };
  if (ret == 0 && pp_bundle_write (dir, &bs, err) < 0)
    ret = pp_error_wrap (err, "%s", where);
  pp_strv_free (argv);
  pp_strv_free (env);
  free (mounts);
  free (vmounts);
  pp_strv_free (vowned);
  pp_strv_free (sysctl_names);
  free (sysctl);
  return ret;
}

/* A port of a probe: a number, or the name of one of the container's ports. */
static int64_t
probe_port (const pp_node_t *port, const pp_node_t *ctr)
{
  int64_t v = 0;
  if (port && port->type == PP_NODE_SCALAR && port->tag == PP_TAG_INT && pp_parse_int (port->u.str, &v))
    return v;
  const char *name = pp_node_str (port);
  const pp_node_t *ports = pp_node_get (ctr, "ports");
  for (size_t i = 0; name && ports && ports->type == PP_NODE_SEQ && i < ports->n; i++)
    if (strcmp (str_at (ports->u.items[i], "name") ?: "", name) == 0 && int_at (ports->u.items[i], "containerPort", &v))
      return v;
  return 0;
}

/* A probe as the monitor runs it: its handler and its timings. */
static json_t *
probe_json (const pp_node_t *probe, const pp_node_t *ctr)
{
  if (probe == NULL)
    return NULL;
  json_t *j = json_object ();
  static const char *const timings[] = { "initialDelaySeconds", "periodSeconds", "timeoutSeconds", "successThreshold",
                                         "failureThreshold", "terminationGracePeriodSeconds" };
  for (size_t i = 0; i < PP_N_ELEMENTS (timings); i++)
    {
      int64_t v;
      if (int_at (probe, timings[i], &v))
        json_object_set_new (j, timings[i], json_integer (v));
    }
  const pp_node_t *h;
  if ((h = pp_node_get (probe, "exec")))
    {
      json_t *argv = json_array ();
      const pp_node_t *cmd = pp_node_get (h, "command");
      for (size_t i = 0; cmd && cmd->type == PP_NODE_SEQ && i < cmd->n; i++)
        json_array_append_new (argv, json_string (pp_node_str (cmd->u.items[i]) ?: ""));
      json_object_set_new (j, "exec", argv);
    }
  else if ((h = pp_node_get (probe, "httpGet")))
    {
      json_t *headers = json_array ();
      const pp_node_t *hs = pp_node_get (h, "httpHeaders");
      for (size_t i = 0; hs && hs->type == PP_NODE_SEQ && i < hs->n; i++)
        json_array_append_new (headers, json_pack ("[s, s]", str_at (hs->u.items[i], "name") ?: "",
                                                   str_at (hs->u.items[i], "value") ?: ""));
      json_object_set_new (j, "http",
                           json_pack ("{s:I, s:s, s:s, s:s, s:o}", "port",
                                      (json_int_t) probe_port (pp_node_get (h, "port"), ctr), "path",
                                      str_at (h, "path") ?: "/", "host", str_at (h, "host") ?: "127.0.0.1", "scheme",
                                      str_at (h, "scheme") ?: "HTTP", "headers", headers));
    }
  else if ((h = pp_node_get (probe, "grpc")))
    json_object_set_new (j, "grpc",
                         json_pack ("{s:I, s:s, s:s}", "port", (json_int_t) probe_port (pp_node_get (h, "port"), ctr),
                                    "host", "127.0.0.1", "service", str_at (h, "service") ?: ""));
  else if ((h = pp_node_get (probe, "tcpSocket")))
    json_object_set_new (j, "tcp", json_pack ("{s:I, s:s}", "port", (json_int_t) probe_port (pp_node_get (h, "port"), ctr),
                                              "host", str_at (h, "host") ?: "127.0.0.1"));
  return j;
}

/* The pod's FQDN when it has a subdomain, as the kubelet makes it: <hostname>.<subdomain>.<namespace>.svc.<cluster
   domain>; NULL without one. */
static char *
pod_fqdn (const pod_plan_t *p)
{
  const char *sub = str_at (p->spec, "subdomain");
  return sub && *sub ? xasprintf ("%s.%s.%s.svc.cluster.local", p->hostname, sub, p->namespace_) : NULL;
}

static json_t *
plan_json (const pod_plan_t *p, const char *runtime, const char *netns)
{
  json_t *cs = json_array ();
  for (size_t i = 0; i < p->n; i++)
    {
      cleanup_free char *cg = ctr_cgroup (p->id, p->ctr_ids[i]);
      json_t *probes = json_object ();
      for (int k = 0; k < PP_PROBE_KINDS; k++)
        {
          json_t *pj = probe_json (pp_node_get (p->c[i].node, pp_probe_names[k]), p->c[i].node);
          if (pj)
            json_object_set_new (probes, pp_probe_names[k], pj);
        }
      /* Lifecycle hooks have a probe's handlers (and sleep). */
      json_t *hooks = json_object ();
      static const char *const hook_names[] = { "postStart", "preStop" };
      for (size_t k = 0; k < PP_N_ELEMENTS (hook_names); k++)
        {
          const pp_node_t *h = pp_node_get (path_get (p->c[i].node, "lifecycle", hook_names[k]), "sleep");
          json_t *hj = probe_json (path_get (p->c[i].node, "lifecycle", hook_names[k]), p->c[i].node);
          int64_t secs;
          if (hj && h && int_at (h, "seconds", &secs))
            json_object_set_new (hj, "sleep", json_integer (secs));
          if (hj)
            json_object_set_new (hooks, hook_names[k], hj);
        }
      /* A sidecar is an init container that is restarted, whatever the pod's policy.  stdinOnce closes stdin after
         the first attach, and nothing attaches here: its stdin stays open as with stdin alone. */
      const pp_node_t *c = p->c[i].node;
      json_array_append_new (cs, json_pack ("{s:s, s:s, s:b, s:b, s:b, s:b, s:s, s:o, s:o}", "id", p->ctr_ids[i],
                                            "name", p->c[i].name, "init", p->c[i].init, "sidecar",
                                            is_sidecar (&p->c[i]),
                                            "tty", bool_at (c, "tty"), "stdin", bool_at (c, "stdin"), "cgroup", cg,
                                            "probes", probes, "lifecycle", hooks));
    }
  json_t *plan = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:O, s:o}", "id", p->id, "name", p->name, "hostname",
                    p->hostname, "restartPolicy", p->restart_policy, "runtime", runtime ? runtime : "builtin",
                    "terminationGracePeriodSeconds", (json_int_t) p->grace, "shareProcessNamespace",
                    bool_at (p->spec, "shareProcessNamespace"), "tmpfs", p->vols.tmpfs ? p->vols.tmpfs : json_array (),
                    "containers", cs);
  if (netns)
    json_object_set_new (plan, "netns", json_string (netns));
  if (p->vols.claims)
    json_object_set (plan, "namedVolumes", p->vols.claims);
  if (p->vols.idmapped)
    json_object_set (plan, "idmappedClaims", p->vols.idmapped);
  if (json_array_size (p->vols.images))
    json_object_set (plan, "imageVolumes", p->vols.images);
  if (json_array_size (p->vols.shared))
    json_object_set (plan, "sharedMounts", p->vols.shared);
  /* What `pod start` needs to make the /etc files again after a reboot. */
  if (p->hosts_extra)
    json_object_set_new (plan, "hostsExtra", json_string (p->hosts_extra));
  if (p->resolv_conf)
    json_object_set_new (plan, "resolvConf", json_string (p->resolv_conf));
  cleanup_free char *fqdn = pod_fqdn (p);
  if (fqdn)
    json_object_set_new (plan, "fqdn", json_string (fqdn));
  return plan;
}

/* The name a pod that replaces another is recorded under until the other is gone: no Kubernetes name has a `~`. */
static char *
replacement_name (const char *name)
{
  return xasprintf ("%s~new", name);
}

static int
record_pod (pp_state_t *state, const pod_plan_t *p, const char *play_file, pp_error_t *err)
{
  if (pp_state_begin (state, err) < 0)
    return -1;
  pp_pod_rec_t rec = { .id = xstrdup (p->id), .name = p->existing ? replacement_name (p->name) : xstrdup (p->name), .namespace_ = xstrdup (p->namespace_),
                       .play_file = xstrdup (play_file), .spec_hash = xstrdup (p->hash), .status = xstrdup ("Created"),
                       .created = (int64_t) time (NULL), .owner = p->owner ? xstrdup (p->owner) : NULL };
  int ret = pp_state_pod_add (state, &rec, err);
  pp_pod_rec_release (&rec);
  for (size_t i = 0; ret == 0 && i < p->n; i++)
    {
      pp_container_rec_t c = { .id = xstrdup (p->ctr_ids[i]), .pod_id = xstrdup (p->id),
                               .name = xstrdup (p->c[i].name), .image = xstrdup (p->c[i].image_ref),
                               .image_id = xstrdup (p->c[i].image.id),
                               .init = p->c[i].init, .sidecar = is_sidecar (&p->c[i]), .status = xstrdup ("Created"),
                               .exit_code = -1 };
      ret = pp_state_container_add (state, &c, err);
      pp_container_rec_release (&c);
    }
  if (ret < 0)
    {
      pp_state_rollback (state);
      return -1;
    }
  return pp_state_commit (state, err);
}

/* The named volumes of a user-namespaced pod are bound idmapped under <root>/pods/<pod>/claims: they outlive the
   pod and other pods share them, so their owners stay the host's and the pod's root sees host root's files as
   its own, as the kubelet mounts volumes of such pods. */
static int
idmap_claims (pp_context_t *ctx, pod_plan_t *p, pp_error_t *err)
{
  cleanup_close int userns = pp_pod_userns_open (ctx, p->id, err);
  if (userns < 0)
    return userns == -2 ? pp_error_make (err, ENOENT, "pod %.12s has no user namespace", p->id) : -1;
  cleanup_free char *data = pp_pod_datadir (ctx, p->id);
  cleanup_free char *dir = xasprintf ("%s/claims", data);
  for (size_t i = 0; i < p->vols.n; i++)
    {
      pp_volume_t *v = &p->vols.v[i];
      if (!v->claim)
        continue;
      char *target = xasprintf ("%s/%s", dir, v->name);
      if (pp_mkdir_p (dir, 0700) < 0 || pp_userns_idmapped_bind (v->source, target, userns, err) < 0)
        {
          free (target);
          return pp_error_wrap (err, "volume %s", v->name);
        }
      if (p->vols.idmapped == NULL)
        p->vols.idmapped = json_array ();
      json_array_append_new (p->vols.idmapped, json_pack ("{s:s, s:s}", "source", v->source, "path", target));
      free (v->source);
      v->source = target;
    }
  return 0;
}

static int
apply_pod (pp_context_t *ctx, pp_state_t *state, const pp_play_objects_t *objs, pod_plan_t *p, const char *play_file,
           const pp_play_opts_t *opts, pp_error_t *err)
{
  p->id = pp_state_new_id ();
  p->ctr_ids = xzalloc ((p->n + 1) * sizeof (char *));
  for (size_t i = 0; i < p->n; i++)
    p->ctr_ids[i] = pp_state_new_id ();
  if (record_pod (state, p, play_file, err) < 0)
    return -1;
  cleanup_free char *fqdn = pod_fqdn (p);
  /* hostUsers: false: a user namespace of the pod's own, on host ids no other pod has. */
  uint32_t block;
  if (pod_user_namespace (p->spec))
    {
      if (pp_state_userns_take (state, p->id, PP_USERNS_FIRST_BLOCK, PP_USERNS_END_BLOCK, &block, err) < 0)
        return pp_error_wrap (err, "pod %s", p->name);
      p->userns_base = block * PP_USERNS_SIZE;
      if (p->runtime && strcmp (p->runtime, "builtin") != 0 && pp_pod_userns_reachable (ctx, err) < 0)
        return pp_error_wrap (err, "pod %s", p->name);
    }
  if (pp_pod_setup (ctx, p->id,
                    &(pp_pod_etc_t){ p->hostname, p->hosts_extra, p->resolv_conf, fqdn, p->userns_base }, err)
      < 0)
    return -1;
  cleanup_free char *where = xasprintf ("pod %s", p->name);
  pp_env_pod_t ep = { .file = p->doc->file, .where = where, .name = p->name, .namespace_ = p->namespace_,
                      .uid = p->id, .node_name = "", .meta = p->meta, .spec = p->spec };
  int64_t fs_group = -1;
  if (!int_at (pp_node_get (p->spec, "securityContext"), "fsGroup", &fs_group))
    fs_group = -1;
  const char **vimg_ids = xzalloc ((p->n_vimg + 1) * sizeof (char *));
  for (size_t i = 0; i < p->n_vimg; i++)
    vimg_ids[i] = p->vimg[i].image.id;
  int vret = pp_volumes_create (ctx, p->id, objs, &ep, p->dir, fs_group, vimg_ids, &p->vols, err);
  free (vimg_ids);
  if (vret < 0 || (p->userns_base && pp_pod_userns_volumes (ctx, p->id, p->userns_base, err) < 0))
    return -1;
  if (p->userns_base && idmap_claims (ctx, p, err) < 0)
    return pp_error_wrap (err, "pod %s", p->name);
  for (size_t i = 0; i < p->n; i++)
    if (pp_ctr_mount_rootfs (ctx, p->ctr_ids[i], p->c[i].image.id, p->id, p->userns_base, err) < 0
        || write_bundle (ctx, objs, p, i, p->ctr_ids[i], err) < 0)
      return -1;
  cleanup_free char *run = pp_pod_rundir (ctx, p->id);
  cleanup_free char *netns = bool_at (p->spec, "hostNetwork") ? NULL : xasprintf ("%s/ns/net", run);
  json_t *plan = plan_json (p, p->runtime, netns);
  if (p->userns_base)
    json_object_set_new (plan, "userNamespace", json_pack ("{s:I, s:I}", "hostID", (json_int_t) p->userns_base,
                                                           "size", (json_int_t) PP_USERNS_SIZE));
  int ret = pp_pod_write_plan (ctx, p->id, plan, err);
  json_decref (plan);
  /* The monitor starts the containers while the next pods are made; play waits for them all at the end. */
  if (ret == 0 && opts->start)
    {
      p->ready_fd = pp_pod_spawn_monitor (ctx, p->id, err);
      ret = p->ready_fd < 0 ? -1 : 0;
    }
  if (ret < 0)
    return pp_error_wrap (err, "pod %s", p->name);
  return 0;
}

static char *
play_file_of (const char *path)
{
  if (strcmp (path, "-") == 0)
    return xstrdup ("-");
  char buf[PATH_MAX];
  return xstrdup (realpath (path, buf) ? buf : path);
}

/* Removes a pod by its record: the monitor stopped, its containers' leftovers, mounts, files, the record. */
static int
remove_pod_rec (pp_context_t *ctx, pp_state_t *state, pp_pod_rec_t *pod, int timeout, pp_error_t *err)
{
  if (timeout < 0)
    timeout = pp_pod_grace (ctx, pod->id);
  if (pp_pod_stop (ctx, state, pod, timeout, err) < 0)
    return -1;
  pp_container_rec_t *cs = NULL;
  size_t n = 0;
  if (pp_state_container_list (state, pod->id, &cs, &n, err) < 0)
    return -1;
  int ret = pp_pod_teardown (ctx, pod, cs, n, err);
  pp_container_recs_free (cs, n);
  if (ret == 0)
    ret = pp_state_pod_remove (state, pod->id, err);
  return ret;
}

int
pp_pod_remove (pp_context_t *ctx, const char *what, int timeout, pp_error_t *err)
{
  pp_state_t *state;
  if (pp_state_open (ctx, &state, err) < 0)
    return -1;
  pp_pod_rec_t pod;
  int ret = pp_state_pod_get (state, what, &pod, err);
  if (ret == 0)
    {
      ret = remove_pod_rec (ctx, state, &pod, timeout, err);
      pp_pod_rec_release (&pod);
    }
  pp_state_close (state);
  return ret;
}

/* Removes a Job: its controller stopped first (it makes no pod after that), then its pods, then its record. */
static int
remove_job (pp_context_t *ctx, pp_state_t *state, const pp_job_rec_t *job, pp_error_t *err)
{
  if (pp_job_stop_controller (job, err) < 0)
    return -1;
  cleanup_free char *owner = pp_job_owner (job->name);
  pp_pod_rec_t *pods = NULL;
  size_t n = 0;
  int ret = pp_state_pod_list (state, &pods, &n, err);
  for (size_t i = 0; ret == 0 && i < n; i++)
    if (pods[i].owner && strcmp (pods[i].owner, owner) == 0)
      pp_pod_stop_begin (&pods[i], pp_pod_grace (ctx, pods[i].id));
  for (size_t i = 0; ret == 0 && i < n; i++)
    if (pods[i].owner && strcmp (pods[i].owner, owner) == 0)
      ret = remove_pod_rec (ctx, state, &pods[i], -1, err);
  pp_pod_recs_free (pods, n);
  if (ret == 0)
    ret = pp_state_job_remove (state, job->name, err);
  return ret;
}

int
pp_job_remove (pp_context_t *ctx, const char *name, pp_error_t *err)
{
  pp_state_t *state;
  if (pp_state_open (ctx, &state, err) < 0)
    return -1;
  pp_job_rec_t *js = NULL;
  size_t n = 0;
  int ret = pp_state_job_list (state, name, &js, &n, err);
  if (ret == 0 && n == 0)
    ret = pp_error_make (err, ENOENT, "no job `%s`", name);
  if (ret == 0)
    ret = remove_job (ctx, state, &js[0], err);
  pp_job_recs_free (js, n);
  pp_state_close (state);
  return ret;
}

bool
pp_jobs_running (pp_context_t *ctx, char *const *paths, size_t n_paths)
{
  pp_state_t *state;
  pp_job_rec_t *js = NULL;
  size_t n = 0;
  bool running = false;
  if (pp_state_open (ctx, &state, NULL) < 0)
    return false;
  if (pp_state_job_list (state, NULL, &js, &n, NULL) == 0)
    for (size_t i = 0; i < n && !running; i++)
      for (size_t k = 0; k < n_paths && !running; k++)
        {
          cleanup_free char *pf = play_file_of (paths[k]);
          running = js[i].play_file && strcmp (js[i].play_file, pf) == 0 && pp_job_controller_alive (&js[i]);
        }
  pp_job_recs_free (js, n);
  pp_state_close (state);
  return running;
}

static void
rollback (pp_context_t *ctx, pp_state_t *state, pod_plan_t *pods, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      if (pods[i].id == NULL)
        continue;
      pp_pod_rec_t rec;
      pp_error_t e = NULL;
      if (pp_state_pod_get (state, pods[i].id, &rec, NULL) == 0)
        {
          if (remove_pod_rec (ctx, state, &rec, 0, &e) < 0)
            {
              pp_warning (ctx, "rollback of pod %s: %s", pods[i].name, e->msg);
              pp_error_release (&e);
            }
          pp_pod_rec_release (&rec);
        }
      else
        {
          /* Not recorded: only what setup made on the machine is left. */
          pp_pod_rec_t bare = { .id = xstrdup (pods[i].id), .name = xstrdup (pods[i].name) };
          pp_container_rec_t none = { 0 };
          if (pp_pod_teardown (ctx, &bare, &none, 0, &e) < 0)
            pp_error_release (&e);
          pp_pod_rec_release (&bare);
        }
    }
}

static void
rollback_jobs (pp_context_t *ctx, pp_state_t *state, const job_plan_t *jobs, size_t n)
{
  for (size_t k = 0; k < n; k++)
    {
      pp_job_rec_t *js = NULL;
      size_t nj = 0;
      pp_error_t e = NULL;
      if (jobs[k].started && pp_state_job_list (state, jobs[k].name, &js, &nj, NULL) == 0 && nj == 1
          && remove_job (ctx, state, &js[0], &e) < 0)
        {
          pp_warning (ctx, "rollback of job %s: %s", jobs[k].name, e->msg);
          pp_error_release (&e);
        }
      pp_job_recs_free (js, nj);
    }
}

/* The controller's way of making one pod of a Job: the template planned by this play, under the pod's name. */
typedef struct
{
  pp_context_t *ctx;
  const pp_play_objects_t *objs;
  pod_plan_t *tmpl;
  const pp_play_opts_t *opts;
} job_maker_t;

static int
make_job_pod (void *arg, pp_state_t *state, const char *name, pp_error_t *err)
{
  job_maker_t *m = arg;
  pod_plan_t *p = m->tmpl;
  free (p->name);
  p->name = xstrdup (name);
  set_hostname (p);
  int ret = apply_pod (m->ctx, state, m->objs, p, p->play_file, m->opts, err);
  if (ret == 0 && p->ready_fd >= 0)
    {
      ret = pp_pod_monitor_ready (p->ready_fd, err);
      p->ready_fd = -1;
      if (ret < 0)
        pp_error_wrap (err, "pod %s", p->name);
    }
  if (ret < 0)
    rollback (m->ctx, state, p, 1);
  /* What apply_pod filled belongs to this pod: the next starts afresh. */
  plan_release_applied (p);
  return ret;
}

/* Records a Job and starts its controller, which makes its first pods before this returns.  The state database
   is closed around the fork: SQLite's connections must not be carried into a child (the child would take the
   parent's locks for its own), and reopened after. */
static int
start_job (pp_context_t *ctx, pp_state_t **state, const pp_play_objects_t *objs, job_plan_t *j, pod_plan_t *tmpl,
           const pp_play_opts_t *opts, pp_error_t *err)
{
  pp_job_rec_t rec = { .name = xstrdup (j->name), .namespace_ = xstrdup (tmpl->namespace_),
                       .play_file = xstrdup (tmpl->play_file), .spec_hash = xstrdup (tmpl->hash),
                       .status = xstrdup ("Running"), .completions = j->completions, .parallelism = j->parallelism,
                       .backoff_limit = j->backoff_limit, .deadline = j->deadline, .started = (int64_t) time (NULL) };
  int ret = pp_state_job_put (*state, &rec, err);
  pp_job_rec_release (&rec);
  if (ret < 0)
    return -1;
  j->started = true;
  job_maker_t m = { ctx, objs, tmpl, opts };
  pp_job_maker_t mk = { make_job_pod, &m };
  pp_state_close (*state);
  *state = NULL;
  ret = pp_job_start (ctx, j->name, &mk, err);
  pp_error_t e = NULL;
  if (pp_state_open (ctx, state, ret == 0 ? err : &e) < 0)
    {
      pp_error_release (&e);
      return -1;
    }
  return ret;
}

static const char *
job_action (const job_plan_t *j, const pod_plan_t *tmpl, const pp_play_opts_t *opts)
{
  if (tmpl->unchanged)
    return "unchanged";
  if (!opts->start)
    return "not started (--start=false)";
  return j->existed ? "replaced and started" : "started";
}

static void
print_summary (FILE *out, const pod_plan_t *pods, size_t n, const job_plan_t *jobs, size_t n_jobs,
               const pp_play_opts_t *opts)
{
  if (opts->json)
    {
      json_t *a = json_array ();
      for (size_t k = 0; k < n_jobs; k++)
        json_array_append_new (a, json_pack ("{s:s, s:s, s:I, s:I, s:I}", "job", jobs[k].name, "action",
                                             job_action (&jobs[k], &pods[jobs[k].tmpl], opts), "completions",
                                             (json_int_t) jobs[k].completions, "parallelism",
                                             (json_int_t) jobs[k].parallelism, "backoffLimit",
                                             (json_int_t) jobs[k].backoff_limit));
      for (size_t i = 0; i < n; i++)
        {
          if (pods[i].job)
            continue;
          json_t *cs = json_array ();
          for (size_t j = 0; j < pods[i].n; j++)
            json_array_append_new (cs, json_pack ("{s:s, s:s?, s:s}", "name", pods[i].c[j].name, "id",
                                                  pods[i].ctr_ids ? pods[i].ctr_ids[j] : NULL, "image",
                                                  pods[i].c[j].image_ref));
          json_array_append_new (a, json_pack ("{s:s, s:s, s:s, s:s, s:o}", "pod", pods[i].name, "id",
                                               pods[i].unchanged ? pods[i].existing : pods[i].id, "action",
                                               pods[i].unchanged ? "unchanged"
                                               : pods[i].existing ? "replaced"
                                                                  : "created",
                                               "status", opts->start ? "Running" : "Created", "containers", cs));
        }
      json_dumpf (a, out, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
      fputc ('\n', out);
      json_decref (a);
      return;
    }
  for (size_t i = 0; i < n; i++)
    if (pods[i].job == 0)
      fprintf (out, "pod/%s %.12s %s (%zu container%s)\n", pods[i].name, pods[i].unchanged ? pods[i].existing : pods[i].id,
             pods[i].unchanged ? "unchanged"
             : pods[i].existing ? (opts->start ? "replaced and started" : "replaced")
             : opts->start      ? "started"
                                : "created",
             pods[i].n, pods[i].n == 1 ? "" : "s");
  for (size_t k = 0; k < n_jobs; k++)
    {
      fprintf (out, "job/%s %s", jobs[k].name, job_action (&jobs[k], &pods[jobs[k].tmpl], opts));
      if (!pods[jobs[k].tmpl].unchanged && opts->start)
        {
          if (jobs[k].completions > 0)
            fprintf (out, " (completions %lld", (long long) jobs[k].completions);
          else
            fprintf (out, " (until one pod succeeds");
          fprintf (out, ", parallelism %lld, backoffLimit %lld", (long long) jobs[k].parallelism,
                   (long long) jobs[k].backoff_limit);
          if (jobs[k].deadline > 0)
            fprintf (out, ", activeDeadlineSeconds %lld", (long long) jobs[k].deadline);
          fputc (')', out);
        }
      fputc ('\n', out);
    }
}

/* The file (as the diagnostics name it) of the document a node is in. */
static const char *
claim_file (const pp_docs_t *docs, const pp_node_t *node)
{
  for (size_t i = 0; i < docs->n; i++)
    {
      const pp_node_t *r = docs->v[i]->root;
      if (r == node)
        return docs->v[i]->file;
      const pp_node_t *items = pp_node_get (r, "items");
      for (size_t k = 0; items && items->type == PP_NODE_SEQ && k < items->n; k++)
        if (items->u.items[k] == node)
          return docs->v[i]->file;
    }
  return "-";
}

/* The file a pod records: the path (resolved) of the argument whose document holds it. */
static char *
play_file_for (char *const *paths, size_t n_paths, const char *doc_file)
{
  for (size_t k = 0; k < n_paths; k++)
    {
      const char *disp = strcmp (paths[k], "-") == 0 ? "<stdin>" : paths[k];
      if (strcmp (disp, doc_file) == 0)
        return play_file_of (paths[k]);
    }
  /* A file found in a directory argument names itself. */
  return play_file_of (doc_file);
}

/* Whether a record's play file is one of this play's. */
static bool
of_play (const char *play_file, const pod_plan_t *pods, size_t n, char *const *paths, size_t n_paths)
{
  if (play_file == NULL)
    return false;
  for (size_t k = 0; k < n; k++)
    if (strcmp (play_file, pods[k].play_file) == 0)
      return true;
  for (size_t k = 0; k < n_paths; k++)
    {
      cleanup_free char *pf = play_file_of (paths[k]);
      if (strcmp (play_file, pf) == 0)
        return true;
    }
  return false;
}

/* The Job of a pod, or of that name, in this play: NULL when none. */
static const job_plan_t *
planned_job (const job_plan_t *jobs, size_t n_jobs, const char *name, const char *owner)
{
  for (size_t k = 0; k < n_jobs; k++)
    if ((name && strcmp (jobs[k].name, name) == 0) || (owner && strcmp (jobs[k].owner, owner) == 0))
      return &jobs[k];
  return NULL;
}

/* The Jobs this play replaces or its files no longer hold: their controllers stop and their records go (their
   pods go with the play's other outdated pods). */
static int
remove_outdated_jobs (pp_state_t *state, pod_plan_t *pods, size_t n, const job_plan_t *jobs, size_t n_jobs,
                      char *const *paths, size_t n_paths, FILE *out, pp_error_t *err)
{
  pp_job_rec_t *all = NULL;
  size_t n_all = 0;
  if (pp_state_job_list (state, NULL, &all, &n_all, err) < 0)
    return -1;
  int ret = 0;
  for (size_t i = 0; ret == 0 && i < n_all; i++)
    {
      const job_plan_t *j = planned_job (jobs, n_jobs, all[i].name, NULL);
      if ((j == NULL && !of_play (all[i].play_file, pods, n, paths, n_paths)) || (j && pods[j->tmpl].unchanged))
        continue;
      ret = pp_job_stop_controller (&all[i], err);
      if (ret == 0)
        ret = pp_state_job_remove (state, all[i].name, err);
      if (ret == 0 && j == NULL)
        fprintf (out, "job/%s removed (no longer in %s)\n", all[i].name, all[i].play_file);
    }
  pp_job_recs_free (all, n_all);
  return ret;
}

/* What this play takes away: pods it replaces and pods an earlier play of its files made that the files no longer
   hold (a Deployment scaled down, a Pod deleted from the file), and the Jobs it replaces or no longer holds.
   `before` the new pods are made: the Jobs; after: the pods, each replaced one's successor renamed to its name,
   so that a play that fails leaves what ran before untouched. */
static int
remove_outdated (pp_context_t *ctx, pp_state_t *state, pod_plan_t *pods, size_t n, const job_plan_t *jobs,
                 size_t n_jobs, char *const *paths, size_t n_paths, bool before, FILE *out, pp_error_t *err)
{
  if (before && remove_outdated_jobs (state, pods, n, jobs, n_jobs, paths, n_paths, out, err) < 0)
    return -1;
  pp_pod_rec_t *all = NULL;
  size_t n_all = 0;
  if (pp_state_pod_list (state, &all, &n_all, err) < 0)
    return -1;
  int ret = 0;
  for (size_t i = 0; ret == 0 && i < n_all; i++)
    {
      /* A Job's pods stay with it when it is unchanged, and go quietly when it is replaced. */
      const job_plan_t *j = all[i].owner ? planned_job (jobs, n_jobs, NULL, all[i].owner) : NULL;
      if (j && pods[j->tmpl].unchanged)
        continue;
      const pod_plan_t *next = NULL;
      bool made_now = false;
      for (size_t k = 0; k < n; k++)
        {
          if (next == NULL && pods[k].existing && strcmp (pods[k].existing, all[i].id) == 0)
            next = &pods[k];
          made_now = made_now || (pods[k].id && strcmp (pods[k].id, all[i].id) == 0);
        }
      if (made_now)
        continue;
      if (j == NULL && (next ? next->unchanged : !of_play (all[i].play_file, pods, n, paths, n_paths)))
        continue;
      /* Before the new pods are made, only a replaced Job's pods go (the new Job's pods take their names);
         after, the pods replaced (the new one takes the name) and those the files no longer hold. */
      if ((j != NULL) != before)
        continue;
      ret = remove_pod_rec (ctx, state, &all[i], -1, err);
      if (ret == 0 && next && next->id)
        ret = pp_state_pod_rename (state, next->id, next->name, err);
      else if (ret == 0 && j == NULL)
        fprintf (out, "pod/%s %.12s removed (no longer in %s)\n", all[i].name, all[i].id, all[i].play_file);
    }
  pp_pod_recs_free (all, n_all);
  return ret;
}

static void
free_jobs (job_plan_t *jobs, size_t n)
{
  for (size_t k = 0; k < n; k++)
    {
      free (jobs[k].name);
      free (jobs[k].owner);
    }
  free (jobs);
}

/* The ConfigMaps of --configmap files, validated as the play's documents are; any other kind is an error. */
static void
collect_configmaps (const pp_doc_t *doc, const pp_node_t *obj, pp_play_objects_t *objs, pp_diags_t *diags)
{
  const char *kind = str_at (obj, "kind") ?: "";
  const pp_node_t *items = pp_node_get (obj, "items");
  if (strcmp (kind, "List") == 0 || strcmp (kind, "ConfigMapList") == 0)
    for (size_t i = 0; items && items->type == PP_NODE_SEQ && i < items->n; i++)
      collect_configmaps (doc, items->u.items[i], objs, diags);
  else if (strcmp (kind, "ConfigMap") == 0)
    pp_play_objects_add (objs, kind, obj);
  else
    pp_diags_add (diags, PP_DIAG_ERROR, doc->file, doc->index, obj->line, obj->col, "kind",
                  "a --configmap file holds ConfigMaps only, not a %s", kind);
}

/* A Job of the same name as one recorded: left alone when this file recorded it and nothing of it changed,
   replaced when it changed (or --replace), refused when another file recorded it. */
static int
check_job (pp_state_t *state, job_plan_t *j, const job_plan_t *jobs, pod_plan_t *tmpl, const pp_play_opts_t *opts,
           pp_error_t *err)
{
  for (const job_plan_t *o = jobs; o < j; o++)
    if (strcmp (o->name, j->name) == 0)
      return pp_error_make (err, 0, "%s:%u:%u: metadata.name: job `%s` is defined twice", tmpl->doc->file,
                            j->node->line, j->node->col, j->name);
  pp_job_rec_t *js = NULL;
  size_t nj = 0;
  if (pp_state_job_list (state, j->name, &js, &nj, err) < 0)
    return -1;
  int ret = 0;
  if (nj == 1)
    {
      bool ours = js[0].play_file && strcmp (js[0].play_file, tmpl->play_file) == 0;
      if (!ours && !opts->replace)
        ret = pp_error_make (err, EEXIST,
                             "%s:%u:%u: metadata.name: job `%s` exists already, from %s (`podplay job rm %s` "
                             "removes it; --replace replaces it)",
                             tmpl->doc->file, j->node->line, j->node->col, j->name,
                             js[0].play_file ? js[0].play_file : "another command", j->name);
      j->existed = true;
      tmpl->unchanged = ours && !opts->replace && js[0].spec_hash && strcmp (js[0].spec_hash, tmpl->hash) == 0;
    }
  pp_job_recs_free (js, nj);
  return ret;
}

int
pp_kube_play (pp_context_t *ctx, char *const *paths, size_t n_paths, const pp_play_opts_t *opts, pp_diags_t *diags,
              FILE *out, pp_error_t *err)
{
  pp_docs_t docs = { 0 };
  pp_validate_opts_t vopts = { 0 };
  if (pp_manifest_load (ctx, paths, n_paths, &vopts, diags, &docs, err) < 0)
    {
      pp_docs_free (&docs);
      return -1;
    }
  pod_plan_t *pods = NULL;
  job_plan_t *jobs = NULL;
  size_t n = 0, n_jobs = 0;
  pp_play_objects_t objs = { 0 };
  int ret = 0;
  if (diags->errors == 0)
    for (size_t i = 0; i < docs.n; i++)
      if (docs.v[i]->root)
        collect_object (docs.v[i], docs.v[i]->root, &pods, &n, &jobs, &n_jobs, &objs, diags);
  /* After the play's own: a ConfigMap the play defines wins over one of the same name in a --configmap file. */
  pp_docs_t cm_docs = { 0 };
  if (diags->errors == 0 && opts->n_configmaps
      && pp_manifest_load (ctx, opts->configmaps, opts->n_configmaps, &vopts, diags, &cm_docs, err) < 0)
    {
      pp_docs_free (&cm_docs);
      pp_docs_free (&docs);
      for (size_t i = 0; i < n; i++)
        plan_free (&pods[i]);
      free (pods);
      free_jobs (jobs, n_jobs);
      pp_play_objects_free (&objs);
      return -1;
    }
  for (size_t i = 0; diags->errors == 0 && i < cm_docs.n; i++)
    if (cm_docs.v[i]->root)
      collect_configmaps (cm_docs.v[i], cm_docs.v[i]->root, &objs, diags);
  if (diags->errors)
    ret = 1;
  /* Names are unique in the play and on the machine: nothing is created when one clashes, but for the pods an
     earlier play of the same file made, which are left alone when nothing of them changed, else replaced. */
  pp_state_t *state = NULL;
  if (ret == 0 && pp_state_open (ctx, &state, err) < 0)
    ret = -1;
  for (size_t i = 0; ret == 0 && i < n; i++)
    {
      pods[i].play_file = play_file_for (paths, n_paths, pods[i].doc->file);
      /* A Job's pods are of its whole object: completions or a deadline changed make a new Job. */
      uint64_t h = pods[i].job ? node_hash (pods[i].node, PP_FNV_OFFSET)
                               : node_hash (pods[i].meta, node_hash (pods[i].spec, PP_FNV_OFFSET));
      pods[i].runtime = str_at (pods[i].spec, "runtimeClassName") ?: opts->runtime;
      if (pods[i].runtime && strcmp (pods[i].runtime, "builtin") == 0)
        pods[i].runtime = NULL;
      const char *rt = pods[i].runtime ? pods[i].runtime : "builtin";
      h = pp_fnv1a (rt, strlen (rt), h);
      snprintf (pods[i].hash, sizeof pods[i].hash, "%016llx", (unsigned long long) h);
      if (pods[i].job)
        {
          ret = check_job (state, &jobs[pods[i].job - 1], jobs, &pods[i], opts, err);
          continue;
        }
      for (size_t j = 0; j < i; j++)
        if (strcmp (pods[i].name, pods[j].name) == 0)
          ret = pp_error_make (err, 0, "%s:%u:%u: metadata.name: pod `%s` is defined twice", pods[i].doc->file,
                               pods[i].node->line, pods[i].node->col, pods[i].name);
      pp_pod_rec_t existing;
      if (ret == 0 && pp_state_pod_get (state, pods[i].name, &existing, NULL) == 0)
        {
          bool ours = existing.play_file && strcmp (existing.play_file, pods[i].play_file) == 0;
          if (!ours && !opts->replace)
            ret = pp_error_make (err, EEXIST,
                                 "%s:%u:%u: metadata.name: pod `%s` exists already, from %s (`podplay pod rm -f %s` "
                                 "removes it; --replace replaces it)",
                                 pods[i].doc->file, pods[i].node->line, pods[i].node->col, pods[i].name,
                                 existing.play_file ? existing.play_file : "another command", pods[i].name);
          pods[i].existing = xstrdup (existing.id);
          pods[i].unchanged = ours && !opts->replace && existing.spec_hash
                              && strcmp (existing.spec_hash, pods[i].hash) == 0;
          pp_pod_rec_release (&existing);
        }
    }
  if (ret == 0 && n == 0)
    ret = pp_error_make (err, 0, "nothing to play: the manifests hold no Pod, Deployment, DaemonSet or Job");
  pp_store_t store;
  bool store_open = false;
  if (ret == 0)
    {
      ret = pp_store_open (ctx, &store, err);
      store_open = ret == 0;
    }
  for (size_t i = 0; ret == 0 && i < n; i++)
    {
      for (size_t j = 0; ret == 0 && j < pods[i].n; j++)
        ret = resolve_image (ctx, &store, &pods[i], &pods[i].c[j], err);
      if (ret == 0)
        ret = resolve_volume_images (ctx, &store, &pods[i], err);
    }
  if (store_open)
    pp_store_close (&store);
  /* Every reference to a ConfigMap or Secret resolves before anything is created. */
  for (size_t i = 0; ret == 0 && i < n; i++)
    for (size_t j = 0; ret == 0 && j < pods[i].n; j++)
      {
        cleanup_free char *where = xasprintf ("pod %s, container %s", pods[i].name, pods[i].c[j].name);
        pp_env_pod_t ep = { .file = pods[i].doc->file, .where = where, .name = pods[i].name,
                            .namespace_ = pods[i].namespace_, .node_name = "", .meta = pods[i].meta,
                            .spec = pods[i].spec };
        char **env = pp_play_env (&objs, &ep, pods[i].c[j].node, err);
        if (env == NULL || pp_volume_mounts_check (&ep, pods[i].c[j].node, env, err) < 0)
          ret = -1;
        pp_strv_free (env);
        if (ret == 0 && j == 0)
          {
            cleanup_free char *pw = xasprintf ("pod %s", pods[i].name);
            ep.where = pw;
            ret = pp_volumes_check (ctx, &objs, &ep, pods[i].dir, diags, pods[i].doc->index, err);
          }
      }
  if (ret == 0)
    {
      ret = remove_outdated (ctx, state, pods, n, jobs, n_jobs, paths, n_paths, true, out, err);
      /* PersistentVolumeClaims become named volumes, kept across plays and `kube down` (unless --force). */
      bool *made = xzalloc ((objs.n_claims + 1) * sizeof (bool));
      for (size_t i = 0; ret == 0 && i < objs.n_claims; i++)
        {
          const pp_node_t *claim = objs.claims[i];
          cleanup_free char *pf = play_file_for (paths, n_paths, claim_file (&docs, claim));
          ret = pp_namedvol_create (ctx, str_at (pp_node_get (claim, "metadata"), "name") ?: "", pf, &made[i], err);
        }
      for (size_t i = 0; i < n; i++)
        pods[i].ready_fd = -1;
      for (size_t i = 0; ret == 0 && i < n; i++)
        if (!pods[i].unchanged && pods[i].job == 0)
          ret = apply_pod (ctx, state, &objs, &pods[i], pods[i].play_file, opts, err);
      /* Every started monitor is waited for, even after a failure: the rollback must find them done. */
      for (size_t i = 0; i < n; i++)
        if (pods[i].ready_fd >= 0)
          {
            pp_error_t e = NULL;
            if (pp_pod_monitor_ready (pods[i].ready_fd, &e) < 0)
              {
                if (ret == 0)
                  {
                    *err = e;
                    pp_error_wrap (err, "pod %s", pods[i].name);
                    ret = -1;
                  }
                else
                  pp_error_release (&e);
              }
            pods[i].ready_fd = -1;
          }
      /* Jobs start once the pods run: each controller makes its first pods before play goes on. */
      for (size_t k = 0; ret == 0 && opts->start && k < n_jobs; k++)
        if (!pods[jobs[k].tmpl].unchanged)
          ret = start_job (ctx, &state, &objs, &jobs[k], &pods[jobs[k].tmpl], opts, err);
      if (ret == 0)
        ret = remove_outdated (ctx, state, pods, n, jobs, n_jobs, paths, n_paths, false, out, err);
      if (ret < 0 && state)
        {
          rollback_jobs (ctx, state, jobs, n_jobs);
          rollback (ctx, state, pods, n);
          for (size_t i = 0; i < objs.n_claims; i++)
            if (made[i])
              pp_namedvol_remove (ctx, str_at (pp_node_get (objs.claims[i], "metadata"), "name") ?: "", NULL);
        }
      else
        {
          for (size_t i = 0; i < objs.n_claims; i++)
            if (made[i])
              fprintf (out, "volume/%s created\n", str_at (pp_node_get (objs.claims[i], "metadata"), "name") ?: "");
          print_summary (out, pods, n, jobs, n_jobs, opts);
        }
      free (made);
    }
  if (state)
    pp_state_close (state);
  for (size_t i = 0; i < n; i++)
    plan_free (&pods[i]);
  free (pods);
  free_jobs (jobs, n_jobs);
  pp_play_objects_free (&objs);
  pp_docs_free (&cm_docs);
  pp_docs_free (&docs);
  return ret;
}

int
pp_kube_down (pp_context_t *ctx, char *const *paths, size_t n_paths, bool force, FILE *out, pp_error_t *err)
{
  pp_state_t *state;
  if (pp_state_open (ctx, &state, err) < 0)
    return -1;
  /* Jobs' controllers stop first, so that no pod is made while the pods go. */
  pp_job_rec_t *jobs = NULL;
  size_t n_jobs = 0, removed = 0;
  int ret = pp_state_job_list (state, NULL, &jobs, &n_jobs, err);
  for (size_t k = 0; ret == 0 && k < n_paths; k++)
    {
      cleanup_free char *pf = play_file_of (paths[k]);
      for (size_t i = 0; ret == 0 && i < n_jobs; i++)
        if (jobs[i].play_file && strcmp (jobs[i].play_file, pf) == 0)
          ret = pp_job_stop_controller (&jobs[i], err);
    }
  pp_pod_rec_t *pods = NULL;
  size_t n = 0;
  if (ret == 0)
    ret = pp_state_pod_list (state, &pods, &n, err);
  /* Every pod is told to stop first, so that their grace periods run together rather than one after another. */
  for (size_t k = 0; ret == 0 && k < n_paths; k++)
    {
      cleanup_free char *pf = play_file_of (paths[k]);
      for (size_t i = 0; i < n; i++)
        if (pods[i].play_file && strcmp (pods[i].play_file, pf) == 0)
          pp_pod_stop_begin (&pods[i], pp_pod_grace (ctx, pods[i].id));
    }
  for (size_t k = 0; ret == 0 && k < n_paths; k++)
    {
      cleanup_free char *pf = play_file_of (paths[k]);
      for (size_t i = 0; ret == 0 && i < n; i++)
        if (pods[i].play_file && strcmp (pods[i].play_file, pf) == 0)
          {
            ret = remove_pod_rec (ctx, state, &pods[i], -1, err);
            if (ret == 0)
              {
                fprintf (out, "pod/%s %.12s removed\n", pods[i].name, pods[i].id);
                removed++;
              }
          }
    }
  for (size_t k = 0; ret == 0 && k < n_paths; k++)
    {
      cleanup_free char *pf = play_file_of (paths[k]);
      for (size_t i = 0; ret == 0 && i < n_jobs; i++)
        if (jobs[i].play_file && strcmp (jobs[i].play_file, pf) == 0)
          {
            ret = pp_state_job_remove (state, jobs[i].name, err);
            if (ret == 0)
              {
                fprintf (out, "job/%s removed\n", jobs[i].name);
                removed++;
              }
          }
    }
  pp_job_recs_free (jobs, n_jobs);
  /* The volumes of the play's claims outlive it, unless --force. */
  json_t *vols = force && ret == 0 ? pp_namedvol_list (ctx, NULL) : NULL;
  size_t vi;
  json_t *v;
  json_array_foreach (vols, vi, v)
  {
    const char *vpf = json_string_value (json_object_get (v, "playFile"));
    for (size_t k = 0; vpf && ret == 0 && k < n_paths; k++)
      {
        cleanup_free char *pf = play_file_of (paths[k]);
        if (strcmp (vpf, pf) != 0)
          continue;
        ret = pp_namedvol_remove (ctx, json_string_value (json_object_get (v, "name")), err);
        if (ret == 0)
          {
            fprintf (out, "volume/%s removed\n", json_string_value (json_object_get (v, "name")));
            removed++;
          }
      }
  }
  json_decref (vols);
  if (ret == 0 && removed == 0)
    fprintf (out, "no pods from %s\n", n_paths == 1 ? paths[0] : "these files");
  pp_pod_recs_free (pods, n);
  pp_state_close (state);
  return ret;
}
