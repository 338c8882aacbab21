/* Pods and containers: `kube play|down`, `pod ls|inspect|start|stop|rm|logs`, `ps`, `logs`, `inspect`, and
   the hidden `monitor` a pod runs under. */
#include "net/network.h"
#include "net/resolver.h"
#include "play/job.h"
#include "play/play.h"
#include "play/run.h"
#include "runtime/logfile.h"
#include "runtime/namedvol.h"
#include "schema/manifest.h"
#include "runtime/monitor.h"
#include "runtime/pod.h"
#include "runtime/podctl.h"
#include "src/cli/cli.h"
#include "state/state.h"

#include <jansson.h>
#include <ctype.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <time.h>

int
pp_cmd_kube_down (pp_cli_t *cli, int argc, char **argv)
{
  int opt;
  bool force = false;
  static const struct option opts[] = { { "force", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
  while ((opt = pp_cli_getopt (cli, argc, argv, "f", opts)) != -1)
    if (opt == 'f')
      force = true;
    else
      return opt == 'h' ? PP_EXIT_OK : PP_EXIT_ERROR;
  if (optind >= argc)
    return pp_cli_usage_error (cli, "%s needs the file(s) that were played", cli->path);
  pp_error_t err = NULL;
  pp_play_result_t res = { 0 };
  int ret = pp_kube_down (cli->ctx, argv + optind, (size_t) (argc - optind), force, &res, &err);
  pp_cli_print_down (stdout, &res, argv + optind, (size_t) (argc - optind), ret == 0);
  pp_play_result_release (&res);
  if (ret < 0)
    return pp_cli_fail (&err);
  return PP_EXIT_OK;
}

int
pp_cmd_monitor (pp_cli_t *cli, int argc, char **argv)
{
  if (argc != 2)
    return pp_cli_usage_error (cli, "monitor takes a pod id (it is started by podplay itself)");
  pp_helper_detach ();
  return pp_monitor_main (cli->ctx, argv[1], 3);
}

int
pp_cmd_dns (pp_cli_t *cli, int argc, char **argv)
{
  if (argc != 2)
    return pp_cli_usage_error (cli, "dns takes a network's name (it is started by podplay itself)");
  pp_helper_detach ();
  return pp_resolver_main (cli->ctx, argv[1]);
}

/* ---- listings ---- */

void
pp_cli_world_free (pp_cli_world_t *w)
{
  for (size_t i = 0; i < w->n_pods; i++)
    pp_container_recs_free (w->cs[i], w->n_cs[i]);
  free (w->cs);
  free (w->n_cs);
  pp_pod_recs_free (w->pods, w->n_pods);
  if (w->state)
    pp_state_close (w->state);
}

int
pp_cli_world_load (pp_context_t *ctx, pp_cli_world_t *w, pp_error_t *err)
{
  memset (w, 0, sizeof *w);
  w->ctx = ctx;
  if (pp_state_open (ctx, &w->state, err) < 0 || pp_state_pod_list (w->state, &w->pods, &w->n_pods, err) < 0)
    return -1;
  w->cs = xzalloc ((w->n_pods + 1) * sizeof *w->cs);
  w->n_cs = xzalloc ((w->n_pods + 1) * sizeof *w->n_cs);
  for (size_t i = 0; i < w->n_pods; i++)
    if (pp_pod_refresh (w->state, &w->pods[i], err) < 0
        || pp_state_container_list (w->state, w->pods[i].id, &w->cs[i], &w->n_cs[i], err) < 0)
      return -1;
  return 0;
}

static void
format_age (char *buf, size_t size, int64_t since)
{
  int64_t d = (int64_t) time (NULL) - since;
  if (d < 0)
    d = 0;
  if (d < 60)
    snprintf (buf, size, "%llds", (long long) d);
  else if (d < 3600)
    snprintf (buf, size, "%lldm", (long long) (d / 60));
  else if (d < 86400)
    snprintf (buf, size, "%lldh", (long long) (d / 3600));
  else
    snprintf (buf, size, "%lldd", (long long) (d / 86400));
}

static void
ctr_status_text (const pp_container_rec_t *c, char *buf, size_t size)
{
  char age[32];
  if (strcmp (c->status, "Running") == 0)
    {
      format_age (age, sizeof age, c->started);
      snprintf (buf, size, "Up %s%s", age, c->ready ? "" : " (not ready)");
    }
  else if (strcmp (c->status, "Exited") == 0)
    {
      format_age (age, sizeof age, c->finished);
      snprintf (buf, size, "%s (%lld) %s ago", c->oom_killed ? "OOMKilled" : "Exited", (long long) c->exit_code,
                age);
    }
  else
    snprintf (buf, size, "%s", c->status);
}

static json_t *
ctr_json (const pp_pod_rec_t *pod, const pp_container_rec_t *c)
{
  cleanup_free char *full = xasprintf ("%s-%s", pod->name, c->name);
  return json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:b, s:I, s:I, s:b, s:I, s:I, s:I}", "id", c->id,
                    "name", full, "container", c->name, "pod", pod->name, "podId", pod->id, "image", c->image, "init",
                    c->init, "sidecar", c->sidecar, "status", c->status, "ready", c->ready, "pid", (json_int_t) c->pid, "exitCode", (json_int_t) c->exit_code,
                    "oomKilled", c->oom_killed, "restarts", (json_int_t) c->restarts, "startedAt",
                    (json_int_t) c->started, "finishedAt", (json_int_t) c->finished);
}

static json_t *
pod_json (const pp_cli_world_t *w, size_t i)
{
  const pp_pod_rec_t *p = &w->pods[i];
  json_t *cs = json_array ();
  for (size_t j = 0; j < w->n_cs[i]; j++)
    json_array_append_new (cs, ctr_json (p, &w->cs[i][j]));
  /* Its address and network, as its plan records them (none: the host's network, or loopback only). */
  json_t *plan = pp_pod_read_plan (w->ctx, p->id, NULL);
  json_t *net = json_object_get (plan, "network");
  char ip[PP_IP_STRLEN], ip6[PP_IP_STRLEN];
  json_t *j = json_pack ("{s:s, s:s, s:s, s:s, s:s?, s:I, s:I, s:s?, s:s?, s:s?, s:o}", "id", p->id, "name", p->name,
                         "namespace", p->namespace_, "status", p->status, "playFile", p->play_file, "created",
                         (json_int_t) p->created, "monitorPid", (json_int_t) p->monitor_pid, "network",
                         json_string_value (json_object_get (net, "name")), "ip",
                         net ? pp_network_pod_ip (net, ip) : NULL, "ip6", net ? pp_network_pod_ip6 (net, ip6) : NULL,
                         "containers", cs);
  json_decref (plan);
  return j;
}

void
pp_cli_print_json (json_t *j)
{
  json_dumpf (j, stdout, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  fputc ('\n', stdout);
  json_decref (j);
}

/* A row of `pod ls` or `ps` for the filters: pod `i` of the world, and one of its containers (NULL: the pod). */
typedef struct
{
  pp_cli_world_t *w;
  size_t i;
  const pp_container_rec_t *c;
} list_row_t;

static bool
match_row (const char *key, const char *value, const void *arg)
{
  const list_row_t *r = arg;
  const pp_pod_rec_t *p = &r->w->pods[r->i];
  if (strcmp (key, "id") == 0)
    return strncmp (r->c ? r->c->id : p->id, value, strlen (value)) == 0;
  if (strcmp (key, "status") == 0)
    return strcasecmp (r->c ? r->c->status : p->status, value) == 0;
  if (strcmp (key, "pod") == 0)
    return strcmp (p->name, value) == 0 || (strlen (value) >= 3 && strncmp (p->id, value, strlen (value)) == 0);
  if (strcmp (key, "label") == 0)
    {
      cleanup_free char *labels = NULL;
      return pp_state_pod_labels_get (r->w->state, p->id, &labels, NULL) == 0 && pp_cli_match_label (value, labels);
    }
  cleanup_free char *full = r->c ? xasprintf ("%s-%s", p->name, r->c->name) : xstrdup (p->name);
  return pp_cli_match_name (value, full);
}

static const pp_table_col_t pod_cols[] = {
  { "ID", "POD ID", true, 12 },      { "Name", "NAME", true, 0 },         { "Status", "STATUS", true, 0 },
  { "Ready", "READY", true, 0 },     { "Restarts", "RESTARTS", true, 0 }, { "Age", "AGE", true, 0 },
  { "Namespace", "NAMESPACE", false, 0 }, { "NumberOfContainers", "# OF CONTAINERS", false, 0 },
  { "PlayFile", "PLAY FILE", false, 0 },
};
static const char *const pod_filters[] = { "id=PREFIX", "name=REGEX", "status=STATUS", "label=KEY[=VALUE]", NULL };
const pp_list_spec_t pp_list_pods = { pod_cols, PP_N_ELEMENTS (pod_cols), pod_filters, "ID", NULL };

int
pp_cmd_pod_ls (pp_cli_t *cli, int argc, char **argv)
{
  pp_cli_list_t l;
  int r = pp_cli_list_options (cli, argc, argv, &l);
  if (r >= 0)
    return r;
  pp_cli_world_t w;
  pp_error_t err = NULL;
  if (pp_cli_world_load (cli->ctx, &w, &err) < 0)
    {
      pp_cli_world_free (&w);
      pp_cli_list_release (&l);
      return pp_cli_fail (&err);
    }
  json_t *a = json_array ();
  pp_table_t t;
  pp_cli_list_table (cli, &t);
  for (size_t i = 0; i < w.n_pods; i++)
    {
      if (!pp_cli_list_keep (&l, match_row, &(list_row_t){ &w, i, NULL }))
        continue;
      if (l.json)
        {
          json_array_append_new (a, pod_json (&w, i));
          continue;
        }
      size_t running = 0, total = 0;
      int64_t restarts = 0;
      for (size_t j = 0; j < w.n_cs[i]; j++)
        {
          /* READY counts the main containers and the sidecars, as kubectl does. */
          if (w.cs[i][j].init && !w.cs[i][j].sidecar)
            continue;
          total++;
          running += strcmp (w.cs[i][j].status, "Running") == 0 && w.cs[i][j].ready;
          restarts += w.cs[i][j].restarts;
        }
      char age[32], ready[32], nrestarts[32], nctrs[32];
      format_age (age, sizeof age, w.pods[i].created);
      snprintf (ready, sizeof ready, "%zu/%zu", running, total);
      snprintf (nrestarts, sizeof nrestarts, "%lld", (long long) restarts);
      snprintf (nctrs, sizeof nctrs, "%zu", w.n_cs[i]);
      const char *row[] = { w.pods[i].id, w.pods[i].name, w.pods[i].status, ready, nrestarts, age,
                            w.pods[i].namespace_, nctrs, w.pods[i].play_file };
      pp_table_add (&t, row);
    }
  r = pp_cli_list_finish (cli, &l, &t, a);
  pp_cli_world_free (&w);
  return r;
}

static const pp_table_col_t ctr_cols[] = {
  { "ID", "CONTAINER ID", true, 12 }, { "Names", "NAMES", true, 0 },     { "Image", "IMAGE", true, 0 },
  { "Status", "STATUS", true, 0 },    { "Restarts", "RESTARTS", true, 0 }, { "Created", "CREATED", true, 0 },
  { "State", "STATE", false, 0 },     { "Pod", "POD ID", false, 12 },    { "PodName", "POD", false, 0 },
  { "ImageID", "IMAGE ID", false, 12 },
};
static const char *const ctr_filters[] = { "id=PREFIX", "name=REGEX", "pod=POD", "status=STATUS", "label=KEY[=VALUE]", NULL };
const pp_list_spec_t pp_list_containers = { ctr_cols, PP_N_ELEMENTS (ctr_cols), ctr_filters, "ID", "the containers that do not run too" };

int
pp_cmd_ps (pp_cli_t *cli, int argc, char **argv)
{
  pp_cli_list_t l;
  int r = pp_cli_list_options (cli, argc, argv, &l);
  if (r >= 0)
    return r;
  pp_cli_world_t w;
  pp_error_t err = NULL;
  if (pp_cli_world_load (cli->ctx, &w, &err) < 0)
    {
      pp_cli_world_free (&w);
      pp_cli_list_release (&l);
      return pp_cli_fail (&err);
    }
  json_t *a = json_array ();
  pp_table_t t;
  pp_cli_list_table (cli, &t);
  for (size_t i = 0; i < w.n_pods; i++)
    for (size_t j = 0; j < w.n_cs[i]; j++)
      {
        const pp_container_rec_t *c = &w.cs[i][j];
        if ((!l.all && strcmp (c->status, "Running") != 0)
            || !pp_cli_list_keep (&l, match_row, &(list_row_t){ &w, i, c }))
          continue;
        if (l.json)
          {
            json_array_append_new (a, ctr_json (&w.pods[i], c));
            continue;
          }
        char status[64], age[32], restarts[32], state[32];
        ctr_status_text (c, status, sizeof status);
        format_age (age, sizeof age, w.pods[i].created);
        cleanup_free char *full = xasprintf ("%s-%s", w.pods[i].name, c->name);
        cleanup_free char *created = xasprintf ("%s ago", age);
        snprintf (restarts, sizeof restarts, "%lld", (long long) c->restarts);
        snprintf (state, sizeof state, "%s", c->status);
        for (char *s = state; *s; s++)
          *s = (char) tolower ((unsigned char) *s);
        const char *row[]
            = { c->id, full, c->image, status, restarts, created, state, w.pods[i].id, w.pods[i].name, c->image_id };
        pp_table_add (&t, row);
      }
  r = pp_cli_list_finish (cli, &l, &t, a);
  pp_cli_world_free (&w);
  return r;
}

/* A container by `<pod>-<name>`, its id or an id prefix (3 digits or more), or a name only one pod has. */
static int
find_container (pp_cli_world_t *w, const char *what, size_t *pi, size_t *ci, pp_error_t *err)
{
  return pp_ctr_match (w->pods, w->n_pods, w->cs, w->n_cs, what, pi, ci, err);
}

/* The JSON of pods and containers named by the arguments; `pods_only` for `pod inspect`. */
static int
inspect (pp_cli_t *cli, int argc, char **argv, bool pods_only)
{
  bool json = true;
  int r = pp_cli_format_options (cli, argc, argv, &json);
  if (r >= 0)
    return r;
  if (optind >= argc)
    return pp_cli_usage_error (cli, "%s needs a pod%s", cli->path, pods_only ? "" : " or a container");
  pp_cli_world_t w;
  pp_error_t err = NULL;
  if (pp_cli_world_load (cli->ctx, &w, &err) < 0)
    {
      pp_cli_world_free (&w);
      return pp_cli_fail (&err);
    }
  json_t *a = json_array ();
  int status = PP_EXIT_OK;
  for (int k = optind; k < argc; k++)
    {
      size_t pi, ci;
      pp_pod_rec_t p;
      if (!pods_only && find_container (&w, argv[k], &pi, &ci, NULL) == 0)
        {
          json_t *j = ctr_json (&w.pods[pi], &w.cs[pi][ci]);
          json_object_set_new (j, "type", json_string ("container"));
          json_object_set_new (j, "state", json_pack ("{s:s, s:b, s:I}", "status", w.cs[pi][ci].status,
                                                      "OOMKilled", w.cs[pi][ci].oom_killed, "exitCode",
                                                      (json_int_t) w.cs[pi][ci].exit_code));
          json_array_append_new (a, j);
        }
      else if (pp_state_pod_get (w.state, argv[k], &p, NULL) == 0)
        {
          for (size_t i = 0; i < w.n_pods; i++)
            if (strcmp (w.pods[i].id, p.id) == 0)
              {
                json_t *j = pod_json (&w, i);
                json_object_set_new (j, "type", json_string ("pod"));
                json_array_append_new (a, j);
              }
          pp_pod_rec_release (&p);
        }
      else
        {
          fprintf (stderr, "Error: no %s `%s`\n", pods_only ? "pod" : "pod or container", argv[k]);
          status = PP_EXIT_ERROR;
        }
    }
  pp_cli_print_json (a);
  pp_cli_world_free (&w);
  return status;
}

int
pp_cmd_pod_inspect (pp_cli_t *cli, int argc, char **argv)
{
  return inspect (cli, argc, argv, true);
}

int
pp_cmd_inspect (pp_cli_t *cli, int argc, char **argv)
{
  return inspect (cli, argc, argv, false);
}

/* ---- stop, start, rm ---- */

static int
timeout_options (pp_cli_t *cli, int argc, char **argv, int *timeout, bool *force, bool *all)
{
  /* What a command does not take is left out of what it parses: rm takes all, stop no -f, start no -t. */
  static const struct option opts[] = {
    { "force", no_argument, NULL, 'f' },
    { "time", required_argument, NULL, 't' },
    { "all", no_argument, NULL, 'a' },
    { NULL, 0, NULL, 0 },
  };
  int opt;
  const struct option *taken = force ? opts : timeout ? opts + 1 : opts + 2;
  while ((opt = pp_cli_getopt (cli, argc, argv, force ? "ft:a" : timeout ? "t:a" : "a", taken)) != -1)
    switch (opt)
      {
      case 't':
        {
          char *end;
          long v = strtol (optarg, &end, 10);
          if (*optarg == '\0' || *end || v < 0 || v > 86400)
            return pp_cli_usage_error (cli, "-t takes seconds (0 to 86400), not `%s`", optarg);
          *timeout = (int) v;
          break;
        }
      case 'f':
        *force = true;
        break;
      case 'a':
        *all = true;
        break;
      case 'h':
        return PP_EXIT_OK;
      default:
        return PP_EXIT_ERROR;
      }
  if (optind >= argc && !*all)
    return pp_cli_usage_error (cli, "%s needs a pod (or --all)", cli->path);
  return -1;
}

/* The pods named by the arguments (or all of them), each given to `fn`; errors are printed and counted.  With
   `stop_first`, every pod's monitor is told to stop before the first is given to `fn`, after *stop_first seconds
   (each pod's grace period when negative): the pods stop together, not one grace period after another, as Podman
   stops a command's pods in parallel. */
static int
each_pod (pp_cli_t *cli, int argc, char **argv, bool all, const int *stop_first,
          int (*fn) (pp_cli_t *, pp_state_t *, pp_pod_rec_t *, void *, pp_error_t *), void *data)
{
  pp_state_t *state;
  pp_error_t err = NULL;
  if (pp_state_open (cli->ctx, &state, &err) < 0)
    return pp_cli_fail (&err);
  pp_pod_rec_t *pods = NULL;
  size_t n = 0;
  int status = PP_EXIT_OK;
  if (all)
    {
      if (pp_state_pod_list (state, &pods, &n, &err) < 0)
        {
          pp_state_close (state);
          return pp_cli_fail (&err);
        }
    }
  else
    {
      pods = xzalloc ((size_t) (argc - optind + 1) * sizeof *pods);
      for (int k = optind; k < argc; k++)
        if (pp_state_pod_get (state, argv[k], &pods[n], &err) == 0)
          n++;
        else
          {
            pp_error_print (stderr, err);
            pp_error_release (&err);
            status = PP_EXIT_ERROR;
          }
    }
  for (size_t i = 0; stop_first && i < n; i++)
    pp_pod_stop_begin (&pods[i], *stop_first >= 0 ? *stop_first : pp_pod_grace (cli->ctx, pods[i].id));
  for (size_t i = 0; i < n; i++)
    if (fn (cli, state, &pods[i], data, &err) < 0)
      {
        pp_error_print (stderr, err);
        pp_error_release (&err);
        status = PP_EXIT_ERROR;
      }
    else
      printf ("%s\n", pods[i].id);
  pp_pod_recs_free (pods, n);
  pp_state_close (state);
  return status;
}

static int
stop_one (pp_cli_t *cli, pp_state_t *state, pp_pod_rec_t *pod, void *data, pp_error_t *err)
{
  int timeout = *(int *) data;
  if (timeout < 0)
    timeout = pp_pod_grace (cli->ctx, pod->id);
  return pp_pod_stop (cli->ctx, state, pod, timeout, err);
}

int
pp_cmd_pod_stop (pp_cli_t *cli, int argc, char **argv)
{
  int timeout = -1;
  bool all = false;
  int r = timeout_options (cli, argc, argv, &timeout, NULL, &all);
  if (r >= 0)
    return r;
  return each_pod (cli, argc, argv, all, &timeout, stop_one, &timeout);
}

static int
start_one (pp_cli_t *cli, pp_state_t *state, pp_pod_rec_t *pod, void *data, pp_error_t *err)
{
  (void) data;
  return pp_pod_start (cli->ctx, state, pod, err);
}

int
pp_cmd_pod_start (pp_cli_t *cli, int argc, char **argv)
{
  bool all = false;
  int r = timeout_options (cli, argc, argv, NULL, NULL, &all);
  if (r >= 0)
    return r;
  return each_pod (cli, argc, argv, all, NULL, start_one, NULL);
}

typedef struct
{
  int timeout;
  bool force;
} rm_opts_t;

static int
rm_one (pp_cli_t *cli, pp_state_t *state, pp_pod_rec_t *pod, void *data, pp_error_t *err)
{
  (void) state;
  rm_opts_t *o = data;
  if (!o->force && pp_pod_monitor_alive (pod))
    return pp_error_make (err, EBUSY, "pod %s is running: stop it first, or use -f", pod->name);
  /* The manifest `run` or `pod create` wrote for it goes with it. */
  cleanup_free char *run = pp_run_manifest_of (cli->ctx, pod);
  if (pp_pod_remove (cli->ctx, pod->id, o->timeout, err) < 0)
    return -1;
  if (run)
    unlink (run);
  return 0;
}

int
pp_cmd_pod_rm (pp_cli_t *cli, int argc, char **argv)
{
  rm_opts_t o = { -1, false };
  bool all = false;
  int r = timeout_options (cli, argc, argv, &o.timeout, &o.force, &all);
  if (r >= 0)
    return r;
  /* The pods' links go together at the end, as in a down. */
  pp_network_defer_begin ();
  int status = each_pod (cli, argc, argv, all, o.force ? &o.timeout : NULL, rm_one, &o);
  pp_error_t err = NULL;
  if (pp_network_defer_end (&err) < 0)
    status = pp_cli_fail (&err);
  return status;
}

/* ---- logs ---- */

typedef struct
{
  pp_context_t *ctx;
  char *pod_id;
} follow_t;

bool
pp_cli_pod_writing (pp_context_t *ctx, const char *pod_id)
{
  pp_state_t *state;
  if (pp_state_open (ctx, &state, NULL) < 0)
    return false;
  pp_pod_rec_t pod;
  cleanup_error pp_error_t none = NULL;
  bool alive = false;
  if (pp_state_pod_get (state, pod_id, &pod, &none) == 0)
    {
      alive = pp_pod_monitor_alive (&pod);
      pp_pod_rec_release (&pod);
    }
  pp_state_close (state);
  return alive;
}

static int
pod_still_writing (pp_log_set_t *s, void *data, pp_error_t *err)
{
  (void) s;
  (void) err;
  follow_t *f = data;
  return pp_cli_pod_writing (f->ctx, f->pod_id);
}

/* The options of `logs` and `pod logs` (-c CONTAINER for the latter); -1 to go on, else the status to exit with. */
static int
logs_options (pp_cli_t *cli, int argc, char **argv, pp_log_read_opts_t *lo, const char **container)
{
  static const struct option opts[] = {
    { "container", required_argument, NULL, 'c' },
    { "follow", no_argument, NULL, 'f' },
    { "tail", required_argument, NULL, 'n' },
    { "timestamps", no_argument, NULL, 't' },
    { NULL, 0, NULL, 0 },
  };
  int opt;
  while ((opt = pp_cli_getopt (cli, argc, argv, container ? "fn:tc:" : "fn:t", container ? opts : opts + 1)) != -1)
    switch (opt)
      {
      case 'f':
        lo->follow = true;
        break;
      case 'n':
        {
          char *end;
          lo->tail = strtol (optarg, &end, 10);
          if (*optarg == '\0' || *end || lo->tail < -1)
            return pp_cli_usage_error (cli, "--tail takes a number of lines, not `%s`", optarg);
          break;
        }
      case 't':
        lo->timestamps = true;
        break;
      case 'c':
        if (container == NULL)
          return pp_cli_usage_error (cli, "unknown option --container");
        *container = optarg;
        break;
      case 'h':
        return PP_EXIT_OK;
      default:
        return PP_EXIT_ERROR;
      }
  if (optind + 1 != argc)
    return pp_cli_usage_error (cli, "%s needs one %s", cli->path, container ? "pod" : "container");
  return -1;
}

/* Prints the set, following it while the pod `pod_id` runs when asked. */
static int
print_logs (pp_cli_t *cli, pp_log_set_t *set, const char *pod_id)
{
  follow_t f = { cli->ctx, xstrdup (pod_id) };
  pp_error_t err = NULL;
  fflush (stdout);
  int ret = pp_log_set_follow (set, pod_still_writing, &f, &err);
  free (f.pod_id);
  pp_log_set_release (set);
  if (ret < 0)
    return pp_cli_fail (&err);
  return PP_EXIT_OK;
}

int
pp_cmd_logs (pp_cli_t *cli, int argc, char **argv)
{
  pp_log_set_t set = { .opts = { .tail = -1 }, .fds = { 1, 2 } };
  int r = logs_options (cli, argc, argv, &set.opts, NULL);
  if (r >= 0)
    return r;
  pp_cli_world_t w;
  pp_error_t err = NULL;
  size_t pi, ci;
  if (pp_cli_world_load (cli->ctx, &w, &err) < 0 || find_container (&w, argv[optind], &pi, &ci, &err) < 0)
    {
      pp_cli_world_free (&w);
      return pp_cli_fail (&err);
    }
  cleanup_free char *path = pp_ctr_logfile (cli->ctx, w.cs[pi][ci].id);
  cleanup_free char *pod_id = xstrdup (w.pods[pi].id);
  pp_log_set_add (&set, w.cs[pi][ci].id, NULL, path);
  pp_cli_world_free (&w);
  return print_logs (cli, &set, pod_id);
}

/* Every container of a pod (init containers first, in order), or the one -c names; labelled when more than one
   is shown. */
int
pp_cmd_pod_logs (pp_cli_t *cli, int argc, char **argv)
{
  pp_log_set_t set = { .opts = { .tail = -1 }, .fds = { 1, 2 } };
  const char *only = NULL;
  int r = logs_options (cli, argc, argv, &set.opts, &only);
  if (r >= 0)
    return r;
  pp_cli_world_t w;
  pp_error_t err = NULL;
  pp_pod_rec_t pod = { 0 };
  if (pp_cli_world_load (cli->ctx, &w, &err) < 0 || pp_state_pod_get (w.state, argv[optind], &pod, &err) < 0)
    {
      pp_cli_world_free (&w);
      return pp_cli_fail (&err);
    }
  size_t pi;
  for (pi = 0; pi < w.n_pods && strcmp (w.pods[pi].id, pod.id) != 0; pi++)
    ;
  size_t shown = 0;
  for (size_t j = 0; pi < w.n_pods && j < w.n_cs[pi]; j++)
    shown += only == NULL || strcmp (w.cs[pi][j].name, only) == 0;
  for (size_t j = 0; pi < w.n_pods && j < w.n_cs[pi]; j++)
    if (only == NULL || strcmp (w.cs[pi][j].name, only) == 0)
      {
        cleanup_free char *path = pp_ctr_logfile (cli->ctx, w.cs[pi][j].id);
        pp_log_set_add (&set, w.cs[pi][j].id, shown > 1 ? w.cs[pi][j].name : NULL, path);
      }
  pp_cli_world_free (&w);
  if (only && shown == 0)
    pp_error_make (&err, 0, "pod %s has no container `%s`", pod.name, only);
  cleanup_free char *pod_id = xstrdup (pod.id);
  pp_pod_rec_release (&pod);
  if (err)
    {
      pp_log_set_release (&set);
      return pp_cli_fail (&err);
    }
  return print_logs (cli, &set, pod_id);
}

/* ---- exec ---- */

int
pp_cmd_exec (pp_cli_t *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "interactive", no_argument, NULL, 'i' },
    { "tty", no_argument, NULL, 't' },
    { "user", required_argument, NULL, 'u' },
    { NULL, 0, NULL, 0 },
  };
  pp_ctr_exec_opts_t o = { 0 };
  int opt;
  while ((opt = pp_cli_getopt (cli, argc, argv, "itu:", opts)) != -1)
    switch (opt)
      {
      case 'i':
        o.interactive = true;
        break;
      case 't':
        o.tty = true;
        break;
      case 'u':
        o.user = optarg;
        break;
      case 'h':
        return PP_EXIT_OK;
      default:
        return PP_EXIT_ERROR;
      }
  if (argc - optind < 2)
    return pp_cli_usage_error (cli, "%s needs a container and a command", cli->path);
  o.container = argv[optind];
  o.argv = argv + optind + 1;
  pp_error_t err = NULL;
  int status = 0;
  fflush (stdout);
  if (pp_ctr_exec (cli->ctx, &o, &status, &err) < 0)
    pp_cli_fail (&err);
  return status;
}

/* ---- volumes ---- */

/* A name filter on a JSON row's "name". */
static bool
match_json_name (const char *key, const char *value, const void *row)
{
  (void) key;
  return pp_cli_match_name (value, json_string_value (json_object_get (row, "name")) ?: "");
}

static const pp_table_col_t volume_cols[] = {
  { "Driver", "DRIVER", true, 0 },
  { "Name", "VOLUME NAME", true, 0 },
  { "UsedBy", "USED BY", true, 0 },
};
static const char *const volume_filters[] = { "name=REGEX", NULL };
const pp_list_spec_t pp_list_volumes = { volume_cols, PP_N_ELEMENTS (volume_cols), volume_filters, "Name", NULL };

int
pp_cmd_volume_ls (pp_cli_t *cli, int argc, char **argv)
{
  pp_cli_list_t l;
  int r = pp_cli_list_options (cli, argc, argv, &l);
  if (r >= 0)
    return r;
  pp_error_t err = NULL;
  json_t *vols = pp_namedvol_list (cli->ctx, &err), *kept = json_array ();
  pp_table_t t;
  pp_cli_list_table (cli, &t);
  size_t i;
  json_t *v;
  json_array_foreach (vols, i, v)
  {
    if (!pp_cli_list_keep (&l, match_json_name, v))
      continue;
    json_array_append (kept, v);
    pp_buf_t users = { 0 };
    size_t k;
    json_t *u;
    json_array_foreach (json_object_get (v, "usedBy"), k, u)
      pp_buf_printf (&users, "%s%s", k ? "," : "", json_string_value (u) ?: "");
    const char *row[] = { "local", json_string_value (json_object_get (v, "name")), users.data };
    pp_table_add (&t, row);
    pp_buf_free (&users);
  }
  json_decref (vols);
  r = pp_cli_list_finish (cli, &l, &t, kept);
  return r;
}

int
pp_cmd_volume_inspect (pp_cli_t *cli, int argc, char **argv)
{
  bool json = true;
  int r = pp_cli_format_options (cli, argc, argv, &json);
  if (r >= 0)
    return r;
  if (optind >= argc)
    return pp_cli_usage_error (cli, "%s needs a volume", cli->path);
  json_t *vols = pp_namedvol_list (cli->ctx, NULL), *out = json_array ();
  int status = PP_EXIT_OK;
  for (int k = optind; k < argc; k++)
    {
      size_t i;
      json_t *v;
      bool found = false;
      json_array_foreach (vols, i, v)
      {
        if (strcmp (json_string_value (json_object_get (v, "name")) ?: "", argv[k]) == 0)
          {
            json_array_append (out, v);
            found = true;
          }
      }
      if (!found)
        {
          fprintf (stderr, "Error: no volume `%s`\n", argv[k]);
          status = PP_EXIT_ERROR;
        }
    }
  json_decref (vols);
  pp_cli_print_json (out);
  return status;
}

int
pp_cmd_volume_rm (pp_cli_t *cli, int argc, char **argv)
{
  static const struct option opts[] = { { NULL, 0, NULL, 0 } };
  int opt;
  while ((opt = pp_cli_getopt (cli, argc, argv, "", opts)) != -1)
    return opt == 'h' ? PP_EXIT_OK : PP_EXIT_ERROR;
  if (optind >= argc)
    return pp_cli_usage_error (cli, "%s needs a volume", cli->path);
  int status = PP_EXIT_OK;
  for (int k = optind; k < argc; k++)
    {
      pp_error_t err = NULL;
      if (pp_namedvol_remove (cli->ctx, argv[k], &err) < 0)
        status = pp_cli_fail (&err);
      else
        printf ("%s\n", argv[k]);
    }
  return status;
}

/* ---- jobs ---- */

static json_t *
job_json (const pp_job_rec_t *j)
{
  return json_pack ("{s:s, s:s, s:s?, s:s, s:s?, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b}", "name", j->name,
                    "namespace", j->namespace_, "playFile", j->play_file, "status", j->status, "reason", j->reason,
                    "completions", (json_int_t) j->completions, "parallelism", (json_int_t) j->parallelism,
                    "backoffLimit", (json_int_t) j->backoff_limit, "activeDeadlineSeconds", (json_int_t) j->deadline,
                    "succeeded", (json_int_t) j->succeeded, "failed", (json_int_t) j->failed, "active",
                    (json_int_t) j->active, "started", (json_int_t) j->started, "finished", (json_int_t) j->finished,
                    "controllerRunning", pp_job_controller_alive (j));
}

static bool
match_job (const char *key, const char *value, const void *row)
{
  const pp_job_rec_t *j = row;
  if (strcmp (key, "status") == 0)
    return strcasecmp (j->status, value) == 0;
  return pp_cli_match_name (value, j->name);
}

static const pp_table_col_t job_cols[] = {
  { "Name", "NAME", true, 0 },         { "Status", "STATUS", true, 0 }, { "Completions", "COMPLETIONS", true, 0 },
  { "Duration", "DURATION", true, 0 }, { "Age", "AGE", true, 0 },       { "Reason", "REASON", true, 0 },
};
static const char *const job_filters[] = { "name=REGEX", "status=STATUS", NULL };
const pp_list_spec_t pp_list_jobs = { job_cols, PP_N_ELEMENTS (job_cols), job_filters, "Name", NULL };

int
pp_cmd_job_ls (pp_cli_t *cli, int argc, char **argv)
{
  pp_cli_list_t l;
  int r = pp_cli_list_options (cli, argc, argv, &l);
  if (r >= 0)
    return r;
  pp_error_t err = NULL;
  pp_state_t *state;
  pp_job_rec_t *js = NULL;
  size_t n = 0;
  int ret = pp_state_open (cli->ctx, &state, &err);
  if (ret == 0)
    {
      ret = pp_state_job_list (state, NULL, &js, &n, &err);
      pp_state_close (state);
    }
  if (ret < 0)
    {
      pp_cli_list_release (&l);
      return pp_cli_fail (&err);
    }
  json_t *a = json_array ();
  pp_table_t t;
  pp_cli_list_table (cli, &t);
  for (size_t i = 0; i < n; i++)
    {
      /* A controller that died (killed) leaves a Job that no longer moves: said, not hidden. */
      if (strcmp (js[i].status, "Running") == 0 && !pp_job_controller_alive (&js[i]))
        {
          free (js[i].status);
          js[i].status = xstrdup ("Stopped");
        }
      if (!pp_cli_list_keep (&l, match_job, &js[i]))
        continue;
      if (l.json)
        {
          json_array_append_new (a, job_json (&js[i]));
          continue;
        }
      char comp[48], dur[32], age[32];
      if (js[i].completions > 0)
        snprintf (comp, sizeof comp, "%lld/%lld", (long long) js[i].succeeded, (long long) js[i].completions);
      else
        snprintf (comp, sizeof comp, "%lld/1 of %lld", (long long) js[i].succeeded, (long long) js[i].parallelism);
      format_age (dur, sizeof dur,
                  js[i].started + (int64_t) time (NULL) - (js[i].finished ? js[i].finished : (int64_t) time (NULL)));
      format_age (age, sizeof age, js[i].started);
      const char *row[] = { js[i].name, js[i].status, comp, dur, age, js[i].reason };
      pp_table_add (&t, row);
    }
  r = pp_cli_list_finish (cli, &l, &t, a);
  pp_job_recs_free (js, n);
  return r;
}

int
pp_cmd_job_rm (pp_cli_t *cli, int argc, char **argv)
{
  bool all = false;
  int r = pp_cli_rm_options (cli, argc, argv, "a job", &all);
  if (r >= 0)
    return r;
  pp_error_t err = NULL;
  char **names = NULL;
  size_t n = 0;
  if (all)
    {
      pp_state_t *state;
      pp_job_rec_t *js = NULL;
      if (pp_state_open (cli->ctx, &state, &err) < 0)
        return pp_cli_fail (&err);
      int ret = pp_state_job_list (state, NULL, &js, &n, &err);
      pp_state_close (state);
      if (ret < 0)
        return pp_cli_fail (&err);
      names = xzalloc ((n + 1) * sizeof (char *));
      for (size_t i = 0; i < n; i++)
        names[i] = xstrdup (js[i].name);
      pp_job_recs_free (js, n);
    }
  else
    {
      n = (size_t) (argc - optind);
      names = xzalloc ((n + 1) * sizeof (char *));
      for (size_t i = 0; i < n; i++)
        names[i] = xstrdup (argv[optind + (int) i]);
    }
  int status = PP_EXIT_OK;
  for (size_t i = 0; i < n; i++)
    if (pp_job_remove (cli->ctx, names[i], &err) < 0)
      status = pp_cli_fail (&err);
    else
      printf ("%s\n", names[i]);
  pp_strv_free (names);
  return status;
}

/* ---- kube play ---- */

static volatile sig_atomic_t interrupted;

static void
on_interrupt (int sig)
{
  interrupted = sig;
}

typedef struct
{
  pp_context_t *ctx;
  char **paths, **files;
  size_t n_paths;
} play_watch_t;

/* The play's pods' logs join the set as the pods appear (Deployments replace pods, Jobs make new ones); they
   are followed while any of the pods or Jobs runs, and the user has not interrupted. */
static int
play_running (pp_log_set_t *s, void *data, pp_error_t *err)
{
  play_watch_t *pw = data;
  pp_cli_world_t w;
  bool alive = false;
  if (pp_cli_world_load (pw->ctx, &w, err) < 0)
    {
      pp_cli_world_free (&w);
      return -1;
    }
  for (size_t i = 0; i < w.n_pods; i++)
    {
      bool ours = false;
      for (size_t k = 0; k < pw->n_paths && !ours; k++)
        ours = w.pods[i].play_file && strcmp (w.pods[i].play_file, pw->files[k]) == 0;
      if (!ours)
        continue;
      alive = alive || pp_pod_monitor_alive (&w.pods[i]);
      for (size_t j = 0; j < w.n_cs[i]; j++)
        {
          cleanup_free char *label = xasprintf ("%s-%s", w.pods[i].name, w.cs[i][j].name);
          cleanup_free char *path = pp_ctr_logfile (pw->ctx, w.cs[i][j].id);
          pp_log_set_add (s, w.cs[i][j].id, label, path);
        }
    }
  pp_cli_world_free (&w);
  return !interrupted && (alive || pp_jobs_running (pw->ctx, pw->paths, pw->n_paths));
}

/* --wait: the logs of the play's pods until they all end or the user interrupts, then kube down. */
static int
play_wait (pp_cli_t *cli, char **paths, size_t n_paths, pp_error_t *err)
{
  play_watch_t pw = { cli->ctx, paths, xzalloc ((n_paths + 1) * sizeof (char *)), n_paths };
  for (size_t k = 0; k < n_paths; k++)
    {
      char buf[PATH_MAX];
      pw.files[k] = xstrdup (strcmp (paths[k], "-") != 0 && realpath (paths[k], buf) ? buf : paths[k]);
    }
  /* Both streams on stdout, as before: one ordered view of the play. */
  pp_log_set_t set = { .opts = { .tail = -1, .follow = true }, .fds = { 1, 1 } };
  int ret = pp_log_set_follow (&set, play_running, &pw, err);
  pp_log_set_release (&set);
  pp_strv_free (pw.files);
  if (ret < 0)
    return -1;
  pp_play_result_t res = { 0 };
  ret = pp_kube_down (cli->ctx, paths, n_paths, false, &res, err);
  pp_cli_print_down (stdout, &res, paths, n_paths, ret == 0);
  pp_play_result_release (&res);
  return ret;
}

int
pp_cmd_kube_play (pp_cli_t *cli, int argc, char **argv)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { "start", required_argument, NULL, 's' },
    { "replace", no_argument, NULL, 'R' },
    { "wait", no_argument, NULL, 'w' },
    { "watch", no_argument, NULL, 'W' },
    { "configmap", required_argument, NULL, 'c' },
    { "network", required_argument, NULL, 'n' },
    { "publish", required_argument, NULL, 'p' },
    { NULL, 0, NULL, 0 },
  };
  bool wait = false, watch = false, json = false;
  cleanup_strv char **pubs = xzalloc (sizeof (char *));
  size_t n_pubs = 0;
  pp_play_opts_t po = { .start = true, .runtime = cli->ctx->runtime };
  cleanup_strv char **cms = xzalloc (sizeof (char *));
  size_t n_cms = 0;
  int opt;
  while ((opt = pp_cli_getopt (cli, argc, argv, "f:p:", opts)) != -1)
    switch (opt)
      {
      case 'f':
        if (pp_cli_parse_format (cli, optarg, &json) != 0)
          return PP_EXIT_ERROR;
        break;
      case 'p':
        pubs = xrealloc (pubs, (n_pubs + 2) * sizeof (char *));
        pubs[n_pubs++] = xstrdup (optarg);
        pubs[n_pubs] = NULL;
        break;
      case 's':
        if (strcmp (optarg, "true") != 0 && strcmp (optarg, "false") != 0)
          return pp_cli_usage_error (cli, "--start takes true or false, not `%s`", optarg);
        po.start = strcmp (optarg, "true") == 0;
        break;
      case 'R':
        po.replace = true;
        break;
      case 'w':
        wait = true;
        break;
      case 'W':
        watch = true;
        break;
      case 'n':
        po.network = optarg;
        break;
      case 'c':
        /* Repeated, or a comma-separated list, as Podman takes it. */
        for (char *save = NULL, *tok = strtok_r (optarg, ",", &save); tok; tok = strtok_r (NULL, ",", &save))
          {
            cms = xrealloc (cms, (n_cms + 2) * sizeof (char *));
            cms[n_cms++] = xstrdup (tok);
            cms[n_cms] = NULL;
          }
        break;
      case 'h':
        return PP_EXIT_OK;
      default:
        return PP_EXIT_ERROR;
      }
  po.configmaps = cms;
  po.n_configmaps = n_cms;
  po.publish = pubs;
  po.n_publish = n_pubs;
  if (optind >= argc)
    return pp_cli_usage_error (cli, "%s needs a file, a directory or - (standard input)", cli->path);
  /* --wait ends with the pods' end and takes them down; --watch leaves them running: the two cannot be one. */
  if (watch && wait)
    return pp_cli_usage_error (cli, "--watch and --wait cannot go together: --wait removes the pods when they end, "
                                    "--watch plays them again until Ctrl-C and leaves them running");
  for (int i = optind; watch && i < argc; i++)
    if (strcmp (argv[i], "-") == 0)
      return pp_cli_usage_error (cli, "--watch needs files or directories to watch, not - (standard input)");
  /* Ctrl-C, SIGTERM or a hang-up fails the play, which removes what it made; with --wait they end the wait, with
     --watch (after its first play) the watch. */
  struct sigaction sa = { .sa_handler = on_interrupt };
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);
  po.interrupted = &interrupted;
  /* The arguments as given: a directory's files are found again at each play. */
  if (watch)
    return pp_cli_play_watch (cli, argv + optind, (size_t) (argc - optind), &po, json);
  pp_error_t err = NULL;
  char **paths = NULL;
  size_t n = 0;
  if (pp_manifest_expand ((const char *const *) argv + optind, (size_t) (argc - optind), false, &paths, &n, &err)
      < 0)
    return pp_cli_fail (&err);
  int ret = pp_cli_play_files (cli, paths, n, &po, json, &err);
  /* The play's files, a directory's found in it: --wait follows their pods and takes them down. */
  if (ret == 0 && wait && po.start)
    {
      fflush (stdout);
      ret = play_wait (cli, paths, n, &err);
    }
  pp_manifest_paths_free (paths, n);
  if (ret < 0)
    return pp_cli_fail (&err);
  return ret == 0 ? PP_EXIT_OK : PP_EXIT_ERROR;
}
