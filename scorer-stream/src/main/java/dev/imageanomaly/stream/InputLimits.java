package dev.imageanomaly.stream;

import java.time.Duration;

/**
 * What an input record may be before it is refused with a dead letter. Checked before anything
 * large is allocated, so no record, however big or odd, can exhaust the scorer's memory.
 *
 * @param maxRecordBytes the record's value, as it arrived
 * @param maxIdentifierBytes the record key, eventId and source, in UTF-8 bytes
 * @param maxPixels width times height declared by the image header (or the raw dimensions)
 * @param maxFuture how far ahead of the scorer's clock an eventTime may be
 */
record InputLimits(int maxRecordBytes, int maxIdentifierBytes, long maxPixels, Duration maxFuture,
        ImageEventDecoder.SizePolicy sizePolicy) {}
