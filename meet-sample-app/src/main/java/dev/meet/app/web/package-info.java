/** HTTP plumbing: API-key authentication, body limits, JSON error bodies, the LiveKit webhook endpoint. */
@NullMarked
package dev.meet.app.web;

import org.jspecify.annotations.NullMarked;
