/* cgroups on this host's mode: limits written where the kernel reads them, processes entered, the memory limit
   OOM-killing, the CPU quota throttling, pids.max stopping forks, and nothing left behind. */
#include "unit.h"
#include "runtime/cgroup.h"

#include <inttypes.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

static char base[64], leaf[96];

static int
setup (void **state)
{
  (void)state;
  snprintf (base, sizeof base, "podplay-test-%d", (int)getpid ());
  snprintf (leaf, sizeof leaf, "/%s/c1", base);
  return 0;
}

static void
need_root (void)
{
  if (geteuid () != 0)
    skip ();
}

static char *
dir_in (const char *controller, const char *path)
{
  size_t n;
  const pp_cgroup_hierarchy_t *h = pp_cgroup_hierarchies (&n);
  for (size_t i = 0; i < n; i++)
    {
      bool v2 = pp_cgroup_mode () == PP_CGROUP_V2;
      if (v2 || (!h[i].v2 && strstr (h[i].options, controller)))
        return xasprintf ("%s/%s", h[i].mount, path + strspn (path, "/"));
    }
  fail_msg ("no hierarchy for %s", controller);
  return NULL;
}

static char *
read_file (const char *controller, const char *path, const char *file)
{
  cleanup_free char *dir = dir_in (controller, path);
  cleanup_free char *p = xasprintf ("%s/%s", dir, file);
  cleanup_file FILE *f = fopen (p, "re");
  if (f == NULL)
    fail_msg ("open %s: %s", p, strerror (errno));
  char buf[256] = "";
  if (fgets (buf, sizeof buf, f) == NULL)
    buf[0] = '\0';
  buf[strcspn (buf, "\n")] = '\0';
  return xstrdup (buf);
}

static void
assert_file (const char *controller, const char *path, const char *file, const char *want)
{
  cleanup_free char *got = read_file (controller, path, file);
  if (strcmp (got, want) != 0)
    fail_msg ("%s of %s: `%s`, want `%s`", file, path, got, want);
}

/* The same, where the kernel has the file (memory.swap.max and memory.memsw.* need swap accounting). */
static void
assert_file_if_there (const char *controller, const char *path, const char *file, const char *want)
{
  cleanup_free char *dir = dir_in (controller, path);
  cleanup_free char *p = xasprintf ("%s/%s", dir, file);
  if (access (p, F_OK) == 0)
    assert_file (controller, path, file, want);
}

/* No directory of `path` in any hierarchy. */
static void
assert_gone (const char *path)
{
  size_t n;
  const pp_cgroup_hierarchy_t *h = pp_cgroup_hierarchies (&n);
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *dir = xasprintf ("%s/%s", h[i].mount, path + strspn (path, "/"));
      struct stat st;
      if (stat (dir, &st) == 0)
        fail_msg ("%s is still there", dir);
    }
}

/* Runs after each test, passed or failed: the test's cgroups go, in every hierarchy. */
static int
teardown (void **state)
{
  (void)state;
  cleanup_error pp_error_t err = NULL;
  if (pp_cgroup_remove (base, &err) < 0)
    {
      fprintf (stderr, "teardown: %s\n", err->msg);
      return -1;
    }
  assert_gone (base);
  return 0;
}

static void
create (const pp_cgroup_limits_t *lim)
{
  cleanup_error pp_error_t err = NULL;
  if (pp_cgroup_create (leaf, lim, &err) < 0)
    fail_msg ("%s", err->msg);
}

static void
test_mode_and_weight (void **state)
{
  (void)state;
  size_t n;
  const pp_cgroup_hierarchy_t *h = pp_cgroup_hierarchies (&n);
  assert_true (n > 0);
  pp_cgroup_mode_t m = pp_cgroup_mode ();
  bool unified = false;
  for (size_t i = 0; i < n; i++)
    unified |= h[i].v2;
  assert_int_equal (unified, m != PP_CGROUP_V1);
  if (m == PP_CGROUP_V2)
    assert_int_equal (n, 1);
  /* runc's and crun's conversion: the ends of the ranges meet, the default share is weight 39. */
  assert_int_equal (pp_cgroup_shares_to_weight (0), 0);
  assert_int_equal (pp_cgroup_shares_to_weight (2), 1);
  assert_int_equal (pp_cgroup_shares_to_weight (1024), 39);
  assert_int_equal (pp_cgroup_shares_to_weight (262144), 10000);
  cleanup_error pp_error_t err = NULL;
  assert_int_equal (pp_cgroup_create ("/podplay/../escape", NULL, &err), -1);
  assert_int_equal (err->status, EINVAL);
}

static void
test_limits_read_back (void **state)
{
  (void)state;
  need_root ();
  pp_cgroup_limits_t lim = {
    .memory = 64 << 20, .memory_swap = 64 << 20, .cpu_quota = 50000, .cpu_period = 100000, .cpu_shares = 512, .pids = 32
  };
  create (&lim);
  size_t n;
  const pp_cgroup_hierarchy_t *h = pp_cgroup_hierarchies (&n);
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *dir = xasprintf ("%s/%s", h[i].mount, leaf + 1);
      struct stat st;
      if (stat (dir, &st) < 0 || !S_ISDIR (st.st_mode))
        fail_msg ("%s was not made", dir);
    }
  if (pp_cgroup_mode () == PP_CGROUP_V2)
    {
      assert_file ("memory", leaf, "memory.max", "67108864");
      assert_file_if_there ("memory", leaf, "memory.swap.max", "0");
      assert_file ("cpu", leaf, "cpu.max", "50000 100000");
      assert_file ("cpu", leaf, "cpu.weight", "20");
    }
  else
    {
      assert_file ("memory", leaf, "memory.limit_in_bytes", "67108864");
      assert_file_if_there ("memory", leaf, "memory.memsw.limit_in_bytes", "67108864");
      assert_file ("cpu", leaf, "cpu.cfs_quota_us", "50000");
      assert_file ("cpu", leaf, "cpu.cfs_period_us", "100000");
      assert_file ("cpu", leaf, "cpu.shares", "512");
    }
  assert_file ("pids", leaf, "pids.max", "32");
  /* Unset limits stay the kernel's defaults. */
  cleanup_free char *leaf2 = xasprintf ("%s/c2", base);
  pp_cgroup_limits_t none = { .pids = -1 };
  cleanup_error pp_error_t err = NULL;
  assert_int_equal (pp_cgroup_create (leaf2, &none, &err), 0);
  assert_file ("pids", leaf2, "pids.max", "max");
  assert_int_equal (pp_cgroup_remove (leaf2, &err), 0);
  assert_gone (leaf2);
}

/* A child that waits on `ready` before running `fn`, so the parent can put it in the cgroup first. */
static pid_t
spawn (void (*fn) (void), int *go)
{
  int p[2];
  assert_int_equal (pipe2 (p, O_CLOEXEC), 0);
  pid_t pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      char c;
      close (p[1]);
      if (read (p[0], &c, 1) != 1)
        _exit (3);
      fn ();
      _exit (0);
    }
  close (p[0]);
  *go = p[1];
  return pid;
}

static void
start (pid_t pid, int go)
{
  cleanup_error pp_error_t err = NULL;
  if (pp_cgroup_enter (leaf, pid, &err) < 0)
    fail_msg ("%s", err->msg);
  assert_int_equal (write (go, "x", 1), 1);
  close (go);
}

static int
wait_status (pid_t pid)
{
  int st = 0;
  while (waitpid (pid, &st, 0) < 0 && errno == EINTR)
    ;
  return st;
}

static void
sleep_forever (void)
{
  for (;;)
    pause ();
}

static void
test_enter_and_kill (void **state)
{
  (void)state;
  need_root ();
  create (NULL);
  int go;
  pid_t pid = spawn (sleep_forever, &go);
  start (pid, go);
  cleanup_error pp_error_t err = NULL;
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  assert_int_equal (pp_cgroup_pids (leaf, &pids, &n, &err), 0);
  assert_int_equal (n, 1);
  assert_int_equal (pids[0], pid);
  /* The kernel agrees, in every hierarchy: each line of /proc/PID/cgroup ends in the cgroup's path. */
  cleanup_free char *proc = xasprintf ("/proc/%d/cgroup", (int)pid);
  cleanup_file FILE *f = fopen (proc, "re");
  assert_non_null (f);
  char line[512];
  size_t lines = 0;
  while (fgets (line, sizeof line, f))
    {
      line[strcspn (line, "\n")] = '\0';
      bool ours = strlen (line) > strlen (leaf) && strcmp (line + strlen (line) - strlen (leaf), leaf) == 0;
      lines += ours;
    }
  size_t nh;
  pp_cgroup_hierarchies (&nh);
  assert_true (lines >= nh);
  assert_int_equal (pp_cgroup_kill (leaf, SIGKILL, &err), 0);
  int st = wait_status (pid);
  assert_true (WIFSIGNALED (st) && WTERMSIG (st) == SIGKILL);
}

static void
eat_memory (void)
{
  /* Touched 1 MiB at a time, up to 512 MiB: far past the limit. */
  for (int i = 0; i < 512; i++)
    {
      char *p = malloc (1 << 20);
      if (p == NULL)
        _exit (2);
      memset (p, i, 1 << 20);
    }
  _exit (0);
}

static void
test_memory_limit_oom_kills (void **state)
{
  (void)state;
  need_root ();
  pp_cgroup_limits_t lim = { .memory = 32 << 20, .memory_swap = 32 << 20 };
  create (&lim);
  int go;
  pid_t pid = spawn (eat_memory, &go);
  start (pid, go);
  int st = wait_status (pid);
  assert_true (WIFSIGNALED (st));
  assert_int_equal (WTERMSIG (st), SIGKILL);
  cleanup_error pp_error_t err = NULL;
  uint64_t kills = 0, peak = 0;
  if (pp_cgroup_oom_kills (leaf, &kills, &err) < 0)
    fail_msg ("%s", err->msg);
  assert_true (kills >= 1);
  if (pp_cgroup_memory_peak (leaf, &peak, &err) < 0)
    fail_msg ("%s", err->msg);
  assert_true (peak > (16 << 20) && peak <= (33 << 20));
}

static double
now (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
spin_one_second (void)
{
  double t0 = now ();
  volatile unsigned long x = 0;
  while (now () - t0 < 1.0)
    x++;
}

static void
test_cpu_quota_throttles (void **state)
{
  (void)state;
  need_root ();
  pp_cgroup_limits_t lim = { .cpu_quota = 20000, .cpu_period = 100000 };
  create (&lim);
  int go;
  pid_t pid = spawn (spin_one_second, &go);
  double t0 = now ();
  start (pid, go);
  int st = wait_status (pid);
  double wall = now () - t0;
  assert_true (WIFEXITED (st) && WEXITSTATUS (st) == 0);
  cleanup_error pp_error_t err = NULL;
  uint64_t ns = 0;
  if (pp_cgroup_cpu_usage_ns (leaf, &ns, &err) < 0)
    fail_msg ("%s", err->msg);
  double used = (double)ns / 1e9;
  /* 20% of one CPU: about 0.2 s in a second; unthrottled it would be the whole second. */
  printf ("cpu quota 20000/100000: %.3f s of CPU in %.3f s\n", used, wall);
  assert_true (used > 0.01);
  assert_true (used < 0.6 * wall);
}

/* 8 MiB touched, then a second of CPU: memory charged to the cgroup it runs in (the child leaves by _exit). */
static void
touch_and_spin (void)
{
  /* volatile: a buffer never read would be no buffer at all to the compiler. */
  volatile char *p = malloc (8 << 20);
  if (p == NULL)
    _exit (1);
  for (size_t i = 0; i < (8 << 20); i += 4096)
    p[i] = 1;
  spin_one_second ();
}

/* What `stats` reads of a cgroup with a process in it: the limit as written, some memory and CPU, the process. */
static void
test_usage_reads_back (void **state)
{
  (void)state;
  need_root ();
  pp_cgroup_limits_t lim = { .memory = 64 << 20, .memory_swap = 64 << 20 };
  create (&lim);
  int go;
  pid_t pid = spawn (touch_and_spin, &go);
  start (pid, go);
  nanosleep (&(struct timespec){ 0, 200 * 1000 * 1000 }, NULL);
  cleanup_error pp_error_t err = NULL;
  pp_cgroup_usage_t u;
  if (pp_cgroup_usage (leaf, &u, &err) < 0)
    fail_msg ("%s", err->msg);
  uint64_t limit = 0;
  assert_int_equal (pp_cgroup_memory_limit (leaf, &limit, &err), 0);
  int st = wait_status (pid);
  assert_true (WIFEXITED (st) && WEXITSTATUS (st) == 0);
  printf ("usage: cpu %" PRIu64 " ns, memory %" PRIu64 " of %" PRIu64 ", pids %" PRIu64 ", io %" PRIu64 "/%" PRIu64
          "\n",
          u.cpu_ns, u.memory, u.memory_limit, u.pids, u.io_read, u.io_write);
  assert_int_equal (u.memory_limit, 64 << 20);
  assert_int_equal (limit, 64 << 20);
  assert_true (u.memory >= (8 << 20) && u.memory <= (64 << 20));
  assert_true (u.cpu_ns > 10 * 1000 * 1000);
  assert_int_equal (u.pids, 1);
  /* Without a limit: none ("max" on v2), or v1's number near 2^63. */
  cleanup_free char *leaf2 = xasprintf ("%s/c2", base);
  assert_int_equal (pp_cgroup_create (leaf2, NULL, &err), 0);
  assert_int_equal (pp_cgroup_memory_limit (leaf2, &limit, &err), 0);
  assert_true (limit > (1ULL << 62));
  /* A cgroup that is not there is an error. */
  cleanup_free char *gone = xasprintf ("%s/none", base);
  pp_error_release (&err);
  assert_int_equal (pp_cgroup_usage (gone, &u, &err), -1);
}

enum
{
  FORKS = 40
};

static void
fork_many (void)
{
  int made = 0;
  for (int i = 0; i < FORKS; i++)
    {
      pid_t c = fork ();
      if (c == 0)
        sleep_forever ();
      if (c < 0 && errno != EAGAIN)
        _exit (4);
      made += c > 0;
    }
  _exit (made);
}

static void
test_pids_limit_stops_forks (void **state)
{
  (void)state;
  need_root ();
  pp_cgroup_limits_t lim = { .pids = 8 };
  create (&lim);
  /* The orphans come back to us, to be reaped once the cgroup is killed. */
  assert_int_equal (prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
  int go;
  pid_t pid = spawn (fork_many, &go);
  start (pid, go);
  int st = wait_status (pid);
  assert_true (WIFEXITED (st));
  /* The child itself is one of the 8. */
  assert_int_equal (WEXITSTATUS (st), 7);
  cleanup_error pp_error_t err = NULL;
  cleanup_free pid_t *pids = NULL;
  size_t n = 0;
  assert_int_equal (pp_cgroup_pids (leaf, &pids, &n, &err), 0);
  assert_int_equal (n, 7);
  assert_int_equal (pp_cgroup_kill (leaf, SIGKILL, &err), 0);
  while (waitpid (-1, NULL, 0) > 0 || errno == EINTR)
    ;
  prctl (PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
  free (pids);
  pids = NULL;
  assert_int_equal (pp_cgroup_pids (leaf, &pids, &n, &err), 0);
  assert_int_equal (n, 0);
}

/* A cgroup directory of the fake hierarchy at `root`: made, with its cgroup.procs and cgroup.subtree_control, all
   owned by `uid` (systemd's Delegate=yes chowns these to the user), or the directory alone by `dir_uid`. */
static void
fake_cgroup (const char *root, const char *path, uid_t dir_uid, uid_t files_uid)
{
  cleanup_free char *dir = xasprintf ("%s%s", root, path);
  assert_int_equal (pp_mkdir_p (dir, 0755), 0);
  assert_int_equal (chown (dir, dir_uid, dir_uid), 0);
  static const char *const files[] = { "cgroup.procs", "cgroup.subtree_control" };
  for (size_t i = 0; i < PP_N_ELEMENTS (files); i++)
    {
      cleanup_free char *f = xasprintf ("%s/%s", dir, files[i]);
      int fd = open (f, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      assert_true (fd >= 0);
      close (fd);
      assert_int_equal (chown (f, files_uid, files_uid), 0);
    }
}

/* pp_cgroup_delegated_base as uid `uid` (a child that drops to it), "-" for NULL. */
static char *
base_as (uid_t uid, const char *root, const char *own)
{
  int fds[2];
  assert_int_equal (pipe2 (fds, O_CLOEXEC), 0);
  pid_t pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      if (uid != 0 && (setgroups (0, NULL) < 0 || setresgid (uid, uid, uid) < 0 || setresuid (uid, uid, uid) < 0))
        _exit (2);
      char *b = pp_cgroup_delegated_base (root, own);
      char *out = xasprintf ("=%s", b ? b : "-");
      _exit (write (fds[1], out, strlen (out)) == (ssize_t)strlen (out) ? 0 : 3);
    }
  close (fds[1]);
  char buf[512] = "";
  ssize_t n = read (fds[0], buf, sizeof buf - 1);
  close (fds[0]);
  assert_int_equal (wait_status (pid), 0);
  assert_true (n > 0 && buf[0] == '=');
  return xstrdup (buf + 1);
}

/* The user's delegated subtree is found above its own cgroup, as systemd lays it out: the highest cgroup the user
   may write (directory, cgroup.procs, cgroup.subtree_control), never the user's own cgroup, and none where
   nothing above is the user's. */
static void
test_delegated_base (void **state)
{
  (void)state;
  need_root ();
  const uid_t user = 65534;
  char root[] = "/tmp/pp-cgroup-XXXXXX";
  assert_non_null (mkdtemp (root));
  assert_int_equal (chmod (root, 0755), 0);
  const char *svc = "/user.slice/user-65534.slice/user@65534.service";
  cleanup_free char *app = xasprintf ("%s/app.slice", svc);
  cleanup_free char *scope = xasprintf ("%s/app.slice/term.scope", svc);
  fake_cgroup (root, "", 0, 0);
  fake_cgroup (root, "/user.slice", 0, 0);
  fake_cgroup (root, "/user.slice/user-65534.slice", 0, 0);
  /* A session's scope: root's, as logind makes it. */
  fake_cgroup (root, "/user.slice/user-65534.slice/session-3.scope", 0, 0);
  fake_cgroup (root, svc, user, user);
  fake_cgroup (root, app, user, user);
  fake_cgroup (root, scope, user, user);
  cleanup_free char *in_scope = base_as (user, root, scope);
  assert_string_equal (in_scope, svc);
  /* The delegated cgroup itself holds processes: it cannot be the base. */
  cleanup_free char *in_svc = base_as (user, root, svc);
  assert_string_equal (in_svc, "-");
  cleanup_free char *in_session = base_as (user, root, "/user.slice/user-65534.slice/session-3.scope");
  assert_string_equal (in_session, "-");
  cleanup_free char *at_root = base_as (user, root, "/");
  assert_string_equal (at_root, "-");
  /* A directory the user owns whose cgroup.procs is root's is no delegation: the next level down is. */
  fake_cgroup (root, svc, user, 0);
  cleanup_free char *half = base_as (user, root, scope);
  assert_string_equal (half, app);
  /* Root may write the whole hierarchy. */
  cleanup_free char *as_root = base_as (0, root, scope);
  assert_string_equal (as_root, "");
  cleanup_close int parent = open ("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_int_equal (pp_remove_tree (parent, root + strlen ("/tmp/")), 0);
}

/* Root outside a user namespace makes its cgroups at the root of every hierarchy, with every controller. */
static void
test_base_of_root (void **state)
{
  (void)state;
  need_root ();
  if (pp_in_user_namespace ())
    skip (); /* root of a user namespace is no host's root */
  assert_string_equal (pp_cgroup_base (), "");
  assert_string_equal (pp_cgroup_base_controllers (), "cpu memory pids");
  cleanup_free char *pod = pp_cgroup_pod_path ("p1", NULL), *ctr = pp_cgroup_pod_path ("p1", "c1");
  assert_string_equal (pod, "/podplay/p1");
  assert_string_equal (ctr, "/podplay/p1/c1");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_mode_and_weight),
    cmocka_unit_test (test_delegated_base),
    cmocka_unit_test (test_base_of_root),
    cmocka_unit_test_teardown (test_limits_read_back, teardown),
    cmocka_unit_test_teardown (test_enter_and_kill, teardown),
    cmocka_unit_test_teardown (test_memory_limit_oom_kills, teardown),
    cmocka_unit_test_teardown (test_cpu_quota_throttles, teardown),
    cmocka_unit_test_teardown (test_pids_limit_stops_forks, teardown),
    cmocka_unit_test_teardown (test_usage_reads_back, teardown),
  };
  return cmocka_run_group_tests (tests, setup, NULL);
}
