/* `kube generate`: the objects plays recorded (state database, as the emitter wrote them), read back by the
   loader and validator, cut to what a cluster should get, made into the kind asked for, and emitted again. */
#include "generate/generate.h"
#include "play/plan.h"
#include "runtime/namedvol.h"
#include "runtime/podctl.h"
#include "schema/emit.h"
#include "schema/load.h"
#include "schema/validate.h"
#include "state/state.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum
{
  RANK_CONFIGMAP,
  RANK_SECRET,
  RANK_CLAIM,
  RANK_WORKLOAD,
  RANK_SERVICE,
};

typedef struct
{
  int rank;
  size_t seq;
  const char *kind, *namespace_, *name; /* borrowed from the node or the arena */
  pp_node_t *node;
} out_doc_t;

typedef struct
{
  pp_context_t *ctx;
  const pp_generate_opts_t *opts;
  pp_state_t *state;
  pp_object_rec_t *objs;
  size_t n_objs;
  pp_doc_t **docs; /* each object's, once read */
  pp_diags_t diags;
  pp_arena_t arena; /* nodes made here */
  out_doc_t *out;
  size_t n_out;
} gen_t;

static const char *
str_at (const pp_node_t *n, const char *key)
{
  return pp_node_str (pp_node_get (n, key));
}

/* The recorded object `i` as a node tree, read and validated as a manifest is. */
static pp_node_t *
read_object (gen_t *g, size_t i, pp_error_t *err)
{
  if (g->docs[i])
    return g->docs[i]->root;
  const pp_object_rec_t *o = &g->objs[i];
  cleanup_free char *label = xasprintf ("%s (recorded %s %s)", o->play_file, o->kind, o->name);
  const char *file = pp_diags_file (&g->diags, label);
  pp_loader_t *l = pp_loader_new (file, o->yaml, strlen (o->yaml), &g->diags);
  pp_doc_t *doc = NULL;
  int r = pp_loader_next (l, &doc);
  pp_loader_free (l);
  if (r == 1 && doc->root && doc->root->type == PP_NODE_MAP)
    /* A pod `pod create` made was played with no container: add_pod says what that means for its export. */
    pp_validate_doc (doc, &(pp_validate_opts_t){ .empty_pods = true }, &g->diags);
  if (r != 1 || doc->root == NULL || doc->root->type != PP_NODE_MAP || g->diags.errors)
    {
      pp_doc_free (doc);
      const pp_diag_t *d = g->diags.n ? &g->diags.v[0] : NULL;
      return (pp_error_make (err, 0, "the recorded %s `%s` of `%s` does not read back%s%s", o->kind, o->name,
                             o->play_file, d ? ": " : "", d ? d->msg : ""),
              NULL);
    }
  g->docs[i] = doc;
  return doc->root;
}

/* The recorded object of that kind and name, in `play_file` (NULL: any) and `namespace_` (NULL: any); -1 when
   none. */
static ssize_t
find_object (const gen_t *g, const char *play_file, const char *kind, const char *namespace_, const char *name)
{
  for (size_t i = 0; i < g->n_objs; i++)
    if (strcmp (g->objs[i].kind, kind) == 0 && strcmp (g->objs[i].name, name) == 0
        && (namespace_ == NULL || strcmp (g->objs[i].namespace_, namespace_) == 0)
        && (play_file == NULL || strcmp (g->objs[i].play_file, play_file) == 0))
      return (ssize_t)i;
  return -1;
}

/* What belongs to the cluster or machine an object was read from, not to the workload: ids, versions, times, the
   owner's references, kubectl's and the controllers' bookkeeping, and status. */
static void
strip_meta (pp_node_t *meta)
{
  static const char *const machine[] = { "uid",
                                         "resourceVersion",
                                         "generation",
                                         "creationTimestamp",
                                         "deletionTimestamp",
                                         "deletionGracePeriodSeconds",
                                         "managedFields",
                                         "selfLink",
                                         "ownerReferences" };
  if (meta == NULL || meta->type != PP_NODE_MAP)
    return;
  for (size_t i = 0; i < PP_N_ELEMENTS (machine); i++)
    pp_node_del (meta, machine[i]);
  pp_node_t *ann = pp_node_get (meta, "annotations");
  if (ann && ann->type == PP_NODE_MAP)
    {
      pp_node_del (ann, "kubectl.kubernetes.io/last-applied-configuration");
      pp_node_del (ann, "deployment.kubernetes.io/revision");
      if (ann->n == 0)
        pp_node_del (meta, "annotations");
    }
}

static void
strip_object (pp_node_t *obj)
{
  pp_node_del (obj, "status");
  strip_meta (pp_node_get (obj, "metadata"));
  strip_meta (pp_node_get (pp_node_get (pp_node_get (obj, "spec"), "template"), "metadata"));
}

static void
add_out (gen_t *g, int rank, pp_node_t *node)
{
  const pp_node_t *meta = pp_node_get (node, "metadata");
  const char *kind = str_at (node, "kind") ?: "", *name = str_at (meta, "name") ?: "";
  const char *ns = str_at (meta, "namespace") ?: "default";
  for (size_t i = 0; i < g->n_out; i++)
    if (strcmp (g->out[i].kind, kind) == 0 && strcmp (g->out[i].name, name) == 0
        && strcmp (g->out[i].namespace_, ns) == 0)
      return;
  g->out = xrealloc (g->out, (g->n_out + 1) * sizeof *g->out);
  g->out[g->n_out]
      = (out_doc_t){ .rank = rank, .seq = g->n_out, .kind = kind, .namespace_ = ns, .name = name, .node = node };
  g->n_out++;
}

/* An object a pod uses: recorded by the pod's play (or another, in its namespace), or for a claim the named
   volume; else a warning. */
static int
add_used (gen_t *g, const char *pod, const char *play_file, const char *namespace_, const char *kind, const char *name,
          pp_error_t *err)
{
  if (name == NULL)
    return 0;
  ssize_t i = find_object (g, play_file, kind, namespace_, name);
  if (i < 0)
    i = find_object (g, NULL, kind, namespace_, name);
  int rank = strcmp (kind, "ConfigMap") == 0 ? RANK_CONFIGMAP : strcmp (kind, "Secret") == 0 ? RANK_SECRET : RANK_CLAIM;
  if (i >= 0)
    {
      pp_node_t *o = read_object (g, (size_t)i, err);
      if (o == NULL)
        return -1;
      strip_object (o);
      add_out (g, rank, o);
    }
  else if (rank == RANK_CLAIM && pp_namedvol_exists (g->ctx, name))
    add_out (g, rank, pp_object_claim (&g->arena, name));
  else
    pp_warning (g->ctx, "pod %s uses the %s `%s`, which no play recorded: it is left out", pod, kind, name);
  return 0;
}

/* The ConfigMaps, Secrets and claims a pod's volumes, env and pull secrets name. */
static int
add_uses (gen_t *g, const char *pod, const char *play_file, const char *ns, const pp_node_t *spec, pp_error_t *err)
{
  int ret = 0;
  const pp_node_t *vols = pp_node_get (spec, "volumes");
  for (size_t i = 0; ret == 0 && vols && vols->type == PP_NODE_SEQ && i < vols->n; i++)
    {
      const pp_node_t *v = vols->u.items[i];
      ret = add_used (g, pod, play_file, ns, "ConfigMap", str_at (pp_node_get (v, "configMap"), "name"), err);
      if (ret == 0)
        ret = add_used (g, pod, play_file, ns, "Secret", str_at (pp_node_get (v, "secret"), "secretName"), err);
      if (ret == 0)
        ret = add_used (g, pod, play_file, ns, "PersistentVolumeClaim",
                        str_at (pp_node_get (v, "persistentVolumeClaim"), "claimName"), err);
      const pp_node_t *srcs = pp_node_get (pp_node_get (v, "projected"), "sources");
      for (size_t k = 0; ret == 0 && srcs && srcs->type == PP_NODE_SEQ && k < srcs->n; k++)
        {
          ret = add_used (g, pod, play_file, ns, "ConfigMap",
                          str_at (pp_node_get (srcs->u.items[k], "configMap"), "name"), err);
          if (ret == 0)
            ret = add_used (g, pod, play_file, ns, "Secret", str_at (pp_node_get (srcs->u.items[k], "secret"), "name"),
                            err);
        }
    }
  static const char *const lists[] = { "initContainers", "containers" };
  for (size_t l = 0; ret == 0 && l < PP_N_ELEMENTS (lists); l++)
    {
      const pp_node_t *ctrs = pp_node_get (spec, lists[l]);
      for (size_t c = 0; ret == 0 && ctrs && ctrs->type == PP_NODE_SEQ && c < ctrs->n; c++)
        {
          const pp_node_t *from = pp_node_get (ctrs->u.items[c], "envFrom");
          for (size_t k = 0; ret == 0 && from && from->type == PP_NODE_SEQ && k < from->n; k++)
            {
              ret = add_used (g, pod, play_file, ns, "ConfigMap",
                              str_at (pp_node_get (from->u.items[k], "configMapRef"), "name"), err);
              if (ret == 0)
                ret = add_used (g, pod, play_file, ns, "Secret",
                                str_at (pp_node_get (from->u.items[k], "secretRef"), "name"), err);
            }
          const pp_node_t *env = pp_node_get (ctrs->u.items[c], "env");
          for (size_t k = 0; ret == 0 && env && env->type == PP_NODE_SEQ && k < env->n; k++)
            {
              const pp_node_t *vf = pp_node_get (env->u.items[k], "valueFrom");
              ret = add_used (g, pod, play_file, ns, "ConfigMap", str_at (pp_node_get (vf, "configMapKeyRef"), "name"),
                              err);
              if (ret == 0)
                ret = add_used (g, pod, play_file, ns, "Secret", str_at (pp_node_get (vf, "secretKeyRef"), "name"),
                                err);
            }
        }
    }
  const pp_node_t *pull = pp_node_get (spec, "imagePullSecrets");
  for (size_t i = 0; ret == 0 && pull && pull->type == PP_NODE_SEQ && i < pull->n; i++)
    ret = add_used (g, pod, play_file, ns, "Secret", str_at (pull->u.items[i], "name"), err);
  return ret;
}

/* `s` cut to a DNS label of RFC 1035 (a Service's name): lowercase letters, digits and dashes, a letter first,
   63 at most. */
static char *
dns1035_label (const char *s)
{
  size_t len = strlen (s);
  char *out = xmalloc (len + 3), *p = out;
  if (!isalpha ((unsigned char)s[0]))
    {
      *p++ = 's';
      *p++ = '-';
    }
  for (size_t i = 0; i < len && p - out < 63; i++)
    *p++ = isalnum ((unsigned char)s[i]) ? (char)tolower ((unsigned char)s[i]) : '-';
  while (p > out && p[-1] == '-')
    p--;
  *p = '\0';
  return out;
}

/* A label value from a name: 63 characters at most, ending in a letter or digit. */
static char *
label_value (const char *s)
{
  size_t len = strnlen (s, 63);
  while (len && !isalnum ((unsigned char)s[len - 1]))
    len--;
  return xstrndup (s, len);
}

/* The pod's labels; where it has none, `app: NAME`, for a selector to select it by. */
static pp_node_t *
labels_of (gen_t *g, pp_node_t *pod, const char *name)
{
  pp_node_t *meta = pp_node_get (pod, "metadata");
  pp_node_t *labels = pp_node_get (meta, "labels");
  if (labels && labels->type == PP_NODE_MAP && labels->n)
    return labels;
  labels = pp_node_new_map (&g->arena);
  cleanup_free char *v = label_value (name);
  pp_node_put (&g->arena, labels, "app", pp_node_new_str (&g->arena, v));
  pp_node_put (&g->arena, meta, "labels", labels);
  return labels;
}

/* A Service selecting the pod, with a port for each port it publishes on the host (at the host's port, to the
   container's), or for each container port when it publishes none. */
static int
add_service (gen_t *g, pp_node_t *pod, const char *pod_name)
{
  const pp_node_t *spec = pp_node_get (pod, "spec"), *ctrs = pp_node_get (spec, "containers");
  pp_node_t *ports = pp_node_new_seq (&g->arena);
  for (int published = 1; published >= 0 && ports->n == 0; published--)
    for (size_t c = 0; ctrs && ctrs->type == PP_NODE_SEQ && c < ctrs->n; c++)
      {
        const pp_node_t *cp = pp_node_get (ctrs->u.items[c], "ports");
        for (size_t k = 0; cp && cp->type == PP_NODE_SEQ && k < cp->n; k++)
          {
            const pp_node_t *p = cp->u.items[k];
            int64_t ctr_port = 0, host_port = 0;
            pp_plan_int (p, "containerPort", &ctr_port);
            bool has_host = pp_plan_int (p, "hostPort", &host_port) && host_port > 0;
            if (ctr_port <= 0 || (published && !has_host))
              continue;
            const char *proto = str_at (p, "protocol") ?: "TCP";
            pp_node_t *sp = pp_node_new_map (&g->arena);
            const char *pname = str_at (p, "name");
            char lower[8] = "";
            for (size_t i = 0; proto[i] && i < sizeof lower - 1; i++)
              lower[i] = (char)tolower ((unsigned char)proto[i]);
            cleanup_free char *made = pname ? NULL : xasprintf ("%s-%lld", lower, (long long)ctr_port);
            pp_node_put (&g->arena, sp, "name", pp_node_new_str (&g->arena, pname ?: made));
            pp_node_put (&g->arena, sp, "port", pp_node_new_int (&g->arena, has_host ? host_port : ctr_port));
            if (strcmp (proto, "TCP") != 0)
              pp_node_put (&g->arena, sp, "protocol", pp_node_new_str (&g->arena, proto));
            pp_node_put (&g->arena, sp, "targetPort", pp_node_new_int (&g->arena, ctr_port));
            pp_node_append (&g->arena, ports, sp);
          }
      }
  if (ports->n == 0)
    {
      pp_warning (g->ctx, "pod %s has no container port: no Service is written for it", pod_name);
      return 0;
    }
  if (ports->n == 1)
    pp_node_del (ports->u.items[0], "name");
  cleanup_free char *name = dns1035_label (pod_name);
  if (strcmp (name, pod_name) != 0)
    pp_warning (g->ctx, "the Service of pod %s is named `%s`: a Service's name is an RFC 1035 DNS label", pod_name,
                name);
  const char *ns = str_at (pp_node_get (pod, "metadata"), "namespace");
  pp_node_t *svc = pp_object_new (&g->arena, "v1", "Service", name, ns);
  pp_node_t *sspec = pp_node_new_map (&g->arena);
  pp_node_put (&g->arena, sspec, "ports", ports);
  pp_node_put (&g->arena, sspec, "selector", labels_of (g, pod, pod_name));
  pp_node_put (&g->arena, svc, "spec", sspec);
  add_out (g, RANK_SERVICE, svc);
  return 0;
}

/* The pod as a workload of opts->type, named `name`. */
static pp_node_t *
workload_of (gen_t *g, pp_node_t *pod, const char *pod_name, const char *name, pp_error_t *err)
{
  const char *type = g->opts->type ?: "pod";
  if (strcmp (type, "pod") == 0)
    return pod;
  pp_node_t *meta = pp_node_get (pod, "metadata"), *spec = pp_node_get (pod, "spec");
  bool job = strcmp (type, "job") == 0;
  const char *restart = str_at (spec, "restartPolicy") ?: "Always";
  if (job && strcmp (restart, "Always") == 0)
    return (pp_error_make (err, 0,
                           "pod %s restarts its containers Always: a Job's pods restart Never or OnFailure "
                           "(--type pod, deployment or daemonset fit it)",
                           pod_name),
            NULL);
  if (!job && strcmp (restart, "Always") != 0)
    return (pp_error_make (err, 0, "pod %s restarts its containers %s: a %s's pods restart Always (--type job fits it)",
                           pod_name, restart, strcmp (type, "deployment") == 0 ? "Deployment" : "DaemonSet"),
            NULL);
  pp_node_t *labels = job ? pp_node_get (meta, "labels") : labels_of (g, pod, name);
  pp_node_t *w = pp_object_new (&g->arena, job ? "batch/v1" : "apps/v1",
                                job                                ? "Job"
                                : strcmp (type, "deployment") == 0 ? "Deployment"
                                                                   : "DaemonSet",
                                name, str_at (meta, "namespace"));
  if (labels && labels->n)
    pp_node_put (&g->arena, pp_node_get (w, "metadata"), "labels", labels);
  pp_node_t *wspec = pp_node_new_map (&g->arena), *tmpl = pp_node_new_map (&g->arena);
  pp_node_t *tmeta = pp_node_new_map (&g->arena);
  if (labels && labels->n)
    pp_node_put (&g->arena, tmeta, "labels", labels);
  pp_node_t *ann = pp_node_get (meta, "annotations");
  if (ann && ann->type == PP_NODE_MAP && ann->n)
    pp_node_put (&g->arena, tmeta, "annotations", ann);
  if (tmeta->n)
    pp_node_put (&g->arena, tmpl, "metadata", tmeta);
  pp_node_put (&g->arena, tmpl, "spec", spec);
  if (strcmp (type, "deployment") == 0 && g->opts->replicas >= 0)
    pp_node_put (&g->arena, wspec, "replicas", pp_node_new_int (&g->arena, g->opts->replicas));
  if (!job)
    {
      pp_node_t *sel = pp_node_new_map (&g->arena);
      pp_node_put (&g->arena, sel, "matchLabels", labels);
      pp_node_put (&g->arena, wspec, "selector", sel);
    }
  pp_node_put (&g->arena, wspec, "template", tmpl);
  pp_node_put (&g->arena, w, "spec", wspec);
  return w;
}

/* A pod as a Pod (or the kind asked for): its own object, or its workload's template named as the pod. */
static int
add_pod (gen_t *g, const pp_pod_rec_t *rec, pp_error_t *err)
{
  const char *slash = rec->object ? strchr (rec->object, '/') : NULL;
  if (slash == NULL)
    return pp_error_make (err, 0,
                          "pod %s was played by an older podplay, which kept no object of it: play it "
                          "again to generate it",
                          rec->name);
  cleanup_free char *kind = xstrndup (rec->object, (size_t)(slash - rec->object));
  const char *oname = slash + 1;
  ssize_t i = rec->play_file ? find_object (g, rec->play_file, kind, rec->namespace_, oname) : -1;
  if (i < 0)
    return pp_error_make (err, 0, "pod %s: its %s `%s` is not recorded (was its play interrupted?): play it again",
                          rec->name, kind, oname);
  pp_node_t *obj = read_object (g, (size_t)i, err);
  if (obj == NULL)
    return -1;
  strip_object (obj);
  pp_node_t *pod = obj;
  if (strcmp (kind, "Pod") != 0)
    {
      const pp_node_t *tmpl = pp_node_get (pp_node_get (obj, "spec"), "template");
      pod = pp_object_new (&g->arena, "v1", "Pod", rec->name, str_at (pp_node_get (obj, "metadata"), "namespace"));
      pp_node_t *meta = pp_node_get (pod, "metadata"), *tmeta = pp_node_get (tmpl, "metadata");
      for (uint32_t k = 0; tmeta && tmeta->type == PP_NODE_MAP && k < tmeta->n; k++)
        if (strcmp (tmeta->u.pairs[k].key->u.str, "name") != 0
            && strcmp (tmeta->u.pairs[k].key->u.str, "namespace") != 0)
          pp_node_put (&g->arena, meta, tmeta->u.pairs[k].key->u.str, tmeta->u.pairs[k].value);
      pp_node_put (&g->arena, pod, "spec", pp_node_get (tmpl, "spec"));
    }
  const pp_node_t *ctrs = pp_node_get (pp_node_get (pod, "spec"), "containers");
  if (ctrs == NULL || ctrs->type != PP_NODE_SEQ || ctrs->n == 0)
    return pp_error_make (err, 0,
                          "pod %s has no container yet, and Kubernetes refuses a pod of none: add one "
                          "(`podplay run --pod %s IMAGE`)",
                          rec->name, rec->name);
  if (add_uses (g, rec->name, rec->play_file, rec->namespace_, pp_node_get (pod, "spec"), err) < 0)
    return -1;
  /* A workload made of a replica takes its workload's name; of a pod, the pod's. */
  pp_node_t *w = workload_of (g, pod, rec->name, strcmp (kind, "Pod") == 0 ? rec->name : oname, err);
  if (w == NULL)
    return -1;
  add_out (g, RANK_WORKLOAD, w);
  return g->opts->service ? add_service (g, pod, rec->name) : 0;
}

/* A container by its name (POD-CONTAINER, its own alone, or its id): the pod it is the one container of, which is
   how Kubernetes holds a container; one of several in a pod is not taken for its pod.  1 when none is so named. */
static int
add_container (gen_t *g, const char *what, pp_error_t *err)
{
  pp_pod_rec_t *pods = NULL;
  size_t n = 0, pi = 0, ci = 0;
  if (pp_state_pod_list (g->state, &pods, &n, err) < 0)
    return -1;
  pp_container_rec_t **cs = xzalloc ((n + 1) * sizeof *cs);
  size_t *n_cs = xzalloc ((n + 1) * sizeof *n_cs);
  int ret = 0;
  for (size_t i = 0; ret == 0 && i < n; i++)
    ret = pp_state_container_list (g->state, pods[i].id, &cs[i], &n_cs[i], err);
  cleanup_error pp_error_t none = NULL;
  if (ret == 0 && pp_ctr_match (pods, n, cs, n_cs, what, &pi, &ci, &none) < 0)
    ret = none->status == ENOENT ? 1 : pp_error_make (err, 0, "%s", none->msg);
  else if (ret == 0 && n_cs[pi] > 1)
    ret = pp_error_make (err, 0,
                         "container %s is one of the %zu containers of pod %s: a container of a pod is generated "
                         "with its pod (`podplay kube generate %s`)",
                         what, n_cs[pi], pods[pi].name, pods[pi].name);
  else if (ret == 0)
    ret = add_pod (g, &pods[pi], err);
  for (size_t i = 0; i < n; i++)
    {
      for (size_t j = 0; j < n_cs[i]; j++)
        pp_container_rec_release (&cs[i][j]);
      free (cs[i]);
    }
  free (cs);
  free (n_cs);
  pp_pod_recs_free (pods, n);
  return ret;
}

static bool
volume_name_ok (const char *s)
{
  if (!isalnum ((unsigned char)s[0]))
    return false;
  for (; *s; s++)
    if (!isalnum ((unsigned char)*s) && !strchr ("_.-", *s))
      return false;
  return true;
}

/* A named volume as a PersistentVolumeClaim: a play's claim as it was, else one of its name. */
static int
add_volume (gen_t *g, const char *name, pp_error_t *err)
{
  ssize_t i = find_object (g, NULL, "PersistentVolumeClaim", NULL, name);
  if (i >= 0)
    {
      pp_node_t *o = read_object (g, (size_t)i, err);
      if (o == NULL)
        return -1;
      strip_object (o);
      add_out (g, RANK_CLAIM, o);
      return 0;
    }
  /* A volume's name may hold what a claim's may not (capitals, underscores). */
  cleanup_free char *claim = xstrdup (name);
  for (char *p = claim; *p; p++)
    *p = *p == '_' ? '-' : (char)tolower ((unsigned char)*p);
  if (strcmp (claim, name) != 0)
    pp_warning (g->ctx, "volume %s is written as the claim `%s`: a claim's name is a lowercase DNS subdomain", name,
                claim);
  add_out (g, RANK_CLAIM, pp_object_claim (&g->arena, pp_arena_strndup (&g->arena, claim, strlen (claim))));
  return 0;
}

static int
cmp_out (const void *a, const void *b)
{
  const out_doc_t *x = a, *y = b;
  if (x->rank != y->rank)
    return x->rank - y->rank;
  if (x->rank < RANK_WORKLOAD)
    {
      int c = strcmp (x->namespace_, y->namespace_);
      if (c == 0)
        c = strcmp (x->name, y->name);
      if (c)
        return c;
    }
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
emit_all (gen_t *g, bool sorted, pp_buf_t *out)
{
  if (sorted)
    qsort (g->out, g->n_out, sizeof *g->out, cmp_out);
  for (size_t i = 0; i < g->n_out; i++)
    {
      const pp_node_t *o = g->out[i].node;
      const pp_kind_info_t *info = pp_kind_lookup (str_at (o, "apiVersion") ?: "", g->out[i].kind);
      if (i)
        pp_buf_puts (out, "---\n");
      pp_emit_object (out, o, info ? info->type : NULL);
    }
}

static int
check_opts (const pp_generate_opts_t *o, size_t n, pp_error_t *err)
{
  static const char *const types[] = { "pod", "deployment", "daemonset", "job" };
  bool known = o->type == NULL;
  for (size_t i = 0; !known && i < PP_N_ELEMENTS (types); i++)
    known = strcmp (o->type, types[i]) == 0;
  if (!known)
    return pp_error_make (err, 0, "--type %s: a type is pod, deployment, daemonset or job", o->type);
  if (o->replicas >= 0 && (o->type == NULL || strcmp (o->type, "deployment") != 0))
    return pp_error_make (err, 0, "--replicas is for --type deployment");
  if (o->play && n)
    return pp_error_make (err, 0, "--play writes what a play made: name no pod or volume with it");
  if (o->play && (o->type || o->service))
    return pp_error_make (err, 0, "--play writes the objects the play had, as they were: --%s does not apply",
                          o->type ? "type" : "service");
  if (!o->play && n == 0)
    return pp_error_make (err, 0, "name a pod or a volume, or give --play FILE");
  return 0;
}

int
pp_kube_generate (pp_context_t *ctx, char *const *names, size_t n, const pp_generate_opts_t *opts, pp_buf_t *out,
                  pp_error_t *err)
{
  if (check_opts (opts, n, err) < 0)
    return -1;
  gen_t g = { .ctx = ctx, .opts = opts };
  cleanup_free char *play_file = opts->play ? pp_play_file_of (opts->play) : NULL;
  int ret = pp_state_open (ctx, &g.state, err);
  if (ret == 0)
    ret = pp_state_objects_list (g.state, play_file, &g.objs, &g.n_objs, err);
  g.docs = xzalloc ((g.n_objs + 1) * sizeof *g.docs);
  if (ret == 0 && play_file && g.n_objs == 0)
    ret = pp_error_make (err, 0, "no play of `%s` is recorded", opts->play);
  for (size_t i = 0; ret == 0 && play_file && i < g.n_objs; i++)
    {
      pp_node_t *o = read_object (&g, i, err);
      if (o == NULL)
        ret = -1;
      else
        {
          strip_object (o);
          g.out = xrealloc (g.out, (g.n_out + 1) * sizeof *g.out);
          g.out[g.n_out++] = (out_doc_t){ .kind = g.objs[i].kind, .node = o };
        }
    }
  for (size_t k = 0; ret == 0 && k < n; k++)
    {
      pp_pod_rec_t rec;
      cleanup_error pp_error_t pod_err = NULL;
      if (pp_state_pod_get (g.state, names[k], &rec, &pod_err) == 0)
        {
          ret = add_pod (&g, &rec, err);
          pp_pod_rec_release (&rec);
        }
      else if (pod_err->status != ENOENT)
        ret = pp_error_make (err, 0, "%s", pod_err->msg);
      else if (volume_name_ok (names[k]) && pp_namedvol_exists (ctx, names[k]))
        ret = add_volume (&g, names[k], err);
      else if ((ret = add_container (&g, names[k], err)) > 0)
        ret = pp_error_make (err, 0, "no pod, container or volume `%s`", names[k]);
    }
  if (ret == 0)
    emit_all (&g, play_file == NULL, out);
  for (size_t i = 0; i < g.n_objs; i++)
    pp_doc_free (g.docs[i]);
  free (g.docs);
  free (g.out);
  pp_object_recs_free (g.objs, g.n_objs);
  pp_arena_free (&g.arena);
  pp_diags_free (&g.diags);
  if (g.state)
    pp_state_close (g.state);
  return ret;
}
