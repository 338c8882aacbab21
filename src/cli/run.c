/* `podplay run`: Podman's flags into a run's options, one library call that writes its Pod, a play of it, then
   (without -d) the container's output until it ends, and its exit status. */
#include "play/play.h"
#include "play/run.h"
#include "runtime/attach.h"
#include "runtime/pod.h"
#include "runtime/podctl.h"
#include "runtime/logfile.h"
#include "src/cli/cli.h"
#include "state/state.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted;

static void
on_interrupt (int sig)
{
  interrupted = sig;
}

/* --pod: one join at a time, from the read of the pod's manifest to the end of its play; a second at once would
   write the manifest again without the first's container.  The descriptor holds the lock. */
static int
join_lock (pp_cli_t *cli, pp_error_t *err)
{
  cleanup_free char *dir = xasprintf ("%s/runs", cli->ctx->root);
  cleanup_free char *path = xasprintf ("%s/.join.lock", dir);
  if (pp_mkdir_p (dir, 0700) < 0)
    return pp_error_make (err, errno, "create `%s`", dir);
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return pp_error_make (err, errno, "open `%s`", path);
  if (PP_RETRY (flock (fd, LOCK_EX)) < 0)
    {
      close (fd);
      return pp_error_make (err, errno, "lock `%s`", path);
    }
  return fd;
}

/* SIGINT, SIGTERM and SIGHUP from now on end the play (or the attached session) as a failure. */
static void
catch_interrupts (void)
{
  struct sigaction sa = { .sa_handler = on_interrupt };
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);
}

/* Plays the manifest `run` or `pod create` wrote (`po` has what else it needs), interrupted by SIGINT, SIGTERM
   and SIGHUP; as pp_kube_play, with its diagnostics printed. */
static int
play_own (pp_cli_t *cli, char *path, pp_play_opts_t *po, pp_play_result_t *res, pp_error_t *err)
{
  catch_interrupts ();
  po->start = true;
  po->runtime = cli->ctx->runtime;
  po->interrupted = &interrupted;
  po->own_manifest = true;
  pp_diags_t diags = { 0 };
  int ret = pp_kube_play (cli->ctx, &path, 1, po, &diags, res, err);
  pp_cli_print_diags (&diags, ret);
  return ret;
}

static volatile sig_atomic_t resized;

static void
on_winch (int sig)
{
  (void) sig;
  resized = 1;
}

static void
output_frame (void *arg, int type, const char *data, uint32_t len)
{
  if (type == PP_ATTACH_REFUSED)
    {
      char **why = arg;
      free (*why);
      *why = xstrndup (data, len);
      return;
    }
  int fd = type == PP_ATTACH_STDERR ? 2 : 1;
  while (len)
    {
      ssize_t w = write (fd, data, len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w <= 0)
        return;
      data += w;
      len -= (uint32_t) w;
    }
}

/* run -i or -t without -d, and attach: the container's streams through its monitor's attach socket until it ends.
   With -i the input goes to the container (and with `eof`, its end closes the container's stdin); with -t too, the
   terminal is put in raw mode (Ctrl-C goes to the container, as in Podman) and its size passed on, again at each
   SIGWINCH. */
static int
attach_session (pp_cli_t *cli, const char *ctr_id, bool tty, bool input, bool eof, pp_error_t *err)
{
  int sock = -1;
  /* The monitor listens from the moment it knows the container: only a start that failed leaves none. */
  for (int i = 0; i < 50 && sock < 0; i++)
    {
      pp_error_t e = NULL;
      sock = pp_attach_connect (cli->ctx, ctr_id, &e);
      if (sock < 0 && i == 49)
        *err = steal_pointer (&e);
      pp_error_release (&e);
      if (sock < 0 && i < 49)
        usleep (20000);
    }
  if (sock < 0)
    return -1;
  struct termios saved;
  bool raw = tty && input && isatty (0) && tcgetattr (0, &saved) == 0;
  if (raw)
    {
      struct termios t = saved;
      cfmakeraw (&t);
      tcsetattr (0, TCSANOW, &t);
      struct sigaction sa = { .sa_handler = on_winch };
      sigaction (SIGWINCH, &sa, NULL);
      resized = 1;
    }
  bool in_open = input;
  pp_attach_reader_t r = { 0 };
  char *refused = NULL;
  int ret = 0;
  while (!interrupted)
    {
      struct winsize ws;
      if (resized && (resized = 0, ioctl (0, TIOCGWINSZ, &ws) == 0))
        pp_attach_send (sock, PP_ATTACH_RESIZE, &ws, sizeof ws);
      struct pollfd p[2] = { { sock, POLLIN, 0 }, { in_open ? 0 : -1, POLLIN, 0 } };
      if (poll (p, 2, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          ret = pp_error_make (err, errno, "poll");
          break;
        }
      if (p[0].revents && pp_attach_read (sock, &r, output_frame, &refused) <= 0)
        break;
      if (p[1].revents)
        {
          char buf[65536];
          ssize_t n = read (0, buf, sizeof buf);
          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            in_open = false;
          if ((n > 0 || eof)
              && pp_attach_send (sock, n <= 0 ? PP_ATTACH_STDIN_EOF : PP_ATTACH_STDIN, buf, n <= 0 ? 0 : (uint32_t) n)
                     < 0)
            in_open = false;
        }
    }
  if (raw)
    tcsetattr (0, TCSANOW, &saved);
  close (sock);
  pp_buf_free (&r.buf);
  if (refused)
    ret = pp_error_make (err, 0, "attach to container %.12s: %s", ctr_id, refused);
  free (refused);
  return ret;
}

/* The record of the pod's container `ctr_id` (false when it is gone). */
static bool
ctr_get (pp_state_t *state, const char *pod_id, const char *ctr_id, pp_container_rec_t *out, pp_error_t *err)
{
  pp_container_rec_t *cs = NULL;
  size_t n = 0;
  bool found = false;
  if (pp_state_container_list (state, pod_id, &cs, &n, err) == 0)
    for (size_t i = 0; i < n; i++)
      if (!found && strcmp (cs[i].id, ctr_id) == 0)
        {
          *out = cs[i];
          memset (&cs[i], 0, sizeof cs[i]);
          found = true;
        }
  pp_container_recs_free (cs, n);
  return found;
}

/* The shell's exit status of an ended container: its exit code, or podplay's error when it has none. */
static int
ctr_exit_status (const pp_container_rec_t *c)
{
  return c->exit_code < 0 ? PP_EXIT_ERROR : (int) c->exit_code;
}

typedef struct
{
  pp_cli_t *cli;
  const char *pod_id, *ctr_id;
  bool joined; /* --pod: the pod has other containers, and goes on when this one ends */
} attached_t;

/* While the container has not ended for good (its pod's monitor runs; with --pod, it is not recorded as ended, which
   the monitor does once its output is in the log) and the user has not interrupted. */
static int
still_running (pp_log_set_t *s, void *data, pp_error_t *err)
{
  (void) s;
  (void) err;
  attached_t *a = data;
  if (interrupted || !pp_cli_pod_writing (a->cli->ctx, a->pod_id))
    return 0;
  if (!a->joined)
    return 1;
  pp_state_t *state;
  if (pp_state_open (a->cli->ctx, &state, NULL) < 0)
    return 0;
  pp_container_rec_t c;
  bool running = ctr_get (state, a->pod_id, a->ctr_id, &c, NULL);
  if (running)
    {
      running = strcmp (c.status ?: "", "Exited") != 0;
      pp_container_rec_release (&c);
    }
  pp_state_close (state);
  return running;
}

/* --rm with -d: a process of its own, out of the caller's session and streams (adopted by init), waits for the
   pod to end, then takes it down with its manifest, as Podman's exit command removes a container. */
static void
remove_when_done (pp_cli_t *cli, const char *pod_id, char *path)
{
  /* The first child only forks the waiter and says whether it could. */
  pid_t pid = fork ();
  if (pid == 0)
    {
      pid_t waiter = fork ();
      if (waiter != 0)
        _exit (waiter < 0 ? errno : 0);
    }
  else
    {
      int why = pid < 0 ? errno : pp_wait_status (pid);
      if (why != 0)
        pp_warning (cli->ctx, "--rm: %s: remove the pod with `podplay pod rm` once it ends", strerror (why));
      return;
    }
  setsid ();
  if (chdir ("/") < 0)
    _exit (1);
  signal (SIGINT, SIG_DFL);
  signal (SIGTERM, SIG_DFL);
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd = 0; null >= 0 && fd < 3; fd++)
    dup2 (null, fd);
  closefrom (3);
  while (pp_cli_pod_writing (cli->ctx, pod_id))
    usleep (250 * 1000);
  /* Only this pod, ended: one removed meanwhile (`pod rm`) may have left its name to another run, whose manifest
     has the same path; and what cannot be told is left alone. */
  pp_error_t err = NULL;
  pp_state_t *state;
  pp_pod_rec_t pod;
  if (pp_state_open (cli->ctx, &state, &err) < 0)
    _exit (1);
  bool same = pp_state_pod_get (state, pod_id, &pod, &err) == 0;
  if (same)
    pp_pod_rec_release (&pod);
  pp_state_close (state);
  if (!same)
    _exit (0);
  pp_play_result_t down = { 0 };
  if (pp_kube_down (cli->ctx, &path, 1, false, &down, &err) == 0)
    unlink (path);
  _exit (0);
}

/* The container's exit code once it ended; an interrupt stops the pod first, as Podman passes it on (but a pod the
   container joined, which goes on). */
static int
exit_code (const attached_t *a, pp_error_t *err)
{
  pp_cli_t *cli = a->cli;
  const char *pod_id = a->pod_id;
  pp_state_t *state;
  if (pp_state_open (cli->ctx, &state, err) < 0)
    return -1;
  pp_pod_rec_t pod;
  int code = -1;
  if (pp_state_pod_get (state, pod_id, &pod, err) == 0)
    {
      if (interrupted && !a->joined && pp_pod_monitor_alive (&pod))
        pp_pod_stop (cli->ctx, state, &pod, pp_pod_grace (cli->ctx, pod.id), NULL);
      pp_container_rec_t c;
      if (ctr_get (state, pod_id, a->ctr_id, &c, err))
        {
          code = ctr_exit_status (&c);
          pp_container_rec_release (&c);
        }
      pp_pod_rec_release (&pod);
    }
  pp_state_close (state);
  return code;
}

int
pp_cmd_run (pp_cli_t *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "name", required_argument, NULL, 'N' },
    { "detach", no_argument, NULL, 'd' },
    { "rm", no_argument, NULL, 'R' },
    { "env", required_argument, NULL, 'e' },
    { "env-file", required_argument, NULL, 'E' },
    { "volume", required_argument, NULL, 'v' },
    { "mount", required_argument, NULL, 'M' },
    { "publish", required_argument, NULL, 'p' },
    { "workdir", required_argument, NULL, 'w' },
    { "user", required_argument, NULL, 'u' },
    { "memory", required_argument, NULL, 'm' },
    { "cpus", required_argument, NULL, 'C' },
    { "cap-add", required_argument, NULL, 'A' },
    { "cap-drop", required_argument, NULL, 'D' },
    { "read-only", no_argument, NULL, 'r' },
    { "restart", required_argument, NULL, 'S' },
    { "entrypoint", required_argument, NULL, 'P' },
    { "tty", no_argument, NULL, 't' },
    { "interactive", no_argument, NULL, 'i' },
    { "label", required_argument, NULL, 'l' },
    { "hostname", required_argument, NULL, 'H' },
    { "pod", required_argument, NULL, 'O' },
    { "network", required_argument, NULL, 'W' },
    { NULL, 0, NULL, 0 },
  };
  pp_run_opts_t o = { 0 };
  bool detach = false, rm = false;
  const char *pod = NULL, *network = NULL;
  int opt, status = -1;
  while (status < 0 && (opt = pp_cli_getopt (cli, argc, argv, "de:v:p:w:u:m:l:ti", opts)) != -1)
    switch (opt)
      {
      case 'N':
        o.name = optarg;
        break;
      case 'd':
        detach = true;
        break;
      case 'R':
        rm = true;
        break;
      case 'e':
        pp_strs_add (&o.env, optarg);
        break;
      case 'E':
        pp_strs_add (&o.env_files, optarg);
        break;
      case 'v':
        pp_strs_add (&o.volumes, optarg);
        break;
      case 'M':
        pp_strs_add (&o.mounts, optarg);
        break;
      case 'p':
        pp_strs_add (&o.publish, optarg);
        break;
      case 'w':
        o.workdir = optarg;
        break;
      case 'u':
        o.user = optarg;
        break;
      case 'm':
        o.memory = optarg;
        break;
      case 'C':
        o.cpus = optarg;
        break;
      case 'A':
        pp_strs_add (&o.cap_add, optarg);
        break;
      case 'D':
        pp_strs_add (&o.cap_drop, optarg);
        break;
      case 'r':
        o.read_only = true;
        break;
      case 'S':
        o.restart = optarg;
        break;
      case 'P':
        o.entrypoint = optarg;
        break;
      case 't':
        o.tty = true;
        break;
      case 'i':
        o.interactive = true;
        break;
      case 'l':
        pp_strs_add (&o.labels, optarg);
        break;
      case 'H':
        o.hostname = optarg;
        break;
      case 'O':
        pod = optarg;
        break;
      case 'W':
        network = optarg;
        break;
      case 'h':
        status = PP_EXIT_OK;
        break;
      default:
        status = PP_EXIT_ERROR;
      }
  if (status < 0 && optind >= argc)
    status = pp_cli_usage_error (cli, "%s needs an image", cli->path);
  if (status < 0 && pod && network)
    status = pp_cli_usage_error (cli, "--network with --pod: a container that joins a pod is on the pod's network");
  o.host_network = network && strcmp (network, "host") == 0;
  /* As Podman: a container removed when it ends is never restarted. */
  if (status < 0 && rm && o.restart && strcmp (o.restart, "no") != 0)
    status = pp_cli_usage_error (cli, "--rm conflicts with --restart %s: a container removed when it ends is not "
                                      "restarted",
                                 o.restart);
  if (status < 0 && pod && rm)
    status = pp_cli_usage_error (cli, "--rm with --pod: a container that joins a pod goes with the pod (`podplay pod "
                                      "rm %s`)",
                                 pod);
  pp_error_t err = NULL;
  char *path = NULL, *name = NULL, *backup = NULL;
  int lock = -1;
  /* A join is not interrupted between the write of the pod's manifest and the play that puts it back on failure. */
  if (status < 0 && pod)
    catch_interrupts ();
  if (status < 0 && pod && (lock = join_lock (cli, &err)) < 0)
    status = pp_cli_fail (&err);
  if (status < 0)
    {
      o.image = argv[optind];
      o.cmd = argv + optind + 1;
      o.n_cmd = (size_t)(argc - optind - 1);
      o.pod = pod;
      if ((pod ? pp_run_join_manifest (cli->ctx, &o, &path, &backup, &name, &err)
               : pp_run_manifest (cli->ctx, &o, &path, &name, &err))
          < 0)
        status = pp_cli_fail (&err);
    }
  pp_strs_free (&o.env);
  pp_strs_free (&o.env_files);
  pp_strs_free (&o.volumes);
  pp_strs_free (&o.mounts);
  pp_strs_free (&o.publish);
  pp_strs_free (&o.labels);
  pp_strs_free (&o.cap_add);
  pp_strs_free (&o.cap_drop);
  if (status >= 0)
    {
      if (lock >= 0)
        close (lock);
      return status;
    }

  pp_play_opts_t po = { .grow = pod != NULL,
                        .attach = !detach && (o.tty || o.interactive),
                        .network = o.host_network ? NULL : network };
  pp_play_result_t res = { 0 };
  int ret = play_own (cli, path, &po, &res, &err);
  cleanup_free char *pod_id = NULL, *ctr_id = NULL;
  for (size_t i = 0; ret == 0 && i < res.n; i++)
    if (res.v[i].kind == PP_PLAY_POD && res.v[i].n_ctrs)
      {
        pod_id = xstrdup (res.v[i].id);
        /* The container run: a pod's only one, or the one that joined it (the last). */
        ctr_id = xstrdup (res.v[i].ctrs[res.v[i].n_ctrs - 1].id);
      }
  pp_play_result_release (&res);
  if (backup)
    {
      /* The pod's manifest as it was when the container did not join it. */
      if (ret != 0 && rename (backup, path) < 0)
        pp_warning (cli->ctx, "put back `%s` from `%s`: %s", path, backup, strerror (errno));
      else if (ret == 0)
        unlink (backup);
      free (backup);
    }
  if (lock >= 0)
    close (lock);
  if (ret != 0)
    {
      /* Nothing was made: its manifest goes too (a pod's that a container failed to join stays, as it was). */
      if (pod == NULL)
        unlink (path);
      free (path);
      free (name);
      return ret < 0 ? pp_cli_fail (&err) : PP_EXIT_ERROR;
    }
  if (detach)
    {
      printf ("%s\n", ctr_id);
      fflush (stdout);
      if (rm)
        remove_when_done (cli, pod_id, path);
      free (path);
      free (name);
      return PP_EXIT_OK;
    }
  attached_t a = { cli, pod_id, ctr_id, pod != NULL };
  if (o.tty || o.interactive)
    ret = attach_session (cli, ctr_id, o.tty, o.interactive, true, &err);
  else
    {
      /* Attached: the container's output (its stdout here, its stderr on stderr) until it ends. */
      pp_log_set_t set = { .opts = { .tail = -1, .follow = true }, .fds = { 1, 2 } };
      cleanup_free char *log = pp_ctr_logfile (cli->ctx, ctr_id);
      pp_log_set_add (&set, ctr_id, NULL, log);
      ret = pp_log_set_follow (&set, still_running, &a, &err);
      pp_log_set_release (&set);
    }
  int code = ret < 0 ? -1 : exit_code (&a, &err);
  if (code >= 0 && rm)
    {
      pp_play_result_t down = { 0 };
      if (pp_kube_down (cli->ctx, &path, 1, false, &down, &err) == 0)
        unlink (path);
      else
        code = -1;
      pp_play_result_release (&down);
    }
  free (path);
  free (name);
  return code < 0 ? pp_cli_fail (&err) : code;
}

int
pp_cmd_pod_create (pp_cli_t *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "name", required_argument, NULL, 'n' },   { "publish", required_argument, NULL, 'p' },
    { "label", required_argument, NULL, 'l' },  { "hostname", required_argument, NULL, 'H' },
    { "network", required_argument, NULL, 'N' }, { "share", required_argument, NULL, 'S' },
    { NULL, 0, NULL, 0 },
  };
  pp_pod_create_opts_t o = { 0 };
  const char *network = NULL;
  int opt, status = -1;
  while (status < 0 && (opt = pp_cli_getopt (cli, argc, argv, "n:p:l:", opts)) != -1)
    switch (opt)
      {
      case 'n':
        o.name = optarg;
        break;
      case 'p':
        pp_strs_add (&o.publish, optarg);
        break;
      case 'l':
        pp_strs_add (&o.labels, optarg);
        break;
      case 'H':
        o.hostname = optarg;
        break;
      case 'N':
        network = optarg;
        break;
      case 'S':
        pp_strs_add (&o.share, optarg);
        break;
      case 'h':
        status = PP_EXIT_OK;
        break;
      default:
        status = PP_EXIT_ERROR;
      }
  if (status < 0 && optind < argc)
    status = pp_cli_usage_error (cli, "%s takes no argument: name the pod with --name", cli->path);
  o.host_network = network && strcmp (network, "host") == 0;
  pp_error_t err = NULL;
  char *path = NULL, *name = NULL;
  if (status < 0 && pp_pod_create_manifest (cli->ctx, &o, &path, &name, &err) < 0)
    status = pp_cli_fail (&err);
  if (status < 0)
    {
      pp_play_opts_t po
          = { .network = o.host_network ? NULL : network, .publish = o.publish.v, .n_publish = o.publish.n };
      pp_play_result_t res = { 0 };
      int ret = play_own (cli, path, &po, &res, &err);
      for (size_t i = 0; ret == 0 && i < res.n; i++)
        if (res.v[i].kind == PP_PLAY_POD)
          printf ("%s\n", res.v[i].id);
      pp_play_result_release (&res);
      if (ret != 0)
        unlink (path);
      status = ret < 0 ? pp_cli_fail (&err) : ret > 0 ? PP_EXIT_ERROR : PP_EXIT_OK;
    }
  pp_strs_free (&o.publish);
  pp_strs_free (&o.labels);
  pp_strs_free (&o.share);
  free (path);
  free (name);
  return status;
}

int
pp_cmd_attach (pp_cli_t *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "no-stdin", no_argument, NULL, 'n' },
    { NULL, 0, NULL, 0 },
  };
  bool no_stdin = false;
  int opt;
  while ((opt = pp_cli_getopt (cli, argc, argv, "", opts)) != -1)
    switch (opt)
      {
      case 'n':
        no_stdin = true;
        break;
      case 'h':
        return PP_EXIT_OK;
      default:
        return PP_EXIT_ERROR;
      }
  if (argc - optind != 1)
    return pp_cli_usage_error (cli, "%s needs one container", cli->path);
  pp_error_t err = NULL;
  pp_pod_rec_t pod = { 0 };
  pp_container_rec_t c = { 0 };
  if (pp_ctr_lookup (cli->ctx, argv[optind], &pod, &c, &err) < 0)
    return pp_cli_fail (&err);
  bool tty = false, input = false;
  int ret = 0;
  if (strcmp (c.status, "Running") != 0 || !pp_ctr_alive (&c))
    ret = pp_error_make (&err, 0, "container %s-%s is not running (%s)", pod.name, c.name, c.status);
  json_t *plan = ret == 0 ? pp_pod_read_plan (cli->ctx, pod.id, &err) : NULL;
  size_t i;
  json_t *j;
  json_array_foreach (json_object_get (plan, "containers"), i, j)
  {
    if (strcmp (json_string_value (json_object_get (j, "id")) ?: "", c.id) == 0)
      {
        tty = json_is_true (json_object_get (j, "tty"));
        input = json_is_true (json_object_get (j, "stdin"));
      }
  }
  json_decref (plan);
  if (ret == 0 && plan == NULL)
    ret = -1;
  if (ret == 0 && !tty && !input)
    ret = pp_error_make (&err, 0,
                         "container %s-%s has no terminal and no stdin (tty, stdin): its output is in "
                         "`podplay logs -f %s-%s`",
                         pod.name, c.name, pod.name, c.name);
  if (ret == 0)
    {
      /* An interrupt (without a terminal: with one, Ctrl-C goes to the container) leaves it running. */
      catch_interrupts ();
      /* The end of this input is not the container's: it was started without this client, as Podman's. */
      ret = attach_session (cli, c.id, tty, input && !no_stdin, false, &err);
    }
  /* Its exit status once it ended; 0 when it goes on (the caller left). */
  pp_container_rec_t now;
  int code = ret < 0 ? -1 : PP_EXIT_OK;
  pp_state_t *state;
  if (ret == 0 && pp_state_open (cli->ctx, &state, &err) == 0)
    {
      if (ctr_get (state, pod.id, c.id, &now, NULL))
        {
          if (strcmp (now.status ?: "", "Exited") == 0)
            code = ctr_exit_status (&now);
          pp_container_rec_release (&now);
        }
      pp_state_close (state);
    }
  pp_pod_rec_release (&pod);
  pp_container_rec_release (&c);
  return code < 0 ? pp_cli_fail (&err) : code;
}
