/* OCI bundles: the argv rules of Kubernetes against the image, the config.json, and runc running it unchanged. */
#include "rootfs_fixture.h"
#include "runtime/bundle.h"
#include "runtime/cgroup.h"
#include "runtime/executor.h"

#include <fcntl.h>

#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

static char dir[] = "/tmp/podplay-bundle-XXXXXX";
static char runc_id[64];

static char *
joined (char **v)
{
  pp_buf_t b = { 0 };
  for (size_t i = 0; v && v[i]; i++)
    pp_buf_printf (&b, "%s%s", i ? " " : "", v[i]);
  return b.data ? b.data : xstrdup ("");
}

/* Kubernetes' table: command replaces the Entrypoint and drops the Cmd; args replace the Cmd. */
static void
test_args_rules (void **state)
{
  (void) state;
  json_t *img = json_pack ("{s:{s:[s,s], s:[s]}}", "config", "Entrypoint", "/bin/ep", "-x", "Cmd", "default");
  const char *cmd[] = { "/bin/cmd", NULL }, *args[] = { "a1", "a2", NULL };
  static const struct
  {
    bool command, args;
    const char *want;
  } cases[] = {
    { false, false, "/bin/ep -x default" },
    { true, false, "/bin/cmd" },
    { false, true, "/bin/ep -x a1 a2" },
    { true, true, "/bin/cmd a1 a2" },
  };
  for (size_t i = 0; i < PP_N_ELEMENTS (cases); i++)
    {
      cleanup_error pp_error_t err = NULL;
      char **v = pp_bundle_args (img, cases[i].command ? cmd : NULL, cases[i].args ? args : NULL, &err);
      cleanup_free char *got = joined (v);
      assert_string_equal (got, cases[i].want);
      pp_strv_free (v);
    }
  json_t *empty = json_pack ("{s:{}}", "config");
  cleanup_error pp_error_t err = NULL;
  assert_null (pp_bundle_args (empty, NULL, NULL, &err));
  assert_non_null (strstr (err->msg, "no command"));
  json_decref (empty);
  json_decref (img);
}

static json_t *
caps_of (const pp_bundle_spec_t *spec)
{
  cleanup_error pp_error_t err = NULL;
  json_t *c = pp_bundle_config (spec, &err);
  assert_non_null (c);
  json_t *eff = json_incref (json_object_get (json_object_get (json_object_get (c, "process"), "capabilities"), "effective"));
  json_decref (c);
  return eff;
}

static void
test_capabilities (void **state)
{
  (void) state;
  const char *args[] = { "true", NULL };
  pp_bundle_spec_t spec = { .args = args };
  json_t *eff = caps_of (&spec);
  assert_int_equal (json_array_size (eff), 11);
  json_decref (eff);
  cleanup_error pp_error_t err = NULL;
  json_t *c = pp_bundle_config (&spec, &err);
  json_t *seccomp = json_object_get (json_object_get (c, "linux"), "seccomp");
  assert_int_equal (json_integer_value (json_object_get (seccomp, "defaultErrnoRet")), 38);
  json_decref (c);
  pp_bundle_spec_t local = {
    .args = args, .seccomp = PP_SECCOMP_LOCALHOST, .seccomp_profile = "no/such.json", .seccomp_profile_dir = "/"
  };
  assert_null (pp_bundle_config (&local, &err));
  assert_non_null (strstr (err->msg, "seccomp profile `no/such.json`"));
  pp_error_release (&err);
  const char *all[] = { "ALL", NULL }, *add[] = { "NET_ADMIN", NULL }, *add_prefixed[] = { "CAP_SYS_TIME", NULL };
  spec.cap_drop = all;
  spec.cap_add = add;
  eff = caps_of (&spec);
  assert_int_equal (json_array_size (eff), 1);
  assert_string_equal (json_string_value (json_array_get (eff, 0)), "CAP_NET_ADMIN");
  json_decref (eff);
  spec.cap_add = add_prefixed;
  eff = caps_of (&spec);
  assert_string_equal (json_string_value (json_array_get (eff, 0)), "CAP_SYS_TIME");
  json_decref (eff);
  pp_bundle_spec_t priv = { .args = args, .privileged = true };
  c = pp_bundle_config (&priv, &err);
  assert_null (json_object_get (json_object_get (c, "linux"), "maskedPaths"));
  /* Privileged means unconfined, as in Podman (a privileged container cannot run here: this sandbox's bounding set
     lacks CAP_SYS_RESOURCE, so the containers' tests below cover unconfined without it). */
  assert_null (json_object_get (json_object_get (c, "linux"), "seccomp"));
  assert_int_equal (json_array_size (json_object_get (json_object_get (json_object_get (c, "process"), "capabilities"),
                                                     "effective")),
                    41);
  json_decref (c);
}

/* The options of a config.json's mount at `dest`, comma-joined. */
static char *
mount_options (json_t *c, const char *dest)
{
  size_t i, k;
  json_t *m, *o;
  pp_buf_t b = { 0 };
  pp_buf_puts (&b, "");
  json_array_foreach (json_object_get (c, "mounts"), i, m)
  {
    if (strcmp (json_string_value (json_object_get (m, "destination")), dest) != 0)
      continue;
    json_array_foreach (json_object_get (m, "options"), k, o)
    {
      pp_buf_printf (&b, "%s%s", k ? "," : "", json_string_value (o));
    }
  }
  return b.data;
}

/* mountPropagation as OCI says it: each bind mount's propagation option, and rootfsPropagation so that the
   root's mounts are not made private before a rslave or rshared mount copies its source (containerd's rule). */
static void
test_mount_propagation (void **state)
{
  (void) state;
  const char *args[] = { "true", NULL };
  pp_bundle_mount_t mounts[] = { { "/a", "/src/a", false, NULL, false }, { "/b", "/src/b", true, "rslave", true } };
  pp_bundle_spec_t spec = { .args = args, .mounts = mounts, .n_mounts = 2 };
  cleanup_error pp_error_t err = NULL;
  json_t *c = pp_bundle_config (&spec, &err);
  cleanup_free char *a = mount_options (c, "/a");
  cleanup_free char *b = mount_options (c, "/b");
  assert_string_equal (a, "rbind,rprivate,nosuid,nodev");
  assert_string_equal (b, "rbind,rslave,nosuid,nodev,noexec,ro");
  assert_string_equal (json_string_value (json_object_get (json_object_get (c, "linux"), "rootfsPropagation")),
                       "rslave");
  json_decref (c);
  mounts[0].propagation = "rshared";
  c = pp_bundle_config (&spec, &err);
  assert_string_equal (json_string_value (json_object_get (json_object_get (c, "linux"), "rootfsPropagation")),
                       "rshared");
  json_decref (c);
  spec.n_mounts = 0;
  c = pp_bundle_config (&spec, &err);
  assert_null (json_object_get (json_object_get (c, "linux"), "rootfsPropagation"));
  json_decref (c);
}

static rootfs_fixture_t fx;
static char *bundle;
static int runs;

/* The busybox fixture mounted once, as the root of DIR/bundle, for the tests that run containers. */
static int
mount_fixture (void **state)
{
  (void) state;
  assert_non_null (mkdtemp (dir));
  snprintf (runc_id, sizeof runc_id, "podplay-test-%d", (int) getpid ());
  bundle = xasprintf ("%s/bundle", dir);
  cleanup_free char *rootfs = xasprintf ("%s/bundle/rootfs", dir);
  assert_int_equal (mkdir (bundle, 0700), 0);
  rootfs_fixture_mount (&fx, dir, "busybox", rootfs);
  return 0;
}

static void
read_text (const char *path, char *text, size_t size)
{
  FILE *f = fopen (path, "r");
  assert_non_null (f);
  size_t got = fread (text, 1, size - 1, f);
  fclose (f);
  text[got] = '\0';
}

/* The output of the bundle under runc, stdout and stderr together, and runc's exit status. */
static int
run_runc (char *text, size_t size)
{
  cleanup_free char *out = xasprintf ("%s/out", dir);
  int status
      = run_cmd ("runc --root %s/runc run --bundle %s %s-%d </dev/null >%s 2>&1", dir, bundle, runc_id, runs++, out);
  read_text (out, text, size);
  return status;
}

/* The output of the bundle under the built-in executor and its exit status; -1 (err set) when it could not start
   it. */
static int
run_executor (char *text, size_t size, int *status, pp_error_t *err)
{
  cleanup_free char *out = xasprintf ("%s/out2", dir);
  fflush (stdout);
  fflush (stderr);
  int saved = dup (STDOUT_FILENO), saved_err = dup (STDERR_FILENO);
  int fd = open (out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  assert_true (saved >= 0 && saved_err >= 0 && fd >= 0);
  dup2 (fd, STDOUT_FILENO);
  dup2 (fd, STDERR_FILENO);
  close (fd);
  *status = -1;
  int ran = pp_executor_run (bundle, status, err);
  fflush (stdout);
  fflush (stderr);
  dup2 (saved, STDOUT_FILENO);
  dup2 (saved_err, STDERR_FILENO);
  close (saved);
  close (saved_err);
  read_text (out, text, size);
  return ran;
}

/* Checks that runc and the built-in executor both print `want` running the bundle as it is written.  runc copies
   the container's stdout and stderr through pipes of its own, so a command whose lines must come in order writes
   them to one stream. */
static void
assert_bundle_prints (const char *want)
{
  cleanup_error pp_error_t err = NULL;
  char text[4096];
  int status = run_runc (text, sizeof text);
  assert_string_equal (text, want);
  assert_int_equal (status, 0);
  if (run_executor (text, sizeof text, &status, &err) < 0)
    fail_msg ("%s", err->msg);
  assert_string_equal (text, want);
  assert_int_equal (status, 0);
}

/* Writes the spec as the bundle and checks that runc and the built-in executor both print `want`. */
static void
assert_both_print (const pp_bundle_spec_t *spec, const char *want)
{
  cleanup_error pp_error_t err = NULL;
  if (pp_bundle_write (bundle, spec, &err) < 0)
    fail_msg ("%s", err->msg);
  assert_bundle_prints (want);
}

static const char *const test_env[] = { "PATH=/bin:/usr/bin", NULL };
static pp_bundle_ns_t test_ns[] = { { "pid", NULL }, { "ipc", NULL }, { "uts", NULL }, { "mount", NULL },
                                    { "network", NULL } };

/* The bundle of the busybox fixture runs under runc as written, and under the built-in executor: isolated,
   masked, with Podman's capabilities. */
static void
test_runc_and_executor_run_the_bundle (void **state)
{
  (void) state;
  cleanup_error pp_error_t err = NULL;
  const char *cmd[] = { "sh", "-c",
                        "echo hello; id -u; hostname; grep CapEff /proc/self/status; wc -c < /proc/timer_list; echo $$",
                        NULL };
  char **args = pp_bundle_args (fx.image.config, cmd, NULL, &err);
  pp_bundle_spec_t spec = { .args = (const char *const *) args, .env = test_env, .cwd = "/", .hostname = "testpod",
                            .namespaces = test_ns, .n_namespaces = PP_N_ELEMENTS (test_ns), .no_new_privileges = true };
  /* PID 1 is the command; uid 0; its own hostname; Podman's 11 capabilities; /proc/timer_list masked (empty,
     where the host's has thousands of bytes). */
  assert_both_print (&spec, "hello\n0\ntestpod\nCapEff:\t00000000800405fb\n0\n1\n");
  pp_strv_free (args);

  /* An error in the child after the fork reaches the caller, once, with its cause. */
  const char *missing[] = { "/no/such/command", NULL };
  pp_bundle_spec_t bad = spec;
  bad.args = missing;
  assert_int_equal (pp_bundle_write (bundle, &bad, &err), 0);
  int status = -1;
  assert_int_equal (pp_executor_run (bundle, &status, &err), -1);
  assert_non_null (strstr (err->msg, "starting the container: exec /no/such/command: No such file or directory"));
}

/* The seccomp filter a container runs under, seen from inside it under runc and the built-in executor: the mode in
   /proc/self/status, and personality(2) with a value the default profile does not allow (ENOSYS, its default
   errno) beside one it does. */
static void
test_seccomp_in_containers (void **state)
{
  (void) state;
  const char *cmd[] = { "sh", "-c",
                        "grep '^Seccomp:' /proc/self/status; busybox linux64 -R true 2>&1; echo $?; "
                        "busybox linux64 true 2>&1; echo $?",
                        NULL };
  pp_bundle_spec_t spec = { .args = cmd, .env = test_env, .cwd = "/", .namespaces = test_ns,
                            .n_namespaces = PP_N_ELEMENTS (test_ns), .no_new_privileges = true };
  static const char filtered[] = "Seccomp:\t2\nlinux64: personality(0x40000): Function not implemented\n1\n0\n";
  assert_both_print (&spec, filtered);

  /* Without no_new_privs and as a user without capabilities, the filter is still loaded. */
  pp_bundle_spec_t user = spec;
  user.uid = user.gid = 65534;
  user.no_new_privileges = false;
  assert_both_print (&user, filtered);

  static const char unconfined[] = "Seccomp:\t0\n0\n0\n";
  pp_bundle_spec_t none = spec;
  none.seccomp = PP_SECCOMP_UNCONFINED;
  assert_both_print (&none, unconfined);

  /* A profile file: everything allowed but personality, which fails with EPERM. */
  cleanup_free char *profile = xasprintf ("%s/profile.json", dir);
  FILE *f = fopen (profile, "w");
  assert_non_null (f);
  fputs ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"personality\"],"
         "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}",
         f);
  fclose (f);
  pp_bundle_spec_t local = spec;
  local.seccomp = PP_SECCOMP_LOCALHOST;
  local.seccomp_profile = "profile.json";
  local.seccomp_profile_dir = dir;
  assert_both_print (&local, "Seccomp:\t2\nlinux64: personality(0x40000): Operation not permitted\n1\n"
                             "linux64: personality(0x0): Operation not permitted\n1\n");
}

/* A config.json whose filter does not compile is refused before anything starts, naming the file and the cause. */
static void
test_executor_refuses_a_bad_filter (void **state)
{
  (void) state;
  const char *cmd[] = { "true", NULL };
  pp_bundle_spec_t spec = { .args = cmd, .env = test_env, .namespaces = test_ns,
                            .n_namespaces = PP_N_ELEMENTS (test_ns), .seccomp = PP_SECCOMP_UNCONFINED };
  cleanup_error pp_error_t err = NULL;
  json_t *config = pp_bundle_config (&spec, &err);
  assert_non_null (config);
  json_object_set_new (json_object_get (config, "linux"), "seccomp",
                       json_pack ("{s:s, s:[{s:[s], s:s}]}", "defaultAction", "SCMP_ACT_ALLOW", "syscalls", "names",
                                  "read", "action", "SCMP_ACT_NOTIFY"));
  cleanup_free char *path = xasprintf ("%s/config.json", bundle);
  assert_int_equal (json_dump_file (config, path, 0), 0);
  json_decref (config);
  char text[512];
  int status;
  assert_int_equal (run_executor (text, sizeof text, &status, &err), -1);
  assert_non_null (
      strstr (err->msg, "config.json`: linux.seccomp: syscalls[0]: unknown seccomp action `SCMP_ACT_NOTIFY`"));
  assert_string_equal (text, "");
}

/* process.rlimits of config.json, below the caller's hard limits (raising one needs CAP_SYS_RESOURCE). */
static void
test_rlimits (void **state)
{
  (void) state;
  const char *cmd[] = { "sh", "-c", "ulimit -n; ulimit -Hn", NULL };
  pp_bundle_spec_t spec = { .args = cmd, .env = test_env, .namespaces = test_ns,
                            .n_namespaces = PP_N_ELEMENTS (test_ns) };
  cleanup_error pp_error_t err = NULL;
  json_t *config = pp_bundle_config (&spec, &err);
  assert_non_null (config);
  json_object_set_new (json_object_get (config, "process"), "rlimits",
                       json_pack ("[{s:s, s:i, s:i}]", "type", "RLIMIT_NOFILE", "soft", 512, "hard", 1024));
  cleanup_free char *path = xasprintf ("%s/config.json", bundle);
  assert_int_equal (json_dump_file (config, path, 0), 0);
  assert_bundle_prints ("512\n1024\n");
  /* An unknown type is named before anything starts. */
  json_object_set_new (json_object_get (config, "process"), "rlimits",
                       json_pack ("[{s:s, s:i, s:i}]", "type", "RLIMIT_BOGUS", "soft", 1, "hard", 1));
  assert_int_equal (json_dump_file (config, path, 0), 0);
  json_decref (config);
  char text[512];
  int status;
  assert_int_equal (run_executor (text, sizeof text, &status, &err), -1);
  assert_non_null (strstr (err->msg, "process.rlimits[0]: unknown type `RLIMIT_BOGUS`"));
}

/* linux.sysctl and procMount: Unmasked in config.json, and what runc and the built-in executor make of them: the
   sysctls set in the container's own network and IPC namespaces (the host's unchanged), and /proc without masks
   or read-only parts. */
static void
test_sysctls_and_unmasked_proc (void **state)
{
  (void) state;
  char host_port[32], host_shm[32];
  read_text ("/proc/sys/net/ipv4/ip_unprivileged_port_start", host_port, sizeof host_port);
  read_text ("/proc/sys/kernel/shm_rmid_forced", host_shm, sizeof host_shm);
  const char *cmd[]
      = { "sh", "-c",
          "cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shm_rmid_forced;"
          "test $(wc -c </proc/timer_list) -gt 0 && echo unmasked; grep -q ' /proc/sys ' /proc/mounts || echo sys-rw",
          NULL };
  pp_bundle_sysctl_t sysctls[] = { { "net.ipv4.ip_unprivileged_port_start", "80" }, { "kernel.shm_rmid_forced", "1" } };
  pp_bundle_spec_t spec = { .args = cmd,
                            .env = test_env,
                            .namespaces = test_ns,
                            .n_namespaces = PP_N_ELEMENTS (test_ns),
                            .sysctls = sysctls,
                            .n_sysctls = PP_N_ELEMENTS (sysctls),
                            .proc_unmasked = true };
  cleanup_error pp_error_t err = NULL;
  json_t *c = pp_bundle_config (&spec, &err);
  json_t *lnx = json_object_get (c, "linux");
  assert_int_equal (json_array_size (json_object_get (lnx, "maskedPaths")), 0);
  assert_int_equal (json_array_size (json_object_get (lnx, "readonlyPaths")), 0);
  assert_string_equal (json_string_value (json_object_get (json_object_get (lnx, "sysctl"), "kernel.shm_rmid_forced")),
                       "1");
  json_decref (c);
  assert_both_print (&spec, "80\n1\nunmasked\nsys-rw\n");
  /* Default: the masks, and no sysctl asked for leaves the namespace's defaults. */
  spec.proc_unmasked = false;
  spec.n_sysctls = 0;
  const char *masked_cmd[]
      = { "sh", "-c", "wc -c </proc/timer_list; grep ' /proc/sys ' /proc/mounts | cut -d' ' -f4 | cut -c1-2", NULL };
  spec.args = masked_cmd;
  assert_both_print (&spec, "0\nro\n");
  char now_port[32], now_shm[32];
  read_text ("/proc/sys/net/ipv4/ip_unprivileged_port_start", now_port, sizeof now_port);
  read_text ("/proc/sys/kernel/shm_rmid_forced", now_shm, sizeof now_shm);
  assert_string_equal (now_port, host_port);
  assert_string_equal (now_shm, host_shm);
}

static char cg_base[64];

/* Each line of /proc/self/cgroup ("N:controllers:path") is at the root of the container's cgroup namespace. */
static void
assert_cgroup_ns_root (const char *text)
{
  size_t lines = 0;
  for (const char *l = text; *l; l = strchrnul (l, '\n') + (strchrnul (l, '\n')[0] != '\0'))
    {
      const char *end = strchrnul (l, '\n');
      const char *colon = memchr (l, ':', (size_t) (end - l));
      if (*l < '0' || *l > '9' || colon == NULL)
        continue;
      lines++;
      if (end - l < 2 || end[-1] != '/' || end[-2] != ':')
        fail_msg ("not the namespace root: %.*s", (int) (end - l), l);
    }
  assert_true (lines >= 1);
}

/* A memory limit in config.json is what the container sees in its own cgroup namespace, under runc and the
   built-in executor alike: the same /sys/fs/cgroup, read-only, and /proc/self/cgroup at the namespace root. */
static void
test_cgroup_limit_inside (void **state)
{
  (void) state;
  snprintf (cg_base, sizeof cg_base, "/podplay-test-%d", (int) getpid ());
  cleanup_free char *cg_path = xasprintf ("%s/ctr", cg_base);
  const char *args[] = { "sh", "-c",
                         "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max;"
                         "cat /proc/self/cgroup; ls /sys/fs/cgroup; d=/sys/fs/cgroup; test -d $d/memory && d=$d/memory;"
                         "mkdir $d/x 2>/dev/null && echo writable || echo read-only",
                         NULL };
  pp_bundle_ns_t ns[] = { { "pid", NULL },   { "ipc", NULL },     { "uts", NULL },
                          { "mount", NULL }, { "network", NULL }, { "cgroup", NULL } };
  pp_bundle_spec_t spec = { .args = args, .env = test_env, .namespaces = ns, .n_namespaces = PP_N_ELEMENTS (ns),
                            .memory_limit = 48 << 20, .pids_limit = 64, .cgroups_path = cg_path };
  cleanup_error pp_error_t err = NULL;
  assert_int_equal (pp_bundle_write (bundle, &spec, &err), 0);
  char text[4096], text2[4096];
  assert_int_equal (run_runc (text, sizeof text), 0);
  assert_true (strncmp (text, "50331648\n", 9) == 0);
  assert_cgroup_ns_root (text);
  assert_non_null (strstr (text, "\nread-only\n"));
  int status;
  if (run_executor (text2, sizeof text2, &status, &err) < 0)
    fail_msg ("%s", err->msg);
  assert_int_equal (status, 0);
  assert_string_equal (text2, text);

  /* The executor removed the container's cgroup when it ended. */
  size_t n;
  const pp_cgroup_hierarchy_t *h = pp_cgroup_hierarchies (&n);
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *leaf = xasprintf ("%s%s", h[i].mount, cg_path);
      assert_int_equal (access (leaf, F_OK), -1);
    }
}

/* The test's cgroups go, passed or failed, in every hierarchy. */
static int
remove_test_cgroups (void **state)
{
  (void) state;
  cleanup_error pp_error_t err = NULL;
  if (cg_base[0] && pp_cgroup_remove (cg_base, &err) < 0)
    {
      fprintf (stderr, "cleanup: %s\n", err->msg);
      return -1;
    }
  return 0;
}

/* Runs whether the tests passed or not: no container, mount or file stays. */
static int
cleanup (void **state)
{
  (void) state;
  for (int i = 0; runc_id[0] && i < runs; i++)
    run_cmd ("runc --root %s/runc delete -f %s-%d >/dev/null 2>&1", dir, runc_id, i);
  rootfs_fixture_release (&fx);
  cleanup_free char *rootfs = xasprintf ("%s/bundle/rootfs", dir);
  umount2 (rootfs, MNT_DETACH);
  free (bundle);
  return run_cmd ("rm -rf %s", dir) == 0 ? 0 : -1;
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_args_rules),
    cmocka_unit_test (test_capabilities),
    cmocka_unit_test (test_mount_propagation),
  };
  const struct CMUnitTest container_tests[] = {
    cmocka_unit_test (test_runc_and_executor_run_the_bundle),
    cmocka_unit_test (test_seccomp_in_containers),
    cmocka_unit_test (test_executor_refuses_a_bad_filter),
    cmocka_unit_test (test_rlimits),
    cmocka_unit_test (test_sysctls_and_unmasked_proc),
    cmocka_unit_test_teardown (test_cgroup_limit_inside, remove_test_cgroups),
  };
  int failed = cmocka_run_group_tests (tests, NULL, NULL);
  return failed + cmocka_run_group_tests_name ("containers", container_tests, mount_fixture, cleanup);
}
