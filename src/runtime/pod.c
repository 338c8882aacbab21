/* A pod on the machine: directories, shared namespaces held by bind mounts, /etc files, root filesystems, and the
   monitor that supervises the containers. */
#include "runtime/pod.h"
#include "core/file.h"
#include "net/infra.h"
#include "net/network.h"
#include "net/resolver.h"
#include "runtime/cgroup.h"
#include "runtime/mounts.h"
#include "runtime/runtime.h"
#include "runtime/subpath.h"
#include "runtime/userns.h"

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <unistd.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/sched.h>
#include <time.h>

const char *const pp_pod_shared_ns[] = { "network", "ipc", "uts", NULL };
/* The names of the same namespaces under /proc/PID/ns. */
static const char *const proc_ns[] = { "net", "ipc", "uts" };

char *
pp_pod_rundir (pp_context_t *ctx, const char *pod_id)
{
  return xasprintf ("%s/pods/%s", ctx->runroot, pod_id);
}

char *
pp_pod_datadir (pp_context_t *ctx, const char *pod_id)
{
  return xasprintf ("%s/pods/%s", ctx->root, pod_id);
}

char *
pp_ctr_datadir (pp_context_t *ctx, const char *ctr_id)
{
  return xasprintf ("%s/containers/%s", ctx->root, ctr_id);
}

char *
pp_ctr_rootfs (pp_context_t *ctx, const char *ctr_id)
{
  return xasprintf ("%s/containers/%s/rootfs", ctx->runroot, ctr_id);
}

char *
pp_ctr_logfile (pp_context_t *ctx, const char *ctr_id)
{
  return xasprintf ("%s/containers/%s/ctr.log", ctx->root, ctr_id);
}

/* The host's resolv.conf, without the loopback name servers a pod's own loopback does not answer on. */
char *
pp_pod_host_resolv_conf (void)
{
  pp_buf_t b = { 0 };
  cleanup_file FILE *f = fopen ("/etc/resolv.conf", "re");
  char line[1024];
  while (f && fgets (line, sizeof line, f))
    {
      if (strncmp (line, "nameserver", 10) == 0 && (strstr (line, " 127.") || strstr (line, " ::1")))
        continue;
      pp_buf_puts (&b, line);
    }
  return b.data ? b.data : xstrdup ("");
}

static void __attribute__ ((noreturn)) ns_child_fail (int fd, const char *what)
{
  pp_child_report (fd, what, NULL, errno);
  _exit (1);
}

/* In a child (in the pod's new user namespace, when it has one, once its maps are written): new network, IPC and
   UTS namespaces, loopback up, hostname.  It tells the parent by closing `errfd` (or writing why it failed), then
   waits, its namespaces held, until the parent has bound them and closes `go`. */
static void __attribute__ ((noreturn)) ns_child (const char *hostname, bool userns, int go, int errfd)
{
  /* Nothing but its two pipes: pods are made on several threads, and what the other threads had open at the clone
     (their helpers' pipes, their monitors' sockets) held here would keep their readers from seeing the end. */
  unsigned lo = (unsigned) (go < errfd ? go : errfd), hi = (unsigned) (go < errfd ? errfd : go);
  if (lo > 3)
    close_range (3, lo - 1, 0);
  if (hi > lo + 1)
    close_range (lo + 1, hi - 1, 0);
  close_range (hi + 1, ~0U, 0);
  char c;
  if (userns && PP_RETRY (read (go, &c, 1)) != 1)
    _exit (1);
  if (unshare (CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) < 0)
    ns_child_fail (errfd, "unshare the pod's namespaces");
  if (sethostname (hostname, strlen (hostname)) < 0)
    ns_child_fail (errfd, "set the pod's hostname");
  int s = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq ifr = { 0 };
  strcpy (ifr.ifr_name, "lo");
  if (s < 0 || ioctl (s, SIOCGIFFLAGS, &ifr) < 0)
    ns_child_fail (errfd, "find the pod's loopback");
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl (s, SIOCSIFFLAGS, &ifr) < 0)
    ns_child_fail (errfd, "bring the pod's loopback up");
  close (errfd);
  while (PP_RETRY (read (go, &c, 1)) > 0)
    ;
  _exit (0);
}

static char *
ns_dir (pp_context_t *ctx, const char *pod_id)
{
  return xasprintf ("%s/pods/%s/ns", ctx->runroot, pod_id);
}

bool
pp_path_is_mounted (const char *path)
{
  struct stat st, parent;
  cleanup_free char *up = xasprintf ("%s/..", path);
  if (stat (path, &st) < 0 || stat (up, &parent) < 0)
    return false;
  return st.st_dev != parent.st_dev || st.st_ino == parent.st_ino;
}

bool
pp_path_is_mount_point (const char *path)
{
  cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
  char line[4096], mp[4096];
  while (f && fgets (line, sizeof line, f))
    if (sscanf (line, "%*s %*s %*s %*s %4095s", mp) == 1 && strcmp (mp, path) == 0)
      return true;
  return false;
}

/* Binds the namespace `name` of process `pid` onto `nsd`/`name`. */
static int
bind_ns (const char *nsd, pid_t pid, const char *name, pp_error_t *err)
{
  cleanup_free char *f = xasprintf ("%s/%s", nsd, name);
  if (pp_mount_ns_file (pid, name, f) < 0)
    return pp_error_make (err, errno, "bind the pod's namespace on `%s`", f);
  return 0;
}

/* The pod's namespaces, made by a helper process and bound under `nsd`.  With `userns_base`, the helper starts in a
   new user namespace whose maps are written from here: the network, IPC and UTS namespaces it then makes are owned
   by it, so that root in the pod's containers administers them (CAP_NET_ADMIN over its own network). */
static int
make_namespaces (const char *nsd, const char *hostname, uint32_t userns_base, pp_error_t *err)
{
  int go[2], res[2];
  if (pipe2 (go, O_CLOEXEC) < 0)
    return pp_error_make (err, errno, "pipe");
  if (pipe2 (res, O_CLOEXEC) < 0)
    {
      close (go[0]);
      close (go[1]);
      return pp_error_make (err, errno, "pipe");
    }
  /* ns_child makes only async-signal-safe calls: `kube play` makes pods after its pulls, and may have threads. */
  struct clone_args args = { .flags = userns_base ? CLONE_NEWUSER : 0, .exit_signal = SIGCHLD };
  pid_t pid = (pid_t) syscall (SYS_clone3, &args, sizeof args);
  if (pid == 0)
    {
      close (go[1]);
      close (res[0]);
      ns_child (hostname, userns_base != 0, go[0], res[1]);
    }
  int ret = pid < 0 ? pp_error_make (err, errno, "clone the pod's namespace helper") : 0;
  close (go[0]);
  close (res[1]);
  if (ret == 0 && userns_base)
    {
      ret = pp_userns_write_maps (pid, userns_base, err);
      if (ret == 0 && PP_RETRY (write (go[1], "m", 1)) != 1)
        ret = pp_error_make (err, errno, "start the pod's namespace helper");
    }
  char msg[256];
  ssize_t n = ret == 0 ? PP_RETRY (read (res[0], msg, sizeof msg - 1)) : 0;
  if (n > 0)
    {
      msg[n] = '\0';
      ret = pp_error_make (err, 0, "pod namespaces: %s", msg);
    }
  if (ret == 0 && userns_base)
    ret = bind_ns (nsd, pid, "user", err);
  for (size_t i = 0; ret == 0 && i < PP_N_ELEMENTS (proc_ns); i++)
    ret = bind_ns (nsd, pid, proc_ns[i], err);
  close (go[1]);
  close (res[0]);
  int status = pid > 0 ? pp_wait_status (pid) : 0;
  if (ret == 0 && status != 0)
    ret = pp_error_make (err, 0, "pod namespaces: the helper failed (status %d)", status);
  return ret;
}

bool
pp_pod_is_set_up (pp_context_t *ctx, const char *pod_id)
{
  cleanup_free char *dir = ns_dir (ctx, pod_id);
  cleanup_free char *net = xasprintf ("%s/net", dir);
  struct stat st, d;
  /* An nsfs file bound over the empty file shows another device than its directory. */
  return stat (net, &st) == 0 && stat (dir, &d) == 0 && st.st_dev != d.st_dev;
}

int
pp_pod_setup (pp_context_t *ctx, const char *pod_id, const pp_pod_etc_t *etc, pp_error_t *err)
{
  const char *hostname = etc->hostname;
  cleanup_free char *run = pp_pod_rundir (ctx, pod_id);
  cleanup_free char *data = pp_pod_datadir (ctx, pod_id);
  cleanup_free char *nsd = ns_dir (ctx, pod_id);
  if (pp_mkdir_p (nsd, 0700) < 0 || pp_mkdir_p (data, 0700) < 0)
    return pp_error_make (err, errno, "create the pod's directories under `%s`", run);
  int64_t t = pp_now_us ();
  if (!pp_pod_is_set_up (ctx, pod_id) && make_namespaces (nsd, hostname, etc->userns_base, err) < 0)
    return -1;
  pp_debug_step (ctx, &t, "pod %.12s: namespaces", pod_id);
  cleanup_free char *netns = xasprintf ("%s/net", nsd);
  if (etc->network && pp_network_attach (ctx, pod_id, etc->network, netns, err) < 0)
    return -1;
  pp_debug_step (ctx, &t, "pod %.12s: connected to its network", pod_id);
  /* The network's names: a pod plays without them (they are a warning), as it would with a cluster DNS down. */
  const char *net_name = json_string_value (json_object_get (etc->network, "name"));
  pp_error_t dns_err = NULL;
  if (net_name
      && pp_pod_start_resolver (ctx, net_name, json_string_value (json_object_get (etc->network, "gateway")), &dns_err)
             < 0)
    {
      pp_warning (ctx, "%s", dns_err->msg);
      pp_error_release (&dns_err);
    }
  pp_debug_step (ctx, &t, "pod %.12s: its network's resolver", pod_id);
  char ip_buf[PP_IP_STRLEN], ip6_buf[PP_IP_STRLEN];
  const char *ip = etc->network ? pp_network_pod_ip (etc->network, ip_buf) : NULL;
  const char *ip6 = etc->network ? pp_network_pod_ip6 (etc->network, ip6_buf) : NULL;
  cleanup_free char *hosts_path = xasprintf ("%s/hosts", run);
  /* The pod's own name at each of its addresses, as the kubelet writes it; with a subdomain the FQDN comes first,
     so that `hostname -f` finds it by the short name. */
  cleanup_free char *names = xasprintf ("%s%s%s", etc->fqdn ? etc->fqdn : "", etc->fqdn ? "\t" : "", hostname);
  cleanup_free char *hosts = xasprintf ("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                                        "%s\t%s\n%s%s%s%s%s",
                                        ip ? ip : "127.0.1.1", names, ip6 ? ip6 : "", ip6 ? "\t" : "",
                                        ip6 ? names : "", ip6 ? "\n" : "", etc->hosts_extra ? etc->hosts_extra : "");
  cleanup_free char *hn_path = xasprintf ("%s/hostname", run);
  cleanup_free char *hn = xasprintf ("%s\n", hostname);
  cleanup_free char *rc_path = xasprintf ("%s/resolv.conf", run);
  cleanup_free char *rc = etc->resolv_conf ? xstrdup (etc->resolv_conf) : pp_pod_host_resolv_conf ();
  if (pp_write_whole (hosts_path, hosts, strlen (hosts), 0644, err) < 0 || pp_write_whole (hn_path, hn, strlen (hn), 0644, err) < 0
      || pp_write_whole (rc_path, rc, strlen (rc), 0644, err) < 0)
    return -1;
  return 0;
}

int
pp_pod_userns_open (pp_context_t *ctx, const char *pod_id, pp_error_t *err)
{
  cleanup_free char *nsd = ns_dir (ctx, pod_id);
  cleanup_free char *path = xasprintf ("%s/user", nsd);
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? -2 : pp_error_make (err, errno, "open the pod's user namespace `%s`", path);
  return fd;
}

int
pp_pod_userns_volumes (pp_context_t *ctx, const char *pod_id, uint32_t userns_base, pp_error_t *err)
{
  cleanup_free char *data = pp_pod_datadir (ctx, pod_id);
  cleanup_free char *vols = xasprintf ("%s/volumes", data);
  return pp_userns_shift_tree (vols, userns_base, err);
}

uint32_t
pp_pod_plan_userns_base (json_t *plan)
{
  return (uint32_t) json_integer_value (json_object_get (json_object_get (plan, "userNamespace"), "hostID"));
}

int
pp_pod_userns_reachable (pp_context_t *ctx, pp_error_t *err)
{
  /* The runroot may not be there yet: what podplay makes of it will be searchable. */
  cleanup_free char *path = xstrdup (ctx->runroot);
  for (char *slash = strrchr (path, '/'); slash; slash = strrchr (path, '/'))
    {
      *slash = '\0';
      struct stat st;
      const char *dir = *path ? path : "/";
      if (stat (dir, &st) == 0 && (st.st_mode & 0001) == 0)
        return pp_error_make (err, EACCES,
                              "`%s` is not searchable by others: an OCI runtime enters a pod's root filesystem under "
                              "the runroot `%s` as the pod's root (hostUsers: false), which needs it (chmod o+x `%s`, or "
                              "another --runroot)",
                              dir, ctx->runroot, dir);
    }
  return 0;
}

/* Whether a pod other than `pod_id` lists `path` among its sharedMounts. */
static bool
shared_elsewhere (pp_context_t *ctx, const char *pod_id, const char *path)
{
  cleanup_free char *pods = xasprintf ("%s/pods", ctx->root);
  cleanup_dir DIR *d = opendir (pods);
  struct dirent *de;
  bool found = false;
  while (d && !found && (de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.' || strcmp (de->d_name, pod_id) == 0)
        continue;
      json_t *plan = pp_pod_read_plan (ctx, de->d_name, NULL);
      size_t i;
      json_t *v;
      json_array_foreach (json_object_get (plan, "sharedMounts"), i, v)
      {
        found = found || strcmp (json_string_value (v) ?: "", path) == 0;
      }
      json_decref (plan);
    }
  return found;
}

/* Unmounts `path` if mounted; true when nothing is mounted there afterwards. */
static bool
unmount_path (const char *path, pp_error_t *err)
{
  if (pp_mount_detach (path) == 0 || errno == EINVAL || errno == ENOENT)
    return true;
  if (err && *err == NULL)
    pp_error_make (err, errno, "unmount `%s`", path);
  return false;
}

static void
remove_path (const char *path, pp_error_t *err)
{
  if (pp_remove_tree (AT_FDCWD, path) < 0 && errno != ENOENT && err && *err == NULL)
    pp_error_make (err, errno, "remove `%s`", path);
}

char *
pp_pod_cgroup (const char *pod_id, json_t *plan)
{
  json_t *cg = json_object_get (plan, "cgroup");
  if (json_is_string (cg))
    return xstrdup (json_string_value (cg));
  /* A plan with containers but none of them in a cgroup: a user's without one. */
  json_t *c0 = json_array_get (json_object_get (plan, "containers"), 0);
  if (c0 && json_object_get (c0, "cgroup") == NULL)
    return NULL;
  return pp_cgroup_pod_path (pod_id, NULL);
}

void
pp_pod_ctrs_teardown (pp_context_t *ctx, const char *pod_cgroup, const pp_container_rec_t *cs, size_t n,
                      pp_error_t *first)
{
  for (size_t i = 0; i < n; i++)
    {
      /* The recorded process, and whatever else is in the container's cgroup (a monitor killed mid-start). */
      if (pp_ctr_alive (&cs[i]))
        kill ((pid_t) cs[i].pid, SIGKILL);
      cleanup_free char *cg = pod_cgroup ? xasprintf ("%s/%s", pod_cgroup, cs[i].id) : NULL;
      if (cg)
        pp_cgroup_kill (cg, SIGKILL, NULL);
      for (int t = 0; t < 200 && pp_ctr_alive (&cs[i]); t++)
        usleep (10000);
    }
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *rootfs = pp_ctr_rootfs (ctx, cs[i].id);
      cleanup_free char *rundir = xasprintf ("%s/containers/%s", ctx->runroot, cs[i].id);
      cleanup_free char *data = pp_ctr_datadir (ctx, cs[i].id);
      /* Never remove a directory something is still mounted on: it would reach into the mount. */
      if (unmount_path (rootfs, first))
        {
          remove_path (rundir, first);
          remove_path (data, first);
        }
      /* What an external runtime keeps of a container its monitor could not delete (it was killed). */
      for (size_t r = 0; pp_runtimes[r]; r++)
        {
          cleanup_free char *root = pp_runtime_state_root (pp_runtimes[r], ctx->runroot);
          cleanup_free char *state = root ? xasprintf ("%s/%s", root, cs[i].id) : NULL;
          if (state)
            remove_path (state, first);
        }
    }
}

int
pp_pod_teardown (pp_context_t *ctx, const pp_pod_rec_t *pod, const pp_container_rec_t *cs, size_t n,
                 pp_error_t *err)
{
  pp_error_t first = NULL;
  json_t *net_plan = pp_pod_read_plan (ctx, pod->id, NULL);
  cleanup_free char *cgroup = pp_pod_cgroup (pod->id, net_plan);
  pp_pod_ctrs_teardown (ctx, cgroup, cs, n, &first);
  /* The pod's cgroup and its containers' below it, where play puts them; runc leaves the pod's own. */
  if (cgroup)
    pp_cgroup_remove (cgroup, &first);
  cleanup_free char *nsd = ns_dir (ctx, pod->id);
  /* Its veth, and its network's bridge and rules if it was the last pod there. */
  json_t *net = json_object_get (net_plan, "network");
  pp_error_t net_err = NULL;
  /* In a user namespace outside the user's pod network, its links and rules went with the network namespace. */
  if (net && !(ctx->in_userns && !ctx->in_infra) && pp_network_detach (ctx, pod->id, net, &net_err) < 0)
    {
      if (first == NULL)
        first = steal_pointer (&net_err);
      pp_error_release (&net_err);
    }
  json_decref (net_plan);
  /* The PID namespace file of shareProcessNamespace, which its monitor binds and unbinds (unless killed). */
  cleanup_free char *pidns = xasprintf ("%s/pid", nsd);
  cleanup_free char *userns = xasprintf ("%s/user", nsd);
  bool unmounted = unmount_path (pidns, &first);
  unmounted = unmount_path (userns, &first) && unmounted;
  for (size_t i = 0; i < PP_N_ELEMENTS (proc_ns); i++)
    {
      cleanup_free char *f = xasprintf ("%s/%s", nsd, proc_ns[i]);
      unmounted = unmount_path (f, &first) && unmounted;
    }
  /* The staging binds of subPaths, before anything removes the directory they are in: a removal would reach
     through them into the volumes. */
  cleanup_free char *subpaths = pp_subpath_dir (ctx, pod->id);
  unmounted = pp_subpath_release (subpaths, &first) == 0 && unmounted;
  cleanup_free char *run = pp_pod_rundir (ctx, pod->id);
  cleanup_free char *data = pp_pod_datadir (ctx, pod->id);
  if (unmounted)
    remove_path (run, &first);
  /* The shared bind mounts mountPropagation made of its sources, unless another pod mounts them so too. */
  json_t *plan = pp_pod_read_plan (ctx, pod->id, NULL);
  size_t si;
  json_t *sv;
  json_array_foreach (json_object_get (plan, "sharedMounts"), si, sv)
  {
    const char *path = json_string_value (sv);
    if (path && !shared_elsewhere (ctx, pod->id, path))
      unmount_path (path, &first);
  }
  json_decref (plan);
  /* Memory-backed and image volumes are mounts, and so are a user-namespaced pod's idmapped claims: they go
     before the directory that holds them. */
  bool data_free = true;
  static const char *const mount_dirs[] = { "volumes", "claims" };
  for (size_t k = 0; k < PP_N_ELEMENTS (mount_dirs); k++)
    {
      cleanup_free char *vols = xasprintf ("%s/%s", data, mount_dirs[k]);
      cleanup_dir DIR *vd = opendir (vols);
      struct dirent *de;
      while (vd && (de = readdir (vd)) != NULL)
        if (de->d_name[0] != '.')
          {
            cleanup_free char *v = xasprintf ("%s/%s", vols, de->d_name);
            data_free = unmount_path (v, &first) && data_free;
          }
    }
  if (data_free)
    remove_path (data, &first);
  if (first)
    {
      *err = first;
      return -1;
    }
  return 0;
}

json_t *
pp_pod_read_plan (pp_context_t *ctx, const char *pod_id, pp_error_t *err)
{
  cleanup_free char *data = pp_pod_datadir (ctx, pod_id);
  cleanup_free char *path = xasprintf ("%s/pod.json", data);
  json_error_t jerr;
  json_t *plan = json_load_file (path, 0, &jerr);
  if (plan == NULL)
    pp_error_make (err, 0, "`%s`: %s", path, jerr.text);
  return plan;
}

int
pp_pod_write_plan (pp_context_t *ctx, const char *pod_id, json_t *plan, pp_error_t *err)
{
  cleanup_free char *data = pp_pod_datadir (ctx, pod_id);
  cleanup_free char *path = xasprintf ("%s/pod.json", data);
  cleanup_free char *text = json_dumps (plan, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  if (pp_mkdir_p (data, 0700) < 0)
    return pp_error_make (err, errno, "create `%s`", data);
  return pp_write_whole (path, text, strlen (text), 0644, err);
}

int
pp_pod_remount_tmpfs (json_t *plan, pp_error_t *err)
{
  size_t i;
  json_t *t;
  json_array_foreach (json_object_get (plan, "tmpfs"), i, t)
  {
    const char *path = json_string_value (json_object_get (t, "path"));
    const char *opts = json_string_value (json_object_get (t, "options"));
    if (path && !pp_path_is_mounted (path) && pp_pod_mount_tmpfs (path, opts, err) < 0)
      return -1;
  }
  return 0;
}

int
pp_pod_mount_tmpfs (const char *path, const char *opts, pp_error_t *err)
{
  if (pp_mkdir_p (path, 0755) < 0)
    return pp_error_make (err, errno, "create `%s`", path);
  cleanup_close int dir = open (path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  int mnt = dir < 0 ? -1 : pp_mount_fs ("tmpfs", "tmpfs", opts, MS_NOSUID | MS_NODEV, dir);
  if (mnt < 0)
    return pp_error_make (err, errno, "mount a tmpfs on `%s`", path);
  close (mnt);
  return 0;
}

int64_t
pp_proc_start_time (pid_t pid)
{
  char path[64], buf[1024];
  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : PP_RETRY (read (fd, buf, sizeof buf - 1));
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  /* Field 22, counted after the command name, which may hold spaces and parentheses. */
  char *p = strrchr (buf, ')');
  if (p == NULL)
    return 0;
  char state = 0;
  unsigned long long start = 0;
  if (sscanf (p + 2, "%c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu", &state,
              &start)
      != 2)
    return 0;
  if (state == 'Z' || state == 'X')
    return 0;
  struct timespec now, up;
  clock_gettime (CLOCK_REALTIME, &now);
  clock_gettime (CLOCK_BOOTTIME, &up);
  long hz = sysconf (_SC_CLK_TCK);
  return (int64_t) now.tv_sec - (int64_t) up.tv_sec + (int64_t) (start / (unsigned long long) hz);
}

bool
pp_ctr_alive (const pp_container_rec_t *c)
{
  if (c->pid <= 0 || c->started <= 0)
    return false;
  int64_t t = pp_proc_start_time ((pid_t) c->pid);
  return t > 0 && t >= c->started - 2 && t <= c->started + 2;
}

bool
pp_pod_monitor_alive (const pp_pod_rec_t *pod)
{
  if (pod->monitor_pid <= 0)
    return false;
  const char *const args[] = { "monitor", pod->id, NULL };
  return pp_proc_has_args ((pid_t) pod->monitor_pid, args) && pp_proc_start_time ((pid_t) pod->monitor_pid) > 0;
}

static int
self_exe (char *buf, size_t size)
{
  ssize_t n = readlink ("/proc/self/exe", buf, size - 1);
  if (n < 0)
    return -1;
  buf[n] = '\0';
  return 0;
}

int
pp_pod_start_monitor (pp_context_t *ctx, const char *pod_id, pp_error_t *err)
{
  pp_monitor_start_t mon;
  /* Its plan is written: it says whether the pod is on the host's network (it has no "netns" then). */
  bool host_network = false;
  if (ctx->in_infra)
    {
      json_t *plan = pp_pod_read_plan (ctx, pod_id, NULL);
      host_network = plan && json_object_get (plan, "netns") == NULL;
      json_decref (plan);
    }
  if (pp_pod_spawn_monitor (ctx, pod_id, host_network, &mon, err) < 0)
    return -1;
  /* An error already made stays the one reported (pp_error_make keeps the first). */
  int ret = pp_pod_monitor_go (&mon, err);
  int waited = pp_pod_monitor_wait (&mon, err);
  return ret < 0 ? ret : waited;
}

/* Starts podplay-monitor's `verb` for `arg` (or podplay's own hidden command of that name), detached, its stderr
   to `logpath`, with the `n` descriptors of `pass` at 3, 4...; `pid` is the process started, which leaves at once
   (pp_helper_detach) and is the caller's to wait for.
   posix_spawn (a vfork: nothing of this process is copied, which a fork of `kube play`, with the manifest and the
   image store mapped, took 3-4 ms to do) in a session of its own; the helper forks and its first process exits,
   so that init or a subreaper adopts it, as a double fork did.  With `host_side`, on the host's network
   (pp_infra_host_side), without the mark of the user's pod network in its environment. */
typedef struct
{
  const char *bin;
  char **argv, **envp;
  const char *logpath;
  const int *pass;
  int n;
  pid_t *pid;
} spawn_t;

static int
spawn_one (void *arg)
{
  spawn_t *s = arg;
  return pp_spawn_detached (s->bin, s->argv, s->envp, s->logpath, false, s->pass, s->n, s->pid);
}

static int
spawn_helper (pp_context_t *ctx, const char *verb, const char *arg, bool host_side, const char *logpath,
              const int *pass, int n, pid_t *pid, pp_error_t *err)
{
  char exe[4096];
  if (self_exe (exe, sizeof exe) < 0)
    return pp_error_make (err, errno, "find the podplay binary");
  /* podplay-monitor beside podplay links less than podplay (no image store, registry client or YAML): use it when
     it is there, else podplay's own command. */
  char *slash = strrchr (exe, '/');
  cleanup_free char *mon = slash ? xasprintf ("%.*s/podplay-monitor", (int) (slash - exe), exe) : NULL;
  const char *bin = mon && access (mon, X_OK) == 0 ? mon : exe;
  const char *level = pp_log_level_name (ctx->log_level);
  cleanup_strv char **argv = xzalloc (10 * sizeof (char *));
  const char *const words[] = { bin, "--root", ctx->root, "--runroot", ctx->runroot, "--log-level", level, verb, arg };
  for (size_t i = 0; i < PP_N_ELEMENTS (words); i++)
    argv[i] = xstrdup (words[i]);
  spawn_t s = { bin, argv, NULL, logpath, pass, n, pid };
  cleanup_strv char **envp = NULL;
  size_t k = 0, len = strlen (PP_INFRA_ENV);
  if (host_side)
    {
      size_t n_env = 0;
      while (environ[n_env])
        n_env++;
      envp = xzalloc ((n_env + 1) * sizeof (char *));
      for (char **e = environ; *e; e++)
        if (strncmp (*e, PP_INFRA_ENV, len) != 0 || (*e)[len] != '=')
          envp[k++] = xstrdup (*e);
      s.envp = envp;
    }
  int e = host_side ? pp_infra_host_side (spawn_one, &s) : spawn_one (&s);
  return e ? pp_error_make (err, e, "start `%s %s`", bin, verb) : 0;
}

/* Resolvers started and not reaped yet (pp_pod_start_resolver). */
static pthread_mutex_t helpers_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t helpers[16];
static size_t n_helpers;

/* The helper's first process exits 0 once it has forked (pp_helper_detach). */
static int
reap_helper (pid_t pid, const char *verb, const char *logpath, pp_error_t *err)
{
  int st = pp_wait_status (pid);
  if (st != 0)
    return pp_error_make (err, 0, "the %s failed at its start (exit status %d): see %s", verb, st, logpath);
  return 0;
}

void
pp_helper_detach (void)
{
  pid_t pid = fork ();
  if (pid > 0)
    _exit (0);
  /* Without the fork, the helper would stay a child of its starter, which waits for it: it cannot go on. */
  if (pid < 0)
    {
      fprintf (stderr, "podplay: cannot leave the starting process: %s\n", strerror (errno));
      _exit (127);
    }
}

int
pp_pod_spawn_monitor (pp_context_t *ctx, const char *pod_id, bool host_network, pp_monitor_start_t *mon,
                      pp_error_t *err)
{
  *mon = (pp_monitor_start_t){ .fd = -1, .pid = -1 };
  cleanup_free char *data = pp_pod_datadir (ctx, pod_id);
  cleanup_free char *logpath = xasprintf ("%s/monitor.log", data);
  int sv[2];
  if (pp_mkdir_p (data, 0700) < 0)
    return pp_error_make (err, errno, "create `%s`", data);
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
    return pp_error_make (err, errno, "socketpair");
  /* A hostNetwork pod's monitor is started on the host's network, where its containers then are. */
  int ret = spawn_helper (ctx, "monitor", pod_id, host_network && ctx->in_infra, logpath, &sv[1], 1, &mon->pid, err);
  close (sv[1]);
  if (ret < 0)
    {
      close (sv[0]);
      return -1;
    }
  mon->fd = sv[0];
  return 0;
}

int
pp_pod_monitor_go (pp_monitor_start_t *mon, pp_error_t *err)
{
  /* MSG_NOSIGNAL: a monitor that died must not take podplay with it (SIGPIPE). */
  if (PP_RETRY (send (mon->fd, "g", 1, MSG_NOSIGNAL)) != 1)
    return pp_error_make (err, errno, "tell the pod's monitor to start the containers");
  mon->go = true;
  return 0;
}

int
pp_pod_monitor_wait (pp_monitor_start_t *mon, pp_error_t *err)
{
  if (mon->pid < 0)
    return 0;
  /* A monitor never told to go reads the end of the socket, and leaves without starting anything: its end of the
     socket closes as it exits, which is waited for (5 s at most), so that nothing of a failed play runs on. */
  int ret = 0;
  if (mon->go)
    ret = pp_pod_monitor_ready (mon->fd, err);
  else
    {
      shutdown (mon->fd, SHUT_WR);
      struct pollfd pfd = { .fd = mon->fd, .events = POLLIN };
      char c;
      while (PP_RETRY (poll (&pfd, 1, 5000)) > 0 && PP_RETRY (read (mon->fd, &c, 1)) > 0)
        ;
      close (mon->fd);
    }
  if (reap_helper (mon->pid, "pod's monitor", "its monitor.log", err) < 0)
    ret = -1;
  *mon = (pp_monitor_start_t){ .fd = -1, .pid = -1 };
  return ret;
}

int
pp_pod_start_resolver (pp_context_t *ctx, const char *network, const char *gateway, pp_error_t *err)
{
  /* Under the network lock, which the resolver takes too to decide that its network has no pod left: a pod
     recorded in the network before this either keeps a running resolver, or finds none and starts one.  Its
     sockets listen before this returns, so the play goes on without waiting for it to run. */
  cleanup_close int lock = pp_network_lock (ctx, err);
  int fds[3];
  int r = lock < 0 ? -1 : pp_resolver_prepare (ctx, network, gateway, fds, err);
  if (r != 0)
    return r < 0 ? -1 : 0;
  cleanup_free char *logpath = pp_resolver_path (ctx, network, "log");
  pid_t pid;
  int ret = spawn_helper (ctx, "dns", network, false, logpath, fds, 3, &pid, err);
  for (int i = 0; i < 3; i++)
    close (fds[i]);
  if (ret < 0)
    return -1;
  /* Its sockets listen already: the play goes on while it execs and leaves us (its exec and its fork take 3-4 ms),
     and it is reaped later (pp_pod_reap_helpers), or at once when too many wait. */
  pthread_mutex_lock (&helpers_lock);
  bool kept = n_helpers < PP_N_ELEMENTS (helpers);
  if (kept)
    helpers[n_helpers++] = pid;
  pthread_mutex_unlock (&helpers_lock);
  return kept ? 0 : reap_helper (pid, "resolver", logpath, err);
}

void
pp_pod_reap_helpers (pp_context_t *ctx)
{
  pthread_mutex_lock (&helpers_lock);
  for (size_t i = 0; i < n_helpers; i++)
    {
      int st = pp_wait_status (helpers[i]);
      if (st != 0)
        pp_warning (ctx, "a pod network's resolver failed at its start (exit status %d): see its log under %s/dns",
                    st, ctx->runroot);
    }
  n_helpers = 0;
  pthread_mutex_unlock (&helpers_lock);
}

int
pp_fork_detached (const char *logpath, int *ready_fd, pp_error_t *err)
{
  int pipefd[2];
  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return pp_error_make (err, errno, "pipe");
  fflush (NULL);
  /* The child makes only async-signal-safe calls here, for callers with threads (`kube play` after its pulls); what
     it runs once this returns 0 is the caller's to keep so (see pp_pod_spawn_monitor and pp_job_start). */
  pid_t pid = fork ();
  if (pid < 0)
    {
      close (pipefd[0]);
      close (pipefd[1]);
      return pp_error_make (err, errno, "fork");
    }
  if (pid == 0)
    {
      /* Detached: own session, no terminal, the intermediate gone so that init (or a subreaper) adopts it. */
      close (pipefd[0]);
      setsid ();
      if (fork () != 0)
        _exit (0);
      int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
      int log = open (logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      if (null < 0 || log < 0 || dup2 (null, 0) < 0 || dup2 (null, 1) < 0 || dup2 (log, 2) < 0 || chdir ("/") < 0)
        _exit (127);
      *ready_fd = pipefd[1];
      return 0;
    }
  close (pipefd[1]);
  pp_wait_status (pid);
  *ready_fd = pipefd[0];
  return 1;
}

int
pp_pod_monitor_ready (int fd, pp_error_t *err)
{
  /* The monitor writes nothing when all is well, or why it failed; the pipe closes either way. */
  pp_buf_t msg = { 0 };
  char buf[512];
  ssize_t n;
  while ((n = PP_RETRY (read (fd, buf, sizeof buf))) > 0)
    pp_buf_append (&msg, buf, (size_t) n);
  close (fd);
  if (msg.len > 0)
    {
      int ret = pp_error_make (err, 0, "%.*s", (int) msg.len, msg.data);
      pp_buf_free (&msg);
      return ret;
    }
  return 0;
}

int
pp_pod_grace (pp_context_t *ctx, const char *pod_id)
{
  json_t *plan = pp_pod_read_plan (ctx, pod_id, NULL);
  int grace = plan ? (int) json_integer_value (json_object_get (plan, "terminationGracePeriodSeconds")) : 30;
  json_decref (plan);
  return grace;
}

void
pp_pod_stop_begin (const pp_pod_rec_t *pod, int timeout)
{
  /* The grace period rides with the signal. */
  union sigval v = { .sival_int = timeout };
  if (pp_pod_monitor_alive (pod))
    sigqueue ((pid_t) pod->monitor_pid, SIGTERM, v);
}

int
pp_pod_stop (pp_context_t *ctx, pp_state_t *state, const pp_pod_rec_t *pod, int timeout, pp_error_t *err)
{
  (void) ctx;
  if (pp_pod_monitor_alive (pod))
    {
      union sigval v = { .sival_int = timeout };
      if (sigqueue ((pid_t) pod->monitor_pid, SIGTERM, v) < 0 && errno != ESRCH)
        return pp_error_make (err, errno, "signal the monitor of pod %s", pod->name);
      if (!pp_proc_wait_gone ((pid_t) pod->monitor_pid, (timeout + 10) * 1000))
        return pp_error_make (err, ETIMEDOUT, "the monitor of pod %s did not stop", pod->name);
      return 0;
    }
  /* No monitor: end what is left of the containers and record it (on a copy: refresh updates what it gets). */
  pp_pod_rec_t copy = { .id = xstrdup (pod->id), .name = xstrdup (pod->name), .status = xstrdup (pod->status),
                        .monitor_pid = pod->monitor_pid };
  int ret = pp_pod_refresh (state, &copy, err);
  pp_pod_rec_release (&copy);
  return ret;
}

int
pp_pod_refresh (pp_state_t *state, pp_pod_rec_t *pod, pp_error_t *err)
{
  if (pp_pod_monitor_alive (pod))
    return 0;
  pp_container_rec_t *cs = NULL;
  size_t n = 0;
  if (pp_state_container_list (state, pod->id, &cs, &n, err) < 0)
    return -1;
  bool changed = strcmp (pod->status, "Running") == 0 || strcmp (pod->status, "Stopping") == 0;
  int ret = 0;
  for (size_t i = 0; i < n && ret == 0; i++)
    {
      if (strcmp (cs[i].status, "Running") != 0 && strcmp (cs[i].status, "Waiting") != 0
          && strcmp (cs[i].status, "Stopping") != 0)
        continue;
      /* A container without its monitor has nobody to log or restart it: it is ended, not left unnoticed. */
      if (pp_ctr_alive (&cs[i]))
        {
          kill ((pid_t) cs[i].pid, SIGKILL);
          pp_proc_wait_gone ((pid_t) cs[i].pid, 2000);
        }
      free (cs[i].status);
      cs[i].status = xstrdup ("Exited");
      if (cs[i].exit_code < 0)
        cs[i].exit_code = 137;
      cs[i].finished = (int64_t) time (NULL);
      ret = pp_state_container_update (state, &cs[i], err);
      changed = true;
    }
  pp_container_recs_free (cs, n);
  if (ret == 0 && changed && pod->monitor_pid > 0)
    {
      ret = pp_state_pod_set_status (state, pod->id, "Error", 0, err);
      if (ret == 0)
        {
          free (pod->status);
          pod->status = xstrdup ("Error");
          pod->monitor_pid = 0;
        }
    }
  return ret;
}
