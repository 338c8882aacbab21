/* The probe checks that need libcurl: gRPC health calls (HTTP/2) and HTTPS GETs.  The monitor does not link
   libcurl or OpenSSL, so its probe child execs `podplay probe`, which runs these in the pod's network namespace. */
#ifndef PP_PROBE_HTTP_H
#define PP_PROBE_HTTP_H

#include "core/error.h"

#include <stddef.h>
#include <stdint.h>

/* grpc.health.v1.Health/Check of `service` ("": the server as a whole) on host:port over HTTP/2 cleartext, as the
   kubelet calls it: 0 when the server answers SERVING within timeout_ms, else -1 with why. */
int pp_probe_grpc (const char *host, int port, const char *service, long timeout_ms, pp_error_t *err);

/* The request's body: one uncompressed gRPC message (a flag byte, its length big-endian) holding a
   HealthCheckRequest, whose field 1 is the service, left out when empty as proto3 leaves defaults out. */
void pp_grpc_health_request (const char *service, pp_buf_t *out);
/* HealthCheckResponse.status (field 1: 1 is SERVING; 0 when left out) from a response body of one uncompressed gRPC
   message; -1 when the body is not that. */
int64_t pp_grpc_health_status (const void *body, size_t len);

/* GET https://host:port/path without verifying the certificate, as the kubelet does, with n_headers name, value
   pairs: 0 for a status from 200 to 399 within timeout_ms, else -1 with why. */
int pp_probe_https (const char *host, int port, const char *path, char *const *headers, size_t n_headers,
                    long timeout_ms, pp_error_t *err);

#endif
