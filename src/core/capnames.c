/* One table of capability names for the validator (is this a capability?) and the bundle writer (which ones). */
#include "core/capnames.h"

#include <stddef.h>
#include <string.h>

const char *const pp_capability_names[] = {
  "CHOWN",         "DAC_OVERRIDE",   "DAC_READ_SEARCH", "FOWNER",     "FSETID",          "KILL",
  "SETGID",        "SETUID",         "SETPCAP",         "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
  "NET_ADMIN",     "NET_RAW",        "IPC_LOCK",        "IPC_OWNER",  "SYS_MODULE",      "SYS_RAWIO",
  "SYS_CHROOT",    "SYS_PTRACE",     "SYS_PACCT",       "SYS_ADMIN",  "SYS_BOOT",        "SYS_NICE",
  "SYS_RESOURCE",  "SYS_TIME",       "SYS_TTY_CONFIG",  "MKNOD",      "LEASE",           "AUDIT_WRITE",
  "AUDIT_CONTROL", "SETFCAP",        "MAC_OVERRIDE",    "MAC_ADMIN",  "SYSLOG",          "WAKE_ALARM",
  "BLOCK_SUSPEND", "AUDIT_READ",     "PERFMON",         "BPF",        "CHECKPOINT_RESTORE", NULL,
};

int
pp_capability_number (const char *name)
{
  if (strncmp (name, "CAP_", 4) == 0)
    name += 4;
  for (int c = 0; pp_capability_names[c]; c++)
    if (strcmp (pp_capability_names[c], name) == 0)
      return c;
  return -1;
}
