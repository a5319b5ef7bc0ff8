/**
 * A LiveKit server + egress emulator that speaks LiveKit's real wire protocol (Twirp over protobuf and JSON, signed
 * webhooks), for tests that must not be able to tell it from the real thing.
 */
@NullMarked
package dev.meet.testkit.livekit;

import org.jspecify.annotations.NullMarked;
