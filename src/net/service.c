/* Services: their addresses and their rules, from the state database (see service.h). */
#include "net/service.h"

#include "net/infra.h"
#include "net/network.h"
#include "net/nft.h"

#include <jansson.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

int
pp_service_range (pp_context_t *ctx, pp_ipnet_t *range, pp_error_t *err)
{
  const char *text = ctx->service_subnet ? ctx->service_subnet : PP_SERVICE_DEFAULT_SUBNET;
  if (!pp_ipnet_parse (text, range) || range->ip.family != AF_INET || range->prefix > 30)
    return pp_error_make (err, EINVAL, "service_subnet %s: an IPv4 subnet of 4 addresses or more is needed", text);
  pp_ipnet_mask (range);
  return 0;
}

int
pp_service_pick_ip (pp_context_t *ctx, pp_state_t *state, const char *namespace_, const char *name, const char *wanted,
                    const char *const *taken, char out[PP_IP_STRLEN], pp_error_t *err)
{
  pp_ipnet_t range;
  if (pp_service_range (ctx, &range, err) < 0)
    return -1;
  char rtext[PP_IPNET_STRLEN];
  pp_ipnet_format (&range, rtext);
  uint64_t size = pp_ipnet_size (&range), off;
  pp_service_rec_t *svcs = NULL;
  size_t n = 0;
  if (pp_state_service_list (state, NULL, &svcs, &n, err) < 0)
    return -1;
  const pp_service_rec_t *self = NULL;
  for (size_t i = 0; i < n; i++)
    if (strcmp (svcs[i].namespace_, namespace_) == 0 && strcmp (svcs[i].name, name) == 0)
      self = &svcs[i];
  /* A Service that gets an address for the first time: the range is checked against the host first, as a pod
     network's subnet is. */
  int ret = 0;
  if (self == NULL || self->cluster_ip == NULL)
    {
      ret = pp_network_check_overlap (state, &range, NULL, err);
      if (ret < 0)
        pp_error_wrap (err, "the service range %s (service_subnet in podplay.conf)", rtext);
    }
  pp_ip_t ip;
  if (ret < 0)
    ;
  else if (wanted && *wanted)
    {
      if (!pp_ip_parse (wanted, &ip) || ip.family != AF_INET)
        ret = pp_error_make (err, EINVAL, "clusterIP %s is not an IPv4 address", wanted);
      else if (!pp_ipnet_offset (&range, &ip, &off) || off == 0 || off == size - 1)
        ret = pp_error_make (
            err, EINVAL, "clusterIP %s is not in the service range %s (service_subnet in podplay.conf)", wanted, rtext);
      for (size_t i = 0; ret == 0 && i < n; i++)
        {
          pp_ip_t other;
          if (&svcs[i] != self && svcs[i].cluster_ip && pp_ip_parse (svcs[i].cluster_ip, &other)
              && pp_ip_equal (&other, &ip))
            ret = pp_error_make (err, EEXIST, "clusterIP %s is Service %s/%s's already", wanted, svcs[i].namespace_,
                                 svcs[i].name);
        }
      if (ret == 0)
        pp_ip_format (&ip, out);
      for (size_t i = 0; ret == 0 && taken && taken[i]; i++)
        if (strcmp (taken[i], out) == 0)
          ret = pp_error_make (err, EEXIST, "clusterIP %s is another Service's of this play", wanted);
    }
  else if (self && self->cluster_ip && pp_ip_parse (self->cluster_ip, &ip) && pp_ipnet_offset (&range, &ip, &off))
    snprintf (out, PP_IP_STRLEN, "%s", self->cluster_ip);
  else
    {
      bool found = false;
      for (off = 1; ret == 0 && !found && off < size - 1; off++)
        {
          pp_ipnet_nth (&range, off, &ip);
          found = true;
          for (size_t i = 0; found && i < n; i++)
            {
              pp_ip_t other;
              found = !(svcs[i].cluster_ip && pp_ip_parse (svcs[i].cluster_ip, &other) && pp_ip_equal (&other, &ip));
            }
          char text[PP_IP_STRLEN];
          pp_ip_format (&ip, text);
          for (size_t i = 0; found && taken && taken[i]; i++)
            found = strcmp (taken[i], text) != 0;
        }
      if (ret == 0 && !found)
        ret = pp_error_make (err, ENOSPC, "the service range %s has no free address", rtext);
      if (ret == 0)
        pp_ip_format (&ip, out);
    }
  pp_service_recs_free (svcs, n);
  return ret;
}

bool
pp_service_selects (json_t *selector, json_t *labels)
{
  if (json_object_size (selector) == 0)
    return false;
  const char *k;
  json_t *v;
  json_object_foreach (selector, k, v)
  {
    json_t *l = json_object_get (labels, k);
    if (!json_is_string (l) || !json_is_string (v) || strcmp (json_string_value (l), json_string_value (v)) != 0)
      return false;
  }
  return true;
}

/* The pod's port that `target` names for `protocol`: the number itself, or the containerPort of that name; 0 when
   the pod has none of that name and protocol (the pod is then no endpoint of that port, as on a cluster). */
static uint16_t
target_port (json_t *target, const char *protocol, json_t *ports)
{
  if (json_is_integer (target))
    return (uint16_t)json_integer_value (target);
  json_t *p = json_object_get (ports, json_string_value (target) ?: "");
  const char *proto = json_string_value (json_object_get (p, "protocol")) ?: "TCP";
  if (p == NULL || strcmp (proto, protocol) != 0)
    return 0;
  return (uint16_t)json_integer_value (json_object_get (p, "port"));
}

typedef struct
{
  pp_nft_service_t *v;
  size_t n;
} svc_list_t;

static void
svc_list_free (svc_list_t *l)
{
  for (size_t i = 0; i < l->n; i++)
    free (l->v[i].eps);
  free (l->v);
}

/* The ports of one Service with their endpoints among `eps`. */
static void
add_service (svc_list_t *out, const pp_service_rec_t *svc, json_t *spec, const pp_endpoint_rec_t *eps, size_t n_eps,
             json_t **labels, json_t **ports)
{
  pp_ip_t ip;
  if (svc->cluster_ip == NULL || !pp_ip_parse (svc->cluster_ip, &ip))
    return;
  json_t *selector = json_object_get (spec, "selector"), *p;
  bool not_ready = json_is_true (json_object_get (spec, "notReady"));
  size_t i;
  json_array_foreach (json_object_get (spec, "ports"), i, p)
  {
    const char *protocol = json_string_value (json_object_get (p, "protocol")) ?: "TCP";
    pp_nft_service_t s = { .ip = ip,
                           .proto = strcmp (protocol, "UDP") == 0 ? IPPROTO_UDP : IPPROTO_TCP,
                           .port = (uint16_t)json_integer_value (json_object_get (p, "port")),
                           .affinity = json_is_true (json_object_get (spec, "affinity")),
                           .host_ports = { (uint16_t)json_integer_value (json_object_get (p, "nodePort")),
                                           (uint16_t)json_integer_value (json_object_get (p, "lbPort")) },
                           .eps = xzalloc ((n_eps + 1) * sizeof (pp_nft_endpoint_t)) };
    for (size_t e = 0; e < n_eps; e++)
      {
        pp_ipnet_t subnet;
        uint16_t port = target_port (json_object_get (p, "targetPort"), protocol, ports[e]);
        if (strcmp (eps[e].namespace_, svc->namespace_) != 0 || !(eps[e].ready || not_ready) || port == 0
            || !pp_service_selects (selector, labels[e]) || !pp_ipnet_parse (eps[e].subnet, &subnet))
          continue;
        pp_nft_endpoint_t *ep = &s.eps[s.n_eps];
        if (pp_ipnet_nth (&subnet, eps[e].offset, &ep->ip))
          {
            ep->port = port;
            s.n_eps++;
          }
      }
    out->v = xrealloc (out->v, (out->n + 1) * sizeof *out->v);
    out->v[out->n++] = s;
  }
}

/* What the rules are made of: the Services and the endpoints, as the state says now. */
typedef struct
{
  pp_service_rec_t *svcs;
  size_t n;
  pp_endpoint_rec_t *eps;
  size_t n_eps;
  json_t **labels, **ports;
} world_t;

static void
world_free (world_t *w)
{
  for (size_t e = 0; w->labels && e < w->n_eps; e++)
    {
      json_decref (w->labels[e]);
      json_decref (w->ports[e]);
    }
  free (w->labels);
  free (w->ports);
  pp_endpoint_recs_free (w->eps, w->n_eps);
  pp_service_recs_free (w->svcs, w->n);
}

static int
world_load (pp_state_t *state, world_t *w, pp_error_t *err)
{
  memset (w, 0, sizeof *w);
  if (pp_state_service_list (state, NULL, &w->svcs, &w->n, err) < 0
      || pp_state_endpoint_list (state, &w->eps, &w->n_eps, err) < 0)
    {
      world_free (w);
      return -1;
    }
  w->labels = xzalloc ((w->n_eps + 1) * sizeof (json_t *));
  w->ports = xzalloc ((w->n_eps + 1) * sizeof (json_t *));
  for (size_t e = 0; e < w->n_eps; e++)
    {
      w->labels[e] = json_loads (w->eps[e].labels, 0, NULL);
      w->ports[e] = json_loads (w->eps[e].ports, 0, NULL);
    }
  return 0;
}

int
pp_service_sync (pp_context_t *ctx, pp_state_t *state, bool force, pp_error_t *err)
{
  /* An ordinary user's rules are in the user's pod network: from the host's (a hostNetwork pod's monitor, a play
     of hostNetwork pods alone) there are none to set; the next command there sets them as the state says. */
  if (ctx->in_userns && !ctx->in_infra)
    return 0;
  if (!force)
    {
      pp_service_rec_t *svcs = NULL;
      size_t n = 0;
      if (pp_state_service_list (state, NULL, &svcs, &n, err) < 0)
        return -1;
      pp_service_recs_free (svcs, n);
      if (n == 0)
        return 0;
    }
  /* The state is read under the lock: two changes at once are applied in the order they took it, the later one
     with what both did. */
  cleanup_close int lock = pp_network_lock (ctx, err);
  world_t w;
  if (lock < 0 || world_load (state, &w, err) < 0)
    return -1;
  svc_list_t list = { 0 };
  for (size_t i = 0; i < w.n; i++)
    {
      json_t *spec = json_loads (w.svcs[i].spec, 0, NULL);
      add_service (&list, &w.svcs[i], spec, w.eps, w.n_eps, w.labels, w.ports);
      json_decref (spec);
    }
  int ret = pp_nft_services_set (list.v, list.n, err);
  /* An ordinary user's: slirp4netns forwards the host's node and LoadBalancer ports to the rules. */
  cleanup_free pp_nft_port_t *host = xzalloc ((2 * list.n + 1) * sizeof *host);
  size_t n_host = 0;
  for (size_t i = 0; i < list.n; i++)
    for (size_t k = 0; k < 2; k++)
      if (list.v[i].host_ports[k])
        host[n_host++] = (pp_nft_port_t){ .proto = list.v[i].proto, .host_port = list.v[i].host_ports[k] };
  if (ret == 0)
    ret = pp_infra_forward_sync (ctx, "services", host, n_host, err);
  svc_list_free (&list);
  world_free (&w);
  return ret;
}

json_t *
pp_service_describe (pp_state_t *state, pp_error_t *err)
{
  world_t w;
  if (world_load (state, &w, err) < 0)
    return NULL;
  json_t *out = json_array ();
  for (size_t i = 0; i < w.n; i++)
    {
      json_t *spec = json_loads (w.svcs[i].spec, 0, NULL);
      svc_list_t list = { 0 };
      add_service (&list, &w.svcs[i], spec, w.eps, w.n_eps, w.labels, w.ports);
      json_t *ports = json_array (), *p;
      size_t k;
      json_array_foreach (json_object_get (spec, "ports"), k, p)
      {
        json_t *eps = json_array ();
        for (size_t e = 0; k < list.n && e < list.v[k].n_eps; e++)
          {
            char ip[PP_IP_STRLEN];
            json_array_append_new (
                eps, json_sprintf ("%s:%u", pp_ip_format (&list.v[k].eps[e].ip, ip), list.v[k].eps[e].port));
          }
        json_t *port = json_deep_copy (p);
        json_object_set_new (port, "endpoints", eps);
        json_array_append_new (ports, port);
      }
      json_array_append_new (out, json_pack ("{s:s, s:s, s:O, s:s?, s:O, s:b, s:o, s:s?}", "name", w.svcs[i].name,
                                             "namespace", w.svcs[i].namespace_, "type", json_object_get (spec, "type"),
                                             "clusterIP", w.svcs[i].cluster_ip, "selector",
                                             json_object_get (spec, "selector"), "sessionAffinityClientIP",
                                             json_is_true (json_object_get (spec, "affinity")), "ports", ports,
                                             "playFile", w.svcs[i].play_file));
      svc_list_free (&list);
      json_decref (spec);
    }
  world_free (&w);
  return out;
}
