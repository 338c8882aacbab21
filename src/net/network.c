/* Pod networks: records, address allocation, and the bridge, veth and rules of each pod's connection. */
#include "net/network.h"
#include "net/service.h"
#include "net/netlink.h"
#include "net/resolver.h"
#include "net/nft.h"
#include "net/infra.h"
#include "core/util.h"

#include <dirent.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <sched.h>
#include <net/if.h>
#include <net/route.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

void
pp_network_host_ifname (const char *pod_id, char name[16])
{
  snprintf (name, 16, "pp%.12s", pod_id);
}

/* Whether `subnet` overlaps a route of the host (default routes aside) or an address of it, or another network
   than `self`; the error says which. */
int
pp_network_check_overlap (pp_state_t *state, const pp_ipnet_t *subnet, const char *self, pp_error_t *err)
{
  char want[PP_IPNET_STRLEN], got[PP_IPNET_STRLEN];
  pp_ipnet_format (subnet, want);
  pp_network_rec_t *nets = NULL;
  size_t n = 0;
  if (pp_state_network_list (state, NULL, &nets, &n, err) < 0)
    return -1;
  int ret = 0;
  for (size_t i = 0; ret == 0 && i < n; i++)
    {
      pp_ipnet_t other;
      if (self && strcmp (nets[i].name, self) == 0)
        continue;
      const char *theirs[] = { nets[i].subnet, nets[i].subnet6 };
      for (size_t k = 0; ret == 0 && k < 2; k++)
        if (theirs[k] && pp_ipnet_parse (theirs[k], &other) && pp_ipnet_overlaps (subnet, &other))
          ret = pp_error_make (err, EEXIST, "subnet %s overlaps %s of network %s", want, theirs[k], nets[i].name);
    }
  pp_network_recs_free (nets, n);
  if (ret < 0)
    return -1;
  pp_nl_t *nl = pp_nl_open (-1, err);
  if (nl == NULL)
    return -1;
  pp_ipnet_t *routes = NULL;
  char (*devs)[16] = NULL;
  size_t nr = 0;
  ret = pp_nl_routes (nl, subnet->ip.family, &routes, &devs, &nr, err);
  for (size_t i = 0; ret == 0 && i < nr; i++)
    /* The default route overlaps everything; a route on one of podplay's bridges is a network's own. */
    if (routes[i].prefix > 0 && strncmp (devs[i], "podplay", 7) != 0 && pp_ipnet_overlaps (subnet, &routes[i]))
      ret = pp_error_make (err, EEXIST, "subnet %s overlaps the host's route to %s%s%s: choose another", want,
                           pp_ipnet_format (&routes[i], got), *devs[i] ? " on " : "", devs[i]);
  free (routes);
  free (devs);
  pp_nl_close (nl);
  return ret;
}

/* The lowest "podplay<N>" no network has. */
static char *
free_bridge_name (pp_state_t *state, pp_error_t *err)
{
  pp_network_rec_t *nets = NULL;
  size_t n = 0;
  if (pp_state_network_list (state, NULL, &nets, &n, err) < 0)
    return NULL;
  char *name = NULL;
  /* podplay0 is the default network's, whenever it is made. */
  for (unsigned k = 1; name == NULL && k < 10000; k++)
    {
      char cand[16];
      snprintf (cand, sizeof cand, "podplay%u", k);
      bool taken = false;
      for (size_t i = 0; i < n && !taken; i++)
        taken = strcmp (nets[i].bridge, cand) == 0;
      if (!taken)
        name = xstrdup (cand);
    }
  pp_network_recs_free (nets, n);
  return name;
}

static bool
valid_name (const char *s)
{
  if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')) || strlen (s) > 63)
    return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
      return false;
  return true;
}

/* A free /24 of 10.245.0.0/16, or (AF_INET6) a free /64 of fd00:10:245::/48. */
static int
pick_subnet (pp_state_t *state, int family, pp_ipnet_t *subnet, pp_error_t *err)
{
  for (unsigned k = 0; k < 256; k++)
    {
      char s[PP_IPNET_STRLEN];
      if (family == AF_INET6)
        snprintf (s, sizeof s, "fd00:10:245:%x::/64", k);
      else
        snprintf (s, sizeof s, "10.245.%u.0/24", k);
      pp_ipnet_parse (s, subnet);
      pp_error_t e = NULL;
      if (pp_network_check_overlap (state, subnet, NULL, &e) == 0)
        return 0;
      bool overlap = e->status == EEXIST;
      if (!overlap)
        {
          *err = e;
          return -1;
        }
      pp_error_release (&e);
    }
  return pp_error_make (err, ENOSPC, "no free %s for a network: give one with --subnet",
                        family == AF_INET6 ? "/64 in fd00:10:245::/48" : "/24 in 10.245.0.0/16");
}

/* Reads a sysctl's first word into `buf`; "" when it cannot. */
static char *
read_sysctl (const char *path, char buf[16])
{
  buf[0] = '\0';
  cleanup_file FILE *f = fopen (path, "re");
  if (f == NULL || fscanf (f, "%15s", buf) != 1)
    buf[0] = '\0';
  return buf;
}

bool
pp_network_host_has_ipv6 (void)
{
  char all[16], dflt[16];
  return strcmp (read_sysctl ("/proc/sys/net/ipv6/conf/all/disable_ipv6", all), "0") == 0
         && strcmp (read_sysctl ("/proc/sys/net/ipv6/conf/default/disable_ipv6", dflt), "0") == 0;
}

/* The IPv6 half of a network: its subnet (given or picked) and its gateway, where `sn` is the IPv4 subnet and
   `g4` its gateway's offset. */
static int
plan_ipv6 (pp_state_t *state, const pp_network_opts_t *o, const pp_ipnet_t *sn, uint64_t g4, pp_ipnet_t *sn6,
           pp_ip_t *gw6, pp_error_t *err)
{
  if (!pp_network_host_has_ipv6 ())
    return pp_error_make (err, EAFNOSUPPORT,
                          "IPv6 is disabled on this host (net.ipv6.conf.all.disable_ipv6 or "
                          "net.ipv6.conf.default.disable_ipv6 is 1): a network of IPv4 only is made without --ipv6 "
                          "and without an IPv6 --subnet");
  /* Room for the same offsets as the IPv4 subnet. */
  unsigned most = 128 - (32 - sn->prefix);
  if (o->subnet6)
    {
      pp_ipnet_t special[3];
      pp_ipnet_parse ("fe80::/10", &special[0]);
      pp_ipnet_parse ("ff00::/8", &special[1]);
      pp_ipnet_parse ("::/8", &special[2]);
      if (!pp_ipnet_parse (o->subnet6, sn6) || sn6->ip.family != AF_INET6 || sn6->prefix > most || sn6->prefix < 8)
        return pp_error_make (err, EINVAL,
                              "subnet \"%s\": an IPv6 subnet from /8 to /%u (as many addresses as the IPv4 subnet's, "
                              "or more), as fd00:10:245:3::/64",
                              o->subnet6, most);
      pp_ipnet_mask (sn6);
      for (size_t i = 0; i < PP_N_ELEMENTS (special); i++)
        if (pp_ipnet_overlaps (sn6, &special[i]))
          return pp_error_make (err, EINVAL, "subnet \"%s\": a loopback, link-local or multicast range", o->subnet6);
      if (pp_network_check_overlap (state, sn6, NULL, err) < 0)
        return -1;
    }
  else if (pick_subnet (state, AF_INET6, sn6, err) < 0)
    return -1;
  if (o->gateway6 == NULL)
    {
      pp_ipnet_nth (sn6, g4, gw6);
      return 0;
    }
  /* A pod's IPv6 address is at its IPv4 offset: the gateway must be at no pod's. */
  uint64_t off, size4 = pp_ipnet_size (sn);
  if (!pp_ip_parse (o->gateway6, gw6) || !pp_ipnet_contains (sn6, gw6))
    return pp_error_make (err, EINVAL, "gateway \"%s\": an address of the IPv6 subnet", o->gateway6);
  if (pp_ipnet_offset (sn6, gw6, &off) && (off == 0 || (off != g4 && off < size4)))
    {
      char at[PP_IP_STRLEN];
      pp_ip_t want;
      pp_ipnet_nth (sn6, g4, &want);
      return pp_error_make (err, EINVAL,
                            "gateway \"%s\": a pod's IPv6 address is at its IPv4 address's place in the subnet, so "
                            "the IPv6 gateway is at the IPv4 gateway's (%s) or past the pods' addresses",
                            o->gateway6, pp_ip_format (&want, at));
    }
  return 0;
}

int
pp_network_create (pp_context_t *ctx, pp_state_t *state, const char *name, const pp_network_opts_t *o,
                   pp_network_rec_t *net, pp_error_t *err)
{
  const char *subnet = o->subnet, *gateway = o->gateway;
  memset (net, 0, sizeof *net);
  if (!valid_name (name))
    return pp_error_make (err, EINVAL,
                          "network name \"%s\": lower-case letters, digits, '-', '_' and '.', starting with a letter "
                          "or digit, 63 at most",
                          name);
  pp_network_rec_t *have = NULL;
  size_t n = 0;
  if (pp_state_network_list (state, name, &have, &n, err) < 0)
    return -1;
  pp_network_recs_free (have, n);
  if (n > 0)
    return pp_error_make (err, EEXIST, "network %s exists already", name);
  pp_ipnet_t sn;
  if (subnet && (!pp_ipnet_parse (subnet, &sn) || sn.ip.family != AF_INET || sn.prefix > 30 || sn.prefix < 8))
    return pp_error_make (err, EINVAL, "subnet \"%s\": an IPv4 subnet from /8 to /30, as 10.245.3.0/24", subnet);
  if (subnet)
    {
      pp_ipnet_mask (&sn);
      if (pp_network_check_overlap (state, &sn, NULL, err) < 0)
        return -1;
    }
  else if (pick_subnet (state, AF_INET, &sn, err) < 0)
    return -1;
  /* An ordinary user's networks are behind slirp4netns, whose own network is 10.0.2.0/24. */
  pp_ipnet_t slirp;
  char sbuf1[PP_IPNET_STRLEN];
  if (ctx->rootless && pp_ipnet_parse ("10.0.2.0/24", &slirp) && pp_ipnet_overlaps (&sn, &slirp))
    return pp_error_make (err, EEXIST,
                          "subnet %s overlaps 10.0.2.0/24, where slirp4netns connects an ordinary user's pod "
                          "networks to the host: choose another",
                          pp_ipnet_format (&sn, sbuf1));
  /* Not in the Services' range either: their DNAT would take the pods' traffic. */
  pp_ipnet_t services;
  char sbuf0[PP_IPNET_STRLEN], rbuf[PP_IPNET_STRLEN];
  if (pp_service_range (ctx, &services, NULL) == 0 && pp_ipnet_overlaps (&sn, &services))
    return pp_error_make (err, EEXIST, "subnet %s overlaps the service range %s (service_subnet in podplay.conf)",
                          pp_ipnet_format (&sn, sbuf0), pp_ipnet_format (&services, rbuf));
  pp_ip_t gw;
  if (gateway && (!pp_ip_parse (gateway, &gw) || !pp_ipnet_contains (&sn, &gw)))
    return pp_error_make (err, EINVAL, "gateway \"%s\": an address of the subnet", gateway);
  uint64_t off;
  if (!gateway)
    pp_ipnet_nth (&sn, 1, &gw);
  else if (!pp_ipnet_offset (&sn, &gw, &off) || off == 0 || off == pp_ipnet_size (&sn) - 1)
    return pp_error_make (err, EINVAL, "gateway \"%s\": the subnet's own or broadcast address", gateway);
  pp_ipnet_offset (&sn, &gw, &off);
  pp_ipnet_t sn6;
  pp_ip_t gw6;
  bool v6 = o->ipv6 || o->subnet6 || o->gateway6;
  if (v6 && plan_ipv6 (state, o, &sn, off, &sn6, &gw6, err) < 0)
    return -1;
  char sbuf[PP_IPNET_STRLEN], gbuf[PP_IP_STRLEN];
  net->name = xstrdup (name);
  net->bridge = strcmp (name, PP_NETWORK_DEFAULT) == 0 ? xstrdup ("podplay0") : free_bridge_name (state, err);
  net->subnet = xstrdup (pp_ipnet_format (&sn, sbuf));
  net->gateway = xstrdup (pp_ip_format (&gw, gbuf));
  if (v6)
    {
      net->subnet6 = xstrdup (pp_ipnet_format (&sn6, sbuf));
      net->gateway6 = xstrdup (pp_ip_format (&gw6, gbuf));
    }
  net->internal = o->internal;
  net->created = (int64_t)time (NULL);
  if (net->bridge == NULL || pp_state_network_add (state, net, err) < 0)
    {
      pp_network_rec_release (net);
      return -1;
    }
  return 0;
}

int
pp_network_get (pp_context_t *ctx, pp_state_t *state, const char *name, pp_network_rec_t *net, pp_error_t *err)
{
  pp_network_rec_t *have = NULL;
  size_t n = 0;
  const char *want = name ? name : PP_NETWORK_DEFAULT;
  if (pp_state_network_list (state, want, &have, &n, err) < 0)
    return -1;
  if (n == 1)
    {
      *net = have[0];
      free (have);
      return 0;
    }
  free (have);
  if (name && strcmp (name, PP_NETWORK_DEFAULT) != 0)
    return pp_error_make (err, ENOENT, "no network %s (podplay network ls lists them)", name);
  /* Dual stack where the host has IPv6, unless pod_subnet6 says "none".  The default IPv6 subnet taken by a route
     of the host (another cluster's, a VPN's) leaves the network IPv4 only, said once: IPv6 was not asked for. */
  const char *subnet6 = ctx->pod_subnet6;
  if (subnet6 && strcmp (subnet6, "none") == 0)
    subnet6 = NULL;
  else if (subnet6 == NULL && pp_network_host_has_ipv6 ())
    {
      pp_ipnet_t sn6;
      pp_error_t e = NULL;
      pp_ipnet_parse (PP_NETWORK_DEFAULT_SUBNET6, &sn6);
      subnet6 = PP_NETWORK_DEFAULT_SUBNET6;
      if (pp_network_check_overlap (state, &sn6, NULL, &e) < 0)
        {
          pp_warning (ctx, "the default network %s is IPv4 only: %s (pod_subnet6 in podplay.conf chooses another)",
                      PP_NETWORK_DEFAULT, e->msg);
          pp_error_release (&e);
          subnet6 = NULL;
        }
    }
  pp_network_opts_t opts = { .subnet = ctx->pod_subnet ? ctx->pod_subnet : PP_NETWORK_DEFAULT_SUBNET,
                             .subnet6 = subnet6 };
  if (pp_network_create (ctx, state, PP_NETWORK_DEFAULT, &opts, net, err) == 0)
    return 0;
  /* Another podplay may have recorded it in between: then it is there. */
  if (pp_state_network_list (state, PP_NETWORK_DEFAULT, &have, &n, NULL) == 0 && n == 1)
    {
      pp_error_release (err);
      *net = have[0];
      free (have);
      return 0;
    }
  pp_network_recs_free (have, n);
  return pp_error_wrap (err,
                        "the default network %s (pod_subnet and pod_subnet6 in podplay.conf choose other subnets; "
                        "pod_subnet6 = none, no IPv6)",
                        PP_NETWORK_DEFAULT);
}

json_t *
pp_network_pod_take (pp_state_t *state, const char *pod_id, const pp_network_rec_t *net, pp_error_t *err)
{
  pp_ipnet_t sn;
  pp_ip_t gw;
  uint64_t g;
  if (!pp_ipnet_parse (net->subnet, &sn) || !pp_ip_parse (net->gateway, &gw) || !pp_ipnet_offset (&sn, &gw, &g))
    {
      pp_error_make (err, EINVAL, "network %s: bad subnet %s or gateway %s in the state", net->name, net->subnet,
                     net->gateway);
      return NULL;
    }
  /* Addresses on the larger side of the gateway, the subnet's own and broadcast addresses left out. */
  uint64_t size = pp_ipnet_size (&sn);
  uint64_t first = g < size / 2 ? g + 1 : 1, limit = g < size / 2 ? size - 1 : g;
  uint64_t off;
  if (pp_state_address_take (state, pod_id, net->name, first, limit, &off, err) < 0)
    return NULL;
  pp_ipnet_t addr = { .prefix = sn.prefix };
  pp_ipnet_nth (&sn, off, &addr.ip);
  char abuf[PP_IPNET_STRLEN];
  json_t *j = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:b}", "name", net->name, "bridge", net->bridge, "subnet",
                         net->subnet, "gateway", net->gateway, "address", pp_ipnet_format (&addr, abuf), "internal",
                         net->internal);
  /* The same offset in the IPv6 subnet. */
  pp_ipnet_t sn6, addr6;
  if (net->subnet6 && net->gateway6 && pp_ipnet_parse (net->subnet6, &sn6) && pp_ipnet_nth (&sn6, off, &addr6.ip))
    {
      addr6.prefix = sn6.prefix;
      json_object_set_new (j, "subnet6", json_string (net->subnet6));
      json_object_set_new (j, "gateway6", json_string (net->gateway6));
      json_object_set_new (j, "address6", json_string (pp_ipnet_format (&addr6, abuf)));
    }
  return j;
}

static const char *
pod_ip_of (json_t *pod_net, const char *key, char *buf)
{
  pp_ipnet_t a;
  if (!pp_ipnet_parse (json_string_value (json_object_get (pod_net, key)) ?: "", &a))
    return NULL;
  return pp_ip_format (&a.ip, buf);
}

const char *
pp_network_pod_ip (json_t *pod_net, char *buf)
{
  return pod_ip_of (pod_net, "address", buf);
}

const char *
pp_network_pod_ip6 (json_t *pod_net, char *buf)
{
  return pod_ip_of (pod_net, "address6", buf);
}

/* The lock of the host's links and podplay's nftables table, whatever the roots: a bridge is made with a
   network's first pod and removed with its last, and an nftables removal reads the table before it changes it.
   One lock for every network, as the table is one; it is held for milliseconds. */
#define NETWORK_LOCK "/run/podplay-network.lock"

/* An ordinary user's networks are in a network namespace of the user's (net/rootless.h): its lock is the user's. */
static char *
lock_path (pp_context_t *ctx)
{
  return ctx->in_userns ? xasprintf ("%s/network.lock", ctx->runroot) : xstrdup (NETWORK_LOCK);
}

char *
pp_network_sys_net (pp_context_t *ctx)
{
  return ctx->in_infra ? xasprintf ("%s/infra/sys/class/net", ctx->runroot) : xstrdup ("/sys/class/net");
}

int
pp_network_lock_try (pp_context_t *ctx)
{
  cleanup_free char *path = lock_path (ctx);
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0 && flock (fd, LOCK_EX | LOCK_NB) < 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

int
pp_network_lock (pp_context_t *ctx, pp_error_t *err)
{
  cleanup_free char *path = lock_path (ctx);
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return pp_error_make (err, errno, "open `%s`", path);
  if (PP_RETRY (flock (fd, LOCK_EX)) < 0)
    {
      int e = errno;
      close (fd);
      return pp_error_make (err, e, "lock `%s`", path);
    }
  return fd;
}

static int
write_sysctl (const char *path, const char *value, pp_error_t *err)
{
  cleanup_close int fd = open (path, O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write (fd, value, strlen (value)) != (ssize_t)strlen (value))
    return pp_error_make (err, errno, "write %s to `%s`", value, path);
  return 0;
}

typedef struct
{
  const char *name, *bridge;
  pp_ipnet_t subnet, address;
  pp_ip_t gateway;
  bool internal;
  bool v6; /* the network has IPv6: */
  pp_ipnet_t subnet6, address6;
  pp_ip_t gateway6;
} pod_net_t;

static int
parse_pod_net (json_t *j, pod_net_t *p, pp_error_t *err)
{
  p->name = json_string_value (json_object_get (j, "name"));
  p->bridge = json_string_value (json_object_get (j, "bridge"));
  p->internal = json_is_true (json_object_get (j, "internal"));
  if (p->name == NULL || p->bridge == NULL
      || !pp_ipnet_parse (json_string_value (json_object_get (j, "subnet")) ?: "", &p->subnet)
      || !pp_ipnet_parse (json_string_value (json_object_get (j, "address")) ?: "", &p->address)
      || !pp_ip_parse (json_string_value (json_object_get (j, "gateway")) ?: "", &p->gateway))
    return pp_error_make (err, EINVAL, "the pod's plan has a bad network");
  p->v6 = json_object_get (j, "subnet6") != NULL;
  if (p->v6
      && (!pp_ipnet_parse (json_string_value (json_object_get (j, "subnet6")) ?: "", &p->subnet6)
          || !pp_ipnet_parse (json_string_value (json_object_get (j, "address6")) ?: "", &p->address6)
          || !pp_ip_parse (json_string_value (json_object_get (j, "gateway6")) ?: "", &p->gateway6)))
    return pp_error_make (err, EINVAL, "the pod's plan has a bad IPv6 network");
  return 0;
}

/* The pod's published ports as nftables sees them: to its address. */
static pp_nft_port_t *
nft_ports (json_t *pod_net, const pod_net_t *p, size_t *n)
{
  json_t *ports = json_object_get (pod_net, "ports");
  *n = json_array_size (ports);
  pp_nft_port_t *v = xzalloc ((*n + 1) * sizeof *v);
  for (size_t i = 0; i < *n; i++)
    {
      json_t *j = json_array_get (ports, i);
      const char *ip = json_string_value (json_object_get (j, "hostIP")) ?: "";
      v[i].proto
          = strcmp (json_string_value (json_object_get (j, "protocol")) ?: "", "UDP") == 0 ? IPPROTO_UDP : IPPROTO_TCP;
      if (*ip)
        pp_ip_parse (ip, &v[i].host_ip);
      v[i].host_port = (uint16_t)json_integer_value (json_object_get (j, "hostPort"));
      v[i].pod_ip = p->address.ip;
      v[i].pod_port = (uint16_t)json_integer_value (json_object_get (j, "containerPort"));
    }
  return v;
}

/* Publishes the pod's ports, taking them over from the pod it replaces ("replaces": that pod's address), which
   keeps running until the replacement runs; a port another pod holds is an error. */
static int
publish (pp_context_t *ctx, const char *pod_id, json_t *pod_net, const pod_net_t *p, pp_error_t *err)
{
  size_t n_ports = 0;
  cleanup_free pp_nft_port_t *ports = nft_ports (pod_net, p, &n_ports);
  pp_ip_t from;
  bool replaces = pp_ip_parse (json_string_value (json_object_get (pod_net, "replaces")) ?: "", &from);
  if (n_ports == 0)
    return 0;
  /* An ordinary user's ports: slirp4netns forwards the host's to the user's network, where the rules take them. */
  if (pp_nft_ports_add (ports, n_ports, replaces ? &from : NULL, err) < 0
      || pp_infra_forward_add (ctx, pod_id, ports, n_ports, err) < 0)
    return -1;
  return 0;
}

/* The bridge with the gateway's address, up, and the network's rules; routing from the bridge as rules need it. */
/* Whether the link is up, from sysfs (of the namespace where the bridges are). */
static bool
link_is_up (pp_context_t *ctx, const char *name)
{
  cleanup_free char *sys = pp_network_sys_net (ctx);
  cleanup_free char *path = xasprintf ("%s/%s/flags", sys, name);
  cleanup_file FILE *f = fopen (path, "re");
  unsigned long flags = 0;
  return f && fscanf (f, "%lx", &flags) == 1 && (flags & IFF_UP);
}

/* IPv6 forwarding, for a network that reaches outside.  It makes the host a router for IPv6, and a router
   ignores router advertisements where accept_ra is 1: an interface whose routes came from them (a laptop's
   Wi-Fi) would lose its default route when they expire.  Each interface that has such a route (RTF_ADDRCONF or
   RTF_DEFAULT in /proc/net/ipv6_route) and says 1 says 2 first, which takes them still, and so does `default`
   (what an interface that comes later starts with); no other is changed. */
static int
ipv6_forwarding (pp_error_t *err)
{
  char v[16];
  if (strcmp (read_sysctl ("/proc/sys/net/ipv6/conf/all/forwarding", v), "1") == 0)
    return 0;
  cleanup_file FILE *f = fopen ("/proc/net/ipv6_route", "re");
  char line[256], dev[IF_NAMESIZE + 1];
  unsigned long flags;
  while (f && fgets (line, sizeof line, f))
    if (sscanf (line, "%*s %*s %*s %*s %*s %*s %*s %*s %lx %16s", &flags, dev) == 2 && (flags & (RTF_ADDRCONF | RTF_DEFAULT))
        && strchr (dev, '/') == NULL && strcmp (dev, "lo") != 0)
      {
        cleanup_free char *path = xasprintf ("/proc/sys/net/ipv6/conf/%s/accept_ra", dev);
        if (strcmp (read_sysctl (path, v), "1") == 0 && write_sysctl (path, "2", err) < 0)
          return -1;
      }
  const char *dflt = "/proc/sys/net/ipv6/conf/default/accept_ra";
  if (strcmp (read_sysctl (dflt, v), "1") == 0 && write_sysctl (dflt, "2", err) < 0)
    return -1;
  return write_sysctl ("/proc/sys/net/ipv6/conf/all/forwarding", "1", err);
}

/* Whether the link has that IPv6 address (/proc/net/if_inet6, of the host's namespace): a bridge that is up but
   without its network's IPv6 gateway (made by a podplay or a --root whose network was IPv4 only) is set up again,
   each step taking what is there. */
static bool
has_addr6 (const char *link, const pp_ip_t *ip)
{
  char want[33], hex[33], dev[IF_NAMESIZE + 1];
  for (int i = 0; i < 16; i++)
    snprintf (want + 2 * i, 3, "%02x", ip->a[i]);
  cleanup_file FILE *f = fopen ("/proc/net/if_inet6", "re");
  while (f && fscanf (f, "%32s %*x %*x %*x %*x %16s", hex, dev) == 2)
    if (strcmp (hex, want) == 0 && strcmp (dev, link) == 0)
      return true;
  return false;
}

static int
ensure_bridge (pp_context_t *ctx, pp_nl_t *nl, const pod_net_t *p, pp_error_t *err)
{
  /* Up last, so that a bridge that is up has the rest: one left down (its maker killed half-way) is made whole
     now, each step taking what is there already. */
  int index = pp_nl_link_index (nl, p->bridge, err);
  if (index < 0 || (index > 0 && link_is_up (ctx, p->bridge) && (!p->v6 || has_addr6 (p->bridge, &p->gateway6))))
    return index < 0 ? -1 : 0;
  pp_ipnet_t gw = { .ip = p->gateway, .prefix = p->subnet.prefix };
  pp_ipnet_t gw6 = { .ip = p->gateway6, .prefix = p->subnet6.prefix };
  cleanup_free char *localnet = xasprintf ("/proc/sys/net/ipv4/conf/%s/route_localnet", p->bridge);
  cleanup_free char *no6 = xasprintf ("/proc/sys/net/ipv6/conf/%s/disable_ipv6", p->bridge);
  if ((index == 0 && pp_nl_bridge_add (nl, p->bridge, err) < 0) || pp_nl_addr_add (nl, p->bridge, &gw, err) < 0
      /* A hostPort reached at 127.0.0.1 is DNATed to a pod: its loopback source must be routable there. */
      || write_sysctl (localnet, "1", err) < 0
      || (!p->internal && write_sysctl ("/proc/sys/net/ipv4/ip_forward", "1", err) < 0)
      || pp_nft_network_add (p->bridge, &p->subnet, p->internal, err) < 0
      || (p->v6
          && (write_sysctl (no6, "0", err) < 0 || pp_nl_addr_add (nl, p->bridge, &gw6, err) < 0
              || (!p->internal && ipv6_forwarding (err) < 0)
              || pp_nft_network_add (p->bridge, &p->subnet6, p->internal, err) < 0))
      || pp_nl_link_up (nl, p->bridge, NULL, err) < 0)
    {
      /* Not a bridge without its rules: the next pod would take it for a whole network. */
      pp_nl_link_del (nl, p->bridge, NULL);
      return pp_error_wrap (err, "network %s: bridge %s", p->name, p->bridge);
    }
  return 0;
}

/* What connecting or disconnecting a pod works with: its place in the network, the network lock held, the host
   end's name, a route socket in the host's namespace. */
typedef struct
{
  pod_net_t p;
  int lock;
  char host_if[16];
  pp_nl_t *nl;
} pod_op_t;

static int
pod_op_begin (pp_context_t *ctx, const char *pod_id, json_t *pod_net, pod_op_t *op, pp_error_t *err)
{
  memset (op, 0, sizeof *op);
  if (parse_pod_net (pod_net, &op->p, err) < 0 || (op->lock = pp_network_lock (ctx, err)) < 0)
    return -1;
  pp_network_host_ifname (pod_id, op->host_if);
  op->nl = pp_nl_open (-1, err);
  if (op->nl == NULL)
    {
      close (op->lock);
      return -1;
    }
  return 0;
}

static void
pod_op_end (pod_op_t *op)
{
  pp_nl_close (op->nl);
  close (op->lock);
}

/* The pod's end: eth0 with its address, up, and its default route through the gateway. */
static int
setup_pod_end (const pod_net_t *p, int netns, pp_error_t *err)
{
  pp_nl_t *nl = pp_nl_open (netns, err);
  if (nl == NULL)
    return -1;
  int ret = pp_nl_addr_add (nl, "eth0", &p->address, err);
  if (ret == 0 && p->v6)
    ret = pp_nl_addr_add (nl, "eth0", &p->address6, err);
  if (ret == 0)
    ret = pp_nl_link_up (nl, "eth0", NULL, err);
  if (ret == 0 && !p->internal)
    ret = pp_nl_route_default (nl, "eth0", &p->gateway, err);
  if (ret == 0 && !p->internal && p->v6)
    ret = pp_nl_route_default (nl, "eth0", &p->gateway6, err);
  pp_nl_close (nl);
  return ret;
}

int
pp_network_attach (pp_context_t *ctx, const char *pod_id, json_t *pod_net, const char *netns_path, pp_error_t *err)
{
  cleanup_close int netns = open (netns_path, O_RDONLY | O_CLOEXEC);
  if (netns < 0)
    return pp_error_make (err, errno, "open the pod's network namespace `%s`", netns_path);
  pod_op_t op;
  if (pod_op_begin (ctx, pod_id, pod_net, &op, err) < 0)
    return -1;
  const pod_net_t p = op.p;
  pp_nl_t *nl = op.nl;
  const char *host_if = op.host_if;
  int ret = ensure_bridge (ctx, nl, &p, err);
  /* The service range on a bridge of podplay's, so that the host's own connections to a Service have a route
     before the DNAT sends them to a pod, with no default route too (a laptop offline); the first network's
     bridge to be connected has it, until it goes and the next connection puts it on another. */
  pp_ipnet_t range;
  if (ret == 0)
    ret = pp_service_range (ctx, &range, err) < 0 ? -1 : pp_nl_route_add (nl, p.bridge, &range, NULL, err);
  int have = ret == 0 ? pp_nl_link_index (nl, host_if, err) : -1;
  ret = have < 0 ? -1 : 0;
  if (ret == 0 && have == 0)
    {
      ret = pp_nl_veth_add (nl, host_if, "eth0", netns, NULL, err);
      if (ret == 0)
        ret = pp_nl_link_up (nl, host_if, p.bridge, err);
      if (ret == 0)
        ret = setup_pod_end (&p, netns, err);
      if (ret < 0)
        pp_nl_link_del (nl, host_if, NULL);
    }
  if (ret == 0)
    ret = publish (ctx, pod_id, pod_net, &p, err);
  pod_op_end (&op);
  return ret < 0 ? pp_error_wrap (err, "connect the pod to network %s", p.name) : 0;
}

/* Whether the bridge has no port left (its brif directory in sysfs, of the host's namespace, is empty). */
static bool
bridge_empty (pp_context_t *ctx, const char *bridge)
{
  cleanup_free char *sys = pp_network_sys_net (ctx);
  cleanup_free char *dir = xasprintf ("%s/%s/brif", sys, bridge);
  cleanup_dir DIR *d = opendir (dir);
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    if (de->d_name[0] != '.')
      return false;
  return true;
}

/* Between pp_network_defer_begin and _end: the link group the pods' links go into, deleted at the end. */
static uint32_t defer_group;
static bool deferred; /* a link went into the group: a batch of pods without one asks netlink for nothing */

int
pp_network_detach (pp_context_t *ctx, const char *pod_id, json_t *pod_net, pp_error_t *err)
{
  pod_op_t op;
  if (pod_op_begin (ctx, pod_id, pod_net, &op, err) < 0)
    return -1;
  const pod_net_t p = op.p;
  /* Its hostPorts, unless a replacement took them over. */
  size_t n_ports = 0;
  cleanup_free pp_nft_port_t *ports = nft_ports (pod_net, &p, &n_ports);
  int ret = n_ports ? pp_infra_forward_remove (ctx, pod_id, ports, n_ports, err) : 0;
  if (ret == 0 && n_ports)
    ret = pp_nft_ports_remove (ports, n_ports, err);
  /* Deleted here rather than with the namespace, which the kernel tears down later: when the pod is gone, so is
     its link.  The bridge and the network's rules stay for the next pod (a bridge's deletion and the table's
     removal cost a down more than the rest of it); `network rm` removes them. */
  if (ret == 0)
    ret = defer_group ? pp_nl_link_set_group (op.nl, op.host_if, defer_group, err)
                      : pp_nl_link_del (op.nl, op.host_if, err);
  deferred = deferred || (ret == 0 && defer_group);
  pod_op_end (&op);
  return ret < 0 ? pp_error_wrap (err, "disconnect the pod from network %s", p.name) : 0;
}

void
pp_network_defer_begin (void)
{
  /* A group of this process's own: another's batch never takes links this one has not deleted yet (and if it
     did, they were going). */
  defer_group = 0x70700000u | ((uint32_t) getpid () & 0xfffffu);
}

int
pp_network_defer_end (pp_error_t *err)
{
  uint32_t group = defer_group;
  bool any = deferred;
  defer_group = 0;
  deferred = false;
  if (group == 0 || !any)
    return 0;
  pp_nl_t *nl = pp_nl_open (-1, err);
  int ret = nl ? pp_nl_group_del (nl, group, err) : -1;
  pp_nl_close (nl);
  return ret;
}

int
pp_network_publish (pp_context_t *ctx, const char *pod_id, json_t *pod_net, pp_error_t *err)
{
  pod_op_t op;
  if (pod_op_begin (ctx, pod_id, pod_net, &op, err) < 0)
    return -1;
  int ret = publish (ctx, pod_id, pod_net, &op.p, err);
  pod_op_end (&op);
  return ret;
}

int
pp_network_remove (pp_context_t *ctx, pp_state_t *state, const char *name, pp_error_t *err)
{
  pp_network_rec_t *have = NULL;
  size_t n = 0;
  if (pp_state_network_list (state, name, &have, &n, err) < 0)
    return -1;
  int ret = 0;
  if (n == 0)
    ret = pp_error_make (err, ENOENT, "no network %s", name);
  else if (have[0].pods > 0)
    ret = pp_error_make (err, EBUSY, "network %s is in use by %" PRId64 " pod(s): remove them first", name,
                         have[0].pods);
  pp_ipnet_t sn;
  /* An ordinary user's bridges and rules are in the user's pod network, which a removal joins when it is there:
     without it there are none (the host's links are root's). */
  bool links = !(ctx->rootless && !ctx->in_infra);
  if (ret == 0 && links && pp_ipnet_parse (have[0].subnet, &sn))
    {
      cleanup_close int lock = pp_network_lock (ctx, err);
      /* Its resolver ends within a second of its last pod; a removal does not wait for that.  Stopped under the
         lock, so that no pod's start finds it running as it ends. */
      if (lock >= 0)
        pp_resolver_stop (ctx, name);
      pp_nl_t *nl = lock < 0 ? NULL : pp_nl_open (-1, err);
      ret = nl == NULL ? -1 : 0;
      /* A port left on the bridge is a pod of another storage root on the same network name. */
      if (ret == 0 && pp_nl_link_index (nl, have[0].bridge, NULL) > 0 && !bridge_empty (ctx, have[0].bridge))
        ret = pp_error_make (err, EBUSY, "network %s: its bridge %s still connects pods (of another --root?)", name,
                             have[0].bridge);
      if (ret == 0 && pp_nl_link_index (nl, have[0].bridge, NULL) > 0)
        ret = pp_nl_link_del (nl, have[0].bridge, err);
      if (ret == 0)
        ret = pp_nft_network_remove (have[0].bridge, &sn, err);
      pp_ipnet_t sn6;
      if (ret == 0 && have[0].subnet6 && pp_ipnet_parse (have[0].subnet6, &sn6))
        ret = pp_nft_network_remove (have[0].bridge, &sn6, err);
      if (nl)
        pp_nl_close (nl);
    }
  if (ret == 0)
    ret = pp_state_network_remove (state, name, err);
  pp_network_recs_free (have, n);
  return ret;
}

void
pp_network_host_ip (const pp_context_t *ctx, char buf[PP_IP_STRLEN])
{
  /* The user's pod network's own address (slirp4netns's tap) is no address of the host's. */
  if (ctx->in_infra && ctx->host_ip[0])
    {
      snprintf (buf, PP_IP_STRLEN, "%s", ctx->host_ip);
      return;
    }
  /* The node's address, as the kubelet reports it: the host's first IPv4 address outside loopback and podplay's
     networks (whose bridges are named podplay<N>); 127.0.0.1 on a host with none. */
  strcpy (buf, "127.0.0.1");
  pp_nl_t *nl = pp_nl_open (-1, NULL);
  if (nl == NULL)
    return;
  pp_ipnet_t *addrs = NULL, *routes = NULL;
  char (*devs)[16] = NULL;
  size_t n = 0, nr = 0;
  pp_ipnet_t loop;
  pp_ipnet_parse ("127.0.0.0/8", &loop);
  if (pp_nl_addrs (nl, AF_INET, &addrs, &n, NULL) == 0 && pp_nl_routes (nl, AF_INET, &routes, &devs, &nr, NULL) == 0)
    for (size_t i = 0; i < n; i++)
      {
        bool ours = pp_ipnet_contains (&loop, &addrs[i].ip);
        for (size_t r = 0; r < nr && !ours; r++)
          ours = strncmp (devs[r], "podplay", 7) == 0 && routes[r].prefix > 0
                 && pp_ipnet_contains (&routes[r], &addrs[i].ip);
        if (!ours)
          {
            pp_ip_format (&addrs[i].ip, buf);
            break;
          }
      }
  free (addrs);
  free (routes);
  free (devs);
  pp_nl_close (nl);
}
