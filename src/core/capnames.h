/* The names of Linux capabilities, without the CAP_ prefix, in the kernel's numbering. */
#ifndef PP_CAPNAMES_H
#define PP_CAPNAMES_H

/* Index = capability number; NULL-terminated. */
extern const char *const pp_capability_names[];

#endif
