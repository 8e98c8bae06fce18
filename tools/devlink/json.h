/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dsa-sf: JSON out, as devlink -j (-p) writes it: strings escaped,
 * commas and, when pretty, indentation kept by the writer.
 */
#ifndef DSA_SF_JSON_H
#define DSA_SF_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	8		/* deeper is a bug: abort() */

struct json {
	FILE *f;
	bool pretty;
	unsigned int depth;
	bool after_key;			/* a value is due, no separator */
	bool has_member[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *f, bool pretty);
/* '{' or '[' opens, '}' or ']' closes; a close ends the line at depth 0. */
void json_open(struct json *j, char c);
void json_close(struct json *j, char c);
void json_key(struct json *j, const char *key);
/* A key of printf's making: devlink keys ports by their handle. */
void json_keyf(struct json *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void json_str(struct json *j, const char *s);
void json_strf(struct json *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void json_uint(struct json *j, uint64_t v);
void json_int(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

#endif
