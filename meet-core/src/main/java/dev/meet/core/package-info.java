/** The recording engine: {@link dev.meet.core.RecordingManager} and the values it takes and returns. */
@NullMarked
package dev.meet.core;

import org.jspecify.annotations.NullMarked;
