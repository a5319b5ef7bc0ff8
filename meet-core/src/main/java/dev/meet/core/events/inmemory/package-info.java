/** Signals within one process. */
@NullMarked
package dev.meet.core.events.inmemory;

import org.jspecify.annotations.NullMarked;
