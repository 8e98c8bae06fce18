// SPDX-License-Identifier: GPL-2.0
/*
 * dsa-sf's JSON writer on the names it may meet: every ASCII character
 * from 1 to 127, as a key and as a value, and nests with keys.  The test
 * feeds the output to jq and compares what jq reads back with the raw
 * characters this writes to the file named by argv[1].
 */

#include <stdio.h>
#include "json.h"

int main(int argc, char **argv)
{
	char all[128];
	struct json j;
	FILE *raw;
	int c;

	if (argc != 3)
		return 2;
	for (c = 1; c < 128; c++)
		all[c - 1] = c;
	all[127] = '\0';
	raw = fopen(argv[1], "w");
	if (!raw || fputs(all, raw) < 0 || fclose(raw))
		return 2;
	json_init(&j, stdout, argv[2][0] == 'p');
	json_open(&j, '{');
	json_key(&j, "value");
	json_str(&j, all);
	json_key(&j, all);
	json_uint(&j, 1);
	json_key(&j, "nest");
	json_open(&j, '[');
	json_open(&j, '{');
	json_close(&j, '}');
	json_int(&j, -1);
	json_null(&j);
	json_bool(&j, true);
	json_close(&j, ']');
	json_close(&j, '}');
	return 0;
}
