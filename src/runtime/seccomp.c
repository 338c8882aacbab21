/* Seccomp profiles: Podman's default as a table, profile files, their compilation to BPF, and loading it. */
#include "runtime/seccomp.h"
#include "core/capnames.h"
#include "core/safepath.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#define CAP(c) (1ULL << CAP_##c)
#define NETLINK_AUDIT_ 9 /* linux/netlink.h's NETLINK_AUDIT, without the header */

typedef struct
{
  unsigned index;
  uint64_t value;
  const char *op; /* NULL ends the list */
} rule_arg_t;

/* One rule of the profile: its syscalls, SCMP_ACT_ERRNO with `errno_ret` (SCMP_ACT_ALLOW when 0), for containers
   that hold every capability of `includes` and none of `excludes`, on the architectures named (all when NULL).
   A rule with a `gate` stands for the profile's pair of rules on one capability: allowed with it, EPERM without. */
typedef struct
{
  const char *names; /* space-separated */
  int errno_ret;
  uint64_t includes, excludes, gate;
  const char *arches; /* Go's names, as the profile writes them: "amd64 x32" */
  rule_arg_t args[3];
} rule_t;

/* containers/common's pkg/seccomp default profile (what Podman renders into config.json), rule by rule, in its
   order: libseccomp keeps the first action given to a syscall, so order decides between overlapping rules. */
static const rule_t default_rules[] = {
  { "bdflush cachestat io_pgetevents io_pgetevents_time64 kexec_file_load kexec_load map_shadow_stack migrate_pages "
    "move_pages nfsservctl nice oldfstat oldlstat oldolduname oldstat olduname pciconfig_iobase pciconfig_read "
    "pciconfig_write sgetmask ssetmask swapoff swapon syscall sysfs uselib userfaultfd ustat vm86 vm86old vmsplice",
    EPERM },
  { "_llseek _newselect accept accept4 access adjtimex alarm bind brk capget capset chdir chmod chown chown32 "
    "clock_adjtime clock_adjtime64 clock_getres clock_getres_time64 clock_gettime clock_gettime64 clock_nanosleep "
    "clock_nanosleep_time64 clone clone3 close close_range connect copy_file_range creat dup dup2 dup3 epoll_create "
    "epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old eventfd eventfd2 execve "
    "execveat exit exit_group faccessat faccessat2 fadvise64 fadvise64_64 fallocate fanotify_init fanotify_mark "
    "fchdir fchmod fchmodat fchmodat2 fchown fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr flistxattr flock "
    "fork fremovexattr fsconfig fsetxattr fsmount fsopen fspick fstat fstat64 fstatat64 fstatfs fstatfs64 fsync "
    "ftruncate ftruncate64 futex futex_requeue futex_time64 futex_wait futex_waitv futex_wake futimesat "
    "get_mempolicy get_robust_list get_thread_area getcpu getcwd getdents getdents64 getegid getegid32 geteuid "
    "geteuid32 getgid getgid32 getgroups getgroups32 getitimer getpeername getpgid getpgrp getpid getppid "
    "getpriority getrandom getresgid getresgid32 getresuid getresuid32 getrlimit getrusage getsid getsockname "
    "getsockopt gettid gettimeofday getuid getuid32 getxattr inotify_add_watch inotify_init inotify_init1 "
    "inotify_rm_watch io_cancel io_destroy io_getevents io_setup io_submit ioctl ioprio_get ioprio_set ipc keyctl "
    "kill landlock_add_rule landlock_create_ruleset landlock_restrict_self lchown lchown32 lgetxattr link linkat "
    "listen listxattr llistxattr lremovexattr lseek lsetxattr lstat lstat64 madvise mbind membarrier memfd_create "
    "memfd_secret mincore mkdir mkdirat mknod mknodat mlock mlock2 mlockall mmap mmap2 mount mount_setattr "
    "move_mount mprotect mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedreceive_time64 mq_timedsend "
    "mq_timedsend_time64 mq_unlink mremap msgctl msgget msgrcv msgsnd msync munlock munlockall munmap "
    "name_to_handle_at nanosleep newfstatat open open_tree openat openat2 pause pidfd_getfd pidfd_open "
    "pidfd_send_signal pipe pipe2 pivot_root pkey_alloc pkey_free pkey_mprotect poll ppoll ppoll_time64 prctl "
    "pread64 preadv preadv2 prlimit64 process_mrelease process_vm_readv process_vm_writev pselect6 pselect6_time64 "
    "ptrace pwrite64 pwritev pwritev2 read readahead readlink readlinkat readv reboot recv recvfrom recvmmsg "
    "recvmmsg_time64 recvmsg remap_file_pages removexattr rename renameat renameat2 restart_syscall rmdir rseq "
    "rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait "
    "rt_sigtimedwait_time64 rt_tgsigqueueinfo sched_get_priority_max sched_get_priority_min sched_getaffinity "
    "sched_getattr sched_getparam sched_getscheduler sched_rr_get_interval sched_rr_get_interval_time64 "
    "sched_setaffinity sched_setattr sched_setparam sched_setscheduler sched_yield seccomp select semctl semget "
    "semop semtimedop semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto set_mempolicy "
    "set_robust_list set_thread_area set_tid_address setfsgid setfsgid32 setfsuid setfsuid32 setgid setgid32 "
    "setgroups setgroups32 setitimer setns setpgid setpriority setregid setregid32 setresgid setresgid32 setresuid "
    "setresuid32 setreuid setreuid32 setrlimit setsid setsockopt setuid setuid32 setxattr shmat shmctl shmdt shmget "
    "shutdown sigaltstack signal signalfd signalfd4 sigprocmask sigreturn socketcall socketpair splice stat stat64 "
    "statfs statfs64 statx symlink symlinkat sync sync_file_range syncfs sysinfo syslog tee tgkill time "
    "timer_create timer_delete timer_getoverrun timer_gettime timer_gettime64 timer_settime timer_settime64 "
    "timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime timerfd_settime64 times tkill truncate "
    "truncate64 ugetrlimit umask umount umount2 uname unlink unlinkat unshare utime utimensat utimensat_time64 "
    "utimes vfork wait4 waitid waitpid write writev" },
  /* The execution domains a container may switch to: Linux, Linux32, with UNAME26, and the query. */
  { "personality", .args = { { 0, 0x0, "SCMP_CMP_EQ" } } },
  { "personality", .args = { { 0, 0x0008, "SCMP_CMP_EQ" } } },
  { "personality", .args = { { 0, 0x20000, "SCMP_CMP_EQ" } } },
  { "personality", .args = { { 0, 0x20008, "SCMP_CMP_EQ" } } },
  { "personality", .args = { { 0, 0xffffffff, "SCMP_CMP_EQ" } } },
  { "sync_file_range2 swapcontext", .arches = "ppc64le" },
  { "arm_fadvise64_64 arm_sync_file_range breakpoint cacheflush set_tls sync_file_range2", .arches = "arm arm64" },
  { "arch_prctl", .arches = "amd64 x32" },
  { "modify_ldt", .arches = "amd64 x32 x86" },
  { "s390_pci_mmio_read s390_pci_mmio_write s390_runtime_instr", .arches = "s390 s390x" },
  { "riscv_flush_icache riscv_hwprobe", .arches = "riscv64" },
  { "open_by_handle_at", .gate = CAP (DAC_READ_SEARCH) },
  { "bpf lookup_dcookie perf_event_open quotactl quotactl_fd setdomainname sethostname setns",
    .includes = CAP (SYS_ADMIN) },
  { "lookup_dcookie quotactl quotactl_fd setdomainname sethostname setns", EPERM, .excludes = CAP (SYS_ADMIN) },
  { "chroot", .gate = CAP (SYS_CHROOT) },
  { "delete_module finit_module init_module query_module", .gate = CAP (SYS_MODULE) },
  { "acct", .gate = CAP (SYS_PACCT) },
  { "kcmp process_madvise", .gate = CAP (SYS_PTRACE) },
  { "ioperm iopl", .gate = CAP (SYS_RAWIO) },
  { "clock_settime clock_settime64 settimeofday stime", .gate = CAP (SYS_TIME) },
  { "vhangup", .gate = CAP (SYS_TTY_CONFIG) },
  /* No vsock sockets for anyone; no audit sockets without CAP_AUDIT_WRITE; every other socket. */
  { "socket", EPERM, .args = { { 0, AF_VSOCK, "SCMP_CMP_EQ" } } },
  { "socket", EINVAL, .excludes = CAP (AUDIT_WRITE),
    .args = { { 0, AF_NETLINK, "SCMP_CMP_EQ" }, { 2, NETLINK_AUDIT_, "SCMP_CMP_EQ" } } },
  { "socket", .excludes = CAP (AUDIT_WRITE),
    .args = { { 0, AF_NETLINK, "SCMP_CMP_EQ" }, { 2, NETLINK_AUDIT_, "SCMP_CMP_NE" } } },
  { "socket", .excludes = CAP (AUDIT_WRITE), .args = { { 0, AF_NETLINK, "SCMP_CMP_NE" } } },
  { "socket", .includes = CAP (AUDIT_WRITE), .args = { { 0, AF_VSOCK, "SCMP_CMP_NE" } } },
  { "bpf", EPERM, .excludes = CAP (SYS_ADMIN) | CAP (BPF) },
  { "bpf", .includes = CAP (BPF) },
  { "perf_event_open", EPERM, .excludes = CAP (SYS_ADMIN) | CAP (PERFMON) },
  { "perf_event_open", .includes = CAP (PERFMON) },
};

/* The profile's archMap: a native architecture and the ones its kernel also runs. */
static const char *const arch_map[][4] = {
  { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL },
  { "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", NULL },
  { "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64N32", NULL },
  { "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", NULL },
  { "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64N32", NULL },
  { "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", NULL },
  { "SCMP_ARCH_S390X", "SCMP_ARCH_S390", NULL },
};

/* libseccomp's architecture tokens, the names profiles use for them in includes/excludes (Go's), and in archMap. */
static const struct
{
  uint32_t token;
  const char *go, *scmp;
} arch_names[] = {
  { SCMP_ARCH_X86_64, "amd64", "SCMP_ARCH_X86_64" },
  { SCMP_ARCH_X86, "x86", "SCMP_ARCH_X86" },
  { SCMP_ARCH_X32, "x32", "SCMP_ARCH_X32" },
  { SCMP_ARCH_AARCH64, "arm64", "SCMP_ARCH_AARCH64" },
  { SCMP_ARCH_ARM, "arm", "SCMP_ARCH_ARM" },
  { SCMP_ARCH_MIPS64, "mips64", "SCMP_ARCH_MIPS64" },
  { SCMP_ARCH_MIPS64N32, "mips64n32", "SCMP_ARCH_MIPS64N32" },
  { SCMP_ARCH_MIPSEL64, "mipsel64", "SCMP_ARCH_MIPSEL64" },
  { SCMP_ARCH_MIPSEL64N32, "mipsel64n32", "SCMP_ARCH_MIPSEL64N32" },
  { SCMP_ARCH_PPC64LE, "ppc64le", "SCMP_ARCH_PPC64LE" },
  { SCMP_ARCH_S390X, "s390x", "SCMP_ARCH_S390X" },
  { SCMP_ARCH_S390, "s390", "SCMP_ARCH_S390" },
  { SCMP_ARCH_RISCV64, "riscv64", "SCMP_ARCH_RISCV64" },
};

static size_t
native_arch (void)
{
  uint32_t native = seccomp_arch_native ();
  for (size_t i = 0; i < PP_N_ELEMENTS (arch_names); i++)
    if (arch_names[i].token == native)
      return i;
  return PP_N_ELEMENTS (arch_names);
}

static const char *
native_go_arch (void)
{
  size_t i = native_arch ();
  return i < PP_N_ELEMENTS (arch_names) ? arch_names[i].go : "";
}

/* The archMap entry of this machine's architecture, as "architectures". */
static json_t *
native_architectures (json_t *archmap)
{
  size_t n = native_arch ();
  json_t *out = json_array ();
  if (n == PP_N_ELEMENTS (arch_names))
    return out;
  size_t i;
  json_t *entry;
  json_array_foreach (archmap, i, entry)
  {
    if (strcmp (json_string_value (json_object_get (entry, "architecture")) ?: "", arch_names[n].scmp) != 0)
      continue;
    json_array_append_new (out, json_string (arch_names[n].scmp));
    json_array_extend (out, json_object_get (entry, "subArchitectures"));
    break;
  }
  return out;
}

static bool
word_in (const char *words, const char *w)
{
  size_t n = strlen (w);
  for (const char *p = words; p && *p; p += strcspn (p, " "), p += strspn (p, " "))
    if (strncmp (p, w, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
      return true;
  return false;
}

/* Whether a rule applies, as Podman decides it: every capability it includes held, none it excludes. */
static bool
caps_select (uint64_t includes, uint64_t excludes, uint64_t caps)
{
  return (includes & caps) == includes && (excludes & caps) == 0;
}

static json_t *
oci_rule (json_t *names, const char *action, json_t *errno_ret, json_t *args)
{
  json_t *r = json_pack ("{s:o, s:s}", "names", names, "action", action);
  if (errno_ret)
    json_object_set_new (r, "errnoRet", errno_ret);
  if (args && json_array_size (args))
    json_object_set_new (r, "args", args);
  else
    json_decref (args);
  return r;
}

json_t *
pp_seccomp_default (uint64_t effective_caps)
{
  json_t *archmap = json_array ();
  for (size_t i = 0; i < PP_N_ELEMENTS (arch_map); i++)
    {
      json_t *subs = json_array ();
      for (size_t k = 1; arch_map[i][k]; k++)
        json_array_append_new (subs, json_string (arch_map[i][k]));
      json_array_append_new (archmap,
                             json_pack ("{s:s, s:o}", "architecture", arch_map[i][0], "subArchitectures", subs));
    }
  json_t *syscalls = json_array ();
  const char *arch = native_go_arch ();
  for (size_t i = 0; i < PP_N_ELEMENTS (default_rules); i++)
    {
      const rule_t *r = &default_rules[i];
      if (!caps_select (r->includes, r->excludes, effective_caps) || (r->arches && !word_in (r->arches, arch)))
        continue;
      int errno_ret = r->gate && !(r->gate & effective_caps) ? EPERM : r->errno_ret;
      json_t *names = json_array ();
      for (const char *p = r->names; *p; p += strspn (p, " "))
        {
          size_t n = strcspn (p, " ");
          json_array_append_new (names, json_stringn (p, n));
          p += n;
        }
      json_t *args = json_array ();
      for (size_t k = 0; k < PP_N_ELEMENTS (r->args) && r->args[k].op; k++)
        json_array_append_new (args, json_pack ("{s:I, s:I, s:I, s:s}", "index", (json_int_t) r->args[k].index, "value",
                                                (json_int_t) r->args[k].value, "valueTwo", (json_int_t) 0, "op",
                                                r->args[k].op));
      json_array_append_new (syscalls, oci_rule (names, errno_ret ? "SCMP_ACT_ERRNO" : "SCMP_ACT_ALLOW",
                                                 errno_ret ? json_integer (errno_ret) : NULL, args));
    }
  json_t *out = json_pack ("{s:s, s:i, s:o, s:o}", "defaultAction", "SCMP_ACT_ERRNO", "defaultErrnoRet", ENOSYS,
                           "architectures", native_architectures (archmap), "syscalls", syscalls);
  json_decref (archmap);
  return out;
}

/* ---- profile files ---- */

/* The capabilities named; *unknown when one is not a capability this build knows. */
static uint64_t
caps_of_names (json_t *names, bool *unknown)
{
  uint64_t m = 0;
  size_t i;
  json_t *n;
  json_array_foreach (names, i, n)
  {
    int c = pp_capability_number (json_string_value (n) ?: "");
    if (c < 0)
      *unknown = true;
    else
      m |= 1ULL << c;
  }
  return m;
}

static bool
arch_listed (json_t *arches, const char *arch)
{
  size_t i;
  json_t *a;
  json_array_foreach (arches, i, a)
  {
    if (strcmp (json_string_value (a) ?: "", arch) == 0)
      return true;
  }
  return false;
}

/* A rule of a Docker-format profile applies when its includes hold and its excludes do not. */
static bool
rule_applies (json_t *rule, uint64_t caps, const char *arch)
{
  json_t *inc = json_object_get (rule, "includes"), *exc = json_object_get (rule, "excludes");
  json_t *inc_caps = json_object_get (inc, "caps"), *exc_caps = json_object_get (exc, "caps");
  json_t *inc_arches = json_object_get (inc, "arches"), *exc_arches = json_object_get (exc, "arches");
  /* A capability unknown here is not held: a rule that includes one never applies, one that excludes it may. */
  bool unknown = false, ignored = false;
  uint64_t need = caps_of_names (inc_caps, &unknown);
  if (unknown || !caps_select (need, caps_of_names (exc_caps, &ignored), caps))
    return false;
  if (json_array_size (inc_arches) && !arch_listed (inc_arches, arch))
    return false;
  return !arch_listed (exc_arches, arch);
}

/* Why a profile cannot be rendered, or NULL. */
static const char *
profile_problem (json_t *profile)
{
  if (!json_is_object (profile))
    return "a profile is a JSON object";
  if (!json_is_string (json_object_get (profile, "defaultAction")))
    return "no defaultAction";
  if (json_array_size (json_object_get (profile, "architectures"))
      && json_array_size (json_object_get (profile, "archMap")))
    return "both architectures and archMap are given; a profile takes one";
  size_t i;
  json_t *rule;
  json_array_foreach (json_object_get (profile, "syscalls"), i, rule)
  {
    bool name = json_is_string (json_object_get (rule, "name")),
         names = json_is_array (json_object_get (rule, "names"));
    if (name == names)
      return "a rule of syscalls takes either name or names";
  }
  return NULL;
}

static json_t *
render_profile (json_t *profile, uint64_t caps, pp_error_t *err)
{
  const char *problem = profile_problem (profile);
  if (problem)
    {
      pp_error_make (err, 0, "%s", problem);
      return NULL;
    }
  const char *def = json_string_value (json_object_get (profile, "defaultAction"));
  json_t *archs = json_object_get (profile, "architectures"), *archmap = json_object_get (profile, "archMap");
  json_t *out = json_pack ("{s:s, s:o}", "defaultAction", def, "architectures",
                           json_array_size (archmap) ? native_architectures (archmap) : json_array ());
  json_array_extend (json_object_get (out, "architectures"), archs);
  static const char *const copied[] = { "defaultErrnoRet", "flags", "listenerPath", "listenerMetadata" };
  for (size_t i = 0; i < PP_N_ELEMENTS (copied); i++)
    if (json_object_get (profile, copied[i]))
      json_object_set (out, copied[i], json_object_get (profile, copied[i]));
  json_t *syscalls = json_array ();
  json_object_set_new (out, "syscalls", syscalls);
  const char *arch = native_go_arch ();
  size_t i;
  json_t *rule;
  json_array_foreach (json_object_get (profile, "syscalls"), i, rule)
  {
    json_t *name = json_object_get (rule, "name"), *names = json_object_get (rule, "names");
    if (!rule_applies (rule, caps, arch))
      continue;
    const char *action = json_string_value (json_object_get (rule, "action")) ?: "";
    json_t *errno_ret = json_object_get (rule, "errnoRet");
    json_array_append_new (syscalls, oci_rule (name ? json_pack ("[O]", name) : json_deep_copy (names), action,
                                               errno_ret ? json_incref (errno_ret) : NULL,
                                               json_deep_copy (json_object_get (rule, "args"))));
  }
  return out;
}

json_t *
pp_seccomp_profile_load (int dirfd, const char *path, uint64_t effective_caps, pp_error_t *err)
{
  /* Beneath the folder only: no absolute path, no `..`, no symlink out of it. */
  cleanup_free char *text = NULL;
  size_t len;
  if (pp_read_file_at (dirfd, path, PP_RESOLVE_BENEATH, PP_SECCOMP_PROFILE_MAX, "the file", &text, &len, err) < 0)
    {
      pp_error_wrap (err, "seccomp profile `%s`", path);
      return NULL;
    }
  /* Only where the text breaks, never what it says: the file could be anything of the user's. */
  json_error_t jerr;
  json_t *profile = json_loads (text, 0, &jerr);
  if (profile == NULL)
    {
      pp_error_make (err, 0, "seccomp profile `%s`: not valid JSON at %d:%d", path, jerr.line, jerr.column);
      return NULL;
    }
  json_t *out = render_profile (profile, effective_caps, err);
  json_decref (profile);
  struct sock_fprog prog = { 0 };
  if (out && pp_seccomp_compile (out, &prog, err) < 0)
    {
      json_decref (out);
      out = NULL;
    }
  pp_seccomp_release (&prog);
  if (out == NULL)
    pp_error_wrap (err, "seccomp profile `%s`", path);
  return out;
}

/* ---- compilation ---- */

static int
parse_action (const char *name, json_t *errno_ret, uint32_t *out, pp_error_t *err)
{
  uint32_t ret = json_is_integer (errno_ret) ? (uint32_t) json_integer_value (errno_ret) : EPERM;
  static const struct
  {
    const char *name;
    uint32_t action;
  } fixed[] = {
    { "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
    { "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD },
    { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
    { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
    { "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
    { "SCMP_ACT_LOG", SCMP_ACT_LOG },
  };
  for (size_t i = 0; name && i < PP_N_ELEMENTS (fixed); i++)
    if (strcmp (name, fixed[i].name) == 0)
      return *out = fixed[i].action, 0;
  if (name && strcmp (name, "SCMP_ACT_ERRNO") == 0)
    return *out = SCMP_ACT_ERRNO (ret), 0;
  if (name && strcmp (name, "SCMP_ACT_TRACE") == 0)
    return *out = SCMP_ACT_TRACE (ret), 0;
  return pp_error_make (err, 0, "unknown seccomp action `%s`", name ? name : "(none)");
}

static int
parse_arg (json_t *a, struct scmp_arg_cmp *out, pp_error_t *err)
{
  static const struct
  {
    const char *name;
    enum scmp_compare op;
  } ops[] = {
    { "SCMP_CMP_NE", SCMP_CMP_NE },
    { "SCMP_CMP_LT", SCMP_CMP_LT },
    { "SCMP_CMP_LE", SCMP_CMP_LE },
    { "SCMP_CMP_EQ", SCMP_CMP_EQ },
    { "SCMP_CMP_GE", SCMP_CMP_GE },
    { "SCMP_CMP_GT", SCMP_CMP_GT },
    { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
  };
  const char *op = json_string_value (json_object_get (a, "op"));
  json_int_t index = json_integer_value (json_object_get (a, "index"));
  if (index < 0 || index > 5)
    return pp_error_make (err, 0, "seccomp argument index %lld is out of range (0 to 5)", (long long) index);
  memset (out, 0, sizeof *out);
  out->arg = (unsigned) index;
  out->datum_a = (scmp_datum_t) json_integer_value (json_object_get (a, "value"));
  out->datum_b = (scmp_datum_t) json_integer_value (json_object_get (a, "valueTwo"));
  for (size_t i = 0; op && i < PP_N_ELEMENTS (ops); i++)
    if (strcmp (op, ops[i].name) == 0)
      return out->op = ops[i].op, 0;
  return pp_error_make (err, 0, "unknown seccomp operator `%s`", op ? op : "(none)");
}

static int
add_architectures (scmp_filter_ctx ctx, json_t *arches, pp_error_t *err)
{
  size_t i;
  json_t *a;
  json_array_foreach (arches, i, a)
  {
    const char *name = json_string_value (a) ?: "";
    char lower[32] = "";
    if (strncmp (name, "SCMP_ARCH_", 10) == 0)
      for (size_t k = 0; name[10 + k] && k < sizeof lower - 1; k++)
        lower[k] = (char) (name[10 + k] >= 'A' && name[10 + k] <= 'Z' ? name[10 + k] - 'A' + 'a' : name[10 + k]);
    uint32_t token = lower[0] ? seccomp_arch_resolve_name (lower) : 0;
    if (token == 0)
      return pp_error_make (err, 0, "unknown seccomp architecture `%s`", name);
    int r = seccomp_arch_add (ctx, token);
    if (r < 0 && r != -EEXIST)
      return pp_error_make (err, -r, "seccomp architecture `%s`", name);
  }
  return 0;
}

static int
add_rule (scmp_filter_ctx ctx, json_t *rule, uint32_t def_action, pp_error_t *err)
{
  uint32_t action;
  if (parse_action (json_string_value (json_object_get (rule, "action")), json_object_get (rule, "errnoRet"), &action,
                    err)
      < 0)
    return -1;
  json_t *args = json_object_get (rule, "args");
  struct scmp_arg_cmp cmps[6];
  size_t n_args = json_array_size (args);
  if (n_args > PP_N_ELEMENTS (cmps))
    return pp_error_make (err, 0, "a seccomp rule compares at most 6 arguments");
  for (size_t k = 0; k < n_args; k++)
    if (parse_arg (json_array_get (args, k), &cmps[k], err) < 0)
      return -1;
  /* libseccomp refuses a rule that repeats the default action; such a rule changes nothing. */
  if (action == def_action)
    return 0;
  json_t *names = json_object_get (rule, "names"), *n;
  size_t i;
  if (json_is_string (json_object_get (rule, "name")))
    names = json_pack ("[O]", json_object_get (rule, "name"));
  else
    json_incref (names);
  int ret = 0;
  json_array_foreach (names, i, n)
  {
    const char *name = json_string_value (n) ?: "";
    int nr = seccomp_syscall_resolve_name (name);
    if (nr == __NR_SCMP_ERROR)
      continue; /* a syscall this machine does not know, as runc skips it */
    int r = seccomp_rule_add_array (ctx, action, nr, (unsigned) n_args, cmps);
    if (r < 0)
      {
        ret = pp_error_make (err, -r, "seccomp rule for `%s`", name);
        break;
      }
  }
  json_decref (names);
  return ret;
}

/* The filter as BPF, through a memfd: libseccomp 2.5 exports only to a file descriptor. */
static int
export_bpf (scmp_filter_ctx ctx, struct sock_fprog *out, pp_error_t *err)
{
  cleanup_close int fd = memfd_create ("podplay-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    return pp_error_make (err, errno, "memfd_create");
  int r = seccomp_export_bpf (ctx, fd);
  if (r < 0)
    return pp_error_make (err, -r, "export the seccomp filter");
  off_t size = lseek (fd, 0, SEEK_END);
  if (size <= 0 || size % sizeof (struct sock_filter) != 0 || size / sizeof (struct sock_filter) > BPF_MAXINSNS)
    return pp_error_make (err, 0, "the seccomp filter has a bad size (%lld bytes)", (long long) size);
  cleanup_free struct sock_filter *insns = xmalloc ((size_t) size);
  for (off_t done = 0; done < size;)
    {
      ssize_t n = PP_RETRY (pread (fd, (char *) insns + done, (size_t) (size - done), done));
      if (n <= 0)
        return pp_error_make (err, n < 0 ? errno : EIO, "read the seccomp filter");
      done += n;
    }
  out->len = (unsigned short) (size / sizeof (struct sock_filter));
  out->filter = steal_pointer (&insns);
  return 0;
}

int
pp_seccomp_compile (json_t *seccomp, struct sock_fprog *out, pp_error_t *err)
{
  memset (out, 0, sizeof *out);
  uint32_t def_action;
  if (parse_action (json_string_value (json_object_get (seccomp, "defaultAction")),
                    json_object_get (seccomp, "defaultErrnoRet"), &def_action, err)
      < 0)
    return pp_error_wrap (err, "defaultAction");
  if (json_array_size (json_object_get (seccomp, "flags")))
    return pp_error_make (err, 0, "seccomp flags are not supported");
  if (json_object_get (seccomp, "listenerPath"))
    return pp_error_make (err, 0, "a seccomp listener (listenerPath) is not supported");
  scmp_filter_ctx ctx = seccomp_init (def_action);
  if (ctx == NULL)
    return pp_error_make (err, ENOMEM, "seccomp_init");
  int ret = add_architectures (ctx, json_object_get (seccomp, "architectures"), err);
  size_t i;
  json_t *rule;
  json_array_foreach (json_object_get (seccomp, "syscalls"), i, rule)
  {
    if (ret < 0)
      break;
    if (add_rule (ctx, rule, def_action, err) < 0)
      ret = pp_error_wrap (err, "syscalls[%zu]", i);
  }
  if (ret == 0)
    ret = export_bpf (ctx, out, err);
  seccomp_release (ctx);
  return ret;
}

/* A cache entry: a magic, the canonical JSON of the linux.seccomp object it was compiled from (compared whole on
   reading, so that a hash collision can never hand out another filter), then the instructions. */
#define CACHE_MAGIC 0x31425050u /* "PPB1" */

static int
read_cached (const char *path, const char *key, struct sock_fprog *out)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0 || st.st_size < 12 || st.st_size > (16 << 20))
    return -1;
  cleanup_free unsigned char *buf = xmalloc ((size_t) st.st_size);
  if (PP_RETRY (read (fd, buf, (size_t) st.st_size)) != st.st_size)
    return -1;
  uint32_t magic, key_len, n;
  size_t size = (size_t) st.st_size, klen = strlen (key);
  memcpy (&magic, buf, 4);
  memcpy (&key_len, buf + 4, 4);
  if (magic != CACHE_MAGIC || key_len != klen || size < 12 + klen || memcmp (buf + 8, key, klen) != 0)
    return -1;
  memcpy (&n, buf + 8 + klen, 4);
  if (n == 0 || n > 65535 || size != 12 + klen + n * sizeof (struct sock_filter))
    return -1;
  out->filter = xmalloc (n * sizeof (struct sock_filter));
  memcpy (out->filter, buf + 12 + klen, n * sizeof (struct sock_filter));
  out->len = (unsigned short) n;
  return 0;
}

/* Best effort: a filter that cannot be stored is compiled again next time. */
static void
write_cached (const char *dir, const char *path, const char *key, const struct sock_fprog *prog)
{
  if (pp_mkdir_p (dir, 0700) < 0)
    return;
  cleanup_free char *tmp = xasprintf ("%s.%d.tmp", path, (int) getpid ());
  cleanup_close int fd = open (tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return;
  uint32_t head[2] = { CACHE_MAGIC, (uint32_t) strlen (key) }, n = prog->len;
  pp_buf_t b = { 0 };
  pp_buf_append (&b, head, sizeof head);
  pp_buf_append (&b, key, strlen (key));
  pp_buf_append (&b, &n, sizeof n);
  pp_buf_append (&b, prog->filter, n * sizeof (struct sock_filter));
  bool ok = PP_RETRY (write (fd, b.data, b.len)) == (ssize_t) b.len;
  pp_buf_free (&b);
  if (!ok || rename (tmp, path) < 0)
    unlink (tmp);
}

int
pp_seccomp_compile_cached (json_t *seccomp, const char *cache_dir, struct sock_fprog *out, pp_error_t *err)
{
  cleanup_free char *key = cache_dir ? json_dumps (seccomp, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  if (key == NULL)
    return pp_seccomp_compile (seccomp, out, err);
  uint64_t h = pp_fnv1a (key, strlen (key), PP_FNV_OFFSET);
  cleanup_free char *path = xasprintf ("%s/%016llx.bpf", cache_dir, (unsigned long long) h);
  memset (out, 0, sizeof *out);
  if (read_cached (path, key, out) == 0)
    return 0;
  if (pp_seccomp_compile (seccomp, out, err) < 0)
    return -1;
  if (out->filter)
    write_cached (cache_dir, path, key, out);
  return 0;
}

void
pp_seccomp_release (struct sock_fprog *prog)
{
  free (prog->filter);
  prog->filter = NULL;
  prog->len = 0;
}

int
pp_seccomp_apply (const struct sock_fprog *prog)
{
  if (prog->filter == NULL)
    return 0;
  if (syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) == 0)
    return 0;
  if (errno != ENOSYS)
    return -1;
  return prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog, 0, 0);
}
