// splio-sms for C++17: a header-only RAII wrapper over the C ABI.
//
//   splio::Client client(R"({"universe": "my_universe", "key": "my_api_key"})");
//   std::string result = client.send(R"({"message": "AbCdEf123", "rcpts": [{"cellphone": "+33612345678"}]})");
//
// Every failure throws splio::Error, which carries the splio_status and the
// JSON document (for a partial batch, the batch report). A Client is
// move-only, may be shared by reference between threads, and frees its
// handle when destroyed.
#ifndef SPLIO_SMS_HPP
#define SPLIO_SMS_HPP

#include <stdexcept>
#include <string>
#include <utility>

#include "splio_sms.h"

namespace splio {

// A failed call: the status, and the library's JSON document.
class Error : public std::runtime_error {
public:
    Error(splio_status status, std::string json)
        : std::runtime_error(std::string(splio_status_name(status)) + ": " + json),
          status_(status), json_(std::move(json)) {}

    splio_status status() const noexcept { return status_; }
    const std::string &json() const noexcept { return json_; }

private:
    splio_status status_;
    std::string json_;
};

namespace detail {
// Takes ownership of a library string: copies it out and frees it.
inline std::string take(char *s) {
    std::string out = s ? s : "";
    splio_string_free(s);
    return out;
}

inline std::string check(splio_status status, char *json) {
    std::string doc = take(json);
    if (status != SPLIO_OK) {
        throw Error(status, std::move(doc));
    }
    return doc;
}
}  // namespace detail

class Client {
public:
    // Settings JSON as for splio_client_new; throws Error on bad settings.
    explicit Client(const std::string &settings_json) {
        char *json = nullptr;
        splio_status status = splio_client_new(settings_json.c_str(), &handle_, &json);
        detail::check(status, json);
    }

    Client(Client &&other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    Client &operator=(Client &&other) noexcept {
        if (this != &other) {
            splio_client_free(handle_);
            handle_ = std::exchange(other.handle_, nullptr);
        }
        return *this;
    }
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;
    ~Client() { splio_client_free(handle_); }

    // Sends one request JSON; returns the success document.
    std::string send(const std::string &request_json) const {
        char *json = nullptr;
        splio_status status = splio_client_send(handle_, request_json.c_str(), &json);
        return detail::check(status, json);
    }

    // send with options JSON, as for splio_client_send_with: the guards
    // (R"({"text": "Hello $firstname$", "max_segments": 2})"). A recipient
    // they refuse is SPLIO_ERR_VALIDATION (a problem at "rcpts[i]"), thrown
    // before any byte leaves.
    std::string send(const std::string &request_json, const std::string &options_json) const {
        char *json = nullptr;
        splio_status status =
            splio_client_send_with(handle_, request_json.c_str(), options_json.c_str(), &json);
        return detail::check(status, json);
    }

    // Sends in batch_size pieces; returns the report when every piece was
    // accepted, throws Error (with the report as json()) otherwise.
    std::string send_batch(const std::string &request_json) const {
        char *json = nullptr;
        splio_status status = splio_client_send_batch(handle_, request_json.c_str(), &json);
        return detail::check(status, json);
    }

    // send_batch with options JSON, as for splio_client_send_batch_with:
    // the journal, only, include_unknown, and the guards of send.
    std::string send_batch(const std::string &request_json, const std::string &options_json) const {
        char *json = nullptr;
        splio_status status =
            splio_client_send_batch_with(handle_, request_json.c_str(), options_json.c_str(), &json);
        return detail::check(status, json);
    }

    const splio_client *get() const noexcept { return handle_; }

private:
    splio_client *handle_ = nullptr;
};

// Checks a request JSON without sending it; throws Error listing every problem.
inline void validate(const std::string &request_json) {
    char *json = nullptr;
    splio_status status = splio_validate(request_json.c_str(), &json);
    detail::check(status, json);
}

// The same with the settings that change validation, as a JSON object
// (R"({"default_country": "FR"})").
inline void validate(const std::string &settings_json, const std::string &request_json) {
    char *json = nullptr;
    splio_status status =
        splio_validate_with(settings_json.c_str(), request_json.c_str(), &json);
    detail::check(status, json);
}

// The same with options JSON, as for splio_validate_with_options: the
// guards of Client::send, checked after every other rule. An empty
// settings_json is the default settings.
inline void validate(const std::string &settings_json, const std::string &request_json,
                     const std::string &options_json) {
    char *json = nullptr;
    splio_status status = splio_validate_with_options(
        settings_json.empty() ? nullptr : settings_json.c_str(), request_json.c_str(),
        options_json.c_str(), &json);
    detail::check(status, json);
}

inline std::string version() { return splio_version(); }

}  // namespace splio

#endif  // SPLIO_SMS_HPP
