<?php

declare(strict_types=1);

namespace SplioSms;

/** A connect timeout (delivery "not_sent") or no answer in time ("unknown"). */
final class TimeoutError extends SplioException
{
}
