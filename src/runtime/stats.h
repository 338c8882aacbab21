/* What `pod stats` and `stats` show of a running container: its cgroup's counters and its pod's network devices,
   read twice over an interval, the CPU share computed from the two as Podman does. */
#ifndef PP_STATS_H
#define PP_STATS_H

#include "core/error.h"
#include "runtime/cgroup.h"

#include <stdint.h>
#include <sys/types.h>

typedef struct
{
  int64_t at_us;        /* CLOCK_MONOTONIC when read */
  pp_cgroup_usage_t cg; /* memory_limit the lowest of the container's, its pod's and the host's memory */
  uint64_t net_rx, net_tx;
} pp_stats_sample_t;

/* Reads the container's cgroup `cgroup`, the memory limit of its pod's `pod_cgroup` (NULL for none; a pod-level
   limit bounds the container too) and the network devices of the namespace process `net_pid` is in (0 for none:
   the host's network is not the pod's, and reads 0). */
int pp_stats_sample (const char *cgroup, const char *pod_cgroup, pid_t net_pid, pp_stats_sample_t *s, pp_error_t *err);

/* The CPU used between two samples of the same container, in percent of one CPU (two busy cores: 200%), as
   Podman's CPU %: the CPU time's increase over the time between them.  0 when the counter went back (the cgroup
   was made anew). */
double pp_stats_cpu_percent (const pp_stats_sample_t *before, const pp_stats_sample_t *after);

/* The bytes received and sent by every interface of /proc/<pid>/net/dev's text but loopback, summed; -1 when the
   text is not of that file's shape. */
int pp_stats_parse_net_dev (const char *text, uint64_t *rx, uint64_t *tx);

#endif
