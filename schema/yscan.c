/* A fast reader for block-style YAML: nodes straight into the document's arena; it gives up on what it is unsure of. */
#include "schema/yscan.h"
#include "schema/load.h"
#include "core/util.h"

#include <string.h>

/* What this reader takes is a subset whose trees and positions equal libyaml's (tests/unit/test_yscan.c and the
   fuzz target compare the two): block mappings and sequences, one-line plain and quoted scalars, literal and
   folded block scalars, one-line flow collections of scalars.  Anything else (anchors, tags, multi-line plain or
   quoted scalars, escapes, tabs, errors) makes it give up on the document, and libyaml reads it and what follows.
   It nests no deeper than this, below PP_LOAD_MAX_DEPTH, so that the limit's message stays libyaml's. */
#define YS_MAX_DEPTH 64
_Static_assert (YS_MAX_DEPTH < PP_LOAD_MAX_DEPTH, "libyaml must be the one to refuse a document too deep");
/* libyaml refuses a simple key longer than 1024 characters. */
#define YS_MAX_KEY 1000

struct pp_yscan
{
  const char *data, *end;
  const char *p;  /* the cursor */
  const char *ls; /* the start of the cursor's line */
  uint32_t line;  /* of the cursor, 0-based in `data` */
  uint32_t line_base;
  bool ascii;
  bool at_end;  /* no content left */
  uint32_t col; /* the content's column, 0-based, after skip_blank_lines */
  const char *doc_start;
  uint32_t doc_line;
  pp_arena_t *arena;
  unsigned depth;
  bool dups;
  pp_node_t **kids; /* the collections being read: items, or keys and values alternating */
  size_t n_kids, cap_kids;
  char *buf; /* a block scalar's text */
  size_t n_buf, cap_buf;
  const char *le_ls, *le, *nl; /* the end of the line at le_ls: before its "\r\n" or "\n", and its "\n" */
  const char *cc_ls, *cc_at;   /* where col_of last counted to, in a line that is not ASCII */
  uint32_t cc_col;
};

/* libyaml takes these as line breaks or skips them; a stream holding one goes to libyaml whole. */
static bool
odd_char (const unsigned char *p, size_t n)
{
  return (n >= 2 && p[0] == 0xc2 && p[1] == 0x85)
         || (n >= 3 && p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
         || (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
         || (n >= 3 && p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf));
}

/* The length of the UTF-8 character at `p` that libyaml's reader accepts, or 0. */
static size_t
utf8_len (const unsigned char *p, size_t n)
{
  unsigned c = p[0];
  if (c >= 0xc2 && c <= 0xdf)
    return n >= 2 && (p[1] & 0xc0) == 0x80 && !(c == 0xc2 && p[1] < 0xa0) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef)
    {
      if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
        return 0;
      if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0))
        return 0;
      return 3;
    }
  if (c >= 0xf0 && c <= 0xf4)
    {
      if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
        return 0;
      if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))
        return 0;
      return 4;
    }
  return 0;
}

pp_yscan_t *
pp_yscan_new (const char *data, size_t len, uint32_t line_base)
{
  const unsigned char *u = (const unsigned char *) data;
  bool ascii = true;
  for (size_t i = 0; i < len; i++)
    {
      /* Eight bytes at a time while none is a control character, DEL or not ASCII: a line break stops it. */
      while (i + 8 <= len)
        {
          uint64_t w;
          memcpy (&w, u + i, 8);
          const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
          uint64_t del = w ^ (ones * 0x7f);
          if (((w - ones * 0x20) | (del - ones) | w) & highs)
            break;
          i += 8;
        }
      if (i >= len)
        break;
      unsigned c = u[i];
      if (c >= 0x20 && c < 0x7f)
        continue;
      if (c == '\n' || c == '\t' || (c == '\r' && i + 1 < len && u[i + 1] == '\n'))
        continue;
      if (c < 0x80)
        return NULL;
      size_t n = utf8_len (u + i, len - i);
      if (n == 0 || odd_char (u + i, len - i))
        return NULL;
      ascii = false;
      i += n - 1;
    }
  pp_yscan_t *s = xzalloc (sizeof *s);
  s->data = s->p = s->ls = s->doc_start = data;
  s->end = data + len;
  s->line_base = line_base;
  s->ascii = ascii;
  s->cap_kids = 256;
  s->kids = xmalloc (s->cap_kids * sizeof (pp_node_t *));
  return s;
}

void
pp_yscan_free (pp_yscan_t *s)
{
  if (s == NULL)
    return;
  free (s->kids);
  free (s->buf);
  free (s);
}

void
pp_yscan_where (const pp_yscan_t *s, size_t *offset, uint32_t *lines)
{
  *offset = (size_t) (s->doc_start - s->data);
  *lines = s->doc_line;
}

/* The end of the cursor's line: its "\r\n" or "\n", or the end of the data. */
static const char *
line_end (pp_yscan_t *s)
{
  if (s->le_ls != s->ls)
    {
      /* Looked for once a line: every value of a line asks, and the cursor's next line too. */
      const char *nl = s->ls < s->end ? memchr (s->ls, '\n', (size_t) (s->end - s->ls)) : NULL;
      s->nl = nl ? nl : s->end;
      s->le = nl && nl > s->ls && nl[-1] == '\r' ? nl - 1 : s->nl;
      s->le_ls = s->ls;
    }
  return s->le;
}

static bool
is_eol (const pp_yscan_t *s, const char *q)
{
  return q >= s->end || *q == '\n' || *q == '\r';
}

static bool
is_blankz (const pp_yscan_t *s, const char *q)
{
  return is_eol (s, q) || *q == ' ' || *q == '\t';
}

static void
next_line (pp_yscan_t *s)
{
  if (s->p >= s->end)
    return;
  line_end (s);
  if (s->nl < s->end)
    {
      s->p = s->ls = s->nl + 1;
      s->line++;
    }
  else
    s->p = s->ls = s->end;
}

/* The 1-based column of `at` in the cursor's line, in characters as libyaml counts them. */
static uint32_t
col_of (pp_yscan_t *s, const char *at)
{
  if (s->ascii)
    return (uint32_t) (at - s->ls) + 1;
  if (s->cc_ls != s->ls || at < s->cc_at)
    {
      s->cc_ls = s->cc_at = s->ls;
      s->cc_col = 1;
    }
  for (const char *q = s->cc_at; q < at; q++)
    if (((unsigned char) *q & 0xc0) != 0x80)
      s->cc_col++;
  s->cc_at = at;
  return s->cc_col;
}

static bool
is_marker (const pp_yscan_t *s, const char *q, char c)
{
  return q == s->ls && s->end - q >= 3 && q[0] == c && q[1] == c && q[2] == c && is_blankz (s, q + 3);
}

/* From a line's start, past blank and comment lines to the next content: s->col is its column. */
static int
skip_blank_lines (pp_yscan_t *s)
{
  for (;;)
    {
      if (s->p >= s->end)
        {
          s->at_end = true;
          return 0;
        }
      const char *q = s->ls;
      while (q < s->end && *q == ' ')
        q++;
      if (q < s->end && *q == '\t')
        return -1;
      if (!is_eol (s, q) && *q != '#')
        {
          s->p = q;
          s->col = (uint32_t) (q - s->ls);
          return 0;
        }
      next_line (s);
    }
}

/* After a value: only spaces and a comment may end its line; the cursor goes to the next line. */
static int
end_of_line (pp_yscan_t *s)
{
  const char *q = s->p;
  while (q < s->end && *q == ' ')
    q++;
  if (q < s->end && *q == '#' && q > s->ls && q[-1] == ' ')
    {
      s->p = q;
      q = line_end (s);
    }
  if (!is_eol (s, q))
    return -1;
  next_line (s);
  return 0;
}

static void
skip_spaces (pp_yscan_t *s)
{
  while (s->p < s->end && *s->p == ' ')
    s->p++;
}

/* `line` 0-based in the data, `col` 1-based, as libyaml's marks give them to the loader. */
static pp_node_t *
new_node (pp_yscan_t *s, pp_node_type_t type, uint32_t line, uint32_t col)
{
  return pp_node_new (s->arena, type, line + 1 + s->line_base, col);
}

static pp_node_t *
new_scalar (pp_yscan_t *s, uint32_t line, uint32_t col, const char *text, size_t len, bool plain)
{
  pp_node_t *n = new_node (s, PP_NODE_SCALAR, line, col);
  n->len = len;
  n->u.str = pp_arena_strndup (s->arena, text, len);
  n->quoted = !plain;
  n->tag = (uint8_t) pp_resolve_scalar (NULL, plain, n->u.str, len);
  return n;
}

static void
push_kid (pp_yscan_t *s, pp_node_t *kid)
{
  if (s->n_kids == s->cap_kids)
    {
      s->cap_kids *= 2;
      s->kids = xrealloc (s->kids, s->cap_kids * sizeof (pp_node_t *));
    }
  s->kids[s->n_kids++] = kid;
}

/* The kids from `base` on into the collection's own arrays, in the arena. */
static void
finish (pp_yscan_t *s, pp_node_t *node, size_t base)
{
  size_t n = s->n_kids - base;
  pp_node_t **kids = s->kids + base;
  for (size_t i = 0; i < n; i++)
    node->weight += kids[i]->weight;
  if (node->type == PP_NODE_SEQ)
    pp_node_set_items (s->arena, node, kids, n);
  else
    {
      size_t np = n / 2;
      pp_pair_t *pairs = pp_arena_alloc (s->arena, (np ? np : 1) * sizeof (pp_pair_t));
      for (size_t i = 0; i < np; i++)
        {
          pairs[i].key = kids[2 * i];
          pairs[i].value = kids[2 * i + 1];
        }
      node->u.pairs = pairs;
      node->n = (uint32_t) np;
      /* The loader reports a key given twice from the tree, as it does for libyaml's; here only whether to look,
         in the small mappings that most are (a big one is looked at there, sorted).  A key here never holds a NUL
         (the reader takes no escape and no NUL byte), so length and bytes compare as the loader's strcmp does. */
      if (np > 16)
        s->dups = true;
      for (size_t i = 0; i < np && !s->dups; i++)
        for (size_t j = i + 1; j < np; j++)
          if (pairs[i].key->len == pairs[j].key->len
              && memcmp (pairs[i].key->u.str, pairs[j].key->u.str, pairs[i].key->len) == 0)
            {
              s->dups = true;
              break;
            }
    }
  s->n_kids = base;
}

static bool
plain_start (const pp_yscan_t *s, const char *q, bool flow)
{
  switch (*q)
    {
    case '?': case ':': case ',': case '[': case ']': case '{': case '}': case '#': case '&': case '*': case '!':
    case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
      return false;
    default:
      break;
    }
  if (*q == '-')
    return !is_blankz (s, q + 1) && !(flow && q[1] && strchr (",[]{}", q[1]));
  return *q != ' ' && *q != '\t';
}

/* A plain scalar of one line in block context: it ends at ": ", " #" or the line's end.  *colon says it ended at
   the ": " of a key. */
static int
scan_plain (pp_yscan_t *s, const char **text, size_t *len, bool *colon)
{
  const char *start = s->p, *q = s->p, *last = s->p, *le = line_end (s);
  *colon = false;
  for (; q < le; q++)
    {
      char c = *q;
      if (c == ':' && (q + 1 == le || q[1] == ' '))
        {
          *colon = true;
          break;
        }
      if (c == '\t')
        return -1;
      if (c == ' ')
        {
          if (q + 1 < le && q[1] == '#')
            break;
          continue;
        }
      last = q + 1;
    }
  *text = start;
  *len = (size_t) (last - start);
  s->p = q;
  return 0;
}

/* A quoted scalar that closes on its line, without escapes: the text between the quotes, `''` still doubled. */
static int
scan_quoted (pp_yscan_t *s, const char **text, size_t *len, bool *doubled)
{
  char quote = *s->p;
  const char *q = s->p + 1;
  *doubled = false;
  for (; !is_eol (s, q); q++)
    {
      if (*q == '\t' || (quote == '"' && *q == '\\'))
        return -1;
      if (*q == quote)
        {
          if (quote == '\'' && q + 1 < s->end && q[1] == '\'')
            {
              *doubled = true;
              q++;
              continue;
            }
          break;
        }
    }
  if (is_eol (s, q))
    return -1;
  *text = s->p + 1;
  *len = (size_t) (q - (s->p + 1));
  s->p = q + 1;
  return 0;
}

static pp_node_t *
quoted_node (pp_yscan_t *s, uint32_t col, const char *text, size_t len, bool doubled)
{
  if (!doubled)
    return new_scalar (s, s->line, col, text, len, false);
  cleanup_free char *t = xmalloc (len + 1);
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    {
      t[n++] = text[i];
      if (text[i] == '\'')
        i++;
    }
  return new_scalar (s, s->line, col, t, n, false);
}

/* A scalar that may be a key, at the cursor: *key says it was one, and the cursor is past its ':'. */
static int
scan_scalar (pp_yscan_t *s, pp_node_t **out, bool *key)
{
  const char *at = s->p;
  uint32_t col = col_of (s, at);
  *key = false;
  if (*at == '"' || *at == '\'')
    {
      const char *text;
      size_t len;
      bool doubled;
      if (scan_quoted (s, &text, &len, &doubled) < 0)
        return -1;
      *out = quoted_node (s, col, text, len, doubled);
      const char *q = s->p;
      while (q < s->end && *q == ' ')
        q++;
      if (q < s->end && *q == ':' && is_blankz (s, q + 1))
        {
          *key = true;
          s->p = q + 1;
        }
    }
  else
    {
      if (!plain_start (s, at, false))
        return -1;
      const char *text;
      size_t len;
      if (scan_plain (s, &text, &len, key) < 0)
        return -1;
      *out = new_scalar (s, s->line, col, text, len, true);
      if (*key)
        {
          s->p++;
          /* `<<` merges, which the loader's libyaml path does. */
          if (len == 2 && text[0] == '<' && text[1] == '<')
            return -1;
        }
    }
  if (*key && s->p - at > YS_MAX_KEY)
    return -1;
  return 0;
}

static int flow_node (pp_yscan_t *s, pp_node_t **out);

/* Spaces inside a flow collection, which must close on its line. */
static int
flow_spaces (pp_yscan_t *s)
{
  skip_spaces (s);
  return is_eol (s, s->p) || *s->p == '\t' || *s->p == '#' ? -1 : 0;
}

/* A plain scalar in a flow collection: it ends at `,[]{}` or at a ':', which only a mapping's key may end at. */
static int
flow_plain (pp_yscan_t *s, pp_node_t **out, bool key)
{
  const char *start = s->p, *q = s->p, *last = s->p;
  uint32_t col = col_of (s, start);
  if (!plain_start (s, start, true))
    return -1;
  for (; !is_eol (s, q); q++)
    {
      char c = *q;
      if (c == ',' || c == '[' || c == ']' || c == '{' || c == '}')
        break;
      if (c == ':')
        {
          if (!key || q + 1 >= s->end || q[1] != ' ')
            return -1;
          break;
        }
      if (c == '#' || c == '\t')
        return -1;
      if (c != ' ')
        last = q + 1;
    }
  if (last == start)
    return -1;
  s->p = q;
  *out = new_scalar (s, s->line, col, start, (size_t) (last - start), true);
  return 0;
}

static int
flow_scalar (pp_yscan_t *s, pp_node_t **out, bool key)
{
  if (*s->p == '"' || *s->p == '\'')
    {
      uint32_t col = col_of (s, s->p);
      const char *text;
      size_t len;
      bool doubled;
      if (scan_quoted (s, &text, &len, &doubled) < 0)
        return -1;
      *out = quoted_node (s, col, text, len, doubled);
      return 0;
    }
  return flow_plain (s, out, key);
}

/* `[a, "b"]` or `{k: v}` on one line, with the cursor at its bracket. */
static int
flow_collection (pp_yscan_t *s, pp_node_t **out)
{
  bool map = *s->p == '{';
  char close = map ? '}' : ']';
  if (++s->depth > YS_MAX_DEPTH)
    return -1;
  pp_node_t *node = new_node (s, map ? PP_NODE_MAP : PP_NODE_SEQ, s->line, col_of (s, s->p));
  size_t base = s->n_kids;
  s->p++;
  if (flow_spaces (s) < 0)
    return -1;
  if (*s->p == close)
    s->p++;
  else
    for (;;)
      {
        pp_node_t *kid;
        if (map)
          {
            if (*s->p == '[' || *s->p == '{' || flow_scalar (s, &kid, true) < 0)
              return -1;
            push_kid (s, kid);
            if (flow_spaces (s) < 0 || *s->p != ':' || s->p + 1 >= s->end || s->p[1] != ' ')
              return -1;
            s->p++;
            if (flow_spaces (s) < 0)
              return -1;
          }
        if (flow_node (s, &kid) < 0)
          return -1;
        push_kid (s, kid);
        if (flow_spaces (s) < 0)
          return -1;
        if (*s->p == close)
          {
            s->p++;
            break;
          }
        if (*s->p != ',')
          return -1;
        s->p++;
        if (flow_spaces (s) < 0 || *s->p == close)
          return -1;
      }
  finish (s, node, base);
  s->depth--;
  *out = node;
  return 0;
}

static int
flow_node (pp_yscan_t *s, pp_node_t **out)
{
  if (*s->p == '[' || *s->p == '{')
    return flow_collection (s, out);
  return flow_scalar (s, out, false);
}

static void
buf_add (pp_yscan_t *s, const char *text, size_t len)
{
  if (s->n_buf + len > s->cap_buf)
    {
      while (s->n_buf + len > s->cap_buf)
        s->cap_buf = s->cap_buf ? s->cap_buf * 2 : 4096;
      s->buf = xrealloc (s->buf, s->cap_buf);
    }
  memcpy (s->buf + s->n_buf, text, len);
  s->n_buf += len;
}

static void
buf_breaks (pp_yscan_t *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    buf_add (s, "\n", 1);
}

/* Spaces at the start of the cursor's line, and whether nothing follows them. */
static int
line_indent (pp_yscan_t *s, uint32_t *spaces, bool *empty)
{
  const char *q = s->ls;
  while (q < s->end && *q == ' ')
    q++;
  if (q < s->end && *q == '\t')
    return -1;
  *spaces = (uint32_t) (q - s->ls);
  *empty = is_eol (s, q);
  return 0;
}

/* The header of a block scalar: its chomping (-1 strip, 0 clip, 1 keep) and indentation indicator. */
static int
block_header (pp_yscan_t *s, int *chomp, uint32_t *incr)
{
  *chomp = 0;
  *incr = 0;
  for (int i = 0; i < 2 && s->p < s->end; i++)
    {
      char c = *s->p;
      if ((c == '-' || c == '+') && *chomp == 0)
        *chomp = c == '-' ? -1 : 1;
      else if (c >= '1' && c <= '9' && *incr == 0)
        *incr = (uint32_t) (c - '0');
      else
        break;
      s->p++;
    }
  if (!is_blankz (s, s->p))
    return -1;
  return end_of_line (s);
}

/* `|` or `>` at the cursor, its lines read the way libyaml's yaml_parser_scan_block_scalar reads them;
   `indent_of_parent` is the column of the collection around it.  The cursor ends at the start of the line after
   the scalar. */
static int
block_scalar (pp_yscan_t *s, int indent_of_parent, pp_node_t **out)
{
  bool literal = *s->p == '|';
  uint32_t line = s->line, col = col_of (s, s->p);
  int chomp;
  uint32_t incr, indent, spaces, max_lead = 0;
  bool empty;
  size_t trailing = 0;
  s->p++;
  if (indent_of_parent < 0 || block_header (s, &chomp, &incr) < 0)
    return -1;
  /* The leading empty lines, whose spaces count in finding the indentation. */
  for (;;)
    {
      if (s->p >= s->end)
        return -1;
      if (line_indent (s, &spaces, &empty) < 0)
        return -1;
      if (!empty)
        break;
      if (line_end (s) && s->nl == s->end)
        return -1;
      max_lead = spaces > max_lead ? spaces : max_lead;
      trailing++;
      next_line (s);
    }
  if (incr)
    indent = (uint32_t) indent_of_parent + incr;
  else
    indent = spaces > (uint32_t) indent_of_parent + 1 ? spaces : (uint32_t) indent_of_parent + 1;
  if (max_lead > indent || spaces < indent)
    return -1;
  s->n_buf = 0;
  bool leading_break = false, leading_blank = false;
  for (;;)
    {
      const char *text = s->ls + indent, *le;
      bool trailing_blank = *text == ' ';
      if (!literal && leading_break && !leading_blank && !trailing_blank)
        {
          if (trailing == 0)
            buf_add (s, " ", 1);
        }
      else if (leading_break)
        buf_add (s, "\n", 1);
      buf_breaks (s, trailing);
      trailing = 0;
      leading_blank = trailing_blank;
      s->p = text;
      le = line_end (s);
      for (const char *q = text; q < le; q++)
        if (*q == '\t')
          return -1;
      buf_add (s, text, (size_t) (le - text));
      leading_break = le < s->end;
      next_line (s);
      /* The empty lines after it, then whether the next line goes on with the scalar. */
      for (;;)
        {
          if (s->p >= s->end)
            break;
          if (line_indent (s, &spaces, &empty) < 0)
            return -1;
          if (!empty)
            break;
          if (spaces > indent)
            return -1;
          if (line_end (s) && s->nl == s->end)
            {
              s->p = s->end;
              break;
            }
          trailing++;
          next_line (s);
        }
      if (s->p >= s->end || spaces < indent)
        break;
    }
  if (chomp != -1 && leading_break)
    buf_add (s, "\n", 1);
  if (chomp == 1)
    buf_breaks (s, trailing);
  *out = new_scalar (s, line, col, s->buf, s->n_buf, false);
  return 0;
}

/* A value that starts on the line of its key or `-`, other than a block collection; `indent` as above.  The cursor
   ends at the next content. */
static int
inline_value (pp_yscan_t *s, int indent, pp_node_t **out)
{
  char c = *s->p;
  if (c == '|' || c == '>')
    {
      if (block_scalar (s, indent, out) < 0)
        return -1;
      return skip_blank_lines (s);
    }
  if (c == '[' || c == '{')
    {
      if (flow_collection (s, out) < 0)
        return -1;
    }
  else
    {
      bool key;
      if (scan_scalar (s, out, &key) < 0 || key)
        return -1;
    }
  if (end_of_line (s) < 0)
    return -1;
  return skip_blank_lines (s);
}

static int block_node (pp_yscan_t *s, int indent, pp_node_t **out);

static bool
at_entry (const pp_yscan_t *s)
{
  return *s->p == '-' && is_blankz (s, s->p + 1);
}

/* Whether the cursor's content ends the block it is in: the end, a document marker, or less indentation. */
static bool
block_ends (const pp_yscan_t *s, uint32_t col)
{
  return s->at_end || s->col < col || is_marker (s, s->p, '-') || is_marker (s, s->p, '.');
}

/* After the `:` or `-` that ends a line: the value on the next lines, or null just after the indicator. */
static int
value_below (pp_yscan_t *s, uint32_t col, bool indentless, uint32_t line, uint32_t vcol, pp_node_t **out)
{
  if (end_of_line (s) < 0 || skip_blank_lines (s) < 0)
    return -1;
  if (!block_ends (s, col + 1))
    return block_node (s, (int) col, out);
  if (indentless && !block_ends (s, col) && s->col == col && at_entry (s))
    return block_node (s, (int) col, out);
  *out = new_scalar (s, line, vcol, "", 0, true);
  return 0;
}

/* What follows the `-` of an item (`seq`) or the `:` of a key, with the cursor just after it: on its line, or on
   the next ones.  A key's value on its line is no block collection. */
static int
entry_value (pp_yscan_t *s, uint32_t col, bool seq, pp_node_t **out)
{
  uint32_t line = s->line, vcol = col_of (s, s->p);
  skip_spaces (s);
  if (s->p < s->end && *s->p == '\t')
    return -1;
  if (is_eol (s, s->p) || *s->p == '#')
    return value_below (s, col, !seq, line, vcol, out);
  return seq ? block_node (s, (int) col, out) : inline_value (s, (int) col, out);
}

static int
block_seq (pp_yscan_t *s, uint32_t col, pp_node_t **out)
{
  pp_node_t *node = new_node (s, PP_NODE_SEQ, s->line, col_of (s, s->p));
  size_t base = s->n_kids;
  for (;;)
    {
      pp_node_t *item;
      s->p++;
      if (entry_value (s, col, true, &item) < 0)
        return -1;
      push_kid (s, item);
      if (block_ends (s, col) || s->col != col || !at_entry (s))
        break;
    }
  finish (s, node, base);
  *out = node;
  return 0;
}

static int
block_map (pp_yscan_t *s, uint32_t col, pp_node_t *first_key, pp_node_t **out)
{
  pp_node_t *node = new_node (s, PP_NODE_MAP, first_key->line - 1 - s->line_base, first_key->col);
  pp_node_t *key = first_key;
  size_t base = s->n_kids;
  for (;;)
    {
      pp_node_t *value;
      push_kid (s, key);
      if (entry_value (s, col, false, &value) < 0)
        return -1;
      push_kid (s, value);
      if (block_ends (s, col))
        break;
      bool is_key;
      if (s->col != col || scan_scalar (s, &key, &is_key) < 0 || !is_key)
        return -1;
    }
  finish (s, node, base);
  *out = node;
  return 0;
}

/* Any node, with the cursor at its content on column s->col (or further on the line, after `- `); `indent` is the
   column of the collection around it, -1 at the root. */
static int
block_node (pp_yscan_t *s, int indent, pp_node_t **out)
{
  if (s->depth >= YS_MAX_DEPTH)
    return -1;
  uint32_t col = col_of (s, s->p) - 1;
  int ret;
  s->depth++;
  if (at_entry (s))
    ret = block_seq (s, col, out);
  else if (*s->p == '"' || *s->p == '\'' || plain_start (s, s->p, false))
    {
      pp_node_t *key;
      bool is_key;
      if (scan_scalar (s, &key, &is_key) < 0)
        return -1;
      if (is_key)
        ret = block_map (s, col, key, out);
      else
        {
          /* A scalar, as inline_value would have read it: only the rest of its line is left to check. */
          *out = key;
          ret = end_of_line (s) < 0 ? -1 : skip_blank_lines (s);
        }
    }
  else
    ret = inline_value (s, indent, out);
  s->depth--;
  return ret;
}

int
pp_yscan_next (pp_yscan_t *s, pp_doc_t *doc, bool *dups)
{
  s->doc_start = s->ls;
  s->doc_line = s->line;
  s->arena = &doc->arena;
  s->dups = false;
  s->n_kids = 0;
  s->depth = 0;
  *dups = false;
  if (skip_blank_lines (s) < 0)
    return -1;
  if (s->at_end)
    return 0;
  if (is_marker (s, s->p, '.'))
    return -1;
  doc->line = s->line + 1 + s->line_base;
  if (is_marker (s, s->p, '-'))
    {
      s->p += 3;
      if (end_of_line (s) < 0 || skip_blank_lines (s) < 0)
        return -1;
      if (s->at_end || is_marker (s, s->p, '-'))
        return 1;
    }
  else if (s->doc_start != s->data)
    return -1;
  if (is_marker (s, s->p, '.') || block_node (s, -1, &doc->root) < 0)
    return -1;
  if (!s->at_end && !is_marker (s, s->p, '-'))
    return -1;
  *dups = s->dups;
  return 1;
}
