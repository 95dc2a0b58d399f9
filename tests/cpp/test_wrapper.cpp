// The C++ wrapper against the sandbox: results, exceptions with status and
// JSON, move-only ownership. Also proves the C header compiles as C++17.
#include "splio_sms.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

static int checks = 0, failures = 0;

#define CHECK(cond)                                                        \
    do {                                                                   \
        checks++;                                                          \
        if (!(cond)) {                                                     \
            failures++;                                                    \
            std::fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                  \
    } while (0)

static const std::string ONE =
    R"({"message": "AbCdEf123", "rcpts": [{"cellphone": "+33612345678"}]})";

int main() {
    const char *url = std::getenv("SPLIO_SANDBOX_URL");
    if (!url) {
        std::fprintf(stderr, "set SPLIO_SANDBOX_URL\n");
        return 2;
    }
    const std::string settings =
        std::string(R"({"universe": "c_universe", "key": "c-key-secret", "base_url": ")") + url + "\"}";

    splio::Client client(settings);
    std::string result = client.send(ONE);
    CHECK(result.find("\"status\":\"ok\"") != std::string::npos);
    CHECK(splio::version() == SPLIO_VERSION);

    try {
        splio::Client bad(R"({"universe": "c_universe", "key": "wrong", "base_url": ")" + std::string(url) + "\"}");
        bad.send(ONE);
        CHECK(false);
    } catch (const splio::Error &e) {
        CHECK(e.status() == SPLIO_ERR_AUTH);
        CHECK(e.json().find("\"kind\":\"auth\"") != std::string::npos);
    }

    try {
        splio::validate(R"({"message": "bad", "rcpts": []})");
        CHECK(false);
    } catch (const splio::Error &e) {
        CHECK(e.status() == SPLIO_ERR_VALIDATION);
        CHECK(e.json().find("\"path\":\"message\"") != std::string::npos);
    }

    splio::validate(R"({"default_country": "FR"})",
                    R"({"message": "AbCdEf123", "rcpts": [{"cellphone": "06 12 34 56 78"}]})");

    // The guards: a recipient left with an empty placeholder is refused
    // before any byte leaves; within them, the send goes.
    const std::string two =
        R"({"message": "AbCdEf123", "rcpts": [{"cellphone": "+33612345678", "firstname": "Zoé"},)"
        R"( {"cellphone": "+33612345679"}]})";
    const std::string guards = R"({"text": "Bonjour $firstname$", "max_segments": 1})";
    try {
        client.send(two, guards);
        CHECK(false);
    } catch (const splio::Error &e) {
        CHECK(e.status() == SPLIO_ERR_VALIDATION);
        CHECK(e.json().find("\"path\":\"rcpts[1]\"") != std::string::npos);
        CHECK(e.json().find("\"path\":\"rcpts[0]\"") == std::string::npos);
        CHECK(e.json().find("\"attempts\":0") != std::string::npos);
    }
    try {
        client.send_batch(two, guards);
        CHECK(false);
    } catch (const splio::Error &e) {
        CHECK(e.status() == SPLIO_ERR_VALIDATION);
        CHECK(e.json().find("$firstname$") != std::string::npos);
    }
    try {
        client.send(ONE, R"({"max_segments": 1})");
        CHECK(false);
    } catch (const splio::Error &e) {
        CHECK(e.status() == SPLIO_ERR_INVALID_ARGUMENT);
        CHECK(e.json().find("needs the design's text") != std::string::npos);
    }
    const std::string zoe =
        R"({"message": "AbCdEf123", "rcpts": [{"cellphone": "+33612345678", "firstname": "Zoé"}]})";
    CHECK(client.send(zoe, guards).find("\"inserted\":1") != std::string::npos);
    CHECK(client.send_batch(zoe, guards).find("\"not_sent\":[]") != std::string::npos);
    try {
        splio::validate("", two, guards);
        CHECK(false);
    } catch (const splio::Error &e) {
        CHECK(e.status() == SPLIO_ERR_VALIDATION);
        CHECK(e.json().find("\"path\":\"rcpts[1]\"") != std::string::npos);
    }
    splio::validate(R"({"default_country": "FR"})",
                    R"({"message": "AbCdEf123", "rcpts": [{"cellphone": "06 12 34 56 78", "firstname": "Zoé"}]})",
                    guards);

    try {
        splio::Client broken(R"({"universe": "u"})");
        CHECK(false);
    } catch (const splio::Error &e) {
        CHECK(e.status() == SPLIO_ERR_INVALID_ARGUMENT);
    }

    splio::Client moved = std::move(client);
    CHECK(moved.get() != nullptr);
    CHECK(client.get() == nullptr);
    CHECK(moved.send(ONE).find("\"inserted\":1") != std::string::npos);
    try {
        client.send(ONE);  // a moved-from client is empty, not dangling
        CHECK(false);
    } catch (const splio::Error &e) {
        CHECK(e.status() == SPLIO_ERR_INVALID_ARGUMENT);
    }

    std::printf("%d passed, %d failed\n", checks - failures, failures);
    return failures == 0 ? 0 : 1;
}
