/* The plan of a play: the manifests loaded and validated, each Pod, replica of a Deployment or DaemonSet, and Job
   template turned into a pod plan (containers, hostname, DNS files), the fields play does not honour named in
   warnings, and every reference checked before anything is created. */
#include "play/plan.h"
#include "play/annotations.h"
#include "play/job.h"
#include "net/names.h"
#include "runtime/pod.h"
#include "runtime/rootless.h"
#include "runtime/runtime.h"
#include "runtime/userns.h"
#include "schema/checks.h"

#include <limits.h>
#include <string.h>
#include <unistd.h>

const pp_node_t *
pp_plan_path (const pp_node_t *n, const char *a, const char *b)
{
  const pp_node_t *x = pp_node_get (n, a);
  return b ? pp_node_get (x, b) : x;
}

const char *
pp_plan_str (const pp_node_t *n, const char *key)
{
  return pp_node_str (pp_node_get (n, key));
}

bool
pp_plan_int (const pp_node_t *n, const char *key, int64_t *out)
{
  const pp_node_t *v = pp_node_get (n, key);
  return v && v->type == PP_NODE_SCALAR && v->tag == PP_TAG_INT && pp_parse_int (v->u.str, out);
}

bool
pp_plan_bool (const pp_node_t *n, const char *key)
{
  const pp_node_t *v = pp_node_get (n, key);
  return v && v->type == PP_NODE_SCALAR && v->tag == PP_TAG_BOOL
         && (strcmp (v->u.str, "true") == 0 || strcmp (v->u.str, "True") == 0 || strcmp (v->u.str, "TRUE") == 0
             || strcmp (v->u.str, "yes") == 0 || strcmp (v->u.str, "on") == 0 || strcmp (v->u.str, "y") == 0);
}

/* Releases what pp_play_apply filled in (the pod's id, its containers' ids, its volumes): a Job's template is applied
   again for its next pod. */
void
pp_plan_release_applied (pp_pod_plan_t *p)
{
  pp_volumes_release (&p->vols);
  free (p->id);
  p->id = NULL;
  for (size_t i = 0; p->ctr_ids && i < p->n; i++)
    free (p->ctr_ids[i]);
  free (p->ctr_ids);
  p->ctr_ids = NULL;
  json_decref (p->net);
  p->net = NULL;
}

static void
pod_plan_free (pp_pod_plan_t *p)
{
  json_decref (p->ports);
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
  free (p->ports_from);
  json_decref (p->old_plan);
  free (p->old_hash);
  free (p->hosts_extra);
  free (p->resolv_conf);
  free (p->name);
  free (p->hostname);
  pp_plan_release_applied (p);
}

static void
add_containers (pp_pod_plan_t *p, const pp_node_t *seq, bool init)
{
  for (size_t i = 0; seq && seq->type == PP_NODE_SEQ && i < seq->n; i++)
    {
      const pp_node_t *c = seq->u.items[i];
      p->c = xrealloc (p->c, (p->n + 1) * sizeof *p->c);
      pp_ctr_plan_t *cp = &p->c[p->n++];
      memset (cp, 0, sizeof *cp);
      cp->node = c;
      cp->init = init;
      cp->name = pp_plan_str (c, "name") ?: "";
      cp->image_ref = pp_plan_str (c, "image") ?: "";
      cp->pull_policy = pp_plan_str (c, "imagePullPolicy");
    }
}

/* A native sidecar: an init container with restartPolicy Always, which runs beside the main containers. */
bool
pp_plan_is_sidecar (const pp_ctr_plan_t *c)
{
  return c->init && strcmp (pp_plan_str (c->node, "restartPolicy") ?: "", "Always") == 0;
}

/* FNV-1a over a node tree, keys and scalars and structure: the same template gives the same hash. */
uint64_t
pp_plan_node_hash (const pp_node_t *n, uint64_t h)
{
  if (n == NULL)
    return h;
  unsigned char type = (unsigned char)(n->type + 1);
  h = pp_fnv1a (&type, 1, h);
  if (n->type == PP_NODE_SCALAR)
    h = pp_fnv1a (n->u.str, n->len, h);
  else if (n->type == PP_NODE_MAP)
    for (size_t i = 0; i < n->n; i++)
      h = pp_plan_node_hash (n->u.pairs[i].value, pp_plan_node_hash (n->u.pairs[i].key, h));
  else
    for (size_t i = 0; i < n->n; i++)
      h = pp_plan_node_hash (n->u.items[i], h);
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
      pp_buf_printf (&b, "%s", pp_plan_str (al->u.items[i], "ip") ?: "");
      for (size_t k = 0; names && names->type == PP_NODE_SEQ && k < names->n; k++)
        pp_buf_printf (&b, "%s%s", k ? " " : "\t", pp_node_str (names->u.items[k]) ?: "");
      pp_buf_puts (&b, "\n");
    }
  return b.data;
}

/* resolv.conf of dnsPolicy and dnsConfig, as the kubelet writes it.  ClusterFirst (the default, and
   ClusterFirstWithHostNet) on a pod network: the network's resolver (`nameserver`, its gateway), the cluster's
   search domains before the host's, ndots:5.  Otherwise (Default, a pod without a pod network) the host's
   (without loopback servers), or nothing at all with None.  dnsConfig's servers, search domains and options come
   after (an option given again overrides, as the resolver reads them in order).  NULL when the host's serves as it
   is. */
char *
pp_plan_resolv_conf (const pp_node_t *spec, const char *namespace_, const char *nameserver)
{
  const char *policy = pp_plan_str (spec, "dnsPolicy") ?: "ClusterFirst";
  const pp_node_t *cfg = pp_node_get (spec, "dnsConfig");
  bool none = strcmp (policy, "None") == 0;
  bool cluster
      = nameserver && (strcmp (policy, "ClusterFirst") == 0 || strcmp (policy, "ClusterFirstWithHostNet") == 0);
  if (cfg == NULL && !none && !cluster)
    return NULL;
  pp_buf_t servers = { 0 }, search = { 0 }, options = { 0 };
  pp_buf_puts (&servers, "");
  pp_buf_puts (&search, "");
  pp_buf_puts (&options, "");
  if (cluster)
    {
      pp_buf_printf (&servers, "nameserver %s\n", nameserver);
      pp_buf_printf (&search, " %s.svc." PP_CLUSTER_DOMAIN " svc." PP_CLUSTER_DOMAIN " " PP_CLUSTER_DOMAIN, namespace_);
      pp_buf_puts (&options, " ndots:5");
    }
  if (!none)
    {
      cleanup_free char *host = pp_pod_host_resolv_conf ();
      char *save = NULL;
      for (char *line = strtok_r (host, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
        if (strncmp (line, "nameserver", 10) == 0 && !cluster)
          pp_buf_printf (&servers, "%s\n", line);
        else if (strncmp (line, "search", 6) == 0)
          pp_buf_printf (&search, "%s", line + 6);
        else if (strncmp (line, "options", 7) == 0 && !cluster)
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
      const char *name = pp_plan_str (v->u.items[i], "name") ?: "";
      const char *value = pp_plan_str (v->u.items[i], "value");
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

/* Whether the pod's containers get a user namespace of their own: hostUsers: false, said as such. */
bool
pp_plan_user_namespace (const pp_node_t *spec)
{
  const pp_node_t *host_users = pp_node_get (spec, "hostUsers");
  return host_users && host_users->tag == PP_TAG_BOOL && !pp_plan_bool (spec, "hostUsers");
}

/* What only kube play refuses in a pod: a runtime class it has no runtime for, an OS it cannot run.  (Fields it
   does not honour are named by validation, from the schema tables.) */
static void
check_pod_here (const pp_doc_t *doc, const pp_node_t *spec, const char *path, pp_diags_t *diags)
{
  cleanup_free char *p1 = xasprintf ("%s.", path);
  /* A runtime class names the OCI runtime the pod runs under, as a RuntimeClass's handler would. */
  const pp_node_t *rc = pp_node_get (spec, "runtimeClassName");
  if (rc && !pp_runtime_known (pp_node_str (rc) ?: ""))
    pp_diags_add (diags, PP_DIAG_ERROR, doc->file, doc->index, rc->line, rc->col, NULL,
                  "%sruntimeClassName: unknown runtime class \"%s\": podplay runs builtin, runc or crun", p1,
                  pp_node_str (rc) ?: "");
  /* os.name linux is what runs here; a Windows pod cannot. */
  const pp_node_t *os = pp_plan_path (spec, "os", "name");
  if (os && strcmp (pp_node_str (os) ?: "", "linux") != 0)
    pp_diags_add (diags, PP_DIAG_ERROR, doc->file, doc->index, os->line, os->col, NULL,
                  "%sos.name: a %s pod cannot run on this Linux machine", p1, pp_node_str (os) ?: "");
}

/* The hostname is the pod's name, cut to the 63 characters a hostname may have. */
void
pp_plan_set_hostname (pp_pod_plan_t *p)
{
  const char *hn = pp_plan_str (p->spec, "hostname");
  const char *over = pp_plan_str (p->spec, "hostnameOverride");
  free (p->hostname);
  /* hostnameOverride (1.34) is the whole hostname, dots and all (64 bytes at most, as the kernel's). */
  if (over && *over)
    {
      p->hostname = xstrndup (over, 64);
      return;
    }
  p->hostname = xstrndup (hn ? hn : p->name, 63);
  for (size_t k = strlen (p->hostname); k > 0 && (p->hostname[k - 1] == '-' || p->hostname[k - 1] == '.'); k--)
    p->hostname[k - 1] = '\0';
}

static void
add_pod (const pp_doc_t *doc, const pp_node_t *obj, const pp_node_t *meta, const pp_node_t *spec, char *name,
         pp_pod_plan_t **pods, size_t *n)
{
  *pods = xrealloc (*pods, (*n + 1) * sizeof **pods);
  pp_pod_plan_t *p = &(*pods)[(*n)++];
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
      p->dir = slash && slash != buf ? xstrndup (buf, (size_t)(slash - buf)) : xstrdup ("/");
    }
  else
    p->dir = getcwd (buf, sizeof buf) ? xstrdup (buf) : xstrdup ("/");
  p->namespace_ = pp_plan_str (pp_node_get (obj, "metadata"), "namespace") ?: "default";
  pp_plan_set_hostname (p);
  p->hosts_extra = hosts_extra (spec);
  p->resolv_conf = pp_plan_resolv_conf (spec, p->namespace_, NULL);
  p->restart_policy = pp_plan_str (spec, "restartPolicy") ?: "Always";
  if (!pp_plan_int (spec, "terminationGracePeriodSeconds", &p->grace))
    p->grace = 30;
  add_containers (p, pp_node_get (spec, "initContainers"), true);
  add_containers (p, pp_node_get (spec, "containers"), false);
}

/* The pods of the documents: Pods, and the replicas of Deployments and DaemonSets (a List's items included);
   other kinds are named in a warning. */
static void
collect_object (const pp_doc_t *doc, const pp_node_t *obj, pp_play_t *play, pp_pod_plan_t **pods, size_t *n,
                pp_job_plan_t **jobs, size_t *n_jobs, pp_play_objects_t *objs, pp_diags_t *diags)
{
  const char *kind = pp_plan_str (obj, "kind") ?: "";
  if (pp_plan_is_list (kind))
    {
      const pp_node_t *items = pp_node_get (obj, "items");
      for (size_t i = 0; items && items->type == PP_NODE_SEQ && i < items->n; i++)
        collect_object (doc, items->u.items[i], play, pods, n, jobs, n_jobs, objs, diags);
      return;
    }
  const pp_node_t *meta = pp_node_get (obj, "metadata"), *spec = pp_node_get (obj, "spec");
  const char *name = pp_plan_str (meta, "name") ?: "";
  pp_annotations_check (doc, obj, diags);
  if (strcmp (kind, "Service") == 0)
    pp_plan_add_service (&play->svcs, &play->n_svcs, doc, obj);
  else if (strcmp (kind, "Pod") == 0)
    {
      check_pod_here (doc, spec, "spec", diags);
      add_pod (doc, obj, meta, spec, xstrdup (name), pods, n);
    }
  else if (strcmp (kind, "Deployment") == 0 || strcmp (kind, "DaemonSet") == 0)
    {
      /* Replicas are pods named after the workload and its template's hash, as a ReplicaSet names them, with
         their index in place of a random suffix: a re-play finds the same names.  A DaemonSet has one node
         here, so one pod. */
      const pp_node_t *tmpl = pp_node_get (spec, "template");
      int64_t replicas = 1;
      if (strcmp (kind, "Deployment") == 0 && !pp_plan_int (spec, "replicas", &replicas))
        replicas = 1;
      uint64_t h = pp_plan_node_hash (tmpl, PP_FNV_OFFSET);
      check_pod_here (doc, pp_node_get (tmpl, "spec"), "spec.template.spec", diags);
      for (int64_t r = 0; r < replicas; r++)
        add_pod (doc, obj, pp_node_get (tmpl, "metadata"), pp_node_get (tmpl, "spec"),
                 strcmp (kind, "DaemonSet") == 0
                     ? xasprintf ("%s-%05llx", name, (unsigned long long)(h & 0xfffff))
                     : xasprintf ("%s-%010llx-%lld", name, (unsigned long long)(h & 0xffffffffffULL), (long long)r),
                 pods, n);
    }
  else if (strcmp (kind, "Job") == 0)
    {
      /* Its controller makes the pods, named `<job>-<n>`; the template is planned (images, references,
         volumes checked) as a pod of its own under the name of the first. */
      const pp_node_t *tmpl = pp_node_get (spec, "template");
      check_pod_here (doc, pp_node_get (tmpl, "spec"), "spec.template.spec", diags);
      *jobs = xrealloc (*jobs, (*n_jobs + 1) * sizeof **jobs);
      pp_job_plan_t *j = &(*jobs)[(*n_jobs)++];
      memset (j, 0, sizeof *j);
      j->node = obj;
      j->name = xstrdup (name);
      j->owner = pp_job_owner (name);
      /* Kubernetes' defaults: one completion, one at a time, six failures allowed, no deadline. */
      bool has_completions = pp_plan_int (spec, "completions", &j->completions);
      if (!pp_plan_int (spec, "parallelism", &j->parallelism))
        j->parallelism = 1;
      if (!has_completions)
        j->completions = pp_node_get (spec, "parallelism") ? 0 : 1;
      if (!pp_plan_int (spec, "backoffLimit", &j->backoff_limit))
        j->backoff_limit = 6;
      if (!pp_plan_int (spec, "activeDeadlineSeconds", &j->deadline))
        j->deadline = 0;
      j->tmpl = *n;
      add_pod (doc, obj, pp_node_get (tmpl, "metadata"), pp_node_get (tmpl, "spec"), xasprintf ("%s-0", name), pods, n);
      (*pods)[*n - 1].job = *n_jobs;
      (*pods)[*n - 1].owner = j->owner;
    }
  else if (strcmp (kind, "ConfigMap") == 0 || strcmp (kind, "Secret") == 0
           || strcmp (kind, "PersistentVolumeClaim") == 0)
    pp_play_objects_add (objs, kind, obj);
  /* Any other kind was named in validation's warning, from the table that says what play runs. */
}

bool
pp_plan_is_list (const char *kind)
{
  return strcmp (kind, "List") == 0 || (strlen (kind) > 4 && strcmp (kind + strlen (kind) - 4, "List") == 0);
}

bool
pp_plan_is_played (const char *kind)
{
  static const char *const kinds[]
      = { "Pod", "Deployment", "DaemonSet", "Job", "ConfigMap", "Secret", "PersistentVolumeClaim", "Service" };
  for (size_t i = 0; i < PP_N_ELEMENTS (kinds); i++)
    if (strcmp (kind, kinds[i]) == 0)
      return true;
  return pp_plan_is_list (kind);
}

static void
free_jobs (pp_job_plan_t *jobs, size_t n)
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
  const char *kind = pp_plan_str (obj, "kind") ?: "";
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

void
pp_plan_collect (pp_play_t *play)
{
  for (size_t i = 0; play->diags->errors == 0 && i < play->docs.n; i++)
    if (play->docs.v[i]->root)
      collect_object (play->docs.v[i], play->docs.v[i]->root, play, &play->pods, &play->n, &play->jobs, &play->n_jobs,
                      &play->objs, play->diags);
  /* After the play's own: a ConfigMap the play defines wins over one of the same name in a --configmap file. */
  for (size_t i = 0; play->diags->errors == 0 && i < play->cm_docs.n; i++)
    if (play->cm_docs.v[i]->root)
      collect_configmaps (play->cm_docs.v[i], play->cm_docs.v[i]->root, &play->objs, play->diags);
}

/* A volume at /dev (or on /dev/null) under an OCI runtime: runc before 1.2.8 (Debian 12 has 1.1.5) masks /proc's
   files with whatever the container's /dev/null is by then, which another container sharing that volume can
   replace by a file of its own (CVE-2025-31133).  The built-in executor masks with the host's /dev/null. */
static int
check_dev_volume (pp_play_t *play, pp_pod_plan_t *p, size_t j, pp_error_t *err)
{
  const pp_runtime_t *rt = pp_runtime_find (pp_plan_str (p->spec, "runtimeClassName") ?: play->opts->runtime, NULL);
  const pp_node_t *vms = pp_node_get (p->c[j].node, "volumeMounts");
  for (size_t i = 0; rt && rt->external && vms && vms->type == PP_NODE_SEQ && i < vms->n; i++)
    {
      const pp_node_t *mp = pp_node_get (vms->u.items[i], "mountPath");
      const char *path = pp_node_str (mp);
      size_t len = path ? strlen (path) : 0;
      while (len > 1 && path[len - 1] == '/')
        len--;
      if (path && ((len == 4 && strncmp (path, "/dev", 4) == 0) || (len == 9 && strncmp (path, "/dev/null", 9) == 0)))
        return pp_error_make (
            err, 0,
            "%s:%u:%u: pod %s, container %s: volumeMounts[%zu].mountPath: a volume at %.*s is refused "
            "under %s, which masks /proc's files with the container's own /dev/null (a container "
            "sharing the volume could replace it: CVE-2025-31133); the builtin runtime runs it",
            p->doc->file, mp->line, mp->col, p->name, p->c[j].name, i, (int)len, path, rt->name);
    }
  return 0;
}

/* One container's references: its environment resolves, its subPathExprs stay in their volumes. */
static int
check_ctr_refs (pp_play_t *play, pp_pod_plan_t *p, size_t j, pp_error_t *err)
{
  if (check_dev_volume (play, p, j, err) < 0)
    return -1;
  cleanup_free char *where = xasprintf ("pod %s, container %s", p->name, p->c[j].name);
  pp_env_pod_t ep = { .file = p->doc->file,
                      .where = where,
                      .name = p->name,
                      .namespace_ = p->namespace_,
                      .node_name = "",
                      .meta = p->meta,
                      .spec = p->spec };
  char **env = pp_play_env (&play->objs, &ep, p->c[j].node, err);
  int ret = env == NULL || pp_volume_mounts_check (&ep, p->c[j].node, env, err) < 0 ? -1 : 0;
  pp_strv_free (env);
  if (ret == 0 && j == 0)
    {
      cleanup_free char *pw = xasprintf ("pod %s", p->name);
      ep.where = pw;
      ret = pp_volumes_check (play->ctx, &play->objs, &ep, p->dir, play->diags, p->doc->index, err);
    }
  return ret;
}

/* An ordinary user's pod of hostUsers: false: a claim would be bound idmapped, which the kernel lets no ordinary
   user do (a mount of a filesystem the user does not own). */
static int
check_rootless_userns (const pp_play_t *play, const pp_pod_plan_t *p, pp_error_t *err)
{
  if (!play->ctx->rootless || !pp_annotations_userns (p->node, p->meta, p->spec))
    return 0;
  /* Its root is fuse-overlayfs's (runtime/rootfs.h), on 65536 of the user's subordinate ids. */
  const pp_node_t *at = pp_node_get (p->spec, "hostUsers") ?: p->spec;
  cleanup_free char *fuse = pp_find_program ("fuse-overlayfs");
  uint64_t above = pp_rootless_ids_above_root ();
  const char *why = NULL;
  if (play->ctx->overlay && strcmp (play->ctx->overlay, "kernel") == 0)
    why = "its root needs fuse-overlayfs (the kernel idmaps no layer for an ordinary user), and podplay.conf says "
          "overlay = kernel";
  else if (fuse == NULL)
    why = "its root needs fuse-overlayfs (the kernel idmaps no layer for an ordinary user): apt-get install "
          "fuse-overlayfs";
  else if (access ("/dev/fuse", R_OK | W_OK) < 0)
    why = "its root needs fuse-overlayfs, which needs /dev/fuse, which this user may not open: give it mode 0666, "
          "Debian's default (chmod 0666 /dev/fuse as root)";
  else if (above < PP_USERNS_SIZE)
    why = "a pod in a user namespace of its own needs 65536 ids, and this user's namespace maps fewer besides the "
          "user's own: give the user more (/etc/subuid and /etc/subgid: usermod --add-subuids and --add-subgids)";
  if (why)
    return pp_error_make (err, EPERM, "%s:%u:%u: pod %s: hostUsers: false: %s", p->doc->file, at->line, at->col,
                          p->name, why);
  const pp_node_t *vols = pp_node_get (p->spec, "volumes");
  for (size_t k = 0; vols && vols->type == PP_NODE_SEQ && k < vols->n; k++)
    {
      const pp_node_t *claim = pp_node_get (vols->u.items[k], "persistentVolumeClaim");
      if (claim)
        return pp_error_make (err, EPERM,
                              "%s:%u:%u: pod %s: spec.volumes[%zu].persistentVolumeClaim: a claim of a pod of "
                              "hostUsers: false is bound idmapped, which the kernel lets no ordinary user do: leave "
                              "hostUsers out of the pod, or give it an emptyDir",
                              p->doc->file, claim->line, claim->col, p->name, k);
    }
  return 0;
}

int
pp_plan_check_refs (pp_play_t *play, pp_error_t *err)
{
  int ret = 0;
  for (size_t i = 0; ret == 0 && i < play->n; i++)
    {
      ret = check_rootless_userns (play, &play->pods[i], err);
      for (size_t j = 0; ret == 0 && j < play->pods[i].n; j++)
        ret = check_ctr_refs (play, &play->pods[i], j, err);
    }
  return ret;
}

void
pp_plan_free (pp_play_t *play)
{
  for (size_t i = 0; i < play->n; i++)
    pod_plan_free (&play->pods[i]);
  free (play->pods);
  free_jobs (play->jobs, play->n_jobs);
  pp_plan_free_services (play->svcs, play->n_svcs);
  json_decref (play->svc_env);
  pp_play_objects_free (&play->objs);
  free (play->made_claims);
  pp_docs_free (&play->cm_docs);
  pp_docs_free (&play->docs);
}
