/** Webhook outbox and target store in one process: in memory, or durable in a data directory. */
@NullMarked
package dev.meet.core.webhooks.local;

import org.jspecify.annotations.NullMarked;
