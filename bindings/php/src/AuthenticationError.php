<?php

declare(strict_types=1);

namespace SplioSms;

/** The service refused the universe or key. Nothing was sent. */
final class AuthenticationError extends SplioException
{
}
