/**
 * Outgoing webhooks: events, their canonical JSON bodies and signatures, targets, the durable outbox SPI and the
 * dispatcher that delivers from it.
 */
@NullMarked
package dev.meet.core.webhooks;

import org.jspecify.annotations.NullMarked;
