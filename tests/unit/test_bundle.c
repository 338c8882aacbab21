/* OCI bundles: the argv rules of Kubernetes against the image, the config.json, and runc running it unchanged. */
#include "rootfs_fixture.h"
#include "runtime/bundle.h"
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
  cleanup_error pp_error_t err = NULL;
  json_t *c = pp_bundle_config (&priv, &err);
  assert_null (json_object_get (json_object_get (c, "linux"), "maskedPaths"));
  assert_int_equal (json_array_size (json_object_get (json_object_get (json_object_get (c, "process"), "capabilities"),
                                                     "effective")),
                    41);
  json_decref (c);
}

/* The bundle of the busybox fixture runs under runc as written, and under the built-in executor: isolated,
   masked, with Podman's capabilities. */
static void
test_runc_and_executor_run_the_bundle (void **state)
{
  (void) state;
  assert_non_null (mkdtemp (dir));
  snprintf (runc_id, sizeof runc_id, "podplay-test-%d", (int) getpid ());
  cleanup_free char *bundle = xasprintf ("%s/bundle", dir);
  cleanup_free char *rootfs = xasprintf ("%s/bundle/rootfs", dir);
  assert_int_equal (mkdir (bundle, 0700), 0);
  rootfs_fixture_t fx;
  rootfs_fixture_mount (&fx, dir, "busybox", rootfs);
  cleanup_error pp_error_t err = NULL;

  const char *cmd[] = { "sh", "-c",
                  "echo hello; id -u; hostname; grep CapEff /proc/self/status; wc -c < /proc/timer_list; echo $$", NULL };
  char **args = pp_bundle_args (fx.image.config, cmd, NULL, &err);
  const char *env[] = { "PATH=/bin:/usr/bin", NULL };
  pp_bundle_ns_t ns[] = { { "pid", NULL }, { "ipc", NULL }, { "uts", NULL }, { "mount", NULL }, { "network", NULL } };
  pp_bundle_spec_t spec = { .args = (const char *const *) args, .env = env, .cwd = "/", .hostname = "testpod", .namespaces = ns,
                            .n_namespaces = PP_N_ELEMENTS (ns), .no_new_privileges = true };
  assert_int_equal (pp_bundle_write (bundle, &spec, &err), 0);
  pp_strv_free (args);

  cleanup_free char *out = xasprintf ("%s/out", dir);
  assert_int_equal (run_cmd ("runc --root %s/runc run --bundle %s %s </dev/null >%s 2>&1", dir, bundle, runc_id, out), 0);
  FILE *f = fopen (out, "r");
  assert_non_null (f);
  char text[4096] = "";
  size_t got = fread (text, 1, sizeof text - 1, f);
  fclose (f);
  text[got] = '\0';
  /* PID 1 is the command; uid 0; its own hostname; Podman's 11 capabilities; /proc/timer_list masked (empty,
     where the host's has thousands of bytes). */
  static const char want[] = "hello\n0\ntestpod\nCapEff:\t00000000800405fb\n0\n1\n";
  assert_string_equal (text, want);

  /* The built-in executor runs the same bundle to the same result. */
  cleanup_free char *out2 = xasprintf ("%s/out2", dir);
  fflush (stdout);
  int saved = dup (STDOUT_FILENO);
  int fd = open (out2, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  assert_true (saved >= 0 && fd >= 0);
  dup2 (fd, STDOUT_FILENO);
  close (fd);
  int status = -1;
  int ran = pp_executor_run (bundle, &status, &err);
  fflush (stdout);
  dup2 (saved, STDOUT_FILENO);
  close (saved);
  if (ran < 0)
    fail_msg ("%s", err->msg);
  assert_int_equal (status, 0);
  f = fopen (out2, "r");
  assert_non_null (f);
  got = fread (text, 1, sizeof text - 1, f);
  fclose (f);
  text[got] = '\0';
  assert_string_equal (text, want);

  /* An error in the child after the fork reaches the caller, once, with its cause. */
  const char *missing[] = { "/no/such/command", NULL };
  pp_bundle_spec_t bad = spec;
  bad.args = missing;
  assert_int_equal (pp_bundle_write (bundle, &bad, &err), 0);
  status = -1;
  assert_int_equal (pp_executor_run (bundle, &status, &err), -1);
  assert_non_null (strstr (err->msg, "starting the container: exec /no/such/command: No such file or directory"));
  pp_error_release (&err);

  rootfs_fixture_release (&fx);
}

/* Runs whether the test passed or not: no container, mount or file stays. */
static int
cleanup (void **state)
{
  (void) state;
  if (runc_id[0])
    run_cmd ("runc --root %s/runc delete -f %s >/dev/null 2>&1", dir, runc_id);
  cleanup_free char *rootfs = xasprintf ("%s/bundle/rootfs", dir);
  umount2 (rootfs, MNT_DETACH);
  return run_cmd ("rm -rf %s", dir) == 0 ? 0 : -1;
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_args_rules),
    cmocka_unit_test (test_capabilities),
    cmocka_unit_test_teardown (test_runc_and_executor_run_the_bundle, cleanup),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
