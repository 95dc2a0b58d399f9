/* Sequential sends through the C ABI, for comparing with the same loop through
 * the Rust API (examples/send_loop.rs). Prints sends per second.
 *   ./send_loop BASE_URL [N [CA_FILE|- [keepalive|new|make]]]   (make examples/c/send_loop)
 * keepalive: one client for every send; new: a client made (and freed) for
 * each send; make: only make and free N clients, and print the cost of one. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    const char *ca_file = argc > 3 && strcmp(argv[3], "-") != 0 ? argv[3] : NULL;
    const char *mode = argc > 4 ? argv[4] : "keepalive";
    char settings[1024];
    if (ca_file) {
        snprintf(settings, sizeof settings,
                 "{\"universe\":\"sandbox\",\"key\":\"sandbox-key\",\"base_url\":\"%s\",\"ca_file\":\"%s\"}",
                 argv[1], ca_file);
    } else {
        snprintf(settings, sizeof settings, "{\"universe\":\"sandbox\",\"key\":\"sandbox-key\",\"base_url\":\"%s\"}",
                 argv[1]);
    }
    int fresh = strcmp(mode, "new") == 0, only_make = strcmp(mode, "make") == 0;
    splio_client *client = NULL;
    char *json = NULL;
    struct timespec start, cpu_start;
    int warm_up = only_make ? 20 : 200;
    for (int i = 0; i < warm_up + n; i++) {
        if (i == warm_up) {
            clock_gettime(CLOCK_MONOTONIC, &start);
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_start);
        }
        if (!client || fresh || only_make) {
            if (client) {
                splio_client_free(client);
            }
            if (splio_client_new(settings, &client, &json) != SPLIO_OK) {
                fprintf(stderr, "%s\n", json);
                return 1;
            }
            splio_string_free(json);
        }
        if (only_make) {
            continue;
        }
        if (splio_client_send(client, REQUEST, &json) != SPLIO_OK) {
            fprintf(stderr, "send failed: %s\n", json);
            return 1;
        }
        splio_string_free(json);
    }
    struct timespec end, cpu_end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_end);
    double secs = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    double cpu = (double)(cpu_end.tv_sec - cpu_start.tv_sec) + (double)(cpu_end.tv_nsec - cpu_start.tv_nsec) / 1e9;
    if (only_make) {
        printf("c: %d clients made in %.2f s = %.1f us per client\n", n, secs, secs * 1e6 / n);
    } else {
        printf("c (%s): %d sends in %.2f s = %.0f sends/s, cpu %.1f us/send\n", mode, n, secs, n / secs,
               cpu * 1e6 / n);
    }
    splio_client_free(client);
    return 0;
}
