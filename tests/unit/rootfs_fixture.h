/* For the tests that need a container's root: the offline fixture images built in a temporary directory, one of
   them loaded into a store there and mounted as an overlay.  Header-only: each test program includes it once. */
#ifndef PP_ROOTFS_FIXTURE_H
#define PP_ROOTFS_FIXTURE_H

#include "unit.h"
#include "image/load.h"
#include "image/store.h"
#include "runtime/rootfs.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int PP_PRINTF (1, 2) run_cmd (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *cmd = NULL;
  int n = vasprintf (&cmd, fmt, ap);
  va_end (ap);
  int ret = n < 0 ? -1 : system (cmd);
  free (cmd);
  return ret;
}

typedef struct
{
  pp_context_t ctx;
  pp_store_t store;
  pp_load_result_t result;
  pp_image_t image;
} rootfs_fixture_t;

/* Builds the images under DIR/images, loads the layout `name` (busybox, layered) into the store DIR/root, and
   mounts it at `target` with DIR/upper and DIR/work taking the writes. */
static void
rootfs_fixture_mount (rootfs_fixture_t *f, const char *dir, const char *name, const char *target)
{
  assert_int_equal (run_cmd ("python3 fixtures/images/build.py %s/images >/dev/null", dir), 0);
  pp_context_init (&f->ctx);
  cleanup_free char *root = xasprintf ("%s/root", dir);
  pp_context_set_root (&f->ctx, root);
  cleanup_error pp_error_t err = NULL;
  cleanup_free char *layout = xasprintf ("%s/images/%s", dir, name);
  cleanup_free char *ref = xasprintf ("localhost/%s:latest", name);
  assert_int_equal (pp_store_open (&f->ctx, &f->store, &err), 0);
  assert_int_equal (pp_image_load (&f->ctx, &f->store, layout, &f->result, &err), 0);
  assert_int_equal (pp_store_lookup (&f->store, ref, &f->image, &err), 0);
  cleanup_free char *upper = xasprintf ("%s/upper", dir);
  cleanup_free char *work = xasprintf ("%s/work", dir);
  assert_int_equal (mkdir (upper, 0755), 0);
  assert_int_equal (mkdir (work, 0700), 0);
  assert_int_equal (mkdir (target, 0755), 0);
  cleanup_free int *layers = NULL;
  assert_int_equal (pp_store_layer_dirs (&f->store, &f->image, &layers, &err), 0);
  if (pp_rootfs_mount_layers (layers, f->image.n_layers, upper, work, target, -1, &err) < 0)
    fail_msg ("%s", err->msg);
  for (size_t i = 0; i < f->image.n_layers; i++)
    close (layers[i]);
}

static void
rootfs_fixture_release (rootfs_fixture_t *f)
{
  pp_image_release (&f->image);
  pp_load_result_release (&f->result);
  pp_store_close (&f->store);
  pp_context_release (&f->ctx);
}

#endif
