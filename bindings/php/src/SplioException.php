<?php

declare(strict_types=1);

namespace SplioSms;

/**
 * A send, batch or validation that failed; one subclass per kind.
 *
 * `delivery` says whether an SMS may have been queued: "not_sent" (safe to
 * send again) or "unknown" (sending again may send it twice).
 */
class SplioException extends \RuntimeException
{
    /** The contract's error kinds and their classes. */
    private const CLASSES = [
        'invalid_argument' => InvalidArgumentError::class,
        'validation' => ValidationError::class,
        'auth' => AuthenticationError::class,
        'bad_request' => BadRequestError::class,
        'insufficient_credit' => InsufficientCreditError::class,
        'rate_limited' => RateLimitedError::class,
        'server' => ServerError::class,
        'timeout' => TimeoutError::class,
        'transport' => TransportError::class,
        'protocol' => ProtocolError::class,
        'internal' => InternalError::class,
    ];

    /**
     * @param list<array{path: string, message: string}> $problems
     */
    public function __construct(
        string $message,
        public readonly string $kind = 'internal',
        public readonly string $delivery = 'unknown',
        public readonly ?int $httpStatus = null,
        public readonly int $attempts = 0,
        public readonly array $problems = [],
        /** Seconds the service asked to wait (rate_limited), when it said. */
        public readonly ?float $retryAfter = null,
    ) {
        parent::__construct($message);
    }

    /**
     * The exception for an error document of the C ABI
     * (`{"status": "error", "error": {"kind", "message", ...}}`).
     *
     * @param array<string, mixed> $document
     */
    public static function fromDocument(array $document): self
    {
        $error = is_array($document['error'] ?? null) ? $document['error'] : [];
        $kind = is_string($error['kind'] ?? null) ? $error['kind'] : 'internal';
        $class = self::CLASSES[$kind] ?? self::class;
        $problems = [];
        foreach (is_array($error['problems'] ?? null) ? $error['problems'] : [] as $problem) {
            $problems[] = ['path' => (string) ($problem['path'] ?? ''), 'message' => (string) ($problem['message'] ?? '')];
        }
        $retryAfterMs = $error['retry_after_ms'] ?? null;
        return new $class(
            is_string($error['message'] ?? null) ? $error['message'] : 'splio-sms failed without a message',
            $kind,
            is_string($error['delivery'] ?? null) ? $error['delivery'] : 'unknown',
            is_int($error['http_status'] ?? null) ? $error['http_status'] : null,
            is_int($error['attempts'] ?? null) ? $error['attempts'] : 0,
            $problems,
            is_int($retryAfterMs) || is_float($retryAfterMs) ? $retryAfterMs / 1000 : null,
        );
    }

    public function getKind(): string
    {
        return $this->kind;
    }

    public function getDelivery(): string
    {
        return $this->delivery;
    }

    public function getHttpStatus(): ?int
    {
        return $this->httpStatus;
    }

    public function getAttempts(): int
    {
        return $this->attempts;
    }

    /** @return list<array{path: string, message: string}> */
    public function getProblems(): array
    {
        return $this->problems;
    }

    public function getRetryAfter(): ?float
    {
        return $this->retryAfter;
    }
}
