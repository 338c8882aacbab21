/* Users and groups of a container, from its own /etc/passwd and /etc/group, read inside its root and never from the
   host (an image's /etc/passwd may be a symlink to a host file, a FIFO or /dev/zero). */
#include "runtime/user.h"
#include "core/safepath.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* /etc/`file` of the root, whole; *text NULL when the root has none. */
static int
read_etc (int root_fd, const char *file, char **text, pp_error_t *err)
{
  cleanup_free char *path = xasprintf ("/etc/%s", file);
  cleanup_free char *what = xasprintf ("the container's %s", path);
  size_t len;
  if (pp_read_file_at (root_fd, path, PP_RESOLVE_IN_ROOT, PP_USER_FILE_MAX, what, text, &len, err) == 0)
    return 0;
  if ((*err)->status != ENOENT)
    return -1;
  pp_error_release (err);
  return 0;
}

/* The next entry of a colon-separated file, split in place: its first `max` fields in f, the number of fields it
   has; 0 at the end.  Empty lines and comments are skipped. */
static size_t
next_entry (char **cursor, char **f, size_t max)
{
  while (*cursor && **cursor)
    {
      char *line = *cursor, *nl = strchr (line, '\n');
      *cursor = nl ? nl + 1 : NULL;
      if (nl)
        *nl = '\0';
      if (*line == '\0' || *line == '#')
        continue;
      size_t n = 0;
      for (char *p = line; p; n++)
        {
          if (n < max)
            f[n] = p;
          if ((p = strchr (p, ':')))
            *p++ = '\0';
        }
      return n;
    }
  return 0;
}

/* An id: 1 for digits in range (*out set), 0 for anything but digits, -1 for digits out of range. */
static int
parse_id (const char *s, uint32_t *out)
{
  if (*s == '\0' || s[strspn (s, "0123456789")] != '\0')
    return 0;
  uint64_t v = 0;
  for (; *s; s++)
    if ((v = v * 10 + (uint64_t)(*s - '0')) > INT32_MAX)
      return -1;
  *out = (uint32_t)v;
  return 1;
}

typedef struct
{
  const char *name; /* in the text it was found in */
  uint32_t uid, gid;
} passwd_entry_t;

/* The first line of /etc/passwd's text named `name`, or with `name` NULL the first of `uid`.  Lines whose ids are
   not numbers match nothing (runc would read them as root). */
static bool
passwd_find (char *text, const char *name, uint32_t uid, passwd_entry_t *pw)
{
  char *cursor = text, *f[4];
  size_t n;
  while ((n = next_entry (&cursor, f, 4)) > 0)
    if (n >= 4 && parse_id (f[2], &pw->uid) == 1 && parse_id (f[3], &pw->gid) == 1
        && (name ? strcmp (f[0], name) == 0 : pw->uid == uid))
      {
        pw->name = f[0];
        return true;
      }
  return false;
}

/* The gid of the group `name` in /etc/group's text. */
static bool
group_find (char *text, const char *name, uint32_t *gid)
{
  char *cursor = text, *f[4];
  size_t n;
  while ((n = next_entry (&cursor, f, 4)) > 0)
    if (n >= 3 && strcmp (f[0], name) == 0 && parse_id (f[2], gid) == 1)
      return true;
  return false;
}

static int
resolve_user (int root_fd, const char *u, bool group_given, uint32_t *uid, uint32_t *gid, pp_error_t *err)
{
  int numeric = parse_id (u, uid);
  if (numeric < 0)
    return pp_error_make (err, 0, "user id `%s` is out of range (0 to 2147483647)", u);
  if (numeric && group_given)
    return 0;
  if (*u == '\0')
    return pp_error_make (err, 0, "the user is empty");
  cleanup_free char *passwd = NULL;
  if (read_etc (root_fd, "passwd", &passwd, err) < 0)
    return -1;
  passwd_entry_t pw;
  if (passwd && passwd_find (passwd, numeric ? NULL : u, *uid, &pw))
    {
      *uid = pw.uid;
      *gid = pw.gid;
    }
  else if (!numeric)
    return pp_error_make (err, 0, "user `%s` is not in the container's /etc/passwd", u);
  return 0;
}

static int
resolve_group (int root_fd, const char *g, uint32_t *gid, pp_error_t *err)
{
  int numeric = parse_id (g, gid);
  if (numeric < 0)
    return pp_error_make (err, 0, "group id `%s` is out of range (0 to 2147483647)", g);
  if (numeric)
    return 0;
  cleanup_free char *group = NULL;
  if (read_etc (root_fd, "group", &group, err) < 0)
    return -1;
  if (group == NULL || !group_find (group, g, gid))
    return pp_error_make (err, 0, "group `%s` is not in the container's /etc/group", g);
  return 0;
}

int
pp_user_resolve (int root_fd, const char *user, uint32_t *uid, uint32_t *gid, pp_error_t *err)
{
  *uid = *gid = 0;
  if (user == NULL || *user == '\0')
    return 0;
  cleanup_free char *u = xstrdup (user);
  char *g = strchr (u, ':');
  if (g)
    *g++ = '\0';
  bool group_given = g && *g;
  if (resolve_user (root_fd, u, group_given, uid, gid, err) < 0)
    return -1;
  return group_given ? resolve_group (root_fd, g, gid, err) : 0;
}

int
pp_user_groups (int root_fd, uint32_t uid, uint32_t gid, uint32_t *out, size_t max, size_t *n, pp_error_t *err)
{
  *n = 0;
  cleanup_free char *passwd = NULL;
  cleanup_free char *group = NULL;
  passwd_entry_t pw;
  if (read_etc (root_fd, "passwd", &passwd, err) < 0 || read_etc (root_fd, "group", &group, err) < 0)
    return -1;
  if (passwd == NULL || group == NULL || !passwd_find (passwd, NULL, uid, &pw))
    return 0;
  char *cursor = group, *f[4];
  size_t fields;
  while (*n < max && (fields = next_entry (&cursor, f, 4)) > 0)
    {
      uint32_t g;
      if (fields < 4 || parse_id (f[2], &g) != 1 || g == gid)
        continue;
      bool member = false, seen = false;
      for (char *save = NULL, *m = strtok_r (f[3], ",", &save); m && !member; m = strtok_r (NULL, ",", &save))
        member = strcmp (m, pw.name) == 0;
      for (size_t k = 0; k < *n && !seen; k++)
        seen = out[k] == g;
      if (member && !seen)
        out[(*n)++] = g;
    }
  return 0;
}
