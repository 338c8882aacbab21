/* rtnetlink through libmnl: the links, addresses and routes of a pod network, in whichever namespace the socket
   was opened in. */
#include "net/netlink.h"

#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/if_ether.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stdalign.h>
#include <stddef.h>
#include <string.h>

_Static_assert(IFNAMSIZ == 16, "netlink.h spells IFNAMSIZ as 16");

/* A dump fills each read up to the largest buffer the socket has read into, 32 KiB at most: a smaller buffer
   would cut messages (a link with many attributes is several KiB), a larger one is never filled. */
#define NL_RECV_SIZE 32768

struct pp_nl
{
  struct mnl_socket *sock;
  unsigned portid;
  unsigned seq;
  char ext[256]; /* the kernel's explanation of the last failure (extended ACK), "" when it gave none */
  /* Every request is a header, a fixed struct and a few attributes of bounded size (names are cut at IFNAMSIZ):
     a few hundred bytes at most. */
  alignas (max_align_t) char req[1024];
  alignas (max_align_t) char buf[NL_RECV_SIZE];
};

/* What a conversation's callbacks see: the socket, and the caller's callback and data for data messages. */
struct talk
{
  pp_nl_t *nl;
  mnl_cb_t cb;
  void *data;
};

struct attrs
{
  const struct nlattr **tb;
  uint16_t max;
};

static int
attr_cb (const struct nlattr *a, void *data)
{
  struct attrs *t = data;
  uint16_t type = mnl_attr_get_type (a);
  if (type <= t->max)
    t->tb[type] = a;
  return MNL_CB_OK;
}

/* The attributes after the fixed header of `hdrlen` bytes, by type; unknown ones (a newer kernel's) ignored. */
static void
parse (const struct nlmsghdr *nlh, size_t hdrlen, const struct nlattr **tb, uint16_t max)
{
  memset (tb, 0, (max + 1u) * sizeof *tb);
  mnl_attr_parse (nlh, (unsigned)hdrlen, attr_cb, &(struct attrs){ tb, max });
}

static void
parse_nested (const struct nlattr *nest, const struct nlattr **tb, uint16_t max)
{
  memset (tb, 0, (max + 1u) * sizeof *tb);
  mnl_attr_parse_nested (nest, attr_cb, &(struct attrs){ tb, max });
}

static uint32_t
attr_u32 (const struct nlattr *a)
{
  return a && mnl_attr_get_payload_len (a) >= sizeof (uint32_t) ? mnl_attr_get_u32 (a) : 0;
}

/* Copies the string attribute `a` into `dst`, cut to fit; "" when there is none. */
static void
attr_str (const struct nlattr *a, char *dst, size_t size)
{
  size_t len = a ? strnlen (mnl_attr_get_str (a), mnl_attr_get_payload_len (a)) : 0;
  if (len >= size)
    len = size - 1;
  if (len > 0)
    memcpy (dst, mnl_attr_get_str (a), len);
  dst[len] = '\0';
}

/* An address of `ip`'s family (set already) from `a`; false when the length does not match it. */
static bool
attr_ip (const struct nlattr *a, pp_ip_t *ip)
{
  size_t len = pp_ip_len (ip);
  if (a == NULL || len == 0 || mnl_attr_get_payload_len (a) != len)
    return false;
  memcpy (ip->a, mnl_attr_get_payload (a), len);
  return true;
}

/* The fixed header of a data message of `type`, or NULL when it is another or too short to hold one. */
static const void *
payload_of (const struct nlmsghdr *nlh, uint16_t type, size_t size)
{
  if (nlh->nlmsg_type != type || nlh->nlmsg_len < mnl_nlmsg_size (size))
    return NULL;
  return mnl_nlmsg_get_payload (nlh);
}

/* An interface name as IFLA_IFNAME; one too long for the kernel goes cut at IFNAMSIZ bytes, without its end, for
   the kernel to refuse (ERANGE) rather than to act on a shortened name. */
static void
put_name (struct nlmsghdr *nlh, uint16_t type, const char *name)
{
  size_t len = strnlen (name, IFNAMSIZ);
  mnl_attr_put (nlh, type, len < IFNAMSIZ ? len + 1 : len, name);
}

/* Keeps the kernel's explanation, when the failure message `nlh` carries one after its first `off` bytes. */
static void
keep_explanation (pp_nl_t *nl, const struct nlmsghdr *nlh, size_t off)
{
  const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
  if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) == 0 || mnl_nlmsg_get_payload_len (nlh) < off)
    return;
  parse (nlh, off, tb, NLMSGERR_ATTR_MAX);
  attr_str (tb[NLMSGERR_ATTR_MSG], nl->ext, sizeof nl->ext);
}

/* The acknowledgement (0) or failure of a request: errno set to the kernel's error. */
static int
on_error (const struct nlmsghdr *nlh, void *data)
{
  struct talk *t = data;
  const struct nlmsgerr *e = mnl_nlmsg_get_payload (nlh);
  if (nlh->nlmsg_len < mnl_nlmsg_size (sizeof *e))
    {
      errno = EBADMSG;
      return MNL_CB_ERROR;
    }
  if (e->error == 0)
    return MNL_CB_STOP;
  /* The explanation follows the request, which is echoed in full unless NETLINK_CAP_ACK capped it. */
  size_t off = sizeof *e;
  if ((nlh->nlmsg_flags & NLM_F_CAPPED) == 0 && e->msg.nlmsg_len > sizeof e->msg)
    off += e->msg.nlmsg_len - sizeof e->msg;
  keep_explanation (t->nl, nlh, off);
  errno = e->error < 0 ? -e->error : e->error;
  return MNL_CB_ERROR;
}

/* The end of a dump, which carries the error (a negative errno) of one that failed part way. */
static int
on_done (const struct nlmsghdr *nlh, void *data)
{
  struct talk *t = data;
  int e = 0;
  if (mnl_nlmsg_get_payload_len (nlh) >= sizeof e)
    memcpy (&e, mnl_nlmsg_get_payload (nlh), sizeof e);
  if (e >= 0)
    return MNL_CB_STOP;
  keep_explanation (t->nl, nlh, sizeof e);
  errno = -e;
  return MNL_CB_ERROR;
}

static int
on_data (const struct nlmsghdr *nlh, void *data)
{
  struct talk *t = data;
  return t->cb ? t->cb (nlh, t->data) : MNL_CB_OK;
}

/* After an interrupted dump: reads the rest of it, the `n` bytes in the buffer first, up to its end, so that the
   next request's answer is what comes next. */
static void
drain (pp_nl_t *nl, ssize_t n)
{
  for (;;)
    {
      int len = (int)n;
      for (const struct nlmsghdr *h = (const void *)nl->buf; mnl_nlmsg_ok (h, len); h = mnl_nlmsg_next (h, &len))
        if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
          return;
      n = PP_RETRY (mnl_socket_recvfrom (nl->sock, nl->buf, sizeof nl->buf));
      if (n <= 0)
        return;
    }
}

/* Sends the request `nlh` and reads its answer up to the kernel's acknowledgement or the end of the dump, each
   data message to `cb` (which may be NULL): 0, or -1 with errno the kernel's (and nl->ext its explanation).  An
   interrupted dump (its objects changed while it was read) fails with EINTR, read to its end. */
static int
nl_talk (pp_nl_t *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
  /* libmnl takes the array as mutable: one of the call's own, not a shared static. */
  mnl_cb_t ctl[NLMSG_MIN_TYPE] = { [NLMSG_ERROR] = on_error, [NLMSG_DONE] = on_done };
  struct talk t = { nl, cb, data };
  nlh->nlmsg_seq = ++nl->seq;
  nl->ext[0] = '\0';
  if (mnl_socket_sendto (nl->sock, nlh, nlh->nlmsg_len) < 0)
    return -1;
  int ret;
  ssize_t n;
  do
    {
      n = PP_RETRY (mnl_socket_recvfrom (nl->sock, nl->buf, sizeof nl->buf));
      if (n < 0)
        return -1;
      ret = mnl_cb_run2 (nl->buf, (size_t)n, nl->seq, nl->portid, on_data, &t, ctl, PP_N_ELEMENTS (ctl));
    }
  while (ret == MNL_CB_OK);
  if (ret < 0 && errno == EINTR)
    {
      drain (nl, n);
      errno = EINTR;
    }
  return ret < 0 ? -1 : 0;
}

/* A new request of `type` in the socket's buffer, to be acknowledged. */
static struct nlmsghdr *
nl_msg (pp_nl_t *nl, uint16_t type, uint16_t flags)
{
  struct nlmsghdr *nlh = mnl_nlmsg_put_header (nl->req);
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
  return nlh;
}

/* A dump of `type` for `family` (its fixed header of `hdrlen` bytes, all zero but the family, which every
   rtnetlink header has first), each message to `cb`.  One that changed while it was read is read again from the
   start, after `*count` (the caller's collection) is reset. */
static int
nl_dump (pp_nl_t *nl, uint16_t type, int family, size_t hdrlen, mnl_cb_t cb, void *data, size_t *count)
{
  for (int tries = 1;; tries++)
    {
      struct nlmsghdr *nlh = nl_msg (nl, type, 0);
      nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
      unsigned char *hdr = mnl_nlmsg_put_extra_header (nlh, hdrlen);
      hdr[0] = (unsigned char)family;
      *count = 0;
      if (nl_talk (nl, nlh, cb, data) == 0)
        return 0;
      if (errno != EINTR || tries == 5)
        return -1;
    }
}

static int nl_fail (pp_nl_t *nl, pp_error_t *err, const char *fmt, ...) PP_PRINTF (3, 4);

/* Fails with errno, saying what was asked, with the kernel's explanation when it gave one. */
static int
nl_fail (pp_nl_t *nl, pp_error_t *err, const char *fmt, ...)
{
  int e = errno;
  char what[256];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (what, sizeof what, fmt, ap);
  va_end (ap);
  if (nl->ext[0])
    return pp_error_make (err, e, "%s (%s)", what, nl->ext);
  return pp_error_make (err, e, "%s", what);
}

/* A route socket bound in the calling thread's namespace, or NULL with errno set. */
static struct mnl_socket *
route_socket (void)
{
  int one = 1;
  struct mnl_socket *sock = mnl_socket_open2 (NETLINK_ROUTE, SOCK_CLOEXEC);
  if (sock == NULL)
    return NULL;
  /* Failures with the kernel's explanation and without a copy of the request; a kernel without these options
     still answers, with less. */
  (void)mnl_socket_setsockopt (sock, NETLINK_EXT_ACK, &one, sizeof one);
  (void)mnl_socket_setsockopt (sock, NETLINK_CAP_ACK, &one, sizeof one);
  if (mnl_socket_bind (sock, 0, MNL_SOCKET_AUTOPID) < 0)
    {
      int e = errno;
      mnl_socket_close (sock);
      errno = e;
      return NULL;
    }
  return sock;
}

/* A route socket made in the namespace `netns_fd`, the thread back in its own whatever happened: all the thread
   does next belongs there.  A socket keeps the namespace it was made in. */
static struct mnl_socket *
route_socket_in (int netns_fd, pp_error_t *err)
{
  cleanup_close int home = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (home < 0)
    {
      pp_error_make (err, errno, "open /proc/thread-self/ns/net");
      return NULL;
    }
  if (setns (netns_fd, CLONE_NEWNET) < 0)
    {
      pp_error_make (err, errno, "enter the network namespace of fd %d", netns_fd);
      return NULL;
    }
  struct mnl_socket *sock = route_socket ();
  int e = errno;
  if (setns (home, CLONE_NEWNET) < 0)
    {
      e = errno;
      if (sock)
        mnl_socket_close (sock);
      sock = NULL;
      pp_error_make (err, e, "return to the caller's network namespace");
    }
  else if (sock == NULL)
    pp_error_make (err, e, "open a route netlink socket in the network namespace of fd %d", netns_fd);
  return sock;
}

pp_nl_t *
pp_nl_open (int netns_fd, pp_error_t *err)
{
  struct mnl_socket *sock;
  if (netns_fd >= 0)
    sock = route_socket_in (netns_fd, err);
  else if ((sock = route_socket ()) == NULL)
    pp_error_make (err, errno, "open a route netlink socket");
  if (sock == NULL)
    return NULL;
  pp_nl_t *nl = xzalloc (sizeof *nl);
  nl->sock = sock;
  nl->portid = mnl_socket_get_portid (sock);
  return nl;
}

void
pp_nl_close (pp_nl_t *nl)
{
  if (nl == NULL)
    return;
  mnl_socket_close (nl->sock);
  free (nl);
}

/* What a link request on one link is about. */
struct link
{
  int index;
  int master;
  char kind[32];
};

static int
on_link (const struct nlmsghdr *nlh, void *data)
{
  struct link *l = data;
  const struct ifinfomsg *ifm = payload_of (nlh, RTM_NEWLINK, sizeof *ifm);
  const struct nlattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1];
  if (ifm == NULL)
    return MNL_CB_OK;
  parse (nlh, sizeof *ifm, tb, IFLA_MAX);
  l->index = ifm->ifi_index;
  l->master = (int)attr_u32 (tb[IFLA_MASTER]);
  l->kind[0] = '\0';
  if (tb[IFLA_LINKINFO])
    {
      parse_nested (tb[IFLA_LINKINFO], info, IFLA_INFO_MAX);
      attr_str (info[IFLA_INFO_KIND], l->kind, sizeof l->kind);
    }
  return MNL_CB_OK;
}

/* A request of `type` about the link `name` (the kernel finds it by name when the index is 0). */
static struct nlmsghdr *
link_msg (pp_nl_t *nl, uint16_t type, uint16_t flags, const char *name)
{
  struct nlmsghdr *nlh = nl_msg (nl, type, flags);
  struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header (nlh, sizeof *ifm);
  ifm->ifi_family = AF_UNSPEC;
  put_name (nlh, IFLA_IFNAME, name);
  return nlh;
}

static int
link_get (pp_nl_t *nl, const char *name, struct link *l)
{
  return nl_talk (nl, link_msg (nl, RTM_GETLINK, 0, name), on_link, l);
}

int
pp_nl_link_index (pp_nl_t *nl, const char *name, pp_error_t *err)
{
  struct link l = { 0 };
  if (link_get (nl, name, &l) == 0)
    return l.index;
  if (errno == ENODEV)
    return 0;
  return nl_fail (nl, err, "look up link %s", name);
}

/* The index of the link `name`, or -1 with an error that says `what` needed it. */
static int
need_index (pp_nl_t *nl, const char *name, const char *what, pp_error_t *err)
{
  int index = pp_nl_link_index (nl, name, err);
  if (index < 0)
    return pp_error_wrap (err, "%s", what);
  if (index == 0)
    return pp_error_make (err, ENODEV, "%s: no link %s", what, name);
  return index;
}

int
pp_nl_bridge_add (pp_nl_t *nl, const char *name, pp_error_t *err)
{
  struct nlmsghdr *nlh = link_msg (nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, name);
  struct nlattr *info = mnl_attr_nest_start (nlh, IFLA_LINKINFO);
  mnl_attr_put_strz (nlh, IFLA_INFO_KIND, "bridge");
  mnl_attr_nest_end (nlh, info);
  if (nl_talk (nl, nlh, NULL, NULL) == 0)
    return 0;
  if (errno != EEXIST)
    return nl_fail (nl, err, "add bridge %s", name);
  /* Exclusive, then looked at: a veth or a device of that name is not the bridge asked for. */
  struct link l = { 0 };
  if (link_get (nl, name, &l) < 0)
    return nl_fail (nl, err, "add bridge %s: look up the link of that name", name);
  if (strcmp (l.kind, "bridge") != 0)
    return pp_error_make (err, EEXIST, "add bridge %s: a link of that name is there, %s%s, not a bridge", name,
                          l.kind[0] ? "of kind " : "a device", l.kind);
  return 0;
}

int
pp_nl_veth_add (pp_nl_t *nl, const char *name, const char *peer, int peer_netns_fd, const uint8_t *peer_mac,
                pp_error_t *err)
{
  struct nlmsghdr *nlh = link_msg (nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, name);
  struct nlattr *info = mnl_attr_nest_start (nlh, IFLA_LINKINFO);
  mnl_attr_put_strz (nlh, IFLA_INFO_KIND, "veth");
  struct nlattr *data = mnl_attr_nest_start (nlh, IFLA_INFO_DATA);
  struct nlattr *p = mnl_attr_nest_start (nlh, VETH_INFO_PEER);
  /* The peer is described as a link request of its own: an ifinfomsg, then its attributes. */
  struct ifinfomsg *ifm = mnl_nlmsg_get_payload_tail (nlh);
  memset (ifm, 0, sizeof *ifm);
  nlh->nlmsg_len += MNL_ALIGN (sizeof *ifm);
  put_name (nlh, IFLA_IFNAME, peer);
  if (peer_netns_fd >= 0)
    mnl_attr_put_u32 (nlh, IFLA_NET_NS_FD, (uint32_t)peer_netns_fd);
  if (peer_mac)
    mnl_attr_put (nlh, IFLA_ADDRESS, ETH_ALEN, peer_mac);
  mnl_attr_nest_end (nlh, p);
  mnl_attr_nest_end (nlh, data);
  mnl_attr_nest_end (nlh, info);
  if (nl_talk (nl, nlh, NULL, NULL) < 0)
    return nl_fail (nl, err, "add veth pair %s and %s", name, peer);
  return 0;
}

int
pp_nl_link_up (pp_nl_t *nl, const char *name, const char *master, pp_error_t *err)
{
  char what[96];
  int master_index = 0;
  if (master)
    snprintf (what, sizeof what, "enslave %s to %s and bring it up", name, master);
  else
    snprintf (what, sizeof what, "bring up %s", name);
  if (master && (master_index = need_index (nl, master, what, err)) < 0)
    return -1;
  struct nlmsghdr *nlh = link_msg (nl, RTM_NEWLINK, 0, name);
  struct ifinfomsg *ifm = mnl_nlmsg_get_payload (nlh);
  ifm->ifi_flags = ifm->ifi_change = IFF_UP;
  /* The kernel sets the master before the flags, so the link comes up as a port of the bridge. */
  if (master)
    mnl_attr_put_u32 (nlh, IFLA_MASTER, (uint32_t)master_index);
  if (nl_talk (nl, nlh, NULL, NULL) < 0)
    return nl_fail (nl, err, "%s", what);
  return 0;
}

int
pp_nl_link_del (pp_nl_t *nl, const char *name, pp_error_t *err)
{
  if (nl_talk (nl, link_msg (nl, RTM_DELLINK, 0, name), NULL, NULL) < 0 && errno != ENODEV)
    return nl_fail (nl, err, "delete link %s", name);
  return 0;
}

int
pp_nl_link_set_group (pp_nl_t *nl, const char *name, uint32_t group, pp_error_t *err)
{
  struct nlmsghdr *nlh = link_msg (nl, RTM_NEWLINK, 0, name);
  mnl_attr_put_u32 (nlh, IFLA_GROUP, group);
  if (nl_talk (nl, nlh, NULL, NULL) < 0 && errno != ENODEV)
    return nl_fail (nl, err, "move link %s to group %u", name, group);
  return 0;
}

int
pp_nl_group_del (pp_nl_t *nl, uint32_t group, pp_error_t *err)
{
  struct nlmsghdr *nlh = nl_msg (nl, RTM_DELLINK, 0);
  struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header (nlh, sizeof *ifm);
  ifm->ifi_family = AF_UNSPEC;
  mnl_attr_put_u32 (nlh, IFLA_GROUP, group);
  if (nl_talk (nl, nlh, NULL, NULL) < 0 && errno != ENODEV)
    return nl_fail (nl, err, "delete the links of group %u", group);
  return 0;
}

int
pp_nl_addr_add (pp_nl_t *nl, const char *name, const pp_ipnet_t *addr, pp_error_t *err)
{
  char s[PP_IPNET_STRLEN], what[96];
  snprintf (what, sizeof what, "add address %s to %s", pp_ipnet_format (addr, s), name);
  int index = need_index (nl, name, what, err);
  if (index < 0)
    return -1;
  struct nlmsghdr *nlh = nl_msg (nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
  struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header (nlh, sizeof *ifa);
  ifa->ifa_family = (uint8_t)addr->ip.family;
  ifa->ifa_prefixlen = (uint8_t)addr->prefix;
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  ifa->ifa_index = (uint32_t)index;
  mnl_attr_put (nlh, IFA_LOCAL, pp_ip_len (&addr->ip), addr->ip.a);
  mnl_attr_put (nlh, IFA_ADDRESS, pp_ip_len (&addr->ip), addr->ip.a);
  /* Duplicate address detection would keep the address tentative, unusable, for a second or more; the pod
     network's allocator is what keeps its addresses unique. */
  if (addr->ip.family == AF_INET6)
    {
      ifa->ifa_flags = IFA_F_NODAD;
      mnl_attr_put_u32 (nlh, IFA_FLAGS, IFA_F_NODAD);
    }
  if (nl_talk (nl, nlh, NULL, NULL) < 0 && errno != EEXIST)
    return nl_fail (nl, err, "%s", what);
  return 0;
}

int
pp_nl_route_add (pp_nl_t *nl, const char *name, const pp_ipnet_t *dst, const pp_ip_t *gw, pp_error_t *err)
{
  char s[PP_IPNET_STRLEN], g[PP_IP_STRLEN], what[128];
  if (dst)
    snprintf (what, sizeof what, "add a route to %s%s%s on %s", pp_ipnet_format (dst, s), gw ? " via " : "",
              gw ? pp_ip_format (gw, g) : "", name);
  else
    snprintf (what, sizeof what, "add default route via %s on %s", pp_ip_format (gw, g), name);
  int index = need_index (nl, name, what, err);
  if (index < 0)
    return -1;
  struct nlmsghdr *nlh = nl_msg (nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
  struct rtmsg *rtm = mnl_nlmsg_put_extra_header (nlh, sizeof *rtm);
  rtm->rtm_family = (uint8_t) (dst ? dst->ip.family : gw->family);
  rtm->rtm_dst_len = (uint8_t) (dst ? dst->prefix : 0);
  rtm->rtm_table = RT_TABLE_MAIN;
  rtm->rtm_protocol = RTPROT_BOOT; /* as `ip route add` and CNI's plugins mark theirs */
  rtm->rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
  rtm->rtm_type = RTN_UNICAST;
  if (dst)
    mnl_attr_put (nlh, RTA_DST, pp_ip_len (&dst->ip), dst->ip.a);
  if (gw)
    mnl_attr_put (nlh, RTA_GATEWAY, pp_ip_len (gw), gw->a);
  mnl_attr_put_u32 (nlh, RTA_OIF, (uint32_t)index);
  if (nl_talk (nl, nlh, NULL, NULL) < 0 && errno != EEXIST)
    return nl_fail (nl, err, "%s", what);
  return 0;
}

int
pp_nl_route_default (pp_nl_t *nl, const char *name, const pp_ip_t *gw, pp_error_t *err)
{
  return pp_nl_route_add (nl, name, NULL, gw, err);
}

/* `*pv`, an array of `cap` items of `size` bytes, with room for item `n`: its new capacity. */
static size_t
grow (void *pv, size_t n, size_t cap, size_t size)
{
  if (n < cap)
    return cap;
  cap = cap ? cap * 2 : 16;
  void **p = pv;
  *p = xrealloc (*p, cap * size);
  return cap;
}

/* The names of the links of the socket's namespace by index: if_indextoname would look in the caller's. */
struct links
{
  struct
  {
    uint32_t index;
    char name[IFNAMSIZ];
  } * v;
  size_t n, cap;
};

static int
on_link_name (const struct nlmsghdr *nlh, void *data)
{
  struct links *l = data;
  const struct ifinfomsg *ifm = payload_of (nlh, RTM_NEWLINK, sizeof *ifm);
  const struct nlattr *tb[IFLA_MAX + 1];
  if (ifm == NULL)
    return MNL_CB_OK;
  parse (nlh, sizeof *ifm, tb, IFLA_MAX);
  l->cap = grow (&l->v, l->n, l->cap, sizeof *l->v);
  l->v[l->n].index = (uint32_t)ifm->ifi_index;
  attr_str (tb[IFLA_IFNAME], l->v[l->n].name, IFNAMSIZ);
  l->n++;
  return MNL_CB_OK;
}

struct routes
{
  int family;
  const struct links *links;
  pp_ipnet_t *v;
  char (*devs)[IFNAMSIZ];
  size_t n, cap;
};

/* Routes that are no destination of their own: the host's own addresses, broadcast, multicast and anycast ones,
   and IPv6's per-link fe80::/64 and ff00::/8 that every interface has. */
static bool
route_skipped (const struct rtmsg *rtm, const pp_ipnet_t *dst)
{
  static const pp_ipnet_t link_local = { { AF_INET6, { 0xfe, 0x80 } }, 10 };
  static const pp_ipnet_t multicast = { { AF_INET6, { 0xff } }, 8 };
  if (rtm->rtm_type == RTN_LOCAL || rtm->rtm_type == RTN_BROADCAST || rtm->rtm_type == RTN_MULTICAST
      || rtm->rtm_type == RTN_ANYCAST)
    return true;
  return pp_ipnet_contains (&link_local, &dst->ip) || pp_ipnet_contains (&multicast, &dst->ip);
}

static int
on_route (const struct nlmsghdr *nlh, void *data)
{
  struct routes *r = data;
  const struct rtmsg *rtm = payload_of (nlh, RTM_NEWROUTE, sizeof *rtm);
  const struct nlattr *tb[RTA_MAX + 1];
  if (rtm == NULL || (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
      || (r->family != 0 && rtm->rtm_family != r->family))
    return MNL_CB_OK;
  parse (nlh, sizeof *rtm, tb, RTA_MAX);
  pp_ipnet_t dst = { .ip.family = rtm->rtm_family, .prefix = rtm->rtm_dst_len };
  if ((tb[RTA_DST] && !attr_ip (tb[RTA_DST], &dst.ip)) || route_skipped (rtm, &dst))
    return MNL_CB_OK;
  size_t cap = grow (&r->v, r->n, r->cap, sizeof *r->v);
  grow (&r->devs, r->n, r->cap, sizeof *r->devs);
  r->cap = cap;
  r->v[r->n] = dst;
  r->devs[r->n][0] = '\0';
  uint32_t oif = attr_u32 (tb[RTA_OIF]);
  for (size_t i = 0; oif && i < r->links->n; i++)
    if (r->links->v[i].index == oif)
      memcpy (r->devs[r->n], r->links->v[i].name, IFNAMSIZ);
  r->n++;
  return MNL_CB_OK;
}

int
pp_nl_routes (pp_nl_t *nl, int family, pp_ipnet_t **routes, char (**devs)[16], size_t *n, pp_error_t *err)
{
  struct links links = { 0 };
  struct routes r = { .family = family, .links = &links };
  int ret = nl_dump (nl, RTM_GETLINK, AF_UNSPEC, sizeof (struct ifinfomsg), on_link_name, &links, &links.n);
  if (ret == 0)
    ret = nl_dump (nl, RTM_GETROUTE, family, sizeof (struct rtmsg), on_route, &r, &r.n);
  free (links.v);
  if (ret < 0)
    {
      free (r.v);
      free (r.devs);
      return nl_fail (nl, err, "list the %sroutes", family == AF_INET ? "IPv4 " : family == AF_INET6 ? "IPv6 " : "");
    }
  *routes = r.v;
  *devs = r.devs;
  *n = r.n;
  return 0;
}

struct addrs
{
  int family;
  pp_ipnet_t *v;
  size_t n, cap;
};

static int
on_addr (const struct nlmsghdr *nlh, void *data)
{
  struct addrs *a = data;
  const struct ifaddrmsg *ifa = payload_of (nlh, RTM_NEWADDR, sizeof *ifa);
  const struct nlattr *tb[IFA_MAX + 1];
  if (ifa == NULL || (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
      || (a->family != 0 && ifa->ifa_family != a->family))
    return MNL_CB_OK;
  parse (nlh, sizeof *ifa, tb, IFA_MAX);
  /* IFA_LOCAL is the interface's own address where both are there (IFA_ADDRESS is the far end's on a
     point-to-point link); IPv6 sends IFA_ADDRESS alone. */
  pp_ipnet_t net = { .ip.family = ifa->ifa_family, .prefix = ifa->ifa_prefixlen };
  if (!attr_ip (tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS], &net.ip))
    return MNL_CB_OK;
  a->cap = grow (&a->v, a->n, a->cap, sizeof *a->v);
  a->v[a->n++] = net;
  return MNL_CB_OK;
}

int
pp_nl_addrs (pp_nl_t *nl, int family, pp_ipnet_t **addrs, size_t *n, pp_error_t *err)
{
  struct addrs a = { .family = family };
  if (nl_dump (nl, RTM_GETADDR, family, sizeof (struct ifaddrmsg), on_addr, &a, &a.n) < 0)
    {
      free (a.v);
      return nl_fail (nl, err, "list the %saddresses", family == AF_INET ? "IPv4 " : family == AF_INET6 ? "IPv6 " : "");
    }
  *addrs = a.v;
  *n = a.n;
  return 0;
}
