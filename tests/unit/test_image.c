/* The image module's pure parts: references, digests, SHA-256, platform names, and layer unpacking confined to its
   directory. */
#include "unit.h"
#include "image/digest.h"
#include "image/manifest.h"
#include "image/ref.h"
#include "image/unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* ---- references ---- */

typedef struct
{
  const char *text, *registry, *repository, *tag, *digest, *string;
} ref_case_t;

static void
test_ref_parse (void **state)
{
  (void) state;
  static const ref_case_t cases[] = {
    { "busybox", "docker.io", "library/busybox", "latest", NULL, "docker.io/library/busybox:latest" },
    { "busybox:1.36", "docker.io", "library/busybox", "1.36", NULL, "docker.io/library/busybox:1.36" },
    { "user/app:1", "docker.io", "user/app", "1", NULL, "docker.io/user/app:1" },
    { "docker.io/library/busybox", "docker.io", "library/busybox", "latest", NULL, "docker.io/library/busybox:latest" },
    { "localhost/x", "localhost", "x", "latest", NULL, "localhost/x:latest" },
    { "localhost:5000/x:v2", "localhost:5000", "x", "v2", NULL, "localhost:5000/x:v2" },
    { "quay.io/org/img:v1.2_3-rc", "quay.io", "org/img", "v1.2_3-rc", NULL, "quay.io/org/img:v1.2_3-rc" },
    { "127.0.0.1:5000/a/b@sha256:" HEX64, "127.0.0.1:5000", "a/b", NULL, "sha256:" HEX64,
      "127.0.0.1:5000/a/b@sha256:" HEX64 },
  };
  for (size_t i = 0; i < PP_N_ELEMENTS (cases); i++)
    {
      const ref_case_t *c = &cases[i];
      pp_ref_t ref;
      cleanup_error pp_error_t err = NULL;
      if (pp_ref_parse (c->text, &ref, &err) < 0)
        fail_msg ("%s: refused: %s", c->text, err->msg);
      assert_string_equal (ref.registry, c->registry);
      assert_string_equal (ref.repository, c->repository);
      if (c->tag)
        assert_string_equal (ref.tag, c->tag);
      else
        assert_null (ref.tag);
      if (c->digest)
        assert_string_equal (ref.digest, c->digest);
      else
        assert_null (ref.digest);
      cleanup_free char *s = pp_ref_string (&ref);
      assert_string_equal (s, c->string);
      pp_ref_release (&ref);
      assert_null (ref.registry);
    }
}

static void
test_ref_invalid (void **state)
{
  (void) state;
  static const char *const bad[] = {
    "",
    "busy box",
    "Busybox",
    "docker.io/Library/busybox",
    "busybox:",
    "busybox:-tag",
    ":latest",
    "a//b",
    "-a",
    "a..b",
    "a/b/",
    "/a",
    "busybox@",
    "busybox@sha256:",
    "busybox@sha256:xyz",
    /* A sha256 digest has exactly 64 hex digits (the distribution grammar and every registry say so). */
    "busybox@sha256:abc",
    /* A first component with ':' is a host:port, and a port is digits. */
    "busybox:a/b",
    "localhost:abc/x",
  };
  /* Every wrongly accepted reference is listed, not only the first. */
  pp_buf_t accepted = { 0 };
  for (size_t i = 0; i < PP_N_ELEMENTS (bad); i++)
    {
      pp_ref_t ref;
      cleanup_error pp_error_t err = NULL;
      if (pp_ref_parse (bad[i], &ref, &err) == 0)
        {
          cleanup_free char *s = pp_ref_string (&ref);
          pp_ref_release (&ref);
          pp_buf_printf (&accepted, "  `%s` (as %s)\n", bad[i], s);
          continue;
        }
      assert_non_null (err);
      assert_non_null (strstr (err->msg, "invalid image reference"));
      assert_non_null (strstr (err->msg, bad[i]));
    }
  if (accepted.len)
    fail_msg ("invalid references accepted:\n%s", accepted.data);
  pp_buf_free (&accepted);
}

/* A reference with both a tag and a digest names the digest: the name must not lose it, or a pull gets whatever
   the tag points at now. */
static void
test_ref_tag_and_digest (void **state)
{
  (void) state;
  pp_ref_t ref;
  cleanup_error pp_error_t err = NULL;
  assert_int_equal (pp_ref_parse ("busybox:1.36@sha256:" HEX64, &ref, &err), 0);
  assert_string_equal (ref.repository, "library/busybox");
  assert_string_equal (ref.digest, "sha256:" HEX64);
  cleanup_free char *s = pp_ref_string (&ref);
  pp_ref_release (&ref);
  if (strstr (s, "@sha256:" HEX64) == NULL)
    fail_msg ("busybox:1.36@sha256:%s became %s: the digest is lost", HEX64, s);
}

/* ---- digests ---- */

static void
test_digest_valid (void **state)
{
  (void) state;
  const char *hex = NULL;
  assert_true (pp_digest_valid ("sha256:" HEX64, &hex));
  assert_string_equal (hex, HEX64);
  assert_true (pp_digest_valid ("sha256:" HEX64, NULL));
  static const char *const bad[] = {
    NULL,
    "",
    "sha256:",
    HEX64,
    "sha256:" HEX64 "0",
    "sha256:"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
    "sha256:"
    "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
    "sha256:"
    "0123456789abcdeg0123456789abcdef0123456789abcdef0123456789abcdef",
    "sha512:" HEX64,
    "SHA256:" HEX64,
    " sha256:" HEX64,
  };
  for (size_t i = 0; i < PP_N_ELEMENTS (bad); i++)
    if (pp_digest_valid (bad[i], &hex))
      fail_msg ("`%s` is not a valid digest", bad[i] ? bad[i] : "(null)");
}

static void
sha256_of (const char *const *parts, size_t n, char out[72])
{
  pp_sha256_t *h = pp_sha256_new ();
  for (size_t i = 0; i < n; i++)
    pp_sha256_update (h, parts[i], strlen (parts[i]));
  pp_sha256_finish (h, out);
}

static void
test_sha256_vectors (void **state)
{
  (void) state;
  char out[72];
  sha256_of (NULL, 0, out);
  assert_string_equal (out, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const char *abc[] = { "abc" };
  sha256_of (abc, 1, out);
  assert_string_equal (out, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  /* Streamed in pieces, the same digest. */
  const char *pieces[] = { "a", "", "b", "c" };
  sha256_of (pieces, PP_N_ELEMENTS (pieces), out);
  assert_string_equal (out, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *two_blocks[] = { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq" };
  sha256_of (two_blocks, 1, out);
  assert_string_equal (out, "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  assert_true (pp_digest_valid (out, NULL));
}

/* ---- layer unpacking ---- */

typedef struct
{
  const char *path;
  mode_t type; /* AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFCHR, AE_IFIFO; ignored for a hard link */
  mode_t perm;
  const char *content;  /* regular files */
  const char *symlink;  /* symlinks */
  const char *hardlink; /* hard links: the target's name */
  int64_t uid, gid;
  unsigned dev_major, dev_minor;
  const char *xattr_name, *xattr_value;
} entry_t;

typedef struct
{
  char base[64]; /* the temporary directory; the layer goes into base/root, so base/ is "outside" */
  int root;
} dirs_t;

static int
setup_dirs (void **state)
{
  dirs_t *d = xzalloc (sizeof *d);
  snprintf (d->base, sizeof d->base, "/tmp/pp-test-image-XXXXXX");
  if (mkdtemp (d->base) == NULL)
    return -1;
  cleanup_free char *root = xasprintf ("%s/root", d->base);
  if (mkdir (root, 0755) < 0)
    return -1;
  d->root = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  *state = d;
  return d->root < 0 ? -1 : 0;
}

static int
teardown_dirs (void **state)
{
  dirs_t *d = *state;
  close (d->root);
  int ret = pp_remove_tree (AT_FDCWD, d->base);
  free (d);
  return ret;
}

/* The tar (gzip-compressed when asked) of `entries`, in a memory file positioned at its start; the sha256 of the
   uncompressed tar in `diff_id` when it is not NULL. */
static int
make_layer (const entry_t *entries, size_t n, bool gzip, char *diff_id)
{
  size_t cap = 1 << 20, used = 0;
  cleanup_free char *buf = xmalloc (cap);
  struct archive *a = archive_write_new ();
  assert_int_equal (archive_write_set_format_pax_restricted (a), ARCHIVE_OK);
  if (gzip)
    assert_int_equal (archive_write_add_filter_gzip (a), ARCHIVE_OK);
  else
    assert_int_equal (archive_write_add_filter_none (a), ARCHIVE_OK);
  assert_int_equal (archive_write_open_memory (a, buf, cap, &used), ARCHIVE_OK);
  for (size_t i = 0; i < n; i++)
    {
      const entry_t *e = &entries[i];
      struct archive_entry *ae = archive_entry_new ();
      archive_entry_set_pathname (ae, e->path);
      archive_entry_set_uid (ae, e->uid);
      archive_entry_set_gid (ae, e->gid);
      archive_entry_set_mtime (ae, 0, 0);
      if (e->hardlink)
        {
          archive_entry_set_filetype (ae, AE_IFREG);
          archive_entry_set_perm (ae, 0644);
          archive_entry_set_hardlink (ae, e->hardlink);
        }
      else
        {
          archive_entry_set_filetype (ae, e->type);
          archive_entry_set_perm (ae, e->perm ? e->perm : e->type == AE_IFDIR ? 0755 : 0644);
        }
      if (e->symlink)
        archive_entry_set_symlink (ae, e->symlink);
      if (e->type == AE_IFCHR)
        archive_entry_set_rdev (ae, makedev (e->dev_major, e->dev_minor));
      if (e->xattr_name)
        archive_entry_xattr_add_entry (ae, e->xattr_name, e->xattr_value, strlen (e->xattr_value));
      size_t len = e->content ? strlen (e->content) : 0;
      archive_entry_set_size (ae, (la_int64_t) len);
      assert_int_equal (archive_write_header (a, ae), ARCHIVE_OK);
      if (len)
        assert_int_equal (archive_write_data (a, e->content, len), (la_ssize_t) len);
      archive_entry_free (ae);
    }
  assert_int_equal (archive_write_close (a), ARCHIVE_OK);
  archive_write_free (a);
  if (diff_id)
    {
      pp_sha256_t *h = pp_sha256_new ();
      pp_sha256_update (h, buf, used);
      pp_sha256_finish (h, diff_id);
    }
  int fd = memfd_create ("layer", MFD_CLOEXEC);
  assert_true (fd >= 0);
  assert_int_equal (write (fd, buf, used), (ssize_t) used);
  assert_int_equal (lseek (fd, 0, SEEK_SET), 0);
  return fd;
}

/* Unpacks `entries` into the test's root; returns what pp_layer_unpack returned, its error in *err. */
static int
unpack (dirs_t *d, const entry_t *entries, size_t n, bool gzip, char *want_diff_id, pp_error_t *err)
{
  cleanup_close int fd = make_layer (entries, n, gzip, want_diff_id);
  char diff_id[72];
  return pp_layer_unpack (fd, d->root, "layer test", diff_id, err);
}

/* Fails unless the temporary directory holds nothing but root/ and `allowed` (an entry the test made itself). */
static void
assert_nothing_outside (dirs_t *d, const char *allowed)
{
  cleanup_dir DIR *dir = opendir (d->base);
  assert_non_null (dir);
  struct dirent *de;
  while ((de = readdir (dir)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0 && strcmp (de->d_name, "root") != 0
        && !(allowed && strcmp (de->d_name, allowed) == 0))
      fail_msg ("%s/%s was written outside the layer's directory", d->base, de->d_name);
}

static void
require_root (void)
{
  if (geteuid () != 0)
    skip ();
}

static void
test_unpack_regular_file (void **state)
{
  dirs_t *d = *state;
  require_root ();
  static const entry_t entries[] = {
    { .path = "etc/", .type = AE_IFDIR, .perm = 0755 },
    { .path = "etc/conf", .type = AE_IFREG, .perm = 0640, .content = "hello\n", .uid = 1000, .gid = 1001 },
    { .path = "./suid", .type = AE_IFREG, .perm = 04755, .content = "x", .uid = 0, .gid = 0 },
    { .path = "x", .type = AE_IFREG, .content = "v", .xattr_name = "user.test", .xattr_value = "hello" },
    { .path = "null", .type = AE_IFCHR, .perm = 0666, .dev_major = 1, .dev_minor = 3 },
    { .path = "fifo", .type = AE_IFIFO, .perm = 0600 },
    /* Overlayfs would follow this from a lower layer: no trusted.* xattr is taken from a layer. */
    { .path = "redirected/", .type = AE_IFDIR, .xattr_name = "trusted.overlay.redirect", .xattr_value = "/etc" },
  };
  /* Compressed with gzip; the diff_id is the digest of the uncompressed tar. */
  char want[72];
  cleanup_close int raw = make_layer (entries, PP_N_ELEMENTS (entries), false, want);
  cleanup_close int gz = make_layer (entries, PP_N_ELEMENTS (entries), true, NULL);
  char got[72];
  cleanup_error pp_error_t err = NULL;
  if (pp_layer_unpack (gz, d->root, "layer test", got, &err) < 0)
    fail_msg ("%s", err->msg);
  assert_string_equal (got, want);

  struct stat st;
  assert_int_equal (fstatat (d->root, "etc/conf", &st, AT_SYMLINK_NOFOLLOW), 0);
  assert_true (S_ISREG (st.st_mode));
  assert_int_equal (st.st_mode & 07777, 0640);
  assert_int_equal (st.st_uid, 1000);
  assert_int_equal (st.st_gid, 1001);
  assert_int_equal (st.st_size, 6);
  char buf[16] = { 0 };
  cleanup_close int f = openat (d->root, "etc/conf", O_RDONLY | O_CLOEXEC);
  assert_int_equal (read (f, buf, sizeof buf), 6);
  assert_string_equal (buf, "hello\n");
  assert_int_equal (fstatat (d->root, "etc", &st, AT_SYMLINK_NOFOLLOW), 0);
  assert_int_equal (st.st_mode & 07777, 0755);
  assert_int_equal (fstatat (d->root, "suid", &st, AT_SYMLINK_NOFOLLOW), 0);
  assert_int_equal (st.st_mode & 07777, 04755);
  assert_int_equal (fstatat (d->root, "null", &st, AT_SYMLINK_NOFOLLOW), 0);
  assert_true (S_ISCHR (st.st_mode));
  assert_int_equal (major (st.st_rdev), 1);
  assert_int_equal (minor (st.st_rdev), 3);
  assert_int_equal (st.st_mode & 07777, 0666);
  assert_int_equal (fstatat (d->root, "fifo", &st, AT_SYMLINK_NOFOLLOW), 0);
  assert_true (S_ISFIFO (st.st_mode));
  cleanup_free char *xpath = xasprintf ("%s/root/x", d->base);
  char value[16] = { 0 };
  assert_int_equal (getxattr (xpath, "user.test", value, sizeof value), 5);
  assert_string_equal (value, "hello");
  cleanup_free char *rpath = xasprintf ("%s/root/redirected", d->base);
  assert_int_equal (getxattr (rpath, "trusted.overlay.redirect", value, sizeof value), -1);
  assert_int_equal (errno, ENODATA);
  assert_nothing_outside (d, NULL);
}

static void
test_unpack_links (void **state)
{
  dirs_t *d = *state;
  require_root ();
  static const entry_t entries[] = {
    { .path = "bin/", .type = AE_IFDIR },
    { .path = "bin/busybox", .type = AE_IFREG, .perm = 0755, .content = "#!" },
    { .path = "bin/sh", .type = AE_IFLNK, .symlink = "busybox" },
    { .path = "abs", .type = AE_IFLNK, .symlink = "/etc/shadow" },
    { .path = "bin/hard", .hardlink = "bin/busybox" },
  };
  cleanup_error pp_error_t err = NULL;
  if (unpack (d, entries, PP_N_ELEMENTS (entries), false, NULL, &err) < 0)
    fail_msg ("%s", err->msg);
  struct stat st, st2;
  char target[64] = { 0 };
  assert_int_equal (fstatat (d->root, "bin/sh", &st, AT_SYMLINK_NOFOLLOW), 0);
  assert_true (S_ISLNK (st.st_mode));
  assert_int_equal (readlinkat (d->root, "bin/sh", target, sizeof target - 1), 7);
  assert_string_equal (target, "busybox");
  /* A symlink to an absolute path is kept as it is: it is only followed inside a container. */
  memset (target, 0, sizeof target);
  assert_int_equal (readlinkat (d->root, "abs", target, sizeof target - 1), 11);
  assert_string_equal (target, "/etc/shadow");
  assert_int_equal (fstatat (d->root, "bin/hard", &st, AT_SYMLINK_NOFOLLOW), 0);
  assert_int_equal (fstatat (d->root, "bin/busybox", &st2, AT_SYMLINK_NOFOLLOW), 0);
  assert_int_equal (st.st_ino, st2.st_ino);
  assert_int_equal (st.st_nlink, 2);
  assert_int_equal (st.st_mode & 07777, 0755);
  assert_nothing_outside (d, NULL);
}

static void
test_unpack_whiteout_opaque (void **state)
{
  dirs_t *d = *state;
  require_root ();
  static const entry_t entries[] = {
    { .path = "data/", .type = AE_IFDIR },
    { .path = "data/.wh.gone", .type = AE_IFREG },
    { .path = "data/dir/", .type = AE_IFDIR },
    { .path = "data/dir/.wh..wh..opq", .type = AE_IFREG },
    { .path = "data/dir/y", .type = AE_IFREG, .content = "y" },
  };
  cleanup_error pp_error_t err = NULL;
  if (unpack (d, entries, PP_N_ELEMENTS (entries), false, NULL, &err) < 0)
    fail_msg ("%s", err->msg);
  struct stat st;
  assert_int_equal (fstatat (d->root, "data/gone", &st, AT_SYMLINK_NOFOLLOW), 0);
  assert_true (S_ISCHR (st.st_mode));
  assert_int_equal (st.st_rdev, makedev (0, 0));
  assert_int_equal (fstatat (d->root, "data/.wh.gone", &st, AT_SYMLINK_NOFOLLOW), -1);
  assert_int_equal (fstatat (d->root, "data/dir/.wh..wh..opq", &st, AT_SYMLINK_NOFOLLOW), -1);
  cleanup_free char *dir = xasprintf ("%s/root/data/dir", d->base);
  char value[4] = { 0 };
  assert_int_equal (getxattr (dir, "trusted.overlay.opaque", value, sizeof value), 1);
  assert_string_equal (value, "y");
  assert_int_equal (fstatat (d->root, "data/dir/y", &st, AT_SYMLINK_NOFOLLOW), 0);
  /* data/ itself is not opaque. */
  cleanup_free char *data = xasprintf ("%s/root/data", d->base);
  assert_int_equal (getxattr (data, "trusted.overlay.opaque", value, sizeof value), -1);
  assert_nothing_outside (d, NULL);
}

/* Unpacks `entries`, expects a refusal whose message holds `why`, and nothing written outside root/. */
static void
assert_refused (dirs_t *d, const entry_t *entries, size_t n, const char *why, const char *allowed)
{
  cleanup_error pp_error_t err = NULL;
  int ret = unpack (d, entries, n, false, NULL, &err);
  if (ret == 0)
    fail_msg ("a layer with `%s` was unpacked; it must be refused", entries[n - 1].path);
  assert_true (ret < 0);
  assert_non_null (err);
  if (strstr (err->msg, why) == NULL)
    fail_msg ("expected `%s` in: %s", why, err->msg);
  assert_non_null (strstr (err->msg, "layer test"));
  assert_nothing_outside (d, allowed);
}

static void
test_refuse_dotdot (void **state)
{
  dirs_t *d = *state;
  const entry_t entries[] = {
    { .path = "ok", .type = AE_IFREG, .content = "ok" },
    { .path = "../x", .type = AE_IFREG, .content = "evil" },
  };
  assert_refused (d, entries, PP_N_ELEMENTS (entries), "refusing a path with `..`", NULL);
  const entry_t deeper[] = {
    { .path = "a/", .type = AE_IFDIR },
    { .path = "a/../../x", .type = AE_IFREG, .content = "evil" },
  };
  assert_refused (d, deeper, PP_N_ELEMENTS (deeper), "refusing a path with `..`", NULL);
}

static void
test_refuse_absolute (void **state)
{
  dirs_t *d = *state;
  /* An absolute name that points at the temporary directory, outside root/, so a write would be seen. */
  cleanup_free char *abs = xasprintf ("%s/abs", d->base);
  const entry_t entries[] = {
    { .path = "ok", .type = AE_IFREG, .content = "ok" },
    { .path = abs, .type = AE_IFREG, .content = "evil" },
  };
  assert_refused (d, entries, PP_N_ELEMENTS (entries), "refusing an absolute path", NULL);
  struct stat st;
  assert_int_equal (fstatat (d->root, abs + 1, &st, AT_SYMLINK_NOFOLLOW), -1);
}

static void
test_refuse_through_symlink (void **state)
{
  dirs_t *d = *state;
  /* A symlink to the temporary directory (absolute) and one up out of root/ (relative), then writes through them. */
  const entry_t absolute[] = {
    { .path = "escape", .type = AE_IFLNK, .symlink = d->base },
    { .path = "escape/through", .type = AE_IFREG, .content = "evil" },
  };
  assert_refused (d, absolute, PP_N_ELEMENTS (absolute), "refusing a path through a symlink", NULL);
  const entry_t relative[] = {
    { .path = "up", .type = AE_IFLNK, .symlink = ".." },
    { .path = "up/through", .type = AE_IFREG, .content = "evil" },
  };
  assert_refused (d, relative, PP_N_ELEMENTS (relative), "refusing a path through a symlink", NULL);
  const entry_t dir_through[] = {
    { .path = "up2", .type = AE_IFLNK, .symlink = ".." },
    { .path = "up2/newdir/", .type = AE_IFDIR },
  };
  assert_refused (d, dir_through, PP_N_ELEMENTS (dir_through), "refusing a path through a symlink", NULL);
}

static void
test_refuse_hardlink_out (void **state)
{
  dirs_t *d = *state;
  /* base/x exists, so a link to it would succeed if it were not refused. */
  cleanup_free char *x = xasprintf ("%s/x", d->base);
  cleanup_close int fd = open (x, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  assert_true (fd >= 0);
  const entry_t entries[] = {
    { .path = "ok", .type = AE_IFREG, .content = "ok" },
    { .path = "shadow", .hardlink = "../x" },
  };
  assert_refused (d, entries, PP_N_ELEMENTS (entries), "refusing a path with `..`", "x");
  struct stat st;
  assert_int_equal (stat (x, &st), 0);
  assert_int_equal (st.st_nlink, 1);
  assert_int_equal (fstatat (d->root, "shadow", &st, AT_SYMLINK_NOFOLLOW), -1);
  /* And through a symlink the layer planted. */
  const entry_t via_symlink[] = {
    { .path = "up", .type = AE_IFLNK, .symlink = ".." },
    { .path = "shadow2", .hardlink = "up/x" },
  };
  assert_refused (d, via_symlink, PP_N_ELEMENTS (via_symlink), "refusing a path through a symlink", "x");
  assert_int_equal (stat (x, &st), 0);
  assert_int_equal (st.st_nlink, 1);
}

/* ---- platforms ---- */

static void
test_platform_of_machine (void **state)
{
  (void)state;
  static const struct
  {
    const char *machine, *arch, *variant;
  } cases[] = {
    { "x86_64", "amd64", "" },
    { "aarch64", "arm64", "" },
    { "armv7l", "arm", "v7" },
    { "armv6l", "arm", "v6" },
    { "armv5tel", "arm", "v5" },
    { "i686", "386", "" },
    { "i386", "386", "" },
    { "ppc64le", "ppc64le", "" },
    { "s390x", "s390x", "" },
    { "riscv64", "riscv64", "" },
    { "loongarch64", "loong64", "" },
    { "sparc64", "sparc64", "" }, /* unknown: its own name */
  };
  for (size_t i = 0; i < PP_N_ELEMENTS (cases); i++)
    {
      const char *arch = NULL, *variant = NULL;
      pp_platform_of_machine (cases[i].machine, &arch, &variant);
      assert_string_equal (arch, cases[i].arch);
      assert_string_equal (variant, cases[i].variant);
    }
}

static void
test_platform_matches (void **state)
{
  (void)state;
  char linux_[] = "linux", windows[] = "windows", s_arm[] = "arm", s_amd64[] = "amd64", v6[] = "v6", v7[] = "v7";
  pp_descriptor_t armv6_ = { .os = linux_, .arch = s_arm, .variant = v6 }, *armv6 = &armv6_;
  pp_descriptor_t armv7_ = { .os = linux_, .arch = s_arm, .variant = v7 }, *armv7 = &armv7_;
  pp_descriptor_t arm_ = { .os = linux_, .arch = s_arm }, *arm = &arm_;
  pp_descriptor_t amd64_ = { .os = linux_, .arch = s_amd64 }, *amd64 = &amd64_;
  pp_descriptor_t win_ = { .os = windows, .arch = s_amd64 }, *win = &win_;
  assert_true (pp_platform_matches (amd64, "linux", "amd64", "", false));
  assert_false (pp_platform_matches (win, "linux", "amd64", "", false));
  assert_false (pp_platform_matches (amd64, "linux", "arm64", "", false));
  /* An armv7l host takes v7, or an arm image that names no variant; never v6. */
  assert_false (pp_platform_matches (armv6, "linux", "arm", "v7", false));
  assert_true (pp_platform_matches (armv7, "linux", "arm", "v7", false));
  assert_true (pp_platform_matches (arm, "linux", "arm", "v7", false));
  /* --platform linux/arm/v7: that variant only. */
  assert_false (pp_platform_matches (arm, "linux", "arm", "v7", true));
  assert_true (pp_platform_matches (armv6, "linux", "arm", "", false));
  pp_buf_t list = { 0 };
  pp_platform_describe (armv7, &list);
  pp_platform_describe (amd64, &list);
  assert_string_equal (list.data, "linux/arm/v7, linux/amd64");
  pp_buf_free (&list);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_ref_parse),
    cmocka_unit_test (test_ref_invalid),
    cmocka_unit_test (test_ref_tag_and_digest),
    cmocka_unit_test (test_digest_valid),
    cmocka_unit_test (test_sha256_vectors),
    cmocka_unit_test (test_platform_of_machine),
    cmocka_unit_test (test_platform_matches),
    cmocka_unit_test_setup_teardown (test_unpack_regular_file, setup_dirs, teardown_dirs),
    cmocka_unit_test_setup_teardown (test_unpack_links, setup_dirs, teardown_dirs),
    cmocka_unit_test_setup_teardown (test_unpack_whiteout_opaque, setup_dirs, teardown_dirs),
    cmocka_unit_test_setup_teardown (test_refuse_dotdot, setup_dirs, teardown_dirs),
    cmocka_unit_test_setup_teardown (test_refuse_absolute, setup_dirs, teardown_dirs),
    cmocka_unit_test_setup_teardown (test_refuse_through_symlink, setup_dirs, teardown_dirs),
    cmocka_unit_test_setup_teardown (test_refuse_hardlink_out, setup_dirs, teardown_dirs),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
