/**
 * The recording engine: {@link dev.meet.core.engine.RecordingManager}, a thin facade over the start flow, the
 * webhook handling, deletion and the collectors.
 */
@NullMarked
package dev.meet.core.engine;

import org.jspecify.annotations.NullMarked;
