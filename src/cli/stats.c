/* `pod stats` and `stats`: the CPU, memory, network and block I/O and processes of running containers, from their
   cgroups and their pods' network namespaces, measured once (--no-stream) or refreshed until Ctrl-C, as Podman's. */
#include "runtime/pod.h"
#include "runtime/podctl.h"
#include "runtime/stats.h"
#include "src/cli/cli.h"

#include <inttypes.h>
#include <jansson.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* What the CPU share of --no-stream (and of a stream's first table) is measured over: the counters' grain (a
   microsecond on v2, a nanosecond on v1) and a scheduler tick (4 ms at HZ=250) are under 1% of it, and a script
   that asks waits half a second, not Podman's seconds. */
#define FIRST_INTERVAL_MS 500

static const pp_table_col_t pod_cols[] = {
  { "Pod", "POD", true, 12 },
  { "CID", "CID", true, 12 },
  { "Name", "NAME", true, 0 },
  { "CPU", "CPU %", true, 0 },
  { "MemUsage", "MEM USAGE / LIMIT", true, 0 },
  { "Mem", "MEM %", true, 0 },
  { "NetIO", "NET IO", true, 0 },
  { "BlockIO", "BLOCK IO", true, 0 },
  { "PIDS", "PIDS", true, 0 },
  { "PodName", "POD NAME", false, 0 },
  { "MemUsageBytes", "MEM USAGE / LIMIT", false, 0 },
  { "PIDs", "PIDS", false, 0 },
};

static const pp_table_col_t ctr_cols[] = {
  { "ID", "ID", true, 12 },
  { "Name", "NAME", true, 0 },
  { "CPUPerc", "CPU %", true, 0 },
  { "MemUsage", "MEM USAGE / LIMIT", true, 0 },
  { "MemPerc", "MEM %", true, 0 },
  { "NetIO", "NET IO", true, 0 },
  { "BlockIO", "BLOCK IO", true, 0 },
  { "PIDS", "PIDS", true, 0 },
  { "UpTime", "CPU TIME", true, 0 },
  { "AVGCPU", "AVG CPU %", true, 0 },
  { "ContainerID", "ID", false, 0 },
  { "Pod", "POD ID", false, 12 },
  { "PodName", "POD", false, 0 },
  { "MemUsageBytes", "MEM USAGE / LIMIT", false, 0 },
  { "PIDs", "PIDS", false, 0 },
  { "CPU", "CPU %", false, 0 },
  { "AvgCPU", "AVG CPU %", false, 0 },
};

typedef struct
{
  bool pods; /* `pod stats`: the arguments are pods */
  bool all, json, no_stream, no_reset;
  int interval_ms;
  pp_table_opts_t table;
  char **ids; /* the pods or containers named, by id; NULL for every one */
  size_t n_ids;
} stats_opts_t;

/* A container's sample of the last table, for the CPU share of the next. */
typedef struct
{
  char *id;
  pp_stats_sample_t s;
} prev_t;

typedef struct
{
  prev_t *v;
  size_t n;
} prevs_t;

static void
prevs_free (prevs_t *p)
{
  for (size_t i = 0; i < p->n; i++)
    free (p->v[i].id);
  free (p->v);
  *p = (prevs_t){ 0 };
}

static const pp_stats_sample_t *
prevs_find (const prevs_t *p, const char *id)
{
  for (size_t i = 0; i < p->n; i++)
    if (strcmp (p->v[i].id, id) == 0)
      return &p->v[i].s;
  return NULL;
}

static int
stats_options (pp_cli_t *cli, int argc, char **argv, stats_opts_t *o)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { "format", required_argument, NULL, 'F' },
    { "no-stream", no_argument, NULL, 'S' },
    { "no-reset", no_argument, NULL, 'R' },
    { "no-trunc", no_argument, NULL, 'T' },
    { "noheading", no_argument, NULL, 'N' },
    { "interval", required_argument, NULL, 'i' },
    { NULL, 0, NULL, 0 },
  };
  o->interval_ms = 2000;
  int opt;
  while ((opt = pp_cli_getopt (cli, argc, argv, "ai:", opts)) != -1)
    switch (opt)
      {
      case 'a':
        o->all = true;
        break;
      case 'F':
        if (pp_cli_table_format (cli, optarg, &o->json, &o->table) != 0)
          return PP_EXIT_ERROR;
        break;
      case 'S':
        o->no_stream = true;
        break;
      case 'R':
        o->no_reset = true;
        break;
      case 'T':
        o->table.no_trunc = true;
        break;
      case 'N':
        o->table.noheading = true;
        break;
      case 'i':
        {
          char *end;
          long v = strtol (optarg, &end, 10);
          if (*optarg == '\0' || *end || v < 1 || v > 3600)
            return pp_cli_usage_error (cli, "--interval takes seconds (1 to 3600), not `%s`", optarg);
          o->interval_ms = (int)v * 1000;
          break;
        }
      case 'h':
        return PP_EXIT_OK;
      default:
        return PP_EXIT_ERROR;
      }
  return -1;
}

/* The ids of the pods or containers the arguments name; each that names none is an error, printed. */
static int
resolve_names (pp_context_t *ctx, int argc, char **argv, stats_opts_t *o)
{
  if (optind >= argc)
    return 0;
  pp_cli_world_t w;
  pp_error_t err = NULL;
  if (pp_cli_world_load (ctx, &w, &err) < 0)
    {
      pp_cli_world_free (&w);
      return pp_cli_fail (&err);
    }
  int status = 0;
  o->ids = xzalloc ((size_t)(argc - optind + 1) * sizeof *o->ids);
  for (int k = optind; k < argc; k++)
    {
      size_t pi, ci;
      pp_pod_rec_t p;
      if (o->pods && pp_state_pod_get (w.state, argv[k], &p, &err) == 0)
        {
          o->ids[o->n_ids++] = xstrdup (p.id);
          pp_pod_rec_release (&p);
        }
      else if (!o->pods && pp_ctr_match (w.pods, w.n_pods, w.cs, w.n_cs, argv[k], &pi, &ci, &err) == 0)
        o->ids[o->n_ids++] = xstrdup (w.cs[pi][ci].id);
      else
        status = pp_cli_fail (&err);
    }
  pp_cli_world_free (&w);
  return status;
}

static bool
named (const stats_opts_t *o, const char *id)
{
  for (size_t i = 0; i < o->n_ids; i++)
    if (strcmp (o->ids[i], id) == 0)
      return true;
  return false;
}

/* Whether container `c` of pod `p` has a row: a named pod's (or every pod's) running containers, -a all of them;
   a named container whatever it does. */
static bool
wanted (const stats_opts_t *o, const pp_pod_rec_t *p, const pp_container_rec_t *c)
{
  bool running = strcmp (c->status, "Running") == 0;
  if (o->pods)
    return (o->ids == NULL || named (o, p->id)) && (running || o->all);
  return o->ids ? named (o, c->id) : running || o->all;
}

/* A running container of the pod, whose /proc/<pid>/net shows the pod's network; 0 on the host's network (the
   plan names no namespace of its own) or when none runs. */
static pid_t
net_pid (json_t *plan, const pp_container_rec_t *cs, size_t n)
{
  if (json_object_get (plan, "netns") == NULL)
    return 0;
  for (size_t j = 0; j < n; j++)
    if (strcmp (cs[j].status, "Running") == 0 && pp_ctr_alive (&cs[j]))
      return (pid_t)cs[j].pid;
  return 0;
}

/* The container's cgroup as the pod's plan records it (below the pod's); NULL without one. */
static char *
ctr_cgroup (json_t *plan, const char *pod_cgroup, const char *ctr_id)
{
  size_t i;
  json_t *c;
  json_array_foreach (json_object_get (plan, "containers"), i, c)
  {
    const char *cg = json_string_value (json_object_get (c, "cgroup"));
    if (cg && *cg && strcmp (json_string_value (json_object_get (c, "id")) ?: "", ctr_id) == 0)
      return xstrdup (cg);
  }
  return pod_cgroup ? xasprintf ("%s/%s", pod_cgroup, ctr_id) : NULL;
}

/* A Go duration as Podman prints CPU TIME: "4m39.028579s", "4.933ms", "0s". */
static void
go_duration (uint64_t ns, char *buf, size_t size)
{
  static const struct
  {
    uint64_t unit;
    int digits;
    const char *name;
  } small[] = { { 1, 0, "ns" }, { 1000, 3, "µs" }, { 1000000, 6, "ms" } };
  char frac[16] = "";
  size_t k = ns < 1000 ? 0 : ns < 1000000 ? 1 : ns < 1000000000 ? 2 : 3;
  uint64_t unit = k < 3 ? small[k].unit : 1000000000, whole = k < 3 ? ns : ns % 60000000000;
  int digits = k < 3 ? small[k].digits : 9;
  if (digits && whole % unit)
    {
      snprintf (frac, sizeof frac, ".%0*" PRIu64, digits, whole % unit);
      for (size_t e = strlen (frac); frac[e - 1] == '0'; e--)
        frac[e - 1] = '\0';
    }
  if (k < 3)
    {
      snprintf (buf, size, "%" PRIu64 "%s%s", whole / unit, frac, ns ? small[k].name : "s");
      return;
    }
  uint64_t h = ns / 3600000000000, m = ns / 60000000000 % 60;
  char hm[48] = "";
  if (h)
    snprintf (hm, sizeof hm, "%" PRIu64 "h%" PRIu64 "m", h, m);
  else if (m)
    snprintf (hm, sizeof hm, "%" PRIu64 "m", m);
  snprintf (buf, size, "%s%" PRIu64 "%ss", hm, whole / unit, frac);
}

/* Two sizes as Podman pairs them: "1.2MB / 67.11MB", or in binary units. */
static void
size_pair (uint64_t a, uint64_t b, bool iec, char *buf, size_t size)
{
  char x[24], y[24];
  pp_human_size ((double)a, 4, iec, "", x, sizeof x);
  pp_human_size ((double)b, 4, iec, "", y, sizeof y);
  snprintf (buf, size, "%s / %s", x, y);
}

/* What a row shows, as text and as numbers. */
typedef struct
{
  bool live;
  double cpu, avg_cpu, mem_perc;
  pp_stats_sample_t s;
  char cpu_s[24], avg_s[24], cpu_raw[24], avg_raw[24], mem_s[64], mem_iec[64], mem_perc_s[24], net_s[64], blk_s[64],
      pids_s[24], up_s[96];
} view_t;

static void
view_fill (view_t *v, const pp_stats_sample_t *s, const pp_stats_sample_t *before, int64_t started)
{
  v->live = true;
  v->s = *s;
  /* The first time a container is seen after the first table (it started since): its share since it started. */
  double since = (double)time (NULL) - (double)started;
  v->avg_cpu = started > 0 && since > 0 ? (double)s->cg.cpu_ns / (since * 1e9) * 100 : 0;
  v->cpu = before ? pp_stats_cpu_percent (before, s) : v->avg_cpu;
  v->mem_perc = s->cg.memory_limit ? (double)s->cg.memory / (double)s->cg.memory_limit * 100 : 0;
  snprintf (v->cpu_s, sizeof v->cpu_s, "%.2f%%", v->cpu);
  snprintf (v->avg_s, sizeof v->avg_s, "%.2f%%", v->avg_cpu);
  snprintf (v->cpu_raw, sizeof v->cpu_raw, "%.6f", v->cpu);
  snprintf (v->avg_raw, sizeof v->avg_raw, "%.6f", v->avg_cpu);
  snprintf (v->mem_perc_s, sizeof v->mem_perc_s, "%.2f%%", v->mem_perc);
  size_pair (s->cg.memory, s->cg.memory_limit, false, v->mem_s, sizeof v->mem_s);
  size_pair (s->cg.memory, s->cg.memory_limit, true, v->mem_iec, sizeof v->mem_iec);
  size_pair (s->net_rx, s->net_tx, false, v->net_s, sizeof v->net_s);
  size_pair (s->cg.io_read, s->cg.io_write, false, v->blk_s, sizeof v->blk_s);
  snprintf (v->pids_s, sizeof v->pids_s, "%" PRIu64, s->cg.pids);
  go_duration (s->cg.cpu_ns, v->up_s, sizeof v->up_s);
}

/* A container that does not run (or ended while read): "--" everywhere, as Podman shows one. */
static void
view_none (view_t *v)
{
  *v = (view_t){ 0 };
  strcpy (v->cpu_s, "--");
  strcpy (v->avg_s, "--");
  strcpy (v->cpu_raw, "--");
  strcpy (v->avg_raw, "--");
  strcpy (v->mem_perc_s, "--");
  strcpy (v->mem_s, "-- / --");
  strcpy (v->mem_iec, "-- / --");
  strcpy (v->net_s, "-- / --");
  strcpy (v->blk_s, "-- / --");
  strcpy (v->pids_s, "--");
  strcpy (v->up_s, "--");
}

/* A number of the JSON, or null for a container that does not run. */
static json_t *
num (const view_t *v, double x)
{
  return v->live ? json_real (x) : json_null ();
}

static json_t *
count (const view_t *v, uint64_t x)
{
  return v->live ? json_integer ((json_int_t)x) : json_null ();
}

/* The numbers of a row, the same for both commands. */
static void
json_numbers (json_t *j, const view_t *v, const char *pod_name)
{
  json_object_set_new (j, "podName", json_string (pod_name));
  json_object_set_new (j, "cpuPercent", num (v, v->cpu));
  json_object_set_new (j, "avgCpuPercent", num (v, v->avg_cpu));
  json_object_set_new (j, "cpuNanos", count (v, v->s.cg.cpu_ns));
  json_object_set_new (j, "memoryBytes", count (v, v->s.cg.memory));
  json_object_set_new (j, "memoryLimitBytes", count (v, v->s.cg.memory_limit));
  json_object_set_new (j, "memoryPercent", num (v, v->mem_perc));
  json_object_set_new (j, "netRxBytes", count (v, v->s.net_rx));
  json_object_set_new (j, "netTxBytes", count (v, v->s.net_tx));
  json_object_set_new (j, "blockReadBytes", count (v, v->s.cg.io_read));
  json_object_set_new (j, "blockWriteBytes", count (v, v->s.cg.io_write));
  json_object_set_new (j, "pidsCurrent", count (v, v->s.cg.pids));
}

/* The row of container `c` of pod `p`: in the table, or as JSON with Podman's keys (its strings) and the numbers. */
static void
add_row (const stats_opts_t *o, const pp_pod_rec_t *p, const pp_container_rec_t *c, const view_t *v, pp_table_t *t,
         json_t *rows)
{
  cleanup_free char *full = xasprintf ("%s-%s", p->name, c->name);
  cleanup_free char *pod_id = xstrndup (p->id, o->table.no_trunc ? strlen (p->id) : 12);
  cleanup_free char *ctr_id = xstrndup (c->id, o->table.no_trunc ? strlen (c->id) : 12);
  if (o->pods && rows)
    {
      json_t *j = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "Pod", pod_id, "CID", ctr_id, "Name",
                             full, "CPU", v->cpu_s, "MemUsage", v->mem_s, "MemUsageBytes", v->mem_iec, "Mem",
                             v->mem_perc_s, "NetIO", v->net_s, "BlockIO", v->blk_s, "PIDS", v->pids_s);
      json_numbers (j, v, p->name);
      json_array_append_new (rows, j);
    }
  else if (rows)
    {
      json_t *j = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", ctr_id, "name", full,
                             "cpu_time", v->up_s, "cpu_percent", v->cpu_s, "avg_cpu", v->avg_s, "mem_usage", v->mem_s,
                             "mem_percent", v->mem_perc_s, "net_io", v->net_s, "block_io", v->blk_s, "pids", v->pids_s);
      json_numbers (j, v, p->name);
      json_array_append_new (rows, j);
    }
  else if (o->pods)
    {
      const char *row[] = { p->id,    c->id,    full,      v->cpu_s, v->mem_s,   v->mem_perc_s,
                            v->net_s, v->blk_s, v->pids_s, p->name,  v->mem_iec, v->pids_s };
      pp_table_add (t, row);
    }
  else
    {
      const char *row[]
          = { c->id,    full,  v->cpu_s, v->mem_s, v->mem_perc_s, v->net_s,  v->blk_s,   v->pids_s, v->up_s,
              v->avg_s, c->id, p->id,    p->name,  v->mem_iec,    v->pids_s, v->cpu_raw, v->avg_raw };
      pp_table_add (t, row);
    }
}

/* Reads every container that has a row, and (unless `t` and `rows` are both NULL: the first read, for the CPU
   share of the next) adds its row; the samples replace `prevs`. */
static int
one_pass (pp_cli_t *cli, const stats_opts_t *o, prevs_t *prevs, pp_table_t *t, json_t *rows, pp_error_t *err)
{
  pp_cli_world_t w;
  if (pp_cli_world_load (cli->ctx, &w, err) < 0)
    {
      pp_cli_world_free (&w);
      return -1;
    }
  prevs_t now = { 0 };
  for (size_t i = 0; i < w.n_pods; i++)
    {
      const pp_pod_rec_t *p = &w.pods[i];
      json_t *plan = NULL;
      cleanup_free char *pod_cg = NULL;
      pid_t net = 0;
      for (size_t j = 0; j < w.n_cs[i]; j++)
        {
          const pp_container_rec_t *c = &w.cs[i][j];
          if (!wanted (o, p, c))
            continue;
          if (plan == NULL && (plan = pp_pod_read_plan (cli->ctx, p->id, NULL)) != NULL)
            {
              pod_cg = pp_pod_cgroup (p->id, plan);
              net = net_pid (plan, w.cs[i], w.n_cs[i]);
            }
          cleanup_free char *cg = plan ? ctr_cgroup (plan, pod_cg, c->id) : NULL;
          pp_stats_sample_t s;
          view_t v;
          /* A container without a cgroup (an ordinary user's without delegation), or that ended: no numbers. */
          if (strcmp (c->status, "Running") == 0 && cg && pp_stats_sample (cg, pod_cg, net, &s, NULL) == 0)
            {
              view_fill (&v, &s, prevs_find (prevs, c->id), c->started);
              now.v = xrealloc (now.v, (now.n + 1) * sizeof *now.v);
              now.v[now.n++] = (prev_t){ xstrdup (c->id), s };
            }
          else
            view_none (&v);
          if (t || rows)
            add_row (o, p, c, &v, t, rows);
        }
      json_decref (plan);
    }
  prevs_free (prevs);
  *prevs = now;
  pp_cli_world_free (&w);
  return 0;
}

static void
sleep_ms (int ms)
{
  struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
}

/* One table (or JSON array) of every row, printed. */
static int
print_pass (pp_cli_t *cli, const stats_opts_t *o, prevs_t *prevs, pp_error_t *err)
{
  pp_table_t t;
  pp_table_init (&t, o->pods ? pod_cols : ctr_cols, o->pods ? PP_N_ELEMENTS (pod_cols) : PP_N_ELEMENTS (ctr_cols));
  json_t *rows = o->json ? json_array () : NULL;
  int ret = one_pass (cli, o, prevs, &t, rows, err);
  /* In place on a terminal, as Podman clears it and homes the cursor; one table after another elsewhere. */
  if (ret == 0 && !o->no_stream && !o->no_reset && isatty (STDOUT_FILENO))
    fputs ("\033[2J\033[H", stdout);
  if (ret == 0 && rows)
    pp_cli_print_json (steal_pointer (&rows));
  else if (ret == 0)
    ret = pp_table_print (&t, &o->table, stdout, err);
  json_decref (rows);
  pp_table_release (&t);
  fflush (stdout);
  return ret;
}

static int
run_stats (pp_cli_t *cli, int argc, char **argv, bool pods)
{
  stats_opts_t o = { .pods = pods };
  int r = stats_options (cli, argc, argv, &o);
  if (r >= 0)
    return r;
  const pp_table_col_t *cols = pods ? pod_cols : ctr_cols;
  size_t n_cols = pods ? PP_N_ELEMENTS (pod_cols) : PP_N_ELEMENTS (ctr_cols);
  pp_error_t err = NULL;
  /* A bad template or name fails now, not after the first interval. */
  if (o.table.format && strcmp (o.table.format, "table") != 0
      && pp_table_check_format (cols, n_cols, o.table.format, &err) < 0)
    return pp_cli_fail (&err);
  int status = resolve_names (cli->ctx, argc, argv, &o);
  prevs_t prevs = { 0 };
  if (status == 0 && one_pass (cli, &o, &prevs, NULL, NULL, &err) < 0)
    status = pp_cli_fail (&err);
  for (int interval = FIRST_INTERVAL_MS; status == 0; interval = o.interval_ms)
    {
      sleep_ms (interval);
      if (print_pass (cli, &o, &prevs, &err) < 0)
        status = pp_cli_fail (&err);
      else if (o.no_stream)
        break;
    }
  prevs_free (&prevs);
  pp_strv_free (o.ids);
  return status;
}

int
pp_cmd_pod_stats (pp_cli_t *cli, int argc, char **argv)
{
  return run_stats (cli, argc, argv, true);
}

int
pp_cmd_stats (pp_cli_t *cli, int argc, char **argv)
{
  return run_stats (cli, argc, argv, false);
}
