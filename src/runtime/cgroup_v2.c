/* The cgroup v2 driver: one hierarchy, controllers delegated down from the root; limits in memory.max,
   memory.swap.max, cpu.max, cpu.weight and pids.max, counters in memory.events, memory.peak and cpu.stat. */
#include "runtime/cgroup_internal.h"

#include <inttypes.h>
#include <signal.h>
#include <string.h>

/* The parent hands memory, cpu, pids and io (those the kernel offers it) down to its children.  Only parents get
   them: a cgroup that delegates controllers holds no processes of its own. */
static int
v2_prepare_level (const pp_cgroup_hierarchy_t *h, const char *parent, const char *child, pp_error_t *err)
{
  static const char *const wanted[] = { "memory", "cpu", "pids", "io" };
  (void)h, (void)child;
  cleanup_free char *offered = NULL, *enabled = NULL;
  if (pp_cgroup_file_read (parent, "cgroup.controllers", &offered, err) < 0
      || pp_cgroup_file_read (parent, "cgroup.subtree_control", &enabled, err) < 0)
    return -1;
  char add[64] = "";
  for (size_t i = 0; i < PP_N_ELEMENTS (wanted); i++)
    if (pp_cgroup_list_has (offered, " \n", wanted[i]) && !pp_cgroup_list_has (enabled, " \n", wanted[i]))
      snprintf (add + strlen (add), sizeof add - strlen (add), "%s+%s", *add ? " " : "", wanted[i]);
  return *add ? pp_cgroup_file_write (parent, "cgroup.subtree_control", add, err) : 0;
}

static int
v2_set_memory (const char *dir, const pp_cgroup_limits_t *lim, pp_error_t *err)
{
  if (lim->memory && pp_cgroup_file_write_i64 (dir, "memory.max", lim->memory, "max", err) < 0)
    return -1;
  /* OCI's swap is memory plus swap; v2 limits the swap alone.  Without swap accounting the file is absent. */
  if (lim->memory_swap == 0 || (lim->memory_swap > 0 && lim->memory <= 0)
      || !pp_cgroup_file_exists (dir, "memory.swap.max"))
    return 0;
  if (lim->memory_swap > 0 && lim->memory_swap < lim->memory)
    return pp_error_make (err, EINVAL, "memory+swap limit %" PRId64 " is below the memory limit %" PRId64,
                          lim->memory_swap, lim->memory);
  int64_t swap = lim->memory_swap < 0 ? -1 : lim->memory_swap - lim->memory;
  return pp_cgroup_file_write_i64 (dir, "memory.swap.max", swap, "max", err);
}

static int
v2_set_limits (const char *path, const pp_cgroup_limits_t *lim, pp_error_t *err)
{
  const pp_cgroup_hierarchy_t *h = pp_cgroup_find ("memory", err);
  if (h == NULL)
    return -1;
  cleanup_free char *dir = pp_cgroup_dir (h, path);
  if (v2_set_memory (dir, lim, err) < 0)
    return -1;
  if (lim->cpu_shares
      && pp_cgroup_file_write_i64 (dir, "cpu.weight", (int64_t)pp_cgroup_shares_to_weight (lim->cpu_shares), "", err)
             < 0)
    return -1;
  if (lim->cpu_quota)
    {
      char max[64];
      uint64_t period = lim->cpu_period ? lim->cpu_period : 100000;
      if (lim->cpu_quota < 0)
        snprintf (max, sizeof max, "max %" PRIu64, period);
      else
        snprintf (max, sizeof max, "%" PRId64 " %" PRIu64, lim->cpu_quota, period);
      if (pp_cgroup_file_write (dir, "cpu.max", max, err) < 0)
        return -1;
    }
  if (lim->pids && pp_cgroup_file_write_i64 (dir, "pids.max", lim->pids, "max", err) < 0)
    return -1;
  return 0;
}

/* cgroup.kill (Linux 5.14) kills every process, forks racing with it included. */
static int
v2_kill (const char *path, int sig, pp_error_t *err)
{
  const pp_cgroup_hierarchy_t *h = pp_cgroup_find ("pids", err);
  if (h == NULL)
    return -1;
  cleanup_free char *dir = pp_cgroup_dir (h, path);
  if (sig != SIGKILL || !pp_cgroup_file_exists (dir, "cgroup.kill"))
    return 0;
  return pp_cgroup_file_write (dir, "cgroup.kill", "1", err) < 0 ? -1 : 1;
}

int
pp_cgroup_parse_io_stat (const char *text, uint64_t *read, uint64_t *write)
{
  bool any = false;
  *read = *write = 0;
  for (const char *line = text; line && *line; line = strchr (line, '\n'), line = line ? line + 1 : NULL)
    {
      const char *eol = strchrnul (line, '\n');
      /* "MAJ:MIN key=value key=value ..." */
      for (const char *f = strchr (line, ' '); f && f < eol; f = strchr (f + 1, ' '))
        {
          uint64_t *to = strncmp (f + 1, "rbytes=", 7) == 0 ? read : strncmp (f + 1, "wbytes=", 7) == 0 ? write : NULL;
          if (to)
            {
              *to += strtoull (f + 8, NULL, 10);
              any = true;
            }
        }
    }
  return any || *text == '\0' ? 0 : -1;
}

const pp_cgroup_driver_t pp_cgroup_v2_driver = {
  .prepare_level = v2_prepare_level,
  .set_limits = v2_set_limits,
  .oom_kills = { "memory", "memory.events", "oom_kill", 1 },
  .cpu_usage_ns = { "cpu", "cpu.stat", "usage_usec", 1000 },
  .memory_peak = { "memory", "memory.peak", NULL, 1 }, /* from Linux 5.19 */
  .memory_usage = { "memory", "memory.current", NULL, 1 },
  .memory_limit = { "memory", "memory.max", NULL, 1 },
  .inactive_file = { "memory", "memory.stat", "inactive_file", 1 },
  .pids_current = { "pids", "pids.current", NULL, 1 },
  .io_controller = "io",
  .io = "io.stat",
  .parse_io = pp_cgroup_parse_io_stat,
  .kill = v2_kill,
};
