/* The cluster's names from a snapshot of the state (see names.h). */
#include "net/names.h"
#include "net/service.h"
#include "core/util.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

typedef struct
{
  const pp_endpoint_rec_t *rec;
  pp_ip_t ip, ip6; /* family 0 for none */
  json_t *labels, *ports;
} pod_t;

typedef struct
{
  const pp_service_rec_t *rec;
  pp_ip_t ip; /* family 0 when headless */
  json_t *spec;
  const char *external; /* spec.externalName, of an ExternalName Service */
} svc_t;

struct pp_names
{
  char *network;
  pp_service_rec_t *svc_recs;
  pp_endpoint_rec_t *pod_recs;
  svc_t *svcs;
  size_t n_svcs;
  pod_t *pods;
  size_t n_pods;
};

pp_names_t *
pp_names_new (const char *network, pp_service_rec_t *svcs, size_t n_svcs, pp_endpoint_rec_t *eps, size_t n_eps)
{
  pp_names_t *w = xzalloc (sizeof *w);
  w->network = xstrdup (network);
  w->svcs = xzalloc ((n_svcs + 1) * sizeof *w->svcs);
  for (size_t i = 0; i < n_svcs; i++)
    {
      svc_t *s = &w->svcs[w->n_svcs++];
      s->rec = &svcs[i];
      s->spec = json_loads (s->rec->spec ? s->rec->spec : "", 0, NULL);
      if (s->rec->cluster_ip == NULL || !pp_ip_parse (s->rec->cluster_ip, &s->ip) || s->ip.family != AF_INET)
        s->ip.family = 0;
      s->external = json_string_value (json_object_get (s->spec, "externalName"));
    }
  w->svc_recs = svcs;
  w->pods = xzalloc ((n_eps + 1) * sizeof *w->pods);
  for (size_t i = 0; i < n_eps; i++)
    {
      pod_t *p = &w->pods[w->n_pods++];
      p->rec = &eps[i];
      pp_ipnet_t subnet;
      if (!p->rec->subnet || !pp_ipnet_parse (p->rec->subnet, &subnet)
          || !pp_ipnet_nth (&subnet, p->rec->offset, &p->ip) || p->ip.family != AF_INET)
        p->ip.family = 0;
      if (p->ip.family == 0 || !p->rec->subnet6 || !pp_ipnet_parse (p->rec->subnet6, &subnet)
          || !pp_ipnet_nth (&subnet, p->rec->offset, &p->ip6) || p->ip6.family != AF_INET6)
        p->ip6.family = 0;
      p->labels = json_loads (p->rec->labels ? p->rec->labels : "", 0, NULL);
      p->ports = json_loads (p->rec->ports ? p->rec->ports : "", 0, NULL);
    }
  w->pod_recs = eps;
  return w;
}

pp_names_t *
pp_names_load (pp_state_t *state, const char *network, pp_error_t *err)
{
  pp_service_rec_t *svcs = NULL;
  pp_endpoint_rec_t *eps = NULL;
  size_t n_svcs = 0, n_eps = 0;
  if (pp_state_service_list (state, NULL, &svcs, &n_svcs, err) < 0)
    return NULL;
  if (pp_state_endpoint_list (state, &eps, &n_eps, err) < 0)
    {
      pp_service_recs_free (svcs, n_svcs);
      return NULL;
    }
  return pp_names_new (network, svcs, n_svcs, eps, n_eps);
}

void
pp_names_free (pp_names_t *w)
{
  if (w == NULL)
    return;
  for (size_t i = 0; i < w->n_svcs; i++)
    json_decref (w->svcs[i].spec);
  for (size_t i = 0; i < w->n_pods; i++)
    {
      json_decref (w->pods[i].labels);
      json_decref (w->pods[i].ports);
    }
  pp_service_recs_free (w->svc_recs, w->n_svcs);
  pp_endpoint_recs_free (w->pod_recs, w->n_pods);
  free (w->svcs);
  free (w->pods);
  free (w->network);
  free (w);
}

void
pp_names_answer_release (pp_names_answer_t *ans)
{
  for (size_t i = 0; i < ans->n_strs; i++)
    free (ans->strs[i]);
  free (ans->strs);
  free (ans->rrs);
  memset (ans, 0, sizeof *ans);
}

/* A string the answer keeps. */
static const char *
keep (pp_names_answer_t *ans, char *s)
{
  ans->strs = xrealloc (ans->strs, (ans->n_strs + 1) * sizeof *ans->strs);
  return ans->strs[ans->n_strs++] = s;
}

static pp_dns_rr_t *
add_rr (pp_names_answer_t *ans, uint16_t type)
{
  if (ans->n == ans->cap)
    {
      ans->cap = ans->cap ? ans->cap * 2 : 8;
      ans->rrs = xrealloc (ans->rrs, ans->cap * sizeof *ans->rrs);
    }
  pp_dns_rr_t *rr = &ans->rrs[ans->n++];
  memset (rr, 0, sizeof *rr);
  rr->type = type;
  return rr;
}

static bool
wants (uint16_t qtype, uint16_t type)
{
  return qtype == type || qtype == PP_DNS_ANY;
}

/* The pod's addresses that `qtype` asks for: A its IPv4 one, AAAA its IPv6 one (when its network has IPv6). */
static void
add_pod_addrs (pp_names_answer_t *ans, uint16_t qtype, const pod_t *p)
{
  if (wants (qtype, PP_DNS_A) && p->ip.family)
    memcpy (add_rr (ans, PP_DNS_A)->a, p->ip.a, 4);
  if (wants (qtype, PP_DNS_AAAA) && p->ip6.family)
    memcpy (add_rr (ans, PP_DNS_AAAA)->a, p->ip6.a, 16);
}

/* "10-244-0-5" of 10.244.0.5. */
static void
dashed (const pp_ip_t *ip, char buf[16])
{
  snprintf (buf, 16, "%u-%u-%u-%u", ip->a[0], ip->a[1], ip->a[2], ip->a[3]);
}

/* The address a label of <a-b-c-d>.<ns>.pod gives: dashes for the dots of an IPv4 address, or for the colons of
   an IPv6 one ("fd00-10-244--5"), as CoreDNS reads them. */
static bool
undashed (const char *label, pp_ip_t *ip)
{
  char buf[PP_IP_STRLEN];
  if (strlen (label) >= sizeof buf)
    return false;
  for (int v6 = 0; v6 < 2; v6++)
    {
      size_t i = 0;
      for (; label[i]; i++)
        buf[i] = label[i] == '-' ? (v6 ? ':' : '.') : label[i];
      buf[i] = '\0';
      if (pp_ip_parse (buf, ip) && ip->family == (v6 ? AF_INET6 : AF_INET))
        return true;
    }
  return false;
}

static const svc_t *
find_svc (const pp_names_t *w, const char *ns, const char *name)
{
  for (size_t i = 0; i < w->n_svcs; i++)
    if (strcmp (w->svcs[i].rec->namespace_, ns) == 0 && strcmp (w->svcs[i].rec->name, name) == 0)
      return &w->svcs[i];
  return NULL;
}

/* Whether the pod is one the Service's name gives: selected, of its namespace, with an address, and ready unless
   the Service publishes pods that are not. */
static bool
endpoint_of (const svc_t *s, const pod_t *p)
{
  return p->ip.family == AF_INET && strcmp (p->rec->namespace_, s->rec->namespace_) == 0
         && pp_service_selects (json_object_get (s->spec, "selector"), p->labels)
         && (p->rec->ready || json_is_true (json_object_get (s->spec, "notReady")));
}

/* The name of pod `p` under headless Service `s`: its hostname when its subdomain is the Service, else its
   address dashed. */
static char *
pod_label (const svc_t *s, const pod_t *p)
{
  char d[16];
  dashed (&p->ip, d);
  return xstrdup (
      p->rec->hostname && p->rec->subdomain && strcmp (p->rec->subdomain, s->rec->name) == 0 ? p->rec->hostname : d);
}

static void lookup_zone (const pp_names_t *w, char **l, size_t n, uint16_t qtype, pp_names_answer_t *ans, int depth);

/* Where `name` stands to the cluster's domain: -1 outside it; 0 the domain itself, or a name of more labels than
   any name in it has; 1 a name under it, whose labels before the domain are put in `l` (`n` of them, pointing
   into `buf`). */
static int
zone_labels (const char *name, char buf[256], char *l[8], size_t *n)
{
  size_t len = strlen (name), zl = strlen (PP_CLUSTER_DOMAIN);
  if (len < zl || strcmp (name + len - zl, PP_CLUSTER_DOMAIN) != 0 || (len > zl && name[len - zl - 1] != '.'))
    return -1;
  if (len == zl)
    return 0;
  snprintf (buf, 256, "%.*s", (int)(len - zl - 1), name);
  *n = 0;
  char *save = NULL;
  for (char *t = strtok_r (buf, ".", &save); t; t = strtok_r (NULL, ".", &save))
    {
      if (*n == 8)
        return 0;
      l[(*n)++] = t;
    }
  return 1;
}

/* <svc>.<ns>.svc */
static void
lookup_service (const pp_names_t *w, const svc_t *s, uint16_t qtype, pp_names_answer_t *ans, int depth)
{
  if (s->external)
    {
      /* A name for another name: the CNAME, and what it gives when it is the cluster's too. */
      add_rr (ans, PP_DNS_CNAME)->target = s->external;
      char buf[256], *labels[8];
      size_t n;
      if (depth == 0 && zone_labels (s->external, buf, labels, &n) == 1)
        {
          size_t before = ans->n;
          lookup_zone (w, labels, n, qtype, ans, depth + 1);
          for (size_t i = before; i < ans->n; i++)
            if (ans->rrs[i].owner == NULL)
              ans->rrs[i].owner = s->external;
        }
      ans->rcode = PP_DNS_NOERROR;
      return;
    }
  ans->rcode = PP_DNS_NOERROR;
  if (s->ip.family)
    {
      /* Services are IPv4 (SingleStack): an AAAA question has no answer, and no error. */
      if (wants (qtype, PP_DNS_A))
        memcpy (add_rr (ans, PP_DNS_A)->a, s->ip.a, 4);
      return;
    }
  size_t found = 0;
  for (size_t i = 0; i < w->n_pods; i++)
    if (endpoint_of (s, &w->pods[i]))
      {
        found++;
        add_pod_addrs (ans, qtype, &w->pods[i]);
      }
  /* A headless Service with no pod to give is no name, as CoreDNS answers it. */
  if (found == 0)
    ans->rcode = PP_DNS_NXDOMAIN;
}

/* _<port>._<proto>.<svc>.<ns>.svc */
static void
lookup_srv (const pp_names_t *w, const svc_t *s, const char *port, const char *proto, uint16_t qtype,
            pp_names_answer_t *ans)
{
  json_t *p, *match = NULL;
  size_t k;
  json_array_foreach (json_object_get (s->spec, "ports"), k, p)
  {
    const char *name = json_string_value (json_object_get (p, "name"));
    const char *pr = json_string_value (json_object_get (p, "protocol"));
    if (name && pr && strcmp (name, port) == 0 && strcasecmp (pr, proto) == 0)
      match = p;
  }
  if (match == NULL || s->external)
    return;
  ans->rcode = PP_DNS_NOERROR;
  if (!wants (qtype, PP_DNS_SRV))
    return;
  uint16_t svc_port = (uint16_t)json_integer_value (json_object_get (match, "port"));
  if (s->ip.family)
    {
      pp_dns_rr_t *rr = add_rr (ans, PP_DNS_SRV);
      rr->port = svc_port;
      rr->target = keep (ans, xasprintf ("%s.%s.svc." PP_CLUSTER_DOMAIN, s->rec->name, s->rec->namespace_));
      return;
    }
  /* Headless: each pod at the port it serves (the targetPort, by number or by the name of its containerPort). */
  json_t *target = json_object_get (match, "targetPort");
  for (size_t i = 0; i < w->n_pods; i++)
    if (endpoint_of (s, &w->pods[i]))
      {
        const pod_t *pod = &w->pods[i];
        json_t *named = json_is_string (target) ? json_object_get (pod->ports, json_string_value (target)) : NULL;
        uint16_t tp = json_is_integer (target) ? (uint16_t)json_integer_value (target)
                      : named                  ? (uint16_t)json_integer_value (json_object_get (named, "port"))
                                               : 0;
        if (tp == 0)
          continue;
        cleanup_free char *label = pod_label (s, pod);
        pp_dns_rr_t *rr = add_rr (ans, PP_DNS_SRV);
        rr->port = tp;
        rr->target = keep (ans, xasprintf ("%s.%s.%s.svc." PP_CLUSTER_DOMAIN, label, s->rec->name, s->rec->namespace_));
      }
}

/* A name under the cluster's domain, as its labels before it. */
static void
lookup_zone (const pp_names_t *w, char **l, size_t n, uint16_t qtype, pp_names_answer_t *ans, int depth)
{
  ans->rcode = PP_DNS_NXDOMAIN;
  ans->authoritative = true;
  const svc_t *s;
  if (n == 3 && strcmp (l[2], "svc") == 0 && (s = find_svc (w, l[1], l[0])) != NULL)
    lookup_service (w, s, qtype, ans, depth);
  else if (n == 5 && strcmp (l[4], "svc") == 0 && l[0][0] == '_' && l[1][0] == '_'
           && (s = find_svc (w, l[3], l[2])) != NULL)
    lookup_srv (w, s, l[0] + 1, l[1] + 1, qtype, ans);
  else if (n == 4 && strcmp (l[3], "svc") == 0 && (s = find_svc (w, l[2], l[1])) != NULL && !s->ip.family
           && !s->external)
    {
      for (size_t i = 0; i < w->n_pods; i++)
        if (endpoint_of (s, &w->pods[i]))
          {
            cleanup_free char *label = pod_label (s, &w->pods[i]);
            if (strcmp (label, l[0]) != 0)
              continue;
            ans->rcode = PP_DNS_NOERROR;
            add_pod_addrs (ans, qtype, &w->pods[i]);
          }
    }
  else if (n == 3 && strcmp (l[2], "pod") == 0)
    {
      /* The name of one address gives that address only: an IPv4 one for A, an IPv6 one for AAAA. */
      pp_ip_t ip;
      for (size_t i = 0; undashed (l[0], &ip) && i < w->n_pods; i++)
        {
          const pod_t *p = &w->pods[i];
          if (p->ip.family == 0 || strcmp (p->rec->namespace_, l[1]) != 0
              || !(pp_ip_equal (&p->ip, &ip) || (p->ip6.family && pp_ip_equal (&p->ip6, &ip))))
            continue;
          ans->rcode = PP_DNS_NOERROR;
          if (wants (qtype, ip.family == AF_INET ? PP_DNS_A : PP_DNS_AAAA))
            memcpy (add_rr (ans, ip.family == AF_INET ? PP_DNS_A : PP_DNS_AAAA)->a, ip.a, pp_ip_len (&ip));
          break;
        }
    }
}

/* The address a reverse name is of: d.c.b.a.in-addr.arpa, or the 32 nibbles of an IPv6 address, last first,
   and ip6.arpa. */
static bool
reverse_ip (const char *name, pp_ip_t *ip)
{
  unsigned o[4];
  int used = 0;
  memset (ip, 0, sizeof *ip);
  if (sscanf (name, "%3u.%3u.%3u.%3u.in-addr.arpa%n", &o[3], &o[2], &o[1], &o[0], &used) == 4
      && (size_t)used == strlen (name) && o[0] <= 255 && o[1] <= 255 && o[2] <= 255 && o[3] <= 255)
    {
      ip->family = AF_INET;
      for (int i = 0; i < 4; i++)
        ip->a[i] = (uint8_t)o[i];
      return true;
    }
  if (strlen (name) != 64 + strlen ("ip6.arpa") || strcmp (name + 64, "ip6.arpa") != 0)
    return false;
  for (int k = 0; k < 32; k++)
    {
      const char *hex = "0123456789abcdef", *c = name[2 * k] ? strchr (hex, name[2 * k]) : NULL;
      if (c == NULL || name[2 * k + 1] != '.')
        return false;
      int byte = 15 - k / 2;
      ip->a[byte] |= (uint8_t)((c - hex) << (k % 2 ? 4 : 0));
    }
  ip->family = AF_INET6;
  return true;
}

/* A reverse name: a Service's address gives its name; a pod's (IPv4 or IPv6) gives its name under the headless
   Service whose subdomain it has, else its own name (as aardvark-dns gives a container's); another address of a
   pod network is no name; any other is the host's to answer. */
static void
lookup_reverse (const pp_names_t *w, const char *name, uint16_t qtype, pp_names_answer_t *ans)
{
  pp_ip_t ip;
  if (!reverse_ip (name, &ip))
    return;
  const char *target = NULL;
  char *made = NULL;
  for (size_t i = 0; target == NULL && i < w->n_svcs; i++)
    if (w->svcs[i].ip.family && pp_ip_equal (&w->svcs[i].ip, &ip))
      target = made = xasprintf ("%s.%s.svc." PP_CLUSTER_DOMAIN, w->svcs[i].rec->name, w->svcs[i].rec->namespace_);
  bool ours = false;
  for (size_t i = 0; target == NULL && i < w->n_pods; i++)
    {
      const pod_t *p = &w->pods[i];
      pp_ipnet_t subnet;
      const char *subnets[] = { p->rec->subnet, p->rec->subnet6 };
      for (size_t k = 0; k < 2; k++)
        if (subnets[k] && pp_ipnet_parse (subnets[k], &subnet))
          {
            pp_ipnet_mask (&subnet);
            ours |= pp_ipnet_contains (&subnet, &ip);
          }
      if (p->ip.family == 0 || !(pp_ip_equal (&p->ip, &ip) || (p->ip6.family && pp_ip_equal (&p->ip6, &ip))))
        continue;
      const svc_t *s = p->rec->subdomain ? find_svc (w, p->rec->namespace_, p->rec->subdomain) : NULL;
      if (p->rec->hostname && s && !s->ip.family && !s->external && endpoint_of (s, p))
        target = made
            = xasprintf ("%s.%s.%s.svc." PP_CLUSTER_DOMAIN, p->rec->hostname, s->rec->name, s->rec->namespace_);
      else
        target = p->rec->pod_name;
    }
  if (target == NULL && !ours)
    return; /* forwarded */
  ans->authoritative = true;
  ans->rcode = target ? PP_DNS_NOERROR : PP_DNS_NXDOMAIN;
  if (target && wants (qtype, PP_DNS_PTR))
    add_rr (ans, PP_DNS_PTR)->target = made ? keep (ans, made) : target;
  else
    free (made);
}

void
pp_names_lookup (const pp_names_t *w, const char *name, bool plain, uint16_t qtype, pp_names_answer_t *ans)
{
  memset (ans, 0, sizeof *ans);
  ans->rcode = PP_NAMES_FORWARD;
  char buf[256], *labels[8];
  size_t n, len = strlen (name);
  int zone = zone_labels (name, buf, labels, &n);
  if (zone >= 0)
    {
      ans->rcode = PP_DNS_NXDOMAIN;
      ans->authoritative = true;
      if (zone == 1 && plain)
        lookup_zone (w, labels, n, qtype, ans, 0);
      return;
    }
  if (plain && ((len > 13 && strcmp (name + len - 13, ".in-addr.arpa") == 0)
                || (len > 9 && strcmp (name + len - 9, ".ip6.arpa") == 0)))
    {
      lookup_reverse (w, name, qtype, ans);
      return;
    }
  /* A pod's name alone, in this network. */
  if (!plain || strchr (name, '.') || *name == '\0')
    return;
  for (size_t i = 0; i < w->n_pods; i++)
    {
      const pod_t *p = &w->pods[i];
      if (p->ip.family == 0 || strcmp (p->rec->pod_name, name) != 0 || strcmp (p->rec->network ?: "", w->network) != 0)
        continue;
      ans->rcode = PP_DNS_NOERROR;
      ans->authoritative = true;
      add_pod_addrs (ans, qtype, p);
    }
}
