/* A play applied: each new or changed pod recorded, set up (namespaces, volumes, root filesystems, bundles) and
   its monitor started; Jobs' controllers started; what the play replaces removed; and on any failure, what this
   play created removed again. */
#include "net/infra.h"
#include "net/network.h"
#include "play/plan.h"
#include "play/annotations.h"
#include "play/job.h"
#include "runtime/cgroup.h"
#include "runtime/namedvol.h"
#include "runtime/pod.h"
#include "runtime/rootfs.h"
#include "runtime/rootless.h"
#include "runtime/runtime.h"
#include "runtime/userns.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* What Services select the pod by: its labels, and the named ports of its containers (a targetPort names one). */
static int
record_labels (pp_state_t *state, const pp_pod_plan_t *p, const char *id, pp_error_t *err)
{
  json_t *labels = pp_plan_str_map (pp_node_get (p->meta, "labels")), *ports = json_object ();
  for (size_t i = 0; i < p->n; i++)
    {
      const pp_node_t *ps = pp_node_get (p->c[i].node, "ports");
      for (uint32_t k = 0; ps && ps->type == PP_NODE_SEQ && k < ps->n; k++)
        {
          const char *name = pp_plan_str (ps->u.items[k], "name");
          int64_t port;
          if (name && pp_plan_int (ps->u.items[k], "containerPort", &port) && !json_object_get (ports, name))
            json_object_set_new (ports, name,
                                 json_pack ("{s:I, s:s}", "port", (json_int_t)port, "protocol",
                                            pp_plan_str (ps->u.items[k], "protocol") ?: "TCP"));
        }
    }
  cleanup_free char *l = json_dumps (labels, JSON_COMPACT | JSON_SORT_KEYS);
  cleanup_free char *n = json_dumps (ports, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref (labels);
  json_decref (ports);
  return pp_state_pod_labels_put (state, id, l, n, pp_plan_str (p->spec, "hostname"),
                                  pp_plan_str (p->spec, "subdomain"), err);
}

/* The record of the pod's container i, Created. */
static int
record_ctr (pp_state_t *state, const pp_pod_plan_t *p, size_t i, pp_error_t *err)
{
  pp_container_rec_t c = { .id = xstrdup (p->ctr_ids[i]),
                           .pod_id = xstrdup (p->id),
                           .name = xstrdup (p->c[i].name),
                           .image = xstrdup (p->c[i].image_ref),
                           .image_id = xstrdup (p->c[i].image.id),
                           .init = p->c[i].init,
                           .sidecar = pp_plan_is_sidecar (&p->c[i]),
                           .status = xstrdup ("Created"),
                           .exit_code = -1 };
  int ret = pp_state_container_add (state, &c, err);
  pp_container_rec_release (&c);
  return ret;
}

static int
record_pod (pp_state_t *state, const pp_pod_plan_t *p, const char *play_file, pp_error_t *err)
{
  if (pp_state_begin (state, err) < 0)
    return -1;
  pp_pod_rec_t rec = { .id = xstrdup (p->id),
                       .name = p->existing ? pp_play_replacement_name (p->name) : xstrdup (p->name),
                       .namespace_ = xstrdup (p->namespace_),
                       .play_file = xstrdup (play_file),
                       .spec_hash = xstrdup (p->hash),
                       .status = xstrdup ("Created"),
                       .created = (int64_t)time (NULL),
                       .owner = p->owner ? xstrdup (p->owner) : NULL,
                       .object = xasprintf ("%s/%s", pp_plan_str (p->node, "kind"),
                                            pp_plan_str (pp_node_get (p->node, "metadata"), "name")) };
  int ret = pp_state_pod_add (state, &rec, err);
  pp_pod_rec_release (&rec);
  for (size_t i = 0; ret == 0 && i < p->n; i++)
    ret = record_ctr (state, p, i, err);
  if (ret == 0)
    ret = record_labels (state, p, p->id, err);
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
idmap_claims (pp_context_t *ctx, pp_pod_plan_t *p, pp_error_t *err)
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
      if (ctx->in_userns)
        return pp_error_make (err, EPERM,
                              "pod %s: volume %s: a PersistentVolumeClaim of a pod of hostUsers: false is bound "
                              "idmapped, which the kernel lets no ordinary user do: leave hostUsers out of the pod, "
                              "or give it an emptyDir",
                              p->name, v->name);
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

/* The addresses of the pod's place in its network (p->net), and its resolver. */
static void
take_addresses (pp_pod_plan_t *p)
{
  pp_network_pod_ip (p->net, p->pod_ip);
  char ip6[PP_IP_STRLEN];
  if (pp_network_pod_ip6 (p->net, ip6))
    snprintf (p->pod_ips, sizeof p->pod_ips, "%s,%s", p->pod_ip, ip6);
  /* ClusterFirst: the network's resolver, on its gateway. */
  free (p->resolv_conf);
  p->resolv_conf
      = pp_plan_resolv_conf (p->spec, p->namespace_, json_string_value (json_object_get (p->net, "gateway")));
}

/* The pod's network: the host's (hostNetwork, --network host), none but loopback (--network none), or an address
   in the network --network names (the default one without it), taken now and recorded with the pod. */
static int
join_network (pp_context_t *ctx, pp_state_t *state, pp_pod_plan_t *p, const pp_play_opts_t *opts, pp_error_t *err)
{
  const char *want = opts->network;
  p->host_network = pp_plan_bool (p->spec, "hostNetwork") || (want && strcmp (want, "host") == 0);
  p->pod_ips[0] = '\0';
  pp_network_host_ip (ctx, p->host_ip);
  if (p->host_network)
    {
      snprintf (p->pod_ip, sizeof p->pod_ip, "%s", p->host_ip);
      return 0;
    }
  if (want && strcmp (want, "none") == 0)
    return 0;
  pp_network_rec_t net;
  if (pp_network_get (ctx, state, want, &net, err) < 0)
    return -1;
  p->net = pp_network_pod_take (state, p->id, &net, err);
  pp_network_rec_release (&net);
  if (p->net == NULL)
    return -1;
  take_addresses (p);
  if (p->ports && json_array_size (p->ports))
    json_object_set (p->net, "ports", p->ports);
  /* A replacement takes over the ports of the pod it replaces, and only that pod's; a new pod those of a pod the
     play removes, when it publishes them too. */
  const char *from = p->existing ?: p->ports_from;
  json_t *old = from ? pp_pod_read_plan (ctx, from, NULL) : NULL;
  char old_ip[PP_IP_STRLEN];
  json_t *old_net = json_object_get (old, "network");
  if (old_net && pp_network_pod_ip (old_net, old_ip))
    json_object_set_new (p->net, "replaces", json_string (old_ip));
  json_decref (old);
  return 0;
}

/* What a pod takes in the state database, one pod after another: its ids, its record, its user ids and its
   address. */
static int
record_and_take (pp_context_t *ctx, pp_state_t *state, pp_pod_plan_t *p, const char *play_file,
                 const pp_play_opts_t *opts, pp_error_t *err)
{
  int64_t t = pp_now_us ();
  p->id = pp_state_new_id ();
  p->ctr_ids = xzalloc ((p->n + 1) * sizeof (char *));
  for (size_t i = 0; i < p->n; i++)
    p->ctr_ids[i] = pp_state_new_id ();
  if (record_pod (state, p, play_file, err) < 0)
    return -1;
  pp_debug_step (ctx, &t, "pod %s: recorded", p->name);
  /* hostUsers: false: a user namespace of the pod's own, on host ids no other pod has. */
  uint32_t block;
  if (pp_annotations_userns (p->node, p->meta, p->spec))
    {
      /* An ordinary user's: blocks of the ids its namespace maps after 0 (its subordinate ones), from 1.  Those are
         ids 1... of the user's other pods too (their container ids are the namespace's): such a pod is apart
         from the others of hostUsers: false, and its root is not the user. */
      uint64_t above = ctx->rootless ? pp_rootless_ids_above_root () : 0;
      uint32_t first = ctx->rootless ? 0 : PP_USERNS_FIRST_BLOCK;
      uint32_t limit = ctx->rootless ? (uint32_t) (above / PP_USERNS_SIZE) : PP_USERNS_END_BLOCK;
      if (ctx->rootless && limit == 0)
        return pp_error_make (err, ENOSPC,
                              "pod %s: hostUsers: false: a pod in a user namespace of its own needs %u ids, and this "
                              "user's namespace maps %llu besides the user's own: give the user more "
                              "(/etc/subuid and /etc/subgid: usermod --add-subuids and --add-subgids)",
                              p->name, PP_USERNS_SIZE, (unsigned long long) above);
      cleanup_error pp_error_t take_err = NULL;
      int taken = pp_state_userns_take (state, p->id, first, limit, &block, ctx->rootless ? &take_err : err);
      /* An ordinary user's ids seldom hold two such pods (the usual /etc/subuid gives one 65536): a replacement
         borrows the block of the pod it replaces, whose record passes to it as that pod goes
         (pp_play_remove_outdated); the two run on the same ids until then. */
      if (taken < 0 && ctx->rootless && take_err->status == ENOSPC && p->existing)
        {
          int held = pp_state_userns_block (state, p->existing, &block, err);
          if (held < 0)
            return pp_error_wrap (err, "pod %s", p->name);
          p->userns_borrowed = held == 0;
          taken = held == 0 ? 0 : -1;
        }
      if (taken < 0)
        {
          if (!ctx->rootless || take_err->status != ENOSPC)
            return ctx->rootless ? pp_error_make (err, take_err->status, "pod %s: %s", p->name, take_err->msg)
                                 : pp_error_wrap (err, "pod %s", p->name);
          return pp_error_make (err, 0,
                                "pod %s: hostUsers: false: the %llu subordinate ids of this user's namespace hold "
                                "%u pod%s in a user namespace of its own (65536 ids each), and %s taken: give the "
                                "user more (usermod --add-subuids and --add-subgids), or remove such a pod",
                                p->name, (unsigned long long) above, limit, limit == 1 ? "" : "s",
                                limit == 1 ? "it is" : "all are");
        }
      p->userns_base = ctx->rootless ? 1 + block * PP_USERNS_SIZE : block * PP_USERNS_SIZE;
      const pp_runtime_t *rt = pp_runtime_find (p->runtime, err);
      if (rt == NULL || (rt->external && pp_pod_userns_reachable (ctx, err) < 0))
        return pp_error_wrap (err, "pod %s", p->name);
    }
  if (join_network (ctx, state, p, opts, err) < 0)
    return pp_error_wrap (err, "pod %s", p->name);
  pp_debug_step (ctx, &t, "pod %s: address", p->name);
  return 0;
}

/* The pod's volumes, the root filesystems and bundles of its containers from the `from`th on, and its plan
   (pod.json), written. */
static int
make_contents (pp_context_t *ctx, const pp_play_objects_t *objs, pp_pod_plan_t *p, size_t from, pp_error_t *err)
{
  int64_t t = pp_now_us ();
  cleanup_free char *where = xasprintf ("pod %s", p->name);
  pp_env_pod_t ep = { .file = p->doc->file,
                      .where = where,
                      .name = p->name,
                      .namespace_ = p->namespace_,
                      .uid = p->id,
                      .node_name = "",
                      .pod_ip = p->pod_ip,
                      .pod_ips = *p->pod_ips ? p->pod_ips : NULL,
                      .host_ip = p->host_ip,
                      .meta = p->meta,
                      .spec = p->spec };
  int64_t fs_group = -1;
  if (!pp_plan_int (pp_node_get (p->spec, "securityContext"), "fsGroup", &fs_group))
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
  pp_debug_step (ctx, &t, "pod %s: volumes", p->name);
  for (size_t i = from; i < p->n; i++)
    if (pp_ctr_mount_rootfs (ctx, p->ctr_ids[i], p->c[i].image.id, p->id, p->userns_base, err) < 0
        || pp_spec_write_bundle (ctx, objs, p, i, p->ctr_ids[i], err) < 0)
      return pp_error_wrap (err, "pod %s, container %s", p->name, p->c[i].name);
  pp_debug_step (ctx, &t, "pod %s: root filesystems and bundles", p->name);
  cleanup_free char *run = pp_pod_rundir (ctx, p->id);
  cleanup_free char *netns = p->host_network ? NULL : xasprintf ("%s/ns/net", run);
  json_t *plan = pp_spec_pod_json (p, p->runtime, netns);
  if (p->net)
    json_object_set (plan, "network", p->net);
  if (p->userns_base)
    json_object_set_new (
        plan, "userNamespace",
        json_pack ("{s:I, s:I}", "hostID", (json_int_t)p->userns_base, "size", (json_int_t)PP_USERNS_SIZE));
  int ret = pp_pod_write_plan (ctx, p->id, plan, err);
  json_decref (plan);
  pp_debug_step (ctx, &t, "pod %s: plan written", p->name);
  return ret < 0 ? pp_error_wrap (err, "pod %s", p->name) : 0;
}

/* What makes the pod on the machine, from its record: nothing here touches the state database, so that the pods of
   a play are made on several threads at once (make_pods). */
static int
make_pod (pp_context_t *ctx, const pp_play_objects_t *objs, pp_pod_plan_t *p, const pp_play_opts_t *opts,
          pp_error_t *err)
{
  int64_t t = pp_now_us ();
  /* The monitor starts (its exec, its state) while the pod is made, and waits for the plan. */
  if (opts->start && pp_pod_spawn_monitor (ctx, p->id, p->host_network, &p->monitor, err) < 0)
    return pp_error_wrap (err, "pod %s", p->name);
  pp_debug_step (ctx, &t, "pod %s: monitor spawned", p->name);
  cleanup_free char *fqdn = pp_spec_pod_fqdn (p);
  if (pp_pod_setup (ctx, p->id,
                    &(pp_pod_etc_t){ p->hostname, p->hosts_extra, p->resolv_conf, fqdn, p->userns_base, p->net }, err)
      < 0)
    return -1;
  if (make_contents (ctx, objs, p, 0, err) < 0)
    return -1;
  /* The monitor starts the containers while the next pods are made; play waits for them all at the end. */
  if (opts->start && pp_pod_monitor_go (&p->monitor, err) < 0)
    return pp_error_wrap (err, "pod %s", p->name);
  return 0;
}

/* The containers a grown pod got, taken back: their records (`state` NULL: none yet), what was made of them, and
   the plan it had. */
static void
ungrow (pp_context_t *ctx, pp_state_t *state, pp_pod_plan_t *p)
{
  size_t n_new = p->n - p->n_before;
  pp_container_rec_t *cs = xzalloc ((n_new + 1) * sizeof *cs);
  for (size_t i = 0; i < n_new; i++)
    {
      cs[i].id = p->ctr_ids[p->n_before + i];
      if (state)
        pp_state_container_remove (state, cs[i].id, NULL);
    }
  if (state && p->old_hash)
    pp_state_pod_set_hash (state, p->id, p->old_hash, NULL);
  pp_error_t e = NULL;
  json_t *plan = pp_pod_read_plan (ctx, p->id, NULL);
  cleanup_free char *cgroup = pp_pod_cgroup (p->id, plan);
  json_decref (plan);
  pp_pod_ctrs_teardown (ctx, cgroup, cs, n_new, &e);
  pp_error_t we = NULL;
  if (p->old_plan && pp_pod_write_plan (ctx, p->id, p->old_plan, &we) < 0 && e == NULL)
    e = steal_pointer (&we);
  pp_error_release (&we);
  if (e)
    {
      pp_warning (ctx, "pod %s: taking back its new containers: %s", p->name, e->msg);
      pp_error_release (&e);
    }
  free (cs);
}

/* `run --pod`: the pod the file made before gets the containers its spec now appends, beside those that run
   (which go on), as Podman adds a container to a running pod.  Everything is made before anything is recorded,
   and a failure takes back what was made. */
static int
grow_pod (pp_play_t *play, pp_pod_plan_t *p, pp_error_t *err)
{
  pp_context_t *ctx = play->ctx;
  json_t *old = p->old_plan = pp_pod_read_plan (ctx, p->existing, err);
  if (old == NULL)
    return pp_error_wrap (err, "pod %s", p->name);
  pp_pod_rec_t rec;
  if (pp_state_pod_get (play->state, p->existing, &rec, err) < 0)
    return pp_error_wrap (err, "pod %s", p->name);
  p->old_hash = steal_pointer (&rec.spec_hash);
  pp_pod_rec_release (&rec);
  json_t *ocs = json_object_get (old, "containers");
  size_t k = json_array_size (ocs);
  int ret = 0;
  if (json_object_get (old, "userNamespace"))
    ret = pp_error_make (err, 0, "pod %s has a user namespace of its own (hostUsers: false): it takes no container "
                         "after it is made", p->name);
  for (size_t i = 0; ret == 0 && i < k; i++)
    {
      const char *had = json_string_value (json_object_get (json_array_get (ocs, i), "name")) ?: "";
      if (i >= p->n || strcmp (p->c[i].name, had) != 0)
        ret = pp_error_make (err, 0, "pod %s: its containers are no longer those it runs (%s): remove it and play "
                             "its manifest again", p->name, had);
    }
  if (ret < 0)
    return -1;
  p->grown = true;
  p->n_before = k;
  p->id = xstrdup (p->existing);
  p->ctr_ids = xzalloc ((p->n + 1) * sizeof (char *));
  for (size_t i = 0; i < p->n; i++)
    p->ctr_ids[i] = i < k ? xstrdup (json_string_value (json_object_get (json_array_get (ocs, i), "id")) ?: "")
                          : pp_state_new_id ();
  /* Where it is: the network of its plan, or the host's. */
  p->host_network = json_object_get (old, "netns") == NULL;
  pp_network_host_ip (ctx, p->host_ip);
  p->pod_ips[0] = '\0';
  json_t *net = json_object_get (old, "network");
  if (net)
    {
      p->net = json_incref (net);
      take_addresses (p);
    }
  else if (p->host_network)
    snprintf (p->pod_ip, sizeof p->pod_ip, "%s", p->host_ip);
  p->attach_first = play->opts->attach;
  ret = make_contents (ctx, &play->objs, p, k, err);
  bool began = ret == 0 && (ret = pp_state_begin (play->state, err)) == 0;
  for (size_t i = k; ret == 0 && i < p->n; i++)
    ret = record_ctr (play->state, p, i, err);
  if (ret == 0)
    ret = pp_state_pod_set_hash (play->state, p->id, p->hash, err);
  if (ret == 0)
    ret = record_labels (play->state, p, p->id, err);
  if (ret == 0)
    ret = pp_state_commit (play->state, err);
  else if (began)
    pp_state_rollback (play->state);
  if (ret < 0)
    {
      ungrow (ctx, NULL, p);
      p->grown = false;
      free (p->id);
      p->id = NULL;
    }
  return ret < 0 ? pp_error_wrap (err, "pod %s", p->name) : 0;
}

/* A grown pod's monitor starts its new containers: told so, or, when the pod does not run, started again with all
   of them.  Waits until the new containers run (or ended), for as long as the pod's init containers let them
   start. */
static int
start_grown (pp_play_t *play, pp_pod_plan_t *p, pp_error_t *err)
{
  pp_pod_rec_t rec;
  if (pp_state_pod_get (play->state, p->id, &rec, err) < 0)
    return -1;
  bool alive = pp_pod_monitor_alive (&rec);
  int ret = 0;
  /* A monitor of an older podplay, which would die of the signal, is not sent it. */
  if (alive && !pp_signal_blocked ((pid_t) rec.monitor_pid, SIGUSR2))
    ret = pp_error_make (err, 0,
                         "pod %s: its monitor is an older podplay's, which cannot add containers: restart the pod "
                         "(`podplay pod stop %s`, then `podplay pod start %s`) and run again",
                         p->name, p->name, p->name);
  else if (alive && kill ((pid_t) rec.monitor_pid, SIGUSR2) < 0)
    ret = pp_error_make (err, errno, "pod %s: tell its monitor", p->name);
  pp_pod_rec_release (&rec);
  if (ret < 0 || !alive)
    return ret < 0 ? -1 : pp_pod_start_monitor (play->ctx, p->id, err);
  /* An attached run's container starts when its client comes. */
  if (play->opts->attach)
    return 0;
  /* Told: the monitor records each one running, or exited when it could not start. */
  for (int tries = 0; tries < 1000; tries++)
    {
      pp_container_rec_t *cs = NULL;
      size_t n = 0;
      if (pp_state_container_list (play->state, p->id, &cs, &n, err) < 0)
        return -1;
      bool waiting = false;
      for (size_t j = 0; j < n; j++)
        for (size_t i = p->n_before; i < p->n && strcmp (cs[j].status ?: "", "Created") == 0; i++)
          waiting = waiting || strcmp (cs[j].id, p->ctr_ids[i]) == 0;
      pp_container_recs_free (cs, n);
      if (!waiting)
        return 0;
      usleep (10000);
    }
  /* Still waiting: for the pod's init containers, or a monitor that stopped meanwhile, which will not start them. */
  if (pp_state_pod_get (play->state, p->id, &rec, err) < 0)
    return -1;
  alive = pp_pod_monitor_alive (&rec);
  pp_pod_rec_release (&rec);
  return alive ? 0 : pp_error_make (err, 0, "pod %s stopped before its new containers started", p->name);
}

static int
apply_pod (pp_context_t *ctx, pp_state_t *state, const pp_play_objects_t *objs, pp_pod_plan_t *p, const char *play_file,
           const pp_play_opts_t *opts, pp_error_t *err)
{
  if (record_and_take (ctx, state, p, play_file, opts, err) < 0)
    return -1;
  return make_pod (ctx, objs, p, opts, err);
}

/* The pods recorded, made by a worker per core: each takes the next pod until none is left or one failed. */
typedef struct
{
  pp_play_t *play;
  const size_t *todo;
  size_t n_todo, next;
  pthread_mutex_t lock;
  int ret;
  pp_error_t err;
} makers_t;

static void *
make_worker (void *arg)
{
  makers_t *m = arg;
  for (;;)
    {
      pthread_mutex_lock (&m->lock);
      size_t i = m->ret == 0 && m->next < m->n_todo ? m->todo[m->next++] : SIZE_MAX;
      pthread_mutex_unlock (&m->lock);
      if (i == SIZE_MAX)
        return NULL;
      pp_pod_plan_t *p = &m->play->pods[i];
      pp_error_t e = NULL;
      int r = pp_play_interrupted (m->play, &e);
      if (r == 0)
        r = make_pod (m->play->ctx, &m->play->objs, p, m->play->opts, &e);
      if (r < 0)
        {
          pthread_mutex_lock (&m->lock);
          if (m->ret == 0)
            {
              m->ret = -1;
              m->err = e;
              e = NULL;
            }
          pthread_mutex_unlock (&m->lock);
          pp_error_release (&e);
        }
    }
}

/* Signals go to the main thread, a worker too: the other workers' system calls are not interrupted, and a Ctrl-C is
   seen by each worker before its next pod (pp_play_interrupted). */
static void *
worker_thread (void *arg)
{
  sigset_t all;
  sigfillset (&all);
  pthread_sigmask (SIG_BLOCK, &all, NULL);
  return make_worker (arg);
}

static int
make_pods (pp_play_t *play, const size_t *todo, size_t n, pp_error_t *err)
{
  makers_t m = { .play = play, .todo = todo, .n_todo = n, .lock = PTHREAD_MUTEX_INITIALIZER };
  long cores = sysconf (_SC_NPROCESSORS_ONLN);
  size_t n_workers = cores < 1 ? 1 : cores > 8 ? 8 : (size_t) cores;
  if (n_workers > n)
    n_workers = n;
  pthread_t workers[8];
  size_t started = 0;
  /* The first worker is this thread; a thread that cannot be made leaves its share to the others. */
  for (; started + 1 < n_workers; started++)
    if (pthread_create (&workers[started], NULL, worker_thread, &m) != 0)
      break;
  make_worker (&m);
  for (size_t i = 0; i < started; i++)
    pthread_join (workers[i], NULL);
  pthread_mutex_destroy (&m.lock);
  if (m.ret < 0)
    *err = m.err;
  return m.ret;
}

/* A pod the play made leaves its network before its plan may say it is there (a failure between its connection
   and its plan); the pod it replaced gets back the ports the replacement took over. */
static void
rollback_network (pp_context_t *ctx, const pp_pod_plan_t *p)
{
  pp_error_t e = NULL;
  if (p->net && pp_network_detach (ctx, p->id, p->net, &e) < 0)
    {
      pp_warning (ctx, "rollback of pod %s: %s", p->name, e->msg);
      pp_error_release (&e);
    }
  json_t *old
      = p->net && json_object_get (p->net, "ports") && p->existing ? pp_pod_read_plan (ctx, p->existing, NULL) : NULL;
  json_t *old_net = json_object_get (old, "network");
  if (old_net && pp_network_publish (ctx, p->existing, old_net, &e) < 0)
    {
      pp_warning (ctx, "rollback of pod %s: the ports of the pod it replaced: %s", p->name, e->msg);
      pp_error_release (&e);
    }
  json_decref (old);
}

static void
rollback (pp_context_t *ctx, pp_state_t *state, pp_pod_plan_t *pods, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      if (pods[i].grown)
        ungrow (ctx, state, &pods[i]);
      if (pods[i].id == NULL || pods[i].grown)
        continue;
      rollback_network (ctx, &pods[i]);
      pp_pod_rec_t rec;
      pp_error_t e = NULL;
      if (pp_state_pod_get (state, pods[i].id, &rec, NULL) == 0)
        {
          if (pp_play_remove_pod_rec (ctx, state, &rec, 0, &e) < 0)
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
rollback_jobs (pp_context_t *ctx, pp_state_t *state, const pp_job_plan_t *jobs, size_t n)
{
  for (size_t k = 0; k < n; k++)
    {
      pp_job_rec_t *js = NULL;
      size_t nj = 0;
      pp_error_t e = NULL;
      if (jobs[k].started && pp_state_job_list (state, jobs[k].name, &js, &nj, NULL) == 0 && nj == 1
          && pp_play_remove_job (ctx, state, &js[0], &e) < 0)
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
  pp_pod_plan_t *tmpl;
  const pp_play_opts_t *opts;
} job_maker_t;

static int
make_job_pod (void *arg, pp_state_t *state, const char *name, pp_error_t *err)
{
  job_maker_t *m = arg;
  pp_pod_plan_t *p = m->tmpl;
  free (p->name);
  p->name = xstrdup (name);
  pp_plan_set_hostname (p);
  int ret = apply_pod (m->ctx, state, m->objs, p, p->play_file, m->opts, err);
  /* After a failure the monitor is waited for all the same; the first error stays (pp_error_make keeps it). */
  int waited = pp_pod_monitor_wait (&p->monitor, err);
  if (ret == 0 && waited < 0)
    ret = pp_error_wrap (err, "pod %s", p->name);
  if (ret < 0)
    rollback (m->ctx, state, p, 1);
  /* What apply_pod filled belongs to this pod: the next starts afresh. */
  pp_plan_release_applied (p);
  return ret;
}

/* Records a Job and starts its controller, which makes its first pods before this returns.  The state database
   is closed around the fork: SQLite's connections must not be carried into a child (the child would take the
   parent's locks for its own), and reopened after; when it cannot be, the play fails with the state closed. */
static int
start_job (pp_play_t *play, pp_job_plan_t *j, pp_error_t *err)
{
  pp_pod_plan_t *tmpl = &play->pods[j->tmpl];
  pp_job_rec_t rec = { .name = xstrdup (j->name),
                       .namespace_ = xstrdup (tmpl->namespace_),
                       .play_file = xstrdup (tmpl->play_file),
                       .spec_hash = xstrdup (tmpl->hash),
                       .status = xstrdup ("Running"),
                       .completions = j->completions,
                       .parallelism = j->parallelism,
                       .backoff_limit = j->backoff_limit,
                       .deadline = j->deadline,
                       .started = (int64_t)time (NULL) };
  int ret = pp_state_job_put (play->state, &rec, err);
  pp_job_rec_release (&rec);
  if (ret < 0)
    return -1;
  j->started = true;
  job_maker_t m = { play->ctx, &play->objs, tmpl, play->opts };
  /* Its pods' network as join_network will choose it (in the controller, after the fork). */
  const char *want = play->opts->network;
  pp_job_maker_t mk = { make_job_pod, &m,
                        pp_plan_bool (tmpl->spec, "hostNetwork") || (want && strcmp (want, "host") == 0) };
  pp_state_close (play->state);
  play->state = NULL;
  ret = pp_job_start (play->ctx, j->name, &mk, err);
  pp_error_t e = NULL;
  if (pp_state_open (play->ctx, &play->state, ret == 0 ? err : &e) < 0)
    {
      pp_error_release (&e);
      return -1;
    }
  return ret;
}

/* PersistentVolumeClaims become named volumes, kept across plays and `kube down` (unless --force). */
static int
make_claims (pp_play_t *play, pp_error_t *err)
{
  int ret = 0;
  for (size_t i = 0; ret == 0 && i < play->objs.n_claims; i++)
    {
      const pp_node_t *claim = play->objs.claims[i];
      cleanup_free char *pf = pp_play_claim_file (play, claim);
      ret = pp_namedvol_create (play->ctx, pp_plan_str (pp_node_get (claim, "metadata"), "name") ?: "", pf,
                                &play->made_claims[i], err);
    }
  return ret;
}

/* Every started monitor is waited for, even after a failure: the rollback must find them done. */
static int
await_monitors (pp_play_t *play, int ret, pp_error_t *err)
{
  int64_t t = pp_now_us ();
  for (size_t i = 0; i < play->n; i++)
    if (play->pods[i].monitor.pid >= 0)
      {
        pp_error_t e = NULL;
        int ready = pp_pod_monitor_wait (&play->pods[i].monitor, &e);
        pp_debug_step (play->ctx, &t, "pod %s: waited for its monitor to start the containers", play->pods[i].name);
        if (ready < 0)
          {
            if (ret == 0)
              {
                *err = e;
                pp_error_wrap (err, "pod %s", play->pods[i].name);
                ret = -1;
              }
            else
              pp_error_release (&e);
          }
      }
  pp_pod_reap_helpers (play->ctx);
  return ret;
}

/* Removes what this play created.  The state it needs may have been closed (around a Job's fork) and not come
   back: it is opened again, and when it cannot be, what was made stays, said in a warning that names the way
   out. */
static void
rollback_play (pp_play_t *play)
{
  pp_error_t e = NULL;
  if (play->state == NULL && pp_state_open (play->ctx, &play->state, &e) < 0)
    {
      pp_warning (play->ctx,
                  "cannot remove what this play created: %s; `kube down` of its files removes it once "
                  "the state database can be opened",
                  e->msg);
      pp_error_release (&e);
      return;
    }
  rollback_jobs (play->ctx, play->state, play->jobs, play->n_jobs);
  rollback (play->ctx, play->state, play->pods, play->n);
  for (size_t i = 0; i < play->objs.n_claims; i++)
    if (play->made_claims[i])
      pp_namedvol_remove (play->ctx, pp_plan_str (pp_node_get (play->objs.claims[i], "metadata"), "name") ?: "", NULL);
}

static pp_play_action_t
action_of (const pp_pod_plan_t *p, bool existed)
{
  if (p->grown)
    return PP_PLAY_GROWN;
  return p->unchanged ? PP_PLAY_UNCHANGED : p->stale ? PP_PLAY_RECREATED : existed ? PP_PLAY_REPLACED : PP_PLAY_CREATED;
}

/* A replaced Job's removal is said by its `replaced` line once the play succeeded (a play that fails after it
   keeps the removal in its result). */
static void
drop_removal (pp_play_result_t *res, const char *job)
{
  for (size_t i = 0; i < res->n; i++)
    if (res->v[i].kind == PP_PLAY_JOB && res->v[i].action == PP_PLAY_REMOVED && strcmp (res->v[i].name, job) == 0)
      {
        pp_play_result_drop (res, i);
        return;
      }
}

/* What the play made, for the caller to print: the volumes, the pods, the Jobs. */
static void
add_summary (pp_play_t *play)
{
  for (size_t i = 0; i < play->objs.n_claims; i++)
    if (play->made_claims[i])
      pp_play_result_add (play->res, PP_PLAY_VOLUME, PP_PLAY_CREATED,
                          pp_plan_str (pp_node_get (play->objs.claims[i], "metadata"), "name") ?: "", NULL);
  for (size_t i = 0; i < play->n; i++)
    {
      const pp_pod_plan_t *p = &play->pods[i];
      if (p->job)
        continue;
      pp_play_item_t *it = pp_play_result_add (play->res, PP_PLAY_POD, action_of (p, p->existing != NULL), p->name,
                                               p->unchanged ? p->existing : p->id);
      pp_pod_rec_t rec;
      if (p->unchanged && pp_state_pod_get (play->state, p->existing, &rec, NULL) == 0)
        {
          it->status = steal_pointer (&rec.status);
          pp_pod_rec_release (&rec);
        }
      it->ctrs = xzalloc ((p->n + 1) * sizeof *it->ctrs);
      it->n_ctrs = p->n;
      for (size_t j = 0; j < p->n; j++)
        it->ctrs[j] = (pp_play_ctr_t){ .name = xstrdup (p->c[j].name),
                                       .id = p->ctr_ids ? xstrdup (p->ctr_ids[j]) : NULL,
                                       .image = xstrdup (p->c[j].image_ref) };
    }
  for (size_t k = 0; k < play->n_jobs; k++)
    {
      const pp_job_plan_t *j = &play->jobs[k];
      drop_removal (play->res, j->name);
      pp_play_item_t *it
          = pp_play_result_add (play->res, PP_PLAY_JOB, action_of (&play->pods[j->tmpl], j->existed), j->name, NULL);
      it->completions = j->completions;
      it->parallelism = j->parallelism;
      it->backoff_limit = j->backoff_limit;
      it->deadline = j->deadline;
    }
}

/* The pods, then the Jobs.  Each step looks first whether the play was interrupted, up to the removal of the Jobs
   it replaces or no longer holds, which waits until every new pod runs: what follows that removal takes away
   what no rollback brings back, so once it removed anything the play goes to its end. */
static int
apply_all (pp_play_t *play, pp_error_t *err)
{
  int ret = pp_play_remove_outdated (play, PP_PLAY_STEP_LEFTOVERS, err);
  if (ret == 0)
    ret = make_claims (play, err);
  /* Recorded one after another (the state database), then made on every core. */
  cleanup_free size_t *todo = xzalloc ((play->n + 1) * sizeof (size_t));
  size_t n_todo = 0;
  for (size_t i = 0; ret == 0 && i < play->n; i++)
    if (play->pods[i].unchanged && play->pods[i].existing)
      /* A pod an older podplay made has no labels recorded: a Service of this play selects it too. */
      ret = record_labels (play->state, &play->pods[i], play->pods[i].existing, err);
    else if (!play->pods[i].unchanged && play->pods[i].job == 0 && play->opts->grow && play->pods[i].existing)
      {
        ret = pp_play_interrupted (play, err);
        if (ret == 0)
          ret = grow_pod (play, &play->pods[i], err);
      }
    else if (!play->pods[i].unchanged && play->pods[i].job == 0)
      {
        ret = pp_play_interrupted (play, err);
        play->pods[i].attach_first = play->opts->attach;
        if (ret == 0)
          ret = record_and_take (play->ctx, play->state, &play->pods[i], play->pods[i].play_file, play->opts, err);
        todo[n_todo++] = i;
      }
  if (ret == 0 && n_todo)
    ret = make_pods (play, todo, n_todo, err);
  ret = await_monitors (play, ret, err);
  if (ret == 0)
    ret = pp_play_interrupted (play, err);
  size_t said = play->res->n;
  if (ret == 0)
    ret = pp_play_remove_outdated (play, PP_PLAY_STEP_JOBS, err);
  bool committed = play->res->n > said;
  /* Jobs start once the pods run: each controller makes its first pods before play goes on. */
  for (size_t k = 0; ret == 0 && play->opts->start && k < play->n_jobs; k++)
    if (!play->pods[play->jobs[k].tmpl].unchanged)
      {
        ret = committed ? 0 : pp_play_interrupted (play, err);
        if (ret == 0)
          ret = start_job (play, &play->jobs[k], err);
      }
  /* The last look: the last step removes the pods this play replaces, which no rollback brings back. */
  if (ret == 0 && !committed)
    ret = pp_play_interrupted (play, err);
  return ret;
}

/* Whether a pod of the play (or of its Jobs) joins a pod network. */
static bool
needs_network (const pp_play_t *play)
{
  const char *want = play->opts->network;
  if (want && (strcmp (want, "none") == 0 || strcmp (want, "host") == 0))
    return false;
  for (size_t i = 0; i < play->n; i++)
    if (!pp_plan_bool (play->pods[i].spec, "hostNetwork"))
      return true;
  return false;
}

int
pp_play_apply (pp_play_t *play, pp_error_t *err)
{
  play->made_claims = xzalloc ((play->objs.n_claims + 1) * sizeof (bool));
  /* An ordinary user's pods join networks in the user's own network namespace: this process goes there before
     it makes them (and the monitors and Job controllers it starts with it), once the images are pulled; it goes
     there too when the namespace is there already, where the pods the play replaces may be (a hostNetwork pod's
     monitor is started on the host's network all the same: pp_infra_host_side). */
  if (pp_infra_enter (play->ctx, needs_network (play), err) < 0)
    return -1;
  cleanup_free char *limited = pp_spec_limited (play->pods, play->n);
  if (limited && pp_cgroup_base () == NULL)
    pp_warning (play->ctx,
                "resources are not applied: an ordinary user has no cgroup of its own to limit pods in here (no "
                "delegated cgroup v2 subtree; see `podplay info`): %s",
                limited);
  else if (limited)
    pp_warning (play->ctx,
                "limits are not applied where the user's delegated cgroup `%s` lacks their controller (it has "
                "\"%s\"; Delegate= in systemd's user@.service names the controllers it hands down): %s",
                pp_cgroup_base (), pp_cgroup_base_controllers (), limited);
  for (size_t i = 0; i < play->n; i++)
    play->pods[i].monitor = (pp_monitor_start_t){ .fd = -1, .pid = -1 };
  /* The Services' addresses are chosen before any pod is made: each pod's service links name them. */
  play->svc_env = pp_plan_services_env (play, err);
  for (size_t i = 0; i < play->n; i++)
    play->pods[i].services = play->svc_env;
  int ret = play->svc_env ? apply_all (play, err) : -1;
  /* The Services once their pods run, before the pods they replace go (which take their addresses out of the
     rules as they go): the rules are set with every pod's readiness as it is, and follow it from then on. */
  if (ret == 0)
    ret = pp_play_apply_services (play, err);
  int64_t t = pp_now_us ();
  if (ret == 0)
    ret = pp_play_record_objects (play, err);
  pp_debug_step (play->ctx, &t, "play: objects recorded");
  if (ret == 0)
    ret = pp_play_remove_outdated (play, PP_PLAY_STEP_PODS, err);
  /* A grown pod's monitor is told last: once told, its new containers run, which no rollback takes back. */
  for (size_t i = 0; ret == 0 && play->opts->start && i < play->n; i++)
    if (play->pods[i].grown)
      ret = start_grown (play, &play->pods[i], err);
  /* A failure takes back what this play made, whatever failed: a lost state database too. */
  if (ret < 0)
    rollback_play (play);
  else
    add_summary (play);
  return ret;
}
