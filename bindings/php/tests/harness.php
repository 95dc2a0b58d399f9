<?php

// A tiny test runner: test() registers, run() runs and prints "N passed, N failed".

declare(strict_types=1);

/** @var array<string, Closure> */
$GLOBALS['splio_tests'] = [];

function test(string $name, Closure $body): void
{
    $GLOBALS['splio_tests'][$name] = $body;
}

final class Failed extends Exception
{
}

function check(bool $condition, string $what): void
{
    if (!$condition) {
        throw new Failed($what);
    }
}

function same(mixed $expected, mixed $actual, string $what = ''): void
{
    check($expected === $actual, "$what: expected " . var_export($expected, true) . ', got ' . var_export($actual, true));
}

/**
 * Runs $body, which must throw a $class; returns what it threw.
 *
 * @template T of Throwable
 * @param class-string<T> $class
 * @return T
 */
function throws(string $class, Closure $body): Throwable
{
    try {
        $body();
    } catch (Throwable $e) {
        check($e instanceof $class, "expected $class, got " . get_class($e) . ': ' . $e->getMessage());
        return $e;
    }
    throw new Failed("expected $class, nothing thrown");
}

function run_tests(): int
{
    $passed = $failed = 0;
    foreach ($GLOBALS['splio_tests'] as $name => $body) {
        try {
            // A fault a failed test left queued must not fail the next one.
            Sandbox::control('POST', 'reset');
            $body();
            $passed++;
            echo "ok   $name\n";
        } catch (Throwable $e) {
            $failed++;
            echo "FAIL $name: " . get_class($e) . ': ' . $e->getMessage() . "\n";
            if (!$e instanceof Failed) {
                echo $e->getTraceAsString(), "\n";
            }
        }
    }
    echo "$passed passed, $failed failed\n";
    return $failed === 0 ? 0 : 1;
}

/** The sandbox started by run.sh, driven through its control endpoints. */
final class Sandbox
{
    public static function url(): string
    {
        $url = getenv('SPLIO_SANDBOX_URL');
        if (!is_string($url) || $url === '') {
            throw new RuntimeException('SPLIO_SANDBOX_URL is not set: run tests/run.sh');
        }
        return $url;
    }

    /** @return mixed the decoded answer */
    public static function control(string $method, string $what, mixed $body = null): mixed
    {
        $context = stream_context_create(['http' => [
            'method' => $method,
            'header' => "Content-Type: application/json\r\n",
            'content' => $body === null ? '' : json_encode($body, JSON_THROW_ON_ERROR),
            'ignore_errors' => true,
        ]]);
        $root = preg_replace('#/api/triggersms/?$#', '', rtrim(self::url(), '/'));
        $text = file_get_contents("$root/_sandbox/$what", false, $context);
        return json_decode((string) $text, true, 512, JSON_THROW_ON_ERROR);
    }

    /** @param array<string, mixed> $fault */
    public static function fault(array $fault): void
    {
        self::control('POST', 'faults', $fault);
    }

    /** @return list<array<string, mixed>> */
    public static function messages(): array
    {
        return self::control('GET', 'messages');
    }
}
