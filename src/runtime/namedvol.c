/* Named volumes: see namedvol.h. */
#include "runtime/namedvol.h"
#include "image/unpack.h"
#include "runtime/pod.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static char *
vol_dir (pp_context_t *ctx, const char *name)
{
  return xasprintf ("%s/volumes/%s", ctx->root, name);
}

char *
pp_namedvol_data (pp_context_t *ctx, const char *name)
{
  return xasprintf ("%s/volumes/%s/_data", ctx->root, name);
}

bool
pp_namedvol_exists (pp_context_t *ctx, const char *name)
{
  cleanup_free char *dir = vol_dir (ctx, name);
  cleanup_free char *desc = xasprintf ("%s/volume.json", dir);
  return access (desc, F_OK) == 0;
}

int
pp_namedvol_create (pp_context_t *ctx, const char *name, const char *play_file, bool *created, pp_error_t *err)
{
  *created = false;
  if (pp_namedvol_exists (ctx, name))
    return 0;
  cleanup_free char *data = pp_namedvol_data (ctx, name);
  cleanup_free char *dir = vol_dir (ctx, name);
  if (pp_mkdir_p (data, 0755) < 0)
    return pp_error_make (err, errno, "create volume `%s`", name);
  json_t *desc = json_pack ("{s:s, s:I, s:s?}", "name", name, "created", (json_int_t) time (NULL), "playFile",
                            play_file);
  cleanup_free char *path = xasprintf ("%s/volume.json", dir);
  cleanup_free char *tmp = xasprintf ("%s/.volume.json.tmp", dir);
  int r = json_dump_file (desc, tmp, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  json_decref (desc);
  if (r < 0 || rename (tmp, path) < 0)
    return pp_error_make (err, errno, "write `%s`", path);
  *created = true;
  return 0;
}

/* The pods whose pod.json names the volume. */
static json_t *
users_of (pp_context_t *ctx, const char *name)
{
  json_t *users = json_array ();
  cleanup_free char *pods = xasprintf ("%s/pods", ctx->root);
  cleanup_dir DIR *d = opendir (pods);
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.')
        continue;
      json_t *plan = pp_pod_read_plan (ctx, de->d_name, NULL);
      if (plan == NULL)
        {
          /* A pod being made (or one that cannot be read) may mount it. */
          json_array_append_new (users, json_string (de->d_name));
          continue;
        }
      size_t i;
      json_t *v;
      json_array_foreach (json_object_get (plan, "namedVolumes"), i, v)
      {
        if (strcmp (json_string_value (v) ?: "", name) == 0)
          json_array_append_new (users, json_string (json_string_value (json_object_get (plan, "name")) ?: de->d_name));
      }
      json_decref (plan);
    }
  return users;
}

json_t *
pp_namedvol_list (pp_context_t *ctx, pp_error_t *err)
{
  (void) err;
  json_t *out = json_array ();
  cleanup_free char *root = xasprintf ("%s/volumes", ctx->root);
  struct dirent **names = NULL;
  int n = scandir (root, &names, NULL, alphasort);
  for (int i = 0; i < n; i++)
    {
      cleanup_free char *desc_path = xasprintf ("%s/%s/volume.json", root, names[i]->d_name);
      json_t *desc = names[i]->d_name[0] == '.' ? NULL : json_load_file (desc_path, 0, NULL);
      if (desc)
        {
          cleanup_free char *data = pp_namedvol_data (ctx, names[i]->d_name);
          json_object_set_new (desc, "mountpoint", json_string (data));
          json_object_set_new (desc, "usedBy", users_of (ctx, names[i]->d_name));
          json_array_append_new (out, desc);
        }
      free (names[i]);
    }
  free (names);
  return out;
}

int
pp_namedvol_remove (pp_context_t *ctx, const char *name, pp_error_t *err)
{
  if (!pp_namedvol_exists (ctx, name))
    return pp_error_make (err, ENOENT, "no volume `%s`", name);
  json_t *users = users_of (ctx, name);
  size_t n = json_array_size (users);
  cleanup_free char *first = n ? xstrdup (json_string_value (json_array_get (users, 0))) : NULL;
  json_decref (users);
  if (n)
    return pp_error_make (err, EBUSY, "volume `%s` is used by pod %s: remove the pod first", name, first);
  cleanup_free char *dir = vol_dir (ctx, name);
  if (pp_remove_tree (AT_FDCWD, dir) < 0)
    return pp_error_make (err, errno, "remove `%s`", dir);
  return 0;
}
