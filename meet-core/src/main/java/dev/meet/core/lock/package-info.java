/** The per-room active-recording lock SPI: value-fenced, releasable by any instance. */
@NullMarked
package dev.meet.core.lock;

import org.jspecify.annotations.NullMarked;
