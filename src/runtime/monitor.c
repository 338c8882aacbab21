/* The per-pod monitor: starts the pod's containers (init containers first, in order), writes their output to
   k8s-file logs, records starts and exits in the state database, restarts them by the pod's restart policy with
   kubelet's back-off, and stops them on SIGTERM.  On SIGUSR2 it reads the pod's plan again and starts the
   containers added to it (`run --pod`); a pod of `pod create` it holds until stopped.  A container with a terminal
   or a stdin has an attach socket, through which one client at a time sends its input and gets its output.  It
   holds no YAML and no registry code; errors it can survive are logged and survived. */
#include "runtime/monitor.h"
#include "net/service.h"
#include "runtime/attach.h"
#include "runtime/cgroup.h"
#include "runtime/fileenv.h"
#include "runtime/logfile.h"
#include "runtime/mounts.h"
#include "runtime/probe.h"
#include "runtime/pod.h"
#include "runtime/runtime.h"
#include "runtime/subpath.h"
#include "runtime/userns.h"
#include "state/state.h"

#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sched.h>
#include <linux/sched.h>
#include <sys/syscall.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#define BACKOFF_FIRST_MS 10000
#define BACKOFF_MAX_MS 300000
#define BACKOFF_RESET_MS 600000 /* a container that ran this long starts its back-off afresh */

typedef enum
{
  C_PENDING, /* not started yet (waiting for the init containers before it) */
  C_RUNNING,
  C_BACKOFF, /* exited, to be restarted at restart_at */
  C_DONE,    /* exited for good */
} cstate_t;

typedef struct
{
  pp_container_rec_t rec;
  bool init;
  bool sidecar;    /* an init container with restartPolicy: Always: runs beside the main containers */
  bool tty, stdin; /* a terminal for its stdio; a stdin kept open */
  int stdin_w;     /* the write end of its stdin pipe, held open (written by an attached client), or -1 */
  int attach_fd;   /* the listening attach socket of a container with a terminal or a stdin, or -1 */
  int client;      /* the client attached (one at a time), or -1 */
  pp_attach_reader_t client_in;
  pp_buf_t to_client; /* output the client has not read yet */
  pp_buf_t to_ctr;    /* input the container has not taken yet */
  bool eof_pending;   /* the client's input ended: the container's stdin closes once to_ctr is written */
  bool await_attach;      /* an attached `run -i` or `-t`'s: its first start waits for the client, as Podman's
                             does, so that none of its output or input is missed */
  int64_t attach_deadline; /* when it starts all the same, the client not come */
  bool term_sent;  /* told to stop (preStop or its stop signal) */
  int stop_signal; /* lifecycle.stopSignal, the image's STOPSIGNAL, or SIGTERM */
  const char *restart_policy; /* its own (1.34), or NULL for the pod's; points into the plan */
  json_t *restart_rules;      /* [{action, in, values}] refining it by exit code (borrowed from the plan) */
  json_t *file_env;           /* [{name, volume, path, key, optional}] of fileKeyRef (borrowed from the plan) */
  char *bundle;
  char *cgroup; /* its cgroup path, as in config.json, or NULL */
  cstate_t st;
  int fds[2]; /* read ends of stdout and stderr, -1 when closed */
  pp_logw_t log;
  int64_t started_ms, restart_at_ms;
  int64_t backoff_ms;
  pp_probe_t probes[PP_PROBE_KINDS];
  bool startup_done;     /* its startup probe passed (or it has none): liveness and readiness may run */
  int64_t probe_kill_ms; /* a failed liveness or startup probe: SIGKILL at this time if SIGTERM did not end it */
  pp_probe_t hooks[2];   /* lifecycle postStart and preStop: handlers run as probe checks are, once */
  pid_t hook_child;
  int hook_kind;     /* which hook hook_child runs */
  bool synced_ready; /* the readiness the Services' rules were last set with */
} mctr_t;

enum
{
  HOOK_POST_START,
  HOOK_PRE_STOP
};
static const char *const hook_names[] = { "postStart", "preStop" };

typedef struct
{
  pp_context_t *ctx;
  pp_state_t *state;
  const char *pod_id;
  char *pod_name;
  char *restart_policy; /* Always, OnFailure, Never */
  const pp_runtime_t *rt; /* what runs the containers */
  int grace;            /* seconds */
  bool share_pid;       /* one PID namespace for the pod, held by a pause process */
  json_t *plan;         /* pod.json, which the probes' specs point into */
  json_t *old_plans;    /* the plans read before it (containers added later): the first containers' specs point there */
  bool hold;            /* made by `pod create`: the pod runs until stopped, with or without containers */
  char *netns;          /* the pod's network namespace file, for probes; NULL with hostNetwork */
  pid_t pause_pid;
  mctr_t *c;
  size_t n, cap;
  size_t next_init; /* index of the init container to run next; n when they are all done */
  bool stopping, failed;
  bool restarting_all; /* a RestartAllContainers rule matched: every container stops, then all start again */
  int64_t restart_all_at_ms, restart_all_backoff_ms; /* when they start again: a crash loop backs off as one */
  int64_t kill_at_ms;
} monitor_t;

static void
record (monitor_t *m, mctr_t *c)
{
  pp_error_t err = NULL;
  if (pp_state_container_update (m->state, &c->rec, &err) < 0)
    {
      pp_log (m->ctx, PP_LOG_ERROR, "monitor: %s", err->msg);
      pp_error_release (&err);
      return;
    }
  /* A container that turned ready or unready adds the pod to the Services that select it or takes it out, as
     the change is recorded: the data path follows readiness within the probe period that saw it. */
  if (c->rec.ready == c->synced_ready)
    return;
  if (pp_service_sync (m->ctx, m->state, false, &err) < 0)
    {
      /* Tried again at the next record of this container. */
      pp_log (m->ctx, PP_LOG_ERROR, "monitor: %s", err->msg);
      pp_error_release (&err);
      return;
    }
  c->synced_ready = c->rec.ready;
}

static void
set_status (mctr_t *c, const char *status)
{
  free (c->rec.status);
  c->rec.status = xstrdup (status);
}

/* The container as its runtime knows it. */
static pp_runtime_ctr_t
ctr_of (const monitor_t *m, const mctr_t *c)
{
  return (pp_runtime_ctr_t){ m->ctx->runroot, c->rec.id, c->bundle, (pid_t)c->rec.pid };
}

/* A signal to a container's process, through its runtime; one that cannot be sent is logged. */
static void
signal_ctr (monitor_t *m, mctr_t *c, int sig)
{
  pp_runtime_ctr_t rc = ctr_of (m, c);
  cleanup_error pp_error_t err = NULL;
  if (m->rt->kill (m->rt, &rc, sig, &err) < 0)
    pp_log (m->ctx, PP_LOG_ERROR, "monitor: %s", err->msg);
}

static pp_probe_target_t
probe_target (const monitor_t *m, const mctr_t *c)
{
  return (pp_probe_target_t){ m->netns, m->rt, ctr_of (m, c) };
}

static void
run_hook (monitor_t *m, mctr_t *c, int kind)
{
  pp_probe_target_t t = probe_target (m, c);
  c->hook_child = pp_probe_launch (&c->hooks[kind], &t);
  c->hook_kind = kind;
  c->hooks[kind].deadline_ms = pp_now_ms () + c->hooks[kind].timeout_ms;
  if (c->hook_child < 0)
    c->hook_child = 0;
}

/* A container's start under way (start_launch, then start_finish): the result of its first half, its process,
   the runtime's launch until that process runs, and the monitor's ends of its standard streams. */
typedef struct
{
  int ret;
  pid_t pid;
  void *launch;
  int out, errp, in, console;
  int64_t t;
} starting_t;

/* The container's stdio: a terminal (its master read as stdout), or pipes for stdout and stderr; stdin is a pipe
   held open when it asks for stdin, else /dev/null.  Its process is made by the runtime's launch, which returns
   before it runs, where the runtime has one (and no terminal is to be received); else by its whole start. */
static int
launch_process (monitor_t *m, mctr_t *c, starting_t *s, pp_error_t *err)
{
  int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, in[2] = { -1, -1 }, console[2] = { -1, -1 };
  int ret = c->tty ? m->rt->console_open (console, err) : 0;
  if (ret == 0 && !c->tty && (pipe2 (out, O_CLOEXEC) < 0 || pipe2 (errp, O_CLOEXEC) < 0))
    ret = -1;
  if (ret == 0 && c->stdin && !c->tty)
    {
      /* The monitor's end does not block: what an attached client sends waits in to_ctr until the container reads. */
      ret = pipe2 (in, O_CLOEXEC);
      if (ret == 0)
        ret = fcntl (in[1], F_SETFL, O_NONBLOCK);
    }
  else if (ret == 0)
    ret = in[0] = open ("/dev/null", c->tty ? O_RDWR | O_CLOEXEC : O_RDONLY | O_CLOEXEC);
  if (ret < 0)
    ret = pp_error_make (err, errno, "the container's standard streams");
  else
    {
      /* With a terminal the streams are /dev/null until the terminal replaces them. */
      pp_runtime_io_t io = { in[0], c->tty ? in[0] : out[1], c->tty ? in[0] : errp[1], console[1] };
      pp_runtime_ctr_t rc = ctr_of (m, c);
      ret = m->rt->launch && !c->tty ? m->rt->launch (m->rt, &rc, &io, &s->launch, err)
                                     : m->rt->start (m->rt, &rc, &io, &s->pid, err);
    }
  /* The process's ends are its own now: closed here before the next container's process is made. */
  int fds[] = { in[0], out[1], errp[1], console[1] };
  for (size_t i = 0; i < PP_N_ELEMENTS (fds); i++)
    if (fds[i] >= 0)
      close (fds[i]);
  s->out = out[0];
  s->errp = errp[0];
  s->in = in[1];
  s->console = console[0];
  return ret;
}

/* Once the container's process runs (the runtime's launch awaited), its streams are the container's. */
static int
finish_process (monitor_t *m, mctr_t *c, starting_t *s, pp_error_t *err)
{
  int ret = s->ret;
  if (ret == 0 && s->launch)
    ret = m->rt->started (s->launch, &s->pid, err);
  s->launch = NULL;
  if (ret == 0 && c->tty)
    {
      c->fds[0] = m->rt->console_receive (m->rt, s->console, err);
      ret = c->fds[0] < 0 ? -1 : 0;
      if (ret < 0)
        kill (s->pid, SIGKILL);
    }
  else if (ret == 0)
    {
      c->fds[0] = s->out;
      c->fds[1] = s->errp;
      c->stdin_w = s->in;
      s->out = s->errp = s->in = -1;
    }
  int rest[] = { s->out, s->errp, s->in, s->console };
  for (size_t i = 0; i < PP_N_ELEMENTS (rest); i++)
    if (rest[i] >= 0)
      close (rest[i]);
  return ret;
}

/* The container's subPaths, resolved in their volumes and bound afresh before each of its starts: what a container
   sharing the volume did since cannot lead the mount out of it (runtime/subpath.h). */
static int
stage_subpaths (monitor_t *m, mctr_t *c, pp_error_t *err)
{
  json_t *entries = json_object_get (json_object_get (m->plan, "subPaths"), c->rec.name);
  return entries ? pp_subpath_stage (entries, err) : 0;
}

/* The first half of a container's start: what it needs staged, and its process made. */
static void
start_launch (monitor_t *m, mctr_t *c, starting_t *s, pp_error_t *err)
{
  *s = (starting_t){ .out = -1, .errp = -1, .in = -1, .console = -1, .t = pp_now_us () };
  s->ret = stage_subpaths (m, c, err);
  /* fileKeyRef variables: read afresh from their volumes at each start, once the init containers have written them. */
  if (s->ret == 0)
    s->ret = pp_fileenv_apply (c->bundle, c->file_env, err);
  if (s->ret == 0)
    s->ret = launch_process (m, c, s, err);
}

/* The second half: once its process runs, the container is Running (or, when it did not start, Exited). */
static void
start_finish (monitor_t *m, mctr_t *c, starting_t *s, pp_error_t *err)
{
  int ret = finish_process (m, c, s, err);
  pid_t pid = s->pid;
  pp_debug_step (m->ctx, &s->t, "monitor: container %s: runtime start", c->rec.name);
  if (ret < 0)
    {
      /* Whatever the runtime printed is in the log already; the reason goes there too. */
      pp_logw_feed (&c->log, PP_LOG_STDERR, (*err)->msg, strlen ((*err)->msg));
      pp_logw_feed (&c->log, PP_LOG_STDERR, "\n", 1);
      goto fail_recorded;
    }
  c->st = C_RUNNING;
  c->term_sent = false;
  c->started_ms = pp_now_ms ();
  set_status (c, "Running");
  c->rec.pid = pid;
  c->rec.started = (int64_t) time (NULL);
  c->rec.finished = 0;
  c->rec.exit_code = -1;
  c->rec.oom_killed = false;
  int64_t now = pp_now_ms ();
  for (int k = 0; k < PP_PROBE_KINDS; k++)
    if (c->probes[k].spec)
      pp_probe_arm (&c->probes[k], now);
  c->startup_done = c->probes[PP_PROBE_STARTUP].spec == NULL;
  c->rec.ready = c->startup_done && c->probes[PP_PROBE_READINESS].spec == NULL;
  c->probe_kill_ms = 0;
  record (m, c);
  return;
fail_recorded:
  c->rec.pid = 0;
  c->rec.exit_code = 128;
  c->rec.finished = (int64_t) time (NULL);
  set_status (c, "Exited");
  c->st = C_DONE;
  record (m, c);
}

/* A container's postStart hook, once it runs: forked only when no other container's start is under way, whose
   descriptors the hook's process would hold. */
static void
post_start (monitor_t *m, mctr_t *c)
{
  if (c->st == C_RUNNING && c->hooks[HOOK_POST_START].spec)
    run_hook (m, c, HOOK_POST_START);
}

static void
start (monitor_t *m, mctr_t *c, pp_error_t *err)
{
  /* Callers that do not take the error (advance with none) still get its reason in the container's log. */
  pp_error_t local = NULL;
  starting_t s;
  start_launch (m, c, &s, err ? err : &local);
  start_finish (m, c, &s, err ? err : &local);
  pp_error_release (&local);
  post_start (m, c);
}

static void begin_stop (monitor_t *m, int grace);

/* kubelet's crash-loop back-off, for a container or for a restart of the whole pod: the delay before the next
   start (none the first time, or after a run of BACKOFF_RESET_MS), and the next one doubled up to BACKOFF_MAX_MS. */
static int64_t
backoff_next (int64_t *backoff_ms, int64_t ran_ms)
{
  if (ran_ms >= BACKOFF_RESET_MS)
    *backoff_ms = 0;
  int64_t delay = *backoff_ms;
  *backoff_ms = delay ? delay * 2 : BACKOFF_FIRST_MS;
  if (*backoff_ms > BACKOFF_MAX_MS)
    *backoff_ms = BACKOFF_MAX_MS;
  return delay;
}

/* The action of the first of the container's restartPolicyRules its exit code matches, or NULL. */
static const char *
matching_rule (const mctr_t *c)
{
  size_t i;
  json_t *r;
  json_array_foreach (c->restart_rules, i, r)
  {
    bool in = json_is_true (json_object_get (r, "in")), found = false;
    size_t k;
    json_t *v;
    json_array_foreach (json_object_get (r, "values"), k, v) found = found || json_integer_value (v) == c->rec.exit_code;
    if (found == in)
      return json_string_value (json_object_get (r, "action"));
  }
  return NULL;
}

static bool
should_restart (const monitor_t *m, const mctr_t *c)
{
  if (m->stopping || m->restarting_all)
    return false;
  /* A sidecar is restarted whenever it ends, whatever the pod's policy, until the pod stops. */
  if (c->sidecar)
    return true;
  /* A container's own policy (1.34) replaces the pod's, after its rules: the first that matches the exit code.
     (An init container whose own policy is Always is a sidecar, above.) */
  const char *policy = m->restart_policy;
  if (c->restart_policy)
    {
      const char *action = matching_rule (c);
      if (action)
        return strcmp (action, "Restart") == 0;
      policy = c->restart_policy;
    }
  if (strcmp (policy, "Always") == 0)
    return !c->init || c->rec.exit_code != 0;
  if (strcmp (policy, "OnFailure") == 0)
    return c->rec.exit_code != 0;
  return false;
}

/* Every pending main container's process is made first, then each one awaited: their set-up (namespaces joined,
   mounts, pivot_root, seccomp, exec) runs at once, on every core, where each start used to wait for the one
   before it.  They are then recorded Running in their order, and a postStart hook holds none of them back (as
   before). */
static void
start_main_containers (monitor_t *m, pp_error_t *err)
{
  starting_t *s = xzalloc ((m->n + 1) * sizeof *s);
  pp_error_t *errs = xzalloc ((m->n + 1) * sizeof *errs);
  bool *go = xzalloc (m->n + 1);
  for (size_t i = 0; i < m->n; i++)
    if ((go[i] = !m->c[i].init && m->c[i].st == C_PENDING && !m->c[i].await_attach))
      {
        start_launch (m, &m->c[i], &s[i], &errs[i]);
        /* A runtime without two halves (runc, crun), a terminal, or a start that failed: no launch to await, and
           the container is recorded at once. */
        if (s[i].launch == NULL)
          start_finish (m, &m->c[i], &s[i], &errs[i]);
      }
  /* finish_process clears each launch: those left are the ones under way. */
  for (size_t i = 0; i < m->n; i++)
    if (go[i])
      {
        if (s[i].launch)
          start_finish (m, &m->c[i], &s[i], &errs[i]);
        if (errs[i] && err && *err == NULL)
          *err = errs[i];
        else
          pp_error_release (&errs[i]);
      }
  for (size_t i = 0; i < m->n; i++)
    if (go[i])
      post_start (m, &m->c[i]);
  free (go);
  free (errs);
  free (s);
}

/* The next init container, or the main ones when the init containers are done.  A sidecar lets the next one
   start as soon as it runs and its startup probe (if any) has passed; a plain init container once it has ended
   well (exited does that).  Called again whenever that may have changed: it starts only what is pending. */
static void
advance (monitor_t *m, pp_error_t *err)
{
  for (;;)
    {
      if (m->stopping || m->restarting_all)
        return;
      while (m->next_init < m->n && !m->c[m->next_init].init)
        m->next_init++;
      if (m->next_init >= m->n)
        break;
      mctr_t *c = &m->c[m->next_init];
      if (c->st == C_PENDING)
        start (m, c, err);
      if (!c->sidecar || c->st != C_RUNNING || !c->startup_done)
        return;
      m->next_init++;
    }
  start_main_containers (m, err);
}

/* A container's stop: its preStop hook first, its stop signal (SIGTERM unless it names another) when that is done (or at the end of the grace period). */
static void
terminate (monitor_t *m, mctr_t *c)
{
  c->term_sent = true;
  if (c->hooks[HOOK_PRE_STOP].spec && c->hook_child == 0)
    run_hook (m, c, HOOK_PRE_STOP);
  else
    signal_ctr (m, c, c->stop_signal);
  set_status (c, "Stopping");
  /* A container told to stop is no endpoint any more: no new connection reaches it while it winds down, as
     Kubernetes takes a terminating pod out of its Services at once. */
  c->rec.ready = false;
  record (m, c);
}

/* Sidecars stop after the main containers have ended, one at a time in reverse order: the last started goes
   first, so that each keeps serving the ones started after it. */
static void
stop_sidecars (monitor_t *m)
{
  for (size_t i = 0; i < m->n; i++)
    if (!m->c[i].sidecar && m->c[i].st == C_RUNNING)
      return;
  for (size_t i = m->n; i-- > 0;)
    {
      mctr_t *c = &m->c[i];
      if (!c->sidecar || c->st != C_RUNNING)
        continue;
      if (!c->term_sent)
        terminate (m, c);
      return;
    }
}

static bool
sidecars_left (const monitor_t *m)
{
  for (size_t i = 0; i < m->n; i++)
    if (m->c[i].sidecar && m->c[i].st != C_DONE)
      return true;
  return false;
}

/* Whether the pod has nothing more to run but its sidecars: its main containers ended for good (restartPolicy
   Never or OnFailure), or an init container failed it. */
static bool
main_work_done (const monitor_t *m)
{
  if (m->failed)
    return true;
  for (size_t i = 0; i < m->n; i++)
    if (!m->c[i].sidecar && m->c[i].st != C_DONE)
      return false;
  return true;
}

static mctr_t *
by_pid (monitor_t *m, pid_t pid)
{
  for (size_t i = 0; i < m->n; i++)
    if (m->c[i].st == C_RUNNING && m->c[i].rec.pid == pid)
      return &m->c[i];
  return NULL;
}

#define CLIENT_BACKLOG (8 << 20) /* output an attached client has not read yet, at most */

/* Writes what `fd` takes now of `buf` (a socket's send never raises SIGPIPE), and keeps the rest; false on an error
   other than a full pipe or socket. */
static bool
flush_buf (int fd, pp_buf_t *buf, bool sock)
{
  size_t off = 0;
  while (off < buf->len)
    {
      ssize_t w = sock ? send (fd, buf->data + off, buf->len - off, MSG_DONTWAIT | MSG_NOSIGNAL)
                       : write (fd, buf->data + off, buf->len - off);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        {
          if (errno != EAGAIN)
            return false;
          break;
        }
      off += (size_t) w;
    }
  memmove (buf->data, buf->data + off, buf->len - off);
  buf->len -= off;
  if (buf->data)
    buf->data[buf->len] = '\0';
  return true;
}

static void
drop_client (mctr_t *c)
{
  if (c->client < 0)
    return;
  close (c->client);
  c->client = -1;
  pp_buf_reset (&c->client_in.buf);
  pp_buf_reset (&c->to_client);
  pp_buf_reset (&c->to_ctr);
  c->eof_pending = false;
}

/* The container's input: as much as it takes now, the rest when it takes more (the client is not read meanwhile);
   then, after the client's end of input, the end of the container's stdin. */
static void
flush_input (mctr_t *c)
{
  int in = c->tty ? c->fds[0] : c->stdin_w;
  if (in < 0 || !flush_buf (in, &c->to_ctr, false))
    pp_buf_reset (&c->to_ctr);
  if (c->to_ctr.len == 0 && c->eof_pending && !c->tty && c->stdin_w >= 0)
    {
      /* The end of the client's input is the end of the container's, as Podman's attached stdin ends. */
      close (c->stdin_w);
      c->stdin_w = -1;
      c->eof_pending = false;
    }
}

/* The container's output to its attached client, as fast as it reads; one that falls CLIENT_BACKLOG behind is let
   go: the monitor does not wait on it, and the log has everything. */
static void
forward (mctr_t *c, int s, const char *buf, size_t n)
{
  if (c->client < 0)
    return;
  pp_attach_frame (&c->to_client, s == 0 ? PP_ATTACH_STDOUT : PP_ATTACH_STDERR, buf, (uint32_t) n);
  if (!flush_buf (c->client, &c->to_client, true) || c->to_client.len > CLIENT_BACKLOG)
    drop_client (c);
}

/* A client connects: the output from now on, and a container that waited for it starts.  A second one is told
   that the container has one. */
static void
accept_client (monitor_t *m, mctr_t *c)
{
  int fd = accept4 (c->attach_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0)
    return;
  if (c->client >= 0 || c->st == C_DONE)
    {
      const char *why = c->client >= 0 ? "another client is attached to the container" : "the container has ended";
      pp_buf_t f = { 0 };
      pp_attach_frame (&f, PP_ATTACH_REFUSED, why, (uint32_t) strlen (why));
      flush_buf (fd, &f, true);
      pp_buf_free (&f);
      close (fd);
      return;
    }
  c->client = fd;
  if (c->await_attach)
    {
      c->await_attach = false;
      advance (m, NULL);
    }
}

static void
client_frame (void *arg, int type, const char *data, uint32_t len)
{
  mctr_t *c = arg;
  if (type == PP_ATTACH_STDIN)
    {
      pp_buf_append (&c->to_ctr, data, len);
      flush_input (c);
    }
  else if (type == PP_ATTACH_STDIN_EOF)
    {
      c->eof_pending = true;
      flush_input (c);
    }
  else if (type == PP_ATTACH_RESIZE && c->tty && c->fds[0] >= 0 && len == sizeof (struct winsize))
    {
      struct winsize ws;
      memcpy (&ws, data, sizeof ws);
      ioctl (c->fds[0], TIOCSWINSZ, &ws);
    }
}

/* What the client sends, and room it made for the output it was behind on. */
static void
client_ready (mctr_t *c, short revents)
{
  if ((revents & POLLOUT) && !flush_buf (c->client, &c->to_client, true))
    {
      drop_client (c);
      return;
    }
  if ((revents & (POLLIN | POLLHUP | POLLERR)) && pp_attach_read (c->client, &c->client_in, client_frame, c) <= 0)
    drop_client (c);
}

/* One read of a container's output stream into its log (and to its attached client); false when there was nothing
   to read. */
static bool
drain (mctr_t *c, int s)
{
  char buf[65536];
  ssize_t n = PP_RETRY (read (c->fds[s], buf, sizeof buf));
  if (n > 0)
    {
      pp_logw_feed (&c->log, s, buf, (size_t) n);
      forward (c, s, buf, (size_t) n);
      return true;
    }
  if (n < 0 && errno == EAGAIN)
    return false;
  pp_logw_flush (&c->log, s);
  close (c->fds[s]);
  c->fds[s] = -1;
  return false;
}

static void
exited (monitor_t *m, mctr_t *c, int status)
{
  c->rec.exit_code = pp_exit_code (status);
  c->rec.finished = (int64_t) time (NULL);
  c->rec.pid = 0;
  c->rec.ready = false;
  c->probe_kill_ms = 0;
  if (c->stdin_w >= 0)
    {
      close (c->stdin_w);
      c->stdin_w = -1;
    }
  if (c->hook_child > 0)
    {
      kill (c->hook_child, SIGKILL);
      c->hook_child = 0;
    }
  for (int k = 0; k < PP_PROBE_KINDS; k++)
    if (c->probes[k].child > 0)
      {
        kill (c->probes[k].child, SIGKILL);
        c->probes[k].child = 0;
      }
  set_status (c, "Exited");
  /* Read before the cgroup goes with the container: an OOM kill in it is why the container ended. */
  uint64_t ooms = 0;
  if (c->cgroup && pp_cgroup_oom_kills (c->cgroup, &ooms, NULL) == 0 && ooms > 0)
    c->rec.oom_killed = true;
  cleanup_error pp_error_t derr = NULL;
  pp_runtime_ctr_t rc = ctr_of (m, c);
  if (m->rt->delete (m->rt, &rc, &derr) < 0)
    pp_log (m->ctx, PP_LOG_ERROR, "monitor: %s: %s", c->rec.name, derr->msg);
  int64_t ran = pp_now_ms () - c->started_ms;
  const char *action = c->restart_policy && !m->stopping ? matching_rule (c) : NULL;
  if (action && strcmp (action, "RestartAllContainers") == 0 && !m->restarting_all)
    {
      /* The pod restarts in place (1.35): every container stops, then all start again from the first init
         container, in the same namespaces, address and volumes. */
      m->restarting_all = true;
      m->kill_at_ms = pp_now_ms () + (int64_t) m->grace * 1000;
      /* The pod's crash-loop back-off, as a container's. */
      m->restart_all_at_ms = pp_now_ms () + backoff_next (&m->restart_all_backoff_ms, ran);
      for (size_t i = 0; i < m->n; i++)
        if (m->c[i].st == C_RUNNING && &m->c[i] != c && !m->c[i].term_sent)
          terminate (m, &m->c[i]);
    }
  if (should_restart (m, c))
    {
      c->restart_at_ms = pp_now_ms () + backoff_next (&c->backoff_ms, ran);
      c->st = C_BACKOFF;
      set_status (c, "Waiting");
    }
  else
    c->st = C_DONE;
  /* What it wrote before it ended is in its log before its end is recorded: whoever follows the log until then
     (an attached `run --pod`) has it all. */
  for (int s = 0; s < 2; s++)
    for (int k = 0; k < 64 && c->fds[s] >= 0; k++)
      {
        /* What is there now: a process it left may hold the pipe open, and a read would wait for it. */
        struct pollfd p = { c->fds[s], POLLIN, 0 };
        if (poll (&p, 1, 0) <= 0 || !drain (c, s))
          break;
      }
  record (m, c);
  /* An attached client's session ends with it, once its end is recorded for the client to read and the output the
     client is behind on is sent (for a second at most). */
  for (int64_t dl = pp_now_ms () + 1000; c->client >= 0 && c->to_client.len && pp_now_ms () < dl;)
    {
      struct pollfd p = { c->client, POLLOUT, 0 };
      if (poll (&p, 1, 100) < 0 || !flush_buf (c->client, &c->to_client, true))
        break;
    }
  drop_client (c);
  if (c->init && !c->sidecar && c->st == C_DONE)
    {
      if (c->rec.exit_code == 0 && !m->stopping)
        {
          m->next_init++;
          advance (m, NULL);
        }
      else
        {
          /* A failed init container fails the pod: the containers after it never start. */
          m->failed = true;
          for (size_t i = 0; i < m->n; i++)
            if (m->c[i].st == C_PENDING)
              m->c[i].st = C_DONE;
        }
    }
  /* The pod is complete when only sidecars are left: they are stopped as on a pod stop. */
  if (!m->stopping && !m->restarting_all && main_work_done (m) && sidecars_left (m))
    begin_stop (m, m->grace);
}

/* A lifecycle hook ended: a failed postStart kills the container; after preStop comes SIGTERM. */
static bool
hook_done (monitor_t *m, pid_t pid, int status)
{
  for (size_t i = 0; i < m->n; i++)
    {
      mctr_t *c = &m->c[i];
      if (c->hook_child != pid)
        continue;
      c->hook_child = 0;
      if (c->st != C_RUNNING)
        return true;
      bool ok = WIFEXITED (status) && WEXITSTATUS (status) == 0;
      if (c->hook_kind == HOOK_PRE_STOP || m->stopping)
        signal_ctr (m, c, c->stop_signal);
      else if (!ok)
        {
          static const char msg[] = "postStart hook failed: the container is killed\n";
          pp_logw_feed (&c->log, PP_LOG_STDERR, msg, sizeof msg - 1);
          signal_ctr (m, c, SIGKILL);
        }
      return true;
    }
  return false;
}

static void
probe_done (monitor_t *m, pid_t pid, int status)
{
  for (size_t i = 0; i < m->n; i++)
    for (int k = 0; k < PP_PROBE_KINDS; k++)
      {
        mctr_t *c = &m->c[i];
        pp_probe_t *p = &c->probes[k];
        if (p->child != pid)
          continue;
        p->child = 0;
        p->next_ms = pp_now_ms () + p->period_ms;
        if (c->st != C_RUNNING)
          return;
        bool ok = WIFEXITED (status) && WEXITSTATUS (status) == 0;
        bool was_ready = c->rec.ready;
        if (ok)
          {
            p->failures = 0;
            if (++p->successes < p->success_threshold)
              return;
            /* Started: ready at once without a readiness probe; readiness itself runs only once started. */
            if (k == PP_PROBE_STARTUP)
              {
                c->startup_done = true;
                c->rec.ready = c->probes[PP_PROBE_READINESS].spec == NULL;
                if (c->sidecar)
                  advance (m, NULL);
              }
            else if (k == PP_PROBE_READINESS)
              c->rec.ready = true;
          }
        else
          {
            p->successes = 0;
            if (++p->failures < p->failure_threshold)
              return;
            if (k == PP_PROBE_READINESS)
              c->rec.ready = false;
            else if (c->probe_kill_ms == 0)
              {
                /* The kubelet kills a container whose liveness (or startup) probe fails; its restart policy
                   decides what comes next. */
                char msg[160];
                int len = snprintf (msg, sizeof msg, "%s failed %d times: the container is killed\n", pp_probe_names[k],
                                    p->failures);
                pp_logw_feed (&c->log, PP_LOG_STDERR, msg, (size_t) len);
                signal_ctr (m, c, c->stop_signal);
                c->probe_kill_ms = pp_now_ms () + (p->grace_s >= 0 ? p->grace_s : (int64_t) m->grace) * 1000;
              }
          }
        if (c->rec.ready != was_ready)
          record (m, c);
        return;
      }
}

/* Starts the probes that are due, kills the checks past their time; returns when next to look (or -1). */
static int64_t
run_probes (monitor_t *m, int64_t now)
{
  int64_t wake = -1;
  for (size_t i = 0; i < m->n; i++)
    {
      mctr_t *c = &m->c[i];
      if (c->st != C_RUNNING || m->stopping)
        continue;
      if (c->probe_kill_ms && now >= c->probe_kill_ms)
        signal_ctr (m, c, SIGKILL);
      else if (c->probe_kill_ms && (wake < 0 || c->probe_kill_ms < wake))
        wake = c->probe_kill_ms;
      if (c->probe_kill_ms)
        continue;
      for (int k = 0; k < PP_PROBE_KINDS; k++)
        {
          pp_probe_t *p = &c->probes[k];
          if (p->spec == NULL || (k != PP_PROBE_STARTUP && !c->startup_done)
              || (k == PP_PROBE_STARTUP && c->startup_done))
            continue;
          if (p->child > 0 && now >= p->deadline_ms)
            kill (p->child, SIGKILL);
          else if (p->child == 0 && now >= p->next_ms)
            {
              pp_probe_target_t t = probe_target (m, c);
              p->child = pp_probe_launch (p, &t);
              if (p->child < 0)
                {
                  p->child = 0;
                  p->next_ms = now + p->period_ms;
                }
              p->deadline_ms = now + p->timeout_ms;
            }
          int64_t t = p->child > 0 ? p->deadline_ms : p->next_ms;
          if (wake < 0 || t < wake)
            wake = t;
        }
    }
  return wake;
}

static void
reap (monitor_t *m)
{
  int status;
  pid_t pid;
  while ((pid = waitpid (-1, &status, WNOHANG)) > 0)
    {
      mctr_t *c = by_pid (m, pid);
      if (c)
        exited (m, c, status);
      else if (!hook_done (m, pid, status))
        probe_done (m, pid, status);
    }
}

static void
begin_stop (monitor_t *m, int grace)
{
  m->stopping = true;
  m->kill_at_ms = pp_now_ms () + (int64_t) grace * 1000;
  for (size_t i = 0; i < m->n; i++)
    {
      mctr_t *c = &m->c[i];
      if (c->st == C_RUNNING && !c->sidecar && !c->term_sent)
        terminate (m, c);
      else if (c->st != C_DONE && c->st != C_RUNNING)
        {
          c->st = C_DONE;
          set_status (c, c->rec.started ? "Exited" : "Created");
          record (m, c);
        }
    }
  stop_sidecars (m);
}

static bool
busy (const monitor_t *m)
{
  /* A pod of `pod create` is there until it is stopped, as Podman's infra container holds its pod. */
  if (m->hold && !m->stopping)
    return true;
  /* Between a restart of all containers' stop and their start again, nothing may run, and the pod goes on. */
  if (m->restarting_all && !m->stopping)
    return true;
  for (size_t i = 0; i < m->n; i++)
    if (m->c[i].st == C_RUNNING || m->c[i].st == C_BACKOFF || m->c[i].fds[0] >= 0 || m->c[i].fds[1] >= 0
        || (m->c[i].await_attach && m->c[i].st == C_PENDING && !m->stopping))
      return true;
  return false;
}

/* After a RestartAllContainers rule, once nothing runs and the pod's back-off is over: every container back to
   pending, the init containers first again. */
static void
restart_all (monitor_t *m)
{
  /* A pod told to stop meanwhile stops: what ended stays as it ended. */
  if (m->stopping)
    {
      m->restarting_all = false;
      return;
    }
  /* Once every container ended and its output was read to the end, and the pod's back-off is over. */
  for (size_t i = 0; i < m->n; i++)
    if (m->c[i].st == C_RUNNING || m->c[i].hook_child > 0 || m->c[i].fds[0] >= 0 || m->c[i].fds[1] >= 0)
      return;
  if (pp_now_ms () < m->restart_all_at_ms)
    return;
  m->restarting_all = false;
  m->failed = false;
  m->next_init = 0;
  for (size_t i = 0; i < m->n; i++)
    {
      mctr_t *c = &m->c[i];
      /* Counted for the containers that ran in the round that ends, not for those still waiting for their turn. */
      if (c->st != C_PENDING && c->rec.started)
        c->rec.restarts++;
      c->st = C_PENDING;
      set_status (c, "Waiting");
      record (m, c);
    }
  pp_log (m->ctx, PP_LOG_INFO, "monitor: pod %s: every container restarts (RestartAllContainers)", m->pod_name);
  advance (m, NULL);
}

/* One container of the plan, with its record from the state database (taken from `recs`), appended to m->c. */
static int
add_ctr (monitor_t *m, json_t *j, pp_container_rec_t *recs, size_t nrecs, pp_error_t *err)
{
  const char *id = json_string_value (json_object_get (j, "id")) ?: "";
  size_t k;
  for (k = 0; k < nrecs && (recs[k].id == NULL || strcmp (recs[k].id, id) != 0); k++)
    ;
  if (k == nrecs)
    return pp_error_make (err, 0, "container %s of pod %s is not in the state database", id, m->pod_name);
  if (m->n == m->cap)
    {
      m->cap = m->cap ? 2 * m->cap : 4;
      m->c = xrealloc (m->c, m->cap * sizeof (mctr_t));
    }
  mctr_t *c = &m->c[m->n++];
  memset (c, 0, sizeof *c);
  c->rec = recs[k];
  memset (&recs[k], 0, sizeof recs[k]);
  c->fds[0] = c->fds[1] = -1;
  c->log.fd = -1;
  c->init = json_is_true (json_object_get (j, "init"));
  c->sidecar = c->init && json_is_true (json_object_get (j, "sidecar"));
  c->tty = json_is_true (json_object_get (j, "tty"));
  c->stdin = json_is_true (json_object_get (j, "stdin"));
  c->stdin_w = -1;
  c->attach_fd = c->client = -1;
  c->await_attach = json_is_true (json_object_get (j, "attachFirst")) && c->rec.started == 0;
  c->attach_deadline = pp_now_ms () + 10000;
  if (c->tty || c->stdin)
    {
      pp_error_t e = NULL;
      c->attach_fd = pp_attach_listen (m->ctx, id, &e);
      if (e)
        {
          pp_log (m->ctx, PP_LOG_ERROR, "monitor: %s: %s", c->rec.name, e->msg);
          pp_error_release (&e);
        }
    }
  if (c->attach_fd < 0)
    c->await_attach = false;
  c->stop_signal = (int) json_integer_value (json_object_get (j, "stopSignal"));
  if (c->stop_signal <= 0)
    c->stop_signal = SIGTERM;
  c->restart_policy = json_string_value (json_object_get (j, "restartPolicy"));
  c->restart_rules = json_object_get (j, "restartRules");
  c->file_env = json_object_get (j, "fileEnv");
  c->bundle = pp_ctr_datadir (m->ctx, id);
  for (int p = 0; p < PP_PROBE_KINDS; p++)
    {
      json_t *spec = json_object_get (json_object_get (j, "probes"), pp_probe_names[p]);
      pp_probe_init (&c->probes[p], spec);
    }
  for (int h = 0; h < 2; h++)
    {
      pp_probe_init (&c->hooks[h], json_object_get (json_object_get (j, "lifecycle"), hook_names[h]));
      /* A hook has the grace period, not a probe's second. */
      c->hooks[h].timeout_ms = (int64_t) (m->grace > 0 ? m->grace : 30) * 1000;
    }
  const char *cg = json_string_value (json_object_get (j, "cgroup"));
  c->cgroup = cg ? xstrdup (cg) : NULL;
  cleanup_free char *logpath = pp_ctr_logfile (m->ctx, id);
  c->log.fd = open (logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (c->log.fd < 0)
    {
      int e = errno;
      /* Never started: nothing would keep its output. */
      c->st = C_DONE;
      c->await_attach = false;
      return pp_error_make (err, e, "open `%s`", logpath);
    }
  return 0;
}

/* The containers of `plan` that m->c does not hold yet, appended in its order, pending. */
static int
add_new_ctrs (monitor_t *m, json_t *plan, pp_error_t *err)
{
  json_t *cs = json_object_get (plan, "containers");
  pp_container_rec_t *recs = NULL;
  size_t nrecs = 0;
  if (pp_state_container_list (m->state, m->pod_id, &recs, &nrecs, err) < 0)
    return -1;
  int ret = 0;
  for (size_t i = 0; i < json_array_size (cs) && ret == 0; i++)
    {
      json_t *j = json_array_get (cs, i);
      const char *id = json_string_value (json_object_get (j, "id")) ?: "";
      size_t k;
      for (k = 0; k < m->n && strcmp (m->c[k].rec.id ?: "", id) != 0; k++)
        ;
      if (k == m->n)
        ret = add_ctr (m, j, recs, nrecs, err);
    }
  pp_container_recs_free (recs, nrecs);
  return ret;
}

static int
load (monitor_t *m, pp_error_t *err)
{
  json_t *plan = pp_pod_read_plan (m->ctx, m->pod_id, err);
  if (plan == NULL)
    return -1;
  m->pod_name = xstrdup (json_string_value (json_object_get (plan, "name")) ?: m->pod_id);
  m->restart_policy = xstrdup (json_string_value (json_object_get (plan, "restartPolicy")) ?: "Always");
  m->hold = json_is_true (json_object_get (plan, "hold"));
  m->rt = pp_runtime_find (json_string_value (json_object_get (plan, "runtime")), err);
  if (m->rt == NULL)
    {
      json_decref (plan);
      return -1;
    }
  m->grace = (int) json_integer_value (json_object_get (plan, "terminationGracePeriodSeconds"));
  /* Pod-level resources: the pod's cgroup holds its containers to them, made (again after a reboot) before they
     start. */
  json_t *pl = json_object_get (plan, "podLimits");
  if (pl)
    {
      pp_cgroup_limits_t lim = {
        .memory = json_integer_value (json_object_get (pl, "memory")),
        .memory_swap = json_integer_value (json_object_get (pl, "memory")),
        .cpu_quota = json_integer_value (json_object_get (pl, "cpuQuota")),
        .cpu_period = (uint64_t) json_integer_value (json_object_get (pl, "cpuPeriod")),
        .cpu_shares = (uint64_t) json_integer_value (json_object_get (pl, "cpuShares")),
      };
      cleanup_free char *cg = pp_pod_cgroup (m->pod_id, plan);
      if (cg && pp_cgroup_create (cg, &lim, err) < 0)
        {
          json_decref (plan);
          return pp_error_wrap (err, "pod %s: spec.resources", m->pod_name);
        }
    }
  m->share_pid = json_is_true (json_object_get (plan, "shareProcessNamespace"));
  const char *netns = json_string_value (json_object_get (plan, "netns"));
  m->netns = netns ? xstrdup (netns) : NULL;
  m->plan = plan;
  m->old_plans = json_array ();
  return add_new_ctrs (m, plan, err);
}

/* `run --pod`: the plan rewritten with containers appended, which start now beside those that run (after the init
   containers, when they are still running).  What was there before is left as it is. */
static void
reload (monitor_t *m)
{
  pp_error_t err = NULL;
  if (m->stopping)
    return;
  json_t *plan = pp_pod_read_plan (m->ctx, m->pod_id, &err);
  size_t before = m->n;
  if (plan)
    {
      /* The containers there are keep their specs in the plan they were read from. */
      json_array_append_new (m->old_plans, m->plan);
      m->plan = plan;
      if (add_new_ctrs (m, plan, &err) == 0)
        {
          for (size_t i = before; i < m->n; i++)
            pp_log (m->ctx, PP_LOG_INFO, "monitor: pod %s: container %s added", m->pod_name, m->c[i].rec.name);
          advance (m, &err);
        }
    }
  if (err)
    {
      pp_log (m->ctx, PP_LOG_ERROR, "monitor: pod %s: new containers: %s", m->pod_name, err->msg);
      pp_error_release (&err);
    }
}

static void
release (monitor_t *m)
{
  for (size_t i = 0; i < m->n; i++)
    {
      mctr_t *c = &m->c[i];
      for (int s = 0; s < 2; s++)
        if (c->fds[s] >= 0)
          close (c->fds[s]);
      if (c->log.fd >= 0)
        close (c->log.fd);
      if (c->stdin_w >= 0)
        close (c->stdin_w);
      if (c->attach_fd >= 0)
        close (c->attach_fd);
      if (c->client >= 0)
        close (c->client);
      pp_buf_free (&c->client_in.buf);
      pp_buf_free (&c->to_client);
      pp_buf_free (&c->to_ctr);
      pp_logw_release (&c->log);
      pp_container_rec_release (&c->rec);
      free (c->bundle);
      free (c->cgroup);
    }
  free (m->c);
  free (m->netns);
  json_decref (m->plan);
  json_decref (m->old_plans);
  free (m->pod_name);
  free (m->restart_policy);
}

/* Where poll's descriptors come from: the signalfd first, then the containers' open output streams, attach
   sockets and attached clients. */
enum
{
  SRC_LISTEN = 2,
  SRC_CLIENT = 3,
  SRC_INPUT = 4, /* the container's stdin (or terminal) has room for the input it is behind on */
};
typedef struct
{
  mctr_t *c;
  int stream; /* 0 or 1 (stdout, stderr), SRC_LISTEN, SRC_CLIENT or SRC_INPUT */
} pollsrc_t;

static void
loop (monitor_t *m, int sfd)
{
  /* Room for every container's two streams, attach socket, client and input, however many the pod has (and grows
     to): none is left unread. */
  size_t room = 0;
  cleanup_free struct pollfd *pfds = NULL;
  cleanup_free pollsrc_t *src = NULL;
  for (;;)
    {
      if (room < 1 + 5 * m->n)
        {
          room = 1 + 5 * m->n;
          pfds = xrealloc (pfds, room * sizeof *pfds);
          src = xrealloc (src, room * sizeof *src);
        }
      reap (m);
      if (m->restarting_all)
        restart_all (m);
      if (!busy (m))
        return;
      int64_t now = pp_now_ms (), wake = -1;
      /* Past it, what is still running or unread wakes the poll when it ends. */
      if (m->restarting_all && !m->stopping && m->restart_all_at_ms > now)
        wake = m->restart_all_at_ms;
      for (size_t i = 0; i < m->n && !m->stopping && !m->restarting_all; i++)
        if (m->c[i].st == C_BACKOFF)
          {
            /* The last run's output is read to its end before the next run gets new pipes. */
            if (m->c[i].restart_at_ms <= now && m->c[i].fds[0] < 0 && m->c[i].fds[1] < 0)
              {
                pp_error_t err = NULL;
                m->c[i].rec.restarts++;
                start (m, &m->c[i], &err);
                if (err)
                  {
                    pp_log (m->ctx, PP_LOG_ERROR, "monitor: restart %s: %s", m->c[i].rec.name, err->msg);
                    pp_error_release (&err);
                    /* Refused (a subPath swapped for a symlink): no exit will wake the poll to see if all is done. */
                    wake = now;
                  }
                /* A sidecar that ended before the next init container could start lets it start now. */
                if (m->c[i].sidecar)
                  advance (m, NULL);
                continue;
              }
            if (m->c[i].restart_at_ms > now && (wake < 0 || m->c[i].restart_at_ms < wake))
              wake = m->c[i].restart_at_ms;
          }
      for (size_t i = 0; i < m->n; i++)
        if (m->c[i].hook_child > 0)
          {
            int64_t dl = m->c[i].hooks[m->c[i].hook_kind].deadline_ms;
            if (now >= dl)
              kill (m->c[i].hook_child, SIGKILL);
            else if (wake < 0 || dl < wake)
              wake = dl;
          }
      /* A container that waits for its client starts all the same once it is late. */
      for (size_t i = 0; i < m->n; i++)
        if (m->c[i].await_attach && now >= m->c[i].attach_deadline)
          {
            m->c[i].await_attach = false;
            advance (m, NULL);
          }
        else if (m->c[i].await_attach && (wake < 0 || m->c[i].attach_deadline < wake))
          wake = m->c[i].attach_deadline;
      int64_t pw = run_probes (m, now);
      if (pw >= 0 && (wake < 0 || pw < wake))
        wake = pw;
      /* A pod stopping, or restarting all its containers: what still runs at the end of the grace period is
         killed. */
      if (m->stopping)
        stop_sidecars (m);
      if (m->stopping || m->restarting_all)
        {
          if (now >= m->kill_at_ms)
            for (size_t i = 0; i < m->n; i++)
              if (m->c[i].st == C_RUNNING)
                signal_ctr (m, &m->c[i], SIGKILL);
          if (wake < 0 || m->kill_at_ms < wake)
            wake = m->kill_at_ms > now ? m->kill_at_ms : now + 1000;
        }
      nfds_t np = 0;
      pfds[np++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
      for (size_t i = 0; i < m->n; i++)
        for (int s = 0; s < 2; s++)
          if (m->c[i].fds[s] >= 0)
            {
              src[np] = (pollsrc_t){ &m->c[i], s };
              pfds[np++] = (struct pollfd){ .fd = m->c[i].fds[s], .events = POLLIN };
            }
      for (size_t i = 0; i < m->n; i++)
        {
          mctr_t *c = &m->c[i];
          /* The listening socket too while a client is there: a second one is told that it is. */
          if (c->attach_fd >= 0)
            {
              src[np] = (pollsrc_t){ c, SRC_LISTEN };
              pfds[np++] = (struct pollfd){ .fd = c->attach_fd, .events = POLLIN };
            }
          /* Input the container has not taken yet holds the client's back. */
          short events = (short) ((c->to_ctr.len == 0 ? POLLIN : 0) | (c->to_client.len ? POLLOUT : 0));
          if (c->client >= 0)
            {
              src[np] = (pollsrc_t){ c, SRC_CLIENT };
              pfds[np++] = (struct pollfd){ .fd = c->client, .events = events };
            }
          int in = c->tty ? c->fds[0] : c->stdin_w;
          if (c->client >= 0 && c->to_ctr.len && in >= 0)
            {
              src[np] = (pollsrc_t){ c, SRC_INPUT };
              pfds[np++] = (struct pollfd){ .fd = in, .events = POLLOUT };
            }
        }
      int timeout = wake < 0 ? -1 : (int) (wake > now ? wake - now : 0);
      int r = poll (pfds, np, timeout);
      if (r < 0 && errno != EINTR)
        {
          pp_log (m->ctx, PP_LOG_ERROR, "monitor: poll: %s", strerror (errno));
          usleep (100000);
          continue;
        }
      for (nfds_t i = 1; r > 0 && i < np; i++)
        if (pfds[i].revents)
          {
            if (src[i].stream == SRC_LISTEN)
              accept_client (m, src[i].c);
            else if (src[i].stream == SRC_CLIENT)
              client_ready (src[i].c, pfds[i].revents);
            else if (src[i].stream == SRC_INPUT)
              flush_input (src[i].c);
            else
              drain (src[i].c, src[i].stream);
          }
      if (r > 0 && pfds[0].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          while (read (sfd, &si, sizeof si) == sizeof si)
            if (si.ssi_signo == SIGUSR2)
              reload (m);
            else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT || si.ssi_signo == SIGHUP)
              {
                int grace = si.ssi_code == SI_QUEUE && si.ssi_int >= 0 ? si.ssi_int : m->grace;
                if (!m->stopping)
                  begin_stop (m, grace);
                else if (pp_now_ms () + (int64_t) grace * 1000 < m->kill_at_ms)
                  m->kill_at_ms = pp_now_ms () + (int64_t) grace * 1000;
              }
        }
    }
}

static void
on_sigchld (int sig)
{
  (void) sig;
}

/* The pod's PID namespace, for shareProcessNamespace: its PID 1 is a child of ours that only reaps (and dies with
   us), its namespace bound onto <runroot>/pods/<pod>/ns/pid for the containers' config.json to name. */
static int
start_pause (monitor_t *m, pp_error_t *err)
{
  /* In the pod's user namespace (hostUsers: false) the PID namespace is made from inside it, which then owns it. */
  cleanup_close int userns = pp_pod_userns_open (m->ctx, m->pod_id, err);
  if (userns == -1)
    return -1;
  /* The pause child makes only async-signal-safe calls (and the monitor has no threads besides). */
  struct clone_args args = { .flags = CLONE_NEWPID, .exit_signal = SIGCHLD };
  pid_t pid = userns >= 0 ? pp_userns_fork (userns, -1, CLONE_NEWPID)
                          : (pid_t) syscall (SYS_clone3, &args, sizeof args);
  if (pid < 0)
    return pp_error_make (err, errno, "create the pod's PID namespace");
  if (pid == 0)
    {
      prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
      prctl (PR_SET_NAME, "pause", 0, 0, 0);
      /* The containers see it as their PID 1: it shows as /pause, not as our command line with its paths. */
      char self[8192];
      int cfd = open ("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
      ssize_t len = cfd >= 0 ? read (cfd, self, sizeof self) : -1;
      if (cfd >= 0)
        close (cfd);
      if (len > (ssize_t) sizeof "/pause")
        {
          memset (program_invocation_name, 0, (size_t) len);
          memcpy (program_invocation_name, "/pause", sizeof "/pause");
        }
      signal (SIGCHLD, on_sigchld);
      sigset_t none;
      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      for (int fd = 3; fd < 1024; fd++)
        close (fd);
      for (;;)
        {
          pause ();
          while (waitpid (-1, NULL, WNOHANG) > 0)
            ;
        }
    }
  m->pause_pid = pid;
  cleanup_free char *run = pp_pod_rundir (m->ctx, m->pod_id);
  cleanup_free char *target = xasprintf ("%s/ns/pid", run);
  if (pp_mount_ns_file (pid, "pid", target) < 0)
    return pp_error_make (err, errno, "bind the pod's PID namespace on `%s`", target);
  return 0;
}

int
pp_monitor_main (pp_context_t *ctx, const char *pod_id, int ready_fd)
{
  /* The containers must not hold the pipe that tells the starting command we are ready. */
  if (ready_fd >= 0)
    fcntl (ready_fd, F_SETFD, FD_CLOEXEC);
  sigset_t mask;
  sigemptyset (&mask);
  sigaddset (&mask, SIGCHLD);
  sigaddset (&mask, SIGTERM);
  sigaddset (&mask, SIGINT);
  sigaddset (&mask, SIGHUP);
  sigaddset (&mask, SIGUSR2);
  sigprocmask (SIG_BLOCK, &mask, NULL);
  signal (SIGPIPE, SIG_IGN);
  int sfd = signalfd (-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sfd < 0)
    {
      /* Without it the signals blocked above would never be read: nothing could stop the pod.  Nothing starts;
         the command that started us hears why. */
      cleanup_free char *msg = xasprintf ("the monitor's signalfd: %s", strerror (errno));
      sigprocmask (SIG_UNBLOCK, &mask, NULL);
      if (ready_fd >= 0)
        {
          PP_RETRY (write (ready_fd, msg, strlen (msg)));
          close (ready_fd);
        }
      return 1;
    }
  /* Processes a runtime leaves behind (runc's container) become our children. */
  prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  monitor_t m = { .ctx = ctx, .pod_id = pod_id };
  pp_error_t err = NULL;
  /* --log-level debug: each step of the start in monitor.log, for the profile of a play. */
  int64_t t = pp_now_us ();
  int ret = pp_state_open (ctx, &m.state, &err);
  pp_debug_step (ctx, &t, "monitor %.12s: state opened", pod_id);
  /* podplay starts the monitor while it makes the pod, and says go once the pod's plan is written; the socket's end
     without it means the play gave the pod up: nothing was started, nothing is recorded.  The socket stays open
     until the exit, which is what podplay waits for. */
  char go = 0;
  if (ready_fd >= 0 && (PP_RETRY (read (ready_fd, &go, 1)) != 1 || go != 'g'))
    {
      if (m.state)
        pp_state_close (m.state);
      pp_error_release (&err);
      close (sfd);
      return 0;
    }
  pp_debug_step (ctx, &t, "monitor %.12s: told to start the containers", pod_id);
  if (ret == 0)
    ret = load (&m, &err);
  pp_debug_step (ctx, &t, "monitor %.12s: plan, cgroups and filters loaded", pod_id);
  if (ret == 0 && m.share_pid)
    ret = start_pause (&m, &err);
  if (ret == 0)
    ret = pp_state_pod_set_status (m.state, pod_id, "Running", (int64_t) getpid (), &err);
  pp_debug_step (ctx, &t, "monitor %.12s: pod recorded running", pod_id);
  if (ret == 0)
    {
      advance (&m, &err);
      if (err)
        ret = -1;
    }
  pp_debug_step (ctx, &t, "monitor %.12s: containers started", pod_id);
  if (ret < 0)
    {
      /* Tell the command that started us; it reports the error and cleans up. */
      if (ready_fd >= 0 && err)
        PP_RETRY (write (ready_fd, err->msg, strlen (err->msg)));
      begin_stop (&m, 0);
    }
  if (ready_fd >= 0)
    close (ready_fd);
  /* What starting took (config.json, the compiled filters) goes back before the long wait. */
  malloc_trim (0);
  loop (&m, sfd);
  if (m.pause_pid > 0)
    {
      cleanup_free char *run = pp_pod_rundir (ctx, pod_id);
      cleanup_free char *target = xasprintf ("%s/ns/pid", run);
      pp_mount_detach (target);
      unlink (target);
      kill (m.pause_pid, SIGKILL);
      pp_wait_status (m.pause_pid);
    }
  if (m.state)
    {
      pp_error_t e = NULL;
      if (pp_state_pod_set_status (m.state, pod_id, ret < 0 || m.failed ? "Error" : "Exited", 0, &e) < 0)
        {
          pp_log (ctx, PP_LOG_ERROR, "monitor: %s", e->msg);
          pp_error_release (&e);
        }
    }
  pp_error_release (&err);
  release (&m);
  if (m.state)
    pp_state_close (m.state);
  close (sfd);
  return ret < 0 ? 1 : 0;
}
