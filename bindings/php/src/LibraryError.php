<?php

declare(strict_types=1);

namespace SplioSms;

/**
 * libsplio_sms could not be loaded: not found, FFI missing or restricted.
 * Not a SplioException: nothing was attempted, and no setting is at fault.
 */
final class LibraryError extends \RuntimeException
{
}
