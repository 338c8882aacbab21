/* Small helpers every module uses: cleanup attributes, allocation that aborts on OOM, retried syscalls. */
#ifndef PP_UTIL_H
#define PP_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/types.h>

#define PP_N_ELEMENTS(a) (sizeof (a) / sizeof ((a)[0]))
#define PP_PRINTF(f, a) __attribute__ ((format (printf, f, a)))
#define PP_UNUSED __attribute__ ((unused))

#define PP_RETRY(expr)                                                                                                 \
  ({                                                                                                                   \
    long _r;                                                                                                           \
    do                                                                                                                 \
      _r = (long) (expr);                                                                                              \
    while (_r == -1L && errno == EINTR);                                                                               \
    _r;                                                                                                                \
  })

void *xmalloc (size_t size);
void *xzalloc (size_t size);
void *xrealloc (void *ptr, size_t size);
char *xstrdup (const char *s);
char *xstrndup (const char *s, size_t n);
char *xasprintf (const char *fmt, ...) PP_PRINTF (1, 2);

static inline void *
pp_steal_pointer (void *pp)
{
  void **p = (void **) pp;
  void *ret = *p;
  *p = NULL;
  return ret;
}
#define steal_pointer(pp) pp_steal_pointer (pp)

static inline int
pp_steal_fd (int *fd)
{
  int ret = *fd;
  *fd = -1;
  return ret;
}

void pp_cleanup_freep (void *p);
void pp_cleanup_closep (int *fd);
void pp_cleanup_filep (FILE **f);
void pp_cleanup_dirp (DIR **d);
void pp_cleanup_strvp (char ***v);
/* FNV-1a, 64 bits, over `len` bytes, going on from `h` (PP_FNV_OFFSET to start): a hash for telling specs and
   cache keys apart, not a cryptographic one. */
#define PP_FNV_OFFSET 1469598103934665603ULL
uint64_t pp_fnv1a (const void *data, size_t len, uint64_t h);
/* Removes `name` below `dirfd`, a whole tree if it is a directory, never following a symlink. */
int pp_remove_tree (int dirfd, const char *name);
/* Frees a NULL-terminated vector of strings and the strings. */
void pp_strv_free (char **v);

#define cleanup_free __attribute__ ((cleanup (pp_cleanup_freep)))
#define cleanup_close __attribute__ ((cleanup (pp_cleanup_closep)))
#define cleanup_file __attribute__ ((cleanup (pp_cleanup_filep)))
#define cleanup_dir __attribute__ ((cleanup (pp_cleanup_dirp)))
#define cleanup_strv __attribute__ ((cleanup (pp_cleanup_strvp)))

/* A growable byte buffer, always NUL-terminated. */
typedef struct
{
  char *data;
  size_t len;
  size_t cap;
} pp_buf_t;

void pp_buf_append (pp_buf_t *b, const void *data, size_t len);
void pp_buf_puts (pp_buf_t *b, const char *s);
void pp_buf_printf (pp_buf_t *b, const char *fmt, ...) PP_PRINTF (2, 3);
void pp_buf_reset (pp_buf_t *b);
void pp_buf_free (pp_buf_t *b);

/* When the HTTP header line of len bytes is header `name` (any case): its value, trimmed, replaces *value (which it
   frees), and the result is true. */
bool pp_header_take (const char *line, size_t len, const char *name, char **value);

/* A size as Podman shows it: `digits` significant digits of the largest unit under which it is at least 1, in
   decimal units (kB, MB, GB: 1000) or, with `iec`, binary ones (KiB, MiB, GiB: 1024), `sep` between number and
   unit: "67.11MB" (stats, 4 digits, ""), "1.46 MB" (images, 3 digits, " "). */
void pp_human_size (double bytes, int digits, bool iec, const char *sep, char *buf, size_t size);

/* Edit distance, bounded: returns max + 1 once the distance exceeds max. */
size_t pp_edit_distance (const char *a, const char *b, size_t max);

/* Waits for a child (through EINTR): its exit code, 128 + the signal that killed it, or -1. */
int pp_wait_status (pid_t pid);
/* In a child between fork and exec, where only async-signal-safe calls belong (no allocation, no locale): writes
   "what arg: <errnum's description>" on `fd` in one write, for the parent to report. */
void pp_child_report (int fd, const char *what, const char *arg, int errnum);
/* The shell's number for a wait status: the exit code, or 128 + the signal. */
int pp_exit_code (int wait_status);

/* A signal by its name ("SIGUSR1", "USR1", "SIGRTMIN+3", "SIGRTMAX-1") or number, as images' STOPSIGNAL and
   Kubernetes' stopSignal give it; -1 for none. */
int pp_signal_number (const char *name);

/* Whether the process `pid` blocks `sig` (its SigBlk in /proc): a process that reads it through a signalfd. */
bool pp_signal_blocked (pid_t pid, int sig);

/* Waits up to `ms` for a process (not our child) to end; whether it did. */
bool pp_proc_wait_gone (pid_t pid, int ms);

/* Milliseconds of CLOCK_MONOTONIC: what deadlines and periods are counted in; pp_now_us in microseconds. */
int64_t pp_now_ms (void);
int64_t pp_now_us (void);

/* mkdir -p: every missing component of `path` (existing ones are fine). */
int pp_mkdir_p (const char *path, mode_t mode);
/* The program `name` in PATH (/usr/local/bin:/usr/bin:/bin when unset), or NULL.  Only absolute directories count:
   an empty or relative entry would find a program in whatever directory this runs. */
char *pp_find_program (const char *name);
/* posix_spawn (a vfork: nothing of this process is copied) of `prog` with `argv`, in a session of its own and in
   "/": stdin from /dev/null, stderr appended to `logpath` (stdout too with `log_stdout`, else /dev/null), and the
   `n` (at most 8) descriptors of `pass` at 3, 4...; nothing else the caller had open goes with it; the
   environment `envp`, or the caller's when NULL.  0 and *pid, or an errno. */
int pp_spawn_detached (const char *prog, char *const argv[], char *const envp[], const char *logpath, bool log_stdout,
                       const int *pass, int n, pid_t *pid);
/* Whether this process is in a user namespace other than the host's (its uid_map is not the whole range). */
bool pp_in_user_namespace (void);
/* Whether process `pid` runs now with every word of `args` (NULL-terminated) among its arguments, each whole:
   a pid file's process is the one meant, not another that took the number. */
bool pp_proc_has_args (pid_t pid, const char *const *args);
/* Calls `fn` on each entry of the directory `fd` (which it takes, and closes) but . and .., until one fails:
   then -1, with errno as `fn` left it. */
int pp_dir_each (int fd, int (*fn) (int dirfd, const char *name, void *data), void *data);

/* A file descriptor over a Unix socket (SCM_RIGHTS), with a short name as its data, as runc's --console-socket
   hands a terminal's master side.  The receiver gets a close-on-exec descriptor, or -1 with errno set. */
int pp_send_fd (int sock, int fd, const char *name);
int pp_recv_fd (int sock);

#endif
