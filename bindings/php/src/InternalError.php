<?php

declare(strict_types=1);

namespace SplioSms;

/** A bug in splio-sms. The delivery is unknown. */
final class InternalError extends SplioException
{
}
