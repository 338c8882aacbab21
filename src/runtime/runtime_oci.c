/* An installed OCI runtime (runc, crun) as a runtime: the same bundle handed to its `run --detach`, `exec` and
   `delete`, its state under <runroot>/<name>. */
#include "runtime/runtime_internal.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

/* The console socket's name, relative to the bundle, where the runtime runs: a Unix socket's path is short, a
   storage root may not be. */
static const struct sockaddr_un console_addr = { AF_UNIX, "console.sock" };

/* The runtime's program, looked up in PATH here, before any fork: the child then only execs a path. */
static char *
find_program (const char *name, pp_error_t *err)
{
  char *path = pp_find_program (name);
  if (path == NULL)
    pp_error_make (err, ENOENT, "the OCI runtime `%s` is not installed (not found in PATH)", name);
  return path;
}

/* A command line of the runtime: the program, --root <runroot>/<name>, `words` up to NULL, then `more`. */
static char **
command (const pp_runtime_t *rt, const pp_runtime_ctr_t *c, const char *const *words, char *const *more,
         pp_error_t *err)
{
  char *prog = find_program (rt->name, err);
  if (prog == NULL)
    return NULL;
  size_t n = 0, m = 0;
  while (words[n])
    n++;
  while (more && more[m])
    m++;
  char **argv = xzalloc ((n + m + 4) * sizeof (char *));
  size_t k = 0;
  argv[k++] = prog;
  argv[k++] = xstrdup ("--root");
  argv[k++] = pp_runtime_state_root (rt, c->runroot);
  for (size_t i = 0; i < n; i++)
    argv[k++] = xstrdup (words[i]);
  for (size_t i = 0; i < m; i++)
    argv[k++] = xstrdup (more[i]);
  return argv;
}

/* What the child reports when it cannot exec: the step, and errno. */
enum
{
  STEP_CHDIR = 1,
  STEP_CONSOLE,
  STEP_STDIO,
  STEP_EXEC
};

/* The child side of run: only async-signal-safe calls, on what the parent prepared (the caller may have other
   threads, whose locks a forked child must never wait for).  A failure goes to the parent over `report`, which
   closes at the exec. */
static void __attribute__ ((noreturn))
spawn_child (char *const *argv, const int fds[3], const char *dir, int console, int report)
{
  int step = STEP_CHDIR;
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  signal (SIGPIPE, SIG_DFL);
  if (dir && chdir (dir) < 0)
    goto fail;
  step = STEP_CONSOLE;
  if (console >= 0
      && (bind (console, (const struct sockaddr *)&console_addr, sizeof console_addr) < 0 || listen (console, 1) < 0))
    goto fail;
  step = STEP_STDIO;
  for (int i = 0; i < 3; i++)
    if ((fds[i] == i ? fcntl (i, F_SETFD, 0) : dup2 (fds[i], i)) < 0)
      goto fail;
  step = STEP_EXEC;
  execv (argv[0], argv);
fail:;
  int msg[2] = { step, errno };
  PP_RETRY (write (report, msg, sizeof msg));
  _exit (127);
}

/* Runs the runtime with `argv` and the standard streams `fds` (-1: /dev/null), in `dir` (or here), with the
   console socket `console` (or -1) bound and listening there; waits: *status is its exit status. */
static int
run (char **argv, const int fds_in[3], const char *dir, int console, int *status, pp_error_t *err)
{
  static const char *const steps[]
      = { "", "enter the bundle", "bind the console socket", "set up standard streams", "run" };
  cleanup_close int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  int report[2];
  if (null < 0 || pipe2 (report, O_CLOEXEC) < 0)
    return pp_error_make (err, errno, "prepare to run `%s`", argv[0]);
  int fds[3];
  for (int i = 0; i < 3; i++)
    fds[i] = fds_in && fds_in[i] >= 0 ? fds_in[i] : null;
  /* spawn_child is async-signal-safe: `podplay exec` and a monitor call this, neither with threads, but nothing
     here needs that to hold. */
  pid_t pid = fork ();
  if (pid == 0)
    {
      close (report[0]);
      spawn_child (argv, fds, dir, console, report[1]);
    }
  int e = errno;
  close (report[1]);
  int msg[2] = { 0, 0 };
  ssize_t n = pid > 0 ? PP_RETRY (read (report[0], msg, sizeof msg)) : 0;
  close (report[0]);
  if (pid < 0)
    return pp_error_make (err, e, "fork");
  *status = pp_wait_status (pid);
  if (n == (ssize_t)sizeof msg && msg[0] > 0 && msg[0] < (int)PP_N_ELEMENTS (steps))
    return pp_error_make (err, msg[1], "%s `%s`", steps[msg[0]], argv[0]);
  return 0;
}

static int
oci_delete (const pp_runtime_t *rt, const pp_runtime_ctr_t *c, pp_error_t *err)
{
  const char *const words[] = { "delete", "--force", c->id, NULL };
  cleanup_strv char **argv = command (rt, c, words, NULL, err);
  int status = 0;
  if (argv == NULL || run (argv, NULL, NULL, -1, &status, err) < 0)
    return -1;
  if (status != 0)
    return pp_error_make (err, 0, "%s delete %s failed (exit status %d)", rt->name, c->id, status);
  return 0;
}

/* The runtime makes the terminal and connects to the socket to hand its master over: one socket, its second
   descriptor for start, which binds it where the runtime looks. */
static int
oci_console_open (int console[2], pp_error_t *err)
{
  console[0] = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  console[1] = console[0] < 0 ? -1 : fcntl (console[0], F_DUPFD_CLOEXEC, 3);
  if (console[1] >= 0)
    return 0;
  int e = errno;
  if (console[0] >= 0)
    close (console[0]);
  console[0] = -1;
  return pp_error_make (err, e, "a socket for the container's terminal");
}

static int
oci_console_receive (const pp_runtime_t *rt, int console0, pp_error_t *err)
{
  /* The runtime has exited: its connection waits in the backlog, or it never came. */
  cleanup_close int conn = accept4 (console0, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0)
    return pp_error_make (err, errno, "%s did not hand the container's terminal over", rt->name);
  return pp_runtime_recv_terminal (conn, err);
}

/* `run --detach`: the container's process outlives the runtime and, the caller being a subreaper, becomes its
   child; the runtime's pid file says which it is. */
static int
oci_start (const pp_runtime_t *rt, const pp_runtime_ctr_t *c, const pp_runtime_io_t *io, pid_t *pid, pp_error_t *err)
{
  cleanup_free char *pidfile = xasprintf ("%s/containers/%s/pid", c->runroot, c->id);
  cleanup_free char *sockfile = xasprintf ("%s/%s", c->bundle, console_addr.sun_path);
  unlink (pidfile);
  unlink (sockfile);
  /* A stale record of the same id, from a run whose monitor died, is dropped first. */
  cleanup_error pp_error_t stale = NULL;
  oci_delete (rt, c, &stale);
  const char *words[10] = { "run", "--detach", "--pid-file", pidfile, "--bundle", c->bundle };
  size_t k = 6;
  if (io->console >= 0)
    {
      words[k++] = "--console-socket";
      words[k++] = console_addr.sun_path;
    }
  words[k] = c->id;
  cleanup_strv char **argv = command (rt, c, words, NULL, err);
  int fds[3] = { io->stdin_fd, io->stdout_fd, io->stderr_fd }, status = 0;
  if (argv == NULL)
    return -1;
  int ret = run (argv, fds, c->bundle, io->console, &status, err);
  unlink (sockfile);
  if (ret == 0 && status != 0)
    ret = pp_error_make (err, 0, "%s run failed (exit status %d): see the container's log", rt->name, status);
  if (ret < 0)
    return -1;
  cleanup_file FILE *f = fopen (pidfile, "re");
  long p = 0;
  if (f == NULL || fscanf (f, "%ld", &p) != 1 || p <= 0)
    return pp_error_make (err, errno, "read `%s`", pidfile);
  *pid = (pid_t)p;
  return 0;
}

static int
oci_exec (const pp_runtime_t *rt, const pp_runtime_ctr_t *c, char *const *argv_in, const pp_runtime_exec_t *o,
          int *status, pp_error_t *err)
{
  char user[32];
  snprintf (user, sizeof user, "%u:%u", o->uid, o->gid);
  const char *words[6] = { "exec" };
  size_t k = 1;
  if (o->tty)
    words[k++] = "--tty";
  if (o->user_set)
    {
      words[k++] = "--user";
      words[k++] = user;
    }
  words[k++] = c->id;
  /* The runtime relays the terminal itself, or passes the streams on to the process. */
  cleanup_strv char **argv = command (rt, c, words, argv_in, err);
  int fds[3] = { o->stdin || o->tty ? 0 : -1, 1, 2 };
  return argv == NULL ? -1 : run (argv, fds, NULL, -1, status, err);
}

#define OCI_RUNTIME(NAME)                                                                                              \
  {                                                                                                                    \
    .name = NAME, .external = true, .console_open = oci_console_open, .console_receive = oci_console_receive,          \
    .start = oci_start, .exec = oci_exec, .kill = pp_runtime_kill_process, .delete = oci_delete,                       \
  }

const pp_runtime_t pp_runtime_runc = OCI_RUNTIME ("runc");
const pp_runtime_t pp_runtime_crun = OCI_RUNTIME ("crun");
