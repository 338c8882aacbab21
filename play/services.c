/* A play's Services: planned from their objects, checked against the state before anything is created (names,
   addresses, protocols), recorded and put in the data path once the pods run, and taken away by a down or by a
   re-play of a file that no longer holds them. */
#include "net/infra.h"
#include "net/service.h"
#include "play/plan.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

json_t *
pp_plan_str_map (const pp_node_t *m)
{
  json_t *o = json_object ();
  for (uint32_t i = 0; m && m->type == PP_NODE_MAP && i < m->n; i++)
    {
      const char *v = pp_node_str (m->u.pairs[i].value);
      if (v)
        json_object_set_new (o, m->u.pairs[i].key->u.str, json_string (v));
    }
  return o;
}

/* What the data path needs of a Service's spec (see pp_service_rec_t). */
static json_t *
service_spec (const pp_node_t *spec)
{
  json_t *ports = json_array ();
  const pp_node_t *ps = pp_node_get (spec, "ports");
  for (uint32_t i = 0; ps && ps->type == PP_NODE_SEQ && i < ps->n; i++)
    {
      const pp_node_t *p = ps->u.items[i], *target = pp_node_get (p, "targetPort");
      int64_t port = 0, tnum = 0;
      pp_plan_int (p, "port", &port);
      json_t *t = pp_plan_int (p, "targetPort", &tnum) && tnum > 0 ? json_integer (tnum)
                  : pp_node_str (target) && *pp_node_str (target)
                      /* A string of digits is the number, as the API server reads an IntOrString. */
                      ? (strspn (pp_node_str (target), "0123456789") == strlen (pp_node_str (target))
                             ? json_integer (strtoll (pp_node_str (target), NULL, 10))
                             : json_string (pp_node_str (target)))
                      : json_integer (port);
      json_array_append_new (ports, json_pack ("{s:s?, s:s, s:I, s:o}", "name", pp_plan_str (p, "name"), "protocol",
                                               pp_plan_str (p, "protocol") ?: "TCP", "port", (json_int_t)port,
                                               "targetPort", t));
    }
  const char *affinity = pp_plan_str (spec, "sessionAffinity");
  return json_pack ("{s:s, s:o, s:b, s:b, s:o, s:s?}", "type", pp_plan_str (spec, "type") ?: "ClusterIP", "selector",
                    pp_plan_str_map (pp_node_get (spec, "selector")), "affinity",
                    affinity && strcmp (affinity, "ClientIP") == 0, "notReady",
                    pp_plan_bool (spec, "publishNotReadyAddresses"), "ports", ports, "externalName",
                    pp_plan_str (spec, "externalName"));
}

void
pp_plan_add_service (pp_svc_plan_t **v, size_t *n, const pp_doc_t *doc, const pp_node_t *obj)
{
  *v = xrealloc (*v, (*n + 1) * sizeof **v);
  pp_svc_plan_t *s = &(*v)[(*n)++];
  memset (s, 0, sizeof *s);
  const pp_node_t *meta = pp_node_get (obj, "metadata");
  s->node = obj;
  s->doc = doc;
  s->spec = pp_node_get (obj, "spec");
  s->name = xstrdup (pp_plan_str (meta, "name") ?: "");
  s->namespace_ = pp_plan_str (meta, "namespace") ?: "default";
}

void
pp_plan_free_services (pp_svc_plan_t *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (v[i].name);
      free (v[i].play_file);
      free (v[i].existing_file);
      json_decref (v[i].json);
    }
  free (v);
}

/* "FILE:LINE:COL: " of a node of the Service's document. */
static char *
at (const pp_svc_plan_t *s, const pp_node_t *n)
{
  n = n ? n : s->node;
  return xasprintf ("%s:%u:%u: ", s->doc->file, n->line, n->col);
}

/* The ports a Service publishes on the host, as recorded in `spec` (a Service's JSON): each nodePort, and for a
   LoadBalancer each port itself ("lbPort"); calls `fn` with each, its protocol and index, until it returns
   true. */
static bool
each_host_port (json_t *spec, bool (*fn) (int64_t port, const char *proto, size_t k, void *arg), void *arg)
{
  json_t *p;
  size_t k;
  json_array_foreach (json_object_get (spec, "ports"), k, p)
  {
    const char *proto = json_string_value (json_object_get (p, "protocol")) ?: "TCP";
    static const char *const keys[] = { "nodePort", "lbPort" };
    for (size_t j = 0; j < 2; j++)
      {
        int64_t port = json_integer_value (json_object_get (p, keys[j]));
        if (port > 0 && fn (port, proto, k, arg))
          return true;
      }
  }
  return false;
}

/* A port on the host, looked for among the ports of a Service before index `before`. */
typedef struct
{
  int64_t port;
  const char *proto;
  size_t before;
} host_port_t;

static bool
same_port (int64_t port, const char *proto, size_t k, void *arg)
{
  const host_port_t *want = arg;
  return k < want->before && port == want->port && strcmp (proto, want->proto) == 0;
}

/* Whether the play holds that Service. */
static bool
planned (const pp_play_t *play, const pp_service_rec_t *r)
{
  for (size_t i = 0; i < play->n_svcs; i++)
    if (strcmp (play->svcs[i].name, r->name) == 0 && strcmp (play->svcs[i].namespace_, r->namespace_) == 0)
      return true;
  return false;
}

/* Who else publishes `port`/`proto` on the host as a Service: a recorded Service (not `self`), or one of the play
   before Service `i`; NULL when none. */
static const char *
port_owner (const pp_play_t *play, size_t i, const pp_service_rec_t *self, const pp_service_rec_t *recs, size_t n,
            int64_t port, const char *proto)
{
  host_port_t want = { port, proto, SIZE_MAX };
  for (size_t j = 0; j < i; j++)
    if (each_host_port (play->svcs[j].json, same_port, &want))
      return play->svcs[j].name;
  /* A recorded Service the play holds is replaced by the play's: its ports are looked at there. */
  for (size_t r = 0; r < n; r++)
    {
      if (&recs[r] == self || planned (play, &recs[r]))
        continue;
      json_t *spec = json_loads (recs[r].spec, 0, NULL);
      bool taken = each_host_port (spec, same_port, &want);
      json_decref (spec);
      if (taken)
        return recs[r].name;
    }
  return NULL;
}

/* Whether one of the ports of `spec` before index `k` publishes `port`/`proto` on the host already. */
static bool
own_port (json_t *spec, size_t k, int64_t port, const char *proto)
{
  host_port_t want = { port, proto, k };
  return each_host_port (spec, same_port, &want);
}

/* The range Kubernetes gives node ports by default (--service-node-port-range). */
enum
{
  NODE_PORT_MIN = 30000,
  NODE_PORT_MAX = 32767
};

/* A NodePort or LoadBalancer Service's ports on the host: each nodePort as given (in the range, no other Service's,
   no process's of the host), else the one the Service had, else the lowest free one; a LoadBalancer's ports
   themselves too, on the host's addresses (as a cluster without a cloud, k3s's, gives them). */
static int
node_ports (pp_play_t *play, size_t i, const pp_service_rec_t *rec, const pp_service_rec_t *recs, size_t n_recs,
            pp_error_t *err)
{
  pp_svc_plan_t *s = &play->svcs[i];
  const char *type = json_string_value (json_object_get (s->json, "type"));
  bool lb = strcmp (type, "LoadBalancer") == 0;
  if (!lb && strcmp (type, "NodePort") != 0)
    return 0;
  json_t *before = rec ? json_loads (rec->spec, 0, NULL) : NULL;
  const pp_node_t *ps = pp_node_get (s->spec, "ports");
  json_t *p;
  size_t k;
  int ret = 0;
  json_array_foreach (json_object_get (s->json, "ports"), k, p)
  {
    const pp_node_t *pn = ps && ps->type == PP_NODE_SEQ && k < ps->n ? ps->u.items[k] : s->spec;
    const pp_node_t *np = pp_node_get (pn, "nodePort");
    const char *proto = json_string_value (json_object_get (p, "protocol"));
    int64_t want = 0, port = 0;
    pp_plan_int (pn, "nodePort", &want);
    cleanup_free char *where = at (s, np ? np : pn);
    if (want != 0 && (want < NODE_PORT_MIN || want > NODE_PORT_MAX))
      {
        ret = pp_error_make (err, 0,
                             "%sservice %s: spec.ports[%zu].nodePort: %lld is outside the node port range %d-%d", where,
                             s->name, k, (long long)want, NODE_PORT_MIN, NODE_PORT_MAX);
        break;
      }
    int64_t had
        = json_integer_value (json_object_get (json_array_get (json_object_get (before, "ports"), k), "nodePort"));
    port = want ? want : had;
    if (port && port_owner (play, i, rec, recs, n_recs, port, proto) && !want)
      port = 0;
    for (int64_t c = NODE_PORT_MIN; port == 0 && c <= NODE_PORT_MAX; c++)
      {
        cleanup_free char *holder = NULL;
        if (port_owner (play, i, rec, recs, n_recs, c, proto) == NULL
            && pp_port_host_taken (proto, NULL, c, &holder) == 0)
          port = c;
      }
    if (port == 0)
      {
        ret = pp_error_make (err, ENOSPC, "%sservice %s: no free node port in %d-%d", where, s->name, NODE_PORT_MIN,
                             NODE_PORT_MAX);
        break;
      }
    /* Not one of its own ports before this one either. */
    if (!want && own_port (s->json, k, port, proto))
      for (port = NODE_PORT_MIN; port <= NODE_PORT_MAX; port++)
        {
          cleanup_free char *holder = NULL;
          if (!own_port (s->json, k, port, proto) && port_owner (play, i, rec, recs, n_recs, port, proto) == NULL
              && pp_port_host_taken (proto, NULL, port, &holder) == 0)
            break;
        }
    json_object_set_new (p, "nodePort", json_integer (port));
    if (lb)
      json_object_set (p, "lbPort", json_object_get (p, "port"));
    /* Each port it publishes: no other Service's, no process's of the host (an ordinary user's slirp4netns holds
       the ports the Service had), none an ordinary user may not bind. */
    static const char *const keys[] = { "nodePort", "lbPort" };
    int floor = play->ctx->rootless ? pp_infra_port_floor () : 0;
    for (size_t j = 0; ret == 0 && j < 2; j++)
      {
        int64_t hp = json_integer_value (json_object_get (p, keys[j]));
        cleanup_free char *holder = NULL;
        const char *other = hp ? port_owner (play, i, rec, recs, n_recs, hp, proto) : NULL;
        host_port_t had_it = { hp, proto, SIZE_MAX };
        if (hp && (own_port (s->json, k, hp, proto) || (j == 1 && hp == port)))
          ret = pp_error_make (err, EEXIST,
                               "%sservice %s: spec.ports[%zu]: port %lld/%s on the host is published twice "
                               "by this Service",
                               where, s->name, k, (long long)hp, proto);
        else if (other)
          ret = pp_error_make (err, EEXIST, "%sservice %s: spec.ports[%zu]: port %lld/%s on the host is service %s's",
                               where, s->name, k, (long long)hp, proto, other);
        else if (hp && hp < floor)
          ret = pp_error_make (err, EACCES,
                               "%sservice %s: spec.ports[%zu]: port %lld/%s on the host: an ordinary user may bind "
                               "ports from %d up (net.ipv4.ip_unprivileged_port_start)",
                               where, s->name, k, (long long)hp, proto, floor);
        else if (hp && !(play->ctx->rootless && before && each_host_port (before, same_port, &had_it))
                 && pp_port_host_taken (proto, NULL, hp, &holder) == 1)
          ret = pp_error_make (err, EADDRINUSE, "%sservice %s: spec.ports[%zu]: port %lld/%s on the host is taken%s",
                               where, s->name, k, (long long)hp, proto, holder);
      }
    if (ret < 0)
      break;
  }
  json_decref (before);
  return ret;
}

/* One Service against the others of the play and against the state: its name, its ports' protocols, its type,
   its address. */
static int
check_service (pp_play_t *play, size_t i, const pp_service_rec_t *recs, size_t n_recs, pp_error_t *err)
{
  pp_svc_plan_t *s = &play->svcs[i];
  const pp_node_t *meta_name = pp_node_get (pp_node_get (s->node, "metadata"), "name");
  s->play_file = pp_play_file_for (play, s->doc->file);
  for (size_t j = 0; j < i; j++)
    if (strcmp (s->name, play->svcs[j].name) == 0 && strcmp (s->namespace_, play->svcs[j].namespace_) == 0)
      {
        cleanup_free char *where = at (s, meta_name);
        return pp_error_make (err, 0, "%smetadata.name: service `%s` is defined twice", where, s->name);
      }
  const pp_node_t *ps = pp_node_get (s->spec, "ports");
  for (uint32_t k = 0; ps && ps->type == PP_NODE_SEQ && k < ps->n; k++)
    {
      const pp_node_t *proto = pp_node_get (ps->u.items[k], "protocol");
      if (pp_node_str (proto) && strcmp (pp_node_str (proto), "SCTP") == 0)
        {
          cleanup_free char *where = at (s, proto);
          return pp_error_make (err, 0, "%sservice %s: spec.ports[%u].protocol: SCTP is not supported: TCP and UDP are",
                                where, s->name, k);
        }
    }
  const pp_service_rec_t *rec = NULL;
  for (size_t k = 0; k < n_recs; k++)
    if (strcmp (recs[k].name, s->name) == 0 && strcmp (recs[k].namespace_, s->namespace_) == 0)
      rec = &recs[k];
  if (rec)
    {
      s->existed = true;
      s->existing_file = rec->play_file ? xstrdup (rec->play_file) : NULL;
      if ((rec->play_file == NULL || strcmp (rec->play_file, s->play_file) != 0) && !play->opts->replace)
        {
          cleanup_free char *where = at (s, meta_name);
          return pp_error_make (err, EEXIST,
                                "%smetadata.name: service `%s` exists already, from %s (--replace replaces it)", where,
                                s->name, rec->play_file ? rec->play_file : "another command");
        }
    }
  const pp_node_t *cip = pp_node_get (s->spec, "clusterIP");
  const char *wanted = pp_node_str (cip);
  /* An ExternalName Service is a name for another, which names will give; it has no address of its own. */
  const char *type = pp_plan_str (s->spec, "type");
  s->headless = (wanted && strcmp (wanted, "None") == 0) || (type && strcmp (type, "ExternalName") == 0);
  if (wanted && strcmp (wanted, "None") == 0 && type
      && (strcmp (type, "NodePort") == 0 || strcmp (type, "LoadBalancer") == 0))
    {
      cleanup_free char *where = at (s, cip);
      return pp_error_make (err, 0, "%sservice %s: spec.clusterIP: None (headless) may not be of type %s", where,
                            s->name, type);
    }
  if (!s->headless)
    {
      /* The addresses of the play's Services before it, not recorded yet, are taken too. */
      const char **taken = xzalloc ((i + 1) * sizeof (char *));
      for (size_t j = 0; j < i; j++)
        taken[j] = play->svcs[j].ip;
      int r = pp_service_pick_ip (play->ctx, play->state, s->namespace_, s->name, wanted, taken, s->ip, err);
      free (taken);
      if (r < 0)
        {
          cleanup_free char *where = at (s, cip);
          return pp_error_wrap (err, "%sservice %s: spec.clusterIP", where, s->name);
        }
    }
  s->json = service_spec (s->spec);
  if (node_ports (play, i, rec, recs, n_recs, err) < 0)
    return -1;
  uint64_t h = pp_plan_node_hash (s->spec, PP_FNV_OFFSET);
  snprintf (s->hash, sizeof s->hash, "%016llx", (unsigned long long)h);
  cleanup_free char *text = json_dumps (s->json, JSON_COMPACT | JSON_SORT_KEYS);
  s->unchanged = rec && rec->play_file && strcmp (rec->play_file, s->play_file) == 0 && rec->spec_hash
                 && strcmp (rec->spec_hash, s->hash) == 0 && strcmp (rec->cluster_ip ?: "", s->ip) == 0
                 && strcmp (rec->spec, text) == 0;
  return 0;
}

int
pp_plan_check_services (pp_play_t *play, pp_error_t *err)
{
  if (play->n_svcs == 0)
    return 0;
  pp_service_rec_t *recs = NULL;
  size_t n = 0;
  int ret = pp_state_service_list (play->state, NULL, &recs, &n, err);
  for (size_t i = 0; ret == 0 && i < play->n_svcs; i++)
    ret = check_service (play, i, recs, n, err);
  pp_service_recs_free (recs, n);
  return ret;
}

static bool
append_port (int64_t port, const char *proto, size_t k, void *arg)
{
  (void)k;
  pp_buf_printf (arg, "%s%lld/%s", ((pp_buf_t *)arg)->len ? ", " : "on the host at ", (long long)port, proto);
  return false;
}

/* A Service as there will be once the play is applied. */
typedef struct
{
  const char *name, *namespace_, *ip; /* ip NULL when headless */
  json_t *spec;                       /* its recorded JSON */
  const char *file;                   /* of the play's own; NULL for one recorded that the play leaves */
} svc_after_t;

/* Calls `fn` with each Service there will be once the play is applied: those recorded that it leaves, then its
   own. */
static int
each_service_after (const pp_play_t *play, void (*fn) (const svc_after_t *s, void *arg), void *arg, pp_error_t *err)
{
  pp_service_rec_t *recs = NULL;
  size_t n = 0;
  if (pp_state_service_list (play->state, NULL, &recs, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (!pp_play_holds_file (play, recs[i].play_file) && !planned (play, &recs[i]))
      {
        json_t *spec = json_loads (recs[i].spec, 0, NULL);
        fn (&(svc_after_t){ recs[i].name, recs[i].namespace_, recs[i].cluster_ip, spec, NULL }, arg);
        json_decref (spec);
      }
  for (size_t i = 0; i < play->n_svcs; i++)
    {
      const pp_svc_plan_t *p = &play->svcs[i];
      fn (&(svc_after_t){ p->name, p->namespace_, p->headless ? NULL : p->ip, p->json, p->doc->file }, arg);
    }
  pp_service_recs_free (recs, n);
  return 0;
}

typedef struct
{
  json_t *out;
  const svc_after_t *svc;
} host_ports_t;

static bool
add_host_port (int64_t port, const char *proto, size_t k, void *arg)
{
  (void)k;
  host_ports_t *h = arg;
  json_array_append_new (h->out, json_pack ("{s:I, s:s, s:s, s:s?}", "hostPort", (json_int_t)port, "protocol", proto,
                                            "service", h->svc->name, "file", h->svc->file));
  return false;
}

static void
add_host_ports (const svc_after_t *s, void *arg)
{
  host_ports_t h = { arg, s };
  each_host_port (s->spec, add_host_port, &h);
}

/* A JSON array that `fn` fills with each Service there will be; NULL on error. */
static json_t *
collect_after (const pp_play_t *play, void (*fn) (const svc_after_t *s, void *arg), pp_error_t *err)
{
  json_t *out = json_array ();
  if (each_service_after (play, fn, out, err) < 0)
    {
      json_decref (out);
      return NULL;
    }
  return out;
}

json_t *
pp_plan_service_host_ports (const pp_play_t *play, pp_error_t *err)
{
  return collect_after (play, add_host_ports, err);
}

/* "on the host at 30080/TCP, 80/TCP", or NULL for a Service that publishes nothing there. */
static char *
host_ports_text (json_t *spec)
{
  pp_buf_t b = { 0 };
  each_host_port (spec, append_port, &b);
  return b.data;
}

/* A Service as service links read it, from what is recorded of it. */
static json_t *
link_json (const char *name, const char *namespace_, const char *ip, json_t *spec)
{
  json_t *ports = json_array (), *p;
  size_t k;
  json_array_foreach (json_object_get (spec, "ports"), k, p) json_array_append_new (
      ports, json_pack ("{s:O?, s:O, s:O}", "name", json_object_get (p, "name"), "port", json_object_get (p, "port"),
                        "protocol", json_object_get (p, "protocol")));
  return json_pack ("{s:s, s:s, s:s?, s:o}", "name", name, "namespace", namespace_, "ip", ip, "ports", ports);
}

static void
add_link (const svc_after_t *s, void *arg)
{
  json_array_append_new (arg, link_json (s->name, s->namespace_, s->ip, s->spec));
}

json_t *
pp_plan_services_env (const pp_play_t *play, pp_error_t *err)
{
  return collect_after (play, add_link, err);
}

int
pp_play_apply_services (pp_play_t *play, pp_error_t *err)
{
  pp_service_rec_t *recs = NULL;
  size_t n = 0;
  if (pp_state_service_list (play->state, NULL, &recs, &n, err) < 0)
    return -1;
  bool gone = false;
  for (size_t i = 0; i < n && !gone; i++)
    gone = pp_play_holds_file (play, recs[i].play_file) && !planned (play, &recs[i]);
  if (play->n_svcs == 0 && !gone)
    {
      pp_service_recs_free (recs, n);
      return 0;
    }
  int ret = pp_state_begin (play->state, err);
  for (size_t i = 0; ret == 0 && i < play->n_svcs; i++)
    {
      pp_svc_plan_t *s = &play->svcs[i];
      if (s->unchanged)
        continue;
      cleanup_free char *text = json_dumps (s->json, JSON_COMPACT | JSON_SORT_KEYS);
      cleanup_free char *ns = xstrdup (s->namespace_);
      pp_service_rec_t rec = { .namespace_ = ns,
                               .name = s->name,
                               .play_file = s->play_file,
                               .spec_hash = s->hash,
                               .cluster_ip = s->headless ? NULL : s->ip,
                               .spec = text,
                               .created = (int64_t)time (NULL) };
      ret = pp_state_service_put (play->state, &rec, err);
    }
  for (size_t i = 0; ret == 0 && i < n; i++)
    if (pp_play_holds_file (play, recs[i].play_file) && !planned (play, &recs[i]))
      ret = pp_state_service_remove (play->state, recs[i].namespace_, recs[i].name, err);
  if (ret == 0)
    ret = pp_state_commit (play->state, err);
  else
    pp_state_rollback (play->state);
  if (ret == 0)
    {
      for (size_t i = 0; i < n; i++)
        if (pp_play_holds_file (play, recs[i].play_file) && !planned (play, &recs[i]))
          {
            pp_play_item_t *it = pp_play_result_add (play->res, PP_PLAY_SERVICE, PP_PLAY_REMOVED, recs[i].name, NULL);
            it->why = xasprintf ("no longer in %s", recs[i].play_file);
          }
      for (size_t i = 0; i < play->n_svcs; i++)
        {
          pp_svc_plan_t *s = &play->svcs[i];
          pp_play_item_t *it = pp_play_result_add (play->res, PP_PLAY_SERVICE,
                                                   s->unchanged ? PP_PLAY_UNCHANGED
                                                   : s->existed ? PP_PLAY_REPLACED
                                                                : PP_PLAY_CREATED,
                                                   s->name, NULL);
          it->status = xstrdup (s->headless ? "None" : s->ip);
          it->why = host_ports_text (s->json);
        }
    }
  pp_service_recs_free (recs, n);
  /* The rules follow the records: written whole, with every pod's readiness as it is now.  The records are
     committed: a failure here is said, and the next change (any readiness the monitors record) writes them. */
  cleanup_error pp_error_t sync = NULL;
  if (ret == 0 && pp_service_sync (play->ctx, play->state, true, &sync) < 0)
    pp_warning (play->ctx, "the Services' rules: %s", sync->msg);
  return ret;
}

int
pp_play_down_services (pp_context_t *ctx, pp_state_t *state, char *const *files, pp_play_result_t *res, pp_error_t *err)
{
  pp_service_rec_t *recs = NULL;
  size_t n = 0;
  if (pp_state_service_list (state, NULL, &recs, &n, err) < 0)
    return -1;
  int ret = 0;
  bool removed = false;
  for (size_t i = 0; ret == 0 && i < n; i++)
    for (size_t k = 0; ret == 0 && files[k]; k++)
      if (recs[i].play_file && strcmp (recs[i].play_file, files[k]) == 0)
        {
          ret = pp_state_service_remove (state, recs[i].namespace_, recs[i].name, err);
          if (ret == 0)
            {
              pp_play_result_add (res, PP_PLAY_SERVICE, PP_PLAY_REMOVED, recs[i].name, NULL);
              removed = true;
            }
        }
  pp_service_recs_free (recs, n);
  /* The rules follow what was removed, even when a later removal failed. */
  cleanup_error pp_error_t sync = NULL;
  if (removed && pp_service_sync (ctx, state, true, ret == 0 ? err : &sync) < 0)
    ret = -1;
  return ret;
}
