<?php

declare(strict_types=1);

namespace SplioSms;

/** HTTP 429; getRetryAfter() (seconds) says when to try again, if the service said. Nothing was sent. */
final class RateLimitedError extends SplioException
{
}
