<?php

// What a PHP request pays to send one SMS, three ways (`make bench-php`):
//   kept         one Client for every send (a CLI worker, a long-running daemon)
//   per request  a Client made and freed around each send, the library already
//                loaded (PHP-FPM with bindings/php/preload.php)
//   per request, no preload   the same, plus declaring and loading the library
//                each time (PHP-FPM without preload: statics die with the request)
// against one sandbox process over loopback HTTP (no TLS: against the real
// service, a Client per request also pays a TLS handshake per send).
//
// php bench/php_per_request.php SPLIO-SMS-BINARY LIBRARY [SENDS]

declare(strict_types=1);

require __DIR__ . '/../bindings/php/autoload.php';

use SplioSms\Client;
use SplioSms\Library;

[, $binary, $library] = $argv + [null, null, null];
if (!is_string($binary) || !is_string($library)) {
    fwrite(STDERR, "usage: php bench/php_per_request.php SPLIO-SMS-BINARY LIBRARY [SENDS]\n");
    exit(2);
}
$sends = (int) ($argv[3] ?? 1000);
putenv("SPLIO_SMS_LIBRARY=$library");

$sandbox = proc_open(
    [$binary, 'sandbox', '--until-stdin-closes', '--account', 'bench:bench-key', '--design', 'AbCdEf123'],
    [0 => ['pipe', 'r'], 1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']],
    $pipes,
);
$url = trim((string) fgets($pipes[1]));
$settings = ['universe' => 'bench', 'key' => 'bench-key', 'base_url' => $url];
$one = [['cellphone' => '+33612345678', 'firstname' => 'Zoé']];

$forget = new ReflectionProperty(Library::class, 'loaded');
$variants = [
    'kept' => function () use ($settings, $one, $sends): void {
        $client = new Client($settings);
        for ($i = 0; $i < $sends; $i++) {
            $client->send('AbCdEf123', $one);
        }
    },
    'per request' => function () use ($settings, $one, $sends): void {
        for ($i = 0; $i < $sends; $i++) {
            (new Client($settings))->send('AbCdEf123', $one);
        }
    },
    'per request, no preload' => function () use ($settings, $one, $sends, $forget): void {
        for ($i = 0; $i < $sends; $i++) {
            $forget->setValue(null, []);
            (new Client($settings))->send('AbCdEf123', $one);
        }
    },
];

// Warm up: the phone metadata and the first connection, once per process.
(new Client($settings))->send('AbCdEf123', $one);

$rounds = 3;
$times = array_fill_keys(array_keys($variants), []);
for ($round = 0; $round < $rounds; $round++) {
    foreach ($variants as $name => $run) {
        $start = hrtime(true);
        $run();
        $times[$name][] = (hrtime(true) - $start) / 1e9;
    }
}

printf("%d sends per variant and round, median of %d rounds\n", $sends, $rounds);
printf("| %-24s | %12s | %14s |\n|%s|%s|%s|\n", 'PHP', 'sends/s', 'µs per send', str_repeat('-', 26), str_repeat('-', 14), str_repeat('-', 16));
foreach ($times as $name => $seconds) {
    sort($seconds);
    $median = $seconds[intdiv($rounds, 2)];
    printf("| %-24s | %12s | %14s |\n", $name, number_format($sends / $median), number_format($median / $sends * 1e6));
}

fclose($pipes[0]);
proc_close($sandbox);
