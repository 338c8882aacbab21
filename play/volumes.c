/* A pod's volumes: see volumes.h. */
#include "play/volumes.h"
#include "runtime/mounts.h"
#include "runtime/namedvol.h"
#include "runtime/pod.h"
#include "runtime/rootfs.h"
#include "runtime/subpath.h"
#include "schema/checks.h"
#include "core/safepath.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static const char *
str_of (const pp_node_t *n, const char *key)
{
  return pp_node_str (pp_node_get (n, key));
}

static bool
true_at (const pp_node_t *n, const char *key)
{
  const pp_node_t *v = pp_node_get (n, key);
  return v && v->type == PP_NODE_SCALAR && v->tag == PP_TAG_BOOL && strcasecmp (v->u.str, "true") == 0;
}

static bool
int_of (const pp_node_t *n, const char *key, int64_t *out)
{
  const pp_node_t *v = pp_node_get (n, key);
  return v && v->type == PP_NODE_SCALAR && v->tag == PP_TAG_INT && pp_parse_int (v->u.str, out);
}

static const pp_node_t *
find_named (const pp_node_t *const *v, size_t n, const char *name)
{
  for (size_t i = 0; name && i < n; i++)
    if (strcmp (str_of (pp_node_get (v[i], "metadata"), "name") ?: "", name) == 0)
      return v[i];
  return NULL;
}

static char *
host_path (const char *dir, const char *path)
{
  return path[0] == '/' ? xstrdup (path) : xasprintf ("%s/%s", dir, path);
}

/* FileOrCreate as the kubelet makes it: an empty file, 0644, when nothing is at the path, in a directory that must
   be there already; what is there is left for the type's check. */
static int
create_host_file (const char *path)
{
  struct stat st;
  if (stat (path, &st) == 0 || errno != ENOENT)
    return 0;
  int fd = open (path, O_RDONLY | O_CREAT | O_NOCTTY | O_CLOEXEC, 0644);
  if (fd < 0)
    return -1;
  close (fd);
  return 0;
}

/* The checks of a hostPath `type`, on what is there now; NULL when they pass. */
static const char *
host_path_problem (const char *path, const char *type)
{
  struct stat st;
  bool exists = stat (path, &st) == 0;
  if (type == NULL || *type == '\0')
    return NULL;
  if (strcmp (type, "DirectoryOrCreate") == 0)
    return exists && !S_ISDIR (st.st_mode) ? "exists and is not a directory" : NULL;
  if (strcmp (type, "FileOrCreate") == 0)
    {
      if (exists)
        return S_ISREG (st.st_mode) ? NULL : "exists and is not a file";
      /* The kubelet makes the file alone (an O_CREAT open), never the directories above it. */
      cleanup_free char *parent = xstrdup (path);
      char *slash = strrchr (parent, '/');
      if (slash)
        *(slash == parent ? slash + 1 : slash) = '\0';
      return stat (slash ? parent : ".", &st) == 0 && S_ISDIR (st.st_mode)
                 ? NULL
                 : "cannot be made: its directory does not exist (FileOrCreate makes the file, not its directories)";
    }
  if (!exists)
    return "does not exist";
  static const struct
  {
    const char *type;
    mode_t fmt;
    const char *what;
  } kinds[] = { { "Directory", S_IFDIR, "is not a directory" },     { "File", S_IFREG, "is not a file" },
                { "Socket", S_IFSOCK, "is not a socket" },          { "CharDevice", S_IFCHR, "is not a character device" },
                { "BlockDevice", S_IFBLK, "is not a block device" } };
  for (size_t i = 0; i < PP_N_ELEMENTS (kinds); i++)
    if (strcmp (type, kinds[i].type) == 0)
      return (st.st_mode & S_IFMT) == kinds[i].fmt ? NULL : kinds[i].what;
  return NULL;
}

/* A ConfigMap or Secret a volume (or a projected source) reads: present, or optional; its items' keys there. */
static int
check_object_source (const pp_play_objects_t *objs, const pp_env_pod_t *pod, const char *name, const pp_node_t *src,
                     bool cm, const char *name_key, pp_error_t *err)
{
  const char *oname = str_of (src, name_key) ?: "";
  const pp_node_t *obj = cm ? find_named (objs->configmaps, objs->n_configmaps, oname)
                            : find_named (objs->secrets, objs->n_secrets, oname);
  if (obj == NULL && !true_at (src, "optional"))
    return pp_error_make (err, 0, "%s:%u:%u: %s: volume %s: %s `%s` is not in the play (and optional is not true)",
                          pod->file, src->line, src->col, pod->where, name, cm ? "ConfigMap" : "Secret", oname);
  const pp_node_t *items = pp_node_get (src, "items");
  const pp_node_t *data = pp_node_get (obj, "data"), *sdata = pp_node_get (obj, cm ? "binaryData" : "stringData");
  for (size_t k = 0; obj && items && items->type == PP_NODE_SEQ && k < items->n; k++)
    {
      const char *key = str_of (items->u.items[k], "key") ?: "";
      if (!pp_node_get (data, key) && !pp_node_get (sdata, key) && !true_at (src, "optional"))
        return pp_error_make (err, 0, "%s:%u:%u: %s: volume %s: %s `%s` has no key `%s`", pod->file,
                              items->u.items[k]->line, items->u.items[k]->col, pod->where, name,
                              cm ? "ConfigMap" : "Secret", oname, key);
    }
  return 0;
}

/* The items of a downwardAPI volume or source, read once to find what cannot be. */
static int
check_downward (const pp_env_pod_t *pod, const char *name, const pp_node_t *src, pp_error_t *err)
{
  const pp_node_t *items = pp_node_get (src, "items");
  for (size_t k = 0; items && items->type == PP_NODE_SEQ && k < items->n; k++)
    {
      cleanup_free char *what = xasprintf ("volume %s, item %s", name, str_of (items->u.items[k], "path") ?: "");
      cleanup_free char *v = pp_downward_value (pod, NULL, items->u.items[k], what, err);
      if (v == NULL)
        return -1;
    }
  return 0;
}

/* The sources of a projected volume: ConfigMaps and Secrets as for their own volumes, downward API items;
   serviceAccountToken, clusterTrustBundle and podCertificate need an API server, which one machine has not. */
static int
check_projected (const pp_play_objects_t *objs, const pp_env_pod_t *pod, const char *name, const pp_node_t *proj,
                 pp_diags_t *diags, uint32_t doc, pp_error_t *err)
{
  const pp_node_t *sources = pp_node_get (proj, "sources"), *src;
  for (size_t k = 0; sources && sources->type == PP_NODE_SEQ && k < sources->n; k++)
    {
      const pp_node_t *one = sources->u.items[k];
      if ((src = pp_node_get (one, "configMap")) || (src = pp_node_get (one, "secret")))
        {
          if (check_object_source (objs, pod, name, src, pp_node_get (one, "configMap") != NULL, "name", err) < 0)
            return -1;
        }
      else if ((src = pp_node_get (one, "downwardAPI")))
        {
          if (check_downward (pod, name, src, err) < 0)
            return -1;
        }
      else if ((src = pp_node_get (one, "serviceAccountToken")) || (src = pp_node_get (one, "clusterTrustBundle")))
        pp_diags_add (diags, PP_DIAG_WARNING, pod->file, doc, src->line, src->col, NULL,
                      "%s: volume %s: a %s source needs an API server, which kube play has not: nothing is written "
                      "at `%s` (the volume's other sources are)",
                      pod->where, name,
                      pp_node_get (one, "serviceAccountToken") ? "serviceAccountToken" : "clusterTrustBundle",
                      str_of (src, "path") ?: "");
      else if ((src = pp_node_get (one, "podCertificate")))
        pp_diags_add (diags, PP_DIAG_WARNING, pod->file, doc, src->line, src->col, NULL,
                      "%s: volume %s: a podCertificate source needs a signer behind an API server, which kube play "
                      "has not: nothing is written at `%s` (the volume's other sources are)",
                      pod->where, name,
                      str_of (src, "credentialBundlePath") ?: str_of (src, "certificateChainPath")
                                                                ?: str_of (src, "keyPath") ?: "");
    }
  return 0;
}

/* mountPropagation: Bidirectional lets a container mount onto the host, so Kubernetes allows it to privileged
   containers only. */
static int
check_propagation (const pp_env_pod_t *pod, const pp_node_t *ctr, const pp_node_t *vm, pp_error_t *err)
{
  const pp_node_t *prop = pp_node_get (vm, "mountPropagation");
  if (prop == NULL || strcmp (pp_node_str (prop) ?: "", "Bidirectional") != 0
      || true_at (pp_node_get (ctr, "securityContext"), "privileged"))
    return 0;
  return pp_error_make (err, 0,
                        "%s:%u:%u: %s, container %s: volumeMounts %s: mountPropagation: Bidirectional is only "
                        "allowed for a privileged container (securityContext.privileged: true)",
                        pod->file, prop->line, prop->col, pod->where, str_of (ctr, "name") ?: "",
                        str_of (vm, "name") ?: "");
}

int
pp_volumes_check (pp_context_t *ctx, const pp_play_objects_t *objs, const pp_env_pod_t *pod, const char *dir, pp_diags_t *diags,
                  uint32_t doc, pp_error_t *err)
{
  const pp_node_t *vols = pp_node_get (pod->spec, "volumes");
  for (size_t i = 0; vols && vols->type == PP_NODE_SEQ && i < vols->n; i++)
    {
      const pp_node_t *v = vols->u.items[i], *src;
      const char *name = str_of (v, "name") ?: "";
      if ((src = pp_node_get (v, "configMap")) || (src = pp_node_get (v, "secret")))
        {
          bool cm = pp_node_get (v, "configMap") != NULL;
          if (check_object_source (objs, pod, name, src, cm, cm ? "name" : "secretName", err) < 0)
            return -1;
        }
      if ((src = pp_node_get (v, "downwardAPI")) && check_downward (pod, name, src, err) < 0)
        return -1;
      if ((src = pp_node_get (v, "projected")) && check_projected (objs, pod, name, src, diags, doc, err) < 0)
        return -1;
      if ((src = pp_node_get (v, "persistentVolumeClaim")))
        {
          const char *claim = str_of (src, "claimName") ?: "";
          if (find_named (objs->claims, objs->n_claims, claim) == NULL && !pp_namedvol_exists (ctx, claim))
            return pp_error_make (err, 0,
                                  "%s:%u:%u: %s: volume %s: PersistentVolumeClaim `%s` is neither in the play nor a "
                                  "volume of this machine (`podplay volume ls`)",
                                  pod->file, src->line, src->col, pod->where, name, claim);
        }
      if ((src = pp_node_get (v, "hostPath")))
        {
          const char *path = str_of (src, "path") ?: "";
          const char *type = str_of (src, "type");
          /* A relative path was warned about by the validator; it starts at the file's folder. */
          cleanup_free char *full = host_path (dir, path);
          const char *problem = host_path_problem (full, type);
          if (problem)
            return pp_error_make (err, 0, "%s:%u:%u: %s: volume %s: hostPath `%s` (type %s) %s", pod->file,
                                  src->line, src->col, pod->where, name, full, type, problem);
        }
    }
  static const char *const lists[] = { "initContainers", "containers" };
  for (size_t l = 0; l < PP_N_ELEMENTS (lists); l++)
    {
      const pp_node_t *cs = pp_node_get (pod->spec, lists[l]);
      for (size_t c = 0; cs && cs->type == PP_NODE_SEQ && c < cs->n; c++)
        {
          const pp_node_t *mounts = pp_node_get (cs->u.items[c], "volumeMounts");
          for (size_t m = 0; mounts && mounts->type == PP_NODE_SEQ && m < mounts->n; m++)
            {
              const pp_node_t *vm = mounts->u.items[m];
              const char *vname = str_of (vm, "name") ?: "";
              bool found = false;
              for (size_t i = 0; vols && vols->type == PP_NODE_SEQ && i < vols->n && !found; i++)
                found = strcmp (str_of (vols->u.items[i], "name") ?: "", vname) == 0;
              if (!found)
                return pp_error_make (err, 0, "%s:%u:%u: %s: volumeMounts: no volume `%s` in the pod", pod->file,
                                      vm->line, vm->col, pod->where, vname);
              if (check_propagation (pod, cs->u.items[c], vm, err) < 0)
                return -1;
            }
        }
    }
  return 0;
}

/* Creates `rel` (a relative path of the volume, maybe with directories) under the directory `dirfd`, never
   following a symlink nor leaving it (core/safepath), and writes `data` with `mode`.  `.` steps and doubled or
   trailing slashes are dropped first, as the kubelet cleans an item's path before it writes it (a/./b is a/b). */
static int
write_item (int dirfd, const char *rel, const char *data, size_t len, mode_t mode, int64_t gid, pp_error_t *err)
{
  cleanup_free char *copy = xstrdup (rel);
  pp_buf_t clean = { 0 };
  pp_buf_puts (&clean, "");
  char *save = NULL;
  for (char *c = strtok_r (copy, "/", &save); c; c = strtok_r (NULL, "/", &save))
    if (strcmp (c, "..") == 0)
      {
        pp_buf_free (&clean);
        return pp_error_make (err, 0, "path `%s` leaves its volume", rel);
      }
    else if (strcmp (c, ".") != 0)
      pp_buf_printf (&clean, "%s%s", clean.len ? "/" : "", c);
  cleanup_free char *parent = clean.data;
  char *slash = strrchr (parent, '/');
  const char *base = slash ? slash + 1 : parent;
  if (slash)
    *slash = '\0';
  cleanup_close int dir = pp_mkdir_at (dirfd, slash ? parent : "", 0755);
  int flags = O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC;
  cleanup_close int f = dir >= 0 && *base ? openat (dir, base, flags, mode) : -1;
  if (f < 0)
    return pp_error_make (err, *base ? errno : EINVAL, "write `%s`", rel);
  bool ok = write (f, data, len) == (ssize_t) len && fchmod (f, mode) == 0;
  if (gid >= 0 && fchown (f, (uid_t) -1, (gid_t) gid) < 0)
    ok = false;
  return ok ? 0 : pp_error_make (err, errno, "write `%s`", rel);
}

/* A Secret's value decoded, or a ConfigMap's as it is; NULL when the key is not there. */
static char *
object_value (const pp_node_t *obj, bool secret, const char *key, size_t *len)
{
  const char *plain = str_of (pp_node_get (obj, secret ? "stringData" : "data"), key);
  if (plain)
    {
      *len = strlen (plain);
      return xstrdup (plain);
    }
  const char *b64 = str_of (pp_node_get (obj, secret ? "data" : "binaryData"), key);
  if (b64 == NULL)
    return NULL;
  return pp_base64_decode (b64, strlen (b64), len);
}

/* The keys of a ConfigMap or Secret (or its items) as files with their modes. */
static int
fill_object (int dirfd, const pp_node_t *items, const pp_node_t *obj, bool secret, int64_t mode, int64_t gid,
             pp_error_t *err)
{
  if (items && items->type == PP_NODE_SEQ)
    {
      for (size_t k = 0; k < items->n; k++)
        {
          const pp_node_t *it = items->u.items[k];
          const char *key = str_of (it, "key") ?: "";
          size_t len = 0;
          cleanup_free char *v = object_value (obj, secret, key, &len);
          int64_t m = mode;
          int_of (it, "mode", &m);
          if (v && write_item (dirfd, str_of (it, "path") ?: key, v, len, (mode_t) (m & 07777), gid, err) < 0)
            return -1;
        }
      return 0;
    }
  static const char *const maps[2][2] = { { "data", "binaryData" }, { "data", "stringData" } };
  for (size_t mi = 0; mi < 2; mi++)
    {
      const pp_node_t *data = pp_node_get (obj, maps[secret][mi]);
      for (size_t k = 0; data && data->type == PP_NODE_MAP && k < data->n; k++)
        {
          const char *key = pp_node_str (data->u.pairs[k].key) ?: "";
          size_t len = 0;
          cleanup_free char *v = object_value (obj, secret, key, &len);
          if (v && write_item (dirfd, key, v, len, (mode_t) (mode & 07777), gid, err) < 0)
            return -1;
        }
    }
  return 0;
}

/* The items of a downwardAPI volume or source: fields of the pod and resources of its containers, as files. */
static int
fill_downward (int dirfd, const pp_env_pod_t *pod, const char *name, const pp_node_t *src, int64_t mode, int64_t gid,
               pp_error_t *err)
{
  const pp_node_t *items = pp_node_get (src, "items");
  for (size_t k = 0; items && items->type == PP_NODE_SEQ && k < items->n; k++)
    {
      const pp_node_t *it = items->u.items[k];
      const char *path = str_of (it, "path") ?: "";
      cleanup_free char *what = xasprintf ("volume %s, item %s", name, path);
      cleanup_free char *v = pp_downward_value (pod, NULL, it, what, err);
      int64_t m = mode;
      int_of (it, "mode", &m);
      if (v == NULL || write_item (dirfd, path, v, strlen (v), (mode_t) (m & 07777), gid, err) < 0)
        return -1;
    }
  return 0;
}

/* What a configMap, secret, downwardAPI or projected volume holds, written under `dirfd`. */
static int
fill_files (int dirfd, const pp_play_objects_t *objs, const pp_env_pod_t *pod, const char *name, const pp_node_t *v,
            int64_t gid, pp_error_t *err)
{
  const pp_node_t *src;
  int64_t mode = 0644;
  if ((src = pp_node_get (v, "configMap")) || (src = pp_node_get (v, "secret")))
    {
      bool cm = pp_node_get (v, "configMap") != NULL;
      const char *oname = str_of (src, cm ? "name" : "secretName") ?: "";
      const pp_node_t *obj = cm ? find_named (objs->configmaps, objs->n_configmaps, oname)
                                : find_named (objs->secrets, objs->n_secrets, oname);
      int_of (src, "defaultMode", &mode);
      return obj ? fill_object (dirfd, pp_node_get (src, "items"), obj, !cm, mode, gid, err) : 0;
    }
  if ((src = pp_node_get (v, "downwardAPI")))
    {
      int_of (src, "defaultMode", &mode);
      return fill_downward (dirfd, pod, name, src, mode, gid, err);
    }
  /* A projected volume: its sources one after the other in one directory, under its defaultMode. */
  const pp_node_t *proj = pp_node_get (v, "projected");
  const pp_node_t *sources = pp_node_get (proj, "sources");
  int_of (proj, "defaultMode", &mode);
  for (size_t k = 0; sources && sources->type == PP_NODE_SEQ && k < sources->n; k++)
    {
      const pp_node_t *one = sources->u.items[k];
      if ((src = pp_node_get (one, "configMap")) || (src = pp_node_get (one, "secret")))
        {
          bool cm = pp_node_get (one, "configMap") != NULL;
          const char *oname = str_of (src, "name") ?: "";
          const pp_node_t *obj = cm ? find_named (objs->configmaps, objs->n_configmaps, oname)
                                    : find_named (objs->secrets, objs->n_secrets, oname);
          if (obj && fill_object (dirfd, pp_node_get (src, "items"), obj, !cm, mode, gid, err) < 0)
            return -1;
        }
      else if ((src = pp_node_get (one, "downwardAPI")) && fill_downward (dirfd, pod, name, src, mode, gid, err) < 0)
        return -1;
      /* serviceAccountToken, clusterTrustBundle and podCertificate: nothing, as the check warned. */
    }
  return 0;
}

size_t
pp_volumes_images (const pp_node_t *spec, pp_volume_image_t **out)
{
  const pp_node_t *vols = pp_node_get (spec, "volumes"), *src;
  size_t n = 0;
  *out = xzalloc (((vols && vols->type == PP_NODE_SEQ ? vols->n : 0) + 1) * sizeof **out);
  for (size_t i = 0; vols && vols->type == PP_NODE_SEQ && i < vols->n; i++)
    if ((src = pp_node_get (vols->u.items[i], "image")))
      (*out)[n++] = (pp_volume_image_t){ str_of (vols->u.items[i], "name") ?: "", str_of (src, "reference") ?: "",
                                         str_of (src, "pullPolicy"), src };
  return n;
}

int
pp_volumes_create (pp_context_t *ctx, const char *pod_id, const pp_play_objects_t *objs, const pp_env_pod_t *pod,
                   const char *dir, int64_t fs_group, const char *const *image_ids, pp_volumes_t *out, pp_error_t *err)
{
  memset (out, 0, sizeof *out);
  out->tmpfs = json_array ();
  out->claims = json_array ();
  out->images = json_array ();
  out->shared = json_array ();
  out->subpaths = json_object ();
  out->subpath_dir = pp_subpath_dir (ctx, pod_id);
  const pp_node_t *vols = pp_node_get (pod->spec, "volumes");
  size_t n = vols && vols->type == PP_NODE_SEQ ? vols->n : 0, n_images = 0;
  out->v = xzalloc ((n + 1) * sizeof (pp_volume_t));
  for (size_t i = 0; i < n; i++)
    {
      const pp_node_t *v = vols->u.items[i], *src;
      pp_volume_t *vol = &out->v[out->n++];
      vol->name = str_of (v, "name") ?: "";
      if ((src = pp_node_get (v, "persistentVolumeClaim")))
        {
          const char *claim = str_of (src, "claimName") ?: "";
          vol->source = pp_namedvol_data (ctx, claim);
          vol->readonly = true_at (src, "readOnly");
          vol->claim = true;
          json_array_append_new (out->claims, json_string (claim));
          continue;
        }
      if ((src = pp_node_get (v, "hostPath")))
        {
          vol->source = host_path (dir, str_of (src, "path") ?: "");
          const char *type = str_of (src, "type") ?: "";
          if (strcmp (type, "DirectoryOrCreate") == 0 && pp_mkdir_p (vol->source, 0755) < 0)
            return pp_error_make (err, errno, "%s: volume %s: create `%s`", pod->where, vol->name, vol->source);
          if (strcmp (type, "FileOrCreate") == 0 && create_host_file (vol->source) < 0)
            return pp_error_make (err, errno, "%s: volume %s: hostPath `%s` (type FileOrCreate): create", pod->where,
                                  vol->name, vol->source);
          const char *problem = host_path_problem (vol->source, type);
          if (problem)
            return pp_error_make (err, 0, "%s: volume %s: hostPath `%s` (type %s) %s", pod->where, vol->name,
                                  vol->source, type, problem);
          continue;
        }
      vol->source = xasprintf ("%s/pods/%s/volumes/%s", ctx->root, pod_id, vol->name);
      if (pp_mkdir_p (vol->source, 0777) < 0)
        return pp_error_make (err, errno, "create `%s`", vol->source);
      if ((src = pp_node_get (v, "emptyDir")))
        {
          /* World-writable as the kubelet makes it; with fsGroup, the group's and set-group-id. */
          chmod (vol->source, fs_group >= 0 ? 02775 : 0777);
          if (fs_group >= 0 && chown (vol->source, (uid_t) -1, (gid_t) fs_group) < 0)
            return pp_error_make (err, errno, "chown `%s`", vol->source);
          if (strcmp (str_of (src, "medium") ?: "", "Memory") == 0)
            {
              pp_quantity_t q = { 0 };
              const char *limit = str_of (src, "sizeLimit");
              if (limit == NULL || pp_quantity_parse (limit, &q) != NULL || q.value <= 0)
                q.value = 0;
              cleanup_free char *opts = q.value > 0 ? xasprintf ("mode=%o,size=%.0Lf", fs_group >= 0 ? 02775 : 01777,
                                                                  q.value)
                                                    : xasprintf ("mode=%o", fs_group >= 0 ? 02775 : 01777);
              /* A pod that gets new containers (`run --pod`) keeps the memory its containers wrote. */
              if (!pp_path_is_mounted (vol->source) && pp_pod_mount_tmpfs (vol->source, opts, err) < 0)
                return -1;
              if (fs_group >= 0 && chown (vol->source, (uid_t) -1, (gid_t) fs_group) < 0)
                return pp_error_make (err, errno, "chown `%s`", vol->source);
              json_array_append_new (out->tmpfs, json_pack ("{s:s, s:s}", "path", vol->source, "options", opts));
            }
          continue;
        }
      if ((src = pp_node_get (v, "image")))
        {
          /* The image's layers, read-only and noexec as the kubelet mounts an image volume. */
          const char *id = image_ids ? image_ids[n_images++] : NULL;
          vol->readonly = vol->noexec = true;
          if (id == NULL
              || (!pp_path_is_mounted (vol->source) && pp_pod_mount_image_volume (ctx, id, vol->source, err) < 0))
            return id ? pp_error_wrap (err, "%s: volume %s", pod->where, vol->name)
                      : pp_error_make (err, 0, "%s: volume %s: its image was not resolved", pod->where, vol->name);
          json_array_append_new (out->images,
                                 json_pack ("{s:s, s:s, s:s}", "name", vol->name, "id", id, "path", vol->source));
          continue;
        }
      if (pp_node_get (v, "configMap") || pp_node_get (v, "secret") || pp_node_get (v, "downwardAPI")
          || pp_node_get (v, "projected"))
        {
          vol->readonly = true;
          cleanup_close int dfd = open (vol->source, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (dfd < 0)
            return pp_error_make (err, errno, "open `%s`", vol->source);
          if (fill_files (dfd, objs, pod, vol->name, v, fs_group, err) < 0)
            return pp_error_wrap (err, "%s: volume %s", pod->where, vol->name);
          chmod (vol->source, 0755);
        }
    }
  return 0;
}

void
pp_volumes_release (pp_volumes_t *v)
{
  for (size_t i = 0; i < v->n; i++)
    free (v->v[i].source);
  free (v->v);
  json_decref (v->tmpfs);
  json_decref (v->claims);
  json_decref (v->idmapped);
  json_decref (v->images);
  json_decref (v->shared);
  json_decref (v->subpaths);
  free (v->subpath_dir);
  memset (v, 0, sizeof *v);
}

/* Whether `path` is on a mount with shared propagation, by /proc/self/mountinfo: the mount whose mount point is
   the longest prefix of the path. */
static bool
on_shared_mount (const char *path)
{
  cleanup_file FILE *f = fopen ("/proc/self/mountinfo", "re");
  char line[4096], mp[4096], best_opts[4096] = "";
  size_t best = 0;
  while (f && fgets (line, sizeof line, f))
    {
      /* id parent major:minor root mount-point options [optional fields...] - type source super-options */
      int off = 0;
      if (sscanf (line, "%*s %*s %*s %*s %4095s %*s%n", mp, &off) != 1)
        continue;
      size_t len = strlen (mp);
      bool under = strcmp (mp, "/") == 0 || (strncmp (path, mp, len) == 0 && (path[len] == '/' || path[len] == '\0'));
      if (under && len >= best)
        {
          best = len;
          snprintf (best_opts, sizeof best_opts, "%s", line + off);
        }
    }
  char *dash = strstr (best_opts, " - ");
  if (dash)
    *dash = '\0';
  return strstr (best_opts, " shared:") != NULL;
}

/* HostToContainer and Bidirectional need the source to be a shared mount, else nothing the host mounts under it
   reaches the container (and Bidirectional's mounts never reach the host).  The kubelet expects the node to have
   made it so (systemd makes / shared); Podman and CRI-O's `:rshared`/`:rslave` do as here: when the source is not
   on a shared mount, it becomes a shared bind mount of itself.  That bind is recorded in `shared` (pod.json's
   sharedMounts), and the pod's teardown removes it. */
static int
ensure_shared (const char *source, json_t *shared, pp_error_t *err)
{
  char real[PATH_MAX];
  if (realpath (source, real) == NULL)
    return pp_error_make (err, errno, "resolve `%s`", source);
  if (on_shared_mount (real))
    return 0;
  if (pp_mount_share_path (real) < 0)
    return pp_error_make (err, errno, "make `%s` a shared mount of its own", real);
  json_array_append_new (shared, json_string (real));
  return 0;
}

/* subPathExpr: $(VAR) of the container's environment, then a subPath like any other, checked as the validator
   checks a subPath once expanded; NULL with err set when it leaves its volume. */
static char *
sub_path_expr (const pp_env_pod_t *pod, const pp_node_t *vm, char *const *env, pp_error_t *err)
{
  const pp_node_t *expr = pp_node_get (vm, "subPathExpr");
  char *expanded = pp_expand_vars (pp_node_str (expr) ?: "", env);
  const char *why = *expanded ? pp_check_path (expanded, true) : NULL;
  if (why == NULL)
    return expanded;
  pp_error_make (err, 0, "%s:%u:%u: %s: volumeMounts %s: subPathExpr expands to `%s`, which %s", pod->file, expr->line,
                 expr->col, pod->where, str_of (vm, "name") ?: "", expanded, why);
  free (expanded);
  return NULL;
}

/* A subPath (or expanded subPathExpr) `sub` of volumeMounts[`index`]: checked now, where play can name its place in
   the file, and recorded in vols->subpaths for the monitor to resolve again and bind at each start of the
   container (pp_subpath_stage).  The staging point that config.json names as the source, or NULL with err set. */
static char *
sub_path_stage (const pp_volumes_t *vols, const pp_env_pod_t *pod, const pp_node_t *ctr, size_t index,
                const pp_volume_t *vol, const char *sub, pp_error_t *err)
{
  const pp_node_t *vm = pp_node_get (ctr, "volumeMounts")->u.items[index];
  const char *key = pp_node_get (vm, "subPathExpr") ? "subPathExpr" : "subPath";
  const pp_node_t *at = pp_node_get (vm, key);
  const char *cname = str_of (ctr, "name") ?: "";
  cleanup_free char *field = xasprintf ("container %s: volumeMounts[%zu].%s", cname, index, key);
  int fd = pp_subpath_open (vol->source, sub, err);
  if (fd < 0)
    {
      /* `where` names the pod and the container already. */
      pp_error_wrap (err, "%s:%u:%u: %s: volumeMounts[%zu].%s", pod->file, at->line, at->col, pod->where, index, key);
      return NULL;
    }
  close (fd);
  char *staging = xasprintf ("%s/%s/%zu", vols->subpath_dir, cname, index);
  json_t *list = json_object_get (vols->subpaths, cname);
  if (list == NULL)
    json_object_set_new (vols->subpaths, cname, list = json_array ());
  json_array_append_new (list, json_pack ("{s:s, s:s, s:s, s:s}", "volume", vol->source, "subPath", sub, "staging",
                                          staging, "field", field));
  return staging;
}

int
pp_volume_mounts_check (const pp_env_pod_t *pod, const pp_node_t *ctr, char *const *env, pp_error_t *err)
{
  const pp_node_t *vms = pp_node_get (ctr, "volumeMounts");
  for (size_t i = 0; vms && vms->type == PP_NODE_SEQ && i < vms->n; i++)
    if (pp_node_str (pp_node_get (vms->u.items[i], "subPathExpr")))
      {
        char *expanded = sub_path_expr (pod, vms->u.items[i], env, err);
        if (expanded == NULL)
          return -1;
        free (expanded);
      }
  return 0;
}

int
pp_volume_mounts (const pp_volumes_t *vols, const pp_env_pod_t *pod, const pp_node_t *ctr, char *const *env,
                  pp_bundle_mount_t **mounts, size_t *n, char ***owned, pp_error_t *err)
{
  const pp_node_t *vms = pp_node_get (ctr, "volumeMounts");
  size_t cap = vms && vms->type == PP_NODE_SEQ ? vms->n : 0;
  *mounts = xzalloc ((cap + 1) * sizeof (pp_bundle_mount_t));
  *owned = xzalloc ((2 * cap + 1) * sizeof (char *));
  *n = 0;
  size_t n_owned = 0;
  for (size_t i = 0; i < cap; i++)
    {
      const pp_node_t *vm = vms->u.items[i];
      const char *name = str_of (vm, "name") ?: "";
      const pp_volume_t *vol = NULL;
      for (size_t k = 0; k < vols->n && vol == NULL; k++)
        if (strcmp (vols->v[k].name, name) == 0)
          vol = &vols->v[k];
      if (vol == NULL || vol->source == NULL)
        continue;
      const char *source = vol->source;
      const char *sub = str_of (vm, "subPath");
      const pp_node_t *expr = pp_node_get (vm, "subPathExpr");
      if (expr && pp_node_str (expr))
        {
          char *expanded = (*owned)[n_owned++] = sub_path_expr (pod, vm, env, err);
          if (expanded == NULL)
            return -1;
          sub = expanded;
        }
      if (sub && *sub)
        {
          char *staging = (*owned)[n_owned++] = sub_path_stage (vols, pod, ctr, i, vol, sub, err);
          if (staging == NULL)
            return -1;
          source = staging;
        }
      const char *prop = str_of (vm, "mountPropagation") ?: "None";
      const char *oci = strcmp (prop, "HostToContainer") == 0 ? "rslave"
                        : strcmp (prop, "Bidirectional") == 0 ? "rshared"
                                                              : "rprivate";
      /* A subPath's staging bind is a peer of its volume's mount: the volume is what must be shared. */
      if (strcmp (oci, "rprivate") != 0 && ensure_shared (vol->source, vols->shared, err) < 0)
        return pp_error_wrap (err, "%s:%u:%u: %s: volumeMounts %s: mountPropagation %s", pod->file, vm->line, vm->col,
                              pod->where, name, prop);
      (*mounts)[(*n)++] = (pp_bundle_mount_t){ str_of (vm, "mountPath") ?: "/", source,
                                               vol->readonly || true_at (vm, "readOnly"), oci, vol->noexec };
    }
  return 0;
}
