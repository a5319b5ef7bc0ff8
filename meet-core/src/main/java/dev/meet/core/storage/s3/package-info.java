/** Recording storage in an S3 bucket (AWS SDK v2), with conditional writes. */
@NullMarked
package dev.meet.core.storage.s3;

import org.jspecify.annotations.NullMarked;
