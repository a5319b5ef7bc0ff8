/** The Redis lock provider (Redisson), value-fenced with SET NX PX and compare-and-delete. */
@NullMarked
package dev.meet.core.lock.redis;

import org.jspecify.annotations.NullMarked;
