/* Allocation, cleanup and buffer helpers shared by every module. */
#include "core/util.h"

#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <spawn.h>

extern char **environ;

static void __attribute__ ((noreturn)) oom (void)
{
  fputs ("podplay: out of memory\n", stderr);
  abort ();
}

void *
xmalloc (size_t size)
{
  void *p = malloc (size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
xzalloc (size_t size)
{
  void *p = calloc (1, size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
xrealloc (void *ptr, size_t size)
{
  void *p = realloc (ptr, size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

char *
xstrdup (const char *s)
{
  char *p = strdup (s);
  if (p == NULL)
    oom ();
  return p;
}

char *
xstrndup (const char *s, size_t n)
{
  char *p = strndup (s, n);
  if (p == NULL)
    oom ();
  return p;
}

char *
xasprintf (const char *fmt, ...)
{
  char *p = NULL;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&p, fmt, ap) < 0)
    oom ();
  va_end (ap);
  return p;
}

void
pp_cleanup_freep (void *p)
{
  free (*(void **) p);
}

void
pp_cleanup_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

void
pp_cleanup_filep (FILE **f)
{
  if (*f)
    fclose (*f);
}

void
pp_cleanup_dirp (DIR **d)
{
  if (*d)
    closedir (*d);
}

uint64_t
pp_fnv1a (const void *data, size_t len, uint64_t h)
{
  const unsigned char *b = data;
  for (size_t i = 0; i < len; i++)
    h = (h ^ b[i]) * 1099511628211ULL;
  return h;
}

void
pp_strv_free (char **v)
{
  for (size_t i = 0; v && v[i]; i++)
    free (v[i]);
  free (v);
}

void
pp_cleanup_strvp (char ***v)
{
  pp_strv_free (*v);
}

static void
buf_reserve (pp_buf_t *b, size_t extra)
{
  if (b->len + extra + 1 <= b->cap)
    return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra + 1)
    cap *= 2;
  b->data = xrealloc (b->data, cap);
  b->cap = cap;
}

void
pp_buf_append (pp_buf_t *b, const void *data, size_t len)
{
  buf_reserve (b, len);
  memcpy (b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = '\0';
}

void
pp_buf_puts (pp_buf_t *b, const char *s)
{
  pp_buf_append (b, s, strlen (s));
}

void
pp_buf_printf (pp_buf_t *b, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (NULL, 0, fmt, ap);
  va_end (ap);
  if (n < 0)
    return;
  buf_reserve (b, (size_t) n);
  va_start (ap, fmt);
  vsnprintf (b->data + b->len, (size_t) n + 1, fmt, ap);
  va_end (ap);
  b->len += (size_t) n;
}

void
pp_buf_reset (pp_buf_t *b)
{
  b->len = 0;
  if (b->data)
    b->data[0] = '\0';
}

void
pp_buf_free (pp_buf_t *b)
{
  free (b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

static char
ascii_lower (char c)
{
  return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
}

void
pp_human_size (double bytes, int digits, bool iec, const char *sep, char *buf, size_t size)
{
  static const char *const decimal[] = { "B", "kB", "MB", "GB", "TB", "PB" };
  static const char *const binary[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
  const char *const *units = iec ? binary : decimal;
  double base = iec ? 1024 : 1000;
  size_t u = 0;
  while (bytes >= base && u + 1 < PP_N_ELEMENTS (decimal))
    bytes /= base, u++;
  /* 999.97 kB rounds to 1000 kB at 3 digits ("1e+03" from %g): that is 1 MB. */
  char rounded[32];
  snprintf (rounded, sizeof rounded, "%.*g", digits, bytes);
  if (u > 0 && strtod (rounded, NULL) >= base && u + 1 < PP_N_ELEMENTS (decimal))
    bytes /= base, u++;
  if (u == 0)
    snprintf (buf, size, "%.0f%s%s", bytes, sep, units[u]);
  else
    snprintf (buf, size, "%.*g%s%s", digits, bytes, sep, units[u]);
}

/* Case differences count as nothing: "workingdir" is one step from "workingDir"'s neighbours.
   Only cells within `max` of the diagonal can stay within `max`, so the work is O(len * max) whatever the lengths. */
size_t
pp_edit_distance (const char *a, const char *b, size_t max)
{
  size_t la = strlen (a), lb = strlen (b), big = max + 1;
  if ((la > lb ? la - lb : lb - la) > max)
    return big;
  cleanup_free size_t *row = xmalloc ((lb + 1) * sizeof *row);
  for (size_t j = 0; j <= lb; j++)
    row[j] = j < big ? j : big;
  for (size_t i = 1; i <= la; i++)
    {
      size_t lo = i > max ? i - max : 1, hi = lb > i && lb - i > max ? i + max : lb;
      size_t diag = row[lo - 1];
      /* Left of the band is out of reach; cells right of it still hold `big` from the first row. */
      row[lo - 1] = lo == 1 && i < big ? i : big;
      size_t best = row[lo - 1];
      for (size_t j = lo; j <= hi; j++)
        {
          size_t up = row[j];
          size_t cost = ascii_lower (a[i - 1]) == ascii_lower (b[j - 1]) ? 0 : 1;
          size_t v = diag + cost;
          if (up + 1 < v)
            v = up + 1;
          if (row[j - 1] + 1 < v)
            v = row[j - 1] + 1;
          if (v > big)
            v = big;
          row[j] = v;
          diag = up;
          if (v < best)
            best = v;
        }
      if (best > max)
        return big;
    }
  return row[lb];
}

int
pp_wait_status (pid_t pid)
{
  int st = 0;
  while (waitpid (pid, &st, 0) < 0)
    if (errno != EINTR)
      return -1;
  return pp_exit_code (st);
}

void
pp_child_report (int fd, const char *what, const char *arg, int errnum)
{
  /* strerrordesc_np: a constant string, unlike strerror (locale, a buffer); snprintf may allocate. */
  const char *desc = strerrordesc_np (errnum) ?: "unknown error";
  const char *parts[] = { what, arg ? " " : "", arg ? arg : "", ": ", desc };
  char msg[512];
  size_t len = 0;
  for (size_t i = 0; i < PP_N_ELEMENTS (parts); i++)
    for (const char *c = parts[i]; *c && len < sizeof msg; c++)
      msg[len++] = *c;
  PP_RETRY (write (fd, msg, len));
}

int
pp_exit_code (int wait_status)
{
  return WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : 128 + WTERMSIG (wait_status);
}

bool
pp_proc_wait_gone (pid_t pid, int ms)
{
  int pfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (pfd >= 0)
    {
      struct pollfd p = { .fd = pfd, .events = POLLIN };
      int r = PP_RETRY (poll (&p, 1, ms));
      close (pfd);
      return r > 0;
    }
  for (int t = 0; t < ms / 10; t++)
    {
      if (kill (pid, 0) < 0 && errno == ESRCH)
        return true;
      usleep (10000);
    }
  return false;
}

int64_t
pp_now_ms (void)
{
  return pp_now_us () / 1000;
}

int64_t
pp_now_us (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

int
pp_dir_each (int fd, int (*fn) (int dirfd, const char *name, void *data), void *data)
{
  cleanup_dir DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return -1;
    }
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0 && fn (dirfd (d), de->d_name, data) < 0)
      return -1;
  return 0;
}

int
pp_mkdir_p (const char *path, mode_t mode)
{
  cleanup_free char *p = xstrdup (path);
  for (char *s = p + 1; *s; s++)
    if (*s == '/')
      {
        *s = '\0';
        if (mkdir (p, mode) < 0 && errno != EEXIST)
          return -1;
        *s = '/';
      }
  return mkdir (p, mode) < 0 && errno != EEXIST ? -1 : 0;
}

bool
pp_in_user_namespace (void)
{
  /* Read each time (only after a failure): pp_rootless_enter moves the process into a namespace. */
  char map[64] = "";
  cleanup_file FILE *f = fopen ("/proc/self/uid_map", "re");
  if (f && fgets (map, sizeof map, f) == NULL)
    map[0] = '\0';
  unsigned long a = 1, b = 1, n = 0;
  return !(sscanf (map, "%lu %lu %lu", &a, &b, &n) == 3 && a == 0 && b == 0 && n == 4294967295ul);
}

int
pp_spawn_detached (const char *prog, char *const argv[], char *const envp[], const char *logpath, bool log_stdout,
                   const int *pass, int n, pid_t *pid)
{
  /* The descriptors at 3...: first copied out of the way (one may be at 3 already, another's place), then put
     there. */
  int fds[8], copied = 0, e = 0;
  for (; copied < n && copied < 8; copied++)
    if ((fds[copied] = fcntl (pass[copied], F_DUPFD_CLOEXEC, 16)) < 0)
      break;
  if (copied < n)
    e = n > 8 ? EINVAL : errno;
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init (&fa);
  posix_spawnattr_init (&attr);
  /* No signal blocked: the caller may block some (a play's worker threads, `kube play --watch`), which the helper
     (slirp4netns, fuse-overlayfs) must not inherit; a helper of podplay's blocks its own. */
  sigset_t none;
  sigemptyset (&none);
  posix_spawnattr_setsigmask (&attr, &none);
  posix_spawnattr_setflags (&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK);
  posix_spawn_file_actions_addopen (&fa, 0, "/dev/null", O_RDWR, 0);
  posix_spawn_file_actions_addopen (&fa, 2, logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2 (&fa, log_stdout ? 2 : 0, 1);
  for (int i = 0; i < copied; i++)
    posix_spawn_file_actions_adddup2 (&fa, fds[i], 3 + i);
  posix_spawn_file_actions_addclosefrom_np (&fa, 3 + n);
  posix_spawn_file_actions_addchdir_np (&fa, "/");
  if (e == 0)
    e = posix_spawn (pid, prog, &fa, &attr, argv, envp ? envp : environ);
  posix_spawn_file_actions_destroy (&fa);
  posix_spawnattr_destroy (&attr);
  for (int i = 0; i < copied; i++)
    close (fds[i]);
  return e;
}

bool
pp_proc_has_args (pid_t pid, const char *const *args)
{
  char path[64], buf[4096];
  snprintf (path, sizeof path, "/proc/%d/cmdline", (int) pid);
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : PP_RETRY (read (fd, buf, sizeof buf - 1));
  if (n <= 0)
    return false;
  buf[n] = '\0';
  for (const char *const *want = args; *want; want++)
    {
      bool found = false;
      for (char *a = buf; a < buf + n && !found; a += strlen (a) + 1)
        found = strcmp (a, *want) == 0;
      if (!found)
        return false;
    }
  return true;
}

char *
pp_find_program (const char *name)
{
  const char *path = getenv ("PATH");
  for (const char *d = path && *path ? path : "/usr/local/bin:/usr/bin:/bin"; *d;)
    {
      size_t n = strcspn (d, ":");
      cleanup_free char *full = *d == '/' ? xasprintf ("%.*s/%s", (int)n, d, name) : NULL;
      struct stat st;
      if (full && stat (full, &st) == 0 && S_ISREG (st.st_mode) && access (full, X_OK) == 0)
        return steal_pointer (&full);
      d += n + (d[n] == ':');
    }
  return NULL;
}

int
pp_send_fd (int sock, int fd, const char *name)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  memset (&u, 0, sizeof u);
  /* A copy on the stack: a container's child sends its terminal with this, between fork and exec. */
  char data[64];
  size_t len = strnlen (name, sizeof data - 1);
  memcpy (data, name, len);
  data[len] = '\0';
  struct iovec iov = { .iov_base = data, .iov_len = len + 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  struct cmsghdr *cm = CMSG_FIRSTHDR (&msg);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cm), &fd, sizeof (int));
  return PP_RETRY (sendmsg (sock, &msg, MSG_NOSIGNAL)) < 0 ? -1 : 0;
}

int
pp_recv_fd (int sock)
{
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  char name[4096];
  struct iovec iov = { .iov_base = name, .iov_len = sizeof name };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
  ssize_t n = PP_RETRY (recvmsg (sock, &msg, MSG_CMSG_CLOEXEC));
  if (n < 0)
    return -1;
  struct cmsghdr *cm = CMSG_FIRSTHDR (&msg);
  if (cm == NULL || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS
      || cm->cmsg_len != CMSG_LEN (sizeof (int)))
    {
      errno = EBADMSG;
      return -1;
    }
  int fd;
  memcpy (&fd, CMSG_DATA (cm), sizeof (int));
  return fd;
}

static int
remove_tree_at (int dirfd, const char *name, void *data)
{
  (void) data;
  if (unlinkat (dirfd, name, 0) == 0 || errno == ENOENT)
    return 0;
  if (errno != EISDIR && errno != EPERM)
    return -1;
  int fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || pp_dir_each (fd, remove_tree_at, NULL) < 0)
    return -1;
  return unlinkat (dirfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT ? 0 : -1;
}

int
pp_remove_tree (int dirfd, const char *name)
{
  return remove_tree_at (dirfd, name, NULL);
}

bool
pp_header_take (const char *line, size_t len, const char *name, char **value)
{
  size_t n = strlen (name);
  if (len <= n || strncasecmp (line, name, n) != 0 || line[n] != ':')
    return false;
  const char *v = line + n + 1;
  const char *end = line + len;
  while (v < end && (*v == ' ' || *v == '\t'))
    v++;
  while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
    end--;
  free (*value);
  *value = xstrndup (v, (size_t) (end - v));
  return true;
}

int
pp_signal_number (const char *name)
{
  static const struct
  {
    const char *name;
    int sig;
  } sigs[] = {
    { "ABRT", SIGABRT },   { "ALRM", SIGALRM },     { "BUS", SIGBUS },       { "CHLD", SIGCHLD },
    { "CLD", SIGCHLD },    { "CONT", SIGCONT },     { "FPE", SIGFPE },       { "HUP", SIGHUP },
    { "ILL", SIGILL },     { "INT", SIGINT },       { "IO", SIGIO },         { "IOT", SIGIOT },
    { "KILL", SIGKILL },   { "PIPE", SIGPIPE },     { "POLL", SIGPOLL },     { "PROF", SIGPROF },
    { "PWR", SIGPWR },     { "QUIT", SIGQUIT },     { "SEGV", SIGSEGV },     { "STKFLT", SIGSTKFLT },
    { "STOP", SIGSTOP },   { "SYS", SIGSYS },       { "TERM", SIGTERM },     { "TRAP", SIGTRAP },
    { "TSTP", SIGTSTP },   { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },     { "URG", SIGURG },
    { "USR1", SIGUSR1 },   { "USR2", SIGUSR2 },     { "VTALRM", SIGVTALRM }, { "WINCH", SIGWINCH },
    { "XCPU", SIGXCPU },   { "XFSZ", SIGXFSZ },
  };
  if (name == NULL || *name == '\0')
    return -1;
  char *end;
  long n;
  if (isdigit ((unsigned char) *name))
    {
      n = strtol (name, &end, 10);
      return *end == '\0' && n > 0 && n <= 64 ? (int) n : -1;
    }
  /* Docker upper-cases an image's STOPSIGNAL: "sigquit" and "quit" are SIGQUIT too. */
  if (strncasecmp (name, "SIG", 3) == 0)
    name += 3;
  for (size_t i = 0; i < PP_N_ELEMENTS (sigs); i++)
    if (strcasecmp (sigs[i].name, name) == 0)
      return sigs[i].sig;
  /* The kernel's real-time range, 34 to 64, as Kubernetes and the runtimes number it (not glibc's SIGRTMIN, which
     keeps two for itself in this process). */
  int base = strncasecmp (name, "RTMIN", 5) == 0 ? 34 : strncasecmp (name, "RTMAX", 5) == 0 ? 64 : 0;
  if (base == 0)
    return -1;
  const char *off = name + 5;
  if (*off == '\0')
    return base;
  if ((*off != '+' && *off != '-') || !isdigit ((unsigned char) off[1]))
    return -1;
  n = strtol (off + 1, &end, 10);
  if (*end || n < 1 || n > 30)
    return -1;
  int sig = *off == '+' ? base + (int) n : base - (int) n;
  return sig >= 34 && sig <= 64 ? sig : -1;
}

bool
pp_signal_blocked (pid_t pid, int sig)
{
  char path[64], line[256];
  snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
  cleanup_file FILE *f = fopen (path, "re");
  unsigned long long mask;
  while (f && fgets (line, sizeof line, f))
    if (sscanf (line, "SigBlk: %llx", &mask) == 1)
      return sig > 0 && sig <= 64 && ((mask >> (sig - 1)) & 1);
  return false;
}
