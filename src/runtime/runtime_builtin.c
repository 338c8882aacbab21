/* The built-in executor as a runtime: podplay's own code (executor.c) starts, enters and deletes containers. */
#include "runtime/executor.h"
#include "runtime/runtime_internal.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>

/* The executor's child makes the terminal in the container's own devpts and sends its master back over the pair. */
static int
builtin_console_open (int console[2], pp_error_t *err)
{
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console) < 0)
    return pp_error_make (err, errno, "a socket pair for the container's terminal");
  return 0;
}

static int
builtin_console_receive (const pp_runtime_t *rt, int console0, pp_error_t *err)
{
  (void)rt;
  return pp_runtime_recv_terminal (console0, err);
}

static int
builtin_launch (const pp_runtime_t *rt, const pp_runtime_ctr_t *c, const pp_runtime_io_t *io, void **launch,
                pp_error_t *err)
{
  (void)rt;
  /* A monitor's containers die with it: nothing would log, restart or stop them. */
  pp_executor_io_t eio = { io->stdin_fd, io->stdout_fd, io->stderr_fd, true, io->console };
  return pp_executor_launch (c->bundle, &eio, (pp_executor_launch_t **)launch, err);
}

static int
builtin_started (void *launch, pid_t *pid, pp_error_t *err)
{
  return pp_executor_started (launch, pid, err);
}

static int
builtin_start (const pp_runtime_t *rt, const pp_runtime_ctr_t *c, const pp_runtime_io_t *io, pid_t *pid,
               pp_error_t *err)
{
  void *launch;
  return builtin_launch (rt, c, io, &launch, err) < 0 ? -1 : builtin_started (launch, pid, err);
}

typedef struct
{
  int master, slave;
} relay_t;

/* Copies between the caller's standard streams (its terminal put in raw mode) and the process's terminal until
   the process closes its side. */
static void
relay_tty (void *data)
{
  relay_t *r = data;
  close (r->slave);
  r->slave = -1;
  struct termios saved;
  bool raw = isatty (0) && tcgetattr (0, &saved) == 0;
  if (raw)
    {
      struct termios t = saved;
      cfmakeraw (&t);
      tcsetattr (0, TCSANOW, &t);
      struct winsize ws;
      if (ioctl (0, TIOCGWINSZ, &ws) == 0)
        ioctl (r->master, TIOCSWINSZ, &ws);
    }
  bool in_open = true;
  char buf[8192];
  for (;;)
    {
      struct pollfd p[2] = { { r->master, POLLIN, 0 }, { in_open ? 0 : -1, POLLIN, 0 } };
      if (poll (p, 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      if (p[0].revents)
        {
          ssize_t n = read (r->master, buf, sizeof buf);
          if (n <= 0 || write (1, buf, (size_t)n) < 0)
            break;
        }
      if (p[1].revents)
        {
          ssize_t n = read (0, buf, sizeof buf);
          if (n <= 0)
            in_open = false;
          else if (write (r->master, buf, (size_t)n) < 0)
            break;
        }
    }
  if (raw)
    tcsetattr (0, TCSANOW, &saved);
}

/* A terminal of the caller's devpts for the process, relayed from the caller's streams once the process runs. */
static int
open_relay (relay_t *r, pp_exec_opts_t *eo, pp_error_t *err)
{
  r->master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (r->master < 0 || grantpt (r->master) < 0 || unlockpt (r->master) < 0)
    return pp_error_make (err, errno, "allocate a terminal");
  r->slave = open (ptsname (r->master), O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (r->slave < 0)
    return pp_error_make (err, errno, "open the terminal");
  eo->tty_fd = r->slave;
  eo->started = relay_tty;
  eo->data = r;
  return 0;
}

static int
builtin_exec (const pp_runtime_t *rt, const pp_runtime_ctr_t *c, char *const *argv, const pp_runtime_exec_t *o,
              int *status, pp_error_t *err)
{
  (void)rt;
  cleanup_close int null = o->stdin ? -1 : open ("/dev/null", O_RDONLY | O_CLOEXEC);
  if (!o->stdin && null < 0)
    return pp_error_make (err, errno, "open `/dev/null`");
  pp_exec_opts_t eo
      = { .stdin_fd = o->stdin ? 0 : null, .tty_fd = -1, .user_set = o->user_set, .uid = o->uid, .gid = o->gid };
  relay_t r = { -1, -1 };
  int ret = o->tty ? open_relay (&r, &eo, err) : 0;
  if (ret == 0)
    ret = pp_executor_exec (c->bundle, c->pid, argv, &eo, status, err);
  if (r.master >= 0)
    close (r.master);
  if (r.slave >= 0)
    close (r.slave);
  return ret;
}

static int
builtin_delete (const pp_runtime_t *rt, const pp_runtime_ctr_t *c, pp_error_t *err)
{
  (void)rt;
  return pp_executor_delete (c->bundle, err);
}

const pp_runtime_t pp_runtime_builtin = {
  .name = "builtin",
  .external = false,
  .console_open = builtin_console_open,
  .console_receive = builtin_console_receive,
  .start = builtin_start,
  .launch = builtin_launch,
  .started = builtin_started,
  .exec = builtin_exec,
  .kill = pp_runtime_kill_process,
  .delete = builtin_delete,
};
