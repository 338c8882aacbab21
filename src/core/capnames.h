/* The names of Linux capabilities, without the CAP_ prefix, in the kernel's numbering. */
#ifndef PP_CAPNAMES_H
#define PP_CAPNAMES_H

/* Index = capability number; NULL-terminated. */
extern const char *const pp_capability_names[];

/* The number of a capability, "SYS_ADMIN" or "CAP_SYS_ADMIN"; -1 when it is none. */
int pp_capability_number (const char *name);

#endif
