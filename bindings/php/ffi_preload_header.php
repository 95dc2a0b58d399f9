<?php

// Writes the header for php.ini's ffi.preload, which declares the scope
// SPLIO_SMS once per server (the only way under PHP-FPM when the master runs
// as root: FFI::load is refused with opcache.preload_user):
//
//   php bindings/php/ffi_preload_header.php /etc/php/splio_sms.h [LIBRARY]
//
// LIBRARY: a path, or a name the dynamic loader finds; default
// SPLIO_SMS_LIBRARY, else libsplio_sms.so.0.

declare(strict_types=1);

require __DIR__ . '/autoload.php';

if ($argc < 2 || $argc > 3) {
    fwrite(STDERR, "usage: php ffi_preload_header.php OUTPUT.h [LIBRARY]\n");
    exit(2);
}
file_put_contents($argv[1], SplioSms\Library::scopeHeader($argv[2] ?? SplioSms\Library::candidates()[0]));
