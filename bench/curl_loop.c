/* The C user's usual alternative: libcurl with one reused easy handle,
 * sequential PUTs of the same form body, reading each answer.
 *   curl_loop URL BODYFILE N [CAINFO [new]]   -> prints sends/s
 * CAINFO: the CA bundle for https (- for libcurl's default); new: an easy
 * handle made (and cleaned up) for each send, as a client per send. */
#define _POSIX_C_SOURCE 200809L
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct answer {
    char data[4096];
    size_t len;
};

static size_t collect(char *p, size_t size, size_t n, void *userdata) {
    struct answer *a = userdata;
    size_t len = size * n;
    if (a->len + len < sizeof a->data) {
        memcpy(a->data + a->len, p, len);
        a->len += len;
    }
    return len;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s URL BODYFILE N [CAINFO [new]]\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[2], "rb");
    static char body[65536];
    size_t body_len = f ? fread(body, 1, sizeof body - 1, f) : 0;
    if (f) fclose(f);
    int n = atoi(argv[3]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const char *cainfo = argc > 4 && strcmp(argv[4], "-") != 0 ? argv[4] : NULL;
    int fresh = argc > 5 && strcmp(argv[5], "new") == 0;
    struct curl_slist *headers =
        curl_slist_append(NULL, "Content-Type: application/x-www-form-urlencoded; charset=utf-8");
    struct answer a;
    CURL *curl = NULL;
    struct timespec start, end, cpu_start, cpu_end;
    for (int i = -200; i < n; i++) {
        if (i == 0) {
            clock_gettime(CLOCK_MONOTONIC, &start);
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_start);
        }
        if (!curl || fresh) {
            if (curl) curl_easy_cleanup(curl);
            curl = curl_easy_init();
            curl_easy_setopt(curl, CURLOPT_URL, argv[1]);
            curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
            curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
            curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)body_len);
            curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
            curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
            curl_easy_setopt(curl, CURLOPT_WRITEDATA, &a);
            if (cainfo) curl_easy_setopt(curl, CURLOPT_CAINFO, cainfo);
        }
        a.len = 0;
        if (curl_easy_perform(curl) != CURLE_OK || !strstr(a.data, "\"ok\"")) {
            fprintf(stderr, "request %d failed\n", i);
            return 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_end);
    double secs = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    double cpu = (double)(cpu_end.tv_sec - cpu_start.tv_sec) + (double)(cpu_end.tv_nsec - cpu_start.tv_nsec) / 1e9;
    printf("libcurl: %d sends in %.2f s = %.0f sends/s, cpu %.1f us/send\n", n, secs, n / secs, cpu * 1e6 / n);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    return 0;
}
