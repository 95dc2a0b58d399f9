<?php

declare(strict_types=1);

namespace SplioSms;

/** An answer that is not the service's (not JSON, too large, a redirect). The delivery is unknown. */
final class ProtocolError extends SplioException
{
}
