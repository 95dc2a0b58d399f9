/*
 * The C ABI against the sandbox over loopback HTTP: success, every error
 * kind, NULL and bad input on every function, validation problems, a partial
 * batch, 8 threads on one client, the log callback, and a client used on
 * both sides of fork().
 *
 * Run by tests/c/run.sh, which starts the sandbox and sets SPLIO_SANDBOX_URL.
 * SPLIO_TEST_SENDS sets the sends per thread (fewer under valgrind).
 */
#define _POSIX_C_SOURCE 200809L
#include "splio_sms.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures = 0;
static int checks = 0;
static char base_url[256];
static int sandbox_port;

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        checks++;                                                          \
        if (!(cond)) {                                                     \
            failures++;                                                    \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
        }                                                                  \
    } while (0)

/* Checks a status and that the document holds `needle`; frees the document.
 * `jp` is read here, after the call that fills it has run (argument
 * evaluation order is unspecified in C). */
static void expect(splio_status got, splio_status want, char **jp, const char *needle,
                   const char *what) {
    char *json = *jp;
    *jp = NULL;
    CHECK(got == want, "%s: got %s, want %s; json: %s", what, splio_status_name(got),
          splio_status_name(want), json ? json : "(null)");
    CHECK(json != NULL, "%s: no out_json", what);
    if (json && needle) {
        CHECK(strstr(json, needle) != NULL, "%s: %s not in %s", what, needle, json);
    }
    splio_string_free(json);
}

/* One HTTP request to the sandbox's control endpoints; returns the body (malloc'd). */
static char *sandbox_http(const char *method, const char *path, const char *body) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)sandbox_port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        fprintf(stderr, "cannot reach the sandbox on port %d\n", sandbox_port);
        exit(2);
    }
    char request[4096];
    int n = snprintf(request, sizeof request,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n%s",
                     method, path, strlen(body), body);
    if (write(fd, request, (size_t)n) != n) {
        exit(2);
    }
    size_t cap = 65536, len = 0;
    char *answer = malloc(cap);
    ssize_t got;
    while ((got = read(fd, answer + len, cap - len - 1)) > 0) {
        len += (size_t)got;
        if (len + 1 == cap) {
            cap *= 2;
            answer = realloc(answer, cap);
        }
    }
    answer[len] = '\0';
    close(fd);
    char *start = strstr(answer, "\r\n\r\n");
    char *out = strdup(start ? start + 4 : "");
    free(answer);
    return out;
}

static void fault(const char *json) { free(sandbox_http("POST", "/_sandbox/faults", json)); }

static long stat_of(const char *name) {
    char *stats = sandbox_http("GET", "/_sandbox/stats", "");
    char key[64];
    snprintf(key, sizeof key, "\"%s\":", name);
    char *at = strstr(stats, key);
    long value = at ? strtol(at + strlen(key), NULL, 10) : -1;
    free(stats);
    return value;
}

static splio_client *make_client(const char *extra) {
    char settings[1024];
    snprintf(settings, sizeof settings,
             "{\"universe\":\"c_universe\",\"key\":\"c-key-secret\",\"base_url\":\"%s\"%s}",
             base_url, extra);
    splio_client *client = NULL;
    char *json = NULL;
    splio_status st = splio_client_new(settings, &client, &json);
    expect(st, SPLIO_OK, &json, "\"status\":\"ok\"", "client_new");
    return client;
}

static const char *ONE = "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"+33612345678\"}]}";

static void test_version_and_names(void) {
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", SPLIO_VERSION_MAJOR, SPLIO_VERSION_MINOR,
             SPLIO_VERSION_PATCH);
    CHECK(strcmp(splio_version(), expected) == 0, "version %s vs macros %s", splio_version(),
          expected);
    CHECK(strcmp(splio_version(), SPLIO_VERSION) == 0, "version %s", splio_version());
    CHECK(strcmp(splio_status_name(SPLIO_OK), "SPLIO_OK") == 0, "OK name");
    CHECK(strcmp(splio_status_name(SPLIO_ERR_AUTH), "SPLIO_ERR_AUTH") == 0, "AUTH name");
    CHECK(strcmp(splio_status_name(SPLIO_ERR_PARTIAL), "SPLIO_ERR_PARTIAL") == 0, "PARTIAL");
    CHECK(strcmp(splio_status_name((splio_status)99), "SPLIO_UNKNOWN_STATUS") == 0, "99");
    CHECK(strcmp(splio_status_name((splio_status)-5), "SPLIO_UNKNOWN_STATUS") == 0, "-5");
}

static void test_success(splio_client *client) {
    char *json = NULL;
    splio_status st = splio_client_send(
        client,
        "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"+33 6 12 34 56 78\","
        "\"firstname\":\"Zo\xc3\xa9\",\"c0\":123456},{\"cellphone\":\"+8618612345678\"}],"
        "\"category\":\"welcome\"}",
        &json);
    CHECK(json && strstr(json, "\"inserted\":2"), "inserted: %s", json ? json : "");
    CHECK(json && strstr(json, "\"attempts\":1"), "attempts: %s", json ? json : "");
    expect(st, SPLIO_OK, &json, "\"status\":\"ok\"", "send");
    /* out_json may be NULL when the caller only wants the status. */
    CHECK(splio_client_send(client, ONE, NULL) == SPLIO_OK, "send without out_json");
}

static void test_error_kinds(splio_client *client) {
    char *json = NULL;

    expect(splio_client_send(client, "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"12\"}]}", &json),
           SPLIO_ERR_VALIDATION, &json, "\"path\":\"rcpts[0].cellphone\"", "validation");

    splio_client *wrong = NULL;
    char settings[512];
    snprintf(settings, sizeof settings,
             "{\"universe\":\"c_universe\",\"key\":\"wrong\",\"base_url\":\"%s\"}", base_url);
    expect(splio_client_new(settings, &wrong, &json), SPLIO_OK, &json, NULL, "wrong-key client");
    expect(splio_client_send(wrong, ONE, &json), SPLIO_ERR_AUTH, &json,
           "invalid key for this universe", "auth");
    splio_client_free(wrong);

    expect(splio_client_send(client, "{\"message\":\"ZzZzZz999\",\"rcpts\":[{\"cellphone\":\"+33612345678\"}]}", &json),
           SPLIO_ERR_BAD_REQUEST, &json, "invalid message ID", "bad design");

    fault("{\"fault\":\"status\",\"status\":200,\"body\":\"{\\\"status\\\":\\\"blocked\\\"}\"}");
    expect(splio_client_send(client, ONE, &json), SPLIO_ERR_INSUFFICIENT_CREDIT, &json,
           "\"delivery\":\"not_sent\"", "credit");

    fault("{\"fault\":\"rate_limit\",\"retry_after\":3600}");
    expect(splio_client_send(client, ONE, &json), SPLIO_ERR_RATE_LIMITED, &json,
           "\"retry_after_ms\":3600000", "rate limited");

    fault("{\"fault\":\"status\",\"status\":500,\"body\":\"<html>boom</html>\"}");
    expect(splio_client_send(client, ONE, &json), SPLIO_ERR_SERVER, &json,
           "\"delivery\":\"unknown\"", "server");

    fault("{\"fault\":\"status\",\"status\":200,\"body\":\"<html>captive portal</html>\"}");
    expect(splio_client_send(client, ONE, &json), SPLIO_ERR_PROTOCOL, &json, "\"kind\":\"protocol\"",
           "protocol");

    splio_client *slow = make_client(",\"timeout_ms\":300");
    fault("{\"fault\":\"latency\",\"ms\":1500}");
    expect(splio_client_send(slow, ONE, &json), SPLIO_ERR_TIMEOUT, &json, "\"delivery\":\"unknown\"",
           "timeout");
    splio_client_free(slow);

    splio_client *nowhere = NULL;
    expect(splio_client_new("{\"universe\":\"u\",\"key\":\"k\",\"base_url\":\"http://127.0.0.1:1/\","
                            "\"max_retries\":0}",
                            &nowhere, &json),
           SPLIO_OK, &json, NULL, "unreachable client");
    expect(splio_client_send(nowhere, ONE, &json), SPLIO_ERR_TRANSPORT, &json,
           "\"delivery\":\"not_sent\"", "transport");
    splio_client_free(nowhere);
}

static void test_bad_input(splio_client *client) {
    char *json = NULL;
    splio_client *sentinel = (splio_client *)&json; /* any non-NULL value */
    splio_client *out = sentinel;

    expect(splio_client_new(NULL, &out, &json), SPLIO_ERR_INVALID_ARGUMENT, &json,
           "settings_json is NULL", "new NULL settings");
    expect(splio_client_new("{\"universe\":\"u\",\"key\":\"k\"}", NULL, &json),
           SPLIO_ERR_INVALID_ARGUMENT, &json, "out_client is NULL", "new NULL out_client");
    expect(splio_client_new("{not json", &out, &json), SPLIO_ERR_INVALID_ARGUMENT, &json,
           "not valid JSON", "new bad JSON");
    expect(splio_client_new("{\"universe\":\"\xff\xfe\",\"key\":\"k\"}", &out, &json),
           SPLIO_ERR_INVALID_ARGUMENT, &json, "UTF-8", "new non-UTF-8");
    expect(splio_client_new("{\"universe\":\"u\",\"key\":\"k\",\"timout_ms\":1}", &out, &json),
           SPLIO_ERR_INVALID_ARGUMENT, &json, "settings.timout_ms", "new unknown setting");
    CHECK(out == sentinel, "out_client written on failure");
    CHECK(splio_client_new(NULL, &out, NULL) == SPLIO_ERR_INVALID_ARGUMENT, "new, out_json NULL");

    expect(splio_client_send(NULL, ONE, &json), SPLIO_ERR_INVALID_ARGUMENT, &json,
           "client is NULL", "send NULL client");
    expect(splio_client_send(client, NULL, &json), SPLIO_ERR_INVALID_ARGUMENT, &json,
           "request_json is NULL", "send NULL request");
    expect(splio_client_send(client, "\xff\xfe", &json), SPLIO_ERR_INVALID_ARGUMENT, &json,
           "UTF-8", "send non-UTF-8");
    expect(splio_client_send(client, "[1,2", &json), SPLIO_ERR_INVALID_ARGUMENT, &json,
           "JSON", "send non-JSON");
    expect(splio_client_send_batch(NULL, ONE, &json), SPLIO_ERR_INVALID_ARGUMENT, &json,
           "client is NULL", "batch NULL client");
    expect(splio_client_send_batch(client, NULL, &json), SPLIO_ERR_INVALID_ARGUMENT, &json,
           "request_json is NULL", "batch NULL request");
    expect(splio_client_send_batch(client, "\"str\"", &json), SPLIO_ERR_INVALID_ARGUMENT, &json,
           NULL, "batch non-object");
    expect(splio_validate(NULL, &json), SPLIO_ERR_INVALID_ARGUMENT, &json, "request_json is NULL",
           "validate NULL");
    expect(splio_validate("\xc3", &json), SPLIO_ERR_INVALID_ARGUMENT, &json, "UTF-8",
           "validate non-UTF-8");
    CHECK(splio_validate(NULL, NULL) == SPLIO_ERR_INVALID_ARGUMENT, "validate NULL, NULL");
    splio_client_free(NULL);
    splio_string_free(NULL);
}

static void test_validation_problems(void) {
    char *json = NULL;
    splio_status st = splio_validate(
        "{\"message\":\"bad\",\"rcpts\":[{\"cellphone\":\"+33612345678\"},{\"cellphone\":\"x\"}],"
        "\"extra\":1}",
        &json);
    CHECK(json && strstr(json, "\"path\":\"message\""), "message problem: %s", json ? json : "");
    CHECK(json && strstr(json, "\"path\":\"rcpts[1].cellphone\""), "rcpt problem");
    expect(st, SPLIO_ERR_VALIDATION, &json, "\"path\":\"extra\"", "validate problems");
    expect(splio_validate(ONE, &json), SPLIO_OK, &json, "{\"status\":\"ok\"}", "validate ok");
}

static void test_validate_with_settings(void) {
    char *json = NULL;
    const char *national = "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"06 12 34 56 78\"}]}";
    expect(splio_validate(national, &json), SPLIO_ERR_VALIDATION, &json, "set default_country",
           "a national number without default_country");
    expect(splio_validate_with("{\"default_country\":\"FR\"}", national, &json), SPLIO_OK, &json,
           "{\"status\":\"ok\"}", "a national number with default_country");
    expect(splio_validate_with(NULL, ONE, &json), SPLIO_OK, &json, NULL, "NULL settings: defaults");
    expect(splio_validate_with("{\"timeout_ms\":5}", ONE, &json), SPLIO_ERR_INVALID_ARGUMENT, &json,
           "not a setting that validation uses", "a setting validation does not use");
    expect(splio_validate_with("{\"default_country\":\"XX\"}", ONE, &json),
           SPLIO_ERR_INVALID_ARGUMENT, &json, "settings.default_country", "an unknown country");
    expect(splio_validate_with("[", ONE, &json), SPLIO_ERR_INVALID_ARGUMENT, &json, NULL,
           "settings not JSON");
    expect(splio_validate_with("{}", NULL, &json), SPLIO_ERR_INVALID_ARGUMENT, &json,
           "request_json is NULL", "validate_with NULL request");
    CHECK(splio_validate_with(NULL, NULL, NULL) == SPLIO_ERR_INVALID_ARGUMENT, "validate_with NULLs");
}

static void test_preview(void) {
    char *json = NULL;
    expect(splio_preview("{\"text\":\"Hello $firstname$, 5\u20ac off\",\"rcpts\":["
                         "{\"cellphone\":\"+33612345678\",\"firstname\":\"Zo\u00e9\"},"
                         "{\"cellphone\":\"06 12 34 56 79\"}],"
                         "\"settings\":{\"default_country\":\"FR\"}}",
                         &json),
           SPLIO_OK, &json, "\"text\":\"Hello Zo\u00e9, 5\u20ac off\"", "preview renders");
    expect(splio_preview("{\"text\":\"\u00ea $code$\",\"rcpts\":[{\"cellphone\":\"+33612345678\"}]}",
                         &json),
           SPLIO_OK, &json, "\"missing\":[\"code\"]", "preview names missing fields");
    expect(splio_preview("{\"text\":\"$MobileWalletsUrl$\",\"rcpts\":[{\"cellphone\":\"+33612345678\"}]}",
                         &json),
           SPLIO_ERR_VALIDATION, &json, "\"path\":\"text\"", "preview refuses the wallets URL");
    expect(splio_preview("{\"text\":\"hi\",\"rcpts\":[{\"cellphone\":\"0612345678\"}]}", &json),
           SPLIO_ERR_VALIDATION, &json, "set default_country", "preview validates numbers");
    expect(splio_preview(NULL, &json), SPLIO_ERR_INVALID_ARGUMENT, &json, "preview_json is NULL",
           "preview NULL");
    expect(splio_preview("[1]", &json), SPLIO_ERR_INVALID_ARGUMENT, &json, NULL, "preview non-object");
    CHECK(splio_preview(NULL, NULL) == SPLIO_ERR_INVALID_ARGUMENT, "preview NULL, NULL");
}

static void test_batch_partial(void) {
    splio_client *client = make_client(",\"batch_size\":2,\"concurrency\":1");
    char *json = NULL;
    fault("[{\"fault\":\"latency\",\"ms\":0},{\"fault\":\"status\",\"status\":502,\"body\":\"x\"}]");
    splio_status st = splio_client_send_batch(
        client,
        "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"+33600000001\"},"
        "{\"cellphone\":\"+33600000002\"},{\"cellphone\":\"+33600000003\"},"
        "{\"cellphone\":\"+33600000004\"},{\"cellphone\":\"+33600000005\"}]}",
        &json);
    CHECK(json && strstr(json, "\"unknown\":[2,3]"), "unknown: %s", json ? json : "");
    CHECK(json && strstr(json, "\"not_sent\":[]"), "not_sent: %s", json ? json : "");
    expect(st, SPLIO_ERR_PARTIAL, &json, "\"status\":\"partial\"", "partial batch");
    splio_client_free(client);
}

static const char *FIVE =
    "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"+33600000011\"},"
    "{\"cellphone\":\"+33600000012\"},{\"cellphone\":\"+33600000013\"},"
    "{\"cellphone\":\"+33600000014\"},{\"cellphone\":\"+33600000015\"}]}";

/* A batch run again with its journal sends only what was not sent. */
static void test_batch_journal(void) {
    splio_client *client = make_client(",\"batch_size\":2,\"concurrency\":1");
    char dir[] = "/tmp/splio-c-journal-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char options[512], unknown_too[600];
    snprintf(options, sizeof options, "{\"journal\":\"%s/campaign.journal\"}", dir);
    snprintf(unknown_too, sizeof unknown_too,
             "{\"journal\":\"%s/campaign.journal\",\"include_unknown\":true}", dir);
    char *json = NULL;
    long before = stat_of("accepted");
    /* Piece 1 accepted, piece 2 a 502 (unknown), piece 3 a 400 (not sent). */
    fault("[{\"fault\":\"latency\",\"ms\":0},{\"fault\":\"status\",\"status\":502,\"body\":\"x\"},"
          "{\"fault\":\"status\",\"status\":400,\"body\":\"{\\\"status\\\":\\\"error\\\",\\\"message\\\":\\\"invalid JSON\\\"}\"}]");
    splio_status st = splio_client_send_batch_with(client, FIVE, options, &json);
    CHECK(json && strstr(json, "\"unknown\":[2,3]"), "unknown: %s", json ? json : "");
    CHECK(json && strstr(json, "\"not_sent\":[4]"), "not_sent: %s", json ? json : "");
    expect(st, SPLIO_ERR_PARTIAL, &json, "\"status\":\"partial\"", "journaled batch");
    st = splio_client_send_batch_with(client, FIVE, options, &json);
    CHECK(json && strstr(json, "\"already_sent\":2"), "resumed: %s", json ? json : "");
    CHECK(json && strstr(json, "\"unknown\":[2,3]"), "still unknown: %s", json ? json : "");
    expect(st, SPLIO_OK, &json, "\"count\":1", "resumed batch sends the one not sent");
    st = splio_client_send_batch_with(client, FIVE, options, &json);
    expect(st, SPLIO_OK, &json, "\"batches\":[]", "a third run sends nothing");
    st = splio_client_send_batch_with(client, FIVE, unknown_too, &json);
    expect(st, SPLIO_OK, &json, "\"already_sent\":3", "include_unknown sends the unknown");
    /* Three accepted requests: 2 recipients, then 1, then the 2 unknown. */
    CHECK(stat_of("accepted") - before == 3, "accepted %ld", stat_of("accepted") - before);

    /* Another request on the same journal is refused before sending. */
    st = splio_client_send_batch_with(client, ONE, options, &json);
    expect(st, SPLIO_ERR_INVALID_ARGUMENT, &json, "the input changed", "another request");
    expect(splio_client_send_batch_with(client, FIVE, "{\"journl\":\"x\"}", &json),
           SPLIO_ERR_INVALID_ARGUMENT, &json, "unknown option", "a misspelt option");
    expect(splio_client_send_batch_with(client, FIVE, "{\"include_unknown\":true}", &json),
           SPLIO_ERR_INVALID_ARGUMENT, &json, "need a journal", "include_unknown alone");
    expect(splio_client_send_batch_with(client, FIVE, "{\"journal\":\"/nonexistent/j\"}", &json),
           SPLIO_ERR_INVALID_ARGUMENT, &json, "cannot open the journal", "an unwritable journal");
    expect(splio_client_send_batch_with(NULL, FIVE, NULL, &json), SPLIO_ERR_INVALID_ARGUMENT,
           &json, "client is NULL", "NULL client");
    CHECK(stat_of("accepted") - before == 3, "nothing more sent");
    char path[600];
    snprintf(path, sizeof path, "%s/campaign.journal", dir);
    unlink(path);
    rmdir(dir);
    splio_client_free(client);
}

/* The guards (the design's text, max_segments) refuse before any byte leaves,
 * naming each recipient concerned, in send_with, send_batch_with and
 * validate_with_options; within them the send goes out. */
static void test_guards(void) {
    splio_client *client = make_client("");
    char *json = NULL;
    const char *two = "{\"message\":\"AbCdEf123\",\"rcpts\":["
                      "{\"cellphone\":\"+33612345678\",\"firstname\":\"Zo\u00e9\"},"
                      "{\"cellphone\":\"+33612345679\"}]}";
    const char *text = "{\"text\":\"Bonjour $firstname$\",\"max_segments\":1}";
    long before = stat_of("hits");
    splio_status st = splio_client_send_with(client, two, text, &json);
    CHECK(json && !strstr(json, "rcpts[0]"), "only the recipient concerned: %s", json ? json : "");
    expect(st, SPLIO_ERR_VALIDATION, &json, "\"path\":\"rcpts[1]\"", "send_with: a missing field");
    st = splio_client_send_batch_with(client, two, text, &json);
    expect(st, SPLIO_ERR_VALIDATION, &json, "\"path\":\"rcpts[1]\"", "send_batch_with: a missing field");
    expect(splio_client_send_with(client, two, "{\"max_segments\":1}", &json),
           SPLIO_ERR_INVALID_ARGUMENT, &json, "needs the design's text", "max_segments alone");
    expect(splio_client_send_with(client, two, "{\"txt\":\"x\"}", &json), SPLIO_ERR_INVALID_ARGUMENT,
           &json, "unknown option", "a misspelt guard");
    expect(splio_client_send_with(client, two, "{\"max_segments\":-1,\"text\":\"x\"}", &json),
           SPLIO_ERR_INVALID_ARGUMENT, &json, "max_segments", "a negative max_segments");
    CHECK(stat_of("hits") == before, "nothing left: %ld hits", stat_of("hits") - before);

    expect(splio_validate_with_options(NULL, two, text, &json), SPLIO_ERR_VALIDATION, &json,
           "\"path\":\"rcpts[1]\"", "validate_with_options: a missing field");
    expect(splio_validate_with_options("{\"default_country\":\"FR\"}",
                                       "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":"
                                       "\"06 12 34 56 78\",\"firstname\":\"Zo\u00e9\"}]}",
                                       text, &json),
           SPLIO_OK, &json, "{\"status\":\"ok\"}", "validate_with_options: settings and guards");
    expect(splio_validate_with_options(NULL, ONE, NULL, &json), SPLIO_OK, &json, NULL,
           "validate_with_options: NULL options");
    CHECK(splio_validate_with_options(NULL, NULL, NULL, NULL) == SPLIO_ERR_INVALID_ARGUMENT, "NULLs");

    const char *within = "{\"message\":\"AbCdEf123\",\"rcpts\":["
                         "{\"cellphone\":\"+33612345678\",\"firstname\":\"Zo\u00e9\"}]}";
    expect(splio_client_send_with(client, within, text, &json), SPLIO_OK, &json,
           "\"inserted\":1", "send_with within the guards");
    expect(splio_client_send_with(client, ONE, NULL, &json), SPLIO_OK, &json, "\"inserted\":1",
           "send_with NULL options");
    expect(splio_client_send_with(NULL, ONE, NULL, &json), SPLIO_ERR_INVALID_ARGUMENT, &json,
           "client is NULL", "send_with NULL client");
    CHECK(stat_of("hits") - before == 2, "two sends: %ld hits", stat_of("hits") - before);
    splio_client_free(client);
}

struct worker {
    const splio_client *client;
    int id;
    int sends;
    int ok;
};

static void *send_many(void *arg) {
    struct worker *w = arg;
    for (int i = 0; i < w->sends; i++) {
        char request[160];
        snprintf(request, sizeof request,
                 "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"+336%02d%06d\"}]}", w->id, i);
        char *json = NULL;
        if (splio_client_send(w->client, request, &json) == SPLIO_OK) {
            w->ok++;
        }
        splio_string_free(json);
    }
    return NULL;
}

static void test_threads(splio_client *client, int sends) {
    free(sandbox_http("POST", "/_sandbox/reset", ""));
    pthread_t threads[8];
    struct worker workers[8];
    for (int t = 0; t < 8; t++) {
        workers[t] = (struct worker){client, t, sends, 0};
        CHECK(pthread_create(&threads[t], NULL, send_many, &workers[t]) == 0, "thread %d", t);
    }
    int ok = 0;
    for (int t = 0; t < 8; t++) {
        pthread_join(threads[t], NULL);
        ok += workers[t].ok;
    }
    CHECK(ok == 8 * sends, "threads: %d of %d sends ok", ok, 8 * sends);
    CHECK(stat_of("accepted") == 8 * sends, "sandbox accepted %ld, want %d", stat_of("accepted"),
          8 * sends);
}

/* What the log callback heard; the callback runs on several threads at once. */
struct heard {
    pthread_mutex_t lock;
    int at[6];
    int with_key;
    int with_whole_number;
    char first_debug[512];
    char last_warn[512];
};

static void on_log(splio_log_level level, const char *message, void *user_data) {
    struct heard *h = user_data;
    pthread_mutex_lock(&h->lock);
    if ((int)level >= 0 && (int)level < 6) {
        h->at[level]++;
    }
    if (strstr(message, "c-key-secret")) {
        h->with_key++;
    }
    if (strstr(message, "+33612345678")) {
        h->with_whole_number++;
    }
    if (level == SPLIO_LOG_DEBUG && h->first_debug[0] == '\0') {
        snprintf(h->first_debug, sizeof h->first_debug, "%s", message);
    }
    if (level == SPLIO_LOG_WARN) {
        snprintf(h->last_warn, sizeof h->last_warn, "%s", message);
    }
    pthread_mutex_unlock(&h->lock);
}

static void test_log_callback(void) {
    static struct heard h = {.lock = PTHREAD_MUTEX_INITIALIZER};
    char *json = NULL;
    CHECK(splio_set_log_callback((splio_log_level)9, on_log, &h) == 0, "a level out of range");
    CHECK(splio_set_log_callback(SPLIO_LOG_DEBUG, on_log, &h) == 1, "set the callback");

    splio_client *client = make_client("");
    expect(splio_client_send(client, ONE, &json), SPLIO_OK, &json, NULL, "send, logged");
    CHECK(h.at[SPLIO_LOG_DEBUG] == 1, "one attempt record, got %d", h.at[SPLIO_LOG_DEBUG]);
    CHECK(h.at[SPLIO_LOG_INFO] == 1, "one outcome record, got %d", h.at[SPLIO_LOG_INFO]);
    CHECK(strstr(h.first_debug, base_url) != NULL, "the URL in %s", h.first_debug);
    CHECK(strstr(h.first_debug, "attempt 1: ") == h.first_debug, "attempt number: %s", h.first_debug);
    CHECK(strstr(h.first_debug, "1 recipient (+336****5678)") != NULL, "masked: %s", h.first_debug);

    fault("{\"fault\":\"rate_limit\",\"retry_after\":0}");
    expect(splio_client_send(client, ONE, &json), SPLIO_OK, &json, NULL, "send after a 429");
    CHECK(h.at[SPLIO_LOG_WARN] == 1, "one retry record, got %d", h.at[SPLIO_LOG_WARN]);
    CHECK(strstr(h.last_warn, "retrying in") != NULL, "the wait: %s", h.last_warn);
    splio_client_free(client);

    /* A batch's pieces log from 4 threads at once. */
    splio_client *pieces = make_client(",\"batch_size\":1,\"concurrency\":4");
    int info_before = h.at[SPLIO_LOG_INFO];
    expect(splio_client_send_batch(
               pieces,
               "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"+33600000001\"},"
               "{\"cellphone\":\"+33600000002\"},{\"cellphone\":\"+33600000003\"},"
               "{\"cellphone\":\"+33600000004\"},{\"cellphone\":\"+33600000005\"},"
               "{\"cellphone\":\"+33600000006\"},{\"cellphone\":\"+33600000007\"},"
               "{\"cellphone\":\"+33600000008\"}]}",
               &json),
           SPLIO_OK, &json, NULL, "batch, logged");
    CHECK(h.at[SPLIO_LOG_INFO] - info_before == 8, "one outcome per piece, got %d",
          h.at[SPLIO_LOG_INFO] - info_before);
    splio_client_free(pieces);

    CHECK(splio_set_log_callback(SPLIO_LOG_OFF, on_log, &h) == 1, "callback off");
    int total = 0;
    for (int i = 0; i < 6; i++) {
        total += h.at[i];
    }
    client = make_client("");
    expect(splio_client_send(client, ONE, &json), SPLIO_OK, &json, NULL, "send, not logged");
    splio_client_free(client);
    int after = 0;
    for (int i = 0; i < 6; i++) {
        after += h.at[i];
    }
    CHECK(after == total, "a record after the callback was removed");
    CHECK(h.with_key == 0, "the key in %d records", h.with_key);
    CHECK(h.with_whole_number == 0, "a whole number in %d records", h.with_whole_number);
    CHECK(splio_set_log_callback(SPLIO_LOG_DEBUG, NULL, NULL) == 1, "a NULL callback removes it");
}

/* Sends `n` requests of `rcpts` recipients; counts answers that are not this request's. */
static int sends_answered_as_their_own(const splio_client *client, int n, int rcpts) {
    const char *one = "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"+33611111111\"}]}";
    const char *two = "{\"message\":\"AbCdEf123\",\"rcpts\":[{\"cellphone\":\"+33622222221\"},"
                      "{\"cellphone\":\"+33622222222\"}]}";
    char want[32];
    snprintf(want, sizeof want, "\"inserted\":%d", rcpts);
    int own = 0;
    for (int i = 0; i < n; i++) {
        char *json = NULL;
        splio_status st = splio_client_send(client, rcpts == 1 ? one : two, &json);
        if (st == SPLIO_OK && json && strstr(json, want)) {
            own++;
        }
        splio_string_free(json);
    }
    return own;
}

/* A client used before fork() and then in both processes at once: the
 * child opens its own connections, so no answer goes to the wrong process. */
static void test_fork(void) {
    const int n = 30;
    free(sandbox_http("POST", "/_sandbox/reset", ""));
    splio_client *client = make_client("");
    CHECK(sends_answered_as_their_own(client, 1, 1) == 1, "the send that fills the pool");
    fflush(NULL);
    pid_t child = fork();
    if (child == 0) {
        int own = sends_answered_as_their_own(client, n, 2);
        splio_client_free(client);
        _exit(own == n ? 0 : 1);
    }
    CHECK(child > 0, "fork");
    int own = sends_answered_as_their_own(client, n, 1);
    int status = 0;
    CHECK(waitpid(child, &status, 0) == child, "waitpid");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child got answers not its own");
    CHECK(own == n, "the parent got %d of %d answers as its own", own, n);
    CHECK(stat_of("accepted") == 1 + 2 * n, "sandbox accepted %ld, want %d", stat_of("accepted"),
          1 + 2 * n);
    /* The parent's pool still works after the child is gone. */
    CHECK(sends_answered_as_their_own(client, 3, 1) == 3, "the parent after the child");
    splio_client_free(client);
}

int main(void) {
    const char *url = getenv("SPLIO_SANDBOX_URL");
    if (!url || sscanf(url, "http://127.0.0.1:%d/", &sandbox_port) != 1) {
        fprintf(stderr, "set SPLIO_SANDBOX_URL to the sandbox's base URL\n");
        return 2;
    }
    snprintf(base_url, sizeof base_url, "%s", url);
    const char *sends_env = getenv("SPLIO_TEST_SENDS");
    int sends = sends_env ? atoi(sends_env) : 50;

    free(sandbox_http("POST", "/_sandbox/reset", ""));
    splio_client *client = make_client("");
    test_version_and_names();
    test_success(client);
    test_error_kinds(client);
    test_bad_input(client);
    test_validation_problems();
    test_validate_with_settings();
    test_preview();
    test_batch_partial();
    test_batch_journal();
    test_guards();
    test_threads(client, sends);
    splio_client_free(client);
    test_log_callback();
    test_fork();

    printf("%d passed, %d failed\n", checks - failures, failures);
    return failures == 0 ? 0 : 1;
}
