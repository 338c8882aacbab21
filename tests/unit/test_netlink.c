/* src/net/netlink: links, addresses and routes made and read through rtnetlink, each test in network namespaces of
   its own (the process in a new one, A, and a second, B, held by its descriptor), so that nothing reaches the
   host's; links are checked with queries of the test's own, and a datagram crosses from B to A at the end. */
#include "unit.h"

#include "net/netlink.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdalign.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

static int host_ns = -1; /* where the process started: the tests only leave it, and go back */
static int ns_a = -1;    /* the test's namespace, the process in it */
static int ns_b = -1;    /* a second one */

static void
nl_closep (pp_nl_t **nl)
{
  pp_nl_close (*nl);
}
#define cleanup_nl __attribute__ ((cleanup (nl_closep)))

static int
open_self_ns (void)
{
  return open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
}

static int
group_setup (void **state)
{
  (void)state;
  host_ns = open_self_ns ();
  return host_ns < 0 ? -1 : 0;
}

static int
group_teardown (void **state)
{
  (void)state;
  close (host_ns);
  return 0;
}

/* A new namespace A for the process, and B beside it; without the right to make them (not root) ns_a stays -1
   and the test skips. */
static int
setup (void **state)
{
  (void)state;
  if (unshare (CLONE_NEWNET) < 0)
    return errno == EPERM ? 0 : -1;
  ns_a = open_self_ns ();
  if (ns_a < 0 || unshare (CLONE_NEWNET) < 0 || (ns_b = open_self_ns ()) < 0 || setns (ns_a, CLONE_NEWNET) < 0)
    return -1;
  return 0;
}

/* Back to the host's namespace; A and B go with the last descriptors and sockets on them. */
static int
teardown (void **state)
{
  (void)state;
  int ret = setns (host_ns, CLONE_NEWNET);
  if (ns_a >= 0)
    close (ns_a);
  if (ns_b >= 0)
    close (ns_b);
  ns_a = ns_b = -1;
  return ret;
}

static void
need_netns (void)
{
  if (ns_a < 0)
    {
      print_message ("needs the right to make network namespaces (root)\n");
      skip ();
    }
}

static pp_nl_t *
nl_in (int ns)
{
  cleanup_error pp_error_t err = NULL;
  pp_nl_t *nl = pp_nl_open (ns, &err);
  if (nl == NULL)
    fail_msg ("pp_nl_open: %s: %s", err->msg, strerror (err->status));
  return nl;
}

static void
ok (int ret, pp_error_t *err)
{
  if (ret < 0)
    fail_msg ("%s: %s", (*err)->msg, strerror ((*err)->status));
}

/* A failure with `status` whose message says `what`; the error is released for the next call. */
static void
fails (int ret, pp_error_t *err, int status, const char *what)
{
  assert_int_equal (ret, -1);
  assert_non_null (*err);
  if (strstr ((*err)->msg, what) == NULL)
    fail_msg ("\"%s\" does not say \"%s\"", (*err)->msg, what);
  assert_int_equal ((*err)->status, status);
  pp_error_release (err);
}

static ino_t
self_ns_ino (void)
{
  struct stat st;
  assert_int_equal (stat ("/proc/thread-self/ns/net", &st), 0);
  return st.st_ino;
}

/* A socket of `type` made in the namespace `ns`, where it stays. */
static int
socket_in (int ns, int family, int type)
{
  assert_int_equal (setns (ns, CLONE_NEWNET), 0);
  int s = socket (family, type | SOCK_CLOEXEC, 0);
  assert_int_equal (setns (ns_a, CLONE_NEWNET), 0);
  assert_true (s >= 0);
  return s;
}

/* What the test's own query sees of a link. */
struct link
{
  bool found;
  unsigned flags;
  uint32_t master;
  uint8_t mac[6];
  char kind[16];
};

static int
link_attr_cb (const struct nlattr *a, void *data)
{
  struct link *l = data;
  if (mnl_attr_get_type (a) == IFLA_MASTER)
    l->master = mnl_attr_get_u32 (a);
  else if (mnl_attr_get_type (a) == IFLA_ADDRESS && mnl_attr_get_payload_len (a) == 6)
    memcpy (l->mac, mnl_attr_get_payload (a), 6);
  return MNL_CB_OK;
}

static int
link_cb (const struct nlmsghdr *nlh, void *data)
{
  struct link *l = data;
  const struct ifinfomsg *ifm = mnl_nlmsg_get_payload (nlh);
  if (nlh->nlmsg_type != RTM_NEWLINK)
    return MNL_CB_OK;
  l->found = true;
  l->flags = ifm->ifi_flags;
  mnl_attr_parse (nlh, sizeof *ifm, link_attr_cb, l);
  return MNL_CB_OK;
}

/* The link `name` in the namespace `ns`, by an RTM_GETLINK of the test's own on a socket made there. */
static struct link
query_link (int ns, const char *name)
{
  struct link l = { 0 };
  assert_int_equal (setns (ns, CLONE_NEWNET), 0);
  struct mnl_socket *sock = mnl_socket_open2 (NETLINK_ROUTE, SOCK_CLOEXEC);
  assert_int_equal (setns (ns_a, CLONE_NEWNET), 0);
  assert_non_null (sock);
  assert_int_equal (mnl_socket_bind (sock, 0, MNL_SOCKET_AUTOPID), 0);
  alignas (struct nlmsghdr) char buf[16384];
  struct nlmsghdr *nlh = mnl_nlmsg_put_header (buf);
  nlh->nlmsg_type = RTM_GETLINK;
  nlh->nlmsg_flags = NLM_F_REQUEST;
  nlh->nlmsg_seq = 1;
  mnl_nlmsg_put_extra_header (nlh, sizeof (struct ifinfomsg));
  mnl_attr_put_strz (nlh, IFLA_IFNAME, name);
  assert_true (mnl_socket_sendto (sock, nlh, nlh->nlmsg_len) > 0);
  ssize_t n = mnl_socket_recvfrom (sock, buf, sizeof buf);
  assert_true (n > 0);
  /* The link, or an error (ENODEV) that leaves it not found. */
  mnl_cb_run (buf, (size_t)n, 1, mnl_socket_get_portid (sock), link_cb, &l);
  mnl_socket_close (sock);
  return l;
}

static pp_ipnet_t
net_of (const char *s)
{
  pp_ipnet_t net;
  assert_true (pp_ipnet_parse (s, &net));
  return net;
}

static pp_ip_t
ip_of (const char *s)
{
  pp_ip_t ip;
  assert_true (pp_ip_parse (s, &ip));
  return ip;
}

static bool
has_net (const pp_ipnet_t *v, size_t n, const char *s)
{
  pp_ipnet_t net = net_of (s);
  for (size_t i = 0; i < n; i++)
    if (pp_ip_equal (&v[i].ip, &net.ip) && v[i].prefix == net.prefix)
      return true;
  return false;
}

/* The device of the route to `s` in the list, NULL when there is none. */
static const char *
route_dev (const pp_ipnet_t *v, char (*devs)[16], size_t n, const char *s)
{
  pp_ipnet_t net = net_of (s);
  for (size_t i = 0; i < n; i++)
    if (pp_ip_equal (&v[i].ip, &net.ip) && v[i].prefix == net.prefix)
      return devs[i];
  return NULL;
}

/* The socket goes into `ns` and stays there; the thread comes back to A, also when `ns` is no namespace. */
static void
test_open_restores_netns (void **state)
{
  (void)state;
  need_netns ();
  cleanup_error pp_error_t err = NULL;
  ino_t before = self_ns_ino ();
  cleanup_nl pp_nl_t *nl_b = nl_in (ns_b);
  assert_int_equal (self_ns_ino (), before);
  ok (pp_nl_bridge_add (nl_b, "brb", &err), &err);
  assert_true (query_link (ns_b, "brb").found);
  assert_false (query_link (ns_a, "brb").found);

  cleanup_close int not_ns = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  assert_null (pp_nl_open (not_ns, &err));
  fails (-1, &err, EINVAL, "enter the network namespace");
  assert_int_equal (self_ns_ino (), before);
  assert_null (pp_nl_open (1000, &err));
  fails (-1, &err, EBADF, "enter the network namespace of fd 1000");
  assert_int_equal (self_ns_ino (), before);

  cleanup_nl pp_nl_t *nl = nl_in (-1);
  assert_int_equal (pp_nl_link_index (nl, "brb", &err), 0);
  assert_int_equal (pp_nl_link_index (nl, "lo", &err), 1);
}

/* A bridge twice is one bridge; a link of that name of another kind is an error that names it. */
static void
test_bridge_add (void **state)
{
  (void)state;
  need_netns ();
  cleanup_error pp_error_t err = NULL;
  cleanup_nl pp_nl_t *nl = nl_in (-1);
  ok (pp_nl_bridge_add (nl, "br0", &err), &err);
  int index = pp_nl_link_index (nl, "br0", &err);
  assert_true (index > 1);
  ok (pp_nl_bridge_add (nl, "br0", &err), &err);
  assert_int_equal (pp_nl_link_index (nl, "br0", &err), index);

  ok (pp_nl_veth_add (nl, "v0", "v1", -1, NULL, &err), &err);
  fails (pp_nl_bridge_add (nl, "v0", &err), &err, EEXIST, "add bridge v0: a link of that name is there, of kind veth");
  fails (pp_nl_bridge_add (nl, "lo", &err), &err, EEXIST, "add bridge lo: a link of that name is there, a device");
  /* Too long a name is refused by the kernel, not shortened. */
  fails (pp_nl_bridge_add (nl, "name-longer-than-ifnamsiz", &err), &err, ERANGE,
         "add bridge name-longer-than-ifnamsiz");
  assert_int_equal (pp_nl_link_index (nl, "name-longer-th", &err), 0);
}

/* The peer is made in B with its name and MAC; the local end stays in A. */
static void
test_veth_into_other_ns (void **state)
{
  (void)state;
  need_netns ();
  cleanup_error pp_error_t err = NULL;
  cleanup_nl pp_nl_t *nl = nl_in (-1);
  const uint8_t mac[6] = { 0x02, 0x42, 0x0a, 0xf4, 0x00, 0x05 };
  ok (pp_nl_veth_add (nl, "veth0", "eth0", ns_b, mac, &err), &err);
  struct link peer = query_link (ns_b, "eth0");
  assert_true (peer.found);
  assert_memory_equal (peer.mac, mac, 6);
  assert_false (query_link (ns_b, "veth0").found);
  assert_true (query_link (ns_a, "veth0").found);
  assert_false (query_link (ns_a, "eth0").found);
  fails (pp_nl_veth_add (nl, "veth0", "eth1", ns_b, NULL, &err), &err, EEXIST, "add veth pair veth0 and eth1");
  assert_false (query_link (ns_b, "eth1").found);
}

/* A port of the bridge, up; a master that is not there or a link that is not there named in the error. */
static void
test_link_up_master (void **state)
{
  (void)state;
  need_netns ();
  cleanup_error pp_error_t err = NULL;
  cleanup_nl pp_nl_t *nl = nl_in (-1);
  ok (pp_nl_bridge_add (nl, "br0", &err), &err);
  ok (pp_nl_veth_add (nl, "veth0", "peer0", -1, NULL, &err), &err);
  assert_false (query_link (ns_a, "veth0").flags & IFF_UP);
  ok (pp_nl_link_up (nl, "veth0", "br0", &err), &err);
  ok (pp_nl_link_up (nl, "br0", NULL, &err), &err);
  struct link port = query_link (ns_a, "veth0");
  assert_int_equal (port.master, pp_nl_link_index (nl, "br0", &err));
  assert_true (port.flags & IFF_UP);
  assert_true (query_link (ns_a, "br0").flags & IFF_UP);
  assert_int_equal (query_link (ns_a, "peer0").master, 0);
  /* Again: already the bridge's port, already up. */
  ok (pp_nl_link_up (nl, "veth0", "br0", &err), &err);

  fails (pp_nl_link_up (nl, "peer0", "nobr", &err), &err, ENODEV,
         "enslave peer0 to nobr and bring it up: no link nobr");
  fails (pp_nl_link_up (nl, "nothere", NULL, &err), &err, ENODEV, "bring up nothere");
  assert_false (query_link (ns_a, "peer0").flags & IFF_UP);
}

/* Addresses of both families, twice each; listed by family; IPv6 usable at once (no DAD). */
static void
test_addr_add (void **state)
{
  (void)state;
  need_netns ();
  cleanup_error pp_error_t err = NULL;
  cleanup_nl pp_nl_t *nl = nl_in (-1);
  ok (pp_nl_bridge_add (nl, "br0", &err), &err);
  ok (pp_nl_link_up (nl, "br0", NULL, &err), &err);
  pp_ipnet_t v4 = net_of ("10.244.0.5/16"), v6 = net_of ("fd00:1::5/64");
  for (int i = 0; i < 2; i++)
    {
      ok (pp_nl_addr_add (nl, "br0", &v4, &err), &err);
      ok (pp_nl_addr_add (nl, "br0", &v6, &err), &err);
    }
  cleanup_free pp_ipnet_t *a4 = NULL, *a6 = NULL, *all = NULL;
  size_t n4, n6, n;
  ok (pp_nl_addrs (nl, AF_INET, &a4, &n4, &err), &err);
  ok (pp_nl_addrs (nl, AF_INET6, &a6, &n6, &err), &err);
  ok (pp_nl_addrs (nl, 0, &all, &n, &err), &err);
  assert_int_equal (n4, 1);
  assert_true (has_net (a4, n4, "10.244.0.5/16"));
  assert_true (has_net (a6, n6, "fd00:1::5/64"));
  assert_false (has_net (a6, n6, "10.244.0.5/16"));
  assert_true (has_net (all, n, "10.244.0.5/16") && has_net (all, n, "fd00:1::5/64"));
  assert_int_equal (n, n4 + n6);

  /* A tentative address cannot be bound; this one can, though the bridge has no carrier for DAD to run on. */
  cleanup_close int s = socket (AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
  memcpy (&sa.sin6_addr, v6.ip.a, 16);
  assert_int_equal (bind (s, (struct sockaddr *)&sa, sizeof sa), 0);

  fails (pp_nl_addr_add (nl, "nothere", &v4, &err), &err, ENODEV, "add address 10.244.0.5/16 to nothere");
}

/* Default routes of both families, twice each, listed with prefix 0 on their device. */
static void
test_route_default (void **state)
{
  (void)state;
  need_netns ();
  cleanup_error pp_error_t err = NULL;
  cleanup_nl pp_nl_t *nl = nl_in (-1);
  ok (pp_nl_veth_add (nl, "v0", "v1", -1, NULL, &err), &err);
  ok (pp_nl_link_up (nl, "v1", NULL, &err), &err);
  ok (pp_nl_link_up (nl, "v0", NULL, &err), &err);
  pp_ipnet_t v4 = net_of ("10.88.0.2/24"), v6 = net_of ("fd00:88::2/64");
  ok (pp_nl_addr_add (nl, "v0", &v4, &err), &err);
  ok (pp_nl_addr_add (nl, "v0", &v6, &err), &err);
  pp_ip_t gw4 = ip_of ("10.88.0.1"), gw6 = ip_of ("fd00:88::1");
  for (int i = 0; i < 2; i++)
    {
      ok (pp_nl_route_default (nl, "v0", &gw4, &err), &err);
      ok (pp_nl_route_default (nl, "v0", &gw6, &err), &err);
    }
  cleanup_free pp_ipnet_t *r4 = NULL, *r6 = NULL;
  cleanup_free char (*d4)[16] = NULL, (*d6)[16] = NULL;
  size_t n4, n6;
  ok (pp_nl_routes (nl, AF_INET, &r4, &d4, &n4, &err), &err);
  ok (pp_nl_routes (nl, AF_INET6, &r6, &d6, &n6, &err), &err);
  assert_string_equal (route_dev (r4, d4, n4, "0.0.0.0/0"), "v0");
  assert_string_equal (route_dev (r6, d6, n6, "::/0"), "v0");

  pp_ip_t off_link = ip_of ("192.0.2.1");
  fails (pp_nl_route_default (nl, "v0", &off_link, &err), &err, ENETUNREACH, "add default route via 192.0.2.1 on v0");
  fails (pp_nl_route_default (nl, "nothere", &gw4, &err), &err, ENODEV, "add default route via 10.88.0.1 on nothere");
}

/* The connected routes of addresses with the names of their devices in the socket's namespace (B, not the
   caller's A); the local, broadcast, link-local and multicast ones left out. */
static void
test_routes (void **state)
{
  (void)state;
  need_netns ();
  cleanup_error pp_error_t err = NULL;
  cleanup_nl pp_nl_t *nl = nl_in (ns_b);
  ok (pp_nl_veth_add (nl, "bx0", "bx1", -1, NULL, &err), &err);
  ok (pp_nl_link_up (nl, "bx1", NULL, &err), &err);
  ok (pp_nl_link_up (nl, "bx0", NULL, &err), &err);
  pp_ipnet_t v4 = net_of ("10.77.0.5/16"), v6 = net_of ("fd00:77::5/64");
  ok (pp_nl_addr_add (nl, "bx0", &v4, &err), &err);
  ok (pp_nl_addr_add (nl, "bx0", &v6, &err), &err);
  /* The link-local address comes once the kernel has seen the carrier, which it notes asynchronously. */
  bool link_local = false;
  for (int i = 0; i < 100 && !link_local; i++)
    {
      cleanup_free pp_ipnet_t *a = NULL;
      size_t n;
      ok (pp_nl_addrs (nl, AF_INET6, &a, &n, &err), &err);
      for (size_t j = 0; j < n; j++)
        link_local |= a[j].ip.a[0] == 0xfe && a[j].ip.a[1] == 0x80;
      if (!link_local)
        nanosleep (&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
    }
  assert_true (link_local);

  cleanup_free pp_ipnet_t *r4 = NULL, *r6 = NULL;
  cleanup_free char (*d4)[16] = NULL, (*d6)[16] = NULL;
  size_t n4, n6;
  ok (pp_nl_routes (nl, AF_INET, &r4, &d4, &n4, &err), &err);
  assert_int_equal (n4, 1);
  assert_string_equal (route_dev (r4, d4, n4, "10.77.0.0/16"), "bx0");
  ok (pp_nl_routes (nl, AF_INET6, &r6, &d6, &n6, &err), &err);
  assert_string_equal (route_dev (r6, d6, n6, "fd00:77::/64"), "bx0");
  for (size_t i = 0; i < n6; i++)
    {
      assert_int_equal (r6[i].ip.family, AF_INET6);
      assert_false (r6[i].ip.a[0] == 0xff || (r6[i].ip.a[0] == 0xfe && r6[i].ip.a[1] == 0x80));
      assert_false (r6[i].prefix == 128);
    }
}

/* Dumps larger than one read (the kernel sends them in parts): every address and connected route is there. */
static void
test_large_dumps (void **state)
{
  (void)state;
  need_netns ();
  cleanup_error pp_error_t err = NULL;
  cleanup_nl pp_nl_t *nl = nl_in (-1);
  ok (pp_nl_bridge_add (nl, "br0", &err), &err);
  ok (pp_nl_link_up (nl, "br0", NULL, &err), &err);
  const int n = 600;
  for (int i = 0; i < n; i++)
    {
      char s[32];
      snprintf (s, sizeof s, "10.%d.%d.1/24", 100 + i / 256, i % 256);
      pp_ipnet_t net = net_of (s);
      ok (pp_nl_addr_add (nl, "br0", &net, &err), &err);
    }
  cleanup_free pp_ipnet_t *a = NULL, *r = NULL;
  cleanup_free char (*d)[16] = NULL;
  size_t na, nr;
  ok (pp_nl_addrs (nl, AF_INET, &a, &na, &err), &err);
  assert_int_equal (na, n);
  ok (pp_nl_routes (nl, AF_INET, &r, &d, &nr, &err), &err);
  assert_int_equal (nr, n);
  assert_true (has_net (a, na, "10.102.87.1/24"));
  assert_string_equal (route_dev (r, d, nr, "10.102.87.0/24"), "br0");
  assert_string_equal (d[nr - 1], "br0");
}

/* A link deleted, then not there: also not an error; the veth's peer goes with it. */
static void
test_link_del (void **state)
{
  (void)state;
  need_netns ();
  cleanup_error pp_error_t err = NULL;
  cleanup_nl pp_nl_t *nl = nl_in (-1);
  ok (pp_nl_veth_add (nl, "v0", "v1", ns_b, NULL, &err), &err);
  ok (pp_nl_link_del (nl, "v0", &err), &err);
  ok (pp_nl_link_del (nl, "v0", &err), &err);
  assert_int_equal (pp_nl_link_index (nl, "v0", &err), 0);
  assert_false (query_link (ns_b, "v1").found);
  fails (pp_nl_link_del (nl, "lo", &err), &err, EOPNOTSUPP, "delete link lo");
}

/* Links moved into a group go at once, their peers with them; links of other groups stay; a group with no link,
   or a link that is not there, is no error. */
static void
test_group_del (void **state)
{
  (void)state;
  need_netns ();
  cleanup_error pp_error_t err = NULL;
  cleanup_nl pp_nl_t *nl = nl_in (-1);
  ok (pp_nl_veth_add (nl, "g0", "p0", ns_b, NULL, &err), &err);
  ok (pp_nl_veth_add (nl, "g1", "p1", ns_b, NULL, &err), &err);
  ok (pp_nl_veth_add (nl, "keep", "pk", ns_b, NULL, &err), &err);
  ok (pp_nl_link_set_group (nl, "g0", 0x70700001, &err), &err);
  ok (pp_nl_link_set_group (nl, "g1", 0x70700001, &err), &err);
  ok (pp_nl_link_set_group (nl, "gone", 0x70700001, &err), &err);
  ok (pp_nl_group_del (nl, 0x70700001, &err), &err);
  assert_int_equal (pp_nl_link_index (nl, "g0", &err), 0);
  assert_int_equal (pp_nl_link_index (nl, "g1", &err), 0);
  assert_false (query_link (ns_b, "p0").found);
  assert_false (query_link (ns_b, "p1").found);
  assert_true (pp_nl_link_index (nl, "keep", &err) > 0);
  assert_true (query_link (ns_b, "pk").found);
  ok (pp_nl_group_del (nl, 0x70700001, &err), &err);
}

/* A pod's network as podplay makes it: a bridge with the gateway's address in A, a veth from A into B as eth0
   with an address and a default route; a datagram from B reaches both the bridge's subnet address and one that
   only the default route leads to. */
static void
test_end_to_end (void **state)
{
  (void)state;
  need_netns ();
  cleanup_error pp_error_t err = NULL;
  cleanup_nl pp_nl_t *nl = nl_in (-1);
  cleanup_nl pp_nl_t *nl_b = nl_in (ns_b);
  pp_ipnet_t gw = net_of ("10.88.0.1/24"), far = net_of ("192.0.2.1/32"), pod = net_of ("10.88.0.2/24");
  ok (pp_nl_bridge_add (nl, "pp0", &err), &err);
  ok (pp_nl_addr_add (nl, "pp0", &gw, &err), &err);
  ok (pp_nl_addr_add (nl, "pp0", &far, &err), &err);
  ok (pp_nl_link_up (nl, "pp0", NULL, &err), &err);
  ok (pp_nl_veth_add (nl, "vethpod", "eth0", ns_b, NULL, &err), &err);
  ok (pp_nl_link_up (nl, "vethpod", "pp0", &err), &err);
  ok (pp_nl_link_up (nl_b, "eth0", NULL, &err), &err);
  ok (pp_nl_addr_add (nl_b, "eth0", &pod, &err), &err);
  ok (pp_nl_route_default (nl_b, "eth0", &gw.ip, &err), &err);

  const char *to[] = { "10.88.0.1", "192.0.2.1" };
  for (size_t t = 0; t < PP_N_ELEMENTS (to); t++)
    {
      cleanup_close int rx = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      cleanup_close int tx = socket_in (ns_b, AF_INET, SOCK_DGRAM);
      struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons (5353) };
      assert_int_equal (inet_pton (AF_INET, to[t], &sa.sin_addr), 1);
      assert_int_equal (bind (rx, (struct sockaddr *)&sa, sizeof sa), 0);
      /* Sent again until it arrives: the bridge port forwards once the kernel has seen the veth's carrier. */
      char got[16] = "";
      for (int i = 0; i < 50 && got[0] == '\0'; i++)
        {
          assert_int_equal (sendto (tx, "hello", 5, 0, (struct sockaddr *)&sa, sizeof sa), 5);
          struct pollfd p = { .fd = rx, .events = POLLIN };
          if (poll (&p, 1, 200) == 1)
            assert_int_equal (recv (rx, got, sizeof got - 1, 0), 5);
        }
      assert_string_equal (got, "hello");
    }
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_open_restores_netns, setup, teardown),
    cmocka_unit_test_setup_teardown (test_group_del, setup, teardown),
    cmocka_unit_test_setup_teardown (test_bridge_add, setup, teardown),
    cmocka_unit_test_setup_teardown (test_veth_into_other_ns, setup, teardown),
    cmocka_unit_test_setup_teardown (test_link_up_master, setup, teardown),
    cmocka_unit_test_setup_teardown (test_addr_add, setup, teardown),
    cmocka_unit_test_setup_teardown (test_route_default, setup, teardown),
    cmocka_unit_test_setup_teardown (test_routes, setup, teardown),
    cmocka_unit_test_setup_teardown (test_large_dumps, setup, teardown),
    cmocka_unit_test_setup_teardown (test_link_del, setup, teardown),
    cmocka_unit_test_setup_teardown (test_end_to_end, setup, teardown),
  };
  return cmocka_run_group_tests (tests, group_setup, group_teardown);
}
