package dev.imageanomaly.stream;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last line of defence for one record: the processor turns every failure it can foresee into a
 * dead letter; if even that throws (the dead letter cannot be built or forwarded), the record is
 * logged with its coordinates, counted and skipped, so one record can never stop its partition.
 */
public final class ProcessingErrorHandler implements ProcessingExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProcessingErrorHandler.class);

    private ScorerMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        metrics = (ScorerMetrics) configs.get(ScorerMetrics.CONFIG_KEY);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        log.error("record {}-{}@{} could not be processed nor dead-lettered; skipping it", context.topic(),
                context.partition(), context.offset(), exception);
        if (metrics != null) {
            metrics.recordsSkipped.labelValues(exception.getClass().getSimpleName()).inc();
        }
        return Response.resume();
    }
}
