/* What a planned pod becomes for the runtime and its monitor: each container's config.json (argv, env, user,
   groups, seccomp, namespaces, mounts, limits) and the pod's pod.json (containers, probes, hooks, volumes). */
#include "play/plan.h"
#include "play/annotations.h"
#include "runtime/bundle.h"
#include "runtime/cgroup.h"
#include "runtime/pod.h"
#include "runtime/probe.h"
#include "runtime/rootfs.h"
#include "runtime/user.h"
#include "schema/checks.h"

#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

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

/* procMount: Unmasked (which the validator allows only with hostUsers: false) is honoured in the pod's user
   namespace, where an unmasked /proc does not reach the host's. */
static bool
proc_unmasked (const pp_node_t *spec, const pp_node_t *ctr)
{
  return strcmp (pp_plan_str (pp_node_get (ctr, "securityContext"), "procMount") ?: "", "Unmasked") == 0
         && pp_plan_user_namespace (spec);
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

/* The cgroup limits of `resources` (a container's or the pod's): memory and CPU quota from the limits, shares
   from the CPU request (the limit when there is none); 0 where unset. */
static pp_cgroup_limits_t
limits_of (const pp_node_t *resources)
{
  long double mem = 0, cpu = 0, cpu_req = 0;
  quantity_at (pp_node_get (resources, "limits"), "memory", &mem);
  quantity_at (pp_node_get (resources, "limits"), "cpu", &cpu);
  if (!quantity_at (pp_node_get (resources, "requests"), "cpu", &cpu_req))
    cpu_req = cpu;
  return (pp_cgroup_limits_t){
    .memory = (int64_t)mem,
    .memory_swap = (int64_t)mem,
    .cpu_quota = cpu > 0 ? (int64_t)ceill (cpu * 100000) : 0,
    .cpu_period = cpu > 0 ? 100000 : 0,
    .cpu_shares = cpu_req > 0 ? (uint64_t)fmaxl (2, floorl (cpu_req * 1024)) : 0,
  };
}

/* The limits cgroups under the base can hold: one whose controller the user's delegated cgroup lacks is left out
   (the play warned of it: pp_spec_limited). */
static pp_cgroup_limits_t
applicable (pp_cgroup_limits_t lim)
{
  if (!pp_cgroup_base_has ("memory"))
    lim.memory = lim.memory_swap = 0;
  if (!pp_cgroup_base_has ("cpu"))
    lim.cpu_quota = 0, lim.cpu_period = 0, lim.cpu_shares = 0;
  if (!pp_cgroup_base_has ("pids"))
    lim.pids = 0;
  return lim;
}

/* Pod-level resources for pod.json: the limits the monitor gives the pod's cgroup at each start of the pod, before
   its containers' (the kubelet's memory.max, cpu.max and weight); NULL without any. */
static json_t *
pod_limits_json (const pp_pod_plan_t *p)
{
  pp_cgroup_limits_t lim = applicable (limits_of (pp_node_get (p->spec, "resources")));
  if (lim.memory <= 0 && lim.cpu_quota <= 0 && lim.cpu_shares == 0)
    return NULL;
  return json_pack ("{s:I, s:I, s:I, s:I}", "memory", (json_int_t)lim.memory, "cpuQuota", (json_int_t)lim.cpu_quota,
                    "cpuPeriod", (json_int_t)lim.cpu_period, "cpuShares", (json_int_t)lim.cpu_shares);
}

/* "pod a container b: memory, cpu" in `b` for the limits of `resources` and `pids` that applicable() leaves out. */
static void
add_unapplied (pp_buf_t *b, const pp_pod_plan_t *p, const char *ctr, const pp_node_t *resources, int64_t pids)
{
  pp_cgroup_limits_t lim = limits_of (resources);
  lim.pids = pids;
  pp_cgroup_limits_t got = applicable (lim);
  const char *lost[3];
  size_t k = 0;
  if (lim.memory > 0 && got.memory == 0)
    lost[k++] = "memory";
  if ((lim.cpu_quota > 0 || lim.cpu_shares > 0) && got.cpu_quota == 0 && got.cpu_shares == 0)
    lost[k++] = "cpu";
  if (lim.pids > 0 && got.pids == 0)
    lost[k++] = "pids";
  if (k == 0)
    return;
  pp_buf_printf (b, "%spod %s%s%s:", b->len ? "; " : "", p->name, ctr ? " container " : "", ctr ? ctr : "");
  for (size_t i = 0; i < k; i++)
    pp_buf_printf (b, "%s %s", i ? "," : "", lost[i]);
}

char *
pp_spec_limited (const pp_pod_plan_t *pods, size_t n)
{
  pp_buf_t b = { 0 };
  for (size_t i = 0; i < n; i++)
    {
      add_unapplied (&b, &pods[i], NULL, pp_node_get (pods[i].spec, "resources"), 0);
      for (size_t k = 0; k < pods[i].n; k++)
        add_unapplied (&b, &pods[i], pods[i].c[k].name, pp_node_get (pods[i].c[k].node, "resources"),
                       pp_annotations_pids_limit (pods[i].node, pods[i].meta, pods[i].c[k].name));
    }
  return b.len ? b.data : NULL;
}

/* What a container's config.json is made of, held until it is written. */
typedef struct
{
  char *rootfs, *dir, *run, *where;
  char **argv, **env;
  uint32_t uid, gid;
  uint32_t groups[64];
  size_t n_groups;
  pp_seccomp_choice_t seccomp;
  char *seccomp_file, *seccomp_cache, *cgroups;
  bool sys_bind;
  char *ns_path[5]; /* user, net, ipc, uts, pid */
  pp_bundle_ns_t ns[7];
  size_t n_ns;
  char *etc[3]; /* hosts, hostname, resolv.conf */
  pp_bundle_mount_t *mounts;
  size_t n_mounts;
  char **mounts_owned;
  pp_bundle_sysctl_t *sysctls;
  char **sysctl_names;
  size_t n_sysctls;
} ctr_spec_t;

static void
ctr_spec_release (ctr_spec_t *s)
{
  free (s->rootfs);
  free (s->dir);
  free (s->run);
  free (s->where);
  pp_strv_free (s->argv);
  pp_strv_free (s->env);
  free (s->seccomp_file);
  free (s->seccomp_cache);
  free (s->cgroups);
  for (size_t i = 0; i < PP_N_ELEMENTS (s->ns_path); i++)
    free (s->ns_path[i]);
  for (size_t i = 0; i < PP_N_ELEMENTS (s->etc); i++)
    free (s->etc[i]);
  free (s->mounts);
  pp_strv_free (s->mounts_owned);
  free (s->sysctls);
  pp_strv_free (s->sysctl_names);
}

/* The image's environment, then the container's `kenv` (which it takes), a later name replacing an earlier one. */
static char **
ctr_env (const pp_pod_plan_t *p, json_t *cfg, char **kenv)
{
  size_t n_env = 0, k;
  json_t *ienv = json_object_get (cfg, "Env"), *e;
  char **env = xzalloc ((json_array_size (ienv) + 2) * sizeof (char *));
  env[n_env++] = xasprintf ("HOSTNAME=%s", p->hostname);
  json_array_foreach (ienv, k, e) env[n_env++] = xstrdup (json_string_value (e) ?: "");
  return pp_env_overlay (env, kenv);
}

/* argv and env: the container's own variables first, since $(VAR) in command and args expands with them, as the
   kubelet does. */
static int
ctr_argv_env (const pp_play_objects_t *objs, const pp_pod_plan_t *p, const pp_ctr_plan_t *c, ctr_spec_t *s,
              pp_error_t *err)
{
  char hostname_buf[256] = "localhost";
  gethostname (hostname_buf, sizeof hostname_buf - 1);
  pp_env_pod_t ep = { .file = p->doc->file,
                      .where = s->where,
                      .name = p->name,
                      .namespace_ = p->namespace_,
                      .uid = p->id,
                      .node_name = hostname_buf,
                      .pod_ip = *p->pod_ip ? p->pod_ip : NULL,
                      .pod_ips = *p->pod_ips ? p->pod_ips : NULL,
                      .host_ip = *p->host_ip ? p->host_ip : NULL,
                      .meta = p->meta,
                      .spec = p->spec,
                      .services = p->services };
  char **kenv = pp_play_env (objs, &ep, c->node, err);
  if (kenv == NULL)
    return -1;
  char **command = pp_expand_seq (pp_node_get (c->node, "command"), kenv);
  char **args = pp_expand_seq (pp_node_get (c->node, "args"), kenv);
  s->argv = pp_bundle_args (c->image.config, (const char *const *)command, (const char *const *)args, err);
  pp_strv_free (command);
  pp_strv_free (args);
  if (s->argv == NULL)
    {
      pp_strv_free (kenv);
      return pp_error_wrap (err, "pod %s, container %s", p->name, c->name);
    }
  s->env = ctr_env (p, json_object_get (c->image.config, "config"), kenv);
  return 0;
}

/* The container's root, where its own /etc/passwd and /etc/group are read (never by a joined path). */
static int
open_root (const ctr_spec_t *s, pp_error_t *err)
{
  int fd = open (s->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  return fd < 0 ? pp_error_make (err, errno, "%s: open the root filesystem", s->where) : fd;
}

/* The user: the image's, runAsUser and runAsGroup over it; runAsNonRoot enforced as the kubelet does, on the user
   the container would run as. */
static int
ctr_user (const pp_pod_plan_t *p, const pp_ctr_plan_t *c, ctr_spec_t *s, pp_error_t *err)
{
  json_t *cfg = json_object_get (c->image.config, "config");
  cleanup_close int root = open_root (s, err);
  if (root < 0)
    return -1;
  if (pp_user_resolve (root, json_string_value (json_object_get (cfg, "User")), &s->uid, &s->gid, err) < 0)
    return pp_error_wrap (err, "%s", s->where);
  const pp_node_t *psc = pp_node_get (p->spec, "securityContext"), *sc = pp_node_get (c->node, "securityContext");
  int64_t v;
  if (pp_plan_int (sc, "runAsUser", &v) || pp_plan_int (psc, "runAsUser", &v))
    s->uid = (uint32_t)v;
  if (pp_plan_int (sc, "runAsGroup", &v) || pp_plan_int (psc, "runAsGroup", &v))
    s->gid = (uint32_t)v;
  const pp_node_t *nonroot = pp_node_get (sc, "runAsNonRoot") ?: pp_node_get (psc, "runAsNonRoot");
  if (s->uid == 0 && nonroot && pp_plan_bool (pp_node_get (sc, "runAsNonRoot") ? sc : psc, "runAsNonRoot"))
    return pp_error_make (err, 0,
                          "%s:%u:%u: %s: runAsNonRoot is true but the container would run as root (uid 0): set "
                          "runAsUser, or use an image whose USER is not root",
                          p->doc->file, nonroot->line, nonroot->col, s->where);
  return 0;
}

/* seccompProfile: the container's, else the pod's; RuntimeDefault when neither says. */
static void
ctr_seccomp (const pp_node_t *sc, const pp_node_t *psc, ctr_spec_t *s)
{
  const pp_node_t *sp = pp_node_get (sc, "seccompProfile") ?: pp_node_get (psc, "seccompProfile");
  const char *sp_type = pp_plan_str (sp, "type") ?: "RuntimeDefault";
  s->seccomp = PP_SECCOMP_DEFAULT;
  if (strcmp (sp_type, "Unconfined") == 0)
    s->seccomp = PP_SECCOMP_UNCONFINED;
  else if (strcmp (sp_type, "Localhost") == 0)
    {
      /* A kubelet reads it under its seccomp root; here it is read beneath the manifest's folder. */
      s->seccomp_file = xstrdup (pp_plan_str (sp, "localhostProfile") ?: "");
      s->seccomp = PP_SECCOMP_LOCALHOST;
    }
}

/* supplementalGroups, fsGroup (which owns the pod's volumes: every container is in it), and with
   supplementalGroupsPolicy Merge (the default) the groups the image's /etc/group puts the user in as well;
   Strict: only those the pod names. */
static int
ctr_groups (const pp_node_t *psc, ctr_spec_t *s, pp_error_t *err)
{
  const pp_node_t *sg = pp_node_get (psc, "supplementalGroups");
  int64_t v;
  s->n_groups = 0;
  for (size_t j = 0; sg && sg->type == PP_NODE_SEQ && j < sg->n && s->n_groups < PP_N_ELEMENTS (s->groups); j++)
    if (pp_parse_int (sg->u.items[j]->u.str ?: "", &v))
      s->groups[s->n_groups++] = (uint32_t)v;
  if (pp_plan_int (psc, "fsGroup", &v) && s->n_groups < PP_N_ELEMENTS (s->groups))
    s->groups[s->n_groups++] = (uint32_t)v;
  if (strcmp (pp_plan_str (psc, "supplementalGroupsPolicy") ?: "Merge", "Strict") == 0)
    return 0;
  uint32_t more[32];
  size_t n_more;
  cleanup_close int root = open_root (s, err);
  if (root < 0 || pp_user_groups (root, s->uid, s->gid, more, PP_N_ELEMENTS (more), &n_more, err) < 0)
    return root < 0 ? -1 : pp_error_wrap (err, "%s", s->where);
  for (size_t j = 0; j < n_more && s->n_groups < PP_N_ELEMENTS (s->groups); j++)
    {
      bool seen = false;
      for (size_t q = 0; q < s->n_groups && !seen; q++)
        seen = s->groups[q] == more[j];
      if (!seen)
        s->groups[s->n_groups++] = more[j];
    }
  return 0;
}

/* The pod's namespaces the container joins.  The pod's user namespace first: the runtime joins it before the
   others, which it owns.  hostNetwork, hostIPC, hostPID: the host's namespace, which a bundle says by naming none
   of that type (hostNetwork takes the host's hostname too, as on a node). */
static void
ctr_namespaces (const pp_pod_plan_t *p, ctr_spec_t *s)
{
  static const char *const files[] = { "user", "net", "ipc", "uts", "pid" };
  for (size_t i = 0; i < PP_N_ELEMENTS (files); i++)
    s->ns_path[i] = xasprintf ("%s/ns/%s", s->run, files[i]);
  s->n_ns = 0;
  if (p->userns_base)
    s->ns[s->n_ns++] = (pp_bundle_ns_t){ "user", s->ns_path[0] };
  if (!p->host_network)
    {
      s->ns[s->n_ns++] = (pp_bundle_ns_t){ "network", s->ns_path[1] };
      s->ns[s->n_ns++] = (pp_bundle_ns_t){ "uts", s->ns_path[3] };
    }
  if (!pp_plan_bool (p->spec, "hostIPC"))
    s->ns[s->n_ns++] = (pp_bundle_ns_t){ "ipc", s->ns_path[2] };
  if (!pp_plan_bool (p->spec, "hostPID"))
    s->ns[s->n_ns++]
        = (pp_bundle_ns_t){ "pid", pp_plan_bool (p->spec, "shareProcessNamespace") ? s->ns_path[4] : NULL };
  s->ns[s->n_ns++] = (pp_bundle_ns_t){ "mount", NULL };
  s->ns[s->n_ns++] = (pp_bundle_ns_t){ "cgroup", NULL };
}

/* The pod's /etc files, then the container's volumes. */
static int
ctr_mounts (const pp_pod_plan_t *p, const pp_ctr_plan_t *c, ctr_spec_t *s, pp_error_t *err)
{
  static const char *const etc[] = { "hosts", "hostname", "resolv.conf" };
  static const char *const targets[] = { "/etc/hosts", "/etc/hostname", "/etc/resolv.conf" };
  pp_bundle_mount_t *vmounts = NULL;
  size_t n_vmounts = 0;
  pp_env_pod_t vp = { .file = p->doc->file, .where = s->where, .spec = p->spec };
  if (pp_volume_mounts (&p->vols, &vp, c->node, s->env, &vmounts, &n_vmounts, &s->mounts_owned, err) < 0)
    {
      free (vmounts);
      return -1;
    }
  s->mounts = xzalloc ((n_vmounts + PP_N_ELEMENTS (etc) + 1) * sizeof (pp_bundle_mount_t));
  for (size_t m = 0; m < PP_N_ELEMENTS (etc); m++)
    {
      s->etc[m] = xasprintf ("%s/%s", s->run, etc[m]);
      s->mounts[s->n_mounts++] = (pp_bundle_mount_t){ targets[m], s->etc[m], false };
    }
  for (size_t m = 0; m < n_vmounts; m++)
    s->mounts[s->n_mounts++] = vmounts[m];
  free (vmounts);
  return 0;
}

/* The pod's sysctls, in each container's namespaces (the validator let only namespaced ones through). */
static void
ctr_sysctls (const pp_node_t *psc, ctr_spec_t *s)
{
  const pp_node_t *sysctls = pp_node_get (psc, "sysctls");
  s->n_sysctls = sysctls && sysctls->type == PP_NODE_SEQ ? sysctls->n : 0;
  s->sysctls = xzalloc ((s->n_sysctls + 1) * sizeof *s->sysctls);
  s->sysctl_names = xzalloc ((s->n_sysctls + 1) * sizeof (char *));
  for (size_t j = 0; j < s->n_sysctls; j++)
    {
      s->sysctl_names[j] = pp_sysctl_normalize (pp_plan_str (sysctls->u.items[j], "name") ?: "");
      s->sysctls[j] = (pp_bundle_sysctl_t){ s->sysctl_names[j], pp_plan_str (sysctls->u.items[j], "value") ?: "" };
    }
}

static int
ctr_write (const pp_pod_plan_t *p, const pp_ctr_plan_t *c, ctr_spec_t *s, pp_error_t *err)
{
  const pp_node_t *sc = pp_node_get (c->node, "securityContext");
  cleanup_free const char **cap_add = str_seq (pp_plan_path (sc, "capabilities", "add"));
  cleanup_free const char **cap_drop = str_seq (pp_plan_path (sc, "capabilities", "drop"));
  pp_cgroup_limits_t lim = applicable (limits_of (pp_node_get (c->node, "resources")));
  const pp_node_t *ape = pp_node_get (sc, "allowPrivilegeEscalation");
  const char *cwd = pp_plan_str (c->node, "workingDir");
  if (cwd == NULL || *cwd == '\0')
    cwd = json_string_value (json_object_get (json_object_get (c->image.config, "config"), "WorkingDir"));
  pp_bundle_spec_t bs = {
    .args = (const char *const *)s->argv,
    .env = (const char *const *)s->env,
    .cwd = cwd,
    .uid = s->uid,
    .gid = s->gid,
    .groups = s->groups,
    .n_groups = s->n_groups,
    .readonly_rootfs = pp_plan_bool (sc, "readOnlyRootFilesystem"),
    .privileged = pp_plan_bool (sc, "privileged"),
    .no_new_privileges = ape != NULL && !pp_plan_bool (sc, "allowPrivilegeEscalation"),
    .sys_bind = s->sys_bind,
    .cap_add = cap_add,
    .cap_drop = cap_drop,
    .namespaces = s->ns,
    .n_namespaces = s->n_ns,
    .userns_base = p->userns_base,
    .memory_limit = lim.memory,
    .cpu_quota = lim.cpu_quota,
    .cpu_period = lim.cpu_period,
    .cpu_shares = lim.cpu_shares,
    .cgroups_path = s->cgroups,
    .root_path = s->rootfs,
    .mounts = s->mounts,
    .n_mounts = s->n_mounts,
    .seccomp = s->seccomp,
    .seccomp_profile = s->seccomp_file,
    .seccomp_profile_dir = p->dir,
    .seccomp_cache = s->seccomp_cache,
    .sysctls = s->sysctls,
    .n_sysctls = s->n_sysctls,
    .proc_unmasked = proc_unmasked (p->spec, c->node),
    .terminal = pp_plan_bool (c->node, "tty"),
  };
  pp_annotations_ctr_t actr = { 0 };
  int ret = pp_annotations_container (p->node, p->meta, p->spec, c->node, p->dir, &bs, &actr, err);
  bs.pids_limit = applicable ((pp_cgroup_limits_t){ .pids = bs.pids_limit }).pids;
  if (ret == 0 && pp_bundle_write (s->dir, &bs, err) < 0)
    ret = pp_error_wrap (err, "%s", s->where);
  pp_annotations_ctr_free (&actr);
  return ret;
}

int
pp_spec_write_bundle (pp_context_t *ctx, const pp_play_objects_t *objs, const pp_pod_plan_t *p, size_t i,
                      const char *ctr_id, pp_error_t *err)
{
  const pp_ctr_plan_t *c = &p->c[i];
  const pp_node_t *psc = pp_node_get (p->spec, "securityContext"), *sc = pp_node_get (c->node, "securityContext");
  ctr_spec_t s = { .rootfs = pp_ctr_rootfs (ctx, ctr_id),
                   .dir = pp_ctr_datadir (ctx, ctr_id),
                   .run = pp_pod_rundir (ctx, p->id),
                   .where = xasprintf ("pod %s, container %s", p->name, c->name),
                   /* None where this user has no cgroup of its own to make one in (see pp_spec_limited). */
                   .cgroups = pp_cgroup_pod_path (p->id, ctr_id),
                   .sys_bind = ctx->in_userns && p->host_network,
                   .seccomp_cache = xasprintf ("%s/seccomp", ctx->runroot) };
  int ret = ctr_argv_env (objs, p, c, &s, err);
  if (ret == 0)
    ret = ctr_user (p, c, &s, err);
  if (ret == 0)
    {
      ctr_seccomp (sc, psc, &s);
      ret = ctr_groups (psc, &s, err);
    }
  if (ret == 0)
    {
      ctr_namespaces (p, &s);
      ctr_sysctls (psc, &s);
      ret = ctr_mounts (p, c, &s, err);
    }
  if (ret == 0)
    ret = ctr_write (p, c, &s, err);
  ctr_spec_release (&s);
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
    if (strcmp (pp_plan_str (ports->u.items[i], "name") ?: "", name) == 0
        && pp_plan_int (ports->u.items[i], "containerPort", &v))
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
  static const char *const timings[] = { "initialDelaySeconds", "periodSeconds",    "timeoutSeconds",
                                         "successThreshold",    "failureThreshold", "terminationGracePeriodSeconds" };
  for (size_t i = 0; i < PP_N_ELEMENTS (timings); i++)
    {
      int64_t v;
      if (pp_plan_int (probe, timings[i], &v))
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
        json_array_append_new (headers, json_pack ("[s, s]", pp_plan_str (hs->u.items[i], "name") ?: "",
                                                   pp_plan_str (hs->u.items[i], "value") ?: ""));
      json_object_set_new (j, "http",
                           json_pack ("{s:I, s:s, s:s, s:s, s:o}", "port",
                                      (json_int_t)probe_port (pp_node_get (h, "port"), ctr), "path",
                                      pp_plan_str (h, "path") ?: "/", "host", pp_plan_str (h, "host") ?: "127.0.0.1",
                                      "scheme", pp_plan_str (h, "scheme") ?: "HTTP", "headers", headers));
    }
  else if ((h = pp_node_get (probe, "grpc")))
    json_object_set_new (j, "grpc",
                         json_pack ("{s:I, s:s, s:s}", "port", (json_int_t)probe_port (pp_node_get (h, "port"), ctr),
                                    "host", "127.0.0.1", "service", pp_plan_str (h, "service") ?: ""));
  else if ((h = pp_node_get (probe, "tcpSocket")))
    json_object_set_new (j, "tcp",
                         json_pack ("{s:I, s:s}", "port", (json_int_t)probe_port (pp_node_get (h, "port"), ctr), "host",
                                    pp_plan_str (h, "host") ?: "127.0.0.1"));
  return j;
}

/* The pod's FQDN when it has a subdomain, as the kubelet makes it: <hostname>.<subdomain>.<namespace>.svc.<cluster
   domain>; NULL without one. */
char *
pp_spec_pod_fqdn (const pp_pod_plan_t *p)
{
  const char *sub = pp_plan_str (p->spec, "subdomain");
  /* hostnameOverride is the pod's name to itself, `hostname -f` included. */
  const char *over = pp_plan_str (p->spec, "hostnameOverride");
  if (over && *over)
    return NULL;
  return sub && *sub ? xasprintf ("%s.%s.%s.svc.cluster.local", p->hostname, sub, p->namespace_) : NULL;
}

/* A container's own restartPolicy and its restartPolicyRules (1.34), for the monitor: "restartPolicy" and
   "restartRules" [{action, in, values}], first match wins. */
static void
restart_rules_json (json_t *cj, const pp_node_t *c)
{
  const char *policy = pp_plan_str (c, "restartPolicy");
  if (policy == NULL)
    return;
  json_object_set_new (cj, "restartPolicy", json_string (policy));
  const pp_node_t *rules = pp_node_get (c, "restartPolicyRules");
  json_t *out = json_array ();
  for (uint32_t i = 0; rules && rules->type == PP_NODE_SEQ && i < rules->n; i++)
    {
      const pp_node_t *r = rules->u.items[i], *codes = pp_node_get (r, "exitCodes");
      const pp_node_t *values = pp_node_get (codes, "values");
      json_t *vs = json_array ();
      for (uint32_t k = 0; values && values->type == PP_NODE_SEQ && k < values->n; k++)
        {
          const pp_node_t *v = values->u.items[k];
          int64_t x;
          if (v->type == PP_NODE_SCALAR && v->tag == PP_TAG_INT && pp_parse_int (v->u.str, &x))
            json_array_append_new (vs, json_integer (x));
        }
      const char *op = pp_plan_str (codes, "operator");
      json_array_append_new (out, json_pack ("{s:s, s:b, s:o}", "action", pp_plan_str (r, "action") ?: "Restart", "in",
                                             op == NULL || strcmp (op, "NotIn") != 0, "values", vs));
    }
  json_object_set_new (cj, "restartRules", out);
}

/* env[].valueFrom.fileKeyRef: [{name, volume (its folder on the host), path, key, optional}], or NULL. */
static json_t *
file_env_json (const pp_pod_plan_t *p, const pp_node_t *c)
{
  const pp_node_t *env = pp_node_get (c, "env");
  json_t *out = NULL;
  for (uint32_t i = 0; env && env->type == PP_NODE_SEQ && i < env->n; i++)
    {
      const pp_node_t *ref = pp_plan_path (env->u.items[i], "valueFrom", "fileKeyRef");
      const char *vol = pp_plan_str (ref, "volumeName");
      const char *name = pp_plan_str (env->u.items[i], "name");
      if (ref == NULL || vol == NULL || name == NULL)
        continue;
      /* A later entry of the same name is the one the container gets. */
      bool later = false;
      for (uint32_t k = i + 1; k < env->n && !later; k++)
        later = pp_plan_str (env->u.items[k], "name") && strcmp (pp_plan_str (env->u.items[k], "name"), name) == 0;
      if (later)
        continue;
      const char *source = NULL;
      for (size_t k = 0; k < p->vols.n && source == NULL; k++)
        if (strcmp (p->vols.v[k].name, vol) == 0)
          source = p->vols.v[k].source;
      if (source == NULL)
        continue; /* validation requires an emptyDir of the pod */
      if (out == NULL)
        out = json_array ();
      json_array_append_new (out, json_pack ("{s:s, s:s, s:s, s:s, s:b}", "name", name, "volume", source, "path",
                                             pp_plan_str (ref, "path") ?: "", "key", pp_plan_str (ref, "key") ?: "",
                                             "optional", pp_plan_bool (ref, "optional")));
    }
  return out;
}

json_t *
pp_spec_pod_json (const pp_pod_plan_t *p, const char *runtime, const char *netns)
{
  json_t *cs = json_array ();
  for (size_t i = 0; i < p->n; i++)
    {
      cleanup_free char *cg = pp_cgroup_pod_path (p->id, p->ctr_ids[i]);
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
          const pp_node_t *h = pp_node_get (pp_plan_path (p->c[i].node, "lifecycle", hook_names[k]), "sleep");
          json_t *hj = probe_json (pp_plan_path (p->c[i].node, "lifecycle", hook_names[k]), p->c[i].node);
          int64_t secs;
          if (hj && h && pp_plan_int (h, "seconds", &secs))
            json_object_set_new (hj, "sleep", json_integer (secs));
          if (hj)
            json_object_set_new (hooks, hook_names[k], hj);
        }
      /* A sidecar is an init container that is restarted, whatever the pod's policy.  stdinOnce closes stdin after
         the first attach, and nothing attaches here: its stdin stays open as with stdin alone. */
      const pp_node_t *c = p->c[i].node;
      json_t *cj = json_pack ("{s:s, s:s, s:b, s:b, s:b, s:b, s:s, s:o, s:o}", "id", p->ctr_ids[i], "name",
                              p->c[i].name, "init", p->c[i].init, "sidecar", pp_plan_is_sidecar (&p->c[i]), "tty",
                              pp_plan_bool (c, "tty"), "stdin", pp_plan_bool (c, "stdin"), "cgroup", cg ? cg : "", "probes",
                              probes, "lifecycle", hooks);
      if (cg == NULL)
        json_object_del (cj, "cgroup");
      /* What stops it: lifecycle.stopSignal, else the image's STOPSIGNAL, else SIGTERM, as the CRI runtimes do. */
      const char *stop = pp_plan_str (pp_node_get (c, "lifecycle"), "stopSignal");
      if (stop == NULL)
        stop = json_string_value (json_object_get (json_object_get (p->c[i].image.config, "config"), "StopSignal"));
      int sig = pp_signal_number (stop);
      json_object_set_new (cj, "stopSignal", json_integer (sig > 0 ? sig : SIGTERM));
      restart_rules_json (cj, c);
      if (p->attach_first && i >= p->n_before && (pp_plan_bool (c, "tty") || pp_plan_bool (c, "stdin")))
        json_object_set_new (cj, "attachFirst", json_true ());
      json_t *fe = file_env_json (p, c);
      if (fe)
        json_object_set_new (cj, "fileEnv", fe);
      json_array_append_new (cs, cj);
    }
  json_t *plan = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:O, s:o}", "id", p->id, "name", p->name, "hostname",
                            p->hostname, "restartPolicy", p->restart_policy, "runtime", runtime ? runtime : "builtin",
                            "terminationGracePeriodSeconds", (json_int_t)p->grace, "shareProcessNamespace",
                            pp_plan_bool (p->spec, "shareProcessNamespace"), "tmpfs",
                            p->vols.tmpfs ? p->vols.tmpfs : json_array (), "containers", cs);
  if (netns)
    json_object_set_new (plan, "netns", json_string (netns));
  /* `pod create`'s: its monitor holds it until it is stopped. */
  if (pp_annotations_infra (p->node, p->meta))
    json_object_set_new (plan, "hold", json_true ());
  cleanup_free char *pod_cg = pp_cgroup_pod_path (p->id, NULL);
  if (pod_cg)
    json_object_set_new (plan, "cgroup", json_string (pod_cg));
  json_t *pod_limits = pod_cg ? pod_limits_json (p) : NULL;
  if (pod_limits)
    json_object_set_new (plan, "podLimits", pod_limits);
  if (p->vols.claims)
    json_object_set (plan, "namedVolumes", p->vols.claims);
  if (p->vols.idmapped)
    json_object_set (plan, "idmappedClaims", p->vols.idmapped);
  if (json_array_size (p->vols.images))
    json_object_set (plan, "imageVolumes", p->vols.images);
  if (json_array_size (p->vols.shared))
    json_object_set (plan, "sharedMounts", p->vols.shared);
  if (json_object_size (p->vols.subpaths))
    json_object_set (plan, "subPaths", p->vols.subpaths);
  /* What `pod start` needs to make the /etc files again after a reboot. */
  if (p->hosts_extra)
    json_object_set_new (plan, "hostsExtra", json_string (p->hosts_extra));
  if (p->resolv_conf)
    json_object_set_new (plan, "resolvConf", json_string (p->resolv_conf));
  cleanup_free char *fqdn = pp_spec_pod_fqdn (p);
  if (fqdn)
    json_object_set_new (plan, "fqdn", json_string (fqdn));
  return plan;
}
