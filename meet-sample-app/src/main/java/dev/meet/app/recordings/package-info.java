/** The recordings endpoints: start, stop, read, list, delete, media ranges, downloads and access secrets. */
@NullMarked
package dev.meet.app.recordings;

import org.jspecify.annotations.NullMarked;
