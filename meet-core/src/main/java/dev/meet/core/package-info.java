/**
 * The values the recording engine takes and returns (recordings, their ids, statuses and encodings, start options,
 * outcomes and failures) and the callbacks it calls. Imports no SPI and no LiveKit type.
 */
@NullMarked
package dev.meet.core;

import org.jspecify.annotations.NullMarked;
