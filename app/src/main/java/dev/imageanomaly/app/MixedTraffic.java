package dev.imageanomaly.app;

import dev.imageanomaly.schemas.avro.ImageEncoding;
import dev.imageanomaly.schemas.avro.ImageEvent;
import dev.imageanomaly.scoring.image.DecodedImage;
import dev.imageanomaly.scoring.source.LoadedImages;
import dev.imageanomaly.trainer.data.Splits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The traffic of the demo and the streaming tests: held-out MNIST digits (normal) and Fashion-MNIST
 * articles (anomalous) as PNG image events from four cameras, with broken records spread among
 * them, in a seeded random order. Remembers the truth of every event it sent.
 */
final class MixedTraffic {

    private static final String[] FASHION_CLASSES = {"T-shirt", "trouser", "pullover", "dress", "coat", "sandal",
        "shirt", "sneaker", "bag", "ankle boot"};

    /** What was sent: the record count and, per event id, whether the event is really anomalous. */
    record Sent(int count, Map<String, Boolean> anomalousTruth, int broken) {}

    private final LoadedImages digits;
    private final int[] heldOutDigits;
    private final LoadedImages fashion;
    private final int cameras;

    /** @param heldOutDigits indexes of digits the model was not trained on, sent in this order */
    MixedTraffic(LoadedImages digits, int[] heldOutDigits, LoadedImages fashion) {
        this(digits, heldOutDigits, fashion, 4);
    }

    private MixedTraffic(LoadedImages digits, int[] heldOutDigits, LoadedImages fashion, int cameras) {
        this.digits = digits;
        this.heldOutDigits = heldOutDigits;
        this.fashion = fashion;
        this.cameras = cameras;
    }

    /** The same traffic from {@code n} cameras (record keys), e.g. to spread it over more partitions. */
    MixedTraffic fromCameras(int n) {
        return new MixedTraffic(digits, heldOutDigits, fashion, n);
    }

    /** @param rate events per second; 0 sends everything at once */
    Sent publish(ImagePublisher publisher, int digitCount, int fashionCount, int brokenCount, double rate)
            throws InterruptedException {
        Map<String, Boolean> truth = new HashMap<>();
        List<Runnable> sends = new ArrayList<>();
        for (int i = 0; i < digitCount; i++) {
            int index = heldOutDigits[i];
            String id = "digit-" + index;
            DecodedImage image = digits.images().get(index);
            String label = "digit " + digits.labels()[index];
            truth.put(id, false);
            sends.add(() -> publisher.publish(ImageEvents.png(id, camera(index), image, Map.of("truth", label))));
        }
        for (int i = 0; i < fashionCount; i++) {
            int index = i;
            String id = "fashion-" + index;
            DecodedImage image = fashion.images().get(index);
            String label = FASHION_CLASSES[fashion.labels()[index]];
            truth.put(id, true);
            sends.add(() -> publisher.publish(ImageEvents.png(id, camera(index), image, Map.of("truth", label))));
        }
        for (int i = 0; i < brokenCount; i++) {
            int n = i;
            sends.add(() -> sendBroken(publisher, n, digits.images().get(n)));
        }
        int[] order = Splits.permutation(sends.size(), new Random(7));
        long start = System.nanoTime();
        for (int i = 0; i < order.length; i++) {
            if (rate > 0) {
                long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            sends.get(order[i]).run();
        }
        publisher.flush();
        return new Sent(sends.size(), truth, brokenCount);
    }

    /**
     * Four kinds of bad input a real stream sees, in turn: bytes that are not an event at all, a
     * truncated PNG, a raw image of the wrong size, a tombstone.
     */
    static void sendBroken(ImagePublisher publisher, int n, DecodedImage image) {
        String source = "camera-broken";
        switch (n % 4) {
            case 0 -> publisher.publishRaw(source, ("not an image event #" + n).getBytes(StandardCharsets.UTF_8));
            case 1 -> {
                byte[] png = ImageEvents.encodePng(image);
                publisher.publish(ImageEvent.newBuilder().setEventId("broken-" + n).setSource(source)
                        .setEventTime(Instant.now()).setEncoding(ImageEncoding.PNG)
                        .setImage(ByteBuffer.wrap(Arrays.copyOf(png, png.length / 2))).build());
            }
            case 2 -> publisher.publish(ImageEvent.newBuilder().setEventId("broken-" + n).setSource(source)
                    .setEventTime(Instant.now()).setEncoding(ImageEncoding.RAW_U8).setWidth(28).setHeight(28)
                    .setChannels(1).setImage(ByteBuffer.wrap(new byte[700])).build());
            default -> publisher.publishRaw(source, null);
        }
    }

    private String camera(int index) {
        return "camera-" + (index % cameras + 1);
    }
}
