<?php

declare(strict_types=1);

namespace SplioSms;

/** HTTP 5xx: the delivery is unknown; do not blindly send again. */
final class ServerError extends SplioException
{
}
