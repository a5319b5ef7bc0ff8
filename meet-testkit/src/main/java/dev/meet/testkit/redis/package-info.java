/**
 * A real Redis for tests (an existing one, a container or an embedded binary), chosen so tests pass on a bare JDK.
 */
@NullMarked
package dev.meet.testkit.redis;

import org.jspecify.annotations.NullMarked;
