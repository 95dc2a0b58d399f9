<?php

// The key never shows: not in var_dump, print_r, var_export of a Client, nor
// in the message, trace or dump of any exception, with traces keeping
// arguments (run.sh sets zend.exception_ignore_args=0).

declare(strict_types=1);

use SplioSms\Client;
use SplioSms\LibraryError;
use SplioSms\SplioException;

/** Everything PHP can tell about a value, as text. */
function every_view(mixed $value): string
{
    ob_start();
    var_dump($value);
    debug_zval_dump($value);
    $text = ob_get_clean() . print_r($value, true) . var_export($value, true);
    if ($value instanceof Throwable) {
        $text .= $value . $value->getTraceAsString() . print_r($value->getTrace(), true);
        $text .= var_export($value->getTrace(), true);
    }
    return $text;
}

function assert_no_key(mixed $value, string $what): void
{
    $text = every_view($value);
    check($text !== '', "$what: nothing to look at");
    check(!str_contains($text, KEY), "$what shows the key");
}

test('traces keep arguments in this run', function (): void {
    same('0', ini_get('zend.exception_ignore_args'), 'zend.exception_ignore_args');
});

test('a client shows no key', function (): void {
    $client = client();
    assert_no_key($client, 'Client');
    check(str_contains(print_r($client, true), UNIVERSE), 'print_r shows the universe');
});

test('exceptions from the constructor show no key', function (): void {
    $cases = [
        'unknown setting' => fn () => new Client(['universe' => UNIVERSE, 'key' => KEY, 'tiemout_ms' => 1]),
        'bad value' => fn () => new Client(['universe' => UNIVERSE, 'key' => KEY, 'timeout_ms' => KEY]),
        'key with a space' => fn () => new Client(['universe' => UNIVERSE, 'key' => KEY . ' x']),
        'not utf8' => fn () => new Client(['universe' => UNIVERSE, 'key' => KEY, 'proxy' => "\xFF"]),
        'no library' => fn () => new Client(['universe' => UNIVERSE, 'key' => KEY], '/nonexistent/libsplio_sms.so'),
        'wrong type' => fn () => new Client(['universe' => UNIVERSE, 'key' => KEY], 42),
    ];
    foreach ($cases as $name => $body) {
        $e = throws(Throwable::class, $body);
        check($e instanceof SplioException || $e instanceof LibraryError || $e instanceof TypeError, "$name: " . get_class($e));
        assert_no_key($e, $name);
    }
});

test('exceptions from a send show no key', function (): void {
    $client = client();
    Sandbox::fault(['fault' => 'status', 'status' => 500, 'body' => '<html>' . KEY . '</html>']);
    assert_no_key(throws(SplioException::class, fn () => $client->send(DESIGN, ONE)), 'server error');
    assert_no_key(throws(SplioException::class, fn () => $client->send(DESIGN, [['cellphone' => '1']])), 'validation');
});
