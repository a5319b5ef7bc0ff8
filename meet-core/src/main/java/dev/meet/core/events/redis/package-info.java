/** Signals across instances over Redis pub/sub (Redisson). */
@NullMarked
package dev.meet.core.events.redis;

import org.jspecify.annotations.NullMarked;
