<?php

// The PHP face of the conformance suite (tests/conformance), through
// SplioSms\Client as a PHP program calls it: reads cases as three lines each
// on stdin (the operation, the settings JSON, the request JSON) and answers
// each with one line: the exception's class ("returned" when none), a space,
// and the document (the contract's error document, rebuilt from the
// exception's properties), or the message of an exception that is not a
// SplioException. A case PHP's API cannot express is answered
// "INEXPRESSIBLE <why>". A case's guards follow the operation on its line
// (`send {"text": ...}`) and reach the API as the named arguments `text:`
// and `maxSegments:`.
//
// php tests/conformance/face.php LIBRARY

declare(strict_types=1);

require __DIR__ . '/../../bindings/php/autoload.php';

use SplioSms\Client;
use SplioSms\SplioException;

const REQUEST_KEYS = ['message', 'rcpts', 'opcode', 'category'];

function answer(string $native, mixed $document): void
{
    $json = JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE | JSON_PRESERVE_ZERO_FRACTION;
    echo $native, ' ', is_string($document) ? str_replace("\n", ' ', $document) : json_encode($document, $json), "\n";
    fflush(STDOUT);
}

/** @return array<string, mixed> */
function error_document(SplioException $e): array
{
    $error = [
        'kind' => $e->kind,
        'message' => $e->getMessage(),
        'http_status' => $e->httpStatus,
        'delivery' => $e->delivery,
        'attempts' => $e->attempts,
        'problems' => $e->problems,
    ];
    if ($e->retryAfter !== null) {
        $error['retry_after_ms'] = (int) round($e->retryAfter * 1000);
    }
    return ['status' => 'error', 'error' => $error];
}

final class Inexpressible extends Exception
{
}

/** @return array<string, mixed> */
function object_of(string $text, string $what): array
{
    $value = $text === '' ? [] : json_decode($text, true);
    if (!is_array($value) || ($value !== [] && array_is_list($value))) {
        throw new Inexpressible("PHP passes $what as an array, not JSON text");
    }
    return $value;
}

/**
 * The guards on the operation's line as the named arguments of send,
 * sendBatch and validate.
 *
 * @return array<string, mixed>
 */
function guard_arguments(?string $guardsText): array
{
    if ($guardsText === null) {
        return [];
    }
    $guards = object_of($guardsText, 'guards');
    $names = ['text' => 'text', 'max_segments' => 'maxSegments'];
    $arguments = [];
    foreach ($guards as $name => $value) {
        if (!isset($names[$name])) {
            throw new Inexpressible("no named argument for the guard $name");
        }
        if (!($name === 'text' ? is_string($value) : is_int($value))) {
            throw new Inexpressible("the guard $name is typed: " . ($name === 'text' ? 'string' : 'int'));
        }
        $arguments[$names[$name]] = $value;
    }
    return $arguments;
}

/** @return mixed the PHP API's answer */
function call(string $op, string $settingsText, string $requestText, string $library): mixed
{
    [$op, $guardsText] = array_pad(explode(' ', $op, 2), 2, null);
    $guards = guard_arguments($guardsText);
    $settings = object_of($settingsText, 'settings');
    $request = $requestText === '' ? [] : object_of($requestText, 'a request');
    if ($op === 'preview') {
        if (array_diff(array_keys($request), ['text', 'rcpts', 'settings']) || !isset($request['text'], $request['rcpts'])) {
            throw new Inexpressible('preview takes a text and recipients');
        }
        return Client::preview($request['text'], $request['rcpts'], $settings, $library);
    }
    if ($op !== 'client_new') {
        if (array_diff(array_keys($request), REQUEST_KEYS) || !array_key_exists('message', $request) || !array_key_exists('rcpts', $request)) {
            throw new Inexpressible('a missing or unknown argument cannot be written in a PHP call');
        }
    }
    $arguments = [$request['message'] ?? null, $request['rcpts'] ?? null, $request['opcode'] ?? null, $request['category'] ?? null];
    if ($op === 'validate') {
        Client::validate(...[...$arguments, $settings, $library], ...$guards);
        return ['status' => 'ok'];
    }
    $client = new Client($settings, $library);
    return match ($op) {
        'client_new' => ['status' => 'ok'],
        'send' => $client->send(...$arguments, ...$guards),
        'send_batch' => $client->sendBatch(...$arguments, ...$guards),
        default => throw new Inexpressible("no operation $op"),
    };
}

$library = $argv[1] ?? '';
while (($op = fgets(STDIN)) !== false) {
    $settingsText = fgets(STDIN);
    $requestText = fgets(STDIN);
    if ($settingsText === false || $requestText === false) {
        break;
    }
    try {
        answer('returned', call(rtrim($op, "\n"), rtrim($settingsText, "\n"), rtrim($requestText, "\n"), $library));
    } catch (Inexpressible $e) {
        answer('INEXPRESSIBLE', $e->getMessage());
    } catch (SplioException $e) {
        answer((new ReflectionClass($e))->getShortName(), error_document($e));
    } catch (Throwable $e) {
        answer((new ReflectionClass($e))->getShortName(), $e->getMessage());
    }
}
