/* The pods' resolver: a poll loop over UDP and TCP listeners on a network's gateway (see resolver.h). */
#include "net/resolver.h"
#include "net/dns.h"
#include "net/infra.h"
#include "net/ip.h"
#include "net/names.h"
#include "net/network.h"
#include "core/log.h"
#include "core/util.h"
#include "state/state.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 16               /* TCP clients at once */
#define MAX_CONNS_PER_CLIENT 4     /* of one address: its oldest goes for its next */
#define MAX_FORWARDS 128           /* queries waiting for an upstream answer; more are answered SERVFAIL */
#define MAX_FORWARDS_PER_CLIENT 16 /* of one address, so that one pod cannot take the others' */
#define MAX_UPSTREAMS 3            /* as resolv.conf has them */
#define TCP_IDLE_MS 10000          /* a TCP client that completes no query for this long is closed */
#define FORWARD_MS 2000            /* each upstream's time to answer before the next is asked */
#define TCP_MAX 1024               /* the longest query taken over TCP */

typedef struct
{
  int fd;
  unsigned gen;
  struct sockaddr_in from;
  uint8_t buf[2 + TCP_MAX];
  size_t got;
  int64_t deadline;
} conn_t;

typedef struct
{
  int fd;
  int conn; /* the TCP client it answers (-1: the UDP one at `from`) */
  unsigned gen;
  struct sockaddr_in from;
  uint8_t *msg;
  size_t len;
  size_t upstream;
  int64_t deadline;
} fwd_t;

typedef struct
{
  pp_context_t *ctx;
  const char *network;
  pp_state_t *state;
  pp_ipnet_t subnet;
  pp_ip_t gateway;
  bool internal;
  int udp, tcp;
  conn_t conns[MAX_CONNS];
  fwd_t fwds[MAX_FORWARDS];
  struct sockaddr_storage up[MAX_UPSTREAMS];
  socklen_t up_len[MAX_UPSTREAMS];
  size_t n_up;
  struct stat resolv_st; /* of the /etc/resolv.conf the upstreams came from */
  pp_names_t *names;
  uint64_t names_version;
} resolver_t;

char *
pp_resolver_path (pp_context_t *ctx, const char *network, const char *suffix)
{
  return xasprintf ("%s/dns/%s.%s", ctx->runroot, network, suffix);
}

pid_t
pp_resolver_pid (pp_context_t *ctx, const char *network)
{
  cleanup_free char *path = pp_resolver_path (ctx, network, "pid");
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 || flock (fd, LOCK_SH | LOCK_NB) == 0 || errno != EWOULDBLOCK)
    return 0;
  char buf[32] = { 0 };
  ssize_t n = pread (fd, buf, sizeof buf - 1, 0);
  pid_t pid = n > 0 ? (pid_t)strtol (buf, NULL, 10) : 0;
  return pid > 0 ? pid : -1;
}

void
pp_resolver_stop (pp_context_t *ctx, const char *network)
{
  pid_t pid = pp_resolver_pid (ctx, network);
  /* Started a moment ago, it has not said its pid yet. */
  for (int i = 0; i < 100 && pid < 0; i++)
    {
      usleep (10000);
      pid = pp_resolver_pid (ctx, network);
    }
  if (pid > 0 && kill (pid, SIGTERM) == 0)
    pp_proc_wait_gone (pid, 2000);
}

void
pp_resolver_release (pp_context_t *ctx, pp_state_t *state, const char *network)
{
  cleanup_close int lock = pp_network_lock (ctx, NULL);
  pp_network_rec_t *nets = NULL;
  size_t n = 0;
  if (lock >= 0 && pp_state_network_list (state, network, &nets, &n, NULL) == 0 && n == 1 && nets[0].pods == 0)
    pp_resolver_stop (ctx, network);
  pp_network_recs_free (nets, n);
}

/* One upstream name server, at port 53 of `text` (an address of either family), unless there are enough or it is
   the gateway, which is this resolver. */
static void
add_upstream (resolver_t *r, const char *text)
{
  pp_ip_t ip;
  if (r->n_up == MAX_UPSTREAMS || !pp_ip_parse (text, &ip) || pp_ip_equal (&ip, &r->gateway))
    return;
  struct sockaddr_storage *ss = &r->up[r->n_up];
  memset (ss, 0, sizeof *ss);
  if (ip.family == AF_INET)
    {
      struct sockaddr_in *sin = (struct sockaddr_in *)ss;
      sin->sin_family = AF_INET;
      sin->sin_port = htons (53);
      memcpy (&sin->sin_addr, ip.a, 4);
      r->up_len[r->n_up++] = sizeof *sin;
    }
  else
    {
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = htons (53);
      memcpy (&sin6->sin6_addr, ip.a, 16);
      r->up_len[r->n_up++] = sizeof *sin6;
    }
}

/* The upstream name servers: dns_servers of podplay.conf, else the host's resolv.conf's, read again when
   resolv.conf changes; in an ordinary user's pod network, slirp4netns's (the host's own may be on its loopback,
   which the user's network never reaches). */
static void
read_upstreams (resolver_t *r)
{
  const char *servers = r->ctx->dns_servers ?: r->ctx->in_infra ? PP_INFRA_DNS : NULL;
  if (servers)
    {
      if (r->n_up)
        return;
      cleanup_free char *copy = xstrdup (servers);
      char *save = NULL;
      for (char *t = strtok_r (copy, ", \t", &save); t; t = strtok_r (NULL, ", \t", &save))
        add_upstream (r, t);
      return;
    }
  struct stat st;
  if (stat ("/etc/resolv.conf", &st) < 0
      || (st.st_ino == r->resolv_st.st_ino && st.st_mtim.tv_sec == r->resolv_st.st_mtim.tv_sec
          && st.st_mtim.tv_nsec == r->resolv_st.st_mtim.tv_nsec))
    return;
  r->resolv_st = st;
  cleanup_file FILE *f = fopen ("/etc/resolv.conf", "re");
  if (f == NULL)
    return;
  r->n_up = 0;
  char line[512], addr[64];
  while (fgets (line, sizeof line, f))
    if (sscanf (line, "nameserver %63s", addr) == 1)
      add_upstream (r, addr);
}

/* A client of this network (a pod, or the host by the gateway): no other may use this resolver. */
static bool
from_network (const resolver_t *r, const struct sockaddr_in *from)
{
  pp_ip_t ip = { .family = AF_INET };
  memcpy (ip.a, &from->sin_addr, 4);
  return from->sin_family == AF_INET && pp_ipnet_contains (&r->subnet, &ip);
}

/* Sends a reply to the client: over UDP to `from`, or over TCP connection `conn` (closed when it cannot take it
   whole at once). */
static void
send_reply (resolver_t *r, int conn, const struct sockaddr_in *from, const uint8_t *msg, size_t len)
{
  if (conn < 0)
    {
      sendto (r->udp, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL, (const struct sockaddr *)from, sizeof *from);
      return;
    }
  conn_t *c = &r->conns[conn];
  uint8_t pre[2] = { (uint8_t)(len >> 8), (uint8_t)len };
  struct iovec iov[2] = { { pre, 2 }, { (void *)(uintptr_t)msg, len } };
  struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
  if (sendmsg (c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)(len + 2))
    {
      close (c->fd);
      c->fd = -1;
    }
}

static void
answer (resolver_t *r, int conn, const struct sockaddr_in *from, const uint8_t *msg, const pp_dns_query_t *q, int rcode,
        bool aa, const pp_dns_rr_t *rrs, size_t n)
{
  uint8_t out[65535];
  size_t max = conn < 0 ? q->udp_size : sizeof out;
  send_reply (r, conn, from, out, pp_dns_reply (msg, q, rcode, aa, rrs, n, out, max));
}

/* The snapshot of the state's Services and pods, read again when another process wrote to the state. */
static const pp_names_t *
names (resolver_t *r)
{
  uint64_t v = pp_state_data_version (r->state);
  if (r->names && v == r->names_version)
    return r->names;
  pp_error_t e = NULL;
  pp_names_t *fresh = pp_names_load (r->state, r->network, &e);
  if (fresh == NULL)
    {
      pp_log (r->ctx, PP_LOG_WARNING, "read the state: %s", e ? e->msg : "failed");
      pp_error_release (&e);
      return r->names; /* the last good one, until the state can be read */
    }
  pp_names_free (r->names);
  r->names = fresh;
  r->names_version = v;
  return fresh;
}

static void
forward_send (resolver_t *r, fwd_t *f)
{
  if (f->fd >= 0)
    close (f->fd);
  const struct sockaddr *up = (const struct sockaddr *)&r->up[f->upstream];
  f->fd = socket (up->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (f->fd >= 0 && (connect (f->fd, up, r->up_len[f->upstream]) < 0 || send (f->fd, f->msg, f->len, 0) < 0))
    {
      close (f->fd);
      f->fd = -1;
    }
  f->deadline = pp_now_ms () + FORWARD_MS;
}

static void
forward_end (fwd_t *f)
{
  if (f->fd >= 0)
    close (f->fd);
  free (f->msg);
  memset (f, 0, sizeof *f);
  f->fd = -1;
  f->conn = -2; /* free */
}

/* Asks the host's resolvers, the first first; false when it cannot be asked now. */
static bool
forward (resolver_t *r, int conn, const struct sockaddr_in *from, const uint8_t *msg, size_t len)
{
  if (r->n_up == 0)
    return false;
  size_t mine = 0;
  for (size_t i = 0; i < MAX_FORWARDS; i++)
    mine += r->fwds[i].conn != -2 && r->fwds[i].from.sin_addr.s_addr == from->sin_addr.s_addr;
  if (mine >= MAX_FORWARDS_PER_CLIENT)
    return false;
  for (size_t i = 0; i < MAX_FORWARDS; i++)
    if (r->fwds[i].conn == -2)
      {
        fwd_t *f = &r->fwds[i];
        f->fd = -1;
        f->conn = conn;
        f->gen = conn >= 0 ? r->conns[conn].gen : 0;
        f->from = *from;
        f->msg = xmalloc (len);
        memcpy (f->msg, msg, len);
        f->len = len;
        f->upstream = 0;
        forward_send (r, f);
        return true;
      }
  return false;
}

/* What the upstream said, to the client, unless it is not the answer to this query. */
static void
forward_reply (resolver_t *r, fwd_t *f)
{
  uint8_t buf[65535];
  ssize_t n = recv (f->fd, buf, sizeof buf, MSG_DONTWAIT);
  if (n < 12 || pp_dns_id (buf, (size_t)n) != pp_dns_id (f->msg, f->len) || !(buf[2] & 0x80))
    {
      if (n < 0 && errno != EAGAIN && errno != EINTR)
        f->deadline = 0; /* refused: the next upstream now */
      return;
    }
  if (f->conn < 0 || (r->conns[f->conn].fd >= 0 && r->conns[f->conn].gen == f->gen))
    send_reply (r, f->conn, &f->from, buf, (size_t)n);
  forward_end (f);
}

static void
forward_timeout (resolver_t *r, fwd_t *f)
{
  if (++f->upstream < r->n_up)
    {
      forward_send (r, f);
      return;
    }
  pp_dns_query_t q;
  int rc = pp_dns_parse_query (f->msg, f->len, &q);
  if (rc >= 0 && (f->conn < 0 || (r->conns[f->conn].fd >= 0 && r->conns[f->conn].gen == f->gen)))
    answer (r, f->conn, &f->from, f->msg, &q, PP_DNS_SERVFAIL, false, NULL, 0);
  forward_end (f);
}

static void
query (resolver_t *r, int conn, const struct sockaddr_in *from, const uint8_t *msg, size_t len)
{
  pp_dns_query_t q;
  int rc = pp_dns_parse_query (msg, len, &q);
  if (rc < 0)
    return;
  if (rc > 0)
    {
      answer (r, conn, from, msg, &q, rc, false, NULL, 0);
      return;
    }
  const pp_names_t *w = names (r);
  if (w == NULL)
    {
      answer (r, conn, from, msg, &q, PP_DNS_SERVFAIL, false, NULL, 0);
      return;
    }
  pp_names_answer_t ans;
  pp_names_lookup (w, q.name, q.plain, q.qtype, &ans);
  if (ans.rcode != PP_NAMES_FORWARD)
    answer (r, conn, from, msg, &q, ans.rcode, ans.authoritative, ans.rrs, ans.n);
  /* An internal network has no way out: its pods get no other names either. */
  else if (r->internal)
    answer (r, conn, from, msg, &q, PP_DNS_REFUSED, false, NULL, 0);
  else if (!forward (r, conn, from, msg, len))
    answer (r, conn, from, msg, &q, PP_DNS_SERVFAIL, false, NULL, 0);
  pp_names_answer_release (&ans);
}

static void
udp_readable (resolver_t *r)
{
  uint8_t buf[4096];
  struct sockaddr_in from;
  for (int i = 0; i < 64; i++)
    {
      socklen_t fl = sizeof from;
      ssize_t n = recvfrom (r->udp, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
      if (n < 0)
        return;
      if (from_network (r, &from))
        query (r, -1, &from, buf, (size_t)n);
    }
}

static void
tcp_accept (resolver_t *r)
{
  struct sockaddr_in from;
  socklen_t fl = sizeof from;
  int fd = accept4 (r->tcp, (struct sockaddr *)&from, &fl, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0)
    return;
  if (!from_network (r, &from))
    {
      close (fd);
      return;
    }
  /* A free slot; else, for a client at its limit, its own oldest connection; else the oldest of the client that
     holds the most.  No client can take more than its share from the others. */
  size_t count[MAX_CONNS] = { 0 }, most = 0, free_slot = MAX_CONNS;
  for (size_t i = 0; i < MAX_CONNS; i++)
    for (size_t j = 0; r->conns[i].fd >= 0 && j < MAX_CONNS; j++)
      count[i] += r->conns[j].fd >= 0 && r->conns[j].from.sin_addr.s_addr == r->conns[i].from.sin_addr.s_addr;
  size_t own = 0;
  for (size_t i = 0; i < MAX_CONNS; i++)
    {
      if (r->conns[i].fd < 0)
        free_slot = free_slot == MAX_CONNS ? i : free_slot;
      else
        {
          own += r->conns[i].from.sin_addr.s_addr == from.sin_addr.s_addr;
          most = count[i] > most ? count[i] : most;
        }
    }
  size_t slot = MAX_CONNS;
  for (size_t i = 0; i < MAX_CONNS; i++)
    {
      const conn_t *c = &r->conns[i];
      bool candidate = own >= MAX_CONNS_PER_CLIENT ? c->fd >= 0 && c->from.sin_addr.s_addr == from.sin_addr.s_addr
                                                   : c->fd >= 0 && count[i] == most;
      if (candidate && (slot == MAX_CONNS || c->deadline < r->conns[slot].deadline))
        slot = i;
    }
  if (own < MAX_CONNS_PER_CLIENT && free_slot < MAX_CONNS)
    slot = free_slot;
  if (slot == MAX_CONNS)
    {
      close (fd);
      return;
    }
  conn_t *c = &r->conns[slot];
  if (c->fd >= 0)
    close (c->fd);
  /* Room for an answer of 64 KiB sent at once (a send that cannot go whole closes the connection). */
  int size = 2 * 65536;
  setsockopt (fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  c->fd = fd;
  c->from = from;
  c->gen++;
  c->got = 0;
  c->deadline = pp_now_ms () + TCP_IDLE_MS;
}

static void
tcp_readable (resolver_t *r, int i)
{
  conn_t *c = &r->conns[i];
  size_t need = c->got < 2 ? 2 : 2 + ((size_t)c->buf[0] << 8 | c->buf[1]);
  if (need > sizeof c->buf)
    goto drop;
  ssize_t n = read (c->fd, c->buf + c->got, need - c->got);
  if (n <= 0)
    {
      if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
      goto drop;
    }
  c->got += (size_t)n;
  if (c->got < 2)
    return;
  need = 2 + ((size_t)c->buf[0] << 8 | c->buf[1]);
  if (need > sizeof c->buf)
    goto drop;
  if (c->got == need)
    {
      /* A query's end, not a byte, buys the connection more time: one sent a byte at a time cannot hold it. */
      c->got = 0;
      c->deadline = pp_now_ms () + TCP_IDLE_MS;
      query (r, i, &c->from, c->buf + 2, need - 2);
    }
  return;
drop:
  close (c->fd);
  c->fd = -1;
}

/* Binds `type` on `gateway` port 53.  An address in use may be the last resolver of this network, ending (its
   network's pods gone and come again within its second): it is tried again for a while. */
static int
listen_on (const pp_ip_t *gateway, int type, pp_error_t *err)
{
  struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons (53) };
  memcpy (&sin.sin_addr, gateway->a, 4);
  for (int tries = 0;; tries++)
    {
      int fd = socket (AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0)
        return pp_error_make (err, errno, "socket");
      /* Beside a resolver of the host's on the wildcard address with SO_REUSEADDR (dnsmasq's), the gateway's
         address is the more specific, and its queries come here. */
      int one = 1;
      setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (bind (fd, (struct sockaddr *)&sin, sizeof sin) == 0 && (type != SOCK_STREAM || listen (fd, 64) == 0))
        {
          /* At 3 or above: a podplay started with 0, 1 or 2 closed must not hand them over where the helper's
             stdio goes. */
          if (fd < 3)
            {
              int high = fcntl (fd, F_DUPFD_CLOEXEC, 3);
              close (fd);
              fd = high;
              if (fd < 0)
                return pp_error_make (err, errno, "dup");
            }
          return fd;
        }
      int e = errno;
      close (fd);
      if (e != EADDRINUSE || tries == 10)
        {
          char ip[PP_IP_STRLEN];
          return pp_error_make (err, e, "listen on %s port 53 (%s)", pp_ip_format (gateway, ip),
                                type == SOCK_STREAM ? "TCP" : "UDP");
        }
      usleep (100000);
    }
}

int
pp_resolver_prepare (pp_context_t *ctx, const char *network, const char *gateway, int fds[3], pp_error_t *err)
{
  cleanup_free char *dir = xasprintf ("%s/dns", ctx->runroot);
  cleanup_free char *path = pp_resolver_path (ctx, network, "pid");
  pp_ip_t gw;
  if (!pp_ip_parse (gateway ? gateway : "", &gw) || gw.family != AF_INET)
    return pp_error_make (err, EINVAL, "names of network %s: served on an IPv4 gateway only", network);
  if (pp_mkdir_p (dir, 0700) < 0)
    return pp_error_make (err, errno, "create `%s`", dir);
  cleanup_close int pid_fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (pid_fd < 0)
    return pp_error_make (err, errno, "open `%s`", path);
  if (flock (pid_fd, LOCK_EX | LOCK_NB) < 0)
    return errno == EWOULDBLOCK ? 1 : pp_error_make (err, errno, "lock `%s`", path);
  int udp = listen_on (&gw, SOCK_DGRAM, err);
  int tcp = udp < 0 ? -1 : listen_on (&gw, SOCK_STREAM, err);
  if (tcp < 0 || ftruncate (pid_fd, 0) < 0)
    {
      if (udp >= 0)
        close (udp);
      if (tcp >= 0)
        close (tcp);
      return tcp < 0 ? pp_error_wrap (err, "names of network %s", network)
                     : pp_error_make (err, errno, "truncate `%s`", path);
    }
  fds[0] = pp_steal_fd (&pid_fd);
  fds[1] = udp;
  fds[2] = tcp;
  return 0;
}

/* Whether the resolver is still wanted: its pid file is still the one it locked (the run root was not removed),
   and its network has a pod.  Asked under the network lock, which a starter holds too, so that a pod that joins
   now either is seen here or finds no resolver and starts one; when the answer is no, the pid file is removed
   with the lock still held. */
static bool
still_wanted (resolver_t *r, int pid_fd, const char *pid_path)
{
  struct stat a, b;
  if (stat (pid_path, &a) < 0 || fstat (pid_fd, &b) < 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev)
    return false;
  cleanup_close int lock = pp_network_lock_try (r->ctx);
  if (lock < 0)
    return true; /* busy: asked again next time */
  pp_network_rec_t *nets = NULL;
  size_t n = 0;
  pp_error_t e = NULL;
  if (pp_state_network_list (r->state, r->network, &nets, &n, &e) < 0)
    {
      pp_error_release (&e);
      return true;
    }
  bool wanted = n == 1 && nets[0].pods > 0;
  pp_network_recs_free (nets, n);
  if (!wanted)
    unlink (pid_path);
  return wanted;
}

static void
serve (resolver_t *r, int sfd, int pid_fd, const char *pid_path)
{
  int64_t next_check = pp_now_ms () + 1000;
  for (;;)
    {
      struct pollfd pfd[3 + MAX_CONNS + MAX_FORWARDS];
      int idx[3 + MAX_CONNS + MAX_FORWARDS];
      nfds_t n = 0;
      pfd[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
      pfd[n++] = (struct pollfd){ .fd = r->udp, .events = POLLIN };
      pfd[n++] = (struct pollfd){ .fd = r->tcp, .events = POLLIN };
      int64_t now = pp_now_ms (), wake = next_check;
      for (int i = 0; i < MAX_CONNS; i++)
        if (r->conns[i].fd >= 0)
          {
            if (r->conns[i].deadline <= now)
              {
                close (r->conns[i].fd);
                r->conns[i].fd = -1;
                continue;
              }
            wake = r->conns[i].deadline < wake ? r->conns[i].deadline : wake;
            idx[n] = i;
            pfd[n++] = (struct pollfd){ .fd = r->conns[i].fd, .events = POLLIN };
          }
      for (int i = 0; i < MAX_FORWARDS; i++)
        if (r->fwds[i].conn != -2)
          {
            if (r->fwds[i].deadline <= now || r->fwds[i].fd < 0)
              {
                forward_timeout (r, &r->fwds[i]);
                if (r->fwds[i].conn == -2)
                  continue;
              }
            wake = r->fwds[i].deadline < wake ? r->fwds[i].deadline : wake;
            idx[n] = MAX_CONNS + i;
            pfd[n++] = (struct pollfd){ .fd = r->fwds[i].fd, .events = POLLIN };
          }
      int timeout = wake > now ? (int)(wake - now) : 0;
      if (poll (pfd, n, timeout) < 0 && errno != EINTR)
        return;
      if (pfd[0].revents)
        return; /* SIGTERM or SIGINT */
      if (pfd[1].revents)
        udp_readable (r);
      if (pfd[2].revents)
        tcp_accept (r);
      for (nfds_t k = 3; k < n; k++)
        if (pfd[k].revents)
          {
            if (idx[k] < MAX_CONNS)
              {
                if (r->conns[idx[k]].fd == pfd[k].fd)
                  tcp_readable (r, idx[k]);
              }
            else if (r->fwds[idx[k] - MAX_CONNS].fd == pfd[k].fd)
              forward_reply (r, &r->fwds[idx[k] - MAX_CONNS]);
          }
      if (pp_now_ms () >= next_check)
        {
          if (!still_wanted (r, pid_fd, pid_path))
            return;
          read_upstreams (r);
          next_check = pp_now_ms () + 1000;
        }
    }
}

/* Reads the network and says who serves it in the pid file. */
static int
setup (resolver_t *r, int pid_fd, pp_error_t *err)
{
  pp_network_rec_t *nets = NULL;
  size_t n = 0;
  if (pp_state_network_list (r->state, r->network, &nets, &n, err) < 0)
    return -1;
  int ret = 0;
  if (n != 1)
    ret = pp_error_make (err, ENOENT, "network %s: no such network", r->network);
  else if (!pp_ipnet_parse (nets[0].subnet, &r->subnet) || !pp_ip_parse (nets[0].gateway, &r->gateway)
           || r->gateway.family != AF_INET)
    ret = pp_error_make (err, EINVAL, "network %s: names are served on IPv4 networks only", r->network);
  else
    r->internal = nets[0].internal;
  pp_network_recs_free (nets, n);
  if (ret < 0)
    return -1;
  char pid[32];
  int len = snprintf (pid, sizeof pid, "%d\n", (int)getpid ());
  if (pwrite (pid_fd, pid, (size_t)len, 0) != len)
    return pp_error_make (err, errno, "write the pid file");
  return 0;
}

int
pp_resolver_main (pp_context_t *ctx, const char *network)
{
  cleanup_free char *pid_path = pp_resolver_path (ctx, network, "pid");
  pp_error_t err = NULL;
  /* What pp_resolver_prepare made, where its starter put it. */
  int pid_fd = 3;
  resolver_t r = { .ctx = ctx, .network = network, .udp = 4, .tcp = 5 };
  for (size_t i = 0; i < MAX_CONNS; i++)
    r.conns[i].fd = -1;
  for (size_t i = 0; i < MAX_FORWARDS; i++)
    {
      r.fwds[i].fd = -1;
      r.fwds[i].conn = -2;
    }
  int type = 0;
  socklen_t tl = sizeof type;
  struct stat st;
  if (fstat (pid_fd, &st) < 0 || !S_ISREG (st.st_mode) || getsockopt (r.udp, SOL_SOCKET, SO_TYPE, &type, &tl) < 0
      || type != SOCK_DGRAM || getsockopt (r.tcp, SOL_SOCKET, SO_TYPE, &type, &tl) < 0 || type != SOCK_STREAM)
    {
      fprintf (stderr, "podplay dns: fds 3, 4 and 5 are not a resolver's (it is started by podplay itself)\n");
      return 125;
    }
  sigset_t mask;
  sigemptyset (&mask);
  sigaddset (&mask, SIGTERM);
  sigaddset (&mask, SIGINT);
  sigprocmask (SIG_BLOCK, &mask, NULL);
  signal (SIGPIPE, SIG_IGN);
  cleanup_close int sfd = signalfd (-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0)
    pp_error_make (&err, errno, "signalfd");
  else if (pp_state_open (ctx, &r.state, &err) == 0)
    setup (&r, pid_fd, &err);
  if (err == NULL)
    {
      read_upstreams (&r);
      serve (&r, sfd, pid_fd, pid_path);
    }
  else
    pp_log (ctx, PP_LOG_ERROR, "names of network %s: %s", network, err->msg);
  /* Ended by a signal, unwanted, or unable to serve: the pid file goes before the lock does (unwanted: under the
     network lock). */
  struct stat a, b;
  if (stat (pid_path, &a) == 0 && fstat (pid_fd, &b) == 0 && a.st_ino == b.st_ino)
    unlink (pid_path);
  for (size_t i = 0; i < MAX_CONNS; i++)
    if (r.conns[i].fd >= 0)
      close (r.conns[i].fd);
  for (size_t i = 0; i < MAX_FORWARDS; i++)
    if (r.fwds[i].conn != -2)
      forward_end (&r.fwds[i]);
  close (r.udp);
  close (r.tcp);
  close (pid_fd);
  pp_names_free (r.names);
  pp_state_close (r.state);
  int ret = err ? 1 : 0;
  pp_error_release (&err);
  return ret;
}
