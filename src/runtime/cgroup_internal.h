/* What the cgroup module shares with its two drivers, v1 and v2: the driver table and cgroupfs file helpers. */
#ifndef PP_CGROUP_INTERNAL_H
#define PP_CGROUP_INTERNAL_H

#include "runtime/cgroup.h"

/* A counter the kernel keeps: the number in `file` of the hierarchy of `controller` (on the line starting with
   `key` when there is one), times `scale`. */
typedef struct
{
  const char *controller, *file, *key;
  uint64_t scale;
} pp_cgroup_counter_t;

typedef struct
{
  /* `child` was just made (or was there) under `parent` in `h`: v1 gives a cpuset its parent's CPUs and memory
     nodes, v2 delegates the controllers to the parent's children. */
  int (*prepare_level) (const pp_cgroup_hierarchy_t *h, const char *parent, const char *child, pp_error_t *err);
  int (*set_limits) (const char *path, const pp_cgroup_limits_t *lim, pp_error_t *err);
  pp_cgroup_counter_t oom_kills, cpu_usage_ns, memory_peak;
  /* What `stats` reads (pp_cgroup_usage): memory in use and its limit, the inactive page cache, the processes, and
     the bytes of block I/O from the file `io` of controller `io_controller`, parsed by `parse_io`. */
  pp_cgroup_counter_t memory_usage, memory_limit, inactive_file, pids_current;
  const char *io_controller, *io;
  int (*parse_io) (const char *text, uint64_t *read, uint64_t *write);
  /* 1 when every process got the signal at once, 0 to leave it to signalling them one by one. */
  int (*kill) (const char *path, int sig, pp_error_t *err);
} pp_cgroup_driver_t;

extern const pp_cgroup_driver_t pp_cgroup_v1_driver;
extern const pp_cgroup_driver_t pp_cgroup_v2_driver;

/* The hierarchy that holds `controller` ("memory", "cpuacct"): on v2 the unified one; NULL and err set if none. */
const pp_cgroup_hierarchy_t *pp_cgroup_find (const char *controller, pp_error_t *err);
/* Whether `list`, its items separated by any of `seps`, names `item`. */
bool pp_cgroup_list_has (const char *list, const char *seps, const char *item);
/* `path` (already checked) in hierarchy `h`. */
char *pp_cgroup_dir (const pp_cgroup_hierarchy_t *h, const char *path);
bool pp_cgroup_file_exists (const char *dir, const char *file);
int pp_cgroup_file_write (const char *dir, const char *file, const char *value, pp_error_t *err);
/* A limit: `v`, or the file's word for unlimited ("-1", "max") when `v` is negative. */
int pp_cgroup_file_write_i64 (const char *dir, const char *file, int64_t v, const char *unlimited, pp_error_t *err);
/* The file's text, NUL-terminated. */
int pp_cgroup_file_read (const char *dir, const char *file, char **text, pp_error_t *err);
/* The bytes read and written of every device, summed: v2's io.stat ("8:0 rbytes=N wbytes=N ..." a line) and
   v1's blkio.throttle.io_service_bytes ("8:0 Read N" and "8:0 Write N" lines).  -1 when the text has none of its
   lines' shape. */
int pp_cgroup_parse_io_stat (const char *text, uint64_t *read, uint64_t *write);
int pp_cgroup_parse_blkio (const char *text, uint64_t *read, uint64_t *write);
/* A number of `text`: the whole text when `key` is NULL, else the value on the line "key value" (memory.stat,
   cpu.stat); -1 when there is none. */
int pp_cgroup_text_u64 (const char *text, const char *key, uint64_t *v);
/* A number: the whole file when `key` is NULL, else the value on the line "key value". */
int pp_cgroup_file_u64 (const char *dir, const char *file, const char *key, uint64_t *v, pp_error_t *err);

#endif
