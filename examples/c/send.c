/* Send one SMS through the C ABI: create a client, send, print, free.
 *
 * After `make install PREFIX=$PREFIX`, from the repository's root:
 *   cc examples/c/send.c -I$PREFIX/include -L$PREFIX/lib -Wl,-rpath,$PREFIX/lib -lsplio_sms -o send
 *   SPLIO_UNIVERSE=... SPLIO_KEY=... ./send +33612345678 AbCdEf123
 * SPLIO_BASE_URL points it at a sandbox (`cargo run --features cli -- sandbox`). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "splio_sms.h"

/* A JSON document being written into a fixed buffer; `ok` turns false for
 * good once it would not fit, so a long argument is refused, never cut. */
struct doc {
    char text[2048];
    size_t len;
    int ok;
};

static void raw(struct doc *d, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(d->text + d->len, sizeof d->text - d->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof d->text - d->len) {
        d->ok = 0;
    } else if (d->ok) {
        d->len += (size_t)n;
    }
}

/* A JSON string: a quote, a backslash or a control character in a name, a
 * key or a number cannot end the string early or inject another field. */
static void string(struct doc *d, const char *s) {
    raw(d, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p && d->ok; p++) {
        if (*p == '"' || *p == '\\') {
            raw(d, "\\%c", *p);
        } else if (*p < 0x20) {
            raw(d, "\\u%04x", *p);
        } else {
            raw(d, "%c", *p);
        }
    }
    raw(d, "\"");
}

int main(int argc, char **argv) {
    const char *universe = getenv("SPLIO_UNIVERSE"), *key = getenv("SPLIO_KEY");
    const char *base_url = getenv("SPLIO_BASE_URL");
    if (argc != 3 || !universe || !key) {
        fprintf(stderr, "usage: SPLIO_UNIVERSE=.. SPLIO_KEY=.. %s CELLPHONE DESIGN_ID\n", argv[0]);
        return 2;
    }

    struct doc settings = {.ok = 1}, request = {.ok = 1};
    raw(&settings, "{\"universe\":");
    string(&settings, universe);
    raw(&settings, ",\"key\":");
    string(&settings, key);
    if (base_url) {
        raw(&settings, ",\"base_url\":");
        string(&settings, base_url);
    }
    raw(&settings, "}");
    raw(&request, "{\"message\":");
    string(&request, argv[2]);
    raw(&request, ",\"rcpts\":[{\"cellphone\":");
    string(&request, argv[1]);
    raw(&request, "}]}");
    if (!settings.ok || !request.ok) {
        fprintf(stderr, "%s: an argument or variable is too long\n", argv[0]);
        return 2;
    }

    splio_client *client = NULL;
    char *json = NULL;
    splio_status status = splio_client_new(settings.text, &client, &json);
    /* Never print `settings`: it holds the key. The error document does not. */
    if (status != SPLIO_OK) {
        fprintf(stderr, "%s: %s\n", splio_status_name(status), json ? json : "");
        splio_string_free(json);
        return 1;
    }
    splio_string_free(json);
    json = NULL;

    status = splio_client_send(client, request.text, &json);
    FILE *out = status == SPLIO_OK ? stdout : stderr;
    fprintf(out, "%s %s\n", splio_status_name(status), json ? json : "");
    splio_string_free(json);
    splio_client_free(client);
    return status == SPLIO_OK ? 0 : 1;
}
