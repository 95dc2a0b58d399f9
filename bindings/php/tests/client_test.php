<?php

// SplioSms\Client against the sandbox: success, every error kind, UTF-8,
// batches, validation and bad arguments.

declare(strict_types=1);

use SplioSms\AuthenticationError;
use SplioSms\BadRequestError;
use SplioSms\Client;
use SplioSms\InsufficientCreditError;
use SplioSms\InvalidArgumentError;
use SplioSms\ProtocolError;
use SplioSms\RateLimitedError;
use SplioSms\ServerError;
use SplioSms\SplioException;
use SplioSms\TimeoutError;
use SplioSms\TransportError;
use SplioSms\ValidationError;

const UNIVERSE = 'php_universe';
const KEY = 'php-key-secret-7Q';
const DESIGN = 'AbCdEf123';
const ONE = [['cellphone' => '+33612345678']];

/** @param array<string, mixed> $extra */
function client(array $extra = []): Client
{
    return new Client(['universe' => UNIVERSE, 'key' => KEY, 'base_url' => Sandbox::url()] + $extra);
}

function error_of(string $class, Closure $body): SplioException
{
    $e = throws($class, $body);
    check($e instanceof SplioException, get_class($e) . ' is a SplioException');
    return $e;
}

test('send returns the contract success document', function (): void {
    $result = client()->send(DESIGN, [
        ['cellphone' => '+33 6 12 34 56 78', 'firstname' => 'John', 'c0' => 123456],
        ['cellphone' => '+8618612345678'],
    ], null, 'welcome');
    same('ok', $result['status'], 'status');
    same(2, $result['result']['inserted'], 'inserted');
    same(200, $result['http_status'], 'http_status');
    same(1, $result['attempts'], 'attempts');
    same(0, $result['dropped_duplicates'], 'dropped_duplicates');
    check(is_string($result['result']['campaign_id']), 'campaign_id');
});

test('utf8 names reach the sandbox intact', function (): void {
    Sandbox::control('POST', 'reset');
    $names = ['firstname' => 'Zoé', 'lastname' => 'Nguyễn 李 Ørsted 🙂'];
    client()->send(DESIGN, [['cellphone' => '+33612345678'] + $names], 'O12345', 'café');
    $messages = Sandbox::messages();
    same(1, count($messages), 'messages recorded');
    same('Zoé', $messages[0]['rcpts'][0]['firstname'], 'firstname');
    same('Nguyễn 李 Ørsted 🙂', $messages[0]['rcpts'][0]['lastname'], 'lastname');
    same('café', $messages[0]['category'], 'category');
    same('O12345', $messages[0]['opcode'], 'opcode');
});

test('validation errors name every problem and send nothing', function (): void {
    Sandbox::control('POST', 'reset');
    $e = error_of(ValidationError::class, fn () => client()->send(DESIGN, [
        ['cellphone' => '12'],
        ['cellphone' => '+33612345678'],
        ['cellphone' => '+33612345678'],
    ]));
    same('validation', $e->getKind(), 'kind');
    same('not_sent', $e->getDelivery(), 'delivery');
    same(0, $e->getAttempts(), 'attempts');
    $paths = array_column($e->getProblems(), 'path');
    check(in_array('rcpts[0].cellphone', $paths, true), 'rcpts[0] in ' . implode(',', $paths));
    check(count($paths) >= 2, 'the duplicate is a problem too: ' . implode(',', $paths));
    same([], Sandbox::messages(), 'nothing reached the sandbox');
});

test('a wrong key is an AuthenticationError', function (): void {
    $wrong = new Client(['universe' => UNIVERSE, 'key' => 'wrong', 'base_url' => Sandbox::url()]);
    $e = error_of(AuthenticationError::class, fn () => $wrong->send(DESIGN, ONE));
    same('auth', $e->kind, 'kind');
    same('not_sent', $e->delivery, 'delivery');
    check(str_contains($e->getMessage(), 'invalid key for this universe'), $e->getMessage());
});

test('an unknown design is a BadRequestError', function (): void {
    $e = error_of(BadRequestError::class, fn () => client()->send('ZzZzZz999', ONE));
    same('bad_request', $e->kind, 'kind');
    check(str_contains($e->getMessage(), 'invalid message ID'), $e->getMessage());
});

test('a blocked answer is an InsufficientCreditError', function (): void {
    Sandbox::fault(['fault' => 'status', 'status' => 200, 'body' => '{"status":"blocked"}']);
    $e = error_of(InsufficientCreditError::class, fn () => client()->send(DESIGN, ONE));
    same('not_sent', $e->delivery, 'delivery');
});

test('a 429 is a RateLimitedError with retry after', function (): void {
    Sandbox::fault(['fault' => 'rate_limit', 'retry_after' => 3600]);
    $e = error_of(RateLimitedError::class, fn () => client()->send(DESIGN, ONE));
    same(3600.0, $e->getRetryAfter(), 'retry after');
    same(429, $e->getHttpStatus(), 'http status');
});

test('a 500 is a ServerError whose delivery is unknown', function (): void {
    Sandbox::fault(['fault' => 'status', 'status' => 500, 'body' => '<html>boom</html>']);
    $e = error_of(ServerError::class, fn () => client()->send(DESIGN, ONE));
    same('unknown', $e->delivery, 'delivery');
    same(500, $e->httpStatus, 'http status');
});

test('an html 200 is a ProtocolError', function (): void {
    Sandbox::fault(['fault' => 'status', 'status' => 200, 'body' => '<html>captive portal</html>']);
    $e = error_of(ProtocolError::class, fn () => client()->send(DESIGN, ONE));
    same('protocol', $e->kind, 'kind');
});

test('no answer in time is a TimeoutError whose delivery is unknown', function (): void {
    $slow = client(['timeout_ms' => 300]);
    Sandbox::fault(['fault' => 'latency', 'ms' => 1500]);
    $e = error_of(TimeoutError::class, fn () => $slow->send(DESIGN, ONE));
    same('unknown', $e->delivery, 'delivery');
});

test('a refused connection is a TransportError, not sent', function (): void {
    $nowhere = new Client(['universe' => 'u', 'key' => 'k', 'base_url' => 'http://127.0.0.1:1/', 'max_retries' => 0]);
    $e = error_of(TransportError::class, fn () => $nowhere->send(DESIGN, ONE));
    same('not_sent', $e->delivery, 'delivery');
    same(1, $e->attempts, 'attempts');
});

test('sendBatch returns the report, partial when credit runs out', function (): void {
    Sandbox::control('POST', 'settings', ['credit' => 1]);
    try {
        $report = client(['batch_size' => 1, 'concurrency' => 1])
            ->sendBatch(DESIGN, [['cellphone' => '+33612345678'], ['cellphone' => '+33612345679']]);
    } finally {
        Sandbox::control('POST', 'settings', ['credit' => null]);
    }
    same('partial', $report['status'], 'status');
    same(1, $report['totals']['inserted'], 'inserted');
    same([1], $report['not_sent'], 'not_sent');
    same([], $report['unknown'], 'unknown');
    same(2, count($report['batches']), 'batches');
});

test('sendBatch throws when the request is refused before sending', function (): void {
    error_of(ValidationError::class, fn () => client()->sendBatch(DESIGN, [['cellphone' => 'nope']]));
    error_of(InvalidArgumentError::class, fn () => client()->sendBatch(DESIGN, ONE, null, null, ['journl' => '/tmp/x']));
});

test('validate passes a good request and names problems of a bad one', function (): void {
    Client::validate(DESIGN, ONE);
    Client::validate(DESIGN, [['cellphone' => '06 12 34 56 78']], null, null, ['default_country' => 'FR']);
    $e = error_of(ValidationError::class, fn () => Client::validate('short', [['cellphone' => '06 12 34 56 78']]));
    $paths = array_column($e->problems, 'path');
    check(in_array('message', $paths, true) && in_array('rcpts[0].cellphone', $paths, true), implode(',', $paths));
});

test('preview renders each recipient', function (): void {
    $preview = Client::preview('Bonjour $firstname$', [['cellphone' => '+33612345678', 'firstname' => 'Zoé']]);
    same('Bonjour Zoé', $preview['recipients'][0]['text'], 'text');
    same(1, $preview['totals']['segments'], 'segments');
});

test('version is the crate version', function (): void {
    check(preg_match('/^\d+\.\d+\.\d+/', Client::version()) === 1, Client::version());
});

test('missing or bad settings are InvalidArgumentError', function (): void {
    foreach ([
        [],
        ['universe' => UNIVERSE],
        ['universe' => UNIVERSE, 'key' => KEY, 'timeout_ms' => 'soon'],
        ['universe' => UNIVERSE, 'key' => KEY, 'tiemout_ms' => 5],
        ['universe' => UNIVERSE, 'key' => KEY, 'method' => 'GET'],
        [UNIVERSE, KEY],
    ] as $settings) {
        $e = error_of(InvalidArgumentError::class, fn () => new Client($settings));
        same('invalid_argument', $e->kind, json_encode($settings));
        same('not_sent', $e->delivery, 'delivery');
    }
});

test('wrong argument types are TypeErrors', function (): void {
    $client = client();
    throws(TypeError::class, fn () => $client->send(123, ONE));
    throws(TypeError::class, fn () => $client->send(DESIGN, '+33612345678'));
    throws(TypeError::class, fn () => $client->send(DESIGN, ONE, 12));
    throws(TypeError::class, fn () => new Client('universe=u&key=k'));
});

test('bad recipients are refused by the library with their path', function (): void {
    $client = client();
    foreach ([
        [['+33612345678']],
        ['+33612345678'],
        ['a' => ['cellphone' => '+33612345678']],
        [],
        [['cellphone' => '+33612345678', 'firstname' => ['nested']]],
    ] as $rcpts) {
        $e = throws(SplioException::class, fn () => $client->send(DESIGN, $rcpts));
        check(in_array($e->kind, ['validation', 'invalid_argument'], true), json_encode($rcpts) . ': ' . $e->kind);
        same('not_sent', $e->delivery, json_encode($rcpts));
    }
});

test('text that is not utf8 is an InvalidArgumentError', function (): void {
    $e = error_of(InvalidArgumentError::class, fn () => client()->send(DESIGN, [['cellphone' => '+33612345678', 'firstname' => "Zo\xE9"]]));
    check(str_contains($e->getMessage(), 'UTF-8'), $e->getMessage());
    error_of(InvalidArgumentError::class, fn () => client(['user_agent_suffix' => "\xFF"]));
});

test('a client can be neither cloned nor serialized', function (): void {
    $client = client();
    throws(Error::class, fn () => clone $client);
    throws(LogicException::class, fn () => serialize($client));
});

test('many clients made and dropped in turn all send', function (): void {
    for ($i = 0; $i < 50; $i++) {
        same('ok', client()->send(DESIGN, ONE)['status'], "client $i");
    }
});
