/**
 * Helpers shared by the providers (the stored JSON of recordings, the stored form of lock values). Not API: an
 * application never needs these, and they may change in any release.
 */
@NullMarked
package dev.meet.core.support;

import org.jspecify.annotations.NullMarked;
