/* Libraries that only some commands use, mapped when one of them first calls into it rather than when podplay
   starts: libcurl (pulls, HTTPS and gRPC probes), libarchive (image layers and archives) and libcrypto
   (SHA-256 of blobs).  Together with what they pull in (OpenSSL, GnuTLS, Kerberos, LDAP, libxml2, ICU...) they
   are 40 of the 48 libraries podplay would map otherwise, and most of its start: `podplay ps`, `pod ls` and
   `kube validate` never load them.  podplay is linked without them; ondemand.c defines the functions of theirs
   that podplay calls, each resolving the real one on its first call.

   A caller that can report an error asks for its library first (pp_ondemand_need): a missing library is then
   an error naming Debian's package.  A call into a library that cannot be loaded otherwise ends the process
   with that message, as the dynamic loader would have at start. */
#ifndef PP_CORE_ONDEMAND_H
#define PP_CORE_ONDEMAND_H

#include "core/error.h"

typedef enum
{
  PP_LIB_CURL,
  PP_LIB_ARCHIVE,
  PP_LIB_CRYPTO,
} pp_lib_t;

/* Loads `lib` if it is not loaded yet (once per process, thread-safe); ENOPKG naming its package when it
   cannot be. */
int pp_ondemand_need (pp_lib_t lib, pp_error_t *err);

#endif
