<?php

declare(strict_types=1);

namespace SplioSms;

/** Bad settings or arguments (a missing setting, a value of the wrong type, text that is not UTF-8). Nothing was sent. */
final class InvalidArgumentError extends SplioException
{
}
