<?php

declare(strict_types=1);

namespace SplioSms;

/**
 * Finds libsplio_sms and declares its functions, once per process.
 *
 * @internal
 */
final class Library
{
    /** The FFI scope bindings/php/preload.php declares under opcache.preload. */
    public const SCOPE = 'SPLIO_SMS';

    /** The versioned name first: the unversioned one is often only in -dev packages. */
    public const SYSTEM_NAMES = ['libsplio_sms.so.0', 'libsplio_sms.so'];

    /** @var array<string, \FFI> by the path asked for ('' = the default) */
    private static array $loaded = [];

    /**
     * The library at $path, else the preloaded scope, else SPLIO_SMS_LIBRARY,
     * else the system's library path.
     */
    public static function get(?string $path = null): \FFI
    {
        return self::$loaded[$path ?? ''] ??= self::load($path);
    }

    /** The plain C declarations (include/splio_sms_ffi.h), for FFI::cdef. */
    public static function declarations(): string
    {
        $text = @file_get_contents(__DIR__ . '/../splio_sms_ffi.h');
        if ($text === false) {
            throw new LibraryError('splio_sms_ffi.h is missing beside bindings/php/src');
        }
        return $text;
    }

    /**
     * The declarations with the two lines FFI::load and ffi.preload read
     * (the only preprocessor lines they know): the scope, and the library.
     */
    public static function scopeHeader(string $library): string
    {
        if (str_contains($library, '"') || str_contains($library, "\n")) {
            throw new LibraryError('a library path with a quote or a line break cannot go into a header');
        }
        return sprintf("#define FFI_SCOPE \"%s\"\n#define FFI_LIB \"%s\"\n%s", self::SCOPE, $library, self::declarations());
    }

    /** @return list<string> the files to try, in order, when no path is given */
    public static function candidates(): array
    {
        $env = getenv('SPLIO_SMS_LIBRARY');
        return is_string($env) && $env !== '' ? [$env] : self::SYSTEM_NAMES;
    }

    private static function load(?string $path): \FFI
    {
        if (!extension_loaded('ffi')) {
            throw new LibraryError('PHP\'s FFI extension is not loaded (ext-ffi): splio-sms needs it');
        }
        if ($path === null) {
            try {
                return \FFI::scope(self::SCOPE);
            } catch (\FFI\Exception) {
                // Not preloaded: load it here.
            }
        }
        $declarations = self::declarations();
        $tried = [];
        foreach ($path === null ? self::candidates() : [$path] as $candidate) {
            try {
                return \FFI::cdef($declarations, $candidate);
            } catch (\FFI\ParserException $e) {
                throw new LibraryError('splio_sms_ffi.h does not parse: ' . $e->getMessage());
            } catch (\FFI\Exception $e) {
                if (str_contains($e->getMessage(), 'ffi.enable')) {
                    throw new LibraryError(
                        'FFI is restricted here (ffi.enable=' . ini_get('ffi.enable') . '): under PHP-FPM, '
                        . 'preload the library (opcache.preload=bindings/php/preload.php, or ffi.preload), '
                        . 'else set ffi.enable=true'
                    );
                }
                $tried[] = $e->getMessage();
            }
        }
        throw new LibraryError(
            'libsplio_sms not found (' . implode('; ', $tried) . '): give its path to new Client(), '
            . 'set SPLIO_SMS_LIBRARY, or install it where the dynamic loader looks (ldconfig)'
        );
    }
}
