/* Samples of a container's use for `pod stats` and `stats` (see stats.h). */
#include "runtime/stats.h"
#include "runtime/cgroup_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysinfo.h>

int
pp_stats_parse_net_dev (const char *text, uint64_t *rx, uint64_t *tx)
{
  *rx = *tx = 0;
  /* Two header lines, then "  name: rx_bytes packets errs drop fifo frame compressed multicast tx_bytes ...". */
  int lines = 0;
  for (const char *line = text; line && *line; line = strchr (line, '\n'), line = line ? line + 1 : NULL)
    {
      const char *colon = strchr (line, ':'), *eol = strchrnul (line, '\n');
      if (++lines <= 2)
        continue;
      if (colon == NULL || colon > eol)
        return -1;
      const char *name = line + strspn (line, " ");
      if ((size_t)(colon - name) == 2 && strncmp (name, "lo", 2) == 0)
        continue;
      unsigned long long r, t;
      if (sscanf (colon + 1, "%llu %*u %*u %*u %*u %*u %*u %*u %llu", &r, &t) != 2)
        return -1;
      *rx += r;
      *tx += t;
    }
  return lines >= 2 ? 0 : -1;
}

/* The network of `pid`'s namespace: /proc/<pid>/net/dev shows the namespace the process is in. */
static int
read_net (pid_t pid, uint64_t *rx, uint64_t *tx, pp_error_t *err)
{
  *rx = *tx = 0;
  if (pid <= 0)
    return 0;
  char dir[64];
  snprintf (dir, sizeof dir, "/proc/%d/net", (int)pid);
  cleanup_free char *text = NULL;
  if (pp_cgroup_file_read (dir, "dev", &text, err) < 0)
    return -1;
  if (pp_stats_parse_net_dev (text, rx, tx) < 0)
    return pp_error_make (err, 0, "`%s/dev`: not a table of network devices", dir);
  return 0;
}

int
pp_stats_sample (const char *cgroup, const char *pod_cgroup, pid_t net_pid, pp_stats_sample_t *s, pp_error_t *err)
{
  memset (s, 0, sizeof *s);
  if (pp_cgroup_usage (cgroup, &s->cg, err) < 0)
    return -1;
  s->at_us = pp_now_us ();
  uint64_t pod_limit;
  if (pod_cgroup && pp_cgroup_memory_limit (pod_cgroup, &pod_limit, NULL) == 0 && pod_limit < s->cg.memory_limit)
    s->cg.memory_limit = pod_limit;
  /* No limit, or one above what the host has: the host's memory, as Podman shows it. */
  struct sysinfo si;
  if (sysinfo (&si) == 0 && (uint64_t)si.totalram * si.mem_unit < s->cg.memory_limit)
    s->cg.memory_limit = (uint64_t)si.totalram * si.mem_unit;
  /* A process that ended meanwhile leaves no network to read: its counters are gone with it. */
  pp_error_t net_err = NULL;
  if (read_net (net_pid, &s->net_rx, &s->net_tx, &net_err) < 0)
    pp_error_release (&net_err);
  return 0;
}

double
pp_stats_cpu_percent (const pp_stats_sample_t *before, const pp_stats_sample_t *after)
{
  if (after->at_us <= before->at_us || after->cg.cpu_ns < before->cg.cpu_ns)
    return 0;
  return (double)(after->cg.cpu_ns - before->cg.cpu_ns) / (double)(after->at_us - before->at_us) / 1000.0 * 100.0;
}
