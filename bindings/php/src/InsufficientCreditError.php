<?php

declare(strict_types=1);

namespace SplioSms;

/** The service blocked the send: not enough credit. Nothing was sent. */
final class InsufficientCreditError extends SplioException
{
}
