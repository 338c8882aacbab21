/* Seccomp: Podman's default profile as an OCI linux.seccomp object, profiles from files, and their BPF. */
#ifndef PP_SECCOMP_H
#define PP_SECCOMP_H

#include "core/error.h"

#include <jansson.h>
#include <linux/filter.h>
#include <stdint.h>

/* The linux.seccomp object Podman puts in config.json for a container whose capabilities (bit = capability number)
   are `effective_caps`: containers/common's default profile, with the rules for this machine's architecture and for
   the capabilities held, ENOSYS for any syscall it does not name. */
json_t *pp_seccomp_default (uint64_t effective_caps);

/* The largest profile file read (Podman's default profile is 20 KiB). */
#define PP_SECCOMP_PROFILE_MAX ((size_t)1 << 20)

/* A profile file in the OCI or Docker/containers format (archMap, includes and excludes by capability and
   architecture) rendered as a linux.seccomp object for a container with `effective_caps`, and checked by compiling
   it.  `path` is relative, read beneath the folder `dirfd` (a manifest's) through no symlink and no `..`, a regular
   file of at most PP_SECCOMP_PROFILE_MAX bytes.  NULL (err names the file, and where its JSON breaks but never
   what it holds) when it cannot be read, parsed or compiled. */
json_t *pp_seccomp_profile_load (int dirfd, const char *path, uint64_t effective_caps, pp_error_t *err);

/* Compiles a linux.seccomp object with libseccomp into classic BPF for seccomp(2), before any fork.  Syscall names
   this machine does not know are skipped, as runc does; an unknown action, operator or architecture is an error
   that names it.  Release *out with pp_seccomp_release. */
int pp_seccomp_compile (json_t *seccomp, struct sock_fprog *out, pp_error_t *err);
/* The annotation of a config.json that names the executor's cache of compiled filters. */
#define PP_SECCOMP_CACHE_ANNOTATION "io.podplay.seccomp-cache"
/* The same through a cache in `cache_dir` (made if missing; NULL for none): a filter compiled once is read back
   by the next container, exec or probe with the same linux.seccomp object instead of compiled again. */
int pp_seccomp_compile_cached (json_t *seccomp, const char *cache_dir, struct sock_fprog *out, pp_error_t *err);
void pp_seccomp_release (struct sock_fprog *prog);

/* Loads a compiled filter into the calling thread (nothing when prog->filter is NULL); only raw syscalls, for a
   child after fork.  Without no_new_privs the caller needs CAP_SYS_ADMIN.  Returns -1 with errno set. */
int pp_seccomp_apply (const struct sock_fprog *prog);

#endif
