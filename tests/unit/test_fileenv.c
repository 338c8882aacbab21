/* fileKeyRef: the env-file format Kubernetes reads (KEY='value'), signal names of stopSignal and STOPSIGNAL, and
   config.json's env set from a file beneath a volume. */
#include "unit.h"
#include "runtime/fileenv.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
lookup (const char *data, const char *key, char **value, char **msg)
{
  pp_error_t err = NULL;
  int r = pp_fileenv_lookup (data, strlen (data), key, value, &err);
  *msg = err ? xstrdup (err->msg) : NULL;
  pp_error_release (&err);
  return r;
}

static void
test_lookup (void **state)
{
  (void)state;
  char *v = NULL, *msg = NULL;
  const char *file
      = "# a comment\n\n  A='one'\nB='two words'\nMULTI='x\ny'\nA='last wins'\nEMPTY=''\nQ='a \"b\" $c \\n'\n";
  assert_int_equal (lookup (file, "A", &v, &msg), 1);
  assert_string_equal (v, "last wins");
  free (v);
  assert_int_equal (lookup (file, "MULTI", &v, &msg), 1);
  assert_string_equal (v, "x\ny");
  free (v);
  assert_int_equal (lookup (file, "EMPTY", &v, &msg), 1);
  assert_string_equal (v, "");
  free (v);
  /* Taken literally: no escapes, no expansion. */
  assert_int_equal (lookup (file, "Q", &v, &msg), 1);
  assert_string_equal (v, "a \"b\" $c \\n");
  free (v);
  assert_int_equal (lookup (file, "NONE", &v, &msg), 0);
  assert_null (v);
  /* Not the format: said with the line. */
  assert_int_equal (lookup ("A='1'\nB=2\n", "A", &v, &msg), -1);
  assert_null (v);
  assert_string_equal (msg, "line 2: the value of B is not in single quotes (B='value')");
  free (msg);
  assert_int_equal (lookup ("A=\"1\"\n", "A", &v, &msg), -1);
  free (msg);
  assert_int_equal (lookup ("A='1'x\n", "A", &v, &msg), -1);
  assert_string_equal (msg, "line 1: text after the closing quote of A");
  free (msg);
  assert_int_equal (lookup ("\nA='open\n", "A", &v, &msg), -1);
  assert_string_equal (msg, "line 2: the value of A has no closing quote");
  free (msg);
  assert_int_equal (lookup ("just words\n", "A", &v, &msg), -1);
  free (msg);
  assert_int_equal (lookup ("\r\nA='1'\r\n", "A", &v, &msg), 1);
  assert_string_equal (v, "1");
  free (v);
}

static void
test_signal_number (void **state)
{
  (void)state;
  assert_int_equal (pp_signal_number ("SIGTERM"), SIGTERM);
  assert_int_equal (pp_signal_number ("USR1"), SIGUSR1);
  assert_int_equal (pp_signal_number ("SIGCLD"), SIGCHLD);
  assert_int_equal (pp_signal_number ("9"), 9);
  assert_int_equal (pp_signal_number ("SIGRTMIN"), 34);
  assert_int_equal (pp_signal_number ("SIGRTMIN+3"), 37);
  assert_int_equal (pp_signal_number ("SIGRTMAX-1"), 63);
  assert_int_equal (pp_signal_number ("SIGRTMAX"), 64);
  assert_int_equal (pp_signal_number ("sigquit"), SIGQUIT);
  assert_int_equal (pp_signal_number ("rtmin+1"), 35);
  assert_int_equal (pp_signal_number ("SIGRTMIN++3"), -1);
  assert_int_equal (pp_signal_number (" 15"), -1);
  assert_int_equal (pp_signal_number ("15x"), -1);
  assert_int_equal (pp_signal_number ("SIGRTMIN+31"), -1);
  assert_int_equal (pp_signal_number ("SIGFOO"), -1);
  assert_int_equal (pp_signal_number ("0"), -1);
  assert_int_equal (pp_signal_number (""), -1);
  assert_int_equal (pp_signal_number (NULL), -1);
}

static void
test_apply (void **state)
{
  (void)state;
  char dir[] = "/tmp/pp-fileenv-XXXXXX";
  assert_non_null (mkdtemp (dir));
  cleanup_free char *vol = xasprintf ("%s/vol", dir);
  cleanup_free char *cfg = xasprintf ("%s/config.json", dir);
  cleanup_free char *envf = xasprintf ("%s/vol/env", dir);
  cleanup_free char *link = xasprintf ("%s/vol/up", dir);
  assert_int_equal (mkdir (vol, 0700), 0);
  FILE *f = fopen (cfg, "w");
  fputs ("{\"process\": {\"env\": [\"PATH=/bin\", \"A=\", \"GONE=\"]}}", f);
  fclose (f);
  f = fopen (envf, "w");
  fputs ("A='from the file'\n", f);
  fclose (f);
  /* A symlink out of the volume resolves inside it. */
  assert_int_equal (symlink ("..", link), 0);
  json_t *entries = json_pack ("[{s:s, s:s, s:s, s:s, s:b}, {s:s, s:s, s:s, s:s, s:b}, {s:s, s:s, s:s, s:s, s:b}]",
                               "name", "A", "volume", vol, "path", "env", "key", "A", "optional", 0, "name", "GONE",
                               "volume", vol, "path", "nothing", "key", "X", "optional", 1, "name", "B", "volume", vol,
                               "path", "env", "key", "A", "optional", 0);
  pp_error_t err = NULL;
  assert_int_equal (pp_fileenv_apply (dir, entries, &err), 0);
  json_t *out = json_load_file (cfg, 0, NULL);
  cleanup_free char *s = json_dumps (json_object_get (json_object_get (out, "process"), "env"), JSON_COMPACT);
  assert_string_equal (s, "[\"PATH=/bin\",\"A=from the file\",\"B=from the file\"]");
  json_decref (out);
  json_decref (entries);
  /* Through the symlink to the volume's parent: config.json is not there, as the volume sees it. */
  entries = json_pack ("[{s:s, s:s, s:s, s:s, s:b}]", "name", "A", "volume", vol, "path", "up/config.json", "key", "A",
                       "optional", 0);
  assert_int_equal (pp_fileenv_apply (dir, entries, &err), -1);
  assert_string_equal (err->msg, "env A: the volume has no file `up/config.json` (and optional is not true)");
  pp_error_release (&err);
  json_decref (entries);
  unlink (link);
  unlink (envf);
  unlink (cfg);
  rmdir (vol);
  rmdir (dir);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_lookup),
    cmocka_unit_test (test_signal_number),
    cmocka_unit_test (test_apply),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
