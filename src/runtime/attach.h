/* A container's attach socket: the monitor listens at <runroot>/containers/<id>/attach for a container with a
   terminal or a stdin, and an attached `run -i`/`-t` talks to it in frames, each a type byte, a length (4 bytes,
   host order) and that many bytes.  The monitor sends the container's output; the client sends its input, the end
   of it, and its terminal's size. */
#ifndef PP_RUNTIME_ATTACH_H
#define PP_RUNTIME_ATTACH_H

#include "core/context.h"
#include "core/error.h"
#include "core/util.h"

#include <stdint.h>

enum
{
  PP_ATTACH_STDIN = 0,     /* client to monitor: bytes for the container's stdin (its terminal with one) */
  PP_ATTACH_STDOUT = 1,    /* monitor to client: the container's output (all of it with a terminal) */
  PP_ATTACH_STDERR = 2,    /* monitor to client */
  PP_ATTACH_STDIN_EOF = 3, /* client to monitor: no more input (the container's stdin is closed) */
  PP_ATTACH_RESIZE = 4,    /* client to monitor: a struct winsize for the container's terminal */
  PP_ATTACH_REFUSED = 5,   /* monitor to client, then the end: why it cannot attach (another client is) */
};

#define PP_ATTACH_MAX_FRAME (1u << 20)

/* The socket the monitor listens on for the container (non-blocking, close-on-exec), or -1. */
int pp_attach_listen (pp_context_t *ctx, const char *ctr_id, pp_error_t *err);

/* A connection to the container's monitor, or -1 (errno ENOENT or ECONNREFUSED when none listens). */
int pp_attach_connect (pp_context_t *ctx, const char *ctr_id, pp_error_t *err);

/* The frame's bytes appended to `out`. */
void pp_attach_frame (pp_buf_t *out, int type, const void *data, uint32_t len);

/* Writes a whole frame, waiting as it must; -1 with errno when the peer is gone. */
int pp_attach_send (int fd, int type, const void *data, uint32_t len);

/* Frames as they arrive: `buf` holds what was read and is not a whole frame yet. */
typedef struct
{
  pp_buf_t buf;
} pp_attach_reader_t;

/* One read of `fd`, then each whole frame handed to `fn`; 0 at the end of the stream, 1 after a read, -1 with errno
   on an error or a frame larger than PP_ATTACH_MAX_FRAME. */
int pp_attach_read (int fd, pp_attach_reader_t *r, void (*fn) (void *arg, int type, const char *data, uint32_t len),
                    void *arg);

#endif
