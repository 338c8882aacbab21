/* Control groups: the host's mode and hierarchies, and what every hierarchy does alike (directories, membership,
   signals, removal, the mount inside a container); the limits and counters are the v1 and v2 drivers'. */
#include "runtime/cgroup_internal.h"
#include "runtime/mounts.h"

#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>

#define CGROUP_ROOT "/sys/fs/cgroup"

/* The one-time probe: the mode and the table of hierarchies, never freed. */
static pp_cgroup_mode_t mode;
static pp_cgroup_hierarchy_t *hierarchies;
static size_t n_hierarchies;
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;

bool
pp_cgroup_list_has (const char *list, const char *seps, const char *item)
{
  size_t n = strlen (item);
  for (const char *p = list; p && *p;)
    {
      size_t len = strcspn (p, seps);
      if (len == n && strncmp (p, item, n) == 0)
        return true;
      p += len + (p[len] != '\0');
    }
  return false;
}

static void
add_hierarchy (const char *mount, const char *name, const char *options, bool v2)
{
  hierarchies = xrealloc (hierarchies, (n_hierarchies + 1) * sizeof *hierarchies);
  hierarchies[n_hierarchies++] = (pp_cgroup_hierarchy_t){ xstrdup (mount), xstrdup (name), options, v2 };
}

/* The cgroup mount data of a v1 hierarchy from its super options: the controllers and the name, without the
   flags ("rw", "xattr", "release_agent=..."); a named hierarchy without controllers needs "none". */
static char *
v1_options (const char *super, const char *controllers)
{
  pp_buf_t b = { 0 };
  bool named = false, any = false;
  cleanup_free char *copy = xstrdup (super);
  char *save = NULL;
  for (char *o = strtok_r (copy, ",", &save); o; o = strtok_r (NULL, ",", &save))
    {
      bool is_name = strncmp (o, "name=", 5) == 0, is_ctl = pp_cgroup_list_has (controllers, ",", o);
      if (!is_name && !is_ctl)
        continue;
      named |= is_name;
      any |= is_ctl;
      pp_buf_printf (&b, "%s%s", b.len ? "," : "", o);
    }
  if (named && !any)
    {
      char *s = xasprintf ("none,%s", b.data);
      pp_buf_free (&b);
      return s;
    }
  return b.data ? b.data : xstrdup ("");
}

/* The v1 controllers this kernel has, from /proc/cgroups, comma-separated. */
static char *
v1_controllers (void)
{
  pp_buf_t b = { 0 };
  cleanup_file FILE *f = fopen ("/proc/cgroups", "re");
  char line[256], name[64];
  while (f && fgets (line, sizeof line, f))
    if (line[0] != '#' && sscanf (line, "%63s", name) == 1)
      pp_buf_printf (&b, "%s%s", b.len ? "," : "", name);
  return b.data ? b.data : xstrdup ("");
}

/* Every v1 hierarchy mounted under /sys/fs/cgroup, once each, from /proc/self/mountinfo. */
static void
probe_v1 (void)
{
  cleanup_free char *controllers = v1_controllers ();
  cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;
  while (f && getline (&line, &cap, f) > 0)
    {
      char mnt[4096], fstype[64], super[1024];
      const char *sep = strstr (line, " - ");
      if (sep == NULL || sscanf (line, "%*s %*s %*s %*s %4095s", mnt) != 1
          || sscanf (sep + 3, "%63s %*s %1023s", fstype, super) != 2 || strcmp (fstype, "cgroup") != 0
          || strncmp (mnt, CGROUP_ROOT "/", sizeof CGROUP_ROOT) != 0 || strchr (mnt + sizeof CGROUP_ROOT, '/'))
        continue;
      char *options = v1_options (super, controllers);
      bool seen = false;
      for (size_t i = 0; i < n_hierarchies; i++)
        seen |= strcmp (hierarchies[i].options, options) == 0;
      if (seen || *options == '\0')
        free (options);
      else
        add_hierarchy (mnt, mnt + sizeof CGROUP_ROOT, options, false);
    }
}

static bool
is_cgroup2 (const char *path)
{
  struct statfs s;
  return statfs (path, &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
}

static void
probe (void)
{
  if (is_cgroup2 (CGROUP_ROOT))
    {
      mode = PP_CGROUP_V2;
      add_hierarchy (CGROUP_ROOT, "", xstrdup (""), true);
      return;
    }
  mode = is_cgroup2 (CGROUP_ROOT "/unified") ? PP_CGROUP_HYBRID : PP_CGROUP_V1;
  probe_v1 ();
  if (mode == PP_CGROUP_HYBRID)
    add_hierarchy (CGROUP_ROOT "/unified", "unified", xstrdup (""), true);
}

pp_cgroup_mode_t
pp_cgroup_mode (void)
{
  pthread_once (&probe_once, probe);
  return mode;
}

const pp_cgroup_hierarchy_t *
pp_cgroup_hierarchies (size_t *n)
{
  pthread_once (&probe_once, probe);
  *n = n_hierarchies;
  return hierarchies;
}

uint64_t
pp_cgroup_shares_to_weight (uint64_t shares)
{
  if (shares == 0)
    return 0;
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

/* The base, probed once: this process's cgroup from /proc/self/cgroup, and the controllers below the base. */
static char *base, *base_controllers;
static pthread_once_t base_once = PTHREAD_ONCE_INIT;

static bool
writable (const char *dir, const char *file)
{
  cleanup_free char *p = file ? xasprintf ("%s/%s", dir, file) : xstrdup (dir);
  return access (p, W_OK) == 0;
}

char *
pp_cgroup_delegated_base (const char *root, const char *own)
{
  if (own == NULL || own[0] != '/')
    return NULL;
  /* Each ancestor from the top: "" (the root), "/user.slice", ... up to the parent of `own`. */
  for (const char *e = own; e && e[1] != '\0'; e = strchr (e + 1, '/'))
    {
      cleanup_free char *dir = xasprintf ("%s%.*s", root, (int)(e - own), own);
      if (writable (dir, NULL) && writable (dir, "cgroup.procs") && writable (dir, "cgroup.subtree_control"))
        return xasprintf ("%.*s", (int)(e - own), own);
    }
  return NULL;
}

/* This process's cgroup in the unified hierarchy: the path of /proc/self/cgroup's "0::" line. */
static char *
own_cgroup (void)
{
  cleanup_file FILE *f = fopen ("/proc/self/cgroup", "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;
  while (f && getline (&line, &cap, f) > 0)
    if (strncmp (line, "0::", 3) == 0)
      {
        line[strcspn (line, "\n")] = '\0';
        return xstrdup (line + 3);
      }
  return NULL;
}

static void
probe_base (void)
{
  static const char *const wanted[] = { "cpu", "memory", "pids" };
  if (geteuid () == 0 && !pp_in_user_namespace ())
    {
      base = xstrdup ("");
      base_controllers = xstrdup ("cpu memory pids");
      return;
    }
  cleanup_free char *own = pp_cgroup_mode () == PP_CGROUP_V2 ? own_cgroup () : NULL;
  base = pp_cgroup_delegated_base (CGROUP_ROOT, own);
  cleanup_free char *dir = base ? xasprintf (CGROUP_ROOT "%s", base) : NULL;
  cleanup_free char *offered = NULL;
  pp_buf_t b = { 0 };
  if (dir && pp_cgroup_file_read (dir, "cgroup.controllers", &offered, NULL) == 0)
    for (size_t i = 0; i < PP_N_ELEMENTS (wanted); i++)
      if (pp_cgroup_list_has (offered, " \n", wanted[i]))
        pp_buf_printf (&b, "%s%s", b.len ? " " : "", wanted[i]);
  base_controllers = b.data ? b.data : xstrdup ("");
}

const char *
pp_cgroup_base (void)
{
  pthread_once (&base_once, probe_base);
  return base;
}

const char *
pp_cgroup_base_controllers (void)
{
  pthread_once (&base_once, probe_base);
  return base_controllers;
}

bool
pp_cgroup_base_has (const char *controller)
{
  return pp_cgroup_list_has (pp_cgroup_base_controllers (), " ", controller);
}

char *
pp_cgroup_pod_path (const char *pod_id, const char *ctr_id)
{
  const char *b = pp_cgroup_base ();
  if (b == NULL)
    return NULL;
  return ctr_id ? xasprintf ("%s/podplay/%s/%s", b, pod_id, ctr_id) : xasprintf ("%s/podplay/%s", b, pod_id);
}

static const pp_cgroup_driver_t *
driver (void)
{
  return pp_cgroup_mode () == PP_CGROUP_V2 ? &pp_cgroup_v2_driver : &pp_cgroup_v1_driver;
}

const pp_cgroup_hierarchy_t *
pp_cgroup_find (const char *controller, pp_error_t *err)
{
  size_t n;
  const pp_cgroup_hierarchy_t *h = pp_cgroup_hierarchies (&n);
  for (size_t i = 0; i < n; i++)
    if (mode == PP_CGROUP_V2 || (!h[i].v2 && pp_cgroup_list_has (h[i].options, ",", controller)))
      return &h[i];
  pp_error_make (err, 0, "no cgroup hierarchy has the %s controller", controller);
  return NULL;
}

/* The path under each hierarchy's root, without its leading '/'; a path that could leave the root is refused. */
static const char *
check_path (const char *path, pp_error_t *err)
{
  const char *rel = path ? path + strspn (path, "/") : "";
  for (const char *p = rel; *p;)
    {
      const char *e = strchrnul (p, '/');
      size_t n = (size_t)(e - p);
      if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
        break;
      if (*e == '\0')
        return rel;
      p = e + 1;
    }
  pp_error_make (err, EINVAL, "cgroup path `%s`", path ? path : "");
  return NULL;
}

char *
pp_cgroup_dir (const pp_cgroup_hierarchy_t *h, const char *path)
{
  return xasprintf ("%s/%s", h->mount, path);
}

bool
pp_cgroup_file_exists (const char *dir, const char *file)
{
  cleanup_free char *p = xasprintf ("%s/%s", dir, file);
  return access (p, F_OK) == 0;
}

int
pp_cgroup_file_write (const char *dir, const char *file, const char *value, pp_error_t *err)
{
  cleanup_free char *p = xasprintf ("%s/%s", dir, file);
  cleanup_close int fd = open (p, O_WRONLY | O_CLOEXEC);
  size_t n = strlen (value);
  if (fd < 0 || PP_RETRY (write (fd, value, n)) != (long)n)
    return pp_error_make (err, errno, "write `%s` to `%s`", value, p);
  return 0;
}

int
pp_cgroup_file_write_i64 (const char *dir, const char *file, int64_t v, const char *unlimited, pp_error_t *err)
{
  char buf[32];
  snprintf (buf, sizeof buf, "%" PRId64, v);
  return pp_cgroup_file_write (dir, file, v < 0 ? unlimited : buf, err);
}

int
pp_cgroup_file_read (const char *dir, const char *file, char **text, pp_error_t *err)
{
  cleanup_free char *p = xasprintf ("%s/%s", dir, file);
  cleanup_close int fd = open (p, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return pp_error_make (err, errno, "open `%s`", p);
  pp_buf_t b = { 0 };
  char chunk[4096];
  long got;
  while ((got = PP_RETRY (read (fd, chunk, sizeof chunk))) > 0)
    pp_buf_append (&b, chunk, (size_t)got);
  if (got < 0)
    {
      pp_buf_free (&b);
      return pp_error_make (err, errno, "read `%s`", p);
    }
  *text = b.data ? b.data : xstrdup ("");
  return 0;
}

int
pp_cgroup_text_u64 (const char *text, const char *key, uint64_t *v)
{
  size_t klen = key ? strlen (key) : 0;
  for (const char *line = text; line && *line;)
    {
      const char *next = strchr (line, '\n');
      if (key == NULL || (strncmp (line, key, klen) == 0 && line[klen] == ' '))
        {
          char *end = NULL;
          errno = 0;
          unsigned long long x = strtoull (line + klen, &end, 10);
          if (errno == 0 && end != line + klen && (*end == '\n' || *end == '\0'))
            {
              *v = x;
              return 0;
            }
          return -1;
        }
      line = next ? next + 1 : NULL;
    }
  return -1;
}

int
pp_cgroup_file_u64 (const char *dir, const char *file, const char *key, uint64_t *v, pp_error_t *err)
{
  cleanup_free char *text = NULL;
  if (pp_cgroup_file_read (dir, file, &text, err) < 0)
    return -1;
  if (pp_cgroup_text_u64 (text, key, v) == 0)
    return 0;
  return pp_error_make (err, 0, "`%s/%s` has no number%s%s", dir, file, key ? " for " : "", key ? key : "");
}

static int
read_counter (const char *path, const pp_cgroup_counter_t *c, uint64_t *v, pp_error_t *err)
{
  const char *rel = check_path (path, err);
  const pp_cgroup_hierarchy_t *h = rel ? pp_cgroup_find (c->controller, err) : NULL;
  if (h == NULL)
    return -1;
  cleanup_free char *dir = pp_cgroup_dir (h, rel);
  if (pp_cgroup_file_u64 (dir, c->file, c->key, v, err) < 0)
    return -1;
  *v *= c->scale;
  return 0;
}

/* mkdir -p of `rel` under the hierarchy's root, each level prepared by the hierarchy's driver where this process
   may: an ordinary user's levels above its delegated subtree are root's (the path was recorded by the process
   that played the pod, which may have run in another cgroup than this one). */
static int
make_levels (const pp_cgroup_hierarchy_t *h, const char *rel, pp_error_t *err)
{
  const pp_cgroup_driver_t *d = h->v2 ? &pp_cgroup_v2_driver : &pp_cgroup_v1_driver;
  cleanup_free char *parent = xstrdup (h->mount);
  for (const char *p = rel; *p;)
    {
      const char *e = strchrnul (p, '/');
      char *child = xasprintf ("%s/%.*s", parent, (int)(e - p), p);
      if (mkdir (child, 0755) < 0 && errno != EEXIST)
        {
          pp_error_make (err, errno, "create cgroup `%s`", child);
          free (child);
          return -1;
        }
      int ret = writable (parent, h->v2 ? "cgroup.subtree_control" : NULL) || errno != EACCES
                    ? d->prepare_level (h, parent, child, err)
                    : 0;
      free (parent);
      parent = child;
      if (ret < 0)
        return -1;
      p = *e ? e + 1 : e;
    }
  return 0;
}

int
pp_cgroup_create (const char *path, const pp_cgroup_limits_t *lim, pp_error_t *err)
{
  const char *rel = check_path (path, err);
  if (rel == NULL)
    return -1;
  size_t n;
  const pp_cgroup_hierarchy_t *h = pp_cgroup_hierarchies (&n);
  if (n == 0)
    return pp_error_make (err, 0, "no cgroup hierarchy is mounted under " CGROUP_ROOT);
  int ret = 0;
  for (size_t i = 0; ret == 0 && i < n; i++)
    ret = make_levels (&h[i], rel, err);
  if (ret == 0 && lim)
    ret = driver ()->set_limits (rel, lim, err);
  if (ret < 0)
    {
      pp_cgroup_remove (path, NULL);
      return pp_error_wrap (err, "cgroup `%s`", rel);
    }
  return 0;
}

int
pp_cgroup_open_procs (const char *path, int **fds, size_t *n, pp_error_t *err)
{
  const char *rel = check_path (path, err);
  if (rel == NULL)
    return -1;
  size_t nh;
  const pp_cgroup_hierarchy_t *h = pp_cgroup_hierarchies (&nh);
  *fds = xmalloc ((nh + 1) * sizeof (int));
  for (*n = 0; *n < nh; (*n)++)
    {
      cleanup_free char *p = xasprintf ("%s/%s/cgroup.procs", h[*n].mount, rel);
      (*fds)[*n] = open (p, O_WRONLY | O_CLOEXEC);
      if ((*fds)[*n] < 0)
        {
          pp_error_make (err, errno, "open `%s`", p);
          while ((*n)-- > 0)
            close ((*fds)[*n]);
          free (steal_pointer (fds));
          *n = 0;
          return -1;
        }
    }
  return 0;
}

int
pp_cgroup_enter_fds (const int *fds, size_t n, pid_t pid)
{
  /* The digits by hand: a forked child calls this, where snprintf has no place. */
  char buf[24];
  int len = (int)sizeof buf;
  unsigned int v = pid > 0 ? (unsigned int)pid : 0;
  do
    buf[--len] = (char)('0' + v % 10);
  while ((v /= 10) > 0);
  memmove (buf, buf + len, sizeof buf - (size_t)len);
  len = (int)sizeof buf - len;
  for (size_t i = 0; i < n; i++)
    if (PP_RETRY (write (fds[i], buf, (size_t)len)) != len)
      return -1;
  return 0;
}

int
pp_cgroup_enter (const char *path, pid_t pid, pp_error_t *err)
{
  cleanup_free int *fds = NULL;
  size_t n = 0;
  if (pp_cgroup_open_procs (path, &fds, &n, err) < 0)
    return -1;
  int ret = pp_cgroup_enter_fds (fds, n, pid);
  if (ret < 0)
    pp_error_make (err, errno, "move process %d into cgroup `%s`", (int)pid, path);
  for (size_t i = 0; i < n; i++)
    close (fds[i]);
  return ret;
}

int
pp_cgroup_oom_kills (const char *path, uint64_t *n, pp_error_t *err)
{
  return read_counter (path, &driver ()->oom_kills, n, err);
}

int
pp_cgroup_cpu_usage_ns (const char *path, uint64_t *ns, pp_error_t *err)
{
  return read_counter (path, &driver ()->cpu_usage_ns, ns, err);
}

int
pp_cgroup_memory_peak (const char *path, uint64_t *bytes, pp_error_t *err)
{
  return read_counter (path, &driver ()->memory_peak, bytes, err);
}

int
pp_cgroup_memory_limit (const char *path, uint64_t *bytes, pp_error_t *err)
{
  const pp_cgroup_counter_t *c = &driver ()->memory_limit;
  const char *rel = check_path (path, err);
  const pp_cgroup_hierarchy_t *h = rel ? pp_cgroup_find (c->controller, err) : NULL;
  if (h == NULL)
    return -1;
  cleanup_free char *dir = pp_cgroup_dir (h, rel);
  cleanup_free char *text = NULL;
  if (pp_cgroup_file_read (dir, c->file, &text, err) < 0)
    return -1;
  if (strncmp (text, "max", 3) == 0)
    *bytes = UINT64_MAX;
  else if (pp_cgroup_text_u64 (text, NULL, bytes) < 0)
    return pp_error_make (err, 0, "`%s/%s` has no number", dir, c->file);
  return 0;
}

/* Bytes of block I/O; 0 where the controller is not there (v2 delegates no io to the cgroup, v1 has no blkio). */
static void
read_io (const char *path, const pp_cgroup_driver_t *d, uint64_t *rd, uint64_t *wr)
{
  *rd = *wr = 0;
  const char *rel = check_path (path, NULL);
  const pp_cgroup_hierarchy_t *h = rel ? pp_cgroup_find (d->io_controller, NULL) : NULL;
  cleanup_free char *dir = h ? pp_cgroup_dir (h, rel) : NULL;
  cleanup_free char *text = NULL;
  if (dir && pp_cgroup_file_read (dir, d->io, &text, NULL) == 0 && d->parse_io (text, rd, wr) < 0)
    *rd = *wr = 0;
}

int
pp_cgroup_usage (const char *path, pp_cgroup_usage_t *u, pp_error_t *err)
{
  const pp_cgroup_driver_t *d = driver ();
  uint64_t inactive = 0;
  memset (u, 0, sizeof *u);
  if (read_counter (path, &d->cpu_usage_ns, &u->cpu_ns, err) < 0
      || read_counter (path, &d->memory_usage, &u->memory, err) < 0
      || pp_cgroup_memory_limit (path, &u->memory_limit, err) < 0)
    return pp_error_wrap (err, "cgroup `%s`", path);
  /* Counters a kernel or a hierarchy may lack read 0. */
  if (read_counter (path, &d->inactive_file, &inactive, NULL) == 0)
    u->memory = u->memory > inactive ? u->memory - inactive : 0;
  if (read_counter (path, &d->pids_current, &u->pids, NULL) < 0)
    u->pids = 0;
  read_io (path, d, &u->io_read, &u->io_write);
  return 0;
}

int
pp_cgroup_pids (const char *path, pid_t **pids, size_t *n, pp_error_t *err)
{
  const char *rel = check_path (path, err);
  if (rel == NULL)
    return -1;
  /* Every hierarchy holds the same processes; on v1 the pids one is the likeliest to be mounted. */
  const pp_cgroup_hierarchy_t *h = pp_cgroup_find ("pids", NULL);
  if (h == NULL && (h = pp_cgroup_find ("memory", err)) == NULL)
    return -1;
  cleanup_free char *dir = pp_cgroup_dir (h, rel);
  cleanup_free char *text = NULL;
  if (pp_cgroup_file_read (dir, "cgroup.procs", &text, err) < 0)
    return -1;
  *pids = xmalloc (sizeof (pid_t));
  *n = 0;
  for (char *p = text, *end; *p; p = end)
    {
      long v = strtol (p, &end, 10);
      if (end == p)
        break;
      *pids = xrealloc (*pids, (*n + 1) * sizeof (pid_t));
      (*pids)[(*n)++] = (pid_t)v;
    }
  return 0;
}

static bool
pid_in (const pid_t *v, size_t n, pid_t pid)
{
  for (size_t i = 0; i < n; i++)
    if (v[i] == pid)
      return true;
  return false;
}

int
pp_cgroup_kill (const char *path, int sig, pp_error_t *err)
{
  const char *rel = check_path (path, err);
  if (rel == NULL)
    return -1;
  int done = driver ()->kill (rel, sig, err);
  if (done != 0)
    return done < 0 ? -1 : 0;
  /* Without cgroup.kill: signal each process once, and read again until a pass finds none that forked since. */
  cleanup_free pid_t *sent = NULL;
  size_t n_sent = 0;
  for (int round = 0; round < 100; round++)
    {
      cleanup_free pid_t *pids = NULL;
      size_t n = 0, fresh = 0;
      if (pp_cgroup_pids (path, &pids, &n, err) < 0)
        return -1;
      for (size_t i = 0; i < n; i++)
        if (!pid_in (sent, n_sent, pids[i]))
          {
            if (kill (pids[i], sig) < 0 && errno != ESRCH)
              return pp_error_make (err, errno, "signal process %d", (int)pids[i]);
            sent = xrealloc (sent, (n_sent + 1) * sizeof (pid_t));
            sent[n_sent++] = pids[i];
            fresh++;
          }
      if (fresh == 0)
        return 0;
    }
  return pp_error_make (err, EAGAIN, "cgroup `%s`: processes kept forking while being signalled", rel);
}

/* rmdir of `dir` and the cgroups below it, deepest first; EBUSY while the last processes exit is waited out. */
static int
remove_tree (const char *dir, pp_error_t *err)
{
  cleanup_dir DIR *d = opendir (dir);
  if (d == NULL)
    return errno == ENOENT ? 0 : pp_error_make (err, errno, "open cgroup `%s`", dir);
  struct dirent *de;
  while ((de = readdir (d)))
    if (de->d_type == DT_DIR && strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      {
        cleanup_free char *sub = xasprintf ("%s/%s", dir, de->d_name);
        if (remove_tree (sub, err) < 0)
          return -1;
      }
  for (int tries = 0; rmdir (dir) < 0; tries++)
    {
      if (errno == ENOENT)
        return 0;
      if (errno != EBUSY || tries >= 200)
        return pp_error_make (err, errno, "remove cgroup `%s`", dir);
      nanosleep (&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
    }
  return 0;
}

int
pp_cgroup_remove (const char *path, pp_error_t *err)
{
  const char *rel = check_path (path, err);
  if (rel == NULL)
    return -1;
  size_t n;
  const pp_cgroup_hierarchy_t *h = pp_cgroup_hierarchies (&n);
  int ret = 0;
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *dir = pp_cgroup_dir (&h[i], rel);
      /* Every hierarchy is tried, and the first failure reported. */
      if (remove_tree (dir, ret < 0 ? NULL : err) < 0)
        ret = -1;
    }
  return ret;
}

/* ---- in a container's child: syscalls and stack buffers only ---- */

static int
fail_at (char *failed, size_t size, const char *what, const char *where)
{
  int e = errno;
  snprintf (failed, size, "%s %s", what, where);
  errno = e;
  return -1;
}

/* One hierarchy on `dst`: mounted afresh in the container's cgroup namespace, else its cgroup bound read-only. */
static int
mount_hierarchy (const pp_cgroup_hierarchy_t *h, int dst, unsigned long flags, const char *path, bool own_ns,
                 char *failed, size_t size)
{
  int mnt;
  const char *what = *h->name ? h->name : "cgroup2";
  if (own_ns)
    {
      mnt = pp_mount_fs (h->v2 ? "cgroup2" : "cgroup", "cgroup", h->v2 ? NULL : h->options, flags, dst);
      if (mnt < 0)
        return fail_at (failed, size, "mount the cgroup hierarchy", what);
      close (mnt);
      return 0;
    }
  char src[4096];
  snprintf (src, sizeof src, "%s/%s", h->mount, path ? path + strspn (path, "/") : "");
  int fd = open (src, O_PATH | O_DIRECTORY | O_CLOEXEC);
  mnt = fd < 0 ? -1 : pp_mount_bind (fd, dst, flags, -1);
  int e = errno;
  if (fd >= 0)
    close (fd);
  errno = e;
  if (mnt < 0)
    return fail_at (failed, size, "bind the cgroup", src);
  close (mnt);
  return 0;
}

/* Where a hierarchy mounts several controllers ("cpu,cpuacct"), each controller's name links to it, as on hosts. */
static void
link_controllers (int dirfd, const char *name)
{
  if (strchr (name, ',') == NULL)
    return;
  char one[256];
  for (const char *p = name; *p;)
    {
      const char *e = strchrnul (p, ',');
      snprintf (one, sizeof one, "%.*s", (int)(e - p), p);
      symlinkat (name, dirfd, one);
      p = *e ? e + 1 : e;
    }
}

int
pp_cgroup_mount (int target, unsigned long flags, const char *path, bool own_ns, char *failed, size_t size)
{
  size_t n;
  const pp_cgroup_hierarchy_t *h = pp_cgroup_hierarchies (&n);
  if (pp_cgroup_mode () == PP_CGROUP_V2)
    return n ? mount_hierarchy (&h[0], target, flags, path, own_ns, failed, size) : 0;
  int dirfd = pp_mount_fs ("tmpfs", "tmpfs", "mode=755", flags & ~MS_RDONLY, target);
  if (dirfd < 0)
    return fail_at (failed, size, "mount a tmpfs at", "/sys/fs/cgroup");
  int ret = 0;
  /* runc shows the v1 hierarchies only, not the controller-less unified one of a hybrid host. */
  for (size_t i = 0; ret == 0 && i < n; i++)
    {
      if (h[i].v2)
        continue;
      int dst = -1;
      if (mkdirat (dirfd, h[i].name, 0755) < 0 && errno != EEXIST)
        ret = fail_at (failed, size, "create the cgroup directory", h[i].name);
      else if ((dst = openat (dirfd, h[i].name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
        ret = fail_at (failed, size, "open the cgroup directory", h[i].name);
      else
        ret = mount_hierarchy (&h[i], dst, flags, path, own_ns, failed, size);
      if (dst >= 0)
        close (dst);
      if (ret == 0)
        link_controllers (dirfd, h[i].name);
    }
  if (ret == 0 && (flags & MS_RDONLY) && pp_mount_set (dirfd, MS_RDONLY, false) < 0)
    ret = fail_at (failed, size, "make read-only", "/sys/fs/cgroup");
  close (dirfd);
  return ret;
}
