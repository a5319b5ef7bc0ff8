/** The recording storage SPI and its key layout: metadata, secrets and media. */
@NullMarked
package dev.meet.core.storage;

import org.jspecify.annotations.NullMarked;
