// SPDX-License-Identifier: GPL-2.0
/*
 * dsa-sf: JSON out.  Names come from the kernel and sysfs, so every
 * string is escaped (RFC 8259: quote, backslash, control characters).
 */

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include "json.h"

void json_init(struct json *j, FILE *f, bool pretty)
{
	*j = (struct json){ .f = f, .pretty = pretty };
}

static void json_newline(struct json *j)
{
	unsigned int i;

	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("    ", j->f);
}

/* Before a member or element: its comma and, when pretty, its line. */
static void json_sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->depth)
		return;
	if (j->has_member[j->depth - 1])
		fputc(',', j->f);
	j->has_member[j->depth - 1] = true;
	json_newline(j);
}

static void json_quoted(struct json *j, const char *s)
{
	unsigned char c;

	fputc('"', j->f);
	for (; (c = *s); s++) {
		if (c == '"' || c == '\\')
			fprintf(j->f, "\\%c", c);
		else if (c < 0x20)
			fprintf(j->f, "\\u%04x", c);
		else
			fputc(c, j->f);
	}
	fputc('"', j->f);
}

void json_open(struct json *j, char c)
{
	if (j->depth == JSON_MAX_DEPTH)
		abort();
	json_sep(j);
	fputc(c, j->f);
	j->has_member[j->depth++] = false;
}

void json_close(struct json *j, char c)
{
	if (j->has_member[--j->depth])
		json_newline(j);
	fputc(c, j->f);
	if (!j->depth)
		fputc('\n', j->f);
}

void json_key(struct json *j, const char *key)
{
	json_sep(j);
	json_quoted(j, key);
	fputs(j->pretty ? ": " : ":", j->f);
	j->after_key = true;
}

void json_keyf(struct json *j, const char *fmt, ...)
{
	char key[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	json_key(j, key);
}

void json_str(struct json *j, const char *s)
{
	json_sep(j);
	json_quoted(j, s);
}

void json_strf(struct json *j, const char *fmt, ...)
{
	char s[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	json_str(j, s);
}

void json_uint(struct json *j, uint64_t v)
{
	json_sep(j);
	fprintf(j->f, "%" PRIu64, v);
}

void json_int(struct json *j, int64_t v)
{
	json_sep(j);
	fprintf(j->f, "%" PRId64, v);
}

void json_bool(struct json *j, bool v)
{
	json_sep(j);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j)
{
	json_sep(j);
	fputs("null", j->f);
}
