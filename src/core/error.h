/* The error object every fallible call takes last: errno plus a message, wrapped with context on the way up. */
#ifndef PP_ERROR_H
#define PP_ERROR_H

#include "core/util.h"

struct pp_error_s
{
  int status; /* errno at the point of failure, 0 when none */
  char *msg;
};
typedef struct pp_error_s *pp_error_t;

/* Sets *err (if empty) and returns -1.  Formats with the errno given. */
int pp_error_make (pp_error_t *err, int errno_, const char *fmt, ...) PP_PRINTF (3, 4);
/* Prefixes the message: "context: old message".  Returns -1. */
int pp_error_wrap (pp_error_t *err, const char *fmt, ...) PP_PRINTF (2, 3);
void pp_error_release (pp_error_t *err);
/* "podplay: msg: strerror" on the stream, once. */
void pp_error_print (FILE *out, pp_error_t err);

#define cleanup_error __attribute__ ((cleanup (pp_error_release)))

#endif
