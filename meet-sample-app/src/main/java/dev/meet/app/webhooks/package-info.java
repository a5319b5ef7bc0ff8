/** The {@code /webhooks} resource: the webhooks this backend sends, their deliveries, tests and redeliveries. */
@NullMarked
package dev.meet.app.webhooks;

import org.jspecify.annotations.NullMarked;
