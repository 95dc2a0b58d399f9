<?php

declare(strict_types=1);

namespace SplioSms;

/** DNS, connection or TLS failure; read getDelivery(). */
final class TransportError extends SplioException
{
}
