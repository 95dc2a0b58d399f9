/* The C ABI's face for the conformance suite (tests/conformance): reads
 * cases as three lines each on stdin (the operation, the settings JSON, the
 * request JSON) and answers each with one line: the status name, a space,
 * and the document the library wrote to out_json. No JSON is parsed here:
 * the texts go to the library as they came. A case's guards follow the
 * operation on its line (`send {"text": ...}`): they are the options JSON
 * of the `_with` calls. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "splio_sms.h"

static char *read_line(char **buf, size_t *cap) {
    ssize_t n = getline(buf, cap, stdin);
    if (n < 0) return NULL;
    if (n > 0 && (*buf)[n - 1] == '\n') (*buf)[n - 1] = '\0';
    return *buf;
}

static void answer(splio_status status, char *out_json) {
    printf("%s %s\n", splio_status_name(status), out_json ? out_json : "null");
    fflush(stdout);
    splio_string_free(out_json);
}

int main(void) {
    char *op = NULL, *settings = NULL, *request = NULL;
    size_t op_cap = 0, settings_cap = 0, request_cap = 0;
    while (read_line(&op, &op_cap)) {
        if (!read_line(&settings, &settings_cap) || !read_line(&request, &request_cap)) break;
        char *out = NULL;
        /* NULL when the case has no guards: the plain calls. */
        char *options = strchr(op, ' ');
        if (options) *options++ = '\0';
        if (strcmp(op, "preview") == 0) {
            splio_status status = splio_preview(request, &out);
            answer(status, out);
            continue;
        }
        if (strcmp(op, "validate") == 0) {
            /* The settings that change validation, when the case gives any. */
            splio_status status =
                options    ? splio_validate_with_options(settings[0] ? settings : NULL, request, options, &out)
                : settings[0] ? splio_validate_with(settings, request, &out)
                              : splio_validate(request, &out);
            answer(status, out);
            continue;
        }
        splio_client *client = NULL;
        splio_status status = splio_client_new(settings, &client, &out);
        if (status != SPLIO_OK || strcmp(op, "client_new") == 0) {
            answer(status, out);
            splio_client_free(client);
            continue;
        }
        splio_string_free(out);
        out = NULL;
        if (strcmp(op, "send") == 0) {
            status = options ? splio_client_send_with(client, request, options, &out)
                             : splio_client_send(client, request, &out);
        } else {
            status = options ? splio_client_send_batch_with(client, request, options, &out)
                             : splio_client_send_batch(client, request, &out);
        }
        answer(status, out);
        splio_client_free(client);
    }
    free(op);
    free(settings);
    free(request);
    return 0;
}
