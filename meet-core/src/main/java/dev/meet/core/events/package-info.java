/** The cross-instance signal SPI: an egress became active. */
@NullMarked
package dev.meet.core.events;

import org.jspecify.annotations.NullMarked;
