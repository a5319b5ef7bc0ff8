/** Configuration: OpenVidu Meet's environment variables mapped onto meet.* properties, embedded defaults, the API key. */
@NullMarked
package dev.meet.app.config;

import org.jspecify.annotations.NullMarked;
