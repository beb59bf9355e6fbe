package dev.imageanomaly.stream;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What to do when Kafka refuses an output record. Outputs are built to fit the configured limit, so
 * this is the safety net for a topic whose own limit is lower: the one refused record is logged,
 * counted and skipped, and the partition goes on. Anything else fails as Kafka Streams would by
 * default (a fresh stream thread retries from the last commit), because skipping on, say, a broker
 * error would lose outputs.
 */
public final class OutputErrorHandler implements ProductionExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(OutputErrorHandler.class);

    private ScorerMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        metrics = (ScorerMetrics) configs.get(ScorerMetrics.CONFIG_KEY);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        // A changelog record carries buffered state: skipping it could lose an event after a crash.
        boolean output = !record.topic().endsWith("-changelog");
        if (output && (exception instanceof RecordTooLargeException || exception instanceof RecordBatchTooLargeException)) {
            int bytes = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
            log.error("Kafka refused a {}-byte record for {} (from input {}-{}@{}): {}; skipping it", bytes,
                    record.topic(), context.topic(), context.partition(), context.offset(), exception.getMessage());
            if (metrics != null) {
                metrics.outputsDropped.labelValues(record.topic(), exception.getClass().getSimpleName()).inc();
            }
            return Response.resume();
        }
        return Response.fail();
    }
}
