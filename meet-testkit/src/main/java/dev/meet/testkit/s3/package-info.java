/**
 * A real S3 HTTP server for tests (s3proxy in-process, SigV4 auth, in-memory storage) with a fresh bucket per test.
 */
@NullMarked
package dev.meet.testkit.s3;

import org.jspecify.annotations.NullMarked;
