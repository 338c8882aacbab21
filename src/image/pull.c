/* The OCI distribution client: manifests by tag or digest, indexes by platform, blobs in parallel, all verified. */
#include "image/pull.h"
#include "core/ondemand.h"
#include "image/digest.h"
#include "image/ref.h"

#include <curl/curl.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <time.h>

#define ACCEPT_MANIFESTS                                                                                               \
  "Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "                     \
  "application/vnd.docker.distribution.manifest.list.v2+json, "                                                        \
  "application/vnd.docker.distribution.manifest.v2+json"
#define MAX_MANIFEST (4 * 1024 * 1024)
#define TRIES 3
#define PARALLEL 3

typedef struct
{
  const pp_pull_opts_t *opts;
  char *host;       /* as in the reference: host[:port] */
  char *endpoint;   /* scheme and host the API answers on */
  char *repository;
  char *basic;      /* "user:password", from --creds or an auth file */
  char *token;      /* bearer token for this repository */
  char *ca_bundle;  /* concatenated *.crt of the cert dir */
  char *client_cert, *client_key;
  pthread_mutex_t lock;
} registry_t;

/* ---- credentials and certificates ---- */

static char *
base64_decode (const char *in)
{
  size_t len = strlen (in);
  unsigned char *out = xmalloc (len + 1);
  size_t n = 0;
  unsigned int acc = 0;
  int bits = 0;
  for (const char *p = in; *p && *p != '='; p++)
    {
      const char *tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      const char *c = strchr (tab, *p);
      if (c == NULL)
        continue;
      acc = (acc << 6) | (unsigned int) (c - tab);
      bits += 6;
      if (bits >= 8)
        {
          bits -= 8;
          out[n++] = (unsigned char) (acc >> bits);
        }
    }
  out[n] = '\0';
  return (char *) out;
}

/* user:password for `host` from the first auth file that has it: Podman's places, then Docker's. */
static char *
creds_from_authfiles (const pp_pull_opts_t *opts, const char *host)
{
  const char *home = getenv ("HOME"), *rt = getenv ("XDG_RUNTIME_DIR"), *env = getenv ("REGISTRY_AUTH_FILE");
  char *files[5] = { NULL };
  size_t n = 0;
  if (opts->authfile)
    files[n++] = xstrdup (opts->authfile);
  else
    {
      if (env && *env)
        files[n++] = xstrdup (env);
      if (rt && *rt)
        files[n++] = xasprintf ("%s/containers/auth.json", rt);
      if (home && *home)
        {
          files[n++] = xasprintf ("%s/.config/containers/auth.json", home);
          files[n++] = xasprintf ("%s/.docker/config.json", home);
        }
    }
  char *found = NULL;
  for (size_t i = 0; i < n; i++)
    {
      json_t *j = found ? NULL : json_load_file (files[i], 0, NULL);
      json_t *entry = json_object_get (json_object_get (j, "auths"), host);
      const char *auth = json_string_value (json_object_get (entry, "auth"));
      if (auth)
        found = base64_decode (auth);
      json_decref (j);
      free (files[i]);
    }
  return found;
}

static void
load_certs (registry_t *r)
{
  cleanup_free char *dir = r->opts->cert_dir ? xstrdup (r->opts->cert_dir)
                                             : xasprintf ("/etc/containers/certs.d/%s", r->host);
  cleanup_dir DIR *d = opendir (dir);
  if (d == NULL)
    return;
  pp_buf_t bundle = { 0 };
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      size_t len = strlen (de->d_name);
      cleanup_free char *path = xasprintf ("%s/%s", dir, de->d_name);
      if (len > 4 && strcmp (de->d_name + len - 4, ".crt") == 0)
        {
          cleanup_file FILE *f = fopen (path, "re");
          char buf[4096];
          size_t got;
          while (f && (got = fread (buf, 1, sizeof buf, f)) > 0)
            pp_buf_append (&bundle, buf, got);
          pp_buf_puts (&bundle, "\n");
        }
      else if (len > 5 && strcmp (de->d_name + len - 5, ".cert") == 0)
        r->client_cert = steal_pointer (&path);
      else if (len > 4 && strcmp (de->d_name + len - 4, ".key") == 0)
        r->client_key = steal_pointer (&path);
    }
  r->ca_bundle = bundle.data;
}

/* ---- HTTP ---- */

typedef struct
{
  pp_buf_t body;
  pp_blob_writer_t *blob;
  char *www_authenticate;
  char *content_digest;
  size_t limit;
  bool overflow;
  volatile int64_t *progress;
} response_t;

static size_t
on_body (char *data, size_t size, size_t nmemb, void *opaque)
{
  response_t *resp = opaque;
  size_t len = size * nmemb;
  if (resp->blob)
    {
      if (pp_blob_write (resp->blob, data, len) < 0)
        return 0;
      if (resp->progress)
        __atomic_add_fetch (resp->progress, (int64_t) len, __ATOMIC_RELAXED);
      return len;
    }
  if (resp->body.len + len > resp->limit)
    {
      resp->overflow = true;
      return 0;
    }
  pp_buf_append (&resp->body, data, len);
  return len;
}

static size_t
on_header (char *line, size_t size, size_t nmemb, void *opaque)
{
  response_t *resp = opaque;
  size_t len = size * nmemb;
  if (!pp_header_take (line, len, "WWW-Authenticate", &resp->www_authenticate))
    pp_header_take (line, len, "Docker-Content-Digest", &resp->content_digest);
  return len;
}

static CURL *
new_handle (registry_t *r, const char *url, response_t *resp, struct curl_slist **headers, const char *accept)
{
  CURL *c = curl_easy_init ();
  if (c == NULL)
    abort ();
  curl_easy_setopt (c, CURLOPT_URL, url);
  curl_easy_setopt (c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (c, CURLOPT_MAXREDIRS, 8L);
  curl_easy_setopt (c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (c, CURLOPT_REDIR_PROTOCOLS_STR, r->opts->tls_verify ? "https" : "http,https");
  curl_easy_setopt (c, CURLOPT_USERAGENT, "podplay");
  curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT, 15L);
  curl_easy_setopt (c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (c, CURLOPT_LOW_SPEED_TIME, 60L);
  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (c, CURLOPT_WRITEDATA, resp);
  curl_easy_setopt (c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (c, CURLOPT_HEADERDATA, resp);
  if (!r->opts->tls_verify)
    {
      curl_easy_setopt (c, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt (c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
  else if (r->ca_bundle)
    {
      struct curl_blob blob = { .data = r->ca_bundle, .len = strlen (r->ca_bundle), .flags = CURL_BLOB_COPY };
      curl_easy_setopt (c, CURLOPT_CAINFO_BLOB, &blob);
    }
  if (r->client_cert && r->client_key)
    {
      curl_easy_setopt (c, CURLOPT_SSLCERT, r->client_cert);
      curl_easy_setopt (c, CURLOPT_SSLKEY, r->client_key);
    }
  *headers = NULL;
  if (accept)
    *headers = curl_slist_append (*headers, accept);
  pthread_mutex_lock (&r->lock);
  if (r->token)
    {
      cleanup_free char *h = xasprintf ("Authorization: Bearer %s", r->token);
      *headers = curl_slist_append (*headers, h);
    }
  else if (r->basic)
    {
      curl_easy_setopt (c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt (c, CURLOPT_USERPWD, r->basic);
    }
  pthread_mutex_unlock (&r->lock);
  curl_easy_setopt (c, CURLOPT_HTTPHEADER, *headers);
  return c;
}

/* The value of key="value" in a WWW-Authenticate challenge. */
static char *
challenge_param (const char *challenge, const char *key)
{
  cleanup_free char *pat = xasprintf ("%s=\"", key);
  const char *p = strstr (challenge, pat);
  if (p == NULL)
    return NULL;
  p += strlen (pat);
  const char *e = strchr (p, '"');
  return e ? xstrndup (p, (size_t) (e - p)) : NULL;
}

/* Answers a 401: a bearer token from the realm the challenge names, or basic credentials. */
static int
authenticate (registry_t *r, const char *challenge, pp_error_t *err)
{
  if (challenge && strncasecmp (challenge, "Basic", 5) == 0)
    {
      if (r->basic == NULL)
        return pp_error_make (err, 0, "%s asks for a user name and password: use --creds or an auth file",
                              r->host);
      return 1; /* credentials were sent; a second 401 means they are wrong */
    }
  cleanup_free char *realm = challenge ? challenge_param (challenge, "realm") : NULL;
  if (realm == NULL)
    return pp_error_make (err, 0, "%s refused access without saying how to authenticate", r->host);
  cleanup_free char *service = challenge_param (challenge, "service");
  cleanup_free char *scope = xasprintf ("repository:%s:pull", r->repository);
  CURL *esc = curl_easy_init ();
  cleanup_free char *url = NULL;
  {
    char *s1 = service ? curl_easy_escape (esc, service, 0) : NULL;
    char *s2 = curl_easy_escape (esc, scope, 0);
    url = xasprintf ("%s%sscope=%s%s%s", realm, strchr (realm, '?') ? "&" : "?", s2, s1 ? "&service=" : "",
                     s1 ? s1 : "");
    curl_free (s1);
    curl_free (s2);
  }
  curl_easy_cleanup (esc);
  response_t resp = { .limit = 1024 * 1024 };
  struct curl_slist *headers;
  pthread_mutex_lock (&r->lock);
  cleanup_free char *saved_token = steal_pointer (&r->token);
  pthread_mutex_unlock (&r->lock);
  CURL *c = new_handle (r, url, &resp, &headers, NULL);
  CURLcode rc = curl_easy_perform (c);
  long status = 0;
  curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup (c);
  curl_slist_free_all (headers);
  free (resp.www_authenticate);
  free (resp.content_digest);
  int ret = 0;
  if (rc != CURLE_OK)
    ret = pp_error_make (err, 0, "token from %s: %s", realm, curl_easy_strerror (rc));
  else if (status == 401 || status == 403)
    ret = pp_error_make (err, 0, "%s: authentication failed (wrong user name or password?)", r->host);
  else if (status != 200)
    ret = pp_error_make (err, 0, "token from %s: HTTP %ld", realm, status);
  else
    {
      json_t *j = json_loadb (resp.body.data, resp.body.len, 0, NULL);
      const char *tok = json_string_value (json_object_get (j, "token"));
      if (tok == NULL)
        tok = json_string_value (json_object_get (j, "access_token"));
      if (tok == NULL)
        ret = pp_error_make (err, 0, "token from %s: no token in the answer", realm);
      else
        {
          pthread_mutex_lock (&r->lock);
          free (r->token);
          r->token = xstrdup (tok);
          pthread_mutex_unlock (&r->lock);
        }
      json_decref (j);
    }
  pp_buf_free (&resp.body);
  return ret;
}

static bool
transient (CURLcode rc, long status)
{
  if (rc != CURLE_OK)
    return rc == CURLE_COULDNT_CONNECT || rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_RECV_ERROR
           || rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING || rc == CURLE_PARTIAL_FILE;
  return status == 429 || status == 502 || status == 503 || status == 504 || status == 500;
}

static void
backoff (int attempt)
{
  struct timespec ts = { 0, (long) (200 * 1000 * 1000) << attempt };
  if (ts.tv_nsec >= 1000 * 1000 * 1000)
    ts.tv_sec = ts.tv_nsec / (1000 * 1000 * 1000), ts.tv_nsec %= 1000 * 1000 * 1000;
  nanosleep (&ts, NULL);
}

/* GET `path` on the registry into resp, answering one auth challenge and retrying transient failures.
   Returns the HTTP status, or -1 with err set. */
static long
get (registry_t *r, const char *path, const char *accept, response_t *resp, pp_blob_writer_t *(*restart) (void *),
     void *restart_arg, pp_error_t *err)
{
  bool authed = false;
  for (int attempt = 0;; attempt++)
    {
      cleanup_free char *url = xasprintf ("%s%s", r->endpoint, path);
      struct curl_slist *headers;
      CURL *c = new_handle (r, url, resp, &headers, accept);
      char errbuf[CURL_ERROR_SIZE] = "";
      curl_easy_setopt (c, CURLOPT_ERRORBUFFER, errbuf);
      CURLcode rc = curl_easy_perform (c);
      long status = 0;
      curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &status);
      curl_easy_cleanup (c);
      curl_slist_free_all (headers);
      if (rc == CURLE_OK && status == 401 && !authed)
        {
          authed = true;
          /* A basic challenge without credentials fails inside; with them, the next answer tells. */
          if (authenticate (r, resp->www_authenticate, err) < 0)
            return -1;
        }
      else if (rc == CURLE_OK && status == 401)
        return pp_error_make (err, 0, "%s: authentication failed (wrong user name or password?)", r->host), -1;
      else if (attempt + 1 < TRIES && transient (rc, status))
        backoff (attempt);
      else if (rc != CURLE_OK && resp->overflow)
        return pp_error_make (err, 0, "%s%s: the answer is larger than %d bytes", r->endpoint, path, MAX_MANIFEST),
               -1;
      else if (rc == CURLE_WRITE_ERROR && resp->blob)
        return pp_error_make (err, errno, "%s%s: storing the blob", r->endpoint, path), -1;
      else if (rc != CURLE_OK)
        return pp_error_make (err, 0, "%s%s: %s", r->endpoint, path, *errbuf ? errbuf : curl_easy_strerror (rc)), -1;
      else
        return status;
      /* Start the body again for the next try. */
      pp_buf_reset (&resp->body);
      resp->overflow = false;
      if (resp->blob && restart)
        {
          pp_blob_abort (resp->blob);
          resp->blob = restart (restart_arg);
          if (resp->blob == NULL)
            return pp_error_make (err, errno, "restart a blob"), -1;
        }
    }
}

/* ---- manifests ---- */

/* The platform to pull for: --platform os/arch[/variant] (its variant exact), else this machine's. */
static bool
platform_of (const pp_pull_opts_t *opts, char os[32], char arch[32], char variant[32])
{
  snprintf (os, 32, "linux");
  variant[0] = '\0';
  const char *slash = opts->platform ? strchr (opts->platform, '/') : NULL;
  if (slash)
    {
      snprintf (os, 32, "%.*s", (int)(slash - opts->platform), opts->platform);
      const char *v = strchr (slash + 1, '/');
      snprintf (arch, 32, "%.*s", v ? (int)(v - slash - 1) : 31, slash + 1);
      snprintf (variant, 32, "%s", v ? v + 1 : "");
      return v != NULL;
    }
  pp_platform_host (arch, 32, variant, 32);
  return false;
}

/* Fetches a manifest by tag or digest, verified, stored as a blob and parsed; its digest goes to `digest`. */
static int
fetch_manifest (registry_t *r, pp_store_t *store, const char *reference, const char *type, char digest[72],
                pp_manifest_t *m, pp_error_t *err)
{
  cleanup_free char *path = xasprintf ("/v2/%s/manifests/%s", r->repository, reference);
  response_t resp = { .limit = MAX_MANIFEST };
  long status = get (r, path, ACCEPT_MANIFESTS, &resp, NULL, NULL, err);
  int ret = -1;
  if (status == 404)
    pp_error_make (err, 0, "%s/%s:%s: manifest unknown (no such tag or digest)", r->host, r->repository, reference);
  else if (status >= 0 && status != 200)
    pp_error_make (err, 0, "%s/%s: manifest %s: HTTP %ld", r->host, r->repository, reference, status);
  else if (status == 200 && pp_store_put_bytes (store, resp.body.data ? resp.body.data : "", resp.body.len, digest, err) == 0)
    {
      const char *want = strncmp (reference, "sha256:", 7) == 0 ? reference : resp.content_digest;
      if (want && strcmp (want, digest) != 0)
        pp_error_make (err, 0, "%s/%s: manifest %s has digest %s, not %s; refusing it", r->host, r->repository,
                       reference, digest, want);
      else if (pp_manifest_parse (resp.body.data ? resp.body.data : "", resp.body.len, type, m, err) < 0)
        pp_error_wrap (err, "%s/%s: manifest %s", r->host, r->repository, reference);
      else
        ret = 0;
    }
  pp_buf_free (&resp.body);
  free (resp.www_authenticate);
  free (resp.content_digest);
  return ret;
}

/* ---- blobs, in parallel ---- */

typedef struct
{
  const char *digest;
  int64_t size;
  double started; /* monotonic seconds, when its fetch began */
  volatile int64_t done;
  int ok;
  pp_error_t err;
} job_t;

typedef struct
{
  registry_t *r;
  pp_store_t *store;
  job_t *jobs;
  size_t n;
  size_t next; /* taken under the registry lock */
} pool_t;

typedef struct
{
  pp_store_t *store;
  job_t *job;
} restart_t;

static pp_blob_writer_t *
restart_blob (void *arg)
{
  restart_t *rs = arg;
  rs->job->done = 0;
  pp_error_t ignore = NULL;
  pp_blob_writer_t *w = pp_store_blob_begin (rs->store, rs->job->digest, rs->job->size, &ignore);
  pp_error_release (&ignore);
  return w;
}

static double
now_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void
fetch_blob (pool_t *p, job_t *job)
{
  job->started = now_seconds ();
  if (pp_store_has_blob (p->store, job->digest))
    {
      job->done = job->size;
      job->ok = 1;
      return;
    }
  restart_t rs = { p->store, job };
  response_t resp = { .progress = &job->done };
  resp.blob = pp_store_blob_begin (p->store, job->digest, job->size, &job->err);
  if (resp.blob == NULL)
    return;
  cleanup_free char *path = xasprintf ("/v2/%s/blobs/%s", p->r->repository, job->digest);
  long status = get (p->r, path, NULL, &resp, restart_blob, &rs, &job->err);
  if (status == 200)
    {
      job->ok = pp_blob_commit (resp.blob, &job->err) == 0;
      resp.blob = NULL;
    }
  else if (status >= 0)
    pp_error_make (&job->err, 0, "blob %s: HTTP %ld", job->digest, status);
  pp_blob_abort (resp.blob);
  free (resp.www_authenticate);
  free (resp.content_digest);
}

static void *
worker (void *arg)
{
  pool_t *p = arg;
  for (;;)
    {
      pthread_mutex_lock (&p->r->lock);
      size_t i = p->next < p->n ? p->next++ : p->n;
      pthread_mutex_unlock (&p->r->lock);
      if (i == p->n)
        return NULL;
      fetch_blob (p, &p->jobs[i]);
    }
}

/* One line a blob: a bar, bytes and rate; redrawn in place until the last draw. */
static void
draw_progress (const pool_t *p, bool final)
{
  static const int width = 30;
  double now = now_seconds ();
  for (size_t i = 0; i < p->n; i++)
    {
      const job_t *j = &p->jobs[i];
      int64_t done = __atomic_load_n (&j->done, __ATOMIC_RELAXED);
      int fill = j->size > 0 ? (int) (done * width / j->size) : width;
      fill = fill > width ? width : fill < 0 ? 0 : fill;
      double secs = j->started > 0 ? now - j->started : 0;
      double rate = secs > 0.01 ? (double) done / secs / 1048576.0 : 0;
      fprintf (stderr, "\rCopying blob %.12s [%.*s%*s] %6.1f / %.1f MiB  %6.1f MiB/s\033[K\n", j->digest + 7, fill,
               "##############################", width - fill, "", (double) done / 1048576.0,
               (double) j->size / 1048576.0, rate);
    }
  if (!final)
    fprintf (stderr, "\033[%zuA", p->n);
}

static int
fetch_blobs (registry_t *r, pp_store_t *store, job_t *jobs, size_t n, pp_error_t *err)
{
  pool_t p = { .r = r, .store = store, .jobs = jobs, .n = n };
  pthread_t threads[PARALLEL];
  size_t started = 0;
  for (; started < PARALLEL && started < n; started++)
    if (pthread_create (&threads[started], NULL, worker, &p) != 0)
      break;
  if (started == 0)
    worker (&p);
  if (r->opts->progress && !r->opts->quiet)
    for (;;)
      {
        bool all = true;
        for (size_t i = 0; i < n; i++)
          all = all && (jobs[i].ok || jobs[i].err || __atomic_load_n (&jobs[i].done, __ATOMIC_RELAXED) >= jobs[i].size);
        draw_progress (&p, false);
        if (all)
          break;
        struct timespec ts = { 0, 150 * 1000 * 1000 };
        nanosleep (&ts, NULL);
      }
  for (size_t i = 0; i < started; i++)
    pthread_join (threads[i], NULL);
  if (r->opts->progress && !r->opts->quiet)
    draw_progress (&p, true);
  int ret = 0;
  for (size_t i = 0; i < n; i++)
    if (!jobs[i].ok && ret == 0)
      {
        *err = steal_pointer (&jobs[i].err);
        if (*err == NULL)
          pp_error_make (err, 0, "blob %s was not fetched", jobs[i].digest);
        ret = -1;
      }
  for (size_t i = 0; i < n; i++)
    pp_error_release (&jobs[i].err);
  return ret;
}

/* ---- the pull ---- */

static void
global_init (void)
{
  curl_global_init (CURL_GLOBAL_DEFAULT);
}

/* Finds the scheme the registry answers on: HTTPS, or plain HTTP when TLS verification is off. */
static int
ping (registry_t *r, pp_error_t *err)
{
  const char *schemes[] = { "https", "http" };
  pp_error_t first = NULL;
  for (size_t i = 0; i < (r->opts->tls_verify ? 1u : 2u); i++)
    {
      free (r->endpoint);
      r->endpoint = xasprintf ("%s://%s", schemes[i], r->host);
      response_t resp = { .limit = 64 * 1024 };
      struct curl_slist *headers;
      cleanup_free char *url = xasprintf ("%s/v2/", r->endpoint);
      CURL *c = new_handle (r, url, &resp, &headers, NULL);
      char errbuf[CURL_ERROR_SIZE] = "";
      curl_easy_setopt (c, CURLOPT_ERRORBUFFER, errbuf);
      CURLcode rc = curl_easy_perform (c);
      curl_easy_cleanup (c);
      curl_slist_free_all (headers);
      pp_buf_free (&resp.body);
      free (resp.www_authenticate);
      free (resp.content_digest);
      if (rc == CURLE_OK)
        {
          pp_error_release (&first);
          return 0;
        }
      if (first == NULL)
        pp_error_make (&first, 0, "%s: %s", r->endpoint, *errbuf ? errbuf : curl_easy_strerror (rc));
    }
  *err = first;
  return pp_error_wrap (err, "cannot reach registry %s%s", r->host,
                        r->opts->tls_verify ? " (use --tls-verify=false for a registry without TLS)" : "");
}

/* The manifest of an index for this machine's platform (or --platform's), fetched and parsed into *m. */
static int
pick_platform (registry_t *r, pp_store_t *store, const pp_manifest_t *index, char digest[72], pp_manifest_t *m,
               pp_error_t *err)
{
  char os[32], arch[32], variant[32];
  bool exact = platform_of (r->opts, os, arch, variant);
  pp_buf_t have = { 0 };
  for (size_t i = 0; i < index->n_manifests; i++)
    {
      const pp_descriptor_t *d = &index->manifests[i];
      pp_platform_describe (d, &have);
      if (pp_platform_matches (d, os, arch, variant, exact))
        {
          pp_buf_free (&have);
          return fetch_manifest (r, store, d->digest, d->media_type, digest, m, err);
        }
    }
  pp_error_make (err, 0, "%s/%s: no %s/%s%s%s variant (it has %s)", r->host, r->repository, os, arch,
                 *variant ? "/" : "", variant, have.len ? have.data : "none");
  pp_buf_free (&have);
  return -1;
}

static void
registry_free (registry_t *r)
{
  free (r->host);
  free (r->endpoint);
  free (r->repository);
  free (r->basic);
  free (r->token);
  free (r->ca_bundle);
  free (r->client_cert);
  free (r->client_key);
  pthread_mutex_destroy (&r->lock);
}

static int
pull_ref (registry_t *r, pp_store_t *store, const pp_ref_t *ref, const char *name, pp_load_result_t *result,
          pp_error_t *err)
{
  char digest[72];
  pp_manifest_t manifest;
  if (fetch_manifest (r, store, ref->digest ? ref->digest : ref->tag, NULL, digest, &manifest, err) < 0)
    return -1;
  if (manifest.kind == PP_MANIFEST_INDEX)
    {
      pp_manifest_t index = manifest;
      int ret = pick_platform (r, store, &index, digest, &manifest, err);
      pp_manifest_release (&index);
      if (ret < 0)
        return -1;
      if (manifest.kind != PP_MANIFEST_IMAGE)
        {
          pp_manifest_release (&manifest);
          return pp_error_make (err, 0, "%s/%s: manifest %s is an index, not an image's", r->host, r->repository,
                                digest);
        }
    }
  /* The config first, then the layers: what the parser checked (digests, sizes) bounds every fetch. */
  size_t n = manifest.n_layers + 1;
  job_t *jobs = xzalloc (n * sizeof (job_t));
  jobs[0].digest = manifest.config.digest;
  jobs[0].size = manifest.config.size;
  for (size_t i = 1; i < n; i++)
    {
      jobs[i].digest = manifest.layers[i - 1].digest;
      jobs[i].size = manifest.layers[i - 1].size;
    }
  int ret = fetch_blobs (r, store, jobs, n, err);
  free (jobs);
  if (ret == 0)
    {
      cleanup_free char *source = xasprintf ("%s/%s", r->host, r->repository);
      ret = pp_image_record (store, source, digest, &manifest, name, result, err);
    }
  pp_manifest_release (&manifest);
  return ret;
}

int
pp_image_pull (pp_context_t *ctx, pp_store_t *store, const char *text, const pp_pull_opts_t *opts,
               pp_load_result_t *result, pp_error_t *err)
{
  (void) ctx;
  memset (result, 0, sizeof *result);
  pp_ref_t ref;
  if (pp_ondemand_need (PP_LIB_CURL, err) < 0 || pp_ondemand_need (PP_LIB_CRYPTO, err) < 0
      || pp_ondemand_need (PP_LIB_ARCHIVE, err) < 0 || pp_ref_parse (text, &ref, err) < 0)
    return -1;
  cleanup_free char *name = pp_ref_string (&ref);
  if (strcmp (ref.registry, "localhost") == 0)
    {
      pp_ref_release (&ref);
      return pp_error_make (err, ENOENT, "%s is a local name: it is not in the store, and no registry has it", name);
    }
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once (&once, global_init);
  registry_t r = { .opts = opts };
  pthread_mutex_init (&r.lock, NULL);
  r.host = xstrdup (strcmp (ref.registry, "docker.io") == 0 ? "registry-1.docker.io" : ref.registry);
  r.repository = xstrdup (ref.repository);
  r.basic = opts->creds ? xstrdup (opts->creds) : creds_from_authfiles (opts, ref.registry);
  load_certs (&r);
  int ret;
  {
    cleanup_close int gc = pp_store_lock_gc (store, false, err);
    ret = gc < 0 ? -1 : ping (&r, err);
    if (ret == 0)
      ret = pull_ref (&r, store, &ref, name, result, err);
  }
  if (ret < 0)
    {
      pp_error_wrap (err, "pulling %s", name);
      /* What a failed pull stored belongs to no image: it goes, so nothing of it stays. */
      pp_error_t ignore = NULL;
      pp_store_gc (store, &ignore);
      pp_error_release (&ignore);
    }
  registry_free (&r);
  pp_ref_release (&ref);
  return ret;
}
