/* Seccomp: Podman's default profile as config.json carries it, its BPF in a real process, profile files, errors. */
#include "unit.h"
#include "core/capnames.h"
#include "core/error.h"
#include "runtime/seccomp.h"

#include <fcntl.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static char dir[] = "/tmp/podplay-seccomp-XXXXXX";

static uint64_t
caps_of (const char *const *names)
{
  uint64_t m = 0;
  for (size_t i = 0; names[i]; i++)
    {
      int c = pp_capability_number (names[i]);
      assert_true (c >= 0);
      m |= 1ULL << c;
    }
  return m;
}

/* Podman's default capabilities. */
static uint64_t
default_caps (void)
{
  static const char *const names[] = { "CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",       "NET_BIND_SERVICE",
                                       "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT", NULL };
  return caps_of (names);
}

/* Whether a rule with this action names the syscall. */
static bool
has_rule (json_t *seccomp, const char *syscall_name, const char *action)
{
  size_t i, k;
  json_t *r, *n;
  json_array_foreach (json_object_get (seccomp, "syscalls"), i, r)
  {
    if (strcmp (json_string_value (json_object_get (r, "action")), action) != 0)
      continue;
    json_array_foreach (json_object_get (r, "names"), k, n)
    {
      if (strcmp (json_string_value (n), syscall_name) == 0)
        return true;
    }
  }
  return false;
}

/* Each syscall of `allowed` (space-separated) has an SCMP_ACT_ALLOW rule and no SCMP_ACT_ERRNO one; each of
   `denied` the other way round. */
static void
assert_rules (json_t *seccomp, const char *allowed, const char *denied)
{
  const char *lists[] = { allowed, denied };
  for (int deny = 0; deny < 2; deny++)
    for (const char *p = lists[deny]; *p; p += strspn (p, " "))
      {
        size_t n = strcspn (p, " ");
        cleanup_free char *name = xstrndup (p, n);
        p += n;
        if (has_rule (seccomp, name, "SCMP_ACT_ALLOW") != !deny || has_rule (seccomp, name, "SCMP_ACT_ERRNO") != deny)
          fail_msg ("`%s` should be %s", name, deny ? "denied" : "allowed");
      }
}

static void
test_default_profile (void **state)
{
  (void) state;
  json_t *sc = pp_seccomp_default (default_caps ());
  assert_string_equal (json_string_value (json_object_get (sc, "defaultAction")), "SCMP_ACT_ERRNO");
  assert_int_equal (json_integer_value (json_object_get (sc, "defaultErrnoRet")), 38);
  json_t *arches = json_object_get (sc, "architectures");
#if defined(__x86_64__)
  assert_int_equal (json_array_size (arches), 3);
  assert_string_equal (json_string_value (json_array_get (arches, 0)), "SCMP_ARCH_X86_64");
  assert_string_equal (json_string_value (json_array_get (arches, 1)), "SCMP_ARCH_X86");
  assert_string_equal (json_string_value (json_array_get (arches, 2)), "SCMP_ARCH_X32");
  assert_rules (sc, "arch_prctl modify_ldt", "");
  assert_false (has_rule (sc, "set_tls", "SCMP_ACT_ALLOW"));
#elif defined(__aarch64__)
  assert_int_equal (json_array_size (arches), 2);
  assert_string_equal (json_string_value (json_array_get (arches, 0)), "SCMP_ARCH_AARCH64");
  assert_rules (sc, "set_tls", "");
#endif
  /* Capability-gated rules follow the capabilities: chroot with SYS_CHROOT, sethostname not without SYS_ADMIN. */
  assert_rules (sc, "execve ptrace chroot unshare", "vmsplice sethostname bpf kcmp perf_event_open acct");
  /* personality takes five values only; the rule carries its argument. */
  size_t i, n_personality = 0;
  json_t *r;
  json_array_foreach (json_object_get (sc, "syscalls"), i, r)
  {
    if (strcmp (json_string_value (json_array_get (json_object_get (r, "names"), 0)), "personality") != 0)
      continue;
    n_personality++;
    json_t *arg = json_array_get (json_object_get (r, "args"), 0);
    assert_string_equal (json_string_value (json_object_get (arg, "op")), "SCMP_CMP_EQ");
  }
  assert_int_equal (n_personality, 5);
  json_decref (sc);

  static const char *const more[] = { "SYS_ADMIN", "BPF", "SYS_PTRACE", "SYS_TIME", NULL };
  sc = pp_seccomp_default (default_caps () | caps_of (more));
  assert_rules (sc, "sethostname bpf kcmp clock_settime perf_event_open", "vmsplice acct");
  json_decref (sc);
  sc = pp_seccomp_default (0);
  assert_rules (sc, "", "chroot");
  json_decref (sc);
}

/* What a process under the default profile sees: exit code 0, or the number of the first check that failed. */
static int
check_under_filter (const struct sock_fprog *prog)
{
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || pp_seccomp_apply (prog) < 0)
    return 1;
  if (personality (0x0040000 /* ADDR_NO_RANDOMIZE */) != -1 || errno != ENOSYS)
    return 2;
  if (personality (0xffffffff) < 0)
    return 3;
  if (socket (AF_VSOCK, SOCK_STREAM, 0) != -1 || errno != EPERM)
    return 4;
  if (syscall (SYS_vmsplice, -1, NULL, 0, 0) != -1 || errno != EPERM)
    return 5;
  if (syscall (SYS_chroot, "/") != 0 && errno == ENOSYS)
    return 6;
  if (syscall (SYS_kcmp, getpid (), getpid (), 0 /* KCMP_FILE */, 0, 0) != -1 || errno != EPERM)
    return 7;
  FILE *f = fopen ("/proc/self/status", "r");
  char line[256];
  bool filtered = false;
  while (f && fgets (line, sizeof line, f))
    filtered |= strcmp (line, "Seccomp:\t2\n") == 0;
  if (f)
    fclose (f);
  return filtered ? 0 : 8;
}

/* The compiled default profile in a real process: denied syscalls fail with the profile's errno, others run. */
static void
test_default_filter_in_a_process (void **state)
{
  (void) state;
  json_t *sc = pp_seccomp_default (default_caps ());
  struct sock_fprog prog;
  cleanup_error pp_error_t err = NULL;
  if (pp_seccomp_compile (sc, &prog, &err) < 0)
    fail_msg ("%s", err->msg);
  json_decref (sc);
  assert_true (prog.len > 100);
  pid_t pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    _exit (check_under_filter (&prog));
  int st = 0;
  assert_int_equal (waitpid (pid, &st, 0), pid);
  assert_true (WIFEXITED (st));
  assert_int_equal (WEXITSTATUS (st), 0);
  pp_seccomp_release (&prog);
  assert_null (prog.filter);
}

static void
assert_compile_fails (const char *json, const char *want)
{
  json_error_t jerr;
  json_t *sc = json_loads (json, 0, &jerr);
  assert_non_null (sc);
  struct sock_fprog prog;
  cleanup_error pp_error_t err = NULL;
  assert_int_equal (pp_seccomp_compile (sc, &prog, &err), -1);
  if (strstr (err->msg, want) == NULL)
    fail_msg ("`%s` does not contain `%s`", err->msg, want);
  assert_null (prog.filter);
  json_decref (sc);
}

static void
test_compile_errors (void **state)
{
  (void) state;
  assert_compile_fails ("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
                        "\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":[\"write\"],\"action\":\"SCMP_ACT_BOGUS\"}]}",
                        "syscalls[1]: unknown seccomp action `SCMP_ACT_BOGUS`");
  assert_compile_fails (
      "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"socket\"],"
      "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_ABOUT\"}]}]}",
      "syscalls[0]: unknown seccomp operator `SCMP_CMP_ABOUT`");
  assert_compile_fails ("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"socket\"],"
                        "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":7,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                        "index 7 is out of range");
  assert_compile_fails ("{\"defaultAction\":\"SCMP_ACT_NOPE\"}",
                        "defaultAction: unknown seccomp action `SCMP_ACT_NOPE`");
  assert_compile_fails ("{\"syscalls\":[]}", "unknown seccomp action `(none)`");
  assert_compile_fails ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_PDP11\"]}",
                        "unknown seccomp architecture `SCMP_ARCH_PDP11`");
  assert_compile_fails ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"]}",
                        "seccomp flags are not supported");

  /* A syscall this machine does not know is skipped, as runc skips it; a rule with the default action is none. */
  json_t *sc = json_pack ("{s:s, s:[{s:[s,s], s:s}, {s:[s], s:s}]}", "defaultAction", "SCMP_ACT_ALLOW", "syscalls",
                          "names", "no_such_syscall", "getpid", "action", "SCMP_ACT_KILL_PROCESS", "names", "read",
                          "action", "SCMP_ACT_ALLOW");
  struct sock_fprog prog;
  cleanup_error pp_error_t err = NULL;
  assert_int_equal (pp_seccomp_compile (sc, &prog, &err), 0);
  assert_true (prog.len > 0);
  pp_seccomp_release (&prog);
  json_decref (sc);
}

static char *
write_file (const char *name, const char *text)
{
  char *path = xasprintf ("%s/%s", dir, name);
  FILE *f = fopen (path, "w");
  assert_non_null (f);
  fputs (text, f);
  fclose (f);
  return path;
}

/* A profile file in Docker's format: its archMap and capability filters are rendered; bad files are named. */
static void
test_profile_files (void **state)
{
  (void) state;
  assert_non_null (mkdtemp (dir));
  cleanup_close int dfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  assert_true (dfd >= 0);
  cleanup_free char *good_path = write_file (
      "good.json",
      "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
      "\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":[\"SCMP_ARCH_X86\"]},"
      "{\"architecture\":\"SCMP_ARCH_AARCH64\",\"subArchitectures\":[\"SCMP_ARCH_ARM\"]}],"
      "\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
      "{\"name\":\"sethostname\",\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}},"
      "{\"names\":[\"chroot\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1,"
      "\"excludes\":{\"caps\":[\"CAP_SYS_CHROOT\"]}},"
      "{\"names\":[\"uname\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"arches\":[\"s390x\"]}}]}");
  cleanup_error pp_error_t err = NULL;
  json_t *sc = pp_seccomp_profile_load (dfd, "good.json", default_caps (), &err);
  if (sc == NULL)
    fail_msg ("%s", err->msg);
  assert_int_equal (json_array_size (json_object_get (sc, "architectures")), 2);
  assert_true (has_rule (sc, "write", "SCMP_ACT_ALLOW"));
  assert_false (has_rule (sc, "sethostname", "SCMP_ACT_ALLOW"));
  assert_false (has_rule (sc, "chroot", "SCMP_ACT_ERRNO"));
  assert_false (has_rule (sc, "uname", "SCMP_ACT_ALLOW"));
  assert_int_equal (json_integer_value (json_object_get (sc, "defaultErrnoRet")), 1);
  json_decref (sc);
  static const char *const admin[] = { "SYS_ADMIN", NULL };
  sc = pp_seccomp_profile_load (dfd, "good.json", caps_of (admin), &err);
  assert_true (has_rule (sc, "sethostname", "SCMP_ACT_ALLOW"));
  assert_true (has_rule (sc, "chroot", "SCMP_ACT_ERRNO"));
  json_decref (sc);

  static const struct
  {
    const char *name, *text, *want;
  } bad[] = {
    { "syntax.json", "{\"defaultAction\": \"SCMP_ACT_ALLOW\",,}", "syntax.json`: not valid JSON at 1:" },
    { "action.json", "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"KILL\"}]}",
      "action.json`: syscalls[0]: unknown seccomp action `KILL`" },
    { "nodefault.json", "{\"syscalls\":[]}", "nodefault.json`: no defaultAction" },
    { "nonames.json", "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"action\":\"SCMP_ACT_LOG\"}]}",
      "either name or names" },
    { "both.json", "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86\"],\"archMap\":[{}]}",
      "both architectures and archMap" },
  };
  for (size_t i = 0; i < PP_N_ELEMENTS (bad); i++)
    {
      cleanup_free char *path = write_file (bad[i].name, bad[i].text);
      cleanup_error pp_error_t e = NULL;
      assert_null (pp_seccomp_profile_load (dfd, bad[i].name, 0, &e));
      if (strstr (e->msg, bad[i].want) == NULL || strstr (e->msg, "seccomp profile `") == NULL)
        fail_msg ("`%s` does not contain `%s`", e->msg, bad[i].want);
    }
  assert_null (pp_seccomp_profile_load (dfd, "missing.json", 0, &err));
  assert_non_null (strstr (err->msg, "missing.json"));
  pp_error_release (&err);

  /* Only beneath the folder, and never the content of what is not JSON (a secret's first word). */
  cleanup_free char *secret = write_file ("secret", "hunter2 is the password\n");
  assert_null (pp_seccomp_profile_load (dfd, "secret", 0, &err));
  assert_int_equal (strncmp (err->msg, "seccomp profile `secret`: not valid JSON at 1:", 46), 0);
  assert_null (strstr (err->msg, "hunter"));
  pp_error_release (&err);
  assert_int_equal (symlinkat ("secret", dfd, "link.json"), 0);
  assert_int_equal (symlinkat ("/etc", dfd, "dirlink"), 0);
  static const struct
  {
    const char *path, *want;
  } outside[] = {
    { "/etc/passwd", "seccomp profile `/etc/passwd`: the file is out of the folder it must be in" },
    { "../etc/passwd", "seccomp profile `../etc/passwd`: the file is out of the folder it must be in" },
    { "./../x", "seccomp profile `./../x`: the file is out of the folder it must be in" },
    { "dirlink/x.json", "seccomp profile `dirlink/x.json`: the file is reached through a symbolic link, which is "
                        "not followed" },
    { "link.json", "seccomp profile `link.json`: the file is a symbolic link, which is not followed" },
  };
  for (size_t i = 0; i < PP_N_ELEMENTS (outside); i++)
    {
      assert_null (pp_seccomp_profile_load (dfd, outside[i].path, 0, &err));
      assert_string_equal (err->msg, outside[i].want);
      pp_error_release (&err);
    }
}

/* The cache hands back the very filter it compiled, for the same object only; a damaged entry is compiled again. */
static void
test_compiled_filter_cache (void **state)
{
  (void) state;
  strcpy (dir, "/tmp/podplay-seccomp-XXXXXX");
  assert_non_null (mkdtemp (dir));
  cleanup_free char *cache = xasprintf ("%s/cache", dir);
  json_t *sc = pp_seccomp_default (default_caps ());
  struct sock_fprog first, again, plain;
  cleanup_error pp_error_t err = NULL;
  assert_int_equal (pp_seccomp_compile_cached (sc, cache, &first, &err), 0);
  assert_int_equal (pp_seccomp_compile (sc, &plain, &err), 0);
  assert_int_equal (first.len, plain.len);
  assert_memory_equal (first.filter, plain.filter, plain.len * sizeof (struct sock_filter));
  cleanup_free char *ls = xasprintf ("ls %s | grep -c '\\.bpf$' | grep -qx 1", cache);
  assert_int_equal (system (ls), 0);
  /* Read back: the same instructions. */
  assert_int_equal (pp_seccomp_compile_cached (sc, cache, &again, &err), 0);
  assert_int_equal (again.len, plain.len);
  assert_memory_equal (again.filter, plain.filter, plain.len * sizeof (struct sock_filter));
  pp_seccomp_release (&again);
  /* Another object (one capability fewer) is another entry, never the first one's filter. */
  json_t *other = pp_seccomp_default (default_caps () & ~(1ULL << pp_capability_number ("SYS_CHROOT")));
  struct sock_fprog o1, o2;
  assert_int_equal (pp_seccomp_compile_cached (other, cache, &o1, &err), 0);
  assert_int_equal (pp_seccomp_compile (other, &o2, &err), 0);
  assert_int_equal (o1.len, o2.len);
  assert_memory_equal (o1.filter, o2.filter, o2.len * sizeof (struct sock_filter));
  pp_seccomp_release (&o1);
  pp_seccomp_release (&o2);
  /* A damaged entry (cut short) is not used: the filter is compiled again, whole. */
  cleanup_free char *cut = xasprintf ("for f in %s/*.bpf; do truncate -s 100 $f; done", cache);
  assert_int_equal (system (cut), 0);
  assert_int_equal (pp_seccomp_compile_cached (sc, cache, &again, &err), 0);
  assert_int_equal (again.len, plain.len);
  assert_memory_equal (again.filter, plain.filter, plain.len * sizeof (struct sock_filter));
  pp_seccomp_release (&again);
  pp_seccomp_release (&first);
  pp_seccomp_release (&plain);
  json_decref (sc);
  json_decref (other);
}

static int
cleanup (void **state)
{
  (void) state;
  if (strstr (dir, "XXXXXX"))
    return 0;
  cleanup_free char *cmd = xasprintf ("rm -rf %s", dir);
  return system (cmd) == 0 ? 0 : -1;
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_default_profile),
    cmocka_unit_test (test_default_filter_in_a_process),
    cmocka_unit_test (test_compile_errors),
    cmocka_unit_test_teardown (test_profile_files, cleanup),
    cmocka_unit_test_teardown (test_compiled_filter_cache, cleanup),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
