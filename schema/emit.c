/* The emitter: node trees as block YAML in kubectl's layout, typed by the schema tables. */
#include "schema/emit.h"
#include "schema/checks.h"
#include "schema/load.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* What a value is: a field's kind and, for objects, their type; PP_K_ANY writes by the node's own tags. */
typedef struct
{
  uint8_t kind;
  const pp_type_t *type;
} vkind_t;

/* Where a mapping starts: at the start of a line (the object), after "key:", or after "- ". */
typedef enum
{
  AT_LINE,
  AFTER_KEY,
  AFTER_DASH,
} where_t;

static void emit_map (pp_buf_t *b, const pp_node_t *m, const pp_type_t *type, const pp_field_t *values, int indent,
                      where_t where);
static void emit_seq (pp_buf_t *b, const pp_node_t *s, vkind_t item, int indent, bool inline_first);

static void
spaces (pp_buf_t *b, int n)
{
  static const char sp[] = "                                ";
  for (; n > 0; n -= (int)sizeof sp - 1)
    pp_buf_append (b, sp, n < (int)sizeof sp - 1 ? (size_t)n : sizeof sp - 1);
}

/* Whether `s` may stand plain and read back as this string: no indicator first, no ": " or " #", no space at
   either end, printable, and not a null, bool, number or date to YAML 1.1. */
static bool
plain_ok (const char *s, size_t len)
{
  if (len == 0 || s[0] == ' ' || s[len - 1] == ' ' || strchr ("?:,[]{}#&*!|>'\"%@`+=<", s[0]))
    return false;
  /* Digits, colons, dashes and such alone may be a date, a time or a base-60 number to some YAML 1.1 readers
     (PyYAML's): "2001-12-14", "1:20". */
  if (s[0] >= '0' && s[0] <= '9' && strspn (s, "0123456789:_.-+eETtZz ") == len)
    return false;
  if ((s[0] == '-' || s[0] == '.')
      && (len == 1 || s[1] == ' ' || (s[1] >= '0' && s[1] <= '9') || s[1] == '.' || s[1] == '-'))
    return false;
  for (size_t i = 0; i < len; i++)
    {
      unsigned char c = (unsigned char)s[i];
      if (c < 0x20 || c == 0x7f)
        return false;
      /* NEL and the Unicode line and paragraph separators break lines in YAML. */
      if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] == 0x85)
        return false;
      if (c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80
          && ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9))
        return false;
      if (c == 0xef && i + 2 < len && (unsigned char)s[i + 1] == 0xbb && (unsigned char)s[i + 2] == 0xbf)
        return false;
      if (c == ':' && (i + 1 == len || s[i + 1] == ' '))
        return false;
      if (c == '#' && s[i - 1] == ' ')
        return false;
    }
  return pp_resolve_plain (s, len) == PP_TAG_STR;
}

static void
quoted (pp_buf_t *b, const char *s, size_t len)
{
  pp_buf_append (b, "\"", 1);
  size_t run = 0;
  for (size_t i = 0; i < len; i++)
    {
      unsigned char c = (unsigned char)s[i];
      const char *esc = NULL;
      char hex[8];
      switch (c)
        {
        case '"':
          esc = "\\\"";
          break;
        case '\\':
          esc = "\\\\";
          break;
        case '\n':
          esc = "\\n";
          break;
        case '\t':
          esc = "\\t";
          break;
        case '\r':
          esc = "\\r";
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            {
              snprintf (hex, sizeof hex, "\\x%02x", c);
              esc = hex;
            }
          else if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] == 0x85)
            esc = "\\N";
          else if (c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0xa8)
            esc = "\\L";
          else if (c == 0xe2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0xa9)
            esc = "\\P";
          else if (c == 0xef && i + 2 < len && (unsigned char)s[i + 1] == 0xbb && (unsigned char)s[i + 2] == 0xbf)
            esc = "\\uFEFF";
        }
      if (esc == NULL)
        {
          run++;
          continue;
        }
      pp_buf_append (b, s + i - run, run);
      run = 0;
      pp_buf_puts (b, esc);
      i += esc[1] == 'N' ? 1 : (esc[1] == 'L' || esc[1] == 'P' || esc[1] == 'u') ? 2 : 0;
    }
  pp_buf_append (b, s + len - run, run);
  pp_buf_append (b, "\"", 1);
}

void
pp_emit_string (pp_buf_t *b, const char *s, size_t len)
{
  if (plain_ok (s, len))
    pp_buf_append (b, s, len);
  else
    quoted (b, s, len);
}

/* Text of several lines as a literal block (`|`), when every line is printable, has no tab or carriage return,
   and the first has no leading space (which would set the block's indentation). */
static bool
block_ok (const char *s, size_t len)
{
  if (len < 2 || memchr (s, '\n', len) == NULL || s[0] == ' ' || s[0] == '\n')
    return false;
  for (size_t i = 0; i < len; i++)
    {
      unsigned char c = (unsigned char)s[i];
      if ((c < 0x20 && c != '\n') || c == 0x7f || c == 0xc2 || c == 0xe2 || c == 0xef)
        return false;
      /* A line of spaces only would need care the block does not deserve. */
      if (c == ' ' && (i == 0 || s[i - 1] == '\n') && (i + 1 == len || s[i + 1] == ' ' || s[i + 1] == '\n'))
        return false;
    }
  return true;
}

static void
block (pp_buf_t *b, const char *s, size_t len, int indent)
{
  size_t trailing = 0;
  while (trailing < len && s[len - 1 - trailing] == '\n')
    trailing++;
  pp_buf_puts (b, trailing == 0 ? "|-\n" : trailing == 1 ? "|\n" : "|+\n");
  size_t end = len - trailing;
  for (size_t i = 0; i < end;)
    {
      const char *nl = memchr (s + i, '\n', end - i);
      size_t line = nl ? (size_t)(nl - (s + i)) : end - i;
      if (line)
        {
          spaces (b, indent);
          pp_buf_append (b, s + i, line);
        }
      pp_buf_append (b, "\n", 1);
      i += line + 1;
    }
  for (size_t i = 1; i < trailing; i++)
    pp_buf_append (b, "\n", 1);
}

static void
string_value (pp_buf_t *b, const pp_node_t *n, int indent)
{
  if (block_ok (n->u.str, n->len))
    block (b, n->u.str, n->len, indent + 2);
  else
    {
      pp_emit_string (b, n->u.str, n->len);
      pp_buf_append (b, "\n", 1);
    }
}

/* A scalar as its kind has it, then a newline. */
static void
scalar (pp_buf_t *b, const pp_node_t *n, uint8_t kind, int indent)
{
  int64_t v;
  int t;
  switch (kind)
    {
    case PP_K_INT32:
    case PP_K_INT64:
      if (n->tag == PP_TAG_INT && pp_parse_int (n->u.str, &v))
        {
          pp_buf_printf (b, "%" PRId64 "\n", v);
          return;
        }
      break;
    case PP_K_BOOL:
      if ((t = pp_node_bool (n)) >= 0)
        {
          pp_buf_puts (b, t ? "true\n" : "false\n");
          return;
        }
      break;
    case PP_K_STRING:
    case PP_K_BYTES:
    case PP_K_TIME:
      string_value (b, n, indent);
      return;
    case PP_K_INT_OR_STRING:
    case PP_K_QUANTITY:
      if (n->tag == PP_TAG_INT && pp_parse_int (n->u.str, &v))
        {
          pp_buf_printf (b, "%" PRId64 "\n", v);
          return;
        }
      if (n->tag == PP_TAG_FLOAT || n->tag == PP_TAG_STR)
        break;
      string_value (b, n, indent);
      return;
    }
  /* As it was read: its own tag decides. */
  if (n->tag == PP_TAG_STR)
    string_value (b, n, indent);
  else if (n->tag == PP_TAG_NULL)
    pp_buf_puts (b, "null\n");
  else if (n->tag == PP_TAG_BOOL)
    pp_buf_puts (b, pp_node_bool (n) ? "true\n" : "false\n");
  else if (n->tag == PP_TAG_INT && pp_parse_int (n->u.str, &v))
    pp_buf_printf (b, "%" PRId64 "\n", v);
  else
    {
      pp_buf_append (b, n->u.str, n->len);
      pp_buf_append (b, "\n", 1);
    }
}

/* A value after "key:" or "- " (`after_key`: a block collection starts on the next line). */
static void
value (pp_buf_t *b, const pp_node_t *n, vkind_t k, int indent, bool after_key)
{
  if (n->type == PP_NODE_SCALAR)
    {
      if (after_key)
        pp_buf_append (b, " ", 1);
      scalar (b, n, k.kind, indent);
    }
  else if (n->n == 0)
    pp_buf_puts (b, n->type == PP_NODE_MAP ? (after_key ? " {}\n" : "{}\n") : (after_key ? " []\n" : "[]\n"));
  else if (n->type == PP_NODE_MAP)
    emit_map (b, n, k.kind == PP_K_OBJECT ? k.type : NULL, NULL, after_key ? indent + 2 : indent,
              after_key ? AFTER_KEY : AFTER_DASH);
  else
    {
      if (after_key)
        pp_buf_append (b, "\n", 1);
      emit_seq (b, n, (vkind_t){ PP_K_ANY, NULL }, indent, !after_key);
    }
}

static int
cmp_pairs (const void *a, const void *b)
{
  const pp_pair_t *x = *(const pp_pair_t *const *)a, *y = *(const pp_pair_t *const *)b;
  const char *kx = x->key->type == PP_NODE_SCALAR ? x->key->u.str : "";
  const char *ky = y->key->type == PP_NODE_SCALAR ? y->key->u.str : "";
  int c = strcmp (kx, ky);
  /* Equal keys (not scalars) keep their order: the same tree gives the same bytes. */
  return c ? c : x < y ? -1 : x > y;
}

/* The pairs of a mapping that are written, sorted by key: a null is left out, but for an object's (`emptyDir:`
   means emptyDir: {}) and one of a key the table does not know.  The caller frees *out. */
static size_t
shown_pairs (const pp_node_t *m, const pp_type_t *type, const pp_field_t *values, const pp_pair_t ***out)
{
  const pp_pair_t **v = xmalloc ((m->n + 1) * sizeof *v);
  size_t n = 0;
  for (uint32_t i = 0; i < m->n; i++)
    {
      const pp_node_t *key = m->u.pairs[i].key;
      const pp_field_t *f = type ? pp_type_field (type, key->type == PP_NODE_SCALAR ? key->u.str : "") : values;
      bool object = f && f->kind == PP_K_OBJECT && f->shape == PP_SH_ONE;
      if (!(pp_node_is_null (m->u.pairs[i].value) && !object && f))
        v[n++] = &m->u.pairs[i];
    }
  qsort (v, n, sizeof *v, cmp_pairs);
  *out = v;
  return n;
}

/* A mapping: of `type` (its fields' kinds from the table), or of free keys whose values are `values`' kind (NULL:
   any).  After "key:" it starts on the next line; after "- " its first key goes on that line; it is {} when
   nothing of it is shown. */
static void
emit_map (pp_buf_t *b, const pp_node_t *m, const pp_type_t *type, const pp_field_t *values, int indent, where_t where)
{
  const pp_pair_t **sorted;
  size_t n = shown_pairs (m, type, values, &sorted);
  if (n == 0)
    pp_buf_puts (b, where == AFTER_KEY ? " {}\n" : "{}\n");
  else if (where == AFTER_KEY)
    pp_buf_append (b, "\n", 1);
  for (size_t i = 0; i < n; i++)
    {
      const pp_node_t *key = sorted[i]->key, *v = sorted[i]->value;
      const char *name = key->type == PP_NODE_SCALAR ? key->u.str : "";
      const pp_field_t *f = type ? pp_type_field (type, name) : values;
      if (i > 0 || where != AFTER_DASH)
        spaces (b, indent);
      pp_emit_string (b, name, key->type == PP_NODE_SCALAR ? key->len : 0);
      pp_buf_append (b, ":", 1);
      if (f == NULL)
        {
          value (b, v, (vkind_t){ PP_K_ANY, NULL }, indent, true);
          continue;
        }
      vkind_t k = { f->kind, f->type };
      if (pp_node_is_null (v))
        pp_buf_puts (b, " {}\n");
      else if (f->shape == PP_SH_LIST && v->type == PP_NODE_SEQ && v->n > 0)
        {
          pp_buf_append (b, "\n", 1);
          emit_seq (b, v, k, indent, false);
        }
      else if (f->shape == PP_SH_MAP && v->type == PP_NODE_MAP && v->n > 0)
        {
          /* The values of a free map are of the field's kind, one each. */
          pp_field_t one = *f;
          one.shape = PP_SH_ONE;
          emit_map (b, v, NULL, &one, indent + 2, AFTER_KEY);
        }
      else
        value (b, v, k, indent, true);
    }
  free (sorted);
}

/* A sequence in kubectl's layout: its items at the indentation of the key that holds it. */
static void
emit_seq (pp_buf_t *b, const pp_node_t *s, vkind_t item, int indent, bool inline_first)
{
  for (uint32_t i = 0; i < s->n; i++)
    {
      const pp_node_t *v = s->u.items[i];
      if (!(i == 0 && inline_first))
        spaces (b, indent);
      pp_buf_append (b, "- ", 2);
      if (v->type == PP_NODE_MAP && v->n > 0)
        emit_map (b, v, item.kind == PP_K_OBJECT ? item.type : NULL, NULL, indent + 2, AFTER_DASH);
      else if (v->type == PP_NODE_SEQ && v->n > 0)
        emit_seq (b, v, (vkind_t){ PP_K_ANY, NULL }, indent + 2, true);
      else
        value (b, v, item, indent, false);
    }
}

void
pp_emit_object (pp_buf_t *b, const pp_node_t *obj, const pp_type_t *type)
{
  if (obj->type == PP_NODE_MAP)
    emit_map (b, obj, type, NULL, 0, AT_LINE);
  else
    pp_buf_puts (b, "{}\n");
}
