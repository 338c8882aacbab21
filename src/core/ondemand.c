/* Libraries loaded on first use (see ondemand.h): the loader, and podplay's own definitions of the functions it
   calls in them, each forwarding to the real one. */
#define CURL_DISABLE_TYPECHECK /* curl.h's type-checking macros would rename curl_easy_setopt below */
#include "core/ondemand.h"
#include "core/util.h"

#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <pthread.h>
#include <string.h>

/* The sonames below are of these versions: headers of others would describe other functions. */
#if !defined(OPENSSL_VERSION_MAJOR) || OPENSSL_VERSION_MAJOR != 3
#error "ondemand.c loads libcrypto.so.3: build against OpenSSL 3's headers"
#endif
#if ARCHIVE_VERSION_NUMBER < 3000000 || ARCHIVE_VERSION_NUMBER >= 4000000
#error "ondemand.c loads libarchive.so.13: build against libarchive 3's headers"
#endif
#if LIBCURL_VERSION_MAJOR < 7 || LIBCURL_VERSION_MAJOR > 8
#error "ondemand.c loads libcurl.so.4: build against libcurl 7 or 8's headers"
#endif

static const struct
{
  const char *soname, *package, *what;
} libs[] = {
  [PP_LIB_CURL] = { "libcurl.so.4", "libcurl4", "pulls and HTTPS or gRPC probes" },
  [PP_LIB_ARCHIVE] = { "libarchive.so.13", "libarchive13", "image layers and archives" },
  [PP_LIB_CRYPTO] = { "libcrypto.so.3", "libssl3", "digests of images" },
};

/* Each library is tried once per process, under one lock (pulls run in threads). */
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static bool tried[PP_N_ELEMENTS (libs)];
static void *handles[PP_N_ELEMENTS (libs)];
static char missing[PP_N_ELEMENTS (libs)][512];

int
pp_ondemand_need (pp_lib_t lib, pp_error_t *err)
{
  pthread_mutex_lock (&load_lock);
  if (!tried[lib])
    {
      tried[lib] = true;
      handles[lib] = dlopen (libs[lib].soname, RTLD_NOW | RTLD_LOCAL);
      if (handles[lib] == NULL)
        snprintf (missing[lib], sizeof missing[lib], "%s", dlerror ());
    }
  pthread_mutex_unlock (&load_lock);
  if (handles[lib] == NULL)
    return pp_error_make (err, ENOPKG, "%s need %s, Debian's package %s: %s", libs[lib].what, libs[lib].soname,
                          libs[lib].package, missing[lib]);
  return 0;
}

/* The real `name` of `lib`, loading it now if it is not loaded; a library or symbol that is not there ends the
   process, naming what is missing, as the dynamic loader does at start for a library linked in. */
static void *
sym (pp_lib_t lib, const char *name)
{
  pp_error_t err = NULL;
  void *p = pp_ondemand_need (lib, &err) == 0 ? dlsym (handles[lib], name) : NULL;
  if (p == NULL)
    {
      fprintf (stderr, "podplay: %s\n", err ? err->msg : dlerror ());
      _exit (127);
    }
  return p;
}

/* The real function behind `*slot`, looked up on the first call (threads that race store the same value). */
static void *
resolve (void **slot, pp_lib_t lib, const char *name)
{
  void *p = __atomic_load_n (slot, __ATOMIC_ACQUIRE);
  if (p == NULL)
    {
      p = sym (lib, name);
      __atomic_store_n (slot, p, __ATOMIC_RELEASE);
    }
  return p;
}

/* Defines `ret name params` calling the real `name` with `args`. */
#define FORWARD(lib, ret, name, params, args)                                                                          \
  ret name params                                                                                                      \
  {                                                                                                                    \
    static void *slot_;                                                                                                \
    void *p_ = resolve (&slot_, lib, #name);                                                                           \
    ret(*fn_) params;                                                                                                  \
    memcpy (&fn_, &p_, sizeof p_);                                                                                     \
    return fn_ args;                                                                                                   \
  }

/* ---- libcurl ---- */

FORWARD (PP_LIB_CURL, CURLcode, curl_global_init, (long flags), (flags))
FORWARD (PP_LIB_CURL, CURL *, curl_easy_init, (void), ())
FORWARD (PP_LIB_CURL, CURLcode, curl_easy_perform, (CURL * c), (c))
FORWARD (PP_LIB_CURL, void, curl_easy_cleanup, (CURL * c), (c))
FORWARD (PP_LIB_CURL, const char *, curl_easy_strerror, (CURLcode code), (code))
FORWARD (PP_LIB_CURL, char *, curl_easy_escape, (CURL * c, const char *s, int length), (c, s, length))
FORWARD (PP_LIB_CURL, void, curl_free, (void *p), (p))
FORWARD (PP_LIB_CURL, struct curl_slist *, curl_slist_append, (struct curl_slist * list, const char *s), (list, s))
FORWARD (PP_LIB_CURL, void, curl_slist_free_all, (struct curl_slist * list), (list))

/* The two variadic ones take one argument after the option: a long, a pointer (data or function) or a
   curl_off_t, which the x86-64 and AArch64 calling conventions pass alike, in one 64-bit register; it is read
   and passed on as a pointer-sized integer, and libcurl reads it as the type the option has. */
_Static_assert (sizeof (long) == sizeof (void *) && sizeof (curl_off_t) == sizeof (void *),
                "curl_easy_setopt's argument is forwarded as one 64-bit word");

CURLcode
curl_easy_setopt (CURL *c, CURLoption option, ...)
{
  static void *slot;
  void *p = resolve (&slot, PP_LIB_CURL, "curl_easy_setopt");
  CURLcode (*f) (CURL *, CURLoption, ...);
  memcpy (&f, &p, sizeof p);
  va_list ap;
  va_start (ap, option);
  uintptr_t v = va_arg (ap, uintptr_t);
  va_end (ap);
  return f (c, option, v);
}

CURLcode
curl_easy_getinfo (CURL *c, CURLINFO info, ...)
{
  static void *slot;
  void *p = resolve (&slot, PP_LIB_CURL, "curl_easy_getinfo");
  CURLcode (*f) (CURL *, CURLINFO, ...);
  memcpy (&f, &p, sizeof p);
  va_list ap;
  va_start (ap, info);
  void *out = va_arg (ap, void *);
  va_end (ap);
  return f (c, info, out);
}

/* ---- libarchive ---- */

FORWARD (PP_LIB_ARCHIVE, struct archive *, archive_read_new, (void), ())
FORWARD (PP_LIB_ARCHIVE, int, archive_read_free, (struct archive * a), (a))
FORWARD (PP_LIB_ARCHIVE, int, archive_read_support_format_tar, (struct archive * a), (a))
FORWARD (PP_LIB_ARCHIVE, int, archive_read_support_format_raw, (struct archive * a), (a))
FORWARD (PP_LIB_ARCHIVE, int, archive_read_support_filter_gzip, (struct archive * a), (a))
FORWARD (PP_LIB_ARCHIVE, int, archive_read_support_filter_zstd, (struct archive * a), (a))
FORWARD (PP_LIB_ARCHIVE, int, archive_read_support_filter_xz, (struct archive * a), (a))
FORWARD (PP_LIB_ARCHIVE, int, archive_read_support_filter_bzip2, (struct archive * a), (a))
FORWARD (PP_LIB_ARCHIVE, int, archive_read_open_fd, (struct archive * a, int fd, size_t block), (a, fd, block))
FORWARD (PP_LIB_ARCHIVE, int, archive_read_open2,
         (struct archive * a, void *data, archive_open_callback *open_cb, archive_read_callback *read_cb,
          archive_skip_callback *skip_cb, archive_close_callback *close_cb),
         (a, data, open_cb, read_cb, skip_cb, close_cb))
FORWARD (PP_LIB_ARCHIVE, int, archive_read_next_header, (struct archive * a, struct archive_entry **e), (a, e))
FORWARD (PP_LIB_ARCHIVE, la_ssize_t, archive_read_data, (struct archive * a, void *buf, size_t n), (a, buf, n))
FORWARD (PP_LIB_ARCHIVE, int, archive_read_data_block,
         (struct archive * a, const void **buf, size_t *n, la_int64_t *offset), (a, buf, n, offset))
FORWARD (PP_LIB_ARCHIVE, int, archive_errno, (struct archive * a), (a))
FORWARD (PP_LIB_ARCHIVE, const char *, archive_error_string, (struct archive * a), (a))
FORWARD (PP_LIB_ARCHIVE, const char *, archive_entry_pathname, (struct archive_entry * e), (e))
FORWARD (PP_LIB_ARCHIVE, const char *, archive_entry_hardlink, (struct archive_entry * e), (e))
FORWARD (PP_LIB_ARCHIVE, const char *, archive_entry_symlink, (struct archive_entry * e), (e))
FORWARD (PP_LIB_ARCHIVE, __LA_MODE_T, archive_entry_filetype, (struct archive_entry * e), (e))
FORWARD (PP_LIB_ARCHIVE, __LA_MODE_T, archive_entry_perm, (struct archive_entry * e), (e))
FORWARD (PP_LIB_ARCHIVE, la_int64_t, archive_entry_uid, (struct archive_entry * e), (e))
FORWARD (PP_LIB_ARCHIVE, la_int64_t, archive_entry_gid, (struct archive_entry * e), (e))
FORWARD (PP_LIB_ARCHIVE, dev_t, archive_entry_rdev, (struct archive_entry * e), (e))
FORWARD (PP_LIB_ARCHIVE, time_t, archive_entry_mtime, (struct archive_entry * e), (e))
FORWARD (PP_LIB_ARCHIVE, time_t, archive_entry_atime, (struct archive_entry * e), (e))
FORWARD (PP_LIB_ARCHIVE, int, archive_entry_xattr_reset, (struct archive_entry * e), (e))
FORWARD (PP_LIB_ARCHIVE, int, archive_entry_xattr_next,
         (struct archive_entry * e, const char **name, const void **value, size_t *size), (e, name, value, size))

/* ---- libcrypto ---- */

FORWARD (PP_LIB_CRYPTO, EVP_MD_CTX *, EVP_MD_CTX_new, (void), ())
FORWARD (PP_LIB_CRYPTO, void, EVP_MD_CTX_free, (EVP_MD_CTX * ctx), (ctx))
FORWARD (PP_LIB_CRYPTO, const EVP_MD *, EVP_sha256, (void), ())
FORWARD (PP_LIB_CRYPTO, int, EVP_DigestInit_ex, (EVP_MD_CTX * ctx, const EVP_MD *type, ENGINE *impl),
         (ctx, type, impl))
FORWARD (PP_LIB_CRYPTO, int, EVP_DigestUpdate, (EVP_MD_CTX * ctx, const void *d, size_t n), (ctx, d, n))
FORWARD (PP_LIB_CRYPTO, int, EVP_DigestFinal_ex, (EVP_MD_CTX * ctx, unsigned char *md, unsigned int *n),
         (ctx, md, n))
