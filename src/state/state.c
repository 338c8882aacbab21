/* SQLite under the storage root: one schema, prepared statements, transactions, errors with SQLite's words. */
#include "state/state.h"

#include <inttypes.h>
#include <pthread.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#define SCHEMA_VERSION 7

struct pp_state
{
  sqlite3 *db;
  char *path;
};

static const char schema_sql[] =
  "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS pods ("
  "  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, namespace TEXT NOT NULL, play_file TEXT,"
  "  spec_hash TEXT, status TEXT NOT NULL, created INTEGER NOT NULL, monitor_pid INTEGER NOT NULL DEFAULT 0,"
  "  owner TEXT, object TEXT);"
  "CREATE TABLE IF NOT EXISTS containers ("
  "  id TEXT PRIMARY KEY, pod_id TEXT NOT NULL REFERENCES pods (id) ON DELETE CASCADE, name TEXT NOT NULL,"
  "  image TEXT NOT NULL, image_id TEXT NOT NULL DEFAULT '', init INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL, pid INTEGER NOT NULL DEFAULT 0,"
  "  exit_code INTEGER NOT NULL DEFAULT -1, oom_killed INTEGER NOT NULL DEFAULT 0,"
  "  restarts INTEGER NOT NULL DEFAULT 0, ready INTEGER NOT NULL DEFAULT 0, started INTEGER NOT NULL DEFAULT 0, finished INTEGER NOT NULL DEFAULT 0,"
  "  UNIQUE (pod_id, name));"
  "CREATE INDEX IF NOT EXISTS containers_pod ON containers (pod_id);"
  "CREATE TABLE IF NOT EXISTS jobs ("
  "  name TEXT PRIMARY KEY, namespace TEXT NOT NULL, play_file TEXT, spec_hash TEXT, status TEXT NOT NULL,"
  "  reason TEXT, completions INTEGER NOT NULL, parallelism INTEGER NOT NULL, backoff_limit INTEGER NOT NULL,"
  "  deadline INTEGER NOT NULL DEFAULT 0, succeeded INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,"
  "  active INTEGER NOT NULL DEFAULT 0, created_pods INTEGER NOT NULL DEFAULT 0, controller_pid INTEGER NOT NULL DEFAULT 0,"
  "  controller_start INTEGER NOT NULL DEFAULT 0, started INTEGER NOT NULL DEFAULT 0, finished INTEGER NOT NULL DEFAULT 0);"
  /* The block of host ids (block * 65536 on) a pod's user namespace maps, held until the pod's record goes. */
  "CREATE TABLE IF NOT EXISTS userns ("
  "  pod_id TEXT PRIMARY KEY REFERENCES pods (id) ON DELETE CASCADE, block INTEGER NOT NULL UNIQUE);"
  /* Pod networks, and the address each pod holds in one (by its offset in the subnet), held until the pod's
     record goes: a crash of any process leaves no address taken by a pod that is gone, and none twice. */
  "CREATE TABLE IF NOT EXISTS networks ("
  "  name TEXT PRIMARY KEY, bridge TEXT NOT NULL UNIQUE, subnet TEXT NOT NULL, gateway TEXT NOT NULL,"
  "  internal INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL, subnet6 TEXT, gateway6 TEXT);"
  "CREATE TABLE IF NOT EXISTS addresses ("
  "  pod_id TEXT PRIMARY KEY REFERENCES pods (id) ON DELETE CASCADE,"
  "  network TEXT NOT NULL REFERENCES networks (name), offset INTEGER NOT NULL, UNIQUE (network, offset));"
  /* Services, with their virtual address (NULL when headless) and what of their spec the data path needs
     (JSON); and what a Service selects a pod by, its labels and named ports, recorded with the pod. */
  "CREATE TABLE IF NOT EXISTS services ("
  "  namespace TEXT NOT NULL, name TEXT NOT NULL, play_file TEXT, spec_hash TEXT, cluster_ip TEXT UNIQUE,"
  "  spec TEXT NOT NULL, created INTEGER NOT NULL, PRIMARY KEY (namespace, name));"
  "CREATE TABLE IF NOT EXISTS pod_labels ("
  "  pod_id TEXT PRIMARY KEY REFERENCES pods (id) ON DELETE CASCADE, labels TEXT NOT NULL, ports TEXT NOT NULL,"
  "  hostname TEXT, subdomain TEXT);"
  /* The objects a play applied, as they were (YAML, by the emitter), in their files' order: what `kube generate`
     writes back. */
  "CREATE TABLE IF NOT EXISTS objects ("
  "  play_file TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, namespace TEXT NOT NULL,"
  "  name TEXT NOT NULL, yaml TEXT NOT NULL, PRIMARY KEY (play_file, seq));";

static int
db_error (pp_state_t *s, pp_error_t *err, const char *what)
{
  return pp_error_make (err, 0, "state database `%s`: %s: %s", s->path, what, sqlite3_errmsg (s->db));
}

static int
exec_sql (pp_state_t *s, const char *sql, pp_error_t *err)
{
  char *msg = NULL;
  if (sqlite3_exec (s->db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      int ret = pp_error_make (err, 0, "state database `%s`: %s", s->path, msg ? msg : sqlite3_errmsg (s->db));
      sqlite3_free (msg);
      return ret;
    }
  return 0;
}

static bool
has_column (pp_state_t *s, const char *table, const char *column)
{
  sqlite3_stmt *st = NULL;
  bool found = false;
  if (sqlite3_prepare_v2 (s->db, "SELECT 1 FROM pragma_table_info (?) WHERE name = ?", -1, &st, NULL) == SQLITE_OK
      && sqlite3_bind_text (st, 1, table, -1, SQLITE_STATIC) == SQLITE_OK
      && sqlite3_bind_text (st, 2, column, -1, SQLITE_STATIC) == SQLITE_OK)
    found = sqlite3_step (st) == SQLITE_ROW;
  sqlite3_finalize (st);
  return found;
}

/* Migrates to schema `to` by `alter`, which adds columns to `table` (`column` first), unless the table was made
   just now with them; then records `to`. */
static int
add_columns (pp_state_t *s, int to, const char *table, const char *column, const char *alter, pp_error_t *err)
{
  cleanup_free char *sql = xasprintf ("%sUPDATE meta SET value = '%d' WHERE key = 'schema'",
                                      has_column (s, table, column) ? "" : alter, to);
  return exec_sql (s, sql, err);
}

static int
check_version (pp_state_t *s, pp_error_t *err)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2 (s->db, "SELECT value FROM meta WHERE key = 'schema'", -1, &st, NULL) != SQLITE_OK)
    return db_error (s, err, "read the schema version");
  int ret = 0;
  if (sqlite3_step (st) == SQLITE_ROW)
    {
      int v = atoi ((const char *) sqlite3_column_text (st, 0));
      if (v > SCHEMA_VERSION)
        ret = pp_error_make (err, 0, "state database `%s` has schema %d; this podplay knows %d: upgrade podplay",
                             s->path, v, SCHEMA_VERSION);
      else
        {
          /* Schema 2 records the image id a container runs, which `rmi` must not take away; 3 whether a
             container is ready (its readiness probe). */
          if (v < 2)
            ret = exec_sql (s, "ALTER TABLE containers ADD COLUMN image_id TEXT NOT NULL DEFAULT ''", err);
          if (ret == 0 && v < 3)
            ret = exec_sql (s, "ALTER TABLE containers ADD COLUMN ready INTEGER NOT NULL DEFAULT 0", err);
          /* 4: the Job that made a pod (its owner), and the Jobs (the jobs table is made above). */
          if (ret == 0 && v < 4)
            ret = exec_sql (s,
                            "ALTER TABLE pods ADD COLUMN owner TEXT;"
                            "UPDATE meta SET value = '4' WHERE key = 'schema'",
                            err);
          /* 5: a pod's hostname and subdomain, by which names give it.  Its pod_labels table may be new (made
             above, with them), or of schema 4 (without). */
          if (ret == 0 && v < 5)
            ret = add_columns (s, 5, "pod_labels", "hostname",
                               "ALTER TABLE pod_labels ADD COLUMN hostname TEXT;"
                               "ALTER TABLE pod_labels ADD COLUMN subdomain TEXT;",
                               err);
          /* 6: a network's IPv6 subnet and gateway (NULL for an IPv4 network, as every network of schema 5 is). */
          if (ret == 0 && v < 6)
            ret = add_columns (s, 6, "networks", "subnet6",
                               "ALTER TABLE networks ADD COLUMN subnet6 TEXT;"
                               "ALTER TABLE networks ADD COLUMN gateway6 TEXT;",
                               err);
          /* 7: the object a pod was made from ("Deployment/web"), and the objects of each play (the table is made
             above). */
          if (ret == 0 && v < 7)
            ret = add_columns (s, 7, "pods", "object", "ALTER TABLE pods ADD COLUMN object TEXT;", err);
        }
    }
  else
    {
      char sql[96];
      snprintf (sql, sizeof sql, "INSERT INTO meta (key, value) VALUES ('schema', '%d')", SCHEMA_VERSION);
      ret = exec_sql (s, sql, err);
    }
  sqlite3_finalize (st);
  return ret;
}

/* SQLite's defaults suit a long-lived process: each connection strings a free list through 120 KiB of lookaside
   slots and a bulk of 20 cache pages at its first read, writing every page of them. A podplay command reads a
   few pages and ends, and a page first written is a page fault (20-30 us each on this 2-core VM): with the two
   turned off, `ps` takes 21 fewer faults (153 -> 132). Pages are then allocated as SQLite needs them. */
static void
sqlite_configure (void)
{
  sqlite3_config (SQLITE_CONFIG_PAGECACHE, NULL, 0, 0);
  sqlite3_config (SQLITE_CONFIG_LOOKASIDE, 0, 0);
}

int
pp_state_open (pp_context_t *ctx, pp_state_t **out, pp_error_t *err)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once (&once, sqlite_configure);
  *out = NULL;
  if (pp_mkdir_p (ctx->root, 0700) < 0)
    return pp_error_make (err, errno, "create the storage root `%s`", ctx->root);
  pp_state_t *s = xzalloc (sizeof *s);
  s->path = xasprintf ("%s/state.db", ctx->root);
  if (sqlite3_open_v2 (s->path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL)
      != SQLITE_OK)
    {
      int ret = s->db ? db_error (s, err, "open") : pp_error_make (err, ENOMEM, "open `%s`", s->path);
      pp_state_close (s);
      return ret;
    }
  sqlite3_busy_timeout (s->db, 10000);
  /* WAL: readers never wait for a writer; NORMAL sync is safe with WAL (a crash loses no committed data
     the OS wrote, and never corrupts). */
  if (exec_sql (s, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;", err) < 0)
    {
      pp_state_close (s);
      return -1;
    }
  /* A database of this podplay's schema (its user_version says so, in the file's header) is in WAL mode (which
     the file keeps) and has nothing to make or migrate: it is used as it is, without the write lock that making
     the schema takes, so that a command that only reads (`ps`) neither waits for a play's transaction nor parses
     the schema at every start. */
  sqlite3_stmt *uv = NULL;
  bool current = sqlite3_prepare_v2 (s->db, "PRAGMA user_version", -1, &uv, NULL) == SQLITE_OK
                 && sqlite3_step (uv) == SQLITE_ROW && sqlite3_column_int (uv, 0) == SCHEMA_VERSION;
  sqlite3_finalize (uv);
  if (current)
    {
      *out = s;
      return 0;
    }
  /* Switching a new database to WAL takes a lock the busy timeout does not wait for: two commands creating it
     at once retry for the same 10 s. */
  int rc = SQLITE_BUSY;
  for (int tries = 0; tries < 1000 && (rc == SQLITE_BUSY || rc == SQLITE_LOCKED); tries++)
    {
      rc = sqlite3_exec (s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        usleep (10000);
    }
  if (rc != SQLITE_OK)
    {
      int ret = db_error (s, err, "switch to WAL");
      pp_state_close (s);
      return ret;
    }
  char set_version[64];
  snprintf (set_version, sizeof set_version, "PRAGMA user_version = %d", SCHEMA_VERSION);
  if (pp_state_begin (s, err) < 0)
    {
      pp_state_close (s);
      return -1;
    }
  if (exec_sql (s, schema_sql, err) < 0 || check_version (s, err) < 0 || exec_sql (s, set_version, err) < 0)
    {
      pp_state_rollback (s);
      pp_state_close (s);
      return -1;
    }
  if (pp_state_commit (s, err) < 0)
    {
      pp_state_close (s);
      return -1;
    }
  *out = s;
  return 0;
}

void
pp_state_close (pp_state_t *s)
{
  if (s == NULL)
    return;
  sqlite3_close_v2 (s->db);
  free (s->path);
  free (s);
}

int
pp_state_begin (pp_state_t *s, pp_error_t *err)
{
  return exec_sql (s, "BEGIN IMMEDIATE", err);
}

int
pp_state_commit (pp_state_t *s, pp_error_t *err)
{
  return exec_sql (s, "COMMIT", err);
}

void
pp_state_rollback (pp_state_t *s)
{
  sqlite3_exec (s->db, "ROLLBACK", NULL, NULL, NULL);
}

char *
pp_state_new_id (void)
{
  unsigned char raw[32];
  size_t got = 0;
  while (got < sizeof raw)
    {
      ssize_t r = getrandom (raw + got, sizeof raw - got, 0);
      if (r < 0 && errno != EINTR)
        abort ();
      if (r > 0)
        got += (size_t) r;
    }
  char *id = xmalloc (65);
  for (size_t i = 0; i < sizeof raw; i++)
    snprintf (id + 2 * i, 3, "%02x", raw[i]);
  return id;
}

/* Prepares `sql` and binds the values that follow, by the letters of `types`: s (string or NULL), i (int64). */
static sqlite3_stmt *
prepare (pp_state_t *s, pp_error_t *err, const char *sql, const char *types, ...)
{
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2 (s->db, sql, -1, &st, NULL) != SQLITE_OK)
    {
      db_error (s, err, "prepare");
      return NULL;
    }
  va_list ap;
  va_start (ap, types);
  for (int i = 0; types[i]; i++)
    {
      if (types[i] == 's')
        {
          const char *v = va_arg (ap, const char *);
          if (v)
            sqlite3_bind_text (st, i + 1, v, -1, SQLITE_TRANSIENT);
          else
            sqlite3_bind_null (st, i + 1);
        }
      else
        sqlite3_bind_int64 (st, i + 1, va_arg (ap, int64_t));
    }
  va_end (ap);
  return st;
}

/* Runs a statement that returns no rows. */
static int
run (pp_state_t *s, sqlite3_stmt *st, pp_error_t *err, const char *what)
{
  if (st == NULL)
    return -1;
  int rc = sqlite3_step (st);
  sqlite3_finalize (st);
  if (rc == SQLITE_CONSTRAINT)
    return pp_error_make (err, EEXIST, "%s: already exists", what);
  if (rc != SQLITE_DONE)
    return db_error (s, err, what);
  return 0;
}

static char *
col_str (sqlite3_stmt *st, int i)
{
  const unsigned char *t = sqlite3_column_text (st, i);
  return t ? xstrdup ((const char *) t) : NULL;
}

/* Steps `st` to its end, reading each row with `read` into a new element (zeroed, `size` bytes) of the array
   *`out` of *n; finalizes `st` (NULL: a failed prepare). */
static int
read_rows (pp_state_t *s, sqlite3_stmt *st, void *out, size_t *n, size_t size, void (*read) (sqlite3_stmt *, void *),
           const char *what, pp_error_t *err)
{
  char **arr = out;
  *arr = NULL;
  *n = 0;
  if (st == NULL)
    return -1;
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      if (*n == cap)
        {
          cap = cap ? cap * 2 : 8;
          *arr = xrealloc (*arr, cap * size);
        }
      char *e = *arr + *n * size;
      memset (e, 0, size);
      read (st, e);
      (*n)++;
    }
  sqlite3_finalize (st);
  return rc == SQLITE_DONE ? 0 : db_error (s, err, what);
}

int
pp_state_pod_add (pp_state_t *s, const pp_pod_rec_t *p, pp_error_t *err)
{
  sqlite3_stmt *st = prepare (s, err,
                              "INSERT INTO pods (id, name, namespace, play_file, spec_hash, status, created,"
                              " monitor_pid, owner, object) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              "ssssssiiss", p->id, p->name, p->namespace_ ? p->namespace_ : "default", p->play_file,
                              p->spec_hash, p->status ? p->status : "Created", p->created, p->monitor_pid, p->owner,
                              p->object);
  cleanup_free char *what = xasprintf ("pod %s", p->name);
  return run (s, st, err, what);
}

#define POD_COLUMNS "id, name, namespace, play_file, spec_hash, status, created, monitor_pid, owner, object"

static void
read_pod (sqlite3_stmt *st, pp_pod_rec_t *p)
{
  p->id = col_str (st, 0);
  p->name = col_str (st, 1);
  p->namespace_ = col_str (st, 2);
  p->play_file = col_str (st, 3);
  p->spec_hash = col_str (st, 4);
  p->status = col_str (st, 5);
  p->created = sqlite3_column_int64 (st, 6);
  p->monitor_pid = sqlite3_column_int64 (st, 7);
  p->owner = col_str (st, 8);
  p->object = col_str (st, 9);
}

int
pp_state_pod_get (pp_state_t *s, const char *what, pp_pod_rec_t *p, pp_error_t *err)
{
  memset (p, 0, sizeof *p);
  size_t len = strlen (what);
  cleanup_free char *prefix = xasprintf ("%s%%", what);
  sqlite3_stmt *st = prepare (s, err,
                              "SELECT " POD_COLUMNS " FROM pods WHERE name = ?1 OR id = ?1 OR (?2 >= 3 AND id LIKE ?3)"
                              " ORDER BY name = ?1 DESC LIMIT 2",
                              "sis", what, (int64_t) len, prefix);
  if (st == NULL)
    return -1;
  int rc = sqlite3_step (st), ret = 0;
  if (rc == SQLITE_ROW)
    {
      read_pod (st, p);
      bool exact = strcmp (p->name, what) == 0 || strcmp (p->id, what) == 0;
      if (!exact && sqlite3_step (st) == SQLITE_ROW)
        {
          pp_pod_rec_release (p);
          ret = pp_error_make (err, 0, "`%s` names more than one pod", what);
        }
    }
  else if (rc == SQLITE_DONE)
    ret = pp_error_make (err, ENOENT, "no pod `%s`", what);
  else
    ret = db_error (s, err, "read a pod");
  sqlite3_finalize (st);
  return ret;
}

static void
read_pod_row (sqlite3_stmt *st, void *p)
{
  read_pod (st, p);
}

int
pp_state_pod_list (pp_state_t *s, pp_pod_rec_t **out, size_t *n, pp_error_t *err)
{
  return read_rows (s, prepare (s, err, "SELECT " POD_COLUMNS " FROM pods ORDER BY created, name", ""), out, n,
                    sizeof **out, read_pod_row, "list pods", err);
}

int
pp_state_pod_set_status (pp_state_t *s, const char *id, const char *status, int64_t monitor_pid, pp_error_t *err)
{
  sqlite3_stmt *st
      = prepare (s, err, "UPDATE pods SET status = ?, monitor_pid = ? WHERE id = ?", "sis", status, monitor_pid, id);
  return run (s, st, err, "set a pod's status");
}

int
pp_state_pod_rename (pp_state_t *s, const char *id, const char *name, pp_error_t *err)
{
  sqlite3_stmt *st = prepare (s, err, "UPDATE pods SET name = ? WHERE id = ?", "ss", name, id);
  cleanup_free char *what = xasprintf ("rename a pod to %s", name);
  return run (s, st, err, what);
}

int
pp_state_container_remove (pp_state_t *s, const char *id, pp_error_t *err)
{
  return run (s, prepare (s, err, "DELETE FROM containers WHERE id = ?", "s", id), err, "remove a container");
}

int
pp_state_pod_set_hash (pp_state_t *s, const char *id, const char *hash, pp_error_t *err)
{
  return run (s, prepare (s, err, "UPDATE pods SET spec_hash = ? WHERE id = ?", "ss", hash, id), err,
              "record a pod's new spec");
}

int
pp_state_pod_remove (pp_state_t *s, const char *id, pp_error_t *err)
{
  return run (s, prepare (s, err, "DELETE FROM pods WHERE id = ?", "s", id), err, "remove a pod");
}

int
pp_state_userns_take (pp_state_t *s, const char *pod_id, uint32_t first, uint32_t limit, uint32_t *block,
                      pp_error_t *err)
{
  /* One statement, so atomic: the lowest free block at or after `first`; a pod that has one keeps it, and no
     free block below `limit` inserts nothing (the NULL is ignored). */
  sqlite3_stmt *st = prepare (s, err,
                              "INSERT OR IGNORE INTO userns (pod_id, block) SELECT ?1, MIN(b) FROM"
                              " (SELECT ?2 AS b UNION ALL SELECT block + 1 FROM userns)"
                              " WHERE b >= ?2 AND b < ?3 AND b NOT IN (SELECT block FROM userns)",
                              "sii", pod_id, (int64_t) first, (int64_t) limit);
  if (run (s, st, err, "allocate a user namespace") < 0)
    return -1;
  int ret = pp_state_userns_block (s, pod_id, block, err);
  if (ret == 1)
    return pp_error_make (err, ENOSPC, "no free range of host ids for a user namespace (%u pods have one)",
                          limit - first);
  return ret;
}

int
pp_state_userns_block (pp_state_t *s, const char *pod_id, uint32_t *block, pp_error_t *err)
{
  sqlite3_stmt *st = prepare (s, err, "SELECT block FROM userns WHERE pod_id = ?", "s", pod_id);
  if (st == NULL)
    return -1;
  int rc = sqlite3_step (st), ret = 1;
  if (rc == SQLITE_ROW)
    {
      *block = (uint32_t) sqlite3_column_int64 (st, 0);
      ret = 0;
    }
  else if (rc != SQLITE_DONE)
    ret = db_error (s, err, "read a user namespace");
  sqlite3_finalize (st);
  return ret;
}

int
pp_state_userns_move (pp_state_t *s, const char *from, const char *to, pp_error_t *err)
{
  return run (s,
              prepare (s, err,
                       "UPDATE userns SET pod_id = ?2 WHERE pod_id = ?1"
                       " AND NOT EXISTS (SELECT 1 FROM userns WHERE pod_id = ?2)",
                       "ss", from, to),
              err, "hand a user namespace to a replacement");
}

int
pp_state_container_add (pp_state_t *s, const pp_container_rec_t *c, pp_error_t *err)
{
  sqlite3_stmt *st = prepare (s, err,
                              "INSERT INTO containers (id, pod_id, name, image, image_id, init, status, pid, exit_code,"
                              " oom_killed, restarts, started, finished) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              "sssssisiiiiii", c->id, c->pod_id, c->name, c->image, c->image_id ? c->image_id : "",
                              (int64_t) (c->init ? (c->sidecar ? 2 : 1) : 0),
                              c->status ? c->status : "Created", c->pid, c->exit_code, (int64_t) c->oom_killed,
                              c->restarts, c->started, c->finished);
  cleanup_free char *what = xasprintf ("container %s", c->name);
  return run (s, st, err, what);
}

int
pp_state_container_list (pp_state_t *s, const char *pod_id, pp_container_rec_t **out, size_t *n, pp_error_t *err)
{
  *out = NULL;
  *n = 0;
  sqlite3_stmt *st = prepare (s, err,
                              "SELECT id, pod_id, name, image, init, status, pid, exit_code, oom_killed, restarts,"
                              " started, finished, image_id, ready FROM containers WHERE (? IS NULL OR pod_id = ?)"
                              " ORDER BY init DESC, rowid",
                              "ss", pod_id, pod_id);
  if (st == NULL)
    return -1;
  size_t cap = 0;
  int rc;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      if (*n == cap)
        {
          cap = cap ? cap * 2 : 8;
          *out = xrealloc (*out, cap * sizeof (pp_container_rec_t));
        }
      pp_container_rec_t *c = &(*out)[(*n)++];
      c->id = col_str (st, 0);
      c->pod_id = col_str (st, 1);
      c->name = col_str (st, 2);
      c->image = col_str (st, 3);
      /* init is 1 for an init container, 2 for a sidecar (an init container that keeps running). */
      c->init = sqlite3_column_int64 (st, 4) != 0;
      c->sidecar = sqlite3_column_int64 (st, 4) == 2;
      c->status = col_str (st, 5);
      c->pid = sqlite3_column_int64 (st, 6);
      c->exit_code = sqlite3_column_int64 (st, 7);
      c->oom_killed = sqlite3_column_int64 (st, 8) != 0;
      c->restarts = sqlite3_column_int64 (st, 9);
      c->started = sqlite3_column_int64 (st, 10);
      c->finished = sqlite3_column_int64 (st, 11);
      c->image_id = col_str (st, 12);
      c->ready = sqlite3_column_int64 (st, 13) != 0;
    }
  sqlite3_finalize (st);
  return rc == SQLITE_DONE ? 0 : db_error (s, err, "list containers");
}

int
pp_state_container_update (pp_state_t *s, const pp_container_rec_t *c, pp_error_t *err)
{
  sqlite3_stmt *st = prepare (s, err,
                              "UPDATE containers SET status = ?, pid = ?, exit_code = ?, oom_killed = ?, restarts = ?,"
                              " started = ?, finished = ?, ready = ? WHERE id = ?",
                              "siiiiiiis", c->status, c->pid, c->exit_code, (int64_t) c->oom_killed, c->restarts,
                              c->started, c->finished, (int64_t) c->ready, c->id);
  return run (s, st, err, "update a container");
}

void
pp_pod_rec_release (pp_pod_rec_t *p)
{
  free (p->id);
  free (p->name);
  free (p->namespace_);
  free (p->play_file);
  free (p->spec_hash);
  free (p->status);
  free (p->owner);
  free (p->object);
  memset (p, 0, sizeof *p);
}

void
pp_pod_recs_free (pp_pod_rec_t *pods, size_t n)
{
  for (size_t i = 0; i < n; i++)
    pp_pod_rec_release (&pods[i]);
  free (pods);
}

void
pp_container_rec_release (pp_container_rec_t *c)
{
  free (c->id);
  free (c->pod_id);
  free (c->name);
  free (c->image);
  free (c->image_id);
  free (c->status);
  memset (c, 0, sizeof *c);
}

void
pp_container_recs_free (pp_container_rec_t *cs, size_t n)
{
  for (size_t i = 0; i < n; i++)
    pp_container_rec_release (&cs[i]);
  free (cs);
}

#define JOB_COLUMNS                                                                                                   \
  "name, namespace, play_file, spec_hash, status, reason, completions, parallelism, backoff_limit, deadline,"       \
  " succeeded, failed, active, created_pods, controller_pid, controller_start, started, finished"

int
pp_state_job_put (pp_state_t *s, const pp_job_rec_t *j, pp_error_t *err)
{
  sqlite3_stmt *st = prepare (s, err,
                              "INSERT OR REPLACE INTO jobs (" JOB_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                              " ?, ?, ?, ?, ?, ?, ?)",
                              "ssssssiiiiiiiiiiii", j->name, j->namespace_ ? j->namespace_ : "default", j->play_file,
                              j->spec_hash, j->status ? j->status : "Running", j->reason, j->completions,
                              j->parallelism, j->backoff_limit, j->deadline, j->succeeded, j->failed, j->active,
                              j->created_pods, j->controller_pid, j->controller_start, j->started, j->finished);
  cleanup_free char *what = xasprintf ("job %s", j->name);
  return run (s, st, err, what);
}

static void
read_job (sqlite3_stmt *st, pp_job_rec_t *j)
{
  j->name = col_str (st, 0);
  j->namespace_ = col_str (st, 1);
  j->play_file = col_str (st, 2);
  j->spec_hash = col_str (st, 3);
  j->status = col_str (st, 4);
  j->reason = col_str (st, 5);
  int64_t *ints[] = { &j->completions, &j->parallelism, &j->backoff_limit, &j->deadline, &j->succeeded,
                      &j->failed, &j->active, &j->created_pods, &j->controller_pid, &j->controller_start,
                      &j->started, &j->finished };
  for (size_t i = 0; i < PP_N_ELEMENTS (ints); i++)
    *ints[i] = sqlite3_column_int64 (st, (int) i + 6);
}

static void
read_job_row (sqlite3_stmt *st, void *j)
{
  read_job (st, j);
}

int
pp_state_job_list (pp_state_t *s, const char *name, pp_job_rec_t **out, size_t *n, pp_error_t *err)
{
  return read_rows (s,
                    prepare (s, err,
                             "SELECT " JOB_COLUMNS " FROM jobs WHERE (?1 IS NULL OR name = ?1) ORDER BY started, name",
                             "s", name),
                    out, n, sizeof **out, read_job_row, "list jobs", err);
}

int
pp_state_job_remove (pp_state_t *s, const char *name, pp_error_t *err)
{
  return run (s, prepare (s, err, "DELETE FROM jobs WHERE name = ?", "s", name), err, "remove a job");
}

void
pp_job_rec_release (pp_job_rec_t *j)
{
  free (j->name);
  free (j->namespace_);
  free (j->play_file);
  free (j->spec_hash);
  free (j->status);
  free (j->reason);
  memset (j, 0, sizeof *j);
}

void
pp_job_recs_free (pp_job_rec_t *js, size_t n)
{
  for (size_t i = 0; i < n; i++)
    pp_job_rec_release (&js[i]);
  free (js);
}

int
pp_state_network_add (pp_state_t *s, const pp_network_rec_t *n, pp_error_t *err)
{
  sqlite3_stmt *st = prepare (s, err,
                              "INSERT INTO networks (name, bridge, subnet, gateway, internal, created, subnet6, gateway6)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              "ssssiiss", n->name, n->bridge, n->subnet, n->gateway, (int64_t) n->internal, n->created,
                              n->subnet6, n->gateway6);
  cleanup_free char *what = xasprintf ("add network %s", n->name);
  return run (s, st, err, what);
}

static void
read_network (sqlite3_stmt *st, void *out)
{
  pp_network_rec_t *r = out;
  r->name = col_str (st, 0);
  r->bridge = col_str (st, 1);
  r->subnet = col_str (st, 2);
  r->gateway = col_str (st, 3);
  r->internal = sqlite3_column_int64 (st, 4) != 0;
  r->created = sqlite3_column_int64 (st, 5);
  r->pods = sqlite3_column_int64 (st, 6);
  r->subnet6 = col_str (st, 7);
  r->gateway6 = col_str (st, 8);
}

int
pp_state_network_list (pp_state_t *s, const char *name, pp_network_rec_t **out, size_t *n, pp_error_t *err)
{
  return read_rows (s,
                    prepare (s, err,
                             "SELECT name, bridge, subnet, gateway, internal, created,"
                             " (SELECT COUNT(*) FROM addresses a WHERE a.network = networks.name), subnet6, gateway6"
                             " FROM networks WHERE (?1 IS NULL OR name = ?1) ORDER BY name",
                             "s", name),
                    out, n, sizeof **out, read_network, "list networks", err);
}

int
pp_state_network_remove (pp_state_t *s, const char *name, pp_error_t *err)
{
  cleanup_free char *what = xasprintf ("remove network %s", name);
  return run (s, prepare (s, err, "DELETE FROM networks WHERE name = ?", "s", name), err, what);
}

int
pp_state_address_take (pp_state_t *s, const char *pod_id, const char *network, uint64_t first, uint64_t limit,
                       uint64_t *offset, pp_error_t *err)
{
  /* As pp_state_userns_take: one statement, the lowest free offset in [first, limit) of that network. */
  sqlite3_stmt *st = prepare (s, err,
                              "INSERT OR IGNORE INTO addresses (pod_id, network, offset) SELECT ?1, ?2, MIN(o) FROM"
                              " (SELECT ?3 AS o UNION ALL SELECT offset + 1 FROM addresses WHERE network = ?2)"
                              " WHERE o >= ?3 AND o < ?4"
                              " AND o NOT IN (SELECT offset FROM addresses WHERE network = ?2)",
                              "ssii", pod_id, network, (int64_t) first, (int64_t) limit);
  if (run (s, st, err, "allocate an address") < 0)
    return -1;
  int ret = pp_state_address_get (s, pod_id, NULL, offset, err);
  if (ret == 1)
    ret = pp_error_make (err, ENOSPC, "network %s has no free address (%" PRIu64 " are taken)", network,
                         limit - first);
  return ret;
}

int
pp_state_address_get (pp_state_t *s, const char *pod_id, char **network, uint64_t *offset, pp_error_t *err)
{
  sqlite3_stmt *st = prepare (s, err, "SELECT network, offset FROM addresses WHERE pod_id = ?", "s", pod_id);
  if (st == NULL)
    return -1;
  int rc = sqlite3_step (st), ret = 0;
  if (rc == SQLITE_ROW)
    {
      if (network)
        *network = col_str (st, 0);
      *offset = (uint64_t) sqlite3_column_int64 (st, 1);
    }
  else if (rc == SQLITE_DONE)
    ret = 1;
  else
    ret = db_error (s, err, "read an address");
  sqlite3_finalize (st);
  return ret;
}

void
pp_network_rec_release (pp_network_rec_t *n)
{
  free (n->name);
  free (n->bridge);
  free (n->subnet);
  free (n->gateway);
  free (n->subnet6);
  free (n->gateway6);
}

void
pp_network_recs_free (pp_network_rec_t *ns, size_t n)
{
  for (size_t i = 0; i < n; i++)
    pp_network_rec_release (&ns[i]);
  free (ns);
}

int
pp_state_service_put (pp_state_t *s, const pp_service_rec_t *r, pp_error_t *err)
{
  cleanup_free char *what = xasprintf ("service %s", r->name);
  return run (s,
              prepare (s, err,
                       /* Not INSERT OR REPLACE: that would delete another Service holding the address. */
                       "INSERT INTO services (namespace, name, play_file, spec_hash, cluster_ip, spec, created)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (namespace, name) DO UPDATE SET"
                       " play_file = excluded.play_file, spec_hash = excluded.spec_hash,"
                       " cluster_ip = excluded.cluster_ip, spec = excluded.spec",
                       "ssssssi", r->namespace_, r->name, r->play_file, r->spec_hash, r->cluster_ip, r->spec,
                       r->created),
              err, what);
}

static void
read_service (sqlite3_stmt *st, void *out)
{
  pp_service_rec_t *r = out;
  r->namespace_ = col_str (st, 0);
  r->name = col_str (st, 1);
  r->play_file = col_str (st, 2);
  r->spec_hash = col_str (st, 3);
  r->cluster_ip = col_str (st, 4);
  r->spec = col_str (st, 5);
  r->created = sqlite3_column_int64 (st, 6);
}

int
pp_state_service_list (pp_state_t *s, const char *play_file, pp_service_rec_t **out, size_t *n, pp_error_t *err)
{
  return read_rows (s,
                    prepare (s, err,
                             "SELECT namespace, name, play_file, spec_hash, cluster_ip, spec, created FROM services"
                             " WHERE (?1 IS NULL OR play_file = ?1) ORDER BY namespace, name",
                             "s", play_file),
                    out, n, sizeof **out, read_service, "list services", err);
}

int
pp_state_service_remove (pp_state_t *s, const char *namespace_, const char *name, pp_error_t *err)
{
  return run (s, prepare (s, err, "DELETE FROM services WHERE namespace = ? AND name = ?", "ss", namespace_, name),
              err, "remove a service");
}

int
pp_state_objects_put (pp_state_t *s, const char *play_file, const pp_object_rec_t *v, size_t n, pp_error_t *err)
{
  int ret = run (s, prepare (s, err, "DELETE FROM objects WHERE play_file = ?", "s", play_file), err,
                 "remove a play's objects");
  for (size_t i = 0; ret == 0 && i < n; i++)
    ret = run (s,
               prepare (s, err,
                        "INSERT INTO objects (play_file, seq, kind, namespace, name, yaml) VALUES (?, ?, ?, ?, ?, ?)",
                        "sissss", play_file, (int64_t) i, v[i].kind, v[i].namespace_ ? v[i].namespace_ : "default",
                        v[i].name, v[i].yaml),
               err, "record an object");
  return ret;
}

static void
read_object (sqlite3_stmt *st, void *p)
{
  pp_object_rec_t *o = p;
  o->play_file = col_str (st, 0);
  o->seq = sqlite3_column_int64 (st, 1);
  o->kind = col_str (st, 2);
  o->namespace_ = col_str (st, 3);
  o->name = col_str (st, 4);
  o->yaml = col_str (st, 5);
}

int
pp_state_objects_list (pp_state_t *s, const char *play_file, pp_object_rec_t **out, size_t *n, pp_error_t *err)
{
  return read_rows (s,
                    prepare (s, err,
                             "SELECT play_file, seq, kind, namespace, name, yaml FROM objects"
                             " WHERE (?1 IS NULL OR play_file = ?1) ORDER BY play_file, seq",
                             "s", play_file),
                    out, n, sizeof **out, read_object, "list objects", err);
}

void
pp_object_recs_free (pp_object_rec_t *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (v[i].play_file);
      free (v[i].kind);
      free (v[i].namespace_);
      free (v[i].name);
      free (v[i].yaml);
    }
  free (v);
}

void
pp_service_recs_free (pp_service_rec_t *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (v[i].namespace_);
      free (v[i].name);
      free (v[i].play_file);
      free (v[i].spec_hash);
      free (v[i].cluster_ip);
      free (v[i].spec);
    }
  free (v);
}

int
pp_state_pod_labels_put (pp_state_t *s, const char *pod_id, const char *labels, const char *ports, const char *hostname,
                         const char *subdomain, pp_error_t *err)
{
  return run (s,
              prepare (s, err,
                       "INSERT OR REPLACE INTO pod_labels (pod_id, labels, ports, hostname, subdomain)"
                       " VALUES (?, ?, ?, ?, ?)",
                       "sssss", pod_id, labels, ports, hostname, subdomain),
              err, "record a pod's labels");
}

int
pp_state_pod_labels_get (pp_state_t *s, const char *pod_id, char **labels, pp_error_t *err)
{
  *labels = NULL;
  sqlite3_stmt *st = prepare (s, err, "SELECT labels FROM pod_labels WHERE pod_id = ?", "s", pod_id);
  if (st == NULL)
    return -1;
  int rc = sqlite3_step (st), ret = 0;
  if (rc == SQLITE_ROW && sqlite3_column_text (st, 0))
    *labels = xstrdup ((const char *) sqlite3_column_text (st, 0));
  else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    ret = db_error (s, err, "read a pod's labels");
  sqlite3_finalize (st);
  return ret;
}

static void
read_endpoint (sqlite3_stmt *st, void *out)
{
  pp_endpoint_rec_t *r = out;
  r->pod_id = col_str (st, 0);
  r->pod_name = col_str (st, 1);
  r->namespace_ = col_str (st, 2);
  r->labels = col_str (st, 3);
  r->ports = col_str (st, 4);
  r->subnet = col_str (st, 5);
  r->offset = (uint64_t) sqlite3_column_int64 (st, 6);
  r->ready = sqlite3_column_int64 (st, 7) != 0;
  r->network = col_str (st, 8);
  r->hostname = col_str (st, 9);
  r->subdomain = col_str (st, 10);
  r->subnet6 = col_str (st, 11);
}

int
pp_state_endpoint_list (pp_state_t *s, pp_endpoint_rec_t **out, size_t *n, pp_error_t *err)
{
  /* Ready: running, with every container ready but the init containers that ran to their end (init 1); a
     sidecar (init 2) counts, as in the kubelet's pod Ready condition. */
  return read_rows (s, prepare (s, err,
                              "SELECT p.id, p.name, p.namespace, l.labels, l.ports, n.subnet, a.offset,"
                              " p.status = 'Running' AND EXISTS (SELECT 1 FROM containers c WHERE c.pod_id = p.id"
                              "  AND c.init = 0) AND NOT EXISTS (SELECT 1 FROM containers c WHERE c.pod_id = p.id"
                              "  AND c.init != 1 AND c.ready = 0), a.network, l.hostname, l.subdomain, n.subnet6"
                              " FROM pods p JOIN pod_labels l ON l.pod_id = p.id JOIN addresses a ON a.pod_id = p.id"
                              " JOIN networks n ON n.name = a.network ORDER BY p.name",
                              ""), out, n, sizeof **out, read_endpoint, "list endpoints", err);
}

uint64_t
pp_state_data_version (pp_state_t *s)
{
  sqlite3_stmt *st = NULL;
  uint64_t v = 0;
  if (sqlite3_prepare_v2 (s->db, "PRAGMA data_version", -1, &st, NULL) == SQLITE_OK && sqlite3_step (st) == SQLITE_ROW)
    v = (uint64_t)sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return v;
}

void
pp_endpoint_recs_free (pp_endpoint_rec_t *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (v[i].pod_id);
      free (v[i].pod_name);
      free (v[i].namespace_);
      free (v[i].labels);
      free (v[i].ports);
      free (v[i].subnet);
      free (v[i].network);
      free (v[i].hostname);
      free (v[i].subdomain);
      free (v[i].subnet6);
    }
  free (v);
}
