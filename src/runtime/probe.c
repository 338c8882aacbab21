/* Probe checks, each in a child process of the monitor: see probe.h. */
#include "runtime/probe.h"
#include "core/util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>

const char *const pp_probe_names[PP_PROBE_KINDS] = { "startupProbe", "livenessProbe", "readinessProbe" };

static int64_t
field (json_t *spec, const char *name, int64_t dflt)
{
  json_t *v = json_object_get (spec, name);
  return json_is_integer (v) ? json_integer_value (v) : dflt;
}

void
pp_probe_init (pp_probe_t *p, json_t *spec)
{
  memset (p, 0, sizeof *p);
  p->spec = spec;
  p->initial_ms = field (spec, "initialDelaySeconds", 0) * 1000;
  p->period_ms = field (spec, "periodSeconds", 10) * 1000;
  p->timeout_ms = field (spec, "timeoutSeconds", 1) * 1000;
  p->success_threshold = (int) field (spec, "successThreshold", 1);
  p->failure_threshold = (int) field (spec, "failureThreshold", 3);
  p->grace_s = field (spec, "terminationGracePeriodSeconds", -1);
  if (p->period_ms <= 0)
    p->period_ms = 10000;
  if (p->timeout_ms <= 0)
    p->timeout_ms = 1000;
}

void
pp_probe_arm (pp_probe_t *p, int64_t now_ms)
{
  p->next_ms = now_ms + p->initial_ms;
  p->successes = p->failures = 0;
}

/* A connection to host:port, within the alarm the child set. */
static int
connect_to (const char *host, int port)
{
  char portstr[16];
  snprintf (portstr, sizeof portstr, "%d", port);
  struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV }, *res = NULL;
  if (getaddrinfo (host, portstr, &hints, &res) != 0)
    return -1;
  int fd = -1;
  for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next)
    {
      fd = socket (a->ai_family, a->ai_socktype | SOCK_CLOEXEC, 0);
      if (fd >= 0 && connect (fd, a->ai_addr, a->ai_addrlen) < 0)
        {
          close (fd);
          fd = -1;
        }
    }
  freeaddrinfo (res);
  return fd;
}

/* GET path; success is a status from 200 to 399, as the kubelet counts it. */
static int
http_check (json_t *h)
{
  const char *host = json_string_value (json_object_get (h, "host")) ?: "127.0.0.1";
  const char *path = json_string_value (json_object_get (h, "path")) ?: "/";
  int fd = connect_to (host, (int) json_integer_value (json_object_get (h, "port")));
  if (fd < 0)
    return 1;
  pp_buf_t req = { 0 };
  pp_buf_printf (&req, "GET %s HTTP/1.1\r\nHost: %s:%lld\r\nUser-Agent: " PP_PROBE_USER_AGENT "\r\nAccept: */*\r\n",
                 path, host, (long long) json_integer_value (json_object_get (h, "port")));
  size_t i;
  json_t *hd;
  json_array_foreach (json_object_get (h, "headers"), i, hd)
    pp_buf_printf (&req, "%s: %s\r\n", json_string_value (json_array_get (hd, 0)) ?: "",
                   json_string_value (json_array_get (hd, 1)) ?: "");
  pp_buf_puts (&req, "Connection: close\r\n\r\n");
  bool sent = write (fd, req.data, req.len) == (ssize_t) req.len;
  pp_buf_free (&req);
  char buf[64] = { 0 };
  size_t got = 0;
  while (sent && got < sizeof buf - 1)
    {
      ssize_t n = read (fd, buf + got, sizeof buf - 1 - got);
      if (n <= 0)
        break;
      got += (size_t) n;
      if (memchr (buf, '\n', got))
        break;
    }
  close (fd);
  int code = 0;
  return sscanf (buf, "HTTP/%*d.%*d %d", &code) == 1 && code >= 200 && code < 400 ? 0 : 1;
}

/* The command run in the container by its runtime, as `podplay exec` runs one (it changes nothing of the
   container: an exec joins its cgroup, never makes or resets it). */
static int
exec_check (json_t *argv_json, const pp_probe_target_t *t)
{
  size_t n = json_array_size (argv_json);
  if (n == 0)
    return 1;
  cleanup_strv char **argv = xzalloc ((n + 1) * sizeof (char *));
  for (size_t i = 0; i < n; i++)
    argv[i] = xstrdup (json_string_value (json_array_get (argv_json, i)) ?: "");
  pp_runtime_exec_t o = { .stdin = false };
  int status = 1;
  cleanup_error pp_error_t err = NULL;
  if (t->rt->exec (t->rt, &t->ctr, argv, &o, &status, &err) < 0)
    return 1;
  return status;
}

/* gRPC and HTTPS checks need libcurl, which podplay-monitor does not link: the podplay binary beside it makes them
   (or the monitor's own binary, when that is podplay), as `podplay probe KIND HOST PORT SERVICE|PATH TIMEOUT_MS
   [NAME VALUE]...`, in the network namespace this child has joined. */
static void __attribute__ ((noreturn))
exec_podplay_probe (const char *kind, json_t *h, const char *what, int64_t timeout_ms)
{
  char exe[4096];
  ssize_t len = readlink ("/proc/self/exe", exe, sizeof exe - 1);
  if (len < 0)
    _exit (1);
  exe[len] = '\0';
  /* A monitor binary replaced since it started reads "podplay-monitor (deleted)": the podplay beside it is new too. */
  char *slash = strrchr (exe, '/');
  const char *bin = "/proc/self/exe";
  cleanup_free char *sibling = NULL;
  if (slash && strncmp (slash + 1, "podplay-monitor", 15) == 0)
    bin = sibling = xasprintf ("%.*s/podplay", (int) (slash - exe), exe);
  json_t *headers = json_object_get (h, "headers");
  size_t n = json_array_size (headers), k = 0;
  char **argv = xzalloc ((8 + 2 * n) * sizeof (char *));
  argv[k++] = xstrdup (bin);
  argv[k++] = xstrdup ("probe");
  argv[k++] = xstrdup (kind);
  argv[k++] = xstrdup (json_string_value (json_object_get (h, "host")) ?: "127.0.0.1");
  argv[k++] = xasprintf ("%lld", (long long) json_integer_value (json_object_get (h, "port")));
  argv[k++] = xstrdup (json_string_value (json_object_get (h, what)) ?: "");
  argv[k++] = xasprintf ("%lld", (long long) timeout_ms);
  for (size_t i = 0; i < n; i++)
    {
      argv[k++] = xstrdup (json_string_value (json_array_get (json_array_get (headers, i), 0)) ?: "");
      argv[k++] = xstrdup (json_string_value (json_array_get (json_array_get (headers, i), 1)) ?: "");
    }
  execv (bin, argv);
  _exit (1);
}

pid_t
pp_probe_launch (const pp_probe_t *p, const pp_probe_target_t *t)
{
  /* The check runs in the child without an exec (JSON, allocation, name lookups, the executor): this relies on the
     monitor being single-threaded, which holds (podplay-monitor makes no thread, and links no library that does). */
  pid_t pid = fork ();
  if (pid != 0)
    return pid;
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  signal (SIGPIPE, SIG_IGN);
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0)
    {
      dup2 (null, 0);
      dup2 (null, 1);
      dup2 (null, 2);
    }
  /* The monitor kills it at the deadline; the alarm is the check's own limit besides. */
  alarm ((unsigned) ((p->timeout_ms + 999) / 1000) + 1);
  json_t *v;
  if ((v = json_object_get (p->spec, "exec")))
    _exit (exec_check (v, t) == 0 ? 0 : 1);
  if ((v = json_object_get (p->spec, "sleep")))
    {
      sleep ((unsigned) json_integer_value (v));
      _exit (0);
    }
  /* Network checks run in the pod's network namespace: its loopback is the pod's. */
  if (t->netns)
    {
      int fd = open (t->netns, O_RDONLY | O_CLOEXEC);
      if (fd < 0 || setns (fd, CLONE_NEWNET) < 0)
        _exit (1);
    }
  if ((v = json_object_get (p->spec, "grpc")))
    exec_podplay_probe ("grpc", v, "service", p->timeout_ms);
  if ((v = json_object_get (p->spec, "http"))
      && strcmp (json_string_value (json_object_get (v, "scheme")) ?: "", "HTTPS") == 0)
    exec_podplay_probe ("https", v, "path", p->timeout_ms);
  if ((v = json_object_get (p->spec, "http")))
    _exit (http_check (v));
  if ((v = json_object_get (p->spec, "tcp")))
    {
      int fd = connect_to (json_string_value (json_object_get (v, "host")) ?: "127.0.0.1",
                           (int) json_integer_value (json_object_get (v, "port")));
      _exit (fd >= 0 ? 0 : 1);
    }
  _exit (1);
}
