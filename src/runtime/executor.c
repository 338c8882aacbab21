/* The built-in OCI executor: namespaces, mounts, pivot_root, masking, identity and capabilities, then exec. */
#include "runtime/executor.h"
#include "core/capnames.h"
#include "core/safepath.h"
#include "runtime/mounts.h"
#include "runtime/seccomp.h"
#include "runtime/cgroup.h"
#include "runtime/userns.h"

#include <fcntl.h>
#include <jansson.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <linux/sched.h>
#include <sys/syscall.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

/* Everything the child needs, computed from config.json before the fork: after it, the child only applies. */
typedef struct
{
  char *name, *type, *source, *data;
  unsigned long flags;
  unsigned long propagation; /* MS_PRIVATE, MS_SLAVE, MS_SHARED or MS_UNBINDABLE (| MS_REC), 0 for none */
  bool bind, readonly, cgroup;
} mnt_t;

typedef struct
{
  char *rootfs;
  bool readonly_root;
  unsigned long root_propagation; /* linux.rootfsPropagation, 0 when not given (the mounts are made private) */
  char **args, **env;
  char *cwd, *hostname;
  uid_t uid;
  gid_t gid;
  gid_t *groups;
  size_t n_groups;
  int unshare_flags;
  int join_fds[8], join_types[8];
  size_t n_join;
  int user_fd; /* the user namespace to join first (a pod's, for hostUsers: false), or -1 */
  mnt_t *mounts;
  size_t n_mounts;
  char **masked, **readonly;
  uint64_t caps, bounding;
  bool nnp;
  struct sock_fprog seccomp; /* compiled linux.seccomp; filter NULL when unconfined */
  struct
  {
    int resource;
    struct rlimit limit;
  } rlimits[RLIM_NLIMITS];
  size_t n_rlimits;
  char *cgroup_path; /* linux.cgroupsPath, made before the fork; NULL for none */
  int *cgroup_fds;   /* its cgroup.procs in each hierarchy, for the child to enter */
  size_t n_cgroup_fds;
  bool cgroup_ns; /* a cgroup namespace of its own (new or joined): the cgroup mount shows its cgroup as root */
  char **sysctl_paths, **sysctl_values; /* linux.sysctl: files under /proc/sys and what to write there */
  size_t n_sysctls;
  bool terminal; /* process.terminal */
} prep_t;

static char **
strv_from_json (json_t *a)
{
  size_t n = json_array_size (a), i;
  char **v = xzalloc ((n + 1) * sizeof (char *));
  json_t *x;
  json_array_foreach (a, i, x) v[i] = xstrdup (json_string_value (x) ?: "");
  return v;
}

static void
strv_free (char **v)
{
  for (size_t i = 0; v && v[i]; i++)
    free (v[i]);
  free (v);
}

static uint64_t
caps_mask (json_t *names)
{
  uint64_t m = 0;
  size_t i;
  json_t *n;
  json_array_foreach (names, i, n)
  {
    const char *s = json_string_value (n);
    if (s == NULL)
      continue;
    if (strncmp (s, "CAP_", 4) == 0)
      s += 4;
    for (size_t c = 0; pp_capability_names[c]; c++)
      if (strcmp (pp_capability_names[c], s) == 0)
        m |= 1ULL << c;
  }
  return m;
}

static const struct
{
  const char *name;
  unsigned long set, clear;
} mount_flags[] = {
  { "ro", MS_RDONLY, 0 },           { "rw", 0, MS_RDONLY },       { "nosuid", MS_NOSUID, 0 },
  { "nodev", MS_NODEV, 0 },         { "noexec", MS_NOEXEC, 0 },   { "strictatime", MS_STRICTATIME, 0 },
  { "relatime", MS_RELATIME, 0 },   { "noatime", MS_NOATIME, 0 }, { "bind", MS_BIND, 0 },
  { "rbind", MS_BIND | MS_REC, 0 },
};

/* Propagation options, applied once a mount is made (mount(2) takes them apart from the other flags). */
static const struct
{
  const char *name;
  unsigned long flags;
} propagation_flags[] = {
  { "private", MS_PRIVATE },       { "rprivate", MS_PRIVATE | MS_REC },
  { "slave", MS_SLAVE },           { "rslave", MS_SLAVE | MS_REC },
  { "shared", MS_SHARED },         { "rshared", MS_SHARED | MS_REC },
  { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

static unsigned long
propagation_of (const char *s)
{
  for (size_t k = 0; s && k < PP_N_ELEMENTS (propagation_flags); k++)
    if (strcmp (s, propagation_flags[k].name) == 0)
      return propagation_flags[k].flags;
  return 0;
}

static void
parse_mount (json_t *m, mnt_t *out)
{
  memset (out, 0, sizeof *out);
  out->name = xstrdup (json_string_value (json_object_get (m, "destination")) ?: "/");
  out->type = xstrdup (json_string_value (json_object_get (m, "type")) ?: "none");
  out->source = xstrdup (json_string_value (json_object_get (m, "source")) ?: "none");
  pp_buf_t data = { 0 };
  size_t i;
  json_t *o;
  json_array_foreach (json_object_get (m, "options"), i, o)
  {
    const char *s = json_string_value (o);
    bool known = false;
    for (size_t k = 0; s && k < PP_N_ELEMENTS (mount_flags); k++)
      if (strcmp (s, mount_flags[k].name) == 0)
        {
          out->flags = (out->flags | mount_flags[k].set) & ~mount_flags[k].clear;
          known = true;
        }
    if (propagation_of (s))
      {
        out->propagation = propagation_of (s);
        known = true;
      }
    if (s && !known)
      pp_buf_printf (&data, "%s%s", data.len ? "," : "", s);
  }
  out->bind = (out->flags & MS_BIND) != 0;
  out->readonly = (out->flags & MS_RDONLY) != 0;
  out->data = data.data;
}

static const struct
{
  const char *type;
  int flag;
} ns_types[] = {
  { "pid", CLONE_NEWPID },   { "network", CLONE_NEWNET },   { "ipc", CLONE_NEWIPC },  { "uts", CLONE_NEWUTS },
  { "mount", CLONE_NEWNS },  { "cgroup", CLONE_NEWCGROUP }, { "user", CLONE_NEWUSER },
};

/* The container's cgroup, its cgroup.procs opened before the fork for the child to enter by.  A start makes it
   with linux.resources' limits.  An exec joins the one the container is in and touches nothing of it: no limit
   is written again (one changed since the start stays changed), nothing is made (a cgroup that is gone means the
   container has ended, and one made again would be left behind). */
static int
prepare_cgroup (prep_t *p, json_t *lnx, bool exec, pp_error_t *err)
{
  size_t n;
  pp_cgroup_hierarchies (&n); /* probed here, so that the child mounts from a table it need not build */
  for (size_t i = 0; i < p->n_join; i++)
    p->cgroup_ns |= p->join_types[i] == CLONE_NEWCGROUP;
  p->cgroup_ns |= (p->unshare_flags & CLONE_NEWCGROUP) != 0;
  const char *path = json_string_value (json_object_get (lnx, "cgroupsPath"));
  if (path == NULL)
    return 0;
  if (exec)
    {
      cleanup_error pp_error_t e = NULL;
      if (pp_cgroup_open_procs (path, &p->cgroup_fds, &p->n_cgroup_fds, &e) == 0)
        return 0;
      if (e->status == ENOENT)
        return pp_error_make (err, ESRCH, "the container has ended: its cgroup `%s` is gone", path);
      return pp_error_make (err, e->status, "%s", e->msg);
    }
  json_t *res = json_object_get (lnx, "resources");
  json_t *mem = json_object_get (res, "memory"), *cpu = json_object_get (res, "cpu");
  pp_cgroup_limits_t lim = {
    .memory = json_integer_value (json_object_get (mem, "limit")),
    .memory_swap = json_integer_value (json_object_get (mem, "swap")),
    .cpu_quota = json_integer_value (json_object_get (cpu, "quota")),
    .cpu_period = (uint64_t) json_integer_value (json_object_get (cpu, "period")),
    .cpu_shares = (uint64_t) json_integer_value (json_object_get (cpu, "shares")),
    .pids = json_integer_value (json_object_get (json_object_get (res, "pids"), "limit")),
  };
  if (pp_cgroup_create (path, &lim, err) < 0)
    return -1;
  p->cgroup_path = xstrdup (path);
  return pp_cgroup_open_procs (path, &p->cgroup_fds, &p->n_cgroup_fds, err);
}

/* linux.sysctl as files under /proc/sys: a name is dotted, and nothing in it may lead out of /proc/sys. */
static int
prepare_sysctls (prep_t *p, json_t *sysctl, const char *path, pp_error_t *err)
{
  size_t n = json_object_size (sysctl);
  p->sysctl_paths = xzalloc ((n + 1) * sizeof (char *));
  p->sysctl_values = xzalloc ((n + 1) * sizeof (char *));
  const char *name;
  json_t *value;
  json_object_foreach (sysctl, name, value)
  {
    if (name[0] == '\0'
        || strspn (name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") != strlen (name))
      return pp_error_make (err, 0, "`%s`: linux.sysctl: invalid name `%s`", path, name);
    if (!json_is_string (value))
      return pp_error_make (err, 0, "`%s`: linux.sysctl: the value of `%s` is not a string", path, name);
    char *file = xasprintf ("/proc/sys/%s", name);
    for (char *c = file + 10; *c; c++)
      if (*c == '.')
        *c = '/';
    p->sysctl_paths[p->n_sysctls] = file;
    p->sysctl_values[p->n_sysctls++] = xstrdup (json_string_value (value));
  }
  return 0;
}

/* Everything a start (or, with `exec`, an exec into the running container) needs from the bundle's config.json. */
static int
prepare (const char *dir, prep_t *p, bool exec, pp_error_t *err)
{
  memset (p, 0, sizeof *p);
  for (size_t i = 0; i < PP_N_ELEMENTS (p->join_fds); i++)
    p->join_fds[i] = -1;
  p->user_fd = -1;
  cleanup_free char *path = xasprintf ("%s/config.json", dir);
  json_error_t jerr;
  json_t *c = json_load_file (path, 0, &jerr);
  if (c == NULL)
    return pp_error_make (err, 0, "`%s`: %s", path, jerr.text);
  json_t *proc = json_object_get (c, "process"), *user = json_object_get (proc, "user");
  json_t *lnx = json_object_get (c, "linux"), *caps = json_object_get (proc, "capabilities");
  const char *root = json_string_value (json_object_get (json_object_get (c, "root"), "path"));
  p->rootfs = root && root[0] == '/' ? xstrdup (root) : xasprintf ("%s/%s", dir, root ? root : "rootfs");
  p->readonly_root = json_is_true (json_object_get (json_object_get (c, "root"), "readonly"));
  p->root_propagation = propagation_of (json_string_value (json_object_get (lnx, "rootfsPropagation")));
  p->args = strv_from_json (json_object_get (proc, "args"));
  p->env = strv_from_json (json_object_get (proc, "env"));
  p->cwd = xstrdup (json_string_value (json_object_get (proc, "cwd")) ?: "/");
  const char *hn = json_string_value (json_object_get (c, "hostname"));
  p->hostname = hn ? xstrdup (hn) : NULL;
  p->uid = (uid_t) json_integer_value (json_object_get (user, "uid"));
  p->gid = (gid_t) json_integer_value (json_object_get (user, "gid"));
  json_t *groups = json_object_get (user, "additionalGids");
  p->n_groups = json_array_size (groups);
  p->groups = xzalloc ((p->n_groups + 1) * sizeof (gid_t));
  for (size_t i = 0; i < p->n_groups; i++)
    p->groups[i] = (gid_t) json_integer_value (json_array_get (groups, i));
  p->caps = caps_mask (json_object_get (caps, "effective"));
  p->bounding = caps_mask (json_object_get (caps, "bounding"));
  p->nnp = json_is_true (json_object_get (proc, "noNewPrivileges"));
  p->masked = strv_from_json (json_object_get (lnx, "maskedPaths"));
  p->readonly = strv_from_json (json_object_get (lnx, "readonlyPaths"));
  size_t i;
  json_t *x;
  int ret = 0;
  json_array_foreach (json_object_get (lnx, "namespaces"), i, x)
  {
    const char *type = json_string_value (json_object_get (x, "type")) ?: "";
    const char *nspath = json_string_value (json_object_get (x, "path"));
    int flag = 0;
    for (size_t k = 0; k < PP_N_ELEMENTS (ns_types); k++)
      if (strcmp (type, ns_types[k].type) == 0)
        flag = ns_types[k].flag;
    /* A user namespace is joined (a pod's, whose maps its maker wrote), never made here. */
    if (flag == 0 || (flag == CLONE_NEWUSER && nspath == NULL))
      {
        ret = pp_error_make (err, 0, "`%s`: namespace type `%s`%s is not supported", path, type,
                             flag ? " without a path" : "");
        break;
      }
    if (flag == CLONE_NEWUSER)
      {
        if (p->user_fd >= 0)
          close (p->user_fd);
        p->user_fd = open (nspath, O_RDONLY | O_CLOEXEC);
        if (p->user_fd < 0)
          {
            ret = pp_error_make (err, errno, "open namespace `%s`", nspath);
            break;
          }
      }
    else if (nspath == NULL)
      p->unshare_flags |= flag;
    else if (p->n_join < PP_N_ELEMENTS (p->join_fds))
      {
        p->join_fds[p->n_join] = open (nspath, O_RDONLY | O_CLOEXEC);
        p->join_types[p->n_join] = flag;
        if (p->join_fds[p->n_join++] < 0)
          {
            ret = pp_error_make (err, errno, "open namespace `%s`", nspath);
            break;
          }
      }
  }
  json_t *mounts = json_object_get (c, "mounts");
  p->mounts = xzalloc ((json_array_size (mounts) + 1) * sizeof (mnt_t));
  json_array_foreach (mounts, i, x)
  {
    parse_mount (x, &p->mounts[p->n_mounts]);
    /* The cgroup filesystem is one mount on v2 and one per hierarchy on v1: the cgroup module lays it out. */
    p->mounts[p->n_mounts++].cgroup = strcmp (json_string_value (json_object_get (x, "type")) ?: "", "cgroup") == 0;
  }
  if (ret == 0 && !(p->unshare_flags & CLONE_NEWNS))
    ret = pp_error_make (err, 0, "`%s`: a container needs its own mount namespace", path);
  if (ret == 0 && p->args[0] == NULL)
    ret = pp_error_make (err, 0, "`%s`: process.args is empty", path);
  json_array_foreach (ret == 0 ? json_object_get (proc, "rlimits") : NULL, i, x)
  {
    static const char *const names[] = { "RLIMIT_CPU",   "RLIMIT_FSIZE",   "RLIMIT_DATA",     "RLIMIT_STACK",
                                         "RLIMIT_CORE",  "RLIMIT_RSS",     "RLIMIT_NPROC",    "RLIMIT_NOFILE",
                                         "RLIMIT_MEMLOCK", "RLIMIT_AS",    "RLIMIT_LOCKS",    "RLIMIT_SIGPENDING",
                                         "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO",   "RLIMIT_RTTIME" };
    const char *type = json_string_value (json_object_get (x, "type")) ?: "";
    size_t r;
    for (r = 0; r < PP_N_ELEMENTS (names) && strcmp (names[r], type) != 0; r++)
      ;
    if (r == PP_N_ELEMENTS (names) || p->n_rlimits == PP_N_ELEMENTS (p->rlimits))
      {
        ret = pp_error_make (err, 0, "`%s`: process.rlimits[%zu]: unknown type `%s`", path, i, type);
        break;
      }
    p->rlimits[p->n_rlimits].resource = (int) r;
    p->rlimits[p->n_rlimits].limit.rlim_cur = (rlim_t) json_integer_value (json_object_get (x, "soft"));
    p->rlimits[p->n_rlimits++].limit.rlim_max = (rlim_t) json_integer_value (json_object_get (x, "hard"));
  }
  if (ret == 0)
    ret = prepare_sysctls (p, json_object_get (lnx, "sysctl"), path, err);
  p->terminal = json_is_true (json_object_get (proc, "terminal"));
  json_t *seccomp = json_object_get (lnx, "seccomp");
  /* podplay's bundles name a cache of compiled filters (an annotation: other runtimes ignore it). */
  const char *cache = json_string_value (json_object_get (json_object_get (c, "annotations"), PP_SECCOMP_CACHE_ANNOTATION));
  if (ret == 0 && seccomp && pp_seccomp_compile_cached (seccomp, cache, &p->seccomp, err) < 0)
    ret = pp_error_wrap (err, "`%s`: linux.seccomp", path);
  if (ret == 0)
    ret = prepare_cgroup (p, lnx, exec, err);
  json_decref (c);
  return ret;
}

static void
release (prep_t *p)
{
  free (p->rootfs);
  strv_free (p->args);
  strv_free (p->env);
  free (p->cwd);
  free (p->hostname);
  free (p->groups);
  for (size_t i = 0; i < p->n_join; i++)
    if (p->join_fds[i] >= 0)
      close (p->join_fds[i]);
  if (p->user_fd >= 0)
    close (p->user_fd);
  for (size_t i = 0; i < p->n_mounts; i++)
    {
      free (p->mounts[i].name);
      free (p->mounts[i].type);
      free (p->mounts[i].source);
      free (p->mounts[i].data);
    }
  free (p->mounts);
  strv_free (p->masked);
  strv_free (p->readonly);
  pp_seccomp_release (&p->seccomp);
  for (size_t i = 0; i < p->n_cgroup_fds; i++)
    close (p->cgroup_fds[i]);
  free (p->cgroup_fds);
  free (p->cgroup_path);
  strv_free (p->sysctl_paths);
  strv_free (p->sysctl_values);
}

/* A start that failed: the cgroup made for it goes too. */
static void
abandon (prep_t *p)
{
  int e = errno;
  if (p->cgroup_path)
    pp_cgroup_remove (p->cgroup_path, NULL);
  release (p);
  errno = e;
}

/* ---- in the child: every failure goes to the parent through `errfd`, then _exit ---- */

static void __attribute__ ((noreturn)) child_fail (int errfd, const char *what, const char *arg)
{
  pp_child_report (errfd, what, arg, errno);
  _exit (127);
}

/* In a joined user namespace, the ids the process had are not mapped: files it makes (mount points on the tmpfs
   of /dev) would fail.  It becomes the namespace's root, which keeps its capabilities there. */
static void
become_ns_root (int errfd)
{
  if (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0)
    child_fail (errfd, "become root of the user namespace", NULL);
}

/* The target of a mount, resolved inside the new root at this moment (symlinks followed but kept inside it, as
   the container will see them; what is missing made there), so that nothing swapped meanwhile by a container
   sharing a volume leads the mount out of the root (runc's CVE-2021-30465). */
static int
target_in (int root, const char *path, bool file, int errfd)
{
  int fd = pp_create_at (root, path, file);
  if (fd < 0)
    child_fail (errfd, "create the mount point", path);
  return fd;
}

/* A target that a container sharing its volume renamed away between its open and the mount (the kernel answers
   ENOENT for a mount onto an unlinked file) is opened again, a bounded number of times: the mount goes onto what
   the path names inside the root at that moment, and a sidecar that swaps it in a loop delays a start, never
   fails it nor chooses what is mounted. */
enum { TARGET_TRIES = 200 };

static bool
target_gone (int tries)
{
  return errno == ENOENT && tries < TARGET_TRIES;
}

/* One mount of config.json onto its target: a bind of the source opened before, a filesystem, or the cgroups. */
static void
mount_one (const prep_t *p, const mnt_t *m, int src, int root, int errfd)
{
  struct stat st;
  bool file = m->bind && fstat (src, &st) == 0 && !S_ISDIR (st.st_mode);
  if (m->cgroup)
    {
      cleanup_close int target = target_in (root, m->name, false, errfd);
      char failed[512];
      if (pp_cgroup_mount (target, m->flags, p->cgroup_path, p->cgroup_ns, failed, sizeof failed) < 0)
        child_fail (errfd, failed, NULL);
      return;
    }
  /* Read-only, nosuid, nodev and noexec go on a bind before it is attached: it is never seen writable.  A tmpfs
     (/dev among them) is nodev here: the devices a container gets are binds of the host's, mounts of their own, so
     that a node made with CAP_MKNOD opens nothing (there is no device cgroup to stop it, as runc has). */
  unsigned long flags = m->flags | (!m->bind && strcmp (m->type, "tmpfs") == 0 ? MS_NODEV : 0);
  cleanup_close int mnt = -1;
  for (int tries = 0; mnt < 0; tries++)
    {
      cleanup_close int target = target_in (root, m->name, file, errfd);
      mnt = m->bind ? pp_mount_bind (src, target, flags, -1) : pp_mount_fs (m->type, m->source, m->data, flags, target);
      if (mnt < 0 && !target_gone (tries))
        child_fail (errfd, "mount", m->name);
    }
  /* A bind mount of a source that follows the host (rslave) or is its peer (rshared) is so already; rprivate
     cuts it off. */
  if (m->propagation && pp_mount_propagation (mnt, m->propagation) < 0)
    child_fail (errfd, "set the propagation of", m->name);
}

/* The devices a container gets: bound from the host's (`fds`, opened before), which the container cannot change;
   and the links /dev has. */
static const char *const devices[] = { "null", "zero", "full", "random", "urandom", "tty" };

static void
make_devices (int root, const int *fds, int errfd)
{
  for (size_t i = 0; i < PP_N_ELEMENTS (devices); i++)
    {
      char rel[64];
      snprintf (rel, sizeof rel, "/dev/%s", devices[i]);
      for (int tries = 0;; tries++)
        {
          cleanup_close int target = target_in (root, rel, true, errfd);
          int mnt = pp_mount_bind (fds[i], target, 0, -1);
          if (mnt >= 0)
            {
              close (mnt);
              break;
            }
          if (!target_gone (tries))
            child_fail (errfd, "bind device", rel);
        }
    }
  static const char *const links[][2] = { { "/proc/self/fd", "fd" },
                                          { "/proc/self/fd/0", "stdin" },
                                          { "/proc/self/fd/1", "stdout" },
                                          { "/proc/self/fd/2", "stderr" },
                                          { "pts/ptmx", "ptmx" } };
  int devfd = pp_open_at (root, "dev", PP_RESOLVE_IN_ROOT, O_PATH | O_DIRECTORY, 0);
  for (size_t i = 0; devfd >= 0 && i < PP_N_ELEMENTS (links); i++)
    symlinkat (links[i][0], devfd, links[i][1]);
  if (devfd >= 0)
    close (devfd);
}

/* Masks a path of /proc or /sys inside the root: an empty read-only tmpfs over a directory, /dev/null over a
   file.  What the container has not got is left alone. */
static void
mask_path (int root, const char *path, int null, int errfd)
{
  cleanup_close int target = pp_open_at (root, path, PP_RESOLVE_IN_ROOT, O_PATH, 0);
  struct stat st;
  if (target < 0 || fstat (target, &st) < 0)
    return;
  int mnt;
  if (S_ISDIR (st.st_mode))
    mnt = pp_mount_fs ("tmpfs", "tmpfs", "size=0k", MS_RDONLY, target);
  else
    mnt = pp_mount_bind (null, target, 0, -1);
  if (mnt < 0)
    child_fail (errfd, "mask", path);
  close (mnt);
}

/* Opens a source on the host side, in the container's new mount namespace (a bind takes its source from no
   other), before a joined user namespace's root loses the right to search the host's directories. */
static int
open_source (const char *path, int errfd)
{
  int fd = open (path, O_PATH | O_CLOEXEC);
  if (fd < 0)
    child_fail (errfd, "open the mount source", path);
  return fd;
}

/* The container's mounts, under a bind of the root filesystem on itself (pivot_root wants a mount): every target
   resolved from that root's descriptor.  Returns the descriptor. */
static int
do_mounts (const prep_t *p, int errfd)
{
  /* Nothing the container mounts reaches the host: every mount private, unless rootfsPropagation keeps the
     host's mounts flowing in (rslave: a HostToContainer volume) or shared with it (rshared: Bidirectional).
     pivot_root refuses a shared root, or a shared parent of the new root: for rshared the root alone and the
     rootfs's mounts become private, and the mounts below the root keep their peers, which a Bidirectional bind
     mount joins (as runc makes the rootfs's parent private). */
  cleanup_close int slash = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int rootfs = open (p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (slash < 0 || rootfs < 0)
    child_fail (errfd, "open the root", p->rootfs);
  if (p->root_propagation & MS_SHARED)
    {
      if (pp_mount_propagation (slash, MS_PRIVATE) < 0)
        child_fail (errfd, "make / private", NULL);
      if (pp_mount_propagation (rootfs, MS_REC | MS_PRIVATE) < 0 && errno != EINVAL)
        child_fail (errfd, "make the root private", p->rootfs);
    }
  else if (pp_mount_propagation (slash, p->root_propagation ? p->root_propagation : MS_REC | MS_PRIVATE) < 0)
    child_fail (errfd, "set the propagation of /", NULL);
  int root = pp_mount_bind (rootfs, rootfs, MS_REC, -1);
  if (root < 0)
    child_fail (errfd, "bind the root", p->rootfs);
  int sources[p->n_mounts + 1], devs[PP_N_ELEMENTS (devices)];
  for (size_t i = 0; i < p->n_mounts; i++)
    sources[i] = p->mounts[i].bind ? open_source (p->mounts[i].source, errfd) : -1;
  for (size_t i = 0; i < PP_N_ELEMENTS (devices); i++)
    {
      char path[64];
      snprintf (path, sizeof path, "/dev/%s", devices[i]);
      devs[i] = open_source (path, errfd);
    }
  if (p->user_fd >= 0)
    become_ns_root (errfd);
  for (size_t i = 0; i < p->n_mounts; i++)
    mount_one (p, &p->mounts[i], sources[i], root, errfd);
  make_devices (root, devs, errfd);
  /* Masked files get the host's /dev/null by the descriptor opened above, before pivot_root: looked up by its path
     in the container's /dev, it could be what a container sharing a volume at /dev put there (runc's
     CVE-2025-31133). */
  for (size_t i = 0; p->masked && p->masked[i]; i++)
    mask_path (root, p->masked[i], devs[0], errfd);
  for (size_t i = 0; i < p->n_mounts; i++)
    if (sources[i] >= 0)
      close (sources[i]);
  for (size_t i = 0; i < PP_N_ELEMENTS (devices); i++)
    close (devs[i]);
  return root;
}

static void
enter_root (const prep_t *p, int root, int errfd)
{
  /* When the mounts are not all private, the old root becomes a slave before it is detached. */
  if (pp_mount_pivot_root (root, p->root_propagation != 0) < 0)
    child_fail (errfd, "pivot_root", p->rootfs);
  /* rootfsPropagation on the new root, as runc applies it after pivot_root. */
  if (p->root_propagation && pp_mount_propagation (root, p->root_propagation) < 0)
    child_fail (errfd, "set the propagation of the root", NULL);
  for (size_t i = 0; p->readonly && p->readonly[i]; i++)
    {
      cleanup_close int target = pp_open_at (root, p->readonly[i], PP_RESOLVE_IN_ROOT, O_PATH, 0);
      if (target < 0)
        continue;
      cleanup_close int mnt = pp_mount_bind (target, target, MS_REC, -1);
      if (mnt < 0 || pp_mount_set (mnt, MS_RDONLY, true) < 0)
        child_fail (errfd, "make read-only", p->readonly[i]);
    }
  if (p->readonly_root && pp_mount_set (root, MS_RDONLY, false) < 0)
    child_fail (errfd, "make the root read-only", NULL);
}

static void
become_user (const prep_t *p, int errfd)
{
  for (int c = 0; c <= CAP_LAST_CAP; c++)
    if (!(p->bounding & (1ULL << c)) && prctl (PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
      child_fail (errfd, "drop from the bounding set", pp_capability_names[c]);
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    child_fail (errfd, "keep capabilities", NULL);
  if (setgroups (p->n_groups, p->groups) < 0)
    child_fail (errfd, "setgroups", NULL);
  if (setresgid (p->gid, p->gid, p->gid) < 0)
    child_fail (errfd, "setgid", NULL);
  /* Without no_new_privs, loading a filter takes CAP_SYS_ADMIN, which setresuid and capset are about to drop. */
  if (!p->nnp && pp_seccomp_apply (&p->seccomp) < 0)
    child_fail (errfd, "load the seccomp filter", NULL);
  if (setresuid (p->uid, p->uid, p->uid) < 0)
    child_fail (errfd, "setuid", NULL);
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2] = { { 0 } };
  data[0].effective = data[0].permitted = (uint32_t) p->caps;
  data[1].effective = data[1].permitted = (uint32_t) (p->caps >> 32);
  if (syscall (SYS_capset, &hdr, data) < 0)
    child_fail (errfd, "set capabilities", NULL);
  if (p->nnp && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    child_fail (errfd, "set no_new_privs", NULL);
}

/* execve of args[0], looked up in the container's PATH (the one in its environment). */
static void __attribute__ ((noreturn)) exec_process (const prep_t *p, int errfd)
{
  const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (size_t i = 0; p->env[i]; i++)
    if (strncmp (p->env[i], "PATH=", 5) == 0)
      path = p->env[i] + 5;
  if (strchr (p->args[0], '/'))
    execve (p->args[0], p->args, p->env);
  else
    for (const char *d = path; *d;)
      {
        const char *e = strchr (d, ':');
        size_t n = e ? (size_t) (e - d) : strlen (d);
        char full[4096];
        size_t len = strlen (p->args[0]);
        if (n + 1 + len < sizeof full)
          {
            memcpy (full, d, n);
            full[n] = '/';
            memcpy (full + n + 1, p->args[0], len + 1);
            if (access (full, X_OK) == 0)
              execve (full, p->args, p->env);
          }
        d = e ? e + 1 : d + n;
      }
  if (errno == 0)
    errno = ENOENT;
  child_fail (errfd, "exec", p->args[0]);
}

/* The container's terminal, made as runc makes it: a pty of the container's own devpts, bound on /dev/console,
   its controlling terminal and stdio; the master side goes back over `sock`. */
static void
setup_console (int sock, int errfd)
{
  int master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || unlockpt (master) < 0)
    child_fail (errfd, "open the terminal", "/dev/ptmx");
  char slave_path[64];
  if (ptsname_r (master, slave_path, sizeof slave_path) != 0)
    child_fail (errfd, "name the terminal", NULL);
  int slave = open (slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    child_fail (errfd, "open the terminal", slave_path);
  int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  int console = root < 0 ? -1 : pp_create_at (root, "/dev/console", true);
  int mnt = console < 0 ? -1 : pp_mount_bind (slave, console, 0, -1);
  if (mnt < 0)
    child_fail (errfd, "bind the terminal on", "/dev/console");
  close (mnt);
  close (console);
  close (root);
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    child_fail (errfd, "take the terminal", slave_path);
  for (int i = 0; i < 3; i++)
    if (dup2 (slave, i) < 0)
      child_fail (errfd, "set up standard streams", NULL);
  close (slave);
  if (pp_send_fd (sock, master, "/dev/ptmx") < 0)
    child_fail (errfd, "send the terminal", NULL);
  close (master);
}

/* process.rlimits, before the capabilities go: raising a limit needs CAP_SYS_RESOURCE, which the caller may not
   have either.  An exec's process gets them too, as runc gives them. */
static void
apply_rlimits (const prep_t *p, int errfd)
{
  for (size_t i = 0; i < p->n_rlimits; i++)
    if (setrlimit ((__rlimit_resource_t) p->rlimits[i].resource, &p->rlimits[i].limit) < 0)
      child_fail (errfd, "setrlimit", NULL);
}

static void __attribute__ ((noreturn)) container_init (const prep_t *p, int console_sock, int errfd)
{
  int root = do_mounts (p, errfd);
  if (p->hostname && sethostname (p->hostname, strlen (p->hostname)) < 0)
    child_fail (errfd, "sethostname", p->hostname);
  enter_root (p, root, errfd);
  close (root);
  if (console_sock >= 0)
    setup_console (console_sock, errfd);
  apply_rlimits (p, errfd);
  become_user (p, errfd);
  if (chdir (p->cwd) < 0)
    child_fail (errfd, "chdir", p->cwd);
  /* With no_new_privs the filter goes last, so that it need not allow what the setup above does. */
  if (p->nnp && pp_seccomp_apply (&p->seccomp) < 0)
    child_fail (errfd, "load the seccomp filter", NULL);
  exec_process (p, errfd);
}

/* The clone's child: PID 1 of its own PID namespace (or a process of the one the caller joined).  It takes its
   stdio, joins and creates the other namespaces, and becomes the container. */
/* A container's process starts with no signal blocked or ignored, whatever its starter (a monitor) had. */
static void
reset_signals (void)
{
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  for (int sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      signal (sig, SIG_DFL);
}

/* What the child of a start or an exec does first: it is not dumpable until its exec (a process of the container
   that shares its PID namespace cannot open its /proc/PID/exe, podplay's binary, runc's CVE-2019-5736; the exec
   makes the container's program dumpable again), and every descriptor it inherited but 0-2 closes at the exec
   (whatever ran podplay left open must not reach the container, runc's CVE-2024-21626). */
static void
seal_child (int errfd)
{
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    child_fail (errfd, "make the process not dumpable", NULL);
  if (close_range (3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    child_fail (errfd, "close inherited descriptors", NULL);
}

static void __attribute__ ((noreturn)) container_child (const prep_t *p, const pp_executor_io_t *io, int errfd)
{
  seal_child (errfd);
  reset_signals ();
  if (io && io->kill_with_parent && prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
    child_fail (errfd, "set the parent-death signal", NULL);
  setsid ();
  int fds[3] = { io ? io->stdin_fd : -1, io ? io->stdout_fd : -1, io ? io->stderr_fd : -1 };
  for (int i = 0; i < 3; i++)
    if (fds[i] >= 0 && (fds[i] == i ? fcntl (i, F_SETFD, 0) : dup2 (fds[i], i)) < 0)
      child_fail (errfd, "set up standard streams", NULL);
  /* In the cgroup before a new cgroup namespace is made: the container's own cgroup is that namespace's root. */
  if (pp_cgroup_enter_fds (p->cgroup_fds, p->n_cgroup_fds, 0) < 0)
    child_fail (errfd, "enter the cgroup", p->cgroup_path);
  for (size_t i = 0; i < p->n_join; i++)
    if (p->join_types[i] != CLONE_NEWPID && setns (p->join_fds[i], p->join_types[i]) < 0)
      child_fail (errfd, "join a namespace", NULL);
  if (unshare (p->unshare_flags & ~CLONE_NEWPID) < 0)
    child_fail (errfd, "unshare", NULL);
  /* The host's /proc is still there: its sysctl files write to the namespaces this process is now in (network and
     IPC sysctls are per namespace), before the container's own /proc/sys is made read-only. */
  for (size_t i = 0; i < p->n_sysctls; i++)
    {
      int fd = open (p->sysctl_paths[i], O_WRONLY | O_CLOEXEC);
      size_t len = strlen (p->sysctl_values[i]);
      if (fd < 0 || PP_RETRY (write (fd, p->sysctl_values[i], len)) != (ssize_t) len)
        child_fail (errfd, "set sysctl", p->sysctl_paths[i] + 10);
      close (fd);
    }
  container_init (p, io && p->terminal ? io->console_sock : -1, errfd);
}

/* fork(), with a new PID namespace when asked: clone3 without a stack returns twice, as fork does.  The child
   (container_child) applies what prepare computed, with syscalls and stack buffers; the few library calls left in
   it (snprintf of paths, ptsname_r) rely on the caller being single-threaded, which holds: containers are started
   by a pod's monitor, which makes no thread (nor do the unit tests that run bundles). */
static pid_t
clone_process (int flags)
{
  struct clone_args args = { .flags = (uint64_t) flags, .exit_signal = SIGCHLD };
  pid_t pid = (pid_t) syscall (SYS_clone3, &args, sizeof args);
  if (pid < 0 && errno == ENOSYS)
    pid = (pid_t) syscall (SYS_clone, (unsigned long) flags | SIGCHLD, NULL, NULL, NULL, NULL);
  return pid;
}

struct pp_executor_launch
{
  prep_t p;
  pid_t pid;
  int pipe; /* closes on the process's exec; carries the error of a start that failed */
};

int
pp_executor_launch (const char *dir, const pp_executor_io_t *io, pp_executor_launch_t **out, pp_error_t *err)
{
  *out = NULL;
  pp_executor_launch_t *l = xzalloc (sizeof *l);
  prep_t *p = &l->p;
  if (prepare (dir, p, false, err) < 0)
    {
      abandon (p);
      free (l);
      return -1;
    }
  /* Joining a PID namespace changes where the caller's next children go: it is done here, before the clone; in a
     user namespace, by the helper that forks into it. */
  int pidns_fd = -1;
  for (size_t i = 0; i < p->n_join; i++)
    if (p->join_types[i] == CLONE_NEWPID)
      pidns_fd = p->join_fds[i];
  int pipefd[2], ret = 0;
  if (pidns_fd >= 0 && p->user_fd < 0 && setns (pidns_fd, CLONE_NEWPID) < 0)
    ret = pp_error_make (err, errno, "join the PID namespace of `%s`", dir);
  else if (pipe2 (pipefd, O_CLOEXEC) < 0)
    ret = pp_error_make (err, errno, "pipe");
  if (ret < 0)
    {
      abandon (p);
      free (l);
      return -1;
    }
  /* In a user namespace, a new PID namespace is made from inside it (else /proc cannot be mounted there). */
  pid_t pid = p->user_fd >= 0 ? pp_userns_fork (p->user_fd, pidns_fd, p->unshare_flags & CLONE_NEWPID)
                             : clone_process (p->unshare_flags & CLONE_NEWPID);
  if (pid < 0)
    {
      int e = errno;
      close (pipefd[0]);
      close (pipefd[1]);
      abandon (p);
      free (l);
      return pp_error_make (err, e, "clone");
    }
  if (pid == 0)
    {
      close (pipefd[0]);
      container_child (p, io, pipefd[1]);
    }
  close (pipefd[1]);
  l->pid = pid;
  l->pipe = pipefd[0];
  *out = l;
  return 0;
}

int
pp_executor_started (pp_executor_launch_t *l, pid_t *pid_out, pp_error_t *err)
{
  /* The pipe closes on exec: nothing read means the container's process is running. */
  char msg[512];
  ssize_t n = PP_RETRY (read (l->pipe, msg, sizeof msg - 1));
  close (l->pipe);
  int ret = 0;
  if (n > 0)
    {
      while (waitpid (l->pid, NULL, 0) < 0 && errno == EINTR)
        ;
      abandon (&l->p);
      msg[n] = '\0';
      ret = pp_error_make (err, 0, "starting the container: %s", msg);
    }
  else
    {
      release (&l->p);
      *pid_out = l->pid;
    }
  free (l);
  return ret;
}

int
pp_executor_start (const char *dir, const pp_executor_io_t *io, pid_t *pid_out, pp_error_t *err)
{
  pp_executor_launch_t *l;
  if (pp_executor_launch (dir, io, &l, err) < 0)
    return -1;
  return pp_executor_started (l, pid_out, err);
}

int
pp_executor_delete (const char *dir, pp_error_t *err)
{
  cleanup_free char *path = xasprintf ("%s/config.json", dir);
  json_error_t jerr;
  json_t *c = json_load_file (path, 0, &jerr);
  if (c == NULL)
    return pp_error_make (err, 0, "`%s`: %s", path, jerr.text);
  const char *cg = json_string_value (json_object_get (json_object_get (c, "linux"), "cgroupsPath"));
  /* Without a PID namespace of its own, processes the container started may outlive it: they go first. */
  int ret = cg ? pp_cgroup_kill (cg, SIGKILL, err) : 0;
  if (ret == 0 && cg)
    ret = pp_cgroup_remove (cg, err);
  json_decref (c);
  return ret;
}

int
pp_executor_run (const char *dir, int *status, pp_error_t *err)
{
  pid_t pid;
  if (pp_executor_start (dir, NULL, &pid, err) < 0)
    return -1;
  *status = pp_wait_status (pid);
  return pp_executor_delete (dir, err);
}

/* A bundle without linux.cgroupsPath: the exec joins every cgroup `target` is in, as /proc/PID/cgroup lists
   them, by their cgroup.procs opened here, before the fork.  One that cannot be opened is left out. */
static void
open_cgroups_of (pid_t target, prep_t *p)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/cgroup", (int) target);
  cleanup_file FILE *f = fopen (path, "re");
  char line[4096];
  bool unified = access ("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0;
  while (f && fgets (line, sizeof line, f))
    {
      line[strcspn (line, "\n")] = '\0';
      char *ctrls = strchr (line, ':'), *cg = ctrls ? strchr (ctrls + 1, ':') : NULL;
      if (cg == NULL)
        continue;
      *cg++ = '\0';
      ctrls++;
      cleanup_free char *procs = NULL;
      if (*ctrls == '\0')
        procs = xasprintf ("/sys/fs/cgroup%s%s/cgroup.procs", unified ? "" : "/unified", cg);
      else
        {
          ctrls[strcspn (ctrls, ",")] = '\0';
          procs = xasprintf ("/sys/fs/cgroup/%s%s/cgroup.procs", strncmp (ctrls, "name=", 5) == 0 ? ctrls + 5 : ctrls,
                             cg);
        }
      int fd = open (procs, O_WRONLY | O_CLOEXEC);
      if (fd < 0)
        continue;
      p->cgroup_fds = xrealloc (p->cgroup_fds, (p->n_cgroup_fds + 1) * sizeof (int));
      p->cgroup_fds[p->n_cgroup_fds++] = fd;
    }
}

int
pp_executor_exec (const char *dir, pid_t target, char *const *argv, const pp_exec_opts_t *o, int *status,
                  pp_error_t *err)
{
  prep_t p;
  if (prepare (dir, &p, true, err) < 0)
    {
      release (&p);
      return -1;
    }
  /* The process runs as the container's does, with the exec's own argv, and maybe another user. */
  strv_free (p.args);
  size_t n = 0;
  while (argv[n])
    n++;
  p.args = xzalloc ((n + 1) * sizeof (char *));
  for (size_t i = 0; i < n; i++)
    p.args[i] = xstrdup (argv[i]);
  if (o->user_set)
    {
      p.uid = o->uid;
      p.gid = o->gid;
      p.n_groups = 0;
    }
  static const struct
  {
    const char *name;
    int flag;
  } order[] = { { "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
                { "net", CLONE_NEWNET },       { "pid", CLONE_NEWPID }, { "mnt", CLONE_NEWNS } };
  int fds[PP_N_ELEMENTS (order)];
  int ret = 0;
  /* The container's user namespace first, when it is not ours: the others are owned by it. */
  char upath[64];
  snprintf (upath, sizeof upath, "/proc/%d/ns/user", (int) target);
  int user_fd = open (upath, O_RDONLY | O_CLOEXEC);
  struct stat ust, self;
  if (user_fd >= 0 && fstat (user_fd, &ust) == 0 && stat ("/proc/self/ns/user", &self) == 0
      && ust.st_ino == self.st_ino && ust.st_dev == self.st_dev)
    {
      close (user_fd);
      user_fd = -1;
    }
  for (size_t i = 0; i < PP_N_ELEMENTS (order); i++)
    {
      char path[64];
      snprintf (path, sizeof path, "/proc/%d/ns/%s", (int) target, order[i].name);
      fds[i] = open (path, O_RDONLY | O_CLOEXEC);
      if (fds[i] < 0 && ret == 0)
        ret = pp_error_make (err, ESRCH, "the container has ended: its process %d is gone", (int)target);
      /* One the caller is in already is not joined: an ordinary user may not join the host's (a hostNetwork
         pod's network and UTS namespaces), whose owner is the host's user namespace. */
      char own[64];
      snprintf (own, sizeof own, "/proc/self/ns/%s", order[i].name);
      struct stat nst, ost;
      if (fds[i] >= 0 && fstat (fds[i], &nst) == 0 && stat (own, &ost) == 0 && nst.st_ino == ost.st_ino
          && nst.st_dev == ost.st_dev)
        {
          close (fds[i]);
          fds[i] = -1;
        }
    }
  if (ret == 0 && p.cgroup_fds == NULL)
    open_cgroups_of (target, &p);
  int pipefd[2] = { -1, -1 };
  if (ret == 0 && pipe2 (pipefd, O_CLOEXEC) < 0)
    ret = pp_error_make (err, errno, "pipe");
  /* The child and its inner fork only apply what was opened and computed here (the cgroup's cgroup.procs, the
     namespaces, the seccomp filter), with syscalls: callers are `podplay exec` and a monitor's probe child, neither
     of which has threads, and the child allocates nothing besides. */
  pid_t pid = ret == 0 ? fork () : -1;
  if (ret == 0 && pid < 0)
    ret = pp_error_make (err, errno, "fork");
  if (pid == 0)
    {
      close (pipefd[0]);
      seal_child (pipefd[1]);
      if (pp_cgroup_enter_fds (p.cgroup_fds, p.n_cgroup_fds, 0) < 0)
        child_fail (pipefd[1], "enter the container's cgroup", NULL);
      if (user_fd >= 0 && setns (user_fd, CLONE_NEWUSER) < 0)
        child_fail (pipefd[1], "join the container's namespace", "user");
      if (user_fd >= 0)
        become_ns_root (pipefd[1]);
      for (size_t i = 0; i < PP_N_ELEMENTS (order); i++)
        if (fds[i] >= 0 && setns (fds[i], order[i].flag) < 0)
          child_fail (pipefd[1], "join the container's namespace", order[i].name);
      /* The PID namespace takes effect for children: the process proper is one. */
      pid_t inner = fork ();
      if (inner < 0)
        child_fail (pipefd[1], "fork", NULL);
      if (inner == 0)
        {
          reset_signals ();
          if (o->tty_fd >= 0)
            {
              setsid ();
              if (ioctl (o->tty_fd, TIOCSCTTY, 0) < 0)
                child_fail (pipefd[1], "take the terminal", NULL);
              for (int s = 0; s < 3; s++)
                dup2 (o->tty_fd, s);
            }
          else if (o->stdin_fd >= 0)
            dup2 (o->stdin_fd, 0);
          if (chdir (p.cwd) < 0)
            child_fail (pipefd[1], "chdir", p.cwd);
          apply_rlimits (&p, pipefd[1]);
          become_user (&p, pipefd[1]);
          if (p.nnp && pp_seccomp_apply (&p.seccomp) < 0)
            child_fail (pipefd[1], "load the seccomp filter", NULL);
          exec_process (&p, pipefd[1]);
        }
      close (pipefd[1]);
      _exit (pp_wait_status (inner) & 0xff);
    }
  if (pipefd[1] >= 0)
    close (pipefd[1]);
  for (size_t i = 0; i < PP_N_ELEMENTS (order); i++)
    if (fds[i] >= 0)
      close (fds[i]);
  if (user_fd >= 0)
    close (user_fd);
  if (ret == 0)
    {
      char msg[512];
      /* The pipe closes at the exec (or carries why it failed): then the command runs. */
      ssize_t got = PP_RETRY (read (pipefd[0], msg, sizeof msg - 1));
      if (o->started)
        o->started (o->data);
      int st = pp_wait_status (pid);
      if (got > 0)
        {
          msg[got] = '\0';
          ret = pp_error_make (err, 0, "exec in the container: %s", msg);
        }
      else
        *status = st;
    }
  if (pipefd[0] >= 0)
    close (pipefd[0]);
  release (&p);
  return ret;
}
