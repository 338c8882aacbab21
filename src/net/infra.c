/* An ordinary user's infra network namespace and its slirp4netns: the pod networks' outside, and their hostPorts. */
#include "net/infra.h"
#include "core/file.h"
#include "net/ip.h"
#include "net/network.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/magic.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif


static char *
infra_path (const pp_context_t *ctx, const char *leaf)
{
  return xasprintf ("%s/infra/%s", ctx->runroot, leaf);
}

/* The slirp4netns this user's podplay started (its pid file, and a process of that pid that is slirp4netns with
   this run root's API socket), or 0. */
static pid_t
slirp_pid (const pp_context_t *ctx)
{
  cleanup_free char *pidfile = infra_path (ctx, "slirp.pid");
  cleanup_free char *sock = infra_path (ctx, "slirp.sock");
  cleanup_file FILE *f = fopen (pidfile, "re");
  long pid = 0;
  if (f == NULL || fscanf (f, "%ld", &pid) != 1 || pid <= 1)
    return 0;
  const char *const args[] = { "--api-socket", sock, NULL };
  return pp_proc_has_args ((pid_t) pid, args) ? (pid_t) pid : 0;
}

static void
end_slirp (const pp_context_t *ctx)
{
  pid_t pid = slirp_pid (ctx);
  if (pid > 0 && kill (pid, SIGTERM) == 0)
    pp_proc_wait_gone (pid, 2000);
  cleanup_free char *pidfile = infra_path (ctx, "slirp.pid");
  unlink (pidfile);
}

static bool
is_nsfs (int fd)
{
  struct statfs sfs;
  return fstatfs (fd, &sfs) == 0 && sfs.f_type == NSFS_MAGIC;
}

/* slirp4netns on the host's network, for the namespace bound at `net`: it configures tap0 there (10.0.2.100/24,
   the default route), never lets the pods reach the host's loopback, and says it is ready on a pipe. */
static int
start_slirp (const pp_context_t *ctx, const char *net, pp_error_t *err)
{
  cleanup_free char *prog = pp_find_program ("slirp4netns");
  if (prog == NULL)
    return pp_error_make (err, ENOENT, "slirp4netns is not installed: an ordinary user's pod network needs it "
                                       "(apt-get install slirp4netns)");
  if (access ("/dev/net/tun", R_OK | W_OK) < 0)
    return pp_error_make (err, errno,
                          "slirp4netns needs /dev/net/tun, which this user may not open: give it mode 0666, "
                          "Debian's default (chmod 0666 /dev/net/tun as root)");
  cleanup_free char *sock = infra_path (ctx, "slirp.sock");
  cleanup_free char *log = infra_path (ctx, "slirp.log");
  unlink (sock);
  int ready[2];
  if (pipe2 (ready, O_CLOEXEC) < 0)
    return pp_error_make (err, errno, "pipe");
  char configure[] = "--configure", mtu[] = "--mtu=65520", noloop[] = "--disable-host-loopback",
       api[] = "--api-socket", readyfd[] = "--ready-fd=3", type[] = "--netns-type=path", tap[] = "tap0";
  cleanup_free char *netpath = xstrdup (net);
  char *argv[] = { prog, configure, mtu, noloop, api, sock, readyfd, type, netpath, tap, NULL };
  unlink (log);
  pid_t pid;
  int e = pp_spawn_detached (prog, argv, NULL, log, true, &ready[1], 1, &pid);
  close (ready[1]);
  cleanup_close int rfd = ready[0];
  if (e != 0)
    return pp_error_make (err, e, "start `%s`", prog);
  struct pollfd p = { .fd = rfd, .events = POLLIN };
  char c = 0;
  if (PP_RETRY (poll (&p, 1, 10000)) <= 0 || PP_RETRY (read (rfd, &c, 1)) != 1)
    {
      kill (pid, SIGKILL);
      pp_wait_status (pid);
      char text[512];
      pp_file_first_line (log, text, sizeof text);
      return pp_error_make (err, 0, "slirp4netns did not start: %s", text[0] ? text : "(nothing in its log)");
    }
  cleanup_free char *pidfile = infra_path (ctx, "slirp.pid");
  char num[32];
  int len = snprintf (num, sizeof num, "%d\n", (int) pid);
  /* Not waited for here: it outlives this command, and init takes it when this command ends. */
  return pp_write_whole (pidfile, num, (size_t) len, 0600, err);
}

/* A new network namespace bound at `net`, made by a child: this process stays on the host's network (which root of
   the user's namespace could not join again), to start slirp4netns there. */
static int
make_netns (const char *net, pp_error_t *err)
{
  cleanup_close int file = open (net, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (file < 0)
    return pp_error_make (err, errno, "create `%s`", net);
  int made[2], done[2];
  if (pipe2 (made, O_CLOEXEC) < 0)
    return pp_error_make (err, errno, "pipe");
  if (pipe2 (done, O_CLOEXEC) < 0)
    {
      close (made[0]), close (made[1]);
      return pp_error_make (err, errno, "pipe");
    }
  pid_t pid = fork ();
  if (pid == 0)
    {
      close (done[1]);
      char c = unshare (CLONE_NEWNET) == 0 ? 'y' : 'n';
      if (PP_RETRY (write (made[1], &c, 1)) == 1)
        PP_RETRY (read (done[0], &c, 1)); /* held until its namespace is bound */
      _exit (0);
    }
  close (made[1]);
  close (done[0]);
  char c = 0;
  int ret = 0;
  if (pid < 0)
    ret = pp_error_make (err, errno, "fork");
  else if (PP_RETRY (read (made[0], &c, 1)) != 1 || c != 'y')
    ret = pp_error_make (err, EPERM, "make a network namespace");
  else
    {
      char path[64];
      snprintf (path, sizeof path, "/proc/%d/ns/net", (int) pid);
      if (mount (path, net, NULL, MS_BIND, NULL) < 0)
        ret = pp_error_make (err, errno, "bind the network namespace on `%s`", net);
    }
  close (made[0]);
  close (done[1]);
  if (pid > 0)
    pp_wait_status (pid);
  return ret;
}

int
pp_infra_port_floor (void)
{
  cleanup_file FILE *f = fopen ("/proc/sys/net/ipv4/ip_unprivileged_port_start", "re");
  int v = 1024;
  if (f == NULL || fscanf (f, "%d", &v) != 1)
    v = 1024;
  return v;
}

void
pp_infra_hold (pp_context_t *ctx)
{
  ctx->infra_lock = -1;
  if (!ctx->in_infra)
    return;
  cleanup_free char *lockpath = infra_path (ctx, "lock");
  cleanup_close int lock = open (lockpath, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (lock >= 0 && PP_RETRY (flock (lock, LOCK_SH)) == 0)
    ctx->infra_lock = pp_steal_fd (&lock);
}

/* The host side (pp_infra_host_side): one thread, one call at a time. */
static struct
{
  pthread_mutex_t call, lock;
  pthread_cond_t cond;
  pid_t owner; /* the process whose thread it is (a forked child has none) */
  int (*fn) (void *);
  void *arg;
  int ret;
  bool posted, done;
} host = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER };

static void *
host_loop (void *unused)
{
  (void) unused;
  pthread_mutex_lock (&host.lock);
  for (;;)
    {
      while (!host.posted)
        pthread_cond_wait (&host.cond, &host.lock);
      host.posted = false;
      pthread_mutex_unlock (&host.lock);
      int r = host.fn (host.arg);
      pthread_mutex_lock (&host.lock);
      host.ret = r;
      host.done = true;
      pthread_cond_broadcast (&host.cond);
    }
  return NULL;
}

/* The host side's thread, made on the host's network, with every signal blocked (the main thread takes them). */
static int
host_side_start (pp_error_t *err)
{
  if (host.owner == getpid ())
    return 0;
  sigset_t all, old;
  sigfillset (&all);
  pthread_sigmask (SIG_SETMASK, &all, &old);
  pthread_t t;
  int e = pthread_create (&t, NULL, host_loop, NULL);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  if (e != 0)
    return pp_error_make (err, e, "start a thread on the host's network");
  pthread_detach (t);
  host.owner = getpid ();
  return 0;
}

int
pp_infra_host_side (int (*fn) (void *arg), void *arg)
{
  if (host.owner != getpid ())
    return fn (arg);
  pthread_mutex_lock (&host.call);
  pthread_mutex_lock (&host.lock);
  host.fn = fn;
  host.arg = arg;
  host.done = false;
  host.posted = true;
  pthread_cond_broadcast (&host.cond);
  while (!host.done)
    pthread_cond_wait (&host.cond, &host.lock);
  int r = host.ret;
  pthread_mutex_unlock (&host.lock);
  pthread_mutex_unlock (&host.call);
  return r;
}

int
pp_infra_enter (pp_context_t *ctx, bool create, pp_error_t *err)
{
  if (!ctx->rootless || ctx->in_infra)
    return 0;
  if (!ctx->in_userns)
    return pp_error_make (err, EPERM, "an ordinary user's pod network needs the user's namespace");
  ctx->unprivileged_port_start = pp_infra_port_floor ();
  cleanup_free char *dir = infra_path (ctx, "");
  cleanup_free char *net = infra_path (ctx, "net");
  cleanup_free char *sys = infra_path (ctx, "sys");
  if (pp_mkdir_p (dir, 0700) < 0 || pp_mkdir_p (sys, 0700) < 0)
    return pp_error_make (err, errno, "create `%s`", dir);
  /* `lock` is held shared while a command (or a Job controller, pp_infra_hold) works in the namespace (a maker
     too), and exclusive to end it (release); `make.lock` exclusive to make the namespace or start its
     slirp4netns, so that a maker waits for no command that is in it, however long that stays. */
  cleanup_free char *lockpath = infra_path (ctx, "lock");
  cleanup_free char *make_path = infra_path (ctx, "make.lock");
  cleanup_close int lock = open (lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (lock < 0 || PP_RETRY (flock (lock, LOCK_SH)) < 0)
    return pp_error_make (err, errno, "lock `%s`", lockpath);
  cleanup_close int fd = open (net, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  cleanup_close int make_lock = -1;
  if (fd < 0 || !is_nsfs (fd) || (create && slirp_pid (ctx) == 0))
    {
      make_lock = open (make_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (make_lock < 0 || PP_RETRY (flock (make_lock, LOCK_EX)) < 0)
        return pp_error_make (err, errno, "lock `%s`", make_path);
      /* Made (or started) meanwhile by another command? */
      if (fd >= 0)
        close (pp_steal_fd (&fd));
      fd = open (net, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    }
  if (fd < 0 || !is_nsfs (fd))
    {
      /* None in this mount namespace: a slirp4netns still running serves one no one can reach. */
      end_slirp (ctx);
      if (fd >= 0)
        close (pp_steal_fd (&fd));
      if (!create)
        return 0;
      umount2 (sys, MNT_DETACH);
      if (make_netns (net, err) < 0 || start_slirp (ctx, net, err) < 0)
        {
          end_slirp (ctx);
          umount2 (net, MNT_DETACH);
          return pp_error_wrap (err, "the user's pod network");
        }
      fd = open (net, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    }
  else if (create && slirp_pid (ctx) == 0)
    {
      /* Killed under a namespace that is still there: started again, under make.lock (taken now when it ended
         after the look above). */
      if (make_lock < 0)
        {
          make_lock = open (make_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
          if (make_lock < 0 || PP_RETRY (flock (make_lock, LOCK_EX)) < 0)
            return pp_error_make (err, errno, "lock `%s`", make_path);
        }
      if (slirp_pid (ctx) == 0 && start_slirp (ctx, net, err) < 0)
        return pp_error_wrap (err, "the user's pod network: its slirp4netns had ended");
    }
  if (fd >= 0 && host_side_start (err) < 0)
    return -1;
  pp_network_host_ip (ctx, ctx->host_ip);
  if (fd < 0 || setns (fd, CLONE_NEWNET) < 0)
    return pp_error_make (err, errno, "enter the user's pod network `%s`", net);
  /* Its own sysfs, where podplay reads its links (pp_network_sys_net): /sys is the host's network's. */
  struct statfs sfs;
  if ((statfs (sys, &sfs) < 0 || sfs.f_type != SYSFS_MAGIC)
      && mount ("sysfs", sys, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL) < 0)
    return pp_error_make (err, errno, "mount the sysfs of the user's pod network on `%s`", sys);
  ctx->infra_lock = pp_steal_fd (&lock);
  ctx->in_infra = true;
  /* What this process starts (monitors, Job controllers) is there too, and knows it (pp_context_init). */
  char floor[16];
  snprintf (floor, sizeof floor, "%d", ctx->unprivileged_port_start);
  setenv (PP_INFRA_ENV, floor, 1);
  return 0;
}

/* One request to slirp4netns's API socket (one a connection, the write side shut to end it); its "return". */
static json_t *
slirp_call (const pp_context_t *ctx, json_t *req, pp_error_t *err)
{
  /* slirp4netns stops the world for a request: one that does not answer in 5 s is not waited for longer. */
  static const struct timeval limit = { .tv_sec = 5 };
  cleanup_free char *sock = infra_path (ctx, "slirp.sock");
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (strlen (sock) >= sizeof addr.sun_path)
    {
      json_decref (req);
      pp_error_make (err, ENAMETOOLONG, "slirp4netns's socket `%s`", sock);
      return NULL;
    }
  strcpy (addr.sun_path, sock);
  cleanup_free char *text = json_dumps (req, JSON_COMPACT);
  json_decref (req);
  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit) < 0
      || setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit) < 0
      || connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0
      || PP_RETRY (write (fd, text, strlen (text))) != (ssize_t) strlen (text) || shutdown (fd, SHUT_WR) < 0)
    {
      pp_error_make (err, errno, "ask slirp4netns at `%s`", sock);
      return NULL;
    }
  char buf[65536];
  size_t len = 0;
  ssize_t r;
  while (len < sizeof buf - 1 && (r = PP_RETRY (read (fd, buf + len, sizeof buf - 1 - len))) > 0)
    len += (size_t) r;
  buf[len] = '\0';
  json_t *resp = json_loads (buf, 0, NULL);
  /* {"return": R} or {"error": E} as its manual says; slirp4netns 1.2 answers list_hostfwd with R alone. */
  json_t *ret = json_incref (json_object_get (resp, "return"));
  if (ret == NULL && json_is_object (resp) && json_object_get (resp, "error") == NULL)
    ret = json_incref (resp);
  if (ret == NULL)
    {
      const char *desc = json_string_value (json_object_get (json_object_get (resp, "error"), "desc"));
      pp_error_make (err, 0, "slirp4netns: %s", desc ? desc : buf);
    }
  json_decref (resp);
  return ret;
}

/* The file that says which pod a forward is for (a replacement takes it over): ports/tcp-0.0.0.0-8080. */
static char *
holder_path (const pp_context_t *ctx, const pp_nft_port_t *p, const char *addr)
{
  return xasprintf ("%s/infra/ports/%s-%s-%u", ctx->runroot, p->proto == IPPROTO_UDP ? "udp" : "tcp", addr,
                    p->host_port);
}

static const char *
host_addr (const pp_nft_port_t *p, char buf[PP_IP_STRLEN])
{
  if (p->host_ip.family == 0)
    return "0.0.0.0";
  return pp_ip_format (&p->host_ip, buf);
}

/* The id of slirp4netns's forward of `p`, or 0. */
static json_int_t
forward_id (json_t *entries, const pp_nft_port_t *p, const char *addr)
{
  size_t i;
  json_t *e;
  json_array_foreach (entries, i, e)
  {
    const char *proto = json_string_value (json_object_get (e, "proto")) ?: "";
    const char *a = json_string_value (json_object_get (e, "host_addr")) ?: "";
    if (strcmp (proto, p->proto == IPPROTO_UDP ? "udp" : "tcp") == 0 && strcmp (a, addr) == 0
        && json_integer_value (json_object_get (e, "host_port")) == p->host_port)
      return json_integer_value (json_object_get (e, "id"));
  }
  return 0;
}

int
pp_infra_forward_add (pp_context_t *ctx, const char *pod_id, const pp_nft_port_t *ports, size_t n, pp_error_t *err)
{
  if (!ctx->in_infra || n == 0)
    return 0;
  json_t *list = slirp_call (ctx, json_pack ("{s:s}", "execute", "list_hostfwd"), err);
  if (list == NULL)
    return -1;
  cleanup_free char *dir = xasprintf ("%s/infra/ports", ctx->runroot);
  pp_mkdir_p (dir, 0700);
  int ret = 0;
  for (size_t i = 0; ret == 0 && i < n; i++)
    {
      char buf[PP_IP_STRLEN];
      const char *addr = host_addr (&ports[i], buf);
      if (ports[i].host_ip.family == AF_INET6)
        ret = pp_error_make (err, EAFNOSUPPORT, "hostPort %u on %s: an ordinary user's pods publish on IPv4 only",
                             ports[i].host_port, addr);
      else if (ports[i].host_port < ctx->unprivileged_port_start)
        ret = pp_error_make (err, EACCES,
                             "hostPort %u: an ordinary user may publish ports from %d up "
                             "(net.ipv4.ip_unprivileged_port_start)",
                             ports[i].host_port, ctx->unprivileged_port_start);
      else if (forward_id (json_object_get (list, "entries"), &ports[i], addr) == 0)
        {
          json_t *r = slirp_call (ctx,
                                  json_pack ("{s:s, s:{s:s, s:s, s:i, s:s, s:i}}", "execute", "add_hostfwd",
                                             "arguments", "proto", ports[i].proto == IPPROTO_UDP ? "udp" : "tcp",
                                             "host_addr", addr, "host_port", ports[i].host_port, "guest_addr",
                                             PP_INFRA_ADDRESS, "guest_port", ports[i].host_port),
                                  err);
          ret = r ? 0 : pp_error_wrap (err, "publish hostPort %u on %s", ports[i].host_port, addr);
          json_decref (r);
        }
      if (ret == 0)
        {
          cleanup_free char *holder = holder_path (ctx, &ports[i], addr);
          ret = pp_write_whole (holder, pod_id, strlen (pod_id), 0600, err);
        }
    }
  json_decref (list);
  return ret;
}

int
pp_infra_forward_remove (pp_context_t *ctx, const char *pod_id, const pp_nft_port_t *ports, size_t n, pp_error_t *err)
{
  if (!ctx->in_infra || n == 0)
    return 0;
  /* A slirp4netns that is gone (killed, or out of memory) forwards nothing: the pod's removal goes on. */
  cleanup_error pp_error_t lerr = NULL;
  json_t *list = slirp_call (ctx, json_pack ("{s:s}", "execute", "list_hostfwd"), &lerr);
  int ret = 0;
  for (size_t i = 0; ret == 0 && i < n; i++)
    {
      char buf[PP_IP_STRLEN], holder_id[80] = "";
      const char *addr = host_addr (&ports[i], buf);
      cleanup_free char *holder = holder_path (ctx, &ports[i], addr);
      cleanup_file FILE *f = fopen (holder, "re");
      if (f == NULL || fgets (holder_id, sizeof holder_id, f) == NULL || strcmp (holder_id, pod_id) != 0)
        continue; /* another pod's now (a replacement's), or never published */
      json_int_t id = list ? forward_id (json_object_get (list, "entries"), &ports[i], addr) : 0;
      json_t *r = id ? slirp_call (ctx,
                                   json_pack ("{s:s, s:{s:I}}", "execute", "remove_hostfwd", "arguments", "id", id),
                                   err)
                     : json_object ();
      ret = r ? 0 : pp_error_wrap (err, "withdraw hostPort %u on %s", ports[i].host_port, addr);
      json_decref (r);
      if (ret == 0)
        unlink (holder);
    }
  json_decref (list);
  return ret;
}

int
pp_infra_forward_sync (pp_context_t *ctx, const char *holder, const pp_nft_port_t *ports, size_t n, pp_error_t *err)
{
  if (!ctx->in_infra)
    return 0;
  cleanup_free char *dir = xasprintf ("%s/infra/ports", ctx->runroot);
  cleanup_dir DIR *d = opendir (dir);
  struct dirent *de;
  int ret = 0;
  while (ret == 0 && d && (de = readdir (d)) != NULL)
    {
      /* Its holders' names: PROTO-ADDRESS-PORT (holder_path). */
      char proto[8], addr[PP_IP_STRLEN], id[80] = "";
      unsigned port;
      pp_nft_port_t p = { 0 };
      if (sscanf (de->d_name, "%7[a-z]-%45[0-9.]-%u", proto, addr, &port) != 3 || port == 0 || port > 65535)
        continue;
      cleanup_free char *path = xasprintf ("%s/%s", dir, de->d_name);
      cleanup_file FILE *f = fopen (path, "re");
      if (f == NULL || fgets (id, sizeof id, f) == NULL || strcmp (id, holder) != 0)
        continue;
      p.proto = strcmp (proto, "udp") == 0 ? IPPROTO_UDP : IPPROTO_TCP;
      p.host_port = (uint16_t) port;
      if (strcmp (addr, "0.0.0.0") != 0 && !pp_ip_parse (addr, &p.host_ip))
        continue;
      bool kept = false;
      for (size_t i = 0; i < n && !kept; i++)
        kept = ports[i].proto == p.proto && ports[i].host_port == p.host_port
               && ports[i].host_ip.family == p.host_ip.family
               && (p.host_ip.family == 0 || pp_ip_equal (&ports[i].host_ip, &p.host_ip));
      if (!kept)
        ret = pp_infra_forward_remove (ctx, holder, &p, 1, err);
    }
  return ret < 0 ? -1 : pp_infra_forward_add (ctx, holder, ports, n, err);
}

void
pp_infra_release (pp_context_t *ctx, pp_state_t *state)
{
  /* Only when no other command is in the namespace (they hold the lock shared), and counted under it.  The last
     thing a command does (dispatch): a refused conversion leaves it no lock, a granted one the exclusive lock,
     which its exit lets go. */
  if (!ctx->in_infra || ctx->infra_lock < 0 || flock (ctx->infra_lock, LOCK_EX | LOCK_NB) < 0)
    return;
  pp_network_rec_t *nets = NULL;
  size_t n = 0;
  int64_t pods = 0;
  if (pp_state_network_list (state, NULL, &nets, &n, NULL) < 0)
    return;
  for (size_t i = 0; i < n; i++)
    pods += nets[i].pods;
  pp_network_recs_free (nets, n);
  if (pods > 0)
    return;
  /* No pod on a network: the namespace, its links and rules, and slirp4netns go; the next play makes them anew. */
  end_slirp (ctx);
  cleanup_free char *sys = infra_path (ctx, "sys");
  cleanup_free char *net = infra_path (ctx, "net");
  cleanup_free char *parent = infra_path (ctx, "");
  umount2 (sys, MNT_DETACH);
  umount2 (net, MNT_DETACH);
  unlink (net);
  /* The ports' holders (pp_remove_tree takes a missing folder for a removed one). */
  cleanup_close int pfd = open (parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (pfd >= 0)
    pp_remove_tree (pfd, "ports");
}
