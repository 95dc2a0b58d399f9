<?php

// The guards on sending (`text:`, `maxSegments:`) of send, sendBatch and
// validate: refused before any byte leaves, naming each recipient concerned.

declare(strict_types=1);

use SplioSms\Client;
use SplioSms\InvalidArgumentError;
use SplioSms\ValidationError;

const ZOE_AND_NAMELESS = [
    ['cellphone' => '+33612345678', 'firstname' => 'Zoé'],
    ['cellphone' => '+33612345679'],
];

test('a send leaving a placeholder empty is refused before any byte leaves', function (): void {
    $e = error_of(ValidationError::class, fn () => client()->send(DESIGN, ZOE_AND_NAMELESS, text: 'Bonjour $firstname$'));
    same(['rcpts[1]'], array_column($e->problems, 'path'), 'paths');
    check(str_contains($e->problems[0]['message'], '$firstname$'), $e->problems[0]['message']);
    same('not_sent', $e->delivery, 'delivery');
    same(0, $e->attempts, 'attempts');
    same([], Sandbox::messages(), 'nothing reached the sandbox');
});

test('a send needing more parts than maxSegments is refused', function (): void {
    // "Bonjour Zoé " and 150 a: 162 GSM-7 septets, two parts.
    $text = 'Bonjour $firstname$ ' . str_repeat('a', 150);
    $one = [ZOE_AND_NAMELESS[0]];
    $e = error_of(ValidationError::class, fn () => client()->send(DESIGN, $one, text: $text, maxSegments: 1));
    same(['rcpts[0]'], array_column($e->problems, 'path'), 'paths');
    check(str_contains($e->problems[0]['message'], 'max_segments'), $e->problems[0]['message']);
    same([], Sandbox::messages(), 'nothing reached the sandbox');
    same(1, client()->send(DESIGN, $one, text: $text, maxSegments: 2)['result']['inserted'], 'two parts allowed');
});

test('a guarded send within its limits is sent', function (): void {
    $rcpts = [ZOE_AND_NAMELESS[0], ['cellphone' => '+33612345679', 'firstname' => 'Łukasz']];
    $result = client()->send(DESIGN, $rcpts, null, 'welcome', 'Bonjour $firstname$', 1);
    same(2, $result['result']['inserted'], 'inserted');
    same('Łukasz', Sandbox::messages()[0]['rcpts'][1]['firstname'], 'sent as given');
});

test('maxSegments without the text is an InvalidArgumentError', function (): void {
    $e = error_of(InvalidArgumentError::class, fn () => client()->send(DESIGN, ONE, maxSegments: 1));
    check(str_contains($e->getMessage(), "needs the design's text"), $e->getMessage());
    error_of(InvalidArgumentError::class, fn () => client()->send(DESIGN, ONE, text: 'Hi', maxSegments: -1));
});

test('a guarded batch is refused whole and one within its limits is sent', function (): void {
    $client = client(['batch_size' => 1]);
    $e = error_of(ValidationError::class, fn () => $client->sendBatch(DESIGN, ZOE_AND_NAMELESS, text: 'Bonjour $firstname$'));
    same(['rcpts[1]'], array_column($e->problems, 'path'), 'paths');
    same([], Sandbox::messages(), 'no piece left');
    $report = $client->sendBatch(DESIGN, [ZOE_AND_NAMELESS[0]], text: 'Bonjour $firstname$', maxSegments: 1);
    same('ok', $report['status'], 'status');
    same(1, $report['totals']['inserted'], 'inserted');
});

test('a guard given both in options and as an argument is refused', function (): void {
    $e = error_of(InvalidArgumentError::class, fn () => client()->sendBatch(
        DESIGN,
        ONE,
        options: ['text' => 'Bonjour'],
        text: 'Bonjour $firstname$',
    ));
    check(str_contains($e->getMessage(), 'text'), $e->getMessage());
    same([], Sandbox::messages(), 'nothing reached the sandbox');
});

test('validate takes the guards after the settings', function (): void {
    $e = error_of(ValidationError::class, fn () => Client::validate(DESIGN, ZOE_AND_NAMELESS, text: 'Bonjour $firstname$'));
    same(['rcpts[1]'], array_column($e->problems, 'path'), 'paths');
    Client::validate(DESIGN, ZOE_AND_NAMELESS);
    $national = [['cellphone' => '06 12 34 56 78', 'firstname' => 'Zoé']];
    Client::validate(DESIGN, $national, settings: ['default_country' => 'FR'], text: 'Bonjour $firstname$', maxSegments: 1);
});
