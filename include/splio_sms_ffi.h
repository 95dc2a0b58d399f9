/* splio-sms: the declarations of splio_sms.h (documented there) as plain C,
   for PHP's FFI::cdef, LuaJIT's ffi.cdef and the like. */

/* Generated from src/ffi/ (cbindgen, in build.rs) and the settings table (tests/c_header.rs). Do not edit: run `make header`. */

typedef enum splio_status {
  SPLIO_OK = 0,
  SPLIO_ERR_INVALID_ARGUMENT = 1,
  SPLIO_ERR_VALIDATION = 2,
  SPLIO_ERR_AUTH = 3,
  SPLIO_ERR_BAD_REQUEST = 4,
  SPLIO_ERR_INSUFFICIENT_CREDIT = 5,
  SPLIO_ERR_RATE_LIMITED = 6,
  SPLIO_ERR_SERVER = 7,
  SPLIO_ERR_TIMEOUT = 8,
  SPLIO_ERR_TRANSPORT = 9,
  SPLIO_ERR_PROTOCOL = 10,
  SPLIO_ERR_PARTIAL = 11,
  SPLIO_ERR_INTERNAL = 12,
} splio_status;

typedef enum splio_log_level {
  SPLIO_LOG_OFF = 0,
  SPLIO_LOG_ERROR = 1,
  SPLIO_LOG_WARN = 2,
  SPLIO_LOG_INFO = 3,
  SPLIO_LOG_DEBUG = 4,
  SPLIO_LOG_TRACE = 5,
} splio_log_level;

typedef struct splio_client splio_client;

typedef void (*splio_log_callback)(enum splio_log_level level, const char *message, void *user_data);

enum splio_status splio_client_new(const char *settings_json,
                                   struct splio_client **out_client,
                                   char **out_json);

enum splio_status splio_client_send(const struct splio_client *client,
                                    const char *request_json,
                                    char **out_json);

enum splio_status splio_client_send_with(const struct splio_client *client,
                                         const char *request_json,
                                         const char *options_json,
                                         char **out_json);

enum splio_status splio_client_send_batch(const struct splio_client *client,
                                          const char *request_json,
                                          char **out_json);

enum splio_status splio_client_send_batch_with(const struct splio_client *client,
                                               const char *request_json,
                                               const char *options_json,
                                               char **out_json);

enum splio_status splio_validate(const char *request_json, char **out_json);

enum splio_status splio_validate_with(const char *settings_json,
                                      const char *request_json,
                                      char **out_json);

enum splio_status splio_validate_with_options(const char *settings_json,
                                              const char *request_json,
                                              const char *options_json,
                                              char **out_json);

void splio_client_free(struct splio_client *client);

void splio_string_free(char *s);

int splio_set_log_callback(splio_log_level level, splio_log_callback callback, void *user_data);

enum splio_status splio_preview(const char *preview_json, char **out_json);

const char *splio_status_name(splio_status status);

const char *splio_version(void);
