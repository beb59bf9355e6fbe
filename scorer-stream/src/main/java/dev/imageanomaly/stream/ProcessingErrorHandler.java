package dev.imageanomaly.stream;

import dev.imageanomaly.schemas.SchemaRegistryException;
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
 * Except when the schema registry is the trouble: that is no record's fault, so the thread fails
 * and a fresh one retries from the last commit, and nothing is skipped.
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
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryException) {
                return Response.fail();
            }
        }
        log.error("record {}-{}@{} could not be processed nor dead-lettered; skipping it", context.topic(),
                context.partition(), context.offset(), exception);
        if (metrics != null) {
            metrics.recordsSkipped.labelValues(exception.getClass().getSimpleName()).inc();
        }
        return Response.resume();
    }
}
