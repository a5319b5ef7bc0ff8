/** The standalone backend: OpenVidu Meet's REST API (rooms and recordings) over the meet recording engine. */
@NullMarked
package dev.meet.app;

import org.jspecify.annotations.NullMarked;
