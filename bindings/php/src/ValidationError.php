<?php

declare(strict_types=1);

namespace SplioSms;

/** The request broke rules checked before sending; getProblems() lists every one. Nothing was sent. */
final class ValidationError extends SplioException
{
}
