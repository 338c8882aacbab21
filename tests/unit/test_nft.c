/* src/net/nft: podplay's table as the nft command lists it, and packets through it.  Every test runs in a new
   network namespace of its own (nftables rulesets are per namespace), beside two tables of someone else's that
   every test's teardown finds unchanged to the byte; nothing reaches the host's ruleset or its network. */
#include "unit.h"

#include "net/nft.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

static const char OTHER[] = "table ip other {\n"
                            "  set blocked { type ipv4_addr; elements = { 192.0.2.7 }; }\n"
                            "  chain input { type filter hook input priority 0; policy accept;\n"
                            "    ip saddr @blocked drop\n"
                            "    tcp dport 2222 accept\n"
                            "  }\n"
                            "  chain pre { type nat hook prerouting priority -100; policy accept;\n"
                            "    ip daddr 192.0.2.1 tcp dport 80 dnat to 192.0.2.2\n"
                            "  }\n"
                            "}\n"
                            "table inet other {\n"
                            "  chain forward { type filter hook forward priority 0; policy accept;\n"
                            "    ct state invalid drop\n"
                            "  }\n"
                            "}\n";

static bool in_netns;
static char *other_before;
/* The data path's servers, ended by the teardown whichever way the test ends (a failed assertion jumps past the
   test's own cleanups). */
static pid_t children[2];

/* What `cmd` prints on its standard output; `status` gets its exit status. */
static char *
run_out (const char *cmd, int *status)
{
  FILE *f = popen (cmd, "r");
  assert_non_null (f);
  pp_buf_t b = { 0 };
  char chunk[4096];
  size_t n;
  while ((n = fread (chunk, 1, sizeof chunk, f)) > 0)
    pp_buf_append (&b, chunk, n);
  int st = pclose (f);
  if (status)
    *status = WIFEXITED (st) ? WEXITSTATUS (st) : -1;
  return b.data ? b.data : xstrdup ("");
}

static char *
other_tables (void)
{
  return run_out ("nft list table ip other 2>&1; nft list table inet other 2>&1", NULL);
}

static int
netns_setup (void **state PP_UNUSED)
{
  in_netns = false;
  if (geteuid () != 0 || unshare (CLONE_NEWNET) < 0)
    return 0;
  FILE *f = popen ("nft -f -", "w");
  if (f == NULL || fputs (OTHER, f) < 0 || pclose (f) != 0)
    return -1;
  other_before = other_tables ();
  in_netns = true;
  return 0;
}

/* Whatever the test did, the other tables are as they were. */
static int
netns_teardown (void **state PP_UNUSED)
{
  for (size_t i = 0; i < PP_N_ELEMENTS (children); i++)
    if (children[i] > 0)
      {
        kill (children[i], SIGKILL);
        pp_wait_status (children[i]);
        children[i] = 0;
      }
  if (!in_netns)
    return 0;
  cleanup_free char *after = other_tables ();
  int ret = strcmp (after, other_before) == 0 && strstr (after, "192.0.2.7") != NULL ? 0 : -1;
  if (ret < 0)
    print_error ("the other tables changed:\n%s\nthey were:\n%s\n", after, other_before);
  free (other_before);
  other_before = NULL;
  return ret;
}

#define NEED_NETNS()                                                                                                   \
  do                                                                                                                   \
    {                                                                                                                  \
      if (!in_netns)                                                                                                   \
        {                                                                                                              \
          print_message ("skipped: a network namespace of its own needs root\n");                                      \
          skip ();                                                                                                     \
        }                                                                                                              \
    }                                                                                                                  \
  while (0)

static bool
table_exists (void)
{
  int status;
  free (run_out ("nft list table inet podplay 2>/dev/null", &status));
  return status == 0;
}

/* The listing of podplay's table, numeric protocols; NULL when there is none. */
static json_t *
listing (void)
{
  int status;
  cleanup_free char *out = run_out ("nft -j -p list table inet podplay 2>/dev/null", &status);
  if (status != 0)
    return NULL;
  json_t *j = json_loads (out, 0, NULL);
  assert_non_null (j);
  return j;
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* A JSON array as compact text, its items sorted (the kernel lists a hash set in no fixed order). */
static char *
sorted_dump (json_t *array)
{
  size_t n = json_array_size (array), i;
  char **items = xzalloc ((n + 1) * sizeof *items);
  for (i = 0; i < n; i++)
    items[i] = json_dumps (json_array_get (array, i), JSON_COMPACT | JSON_ENCODE_ANY);
  qsort (items, n, sizeof *items, cmp_str);
  pp_buf_t b = { 0 };
  pp_buf_puts (&b, "[");
  for (i = 0; i < n; i++)
    pp_buf_printf (&b, "%s%s", i ? "," : "", items[i]);
  pp_buf_puts (&b, "]");
  pp_strv_free (items);
  return b.data;
}

/* The elements of set or map `name` as compact JSON, sorted, "[]" when it has none. */
static char *
elems (const char *name)
{
  json_t *j = listing ();
  assert_non_null (j);
  size_t i;
  json_t *item;
  char *ret = NULL;
  json_array_foreach (json_object_get (j, "nftables"), i, item)
  {
    json_t *s = json_object_get (item, "set") ? json_object_get (item, "set") : json_object_get (item, "map");
    if (s && strcmp (json_string_value (json_object_get (s, "name")), name) == 0)
      {
        ret = sorted_dump (json_object_get (s, "elem"));
      }
  }
  json_decref (j);
  assert_non_null (ret);
  return ret;
}

static void
assert_elems (const char *name, const char *expected)
{
  cleanup_free char *got = elems (name);
  assert_string_equal (got, expected);
}

/* The rules of the table, all chains, as nft prints them. */
static char *
rules (void)
{
  return run_out ("nft list table inet podplay | grep -v elements", NULL);
}

static size_t
rule_count (void)
{
  json_t *j = listing ();
  assert_non_null (j);
  size_t i, n = 0;
  json_t *item;
  json_array_foreach (json_object_get (j, "nftables"), i, item) n += json_object_get (item, "rule") != NULL;
  json_decref (j);
  return n;
}

static pp_ipnet_t
net (const char *s)
{
  pp_ipnet_t n;
  assert_true (pp_ipnet_parse (s, &n));
  return n;
}

static pp_nft_port_t
port (int proto, const char *host_ip, uint16_t host_port, const char *pod_ip, uint16_t pod_port)
{
  pp_nft_port_t p = { .proto = proto, .host_port = host_port, .pod_port = pod_port };
  if (host_ip)
    assert_true (pp_ip_parse (host_ip, &p.host_ip));
  assert_true (pp_ip_parse (pod_ip, &p.pod_ip));
  return p;
}

static bool
libnftables_mapped (void)
{
  cleanup_file FILE *f = fopen ("/proc/self/maps", "re");
  assert_non_null (f);
  char line[4096];
  while (fgets (line, sizeof line, f))
    if (strstr (line, "libnftables"))
      return true;
  return false;
}

/* podplay does not link libnftables: it is mapped by the first call, not before.  The first test of the run. */
static void
test_loaded_on_first_use (void **state PP_UNUSED)
{
  NEED_NETNS ();
  assert_false (libnftables_mapped ());
  cleanup_error pp_error_t err = NULL;
  assert_int_equal (pp_nft_reset (&err), 0);
  assert_true (libnftables_mapped ());
  assert_false (table_exists ());
}

/* A network added twice has its elements and rules once; an unmasked IPv6 subnet is stored as its subnet. */
static void
test_network_add_twice (void **state PP_UNUSED)
{
  NEED_NETNS ();
  cleanup_error pp_error_t err = NULL;
  pp_ipnet_t v4 = net ("10.244.0.0/24"), v6 = net ("fd00:1::5/64");
  assert_int_equal (pp_nft_network_add ("podplay0", &v4, NULL, &err), 0);
  assert_int_equal (pp_nft_network_add ("podplay0", &v6, NULL, &err), 0);
  size_t n = rule_count ();
  cleanup_free char *before = rules ();
  assert_int_equal (pp_nft_network_add ("podplay0", &v4, NULL, &err), 0);
  assert_int_equal (pp_nft_network_add ("podplay0", &v6, NULL, &err), 0);
  assert_null (err);
  cleanup_free char *after = rules ();
  assert_int_equal (rule_count (), n);
  assert_string_equal (after, before);
  assert_true (strstr (after, "ip saddr @masq4 ip daddr != @subnets4 masquerade") != NULL);
  assert_true (strstr (after, "ct status dnat ip saddr 127.0.0.0/8 masquerade") != NULL);
  assert_elems ("subnets4", "[{\"prefix\":{\"addr\":\"10.244.0.0\",\"len\":24}}]");
  assert_elems ("masq4", "[{\"prefix\":{\"addr\":\"10.244.0.0\",\"len\":24}}]");
  assert_elems ("subnets6", "[{\"prefix\":{\"addr\":\"fd00:1::\",\"len\":64}}]");
  assert_elems ("masq6", "[{\"prefix\":{\"addr\":\"fd00:1::\",\"len\":64}}]");
  assert_elems ("internal", "[]");
  /* A second network beside it. */
  pp_ipnet_t other = net ("10.244.1.0/24");
  assert_int_equal (pp_nft_network_add ("podplay1", &other, NULL, &err), 0);
  assert_elems (
      "masq4", "[{\"prefix\":{\"addr\":\"10.244.0.0\",\"len\":24}},{\"prefix\":{\"addr\":\"10.244.1.0\",\"len\":24}}]");
  assert_int_equal (pp_nft_network_remove ("podplay0", &v4, &err), 0);
  assert_int_equal (pp_nft_network_remove ("podplay0", &v6, &err), 0);
  assert_elems ("masq4", "[{\"prefix\":{\"addr\":\"10.244.1.0\",\"len\":24}}]");
  assert_elems ("subnets6", "[]");
  /* Removed again: nothing there, no error. */
  assert_int_equal (pp_nft_network_remove ("podplay0", &v4, &err), 0);
  assert_int_equal (pp_nft_network_remove ("podplay1", &other, &err), 0);
  assert_null (err);
  assert_false (table_exists ());
  assert_int_equal (pp_nft_network_remove ("podplay1", &other, &err), 0);
}

/* An internal network: its subnet is a pod subnet but not masqueraded; its bridge keeps to itself. */
static void
test_network_internal (void **state PP_UNUSED)
{
  NEED_NETNS ();
  cleanup_error pp_error_t err = NULL;
  pp_ipnet_t n = net ("10.88.0.0/16");
  assert_int_equal (pp_nft_network_add ("br-int.1", &n, true, &err), 0);
  assert_int_equal (pp_nft_network_add ("br-int.1", &n, true, &err), 0);
  assert_elems ("subnets4", "[{\"prefix\":{\"addr\":\"10.88.0.0\",\"len\":16}}]");
  assert_elems ("masq4", "[]");
  assert_elems ("internal", "[\"br-int.1\"]");
  assert_elems ("internal_same", "[{\"concat\":[\"br-int.1\",\"br-int.1\"]}]");
  cleanup_free char *r = rules ();
  assert_true (strstr (r, "iifname . oifname @internal_same accept") != NULL);
  assert_true (strstr (r, "iifname @internal drop") != NULL);
  assert_true (strstr (r, "oifname @internal drop") != NULL);
  assert_int_equal (pp_nft_network_remove ("br-int.1", &n, &err), 0);
  assert_null (err);
  assert_false (table_exists ());
}

/* hostPorts of both protocols, every address and one address, both families: each in its map, once. */
static void
test_ports_add_remove (void **state PP_UNUSED)
{
  NEED_NETNS ();
  cleanup_error pp_error_t err = NULL;
  pp_nft_port_t p[] = {
    port (IPPROTO_TCP, NULL, 8080, "10.244.0.2", 80),         port (IPPROTO_UDP, NULL, 5353, "10.244.0.2", 53),
    port (IPPROTO_TCP, "127.0.0.1", 8443, "10.244.0.2", 443), port (IPPROTO_UDP, "192.0.2.10", 8443, "10.244.0.3", 443),
    port (IPPROTO_TCP, NULL, 8080, "fd00:1::2", 80),          port (IPPROTO_UDP, "fd00::0:1", 9090, "fd00:1::2", 90),
  };
  assert_int_equal (pp_nft_ports_add (p, PP_N_ELEMENTS (p), NULL, &err), 0);
  assert_int_equal (pp_nft_ports_add (p, PP_N_ELEMENTS (p), NULL, &err), 0);
  /* 0.0.0.0 and :: are every address, as in Kubernetes. */
  pp_nft_port_t unspecified[]
      = { port (IPPROTO_TCP, "0.0.0.0", 8080, "10.244.0.2", 80), port (IPPROTO_TCP, "::", 8080, "fd00:1::2", 80) };
  assert_int_equal (pp_nft_ports_add (unspecified, 2, NULL, &err), 0);
  /* The same port twice in one call is one element. */
  pp_nft_port_t twice[] = { p[0], p[0] };
  assert_int_equal (pp_nft_ports_add (twice, 2, NULL, &err), 0);
  assert_null (err);
  assert_elems ("hostports4", "[[{\"concat\":[17,5353]},{\"concat\":[\"10.244.0.2\",53]}],"
                              "[{\"concat\":[6,8080]},{\"concat\":[\"10.244.0.2\",80]}]]");
  assert_elems ("hostports4_ip", "[[{\"concat\":[\"127.0.0.1\",6,8443]},{\"concat\":[\"10.244.0.2\",443]}],"
                                 "[{\"concat\":[\"192.0.2.10\",17,8443]},{\"concat\":[\"10.244.0.3\",443]}]]");
  assert_elems ("hostports6", "[[{\"concat\":[6,8080]},{\"concat\":[\"fd00:1::2\",80]}]]");
  assert_elems ("hostports6_ip", "[[{\"concat\":[\"fd00::1\",17,9090]},{\"concat\":[\"fd00:1::2\",90]}]]");
  cleanup_free char *r = rules ();
  assert_true (strstr (r, "fib daddr type local jump hostports") != NULL);
  assert_true (strstr (r, "dnat ip to meta l4proto . th dport map @hostports4") != NULL);

  /* TCP 8080 goes, UDP 5353 stays; a port not there, or there for another pod, is no error and stays (TCP 8080
     given with another target too: the one there goes). */
  pp_nft_port_t gone[] = {
    port (IPPROTO_TCP, NULL, 8080, "10.244.0.9", 80), p[0], p[5], port (IPPROTO_TCP, NULL, 1234, "10.244.0.2", 80),
    port (IPPROTO_UDP, NULL, 5353, "10.244.0.9", 53),
  };
  assert_int_equal (pp_nft_ports_remove (gone, PP_N_ELEMENTS (gone), &err), 0);
  assert_int_equal (pp_nft_ports_remove (gone, PP_N_ELEMENTS (gone), &err), 0);
  assert_null (err);
  assert_elems ("hostports4", "[[{\"concat\":[17,5353]},{\"concat\":[\"10.244.0.2\",53]}]]");
  assert_elems ("hostports6_ip", "[]");
  assert_elems ("hostports6", "[[{\"concat\":[6,8080]},{\"concat\":[\"fd00:1::2\",80]}]]");
  /* The last port takes the table with it. */
  assert_int_equal (pp_nft_ports_remove (p, PP_N_ELEMENTS (p), &err), 0);
  assert_false (table_exists ());
  assert_int_equal (pp_nft_ports_remove (p, PP_N_ELEMENTS (p), &err), 0);
  assert_null (err);
}

/* The table lives while a network or a port is left in it, whichever goes last. */
static void
test_table_lifetime (void **state PP_UNUSED)
{
  NEED_NETNS ();
  cleanup_error pp_error_t err = NULL;
  pp_ipnet_t n = net ("10.244.0.0/24");
  pp_nft_port_t p = port (IPPROTO_TCP, NULL, 8080, "10.244.0.2", 80);
  assert_int_equal (pp_nft_network_add ("podplay0", &n, NULL, &err), 0);
  assert_int_equal (pp_nft_ports_add (&p, 1, NULL, &err), 0);
  assert_int_equal (pp_nft_network_remove ("podplay0", &n, &err), 0);
  assert_true (table_exists ());
  assert_int_equal (pp_nft_ports_remove (&p, 1, &err), 0);
  assert_false (table_exists ());

  assert_int_equal (pp_nft_network_add ("podplay0", &n, NULL, &err), 0);
  assert_int_equal (pp_nft_ports_add (&p, 1, NULL, &err), 0);
  assert_int_equal (pp_nft_ports_remove (&p, 1, &err), 0);
  assert_true (table_exists ());
  assert_int_equal (pp_nft_network_remove ("podplay0", &n, &err), 0);
  assert_false (table_exists ());
  assert_null (err);
}

/* Reset deletes the table whatever it holds, and is no error without one. */
static void
test_reset (void **state PP_UNUSED)
{
  NEED_NETNS ();
  cleanup_error pp_error_t err = NULL;
  pp_ipnet_t n = net ("10.244.0.0/24");
  pp_nft_port_t p = port (IPPROTO_UDP, "127.0.0.1", 53, "10.244.0.2", 53);
  assert_int_equal (pp_nft_network_add ("podplay0", &n, true, &err), 0);
  assert_int_equal (pp_nft_ports_add (&p, 1, NULL, &err), 0);
  assert_int_equal (pp_nft_reset (&err), 0);
  assert_false (table_exists ());
  assert_int_equal (pp_nft_reset (&err), 0);
  assert_null (err);
  /* And everything works again after it. */
  assert_int_equal (pp_nft_ports_add (&p, 1, NULL, &err), 0);
  assert_true (table_exists ());
}

/* Refusals: each leaves the table as it was (no table, when there was none). */
static void
test_errors (void **state PP_UNUSED)
{
  NEED_NETNS ();
  pp_error_t err = NULL;
  pp_nft_port_t sctp = port (IPPROTO_SCTP, NULL, 3868, "10.244.0.2", 3868);
  assert_int_equal (pp_nft_ports_add (&sctp, 1, NULL, &err), -1);
  assert_int_equal (err->status, EINVAL);
  assert_true (strstr (err->msg, "only TCP and UDP") != NULL);
  pp_error_release (&err);
  assert_int_equal (pp_nft_ports_remove (&sctp, 1, &err), -1);
  assert_int_equal (err->status, EINVAL);
  pp_error_release (&err);
  pp_nft_port_t mixed = port (IPPROTO_TCP, "127.0.0.1", 80, "fd00:1::2", 80);
  assert_int_equal (pp_nft_ports_add (&mixed, 1, NULL, &err), -1);
  assert_int_equal (err->status, EINVAL);
  pp_error_release (&err);
  pp_nft_port_t zero = port (IPPROTO_TCP, NULL, 0, "10.244.0.2", 80);
  assert_int_equal (pp_nft_ports_add (&zero, 1, NULL, &err), -1);
  assert_int_equal (err->status, EINVAL);
  pp_error_release (&err);
  /* A name that would be nft syntax. */
  pp_ipnet_t n = net ("10.244.0.0/24");
  assert_int_equal (pp_nft_network_add ("x\" }; flush ruleset", &n, NULL, &err), -1);
  assert_int_equal (err->status, EINVAL);
  pp_error_release (&err);
  assert_int_equal (pp_nft_network_add ("a-name-too-long-for-linux", &n, NULL, &err), -1);
  pp_error_release (&err);
  assert_false (table_exists ());

  /* A hostPort another pod has: refused, named, and the first pod keeps it; nothing of the call is added. */
  pp_nft_port_t first = port (IPPROTO_TCP, NULL, 8080, "10.244.0.2", 80);
  assert_int_equal (pp_nft_ports_add (&first, 1, NULL, &err), 0);
  pp_nft_port_t second[]
      = { port (IPPROTO_UDP, NULL, 8080, "10.244.0.3", 80), port (IPPROTO_TCP, NULL, 8080, "10.244.0.3", 80) };
  assert_int_equal (pp_nft_ports_add (second, 2, NULL, &err), -1);
  assert_int_equal (err->status, EEXIST);
  assert_string_equal (err->msg, "hostPort TCP port 8080 is published already, to 10.244.0.2:80");
  pp_error_release (&err);
  assert_elems ("hostports4", "[[{\"concat\":[6,8080]},{\"concat\":[\"10.244.0.2\",80]}]]");
  /* Had the check been raced, nft would refuse it too, naming nothing: a map's key added again with another
     value is EEXIST (with the same value it is no error, what makes additions idempotent). */
  int status;
  cleanup_free char *raw
      = run_out ("nft add element inet podplay hostports4 '{ 6 . 8080 : 10.244.0.3 . 80 }' 2>&1", &status);
  assert_int_equal (status, 1);
  assert_non_null (strstr (raw, "File exists"));
  /* A replacement takes the port over: it goes to the new pod in one transaction, and the old pod's removal
     leaves it with the new one. */
  pp_nft_port_t next = port (IPPROTO_TCP, NULL, 8080, "10.244.0.4", 80);
  /* Not from another pod than the one it replaces. */
  pp_ip_t elsewhere, replaced;
  pp_ip_parse ("10.244.0.9", &elsewhere);
  pp_ip_parse ("10.244.0.2", &replaced);
  assert_int_equal (pp_nft_ports_add (&next, 1, &elsewhere, &err), -1);
  assert_int_equal (err->status, EEXIST);
  pp_error_release (&err);
  assert_int_equal (pp_nft_ports_add (&next, 1, &replaced, &err), 0);
  assert_elems ("hostports4", "[[{\"concat\":[6,8080]},{\"concat\":[\"10.244.0.4\",80]}]]");
  assert_int_equal (pp_nft_ports_remove (&first, 1, &err), 0);
  assert_elems ("hostports4", "[[{\"concat\":[6,8080]},{\"concat\":[\"10.244.0.4\",80]}]]");
  assert_int_equal (pp_nft_ports_remove (&next, 1, &err), 0);
  assert_int_equal (pp_nft_ports_add (&first, 1, NULL, &err), 0);
  /* The same key twice in one call with two targets. */
  pp_nft_port_t clash[]
      = { port (IPPROTO_UDP, "fd00::1", 53, "fd00:1::2", 53), port (IPPROTO_UDP, "fd00::1", 53, "fd00:1::3", 53) };
  assert_int_equal (pp_nft_ports_add (clash, 2, NULL, &err), -1);
  assert_int_equal (err->status, EEXIST);
  assert_string_equal (err->msg, "hostPort UDP [fd00::1]:53 given twice, to [fd00:1::2]:53 and to [fd00:1::3]:53");
  pp_error_release (&err);
  assert_elems ("hostports6_ip", "[]");

  /* What nft itself refuses comes back with nft's words: a subnet overlapping another network's. */
  assert_int_equal (pp_nft_network_add ("podplay0", &n, NULL, &err), 0);
  pp_ipnet_t wider = net ("10.244.0.0/16");
  assert_int_equal (pp_nft_network_add ("podplay1", &wider, NULL, &err), -1);
  assert_string_equal (err->msg, "rules of network podplay1 (10.244.0.0/16): nftables: interval overlaps with an "
                                 "existing one");
  pp_error_release (&err);
  assert_elems ("subnets4", "[{\"prefix\":{\"addr\":\"10.244.0.0\",\"len\":24}}]");
}

/* Every operation, with the other tables compared after each (and by the teardown after every test). */
static void
test_other_tables_untouched (void **state PP_UNUSED)
{
  NEED_NETNS ();
  cleanup_error pp_error_t err = NULL;
  pp_ipnet_t n = net ("10.244.0.0/24"), i = net ("10.89.0.0/24");
  pp_nft_port_t p = port (IPPROTO_TCP, NULL, 80, "10.244.0.2", 80);
  for (int step = 0; step < 7; step++)
    {
      int r = step == 0   ? pp_nft_network_add ("podplay0", &n, NULL, &err)
              : step == 1 ? pp_nft_network_add ("podplay1", &i, true, &err)
              : step == 2 ? pp_nft_ports_add (&p, 1, NULL, &err)
              : step == 3 ? pp_nft_ports_remove (&p, 1, &err)
              : step == 4 ? pp_nft_network_remove ("podplay0", &n, &err)
              : step == 5 ? pp_nft_network_remove ("podplay1", &i, &err)
                          : pp_nft_reset (&err);
      assert_int_equal (r, 0);
      cleanup_free char *now = other_tables ();
      assert_string_equal (now, other_before);
    }
  assert_false (table_exists ());
}

/* The data path, in three namespaces of the test's own: this one stands for the host, a child's for a pod
   (veth pp-host here, 10.244.0.1/24 and fd00:1::1/64, to pp-pod there, .2 and ::2), another's for a host
   elsewhere (veth pp-out here, 192.0.2.1/24, to pp-world there, 192.0.2.2).  The pod and the host elsewhere
   answer on port 80, TCP and UDP, with what they got and from whom. */
#define POD4 "10.244.0.2"
#define HOST4 "10.244.0.1"
#define WORLD4 "192.0.2.2"
#define HOST_OUT4 "192.0.2.1"

static void
write_sysctl (const char *path, const char *value)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  assert_true (fd >= 0);
  assert_int_equal (write (fd, value, strlen (value)), (ssize_t)strlen (value));
  close (fd);
}

static void
peer_text (const struct sockaddr_in6 *sa, char *buf)
{
  if (IN6_IS_ADDR_V4MAPPED (&sa->sin6_addr))
    inet_ntop (AF_INET, &sa->sin6_addr.s6_addr[12], buf, INET6_ADDRSTRLEN);
  else
    inet_ntop (AF_INET6, &sa->sin6_addr, buf, INET6_ADDRSTRLEN);
}

static void
answer (int fd, const char *msg, ssize_t n, const struct sockaddr_in6 *from, socklen_t len)
{
  char reply[256], peer[INET6_ADDRSTRLEN];
  peer_text (from, peer);
  int m = snprintf (reply, sizeof reply, "%.*s from %s", (int)n, msg, peer);
  /* No answer where there is no way back (a host elsewhere has no route to pods): the server goes on. */
  (void)sendto (fd, reply, (size_t)m, MSG_NOSIGNAL, len ? (const struct sockaddr *)from : NULL, len);
}

/* A namespace's server: never returns.  `sync` carries 'u' once it has its namespace, waits for a byte (its veth
   is there), runs `setup` (ip commands), and carries 'r' once it listens. */
static void
serve (int sync, const char *setup)
{
  char c;
  if (unshare (CLONE_NEWNET) < 0 || write (sync, "u", 1) != 1 || read (sync, &c, 1) != 1 || system (setup) != 0)
    _exit (1);
  int one = 1, zero = 0;
  int tcp = socket (AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int udp = socket (AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in6 any = { .sin6_family = AF_INET6, .sin6_port = htons (80) };
  setsockopt (tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt (tcp, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  setsockopt (udp, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  if (bind (tcp, (struct sockaddr *)&any, sizeof any) < 0 || listen (tcp, 8) < 0
      || bind (udp, (struct sockaddr *)&any, sizeof any) < 0 || write (sync, "r", 1) != 1)
    _exit (1);
  for (;;)
    {
      struct pollfd pfd[] = { { .fd = tcp, .events = POLLIN }, { .fd = udp, .events = POLLIN } };
      if (poll (pfd, 2, -1) < 0)
        continue;
      char msg[128];
      struct sockaddr_in6 from;
      socklen_t len = sizeof from;
      if (pfd[0].revents & POLLIN)
        {
          int conn = accept4 (tcp, (struct sockaddr *)&from, &len, SOCK_CLOEXEC);
          if (conn < 0)
            continue;
          ssize_t n = read (conn, msg, sizeof msg);
          if (n > 0)
            answer (conn, msg, n, &from, 0);
          close (conn);
        }
      len = sizeof from;
      if (pfd[1].revents & POLLIN)
        {
          ssize_t n = recvfrom (udp, msg, sizeof msg, 0, (struct sockaddr *)&from, &len);
          if (n > 0)
            answer (udp, msg, n, &from, len);
        }
    }
}

/* Sends `msg` over `type` to addr:port and reads the answer into `reply`; -errno when none comes within
   `seconds`. */
static int
exchange (int type, const char *addr, uint16_t port_, const char *msg, char *reply, size_t size, int seconds)
{
  struct sockaddr_storage ss = { 0 };
  struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
  socklen_t len;
  if (inet_pton (AF_INET, addr, &s4->sin_addr) == 1)
    {
      s4->sin_family = AF_INET;
      s4->sin_port = htons (port_);
      len = sizeof *s4;
    }
  else if (inet_pton (AF_INET6, addr, &s6->sin6_addr) == 1)
    {
      s6->sin6_family = AF_INET6;
      s6->sin6_port = htons (port_);
      len = sizeof *s6;
    }
  else
    return -EINVAL;
  reply[0] = '\0';
  cleanup_close int fd = socket (ss.ss_family, type | SOCK_CLOEXEC, 0);
  struct timeval tv = { .tv_sec = seconds };
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect (fd, (struct sockaddr *)&ss, len) < 0 || send (fd, msg, strlen (msg), MSG_NOSIGNAL) < 0)
    return -errno;
  ssize_t n = read (fd, reply, size - 1);
  if (n < 0)
    return -errno;
  reply[n] = '\0';
  return (int)n;
}

/* An exchange from the namespace of process `in` (0: this one), in a child that joins it: the reply must be
   `expected`, or with `expected` NULL there must be none. */
static void
assert_reply_in (pid_t in, int type, const char *addr, uint16_t port_, const char *msg, const char *expected)
{
  int pipefd[2];
  assert_int_equal (pipe2 (pipefd, O_CLOEXEC), 0);
  pid_t child = fork ();
  assert_true (child >= 0);
  if (child == 0)
    {
      char path[64], r[256] = "";
      snprintf (path, sizeof path, "/proc/%d/ns/net", (int)in);
      int ns = in ? open (path, O_RDONLY | O_CLOEXEC) : -1;
      if (in && (ns < 0 || setns (ns, CLONE_NEWNET) < 0))
        _exit (2);
      int n = exchange (type, addr, port_, msg, r, sizeof r, expected ? 3 : 1);
      if (n < 0)
        snprintf (r, sizeof r, "(%s)", strerror (-n));
      if (write (pipefd[1], r, strlen (r)) < 0)
        _exit (2);
      _exit (0);
    }
  close (pipefd[1]);
  char got[256];
  ssize_t n = read (pipefd[0], got, sizeof got - 1);
  close (pipefd[0]);
  assert_int_equal (pp_wait_status (child), 0);
  got[n > 0 ? n : 0] = '\0';
  if (expected == NULL && got[0] != '(')
    fail_msg ("%s %s:%u from %d: an answer, `%s`, where none should come", type == SOCK_STREAM ? "TCP" : "UDP", addr,
              port_, (int)in, got);
  if (expected != NULL && strcmp (got, expected) != 0)
    fail_msg ("%s %s:%u from %d: `%s`, not `%s`", type == SOCK_STREAM ? "TCP" : "UDP", addr, port_, (int)in, got,
              expected);
}

/* What `cmd` prints, run by sh in the namespace of process `in`. */
static char *
run_in (pid_t in, const char *cmd)
{
  int pipefd[2];
  assert_int_equal (pipe2 (pipefd, O_CLOEXEC), 0);
  pid_t child = fork ();
  assert_true (child >= 0);
  if (child == 0)
    {
      char path[64];
      snprintf (path, sizeof path, "/proc/%d/ns/net", (int)in);
      int ns = open (path, O_RDONLY | O_CLOEXEC);
      if (ns < 0 || setns (ns, CLONE_NEWNET) < 0 || dup2 (pipefd[1], 1) < 0)
        _exit (127);
      execl ("/bin/sh", "sh", "-c", cmd, (char *)NULL);
      _exit (127);
    }
  close (pipefd[1]);
  pp_buf_t b = { 0 };
  char chunk[4096];
  ssize_t n;
  while ((n = read (pipefd[0], chunk, sizeof chunk)) > 0)
    pp_buf_append (&b, chunk, (size_t)n);
  close (pipefd[0]);
  assert_int_equal (pp_wait_status (child), 0);
  return b.data ? b.data : xstrdup ("");
}

/* A server in a namespace of its own behind a veth pair, `here` in this namespace, `there` in its; `setup` runs
   there before it listens. */
static pid_t
start_server (pid_t *slot, const char *here, const char *there, const char *setup)
{
  int sv[2];
  assert_int_equal (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  pid_t pid = *slot = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      close (sv[0]);
      serve (sv[1], setup);
    }
  close (sv[1]);
  char c;
  assert_int_equal (read (sv[0], &c, 1), 1);
  cleanup_free char *cmd = xasprintf ("ip link add %s type veth peer name %s netns %d", here, there, (int)pid);
  assert_int_equal (system (cmd), 0);
  assert_int_equal (write (sv[0], "g", 1), 1);
  assert_int_equal (read (sv[0], &c, 1), 1);
  assert_int_equal (c, 'r');
  close (sv[0]);
  return pid;
}

static pid_t pod, world;

/* A counter of what reaches a server's namespace, for what a one-way leak would let in with no answer back. */
#define PROBE                                                                                                          \
  "nft add table ip probe && nft add chain ip probe in '{ type filter hook input priority 0; }' && nft add rule "      \
  "ip probe in"

static void
assert_nothing_reached (pid_t in)
{
  cleanup_free char *out = run_in (in, "nft list chain ip probe in");
  if (strstr (out, "counter packets 0 bytes 0") == NULL)
    fail_msg ("packets reached %d: %s", (int)in, out);
}

static const pp_nft_port_t *
datapath_start (bool internal, size_t *n)
{
  static pp_nft_port_t p[4];
  p[0] = port (IPPROTO_TCP, NULL, 8080, POD4, 80);
  p[1] = port (IPPROTO_UDP, NULL, 8080, POD4, 80);
  p[2] = port (IPPROTO_TCP, "127.0.0.1", 9090, POD4, 80);
  p[3] = port (IPPROTO_TCP, NULL, 8080, "fd00:1::2", 80);
  *n = PP_N_ELEMENTS (p);
  pod = start_server (&children[0], "pp-host", "pp-pod",
                      "ip link set lo up && ip addr add " POD4 "/24 dev pp-pod && ip -6 addr add fd00:1::2/64 "
                      "dev pp-pod nodad && ip link set pp-pod up && ip route add default via " HOST4
                      " && ip -6 route add default via fd00:1::1 && " PROBE " 'ip saddr " WORLD4 " counter'");
  world = start_server (&children[1], "pp-out", "pp-world",
                        "ip link set lo up && ip addr add " WORLD4
                        "/24 dev pp-world && ip link set pp-world up && " PROBE " 'th dport 80 counter'");
  assert_int_equal (system ("ip link set lo up && ip addr add " HOST4 "/24 dev pp-host && ip -6 addr add "
                            "fd00:1::1/64 dev pp-host nodad && ip link set pp-host up && ip addr add " HOST_OUT4
                            "/24 dev pp-out && ip link set pp-out up"),
                    0);
  /* What the caller of pp_nft sets, here in this namespace's own sysctls. */
  write_sysctl ("/proc/sys/net/ipv4/ip_forward", "1");
  write_sysctl ("/proc/sys/net/ipv6/conf/all/forwarding", "1");
  write_sysctl ("/proc/sys/net/ipv4/conf/pp-host/route_localnet", "1");

  cleanup_error pp_error_t err = NULL;
  pp_ipnet_t n4 = net ("10.244.0.0/24"), n6 = net ("fd00:1::/64");
  assert_int_equal (pp_nft_network_add ("pp-host", &n4, internal, &err), 0);
  assert_int_equal (pp_nft_network_add ("pp-host", &n6, internal, &err), 0);
  assert_int_equal (pp_nft_ports_add (p, *n, NULL, &err), 0);
  assert_null (err);
  return p;
}

static void
test_datapath (void **state PP_UNUSED)
{
  NEED_NETNS ();
  size_t n;
  const pp_nft_port_t *p = datapath_start (false, &n);

  /* From the host to 127.0.0.1 and to its own address; masqueraded, so the pod answers the host's veth. */
  assert_reply_in (0, SOCK_STREAM, "127.0.0.1", 8080, "tcp-lo", "tcp-lo from " HOST4);
  assert_reply_in (0, SOCK_STREAM, HOST4, 8080, "tcp-host", "tcp-host from " HOST4);
  assert_reply_in (0, SOCK_DGRAM, "127.0.0.1", 8080, "udp-lo", "udp-lo from " HOST4);
  assert_reply_in (0, SOCK_DGRAM, HOST4, 8080, "udp-host", "udp-host from " HOST4);
  assert_reply_in (0, SOCK_STREAM, "fd00:1::1", 8080, "tcp6", "tcp6 from fd00:1::1");
  /* A hostPort on 127.0.0.1 only. */
  assert_reply_in (0, SOCK_STREAM, "127.0.0.1", 9090, "one-ip", "one-ip from " HOST4);
  char reply[64];
  assert_int_equal (exchange (SOCK_STREAM, HOST4, 9090, "x", reply, sizeof reply, 3), -ECONNREFUSED);
  /* From another host: DNATed, forwarded, its own address kept. */
  assert_reply_in (world, SOCK_STREAM, HOST_OUT4, 8080, "tcp-world", "tcp-world from " WORLD4);
  assert_reply_in (world, SOCK_DGRAM, HOST_OUT4, 8080, "udp-world", "udp-world from " WORLD4);
  /* Hairpin: the pod reaching its own hostPort through the host's addresses. */
  assert_reply_in (pod, SOCK_STREAM, HOST4, 8080, "hairpin", "hairpin from " HOST4);
  assert_reply_in (pod, SOCK_DGRAM, HOST_OUT4, 8080, "hairpin-udp", "hairpin-udp from " HOST4);
  assert_reply_in (pod, SOCK_STREAM, "fd00:1::1", 8080, "hairpin6", "hairpin6 from fd00:1::1");
  /* The pod to another host: masqueraded to the host's address there. */
  assert_reply_in (pod, SOCK_STREAM, WORLD4, 80, "out", "out from " HOST_OUT4);

  /* Unpublished: nothing answers on the host's port any more. */
  cleanup_error pp_error_t err = NULL;
  assert_int_equal (pp_nft_ports_remove (p, n, &err), 0);
  assert_int_equal (exchange (SOCK_STREAM, "127.0.0.1", 8080, "x", reply, sizeof reply, 3), -ECONNREFUSED);
  assert_int_equal (exchange (SOCK_STREAM, HOST4, 8080, "x", reply, sizeof reply, 3), -ECONNREFUSED);
  assert_null (err);
}

/* An internal network: nothing in or out through the host's forwarding, but the host itself and the bridge's own
   traffic (hairpin included) get through. */
static void
test_datapath_internal (void **state PP_UNUSED)
{
  NEED_NETNS ();
  size_t n;
  datapath_start (true, &n);
  assert_reply_in (0, SOCK_STREAM, "127.0.0.1", 8080, "tcp-lo", "tcp-lo from " HOST4);
  assert_reply_in (pod, SOCK_STREAM, HOST4, 8080, "hairpin", "hairpin from " HOST4);
  assert_reply_in (world, SOCK_STREAM, HOST_OUT4, 8080, "in", NULL);
  assert_reply_in (pod, SOCK_STREAM, WORLD4, 80, "out", NULL);
  assert_reply_in (pod, SOCK_DGRAM, WORLD4, 80, "out", NULL);
  assert_reply_in (world, SOCK_DGRAM, HOST_OUT4, 8080, "in", NULL);
  assert_nothing_reached (pod);
  assert_nothing_reached (world);
}

/* Sends a UDP datagram from the namespace of process `in` to addr:port. */
static void
send_from (pid_t in, const char *addr, uint16_t port_)
{
  pid_t child = fork ();
  assert_true (child >= 0);
  if (child == 0)
    {
      char path[64];
      snprintf (path, sizeof path, "/proc/%d/ns/net", (int)in);
      int ns = open (path, O_RDONLY | O_CLOEXEC);
      struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons (port_) };
      inet_pton (AF_INET, addr, &sa.sin_addr);
      int fd = ns < 0 || setns (ns, CLONE_NEWNET) < 0 ? -1 : socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      _exit (fd >= 0 && sendto (fd, "leak", 4, 0, (struct sockaddr *)&sa, sizeof sa) == 4 ? 0 : 1);
    }
  assert_int_equal (pp_wait_status (child), 0);
}

/* Whether a datagram arrives on `fd` within a second. */
static bool
arrives (int fd)
{
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  char buf[16];
  return poll (&pfd, 1, 1000) == 1 && recv (fd, buf, sizeof buf, 0) > 0;
}

/* CVE-2020-8558: route_localnet on a bridge (which hostPorts on 127.0.0.1 need) would let a pod reach services the
   host keeps on its loopback.  The pod here sends as CAP_NET_RAW lets a pod send: to 127.0.0.1 through its
   gateway (its own loopback routes removed, route_localnet on its end).  Nothing arrives; without podplay's rule
   the same datagram does. */
static void
test_loopback_unreachable_from_pods (void **state PP_UNUSED)
{
  NEED_NETNS ();
  size_t n;
  datapath_start (false, &n);
  cleanup_free char *out
      = run_in (pod, "ip route del local 127.0.0.0/8 dev lo table local && "
                     "ip route del local 127.0.0.1 dev lo table local && "
                     "echo 1 >/proc/sys/net/ipv4/conf/pp-pod/route_localnet && "
                     "echo 1 >/proc/sys/net/ipv4/conf/all/route_localnet && ip route add 127.0.0.1/32 via " HOST4);
  cleanup_close int srv = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in lo = { .sin_family = AF_INET, .sin_port = htons (7777) };
  inet_pton (AF_INET, "127.0.0.1", &lo.sin_addr);
  assert_int_equal (bind (srv, (struct sockaddr *)&lo, sizeof lo), 0);
  send_from (pod, "127.0.0.1", 7777);
  assert_false (arrives (srv));
  /* The attack is real: without the rule it gets through. */
  assert_int_equal (system ("nft flush chain inet podplay input"), 0);
  send_from (pod, "127.0.0.1", 7777);
  assert_true (arrives (srv));
}

static pp_nft_endpoint_t
endpoint (const char *addr, uint16_t port_)
{
  pp_nft_endpoint_t e = { .port = port_ };
  assert_true (pp_ip_parse (addr, &e.ip));
  return e;
}

/* How many of `tries` TCP exchanges with addr:port from this namespace the pod answered (its peer is the host's
   veth) and how many the other host did (its peer is the host's other address). */
static void
count_answers (const char *addr, uint16_t port_, int tries, int *pod_n, int *world_n)
{
  *pod_n = *world_n = 0;
  for (int i = 0; i < tries; i++)
    {
      char reply[128];
      assert_true (exchange (SOCK_STREAM, addr, port_, "svc", reply, sizeof reply, 3) > 0);
      *pod_n += strcmp (reply, "svc from " HOST4) == 0;
      *world_n += strcmp (reply, "svc from " HOST_OUT4) == 0;
    }
  assert_int_equal (*pod_n + *world_n, tries);
}

/* Service addresses: DNAT to the endpoints, spread over them (or kept to one by the client's address), hairpin
   from a pod to itself, refused at once with no endpoint, rewritten whole by each call, and gone with the last. */
static void
test_datapath_services (void **state PP_UNUSED)
{
  NEED_NETNS ();
  size_t n;
  datapath_start (false, &n);
  /* The host's way to a Service's address, which a default route gives a host. */
  assert_int_equal (system ("ip route add 10.96.0.0/16 dev pp-host"), 0);
  pp_nft_endpoint_t both[] = { endpoint (POD4, 80), endpoint (WORLD4, 80) };
  pp_nft_endpoint_t one[] = { endpoint (POD4, 80) };
  pp_nft_service_t svcs[] = {
    { .proto = IPPROTO_TCP, .port = 8080, .eps = both, .n_eps = 2 },
    { .proto = IPPROTO_UDP, .port = 53, .eps = one, .n_eps = 1 },
    { .proto = IPPROTO_TCP, .port = 80, .eps = NULL, .n_eps = 0 },
  };
  assert_true (pp_ip_parse ("10.96.0.10", &svcs[0].ip));
  assert_true (pp_ip_parse ("10.96.0.11", &svcs[1].ip));
  assert_true (pp_ip_parse ("10.96.0.12", &svcs[2].ip));
  cleanup_error pp_error_t err = NULL;
  assert_int_equal (pp_nft_services_set (svcs, PP_N_ELEMENTS (svcs), &err), 0);
  int to_pod, to_world;
  count_answers ("10.96.0.10", 8080, 40, &to_pod, &to_world);
  if (to_pod == 0 || to_world == 0)
    fail_msg ("40 connections to a Service of two endpoints: %d to one, %d to the other", to_pod, to_world);
  assert_reply_in (0, SOCK_DGRAM, "10.96.0.11", 53, "dns", "dns from " HOST4);
  /* A pod to a Service that sends it to itself: masqueraded, so that the answer comes back the same way. */
  assert_reply_in (pod, SOCK_DGRAM, "10.96.0.11", 53, "self", "self from " HOST4);
  char reply[64];
  assert_int_equal (exchange (SOCK_STREAM, "10.96.0.12", 80, "x", reply, sizeof reply, 3), -ECONNREFUSED);
  assert_reply_in (pod, SOCK_STREAM, "10.96.0.12", 80, "x", "(Connection refused)");

  /* ClientIP affinity: every connection of a client to the same endpoint. */
  svcs[0].affinity = true;
  assert_int_equal (pp_nft_services_set (svcs, 1, &err), 0);
  count_answers ("10.96.0.10", 8080, 20, &to_pod, &to_world);
  if (to_pod != 20 && to_world != 20)
    fail_msg ("ClientIP affinity: %d connections to one endpoint, %d to the other", to_pod, to_world);
  /* The Services left out are gone: no DNAT, no refusal by podplay's rules. */
  FILE *p = popen ("nft list table inet podplay", "r");
  assert_non_null (p);
  char line[512];
  bool udp = false, refused = false;
  while (fgets (line, sizeof line, p))
    {
      udp |= strstr (line, "10.96.0.11") != NULL;
      refused |= strstr (line, "10.96.0.12") != NULL;
    }
  pclose (p);
  assert_false (udp);
  assert_false (refused);

  /* None left: the Services' part goes; the table stays for the network and its ports. */
  assert_int_equal (pp_nft_services_set (NULL, 0, &err), 0);
  assert_int_equal (exchange (SOCK_STREAM, "10.96.0.10", 8080, "x", reply, sizeof reply, 1) < 0, true);
  assert_reply_in (0, SOCK_STREAM, "127.0.0.1", 8080, "still", "still from " HOST4);
  assert_null (err);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_loaded_on_first_use, netns_setup, netns_teardown),
    cmocka_unit_test_setup_teardown (test_network_add_twice, netns_setup, netns_teardown),
    cmocka_unit_test_setup_teardown (test_network_internal, netns_setup, netns_teardown),
    cmocka_unit_test_setup_teardown (test_ports_add_remove, netns_setup, netns_teardown),
    cmocka_unit_test_setup_teardown (test_table_lifetime, netns_setup, netns_teardown),
    cmocka_unit_test_setup_teardown (test_reset, netns_setup, netns_teardown),
    cmocka_unit_test_setup_teardown (test_errors, netns_setup, netns_teardown),
    cmocka_unit_test_setup_teardown (test_other_tables_untouched, netns_setup, netns_teardown),
    cmocka_unit_test_setup_teardown (test_datapath, netns_setup, netns_teardown),
    cmocka_unit_test_setup_teardown (test_datapath_internal, netns_setup, netns_teardown),
    cmocka_unit_test_setup_teardown (test_loopback_unreachable_from_pods, netns_setup, netns_teardown),
    cmocka_unit_test_setup_teardown (test_datapath_services, netns_setup, netns_teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
