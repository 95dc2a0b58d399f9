<?php

// Loading the library: include/splio_sms_ffi.h as FFI::cdef reads it, and a
// clear error when the library is not there.

declare(strict_types=1);

use SplioSms\Client;
use SplioSms\LibraryError;

function library_path(): string
{
    $path = getenv('SPLIO_TEST_LIBRARY');
    check(is_string($path) && is_file($path), 'run.sh sets SPLIO_TEST_LIBRARY to the built library');
    return $path;
}

test('include/splio_sms_ffi.h loads as is with FFI::cdef', function (): void {
    $header = file_get_contents(__DIR__ . '/../../../include/splio_sms_ffi.h');
    $ffi = FFI::cdef($header, library_path());
    same(Client::version(), $ffi->splio_version(), 'version');
    same('SPLIO_ERR_AUTH', $ffi->splio_status_name($ffi->SPLIO_ERR_AUTH), 'status name');
    same(file_get_contents(__DIR__ . '/../splio_sms_ffi.h'), $header, 'the PHP package carries the same header');
});

test('the package version is the library version', function (): void {
    $composer = json_decode((string) file_get_contents(__DIR__ . '/../composer.json'), true, 512, JSON_THROW_ON_ERROR);
    same(Client::version(), $composer['version'], 'composer.json version');
});

test('the library can be given by path', function (): void {
    $client = new Client(['universe' => UNIVERSE, 'key' => KEY, 'base_url' => Sandbox::url()], library_path());
    same('ok', $client->send(DESIGN, ONE)['status'], 'send');
});

test('a missing library is a LibraryError that says what to do', function (): void {
    $e = throws(LibraryError::class, fn () => new Client(['universe' => 'u', 'key' => 'k'], '/nonexistent/libsplio_sms.so'));
    check(str_contains($e->getMessage(), '/nonexistent/libsplio_sms.so'), $e->getMessage());
    check(str_contains($e->getMessage(), 'SPLIO_SMS_LIBRARY'), $e->getMessage());
    throws(LibraryError::class, fn () => Client::version('/nonexistent/libsplio_sms.so'));
});

test('ffi disabled is a LibraryError that says how to enable it', function (): void {
    $script = 'require ' . var_export(__DIR__ . '/../autoload.php', true) . ';'
        . 'try { SplioSms\\Client::version(); echo "loaded"; } catch (SplioSms\\LibraryError $e) { echo $e->getMessage(); }';
    $out = shell_exec(escapeshellarg(PHP_BINARY) . ' -d ffi.enable=0 -r ' . escapeshellarg($script));
    check(is_string($out) && str_contains($out, 'ffi.enable=0') && str_contains($out, 'preload.php'), (string) $out);
});

test('without a path nor SPLIO_SMS_LIBRARY the system names are tried', function (): void {
    $script = 'require ' . var_export(__DIR__ . '/../autoload.php', true) . ';'
        . 'try { SplioSms\Client::version(); echo "loaded"; } catch (SplioSms\LibraryError $e) { echo $e->getMessage(); }';
    $out = shell_exec('env -u SPLIO_SMS_LIBRARY ' . escapeshellarg(PHP_BINARY) . ' -r ' . escapeshellarg($script));
    // "loaded" where the library is installed system-wide.
    check($out === 'loaded' || (is_string($out) && str_contains($out, "'libsplio_sms.so.0'")
        && str_contains($out, "'libsplio_sms.so'") && str_contains($out, 'ldconfig')), (string) $out);
});

if (in_array('--preloaded', $argv, true)) {
    test('the preloaded scope is what clients use', function (): void {
        $scope = FFI::scope(SplioSms\Library::SCOPE);
        same(Client::version(), $scope->splio_version(), 'version');
    });
}
