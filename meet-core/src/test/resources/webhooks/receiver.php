<?php
// A webhook receiver written the way PHP receivers are: decode the body, re-encode it with json_encode (unescaped
// slashes and unicode), check the HMAC over "<timestamp>.<body>" and reject timestamps over 2 minutes old.
// 204 when valid, 401 otherwise. Run with: php -S 127.0.0.1:<port> receiver.php
$key = getenv('MEET_API_KEY');
$body = json_encode(json_decode(file_get_contents('php://input'), true), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
$timestamp = $_SERVER['HTTP_X_TIMESTAMP'] ?? '';
$signature = $_SERVER['HTTP_X_SIGNATURE'] ?? '';
$expected = hash_hmac('sha256', $timestamp . '.' . $body, $key);
$fresh = abs(round(microtime(true) * 1000) - (int) $timestamp) <= 120000;
http_response_code($fresh && hash_equals($expected, $signature) ? 204 : 401);
