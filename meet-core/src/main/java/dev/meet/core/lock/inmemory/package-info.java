/** A single-instance lock provider with the same semantics as the shared ones, expiry included. */
@NullMarked
package dev.meet.core.lock.inmemory;

import org.jspecify.annotations.NullMarked;
