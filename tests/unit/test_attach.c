/* The frames of a container's attach socket: whole frames handed on however the bytes arrive, a frame too large
   refused, and the end of the stream told apart from a read that found nothing. */
#include "unit.h"
#include "runtime/attach.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct
{
  int types[8];
  pp_buf_t data[8];
  size_t n;
} seen_t;

static void
collect (void *arg, int type, const char *data, uint32_t len)
{
  seen_t *s = arg;
  assert_true (s->n < 8);
  s->types[s->n] = type;
  pp_buf_append (&s->data[s->n], data, len);
  s->n++;
}

static void
seen_free (seen_t *s)
{
  for (size_t i = 0; i < 8; i++)
    pp_buf_free (&s->data[i]);
}

static void
test_frames_in_pieces (void **state)
{
  (void)state;
  int sv[2];
  assert_int_equal (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  fcntl (sv[1], F_SETFL, O_NONBLOCK);
  pp_buf_t all = { 0 };
  pp_attach_frame (&all, PP_ATTACH_STDOUT, "hello\n", 6);
  pp_attach_frame (&all, PP_ATTACH_STDIN_EOF, NULL, 0);
  pp_attach_frame (&all, PP_ATTACH_STDERR, "oops", 4);
  seen_t s = { 0 };
  pp_attach_reader_t r = { 0 };
  /* A byte at a time: nothing is handed on before its frame is whole. */
  for (size_t i = 0; i < all.len; i++)
    {
      assert_int_equal (write (sv[0], all.data + i, 1), 1);
      assert_int_equal (pp_attach_read (sv[1], &r, collect, &s), 1);
      if (i < 10)
        assert_int_equal (s.n, 0);
    }
  assert_int_equal (s.n, 3);
  assert_int_equal (s.types[0], PP_ATTACH_STDOUT);
  assert_string_equal (s.data[0].data, "hello\n");
  assert_int_equal (s.types[1], PP_ATTACH_STDIN_EOF);
  assert_int_equal (s.data[1].len, 0);
  assert_int_equal (s.types[2], PP_ATTACH_STDERR);
  assert_string_equal (s.data[2].data, "oops");
  assert_int_equal (r.buf.len, 0);
  /* Nothing there is not the end; a closed peer is. */
  assert_int_equal (pp_attach_read (sv[1], &r, collect, &s), 1);
  /* pp_attach_send: the same bytes as a frame. */
  assert_int_equal (pp_attach_send (sv[0], PP_ATTACH_STDOUT, "x", 1), 0);
  assert_int_equal (pp_attach_read (sv[1], &r, collect, &s), 1);
  assert_int_equal (s.n, 4);
  assert_string_equal (s.data[3].data, "x");
  close (sv[0]);
  assert_int_equal (pp_attach_read (sv[1], &r, collect, &s), 0);
  close (sv[1]);
  pp_buf_free (&all);
  pp_buf_free (&r.buf);
  seen_free (&s);
}

static void
test_frame_too_large (void **state)
{
  (void)state;
  int sv[2];
  assert_int_equal (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  unsigned char head[5] = { PP_ATTACH_STDIN };
  uint32_t len = PP_ATTACH_MAX_FRAME + 1;
  memcpy (head + 1, &len, sizeof len);
  assert_int_equal (write (sv[0], head, sizeof head), (ssize_t)sizeof head);
  seen_t s = { 0 };
  pp_attach_reader_t r = { 0 };
  assert_int_equal (pp_attach_read (sv[1], &r, collect, &s), -1);
  assert_int_equal (errno, EPROTO);
  assert_int_equal (s.n, 0);
  close (sv[0]);
  close (sv[1]);
  pp_buf_free (&r.buf);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_frames_in_pieces),
    cmocka_unit_test (test_frame_too_large),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
