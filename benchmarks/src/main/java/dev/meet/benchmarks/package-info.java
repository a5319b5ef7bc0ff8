/**
 * JMH benchmarks of meet: the active-recording lock beside bare Redis and Redisson's locks, contention, the webhook
 * path, the collectors and the start overhead, each against real servers (Redis, s3proxy, the LiveKit emulator).
 */
@NullMarked
package dev.meet.benchmarks;

import org.jspecify.annotations.NullMarked;
