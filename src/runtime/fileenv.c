/* Variables from files in volumes (fileKeyRef), set in config.json before each start of a container. */
#include "runtime/fileenv.h"
#include "core/file.h"
#include "core/safepath.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static bool
key_char (char c)
{
  /* Printable ASCII but '=' (the relaxed names of Kubernetes 1.34), no blank. */
  return c > ' ' && c < 127 && c != '=';
}

int
pp_fileenv_lookup (const char *data, size_t len, const char *key, char **value, pp_error_t *err)
{
  const char *p = data, *end = data + len;
  const char *found = NULL; /* the value of the key's last line, copied at the end */
  size_t found_len = 0;
  unsigned line = 1;
  *value = NULL;
  while (p < end)
    {
      while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
      if (p < end && (*p == '\n' || *p == '#'))
        {
          while (p < end && *p != '\n')
            p++;
          p++;
          line++;
          continue;
        }
      if (p >= end)
        break;
      const char *k = p;
      while (p < end && key_char (*p))
        p++;
      size_t klen = (size_t)(p - k);
      if (klen == 0 || p >= end || *p != '=')
        {
          free (*value);
          *value = NULL;
          return pp_error_make (err, 0, "line %u: not KEY='value'", line);
        }
      p++;
      if (p >= end || *p != '\'')
        {
          free (*value);
          *value = NULL;
          return pp_error_make (err, 0, "line %u: the value of %.*s is not in single quotes (%.*s='value')", line,
                                (int)klen, k, (int)klen, k);
        }
      const char *v = ++p;
      unsigned start_line = line;
      while (p < end && *p != '\'')
        if (*p++ == '\n')
          line++;
      if (p >= end)
        {
          free (*value);
          *value = NULL;
          return pp_error_make (err, 0, "line %u: the value of %.*s has no closing quote", start_line, (int)klen, k);
        }
      size_t vlen = (size_t)(p - v);
      p++;
      while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
      if (p < end && *p != '\n')
        {
          free (*value);
          *value = NULL;
          return pp_error_make (err, 0, "line %u: text after the closing quote of %.*s", line, (int)klen, k);
        }
      if (strlen (key) == klen && memcmp (key, k, klen) == 0)
        {
          found = v;
          found_len = vlen;
        }
      p++;
      line++;
    }
  if (found == NULL)
    return 0;
  *value = xstrndup (found, found_len);
  return 1;
}

/* The index of NAME=... in the env array, or -1. */
static ssize_t
env_index (json_t *env, const char *name)
{
  size_t n = strlen (name), i;
  json_t *e;
  json_array_foreach (env, i, e)
  {
    const char *s = json_string_value (e);
    if (s && strncmp (s, name, n) == 0 && s[n] == '=')
      return (ssize_t)i;
  }
  return -1;
}

/* The value of one entry: 1 and *value, 0 when it is left out (optional), -1 with err. */
static int
read_entry (json_t *e, char **value, pp_error_t *err)
{
  const char *name = json_string_value (json_object_get (e, "name")) ?: "";
  const char *volume = json_string_value (json_object_get (e, "volume")) ?: "";
  const char *path = json_string_value (json_object_get (e, "path")) ?: "";
  const char *key = json_string_value (json_object_get (e, "key")) ?: "";
  bool optional = json_is_true (json_object_get (e, "optional"));
  cleanup_close int dir = open (volume, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return pp_error_make (err, errno, "env %s: the volume's folder `%s`", name, volume);
  char *data = NULL;
  size_t len = 0;
  pp_error_t rerr = NULL;
  /* As the container sees the volume: a symlink on the way resolves inside the volume, never out of it; the file
     itself must be a regular file, not a symlink (refused, optional or not) nor a FIFO. */
  cleanup_free char *what = xasprintf ("env %s: file `%s`", name, path);
  if (pp_read_file_at (dir, path, PP_RESOLVE_IN_ROOT, PP_FILEENV_MAX, what, &data, &len, &rerr) < 0)
    {
      if (rerr->status == ENOENT)
        {
          pp_error_release (&rerr);
          return optional ? 0
                          : pp_error_make (err, 0, "env %s: the volume has no file `%s` (and optional is not true)",
                                           name, path);
        }
      *err = rerr;
      return -1;
    }
  pp_error_t perr = NULL;
  int found = pp_fileenv_lookup (data, len, key, value, &perr);
  free (data);
  if (found < 0)
    {
      pp_error_make (err, 0, "env %s: file `%s`: %s", name, path, perr->msg);
      pp_error_release (&perr);
      return -1;
    }
  if (found == 0 && !optional)
    return pp_error_make (err, 0, "env %s: file `%s` has no key %s (and optional is not true)", name, path, key);
  return found;
}

int
pp_fileenv_apply (const char *bundle, json_t *entries, pp_error_t *err)
{
  if (json_array_size (entries) == 0)
    return 0;
  cleanup_free char *path = xasprintf ("%s/config.json", bundle);
  json_error_t jerr;
  json_t *cfg = json_load_file (path, 0, &jerr);
  if (cfg == NULL)
    return pp_error_make (err, 0, "read `%s`: %s", path, jerr.text);
  json_t *env = json_object_get (json_object_get (cfg, "process"), "env");
  int ret = json_is_array (env) ? 0 : pp_error_make (err, 0, "`%s` has no process.env", path);
  size_t i;
  json_t *e;
  json_array_foreach (entries, i, e)
  {
    if (ret < 0)
      break;
    char *value = NULL;
    int r = read_entry (e, &value, err);
    const char *name = json_string_value (json_object_get (e, "name")) ?: "";
    ssize_t at = env_index (env, name);
    if (r < 0)
      ret = -1;
    else if (r == 0 && at >= 0)
      json_array_remove (env, (size_t)at);
    else if (r == 1)
      {
        cleanup_free char *kv = xasprintf ("%s=%s", name, value);
        if (at >= 0)
          json_array_set_new (env, (size_t)at, json_string (kv));
        else
          json_array_append_new (env, json_string (kv));
      }
    free (value);
  }
  char *text = ret == 0 ? json_dumps (cfg, JSON_COMPACT) : NULL;
  if (ret == 0)
    ret = pp_write_whole (path, text, strlen (text), 0600, err);
  free (text);
  json_decref (cfg);
  return ret;
}
