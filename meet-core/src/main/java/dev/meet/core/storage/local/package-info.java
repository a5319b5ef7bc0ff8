/** Recording storage in a local directory, with the same layout as the bucket. */
@NullMarked
package dev.meet.core.storage.local;

import org.jspecify.annotations.NullMarked;
