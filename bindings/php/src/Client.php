<?php

declare(strict_types=1);

namespace SplioSms;

/**
 * A client for one universe over libsplio_sms: its settings, key and
 * connection pool. Keep one for as many sends as the process makes.
 *
 * The API key is only in the settings array given to the constructor; it
 * is handed to the library and kept by no property, so var_dump, print_r,
 * var_export and exception traces of a Client never show it.
 */
final class Client
{
    private const JSON = JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE;

    private \FFI $ffi;
    private \FFI\CData $handle;
    private string $universe;

    /**
     * @param array<string, mixed> $settings the contract's settings: `universe`
     *        and `key`, and any of `base_url`, `timeout_ms`, `max_retries`, ...
     * @param string|null $library the path of libsplio_sms; else the preloaded
     *        scope, else SPLIO_SMS_LIBRARY, else the system's library path
     * @throws InvalidArgumentError for missing or bad settings
     * @throws LibraryError when libsplio_sms cannot be loaded
     */
    public function __construct(#[\SensitiveParameter] array $settings, ?string $library = null)
    {
        $universe = $settings['universe'] ?? null;
        try {
            $json = json_encode((object) $settings, self::JSON);
        } catch (\JsonException $e) {
            $json = null;
        }
        // A trace shows an argument's value at the time of the throw, and
        // PHP 8.1 knows no SensitiveParameter: nothing may throw before this.
        $settings = [];
        if ($json === null) {
            throw new InvalidArgumentError('settings cannot be JSON: ' . $e->getMessage(), 'invalid_argument', 'not_sent');
        }

        $this->ffi = Library::get($library);
        $handle = $this->ffi->new('splio_client*');
        $out = $this->ffi->new('char*');
        $status = $this->ffi->splio_client_new($json, \FFI::addr($handle), \FFI::addr($out));
        $json = null;
        $document = self::take($this->ffi, $out);
        if ($status !== 0 || \FFI::isNull($handle)) {
            throw SplioException::fromDocument($document);
        }
        $this->handle = $handle;
        $this->universe = is_string($universe) ? $universe : '';
    }

    public function __destruct()
    {
        if (isset($this->handle)) {
            $this->ffi->splio_client_free($this->handle);
            unset($this->handle);
        }
    }

    /**
     * Sends one request (one HTTP request, retried only where nothing can
     * have been sent).
     *
     * The guards, as named arguments (`send(..., text: 'Hello $firstname$',
     * maxSegments: 1)`): with `text`, the design's text, a recipient left
     * with an empty placeholder is refused; with `maxSegments` too, so is one
     * whose SMS needs more parts. A refusal is a ValidationError with one
     * problem per recipient concerned (`rcpts[3]`), before any byte leaves.
     *
     * @param list<array<string, mixed>> $rcpts recipients: `cellphone` and
     *        the design's fields (`firstname`, `c0`, ...)
     * @param int|null $maxSegments needs $text (else InvalidArgumentError)
     * @return array<string, mixed> `{"status": "ok", "result": {"todo", "done",
     *         "inserted", "campaign_id"}, "http_status", "attempts", "dropped_duplicates"}`
     * @throws SplioException a subclass per kind; read getDelivery() before sending again
     */
    public function send(
        string $message,
        array $rcpts,
        ?string $opcode = null,
        ?string $category = null,
        ?string $text = null,
        ?int $maxSegments = null,
    ): array {
        $request = self::request($message, $rcpts, $opcode, $category);
        $guards = self::guards($text, $maxSegments, []);
        if ($guards === null) {
            return self::call($this->ffi, 'splio_client_send', $this->handle, $request);
        }
        return self::call($this->ffi, 'splio_client_send_with', $this->handle, $request, $guards);
    }

    /**
     * Cuts the recipients into `batch_size` pieces, sent `concurrency` at a
     * time. Returns the report whatever the pieces' fate (`status` "ok",
     * "partial" or "error"; `not_sent` and `unknown` are indexes into $rcpts);
     * throws only when nothing was sent (validation, bad arguments).
     *
     * `text:` and `maxSegments:` are the guards of send(): a recipient they
     * refuse refuses the whole batch, before any piece leaves.
     *
     * @param list<array<string, mixed>> $rcpts
     * @param array{journal?: string, include_unknown?: bool, only?: list<int>} $options
     * @return array<string, mixed> the batch report
     * @throws SplioException
     */
    public function sendBatch(
        string $message,
        array $rcpts,
        ?string $opcode = null,
        ?string $category = null,
        array $options = [],
        ?string $text = null,
        ?int $maxSegments = null,
    ): array {
        $request = self::request($message, $rcpts, $opcode, $category);
        $optionsJson = self::guards($text, $maxSegments, $options);
        $out = $this->ffi->new('char*');
        $status = $this->ffi->splio_client_send_batch_with($this->handle, $request, $optionsJson, \FFI::addr($out));
        $document = self::take($this->ffi, $out);
        if ($status === 0 || isset($document['batches'])) {
            return $document;
        }
        throw SplioException::fromDocument($document);
    }

    /**
     * Checks a request without sending it and without a client.
     *
     * @param list<array<string, mixed>> $rcpts
     * `text:` and `maxSegments:` are the guards of send(), checked after
     * every other rule.
     *
     * @param array<string, mixed> $settings the settings that change validation:
     *        `default_country`, `duplicates`, `number_check`
     * @throws ValidationError naming every problem
     */
    public static function validate(
        string $message,
        array $rcpts,
        ?string $opcode = null,
        ?string $category = null,
        array $settings = [],
        ?string $library = null,
        ?string $text = null,
        ?int $maxSegments = null,
    ): void {
        $ffi = Library::get($library);
        $request = self::request($message, $rcpts, $opcode, $category);
        $settingsJson = $settings === [] ? null : self::encode((object) $settings);
        $guards = self::guards($text, $maxSegments, []);
        if ($guards === null) {
            self::call($ffi, 'splio_validate_with', $settingsJson, $request);
        } else {
            self::call($ffi, 'splio_validate_with_options', $settingsJson, $request, $guards);
        }
    }

    /**
     * Renders a design's text for each recipient: text, encoding, segments.
     *
     * @param list<array<string, mixed>> $rcpts
     * @param array<string, mixed> $settings as for validate()
     * @return array<string, mixed> `{"status": "ok", "recipients": [...], "totals": {...}}`
     */
    public static function preview(string $text, array $rcpts, array $settings = [], ?string $library = null): array
    {
        $ffi = Library::get($library);
        $input = ['text' => $text, 'rcpts' => self::recipients($rcpts)];
        if ($settings !== []) {
            $input['settings'] = (object) $settings;
        }
        return self::call($ffi, 'splio_preview', self::encode($input));
    }

    /** The library's version, e.g. "0.1.0". */
    public static function version(?string $library = null): string
    {
        // A returned const char * arrives as a PHP string, copied.
        return Library::get($library)->splio_version();
    }

    /** @return array<string, mixed> what var_dump and print_r show */
    public function __debugInfo(): array
    {
        return ['universe' => $this->universe, 'open' => isset($this->handle)];
    }

    /** Two objects would free one handle twice. */
    private function __clone()
    {
    }

    /** The handle is a pointer into this process: it means nothing elsewhere. */
    public function __serialize(): array
    {
        throw new \LogicException('a SplioSms\Client cannot be serialized: make one from its settings');
    }

    /** @param array<mixed> $data */
    public function __unserialize(array $data): void
    {
        throw new \LogicException('a SplioSms\Client cannot be unserialized: make one from its settings');
    }

    /** @param list<array<string, mixed>> $rcpts */
    private static function request(string $message, array $rcpts, ?string $opcode, ?string $category): string
    {
        $request = ['message' => $message, 'rcpts' => self::recipients($rcpts)];
        if ($opcode !== null) {
            $request['opcode'] = $opcode;
        }
        if ($category !== null) {
            $request['category'] = $category;
        }
        return self::encode($request);
    }

    /**
     * The options JSON of the C ABI: $options with the guards given as named
     * arguments, under the library's names; null for none.
     *
     * @param array<string, mixed> $options
     */
    private static function guards(?string $text, ?int $maxSegments, array $options): ?string
    {
        foreach (['text' => $text, 'max_segments' => $maxSegments] as $name => $value) {
            if ($value === null) {
                continue;
            }
            // Two values for one guard: neither may win silently.
            if (array_key_exists($name, $options)) {
                throw new InvalidArgumentError("$name is given both in \$options and as an argument", 'invalid_argument', 'not_sent');
            }
            $options[$name] = $value;
        }
        return $options === [] ? null : self::encode((object) $options);
    }

    /**
     * PHP arrays become JSON objects here, so that a recipient is an object
     * even when empty; a list of recipients stays a list, anything else is
     * left for the library to refuse with the path of the problem.
     *
     * @param array<mixed> $rcpts
     * @return array<mixed>
     */
    private static function recipients(array $rcpts): array
    {
        return array_map(static fn (mixed $r): mixed => is_array($r) ? (object) $r : $r, $rcpts);
    }

    private static function encode(mixed $value): string
    {
        try {
            return json_encode($value, self::JSON);
        } catch (\JsonException $e) {
            throw new InvalidArgumentError('the request cannot be JSON: ' . $e->getMessage(), 'invalid_argument', 'not_sent');
        }
    }

    /**
     * Calls a function of the C ABI whose last argument is `char **out_json`.
     *
     * @return array<string, mixed> the success document
     * @throws SplioException for an error status
     */
    private static function call(\FFI $ffi, string $function, mixed ...$arguments): array
    {
        $out = $ffi->new('char*');
        $status = $ffi->$function(...[...$arguments, \FFI::addr($out)]);
        $document = self::take($ffi, $out);
        if ($status !== 0) {
            throw SplioException::fromDocument($document);
        }
        return $document;
    }

    /**
     * Reads and frees a string the library returned.
     *
     * @return array<string, mixed>
     */
    private static function take(\FFI $ffi, \FFI\CData $out): array
    {
        if (\FFI::isNull($out)) {
            return [];
        }
        try {
            $text = \FFI::string($out);
        } finally {
            $ffi->splio_string_free($out);
        }
        $document = json_decode($text, true, 512, JSON_THROW_ON_ERROR);
        return is_array($document) ? $document : [];
    }
}
