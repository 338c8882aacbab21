/* The Job controller: keeps `parallelism` pods of a Job running until `completions` of them succeed, makes a new
   pod for each failed one after Kubernetes' back-off (10 s, doubling, at most 6 min), and ends the Job as Failed
   when more than `backoffLimit` pods failed or `activeDeadlineSeconds` passed, stopping the pods still running.
   It is forked from `kube play`, so it makes its pods from the play's own plan, and it records its progress in
   the Job's row of the state database. */
#include "play/job.h"
#include "net/infra.h"
#include "runtime/pod.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

char *
pp_job_owner (const char *name)
{
  return xasprintf ("Job/%s", name);
}

/* What the Job's pods came to: the ones that ended well or not, those still running.  A container restarted by
   its pod (restartPolicy OnFailure) is a failure too, as Kubernetes counts it. */
typedef struct
{
  int64_t succeeded, failed, active;
} tally_t;

static bool
pod_active (const pp_pod_rec_t *p)
{
  return strcmp (p->status, "Exited") != 0 && strcmp (p->status, "Error") != 0;
}

static int
tally (pp_state_t *state, const char *owner, tally_t *t, pp_error_t *err)
{
  memset (t, 0, sizeof *t);
  pp_pod_rec_t *pods = NULL;
  size_t n = 0;
  if (pp_state_pod_list (state, &pods, &n, err) < 0)
    return -1;
  int ret = 0;
  for (size_t i = 0; ret == 0 && i < n; i++)
    {
      if (pods[i].owner == NULL || strcmp (pods[i].owner, owner) != 0)
        continue;
      /* A running pod whose monitor was killed is recorded as ended in error first (a pod recorded as ended has
         nothing left to refresh: its monitor wrote that as it exited). */
      if (pod_active (&pods[i]) && (ret = pp_pod_refresh (state, &pods[i], err)) < 0)
        break;
      pp_container_rec_t *cs = NULL;
      size_t nc = 0;
      if ((ret = pp_state_container_list (state, pods[i].id, &cs, &nc, err)) < 0)
        break;
      bool ok = strcmp (pods[i].status, "Exited") == 0;
      for (size_t j = 0; j < nc; j++)
        {
          t->failed += cs[j].restarts;
          ok = ok && (cs[j].init || cs[j].exit_code == 0);
        }
      pp_container_recs_free (cs, nc);
      if (pod_active (&pods[i]))
        t->active++;
      else if (ok)
        t->succeeded++;
      else
        t->failed++;
    }
  pp_pod_recs_free (pods, n);
  return ret;
}

/* Stops the Job's pods that still run (they keep their records and logs, as a finished Job's pods do). */
static void
stop_active (pp_context_t *ctx, pp_state_t *state, const char *owner)
{
  pp_pod_rec_t *pods = NULL;
  size_t n = 0;
  pp_error_t e = NULL;
  if (pp_state_pod_list (state, &pods, &n, &e) < 0)
    {
      pp_log (ctx, PP_LOG_ERROR, "job controller: %s", e->msg);
      pp_error_release (&e);
      return;
    }
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < n; i++)
      if (pods[i].owner && strcmp (pods[i].owner, owner) == 0 && pod_active (&pods[i]))
        {
          if (pass == 0)
            pp_pod_stop_begin (&pods[i], pp_pod_grace (ctx, pods[i].id));
          else if (pp_pod_stop (ctx, state, &pods[i], pp_pod_grace (ctx, pods[i].id), &e) < 0)
            {
              pp_log (ctx, PP_LOG_ERROR, "job controller: %s", e->msg);
              pp_error_release (&e);
            }
        }
  pp_pod_recs_free (pods, n);
}

static int
load_job (pp_state_t *state, const char *name, pp_job_rec_t *job, pp_error_t *err)
{
  pp_job_rec_t *js = NULL;
  size_t n = 0;
  if (pp_state_job_list (state, name, &js, &n, err) < 0)
    return -1;
  if (n == 0)
    {
      free (js);
      return pp_error_make (err, ENOENT, "no job `%s`", name);
    }
  *job = js[0];
  free (js);
  return 0;
}

/* The delay before the pod that follows the n-th failure. */
static int64_t
backoff_ms (int64_t failures)
{
  int64_t ms = 10000;
  for (int64_t i = 1; i < failures && ms < 360000; i++)
    ms *= 2;
  return ms < 360000 ? ms : 360000;
}

/* The pods to make now: up to `parallelism` running, no more than the completions still missing.  Without
   `completions` (a work queue) the Job is done once one pod succeeded and none runs, so none is made after a
   success. */
static int64_t
wanted (const pp_job_rec_t *job, const tally_t *t)
{
  int64_t missing = job->completions > 0 ? job->completions - t->succeeded : (t->succeeded > 0 ? 0 : job->parallelism);
  int64_t want = (missing < job->parallelism ? missing : job->parallelism) - t->active;
  return want > 0 ? want : 0;
}

/* Why the Job is over, or NULL while it is not; `status` says how it ended. */
static const char *
verdict (const pp_job_rec_t *job, const tally_t *t, const char **status)
{
  *status = "Failed";
  if (job->completions > 0 ? t->succeeded >= job->completions : t->succeeded > 0 && t->active == 0)
    {
      *status = "Complete";
      return "";
    }
  if (t->failed > job->backoff_limit)
    return "BackoffLimitExceeded";
  if (job->deadline > 0 && (int64_t)time (NULL) - job->started >= job->deadline)
    return "DeadlineExceeded";
  return NULL;
}

static int
record (pp_state_t *state, pp_job_rec_t *job, const tally_t *t, pp_error_t *err)
{
  job->succeeded = t->succeeded;
  job->failed = t->failed;
  job->active = t->active;
  return pp_state_job_put (state, job, err);
}

/* Whether the controller was told to stop: the signal stays pending in `sfd` for the loop's poll to see. */
static bool
told_to_stop (int sfd)
{
  struct pollfd p = { .fd = sfd, .events = POLLIN };
  return PP_RETRY (poll (&p, 1, 0)) > 0;
}

/* Makes the pods the Job wants now, unless told to stop before one; after the first round, a pod that cannot be
   made fails the Job. */
static int
make_pods (pp_state_t *state, pp_job_rec_t *job, tally_t *t, const pp_job_maker_t *mk, int sfd, pp_error_t *err)
{
  for (int64_t k = wanted (job, t); k > 0 && !told_to_stop (sfd); k--)
    {
      cleanup_free char *pod = xasprintf ("%s-%lld", job->name, (long long)job->created_pods);
      job->created_pods++;
      if (record (state, job, t, err) < 0 || mk->make_pod (mk->arg, state, pod, err) < 0)
        return pp_error_wrap (err, "job %s", job->name);
      t->active++;
    }
  return record (state, job, t, err);
}

static int
controller_run (pp_context_t *ctx, const char *name, const pp_job_maker_t *mk, int ready_fd)
{
  sigset_t mask;
  sigemptyset (&mask);
  sigaddset (&mask, SIGTERM);
  sigaddset (&mask, SIGINT);
  sigaddset (&mask, SIGHUP);
  sigprocmask (SIG_BLOCK, &mask, NULL);
  cleanup_close int sfd = signalfd (-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  cleanup_free char *owner = pp_job_owner (name);
  pp_state_t *state = NULL;
  pp_job_rec_t job = { 0 };
  pp_error_t err = NULL;
  /* Without it the signals blocked above would never be read: nothing could stop the Job but SIGKILL.  No pod
     is made; the play hears why. */
  int ret = sfd < 0 ? pp_error_make (&err, errno, "the job controller's signalfd") : 0;
  if (ret == 0)
    ret = pp_state_open (ctx, &state, &err);
  if (ret == 0)
    ret = load_job (state, name, &job, &err);
  if (ret == 0)
    {
      job.controller_pid = getpid ();
      job.controller_start = pp_proc_start_time (getpid ());
      ret = pp_state_job_put (state, &job, &err);
    }
  int64_t next_make = 0, failures_seen = 0;
  while (ret == 0)
    {
      tally_t t;
      /* A Job removed under us (`job rm`) is no longer ours to run. */
      pp_job_rec_t cur;
      if (load_job (state, name, &cur, NULL) < 0)
        break;
      cur.controller_pid = job.controller_pid;
      cur.controller_start = job.controller_start;
      pp_job_rec_release (&job);
      job = cur;
      if ((ret = tally (state, owner, &t, &err)) < 0)
        break;
      if (t.failed > failures_seen)
        {
          next_make = pp_now_ms () + backoff_ms (t.failed);
          failures_seen = t.failed;
        }
      const char *status, *reason = verdict (&job, &t, &status);
      if (reason)
        {
          if (t.active > 0)
            stop_active (ctx, state, owner);
          tally (state, owner, &t, NULL);
          free (job.status);
          job.status = xstrdup (status);
          free (job.reason);
          job.reason = *reason ? xstrdup (reason) : NULL;
          job.finished = (int64_t)time (NULL);
          job.controller_pid = 0;
          ret = record (state, &job, &t, &err);
          break;
        }
      if (pp_now_ms () >= next_make && make_pods (state, &job, &t, mk, sfd, &err) < 0)
        {
          if (ready_fd >= 0)
            {
              ret = -1; /* the first pods: `kube play` reports it and takes the Job away */
              break;
            }
          pp_log (ctx, PP_LOG_ERROR, "job controller: %s", err->msg);
          stop_active (ctx, state, owner);
          free (job.status);
          job.status = xstrdup ("Failed");
          free (job.reason);
          job.reason = xstrdup (err->msg);
          job.finished = (int64_t)time (NULL);
          job.controller_pid = 0;
          pp_error_release (&err);
          ret = record (state, &job, &t, &err);
          break;
        }
      if (ready_fd >= 0)
        {
          close (ready_fd);
          ready_fd = -1;
        }
      /* Pods end in their monitors, which record it: look again each second, sooner for a back-off or the
         deadline. */
      int64_t wait = 1000;
      if (next_make > pp_now_ms () && next_make - pp_now_ms () < wait)
        wait = next_make - pp_now_ms ();
      struct pollfd p = { .fd = sfd, .events = POLLIN };
      if (PP_RETRY (poll (&p, 1, (int)wait)) > 0)
        break; /* told to stop: `kube down` or `job rm` removes the pods */
    }
  if (ret < 0 && ready_fd >= 0 && err)
    PP_RETRY (write (ready_fd, err->msg, strlen (err->msg)));
  else if (ret < 0 && err)
    pp_log (ctx, PP_LOG_ERROR, "job controller: %s", err->msg);
  if (ready_fd >= 0)
    close (ready_fd);
  pp_error_release (&err);
  pp_job_rec_release (&job);
  /* The connection of the process forked from is not this one's to close: only ours is. */
  if (state)
    pp_state_close (state);
  return ret < 0 ? 1 : 0;
}

typedef struct
{
  pp_context_t *ctx;
  const char *name, *logpath;
  const pp_job_maker_t *maker;
  int ready_fd;
  pp_error_t *err;
} controller_fork_t;

/* Forks the controller: the child runs it to its end; the parent returns 0 and the child's ready_fd's other end,
   or -1. */
static int
fork_controller (void *arg)
{
  controller_fork_t *f = arg;
  int ready_fd = -1;
  /* The controller runs in the forked child without an exec (it makes pods from the play's plan in memory): this
     fork relies on `kube play` being single-threaded here.  That holds: the play's threads (the validation of
     manifest parts, the image pulls' workers) are joined before any pod or Job is made; the only thread that may
     outlive them, a name lookup libcurl abandoned (its threaded resolver detaches it), takes no lock the
     controller takes (it resolves no name), nor does an ordinary user's host side (pp_infra_host_side) between
     its calls, and glibc makes malloc and stdio usable in a forked child. */
  int r = pp_fork_detached (f->logpath, &ready_fd, f->err);
  if (r == 0)
    {
      /* Forked on the host's network (pp_infra_host_side): not in the user's pod network, nor marked so, and with
         none of the signals that thread blocks blocked. */
      if (f->maker->host_network && f->ctx->in_infra)
        {
          sigset_t none;
          sigemptyset (&none);
          sigprocmask (SIG_SETMASK, &none, NULL);
          f->ctx->in_infra = false;
          unsetenv (PP_INFRA_ENV);
        }
      /* The controller keeps of the play only its plan: no descriptor, least of all the play's locks (an flock
         lasts while any descriptor of its open file does), which would keep a later play or down of the file
         waiting for the Job to end. */
      if (ready_fd != 3 && (dup2 (ready_fd, 3) < 0 || close (ready_fd) < 0))
        _exit (127);
      ready_fd = 3;
      fcntl (ready_fd, F_SETFD, FD_CLOEXEC);
      close_range (4, ~0U, 0);
      pp_infra_hold (f->ctx);
      _exit (controller_run (f->ctx, f->name, f->maker, ready_fd));
    }
  f->ready_fd = ready_fd;
  return r;
}

int
pp_job_start (pp_context_t *ctx, const char *name, const pp_job_maker_t *maker, pp_error_t *err)
{
  cleanup_free char *dir = xasprintf ("%s/jobs", ctx->root);
  cleanup_free char *logpath = xasprintf ("%s/%s.log", dir, name);
  if (mkdir (dir, 0700) < 0 && errno != EEXIST)
    return pp_error_make (err, errno, "create `%s`", dir);
  controller_fork_t f = { ctx, name, logpath, maker, -1, err };
  int r = maker->host_network ? pp_infra_host_side (fork_controller, &f) : fork_controller (&f);
  int ready_fd = f.ready_fd;
  if (r < 0 || pp_pod_monitor_ready (ready_fd, err) < 0)
    return pp_error_wrap (err, "job %s", name);
  return 0;
}

bool
pp_job_controller_alive (const pp_job_rec_t *job)
{
  if (job->controller_pid <= 0 || job->controller_start <= 0)
    return false;
  /* Start times are whole seconds from a boot time that is itself computed: allow a second either way. */
  int64_t t = pp_proc_start_time ((pid_t)job->controller_pid);
  return t > 0 && t >= job->controller_start - 1 && t <= job->controller_start + 1;
}

int
pp_job_stop_controller (const pp_job_rec_t *job, pp_error_t *err)
{
  if (!pp_job_controller_alive (job))
    return 0;
  pid_t pid = (pid_t)job->controller_pid;
  if (kill (pid, SIGTERM) < 0 && errno != ESRCH)
    return pp_error_make (err, errno, "signal the controller of job %s", job->name);
  /* It may be making a pod or stopping pods (their grace periods): then it is killed. */
  if (!pp_proc_wait_gone (pid, 10000))
    {
      kill (pid, SIGKILL);
      if (!pp_proc_wait_gone (pid, 5000))
        return pp_error_make (err, ETIMEDOUT, "the controller of job %s did not stop", job->name);
    }
  return 0;
}
