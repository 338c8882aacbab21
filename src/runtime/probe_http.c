/* gRPC health calls and HTTPS GETs for probes, on libcurl: see probe_http.h. */
#include "runtime/probe_http.h"
#include "core/ondemand.h"
#include "runtime/probe.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* What a check keeps of a response: the start of its body, and gRPC's status from the trailers (or from the
   headers, when a call fails at once and the server answers with headers alone). */
typedef struct
{
  pp_buf_t body;
  char *grpc_status;
  char *grpc_message;
} response_t;

/* A HealthCheckResponse is a few bytes: a big body is read to its end but not kept. */
#define BODY_KEEP 4096

static size_t
on_body (char *data, size_t size, size_t nmemb, void *opaque)
{
  response_t *r = opaque;
  size_t len = size * nmemb;
  if (r->body.len < BODY_KEEP)
    pp_buf_append (&r->body, data, len < BODY_KEEP - r->body.len ? len : BODY_KEEP - r->body.len);
  return len;
}

static size_t
on_header (char *line, size_t size, size_t nmemb, void *opaque)
{
  response_t *r = opaque;
  size_t len = size * nmemb;
  if (!pp_header_take (line, len, "grpc-status", &r->grpc_status))
    pp_header_take (line, len, "grpc-message", &r->grpc_message);
  return len;
}

static void
response_free (response_t *r)
{
  pp_buf_free (&r->body);
  free (r->grpc_status);
  free (r->grpc_message);
}

/* A handle for one request as a probe makes it: the probe's timeout for all of it (connecting included), the
   kubelet's user agent, and no proxy from the environment (the kubelet's probes use none). */
static CURL *
new_handle (const char *scheme, const char *host, int port, const char *path, long timeout_ms, response_t *r)
{
  curl_global_init (CURL_GLOBAL_DEFAULT);
  CURL *c = curl_easy_init ();
  if (c == NULL)
    abort ();
  /* An IPv6 address goes in brackets; a path always starts with a slash. */
  const char *v6 = strchr (host, ':') ? "[" : "";
  cleanup_free char *url
      = xasprintf ("%s://%s%s%s:%d%s%s", scheme, v6, host, *v6 ? "]" : "", port, path[0] == '/' ? "" : "/", path);
  curl_easy_setopt (c, CURLOPT_URL, url);
  curl_easy_setopt (c, CURLOPT_PROXY, "");
  curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt (c, CURLOPT_USERAGENT, PP_PROBE_USER_AGENT);
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (c, CURLOPT_WRITEDATA, r);
  curl_easy_setopt (c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (c, CURLOPT_HEADERDATA, r);
  return c;
}

/* Makes the request with the headers (which it frees, with the handle): its HTTP status in *code, or -1. */
static int
perform (CURL *c, struct curl_slist *headers, long *code, pp_error_t *err)
{
  char msg[CURL_ERROR_SIZE] = "";
  curl_easy_setopt (c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (c, CURLOPT_ERRORBUFFER, msg);
  CURLcode rc = curl_easy_perform (c);
  *code = 0;
  curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, code);
  curl_easy_cleanup (c);
  curl_slist_free_all (headers);
  if (rc != CURLE_OK)
    return pp_error_make (err, 0, "%s", *msg ? msg : curl_easy_strerror (rc));
  return 0;
}

static void
put_varint (pp_buf_t *b, uint64_t v)
{
  for (; v >= 0x80; v >>= 7)
    pp_buf_append (b, &(uint8_t){ (uint8_t) (v | 0x80) }, 1);
  pp_buf_append (b, &(uint8_t){ (uint8_t) v }, 1);
}

static bool
get_varint (const uint8_t **p, const uint8_t *end, uint64_t *v)
{
  *v = 0;
  for (int shift = 0; shift < 64 && *p < end; shift += 7)
    {
      uint8_t b = *(*p)++;
      *v |= (uint64_t) (b & 0x7f) << shift;
      if ((b & 0x80) == 0)
        return true;
    }
  return false;
}

void
pp_grpc_health_request (const char *service, pp_buf_t *out)
{
  pp_buf_t msg = { 0 };
  size_t n = strlen (service);
  if (n > 0)
    {
      pp_buf_append (&msg, "\x0a", 1);
      put_varint (&msg, n);
      pp_buf_append (&msg, service, n);
    }
  uint8_t frame[5]
      = { 0, (uint8_t) (msg.len >> 24), (uint8_t) (msg.len >> 16), (uint8_t) (msg.len >> 8), (uint8_t) msg.len };
  pp_buf_append (out, frame, sizeof frame);
  pp_buf_append (out, msg.data ?: "", msg.len);
  pp_buf_free (&msg);
}

int64_t
pp_grpc_health_status (const void *body, size_t len)
{
  const uint8_t *p = body;
  if (len < 5 || p[0] != 0)
    return -1;
  uint32_t n = (uint32_t) p[1] << 24 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 8 | p[4];
  if (n > len - 5)
    return -1;
  const uint8_t *end = p + 5 + n;
  int64_t status = 0;
  for (p += 5; p < end;)
    {
      uint64_t key, v = 0;
      if (!get_varint (&p, end, &key))
        return -1;
      switch (key & 7)
        {
        case 0: /* varint */
          if (!get_varint (&p, end, &v))
            return -1;
          if (key >> 3 == 1)
            status = (int64_t) (v & INT64_MAX);
          break;
        case 2: /* length-delimited */
          if (!get_varint (&p, end, &v) || v > (uint64_t) (end - p))
            return -1;
          p += v;
          break;
        case 1: /* 64-bit */
        case 5: /* 32-bit */
          v = (key & 7) == 1 ? 8 : 4;
          if (v > (uint64_t) (end - p))
            return -1;
          p += v;
          break;
        default:
          return -1;
        }
    }
  return status;
}

/* Serving: HTTP 200, grpc-status 0 and a HealthCheckResponse that says SERVING. */
static int
grpc_verdict (const response_t *r, long code, const char *service, pp_error_t *err)
{
  static const char *const names[] = { "UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN" };
  if (code != 200)
    return pp_error_make (err, 0, "HTTP status %ld", code);
  if (r->grpc_status == NULL || strcmp (r->grpc_status, "0") != 0)
    return pp_error_make (err, 0, "grpc-status %s%s%s", r->grpc_status ?: "missing", r->grpc_message ? ": " : "",
                          r->grpc_message ?: "");
  int64_t status = pp_grpc_health_status (r->body.data, r->body.len);
  if (status < 0)
    return pp_error_make (err, 0, "the answer is not a HealthCheckResponse");
  if (status != 1)
    return pp_error_make (err, 0, "%s%s%s answered %s", *service ? "service `" : "the server", service,
                          *service ? "`" : "",
                          status < (int64_t) PP_N_ELEMENTS (names) ? names[status] : "a status unknown");
  return 0;
}

int
pp_probe_grpc (const char *host, int port, const char *service, long timeout_ms, pp_error_t *err)
{
  if (pp_ondemand_need (PP_LIB_CURL, err) < 0)
    return pp_error_wrap (err, "gRPC health check of %s:%d", host, port);
  pp_buf_t req = { 0 };
  pp_grpc_health_request (service, &req);
  response_t r = { 0 };
  CURL *c = new_handle ("http", host, port, "/grpc.health.v1.Health/Check", timeout_ms, &r);
  curl_easy_setopt (c, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
  curl_easy_setopt (c, CURLOPT_POSTFIELDS, req.data);
  curl_easy_setopt (c, CURLOPT_POSTFIELDSIZE, (long) req.len);
  struct curl_slist *hs = NULL;
  static const char *const headers[] = { "Content-Type: application/grpc", "TE: trailers", "Expect:", "Accept:" };
  for (size_t i = 0; i < PP_N_ELEMENTS (headers); i++)
    hs = curl_slist_append (hs, headers[i]);
  long code;
  int ret = perform (c, hs, &code, err);
  pp_buf_free (&req);
  if (ret == 0)
    ret = grpc_verdict (&r, code, service, err);
  response_free (&r);
  if (ret < 0)
    return pp_error_wrap (err, "gRPC health check of %s:%d", host, port);
  return 0;
}

int
pp_probe_https (const char *host, int port, const char *path, char *const *headers, size_t n_headers, long timeout_ms,
                pp_error_t *err)
{
  if (pp_ondemand_need (PP_LIB_CURL, err) < 0)
    return pp_error_wrap (err, "HTTPS check of %s:%d%s", host, port, path);
  response_t r = { 0 };
  CURL *c = new_handle ("https", host, port, path, timeout_ms, &r);
  curl_easy_setopt (c, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_1_1);
  curl_easy_setopt (c, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt (c, CURLOPT_SSL_VERIFYHOST, 0L);
  struct curl_slist *hs = NULL;
  for (size_t i = 0; i + 1 < n_headers * 2; i += 2)
    {
      /* "Name;" is curl's way to send a header with an empty value ("Name:" would remove it). */
      cleanup_free char *h
          = *headers[i + 1] ? xasprintf ("%s: %s", headers[i], headers[i + 1]) : xasprintf ("%s;", headers[i]);
      hs = curl_slist_append (hs, h);
    }
  long code;
  int ret = perform (c, hs, &code, err);
  response_free (&r);
  if (ret == 0 && (code < 200 || code >= 400))
    ret = pp_error_make (err, 0, "HTTP status %ld", code);
  if (ret < 0)
    return pp_error_wrap (err, "HTTPS check of %s:%d%s", host, port, path);
  return 0;
}
