<?php

// PHP-FPM: makes the SplioSms classes part of the server, and declares the
// library once per server instead of once per request:
//
//   opcache.preload=/path/to/bindings/php/preload.php
//   ffi.enable=preload                   ; the default: FFI only for preloaded code
//
// The library is found as new Client() finds it: SPLIO_SMS_LIBRARY (in the
// master's environment), else the system's library path. Every Client made
// without a library path then uses the scope SPLIO_SMS (FFI::scope).
//
// A master running as root needs opcache.preload_user, and PHP then refuses
// FFI::load here: declare the scope with ffi.preload instead (see
// ffi_preload_header.php); this script then only preloads the classes.

declare(strict_types=1);

require __DIR__ . '/autoload.php';

foreach (glob(__DIR__ . '/src/*.php') ?: [] as $file) {
    class_exists('SplioSms\\' . basename($file, '.php'));
}

(static function (): void {
    try {
        FFI::scope(SplioSms\Library::SCOPE);
        return; // already declared by ffi.preload
    } catch (FFI\Exception) {
    }
    $tried = [];
    foreach (SplioSms\Library::candidates() as $library) {
        $header = tempnam(sys_get_temp_dir(), 'splio_sms_ffi');
        try {
            file_put_contents($header, SplioSms\Library::scopeHeader($library));
            if (FFI::load($header) !== null) {
                return;
            }
            $tried[] = "$library: not loaded";
        } catch (FFI\Exception | SplioSms\LibraryError $e) {
            $tried[] = $e->getMessage();
        } finally {
            unlink($header);
        }
    }
    // Clients still work (preloaded code may call FFI::cdef), loading the library per request.
    trigger_error('splio-sms preload: no FFI scope (' . implode('; ', $tried) . ')', E_USER_WARNING);
})();
