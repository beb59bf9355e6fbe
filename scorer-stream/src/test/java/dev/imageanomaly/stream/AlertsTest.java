package dev.imageanomaly.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imageanomaly.schemas.ConfluentWireFormat;
import dev.imageanomaly.schemas.avro.AnomalyAlert;
import dev.imageanomaly.schemas.avro.AnomalyScore;
import dev.imageanomaly.schemas.avro.Severity;
import dev.imageanomaly.schemas.avro.Verdict;
import dev.imageanomaly.scoring.image.DecodedImage;
import dev.imageanomaly.scoring.image.ImageDecoder;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AlertsTest {

    private static final double[] RATIOS = {1.5, 2.5, 4.0};
    private static final int MAX_SIDE = 64;

    private static final int ATTRIBUTES_MAX_BYTES = 1024;
    private static final int MAX_RECORD_BYTES = 1_000_000;

    private final Alerts alerts = new Alerts(RATIOS, MAX_SIDE, ATTRIBUTES_MAX_BYTES, MAX_RECORD_BYTES);

    @Nested
    class SeverityLevels {

        private static final double THRESHOLD = 2.0;

        /** Score for an exact ratio, or the largest double just below it (scaling by 2 is exact). */
        private static double score(double ratio, boolean justBelow) {
            return (justBelow ? Math.nextDown(ratio) : ratio) * THRESHOLD;
        }

        @ParameterizedTest(name = "ratio {0}{1} -> {2}")
        @CsvSource({
                "0.5, '',  LOW",
                "1.0, '',  LOW",
                "1.5, '-', LOW",
                "1.5, '',  MEDIUM",
                "2.5, '-', MEDIUM",
                "2.5, '',  HIGH",
                "4.0, '-', HIGH",
                "4.0, '',  CRITICAL",
                "50,  '',  CRITICAL",
        })
        void eachLevelStartsExactlyAtItsRatioAndEndsJustBelowTheNext(double ratio, String justBelow,
                Severity expected) {
            assertThat(alerts.severity(score(ratio, justBelow.equals("-")), THRESHOLD)).isEqualTo(expected);
        }

        @Test
        void theLevelsFollowTheConfiguredRatios() {
            Alerts strict = new Alerts(new double[] {1.1, 1.2, 1.3}, MAX_SIDE, ATTRIBUTES_MAX_BYTES,
                    MAX_RECORD_BYTES);

            assertThat(strict.severity(1.05, 1.0)).isEqualTo(Severity.LOW);
            assertThat(strict.severity(1.15, 1.0)).isEqualTo(Severity.MEDIUM);
            assertThat(strict.severity(1.25, 1.0)).isEqualTo(Severity.HIGH);
            assertThat(strict.severity(1.35, 1.0)).isEqualTo(Severity.CRITICAL);
        }

        @Test
        void aThresholdThatIsNotPositiveGivesNoRatioToGradeBySoTheAlertIsCritical() {
            assertThat(alerts.severity(0.1, 0.0)).isEqualTo(Severity.CRITICAL);
            assertThat(alerts.severity(0.1, -1.0)).isEqualTo(Severity.CRITICAL);
        }
    }

    @Nested
    class Thumbnail {

        @ParameterizedTest(name = "{0}x{1}x{2}")
        @CsvSource({
                "200, 100, 1",
                "100, 300, 3",
                "65,  64,  1",
                "64,  640, 3",
                "1000, 3,  1",
        })
        void aLargeImageShrinksToTheMaxSideKeepingItsAspectAndChannels(int width, int height, int channels)
                throws Exception {
            DecodedImage image = random(width, height, channels);

            DecodedImage thumb = ImageDecoder.decodeEncoded(alerts.thumbnail(image));

            assertThat(thumb.channels()).isEqualTo(channels);
            assertThat(Math.max(thumb.width(), thumb.height())).isEqualTo(MAX_SIDE);
            double scale = (double) MAX_SIDE / Math.max(width, height);
            assertThat((double) thumb.width()).isCloseTo(Math.max(1, width * scale), within(0.5));
            assertThat((double) thumb.height()).isCloseTo(Math.max(1, height * scale), within(0.5));
        }

        @ParameterizedTest(name = "{0}x{1}x{2}")
        @CsvSource({
                "28, 28, 1",
                "64, 64, 3",
                "1,  1,  1",
                "17, 9,  3",
        })
        void anImageNoLargerThanTheMaxSideIsKeptPixelForPixel(int width, int height, int channels)
                throws Exception {
            DecodedImage image = random(width, height, channels);

            DecodedImage thumb = ImageDecoder.decodeEncoded(alerts.thumbnail(image));

            assertThat(thumb.width()).isEqualTo(width);
            assertThat(thumb.height()).isEqualTo(height);
            assertThat(thumb.channels()).isEqualTo(channels);
            assertThat(thumb.pixels()).isEqualTo(image.pixels());
        }

        @Test
        void isAPng() {
            assertThat(alerts.thumbnail(random(200, 100, 3))).startsWith(0x89, 'P', 'N', 'G');
        }

        @Test
        void shrinkingKeepsWhatIsWhereAndEachColourInItsChannel() throws Exception {
            // Four quadrants of distinct colours, 128x96, thumbnailed to 64x48.
            int w = 128;
            int h = 96;
            int[][] colours = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 0}};
            byte[] px = new byte[w * h * 3];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int[] c = colours[quadrant(x, y, w, h)];
                    for (int ch = 0; ch < 3; ch++) {
                        px[(y * w + x) * 3 + ch] = (byte) c[ch];
                    }
                }
            }

            DecodedImage thumb = ImageDecoder.decodeEncoded(alerts.thumbnail(new DecodedImage(w, h, 3, px)));

            assertThat(thumb.width()).isEqualTo(64);
            assertThat(thumb.height()).isEqualTo(48);
            for (int y = 0; y < thumb.height(); y++) {
                for (int x = 0; x < thumb.width(); x++) {
                    int[] c = colours[quadrant(x, y, thumb.width(), thumb.height())];
                    for (int ch = 0; ch < 3; ch++) {
                        assertThat(thumb.at(x, y, ch)).as("(%d,%d) channel %d", x, y, ch).isEqualTo(c[ch]);
                    }
                }
            }
        }

        private static int quadrant(int x, int y, int w, int h) {
            return (y < h / 2 ? 0 : 2) + (x < w / 2 ? 0 : 1);
        }
    }

    @Nested
    class Alert {

        @Test
        void carriesTheScoresFieldsTheEventsAttributesTheSeverityAndAThumbnail() throws Exception {
            AnomalyScore score = AnomalyScore.newBuilder()
                    .setEventId("evt-42").setSource("camera-7")
                    .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                    .setModelName("mnist").setModelVersion("v3")
                    .setScore(6.0).setFeatureScores(Map.of("residual", 5.5, "critic", 0.5))
                    .setThreshold(2.0).setVerdict(Verdict.ANOMALY)
                    .setScoringLatencyMs(12.5).setScoredAt(Instant.ofEpochMilli(1_700_000_000_123L))
                    .build();
            Map<String, String> attributes = Map.of("line", "3", "shift", "night");

            AnomalyAlert alert = alerts.alert(score, attributes, random(280, 140, 1));

            assertThat(alert.getEventId()).isEqualTo("evt-42");
            assertThat(alert.getSource()).isEqualTo("camera-7");
            assertThat(alert.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
            assertThat(alert.getModelName()).isEqualTo("mnist");
            assertThat(alert.getModelVersion()).isEqualTo("v3");
            assertThat(alert.getScore()).isEqualTo(6.0);
            assertThat(alert.getFeatureScores()).isEqualTo(Map.of("residual", 5.5, "critic", 0.5));
            assertThat(alert.getThreshold()).isEqualTo(2.0);
            assertThat(alert.getVerdict()).isEqualTo(Verdict.ANOMALY);
            assertThat(alert.getScoringLatencyMs()).isEqualTo(12.5);
            assertThat(alert.getScoredAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
            assertThat(alert.getSeverity()).as("ratio 3 lies in [2.5, 4)").isEqualTo(Severity.HIGH);
            assertThat(alert.getAttributes()).isEqualTo(attributes);

            DecodedImage thumb = ImageDecoder.decodeEncoded(bytes(alert.getThumbnail()));
            assertThat(thumb.width()).isEqualTo(64);
            assertThat(thumb.height()).isEqualTo(32);
            assertThat(thumb.channels()).isEqualTo(1);
        }

        @Test
        void anEventWithoutAttributesGivesAnAlertWithNone() {
            AnomalyScore score = AnomalyScore.newBuilder()
                    .setEventId("e").setSource("s").setEventTime(Instant.EPOCH)
                    .setModelName("m").setModelVersion("1").setScore(1.0).setThreshold(2.0)
                    .setVerdict(Verdict.ANOMALY).setScoringLatencyMs(0).setScoredAt(Instant.EPOCH)
                    .build();

            AnomalyAlert alert = alerts.alert(score, Map.of(), random(8, 8, 3));

            assertThat(alert.getAttributes()).isEmpty();
            assertThat(alert.getFeatureScores()).isEmpty();
            assertThat(alert.getSeverity()).isEqualTo(Severity.LOW);
        }

        @Test
        void attributesBeyondTheirBudgetAreLeftOutInKeyOrderAndTheAlertSaysHowMany() {
            Map<String, String> attributes = new java.util.TreeMap<>();
            for (int i = 0; i < 10; i++) {
                attributes.put("k" + i, "x".repeat(200)); // 202 bytes each: five fit in 1,024
            }

            AnomalyAlert alert = alerts.alert(anomalous("camera-1"), attributes, random(8, 8, 1));

            assertThat(alert.getAttributes()).containsKeys("k0", "k1", "k2", "k3", "k4")
                    .doesNotContainKeys("k5", "k9")
                    .containsEntry(Alerts.OMITTED_ATTRIBUTES,
                            "5 of 10 attributes (1010 bytes) left out to keep the alert small");
        }

        @Test
        void anAlertThatWouldNotFitTheRecordLimitDropsItsThumbnailFirst() {
            Alerts small = new Alerts(RATIOS, 256, 64 * 1024, 64 * 1024);
            DecodedImage noise = random(256, 256, 3); // a PNG of noise hardly compresses: ~196 KB

            AnomalyAlert alert = small.alert(anomalous("camera-1"), Map.of("line", "3"), noise);

            assertThat(alert.getThumbnail()).isNull();
            assertThat(alert.getAttributes()).containsEntry("line", "3");
            assertThat(ConfluentWireFormat.sizeOf(alert) + "camera-1".length()).isLessThanOrEqualTo(64 * 1024);
        }

        @Test
        void anAlertWithAttributesNearTheRecordLimitIsCutToFitIt() {
            Alerts tight = new Alerts(RATIOS, MAX_SIDE, 256 * 1024, 64 * 1024);
            Map<String, String> huge = Map.of("notes", "n".repeat(200_000));

            AnomalyAlert alert = tight.alert(anomalous("camera-1"), huge, random(64, 64, 3));

            assertThat(alert.getAttributes()).doesNotContainKey("notes").containsKey(Alerts.OMITTED_ATTRIBUTES);
            assertThat(ConfluentWireFormat.sizeOf(alert) + "camera-1".length()).isLessThanOrEqualTo(64 * 1024);
        }

        private static AnomalyScore anomalous(String source) {
            return AnomalyScore.newBuilder()
                    .setEventId("e").setSource(source).setEventTime(Instant.EPOCH)
                    .setModelName("m").setModelVersion("1").setScore(9.0).setThreshold(2.0)
                    .setVerdict(Verdict.ANOMALY).setScoringLatencyMs(0).setScoredAt(Instant.EPOCH)
                    .build();
        }

        private static byte[] bytes(ByteBuffer buffer) {
            byte[] b = new byte[buffer.remaining()];
            buffer.duplicate().get(b);
            return b;
        }
    }

    private static DecodedImage random(int width, int height, int channels) {
        byte[] px = new byte[width * height * channels];
        new Random(width * 31L + height).nextBytes(px);
        return new DecodedImage(width, height, channels, px);
    }
}
