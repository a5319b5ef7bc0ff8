/** The LiveKit side: egress and room calls through the LiveKit SDK, webhook verification, the room policy. */
@NullMarked
package dev.meet.core.livekit;

import org.jspecify.annotations.NullMarked;
