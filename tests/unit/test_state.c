/* The state database: records, uniqueness, cascades, transactions, and two processes writing at once. */
#include "unit.h"
#include "state/state.h"

#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char dir[] = "/tmp/podplay-state-XXXXXX";
static pp_context_t ctx;

static int
setup (void **state)
{
  (void) state;
  strcpy (dir, "/tmp/podplay-state-XXXXXX");
  if (mkdtemp (dir) == NULL)
    return -1;
  pp_context_init (&ctx);
  cleanup_free char *root = xasprintf ("%s/root", dir);
  pp_context_set_root (&ctx, root);
  return 0;
}

static int
teardown (void **state)
{
  (void) state;
  pp_context_release (&ctx);
  cleanup_free char *cmd = xasprintf ("rm -rf %s", dir);
  return system (cmd) == 0 ? 0 : -1;
}

static pp_state_t *
open_state (void)
{
  pp_state_t *s = NULL;
  cleanup_error pp_error_t err = NULL;
  if (pp_state_open (&ctx, &s, &err) < 0)
    fail_msg ("%s", err->msg);
  return s;
}

static void
add_pod (pp_state_t *s, const char *name, char **id_out)
{
  cleanup_error pp_error_t err = NULL;
  char *id = pp_state_new_id ();
  cleanup_free char *n = xstrdup (name);
  char created[] = "Created";
  pp_pod_rec_t p = { .id = id, .name = n, .status = created, .created = 1700000000 };
  if (pp_state_pod_add (s, &p, &err) < 0)
    fail_msg ("%s", err->msg);
  if (id_out)
    *id_out = id;
  else
    free (id);
}

static void
test_pods_and_containers (void **state)
{
  (void) state;
  pp_state_t *s = open_state ();
  cleanup_error pp_error_t err = NULL;
  cleanup_free char *id = NULL;
  add_pod (s, "web-0", &id);
  assert_int_equal (strlen (id), 64);

  /* A name is one pod's. */
  char web0[] = "web-0", app[] = "app", setup_name[] = "setup", busybox[] = "busybox", exited[] = "Exited";
  pp_pod_rec_t dup = { .id = pp_state_new_id (), .name = web0, .created = 1 };
  assert_int_equal (pp_state_pod_add (s, &dup, &err), -1);
  assert_non_null (strstr (err->msg, "pod web-0: already exists"));
  free (dup.id);
  pp_error_release (&err);

  pp_container_rec_t c = { .id = pp_state_new_id (), .pod_id = id, .name = app, .image = busybox, .exit_code = -1 };
  pp_container_rec_t init
      = { .id = pp_state_new_id (), .pod_id = id, .name = setup_name, .image = busybox, .init = true, .exit_code = -1 };
  assert_int_equal (pp_state_container_add (s, &c, &err), 0);
  assert_int_equal (pp_state_container_add (s, &init, &err), 0);
  c.status = exited;
  c.exit_code = 137;
  c.oom_killed = true;
  c.restarts = 2;
  assert_int_equal (pp_state_container_update (s, &c, &err), 0);

  pp_container_rec_t *cs;
  size_t n;
  assert_int_equal (pp_state_container_list (s, id, &cs, &n, &err), 0);
  assert_int_equal (n, 2);
  assert_string_equal (cs[0].name, "setup"); /* init containers first */
  assert_true (cs[0].init);
  assert_string_equal (cs[1].status, "Exited");
  assert_int_equal (cs[1].exit_code, 137);
  assert_true (cs[1].oom_killed);
  assert_int_equal (cs[1].restarts, 2);
  pp_container_recs_free (cs, n);

  /* By name, id and unique prefix; removing a pod removes its containers. */
  pp_pod_rec_t got;
  assert_int_equal (pp_state_pod_get (s, "web-0", &got, &err), 0);
  assert_string_equal (got.id, id);
  assert_string_equal (got.namespace_, "default");
  pp_pod_rec_release (&got);
  char prefix[13];
  memcpy (prefix, id, 12);
  prefix[12] = '\0';
  assert_int_equal (pp_state_pod_get (s, prefix, &got, &err), 0);
  assert_string_equal (got.name, "web-0");
  pp_pod_rec_release (&got);
  assert_int_equal (pp_state_pod_remove (s, id, &err), 0);
  assert_int_equal (pp_state_container_list (s, id, &cs, &n, &err), 0);
  assert_int_equal (n, 0);
  free (cs);
  assert_int_equal (pp_state_pod_get (s, "web-0", &got, &err), -1);
  assert_non_null (strstr (err->msg, "no pod `web-0`"));
  free (c.id);
  free (init.id);
  pp_state_close (s);
}

static void
test_rollback_leaves_nothing (void **state)
{
  (void) state;
  pp_state_t *s = open_state ();
  cleanup_error pp_error_t err = NULL;
  assert_int_equal (pp_state_begin (s, &err), 0);
  add_pod (s, "a", NULL);
  add_pod (s, "b", NULL);
  pp_state_rollback (s);
  pp_pod_rec_t *pods;
  size_t n;
  assert_int_equal (pp_state_pod_list (s, &pods, &n, &err), 0);
  assert_int_equal (n, 0);
  free (pods);
  pp_state_close (s);
  /* Reopening finds the schema there and the database empty. */
  s = open_state ();
  assert_int_equal (pp_state_pod_list (s, &pods, &n, &err), 0);
  assert_int_equal (n, 0);
  free (pods);
  pp_state_close (s);
}

/* Two processes, each adding 150 pods in transactions of three: all 300 land, none lost or doubled. */
/* Blocks of host ids for user namespaces: the lowest free one, each pod its own, kept on a second ask, freed with the
   pod's record, none when all are taken. */
static void
test_userns_blocks (void **state)
{
  (void) state;
  pp_state_t *s = open_state ();
  cleanup_error pp_error_t err = NULL;
  cleanup_free char *a = NULL, *b = NULL, *c = NULL, *d = NULL;
  add_pod (s, "a", &a);
  add_pod (s, "b", &b);
  add_pod (s, "c", &c);
  add_pod (s, "d", &d);
  uint32_t ba = 0, bb = 0, bc = 0, again = 0;
  assert_int_equal (pp_state_userns_take (s, a, 10, 13, &ba, &err), 0);
  assert_int_equal (pp_state_userns_take (s, b, 10, 13, &bb, &err), 0);
  assert_int_equal (pp_state_userns_take (s, a, 10, 13, &again, &err), 0);
  assert_int_equal (ba, 10);
  assert_int_equal (bb, 11);
  assert_int_equal (again, 10);
  assert_int_equal (pp_state_pod_remove (s, a, &err), 0);
  assert_int_equal (pp_state_userns_take (s, c, 10, 13, &bc, &err), 0);
  assert_int_equal (bc, 10);
  assert_int_equal (pp_state_userns_take (s, d, 10, 13, &again, &err), 0);
  assert_int_equal (again, 12);
  cleanup_free char *e = NULL;
  add_pod (s, "e", &e);
  assert_int_equal (pp_state_userns_take (s, e, 10, 13, &again, &err), -1);
  assert_int_equal (err->status, ENOSPC);
  pp_error_release (&err);
  /* A replacement that borrowed d's block gets it as d goes, and keeps it once d's record is removed; a pod
     that holds one gets no other. */
  assert_int_equal (pp_state_userns_block (s, e, &again, &err), 1);
  assert_int_equal (pp_state_userns_move (s, d, e, &err), 0);
  assert_int_equal (pp_state_userns_block (s, d, &again, &err), 1);
  assert_int_equal (pp_state_pod_remove (s, d, &err), 0);
  assert_int_equal (pp_state_userns_block (s, e, &again, &err), 0);
  assert_int_equal (again, 12);
  assert_int_equal (pp_state_userns_move (s, b, e, &err), 0);
  assert_int_equal (pp_state_userns_block (s, b, &again, &err), 0);
  assert_int_equal (again, 11);
  assert_int_equal (pp_state_userns_block (s, e, &again, &err), 0);
  assert_int_equal (again, 12);
  pp_state_close (s);
}

/* Addresses of a network: the lowest free offset, each pod its own, kept on a second ask, freed with the pod's record,
   none when all are taken; a network is not removed while a pod holds an address in it. */
static void
test_addresses (void **state)
{
  (void) state;
  pp_state_t *s = open_state ();
  cleanup_error pp_error_t err = NULL;
  char bridge[] = "podplay0", name[] = "podplay", subnet[] = "10.244.0.0/30", gw[] = "10.244.0.1";
  pp_network_rec_t net = { .name = name, .bridge = bridge, .subnet = subnet, .gateway = gw, .created = 1 };
  assert_int_equal (pp_state_network_add (s, &net, &err), 0);
  assert_int_equal (pp_state_network_add (s, &net, &err), -1);
  pp_error_release (&err);
  cleanup_free char *a = NULL, *b = NULL, *c = NULL;
  add_pod (s, "a", &a);
  add_pod (s, "b", &b);
  add_pod (s, "c", &c);
  uint64_t oa = 0, ob = 0, again = 0;
  assert_int_equal (pp_state_address_take (s, a, "podplay", 2, 4, &oa, &err), 0);
  assert_int_equal (pp_state_address_take (s, b, "podplay", 2, 4, &ob, &err), 0);
  assert_int_equal (pp_state_address_take (s, a, "podplay", 2, 4, &again, &err), 0);
  assert_int_equal (oa, 2);
  assert_int_equal (ob, 3);
  assert_int_equal (again, 2);
  assert_int_equal (pp_state_address_take (s, c, "podplay", 2, 4, &again, &err), -1);
  assert_int_equal (err->status, ENOSPC);
  pp_error_release (&err);
  pp_network_rec_t *nets = NULL;
  size_t n = 0;
  assert_int_equal (pp_state_network_list (s, NULL, &nets, &n, &err), 0);
  assert_int_equal (n, 1);
  assert_int_equal (nets[0].pods, 2);
  pp_network_recs_free (nets, n);
  assert_int_equal (pp_state_network_remove (s, "podplay", &err), -1);
  pp_error_release (&err);
  assert_int_equal (pp_state_pod_remove (s, a, &err), 0);
  assert_int_equal (pp_state_address_take (s, c, "podplay", 2, 4, &again, &err), 0);
  assert_int_equal (again, 2);
  cleanup_free char *where = NULL;
  assert_int_equal (pp_state_address_get (s, c, &where, &again, &err), 0);
  assert_string_equal (where, "podplay");
  assert_int_equal (pp_state_address_get (s, a, NULL, &again, &err), 1);
  assert_int_equal (pp_state_pod_remove (s, b, &err), 0);
  assert_int_equal (pp_state_pod_remove (s, c, &err), 0);
  assert_int_equal (pp_state_network_remove (s, "podplay", &err), 0);
  pp_state_close (s);
}

/* Services: one per namespace and name (a put replaces), an address once; endpoints are pods with labels and an
   address, ready when running with every container that is not an init container ready; a pod's labels go with
   it. */
static void
test_services_and_endpoints (void **state)
{
  (void) state;
  pp_state_t *s = open_state ();
  cleanup_error pp_error_t err = NULL;
  char ns[] = "default", web[] = "web", db[] = "db", ip1[] = "10.96.0.1", spec[] = "{}", file[] = "/a.yaml";
  pp_service_rec_t r = { .namespace_ = ns, .name = web, .play_file = file, .cluster_ip = ip1, .spec = spec };
  assert_int_equal (pp_state_service_put (s, &r, &err), 0);
  assert_int_equal (pp_state_service_put (s, &r, &err), 0);
  r.name = db;
  assert_int_equal (pp_state_service_put (s, &r, &err), -1);
  assert_int_equal (err->status, EEXIST);
  pp_error_release (&err);
  r.cluster_ip = NULL; /* headless: any number of them */
  assert_int_equal (pp_state_service_put (s, &r, &err), 0);
  pp_service_rec_t *svcs = NULL;
  size_t n = 0;
  assert_int_equal (pp_state_service_list (s, "/a.yaml", &svcs, &n, &err), 0);
  assert_int_equal (n, 2);
  assert_string_equal (svcs[0].name, "db");
  assert_null (svcs[0].cluster_ip);
  assert_string_equal (svcs[1].cluster_ip, "10.96.0.1");
  pp_service_recs_free (svcs, n);
  assert_int_equal (pp_state_service_list (s, "/b.yaml", &svcs, &n, &err), 0);
  assert_int_equal (n, 0);
  free (svcs);

  char bridge[] = "podplay0", name[] = "podplay", subnet[] = "10.244.0.0/24", gw[] = "10.244.0.1";
  pp_network_rec_t net = { .name = name, .bridge = bridge, .subnet = subnet, .gateway = gw, .created = 1 };
  assert_int_equal (pp_state_network_add (s, &net, &err), 0);
  cleanup_free char *a = NULL, *b = NULL, *c = NULL;
  add_pod (s, "a", &a);
  add_pod (s, "b", &b);
  add_pod (s, "c", &c); /* no address: no endpoint */
  uint64_t off;
  assert_int_equal (pp_state_address_take (s, a, "podplay", 2, 250, &off, &err), 0);
  assert_int_equal (pp_state_address_take (s, b, "podplay", 2, 250, &off, &err), 0);
  assert_int_equal (pp_state_pod_labels_put (s, a, "{\"app\":\"web\"}", "{}", "web-a", "web", &err), 0);
  assert_int_equal (pp_state_pod_labels_put (s, b, "{\"app\":\"web\"}", "{}", NULL, NULL, &err), 0);
  assert_int_equal (pp_state_pod_labels_put (s, c, "{\"app\":\"web\"}", "{}", NULL, NULL, &err), 0);
  char running[] = "Running", cname[] = "main", init[] = "init", img[] = "busybox";
  assert_int_equal (pp_state_pod_set_status (s, a, running, 0, &err), 0);
  assert_int_equal (pp_state_pod_set_status (s, b, running, 0, &err), 0);
  pp_container_rec_t ca = { .id = pp_state_new_id (), .pod_id = a, .name = cname, .image = img, .status = running,
                            .ready = true, .exit_code = -1 };
  pp_container_rec_t ia = { .id = pp_state_new_id (), .pod_id = a, .name = init, .image = img, .init = true,
                            .status = running, .exit_code = 0 };
  pp_container_rec_t cb = { .id = pp_state_new_id (), .pod_id = b, .name = cname, .image = img, .status = running,
                            .exit_code = -1 };
  assert_int_equal (pp_state_container_add (s, &ca, &err), 0);
  assert_int_equal (pp_state_container_add (s, &ia, &err), 0);
  assert_int_equal (pp_state_container_add (s, &cb, &err), 0);
  assert_int_equal (pp_state_container_update (s, &ca, &err), 0);
  pp_endpoint_rec_t *eps = NULL;
  assert_int_equal (pp_state_endpoint_list (s, &eps, &n, &err), 0);
  assert_int_equal (n, 2);
  assert_string_equal (eps[0].pod_name, "a");
  assert_true (eps[0].ready); /* its init container's readiness does not count */
  assert_string_equal (eps[0].hostname, "web-a");
  assert_string_equal (eps[0].subdomain, "web");
  assert_string_equal (eps[1].pod_name, "b");
  assert_null (eps[1].hostname);
  assert_false (eps[1].ready);
  assert_string_equal (eps[1].subnet, "10.244.0.0/24");
  assert_non_null (eps[1].network);
  assert_int_equal (eps[1].offset, 3);
  pp_endpoint_recs_free (eps, n);
  assert_int_equal (pp_state_pod_remove (s, a, &err), 0);
  assert_int_equal (pp_state_endpoint_list (s, &eps, &n, &err), 0);
  assert_int_equal (n, 1);
  pp_endpoint_recs_free (eps, n);
  assert_int_equal (pp_state_service_remove (s, "default", "web", &err), 0);
  assert_int_equal (pp_state_service_list (s, NULL, &svcs, &n, &err), 0);
  assert_int_equal (n, 1);
  pp_service_recs_free (svcs, n);
  free (ca.id);
  free (ia.id);
  free (cb.id);
  pp_state_close (s);
}

/* A command that only reads opens the state while a play holds a write transaction, without waiting for it (the
   schema is made once, not at every open); it sees what was committed. */
static void
test_open_beside_a_writer (void **state)
{
  (void) state;
  pp_state_t *w = open_state ();
  add_pod (w, "before", NULL);
  cleanup_error pp_error_t err = NULL;
  assert_int_equal (pp_state_begin (w, &err), 0);
  add_pod (w, "during", NULL);
  /* Had the open taken the write lock, it would have failed ("database is locked") after the busy timeout. */
  pp_state_t *r = open_state ();
  pp_pod_rec_t *pods = NULL;
  size_t n = 0;
  assert_int_equal (pp_state_pod_list (r, &pods, &n, &err), 0);
  assert_int_equal (n, 1);
  assert_string_equal (pods[0].name, "before");
  pp_pod_recs_free (pods, n);
  pp_state_close (r);
  assert_int_equal (pp_state_commit (w, &err), 0);
  pp_state_close (w);
}

static void
test_two_writers (void **state)
{
  (void) state;
  pp_state_close (open_state ());
  pid_t kids[2];
  for (int k = 0; k < 2; k++)
    {
      kids[k] = fork ();
      assert_true (kids[k] >= 0);
      if (kids[k] == 0)
        {
          pp_state_t *s = NULL;
          pp_error_t err = NULL;
          if (pp_state_open (&ctx, &s, &err) < 0)
            _exit (2);
          for (int i = 0; i < 50; i++)
            {
              if (pp_state_begin (s, &err) < 0)
                _exit (3);
              for (int j = 0; j < 3; j++)
                {
                  char name[48];
                  snprintf (name, sizeof name, "p%d-%d-%d", k, i, j);
                  char *id = pp_state_new_id ();
                  pp_pod_rec_t p = { .id = id, .name = name, .created = i };
                  if (pp_state_pod_add (s, &p, &err) < 0)
                    _exit (4);
                  free (id);
                }
              if (pp_state_commit (s, &err) < 0)
                _exit (5);
            }
          pp_state_close (s);
          _exit (0);
        }
    }
  for (int k = 0; k < 2; k++)
    {
      int status = 0;
      assert_int_equal (waitpid (kids[k], &status, 0), kids[k]);
      assert_true (WIFEXITED (status));
      assert_int_equal (WEXITSTATUS (status), 0);
    }
  pp_state_t *s = open_state ();
  cleanup_error pp_error_t err = NULL;
  pp_pod_rec_t *pods;
  size_t n;
  assert_int_equal (pp_state_pod_list (s, &pods, &n, &err), 0);
  assert_int_equal (n, 300);
  pp_pod_recs_free (pods, n);
  pp_state_close (s);
}

/* Jobs: put, replace, list by name or all, remove; and a pod's owner. */
static void
test_jobs (void **state)
{
  (void) state;
  pp_state_t *s = open_state ();
  cleanup_error pp_error_t err = NULL;
  char name[] = "pi", other[] = "other", running[] = "Running", done[] = "Complete";
  pp_job_rec_t j = { .name = name, .status = running, .completions = 3, .parallelism = 2, .backoff_limit = 6,
                     .started = 1700000000 };
  assert_int_equal (pp_state_job_put (s, &j, &err), 0);
  j.status = done;
  j.succeeded = 3;
  assert_int_equal (pp_state_job_put (s, &j, &err), 0);
  j.name = other;
  assert_int_equal (pp_state_job_put (s, &j, &err), 0);
  pp_job_rec_t *js;
  size_t n;
  assert_int_equal (pp_state_job_list (s, "pi", &js, &n, &err), 0);
  assert_int_equal (n, 1);
  assert_string_equal (js[0].status, "Complete");
  assert_string_equal (js[0].namespace_, "default");
  assert_int_equal (js[0].succeeded, 3);
  assert_int_equal (js[0].parallelism, 2);
  pp_job_recs_free (js, n);
  assert_int_equal (pp_state_job_remove (s, "pi", &err), 0);
  assert_int_equal (pp_state_job_list (s, NULL, &js, &n, &err), 0);
  assert_int_equal (n, 1);
  assert_string_equal (js[0].name, "other");
  pp_job_recs_free (js, n);
  char *id = pp_state_new_id ();
  char pod[] = "pi-0", owner[] = "Job/pi", created[] = "Created";
  pp_pod_rec_t p = { .id = id, .name = pod, .status = created, .owner = owner };
  assert_int_equal (pp_state_pod_add (s, &p, &err), 0);
  pp_pod_rec_t got;
  assert_int_equal (pp_state_pod_get (s, "pi-0", &got, &err), 0);
  assert_string_equal (got.owner, "Job/pi");
  pp_pod_rec_release (&got);
  free (id);
  pp_state_close (s);
}

/* A database of schema 3 (before Jobs) is migrated: its pods keep their records and get no owner. */
static void
test_migrate_from_3 (void **state)
{
  (void) state;
  cleanup_free char *root = xasprintf ("%s/root", dir);
  cleanup_free char *path = xasprintf ("%s/state.db", root);
  assert_int_equal (mkdir (root, 0700), 0);
  sqlite3 *db = NULL;
  assert_int_equal (sqlite3_open (path, &db), SQLITE_OK);
  assert_int_equal (
      sqlite3_exec (
          db,
          "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
          "INSERT INTO meta VALUES ('schema', '3');"
          "CREATE TABLE pods (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, namespace TEXT NOT NULL, play_file TEXT,"
          " spec_hash TEXT, status TEXT NOT NULL, created INTEGER NOT NULL, monitor_pid INTEGER NOT NULL DEFAULT 0);"
          "CREATE TABLE containers (id TEXT PRIMARY KEY, pod_id TEXT NOT NULL REFERENCES pods (id) ON DELETE CASCADE,"
          " name TEXT NOT NULL, image TEXT NOT NULL, image_id TEXT NOT NULL DEFAULT '', init INTEGER NOT NULL DEFAULT 0,"
          " status TEXT NOT NULL, pid INTEGER NOT NULL DEFAULT 0, exit_code INTEGER NOT NULL DEFAULT -1,"
          " oom_killed INTEGER NOT NULL DEFAULT 0, restarts INTEGER NOT NULL DEFAULT 0,"
          " ready INTEGER NOT NULL DEFAULT 0, started INTEGER NOT NULL DEFAULT 0, finished INTEGER NOT NULL DEFAULT 0,"
          " UNIQUE (pod_id, name));"
          "INSERT INTO pods VALUES ('abc', 'old', 'default', NULL, NULL, 'Exited', 1, 0);",
          NULL, NULL, NULL),
      SQLITE_OK);
  sqlite3_close (db);
  pp_state_t *s = open_state ();
  cleanup_error pp_error_t err = NULL;
  pp_pod_rec_t got;
  assert_int_equal (pp_state_pod_get (s, "old", &got, &err), 0);
  assert_null (got.owner);
  pp_pod_rec_release (&got);
  pp_job_rec_t *js;
  size_t n;
  assert_int_equal (pp_state_job_list (s, NULL, &js, &n, &err), 0);
  assert_int_equal (n, 0);
  free (js);
  pp_state_close (s);
}

/* A database of today's schema under the test's root, made older by `sql`; as older podplays left them, its
   user_version is 0. */
static void
old_database (const char *sql)
{
  cleanup_free char *root = xasprintf ("%s/root", dir);
  cleanup_free char *path = xasprintf ("%s/state.db", root);
  assert_int_equal (mkdir (root, 0700), 0);
  pp_state_close (open_state ());
  sqlite3 *db = NULL;
  assert_int_equal (sqlite3_open (path, &db), SQLITE_OK);
  assert_int_equal (sqlite3_exec (db, sql, NULL, NULL, NULL), SQLITE_OK);
  assert_int_equal (sqlite3_exec (db, "PRAGMA user_version = 0", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close (db);
}

/* A database of schema 4 whose pod_labels has no hostname or subdomain gets them, its rows kept; reopening it (at
   today's schema now) changes nothing. */
static void
test_migrate_from_4 (void **state)
{
  (void) state;
  old_database ("DROP TABLE pod_labels;"
                "CREATE TABLE pod_labels (pod_id TEXT PRIMARY KEY REFERENCES pods (id) ON DELETE"
                " CASCADE, labels TEXT NOT NULL, ports TEXT NOT NULL);"
                "INSERT INTO pods (id, name, namespace, status, created) VALUES ('p', 'p', 'default',"
                " 'Running', 1);"
                "INSERT INTO pod_labels VALUES ('p', '{}', '{}');"
                "UPDATE meta SET value = '4' WHERE key = 'schema'");
  for (int i = 0; i < 2; i++)
    {
      pp_state_t *s = open_state ();
      cleanup_error pp_error_t err = NULL;
      assert_int_equal (pp_state_pod_labels_put (s, "p", "{}", "{}", "h", "sub", &err), 0);
      pp_state_close (s);
    }
  cleanup_free char *path = xasprintf ("%s/root/state.db", dir);
  sqlite3 *db = NULL;
  assert_int_equal (sqlite3_open (path, &db), SQLITE_OK);
  sqlite3_stmt *st = NULL;
  assert_int_equal (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = 'schema'", -1, &st, NULL), SQLITE_OK);
  assert_int_equal (sqlite3_step (st), SQLITE_ROW);
  assert_string_equal ((const char *)sqlite3_column_text (st, 0), "7");
  sqlite3_finalize (st);
  sqlite3_close (db);
}

/* Schema 5 had IPv4 networks only: they stay so, and a network of both families is recorded beside them. */
static void
test_migrate_from_5 (void **state)
{
  (void) state;
  old_database ("DROP TABLE addresses; DROP TABLE networks;"
                "CREATE TABLE networks (name TEXT PRIMARY KEY, bridge TEXT NOT NULL UNIQUE, subnet"
                " TEXT NOT NULL, gateway TEXT NOT NULL, internal INTEGER NOT NULL DEFAULT 0,"
                " created INTEGER NOT NULL);"
                "INSERT INTO networks VALUES ('old', 'podplay1', '10.245.0.0/24', '10.245.0.1', 0, 1);"
                "UPDATE meta SET value = '5' WHERE key = 'schema'");
  for (int i = 0; i < 2; i++)
    {
      pp_state_t *s = open_state ();
      cleanup_error pp_error_t err = NULL;
      pp_network_rec_t *nets = NULL;
      size_t n = 0;
      if (i == 0)
        {
          char name[] = "dual", bridge[] = "podplay2", subnet[] = "10.245.1.0/24", gw[] = "10.245.1.1",
               subnet6[] = "fd00:10:245:1::/64", gw6[] = "fd00:10:245:1::1";
          pp_network_rec_t dual = { .name = name, .bridge = bridge, .subnet = subnet, .gateway = gw,
                                    .subnet6 = subnet6, .gateway6 = gw6, .created = 2 };
          assert_int_equal (pp_state_network_add (s, &dual, &err), 0);
        }
      assert_int_equal (pp_state_network_list (s, NULL, &nets, &n, &err), 0);
      assert_int_equal (n, 2);
      assert_string_equal (nets[0].name, "dual");
      assert_string_equal (nets[0].subnet6, "fd00:10:245:1::/64");
      assert_string_equal (nets[0].gateway6, "fd00:10:245:1::1");
      assert_string_equal (nets[1].name, "old");
      assert_null (nets[1].subnet6);
      assert_null (nets[1].gateway6);
      pp_network_recs_free (nets, n);
      pp_state_close (s);
    }
}

/* A database of schema 6 gets the objects table and the pods' object column, its pods kept; the objects of a
   play file are replaced whole and listed in order. */
static void
test_migrate_from_6_objects (void **state)
{
  (void) state;
  old_database ("INSERT INTO pods (id, name, namespace, status, created) VALUES ('p', 'old', 'default',"
                " 'Running', 1);"
                "ALTER TABLE pods DROP COLUMN object; DROP TABLE objects;"
                "UPDATE meta SET value = '6' WHERE key = 'schema'");
  pp_state_t *s = open_state ();
  cleanup_error pp_error_t err = NULL;
  pp_pod_rec_t p;
  assert_int_equal (pp_state_pod_get (s, "old", &p, &err), 0);
  assert_null (p.object);
  pp_pod_rec_release (&p);
  char id[] = "q", name[] = "web-0", status[] = "Created", object[] = "Deployment/web";
  pp_pod_rec_t q = { .id = id, .name = name, .status = status, .object = object };
  assert_int_equal (pp_state_pod_add (s, &q, &err), 0);
  assert_int_equal (pp_state_pod_get (s, "web-0", &p, &err), 0);
  assert_string_equal (p.object, "Deployment/web");
  pp_pod_rec_release (&p);

  char cm[] = "ConfigMap", dep[] = "Deployment", cfg[] = "cfg", web[] = "web", y1[] = "a: 1\n", y2[] = "b: 2\n";
  pp_object_rec_t objs[] = { { .kind = cm, .name = cfg, .yaml = y1 }, { .kind = dep, .name = web, .yaml = y2 } };
  assert_int_equal (pp_state_objects_put (s, "/f.yaml", objs, 2, &err), 0);
  assert_int_equal (pp_state_objects_put (s, "/g.yaml", objs + 1, 1, &err), 0);
  pp_object_rec_t *v = NULL;
  size_t n = 0;
  assert_int_equal (pp_state_objects_list (s, "/f.yaml", &v, &n, &err), 0);
  assert_int_equal (n, 2);
  assert_string_equal (v[0].kind, "ConfigMap");
  assert_string_equal (v[0].namespace_, "default");
  assert_string_equal (v[1].yaml, "b: 2\n");
  pp_object_recs_free (v, n);
  /* A play again replaces its file's objects; a down leaves none; other files keep theirs. */
  assert_int_equal (pp_state_objects_put (s, "/f.yaml", objs + 1, 1, &err), 0);
  assert_int_equal (pp_state_objects_list (s, NULL, &v, &n, &err), 0);
  assert_int_equal (n, 2);
  assert_string_equal (v[0].play_file, "/f.yaml");
  assert_string_equal (v[0].kind, "Deployment");
  assert_string_equal (v[1].play_file, "/g.yaml");
  pp_object_recs_free (v, n);
  assert_int_equal (pp_state_objects_put (s, "/f.yaml", NULL, 0, &err), 0);
  assert_int_equal (pp_state_objects_list (s, "/f.yaml", &v, &n, &err), 0);
  assert_int_equal (n, 0);
  pp_object_recs_free (v, n);
  pp_state_close (s);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown (test_pods_and_containers, setup, teardown),
    cmocka_unit_test_setup_teardown (test_rollback_leaves_nothing, setup, teardown),
    cmocka_unit_test_setup_teardown (test_open_beside_a_writer, setup, teardown),
    cmocka_unit_test_setup_teardown (test_two_writers, setup, teardown),
    cmocka_unit_test_setup_teardown (test_jobs, setup, teardown),
    cmocka_unit_test_setup_teardown (test_migrate_from_3, setup, teardown),
    cmocka_unit_test_setup_teardown (test_migrate_from_4, setup, teardown),
    cmocka_unit_test_setup_teardown (test_migrate_from_5, setup, teardown),
    cmocka_unit_test_setup_teardown (test_migrate_from_6_objects, setup, teardown),
    cmocka_unit_test_setup_teardown (test_userns_blocks, setup, teardown),
    cmocka_unit_test_setup_teardown (test_addresses, setup, teardown),
    cmocka_unit_test_setup_teardown (test_services_and_endpoints, setup, teardown),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
