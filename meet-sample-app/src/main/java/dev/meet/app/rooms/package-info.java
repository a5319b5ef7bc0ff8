/** Meet rooms: the room store SPI and its local and S3 implementations, room lifecycle from LiveKit events, deletion policies, the auto-deletion collector. */
@NullMarked
package dev.meet.app.rooms;

import org.jspecify.annotations.NullMarked;
