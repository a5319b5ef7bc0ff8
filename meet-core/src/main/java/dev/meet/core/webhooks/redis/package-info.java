/** Webhook outbox and target store in Redis (Redisson), shared by every instance of a deployment. */
@NullMarked
package dev.meet.core.webhooks.redis;

import org.jspecify.annotations.NullMarked;
