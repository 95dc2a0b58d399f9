/* Sequential sends through the C ABI, for comparing with the same loop through
 * the Rust API (examples/send_loop.rs). Prints sends per second.
 *   ./send_loop BASE_URL [N]   (make examples/c/send_loop) */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "splio_sms.h"

static const char *REQUEST =
    "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"+33612345678\",\"firstname\":\"John\"}]}";

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s BASE_URL [N]\n", argv[0]);
        return 2;
    }
    int n = argc > 2 ? atoi(argv[2]) : 20000;
    char settings[512];
    snprintf(settings, sizeof settings, "{\"universe\":\"sandbox\",\"key\":\"sandbox-key\",\"base_url\":\"%s\"}", argv[1]);
    splio_client *client = NULL;
    char *json = NULL;
    if (splio_client_new(settings, &client, &json) != SPLIO_OK) {
        fprintf(stderr, "%s\n", json);
        return 1;
    }
    splio_string_free(json);
    for (int i = 0; i < 200 + n; i++) {
        static struct timespec start;
        if (i == 200) {
            clock_gettime(CLOCK_MONOTONIC, &start);
        }
        if (splio_client_send(client, REQUEST, &json) != SPLIO_OK) {
            fprintf(stderr, "send failed: %s\n", json);
            return 1;
        }
        splio_string_free(json);
        if (i == 200 + n - 1) {
            struct timespec end;
            clock_gettime(CLOCK_MONOTONIC, &end);
            double secs = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
            printf("c: %d sends in %.2f s = %.0f sends/s\n", n, secs, n / secs);
        }
    }
    splio_client_free(client);
    return 0;
}
