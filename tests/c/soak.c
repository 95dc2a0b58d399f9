/* Soak through the C ABI: SENDS sequential sends on one client with the
 * resident memory sampled after a warm-up (it must stay flat), then 8 threads
 * x THREAD_SENDS sends on the same client with no error and no lost result.
 *   soak SENDS THREAD_SENDS   (SPLIO_SANDBOX_URL set; see tests/c/run.sh) */
#define _POSIX_C_SOURCE 200809L
#include "splio_sms.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *REQUEST =
    "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"+33612345678\",\"firstname\":\"John\"}]}";

static long rss_kib(void) {
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

struct worker {
    const splio_client *client;
    int sends, ok, results;
};

static void *work(void *arg) {
    struct worker *w = arg;
    for (int i = 0; i < w->sends; i++) {
        char *json = NULL;
        if (splio_client_send(w->client, REQUEST, &json) == SPLIO_OK) w->ok++;
        if (json && strstr(json, "\"inserted\":1")) w->results++;
        splio_string_free(json);
    }
    return NULL;
}

int main(int argc, char **argv) {
    const char *url = getenv("SPLIO_SANDBOX_URL");
    if (argc != 3 || !url) {
        fprintf(stderr, "usage: SPLIO_SANDBOX_URL=... %s SENDS THREAD_SENDS\n", argv[0]);
        return 2;
    }
    int sends = atoi(argv[1]), thread_sends = atoi(argv[2]);
    char settings[512];
    snprintf(settings, sizeof settings,
             "{\"universe\":\"c_universe\",\"key\":\"c-key-secret\",\"base_url\":\"%s\","
             "\"duplicates\":\"allow\"}", url);
    splio_client *client = NULL;
    char *json = NULL;
    if (splio_client_new(settings, &client, &json) != SPLIO_OK) {
        fprintf(stderr, "client: %s\n", json);
        return 1;
    }
    splio_string_free(json);

    int failures = 0, warmup = sends / 10;
    long base = 0, peak = 0;
    for (int i = 0; i < sends; i++) {
        if (splio_client_send(client, REQUEST, &json) != SPLIO_OK) failures++;
        splio_string_free(json);
        if (i == warmup) base = rss_kib();
        if (i > warmup && i % 1000 == 0) {
            long now = rss_kib();
            if (now > peak) peak = now;
        }
    }
    long growth = peak - base;
    printf("sequential: %d sends, %d failed, RSS after warm-up %ld KiB, growth after it %ld KiB\n",
           sends, failures, base, growth);

    pthread_t threads[8];
    struct worker workers[8];
    for (int t = 0; t < 8; t++) {
        workers[t] = (struct worker){client, thread_sends, 0, 0};
        pthread_create(&threads[t], NULL, work, &workers[t]);
    }
    int ok = 0, results = 0;
    for (int t = 0; t < 8; t++) {
        pthread_join(threads[t], NULL);
        ok += workers[t].ok;
        results += workers[t].results;
    }
    printf("threads: 8 x %d sends, %d ok, %d results read\n", thread_sends, ok, results);
    splio_client_free(client);

    /* A leak of 16 bytes per send would grow by sends*16 bytes; allow far less. */
    int passed = failures == 0 && ok == 8 * thread_sends && results == ok && growth < 1024;
    printf("%d passed, %d failed\n", passed, !passed);
    return passed ? 0 : 1;
}
