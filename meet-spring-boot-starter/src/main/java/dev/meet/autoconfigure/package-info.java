/** Spring Boot auto-configuration of meet: properties, the webhook endpoint, collectors, health and metrics. */
@NullMarked
package dev.meet.autoconfigure;

import org.jspecify.annotations.NullMarked;
