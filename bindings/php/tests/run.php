<?php

// The PHP suite: php run.php, with SPLIO_SANDBOX_URL and SPLIO_SMS_LIBRARY
// set (run.sh starts the sandbox and sets both).

declare(strict_types=1);

// Preloaded, the clients must use the scope: a library looked up now would not be found.
if (in_array('--preloaded', $argv, true)) {
    putenv('SPLIO_SMS_LIBRARY=/nonexistent/the-preloaded-scope-must-be-used.so');
}

require __DIR__ . '/../autoload.php';
require __DIR__ . '/harness.php';
require __DIR__ . '/client_test.php';
require __DIR__ . '/guards_test.php';
require __DIR__ . '/secrets_test.php';
require __DIR__ . '/library_test.php';

exit(run_tests());
