/* Root filesystems and image volumes: an image's layer directories, which the store hands out, mounted under an
   overlay that takes a container's writes, or read-only.  Apart from pod.c so that the monitor, which never mounts
   an image, does not link the image store. */
#include "runtime/rootfs.h"
#include "core/file.h"
#include "image/store.h"
#include "runtime/mounts.h"
#include "runtime/pod.h"
#include "runtime/userns.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* The overlay of idmapped layers where the kernel takes them neither by descriptor nor as detached mounts (before
   6.13 overlayfs clones each layer with clone_private_mount, which wants a mount of the caller's namespace, EINVAL
   otherwise): each (read-only) is attached under a new `<target>.layers.XXXXXX/N` while the overlay is made, and
   detached again. */
static int
overlay_of_attached (const int *lowers, size_t n, int ufd, int wfd, unsigned long flags, int tfd, const char *target)
{
  cleanup_free char *dir = xasprintf ("%s.layers.XXXXXX", target);
  if (mkdtemp (dir) == NULL)
    return -1;
  int fds[n];
  size_t made = 0;
  int ret = -1;
  for (; made < n; made++)
    {
      char sub[PATH_MAX];
      snprintf (sub, sizeof sub, "%s/%zu", dir, made);
      if (mkdir (sub, 0700) < 0)
        break;
      cleanup_close int at = open (sub, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (at < 0 || pp_mount_move (lowers[made], at) < 0)
        {
          rmdir (sub);
          break;
        }
      if ((fds[made] = open (sub, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
        {
          umount2 (sub, MNT_DETACH);
          rmdir (sub);
          break;
        }
    }
  if (made == n)
    ret = pp_mount_overlay (fds, n, ufd, wfd, flags, tfd);
  int e = errno;
  for (size_t i = 0; i < made; i++)
    {
      char sub[PATH_MAX];
      snprintf (sub, sizeof sub, "%s/%zu", dir, i);
      close (fds[i]);
      umount2 (sub, MNT_DETACH);
      rmdir (sub);
    }
  rmdir (dir);
  errno = e;
  return ret;
}

int
pp_rootfs_mount_layers (const int *layers, size_t n, const char *upper, const char *work, const char *target,
                        int userns_fd, pp_error_t *err)
{
  if (n == 0)
    return pp_error_make (err, 0, "no layer to mount on `%s`", target);
  /* Read-only (no upper directory): what an image volume shows, nothing in it executable, as the kubelet does.  A
     container's root is nodev, as Podman's storage mounts it: a device node an image carries (a block device of
     the host's disk) opens nothing; the devices a container gets are mounts of their own on its /dev. */
  unsigned long ro = upper ? MS_NODEV : MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  cleanup_close int tfd = open (target, O_PATH | O_DIRECTORY | O_CLOEXEC);
  cleanup_close int ufd = upper ? open (upper, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
  cleanup_close int wfd = upper ? open (work, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
  if (tfd < 0 || (upper && (ufd < 0 || wfd < 0)))
    return pp_error_make (err, errno, "open `%s` or its upper and work directories", target);
  int mnt;
  /* Overlay wants two lower layers without an upper one: a single layer is bound instead. */
  if (upper == NULL && n == 1)
    mnt = pp_mount_bind (layers[0], tfd, ro, userns_fd);
  else
    {
      /* The top layer first; idmapped ones are detached mounts of their own, open until the overlay is made. */
      int lowers[n];
      size_t made = 0;
      for (; made < n; made++)
        if ((lowers[made]
             = userns_fd < 0 ? layers[n - 1 - made]
                             : pp_mount_bind (layers[n - 1 - made], -1, MS_RDONLY, userns_fd))
            < 0)
          break;
      mnt = made < n ? -1 : pp_mount_overlay (lowers, n, ufd, wfd, ro, tfd);
      if (mnt < 0 && made == n && userns_fd >= 0 && errno == EINVAL)
        mnt = overlay_of_attached (lowers, n, ufd, wfd, ro, tfd, target);
      int e = errno;
      for (size_t i = 0; userns_fd >= 0 && i < made; i++)
        close (lowers[i]);
      errno = e;
    }
  if (mnt < 0)
    return pp_error_make (err, errno, "mount the layers on `%s`%s", target,
                          userns_fd >= 0 ? " idmapped (mount_setattr MOUNT_ATTR_IDMAP, overlay's lowerdir+)" : "");
  close (mnt);
  return 0;
}

int
pp_rootfs_mount_fuse (const int *layers, size_t n, const char *upper, const char *work, const char *target,
                      uint32_t idbase, const char *logpath, pp_error_t *err)
{
  cleanup_free char *prog = pp_find_program ("fuse-overlayfs");
  if (prog == NULL)
    return pp_error_make (err, ENOENT, "fuse-overlayfs is not installed (apt-get install fuse-overlayfs)");
  if (access ("/dev/fuse", R_OK | W_OK) < 0)
    return pp_error_make (err, errno,
                          "fuse-overlayfs needs /dev/fuse, which this user may not open: give it mode 0666, "
                          "Debian's default (chmod 0666 /dev/fuse as root)");
  /* Its options name directories by path, where `:` and `,` separate them: the layers' paths are the store's own
     (the descriptors' targets), the top layer first. */
  pp_buf_t o = { 0 };
  pp_buf_puts (&o, "lowerdir=");
  for (size_t i = 0; i < n; i++)
    {
      char link[64], path[PATH_MAX];
      snprintf (link, sizeof link, "/proc/self/fd/%d", layers[n - 1 - i]);
      ssize_t len = readlink (link, path, sizeof path - 1);
      if (len < 0)
        {
          pp_buf_free (&o);
          return pp_error_make (err, errno, "find the path of layer %zu", n - i);
        }
      path[len] = '\0';
      if (strpbrk (path, ":,\\"))
        {
          pp_buf_free (&o);
          return pp_error_make (err, EINVAL, "fuse-overlayfs cannot take the layer `%s`: `:`, `,` or `\\` in its path",
                                path);
        }
      pp_buf_printf (&o, "%s%s", i ? ":" : "", path);
    }
  const char *bad = strpbrk (upper, ",\\") ? upper : strpbrk (work, ",\\") ? work : NULL;
  if (bad)
    {
      pp_buf_free (&o);
      return pp_error_make (err, EINVAL, "fuse-overlayfs cannot take `%s`: `,` or `\\` in its path", bad);
    }
  pp_buf_printf (&o, ",upperdir=%s,workdir=%s", upper, work);
  /* Files stored with the container's ids 0... are its namespace's idbase... in the mount (and back). */
  if (idbase)
    pp_buf_printf (&o, ",uidmapping=0:%u:%u,gidmapping=0:%u:%u", idbase, PP_USERNS_SIZE, idbase, PP_USERNS_SIZE);
  char dash_o[] = "-o";
  cleanup_free char *tgt = xstrdup (target);
  char *argv[] = { prog, dash_o, o.data, tgt, NULL };
  pid_t pid;
  unlink (logpath);
  int e = pp_spawn_detached (prog, argv, NULL, logpath, true, NULL, 0, &pid);
  pp_buf_free (&o);
  if (e != 0)
    return pp_error_make (err, e, "start `%s`", prog);
  /* It leaves a process of its own serving the mount, and exits 0 once the mount is made. */
  int st = pp_wait_status (pid);
  if (st != 0)
    {
      char text[512];
      pp_file_first_line (logpath, text, sizeof text);
      return pp_error_make (err, 0, "fuse-overlayfs did not mount `%s` (exit status %d): %s", target, st,
                            *text ? text : "(nothing in its log)");
    }
  return 0;
}

/* An image's layers at `target`, from the store: under an overlay writing to `upper`, or read-only when `upper` is
   NULL; idmapped through the user namespace `userns_fd` unless it is -1.  With `fuse_log` (a container's root),
   fuse-overlayfs mounts them instead when `fuse` says so or the kernel refuses its overlay in a user namespace
   (Linux before 5.11), ids shifted by `fuse_idbase`. */
static int
mount_image (pp_context_t *ctx, const char *image_id, const char *upper, const char *work, const char *target,
             int userns_fd, const char *fuse_log, bool fuse, uint32_t fuse_idbase, pp_error_t *err)
{
  pp_store_t store;
  if (pp_store_open (ctx, &store, err) < 0)
    return -1;
  pp_image_t image;
  if (pp_store_lookup (&store, image_id, &image, err) < 0)
    {
      pp_store_close (&store);
      return -1;
    }
  cleanup_free int *layers = NULL;
  int ret = pp_store_layer_dirs (&store, &image, &layers, err);
  if (ret == 0)
    {
      cleanup_error pp_error_t kernel_err = NULL;
      if (fuse)
        ret = pp_rootfs_mount_fuse (layers, image.n_layers, upper, work, target, fuse_idbase, fuse_log, err);
      else if ((ret = pp_rootfs_mount_layers (layers, image.n_layers, upper, work, target, userns_fd,
                                              fuse_log && ctx->in_userns && ctx->overlay == NULL ? &kernel_err : err))
                   < 0
               && kernel_err && (kernel_err->status == EINVAL || kernel_err->status == EPERM))
        {
          /* The kernel's overlay in a user namespace needs Linux 5.11: fuse-overlayfs serves older ones. */
          ret = pp_rootfs_mount_fuse (layers, image.n_layers, upper, work, target, 0, fuse_log, err);
          if (ret < 0)
            pp_error_wrap (err, "%s; then", kernel_err->msg);
        }
      else if (ret < 0 && kernel_err)
        pp_error_make (err, kernel_err->status, "%s", kernel_err->msg);
      for (size_t i = 0; i < image.n_layers; i++)
        close (layers[i]);
      if (ret < 0)
        pp_error_wrap (err, "image %.12s", image.id);
    }
  pp_image_release (&image);
  pp_store_close (&store);
  return ret;
}

/* Adds search permission for others to `path` (a directory of podplay's), without letting them list it. */
static int
make_searchable (const char *path, pp_error_t *err)
{
  struct stat st;
  if (stat (path, &st) < 0 || ((st.st_mode & 0011) != 0011 && chmod (path, (st.st_mode & 07777) | 0011) < 0))
    return pp_error_make (err, errno, "make `%s` searchable for the pod's root", path);
  return 0;
}

int
pp_ctr_mount_rootfs (pp_context_t *ctx, const char *ctr_id, const char *image_id, const char *pod_id,
                     uint32_t userns_base, pp_error_t *err)
{
  cleanup_free char *rootfs = pp_ctr_rootfs (ctx, ctr_id);
  cleanup_free char *data = pp_ctr_datadir (ctx, ctr_id);
  cleanup_free char *upper = xasprintf ("%s/upper", data);
  cleanup_free char *work = xasprintf ("%s/work", data);
  if (pp_mkdir_p (rootfs, 0755) < 0 || pp_mkdir_p (upper, 0755) < 0 || pp_mkdir_p (work, 0700) < 0)
    return pp_error_make (err, errno, "create the directories of container %.12s", ctr_id);
  /* The pod's root (an OCI runtime enters the root as it) searches its way to the root filesystem. */
  cleanup_free char *ctrs = xasprintf ("%s/containers", ctx->runroot);
  cleanup_free char *ctr = xasprintf ("%s/containers/%s", ctx->runroot, ctr_id);
  if (userns_base
      && (make_searchable (ctx->runroot, err) < 0 || make_searchable (ctrs, err) < 0 || make_searchable (ctr, err) < 0))
    return -1;
  /* A fuse-overlayfs that ended (killed, out of memory) leaves its mount, which answers nothing: it goes. */
  struct stat st;
  if (stat (rootfs, &st) < 0 && errno == ENOTCONN)
    umount2 (rootfs, MNT_DETACH);
  if (pp_path_is_mounted (rootfs))
    return 0;
  cleanup_free char *fuse_log = xasprintf ("%s/fuse-overlayfs.log", data);
  bool fuse = pp_rootfs_fuse (ctx, userns_base);
  if (fuse)
    return mount_image (ctx, image_id, upper, work, rootfs, -1, fuse_log, true, userns_base, err);
  if (userns_base && ctx->in_userns)
    return pp_error_make (err, EPERM,
                          "pod %.12s: hostUsers: false: an ordinary user's pod in a user namespace of its own needs "
                          "fuse-overlayfs for its root (the kernel idmaps no layer for a user), and the configuration "
                          "says overlay = kernel",
                          pod_id);
  /* The pod's root owns the root directory, which the overlay takes from the upper one; the layers are idmapped. */
  cleanup_close int userns = -1;
  if (userns_base && (chown (upper, userns_base, userns_base) < 0 || chown (work, userns_base, userns_base) < 0))
    return pp_error_make (err, errno, "give `%s` to the pod's user namespace", upper);
  if (userns_base && (userns = pp_pod_userns_open (ctx, pod_id, err)) < 0)
    return userns == -2 ? pp_error_make (err, ENOENT, "pod %.12s has no user namespace", pod_id) : -1;
  return mount_image (ctx, image_id, upper, work, rootfs, userns, fuse_log, false, 0, err);
}

bool
pp_rootfs_fuse (const pp_context_t *ctx, uint32_t userns_base)
{
  if (ctx->overlay)
    return strcmp (ctx->overlay, "fuse-overlayfs") == 0;
  return ctx->in_userns && userns_base;
}

int
pp_pod_mount_image_volume (pp_context_t *ctx, const char *image_id, const char *target, pp_error_t *err)
{
  if (pp_mkdir_p (target, 0755) < 0)
    return pp_error_make (err, errno, "create `%s`", target);
  if (pp_path_is_mount_point (target))
    return 0;
  return mount_image (ctx, image_id, NULL, NULL, target, -1, NULL, false, 0, err);
}

int
pp_pod_remount_volumes (pp_context_t *ctx, json_t *plan, pp_error_t *err)
{
  size_t i;
  json_t *v;
  json_array_foreach (json_object_get (plan, "imageVolumes"), i, v)
  {
    const char *id = json_string_value (json_object_get (v, "id"));
    const char *path = json_string_value (json_object_get (v, "path"));
    if (id && path && pp_pod_mount_image_volume (ctx, id, path, err) < 0)
      return -1;
  }
  /* A user-namespaced pod's named volumes, bound idmapped through its user namespace. */
  json_t *claims = json_object_get (plan, "idmappedClaims");
  const char *pod_id = json_string_value (json_object_get (plan, "id"));
  cleanup_close int userns = -1;
  json_array_foreach (claims, i, v)
  {
    const char *source = json_string_value (json_object_get (v, "source"));
    const char *path = json_string_value (json_object_get (v, "path"));
    if (source == NULL || path == NULL || pod_id == NULL || pp_path_is_mount_point (path))
      continue;
    if (userns < 0 && (userns = pp_pod_userns_open (ctx, pod_id, err)) < 0)
      return userns == -2 ? pp_error_make (err, ENOENT, "pod %.12s has no user namespace", pod_id) : -1;
    if (pp_userns_idmapped_bind (source, path, userns, err) < 0)
      return -1;
  }
  /* The shared bind mounts of mountPropagation sources (a reboot dropped them). */
  json_array_foreach (json_object_get (plan, "sharedMounts"), i, v)
  {
    const char *path = json_string_value (v);
    if (path == NULL || pp_path_is_mount_point (path))
      continue;
    if (pp_mount_share_path (path) < 0)
      return pp_error_make (err, errno, "make `%s` a shared mount", path);
  }
  return 0;
}
