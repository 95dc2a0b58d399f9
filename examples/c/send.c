/* Send one SMS through the C ABI: create a client, send, print, free.
 *
 *   cc send.c -Iinclude -Ltarget/release -lsplio_sms -o send
 *   SPLIO_UNIVERSE=... SPLIO_KEY=... ./send +33612345678 AbCdEf123
 * SPLIO_BASE_URL points it at a sandbox (`cargo run --features cli -- sandbox`). */
#include <stdio.h>
#include <stdlib.h>

#include "splio_sms.h"

int main(int argc, char **argv) {
    const char *universe = getenv("SPLIO_UNIVERSE"), *key = getenv("SPLIO_KEY");
    const char *base_url = getenv("SPLIO_BASE_URL");
    if (argc != 3 || !universe || !key) {
        fprintf(stderr, "usage: SPLIO_UNIVERSE=.. SPLIO_KEY=.. %s CELLPHONE DESIGN_ID\n", argv[0]);
        return 2;
    }
    char settings[1024], request[512];
    snprintf(settings, sizeof settings, "{\"universe\":\"%s\",\"key\":\"%s\"%s%s%s}", universe, key,
             base_url ? ",\"base_url\":\"" : "", base_url ? base_url : "", base_url ? "\"" : "");
    snprintf(request, sizeof request, "{\"message\":\"%s\",\"rcpts\":[{\"cellphone\":\"%s\"}]}",
             argv[2], argv[1]);

    splio_client *client = NULL;
    char *json = NULL;
    splio_status status = splio_client_new(settings, &client, &json);
    if (status != SPLIO_OK) {
        fprintf(stderr, "%s: %s\n", splio_status_name(status), json);
        splio_string_free(json);
        return 1;
    }
    splio_string_free(json);

    status = splio_client_send(client, request, &json);
    printf("%s %s\n", splio_status_name(status), json);
    splio_string_free(json);
    splio_client_free(client);
    return status == SPLIO_OK ? 0 : 1;
}
