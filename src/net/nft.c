/* podplay's nftables table, `inet podplay`: masquerade of pod networks and hostPort DNAT, changed only through
   set and map elements so that every change is one transaction and a repeated one changes nothing.

   The table's layout (the fixed part is BASE below; it is re-stated, chains flushed and their rules written
   again, in the same transaction as every addition, so a table left by an older podplay gets today's rules):

     sets    subnets4, subnets6     ipv4_addr / ipv6_addr intervals: the subnet of every pod network
             masq4, masq6           the same for the networks that are not internal: masqueraded to elsewhere
             internal               ifname: the bridge of every internal network
             internal_same          ifname . ifname: each internal bridge with itself (traffic that stays on it)
     maps    hostports4             inet_proto . inet_service : ipv4_addr . inet_service   hostPorts on every
             hostports6             inet_proto . inet_service : ipv6_addr . inet_service   address of the host
             hostports4_ip          ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service   hostPorts
             hostports6_ip          ipv6_addr . inet_proto . inet_service : ipv6_addr . inet_service   on one hostIP
     chains  prerouting   nat, hook prerouting, priority dstnat: traffic to a local address → hostports
             output       nat, hook output, priority -100: the same for the host's own connections (127.0.0.1)
             hostports    (regular) the DNAT lookups, a specific hostIP before every address
             postrouting  nat, hook postrouting, priority srcnat: masquerade of DNATed traffic from 127.0.0.0/8
                          (what route_localnet lets out), of DNATed traffic from a pod subnet to a pod subnet
                          (hairpin: a pod reaching its own or a neighbour's hostPort through the host's address,
                          whose reply would otherwise skip the host), and of pod traffic to anything but pods
             forward      filter, hook forward, priority filter: internal bridges keep their traffic to themselves
             input        filter, hook input, priority filter: no new connection to 127.0.0.0/8 from anywhere but
                          lo (route_localnet on the bridges would let a pod reach the host's loopback services)

   Protocols are written and read as numbers (6, 17): nft names them through /etc/protocols, which a minimal
   system may lack.

   Services, as kube-proxy's nftables mode lays them out:
     map     services4      ipv4_addr . inet_proto . inet_service : verdict, a Service port to `goto svc_...`
     set     noendpoints4   the Service ports with no ready endpoint: refused (reject) by forward and
                            filter_output, not sent out by the default route
     chains  services       (regular) the services4 lookup; prerouting and output jump to it first, for every
                            destination (a Service's address is on no interface)
             svc_<ip>_<proto>_<port>   one per Service port with endpoints: `dnat ip to numgen random mod N map
                            { 0 : ADDR . PORT, ... }`, or `jhash ip saddr` for sessionAffinity ClientIP
             filter_output  filter, hook output: the no-endpoint refusal for the host's own connections
     map     nodeports4     inet_proto . inet_service : verdict, a NodePort's (or a LoadBalancer's) port on every
                            address of the host to the same svc_ chain, looked up in hostports after the hostPorts
   The whole Service part is written again in one transaction whenever a Service or an endpoint's readiness
   changes (pp_nft_services_set): there is no element to diff, and a change is one atomic swap.  The postrouting
   hairpin rule covers a pod reaching itself or a neighbour through a Service.  The table counts as empty when no
   set or map holds an element: a Service always has one (in services4 or noendpoints4). */
#include "net/nft.h"

#include <dlfcn.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>

#ifndef PP_NFT_SONAME
#define PP_NFT_SONAME "libnftables.so.1"
#endif

#define TABLE "inet podplay"
#define SVC_CHAIN "svc_"

static const char BASE[] = "add table inet podplay\n"
                           "add set inet podplay subnets4 { type ipv4_addr; flags interval; }\n"
                           "add set inet podplay subnets6 { type ipv6_addr; flags interval; }\n"
                           "add set inet podplay masq4 { type ipv4_addr; flags interval; }\n"
                           "add set inet podplay masq6 { type ipv6_addr; flags interval; }\n"
                           "add set inet podplay internal { type ifname; }\n"
                           "add set inet podplay internal_same { type ifname . ifname; }\n"
                           "add map inet podplay hostports4 { type inet_proto . inet_service : ipv4_addr . "
                           "inet_service; }\n"
                           "add map inet podplay hostports6 { type inet_proto . inet_service : ipv6_addr . "
                           "inet_service; }\n"
                           "add map inet podplay hostports4_ip { type ipv4_addr . inet_proto . inet_service : "
                           "ipv4_addr . inet_service; }\n"
                           "add map inet podplay hostports6_ip { type ipv6_addr . inet_proto . inet_service : "
                           "ipv6_addr . inet_service; }\n"
                           "add map inet podplay services4 { type ipv4_addr . inet_proto . inet_service : verdict; }\n"
                           "add set inet podplay noendpoints4 { type ipv4_addr . inet_proto . inet_service; }\n"
                           "add map inet podplay nodeports4 { type inet_proto . inet_service : verdict; }\n"
                           "add chain inet podplay hostports\n"
                           "add chain inet podplay services\n"
                           "add chain inet podplay prerouting { type nat hook prerouting priority dstnat; }\n"
                           "add chain inet podplay output { type nat hook output priority -100; }\n"
                           "add chain inet podplay postrouting { type nat hook postrouting priority srcnat; }\n"
                           "add chain inet podplay forward { type filter hook forward priority filter; }\n"
                           "add chain inet podplay input { type filter hook input priority filter; }\n"
                           "add chain inet podplay filter_output { type filter hook output priority filter; }\n"
                           "flush chain inet podplay hostports\n"
                           "flush chain inet podplay services\n"
                           "flush chain inet podplay filter_output\n"
                           "flush chain inet podplay prerouting\n"
                           "flush chain inet podplay output\n"
                           "flush chain inet podplay postrouting\n"
                           "flush chain inet podplay forward\n"
                           "flush chain inet podplay input\n"
                           "add rule inet podplay hostports dnat ip to ip daddr . meta l4proto . th dport map "
                           "@hostports4_ip\n"
                           "add rule inet podplay hostports dnat ip to meta l4proto . th dport map @hostports4\n"
                           "add rule inet podplay hostports dnat ip6 to ip6 daddr . meta l4proto . th dport map "
                           "@hostports6_ip\n"
                           "add rule inet podplay hostports dnat ip6 to meta l4proto . th dport map @hostports6\n"
                           "add rule inet podplay hostports meta nfproto ipv4 meta l4proto . th dport vmap "
                           "@nodeports4\n"
                           "add rule inet podplay services ip daddr . meta l4proto . th dport vmap @services4\n"
                           "add rule inet podplay prerouting jump services\n"
                           "add rule inet podplay prerouting fib daddr type local jump hostports\n"
                           "add rule inet podplay output jump services\n"
                           "add rule inet podplay output fib daddr type local jump hostports\n"
                           "add rule inet podplay postrouting ct status dnat ip saddr 127.0.0.0/8 masquerade\n"
                           "add rule inet podplay postrouting ct status dnat ip saddr @subnets4 ip daddr @subnets4 "
                           "masquerade\n"
                           "add rule inet podplay postrouting ct status dnat ip6 saddr @subnets6 ip6 daddr "
                           "@subnets6 masquerade\n"
                           "add rule inet podplay postrouting ip saddr @masq4 ip daddr != @subnets4 masquerade\n"
                           "add rule inet podplay postrouting ip6 saddr @masq6 ip6 daddr != @subnets6 masquerade\n"
                           /* A Service with no ready endpoint refuses at once, as kube-proxy's does, rather than
                              let the connection go out by the default route and time out. */
                           "add rule inet podplay forward meta l4proto 6 ip daddr . meta l4proto . th dport "
                           "@noendpoints4 reject with tcp reset\n"
                           "add rule inet podplay forward ip daddr . meta l4proto . th dport @noendpoints4 reject\n"
                           "add rule inet podplay filter_output meta l4proto 6 ip daddr . meta l4proto . th dport "
                           "@noendpoints4 reject with tcp reset\n"
                           "add rule inet podplay filter_output ip daddr . meta l4proto . th dport @noendpoints4 "
                           "reject\n"
                           "add rule inet podplay forward iifname . oifname @internal_same accept\n"
                           "add rule inet podplay forward iifname @internal drop\n"
                           "add rule inet podplay forward oifname @internal drop\n"
                           /* route_localnet lets a pod's packets to 127.0.0.0/8 in from a bridge: a pod must not
                              reach the host's loopback services so (CVE-2020-8558); a reply of a hostPort
                              connection from 127.0.0.1 is not new. */
                           "add rule inet podplay input iifname != \"lo\" ip daddr 127.0.0.0/8 ct state new drop\n";

/* libnftables, resolved by hand: its header is not needed to build, and the library is mapped only by the
   commands that change rules.  The flag values are its ABI (libnftables.h). */
struct nft_ctx;
#define NFT_OUTPUT_JSON (1u << 4)
#define NFT_OUTPUT_NUMERIC_PROTO (1u << 7)

typedef struct
{
  struct nft_ctx *(*ctx_new) (uint32_t flags);
  void (*ctx_free) (struct nft_ctx *ctx);
  int (*run_cmd_from_buffer) (struct nft_ctx *ctx, const char *buf);
  int (*buffer_output) (struct nft_ctx *ctx);
  int (*buffer_error) (struct nft_ctx *ctx);
  const char *(*get_output_buffer) (struct nft_ctx *ctx);
  const char *(*get_error_buffer) (struct nft_ctx *ctx);
  void (*output_set_flags) (struct nft_ctx *ctx, unsigned int flags);
} nft_api_t;

/* The one-time probe: filled once, never changed after. */
static nft_api_t api;
static char api_missing[512];
static pthread_once_t api_once = PTHREAD_ONCE_INIT;

static void
api_load (void)
{
  static const struct
  {
    const char *name;
    size_t offset;
  } syms[] = {
    { "nft_ctx_new", offsetof (nft_api_t, ctx_new) },
    { "nft_ctx_free", offsetof (nft_api_t, ctx_free) },
    { "nft_run_cmd_from_buffer", offsetof (nft_api_t, run_cmd_from_buffer) },
    { "nft_ctx_buffer_output", offsetof (nft_api_t, buffer_output) },
    { "nft_ctx_buffer_error", offsetof (nft_api_t, buffer_error) },
    { "nft_ctx_get_output_buffer", offsetof (nft_api_t, get_output_buffer) },
    { "nft_ctx_get_error_buffer", offsetof (nft_api_t, get_error_buffer) },
    { "nft_ctx_output_set_flags", offsetof (nft_api_t, output_set_flags) },
  };
  void *h = dlopen (PP_NFT_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (h == NULL)
    {
      snprintf (api_missing, sizeof api_missing, "%s", dlerror ());
      return;
    }
  nft_api_t loaded;
  for (size_t i = 0; i < PP_N_ELEMENTS (syms); i++)
    {
      void *p = dlsym (h, syms[i].name);
      if (p == NULL)
        {
          snprintf (api_missing, sizeof api_missing, "%s: no symbol %s", PP_NFT_SONAME, syms[i].name);
          dlclose (h);
          return;
        }
      /* A function pointer from dlsym's void *, the way POSIX allows. */
      memcpy ((char *)&loaded + syms[i].offset, &p, sizeof p);
    }
  api = loaded;
}

static int
api_get (pp_error_t *err)
{
  pthread_once (&api_once, api_load);
  if (api_missing[0] != '\0')
    return pp_error_make (err, ENOPKG, "pod networks need libnftables, Debian's package libnftables1: %s", api_missing);
  return 0;
}

/* nft's errors are "Error: <what>", the command it was about, and a line of ^ under the culprit: kept are the
   first two, as one line.  A trailing errno text becomes the error's status, so that it is printed once.
   nft 1.0.6 shows the first line of a buffer as the command whatever line the error is on, so the command is
   kept only from a script of one line; callers say what they were doing. */
static int
nft_error (const char *script, const char *text, pp_error_t *err)
{
  bool one_line = strchr (script, '\n') == NULL || strchr (script, '\n')[1] == '\0';
  static const int known[] = { EPERM, ENOENT, EEXIST, EBUSY, EINVAL, ENOMEM, ENOSPC, EOPNOTSUPP, EAFNOSUPPORT };
  cleanup_free char *copy = xstrdup (text ? text : "");
  char *what = NULL, *cmd = NULL;
  for (char *save = NULL, *line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      char *e = strstr (line, "Error: ");
      if (e != NULL && what == NULL)
        what = e + strlen ("Error: ");
      else if (e == NULL && what != NULL && cmd == NULL && one_line && line[strspn (line, " ^~")] != '\0')
        cmd = line;
    }
  if (what == NULL)
    {
      size_t len = text ? strlen (text) : 0;
      while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
        len--;
      return pp_error_make (err, 0, "nftables failed%s%.*s", len ? ": " : "", (int)len, text ? text : "");
    }
  int status = 0;
  size_t wlen = strlen (what);
  for (size_t i = 0; i < PP_N_ELEMENTS (known) && status == 0; i++)
    {
      const char *s = strerror (known[i]);
      size_t slen = strlen (s);
      if (wlen >= slen && strcmp (what + wlen - slen, s) == 0)
        {
          status = known[i];
          wlen -= slen;
          while (wlen > 0 && (what[wlen - 1] == ' ' || what[wlen - 1] == ':'))
            wlen--;
        }
    }
  return pp_error_make (err, status, "nftables: %.*s%s%s", (int)wlen, what, wlen && cmd ? ": " : "", cmd ? cmd : "");
}

/* Runs `script` in one nft_run_cmd_from_buffer call: one transaction.  With `json`, the listing it prints,
   numeric protocols, is returned there (the caller frees it). */
static int
nft_run (const char *script, char **json, pp_error_t *err)
{
  if (api_get (err) < 0)
    return -1;
  struct nft_ctx *ctx = api.ctx_new (0);
  if (ctx == NULL)
    return pp_error_make (err, ENOMEM, "nftables: cannot make a context");
  int ret = 0;
  if (api.buffer_output (ctx) != 0 || api.buffer_error (ctx) != 0)
    ret = pp_error_make (err, errno, "nftables: cannot buffer its output");
  else
    {
      if (json)
        api.output_set_flags (ctx, NFT_OUTPUT_JSON | NFT_OUTPUT_NUMERIC_PROTO);
      if (api.run_cmd_from_buffer (ctx, script) != 0)
        ret = nft_error (script, api.get_error_buffer (ctx), err);
      else if (json)
        *json = xstrdup (api.get_output_buffer (ctx));
    }
  api.ctx_free (ctx);
  return ret;
}

/* One element of a set or map, in the text nft reads, and what the listing is turned into for comparison:
   addresses as inet_ntop prints them, a prefix of the whole address as the bare address, numbers for
   protocols and ports, interface names quoted, concatenations joined with " . ". */
typedef struct
{
  const char *set;
  char key[128];
  char value[64]; /* "" in a set */
  size_t origin;  /* the index of the port it was made from */
} elem_t;

typedef struct
{
  char *set;
  char *key;
  char *value;
  bool gone; /* deleted by the transaction being built */
} entry_t;

typedef struct
{
  bool exists;
  entry_t *v;
  size_t n;
  char **svc_chains; /* the chains of Service ports, svc_... */
  size_t n_svc_chains;
} listing_t;

static void
listing_free (listing_t *l)
{
  for (size_t i = 0; i < l->n; i++)
    {
      free (l->v[i].set);
      free (l->v[i].key);
      free (l->v[i].value);
    }
  free (l->v);
  l->v = NULL;
  l->n = 0;
  for (size_t i = 0; i < l->n_svc_chains; i++)
    free (l->svc_chains[i]);
  free (l->svc_chains);
  l->svc_chains = NULL;
  l->n_svc_chains = 0;
}
#define cleanup_listing __attribute__ ((cleanup (listing_free)))

static void
append_addr (pp_buf_t *b, const pp_ip_t *ip, unsigned prefix)
{
  char s[PP_IP_STRLEN];
  pp_buf_puts (b, pp_ip_format (ip, s));
  if (prefix < pp_ip_len (ip) * 8)
    pp_buf_printf (b, "/%u", prefix);
}

/* Appends the comparison text of a listed element `j`; false for a form podplay never writes. */
static bool
canon (json_t *j, pp_buf_t *b)
{
  pp_ip_t ip;
  if (json_is_integer (j))
    pp_buf_printf (b, "%" JSON_INTEGER_FORMAT, json_integer_value (j));
  else if (json_is_string (j) && pp_ip_parse (json_string_value (j), &ip))
    append_addr (b, &ip, 128);
  else if (json_is_string (j))
    pp_buf_printf (b, "\"%s\"", json_string_value (j));
  else if (json_object_get (j, "elem"))
    return canon (json_object_get (json_object_get (j, "elem"), "val"), b);
  else if (json_object_get (j, "prefix"))
    {
      json_t *p = json_object_get (j, "prefix");
      json_t *len = json_object_get (p, "len");
      if (!json_is_string (json_object_get (p, "addr")) || !json_is_integer (len)
          || !pp_ip_parse (json_string_value (json_object_get (p, "addr")), &ip))
        return false;
      append_addr (b, &ip, (unsigned)json_integer_value (len));
    }
  else if (json_is_array (json_object_get (j, "concat")))
    {
      size_t i;
      json_t *part;
      json_array_foreach (json_object_get (j, "concat"), i, part)
      {
        if (i > 0)
          pp_buf_puts (b, " . ");
        if (!canon (part, b))
          return false;
      }
    }
  else
    return false;
  return true;
}

static void
listing_add (listing_t *l, const char *set, json_t *key, json_t *value)
{
  pp_buf_t k = { 0 }, v = { 0 };
  if (canon (key, &k) && (value == NULL || canon (value, &v)))
    {
      l->v = xrealloc (l->v, (l->n + 1) * sizeof *l->v);
      l->v[l->n++] = (entry_t){ xstrdup (set), xstrdup (k.data ? k.data : ""), xstrdup (v.data ? v.data : ""), false };
    }
  else
    {
      /* Not a form podplay writes: kept, unmatched, so that the table still counts as holding something. */
      l->v = xrealloc (l->v, (l->n + 1) * sizeof *l->v);
      l->v[l->n++] = (entry_t){ xstrdup (set), xstrdup ("?"), xstrdup ("?"), false };
    }
  pp_buf_free (&k);
  pp_buf_free (&v);
}

/* The elements of every set and map of the table; `exists` false (and no error) when there is no table. */
static int
list_table (listing_t *l, pp_error_t *err)
{
  memset (l, 0, sizeof *l);
  cleanup_free char *out = NULL;
  cleanup_error pp_error_t missing = NULL;
  if (nft_run ("list table " TABLE "\n", &out, &missing) < 0)
    {
      if (missing->status == ENOENT)
        return 0;
      if (err != NULL && *err == NULL)
        *err = steal_pointer (&missing);
      return -1;
    }
  json_error_t jerr;
  json_t *root = json_loads (out, 0, &jerr);
  if (root == NULL)
    return pp_error_make (err, EINVAL, "nftables' listing of table %s: %s", TABLE, jerr.text);
  l->exists = true;
  size_t i, k;
  json_t *item, *e;
  json_array_foreach (json_object_get (root, "nftables"), i, item)
  {
    const char *chain = json_string_value (json_object_get (json_object_get (item, "chain"), "name"));
    if (chain && strncmp (chain, SVC_CHAIN, strlen (SVC_CHAIN)) == 0)
      {
        l->svc_chains = xrealloc (l->svc_chains, (l->n_svc_chains + 1) * sizeof *l->svc_chains);
        l->svc_chains[l->n_svc_chains++] = xstrdup (chain);
      }
    json_t *s = json_object_get (item, "set");
    bool map = s == NULL;
    if (map)
      s = json_object_get (item, "map");
    const char *name = json_string_value (json_object_get (s, "name"));
    if (name == NULL)
      continue;
    json_array_foreach (json_object_get (s, "elem"), k, e)
    {
      if (map && json_is_array (e) && json_array_size (e) == 2)
        listing_add (l, name, json_array_get (e, 0), json_array_get (e, 1));
      else
        listing_add (l, name, e, NULL);
    }
  }
  json_decref (root);
  return 0;
}

static entry_t *
listing_find (listing_t *l, const elem_t *e)
{
  for (size_t i = 0; i < l->n; i++)
    if (!l->v[i].gone && strcmp (l->v[i].set, e->set) == 0 && strcmp (l->v[i].key, e->key) == 0)
      return &l->v[i];
  return NULL;
}

/* Deletes those of `want` that the table holds (a map's element only with the value given), in one transaction;
   the whole table when nothing would be left in it.  The listing and the transaction are two steps: callers that
   may change the table at once serialize. */
static int
remove_elems (const elem_t *want, size_t n, pp_error_t *err)
{
  cleanup_listing listing_t l;
  if (list_table (&l, err) < 0)
    return -1;
  if (!l.exists)
    return 0;
  pp_buf_t script = { 0 };
  for (size_t i = 0; i < n; i++)
    {
      entry_t *found = listing_find (&l, &want[i]);
      if (found == NULL || strcmp (found->value, want[i].value) != 0)
        continue;
      found->gone = true;
      pp_buf_printf (&script, "delete element " TABLE " %s { %s }\n", want[i].set, want[i].key);
    }
  size_t left = 0;
  for (size_t i = 0; i < l.n; i++)
    left += !l.v[i].gone;
  int ret = 0;
  if (left == 0)
    ret = nft_run ("delete table " TABLE "\n", NULL, err);
  else if (script.len > 0)
    ret = nft_run (script.data, NULL, err);
  pp_buf_free (&script);
  return ret;
}

/* BASE, the deletions `del` (nft commands, or NULL), and the additions, one transaction. */
static int
add_elems (const elem_t *add, size_t n, const char *del, pp_error_t *err)
{
  pp_buf_t script = { 0 };
  pp_buf_puts (&script, BASE);
  if (del)
    pp_buf_puts (&script, del);
  for (size_t i = 0; i < n; i++)
    pp_buf_printf (&script, "add element " TABLE " %s { %s%s%s }\n", add[i].set, add[i].key,
                   add[i].value[0] ? " : " : "", add[i].value);
  int ret = nft_run (script.data, NULL, err);
  pp_buf_free (&script);
  return ret;
}

/* A bridge's name goes into nft's script quoted: only what interface names are made of here, no quote. */
static int
check_ifname (const char *name, pp_error_t *err)
{
  size_t len = name ? strlen (name) : 0;
  if (len == 0 || len > 15
      || name[strspn (name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")] != '\0')
    return pp_error_make (err, EINVAL, "bridge name `%s`: 1 to 15 letters, digits, `_`, `.` or `-`", name ? name : "");
  return 0;
}

static void elem_set (elem_t *e, const char *set, const char *fmt, ...) PP_PRINTF (3, 4);

static void
elem_set (elem_t *e, const char *set, const char *fmt, ...)
{
  e->set = set;
  e->value[0] = '\0';
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (e->key, sizeof e->key, fmt, ap);
  va_end (ap);
}

/* Every element a network can have: its subnet in subnetsN and (unless internal) masqN; with `internal`, its
   bridge in internal and internal_same.  `all` gives the four whatever `internal` says (for removal). */
static int
network_elems (const char *bridge, const pp_ipnet_t *subnet, bool internal, bool all, elem_t out[4], size_t *n,
               pp_error_t *err)
{
  if (check_ifname (bridge, err) < 0)
    return -1;
  if (subnet == NULL || (subnet->ip.family != AF_INET && subnet->ip.family != AF_INET6)
      || subnet->prefix > pp_ip_len (&subnet->ip) * 8)
    return pp_error_make (err, EINVAL, "network of bridge %s: no IPv4 or IPv6 subnet", bridge);
  pp_ipnet_t net = *subnet;
  pp_ipnet_mask (&net);
  pp_buf_t text = { 0 };
  append_addr (&text, &net.ip, net.prefix);
  bool v4 = net.ip.family == AF_INET;
  *n = 0;
  elem_set (&out[(*n)++], v4 ? "subnets4" : "subnets6", "%s", text.data);
  if (!internal || all)
    elem_set (&out[(*n)++], v4 ? "masq4" : "masq6", "%s", text.data);
  if (internal || all)
    {
      elem_set (&out[(*n)++], "internal", "\"%s\"", bridge);
      elem_set (&out[(*n)++], "internal_same", "\"%s\" . \"%s\"", bridge, bridge);
    }
  pp_buf_free (&text);
  return 0;
}

int
pp_nft_network_add (const char *bridge, const pp_ipnet_t *subnet, bool internal, pp_error_t *err)
{
  elem_t e[4];
  size_t n;
  if (network_elems (bridge, subnet, internal, false, e, &n, err) < 0)
    return -1;
  if (add_elems (e, n, NULL, err) < 0)
    return pp_error_wrap (err, "rules of network %s (%s)", bridge, e[0].key);
  return 0;
}

int
pp_nft_network_remove (const char *bridge, const pp_ipnet_t *subnet, pp_error_t *err)
{
  elem_t e[4];
  size_t n;
  if (network_elems (bridge, subnet, false, true, e, &n, err) < 0)
    return -1;
  if (remove_elems (e, n, err) < 0)
    return pp_error_wrap (err, "removing the rules of network %s (%s)", bridge, e[0].key);
  return 0;
}

/* Whether the port is on every address of the host: no hostIP, or 0.0.0.0 or :: (as Kubernetes means them). */
static bool
on_every_address (const pp_nft_port_t *p)
{
  static const uint8_t zero[16];
  return p->host_ip.family == 0 || memcmp (p->host_ip.a, zero, pp_ip_len (&p->host_ip)) == 0;
}

/* "TCP port 8080", "UDP 127.0.0.1:53", "TCP [fd00::1]:8080": a hostPort as a user names it. */
static char *
port_text (const pp_nft_port_t *p)
{
  const char *proto = p->proto == IPPROTO_TCP ? "TCP" : p->proto == IPPROTO_UDP ? "UDP" : "protocol";
  char ip[PP_IP_STRLEN];
  if (on_every_address (p))
    return xasprintf ("%s port %u", proto, p->host_port);
  bool v6 = p->host_ip.family == AF_INET6;
  return xasprintf ("%s %s%s%s:%u", proto, v6 ? "[" : "", pp_ip_format (&p->host_ip, ip), v6 ? "]" : "", p->host_port);
}

/* "10.244.0.3 . 80" as "10.244.0.3:80", "[fd00::3]:80". */
static char *
target_text (const char *value)
{
  const char *dot = strstr (value, " . ");
  if (dot == NULL)
    return xstrdup (value);
  bool v6 = memchr (value, ':', (size_t)(dot - value)) != NULL;
  return xasprintf ("%s%.*s%s:%s", v6 ? "[" : "", (int)(dot - value), value, v6 ? "]" : "", dot + 3);
}

static int
port_elem (const pp_nft_port_t *p, elem_t *e, pp_error_t *err)
{
  cleanup_free char *what = port_text (p);
  if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP)
    return pp_error_make (err, EINVAL, "hostPort %u: protocol %d, only TCP and UDP are published", p->host_port,
                          p->proto);
  if (p->host_port == 0 || p->pod_port == 0)
    return pp_error_make (err, EINVAL, "%s: port 0", what);
  if (p->pod_ip.family != AF_INET && p->pod_ip.family != AF_INET6)
    return pp_error_make (err, EINVAL, "%s: no pod address", what);
  if (p->host_ip.family != 0 && p->host_ip.family != p->pod_ip.family)
    return pp_error_make (err, EINVAL, "%s: the host address and the pod's are of different families", what);
  char host[PP_IP_STRLEN], pod[PP_IP_STRLEN];
  static const char *const sets[] = { "hostports4", "hostports6", "hostports4_ip", "hostports6_ip" };
  e->set = sets[(p->pod_ip.family == AF_INET6) + 2 * !on_every_address (p)];
  if (!on_every_address (p))
    snprintf (e->key, sizeof e->key, "%s . %d . %u", pp_ip_format (&p->host_ip, host), p->proto, p->host_port);
  else
    snprintf (e->key, sizeof e->key, "%d . %u", p->proto, p->host_port);
  snprintf (e->value, sizeof e->value, "%s . %u", pp_ip_format (&p->pod_ip, pod), p->pod_port);
  return 0;
}

/* The elements of `ports`, each once; with `adding`, a key given twice with two targets is an error (a removal
   keeps both: the one that is there goes). */
static int
port_elems (const pp_nft_port_t *ports, size_t n, bool adding, elem_t *out, size_t *count, pp_error_t *err)
{
  *count = 0;
  for (size_t i = 0; i < n; i++)
    {
      elem_t e;
      if (port_elem (&ports[i], &e, err) < 0)
        return -1;
      size_t j = adding ? 0 : *count;
      while (j < *count && !(out[j].set == e.set && strcmp (out[j].key, e.key) == 0))
        j++;
      e.origin = i;
      if (j == *count)
        out[(*count)++] = e;
      else if (strcmp (out[j].value, e.value) != 0)
        {
          cleanup_free char *what = port_text (&ports[i]);
          cleanup_free char *a = target_text (out[j].value);
          cleanup_free char *b = target_text (e.value);
          return pp_error_make (err, EEXIST, "hostPort %s given twice, to %s and to %s", what, a, b);
        }
    }
  return 0;
}

/* Whether a map element's target ("ADDRESS . PORT") is at `ip` (false for NULL). */
static bool
goes_to (const char *value, const pp_ip_t *ip)
{
  const char *dot = strstr (value, " . ");
  char addr[PP_IP_STRLEN];
  pp_ip_t at;
  if (ip == NULL || dot == NULL || (size_t)(dot - value) >= sizeof addr)
    return false;
  memcpy (addr, value, (size_t)(dot - value));
  addr[dot - value] = '\0';
  return pp_ip_parse (addr, &at) && pp_ip_equal (&at, ip);
}

int
pp_nft_ports_add (const pp_nft_port_t *ports, size_t n, const pp_ip_t *take_from, pp_error_t *err)
{
  if (n == 0)
    return 0;
  cleanup_free elem_t *e = xmalloc (n * sizeof *e);
  size_t count;
  if (port_elems (ports, n, true, e, &count, err) < 0)
    return -1;
  /* A hostPort another pod has is refused here, naming it: nft's own refusal (EEXIST) would name neither. */
  cleanup_listing listing_t l;
  if (list_table (&l, err) < 0)
    return pp_error_wrap (err, "publishing ports");
  pp_buf_t del = { 0 };
  for (size_t i = 0; i < count; i++)
    {
      entry_t *found = listing_find (&l, &e[i]);
      if (found != NULL && strcmp (found->value, e[i].value) != 0 && goes_to (found->value, take_from))
        pp_buf_printf (&del, "delete element " TABLE " %s { %s }\n", e[i].set, e[i].key);
      else if (found != NULL && strcmp (found->value, e[i].value) != 0)
        {
          pp_buf_free (&del);
          cleanup_free char *what = port_text (&ports[e[i].origin]);
          cleanup_free char *other = target_text (found->value);
          return pp_error_make (err, EEXIST, "hostPort %s is published already, to %s", what, other);
        }
    }
  int ret = add_elems (e, count, del.data, err);
  pp_buf_free (&del);
  if (ret < 0)
    return pp_error_wrap (err, "publishing ports");
  return 0;
}

int
pp_nft_ports_remove (const pp_nft_port_t *ports, size_t n, pp_error_t *err)
{
  if (n == 0)
    return 0;
  cleanup_free elem_t *e = xmalloc (n * sizeof *e);
  size_t count;
  if (port_elems (ports, n, false, e, &count, err) < 0 || remove_elems (e, count, err) < 0)
    return pp_error_wrap (err, "removing published ports");
  return 0;
}

/* One chain per Service port, named by its address, protocol and port: it picks an endpoint and DNATs to it. */
static void
service_chain (pp_buf_t *script, const pp_nft_service_t *svc, const char *chain)
{
  char ip[PP_IP_STRLEN];
  pp_buf_printf (script, "add chain " TABLE " %s\n", chain);
  pp_buf_printf (script, "add rule " TABLE " %s meta l4proto %d dnat ip to %s mod %zu map { ", chain, svc->proto,
                 svc->affinity ? "jhash ip saddr" : "numgen random", svc->n_eps);
  for (size_t i = 0; i < svc->n_eps; i++)
    pp_buf_printf (script, "%s%zu : %s . %u", i ? ", " : "", i, pp_ip_format (&svc->eps[i].ip, ip), svc->eps[i].port);
  pp_buf_puts (script, " }\n");
}

int
pp_nft_services_set (const pp_nft_service_t *svcs, size_t n, pp_error_t *err)
{
  cleanup_listing listing_t l;
  if (list_table (&l, err) < 0)
    return pp_error_wrap (err, "setting the Services' rules");
  if (!l.exists && n == 0)
    return 0;
  pp_buf_t script = { 0 };
  pp_buf_puts (&script, BASE);
  pp_buf_puts (&script,
               "flush map " TABLE " services4\nflush set " TABLE " noendpoints4\nflush map " TABLE " nodeports4\n");
  for (size_t i = 0; i < l.n_svc_chains; i++)
    pp_buf_printf (&script, "flush chain " TABLE " %s\ndelete chain " TABLE " %s\n", l.svc_chains[i], l.svc_chains[i]);
  int ret = 0;
  for (size_t i = 0; ret == 0 && i < n; i++)
    {
      const pp_nft_service_t *svc = &svcs[i];
      char ip[PP_IP_STRLEN];
      if (svc->ip.family != AF_INET || (svc->proto != IPPROTO_TCP && svc->proto != IPPROTO_UDP) || svc->port == 0)
        {
          ret = pp_error_make (err, EINVAL, "Service port %u: an IPv4 address and TCP or UDP are needed", svc->port);
          break;
        }
      pp_ip_format (&svc->ip, ip);
      if (svc->n_eps == 0)
        {
          pp_buf_printf (&script, "add element " TABLE " noendpoints4 { %s . %d . %u }\n", ip, svc->proto, svc->port);
          continue;
        }
      char chain[64];
      snprintf (chain, sizeof chain, SVC_CHAIN "%02x%02x%02x%02x_%d_%u", svc->ip.a[0], svc->ip.a[1], svc->ip.a[2],
                svc->ip.a[3], svc->proto, svc->port);
      service_chain (&script, svc, chain);
      pp_buf_printf (&script, "add element " TABLE " services4 { %s . %d . %u : goto %s }\n", ip, svc->proto, svc->port,
                     chain);
      for (size_t k = 0; k < PP_N_ELEMENTS (svc->host_ports); k++)
        if (svc->host_ports[k])
          pp_buf_printf (&script, "add element " TABLE " nodeports4 { %d . %u : goto %s }\n", svc->proto,
                         svc->host_ports[k], chain);
    }
  if (ret == 0)
    ret = nft_run (script.data, NULL, err);
  pp_buf_free (&script);
  /* With no Service left, the table goes if nothing else is in it. */
  if (ret == 0 && n == 0)
    ret = remove_elems (NULL, 0, err);
  if (ret < 0)
    return pp_error_wrap (err, "setting the Services' rules");
  return 0;
}

int
pp_nft_reset (pp_error_t *err)
{
  /* Added first so that the deletion has a table to delete: no error when there was none. */
  if (nft_run ("add table " TABLE "\ndelete table " TABLE "\n", NULL, err) < 0)
    return pp_error_wrap (err, "deleting table %s", TABLE);
  return 0;
}
