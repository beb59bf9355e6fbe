package dev.imageanomaly.app;

import dev.imageanomaly.scoring.source.ImageSources;
import dev.imageanomaly.scoring.source.LoadedImages;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Publish a folder or IDX file of images to Kafka as ImageEvents (PNG, Confluent Avro).",
            "Example: produce --input data/fashion-mnist-test-images-idx3-ubyte.gz --limit 100 --rate 50"})
final class ProduceCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "IDX file or folder of images")
    Path input;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", defaultValue = "images", description = "default: ${DEFAULT-VALUE}")
    String topic;

    @Option(names = "--source", defaultValue = "producer", description = "source (and record key) of every event (default: ${DEFAULT-VALUE})")
    String source;

    @Option(names = "--rate", defaultValue = "0", description = "events per second; 0 = as fast as possible (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--limit", description = "publish at most this many images")
    Integer limit;

    @Override
    public Integer call() throws Exception {
        LoadedImages images = ImageSources.load(input, null);
        int count = limit == null ? images.images().size() : Math.min(limit, images.images().size());
        long start = System.nanoTime();
        try (ImagePublisher publisher = new ImagePublisher(kafka.kafkaClient(), kafka.registry(), topic)) {
            for (int i = 0; i < count; i++) {
                if (rate > 0) {
                    long due = start + (long) (i * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                publisher.publish(ImageEvents.png(source + "-" + images.ids().get(i), source, images.images().get(i),
                        Map.of("file", images.ids().get(i))));
            }
            publisher.flush();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.err.printf("published %d events to %s in %.1f s (%.0f events/s)%n", count, topic, seconds, count / seconds);
        return 0;
    }
}
