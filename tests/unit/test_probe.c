/* The gRPC health messages probes send and read, and the HTTP header lines they take their status from. */
#include "unit.h"

#include "runtime/probe_http.h"

#include <string.h>

#define BYTES(s) s, sizeof s - 1

static void
test_health_request (void **state PP_UNUSED)
{
  pp_buf_t b = { 0 };
  /* The server as a whole: an empty message. */
  pp_grpc_health_request ("", &b);
  assert_int_equal (b.len, 5);
  assert_memory_equal (b.data, "\0\0\0\0\0", 5);
  pp_buf_reset (&b);
  pp_grpc_health_request ("live", &b);
  assert_int_equal (b.len, 11);
  assert_memory_equal (b.data, "\0\0\0\0\x06\x0a\x04live", 11);
  pp_buf_reset (&b);
  /* A name of 200 bytes: its length is a varint of two bytes. */
  char name[201];
  memset (name, 'x', 200);
  name[200] = '\0';
  pp_grpc_health_request (name, &b);
  assert_int_equal (b.len, 5 + 3 + 200);
  assert_memory_equal (b.data, "\0\0\0\0\xcb\x0a\xc8\x01", 8);
  pp_buf_free (&b);
}

static void
test_health_status (void **state PP_UNUSED)
{
  assert_int_equal (pp_grpc_health_status (BYTES ("\0\0\0\0\x02\x08\x01")), 1);
  assert_int_equal (pp_grpc_health_status (BYTES ("\0\0\0\0\x02\x08\x02")), 2);
  assert_int_equal (pp_grpc_health_status (BYTES ("\0\0\0\0\x02\x08\x03")), 3);
  /* proto3 leaves UNKNOWN (0) out: an empty message. */
  assert_int_equal (pp_grpc_health_status (BYTES ("\0\0\0\0\0")), 0);
  /* Fields it does not know are skipped, of every wire type. */
  assert_int_equal (pp_grpc_health_status (BYTES ("\0\0\0\0\x07\x12\x03"
                                                  "abc\x08\x01")),
                    1);
  assert_int_equal (pp_grpc_health_status (BYTES ("\0\0\0\0\x0a\x10\x96\x01\x1d\1\2\3\4\x08\x01")), 1);
  assert_int_equal (pp_grpc_health_status (BYTES ("\0\0\0\0\x0b\x19\1\2\3\4\5\6\7\x08\x08\x01")), 1);
  /* The last value of a field wins, as protobuf reads it. */
  assert_int_equal (pp_grpc_health_status (BYTES ("\0\0\0\0\x04\x08\x02\x08\x01")), 1);
}

static void
test_health_status_malformed (void **state PP_UNUSED)
{
  assert_int_equal (pp_grpc_health_status (NULL, 0), -1);
  assert_int_equal (pp_grpc_health_status (BYTES ("\0\0\0")), -1);
  /* Compressed: no grpc-accept-encoding was sent, so the server may not. */
  assert_int_equal (pp_grpc_health_status (BYTES ("\1\0\0\0\x02\x08\x01")), -1);
  /* A length past the body, a varint cut short, a field longer than the message, a wire type of groups. */
  assert_int_equal (pp_grpc_health_status (BYTES ("\0\0\0\0\x09\x08\x01")), -1);
  assert_int_equal (pp_grpc_health_status (BYTES ("\0\0\0\0\x02\x08\x81")), -1);
  assert_int_equal (pp_grpc_health_status (BYTES ("\0\0\0\0\x03\x12\x05"
                                                  "a")),
                    -1);
  assert_int_equal (pp_grpc_health_status (BYTES ("\0\0\0\0\x02\x0b\x01")), -1);
  /* Bytes after the first message are not part of it. */
  assert_int_equal (pp_grpc_health_status (BYTES ("\0\0\0\0\x02\x08\x01garbage")), 1);
}

static void
test_header_take (void **state PP_UNUSED)
{
  char *v = NULL;
  assert_true (pp_header_take (BYTES ("grpc-status: 0\r\n"), "grpc-status", &v));
  assert_string_equal (v, "0");
  /* Trailers come after the headers: the last one wins. */
  assert_true (pp_header_take (BYTES ("Grpc-Status:\t 14 \r\n"), "grpc-status", &v));
  assert_string_equal (v, "14");
  assert_true (pp_header_take (BYTES ("grpc-status:\r\n"), "grpc-status", &v));
  assert_string_equal (v, "");
  /* Other headers leave it alone. */
  assert_false (pp_header_take (BYTES ("grpc-status-details-bin: x\r\n"), "grpc-status", &v));
  assert_false (pp_header_take (BYTES ("HTTP/2 200\r\n"), "grpc-status", &v));
  assert_false (pp_header_take (BYTES ("grpc"), "grpc-status", &v));
  assert_string_equal (v, "");
  free (v);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_health_request),
    cmocka_unit_test (test_health_status),
    cmocka_unit_test (test_health_status_malformed),
    cmocka_unit_test (test_header_take),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
