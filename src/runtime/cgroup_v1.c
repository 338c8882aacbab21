/* The cgroup v1 driver: a hierarchy per controller; limits in memory.*, cpu.* and pids.max, counters in memory.*
   and cpuacct.usage. */
#include "runtime/cgroup_internal.h"

#include <string.h>

/* A new cpuset has no CPUs and no memory nodes, and takes no process until it is given its parent's. */
static int
v1_prepare_level (const pp_cgroup_hierarchy_t *h, const char *parent, const char *child, pp_error_t *err)
{
  static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
  if (!pp_cgroup_list_has (h->options, ",", "cpuset"))
    return 0;
  for (size_t i = 0; i < PP_N_ELEMENTS (files); i++)
    {
      cleanup_free char *mine = NULL, *theirs = NULL;
      if (pp_cgroup_file_read (child, files[i], &mine, err) < 0)
        return -1;
      if (mine[strspn (mine, " \n")] != '\0')
        continue;
      if (pp_cgroup_file_read (parent, files[i], &theirs, err) < 0
          || pp_cgroup_file_write (child, files[i], theirs, err) < 0)
        return -1;
    }
  return 0;
}

/* The cgroup at `path` in the hierarchy of `controller`. */
static char *
v1_dir (const char *controller, const char *path, pp_error_t *err)
{
  const pp_cgroup_hierarchy_t *h = pp_cgroup_find (controller, err);
  return h ? pp_cgroup_dir (h, path) : NULL;
}

static int
v1_set_memory (const char *path, const pp_cgroup_limits_t *lim, pp_error_t *err)
{
  cleanup_free char *dir = v1_dir ("memory", path, err);
  if (dir == NULL)
    return -1;
  /* The memory limit first: memory+swap may never be below it.  Without swap accounting there is no
     memory.memsw.* and no swap use to limit. */
  if (lim->memory && pp_cgroup_file_write_i64 (dir, "memory.limit_in_bytes", lim->memory, "-1", err) < 0)
    return -1;
  if (lim->memory_swap && pp_cgroup_file_exists (dir, "memory.memsw.limit_in_bytes")
      && pp_cgroup_file_write_i64 (dir, "memory.memsw.limit_in_bytes", lim->memory_swap, "-1", err) < 0)
    return -1;
  return 0;
}

static int
v1_set_cpu (const char *path, const pp_cgroup_limits_t *lim, pp_error_t *err)
{
  cleanup_free char *dir = v1_dir ("cpu", path, err);
  if (dir == NULL)
    return -1;
  if (lim->cpu_shares && pp_cgroup_file_write_i64 (dir, "cpu.shares", (int64_t)lim->cpu_shares, "", err) < 0)
    return -1;
  if (lim->cpu_quota == 0)
    return 0;
  int64_t period = lim->cpu_period ? (int64_t)lim->cpu_period : 100000;
  if (pp_cgroup_file_write_i64 (dir, "cpu.cfs_period_us", period, "", err) < 0)
    return -1;
  return pp_cgroup_file_write_i64 (dir, "cpu.cfs_quota_us", lim->cpu_quota, "-1", err);
}

static int
v1_set_limits (const char *path, const pp_cgroup_limits_t *lim, pp_error_t *err)
{
  if ((lim->memory || lim->memory_swap) && v1_set_memory (path, lim, err) < 0)
    return -1;
  if ((lim->cpu_shares || lim->cpu_quota) && v1_set_cpu (path, lim, err) < 0)
    return -1;
  if (lim->pids)
    {
      cleanup_free char *dir = v1_dir ("pids", path, err);
      if (dir == NULL || pp_cgroup_file_write_i64 (dir, "pids.max", lim->pids, "max", err) < 0)
        return -1;
    }
  return 0;
}

/* v1 has no cgroup.kill: the processes are signalled one by one. */
static int
v1_kill (const char *path, int sig, pp_error_t *err)
{
  (void)path, (void)sig, (void)err;
  return 0;
}

int
pp_cgroup_parse_blkio (const char *text, uint64_t *read, uint64_t *write)
{
  bool any = false;
  *read = *write = 0;
  char dev[64], op[16];
  unsigned long long v;
  for (const char *line = text; line && *line; line = strchr (line, '\n'), line = line ? line + 1 : NULL)
    {
      /* "MAJ:MIN Op N" per device and operation, then "Total N" */
      if (sscanf (line, "%63s %15s %llu", dev, op, &v) != 3)
        continue;
      any = true;
      if (strcmp (op, "Read") == 0)
        *read += v;
      else if (strcmp (op, "Write") == 0)
        *write += v;
    }
  return any || strncmp (text, "Total", 5) == 0 || *text == '\0' ? 0 : -1;
}

const pp_cgroup_driver_t pp_cgroup_v1_driver = {
  .prepare_level = v1_prepare_level,
  .set_limits = v1_set_limits,
  .oom_kills = { "memory", "memory.oom_control", "oom_kill", 1 },
  .cpu_usage_ns = { "cpuacct", "cpuacct.usage", NULL, 1 },
  .memory_peak = { "memory", "memory.max_usage_in_bytes", NULL, 1 },
  .memory_usage = { "memory", "memory.usage_in_bytes", NULL, 1 },
  .memory_limit = { "memory", "memory.limit_in_bytes", NULL, 1 },
  .inactive_file = { "memory", "memory.stat", "total_inactive_file", 1 },
  .pids_current = { "pids", "pids.current", NULL, 1 },
  /* Recent kernels (6.18 was seen) count these only for a device with a throttle rule in the cgroup, and v1 has
     no other counter without BFQ: elsewhere they read 0, for Podman too, which reads the same counters. */
  .io_controller = "blkio",
  .io = "blkio.throttle.io_service_bytes",
  .parse_io = pp_cgroup_parse_blkio,
  .kill = v1_kill,
};
