<?php

declare(strict_types=1);

namespace SplioSms;

/** The service refused the request (bad design ID, missing parameter, wrong URL). Nothing was sent. */
final class BadRequestError extends SplioException
{
}
