<?php

// For projects without Composer: require this file, then use SplioSms\Client.

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    $prefix = 'SplioSms\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) {
        return;
    }
    $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($file)) {
        require $file;
    }
});
